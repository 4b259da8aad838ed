#include "unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "mount/pathsafe.h"
#include "util/utils.h"
#include "image_rootfs.h"

#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_META_PREFIX ".wh..wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"
#define OVERLAY_XATTR_PREFIX "trusted.overlay."

char *tar_path_clean(const char *path)
{
    size_t len = strlen(path);
    char *out = xmalloc0(len + 1);
    size_t out_len = 0;
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        const char *end = strchrnul(p, '/');
        size_t n = end - p;
        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            /* Pop one component; at the root ".." stays at the root. */
            while (out_len > 0 && out[out_len - 1] != '/')
                out_len--;
            if (out_len > 0)
                out_len--;
        } else {
            if (out_len > 0)
                out[out_len++] = '/';
            memcpy(out + out_len, p, n);
            out_len += n;
        }
        p = end;
    }
    out[out_len] = '\0';
    return out;
}

/* A directory whose mtime must be set once all its children exist. */
struct dir_time {
    char *path;
    struct timespec times[2];
};

struct unpacker {
    struct archive *tar;
    int rootfd;
    const struct unpack_opts *opts;
    struct unpack_stats *stats;
    /* The last parent directory resolved, reused while nothing was removed and
     * no symlink was created since (neither can then change what the path means). */
    char *cached_parent;
    int cached_parent_fd;
    gid_t cached_parent_gid; /* valid when cached_parent_gid_known */
    uid_t euid; /* ours, asked once (each is a system call) */
    gid_t egid;
    bool cached_parent_gid_known;
    struct dir_time *dirs;
    size_t n_dirs, cap_dirs;
    bool preallocate; /* the root is on ext4: see preallocate() */
};

static void invalidate_parent_cache(struct unpacker *u)
{
    free(u->cached_parent);
    u->cached_parent = NULL;
    u->cached_parent_gid_known = false;
    closep(&u->cached_parent_fd);
}

/* A real directory fd (not O_PATH) for parent, resolved inside the root. */
static int open_parent(struct unpacker *u, const char *parent, bool create, struct hull_error **err)
{
    if (u->cached_parent && !strcmp(u->cached_parent, parent))
        return u->cached_parent_fd;
    invalidate_parent_cache(u);
    cleanup_close int pathfd = -1;
    if (!*parent)
        pathfd = fcntl(u->rootfd, F_DUPFD_CLOEXEC, 3);
    else
        pathfd = path_open_in_root(u->rootfd, parent, create ? PATH_MKDIR : PATH_NO_CREATE, err);
    if (pathfd < 0)
        return -1;
    char buf[32];
    int dirfd = open(fd_path(pathfd, buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return hull_error_set(err, errno, "%s is not a directory", parent);
    u->cached_parent = xstrdup(parent);
    u->cached_parent_fd = dirfd;
    return dirfd;
}

static void split_path(char *clean, const char **parent, const char **base)
{
    char *slash = strrchr(clean, '/');
    if (slash) {
        *slash = '\0';
        *parent = clean;
        *base = slash + 1;
    } else {
        *parent = "";
        *base = clean;
    }
}

/* Makes room for a new node called name in pfd.  An existing directory is kept
 * when the new node is a directory too (tar semantics: metadata is updated). */
static int clear_slot(struct unpacker *u, int pfd, const char *name, bool new_is_dir, bool *kept_dir,
                      struct hull_error **err)
{
    struct stat st;
    *kept_dir = false;
    if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT)
            return 0;
        return hull_error_set(err, errno, "stat %s", name);
    }
    if (S_ISDIR(st.st_mode)) {
        if (new_is_dir) {
            *kept_dir = true;
            return 0;
        }
        char buf[32];
        cleanup_free char *path = xasprintf("%s/%s", fd_path(pfd, buf), name);
        /* Removed before the cache goes: the path is pfd's /proc/self/fd link. */
        int r = rm_rf(path, err);
        invalidate_parent_cache(u);
        return r;
    }
    if (unlinkat(pfd, name, 0) < 0)
        return hull_error_set(err, errno, "remove %s", name);
    invalidate_parent_cache(u);
    return 0;
}

