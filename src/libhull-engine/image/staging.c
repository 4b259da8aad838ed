/* Staging a load or import under <store>/tmp/, and committing it.
 *
 * Layers are unpacked straight from the blob stream into tmp/, verified
 * (stored digest, size, diff_id) once the stream has ended, and only then
 * renamed into layers/.  Nothing in layers/, blobs/, images/ or the tags
 * changes before staging_commit(). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/utils.h"
#include "image_json.h"
#include "oci_write.h"
#include "stream.h"
#include "tarsplit.h"
#include "unpack.h"
#include "store_internal.h"

int staging_begin(struct image_store *store, const struct image_progress *progress, struct staging **out,
                  struct hull_error **err)
{
    if (store->lock_fd < 0 || !store->locked)
        return hull_error_set(err, 0, "internal error: the image store was opened read-only");
    static unsigned counter;
    cleanup_free char *dir = xasprintf("%s/tmp/stage-%d-%u", store->root, getpid(), counter++);
    if (mkdir(dir, 0700) < 0)
        return hull_error_set(err, errno, "create the staging directory %s", dir);
    struct staging *st = xmalloc0(sizeof *st);
    pthread_mutex_init(&st->mutex, NULL);
    st->store = store;
    st->progress = progress;
    st->lock_fd = -1;
    st->dir = steal_pointer(&dir);
    st->dirfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    /* Our own lock, held until staging_free: the dir stays ours even while
     * the store lock is released (image_store_unlock). */
    if (st->dirfd >= 0)
        st->lock_fd = openat(st->dirfd, STAGING_LOCK_FILE, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (st->lock_fd < 0 || flock(st->lock_fd, LOCK_EX) < 0 || mkdirat(st->dirfd, "layers", 0700) < 0 ||
        mkdirat(st->dirfd, "blobs", 0700) < 0) {
        hull_error_set(err, errno, "create the staging directory %s", st->dir);
        staging_free(st);
        return -1;
    }
    *out = st;
    return 0;
}

void staging_free(struct staging *st)
{
    if (!st)
        return;
    closep(&st->dirfd);
    if (st->dir)
        rm_rf(st->dir, NULL);
    closep(&st->lock_fd); /* after the removal: until then the dir is ours */
    pthread_mutex_destroy(&st->mutex);
    free(st->dir);
    strv_free(st->layers);
    for (size_t i = 0; i < st->n_images; i++) {
        image_info_free(st->images[i].info);
        strv_free(st->images[i].tags);
    }
    free(st->images);
    free(st);
}

void staging_freep(struct staging **st)
{
    staging_free(*st);
    *st = NULL;
}

void staging_report(struct staging *st, enum image_progress_phase phase, const char *detail)
{
    if (!st->progress || !st->progress->fn)
        return;
    struct image_progress_event ev = {
        .phase = phase,
        .detail = detail,
        .bytes_done = st->bytes_done,
        .bytes_total = st->bytes_total,
        .layers_done = st->layers_done,
        .layers_total = st->layers_total,
    };
    st->progress->fn(&ev, st->progress->data);
}

static bool staging_has_layer(struct staging *st, const char *diff_id)
{
    bool found = false;
    pthread_mutex_lock(&st->mutex);
    for (size_t i = 0; i < st->n_layers && !found; i++)
        found = !strcmp(st->layers[i], diff_id);
    pthread_mutex_unlock(&st->mutex);
    return found;
}

static void on_layer_bytes(uint64_t n, void *data)
{
    struct staging *st = data;
    st->bytes_done += n;
    staging_report(st, IMAGE_PROGRESS_LAYER, NULL);
}

static const char *media_type_for(const char *compression)
{
    if (!strcmp(compression, "gzip"))
        return "application/vnd.oci.image.layer.v1.tar+gzip";
    if (!strcmp(compression, "zstd"))
        return "application/vnd.oci.image.layer.v1.tar+zstd";
    return "application/vnd.oci.image.layer.v1.tar";
}

/* Checks the digests of a layer that was read to its end against what the
 * manifest and config promised. */
static int verify_layer(const struct layer_expect *expect, const struct blob_digests *got, struct hull_error **err)
{
    if (expect->size != UINT64_MAX && got->stored_size != expect->size)
        return hull_error_set(err, 0, "%s: size mismatch: the descriptor says %llu bytes, the blob has %llu",
                              expect->what, (unsigned long long)expect->size, (unsigned long long)got->stored_size);
    if (expect->digest && *expect->digest && strcmp(expect->digest, got->stored))
        return hull_error_set(err, 0, "%s: digest mismatch: expected %s, the blob has %s", expect->what, expect->digest,
                              got->stored);
    if (expect->diff_id && *expect->diff_id && strcmp(expect->diff_id, got->uncompressed))
        return hull_error_set(err, 0, "%s: diff_id mismatch: the config says %s, the uncompressed layer has %s",
                              expect->what, expect->diff_id, got->uncompressed);
    return 0;
}

