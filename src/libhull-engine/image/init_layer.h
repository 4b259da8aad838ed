/* hull: an image's init layer, init/<image hex>/ in the store.
 *
 * Every container of an image gets the same mount points that the image may
 * lack: /etc/hosts, /etc/hostname and /etc/resolv.conf (bind-mounted from the
 * container's dir), /proc, /dev and /sys.  Made by the runtime in the
 * container's overlay, they cost a copy-up of /etc and a new inode each on
 * every run (on ext4 without a journal a new inode is 50-110 µs of CPU:
 * docs/performance.md).  The init layer holds them once per image, as a
 * read-only lower layer above the image's layers, the way docker's "-init"
 * layer does (docker makes one per container).
 *
 * It is made by the first container of the image (image_store_make_init_layer,
 * under the store lock), exactly as the runtime would make the mount points:
 * an overlay of the image's layers is mounted detached (in no mount namespace),
 * each path is made in it with path_open_in_root (symlinks resolved inside the
 * image, missing parents made, nothing the image has is replaced), and its
 * upper dir, built under tmp/, is renamed to init/<hex> when complete.  A
 * half-made one is a staging dir under tmp/, wiped by the next writer; init/<hex>
 * is never seen half made.  It goes with its image (rmi, prune), and
 * image_store_unreferenced finds one whose image is gone.
 *
 * Only the mount points: diff and commit compare the container's upper dir
 * with the image's own layers (image_store_layer_paths), so nothing of the
 * init layer shows there; export shows the merged tree, as docker's does. */
#ifndef HULL_IMAGE_INIT_LAYER_H
#define HULL_IMAGE_INIT_LAYER_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* A mount point every container of an image gets: path inside the rootfs,
 * a directory or an empty file. */
struct image_init_entry {
    const char *path;
    bool dir;
};

/* Makes the image's init layer unless it exists (needs the writable store).
 * Fails, making nothing, where it cannot be made: no overlayfs; before
 * Linux 6.8 (no "lowerdir+"), a layer list longer than one fsconfig string
 * (255 bytes: one or two layers in a store with a short path); an image with
 * the most layers overlayfs stacks; the caller runs without it.  A path that cannot be made (the
 * runtime would fail on it too) is left out. */
int image_store_make_init_layer(struct image_store *store, const struct image_info *image,
                                const struct image_init_entry *entries, size_t n, struct hull_error **err);

/* The lower dirs of a container of the image, base first: its layers, then
 * its init layer when it has one. */
char **image_store_rootfs_layers(struct image_store *store, const struct image_info *image);

/* Removes init/<hex> of image id, if any (renamed into tmp/ first, so that it
 * is gone or whole). */
int store_remove_init_layer(struct image_store *store, const char *id, struct hull_error **err);

#endif