static bool xattr_is_allowed(const char *name)
{
    return strncmp(name, OVERLAY_XATTR_PREFIX, strlen(OVERLAY_XATTR_PREFIX)) != 0;
}

/* The process's umask, without changing it (umask(2) would, for every thread
 * at once); 0777 when unknown: then every mode is set explicitly. */
static mode_t process_umask(void)
{
    static int cached = -1;
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v >= 0)
        return (mode_t)v;
    v = 0777;
    cleanup_free char *status = NULL;
    if (read_file("/proc/self/status", &status, NULL, NULL) == 0) {
        const char *line = strstr(status, "\nUmask:");
        if (line)
            v = (int)(strtoul(line + strlen("\nUmask:"), NULL, 8) & 0777);
    }
    __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    return (mode_t)v;
}

/* The mode a new regular file is created with: its final one when that
 * needs no fchmod afterwards (returns true), else 0600 (apply_metadata_fd
 * sets it).  Final means: the umask leaves it alone, and no set-uid/set-gid
 * bit, which the chown would clear. */
static bool creation_mode(struct archive_entry *entry, mode_t *mode)
{
    mode_t perm = archive_entry_perm(entry) & 07777;
    bool final = !(perm & 07000) && !(perm & process_umask());
    *mode = final ? perm : 0600;
    return final;
}

/* True when a file just created in pfd already has the entry's owner: ours,
 * and the directory's group is ours too (a set-gid directory, or a
 * filesystem mounted with grpid, gives new files the directory's group). */
static bool owner_is_ours(struct unpacker *u, int pfd, struct archive_entry *entry)
{
    if ((uid_t)archive_entry_uid(entry) != u->euid || (gid_t)archive_entry_gid(entry) != u->egid)
        return false;
    if (pfd != u->cached_parent_fd)
        return false;
    if (!u->cached_parent_gid_known) {
        struct stat st;
        if (fstat(pfd, &st) < 0)
            return false;
        u->cached_parent_gid = st.st_gid;
        u->cached_parent_gid_known = true;
    }
    return u->cached_parent_gid == u->egid;
}

/* Ownership, mode, xattrs and times through an fd (regular files, directories).
 * owner_set / mode_set: already right from the creation (see write_regular). */
static int apply_metadata_fd(struct unpacker *u, int fd, struct archive_entry *entry, bool set_times, bool owner_set,
                             bool mode_set, struct hull_error **err)
{
    if (u->opts->keep_owner) {
        if (!owner_set && fchown(fd, archive_entry_uid(entry), archive_entry_gid(entry)) < 0)
            return hull_error_set(err, errno, "chown to %lld:%lld", (long long)archive_entry_uid(entry),
                                  (long long)archive_entry_gid(entry));
        const char *name;
        const void *value;
        size_t size;
        archive_entry_xattr_reset(entry);
        while (archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK) {
            if (!xattr_is_allowed(name))
                continue;
            if (fsetxattr(fd, name, value, size, 0) < 0 && errno != EOPNOTSUPP)
                return hull_error_set(err, errno, "set xattr %s", name);
        }
    }
    /* After chown: chown clears set-uid/set-gid bits. */
    if (!mode_set && fchmod(fd, archive_entry_perm(entry) & 07777) < 0)
        return hull_error_set(err, errno, "chmod");
    if (set_times && archive_entry_mtime_is_set(entry)) {
        struct timespec ts[2];
        ts[1].tv_sec = archive_entry_mtime(entry);
        ts[1].tv_nsec = archive_entry_mtime_nsec(entry);
        ts[0] = ts[1];
        if (archive_entry_atime_is_set(entry)) {
            ts[0].tv_sec = archive_entry_atime(entry);
            ts[0].tv_nsec = archive_entry_atime_nsec(entry);
        }
        if (futimens(fd, ts) < 0)
            return hull_error_set(err, errno, "set times");
    }
    return 0;
}

