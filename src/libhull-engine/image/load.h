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

struct image_store;

enum image_progress_phase {
    IMAGE_PROGRESS_READ,         /* reading the archive into staging */
    IMAGE_PROGRESS_LAYER,        /* unpacking a layer: bytes of that layer's blob */
    IMAGE_PROGRESS_LAYER_EXISTS, /* the layer is already in the store */
    IMAGE_PROGRESS_LAYER_DONE,
    IMAGE_PROGRESS_COMMIT,
};

struct image_progress_event {
    enum image_progress_phase phase;
    const char *detail;   /* the layer digest, or the file name */
    uint64_t bytes_done;  /* of the current phase */
    uint64_t bytes_total; /* 0 when unknown (stdin) */
    size_t layers_done, layers_total;
};

/* The library never prints; the front end draws whatever it likes from these. */
struct image_progress {
    void (*fn)(const struct image_progress_event *event, void *data);
    void *data;
};

struct image_load_result {
    char **names; /* "name:tag" of every image loaded, in archive order */
    char **ids;   /* "sha256:<hex>" of every image loaded (same order, no duplicates) */
};
void image_load_result_clear(struct image_load_result *r);

/* path is a file, a directory (OCI layout) or "-" for stdin. */
int image_load(struct image_store *store, const char *path, const struct image_progress *progress,
               struct image_load_result *out, struct hull_error **err);

struct image_import_opts {
    const char *reference; /* NAME[:TAG] or NULL for an untagged image */
    const char *message;   /* history comment */
    char *const *changes;  /* docker --change lines: CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL, EXPOSE,
                              VOLUME, STOPSIGNAL; NULL-terminated, may be NULL */
};

/* path is a file or "-" for stdin; id_out receives the new image's id. */
int image_import(struct image_store *store, const char *path, const struct image_import_opts *opts,
                 const struct image_progress *progress, char id_out[static DIGEST_STR_SIZE], struct hull_error **err);

/* Applies one docker --change line ("CMD [\"sh\"]", "ENV A=b") to a config's
 * "config" object.  Exposed for tests. */
struct json_object;
int image_config_apply_change(struct json_object *config, const char *change, struct hull_error **err);

#endif
