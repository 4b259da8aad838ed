/* Parallel streaming layer downloads: see fetch.h. */
#include "fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "image/chunk_queue.h"
#include "util/utils.h"

#define MAX_ATTEMPTS 5
/* Per layer in flight: two of curl's biggest writes, so that a transfer goes
 * on while the unpacker works through the other half. */
#define QUEUE_SIZE (2 * 1024 * 1024)
#define RECV_BUFFER_SIZE (512L * 1024)

enum job_state { JOB_QUEUED, JOB_ACTIVE, JOB_RETRY_WAIT, JOB_DOWNLOADED, JOB_DONE, JOB_SKIPPED };

struct job {
    struct fetch *f;
    size_t index;
    const struct image_ingest_layer *layer;
    enum job_state state;
    struct chunk_queue *queue; /* to the worker; freed by the main thread after the join */
    bool queue_closed;
    pthread_t thread;
    bool thread_started;
    int thread_done; /* atomic */
    int thread_ret;
    struct hull_error *thread_err;
    CURL *h;
    struct curl_slist *headers;
    uint64_t received;   /* blob bytes accepted from curl (written or pending) */
    uint64_t skip;       /* bytes to drop: a registry that ignored our Range */
    bool first_write;    /* of this attempt: check the status */
    char *pending;       /* accepted but not yet in the queue */
    size_t pending_len, pending_off;
    bool paused;
    size_t recv_chunk;   /* the most curl hands over per callback: the room kept free */
    bool close_after_flush; /* the transfer ended: close the queue once pending is out */
    int attempts;
    struct timespec retry_at;
    struct hull_error *net_err; /* why the transfer failed */
    bool reauthed;
    char errbuf[CURL_ERROR_SIZE];
};

struct fetch {
    const struct fetch_request *req;
    CURLM *multi;
    struct job *jobs;
    size_t n_jobs;
    int notify_r, notify_w; /* workers write a byte here when they end or their queue has room */
    struct chunk_queue **spare; /* of layers done, for the next ones */
    size_t n_spare;
};

static void emit(struct fetch *f, enum registry_pull_event_kind kind, const struct job *j)
{
    const struct registry_pull_progress *p = f->req->progress;
    if (!p || !p->fn)
        return;
    struct registry_pull_event ev = {
        .kind = kind,
        .layer = j->index,
        .n_layers = f->req->n_layers,
        .layer_digest = j->layer->digest,
        .done = j->received,
        .total = j->layer->size,
    };
    p->fn(&ev, p->data);
}

static void *worker(void *arg)
{
    struct job *j = arg;
    struct blob_source src = chunk_queue_source(j->queue);
    j->thread_ret = image_ingest_add_layer_from(j->f->req->ingest, j->index, -1, &src, &j->thread_err);
    __atomic_store_n(&j->thread_done, 1, __ATOMIC_RELEASE);
    char c = 'x';
    while (write(j->f->notify_w, &c, 1) < 0 && errno == EINTR)
        ;
    return NULL;
}

/* ---- curl callbacks (main thread) ---- */

/* Hands over what the queue takes now; the rest waits in pending. */
static void flush_pending(struct job *j)
{
    j->pending_off += chunk_queue_push(j->queue, j->pending + j->pending_off, j->pending_len - j->pending_off);
    if (j->pending_off == j->pending_len)
        j->pending_len = j->pending_off = 0;
}

static size_t on_data(char *data, size_t size, size_t nmemb, void *user)
{
    struct job *j = user;
    size_t n = size * nmemb;
    if (j->first_write) {
        j->first_write = false;
        long status = 0;
        curl.easy_getinfo(j->h, CURLINFO_RESPONSE_CODE, &status);
        /* We asked for bytes=received-; a 200 is the whole blob again. */
        j->skip = status == 206 ? 0 : j->received;
        if (status != 206)
            j->received = 0;
    }
    if (j->pending_len > j->pending_off) {
        j->paused = true;
        return CURL_WRITEFUNC_PAUSE; /* curl keeps this data and offers it again on unpause */
    }
    size_t off = 0;
    if (j->skip) {
        size_t drop = j->skip < n ? (size_t)j->skip : n;
        j->skip -= drop;
        j->received += drop;
        off = drop;
    }
    if (j->received + (n - off) > j->layer->size) {
        hull_error_set(&j->net_err, 0, "layer %zu (%s): the registry sent more than the %llu bytes its descriptor says",
                       j->index + 1, j->layer->digest, (unsigned long long)j->layer->size);
        return 0;
    }
    size_t w = chunk_queue_push(j->queue, data + off, n - off);
    j->received += w;
    off += w;
    if (off < n) { /* the worker is behind: keep the rest, pause until it has room */
        size_t rest = n - off;
        j->pending = xrealloc(j->pending, rest);
        memcpy(j->pending, data + off, rest);
        j->pending_len = rest;
        j->pending_off = 0;
        j->received += rest;
    } else if (!j->paused && !chunk_queue_has_room(j->queue, j->recv_chunk)) {
        /* No room for another read: stop reading the socket until the worker
         * frees half the ring.  Taking the next read and keeping what does
         * not fit (pending), or returning CURL_WRITEFUNC_PAUSE on it, copies
         * it once more, each time into fresh memory: curl keeps a paused
         * write in a buffer of its own. */
        j->paused = true;
        curl.easy_pause(j->h, CURLPAUSE_RECV);
    }
    return n;
}

