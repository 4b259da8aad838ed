/* hull: an image arriving piece by piece -- a registry pull.
 *
 * The registry code (src/libhull-engine/registry) fetches; this file stores, with the
 * same staging, unpacking and verification as `hull load` (staging.c,
 * stream.c, unpack.c): a layer is unpacked from an fd while its bytes arrive
 * and is verified (digest, size, diff_id) when the fd reaches its end.
 *
 * Locking: image_ingest_begin needs a writable store and creates a staging
 * dir with its own lock; the caller may then image_store_unlock() the store for
 * the download (other writers go on; they leave a locked staging dir alone)
 * and must image_store_relock() it before image_ingest_commit.  The commit
 * checks again that every layer it did not fetch is still in the store. */
#ifndef HULL_IMAGE_INGEST_H
#define HULL_IMAGE_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error_internal.h"
#include "digest.h"

struct image_store;
struct image_ingest;

/* One entry of the manifest's "layers". */
struct image_ingest_layer {
    const char *digest;
    const char *media_type;
    uint64_t size;
};

int image_ingest_begin(struct image_store *store, struct image_ingest **out, struct hull_error **err);
void image_ingest_free(struct image_ingest *ing);
void image_ingest_freep(struct image_ingest **ing);
#define cleanup_image_ingest __attribute__((cleanup(image_ingest_freep)))

/* The manifest and config (both verified by the caller against their
 * descriptors); checks the config's diff_ids against the layers.  what names the
 * image in errors ("127.0.0.1:5000/busybox:latest"). */
int image_ingest_set_image(struct image_ingest *ing, const char *manifest, size_t manifest_len, const char *config,
                           size_t config_len, const struct image_ingest_layer *layers, size_t n_layers,
                           const char *what, struct hull_error **err);
/* The image id ("sha256:..." of the config); whether the store has that image complete. */
const char *image_ingest_id(const struct image_ingest *ing);
bool image_ingest_image_exists(const struct image_ingest *ing);
/* False when layer i's content (its diff_id) is already in the store: no need to fetch it. */
bool image_ingest_layer_needed(const struct image_ingest *ing, size_t i);
const char *image_ingest_diff_id(const struct image_ingest *ing, size_t i);

/* Unpacks layer i from fd, read to its end, and verifies it.  Thread-safe for
 * distinct i (a pull unpacks several layers at once). */
int image_ingest_add_layer(struct image_ingest *ing, size_t i, int fd, struct hull_error **err);
/* The same from src (stream.h; chunk_queue.h hands bytes over without a pipe). */
struct blob_source;
int image_ingest_add_layer_from(struct image_ingest *ing, size_t i, int fd, const struct blob_source *src,
                                struct hull_error **err);

/* Moves it all into the store (which must be locked) and points tags
 * ("name:tag", NULL-terminated, may be NULL) at the image. */
int image_ingest_commit(struct image_ingest *ing, char *const *tags, struct hull_error **err);

/* The layer media types hull unpacks (OCI tar, +gzip, +zstd, Docker's rootfs.diff.tar[.gzip]). */
bool image_layer_media_type_supported(const char *media_type);
/* The image-spec's GOARCH name for this machine ("amd64", "arm64" ...). */
const char *image_host_architecture(void);

#endif
