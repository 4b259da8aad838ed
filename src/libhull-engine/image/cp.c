/* container_copy: see cp.h. */
#include "cp.h"

#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mount/pathsafe.h"
#include "util/utils.h"
#include "commit.h"
#include "tarwrite.h"
#include "unpack.h"

/* One side of the copy: a root ("/" for the host) and a path cleaned inside it. */
struct side {
    int rootfd;
    char *path; /* cleaned, relative to the root, "" for the root itself */
    const char *shown; /* as the user wrote it, for messages */
    bool container;
};

static int side_open(struct side *s, const char *root, const char *path, struct hull_error **err)
{
    s->shown = path;
    s->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->rootfd < 0)
        return hull_error_set(err, errno, "open %s", root);
    cleanup_free char *abs = NULL;
    if (!s->container && path[0] != '/') {
        char cwd[4096];
        if (!getcwd(cwd, sizeof cwd))
            return hull_error_set(err, errno, "getcwd");
        abs = xasprintf("%s/%s", cwd, path);
    }
    s->path = tar_path_clean(abs ? abs : path);
    return 0;
}

static void side_clear(struct side *s)
{
    closep(&s->rootfd);
    free(s->path);
}

/* A readable directory fd for rel (resolved inside the side's root). */
static int open_dir(struct side *s, const char *rel, struct hull_error **err)
{
    cleanup_close int pathfd = -1;
    if (!*rel)
        pathfd = fcntl(s->rootfd, F_DUPFD_CLOEXEC, 3);
    else
        pathfd = path_open_in_root(s->rootfd, rel, PATH_NO_CREATE, err);
    if (pathfd < 0)
        return -1;
    int fd = path_reopen_dir(pathfd);
    if (fd < 0)
        return hull_error_set(err, errno, "%s is not a directory", *rel ? rel : "/");
    return fd;
}

static void split(const char *path, char **parent, char **base)
{
    const char *slash = strrchr(path, '/');
    *parent = slash ? strndup(path, (size_t)(slash - path)) : xstrdup("");
    *base = xstrdup(slash ? slash + 1 : path);
    if (!*parent)
        abort();
}

/* cp -L: while parent/base is a symlink, its target (resolved inside the
 * side's root: an absolute target starts at the container's "/"); *sdir,
 * *parent, *base and *st end up naming what it points to. */
static int follow_source_link(struct side *s, int *sdir, char **parent, char **base, struct stat *st,
                              struct hull_error **err)
{
    for (int hops = 0; S_ISLNK(st->st_mode); hops++) {
        if (hops == 40)
            return hull_error_set(err, ELOOP, "follow %s", s->shown);
        char target[PATH_MAX];
        ssize_t n = readlinkat(*sdir, *base, target, sizeof target - 1);
        if (n < 0)
            return hull_error_set(err, errno, "read the symlink %s", *base);
        target[n] = '\0';
        cleanup_free char *joined = target[0] == '/' ? xstrdup(target) : xasprintf("%s/%s", *parent, target);
        cleanup_free char *clean = tar_path_clean(joined);
        free(*parent);
        free(*base);
        split(clean, parent, base);
        if (!**base)
            return hull_error_set(err, 0, "%s points to the root directory: copy \"/.\" instead", s->shown);
        close(*sdir);
        *sdir = open_dir(s, *parent, err);
        if (*sdir < 0)
            return -1;
        if (fstatat(*sdir, *base, st, AT_SYMLINK_NOFOLLOW) < 0)
            return hull_error_set(err, errno, "%s (the target of %s)", clean, s->shown);
    }
    return 0;
}

static const char *where(const struct side *s)
{
    return s->container ? " in the container" : "";
}