/* ---- transfers ---- */

static int start_transfer(struct fetch *f, struct job *j, struct hull_error **err)
{
    const struct fetch_request *req = f->req;
    cleanup_free char *path = xasprintf("/v2/%s/blobs/%s", req->repo, j->layer->digest);
    if (registry_client_easy(req->client, path, req->scope, &j->h, &j->headers, err) < 0)
        return -1;
    if (j->received > 0) {
        cleanup_free char *range = xasprintf("%llu-", (unsigned long long)j->received);
        curl.easy_setopt(j->h, CURLOPT_RANGE, range);
    }
    /* curl's default 16 KiB receive buffer means a callback, and a hand-over to the
     * queue, per 16 KiB: bigger reads, fewer wakeups of the unpacker.  Not under
     * a speed limit: curl limits by pausing between reads, and big reads let the
     * kernel's TCP autotuning take most of a blob into the socket buffers at once
     * (a registry killed mid-pull then no longer interrupts it). */
    j->recv_chunk = CURL_MAX_WRITE_SIZE;
    if (registry_client_max_recv_speed(req->client) == 0) {
        curl.easy_setopt(j->h, CURLOPT_BUFFERSIZE, RECV_BUFFER_SIZE);
        j->recv_chunk = RECV_BUFFER_SIZE;
    }
    curl.easy_setopt(j->h, CURLOPT_FAILONERROR, 1L);
    curl.easy_setopt(j->h, CURLOPT_WRITEFUNCTION, on_data);
    curl.easy_setopt(j->h, CURLOPT_WRITEDATA, j);
    curl.easy_setopt(j->h, CURLOPT_PRIVATE, j);
    curl.easy_setopt(j->h, CURLOPT_ERRORBUFFER, j->errbuf);
    j->errbuf[0] = '\0';
    j->first_write = true;
    j->paused = false;
    j->attempts++;
    CURLMcode mc = curl.multi_add_handle(f->multi, j->h);
    if (mc != CURLM_OK)
        return hull_error_set(err, 0, "curl: %s", curl.multi_strerror(mc));
    j->state = JOB_ACTIVE;
    return 0;
}

static void stop_transfer(struct fetch *f, struct job *j)
{
    if (j->h) {
        curl.multi_remove_handle(f->multi, j->h);
        curl.easy_cleanup(j->h);
        j->h = NULL;
    }
    if (j->headers) {
        curl.slist_free_all(j->headers);
        j->headers = NULL;
    }
}

static int begin_job(struct fetch *f, struct job *j, struct hull_error **err)
{
    if (f->n_spare > 0) {
        j->queue = f->spare[--f->n_spare];
        chunk_queue_reset(j->queue);
    } else {
        j->queue = chunk_queue_new(QUEUE_SIZE, f->notify_w);
    }
    int r = pthread_create(&j->thread, NULL, worker, j);
    if (r != 0)
        return hull_error_set(err, r, "start a thread for layer %zu", j->index + 1);
    j->thread_started = true;
    emit(f, REGISTRY_PULL_LAYER_BYTES, j);
    return start_transfer(f, j, err);
}

static void timespec_after_ms(struct timespec *ts, long ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static long ms_until(const struct timespec *ts)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (ts->tv_sec - now.tv_sec) * 1000 + (ts->tv_nsec - now.tv_nsec) / 1000000;
    return ms < 0 ? 0 : ms;
}

/* The worker sees the end of the blob once it has read what is queued. */
static void close_queue(struct job *j)
{
    if (j->queue && !j->queue_closed)
        chunk_queue_close(j->queue);
    j->queue_closed = true;
}