/* The same for nodes that cannot be opened (symlinks, devices, fifos). */
static int apply_metadata_at(struct unpacker *u, int pfd, const char *name, struct archive_entry *entry,
                             bool is_symlink, struct hull_error **err)
{
    if (u->opts->keep_owner) {
        if (fchownat(pfd, name, archive_entry_uid(entry), archive_entry_gid(entry), AT_SYMLINK_NOFOLLOW) < 0)
            return hull_error_set(err, errno, "chown to %lld:%lld", (long long)archive_entry_uid(entry),
                                  (long long)archive_entry_gid(entry));
        char buf[32];
        cleanup_free char *path = xasprintf("%s/%s", fd_path(pfd, buf), name);
        const char *xname;
        const void *value;
        size_t size;
        archive_entry_xattr_reset(entry);
        while (archive_entry_xattr_next(entry, &xname, &value, &size) == ARCHIVE_OK) {
            if (!xattr_is_allowed(xname))
                continue;
            /* lsetxattr: /proc/self/fd/N is our directory; the last component is not followed. */
            if (lsetxattr(path, xname, value, size, 0) < 0 && errno != EOPNOTSUPP && errno != EPERM)
                return hull_error_set(err, errno, "set xattr %s", xname);
        }
    }
    if (!is_symlink && fchmodat(pfd, name, archive_entry_perm(entry) & 07777, 0) < 0)
        return hull_error_set(err, errno, "chmod");
    if (archive_entry_mtime_is_set(entry)) {
        struct timespec ts[2];
        ts[1].tv_sec = archive_entry_mtime(entry);
        ts[1].tv_nsec = archive_entry_mtime_nsec(entry);
        ts[0] = ts[1];
        if (utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
            return hull_error_set(err, errno, "set times");
    }
    return 0;
}

/* Files from this size on get their blocks ahead of the writes, PREALLOC_WINDOW at a time. */
#define PREALLOC_MIN (1024 * 1024)
#define PREALLOC_WINDOW (8 * 1024 * 1024)

/* Blocks for [offset, offset + len) of a file being written, before the data.
 * ext4's delayed allocation books a block for each page as it is written
 * (ext4_da_get_block_prep: half the system time of writing a big file);
 * blocks fallocate allocated are only looked up.  A window at a time, as the
 * data arrives: the size in a tar header is the archive's word, and a header
 * must not take more disk than the bytes that follow it.  KEEP_SIZE: the size
 * still grows with the writes, a failed write leaves no file longer than its
 * data.  Returns the end of what is allocated; -1 on an error, and no more
 * tries for this file (the writes then allocate as always). */
static la_int64_t preallocate(int fd, la_int64_t offset, size_t len, la_int64_t file_size)
{
    la_int64_t want = file_size - offset < PREALLOC_WINDOW ? file_size - offset : PREALLOC_WINDOW;
    if (want < (la_int64_t)len)
        want = (la_int64_t)len;
    if (fallocate(fd, FALLOC_FL_KEEP_SIZE, offset, want) < 0)
        return -1;
    return offset + want;
}

/* Returns 1 when the name is taken (the caller clears it and tries again). */
static int write_regular(struct unpacker *u, int pfd, const char *name, struct archive_entry *entry,
                         struct hull_error **err)
{
    mode_t mode;
    bool mode_set = creation_mode(entry, &mode);
    cleanup_close int fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0 && errno == EEXIST)
        return 1;
    if (fd < 0)
        return hull_error_set(err, errno, "create");
    bool owner_set = u->opts->keep_owner ? owner_is_ours(u, pfd, entry) : true;
    const void *buf;
    size_t size;
    la_int64_t offset;
    la_int64_t end = 0; /* of the data written: the file's size (it is new) */
    la_int64_t file_size = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;
    /* (not sparse files: the holes would get blocks) */
    bool prealloc = u->preallocate && file_size >= PREALLOC_MIN && archive_entry_sparse_count(entry) == 0;
    la_int64_t allocated = prealloc ? 0 : -1; /* -1: no preallocation */
    for (;;) {
        int r = archive_read_data_block(u->tar, &buf, &size, &offset);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN)
            return hull_error_set(err, 0, "read data: %s", archive_error_string(u->tar));
        if (allocated >= 0 && offset + (la_int64_t)size > allocated && offset + (la_int64_t)size <= file_size)
            allocated = preallocate(fd, offset, size, file_size);
        /* pwrite at the block's offset keeps sparse files sparse. */
        const char *p = buf;
        while (size > 0) {
            ssize_t n = pwrite(fd, p, size, offset);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return hull_error_set(err, errno, "write");
            p += n;
            size -= n;
            offset += n;
        }
        if (offset > end)
            end = offset;
    }
    /* Only a sparse file ending in a hole is shorter than its entry. */
    if (archive_entry_size_is_set(entry) && end != archive_entry_size(entry) &&
        ftruncate(fd, archive_entry_size(entry)) < 0)
        return hull_error_set(err, errno, "truncate");
    u->stats->content_bytes += archive_entry_size(entry);
    return apply_metadata_fd(u, fd, entry, true, owner_set, mode_set, err);
}

