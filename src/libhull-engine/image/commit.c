/* image_commit and tar_write_tree: see commit.h. */
#include "commit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "util/utils.h"
#include "image_change.h"
#include "image_json.h"
#include "load.h"
#include "oci_write.h"
#include "reference.h"
#include "store_internal.h"

#define MAX_DEPTH 256
#define XATTR_LIST_MAX_LEN (64 * 1024)

/* ---- a tree as a tar ---- */

struct hardlink {
    dev_t dev;
    ino_t ino;
    char *name;
};

struct tree {
    struct tar_writer *w;
    bool layer;
    bool (*skip)(const char *rel, const struct stat *st, void *data);
    void *skip_data;
    struct hardlink *links;
    size_t n_links;
    struct hull_error **err;
};

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The xattrs of an entry (trusted.overlay.* left out), through /proc/self/fd
 * for an fd or by path for what cannot be opened. */
static size_t read_xattrs(const char *path, struct tar_xattr *out, size_t max, char **names_buf, char **values)
{
    char *list = xmalloc0(XATTR_LIST_MAX_LEN);
    ssize_t len = llistxattr(path, list, XATTR_LIST_MAX_LEN);
    size_t n = 0;
    for (ssize_t off = 0; len > 0 && off < len && n < max; off += (ssize_t)strlen(list + off) + 1) {
        const char *name = list + off;
        if (!strncmp(name, "trusted.overlay.", 16))
            continue;
        ssize_t vlen = lgetxattr(path, name, NULL, 0);
        if (vlen < 0)
            continue;
        values[n] = xmalloc0((size_t)vlen + 1);
        vlen = lgetxattr(path, name, values[n], (size_t)vlen);
        if (vlen < 0) {
            free(values[n]);
            continue;
        }
        out[n] = (struct tar_xattr){.name = name, .value = values[n], .size = (size_t)vlen};
        n++;
    }
    *names_buf = list;
    return n;
}

static int write_entry(struct tree *t, int dirfd, const char *base, const char *rel, const struct stat *st)
{
    cleanup_free char *fdbuf = xasprintf("/proc/self/fd/%d/%s", dirfd, base);
    struct tar_xattr xattrs[32];
    char *values[32];
    char *names = NULL;
    size_t n_x = S_ISLNK(st->st_mode) ? 0 : read_xattrs(fdbuf, xattrs, 32, &names, values);
    int r = 0;
    if (S_ISREG(st->st_mode) && st->st_nlink > 1) {
        for (size_t i = 0; i < t->n_links; i++)
            if (t->links[i].dev == st->st_dev && t->links[i].ino == st->st_ino) {
                r = tar_write_header(t->w, rel, st, t->links[i].name, 1, xattrs, n_x, t->err);
                goto out;
            }
        t->links = xrealloc(t->links, (t->n_links + 1) * sizeof *t->links);
        t->links[t->n_links++] = (struct hardlink){.dev = st->st_dev, .ino = st->st_ino, .name = xstrdup(rel)};
    }
    if (S_ISLNK(st->st_mode)) {
        char target[4096];
        ssize_t len = readlinkat(dirfd, base, target, sizeof target - 1);
        if (len < 0) {
            r = hull_error_set(t->err, errno, "readlink %s", rel);
            goto out;
        }
        target[len] = '\0';
        r = tar_write_header(t->w, rel, st, target, 0, NULL, 0, t->err);
    } else if (S_ISREG(st->st_mode)) {
        cleanup_close int fd = openat(dirfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            r = hull_error_set(t->err, errno, "open %s", rel);
            goto out;
        }
        r = tar_write_header(t->w, rel, st, NULL, 0, xattrs, n_x, t->err);
        if (r == 0)
            r = tar_write_file_data(t->w, fd, (uint64_t)st->st_size, t->err);
        if (r < 0)
            hull_error_wrap(t->err, "%s", rel);
    } else if (S_ISSOCK(st->st_mode)) {
        r = 0; /* a socket is not content: tar has no type for it */
    } else {
        r = tar_write_header(t->w, rel, st, NULL, 0, xattrs, n_x, t->err);
    }
out:
    for (size_t i = 0; i < n_x; i++)
        free(values[i]);
    free(names);
    return r;
}

