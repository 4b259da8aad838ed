/* image_load: reading the archive into staging, telling OCI layouts from
 * docker-archives, and the helpers both readers share. */
#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "mount/pathsafe.h"
#include "util/utils.h"
#include "image_json.h"
#include "load_internal.h"
#include "reference.h"
#include "stream.h"
#include "unpack.h"

void image_load_result_clear(struct image_load_result *r)
{
    strv_free(r->names);
    strv_free(r->ids);
    r->names = r->ids = NULL;
}

int source_open_file(int srcfd, const char *relpath, struct hull_error **err)
{
    cleanup_free char *clean = tar_path_clean(relpath);
    cleanup_close int pathfd = path_open_in_root(srcfd, clean, PATH_NO_CREATE, NULL);
    if (pathfd < 0)
        return hull_error_set(err, errno, "%s is missing from the archive", relpath);
    char buf[32];
    int fd = open(fd_path(pathfd, buf), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return hull_error_set(err, errno, "open %s in the archive", relpath);
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return hull_error_set(err, 0, "%s in the archive is not a regular file", relpath);
    }
    return fd;
}

int source_read_small(int srcfd, const char *relpath, char **data, size_t *len, struct hull_error **err)
{
    cleanup_close int fd = source_open_file(srcfd, relpath, err);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return hull_error_set(err, errno, "stat %s", relpath);
    if (st.st_size > IMAGE_JSON_MAX)
        return hull_error_set(err, 0, "%s in the archive is too large (%lld bytes) for a manifest or config", relpath,
                              (long long)st.st_size);
    char *buf = xmalloc0(st.st_size + 1);
    ssize_t n = read_all(fd, buf, st.st_size);
    if (n < 0) {
        free(buf);
        return hull_error_set(err, errno, "read %s", relpath);
    }
    *data = buf;
    *len = n;
    return 0;
}

int image_info_from_config(struct image_info *info, const struct image_config_info *config, size_t n_layers,
                           const char ***diff_ids_out, const char *what, struct hull_error **err)
{
    if (!config->has_diff_ids)
        return hull_error_set(err, 0, "%s: the config has no rootfs.diff_ids", what);
    size_t n = config->n_diff_ids;
    if (n != n_layers)
        return hull_error_set(err, 0, "%s: the manifest lists %zu layers but the config has %zu diff_ids", what,
                              n_layers, n);
    const char **diff_ids = xmalloc0((n + 1) * sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        diff_ids[i] = config->diff_ids[i];
        cleanup_free char *where = xasprintf("%s: config rootfs.diff_ids[%zu]", what, i);
        if (digest_check_syntax(diff_ids[i], where, err) < 0) {
            free(diff_ids);
            return -1;
        }
    }
    info->created = xstrdup(config->created);
    info->created_unix = rfc3339_to_unix(info->created);
    info->os = xstrdup(config->os);
    info->architecture = xstrdup(config->architecture);
    info->n_layers = n;
    info->layers = xmalloc0((n + 1) * sizeof *info->layers);
    *diff_ids_out = diff_ids;
    return 0;
}

int tags_add(char ***tags, const char *name, const char *where, struct hull_error **err)
{
    struct image_ref ref;
    if (image_ref_parse(name, &ref, err) < 0)
        return hull_error_wrap(err, "%s", where);
    char *formatted = NULL;
    if (ref.tag) {
        /* Stored the way a pull stores it: docker.io/library/busybox is busybox. */
        cleanup_free char *domain = NULL, *path = NULL;
        bool qualified;
        image_name_split(ref.name, &domain, &path, &qualified);
        cleanup_free char *familiar = qualified ? image_name_familiar(domain, path) : xstrdup(ref.name);
        formatted = xasprintf("%s:%s", familiar, ref.tag);
    }
    image_ref_clear(&ref);
    if (!formatted)
        return 0; /* name@digest: nothing to tag */
    size_t n = strv_length(*tags);
    for (size_t i = 0; i < n; i++)
        if (!strcmp((*tags)[i], formatted)) {
            free(formatted);
            return 0;
        }
    *tags = xrealloc(*tags, (n + 2) * sizeof(char *));
    (*tags)[n] = formatted;
    (*tags)[n + 1] = NULL;
    return 0;
}

