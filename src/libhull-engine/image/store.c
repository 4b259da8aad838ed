/* The store's records: opening and locking, image records, tags, lookup,
 * removal with layer garbage collection.  Staging and commit are in staging.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/utils.h"
#include "image_json.h"
#include "init_layer.h"
#include "reference.h"
#include "store_internal.h"
#include "store_records.h"

#define TAGS_FILE "repositories.json"

const char *image_store_root(const struct image_store *store)
{
    return store->root;
}

/* Staging dirs under tmp/ whose owner is gone.  A load holds the store lock
 * for its whole life, so its dir is stale once we hold the lock; a pull
 * downloads without the store lock (hours, on a slow link, must not block
 * every other writer) and flocks tmp/<dir>/lock instead: a dir whose lock is
 * still held is in use and kept. */
static int wipe_stale_staging(const char *root, bool remove, void (*found)(const char *path, void *data),
                              void *data, struct hull_error **err)
{
    cleanup_free char *tmp = xasprintf("%s/tmp", root);
    cleanup_dir DIR *d = opendir(tmp);
    if (!d)
        return errno == ENOENT ? (remove ? mkdir_p(tmp, 0700, err) : 0) : hull_error_set(err, errno, "open %s", tmp);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        cleanup_free char *lock = xasprintf("%s/%s/%s", tmp, de->d_name, STAGING_LOCK_FILE);
        cleanup_close int fd = open(lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK)
            continue;
        cleanup_free char *path = xasprintf("%s/%s", tmp, de->d_name);
        if (found)
            found(path, data);
        if (remove && rm_rf(path, err) < 0)
            return -1;
    }
    return 0;
}

void image_store_sweep_tmp(const char *root, bool remove, void (*found)(const char *path, void *data), void *data)
{
    /* repositories.json and images/<hex>.json are replaced atomically (path.tmp-PID). */
    static const char *const dirs[] = {"", "/images"};
    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
        cleanup_free char *d = xasprintf("%s%s", root, dirs[i]);
        stale_tmp_files(d, remove, found, data);
    }
}

static int open_store(const char *root, bool writable, bool wipe, struct image_store **out, struct hull_error **err);
static int require_writable(struct image_store *store, struct hull_error **err);

int image_store_open(const char *root, bool writable, struct image_store **out, struct hull_error **err)
{
    return open_store(root, writable, true, out, err);
}

int image_store_open_unswept(const char *root, struct image_store **out, struct hull_error **err)
{
    return open_store(root, true, false, out, err);
}

int image_store_stale_staging(struct image_store *store, bool remove, void (*found)(const char *path, void *data),
                              void *data, struct hull_error **err)
{
    if (require_writable(store, err) < 0)
        return -1;
    return wipe_stale_staging(store->root, remove, found, data, err);
}

int image_store_users(struct image_store *store, char ***image_ids, char ***users, struct hull_error **err)
{
    cleanup_free char *dir = xasprintf("%s/users", store->root);
    *image_ids = NULL;
    *users = NULL;
    cleanup_dir DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : hull_error_set(err, errno, "open %s", dir);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        cleanup_free char *sub = xasprintf("%s/%s", dir, e->d_name);
        cleanup_dir DIR *u = opendir(sub);
        for (struct dirent *f; u && (f = readdir(u));) {
            if (f->d_name[0] == '.')
                continue;
            strv_add(image_ids, xasprintf("sha256:%s", e->d_name));
            strv_add(users, xstrdup(f->d_name));
        }
    }
    return 0;
}

bool image_store_has_image(struct image_store *store, const char *id)
{
    if (!digest_is_valid(id))
        return false;
    cleanup_free char *path = xasprintf("%s/images/%s.json", store->root, digest_hex(id));
    return access(path, F_OK) == 0;
}

