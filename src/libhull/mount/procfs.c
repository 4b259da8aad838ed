#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "../util/utils.h"

/* The root directory of every procfs instance has this inode number. */
#define PROC_ROOT_INO 1

static int fallback_handle = 0, fallback_open = 0;

void procfs_force_fallback_handle(int on)
{
    fallback_handle = on;
}

void procfs_force_fallback_open(int on)
{
    fallback_open = on;
}

/* The mount id of an fd, or 0 when the kernel cannot tell (before 5.8). */
static uint64_t mount_id_of(int fd)
{
    struct statx stx;
    if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0 || !(stx.stx_mask & STATX_MNT_ID))
        return 0;
    return stx.stx_mnt_id;
}

static bool on_procfs(int fd)
{
    struct statfs sf;
    return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

static bool is_procfs_root(int fd)
{
    struct stat st;
    return on_procfs(fd) && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_ino == PROC_ROOT_INO;
}

/* A procfs instance of our own, attached nowhere: nothing can be mounted over
 * any of its files, whatever happens to the container's /proc. */
static int private_procfs(void)
{
    cleanup_close int ctx = fsopen("proc", FSOPEN_CLOEXEC);
    if (ctx < 0)
        return -1;
    if (fsconfig(ctx, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return -1;
    return fsmount(ctx, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

int procfs_handle_open(struct hull_error **err)
{
    int fd = -1;
    if (!fallback_handle) {
        fd = private_procfs();
        if (fd >= 0 && !is_procfs_root(fd)) {
            close(fd);
            fd = -1;
        }
        /* Without the rights to mount a procfs (a user namespace whose /proc is
         * partly hidden): a copy of /proc's own mount, without the mounts below it. */
        if (fd < 0) {
            fd = open_tree(AT_FDCWD, "/proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
            if (fd >= 0 && !is_procfs_root(fd)) {
                close(fd);
                fd = -1;
            }
        }
    }
    if (fd >= 0)
        return fd;
    /* Last resort: /proc as it is.  Mounts below it are still refused by
     * procfs_open_file (RESOLVE_NO_XDEV, or the mount id check). */
    fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return hull_error_set(err, errno, "open /proc");
    if (!is_procfs_root(fd)) {
        close(fd);
        return hull_error_set(err, EXDEV, "/proc is not the root of a procfs (is the container's /proc shadowed?)");
    }
    return fd;
}

/* Only plain names: no "..", no empty components, no leading "/". */
static bool path_is_plain(const char *path)
{
    if (!*path || *path == '/')
        return false;
    for (const char *p = path; *p;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        p += n + (slash ? 1 : 0);
        if (slash && !*p)
            return false;
    }
    return true;
}

/* "self/x" and "thread-self/x" become "PID/x" and "PID/task/TID/x", read from
 * the handle's own links: they name the caller as this procfs instance sees it. */
static char *expand_self(int handle, const char *path, struct hull_error **err)
{
    static const char *links[] = {"thread-self", "self"};
    for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
        size_t n = strlen(links[i]);
        if (strncmp(path, links[i], n) != 0 || (path[n] != '/' && path[n] != '\0'))
            continue;
        char target[64];
        ssize_t len = readlinkat(handle, links[i], target, sizeof target - 1);
        if (len < 0) {
            hull_error_set(err, errno, "readlink /proc/%s (is the process outside the pid namespace of /proc?)",
                           links[i]);
            return NULL;
        }
        target[len] = '\0';
        if (strspn(target, "0123456789/task") != (size_t)len || !path_is_plain(target)) {
            hull_error_set(err, EINVAL, "/proc/%s points to \"%s\", not to a process", links[i], target);
            return NULL;
        }
        return xasprintf("%s%s", target, path + n);
    }
    return xstrdup(path);
}

static int openat2_beneath(int handle, const char *path, int flags)
{
    struct open_how how = {
        .flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
    };
    return (int)syscall(SYS_openat2, handle, path, &how, sizeof how);
}

/* Without openat2: one component at a time, never following a symlink, and
 * every directory on the way must be on the handle's own mount. */
static int walk_beneath(int handle, uint64_t mnt, const char *path, int flags)
{
    cleanup_free char *copy = xstrdup(path);
    cleanup_close int cur = fcntl(handle, F_DUPFD_CLOEXEC, 3);
    if (cur < 0)
        return -1;
    char *save = NULL;
    char *comp = strtok_r(copy, "/", &save);
    for (char *next = strtok_r(NULL, "/", &save); next; next = strtok_r(NULL, "/", &save)) {
        int dir = openat(cur, comp, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
            return -1;
        close(cur);
        cur = dir;
        if (mount_id_of(cur) != mnt) {
            errno = EXDEV;
            return -1;
        }
        comp = next;
    }
    return openat(cur, comp, flags | O_NOFOLLOW | O_CLOEXEC);
}

int procfs_open_file(int handle, const char *path, int flags, struct hull_error **err)
{
    if (!path_is_plain(path))
        return hull_error_set(err, EINVAL, "invalid procfs path \"%s\"", path);
    cleanup_free char *rel = expand_self(handle, path, err);
    if (!rel)
        return -1;
    uint64_t mnt = mount_id_of(handle);
    int fd = -1;
    if (!fallback_open)
        fd = openat2_beneath(handle, rel, flags);
    if (fallback_open || (fd < 0 && errno == ENOSYS)) {
        if (!mnt)
            return hull_error_set(err, ENOSYS,
                                  "open /proc/%s: this kernel has neither openat2 nor mount ids in statx; hull cannot "
                                  "check that nothing is mounted over it",
                                  path);
        fd = walk_beneath(handle, mnt, rel, flags);
    }
    if (fd < 0) {
        int saved = errno;
        if (saved == EXDEV)
            return hull_error_set(err, saved, "open /proc/%s: something is mounted over it; refusing to use it", path);
        if (saved == ELOOP)
            return hull_error_set(err, saved, "open /proc/%s: a symlink is on the way; refusing to follow it", path);
        return hull_error_set(err, saved, "open /proc/%s", path);
    }
    /* Checked again on what we actually opened, whichever way we got there. */
    if (!on_procfs(fd) || (mnt && mount_id_of(fd) != mnt)) {
        close(fd);
        return hull_error_set(err, EXDEV, "open /proc/%s: not procfs's own file (something is mounted over it)", path);
    }
    return fd;
}

int procfs_reopen_fd(int handle, int fd, int flags, struct hull_error **err)
{
    cleanup_close int dir = procfs_open_file(handle, "thread-self/fd", O_PATH | O_DIRECTORY, err);
    if (dir < 0)
        return -1;
    char name[16];
    snprintf(name, sizeof name, "%d", fd);
    int r;
    do
        r = openat(dir, name, flags | O_CLOEXEC);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return hull_error_set(err, errno, "reopen fd %d through /proc/thread-self/fd", fd);
    return r;
}
