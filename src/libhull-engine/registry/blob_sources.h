/* hull: where a layer's blobs are known to be in registries, so a push can
 * skip the upload (docker's "distribution metadata").
 *
 * A pull records, for each layer, the registry and repository it came from and
 * the blob as shipped (digest, size, media type); a push records what it
 * uploaded or found.  Pushing the layer to the same registry later then needs
 * no compression and no upload: the blob is already in the destination
 * repository (HEAD), or is mounted from the one that has it (POST
 * ?mount=&from=), as the distribution spec allows.
 *
 * Kept in layers/<diff_id hex>/sources in the image store, one line per
 * source, so it goes when the layer goes.  Lines are appended with one
 * write(2) each (O_APPEND), without the store lock: a push only reads the
 * store.  A torn or foreign line is ignored; the file is a hint, and a blob
 * that is gone from the registry only costs a failed mount. */
#ifndef HULL_REGISTRY_BLOB_SOURCES_H
#define HULL_REGISTRY_BLOB_SOURCES_H

#include <stddef.h>
#include <stdint.h>

#include "image/digest.h"

struct blob_source {
  char *host; /* "127.0.0.1:5000", "docker.io" */
  char *repo; /* "library/busybox" */
  char digest[DIGEST_STR_SIZE];
  uint64_t size;
  char *media_type;
};

/* Past this many lines a layer's file is not appended to any more. */
#define BLOB_SOURCES_MAX 64

void blob_sources_free(struct blob_source *list, size_t n);

/* The recorded sources of a layer, newest first; none when nothing is recorded.
 */
void blob_sources_read(const char *store_root, const char *diff_id,
                       struct blob_source **out, size_t *n);

/* Best effort: a layer that was removed meanwhile, or a full disk, records
 * nothing. */
void blob_sources_record(const char *store_root, const char *diff_id,
                         const struct blob_source *s);

#endif
