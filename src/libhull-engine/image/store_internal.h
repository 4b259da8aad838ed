/* hull: what the store, load and import code share inside src/libhull-engine/image.
 * Not for callers outside the image library. */
#ifndef HULL_IMAGE_STORE_INTERNAL_H
#define HULL_IMAGE_STORE_INTERNAL_H

#include <json-c/json.h>
#include <pthread.h>

#include "load.h"
#include "store.h"
#include "store_records.h"

struct image_store {
    char *root;
    int rootfd;
    int lock_fd; /* -1 for a read-only handle */
    bool locked; /* lock_fd is flocked (see image_store_unlock) */
};

/* Inside layers/<hex>/: the tar-split of the layer's tar (tarsplit.h). */
#define LAYER_TAR_SPLIT "tar-split"

/* Inside every staging dir: flocked by its owner while it is in use. */
#define STAGING_LOCK_FILE "lock"

/* True when layers/<hex of diff_id> is complete in the store. */
bool store_has_layer(struct image_store *store, const char *diff_id);
bool store_has_image(struct image_store *store, const char *id);
/* store_image_record_json: store_records.h */

/* One load or import in progress: everything it produces lives under its
 * staging dir until staging_commit() moves it into the store. */
struct staged_image {
    struct image_info *info;
    char **tags; /* "name:tag" to point at it */
};

struct staging {
    struct image_store *store;
    char *dir;
    int dirfd;
    int lock_fd;           /* dir/lock, flocked: see STAGING_LOCK_FILE */
    pthread_mutex_t mutex; /* guards layers/n_layers: ingest.c adds layers from several threads */
    unsigned next_work;    /* names of layers being unpacked (atomic) */
    char **layers; /* diff_ids unpacked under dir/layers/<hex> */
    size_t n_layers;
    struct staged_image *images;
    size_t n_images;
    const struct image_progress *progress;
    uint64_t bytes_done, bytes_total;
    size_t layers_done, layers_total;
};

int staging_begin(struct image_store *store, const struct image_progress *progress, struct staging **out,
                  struct hull_error **err);
void staging_free(struct staging *st);
void staging_freep(struct staging **st);
#define cleanup_staging __attribute__((cleanup(staging_freep)))

/* What a layer blob must turn out to be; empty strings / UINT64_MAX = not known in advance. */
struct layer_expect {
    const char *digest;  /* of the blob as shipped */
    const char *diff_id; /* of its uncompressed tar */
    uint64_t size;       /* of the blob as shipped */
    uint64_t size_hint;  /* for progress when size is not known in advance (0: unknown) */
    const char *what;    /* for messages: "layer 2 of image busybox:latest" */
};

/* Streams the blob from fd into the staging area (or skips it when the store or
 * this staging already has the diff_id, after verifying it all the same when it
 * was not known in advance).  Fills out->diff_id, digest, blob_size, size. */
int staging_add_layer(struct staging *st, int fd, const struct layer_expect *expect, struct image_layer_info *out,
                      struct hull_error **err);
/* The same from src (stream.h) when it is not NULL, else from fd. */
struct blob_source;
int staging_add_layer_from(struct staging *st, int fd, const struct blob_source *src,
                           const struct layer_expect *expect, struct image_layer_info *out, struct hull_error **err);
/* Stores a small blob (config, manifest); out_digest (optional) receives its digest. */
int staging_add_blob(struct staging *st, const char *data, size_t len, char *out_digest, struct hull_error **err);
/* Takes ownership of info and tags. */
void staging_add_image(struct staging *st, struct image_info *info, char **tags);
/* Moves everything into the store: layers, blobs, image records, then tags. */
int staging_commit(struct staging *st, struct hull_error **err);

void staging_report(struct staging *st, enum image_progress_phase phase, const char *detail);

#endif