static uint64_t stored_layer_size(struct staging *st, const char *diff_id)
{
    cleanup_free char *path = xasprintf("%s/layers/%s/layer.json", st->store->root, digest_hex(diff_id));
    cleanup_free char *staged = xasprintf("%s/layers/%s/layer.json", st->dir, digest_hex(diff_id));
    cleanup_json struct json_object *meta = NULL;
    if (image_json_read_at(AT_FDCWD, path, &meta, NULL) < 0 && image_json_read_at(AT_FDCWD, staged, &meta, NULL) < 0)
        return 0;
    int64_t size = json_get_int64(meta, "size");
    return size > 0 ? (uint64_t)size : 0;
}

static void fill_layer_info(struct image_layer_info *out, const struct blob_digests *got, uint64_t size)
{
    memcpy(out->diff_id, got->uncompressed, DIGEST_STR_SIZE);
    memcpy(out->digest, got->stored, DIGEST_STR_SIZE);
    out->blob_size = got->stored_size;
    out->size = size;
    if (!out->media_type)
        out->media_type = xstrdup(media_type_for(got->compression));
}

static int check_existing_layer(struct staging *st, int fd, const struct blob_source *src,
                                const struct layer_expect *expect, struct image_layer_info *out,
                                struct hull_error **err)
{
    struct blob_stream *bs;
    if (blob_stream_open_split(fd, src, on_layer_bytes, st, NULL, &bs, err) < 0)
        return hull_error_wrap(err, "%s", expect->what);
    struct blob_digests got;
    int r = blob_stream_finish(bs, &got, err);
    blob_stream_free(bs);
    if (r < 0)
        return hull_error_wrap(err, "%s", expect->what);
    if (verify_layer(expect, &got, err) < 0)
        return -1;
    fill_layer_info(out, &got, stored_layer_size(st, got.uncompressed));
    return 0;
}

int staging_add_layer(struct staging *st, int fd, const struct layer_expect *expect, struct image_layer_info *out,
                      struct hull_error **err)
{
    return staging_add_layer_from(st, fd, NULL, expect, out, err);
}

