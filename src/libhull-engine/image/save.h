/* hull: images out of the store as an archive (`hull save`).
 *
 *   docker-archive  what `docker save` writes and `docker load` / `podman load`
 *                   / `hull load` / skopeo read: manifest.json (Config,
 *                   RepoTags, Layers), the config as <id hex>.json, each layer
 *                   as <diff_id hex>/layer.tar, and `repositories`;
 *   oci-archive     an OCI image layout in a tar: oci-layout, index.json (one
 *                   entry per image, named with io.containerd.image.name and
 *                   org.opencontainers.image.ref.name), blobs/sha256/...; the
 *                   manifests are written anew with uncompressed layers.
 *
 * Layer tars are given back byte for byte from their tar-split (tarsplit.h)
 * and checked against the config's diff_ids while they are written, so the
 * image keeps its id through save and load anywhere.  A layer stored before
 * hull kept tar-splits cannot be saved (the error says to pull or load it
 * again).  Layers shared by several images are written once. */
#ifndef HULL_IMAGE_SAVE_H
#define HULL_IMAGE_SAVE_H

#include <stddef.h>
#include <stdint.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

struct image_store;

/* A layer's tar as it came (tarsplit.h): its length, and its bytes through
 * write_fn (a negative return stops it).  image_layer_tar fails, after the
 * fact, when the bytes do not hash to diff_id: callers must not keep them. */
int image_layer_tar_size(struct image_store *store, const char *diff_id, uint64_t *size, struct hull_error **err);
int image_layer_tar(struct image_store *store, const char *diff_id, int (*write_fn)(const void *buf, size_t n, void *data),
                    void *data, struct hull_error **err);

/* names: references or ids, NULL-terminated.  A name that is a tag puts that
 * tag in the archive; an id puts the image without a name. */
int image_save(struct image_store *store, char *const *names, enum image_save_format format, int out_fd,
               struct hull_error **err);

#endif