/* A transfer ended with code. */
static int transfer_ended(struct fetch *f, struct job *j, CURLcode code, struct hull_error **err)
{
    const struct fetch_request *req = f->req;
    long status = 0;
    curl.easy_getinfo(j->h, CURLINFO_RESPONSE_CODE, &status);
    stop_transfer(f, j);
    if (j->net_err) { /* our own callback stopped it */
        *err = steal_pointer(&j->net_err);
        return -1;
    }
    if (code == CURLE_OK) {
        if (j->received != j->layer->size)
            return hull_error_set(err, 0, "layer %zu (%s): the registry sent %llu bytes, the descriptor says %llu",
                                  j->index + 1, j->layer->digest, (unsigned long long)j->received,
                                  (unsigned long long)j->layer->size);
        j->state = JOB_DOWNLOADED;
        emit(f, REGISTRY_PULL_LAYER_DOWNLOADED, j);
        if (j->pending_len > j->pending_off)
            j->close_after_flush = true;
        else
            close_queue(j);
        return 0;
    }
    bool http_error = code == CURLE_HTTP_RETURNED_ERROR;
    if (http_error && status == 401 && !j->reauthed) {
        j->reauthed = true; /* token expired: registry_client_easy fetches a new one */
        j->state = JOB_RETRY_WAIT;
        timespec_after_ms(&j->retry_at, 0);
        return 0;
    }
    bool transient = http_error ? registry_status_is_transient(status) : registry_curl_code_is_transient(code);
    if (transient && j->attempts < MAX_ATTEMPTS) {
        j->state = JOB_RETRY_WAIT;
        timespec_after_ms(&j->retry_at, 250L << j->attempts);
        emit(f, REGISTRY_PULL_LAYER_RETRY, j);
        return 0;
    }
    cleanup_free char *what = xasprintf("layer %zu (%s)", j->index + 1, j->layer->digest);
    if (http_error) {
        struct registry_response r = {.status = status};
        return registry_client_status_error(req->client, &r, what, err);
    }
    return registry_client_curl_error(req->client, code, j->errbuf, what, err);
}

static int worker_ended(struct fetch *f, struct job *j, struct hull_error **err)
{
    pthread_join(j->thread, NULL);
    j->thread_started = false;
    if (j->thread_ret < 0) {
        *err = steal_pointer(&j->thread_err);
        return -1;
    }
    if (j->state != JOB_DOWNLOADED) /* cannot happen: the worker reads to the end of the queue */
        return hull_error_set(err, 0, "layer %zu: the unpacker finished before the download", j->index + 1);
    j->state = JOB_DONE;
    /* Its transfer and its worker are over: the ring goes to the next layer. */
    f->spare[f->n_spare++] = steal_pointer(&j->queue);
    emit(f, REGISTRY_PULL_LAYER_DONE, j);
    return 0;
}

/* Stops everything: transfers, then the workers (their queues reach the end). */
static void abort_all(struct fetch *f)
{
    for (size_t i = 0; i < f->n_jobs; i++) {
        struct job *j = &f->jobs[i];
        stop_transfer(f, j);
        close_queue(j);
    }
    for (size_t i = 0; i < f->n_jobs; i++) {
        struct job *j = &f->jobs[i];
        if (j->thread_started) {
            pthread_join(j->thread, NULL);
            j->thread_started = false;
        }
    }
}

static size_t count_busy(struct fetch *f)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_jobs; i++) {
        enum job_state s = f->jobs[i].state;
        n += s == JOB_ACTIVE || s == JOB_RETRY_WAIT || s == JOB_DOWNLOADED;
    }
    return n;
}