int staging_add_layer_from(struct staging *st, int fd, const struct blob_source *src,
                           const struct layer_expect *expect, struct image_layer_info *out, struct hull_error **err)
{
    if (st->progress) { /* progress callers add layers one at a time; parallel ones (ingest.c) have none */
        st->bytes_done = 0;
        st->bytes_total = expect->size != UINT64_MAX ? expect->size : expect->size_hint;
    }
    const char *known = expect->diff_id && *expect->diff_id ? expect->diff_id : NULL;
    if (known && (store_has_layer(st->store, known) || staging_has_layer(st, known))) {
        /* Unpacked already (layers are shared, unpacked once).  The blob is still
         * read through and hashed: the archive must be what it claims to be even
         * when its content happens to be in the store. */
        staging_report(st, IMAGE_PROGRESS_LAYER_EXISTS, known);
        return check_existing_layer(st, fd, src, expect, out, err);
    }
    /* Unpack into a fresh name; it gets its diff_id name once verified. */
    cleanup_free char *work = xasprintf("layers/unpack-%u", __atomic_fetch_add(&st->next_work, 1, __ATOMIC_RELAXED));
    cleanup_free char *work_diff = xasprintf("%s/diff", work);
    if (mkdirat(st->dirfd, work, 0700) < 0 || mkdirat(st->dirfd, work_diff, 0755) < 0)
        return hull_error_set(err, errno, "create %s/%s", st->dir, work);
    cleanup_close int diff_fd = openat(st->dirfd, work_diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (diff_fd < 0)
        return hull_error_set(err, errno, "open %s/%s", st->dir, work_diff);

    /* The tar's headers, kept to give the layer back byte for byte (tarsplit.h). */
    cleanup_free char *split_path = xasprintf("%s/" LAYER_TAR_SPLIT, work);
    cleanup_close int split_fd = openat(st->dirfd, split_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (split_fd < 0)
        return hull_error_set(err, errno, "create %s/%s", st->dir, split_path);
    struct blob_stream *bs;
    struct tar_split_writer *split = tar_split_writer_new(split_fd);
    if (blob_stream_open_split(fd, src, st->progress ? on_layer_bytes : NULL, st, split, &bs, err) < 0) {
        tar_split_writer_free(split);
        return hull_error_wrap(err, "%s", expect->what);
    }
    struct unpack_opts opts = {.oci_whiteouts = true, .keep_owner = true};
    struct unpack_stats stats = {0};
    struct blob_digests got;
    int r = tar_unpack(blob_stream_tar(bs), diff_fd, &opts, &stats, err);
    if (r == 0)
        r = blob_stream_finish(bs, &got, err);
    if (r == 0)
        r = tar_split_writer_finish(split, err);
    tar_split_writer_free(split);
    if (r < 0) {
        /* A corrupted blob usually breaks the decompressor or the tar first; the
         * digest mismatch is the truer explanation, so report that when it is one. */
        char stored[DIGEST_STR_SIZE];
        if (expect->digest && *expect->digest && blob_stream_stored_digest(bs, stored) == 0 &&
            strcmp(stored, expect->digest)) {
            if (err)
                hull_error_freep(err);
            hull_error_set(err, 0, "%s: digest mismatch: expected %s, the blob has %s", expect->what, expect->digest,
                           stored);
            blob_stream_free(bs);
            return -1;
        }
        blob_stream_free(bs);
        return hull_error_wrap(err, "%s", expect->what);
    }
    blob_stream_free(bs);
    if (verify_layer(expect, &got, err) < 0)
        return -1;

    fill_layer_info(out, &got, stats.content_bytes);

    cleanup_free char *final = xasprintf("layers/%s", digest_hex(got.uncompressed));
    if (store_has_layer(st->store, got.uncompressed) || staging_has_layer(st, got.uncompressed)) {
        cleanup_free char *path = xasprintf("%s/%s", st->dir, work);
        return rm_rf(path, err);
    }
    cleanup_free char *text = image_layer_meta_to_json(got.uncompressed, stats.content_bytes);
    cleanup_free char *meta_path = xasprintf("%s/layer.json", work);
    cleanup_close int mfd = openat(st->dirfd, meta_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int werr = mfd < 0 || write_all(mfd, text, strlen(text)) < 0 ? errno : 0;
    if (werr)
        return hull_error_set(err, werr, "write %s/%s", st->dir, meta_path);
    pthread_mutex_lock(&st->mutex);
    if (renameat(st->dirfd, work, st->dirfd, final) < 0) {
        int e = errno;
        pthread_mutex_unlock(&st->mutex);
        if (e == EEXIST || e == ENOTEMPTY) { /* another thread staged the same content */
            cleanup_free char *path = xasprintf("%s/%s", st->dir, work);
            return rm_rf(path, err);
        }
        return hull_error_set(err, e, "rename %s/%s", st->dir, work);
    }
    st->layers = xrealloc(st->layers, (st->n_layers + 2) * sizeof(char *));
    st->layers[st->n_layers++] = xstrdup(got.uncompressed);
    st->layers[st->n_layers] = NULL;
    pthread_mutex_unlock(&st->mutex);
    return 0;
}

int staging_add_blob(struct staging *st, const char *data, size_t len, char *out_digest, struct hull_error **err)
{
    char digest[DIGEST_STR_SIZE];
    digest_of(data, len, digest);
    cleanup_free char *path = xasprintf("blobs/%s", digest_hex(digest));
    cleanup_close int fd = openat(st->dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write_all(fd, data, len) < 0)
        return hull_error_set(err, errno, "write %s/%s", st->dir, path);
    if (out_digest)
        memcpy(out_digest, digest, DIGEST_STR_SIZE);
    return 0;
}

void staging_add_image(struct staging *st, struct image_info *info, char **tags)
{
    st->images = xrealloc(st->images, (st->n_images + 1) * sizeof *st->images);
    st->images[st->n_images].info = info;
    st->images[st->n_images].tags = tags;
    st->n_images++;
}

static int commit_dir_entries(struct staging *st, const char *from, const char *to, bool keep_existing,
                              struct hull_error **err)
{
    cleanup_free char *src_dir = xasprintf("%s/%s", st->dir, from);
    cleanup_dir DIR *d = opendir(src_dir);
    if (!d)
        return hull_error_set(err, errno, "open %s", src_dir);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || !strncmp(de->d_name, "unpack-", 7))
            continue;
        cleanup_free char *src = xasprintf("%s/%s", src_dir, de->d_name);
        cleanup_free char *dst = xasprintf("%s/%s/%s", st->store->root, to, de->d_name);
        if (keep_existing && access(dst, F_OK) == 0)
            continue;
        if (rename(src, dst) < 0)
            return hull_error_set(err, errno, "move %s to %s", src, dst);
    }
    return 0;
}

int staging_commit(struct staging *st, struct hull_error **err)
{
    staging_report(st, IMAGE_PROGRESS_COMMIT, NULL);
    if (commit_dir_entries(st, "layers", "layers", true, err) < 0 ||
        commit_dir_entries(st, "blobs", "blobs/sha256", false, err) < 0)
        return hull_error_wrap(err, "cannot commit to the image store");
    for (size_t i = 0; i < st->n_images; i++) {
        struct image_info *info = st->images[i].info;
        cleanup_free char *text = store_image_record_text(info);
        cleanup_free char *path = xasprintf("%s/images/%s.json", st->store->root, digest_hex(info->id));
        if (write_file_atomic(path, text, strlen(text), 0600, err) < 0)
            return hull_error_wrap(err, "cannot commit to the image store");
    }
    for (size_t i = 0; i < st->n_images; i++)
        for (char **t = st->images[i].tags; t && *t; t++)
            if (image_store_tag(st->store, st->images[i].info->id, *t, err) < 0)
                return hull_error_wrap(err, "cannot tag %s", *t);
    return 0;
}