static int open_store(const char *root, bool writable, bool wipe, struct image_store **out, struct hull_error **err)
{
    if (!root || root[0] != '/')
        return hull_error_set(err, 0, "store root must be an absolute path, not \"%s\"", root ? root : "");
    if (writable) {
        static const char *const dirs[] = {"", "/blobs/sha256", "/layers", "/images", "/tmp", "/users"};
        for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
            cleanup_free char *d = xasprintf("%s%s", root, dirs[i]);
            if (mkdir_p(d, 0700, err) < 0)
                return hull_error_wrap(err, "cannot create the image store");
        }
    }
    cleanup_close int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0 && !(errno == ENOENT && !writable))
        return hull_error_set(err, errno, "open the image store %s", root);
    cleanup_close int lock_fd = -1;
    if (writable) {
        lock_fd = openat(rootfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (lock_fd < 0)
            return hull_error_set(err, errno, "open %s/lock", root);
        if (flock(lock_fd, LOCK_EX) < 0)
            return hull_error_set(err, errno, "lock %s/lock", root);
        /* Once per process (per root): a `hull run` opens the store
         * writable twice (the image mark, its removal), and what a writer
         * killed meanwhile leaves the next command wipes. */
        static char *wiped_root;
        if (wipe && !(wiped_root && !strcmp(wiped_root, root))) {
            if (wipe_stale_staging(root, true, NULL, NULL, err) < 0)
                return hull_error_wrap(err, "cannot clean the staging area of %s", root);
            image_store_sweep_tmp(root, true, NULL, NULL);
            free(wiped_root);
            wiped_root = xstrdup(root);
        }
    }
    struct image_store *s = xmalloc0(sizeof *s);
    s->root = xstrdup(root);
    s->rootfd = steal_fd(&rootfd);
    s->lock_fd = steal_fd(&lock_fd);
    s->locked = s->lock_fd >= 0;
    *out = s;
    return 0;
}

void image_store_close(struct image_store *store)
{
    if (!store)
        return;
    closep(&store->lock_fd);
    closep(&store->rootfd);
    free(store->root);
    free(store);
}

void image_store_closep(struct image_store **store)
{
    image_store_close(*store);
    *store = NULL;
}

int image_store_unlock(struct image_store *store)
{
    if (store->lock_fd < 0 || !store->locked)
        return 0;
    store->locked = false;
    return flock(store->lock_fd, LOCK_UN);
}

int image_store_relock(struct image_store *store, struct hull_error **err)
{
    if (store->lock_fd < 0)
        return hull_error_set(err, 0, "internal error: the image store was opened read-only");
    if (store->locked)
        return 0;
    if (flock(store->lock_fd, LOCK_EX) < 0)
        return hull_error_set(err, errno, "lock %s/lock", store->root);
    store->locked = true;
    return 0;
}

static int require_writable(struct image_store *store, struct hull_error **err)
{
    if (store->lock_fd < 0 || !store->locked)
        return hull_error_set(err, 0, "internal error: the image store was opened read-only");
    return 0;
}

/* ---- image records ---- */

void image_info_free(struct image_info *info)
{
    if (!info)
        return;
    strv_free(info->tags);
    free(info->created);
    free(info->os);
    free(info->architecture);
    for (size_t i = 0; i < info->n_layers; i++)
        free(info->layers[i].media_type);
    free(info->layers);
    free(info);
}

void image_info_freep(struct image_info **info)
{
    image_info_free(*info);
    *info = NULL;
}

void image_info_list_free(struct image_info **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        image_info_free(list[i]);
    free(list);
}

static int image_record_read(struct image_store *store, const char *hex, struct image_info **out,
                             struct hull_error **err)
{
    return store_image_record_read(store->rootfd, store->root, hex, out, err);
}

/* ---- tags ---- */

/* repositories.json ("name:tag" -> id); an empty table when there is no file yet. */
static int tags_read(struct image_store *store, struct store_tags *out, struct hull_error **err)
{
    if (store_tags_read(store->rootfd, TAGS_FILE, out, err) < 0)
        return hull_error_wrap(err, "cannot read the tags of %s", store->root);
    return 0;
}

