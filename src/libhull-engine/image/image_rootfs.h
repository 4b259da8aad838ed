/* hull: a container's root filesystem made from an image.
 *
 * image_rootfs_prepare() turns an image's unpacked layers (base first) into a
 * root filesystem at CONTAINER_DIR/rootfs:
 *
 *   overlayfs   lowerdir = the layers, topmost first (the layer dirs are shared
 *               and never written), upperdir = CONTAINER_DIR/upper and
 *               workdir = CONTAINER_DIR/work (the container's own changes).
 *               Mounted with the new mount API (fsopen/fsconfig "lowerdir+"),
 *               which has no page-size limit on the layer list; kernels before
 *               6.8 get the classic mount(2) option string.
 *   copy        when overlayfs is unavailable (no module, or the store is on a
 *               filesystem overlayfs refuses as upper): the layers are copied
 *               into CONTAINER_DIR/rootfs, applying their whiteouts (char 0/0
 *               devices delete, trusted.overlay.opaque=y directories hide what
 *               is below).  Slower and uses space; a warning is logged.
 *
 * read_only mounts the overlay read-only (MOUNT_ATTR_RDONLY).  The mount is
 * made in the caller's mount namespace; image_rootfs_release() undoes it and
 * removes upper/work/rootfs.  Which kind was made is recorded in
 * CONTAINER_DIR/rootfs.kind so release needs nothing else. */
#ifndef HULL_IMAGE_ROOTFS_H
#define HULL_IMAGE_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

enum image_rootfs_kind {
    IMAGE_ROOTFS_OVERLAY,
    IMAGE_ROOTFS_COPY,
};

struct image_rootfs_opts {
    bool read_only;
    bool force_copy; /* skip overlayfs (tests, or a store on a filesystem overlay cannot use) */
};

/* Whether overlayfs can be mounted here now (a probe under dir, removed
 * after): what `hull info` reports as the storage driver. */
bool image_rootfs_overlay_works(const char *dir);

/* The xattr that marks an opaque directory in a layer: trusted.overlay.opaque,
 * or in a user namespace (rootless hull, docs/rootless.md), where trusted.*
 * is root's only, user.overlay.opaque, which overlayfs reads when mounted
 * with "userxattr" (Linux >= 5.11; image_rootfs_prepare does so there). */
const char *image_overlay_opaque_xattr(void);

/* An overlay of layers (base first, n of them) over upper and work, as a
 * detached mount (fsmount): *mfd_out is its fd, usable as a directory fd and
 * in no mount namespace, so the overlay goes with the fd's last close, even
 * when the process is killed.  Returns 1 when the kernel does not know
 * "lowerdir+" (before 6.8). */
int image_overlay_fsmount(char *const *layers, size_t n, const char *upper, const char *work, bool read_only,
                          int *mfd_out, struct hull_error **err);
/* The same for a kernel without "lowerdir+" (1 above), for a short list:
 * all the layers in one "lowerdir" option, which fsconfig limits to 255
 * bytes (Linux 6.5-6.7 parse it themselves, older ones hand it to the
 * filesystem as mount(2) would).  Fails (E2BIG) on a longer list. */
int image_overlay_fsmount_short(char *const *layers, size_t n, const char *upper, const char *work, bool read_only,
                                int *mfd_out, struct hull_error **err);

/* Unmounts (lazily if busy) and removes what prepare made. Idempotent. */
int image_rootfs_release(const char *container_dir, struct hull_error **err);

/* The copy fallback alone, exposed for tests: applies the layers in order onto
 * an existing directory dest. */
int image_rootfs_flatten(char *const *layers, const char *dest, struct hull_error **err);

/* layers: absolute paths, base first, NULL-terminated (image_store_layer_paths()).
 * container_dir must exist.  *rootfs_out (optional) receives CONTAINER_DIR/rootfs. */
int image_rootfs_prepare(char *const *layers, const char *container_dir, const struct image_rootfs_opts *opts,
                         char **rootfs_out, enum image_rootfs_kind *kind_out, struct hull_error **err);

/* Mounts a container's overlay again over its existing upper dir (after a
 * reboot, or someone unmounted it) so that it can be started again; nothing
 * to do for a copied rootfs or one that is mounted.  Never falls back to a
 * copy and never removes anything: on failure the container stays as it was. */
int image_rootfs_remount(char *const *layers, const char *container_dir, struct hull_error **err);

#endif
