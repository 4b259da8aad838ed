/* A single-producer, single-consumer byte ring: see chunk_queue.h. */
#include "chunk_queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/utils.h"

struct chunk_queue {
    pthread_mutex_t mutex;
    pthread_cond_t readable;
    char *ring;
    size_t capacity;
    /* Stream offsets (they only grow; the ring position is offset % capacity). */
    uint64_t written;     /* pushed by the producer */
    uint64_t released;    /* done with by the consumer: free space again */
    uint64_t reading_end; /* the end of the chunk the consumer holds */
    bool closed;
    bool consumer_waiting;
    bool producer_turned_away;
    int notify_fd;
};

struct chunk_queue *chunk_queue_new(size_t capacity, int notify_fd)
{
    struct chunk_queue *q = xmalloc0(sizeof *q);
    pthread_mutex_init(&q->mutex, NULL);
    pthread_cond_init(&q->readable, NULL);
    q->ring = xmalloc0(capacity);
    q->capacity = capacity;
    q->notify_fd = notify_fd;
    return q;
}

void chunk_queue_reset(struct chunk_queue *q)
{
    q->written = q->released = q->reading_end = 0;
    q->closed = q->consumer_waiting = q->producer_turned_away = false;
}

void chunk_queue_free(struct chunk_queue *q)
{
    if (!q)
        return;
    pthread_cond_destroy(&q->readable);
    pthread_mutex_destroy(&q->mutex);
    free(q->ring);
    free(q);
}

size_t chunk_queue_space(struct chunk_queue *q)
{
    pthread_mutex_lock(&q->mutex);
    size_t space = q->capacity - (size_t)(q->written - q->released);
    pthread_mutex_unlock(&q->mutex);
    return space;
}

bool chunk_queue_has_room(struct chunk_queue *q, size_t len)
{
    pthread_mutex_lock(&q->mutex);
    bool room = q->capacity - (size_t)(q->written - q->released) >= len;
    if (!room)
        q->producer_turned_away = true;
    pthread_mutex_unlock(&q->mutex);
    return room;
}

size_t chunk_queue_push(struct chunk_queue *q, const void *data, size_t len)
{
    pthread_mutex_lock(&q->mutex);
    size_t space = q->capacity - (size_t)(q->written - q->released);
    uint64_t at = q->written;
    if (space < len)
        q->producer_turned_away = true; /* set with the space seen: a release after it will notify */
    pthread_mutex_unlock(&q->mutex);
    size_t n = len < space ? len : space;
    if (n == 0)
        return 0;
    /* [written, released + capacity) is the producer's alone: copy without the lock. */
    size_t pos = (size_t)(at % q->capacity);
    size_t first = q->capacity - pos < n ? q->capacity - pos : n;
    memcpy(q->ring + pos, data, first);
    memcpy(q->ring, (const char *)data + first, n - first);
    pthread_mutex_lock(&q->mutex);
    q->written += n;
    if (q->consumer_waiting)
        pthread_cond_signal(&q->readable);
    pthread_mutex_unlock(&q->mutex);
    return n;
}

void chunk_queue_close(struct chunk_queue *q)
{
    pthread_mutex_lock(&q->mutex);
    q->closed = true;
    pthread_cond_signal(&q->readable);
    pthread_mutex_unlock(&q->mutex);
}

static void notify_producer(struct chunk_queue *q)
{
    if (q->notify_fd < 0)
        return;
    char c = 'q';
    /* A full notify pipe already says "go on": EAGAIN is fine. */
    while (write(q->notify_fd, &c, 1) < 0 && errno == EINTR)
        ;
}

size_t chunk_queue_read(struct chunk_queue *q, const void **buf)
{
    bool notify = false;
    pthread_mutex_lock(&q->mutex);
    q->released = q->reading_end;
    /* Half the ring free before the producer is called back: it then pushes a
     * big piece at once instead of waking up for every chunk read. */
    if (q->producer_turned_away && q->capacity - (q->written - q->released) >= q->capacity / 2) {
        q->producer_turned_away = false;
        notify = true;
    }
    while (q->written == q->released && !q->closed) {
        if (notify) { /* the producer may be all that can end this wait */
            pthread_mutex_unlock(&q->mutex);
            notify_producer(q);
            notify = false;
            pthread_mutex_lock(&q->mutex);
            continue;
        }
        q->consumer_waiting = true;
        pthread_cond_wait(&q->readable, &q->mutex);
        q->consumer_waiting = false;
    }
    size_t pos = (size_t)(q->released % q->capacity);
    size_t avail = (size_t)(q->written - q->released);
    size_t n = q->capacity - pos < avail ? q->capacity - pos : avail;
    q->reading_end = q->released + n;
    pthread_mutex_unlock(&q->mutex);
    if (notify)
        notify_producer(q);
    *buf = q->ring + pos;
    return n;
}

static ssize_t source_read(void *data, const void **buf)
{
    return (ssize_t)chunk_queue_read(data, buf);
}

struct blob_source chunk_queue_source(struct chunk_queue *q)
{
    return (struct blob_source){.read = source_read, .data = q};
}