static int step(struct fetch *f, unsigned max_concurrent, bool *finished, struct hull_error **err)
{
    /* Start what the limit allows, in manifest order. */
    size_t busy = count_busy(f);
    for (size_t i = 0; i < f->n_jobs && busy < max_concurrent; i++)
        if (f->jobs[i].state == JOB_QUEUED) {
            if (begin_job(f, &f->jobs[i], err) < 0)
                return -1;
            busy++;
        }
    int running;
    CURLMcode mc = curl.multi_perform(f->multi, &running);
    if (mc != CURLM_OK)
        return hull_error_set(err, 0, "curl: %s", curl.multi_strerror(mc));
    CURLMsg *msg;
    int left;
    while ((msg = curl.multi_info_read(f->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct job *j = NULL;
        curl.easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
        if (transfer_ended(f, j, msg->data.result, err) < 0)
            return -1;
    }
    /* Workers that ended. */
    char buf[64];
    while (read(f->notify_r, buf, sizeof buf) > 0)
        ;
    bool slot_freed = false;
    for (size_t i = 0; i < f->n_jobs; i++) {
        struct job *j = &f->jobs[i];
        if (j->thread_started && __atomic_load_n(&j->thread_done, __ATOMIC_ACQUIRE)) {
            if (worker_ended(f, j, err) < 0)
                return -1;
            slot_freed = true;
        }
    }
    /* Queues with room again (their workers wrote to notify); retries that are
     * due.  A layer that ended frees a slot for the next one, which the next
     * step starts at once: waiting here would wait for nothing when no other
     * transfer is running (a whole second per layer with --max-concurrent 1). */
    long timeout = slot_freed ? 0 : 1000;
    struct curl_waitfd extra[f->n_jobs + 1];
    unsigned n_extra = 0;
    extra[n_extra++] = (struct curl_waitfd){.fd = f->notify_r, .events = CURL_WAIT_POLLIN};
    bool all_done = true;
    for (size_t i = 0; i < f->n_jobs; i++) {
        struct job *j = &f->jobs[i];
        if (j->state != JOB_DONE && j->state != JOB_SKIPPED)
            all_done = false;
        if (j->pending_len > j->pending_off) {
            flush_pending(j);
            if (j->pending_len > j->pending_off)
                continue; /* the worker writes to notify_r when it has read half its queue */
            if (j->close_after_flush)
                close_queue(j);
        }
        /* (has_room asks the worker to notify when it does not) */
        if (j->paused && j->h && chunk_queue_has_room(j->queue, j->recv_chunk)) {
            j->paused = false;
            curl.easy_pause(j->h, CURLPAUSE_CONT); /* may call on_data right away */
        }
        if (j->state == JOB_RETRY_WAIT) {
            long ms = ms_until(&j->retry_at);
            if (ms == 0) {
                if (start_transfer(f, j, err) < 0)
                    return -1;
                timeout = 0;
            } else if (ms < timeout) {
                timeout = ms;
            }
        }
        if (j->state == JOB_ACTIVE)
            emit(f, REGISTRY_PULL_LAYER_BYTES, j);
    }
    if (all_done) {
        *finished = true;
        return 0;
    }
    mc = curl.multi_poll(f->multi, extra, n_extra, (int)timeout, NULL);
    if (mc != CURLM_OK)
        return hull_error_set(err, 0, "curl: %s", curl.multi_strerror(mc));
    return 0;
}

int registry_fetch_layers(const struct fetch_request *req, struct hull_error **err)
{
    struct fetch f = {.req = req, .notify_r = -1, .notify_w = -1};
    f.jobs = xmalloc0((req->n_layers + 1) * sizeof *f.jobs);
    f.spare = xmalloc0((req->n_layers + 1) * sizeof *f.spare);
    f.n_jobs = req->n_layers;
    for (size_t i = 0; i < req->n_layers; i++) {
        struct job *j = &f.jobs[i];
        j->f = &f;
        j->index = i;
        j->layer = &req->layers[i];
        j->state = JOB_QUEUED;
        /* In the store already, or the same content as an earlier layer of this image. */
        bool skip = !image_ingest_layer_needed(req->ingest, i);
        for (size_t k = 0; k < i && !skip; k++)
            skip = f.jobs[k].state == JOB_QUEUED &&
                   !strcmp(image_ingest_diff_id(req->ingest, k), image_ingest_diff_id(req->ingest, i));
        if (skip) {
            j->state = JOB_SKIPPED;
            emit(&f, REGISTRY_PULL_LAYER_EXISTS, j);
        } else {
            emit(&f, REGISTRY_PULL_LAYER_WAITING, j);
            *req->downloaded = true;
        }
    }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
        free(f.jobs);
        return hull_error_set(err, errno, "pipe");
    }
    f.notify_r = fds[0];
    f.notify_w = fds[1];
    f.multi = curl.multi_init();
    unsigned max = req->max_concurrent ? req->max_concurrent : REGISTRY_DEFAULT_MAX_CONCURRENT;
    bool finished = false;
    int ret = 0;
    while (!finished && ret == 0)
        ret = step(&f, max, &finished, err);
    abort_all(&f); /* nothing left to stop after a success; after a failure, everything */
    for (size_t i = 0; i < f.n_jobs; i++) {
        struct job *j = &f.jobs[i];
        chunk_queue_free(j->queue);
        free(j->pending);
        hull_error_free(j->thread_err);
        hull_error_free(j->net_err);
    }
    for (size_t i = 0; i < f.n_spare; i++)
        chunk_queue_free(f.spare[i]);
    free(f.spare);
    curl.multi_cleanup(f.multi);
    closep(&f.notify_r);
    closep(&f.notify_w);
    free(f.jobs);
    return ret;
}
