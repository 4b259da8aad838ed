/* chunk_queue: the ring a pull hands a layer's bytes to its unpacking thread through. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "image/chunk_queue.h"
#include "image/digest.h"
#include "util/utils.h"

#define STREAM_LEN (8u * 1024 * 1024 + 12345)
#define RING 65536

static unsigned char *stream;
/* TAP_CHECK evaluates its condition twice: calls with side effects go here first. */
static int call_r;

struct consumer {
    struct chunk_queue *q;
    char digest[DIGEST_STR_SIZE];
    uint64_t bytes;
    size_t largest_chunk;
    bool out_of_order;
};

/* Reads to the end through the blob_source interface, as stream.c does;
 * checks each byte against the stream as it goes. */
static void *consume(void *arg)
{
    struct consumer *c = arg;
    struct blob_source src = chunk_queue_source(c->q);
    struct digester d;
    digester_init(&d);
    for (;;) {
        const void *buf;
        ssize_t n = src.read(src.data, &buf);
        if (n <= 0)
            break;
        if (memcmp(buf, stream + c->bytes, (size_t)n))
            c->out_of_order = true;
        if ((size_t)n > c->largest_chunk)
            c->largest_chunk = (size_t)n;
        digester_update(&d, buf, (size_t)n);
        c->bytes += (uint64_t)n;
        if (c->bytes % 7 == 0)
            usleep(50); /* a slow consumer now and then: the producer gets turned away */
    }
    digester_final(&d, c->digest);
    return NULL;
}

/* The producer as fetch.c drives it: never blocking, waiting in poll() on the
 * notify fd when the ring was full. */
static void produce(struct chunk_queue *q, int notify_r, unsigned *turned_away, bool *stalled)
{
    size_t off = 0;
    unsigned seed = 1;
    while (off < STREAM_LEN) {
        size_t want = 1 + (rand_r(&seed) % (3 * RING / 2)); /* sometimes more than the ring holds */
        if (want > STREAM_LEN - off)
            want = STREAM_LEN - off;
        size_t n = chunk_queue_push(q, stream + off, want);
        off += n;
        if (n < want) {
            (*turned_away)++;
            struct pollfd p = {.fd = notify_r, .events = POLLIN};
            /* 10 s: only a lost wakeup gets anywhere near it. */
            if (poll(&p, 1, 10000) != 1) {
                *stalled = true;
                return;
            }
            char buf[64];
            while (read(notify_r, buf, sizeof buf) > 0)
                ;
        }
    }
    chunk_queue_close(q);
}

/* The producer as fetch.c drives it with a transfer it can stop: it asks for
 * room for a whole read before each one, and waits for the notify fd when
 * there is none; push then always takes everything. */
static void produce_with_room(struct chunk_queue *q, int notify_r, size_t chunk, unsigned *waits, bool *short_push,
                              bool *stalled)
{
    size_t off = 0;
    while (off < STREAM_LEN) {
        if (!chunk_queue_has_room(q, chunk)) {
            (*waits)++;
            struct pollfd p = {.fd = notify_r, .events = POLLIN};
            if (poll(&p, 1, 10000) != 1) {
                *stalled = true;
                return;
            }
            char buf[64];
            while (read(notify_r, buf, sizeof buf) > 0)
                ;
            continue;
        }
        size_t want = chunk < STREAM_LEN - off ? chunk : STREAM_LEN - off;
        size_t n = chunk_queue_push(q, stream + off, want);
        if (n != want)
            *short_push = true;
        off += n;
    }
    chunk_queue_close(q);
}

int main(void)
{
    stream = xmalloc0(STREAM_LEN);
    unsigned seed = 42;
    for (size_t i = 0; i < STREAM_LEN; i++)
        stream[i] = (unsigned char)rand_r(&seed);
    char want[DIGEST_STR_SIZE];
    digest_of(stream, STREAM_LEN, want);

    int fds[2];
    call_r = pipe2(fds, O_CLOEXEC | O_NONBLOCK);
    TAP_CHECK(call_r == 0, "notify pipe");
    struct chunk_queue *q = chunk_queue_new(RING, fds[1]);
    struct consumer c = {.q = q};
    pthread_t t;
    pthread_create(&t, NULL, consume, &c);
    unsigned turned_away = 0;
    bool stalled = false;
    produce(q, fds[0], &turned_away, &stalled);
    if (stalled)
        chunk_queue_close(q); /* let the consumer end */
    pthread_join(t, NULL);
    TAP_CHECK(!stalled, "the producer is always called back after being turned away");
    TAP_CHECK(turned_away > 0, "a full ring turns the producer away (%u times)", turned_away);
    TAP_CHECK(c.bytes == STREAM_LEN, "every byte arrives (%llu)", (unsigned long long)c.bytes);
    TAP_CHECK(!c.out_of_order, "in order, unchanged");
    TAP_CHECK(!strcmp(c.digest, want), "the same digest on both sides");
    TAP_CHECK(c.largest_chunk <= RING, "a chunk never exceeds the ring");
    chunk_queue_free(q);

    /* Asking for room first (chunk_queue_has_room): never turned away, never stalled. */
    q = chunk_queue_new(RING, fds[1]);
    struct consumer c2 = {.q = q};
    pthread_create(&t, NULL, consume, &c2);
    unsigned waits = 0;
    bool short_push = false;
    stalled = false;
    produce_with_room(q, fds[0], RING / 2, &waits, &short_push, &stalled);
    if (stalled)
        chunk_queue_close(q);
    pthread_join(t, NULL);
    TAP_CHECK(!stalled, "a producer told there is no room is called back once half the ring is free");
    TAP_CHECK(waits > 0 && !short_push, "it waited (%u times) and every push took all it was given", waits);
    TAP_CHECK(c2.bytes == STREAM_LEN && !c2.out_of_order && !strcmp(c2.digest, want), "every byte, in order");

    /* The same ring for another stream (fetch.c hands a finished layer's to the next). */
    chunk_queue_reset(q);
    struct consumer c3 = {.q = q};
    pthread_create(&t, NULL, consume, &c3);
    turned_away = 0;
    stalled = false;
    produce(q, fds[0], &turned_away, &stalled);
    if (stalled)
        chunk_queue_close(q);
    pthread_join(t, NULL);
    TAP_CHECK(!stalled && c3.bytes == STREAM_LEN && !c3.out_of_order && !strcmp(c3.digest, want),
              "a ring reset after a stream carries the next one whole (%llu bytes)", (unsigned long long)c3.bytes);
    chunk_queue_free(q);

    /* An empty stream: the end at once. */
    q = chunk_queue_new(RING, -1);
    chunk_queue_close(q);
    const void *buf;
    TAP_CHECK(chunk_queue_read(q, &buf) == 0, "closed and empty: the end");
    chunk_queue_free(q);
    close(fds[0]);
    close(fds[1]);
    free(stream);
    return TAP_DONE();
}
