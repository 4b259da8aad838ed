/* hull logs: the output of a container, read back from the CRI-format log
 * hull-monitor writes (hull_monitor.c):
 *   2026-11-23T10:00:00.123456789Z stdout F hello
 * a P record is a piece of a line, joined to what follows; the files the
 * monitor rotated (--log-opt max-file, log_config.h) come first.
 * --since/--until are docker's: the lines --tail kept, then only those
 * written in [since, until], each record by its own time. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lifecycle.h"
#include "record.h"
#include "util/error_internal.h"
#include "util/utils.h"
#include "hull/hull-engine.h"

/* The reader's state: the caller's function and the time window. */
struct log_reader {
    engine_log_record_fn fn;
    void *data;
    int64_t since, until; /* 0: not given */
    bool past_until;      /* a record written after until was seen: the end */
};

static int64_t now_nanos(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Inside --since/--until?  A record after until ends the reading, as in
 * docker (the log is in time order); one whose time does not parse is
 * left out when a window is asked for. */
static bool in_window(struct log_reader *p, const char *ts, size_t len)
{
    if (!p->since && !p->until)
        return true;
    char text[64];
    int64_t t;
    if (len >= sizeof text)
        return false;
    memcpy(text, ts, len);
    text[len] = '\0';
    if (engine_parse_time_arg("timestamp", text, 0, &t, NULL) < 0)
        return false;
    if (p->until && t > p->until) {
        p->past_until = true;
        return false;
    }
    return t >= p->since;
}

/* One record (without its newline): handed to the caller; false when it is malformed. */
static bool hand_record(struct log_reader *p, const char *rec, size_t len)
{
    const char *ts_end = memchr(rec, ' ', len);
    if (!ts_end)
        return false;
    const char *stream = ts_end + 1;
    const char *stream_end = memchr(stream, ' ', len - (size_t)(stream - rec));
    if (!stream_end || stream_end + 2 > rec + len || (stream_end[1] != 'F' && stream_end[1] != 'P'))
        return false;
    bool is_err = (size_t)(stream_end - stream) == 6 && !memcmp(stream, "stderr", 6);
    bool full = stream_end[1] == 'F';
    if (p->past_until || !in_window(p, rec, (size_t)(ts_end - rec)))
        return true;
    const char *text = stream_end + 2;
    if (text < rec + len && *text == ' ')
        text++;
    struct engine_log_record r = {
        .is_stderr = is_err,
        .full = full,
        .timestamp = rec,
        .timestamp_len = (size_t)(ts_end - rec),
        .text = text,
        .text_len = (size_t)(rec + len - text),
    };
    p->fn(&r, p->data);
    return true;
}

/* Hands on the records in buf[0..len) that end with a newline, then NULL
 * (the end of a batch: the caller flushes); returns how many bytes it used
 * (the rest is a record still being written). */
static size_t hand_records(struct log_reader *p, const char *buf, size_t len)
{
    size_t used = 0;
    for (;;) {
        const char *nl = memchr(buf + used, '\n', len - used);
        if (!nl)
            break;
        hand_record(p, buf + used, (size_t)(nl - (buf + used)));
        used = (size_t)(nl - buf) + 1;
    }
    p->fn(NULL, p->data);
    return used;
}

/* The offset where the last n lines begin: counted backwards by F records,
 * so that a line made of pieces counts once. */
static size_t tail_offset(const char *buf, size_t len, int64_t n)
{
    if (n < 0)
        return 0;
    size_t end = len;
    /* ignore a record still being written */
    while (end > 0 && buf[end - 1] != '\n')
        end--;
    int64_t lines = 0;
    size_t pos = end;
    while (pos > 0) {
        size_t start = pos - 1;
        while (start > 0 && buf[start - 1] != '\n')
            start--;
        const char *rec = buf + start;
        const char *sp1 = memchr(rec, ' ', pos - start);
        const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', pos - start - (size_t)(sp1 + 1 - rec)) : NULL;
        if (sp2 && sp2[1] == 'F') {
            if (lines == n)
                return pos;
            lines++;
        }
        pos = start;
    }
    return 0;
}

/* Still worth waiting for more output?  The record says running until
 * `_monitor-exit` has run, which is after the monitor wrote the last line;
 * a monitor that was killed leaves "running" behind, so the runtime's word
 * that the init is gone ends the wait after a grace period. */
static bool still_running(const char *root, const char *runroot, const char *id, int *gone_for_ms)
{
    struct engine_record *rec = NULL;
    if (engine_record_read(root, id, &rec, NULL) < 0)
        return false;
    const char *st = rec->state.status;
    bool running = !strcmp(st, "running") || !strcmp(st, "paused");
    engine_record_free(rec);
    if (!running)
        return false;
    if (engine_container_running(runroot, id)) {
        *gone_for_ms = 0;
        return true;
    }
    *gone_for_ms += 100;
    return *gone_for_ms < 2000;
}

/* The rotated files (--log-opt max-file, log_config.h), oldest first:
 * PATH.N ... PATH.1, read into one buffer. */
static char *read_rotated(const char *path, size_t *len_out)
{
    int last = 0;
    for (int k = 1; k <= 1000; k++) {
        cleanup_free char *p = xasprintf("%s.%d", path, k);
        if (access(p, F_OK) < 0)
            break;
        last = k;
    }
    char *all = xstrdup("");
    size_t len = 0;
    for (int k = last; k >= 1; k--) {
        cleanup_free char *p = xasprintf("%s.%d", path, k);
        cleanup_free char *text = NULL;
        size_t n = 0;
        if (read_file(p, &text, &n, NULL) < 0)
            continue; /* rotated away meanwhile */
        all = xrealloc(all, len + n + 1);
        memcpy(all + len, text, n);
        len += n;
        all[len] = '\0';
    }
    *len_out = len;
    return all;
}

/* True when PATH is no longer the file fd reads (the monitor rotated it),
 * or fd's file was truncated below off (max-file 1). */
static bool log_replaced(int fd, const char *path, off_t off)
{
    struct stat a, b;
    if (fstat(fd, &a) < 0 || stat(path, &b) < 0)
        return false; /* between the rename and the new file: look again later */
    return a.st_ino != b.st_ino || a.st_dev != b.st_dev || a.st_size < off;
}

/* The monitor rotated PATH away from under fd, which is read to its end
 * (at off): prints the files rotated after it (PATH.K-1 ... PATH.1, K the
 * place fd's file has now, all of them when it is gone) and returns a new
 * fd of PATH at its start.  A truncated file (max-file 1) is read again
 * from its start: -1 then, fd stays. */
static int follow_rotation(struct log_reader *p, int fd, const char *path, off_t off)
{
    struct stat old, st;
    if (fstat(fd, &old) < 0)
        return -1;
    if (stat(path, &st) == 0 && st.st_ino == old.st_ino && st.st_dev == old.st_dev) {
        if (st.st_size < off)
            lseek(fd, 0, SEEK_SET);
        return -1;
    }
    int k = 1;
    for (; k <= 1000; k++) {
        cleanup_free char *rotated = xasprintf("%s.%d", path, k);
        if (stat(rotated, &st) < 0 || (st.st_ino == old.st_ino && st.st_dev == old.st_dev))
            break;
    }
    for (int j = k - 1; j >= 1; j--) {
        cleanup_free char *rotated = xasprintf("%s.%d", path, j);
        cleanup_free char *text = NULL;
        size_t len = 0;
        if (read_file(rotated, &text, &len, NULL) == 0)
            hand_records(p, text, len);
    }
    return open(path, O_RDONLY | O_CLOEXEC);
}

/* -f of a running container without a log yet: hull-monitor makes it with
 * the first line of output (a silent program never has one).  Polled until
 * it appears or the container is gone; -1 (errno ENOENT) then. */
static int wait_for_log(const struct engine_logs_opts *o, const char *id, const char *path)
{
    int gone_for_ms = 0;
    for (;;) {
        bool running = still_running(o->root, o->runroot, id, &gone_for_ms);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0 || errno != ENOENT || !running || (o->until && now_nanos() > o->until))
            return fd;
        usleep(100 * 1000);
    }
}

