/* hull: opening procfs files the container cannot redirect.
 *
 * The runtime writes to procfs after pivot_root, inside the container's mount
 * namespace: sysctls (/proc/sys/...) and LSM exec labels
 * (/proc/thread-self/attr/...).  A path there is not trustworthy: something
 * mounted over /proc/sys/net/ipv4/ip_forward (by a config mount, a hook or a
 * racing mount propagated from a shared volume) turns the write into a write of
 * that other file -- runc's CVE-2025-52881 redirected sysctl and label writes
 * into /proc/sys/kernel/core_pattern that way.
 *
 * So the runtime opens a procfs handle of its own: a fresh, detached procfs
 * instance (fsopen/fsmount) that no other mount can cover, or failing that a
 * non-recursive clone of /proc (open_tree), or failing that /proc itself -- each
 * checked to be the root of a procfs.  Files are opened beneath it with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
 * RESOLVE_NO_XDEV) and checked again: on procfs, on the handle's very mount. */
#ifndef HULL_PROCFS_H
#define HULL_PROCFS_H

#include "../util/error_internal.h"

/* Returns an O_PATH-like fd of a verified procfs root (>= 0), or -1 with *err. */
int procfs_handle_open(struct hull_error **err);

/* Opens path (relative to the procfs root: "sys/net/ipv4/ip_forward",
 * "thread-self/attr/exec") beneath handle with flags (O_CLOEXEC is added).  A
 * leading "self" or "thread-self" is resolved by reading that link of the
 * handle; any other symlink, magic link or mount crossing is refused.
 * Returns the fd or -1 with *err naming "/proc/<path>". */
int procfs_open_file(int handle, const char *path, int flags, struct hull_error **err);

/* Reopens fd with flags through handle's thread-self/fd/N (the one magic link
 * followed is the fd's own), never through the container's /proc. */
int procfs_reopen_fd(int handle, int fd, int flags, struct hull_error **err);

/* Test hooks: force the fallbacks (no fsopen/open_tree for the handle; no
 * openat2 for files, a component walk checking mount ids instead). */
void procfs_force_fallback_handle(int on);
void procfs_force_fallback_open(int on);

#endif
