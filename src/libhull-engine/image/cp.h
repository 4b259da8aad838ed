/* hull: copying files between a container and the host (`hull cp`).
 *
 * Both directions go through a tar, written by tarwrite.c from the source and
 * read by the layer unpacker (unpack.h) into the destination directory, so a
 * copy gets the unpacker's containment: every path of the container side is
 * resolved inside the container's root (openat2 RESOLVE_IN_ROOT, pathsafe.h),
 * so a symlink in the container that points at "/" or "../../.." means the
 * container's "/", never the host's; and nothing the copy writes can leave the
 * destination directory, whatever symlinks it holds.  Symlinks being copied
 * are copied as symlinks (never followed), except with follow (docker's
 * cp -L): a SRC that is a symlink is resolved (inside its side's root, hop by
 * hop, at most 40) and its target is copied under SRC's name.
 *
 * Docker's naming rules: DEST an existing directory: SRC goes inside it under
 * its own name; otherwise SRC is copied to DEST (whose parent must exist).
 * SRC ending in "/." copies a directory's contents.  Files are owned by root
 * unless archive (-a) keeps the source's owners (and xattrs, devices). */
#ifndef HULL_IMAGE_CP_H
#define HULL_IMAGE_CP_H

#include <stdbool.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

/* rootfs: the container's mounted root filesystem.  into_container: host src
 * -> container dest; else container src -> host dest.  Relative host paths are
 * relative to the current directory. */
int container_copy(const char *rootfs, const char *src, const char *dest, bool into_container, bool archive,
                   bool follow, struct hull_error **err);

#endif
