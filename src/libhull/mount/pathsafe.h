/* hull: resolving paths inside a container's root filesystem without ever
 * leaving it.
 *
 * An image can hold symlinks like /evil -> /etc or /dev/null -> /etc/shadow;
 * CVE-2021-30465 (runc) raced a symlink swap against a mount.  Every path inside
 * the rootfs is therefore opened relative to the rootfs fd with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) -- symlinks are followed as if
 * the rootfs were "/" -- and everything afterwards goes through the fd
 * (/proc/self/fd/N or the new mount API), never through the path again.
 * Kernels without openat2 get a component-by-component walk that does the same
 * resolution by hand. */
#ifndef HULL_PATHSAFE_H
#define HULL_PATHSAFE_H

#include "../util/error_internal.h"

enum path_create {
    PATH_NO_CREATE, /* must exist */
    PATH_MKDIR,     /* create missing directories, the last one included */
    PATH_MKFILE,    /* create missing parent directories and an empty file last */
};

/* Returns an O_PATH fd (>= 0) of path resolved inside rootfd, or -1 with *err. */
int path_open_in_root(int rootfd, const char *path, enum path_create create, struct hull_error **err);

/* A readable directory fd of the directory behind the O_PATH fd pathfd
 * (openat "."), without going through /proc: after pivot_root, /proc is the
 * container's.  -1 with errno on failure. */
int path_reopen_dir(int pathfd);

/* "/proc/self/fd/N" for an fd, in a caller buffer of at least 32 bytes. */
const char *fd_path(int fd, char buf[static 32]);

/* Test hook: force the fallback (no openat2) resolution. */
void pathsafe_force_fallback(int on);

#endif