static int tags_write(struct image_store *store, const struct store_tags *tags, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("%s/%s", store->root, TAGS_FILE);
    return store_tags_write(tags, path, err);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The tags pointing at id, sorted. */
static char **tags_of(const struct store_tags *tags, const char *id)
{
    size_t n = 0;
    char **out = xmalloc0((tags->n + 1) * sizeof(char *));
    for (size_t i = 0; i < tags->n; i++)
        if (!strcmp(tags->ids[i], id))
            out[n++] = xstrdup(tags->names[i]);
    qsort(out, n, sizeof(char *), compare_strings);
    return out;
}

/* ---- listing and lookup ---- */

static int compare_newest_first(const void *a, const void *b)
{
    const struct image_info *x = *(struct image_info *const *)a, *y = *(struct image_info *const *)b;
    if (x->created_unix != y->created_unix)
        return x->created_unix < y->created_unix ? 1 : -1;
    return strcmp(x->id, y->id);
}

int image_store_list(struct image_store *store, struct image_info ***out, size_t *n, struct hull_error **err)
{
    *out = xmalloc0(sizeof(struct image_info *));
    *n = 0;
    if (store->rootfd < 0)
        return 0;
    cleanup_store_tags struct store_tags tags = {0};
    if (tags_read(store, &tags, err) < 0)
        return -1;
    int fd = openat(store->rootfd, "images", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : hull_error_set(err, errno, "open %s/images", store->root);
    cleanup_dir DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return hull_error_set(err, errno, "open %s/images", store->root);
    }
    struct image_info **list = NULL;
    size_t count = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len != DIGEST_HEX_LEN + 5 || strcmp(de->d_name + DIGEST_HEX_LEN, ".json"))
            continue;
        cleanup_free char *hex = strndup(de->d_name, DIGEST_HEX_LEN);
        struct image_info *info;
        if (image_record_read(store, hex, &info, err) < 0) {
            image_info_list_free(list, count);
            return -1;
        }
        strv_free(info->tags);
        info->tags = tags_of(&tags, info->id);
        list = xrealloc(list, (count + 2) * sizeof *list);
        list[count++] = info;
        list[count] = NULL;
    }
    if (count)
        qsort(list, count, sizeof *list, compare_newest_first);
    free(*out);
    *out = list ? list : xmalloc0(sizeof(struct image_info *));
    *n = count;
    return 0;
}