/* Whether a directory holds nothing that will be written (only skipped
 * entries, or directories that are skipped themselves). */
static bool nothing_below(struct tree *t, int dirfd, const char *prefix, int depth)
{
    if (depth > MAX_DEPTH)
        return false;
    int dup = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
    DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
    if (!d) {
        if (dup >= 0)
            close(dup);
        return false;
    }
    bool empty = true;
    struct dirent *de;
    while (empty && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        cleanup_free char *rel = xasprintf("%s/%s", prefix, de->d_name);
        struct stat st;
        if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !t->skip || !t->skip(rel, &st, t->skip_data))
            empty = false;
    }
    closedir(d);
    return empty;
}

static int walk(struct tree *t, int dirfd, const char *prefix, int depth)
{
    if (depth > MAX_DEPTH)
        return hull_error_set(t->err, 0, "%s: directories nested deeper than %d", prefix, MAX_DEPTH);
    int dup = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
    DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
    if (!d) {
        if (dup >= 0)
            close(dup);
        return hull_error_set(t->err, errno, "open %s", *prefix ? prefix : "/");
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        names = xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, compare_names);
    int ret = 0;
    for (size_t i = 0; i < n && ret == 0; i++) {
        cleanup_free char *rel = *prefix ? xasprintf("%s/%s", prefix, names[i]) : xstrdup(names[i]);
        struct stat st;
        if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0) {
            ret = hull_error_set(t->err, errno, "stat %s", rel);
            break;
        }
        if (t->skip && t->skip(rel, &st, t->skip_data))
            continue;
        if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0) && t->layer) {
            /* an overlay whiteout: the OCI one */
            cleanup_free char *wh = *prefix ? xasprintf("%s/.wh.%s", prefix, names[i]) : xasprintf(".wh.%s", names[i]);
            struct stat ws = st;
            ws.st_mode = S_IFREG | 0600;
            ws.st_size = 0;
            ret = tar_write_header(t->w, wh, &ws, NULL, 0, NULL, 0, t->err);
            continue;
        }
        ret = write_entry(t, dirfd, names[i], rel, &st);
        if (ret == 0 && S_ISDIR(st.st_mode)) {
            cleanup_close int sub = openat(dirfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) {
                ret = hull_error_set(t->err, errno, "open %s", rel);
                break;
            }
            char path[64], v[2];
            snprintf(path, sizeof path, "/proc/self/fd/%d", sub);
            if (t->layer && getxattr(path, "trusted.overlay.opaque", v, sizeof v) == 1 && v[0] == 'y') {
                cleanup_free char *opq = xasprintf("%s/.wh..wh..opq", rel);
                struct stat os = st;
                os.st_mode = S_IFREG | 0600;
                os.st_size = 0;
                ret = tar_write_header(t->w, opq, &os, NULL, 0, NULL, 0, t->err);
            }
            if (ret == 0)
                ret = walk(t, sub, rel, depth + 1);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return ret;
}

int tar_write_tree(struct tar_writer *w, int dirfd, bool layer,
                   bool (*skip)(const char *rel, const struct stat *st, void *data), void *skip_data,
                   struct hull_error **err)
{
    struct tree t = {.w = w, .layer = layer, .skip = skip, .skip_data = skip_data, .err = err};
    int r = walk(&t, dirfd, "", 0);
    for (size_t i = 0; i < t.n_links; i++)
        free(t.links[i].name);
    free(t.links);
    if (r == 0)
        r = tar_writer_finish(w, err);
    return r;
}

