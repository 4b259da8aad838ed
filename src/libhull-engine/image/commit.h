/* hull: a container's changes as a new image (`hull commit`), and a file
 * tree as a tar (`hull export`).
 *
 * image_commit turns the container's overlay upper dir (rootfs.h) into one new
 * layer on top of its image's layers, in the OCI layer format: an overlay
 * whiteout (character device 0/0) becomes ".wh.NAME", an opaque directory
 * (trusted.overlay.opaque=y) gets ".wh..wh..opq"; ownership, modes, mtimes,
 * hard links and xattrs (but never trusted.overlay.*) are kept.  The layer is
 * stored like any other (staging.c: unpacked, tar-split recorded), and the
 * config is the image's with the new diff_id, a history entry, the time,
 * --author and docker's --change lines applied.  The container is not paused:
 * files it writes during the commit may be caught half-written. */
#ifndef HULL_IMAGE_COMMIT_H
#define HULL_IMAGE_COMMIT_H

#include <stdbool.h>

#include "util/error_internal.h"
#include "digest.h"
#include "tarwrite.h"
#include "hull/hull-engine.h"

struct image_store;

/* Writes the tree under dirfd to w, names relative to it, sorted, parents
 * first.  layer: overlay whiteouts and opaque directories become OCI
 * whiteouts (for image_commit); otherwise they are errors (a merged view has
 * none).  skip (optional) leaves paths (and what is below them) out. */
struct stat;
int tar_write_tree(struct tar_writer *w, int dirfd, bool layer,
                   bool (*skip)(const char *rel, const struct stat *st, void *data), void *skip_data,
                   struct hull_error **err);

/* The entry base of the directory parent_fd, and everything below it, named
 * as (and as/...); base NULL: the directory's contents, named as/... (or at
 * the top when as is ""). */
int tar_write_subtree(struct tar_writer *w, int parent_fd, const char *base, const char *as, struct hull_error **err);

/* base_id: the container's image; container_dir holds upper/ (rootfs.h).  The
 * store must be writable. */
int image_commit(struct image_store *store, const char *base_id, const char *container_dir,
                 const struct image_commit_opts *opts, char id_out[static DIGEST_STR_SIZE], struct hull_error **err);

/* hull export: the tree under rootfd (a container's merged rootfs) as a tar
 * stream on fd (no whiteouts: a merged view has none). */
int image_export_tar(int rootfd, int fd, struct hull_error **err);

#endif
