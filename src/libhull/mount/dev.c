/* hull: the container's /dev -- the devices the OCI spec says every container
 * has (runtime-linux.md "Default Devices"), linux.devices, and the symlinks. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../util/utils.h"
#include "pathsafe.h"
#include "rootfs.h"

struct default_device {
    const char *path;
    unsigned major, minor;
};

static const struct default_device default_devices[] = {
    {"/dev/null", 1, 3},  {"/dev/zero", 1, 5}, {"/dev/full", 1, 7},
    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

/* mknod, or -- inside a user namespace, where mknod is never allowed -- a bind
 * mount of the host's node onto an empty file. */
static int create_device(int rootfd, const char *path, mode_t type, unsigned major, unsigned minor, mode_t mode,
                         bool has_owner, uid_t uid, gid_t gid, bool bind_only, struct hull_error **err)
{
    cleanup_free char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    const char *name = slash + 1;
    *slash = '\0';
    cleanup_close int dpath = path_open_in_root(rootfd, *dir ? dir : "/", PATH_MKDIR, err);
    if (dpath < 0)
        return -1;
    char buf[32];
    cleanup_close int dfd = path_reopen_dir(dpath);
    if (dfd < 0)
        return hull_error_set(err, errno, "open %s", dir);

    /* Whatever the image put there (a symlink to /etc/shadow, say) goes away
     * first; unlinkat never follows it. */
    unlinkat(dfd, name, 0);
    if (!bind_only) {
        if (mknodat(dfd, name, type | (mode & 07777), makedev(major, minor)) == 0) {
            /* mknod is subject to umask: set the mode exactly. */
            if (fchmodat(dfd, name, mode & 07777, 0) < 0)
                return hull_error_set(err, errno, "chmod %s", path);
            if (has_owner && fchownat(dfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
                return hull_error_set(err, errno, "chown %s", path);
            return 0;
        }
        if (errno != EPERM)
            return hull_error_set(err, errno, "mknod %s", path);
    }
    if (type != S_IFCHR && type != S_IFBLK)
        return hull_error_set(err, EPERM, "cannot create %s inside a user namespace", path);
    /* As runc does: the host's node at the same path (udev's /dev/char/M:N
     * links are missing on hosts without udev). */
    const char *host = path;
    struct stat hst;
    if (stat(host, &hst) < 0 || (hst.st_mode & S_IFMT) != type || hst.st_rdev != makedev(major, minor))
        return hull_error_set(err, ENODEV, "cannot create %s inside a user namespace: the host has no %c %u:%u at %s",
                              path, type == S_IFCHR ? 'c' : 'b', major, minor, host);
    int f = openat(dfd, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0000);
    if (f < 0)
        return hull_error_set(err, errno, "create %s", path);
    close(f);
    cleanup_close int target = path_open_in_root(rootfd, path, PATH_NO_CREATE, err);
    if (target < 0)
        return -1;
    if (mount(host, fd_path(target, buf), NULL, MS_BIND, NULL) < 0)
        return hull_error_set(err, errno, "bind %s onto %s", host, path);
    return 0;
}

static int make_symlink(int rootfd, const char *target, const char *linkpath, struct hull_error **err)
{
    cleanup_close int dpath = path_open_in_root(rootfd, "/dev", PATH_MKDIR, err);
    if (dpath < 0)
        return -1;
    cleanup_close int dfd = path_reopen_dir(dpath);
    if (dfd < 0)
        return hull_error_set(err, errno, "open /dev");
    if (symlinkat(target, dfd, linkpath) < 0 && errno != EEXIST)
        return hull_error_set(err, errno, "symlink /dev/%s", linkpath);
    return 0;
}

int dev_populate(int rootfd, const struct rootfs_ctx *ctx, struct hull_error **err)
{
    const struct hull_linux *lx = &ctx->spec->linux_;
    for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
        const struct default_device *d = &default_devices[i];
        /* A linux.devices entry for the same path wins. */
        bool overridden = false;
        for (size_t j = 0; j < lx->n_devices; j++)
            if (!strcmp(lx->devices[j].path, d->path))
                overridden = true;
        if (overridden)
            continue;
        if (create_device(rootfd, d->path, S_IFCHR, d->major, d->minor, 0666, false, 0, 0, ctx->in_userns, err) < 0)
            return -1;
    }
    for (size_t j = 0; j < lx->n_devices; j++) {
        const struct hull_device *d = &lx->devices[j];
        mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
        mode_t mode = d->has_file_mode ? d->file_mode : 0666;
        if (create_device(rootfd, d->path, type, (unsigned)d->major, (unsigned)d->minor, mode, d->has_uid || d->has_gid,
                          d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0, ctx->in_userns && type != S_IFIFO,
                          err) < 0)
            return hull_error_wrap(err, "linux.devices[%zu]", j);
    }
    static const char *links[][2] = {
        {"/proc/self/fd", "fd"},
        {"/proc/self/fd/0", "stdin"},
        {"/proc/self/fd/1", "stdout"},
        {"/proc/self/fd/2", "stderr"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(links); i++)
        if (make_symlink(rootfd, links[i][0], links[i][1], err) < 0)
            return -1;
    /* With a private devpts instance, /dev/ptmx must be its ptmx.  Looked up
     * inside the root: a path relative to rootfd would follow a /dev symlink
     * out of it (CVE-2026-41579). */
    struct stat st;
    cleanup_close int devpts_ptmx = path_open_in_root(rootfd, "/dev/pts/ptmx", PATH_NO_CREATE, err);
    if (devpts_ptmx < 0)
        hull_error_freep(err);
    if (devpts_ptmx >= 0) {
        cleanup_close int dpath = path_open_in_root(rootfd, "/dev", PATH_NO_CREATE, err);
        if (dpath < 0)
            return -1;
        cleanup_close int dfd = path_reopen_dir(dpath);
        if (dfd >= 0) {
            if (fstatat(dfd, "ptmx", &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISLNK(st.st_mode))
                unlinkat(dfd, "ptmx", 0);
        }
        if (make_symlink(rootfd, "pts/ptmx", "ptmx", err) < 0)
            return -1;
    }
    return 0;
}