int tar_write_subtree(struct tar_writer *w, int parent_fd, const char *base, const char *as, struct hull_error **err)
{
    struct tree t = {.w = w, .err = err};
    int r = 0;
    struct stat st;
    if (base) {
        if (fstatat(parent_fd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return hull_error_set(err, errno, "stat %s", base);
        r = write_entry(&t, parent_fd, base, as, &st);
        if (r == 0 && S_ISDIR(st.st_mode)) {
            cleanup_close int sub = openat(parent_fd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            r = sub < 0 ? hull_error_set(err, errno, "open %s", base) : walk(&t, sub, as, 0);
        }
    } else {
        if (*as) { /* the contents under a new name: that directory first */
            if (fstat(parent_fd, &st) < 0)
                return hull_error_set(err, errno, "stat");
            r = tar_write_header(w, as, &st, NULL, 0, NULL, 0, err);
        }
        if (r == 0)
            r = walk(&t, parent_fd, as, 0);
    }
    for (size_t i = 0; i < t.n_links; i++)
        free(t.links[i].name);
    free(t.links);
    if (r == 0)
        r = tar_writer_finish(w, err);
    return r;
}

/* ---- commit ---- */

struct skip_ctx {
    const char *const *ignore;
    char *const *layers; /* base first */
    struct tree *tree;
    int upper_fd;
};

/* The topmost layer's entry at rel, if any. */
static bool in_layers(char *const *layers, const char *rel, struct stat *st)
{
    size_t n = strv_length(layers);
    for (size_t i = n; i-- > 0;) {
        cleanup_free char *path = xasprintf("%s/%s", layers[i], rel);
        if (lstat(path, st) == 0)
            return true;
    }
    return false;
}

/* Left out of the layer: an engine-made mount point the image did not have,
 * and a directory the image has with the same mode and owner, copied up only
 * for what is left out below it (/etc for /etc/hosts). */
static bool skip_for_commit(const char *rel, const struct stat *st, void *data)
{
    struct skip_ctx *s = data;
    struct stat lower;
    for (const char *const *p = s->ignore; p && *p; p++)
        if (!strcmp(*p + 1, rel))
            return !in_layers(s->layers, rel, &lower);
    if (!S_ISDIR(st->st_mode) || !in_layers(s->layers, rel, &lower) || !S_ISDIR(lower.st_mode) ||
        lower.st_mode != st->st_mode || lower.st_uid != st->st_uid || lower.st_gid != st->st_gid)
        return false;
    cleanup_close int fd = openat(s->upper_fd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    cleanup_free char *opq = xasprintf("/proc/self/fd/%d", fd);
    char v[2];
    if (getxattr(opq, "trusted.overlay.opaque", v, sizeof v) == 1 && v[0] == 'y')
        return false; /* it hides the layers' content: that is a change */
    return nothing_below(s->tree, fd, rel, 0);
}

static int unnamed_temp(const char *store_root, struct hull_error **err)
{
    cleanup_free char *dir = xasprintf("%s/tmp", store_root);
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0)
        return hull_error_set(err, errno, "create a temporary file in %s", dir);
    return fd;
}

int image_commit(struct image_store *store, const char *base_id, const char *container_dir,
                 const struct image_commit_opts *opts, char id_out[static DIGEST_STR_SIZE], struct hull_error **err)
{
    cleanup_strv char **tags = xmalloc0(2 * sizeof(char *));
    if (opts->reference) {
        struct image_ref ref;
        if (image_ref_parse(opts->reference, &ref, err) < 0)
            return -1;
        if (!ref.tag) {
            image_ref_clear(&ref);
            return hull_error_set(err, 0, "cannot commit to a digest reference \"%s\": give NAME[:TAG]",
                                  opts->reference);
        }
        tags[0] = image_ref_format(&ref);
        image_ref_clear(&ref);
    }
    cleanup_image_info struct image_info *base = NULL;
    cleanup_free char *base_config = NULL;
    size_t base_config_len;
    if (image_store_lookup(store, base_id, &base, err) < 0 ||
        image_store_read_blob(store, base->id, &base_config, &base_config_len, err) < 0)
        return -1;
    cleanup_image_config_edit struct image_config_edit *config = NULL;
    if (image_config_edit_open(base_config, base_config_len, &config, err) < 0 ||
        image_config_edit_changes(config, opts->changes, err) < 0)
        return -1;

    /* The new layer: the upper dir as an OCI layer tar, into an unnamed file. */
    cleanup_free char *upper = xasprintf("%s/upper", container_dir);
    cleanup_close int upper_fd = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (upper_fd < 0)
        return hull_error_set(err, errno,
                              "the container has no overlay upper dir %s (a copied root filesystem cannot be "
                              "committed)",
                              upper);
    cleanup_close int tmp = unnamed_temp(store->root, err);
    if (tmp < 0)
        return -1;
    cleanup_strv char **layer_paths = image_store_layer_paths(store, base);
    struct skip_ctx skip = {.ignore = opts->ignore, .layers = layer_paths, .upper_fd = upper_fd};
    struct tree probe = {.layer = true, .skip = skip_for_commit, .skip_data = &skip};
    skip.tree = &probe;
    struct tar_writer *w = tar_writer_new(tmp);
    int r = tar_write_tree(w, upper_fd, true, skip_for_commit, &skip, err);
    tar_writer_free(w);
    if (r < 0)
        return hull_error_wrap(err, "cannot archive the container's changes");
    if (lseek(tmp, 0, SEEK_SET) < 0)
        return hull_error_set(err, errno, "seek");

    cleanup_staging struct staging *st = NULL;
    if (staging_begin(store, NULL, &st, err) < 0)
        return -1;
    struct image_layer_info layer = {0};
    struct layer_expect expect = {.size = UINT64_MAX, .what = "the container's changes"};
    if (staging_add_layer(st, tmp, &expect, &layer, err) < 0) {
        free(layer.media_type);
        return -1;
    }
    free(layer.media_type);
    layer.media_type = xstrdup(OCI_MT_LAYER);

    /* The config: the image's, plus the layer, the history entry, the time. */
    cleanup_free char *now = rfc3339_now();
    struct oci_history_entry h = {
        .created = now, .created_by = opts->created_by ? opts->created_by : "hull commit", .comment = opts->message};
    if (image_config_edit_add_layer(config, opts->author, layer.diff_id, &h, base->id, err) < 0) {
        free(layer.media_type);
        return -1;
    }
    const char *config_text = image_config_edit_text(config);
    cleanup_image_info struct image_info *info = xmalloc0(sizeof *info);
    if (staging_add_blob(st, config_text, strlen(config_text), info->id, err) < 0) {
        free(layer.media_type);
        return -1;
    }

    /* A manifest: the image's layers as they were shipped, then ours. */
    cleanup_free struct oci_descriptor_out *mlayers = xmalloc0((base->n_layers + 1) * sizeof *mlayers);
    for (size_t i = 0; i < base->n_layers; i++)
        mlayers[i] = (struct oci_descriptor_out){
            .media_type = base->layers[i].media_type ? base->layers[i].media_type : OCI_MT_LAYER,
            .digest = base->layers[i].digest,
            .size = base->layers[i].blob_size};
    mlayers[base->n_layers] =
        (struct oci_descriptor_out){.media_type = layer.media_type, .digest = layer.digest, .size = layer.blob_size};
    struct oci_manifest_out manifest = {
        .config = {.media_type = OCI_MT_CONFIG, .digest = info->id, .size = strlen(config_text)},
        .layers = mlayers,
        .n_layers = base->n_layers + 1};
    cleanup_free char *manifest_text = oci_manifest_to_json(&manifest);
    if (staging_add_blob(st, manifest_text, strlen(manifest_text), info->manifest, err) < 0) {
        free(layer.media_type);
        return -1;
    }

    info->created = steal_pointer(&now);
    info->created_unix = rfc3339_to_unix(info->created);
    info->os = xstrdup(image_config_edit_get(config, "os"));
    info->architecture = xstrdup(image_config_edit_get(config, "architecture"));
    info->n_layers = base->n_layers + 1;
    info->layers = xmalloc0((info->n_layers + 1) * sizeof *info->layers);
    for (size_t i = 0; i < base->n_layers; i++) {
        info->layers[i] = base->layers[i];
        info->layers[i].media_type = xstrdup(base->layers[i].media_type);
        info->size += base->layers[i].size;
    }
    info->layers[base->n_layers] = layer;
    info->size += layer.size;
    memcpy(id_out, info->id, DIGEST_STR_SIZE);
    staging_add_image(st, steal_pointer(&info), steal_pointer(&tags));
    return staging_commit(st, err);
}

int image_export_tar(int rootfd, int fd, struct hull_error **err)
{
    struct tar_writer *w = tar_writer_new(fd);
    int r = tar_write_tree(w, rootfd, false, NULL, NULL, err);
    tar_writer_free(w);
    return r;
}