static bool is_hex(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

/* The id a tag reference points at, or NULL. */
static const char *tag_target(const struct store_tags *tags, const char *text)
{
    struct image_ref ref;
    if (image_ref_parse(text, &ref, NULL) < 0)
        return NULL;
    const char *id = NULL;
    if (ref.tag) {
        cleanup_free char *key = image_ref_format(&ref);
        id = store_tags_get(tags, key);
        if (!id) {
            /* docker.io/library/busybox:latest is stored as busybox:latest. */
            cleanup_free char *domain = NULL, *path = NULL;
            bool qualified;
            image_name_split(ref.name, &domain, &path, &qualified);
            cleanup_free char *familiar = image_name_familiar(domain, path);
            cleanup_free char *key2 = xasprintf("%s:%s", familiar, ref.tag);
            id = store_tags_get(tags, key2);
        }
    }
    image_ref_clear(&ref);
    return id;
}

static int lookup(struct image_store *store, const struct store_tags *tags, const char *text, struct image_info **out,
                  const char **matched_tag, struct hull_error **err)
{
    *matched_tag = NULL;
    const char *id = tag_target(tags, text);
    if (id && digest_is_valid(id)) {
        *matched_tag = id;
        if (image_record_read(store, digest_hex(id), out, err) < 0)
            return hull_error_wrap(err, "image %s", text);
        strv_free((*out)->tags);
        (*out)->tags = tags_of(tags, (*out)->id);
        return 0;
    }
    /* name@sha256:... : the manifest digest (what a registry calls the image) or the id. */
    const char *at = strchr(text, '@');
    const char *want = at ? at + 1 : text;
    if (!strncmp(want, "sha256:", 7))
        want += 7;
    cleanup_image_info struct image_info *found = NULL;
    if (is_hex(want) && strlen(want) <= DIGEST_HEX_LEN) {
        struct image_info **list;
        size_t n;
        if (image_store_list(store, &list, &n, err) < 0)
            return -1;
        int matches = 0;
        for (size_t i = 0; i < n; i++) {
            bool hit = !strncmp(digest_hex(list[i]->id), want, strlen(want));
            if (at && list[i]->manifest[0] && !strcmp(digest_hex(list[i]->manifest), want))
                hit = true;
            if (hit && (!found || strcmp(found->id, list[i]->id))) {
                matches++;
                image_info_free(found);
                found = steal_pointer(&list[i]);
            }
        }
        image_info_list_free(list, n);
        if (matches > 1)
            return hull_error_set(err, 0, "image id prefix \"%s\" is ambiguous: give more digits", text);
    }
    if (!found)
        return hull_error_set(err, 0, "no such image: %s", text);
    *out = steal_pointer(&found);
    return 0;
}

int image_store_lookup(struct image_store *store, const char *text, struct image_info **out, struct hull_error **err)
{
    cleanup_store_tags struct store_tags tags = {0};
    if (tags_read(store, &tags, err) < 0)
        return -1;
    const char *tag;
    return lookup(store, &tags, text, out, &tag, err);
}

/* ---- blobs and layers ---- */

int image_store_read_blob(struct image_store *store, const char *digest, char **data, size_t *len,
                          struct hull_error **err)
{
    if (!digest_is_valid(digest))
        return hull_error_set(err, 0, "malformed digest \"%s\"", digest);
    cleanup_free char *path = xasprintf("%s/blobs/sha256/%s", store->root, digest_hex(digest));
    cleanup_free char *text = NULL;
    size_t n;
    if (read_file(path, &text, &n, err) < 0)
        return -1;
    char actual[DIGEST_STR_SIZE];
    digest_of(text, n, actual);
    if (strcmp(actual, digest))
        return hull_error_set(err, 0, "blob %s is corrupt: its content has digest %s", path, actual);
    *data = steal_pointer(&text);
    if (len)
        *len = n;
    return 0;
}

int image_store_read_config(struct image_store *store, const char *id, char **json, struct hull_error **err)
{
    return image_store_read_blob(store, id, json, NULL, err);
}

char *image_store_layer_path(struct image_store *store, const char *diff_id)
{
    return xasprintf("%s/layers/%s/diff", store->root, digest_hex(diff_id));
}

char **image_store_layer_paths(struct image_store *store, const struct image_info *image)
{
    char **paths = xmalloc0((image->n_layers + 1) * sizeof(char *));
    for (size_t i = 0; i < image->n_layers; i++)
        paths[i] = image_store_layer_path(store, image->layers[i].diff_id);
    return paths;
}

bool store_has_layer(struct image_store *store, const char *diff_id)
{
    cleanup_free char *path = xasprintf("layers/%s/layer.json", digest_hex(diff_id));
    return store->rootfd >= 0 && faccessat(store->rootfd, path, F_OK, 0) == 0;
}

bool store_has_image(struct image_store *store, const char *id)
{
    cleanup_free char *path = xasprintf("images/%s.json", digest_hex(id));
    return store->rootfd >= 0 && faccessat(store->rootfd, path, F_OK, 0) == 0;
}

/* ---- tag ---- */

int image_store_tag(struct image_store *store, const char *src, const char *dst, struct hull_error **err)
{
    if (require_writable(store, err) < 0)
        return -1;
    cleanup_image_ref struct image_ref ref = {0};
    if (image_ref_parse(dst, &ref, err) < 0)
        return -1;
    if (!ref.tag)
        return hull_error_set(err, 0, "cannot tag with a digest reference \"%s\": give NAME[:TAG]", dst);
    cleanup_store_tags struct store_tags tags = {0};
    if (tags_read(store, &tags, err) < 0)
        return -1;
    cleanup_image_info struct image_info *image = NULL;
    const char *matched;
    if (lookup(store, &tags, src, &image, &matched, err) < 0)
        return -1;
    cleanup_free char *key = image_ref_format(&ref);
    store_tags_set(&tags, key, image->id);
    return tags_write(store, &tags, err);
}

/* ---- users ---- */

int image_store_add_user(struct image_store *store, const char *id, const char *user, struct hull_error **err)
{
    if (!digest_is_valid(id) || strchr(user, '/') || !*user || user[0] == '.')
        return hull_error_set(err, EINVAL, "bad image user %s of %s", user, id);
    cleanup_free char *dir = xasprintf("%s/users/%s", store->root, digest_hex(id));
    if (mkdir_p(dir, 0700, err) < 0)
        return -1;
    cleanup_free char *path = xasprintf("%s/%s", dir, user);
    cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return hull_error_set(err, errno, "create %s", path);
    return 0;
}

int image_store_remove_user(struct image_store *store, const char *id, const char *user, struct hull_error **err)
{
    if (!digest_is_valid(id) || strchr(user, '/') || !*user || user[0] == '.')
        return hull_error_set(err, EINVAL, "bad image user %s of %s", user, id);
    cleanup_free char *dir = xasprintf("%s/users/%s", store->root, digest_hex(id));
    cleanup_free char *path = xasprintf("%s/%s", dir, user);
    if (unlink(path) < 0 && errno != ENOENT)
        return hull_error_set(err, errno, "remove %s", path);
    /* The image's users dir stays while the image does (delete_image removes
     * it): a new dir for each container run from the image, and its removal,
     * cost 0.3 ms of a `hull run --rm` on ext4 (docs/performance.md). */
    if (!image_store_has_image(store, id))
        rmdir(dir); /* fails while other users remain: that is fine */
    return 0;
}

/* The first registered user of an image, or NULL. */
static char *first_user(struct image_store *store, const char *id)
{
    cleanup_free char *dir = xasprintf("%s/users/%s", store->root, digest_hex(id));
    cleanup_dir DIR *d = opendir(dir);
    if (!d)
        return NULL;
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.')
            return xstrdup(de->d_name);
    return NULL;
}

/* ---- remove ---- */

static bool layer_used(struct image_info *const *list, size_t n, const char *hex)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < list[i]->n_layers; j++)
            if (!strcmp(digest_hex(list[i]->layers[j].diff_id), hex))
                return true;
    return false;
}

