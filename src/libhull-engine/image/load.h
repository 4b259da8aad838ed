/* hull: bringing images into the store.
 *
 *  image_load    an OCI image layout (directory, or its tar: "oci-archive") or a
 *                docker-archive (`docker save` / `podman save`: manifest.json plus
 *                layer tars), several images per archive allowed; the archive may
 *                itself be gzip/zstd/xz/bzip2-compressed.  Names come from the
 *                index's io.containerd.image.name / org.opencontainers.image.ref.name
 *                annotations (OCI) or RepoTags (docker).
 *  image_import  a root filesystem tarball (`docker export`, `tar -C rootfs -c .`)
 *                becomes a one-layer image with a generated config, like `docker import`.
 *
 * Both verify every digest while reading, stage everything under the store's
 * tmp/ and commit only when all of it checked out: a failure or an interruption
 * leaves no image behind (see store.h). */
#ifndef HULL_IMAGE_LOAD_H
#define HULL_IMAGE_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "util/error_internal.h"
#include "digest.h"
#include "hull/hull-engine.h"

struct image_store;

/* path is a file, a directory (OCI layout) or "-" for stdin. */
int image_load(struct image_store *store, const char *path, const struct image_progress *progress,
               struct image_load_result *out, struct hull_error **err);

/* path is a file or "-" for stdin; id_out receives the new image's id. */
int image_import(struct image_store *store, const char *path, const struct image_import_opts *opts,
                 const struct image_progress *progress, char id_out[static DIGEST_STR_SIZE], struct hull_error **err);

#endif