int container_copy(const char *rootfs, const char *src_text, const char *dest_text, bool into_container, bool archive,
                   bool follow, struct hull_error **err)
{
    struct side src = {.rootfd = -1, .container = !into_container};
    struct side dst = {.rootfd = -1, .container = into_container};
    int ret = -1;
    cleanup_free char *sparent = NULL, *sbase = NULL, *name = NULL, *target = NULL, *as_name = NULL;
    cleanup_close int sdir = -1, tdir = -1, tmp = -1;
    if (side_open(&src, src.container ? rootfs : "/", src_text, err) < 0 ||
        side_open(&dst, dst.container ? rootfs : "/", dest_text, err) < 0)
        goto out;
    /* "dir/." copies the contents (tar_path_clean dropped the "."). */
    size_t len = strlen(src_text);
    bool contents = len >= 2 && !strcmp(src_text + len - 2, "/.");
    if (!*src.path && !contents)
        contents = true; /* "/" means its contents too */
    split(src.path, &sparent, &sbase);
    if (contents) {
        free(sparent);
        free(sbase);
        sparent = xstrdup(src.path);
        sbase = NULL;
    }
    sdir = open_dir(&src, sparent, err);
    if (sdir < 0) {
        hull_error_wrap(err, "%s%s", src_text, where(&src));
        goto out;
    }
    struct stat st;
    if (sbase && fstatat(sdir, sbase, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        hull_error_set(err, errno, "%s%s", src_text, where(&src));
        goto out;
    }
    /* the name it is copied under: SRC's own, even when -L follows it */
    as_name = sbase ? xstrdup(sbase) : NULL;
    if (follow && sbase && follow_source_link(&src, &sdir, &sparent, &sbase, &st, err) < 0) {
        hull_error_wrap(err, "%s%s", src_text, where(&src));
        goto out;
    }

    /* Where it goes: into DEST when it is a directory, else as DEST. */
    bool dest_is_dir = false;
    {
        cleanup_error struct hull_error *ignored = NULL;
        cleanup_close int probe = *dst.path ? path_open_in_root(dst.rootfd, dst.path, PATH_NO_CREATE, &ignored)
                                            : fcntl(dst.rootfd, F_DUPFD_CLOEXEC, 3);
        struct stat dsb;
        dest_is_dir = probe >= 0 && fstat(probe, &dsb) == 0 && S_ISDIR(dsb.st_mode);
    }
    if (dest_is_dir) {
        target = xstrdup(dst.path);
        name = contents ? xstrdup("") : xstrdup(as_name);
    } else {
        split(dst.path, &target, &name);
        if (!*name) {
            hull_error_set(err, 0, "invalid destination \"%s\"", dest_text);
            goto out;
        }
    }
    tdir = open_dir(&dst, target, err);
    if (tdir < 0) {
        hull_error_wrap(err, "destination %s%s", dest_text, where(&dst));
        goto out;
    }

    /* The tar of the source, named as it will be under the target. */
    tmp = open("/var/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (tmp < 0) {
        hull_error_set(err, errno, "create a temporary file in /var/tmp");
        goto out;
    }
    struct tar_writer *w = tar_writer_new(tmp);
    int r = tar_write_subtree(w, sdir, sbase, name, err);
    tar_writer_free(w);
    if (r < 0 || lseek(tmp, 0, SEEK_SET) < 0) {
        hull_error_wrap(err, "copy %s", src_text);
        goto out;
    }
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    if (archive_read_open_fd(a, tmp, 64 * 1024) != ARCHIVE_OK) {
        hull_error_set(err, 0, "read back the copy: %s", archive_error_string(a));
        archive_read_free(a);
        goto out;
    }
    struct unpack_opts opts = {.oci_whiteouts = false, .keep_owner = archive};
    r = tar_unpack(a, tdir, &opts, NULL, err);
    archive_read_free(a);
    if (r < 0) {
        hull_error_wrap(err, "copy to %s%s", dest_text, where(&dst));
        goto out;
    }
    ret = 0;
out:
    side_clear(&src);
    side_clear(&dst);
    return ret;
}