static bool blob_used(struct image_info *const *list, size_t n, const char *hex)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(digest_hex(list[i]->id), hex) || (list[i]->manifest[0] && !strcmp(digest_hex(list[i]->manifest), hex)))
            return true;
    return false;
}

static bool image_listed(struct image_info *const *list, size_t n, const char *hex)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(digest_hex(list[i]->id), hex))
            return true;
    return false;
}

int image_store_unreferenced(struct image_store *store, bool remove,
                             void (*found)(const char *kind, const char *path, void *data), void *data,
                             struct hull_error **err)
{
    if (require_writable(store, err) < 0)
        return -1;
    struct image_info **list;
    size_t n;
    if (image_store_list(store, &list, &n, err) < 0)
        return -1;
    int ret = 0;
    /* init: an image's init layer (init_layer.h) whose image is gone */
    static const char *const kinds[] = {"layer", "blob", "init"};
    static const char *const dirs[] = {"layers", "blobs/sha256", "init"};
    for (size_t k = 0; k < ARRAY_SIZE(kinds) && ret == 0; k++) {
        cleanup_free char *dir = xasprintf("%s/%s", store->root, dirs[k]);
        cleanup_dir DIR *d = opendir(dir);
        for (struct dirent *de; d && ret == 0 && (de = readdir(d));) {
            bool used = k == 0 ? layer_used(list, n, de->d_name)
                        : k == 1 ? blob_used(list, n, de->d_name)
                                 : image_listed(list, n, de->d_name);
            if (de->d_name[0] == '.' || used)
                continue;
            cleanup_free char *path = xasprintf("%s/%s", dir, de->d_name);
            if (found)
                found(kinds[k], path, data);
            if (!remove)
                continue;
            if (k == 1) {
                if (unlink(path) < 0 && errno != ENOENT)
                    ret = hull_error_set(err, errno, "remove %s", path);
                continue;
            }
            if (k == 2) {
                cleanup_free char *id = xasprintf("sha256:%s", de->d_name);
                ret = store_remove_init_layer(store, id, err);
                continue;
            }
            /* As collect_garbage_layers: a half-removed layer never looks complete. */
            cleanup_free char *doomed = xasprintf("%s/tmp/gc-%s", store->root, de->d_name);
            if (rename(path, doomed) < 0)
                ret = hull_error_set(err, errno, "remove layer %s", path);
            else
                ret = rm_rf(doomed, err);
        }
    }
    image_info_list_free(list, n);
    return ret;
}