static void remember_dir_time(struct unpacker *u, const char *path, struct archive_entry *entry)
{
    if (!archive_entry_mtime_is_set(entry))
        return;
    if (u->n_dirs == u->cap_dirs) {
        u->cap_dirs = u->cap_dirs ? u->cap_dirs * 2 : 64;
        u->dirs = xrealloc(u->dirs, u->cap_dirs * sizeof *u->dirs);
    }
    struct dir_time *d = &u->dirs[u->n_dirs++];
    d->path = xstrdup(path);
    d->times[1].tv_sec = archive_entry_mtime(entry);
    d->times[1].tv_nsec = archive_entry_mtime_nsec(entry);
    d->times[0] = d->times[1];
}

static int write_directory(struct unpacker *u, const char *parent, const char *name, const char *path,
                           struct archive_entry *entry, struct hull_error **err)
{
    int pfd = open_parent(u, parent, true, err);
    if (pfd < 0)
        return -1;
    /* Created first; when the name is taken, a directory is kept (tar
     * semantics: its metadata is updated) and anything else replaced. */
    if (mkdirat(pfd, name, 0700) < 0) {
        if (errno != EEXIST)
            return hull_error_set(err, errno, "mkdir");
        bool kept;
        if (clear_slot(u, pfd, name, true, &kept, err) < 0)
            return -1;
        /* clear_slot may have dropped the cache (and closed pfd). */
        pfd = open_parent(u, parent, true, err);
        if (pfd < 0)
            return -1;
        if (!kept && mkdirat(pfd, name, 0700) < 0)
            return hull_error_set(err, errno, "mkdir");
    }
    cleanup_close int fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return hull_error_set(err, errno, "open directory");
    if (apply_metadata_fd(u, fd, entry, false, false, false, err) < 0)
        return -1;
    remember_dir_time(u, path, entry);
    return 0;
}

