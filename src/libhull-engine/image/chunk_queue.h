/* hull: handing a byte stream from one thread to another without a pipe.
 *
 * A pull receives a layer in curl's write callback (the main thread, which
 * drives every transfer) and unpacks it in a thread of its own.  Through a
 * pipe every byte was copied twice by the kernel (write, read) with two system
 * calls per chunk; through this ring it is copied once, by the producer, and
 * the consumer reads it in place (stream.h: a blob_source).
 *
 * One producer, one consumer.  The producer never blocks (it drives other
 * transfers): chunk_queue_push takes what fits and says how much; when it took
 * less than offered, the consumer writes one byte to notify_fd as soon as half
 * of the ring is free again, so the producer can wait for that in its poll.
 * The consumer blocks in chunk_queue_read until bytes arrive or the producer
 * closes the queue.  Memory: the ring's capacity, whatever the stream's size. */
#ifndef HULL_IMAGE_CHUNK_QUEUE_H
#define HULL_IMAGE_CHUNK_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "stream.h"

struct chunk_queue;

/* capacity: bytes in the ring; notify_fd: written (one byte, non-blocking) when
 * a producer that was turned away can go on; -1 for none. */
struct chunk_queue *chunk_queue_new(size_t capacity, int notify_fd);
void chunk_queue_free(struct chunk_queue *q);
/* Empty again, for another stream, once neither side uses it any more: the
 * ring's pages are kept (a new one costs a page fault per 4 KiB as it fills). */
void chunk_queue_reset(struct chunk_queue *q);

/* Producer: copies up to len bytes in; returns how many (0 when full). */
size_t chunk_queue_push(struct chunk_queue *q, const void *data, size_t len);
/* Producer: bytes that can be pushed now without being turned away. */
size_t chunk_queue_space(struct chunk_queue *q);
/* Producer: whether len bytes fit now.  When they do not, the producer counts
 * as turned away: the consumer notifies once half the ring is free, so len
 * must be at most half the capacity.  For a producer that stops its source
 * before the ring is full rather than keep what did not fit. */
bool chunk_queue_has_room(struct chunk_queue *q, size_t len);
/* Producer: no more bytes; the consumer reads what is left, then the end. */
void chunk_queue_close(struct chunk_queue *q);

/* Consumer: the next bytes, in place; valid until the next call.  Returns
 * their length, 0 at the end (after chunk_queue_close). */
size_t chunk_queue_read(struct chunk_queue *q, const void **buf);

/* The consumer's side as a blob_source (stream.h). */
struct blob_source chunk_queue_source(struct chunk_queue *q);

#endif
