/* The copy fallback of rootfs.h: applying unpacked layers one after the other
 * onto a directory, honouring the overlayfs whiteouts the unpacker wrote
 * (a character device 0/0 deletes; trusted.overlay.opaque=y on a directory
 * hides everything the layers below put in it).  Ownership, modes, times,
 * xattrs and hard links (within a layer) are kept. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "util/utils.h"
#include "image_rootfs.h"

struct hardlink {
    dev_t dev;
    ino_t ino;
    char *dest; /* path relative to the destination root */
};

struct flattener {
    int dest_rootfd;
    struct hardlink *links;
    size_t n_links;
};

static bool is_overlay_whiteout(const struct stat *st)
{
    return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static int remove_at(int dirfd, const char *name, struct hull_error **err)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : hull_error_set(err, errno, "stat %s", name);
    if (!S_ISDIR(st.st_mode))
        return unlinkat(dirfd, name, 0) < 0 ? hull_error_set(err, errno, "remove %s", name) : 0;
    char buf[64];
    snprintf(buf, sizeof buf, "/proc/self/fd/%d/", dirfd);
    cleanup_free char *path = xasprintf("%s%s", buf, name);
    return rm_rf(path, err);
}

static int clear_dir(int dirfd, struct hull_error **err)
{
    int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
    cleanup_dir DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return hull_error_set(err, errno, "read directory");
    }
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && remove_at(dirfd, de->d_name, err) < 0)
            return -1;
    return 0;
}

static bool is_opaque(int dirfd)
{
    char v[2];
    return fgetxattr(dirfd, image_overlay_opaque_xattr(), v, sizeof v) == 1 && v[0] == 'y';
}

static int copy_xattrs(int src, int dst, struct hull_error **err)
{
    char names[8192];
    ssize_t len = flistxattr(src, names, sizeof names);
    if (len < 0)
        return errno == EOPNOTSUPP ? 0 : hull_error_set(err, errno, "list xattrs");
    for (char *name = names; name < names + len; name += strlen(name) + 1) {
        if (!strncmp(name, "trusted.overlay.", 16))
            continue; /* overlay's own bookkeeping, meaningless in a plain tree */
        char value[65536];
        ssize_t n = fgetxattr(src, name, value, sizeof value);
        if (n < 0)
            continue;
        if (fsetxattr(dst, name, value, n, 0) < 0 && errno != EOPNOTSUPP)
            return hull_error_set(err, errno, "set xattr %s", name);
    }
    return 0;
}

static int copy_metadata_fd(int src, int dst, const struct stat *st, struct hull_error **err)
{
    if (fchown(dst, st->st_uid, st->st_gid) < 0)
        return hull_error_set(err, errno, "chown");
    if (copy_xattrs(src, dst, err) < 0)
        return -1;
    if (fchmod(dst, st->st_mode & 07777) < 0)
        return hull_error_set(err, errno, "chmod");
    struct timespec ts[2] = {st->st_atim, st->st_mtim};
    if (futimens(dst, ts) < 0)
        return hull_error_set(err, errno, "set times");
    return 0;
}

static int copy_regular(int srcdir, int dstdir, const char *name, const struct stat *st, struct hull_error **err)
{
    cleanup_close int in = openat(srcdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return hull_error_set(err, errno, "open");
    cleanup_close int out = openat(dstdir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0)
        return hull_error_set(err, errno, "create");
    off_t left = st->st_size;
    while (left > 0) {
        ssize_t n = copy_file_range(in, NULL, out, NULL, left, 0);
        if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
            char buf[65536];
            n = read(in, buf, sizeof buf);
            if (n > 0 && write_all(out, buf, n) < 0)
                return hull_error_set(err, errno, "write");
        }
        if (n < 0)
            return hull_error_set(err, errno, "copy");
        if (n == 0)
            break;
        left -= n;
    }
    return copy_metadata_fd(in, out, st, err);
}

