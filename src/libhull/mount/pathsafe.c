#include "pathsafe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../util/utils.h"

static int force_fallback = 0;

void pathsafe_force_fallback(int on)
{
    force_fallback = on;
}

const char *fd_path(int fd, char buf[static 32])
{
    snprintf(buf, 32, "/proc/self/fd/%d", fd);
    return buf;
}

int path_reopen_dir(int pathfd)
{
    return openat(pathfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int openat2_in_root(int rootfd, const char *path, int flags)
{
    struct open_how how = {
        .flags = (uint64_t)flags,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

/* The fallback: walk one component at a time with O_NOFOLLOW, resolving
 * symlinks ourselves relative to the root; ".." never climbs above the root. */
static int walk_in_root(int rootfd, const char *path, int depth)
{
    if (depth > 40) {
        errno = ELOOP;
        return -1;
    }
    cleanup_free char *copy = xstrdup(path);
    int cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
    if (cur < 0)
        return -1;
    /* Stack of directory fds so ".." can go back without leaving the root. */
    int stack[PATH_MAX / 2];
    int top = 0;
    char *save = NULL;
    for (char *comp = strtok_r(copy, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
        if (!strcmp(comp, "."))
            continue;
        if (!strcmp(comp, "..")) {
            if (top > 0) {
                close(cur);
                cur = stack[--top];
            }
            continue;
        }
        int next = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0)
            goto fail;
        struct stat st;
        if (fstat(next, &st) < 0) {
            close(next);
            goto fail;
        }
        if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlinkat(next, "", target, sizeof target - 1);
            close(next);
            if (n < 0)
                goto fail;
            target[n] = '\0';
            /* Rebuild "target/rest" and resolve it from the right place. */
            char *rest = save ? save : "";
            cleanup_free char *joined = xasprintf("%s/%s", target, rest);
            if (target[0] == '/') {
                int fd = walk_in_root(rootfd, joined, depth + 1);
                int saved = errno;
                while (top > 0)
                    close(stack[--top]);
                close(cur);
                errno = saved;
                return fd;
            }
            /* Relative target: resolved from the symlink's directory, which then acts
             * as the floor for "..".  That is stricter than the kernel (a relative
             * "../x" cannot climb above the link's directory) but never looser. */
            int fd = walk_in_root(cur, joined, depth + 1);
            int saved = errno;
            while (top > 0)
                close(stack[--top]);
            close(cur);
            errno = saved;
            return fd;
        }
        if (top >= (int)ARRAY_SIZE(stack)) {
            close(next);
            errno = ENAMETOOLONG;
            goto fail;
        }
        stack[top++] = cur;
        cur = next;
    }
    while (top > 0)
        close(stack[--top]);
    return cur;
fail:;
    int saved = errno;
    while (top > 0)
        close(stack[--top]);
    close(cur);
    errno = saved;
    return -1;
}

static int open_in_root(int rootfd, const char *path)
{
    if (!force_fallback) {
        int fd = openat2_in_root(rootfd, path, O_PATH | O_CLOEXEC);
        if (fd >= 0 || errno != ENOSYS)
            return fd;
    }
    return walk_in_root(rootfd, path, 0);
}

int path_open_in_root(int rootfd, const char *path, enum path_create create, struct hull_error **err)
{
    int fd = open_in_root(rootfd, path);
    if (fd >= 0 || errno != ENOENT || create == PATH_NO_CREATE) {
        if (fd < 0)
            return hull_error_set(err, errno, "open %s inside the container's root", path);
        return fd;
    }
    /* Create the missing parts one component at a time, each time resolving the
     * parent inside the root again, so a symlink planted in between cannot lead out. */
    cleanup_free char *copy = xstrdup(path);
    size_t len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/')
        copy[--len] = '\0';
    char *p = copy;
    while (*p == '/')
        p++;
    for (;;) {
        char *slash = strchr(p, '/');
        bool last = slash == NULL;
        if (!last)
            *slash = '\0';
        fd = open_in_root(rootfd, copy);
        if (fd < 0 && errno == ENOENT) {
            char *name = strrchr(copy, '/');
            cleanup_free char *parent = name && name != copy ? xstrndup(copy, name - copy) : xstrdup("/");
            name = name ? name + 1 : copy;
            cleanup_close int pfd = open_in_root(rootfd, parent);
            if (pfd < 0)
                return hull_error_set(err, errno, "open %s inside the container's root", parent);
            /* O_PATH fds cannot be used with mkdirat: reopen as a directory. */
            cleanup_close int dfd = path_reopen_dir(pfd);
            if (dfd < 0)
                return hull_error_set(err, errno, "%s inside the container's root is not a directory", parent);
            if (last && create == PATH_MKFILE) {
                int f = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
                if (f < 0 && errno != EEXIST)
                    return hull_error_set(err, errno, "create %s inside the container's root", copy);
                if (f >= 0)
                    close(f);
            } else if (mkdirat(dfd, name, 0755) < 0 && errno != EEXIST) {
                return hull_error_set(err, errno, "mkdir %s inside the container's root", copy);
            }
            fd = open_in_root(rootfd, copy);
        }
        if (fd < 0)
            return hull_error_set(err, errno, "open %s inside the container's root", copy);
        if (last)
            return fd;
        close(fd);
        *slash = '/';
        p = slash + 1;
    }
}
