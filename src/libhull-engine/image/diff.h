/* hull: what a container changed in its root filesystem (`hull diff`).
 *
 * Read from the overlay's upper dir (CONTAINER_DIR/upper, rootfs.h) against the
 * image's layers, in docker's terms:
 *   'D'  deleted: an overlay whiteout (character device 0/0) in the upper dir;
 *   'A'  added: in the upper dir and in no layer (everything under an added
 *        directory is added too);
 *   'C'  changed: in the upper dir and in a layer (a directory is changed when
 *        anything in it was).
 * A path is "in a layer" when the topmost layer that has it, or a whiteout of
 * it, or an opaque directory above it, has the path itself.  Paths are
 * reported parents first, children in byte order.  A directory that is in
 * the upper dir only because something below it changed is reported when
 * that something is; by itself only when its mode or owner differ from the
 * image's.  ignore lists paths the engine itself made (mount points for
 * /etc/hostname ...): not reported when the image did not have them, as
 * docker leaves them out.  A container with a copied root filesystem (no
 * overlayfs) has no upper dir: that is an error. */
#ifndef HULL_IMAGE_DIFF_H
#define HULL_IMAGE_DIFF_H

#include "util/error_internal.h"
#include "hull/hull-engine.h"

/* layers: absolute paths, base first, NULL-terminated. */
int image_rootfs_diff(char *const *layers, const char *container_dir, const char *const *ignore, image_diff_fn fn,
                      void *data, struct hull_error **err);

#endif
