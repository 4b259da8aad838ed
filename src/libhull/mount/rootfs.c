/* hull: the container's mounts, in the order config.md requires: the rootfs
 * becomes a mount point of its own, then every `mounts` entry in order, then
 * /dev, then pivot_root, then masked and read-only paths. */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/major.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../cgroup/cgroup.h"
#include "../util/log.h"
#include "../util/utils.h"
#include "pathsafe.h"

/* Flags a bind remount must keep: inside a user namespace the kernel locks
 * nosuid/nodev/noexec/atime flags of mounts inherited from the host, and a
 * remount that drops them fails with EPERM. */
static unsigned long locked_flags_of(int fd)
{
    struct statvfs sv;
    if (fstatvfs(fd, &sv) < 0)
        return 0;
    unsigned long f = 0;
    if (sv.f_flag & ST_NOSUID)
        f |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV)
        f |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC)
        f |= MS_NOEXEC;
    if (sv.f_flag & ST_NOATIME)
        f |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME)
        f |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME)
        f |= MS_RELATIME;
    return f;
}

static int reopen_in_root(int rootfd, const char *path, struct hull_error **err)
{
    return path_open_in_root(rootfd, path, PATH_NO_CREATE, err);
}

static int remount_bind(int rootfd, const char *dest, unsigned long flags, struct hull_error **err)
{
    cleanup_close int fd = reopen_in_root(rootfd, dest, err);
    if (fd < 0)
        return -1;
    char buf[32];
    unsigned long keep = locked_flags_of(fd);
    if (mount(NULL, fd_path(fd, buf), NULL, MS_BIND | MS_REMOUNT | keep | flags, NULL) < 0)
        return hull_error_set(err, errno, "remount %s", dest);
    return 0;
}

static int set_propagation(int rootfd, const char *dest, unsigned long prop, struct hull_error **err)
{
    cleanup_close int fd = reopen_in_root(rootfd, dest, err);
    if (fd < 0)
        return -1;
    char buf[32];
    if (mount(NULL, fd_path(fd, buf), NULL, prop, NULL) < 0)
        return hull_error_set(err, errno, "set propagation of %s", dest);
    return 0;
}

/* Copies what the image has at a directory into the tmpfs mounted over it
 * (the `tmpcopyup` option podman uses for /etc-like directories). */
