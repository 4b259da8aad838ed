/* hull: streaming an image's layers from a registry into an image_ingest.
 *
 * The main thread drives every transfer over one curl multi handle; each
 * layer's bytes go into a chunk_queue (a ring, image/chunk_queue.h: one copy,
 * no system call per chunk) that a worker thread reads in place with
 * image_ingest_add_layer_from (decompress, hash, unpack).  A full queue
 * pauses its transfer until the worker has read half of it, so memory stays
 * at one ring per layer in flight whatever the layer size.
 *
 * A dropped connection or a 5xx is retried with backoff, resuming with a
 * Range request from the byte that was reached (the worker never notices);
 * a registry that ignores Range and sends everything again has the bytes
 * already passed on skipped.  More bytes than the descriptor's size stop the
 * transfer: a blob is never allowed to fill the disk. */
#ifndef HULL_REGISTRY_FETCH_H
#define HULL_REGISTRY_FETCH_H

#include <stddef.h>

#include "image/ingest.h"
#include "client.h"
#include "registry.h"

struct fetch_request {
    struct registry_client *client;
    const char *repo;  /* path on the registry: "library/busybox" */
    const char *scope; /* "repository:library/busybox:pull" */
    struct image_ingest *ingest;
    const struct image_ingest_layer *layers;
    size_t n_layers;
    unsigned max_concurrent;
    const struct registry_pull_progress *progress;
    bool *downloaded; /* set when any layer was fetched */
};

int registry_fetch_layers(const struct fetch_request *req, struct hull_error **err);

#endif
