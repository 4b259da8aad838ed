/* hull: disk space of images and containers, as `docker system df` and
 * `docker container prune` count it.
 *
 * An image's size is the sum of its unpacked layers; layers shared between
 * images are counted once.  A container's size is its writable layer: the
 * overlay's upper dir (or the whole copied rootfs when overlayfs could not be
 * used).  Sizes are apparent sizes of files and symlinks, a hard-linked file
 * counted once, like docker's directory.Size. */
#ifndef HULL_ENGINE_DISK_USAGE_H
#define HULL_ENGINE_DISK_USAGE_H

#include <stdint.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

/* Bytes under path (not following symlinks nor crossing into other mounts). */
uint64_t engine_dir_size(const char *path);

#endif