/* Returns 1 when the name is taken (the caller clears it and tries again). */
static int write_hardlink(struct unpacker *u, int pfd, const char *name, const char *target, struct hull_error **err)
{
    cleanup_free char *clean = tar_path_clean(target);
    if (!*clean)
        return hull_error_set(err, 0, "hard link to the root directory");
    const char *tparent, *tbase;
    split_path(clean, &tparent, &tbase);
    /* pfd may be the cached fd that open_parent is about to replace: keep our own. */
    cleanup_close int keep_pfd = fcntl(pfd, F_DUPFD_CLOEXEC, 3);
    if (keep_pfd < 0)
        return hull_error_set(err, errno, "dup");
    int tpfd = open_parent(u, tparent, false, err);
    if (tpfd < 0)
        return hull_error_wrap(err, "hard link target %s", target);
    /* flags 0: a link to a symlink links the symlink itself, never what it points at. */
    if (linkat(tpfd, tbase, keep_pfd, name, 0) < 0)
        return errno == EEXIST ? 1 : hull_error_set(err, errno, "hard link to %s", target);
    return 0;
}

static int apply_whiteout(struct unpacker *u, int pfd, const char *base, struct hull_error **err)
{
    if (!strcmp(base, WHITEOUT_OPAQUE)) {
        const char *name = image_overlay_opaque_xattr();
        if (fsetxattr(pfd, name, "y", 1, 0) < 0)
            return hull_error_set(err, errno, "set %s on the directory", name);
        return 0;
    }
    if (!strncmp(base, WHITEOUT_META_PREFIX, strlen(WHITEOUT_META_PREFIX)))
        return 0; /* aufs metadata (.wh..wh.plnk, .wh..wh.aufs): meaningless here */
    const char *victim = base + strlen(WHITEOUT_PREFIX);
    if (!*victim || !strcmp(victim, ".") || !strcmp(victim, ".."))
        return hull_error_set(err, 0, "invalid whiteout entry (no name to delete)");
    struct stat st;
    if (fstatat(pfd, victim, &st, AT_SYMLINK_NOFOLLOW) == 0)
        return 0; /* present in this same layer: a whiteout only hides lower layers */
    if (mknodat(pfd, victim, S_IFCHR | 0000, makedev(0, 0)) < 0)
        return hull_error_set(err, errno, "create the overlay whiteout for %s", victim);
    return 0;
}

/* A non-directory entry at base in pfd; returns 1 when the name is taken. */
static int create_node(struct unpacker *u, int pfd, const char *parent, const char *base,
                       struct archive_entry *entry, const char *hardlink, mode_t type, struct hull_error **err)
{
    if (hardlink)
        return write_hardlink(u, pfd, base, hardlink, err);
    switch (type) {
    case AE_IFREG:
        return write_regular(u, pfd, base, entry, err);
    case AE_IFLNK: {
        const char *target = archive_entry_symlink(entry);
        if (!target)
            return hull_error_set(err, 0, "symlink without a target");
        /* The target is stored as is: it is only ever resolved inside a root. */
        if (symlinkat(target, pfd, base) < 0)
            return errno == EEXIST ? 1 : hull_error_set(err, errno, "symlink");
        invalidate_parent_cache(u);
        int parent_fd = open_parent(u, parent, false, err);
        if (parent_fd < 0)
            return -1;
        return apply_metadata_at(u, parent_fd, base, entry, true, err);
    }
    default: /* AE_IFCHR, AE_IFBLK, AE_IFIFO (unpack_entry checked) */
        if (mknodat(pfd, base, type | (archive_entry_perm(entry) & 07777), archive_entry_rdev(entry)) < 0)
            return errno == EEXIST ? 1 : hull_error_set(err, errno, "mknod");
        return apply_metadata_at(u, pfd, base, entry, false, err);
    }
}