static int copy_tree(int from, int to, struct hull_error **err)
{
    int dup = fcntl(from, F_DUPFD_CLOEXEC, 3);
    if (dup < 0)
        return hull_error_set(err, errno, "dup");
    cleanup_dir DIR *d = fdopendir(dup);
    if (!d) {
        close(dup);
        return hull_error_set(err, errno, "opendir");
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        struct stat st;
        if (fstatat(from, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return hull_error_set(err, errno, "stat %s", de->d_name);
        if (S_ISDIR(st.st_mode)) {
            if (mkdirat(to, de->d_name, st.st_mode & 07777) < 0 && errno != EEXIST)
                return hull_error_set(err, errno, "mkdir %s", de->d_name);
            cleanup_close int f2 = openat(from, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            cleanup_close int t2 = openat(to, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (f2 < 0 || t2 < 0)
                return hull_error_set(err, errno, "open %s", de->d_name);
            if (copy_tree(f2, t2, err) < 0)
                return -1;
        } else if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlinkat(from, de->d_name, target, sizeof target - 1);
            if (n < 0)
                return hull_error_set(err, errno, "readlink %s", de->d_name);
            target[n] = '\0';
            if (symlinkat(target, to, de->d_name) < 0 && errno != EEXIST)
                return hull_error_set(err, errno, "symlink %s", de->d_name);
        } else if (S_ISREG(st.st_mode)) {
            cleanup_close int in = openat(from, de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
            cleanup_close int out =
                openat(to, de->d_name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 07777);
            if (in < 0 || out < 0)
                return hull_error_set(err, errno, "copy %s", de->d_name);
            char buf[65536];
            ssize_t n;
            while ((n = read(in, buf, sizeof buf)) > 0)
                if (write_all(out, buf, n) < 0)
                    return hull_error_set(err, errno, "copy %s", de->d_name);
        } else {
            continue; /* devices, sockets, fifos are not copied up */
        }
        fchownat(to, de->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
    }
    return 0;
}

static bool is_bind_mount(const struct hull_mount *m)
{
    return m->bind || (m->type && !strcmp(m->type, "bind"));
}

bool mount_is_bind(const struct hull_mount *m)
{
    return is_bind_mount(m);
}

/* runc mounts a read-only tmpfs, and a read-only /dev, read-write and makes it
 * read-only only after everything below it exists (mount points of later
 * mounts, /dev/pts, device nodes, /dev/console): a read-only /dev in the
 * config otherwise fails with "mkdir /dev/pts: Read-only file system". */
static bool readonly_deferred(const struct hull_mount *m)
{
    if (is_bind_mount(m) || !(m->flags & MS_RDONLY))
        return false;
    return (m->type && !strcmp(m->type, "tmpfs")) || !strcmp(m->destination, "/dev") ||
           !strcmp(m->destination, "/dev/");
}

/* The per-mount attributes of a bind's options, for its top mount only:
 * plain "ro" (and nosuid, noexec...) on an rbind leaves the submounts as they
 * are, as runc does; "rro" & co. are the recursive form (issue 11). An
 * explicit "rw", "suid", "exec"... clears what the source mount had. */
static struct mount_attr bind_top_attr(const struct hull_mount *m)
{
    static const struct {
        unsigned long ms;
        uint64_t attr;
    } map[] = {
        {MS_RDONLY, MOUNT_ATTR_RDONLY},         {MS_NOSUID, MOUNT_ATTR_NOSUID},
        {MS_NODEV, MOUNT_ATTR_NODEV},           {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
        {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME}, {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
    };
    struct mount_attr attr = {0};
    for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
        if (m->flags & map[i].ms)
            attr.attr_set |= map[i].attr;
        else if (m->clear_flags & map[i].ms)
            attr.attr_clr |= map[i].attr;
    }
    const unsigned long atime = MS_NOATIME | MS_STRICTATIME | MS_RELATIME;
    if (m->flags & atime) {
        attr.attr_clr |= MOUNT_ATTR__ATIME;
        attr.attr_set |= (m->flags & MS_NOATIME)       ? MOUNT_ATTR_NOATIME
                         : (m->flags & MS_STRICTATIME) ? MOUNT_ATTR_STRICTATIME
                                                       : MOUNT_ATTR_RELATIME;
    } else if (m->clear_flags & atime) {
        /* "atime", "norelatime", "nostrictatime": back to the kernel's default mode, as mount(2) does. */
        attr.attr_clr |= MOUNT_ATTR__ATIME;
        attr.attr_set |= MOUNT_ATTR_RELATIME;
    }
    return attr;
}

/* "rro", "rnosuid"...: the mount at fd and every mount below it. */
static int set_recursive_attrs(int fd, const struct hull_mount *m, struct hull_error **err)
{
    if (!m->rec_attr_set && !m->rec_attr_clr)
        return 0;
    struct mount_attr attr = {.attr_set = m->rec_attr_set, .attr_clr = m->rec_attr_clr};
    if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
        return hull_error_set(err, errno, "apply the recursive mount options (rro, rnosuid...) of %s%s",
                              m->destination, errno == ENOSYS ? ": the kernel has no mount_setattr (Linux 5.12)" : "");
    return 0;
}

/* Bind mounts use the new mount API where the kernel has it: the attributes
 * (ro, nosuid...) are set on the detached copy before it becomes visible, and
 * move_mount attaches it onto the fd we resolved -- no path is looked up twice. */
static int bind_mount(int rootfd, const struct hull_mount *m, const char *source, int pre_tree, int destfd,
                      struct hull_error **err)
{
    unsigned int tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (m->recursive_bind ? AT_RECURSIVE : 0);
    /* pre_tree: opened by the runtime before the user namespace (bind_sources.c). */
    cleanup_close int tree =
        pre_tree >= 0 ? fcntl(pre_tree, F_DUPFD_CLOEXEC, 3) : open_tree(AT_FDCWD, source, tree_flags);
    if (tree >= 0) {
        struct mount_attr attr = bind_top_attr(m);
        if ((attr.attr_set || attr.attr_clr) && mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
            return hull_error_set(err, errno, "set attributes of bind mount %s", m->destination);
        if (set_recursive_attrs(tree, m, err) < 0)
            return -1;
        if (move_mount(tree, "", destfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
            return hull_error_set(err, errno, "bind %s onto %s", source, m->destination);
        return 0;
    }
    if (errno != ENOSYS)
        return hull_error_set(err, errno, "open bind source %s", source);
    char buf[32];
    if (mount(source, fd_path(destfd, buf), NULL, MS_BIND | (m->recursive_bind ? MS_REC : 0), NULL) < 0)
        return hull_error_set(err, errno, "bind %s onto %s", source, m->destination);
    unsigned long extra = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
    if (extra && remount_bind(rootfd, m->destination, extra, err) < 0)
        return -1;
    if (m->rec_attr_set || m->rec_attr_clr)
        return hull_error_set(err, ENOSYS, "apply the recursive mount options (rro, rnosuid...) of %s: the kernel "
                                           "has no mount_setattr (Linux 5.12)",
                              m->destination);
    return 0;
}

/* dest with "//", "." and ".." folded away, as the kernel would walk it
 * without symlinks; ".." never climbs above "/". */
static char *clean_path(const char *dest)
{
    cleanup_free char *copy = xstrdup(dest);
    char *out = xmalloc0(strlen(dest) + 2);
    size_t len = 0;
    char *save = NULL;
    for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (!strcmp(c, "."))
            continue;
        if (!strcmp(c, "..")) {
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--;
            out[len] = '\0';
            continue;
        }
        len += (size_t)sprintf(out + len, "/%s", c);
    }
    if (len == 0)
        strcpy(out, "/");
    return out;
}

/* runc's rule (checkProcMount), which closes CVE-2025-52881's way in: a mount
 * over a file in /proc (say a bind of another file over
 * /proc/sys/net/ipv4/ip_forward) makes the runtime's own later writes there,
 * and the container's, land in that other file.  On /proc itself only a procfs
 * may go; inside /proc only the files lxcfs emulates. */
static int check_proc_destination(const char *inner, const struct hull_mount *m, const char *source,
                                  struct hull_error **err)
{
    static const char *lxcfs_files[] = {"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat",
                                        "/proc/swaps",   "/proc/uptime",    "/proc/loadavg", "/proc/slabinfo",
                                        "/proc/net/dev", "/proc/sys/kernel/ns_last_pid"};
    if (!strcmp(inner, "/proc")) {
        if (is_bind_mount(m)) {
            struct statfs sf;
            if (source && statfs(source, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC)
                return 0;
        } else if (m->type && !strcmp(m->type, "proc")) {
            return 0;
        }
        return hull_error_set(err, 0, "\"%s\" cannot be mounted because it is not of type proc (only a procfs "
                              "may be mounted on /proc)", m->destination);
    }
    if (strncmp(inner, "/proc/", 6) != 0)
        return 0;
    for (size_t i = 0; i < ARRAY_SIZE(lxcfs_files); i++)
        if (!strcmp(inner, lxcfs_files[i]))
            return 0;
    if (strcmp(inner, m->destination) != 0)
        return hull_error_set(err, 0, "\"%s\" (%s inside the root) cannot be mounted because it is inside /proc",
                              m->destination, inner);
    return hull_error_set(err, 0, "\"%s\" cannot be mounted because it is inside /proc", m->destination);
}

/* The destination as resolved (symlinks followed inside the root): the path of
 * destfd with the rootfs's own path cut off.  NULL if it cannot be told. */
static char *resolved_inner_path(int rootfd, int destfd)
{
    char buf[32], root[PATH_MAX], dest[PATH_MAX];
    ssize_t rn = readlink(fd_path(rootfd, buf), root, sizeof root - 1);
    ssize_t dn = readlink(fd_path(destfd, buf), dest, sizeof dest - 1);
    if (rn <= 0 || dn <= 0)
        return NULL;
    root[rn] = dest[dn] = '\0';
    if (!strcmp(root, "/"))
        return xstrdup(dest);
    size_t n = (size_t)rn;
    if (strncmp(dest, root, n) != 0 || (dest[n] != '/' && dest[n] != '\0'))
        return NULL;
    return xstrdup(dest[n] ? dest + n : "/");
}

/* The mount's destination inside the root, created (a directory, or a file
 * for a bind of one) and opened; *source is a bind's source made absolute,
 * *pre_tree the tree opened for it before a user namespace (or -1). */
static int open_destination(const struct rootfs_ctx *ctx, int rootfd, const struct hull_mount *m, char **source,
                            int *pre_tree, struct hull_error **err)
{
    bool bind = is_bind_mount(m);
    if (bind) {
        if (!m->source)
            return hull_error_set(err, 0, "bind mount to %s has no source", m->destination);
        *source = m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", ctx->bundle, m->source);
    }
    enum path_create create = PATH_MKDIR;
    *pre_tree = ctx->bind_trees ? ctx->bind_trees[m - ctx->spec->mounts] : -1;
    if (bind) {
        struct stat st;
        if ((*pre_tree >= 0 ? fstat(*pre_tree, &st) : stat(*source, &st)) < 0)
            return hull_error_set(err, errno, "bind mount source %s", *source);
        if (!S_ISDIR(st.st_mode))
            create = PATH_MKFILE;
    }
    /* Checked on the path as written (before anything is created) and again on
     * what it resolves to, so a symlink in the image cannot lead into /proc. */
    cleanup_free char *lexical = clean_path(m->destination);
    if (check_proc_destination(lexical, m, *source, err) < 0)
        return -1;
    cleanup_close int destfd = path_open_in_root(rootfd, m->destination, create, err);
    if (destfd < 0)
        return -1;
    cleanup_free char *inner = resolved_inner_path(rootfd, destfd);
    if (!inner)
        return hull_error_set(err, EXDEV, "cannot tell where %s leads inside the root", m->destination);
    if (check_proc_destination(inner, m, *source, err) < 0)
        return -1;
    return steal_fd(&destfd);
}

/* A filesystem (not a bind, not the cgroup mount) onto destfd, with
 * tmpcopyup's copy of what was below. */
static int mount_filesystem(int rootfd, const struct hull_mount *m, int destfd, struct hull_error **err)
{
    char buf[32];
    cleanup_close int below = -1;
    if (m->tmpcopyup) {
        below = path_reopen_dir(destfd);
        if (below < 0)
            return hull_error_set(err, errno, "open %s for tmpcopyup", m->destination);
    }
    unsigned long flags = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
    if (readonly_deferred(m))
        flags &= ~MS_RDONLY; /* rootfs_finalize makes it read-only */
    /* The kernel's own filesystems never need setuid files, device nodes or
     * executables: whatever the config says, proc and sysfs get all three. */
    if (m->type && (!strcmp(m->type, "proc") || !strcmp(m->type, "sysfs")))
        flags |= MS_NOSUID | MS_NODEV | MS_NOEXEC;
    const char *src = m->source ? m->source : m->type;
    if (mount(src, fd_path(destfd, buf), m->type, flags, m->data) < 0) {
        int saved = errno;
        /* sysfs can only be mounted by the owner of the network namespace;
         * without one of our own, bind the host's read-only, as runc does. */
        if (saved != EPERM || !m->type || strcmp(m->type, "sysfs") != 0)
            return hull_error_set(err, saved, "mount %s (type %s, options \"%s\") onto %s", src,
                                  m->type ? m->type : "none", m->data ? m->data : "", m->destination);
        if (mount("/sys", fd_path(destfd, buf), NULL, MS_BIND | MS_REC, NULL) < 0)
            return hull_error_set(err, errno, "bind /sys onto %s", m->destination);
        if (remount_bind(rootfd, m->destination, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, err) < 0)
            return -1;
    }
    if (below >= 0) {
        cleanup_close int top = reopen_in_root(rootfd, m->destination, err);
        if (top < 0)
            return -1;
        cleanup_close int topdir = path_reopen_dir(top);
        if (topdir < 0 || copy_tree(below, topdir, err) < 0)
            return hull_error_wrap(err, "tmpcopyup %s", m->destination);
    }
    return 0;
}

static int mount_one(const struct rootfs_ctx *ctx, int rootfd, const struct hull_mount *m, struct hull_error **err)
{
    bool bind = is_bind_mount(m);
    cleanup_free char *source = NULL;
    int pre_tree = -1;
    cleanup_close int destfd = open_destination(ctx, rootfd, m, &source, &pre_tree, err);
    if (destfd < 0)
        return -1;
    if (m->type && !strcmp(m->type, "cgroup") && !bind) {
        /* A rootless container may have no cgroup of its own (no delegated
         * one): nothing to show, the destination keeps what /sys brought. */
        if (!ctx->cgroup) {
            log_debug("mount %s: no cgroup (rootless), left as it is", m->destination);
            return 0;
        }
        if (cgroup_mount_in_container(ctx->cgroup, destfd, m->destination, (m->flags & MS_RDONLY) != 0,
                                      ctx->new_cgroupns, err) < 0)
            return -1;
    } else if (bind) {
        if (bind_mount(rootfd, m, source, pre_tree, destfd, err) < 0)
            return -1;
    } else if (mount_filesystem(rootfd, m, destfd, err) < 0) {
        return -1;
    }
    if (!bind && (m->rec_attr_set || m->rec_attr_clr)) {
        cleanup_close int top = reopen_in_root(rootfd, m->destination, err);
        if (top < 0 || set_recursive_attrs(top, m, err) < 0)
            return -1;
    }
    if (m->propagation && set_propagation(rootfd, m->destination, m->propagation, err) < 0)
        return -1;
    return 0;
}

/* pivot_root fails when the mount holding the new root is shared; with
 * rootfsPropagation "shared" we make that one mount private. */
static void make_parent_mount_private(const char *rootfs)
{
    cleanup_free char *p = xstrdup(rootfs);
    for (;;) {
        char *slash = strrchr(p, '/');
        if (!slash)
            return;
        if (slash == p)
            slash[1] = '\0';
        else
            *slash = '\0';
        if (mount(NULL, p, NULL, MS_PRIVATE, NULL) == 0 || !strcmp(p, "/"))
            return;
    }
}

int rootfs_prepare(const struct rootfs_ctx *ctx, struct hull_error **err)
{
    const struct hull_spec *spec = ctx->spec;
    /* Our mounts must never propagate back to the host: start from a slave copy
     * of the host's tree unless the config asks for another propagation. */
    unsigned long root_prop = spec->linux_.rootfs_propagation ? spec->linux_.rootfs_propagation : MS_SLAVE | MS_REC;
    /* An unbindable mount cannot be bound, not even onto itself (EINVAL; runc
     * 1.1 fails there): start private, rootfs_finalize applies "unbindable"
     * to the new / after pivot_root. */
    if (root_prop & MS_UNBINDABLE)
        root_prop = MS_PRIVATE;
    /* In the caller's mount namespace (no "mount" in the config) its / is not
     * ours to change: only the rootfs bind below is made, as runc does. */
    if (ctx->own_mount_ns && mount(NULL, "/", NULL, root_prop | MS_REC, NULL) < 0)
        return hull_error_set(err, errno, "set propagation of /");
    if (ctx->own_mount_ns && (root_prop & MS_SHARED))
        make_parent_mount_private(ctx->rootfs);
    if (mount(ctx->rootfs, ctx->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        return hull_error_set(err, errno, "bind rootfs %s onto itself", ctx->rootfs);

    cleanup_close int rootfd = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return hull_error_set(err, errno, "open rootfs %s", ctx->rootfs);

    /* A /proc or /sys that is a symlink would send the kernel's own files
     * somewhere we do not control (CVE-2019-19921 and relatives), and a /dev
     * that is one would take the device nodes, ptmx and the fd links with it
     * (runc's CVE-2026-41579, crun's CVE-2026-47766 followed it out of the root
     * onto the host).  Every later step resolves inside the root anyway; an
     * image like that is refused, with the link's target in the message. */
    static const char *must_not_be_links[] = {"proc", "sys", "dev"};
    for (size_t i = 0; i < ARRAY_SIZE(must_not_be_links); i++) {
        struct stat st;
        if (fstatat(rootfd, must_not_be_links[i], &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
            char target[PATH_MAX] = "";
            ssize_t n = readlinkat(rootfd, must_not_be_links[i], target, sizeof target - 1);
            target[n > 0 ? n : 0] = '\0';
            return hull_error_set(err, 0, "rootfs %s: /%s is a symlink (to \"%s\"); refusing to mount over it",
                                  ctx->rootfs, must_not_be_links[i], target);
        }
    }

    for (size_t i = 0; i < spec->n_mounts; i++) {
        if (mount_one(ctx, rootfd, &spec->mounts[i], err) < 0)
            return hull_error_wrap(err, "mounts[%zu] (%s)", i, spec->mounts[i].destination);
    }
    if (dev_populate(rootfd, ctx, err) < 0)
        return -1;
    return 0;
}

int rootfs_pivot(const struct rootfs_ctx *ctx, struct hull_error **err)
{
    if (!ctx->own_mount_ns) {
        /* pivot_root or MS_MOVE would change the caller's own root: chroot,
         * as runc does without a mount namespace. */
        if (chdir(ctx->rootfs) < 0)
            return hull_error_set(err, errno, "chdir %s", ctx->rootfs);
        if (chroot(".") < 0)
            return hull_error_set(err, errno, "chroot %s", ctx->rootfs);
        if (chdir("/") < 0)
            return hull_error_set(err, errno, "chdir /");
        return 0;
    }
    if (ctx->no_pivot) {
        /* For initramfs hosts, where pivot_root is impossible. */
        if (rootfs_hide_host_proc_sys(ctx->rootfs, err) < 0)
            return -1;
        if (chdir(ctx->rootfs) < 0)
            return hull_error_set(err, errno, "chdir %s", ctx->rootfs);
        if (mount(ctx->rootfs, "/", NULL, MS_MOVE, NULL) < 0)
            return hull_error_set(err, errno, "move %s to /", ctx->rootfs);
        if (chroot(".") < 0)
            return hull_error_set(err, errno, "chroot %s", ctx->rootfs);
        if (chdir("/") < 0)
            return hull_error_set(err, errno, "chdir /");
        return 0;
    }
    cleanup_close int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    cleanup_close int newroot = open(ctx->rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (oldroot < 0 || newroot < 0)
        return hull_error_set(err, errno, "open / or %s", ctx->rootfs);
    if (fchdir(newroot) < 0)
        return hull_error_set(err, errno, "chdir %s", ctx->rootfs);
    /* pivot_root(".", ".") stacks the old root on top of the new one; we then
     * detach it, so no path in the container leads to the host's tree. */
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return hull_error_set(err, errno, "pivot_root %s", ctx->rootfs);
    if (fchdir(oldroot) < 0)
        return hull_error_set(err, errno, "fchdir old root");
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return hull_error_set(err, errno, "make old root slave");
    if (umount2(".", MNT_DETACH) < 0)
        return hull_error_set(err, errno, "detach old root");
    if (chdir("/") < 0)
        return hull_error_set(err, errno, "chdir /");
    return 0;
}

/* The null device masked files are covered with, opened once inside the new
 * root and checked to be c 1:3.  Binding the *path* /dev/null let a racing
 * swap of /dev/null for a symlink (a /dev shared with the host side, say) turn
 * a masked /proc/keys into a writable bind of /proc/sys/kernel/core_pattern
 * (runc's CVE-2025-31133); a missing /dev/null is an error, never a silently
 * skipped mask. */
static int open_dev_null(int rootfd, struct hull_error **err)
{
    int fd = path_open_in_root(rootfd, "/dev/null", PATH_NO_CREATE, err);
    if (fd < 0)
        return hull_error_wrap(err, "masking files needs the container's /dev/null");
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int saved = errno;
        close(fd);
        return hull_error_set(err, saved, "stat /dev/null");
    }
    if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
        close(fd);
        if (S_ISCHR(st.st_mode))
            return hull_error_set(err, 0, "/dev/null in the container is c %u:%u, not the null device (c 1:3); "
                                  "refusing to mask files with it", major(st.st_rdev), minor(st.st_rdev));
        const char *what = S_ISREG(st.st_mode)   ? "a regular file"
                           : S_ISDIR(st.st_mode) ? "a directory"
                           : S_ISBLK(st.st_mode) ? "a block device"
                                                 : "not a device";
        return hull_error_set(err, 0, "/dev/null in the container is %s, not the null device (c 1:3); refusing "
                              "to mask files with it", what);
    }
    return fd;
}

/* Binds exactly the file behind fd (never a path looked up again) onto target. */
static int bind_fd(int fd, int target)
{
    cleanup_close int tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
    if (tree >= 0)
        return move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
    if (errno != ENOSYS)
        return -1;
    char from[32], to[32];
    return mount(fd_path(fd, from), fd_path(target, to), NULL, MS_BIND, NULL);
}

int rootfs_mount_console(int rootfd, int slave, struct hull_error **err)
{
    /* Bound from the pty fd itself: binding the path /dev/pts/N let a /dev the
     * container (or a volume shared with it) controls swap that path for a
     * symlink to any file, which then became /dev/console (runc's CVE-2025-52565). */
    struct stat st;
    struct statfs sf;
    if (fstat(slave, &st) < 0 || fstatfs(slave, &sf) < 0)
        return hull_error_set(err, errno, "stat the terminal");
    if (!S_ISCHR(st.st_mode) || sf.f_type != DEVPTS_SUPER_MAGIC || major(st.st_rdev) < UNIX98_PTY_SLAVE_MAJOR ||
        major(st.st_rdev) >= UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT)
        return hull_error_set(err, 0, "the terminal is not a pty of a devpts (c %u:%u); refusing to bind it "
                              "onto /dev/console", major(st.st_rdev), minor(st.st_rdev));
    cleanup_close int dev = path_open_in_root(rootfd, "/dev", PATH_MKDIR, err);
    if (dev < 0)
        return hull_error_wrap(err, "/dev/console");
    cleanup_close int dfd = path_reopen_dir(dev);
    if (dfd < 0)
        return hull_error_set(err, errno, "open /dev");
    /* The mount point is /dev/console itself, never where a symlink there leads. */
    if (fstatat(dfd, "console", &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode) &&
        unlinkat(dfd, "console", 0) < 0)
        return hull_error_set(err, errno, "remove /dev/console (neither a file nor a device)");
    cleanup_close int f = openat(dfd, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (f < 0 && errno != EEXIST)
        return hull_error_set(err, errno, "create /dev/console");
    cleanup_close int target = openat(dfd, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (target < 0 || fstat(target, &st) < 0)
        return hull_error_set(err, errno, "open /dev/console");
    if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
        return hull_error_set(err, 0, "/dev/console changed under us into neither a file nor a device; refusing");
    if (bind_fd(slave, target) < 0)
        return hull_error_set(err, errno, "bind the terminal onto /dev/console");
    return 0;
}

/* An empty read-only tmpfs over the directory behind fd (a masked
 * directory), made with the new mount API so the container's /proc is not
 * used to name the fd. */
static int mount_empty_tmpfs(int target)
{
    cleanup_close int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
    if (fs >= 0) {
        if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
            return -1;
        cleanup_close int mnt = fsmount(fs, FSMOUNT_CLOEXEC,
                                        MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
        if (mnt < 0)
            return -1;
        return move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
    }
    if (errno != ENOSYS)
        return -1;
    char buf[32];
    return mount("tmpfs", fd_path(target, buf), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

static int mask_path(int rootfd, int *devnull, const char *path, struct hull_error **err)
{
    cleanup_close int fd = path_open_in_root(rootfd, path, PATH_NO_CREATE, err);
    if (fd < 0) {
        if ((*err)->errnum == ENOENT) {
            hull_error_freep(err);
            return 0; /* nothing to hide */
        }
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0)
        return hull_error_set(err, errno, "stat %s", path);
    if (S_ISDIR(st.st_mode)) {
        if (mount_empty_tmpfs(fd) < 0)
            return hull_error_set(err, errno, "mask directory %s", path);
        return 0;
    }
    if (*devnull < 0 && (*devnull = open_dev_null(rootfd, err)) < 0)
        return hull_error_wrap(err, "mask %s", path);
    if (bind_fd(*devnull, fd) < 0)
        return hull_error_set(err, errno, "mask %s", path);
    return 0;
}

static int readonly_path(int rootfd, const char *path, struct hull_error **err)
{
    cleanup_close int fd = path_open_in_root(rootfd, path, PATH_NO_CREATE, err);
    if (fd < 0) {
        if ((*err)->errnum == ENOENT) {
            hull_error_freep(err);
            return 0;
        }
        return -1;
    }
    /* A recursive copy of what is there, its top mount read-only, attached
     * onto the fd: no path (and no /proc/self/fd of the container's /proc)
     * is looked up again. */
    cleanup_close int tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
    if (tree >= 0) {
        struct mount_attr attr = {
            .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
        if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
            return hull_error_set(err, errno, "make %s read-only", path);
        if (move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
            return hull_error_set(err, errno, "bind %s read-only", path);
        return 0;
    }
    if (errno != ENOSYS)
        return hull_error_set(err, errno, "bind %s read-only", path);
    char buf[32];
    if (mount(fd_path(fd, buf), fd_path(fd, buf), NULL, MS_BIND | MS_REC, NULL) < 0)
        return hull_error_set(err, errno, "bind %s read-only", path);
    return remount_bind(rootfd, path, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, err);
}

int rootfs_finalize(const struct rootfs_ctx *ctx, struct hull_error **err)
{
    const struct hull_linux *lx = &ctx->spec->linux_;
    cleanup_close int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return hull_error_set(err, errno, "open /");
    cleanup_close int devnull = -1;
    for (char **p = lx->masked_paths; p && *p; p++)
        if (mask_path(rootfd, &devnull, *p, err) < 0)
            return hull_error_wrap(err, "linux.maskedPaths");
    for (char **p = lx->readonly_paths; p && *p; p++)
        if (readonly_path(rootfd, *p, err) < 0)
            return hull_error_wrap(err, "linux.readonlyPaths");
    for (size_t i = 0; i < ctx->spec->n_mounts; i++) {
        const struct hull_mount *m = &ctx->spec->mounts[i];
        if (readonly_deferred(m) && remount_bind(rootfd, m->destination, MS_RDONLY, err) < 0)
            return hull_error_wrap(err, "mounts[%zu] (%s): make it read-only", i, m->destination);
    }
    if (ctx->spec->root_readonly) {
        unsigned long keep = locked_flags_of(rootfd);
        if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, NULL) < 0)
            return hull_error_set(err, errno, "remount / read-only (root.readonly)");
    }
    if (lx->rootfs_propagation && mount(NULL, "/", NULL, lx->rootfs_propagation, NULL) < 0)
        return hull_error_set(err, errno, "set rootfsPropagation");
    return 0;
}