static int copy_special(int srcdir, int dstdir, const char *name, const struct stat *st, struct hull_error **err)
{
    if (S_ISLNK(st->st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlinkat(srcdir, name, target, sizeof target - 1);
        if (n < 0)
            return hull_error_set(err, errno, "readlink");
        target[n] = '\0';
        if (symlinkat(target, dstdir, name) < 0)
            return hull_error_set(err, errno, "symlink");
    } else if (mknodat(dstdir, name, st->st_mode & (S_IFMT | 07777), st->st_rdev) < 0) {
        return hull_error_set(err, errno, "mknod");
    }
    if (fchownat(dstdir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        return hull_error_set(err, errno, "chown");
    if (!S_ISLNK(st->st_mode) && fchmodat(dstdir, name, st->st_mode & 07777, 0) < 0)
        return hull_error_set(err, errno, "chmod");
    struct timespec ts[2] = {st->st_atim, st->st_mtim};
    if (utimensat(dstdir, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
        return hull_error_set(err, errno, "set times");
    return 0;
}

/* A file with several links is copied once; later names become hard links to the copy. */
static const char *hardlink_seen(struct flattener *f, const struct stat *st)
{
    for (size_t i = 0; i < f->n_links; i++)
        if (f->links[i].dev == st->st_dev && f->links[i].ino == st->st_ino)
            return f->links[i].dest;
    return NULL;
}

static void hardlink_remember(struct flattener *f, const struct stat *st, const char *dest)
{
    f->links = xrealloc(f->links, (f->n_links + 1) * sizeof *f->links);
    f->links[f->n_links++] = (struct hardlink){st->st_dev, st->st_ino, xstrdup(dest)};
}

static int flatten_dir(struct flattener *f, int srcdir, int dstdir, const char *rel, struct hull_error **err);

static int flatten_entry(struct flattener *f, int srcdir, int dstdir, const char *rel, const char *name,
                         struct hull_error **err)
{
    struct stat st;
    if (fstatat(srcdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return hull_error_set(err, errno, "stat");
    cleanup_free char *path = *rel ? xasprintf("%s/%s", rel, name) : xstrdup(name);
    if (is_overlay_whiteout(&st))
        return remove_at(dstdir, name, err);
    if (S_ISSOCK(st.st_mode))
        return 0;
    struct stat existing;
    bool exists = fstatat(dstdir, name, &existing, AT_SYMLINK_NOFOLLOW) == 0;
    if (S_ISDIR(st.st_mode)) {
        if (exists && !S_ISDIR(existing.st_mode)) {
            if (remove_at(dstdir, name, err) < 0)
                return -1;
            exists = false;
        }
        if (!exists && mkdirat(dstdir, name, 0700) < 0)
            return hull_error_set(err, errno, "mkdir");
        cleanup_close int sub_src = openat(srcdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        cleanup_close int sub_dst = openat(dstdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub_src < 0 || sub_dst < 0)
            return hull_error_set(err, errno, "open directory");
        if (exists && is_opaque(sub_src) && clear_dir(sub_dst, err) < 0)
            return -1;
        if (flatten_dir(f, sub_src, sub_dst, path, err) < 0)
            return -1;
        return copy_metadata_fd(sub_src, sub_dst, &st, err);
    }
    if (exists && remove_at(dstdir, name, err) < 0)
        return -1;
    if (st.st_nlink > 1 && !S_ISDIR(st.st_mode)) {
        const char *first = hardlink_seen(f, &st);
        if (first) {
            if (linkat(f->dest_rootfd, first, dstdir, name, 0) < 0)
                return hull_error_set(err, errno, "hard link to %s", first);
            return 0;
        }
        hardlink_remember(f, &st, path);
    }
    if (S_ISREG(st.st_mode))
        return copy_regular(srcdir, dstdir, name, &st, err);
    return copy_special(srcdir, dstdir, name, &st, err);
}

static int flatten_dir(struct flattener *f, int srcdir, int dstdir, const char *rel, struct hull_error **err)
{
    int fd = fcntl(srcdir, F_DUPFD_CLOEXEC, 3);
    cleanup_dir DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return hull_error_set(err, errno, "read directory /%s", rel);
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (flatten_entry(f, srcdir, dstdir, rel, de->d_name, err) < 0)
            return hull_error_wrap(err, "/%s%s%s", rel, *rel ? "/" : "", de->d_name);
    }
    return 0;
}

int image_rootfs_flatten(char *const *layers, const char *dest, struct hull_error **err)
{
    cleanup_close int dstfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dstfd < 0)
        return hull_error_set(err, errno, "open %s", dest);
    for (size_t i = 0; layers[i]; i++) {
        cleanup_close int srcfd = open(layers[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (srcfd < 0)
            return hull_error_set(err, errno, "open layer %s", layers[i]);
        struct flattener f = {.dest_rootfd = dstfd};
        int r = flatten_dir(&f, srcfd, dstfd, "", err);
        for (size_t j = 0; j < f.n_links; j++)
            free(f.links[j].dest);
        free(f.links);
        if (r < 0)
            return hull_error_wrap(err, "layer %s", layers[i]);
    }
    return 0;
}