static int unpack_entry(struct unpacker *u, struct archive_entry *entry, struct hull_error **err)
{
    const char *raw = archive_entry_pathname(entry);
    if (!raw)
        return hull_error_set(err, 0, "entry without a name");
    cleanup_free char *clean = tar_path_clean(raw);
    if (!*clean)
        return 0; /* the root itself: its attributes belong to whoever mounts the layer */
    cleanup_free char *path = xstrdup(clean);
    const char *parent, *base;
    split_path(clean, &parent, &base);

    int pfd = open_parent(u, parent, true, err);
    if (pfd < 0)
        return -1;

    bool is_whiteout = !strncmp(base, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX));
    if (is_whiteout && u->opts->oci_whiteouts)
        return apply_whiteout(u, pfd, base, err);

    const char *hardlink = archive_entry_hardlink(entry);
    mode_t type = archive_entry_filetype(entry);
    if (type == AE_IFDIR && !hardlink)
        return write_directory(u, parent, base, path, entry, err);
    if (type == AE_IFSOCK)
        return 0; /* sockets cannot be archived meaningfully; tar implementations skip them */
    bool kept;
    bool device = type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO;
    if (!hardlink && device && !u->opts->keep_owner)
        return clear_slot(u, pfd, base, false, &kept, err); /* outer archives: devices mean nothing there */
    if (!hardlink && !device && type != AE_IFREG && type != AE_IFLNK)
        return hull_error_set(err, 0, "unsupported entry type 0%o", (unsigned)type);
    /* Created first, and only when the name is taken (a name repeated in the
     * archive) is it cleared and created again: clear_slot's fstatat would be
     * one more system call for every entry of every layer. */
    for (int attempt = 0;; attempt++) {
        int r = create_node(u, pfd, parent, base, entry, hardlink, type, err);
        if (r <= 0)
            return r;
        if (attempt > 0)
            return hull_error_set(err, EEXIST, "create");
        /* A hard link moves the parent cache to its target's directory: reopen ours. */
        pfd = open_parent(u, parent, true, err);
        if (pfd < 0 || clear_slot(u, pfd, base, false, &kept, err) < 0)
            return -1;
        /* clear_slot may have dropped the cache too. */
        pfd = open_parent(u, parent, true, err);
        if (pfd < 0)
            return -1;
    }
}

static void set_directory_times(struct unpacker *u)
{
    /* Children first (reverse order of creation), so setting a parent's time is the last touch. */
    for (size_t i = u->n_dirs; i-- > 0;) {
        struct open_how how = {
            .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
            .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };
        int fd = (int)syscall(SYS_openat2, u->rootfd, u->dirs[i].path, &how, sizeof how);
        if (fd >= 0) {
            futimens(fd, u->dirs[i].times);
            close(fd);
        }
    }
}

int tar_unpack(struct archive *tar, int rootfd, const struct unpack_opts *opts, struct unpack_stats *stats,
               struct hull_error **err)
{
    struct unpack_stats local_stats = {0};
    struct unpacker u = {
        .tar = tar,
        .rootfd = rootfd,
        .opts = opts,
        .stats = stats ? stats : &local_stats,
        .cached_parent_fd = -1,
        .euid = geteuid(),
        .egid = getegid(),
    };
    struct statfs fs;
    u.preallocate = fstatfs(rootfd, &fs) == 0 && fs.f_type == EXT4_SUPER_MAGIC;
    int ret = 0;
    for (;;) {
        struct archive_entry *entry;
        int r = archive_read_next_header(tar, &entry);
        if (r == ARCHIVE_EOF)
            break;
        if (r == ARCHIVE_RETRY)
            continue;
        if (r < ARCHIVE_WARN) {
            ret = hull_error_set(err, 0, "malformed tar archive after %llu entries: %s",
                                 (unsigned long long)u.stats->entries, archive_error_string(tar));
            break;
        }
        u.stats->entries++;
        if (unpack_entry(&u, entry, err) < 0) {
            const char *name = archive_entry_pathname(entry);
            ret = hull_error_wrap(err, "entry \"%s\"", name ? name : "?");
            break;
        }
    }
    if (ret == 0)
        set_directory_times(&u);
    invalidate_parent_cache(&u);
    for (size_t i = 0; i < u.n_dirs; i++)
        free(u.dirs[i].path);
    free(u.dirs);
    return ret;
}
