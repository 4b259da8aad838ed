/* hull: writing a tar stream into a directory without ever writing outside it.
 *
 * Used for image layers (OCI whiteouts become overlayfs whiteouts, ownership
 * kept) and for the outer image archives themselves (plain files only).
 *
 * Containment, the part that matters (CVE-2018-15664 class, docker cp / image
 * layers with "../" or symlinked parents):
 *  - entry names are cleaned lexically first: "/a/../../b" is "b"; ".." never
 *    climbs above the layer root, as docker and containers/storage do;
 *  - the parent directory of every entry is resolved with
 *    openat2(RESOLVE_IN_ROOT) from the layer's root fd (src/libhull/mount/pathsafe.h),
 *    so a symlink "etc -> /" or "etc -> ../../.." planted by an earlier entry is
 *    followed *inside* the root, the way the container itself will see it;
 *  - the last component is never followed: it is created with *at() calls and
 *    O_NOFOLLOW/O_EXCL, an existing node is removed first;
 *  - hard link targets are resolved the same way, so a link cannot pull a host
 *    file (/etc/shadow) into the layer.
 *
 * OCI whiteouts (image-spec layer.md) for overlayfs:
 *  - ".wh.NAME" becomes a character device 0/0 named NAME (overlayfs's whiteout),
 *    unless NAME exists in the same layer ("files present in the same layer as a
 *    whiteout file can only be hidden by whiteout files in subsequent layers");
 *  - ".wh..wh..opq" sets trusted.overlay.opaque=y on its directory;
 *  - other ".wh..wh.*" names are aufs bookkeeping and are dropped;
 *  - trusted.overlay.* xattrs coming from the archive are dropped, so an image
 *    cannot forge overlay metadata (opaque, redirect, metacopy). */
#ifndef HULL_IMAGE_UNPACK_H
#define HULL_IMAGE_UNPACK_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error_internal.h"

struct archive;

struct unpack_opts {
    bool oci_whiteouts; /* layers: convert whiteouts (see above) */
    bool keep_owner;    /* layers: chown to the archive's uid/gid, keep devices, xattrs */
};

struct unpack_stats {
    uint64_t entries;
    uint64_t content_bytes; /* sum of regular file sizes: the layer's size */
};

/* Reads every entry of tar into the directory rootfd. */
int tar_unpack(struct archive *tar, int rootfd, const struct unpack_opts *opts, struct unpack_stats *stats,
               struct hull_error **err);

/* The lexical cleaning of an entry name: no leading '/', no "." or empty
 * components, ".." resolved without ever going above the root. "" is the root.
 * Owned by caller. */
char *tar_path_clean(const char *path);

#endif