/* Removes every layer that no remaining image lists. */
static int collect_garbage_layers(struct image_store *store, image_remove_event_fn on_event, void *data,
                                  uint64_t *freed, struct hull_error **err)
{
    struct image_info **list;
    size_t n;
    if (image_store_list(store, &list, &n, err) < 0)
        return -1;
    cleanup_free char *layers_dir = xasprintf("%s/layers", store->root);
    cleanup_dir DIR *d = opendir(layers_dir);
    if (!d) {
        image_info_list_free(list, n);
        return errno == ENOENT ? 0 : hull_error_set(err, errno, "open %s", layers_dir);
    }
    int ret = 0;
    struct dirent *de;
    while ((de = readdir(d)) && ret == 0) {
        if (de->d_name[0] == '.')
            continue;
        if (layer_used(list, n, de->d_name))
            continue;
        if (freed) {
            cleanup_free char *meta_path = xasprintf("layers/%s/layer.json", de->d_name);
            int64_t size = store_layer_record_size(store->rootfd, meta_path);
            if (size > 0)
                *freed += (uint64_t)size;
        }
        /* Rename first so a half-removed layer never looks complete. */
        cleanup_free char *path = xasprintf("%s/%s", layers_dir, de->d_name);
        cleanup_free char *doomed = xasprintf("%s/tmp/gc-%s", store->root, de->d_name);
        if (rename(path, doomed) < 0) {
            ret = hull_error_set(err, errno, "remove layer %s", path);
            break;
        }
        ret = rm_rf(doomed, err);
        if (ret == 0 && on_event) {
            cleanup_free char *digest = xasprintf("sha256:%s", de->d_name);
            on_event("Deleted layer", digest, data);
        }
    }
    image_info_list_free(list, n);
    return ret;
}

static int delete_image(struct image_store *store, struct image_info *image, struct hull_error **err)
{
    /* First: an image without its init layer is whole (its next container
     * makes it again), an init layer without its image is not. */
    if (store_remove_init_layer(store, image->id, err) < 0)
        return -1;
    cleanup_free char *record = xasprintf("%s/images/%s.json", store->root, digest_hex(image->id));
    if (unlink(record) < 0 && errno != ENOENT)
        return hull_error_set(err, errno, "remove %s", record);
    /* its users dir, empty: image_store_remove_user leaves it while the image exists */
    cleanup_free char *users = xasprintf("%s/users/%s", store->root, digest_hex(image->id));
    rmdir(users);
    const char *blobs[] = {image->id, image->manifest};
    for (size_t i = 0; i < ARRAY_SIZE(blobs); i++) {
        if (!blobs[i][0])
            continue;
        cleanup_free char *path = xasprintf("%s/blobs/sha256/%s", store->root, digest_hex(blobs[i]));
        if (unlink(path) < 0 && errno != ENOENT)
            return hull_error_set(err, errno, "remove %s", path);
    }
    return 0;
}