const char *image_host_architecture(void)
{
    struct utsname u;
    if (uname(&u) < 0)
        return "amd64";
    static const char *const map[][2] = {
        {"x86_64", "amd64"}, {"aarch64", "arm64"},   {"i686", "386"},    {"i386", "386"},
        {"armv7l", "arm"},   {"ppc64le", "ppc64le"}, {"s390x", "s390x"}, {"riscv64", "riscv64"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(map); i++)
        if (!strcmp(u.machine, map[i][0]))
            return map[i][1];
    return "amd64";
}

static void on_read_bytes(uint64_t n, void *data)
{
    struct staging *st = data;
    st->bytes_done += n;
    staging_report(st, IMAGE_PROGRESS_READ, NULL);
}

/* Unpacks the (possibly compressed) archive into <staging>/input; plain files,
 * directories and symlinks only, never outside that directory. */
static int extract_input(struct staging *st, int fd, const char *name, int *srcfd_out, struct hull_error **err)
{
    struct stat sb;
    st->bytes_done = 0;
    st->bytes_total = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
    if (mkdirat(st->dirfd, "input", 0700) < 0)
        return hull_error_set(err, errno, "create %s/input", st->dir);
    cleanup_close int srcfd = openat(st->dirfd, "input", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (srcfd < 0)
        return hull_error_set(err, errno, "open %s/input", st->dir);
    struct blob_stream *bs;
    if (blob_stream_open(fd, on_read_bytes, st, &bs, err) < 0)
        return hull_error_wrap(err, "%s is not an image archive", name);
    struct unpack_opts opts = {.oci_whiteouts = false, .keep_owner = false};
    struct unpack_stats stats = {0};
    int r = tar_unpack(blob_stream_tar(bs), srcfd, &opts, &stats, err);
    if (r == 0 && stats.entries == 0)
        r = hull_error_set(err, 0, "the archive is empty");
    blob_stream_free(bs);
    if (r < 0)
        return hull_error_wrap(err, "%s is not a valid image archive", name);
    *srcfd_out = steal_fd(&srcfd);
    return 0;
}

int image_load(struct image_store *store, const char *path, const struct image_progress *progress,
               struct image_load_result *out, struct hull_error **err)
{
    memset(out, 0, sizeof *out);
    const char *name = strcmp(path, "-") ? path : "standard input";
    cleanup_close int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : fcntl(0, F_DUPFD_CLOEXEC, 3);
    if (fd < 0)
        return hull_error_set(err, errno, "open %s", name);
    if (!strcmp(path, "-") && isatty(fd))
        return hull_error_set(err, 0, "refusing to read an image archive from a terminal: use -i FILE or a pipe");

    cleanup_staging struct staging *st = NULL;
    if (staging_begin(store, progress, &st, err) < 0)
        return -1;
    struct stat sb;
    if (fstat(fd, &sb) < 0)
        return hull_error_set(err, errno, "stat %s", name);
    cleanup_close int srcfd = -1;
    if (S_ISDIR(sb.st_mode)) {
        srcfd = steal_fd(&fd); /* an OCI layout directory, read in place */
    } else if (extract_input(st, fd, name, &srcfd, err) < 0) {
        return -1;
    }

    int r;
    if (faccessat(srcfd, "oci-layout", F_OK, 0) == 0 || faccessat(srcfd, "index.json", F_OK, 0) == 0)
        r = load_oci_layout(st, srcfd, err);
    else if (faccessat(srcfd, "manifest.json", F_OK, 0) == 0)
        r = load_docker_archive(st, srcfd, err);
    else
        r = hull_error_set(err, 0,
                           "%s is neither an OCI image layout (oci-layout, index.json) nor a docker-archive "
                           "(manifest.json); for a root filesystem tarball use `hull import`",
                           name);
    if (r < 0)
        return -1;
    if (st->n_images == 0)
        return hull_error_set(err, 0, "%s contains no image", name);
    if (staging_commit(st, err) < 0)
        return -1;

    size_t n_names = 0, n_ids = 0;
    out->names = xmalloc0(sizeof(char *));
    out->ids = xmalloc0(sizeof(char *));
    for (size_t i = 0; i < st->n_images; i++) {
        struct staged_image *img = &st->images[i];
        for (char **t = img->tags; t && *t; t++) {
            out->names = xrealloc(out->names, (n_names + 2) * sizeof(char *));
            out->names[n_names++] = xstrdup(*t);
            out->names[n_names] = NULL;
        }
        bool seen = false;
        for (size_t j = 0; j < n_ids; j++)
            seen |= !strcmp(out->ids[j], img->info->id);
        if (!seen) {
            out->ids = xrealloc(out->ids, (n_ids + 2) * sizeof(char *));
            out->ids[n_ids++] = xstrdup(img->info->id);
            out->ids[n_ids] = NULL;
        }
    }
    return 0;
}