static int show_logs(const struct engine_logs_opts *o, const char *id, const char *path, struct log_reader *p,
                     struct hull_error **err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && o->follow)
        fd = wait_for_log(o, id, path);
    if (fd < 0) {
        /* every container's monitor logs its output (foreground ones too),
         * from the first line on: none is a container never started or
         * silent so far, whose log is empty (docker) */
        if (errno == ENOENT)
            return 0;
        return hull_error_set(err, 0, "open %s: %s", path, strerror(errno));
    }
    cleanup_close int fd_owner = fd;
    size_t old_len = 0;
    cleanup_free char *old = read_rotated(path, &old_len);
    cleanup_free char *cur = NULL;
    size_t cur_len = 0;
    if (read_file(path, &cur, &cur_len, err) < 0)
        return -1;
    size_t len = old_len + cur_len;
    cleanup_free char *all = xmalloc0(len + 1);
    memcpy(all, old, old_len);
    memcpy(all + old_len, cur, cur_len);
    size_t start = tail_offset(all, len, o->tail);
    size_t used = start + hand_records(p, all + start, len - start);
    if (!o->follow || p->past_until)
        return 0;
    /* Follow from the first byte not printed: a record cut at the end of
     * the first read is completed by the next. */
    used = used > old_len ? used - old_len : 0;
    if (lseek(fd, (off_t)used, SEEK_SET) < 0)
        return hull_error_set(err, 0, "seek %s: %s", path, strerror(errno));
    char buf[65536];
    size_t have = 0;
    int gone_for_ms = 0;
    bool switching = false;
    for (bool last_round = false;;) {
        ssize_t n = read(fd, buf + have, sizeof buf - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return hull_error_set(err, 0, "read %s: %s", path, strerror(errno));
        if (n > 0) {
            have += (size_t)n;
            size_t u = hand_records(p, buf, have);
            if (u == 0 && have == sizeof buf)
                u = have; /* a record longer than the buffer: cannot happen with hull-monitor's */
            memmove(buf, buf + u, have - u);
            have -= u;
            if (p->past_until)
                return 0;
            continue;
        }
        off_t off = lseek(fd, 0, SEEK_CUR);
        if (!switching && log_replaced(fd, path, off)) {
            /* A record written just before the rotation may follow our
             * EOF: one more read of the old file first. */
            switching = true;
            continue;
        }
        if (switching) {
            switching = false;
            int nfd = follow_rotation(p, fd, path, off);
            if (nfd >= 0) {
                close(fd_owner);
                fd = fd_owner = nfd;
            }
            have = 0;
            continue;
        }
        /* --until with -f: the output stops there, written or not (docker) */
        if (last_round || p->past_until || (o->until && now_nanos() > o->until))
            return 0;
        if (!still_running(o->root, o->runroot, id, &gone_for_ms))
            last_round = true; /* one more read for what came before the end */
        else
            usleep(100 * 1000);
    }
}

int engine_container_logs(const struct engine_logs_opts *o, engine_log_record_fn fn, void *data,
                          struct hull_error **err)
{
    cleanup_free char *id = NULL;
    if (engine_container_resolve(o->root, o->container, &id, err) < 0)
        return -1;
    cleanup_free char *dir = engine_container_dir(o->root, id);
    cleanup_free char *path = xasprintf("%s/ctr.log", dir);
    struct log_reader reader = {.fn = fn, .data = data, .since = o->since, .until = o->until};
    return show_logs(o, id, path, &reader, err);
}