int image_store_remove(struct image_store *store, const char *text, bool force, image_remove_event_fn on_event,
                       void *data, struct hull_error **err)
{
    if (require_writable(store, err) < 0)
        return -1;
    cleanup_store_tags struct store_tags tags = {0};
    if (tags_read(store, &tags, err) < 0)
        return -1;
    cleanup_image_info struct image_info *image = NULL;
    const char *matched_id;
    if (lookup(store, &tags, text, &image, &matched_id, err) < 0)
        return -1;
    size_t n_tags = strv_length(image->tags);
    char short_id[13];
    snprintf(short_id, sizeof short_id, "%s", digest_hex(image->id));

    if (matched_id && n_tags > 1) {
        /* One tag of several: untag only, as docker rmi does. */
        struct image_ref ref;
        if (image_ref_parse(text, &ref, err) < 0)
            return -1;
        cleanup_free char *key = image_ref_format(&ref);
        image_ref_clear(&ref);
        store_tags_del(&tags, key);
        if (tags_write(store, &tags, err) < 0)
            return -1;
        if (on_event)
            on_event("Untagged", key, data);
        return 0;
    }
    if (!matched_id && n_tags > 1 && !force)
        return hull_error_set(err, 0,
                              "conflict: unable to delete %s (must be forced) - image is referenced in multiple "
                              "repositories",
                              short_id);
    cleanup_free char *user = first_user(store, image->id);
    if (user && !force)
        return hull_error_set(err, 0,
                              "conflict: unable to delete %s (must be forced) - image is being used by container %s",
                              short_id, user);
    for (size_t i = 0; i < n_tags; i++) {
        store_tags_del(&tags, image->tags[i]);
        if (on_event)
            on_event("Untagged", image->tags[i], data);
    }
    if (tags_write(store, &tags, err) < 0)
        return -1;
    if (user)
        return 0; /* forced while in use: untagged, kept for the container (docker does the same) */
    if (delete_image(store, image, err) < 0)
        return -1;
    if (on_event)
        on_event("Deleted", image->id, data);
    return collect_garbage_layers(store, on_event, data, NULL, err);
}

int image_store_prune(struct image_store *store, bool all, image_remove_event_fn on_event, void *data,
                      uint64_t *reclaimed, struct hull_error **err)
{
    *reclaimed = 0;
    if (require_writable(store, err) < 0)
        return -1;
    cleanup_store_tags struct store_tags tags = {0};
    if (tags_read(store, &tags, err) < 0)
        return -1;
    struct image_info **list;
    size_t n;
    if (image_store_list(store, &list, &n, err) < 0)
        return -1;
    int ret = 0;
    bool untagged = false;
    for (size_t i = 0; i < n && ret == 0; i++) {
        struct image_info *image = list[i];
        if ((!all && image->tags[0]))
            continue;
        cleanup_free char *user = first_user(store, image->id);
        if (user)
            continue; /* a container uses it: not prunable */
        for (char **t = image->tags; *t; t++) {
            store_tags_del(&tags, *t);
            untagged = true;
            if (on_event)
                on_event("Untagged", *t, data);
        }
        if (untagged && (ret = tags_write(store, &tags, err)) < 0)
            break;
        untagged = false;
        if ((ret = delete_image(store, image, err)) < 0)
            break;
        if (on_event)
            on_event("Deleted", image->id, data);
    }
    image_info_list_free(list, n);
    if (ret == 0)
        ret = collect_garbage_layers(store, on_event, data, reclaimed, err);
    return ret;
}
