/* hull: what the image commands of `hull` call (hull-engine-images.h): each
 * opens the image store itself, does one command's work and reports typed
 * results or events, so that the CLI only parses flags and prints. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "events.h"
#include "image/commit.h"
#include "image/cp.h"
#include "image/diff.h"
#include "image/history.h"
#include "image/image_rootfs.h"
#include "image/init_layer.h"
#include "image/load.h"
#include "image/save.h"
#include "image/store.h"
#include "record.h"
#include "util/utils.h"

/* The tag separator is the last ':' after the last '/' (a registry port has a '/' after it). */
static void split_tag(const char *tag, char **repo, char **version)
{
    const char *slash = strrchr(tag, '/');
    const char *colon = strrchr(slash ? slash : tag, ':');
    *repo = colon ? xstrndup(tag, colon - tag) : xstrdup(tag);
    *version = xstrdup(colon ? colon + 1 : "<none>");
}

static bool has_tag_part(const char *name)
{
    const char *slash = strrchr(name, '/');
    return strchr(slash ? slash : name, ':') != NULL;
}

/* `hull images busybox` matches every tag of busybox; `busybox:1.36` that tag only;
 * a reference glob matches "repo:tag", or "repo" when it has no ':' itself. */
static bool tag_kept(const struct engine_image_filters *f, const char *tag)
{
    cleanup_free char *repo = NULL, *version = NULL;
    split_tag(tag, &repo, &version);
    if (f->name && strcmp(has_tag_part(f->name) ? tag : repo, f->name))
        return false;
    if (!f->references || !f->references[0])
        return true;
    for (const char *const *p = f->references; *p; p++)
        if (fnmatch(*p, has_tag_part(*p) ? tag : repo, 0) == 0)
            return true;
    return false;
}

/* The rows of img that f keeps; 0 when the image is not listed. */
static size_t image_rows(const struct engine_image_filters *f, const struct image_info *img,
                         struct engine_image_row **out)
{
    *out = NULL;
    if ((f->dangling == 1 && img->tags[0]) || (f->dangling == 0 && !img->tags[0]))
        return 0;
    size_t n = 0;
    if (!img->tags[0]) {
        if (f->name || (f->references && f->references[0]))
            return 0;
        *out = xmalloc0(sizeof **out);
        (*out)[0] = (struct engine_image_row){xstrdup("<none>"), xstrdup("<none>")};
        return 1;
    }
    for (char **t = img->tags; *t; t++) {
        if (!tag_kept(f, *t))
            continue;
        *out = xrealloc(*out, (n + 1) * sizeof **out);
        split_tag(*t, &(*out)[n].repository, &(*out)[n].tag);
        n++;
    }
    return n;
}

int engine_image_list(const char *root, const struct engine_image_filters *filters, struct engine_image_list *out,
                      struct hull_error **err)
{
    static const struct engine_image_filters all = {.dangling = -1};
    const struct engine_image_filters *f = filters ? filters : &all;
    *out = (struct engine_image_list){0};
    cleanup_image_store struct image_store *store = NULL;
    struct image_info **list;
    size_t n;
    if (image_store_open(root, false, &store, err) < 0 || image_store_list(store, &list, &n, err) < 0)
        return -1;
    out->images = xmalloc0((n + 1) * sizeof *out->images);
    for (size_t i = 0; i < n; i++) {
        struct engine_image_listed *l = &out->images[out->n];
        l->n_rows = image_rows(f, list[i], &l->rows);
        if (!l->n_rows) {
            image_info_freep(&list[i]);
            continue;
        }
        l->info = list[i];
        out->n++;
    }
    free(list);
    return 0;
}

void engine_image_list_clear(struct engine_image_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        struct engine_image_listed *l = &list->images[i];
        for (size_t r = 0; r < l->n_rows; r++) {
            free(l->rows[r].repository);
            free(l->rows[r].tag);
        }
        free(l->rows);
        image_info_freep(&l->info);
    }
    free(list->images);
    *list = (struct engine_image_list){0};
}

/* The caller's event callback, after the journal's untag/delete event. */
struct journaled {
    const char *root;
    image_remove_event_fn fn;
    void *data;
};

static void journal_event(const char *what, const char *name, void *data)
{
    struct journaled *j = data;
    struct engine_event_attr attrs[] = {{"name", name}, {NULL, NULL}};
    if (!strcmp(what, "Untagged"))
        engine_event_emit(j->root, "image", "untag", name, attrs);
    else if (!strcmp(what, "Deleted"))
        engine_event_emit(j->root, "image", "delete", name, attrs);
    if (j->fn)
        j->fn(what, name, j->data);
}

int engine_image_remove(const char *root, char *const *names, bool force, image_remove_event_fn on_event, void *data,
                        engine_name_error_fn on_error, void *error_data, struct hull_error **err)
{
    /* Marks of containers that do not exist (left by a killed command before
     * records came first) must not make an image undeletable for good. */
    if (engine_image_marks_sweep(root, true, NULL, NULL, NULL, err) < 0)
        return -1;
    cleanup_image_store struct image_store *store = NULL;
    if (image_store_open(root, true, &store, err) < 0)
        return -1;
    struct journaled j = {root, on_event, data};
    for (char *const *name = names; *name; name++) {
        struct hull_error *one = NULL;
        if (image_store_remove(store, *name, force, journal_event, &j, &one) < 0)
            on_error(*name, one, error_data);
    }
    return 0;
}

int engine_image_prune(const char *root, bool all, image_remove_event_fn on_event, void *data, uint64_t *reclaimed,
                       struct hull_error **err)
{
    *reclaimed = 0;
    cleanup_image_store struct image_store *store = NULL;
    struct journaled j = {root, on_event, data};
    if (image_store_open(root, true, &store, err) < 0 ||
        image_store_prune(store, all, journal_event, &j, reclaimed, err) < 0)
        return -1;
    return 0;
}

int engine_image_tag(const char *root, const char *src, const char *dst, struct hull_error **err)
{
    cleanup_image_store struct image_store *store = NULL;
    if (image_store_open(root, true, &store, err) < 0 || image_store_tag(store, src, dst, err) < 0)
        return -1;
    cleanup_image_info struct image_info *img = NULL;
    cleanup_error struct hull_error *ignored = NULL;
    struct engine_event_attr attrs[] = {{"name", dst}, {NULL, NULL}};
    if (image_store_lookup(store, dst, &img, &ignored) == 0)
        engine_event_emit(root, "image", "tag", img->id, attrs);
    return 0;
}

/* Whether the store has an image by that name or id (no error: false). */
static bool image_exists(const char *root, const char *name)
{
    cleanup_error struct hull_error *err = NULL;
    cleanup_image_store struct image_store *store = NULL;
    cleanup_image_info struct image_info *image = NULL;
    return image_store_open(root, false, &store, &err) == 0 && image_store_lookup(store, name, &image, &err) == 0;
}

int engine_image_pull_wanted(const char *root, const char *policy, const char *reference,
                             enum engine_pull_need *need, struct hull_error **err)
{
    *need = ENGINE_PULL_NO;
    if (!policy || !strcmp(policy, "missing"))
        *need = image_exists(root, reference) ? ENGINE_PULL_NO : ENGINE_PULL_MISSING;
    else if (!strcmp(policy, "always"))
        *need = ENGINE_PULL_ALWAYS;
    else if (strcmp(policy, "never")) /* never: the lookup that follows says "no such image" */
        return hull_error_set(err, 0, "invalid --pull \"%s\": want missing, always or never", policy);
    return 0;
}

int engine_image_history(const char *root, const char *name, struct engine_image_history *out,
                         struct hull_error **err)
{
    *out = (struct engine_image_history){0};
    cleanup_image_store struct image_store *store = NULL;
    cleanup_image_info struct image_info *image = NULL;
    if (image_store_open(root, false, &store, err) < 0 || image_store_lookup(store, name, &image, err) < 0 ||
        image_history(store, image, &out->entries, &out->n, err) < 0)
        return -1;
    memcpy(out->id, image->id, sizeof out->id);
    return 0;
}

void engine_image_history_clear(struct engine_image_history *h)
{
    image_history_free(h->entries, h->n);
    *h = (struct engine_image_history){0};
}

int engine_image_save(const char *root, char *const *names, enum image_save_format format, int fd,
                      struct hull_error **err)
{
    cleanup_image_store struct image_store *store = NULL;
    if (image_store_open(root, false, &store, err) < 0)
        return -1;
    return image_save(store, names, format, fd, err);
}

int engine_image_load(const char *root, const char *path, const struct image_progress *progress,
                      struct image_load_result *out, struct hull_error **err)
{
    cleanup_image_store struct image_store *store = NULL;
    if (image_store_open(root, true, &store, err) < 0 || image_load(store, path, progress, out, err) < 0)
        return -1;
    for (char **n = out->names; *n; n++) {
        struct engine_event_attr attrs[] = {{"name", *n}, {NULL, NULL}};
        engine_event_emit(root, "image", "load", *n, attrs);
    }
    return 0;
}

int engine_image_import(const char *root, const char *path, const struct image_import_opts *opts,
                        const struct image_progress *progress, char id_out[static DIGEST_STR_SIZE],
                        struct hull_error **err)
{
    cleanup_image_store struct image_store *store = NULL;
    if (image_store_open(root, true, &store, err) < 0 || image_import(store, path, opts, progress, id_out, err) < 0)
        return -1;
    struct engine_event_attr attrs[] = {{"name", opts->reference ? opts->reference : id_out}, {NULL, NULL}};
    engine_event_emit(root, "image", "import", id_out, attrs);
    return 0;
}

/* The mount points hull makes for its generated files (docker leaves them
 * out of diff and commit too). */
static const char *const made_by_hull[] = {"/etc/hostname", "/etc/hosts", "/etc/resolv.conf", NULL};

/* The container's image id and directory. */
static int container_image(const char *root, const char *id, char **image_id, char **dir, struct hull_error **err)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(root, id, &rec, err) < 0)
        return -1;
    *image_id = xstrdup(rec->image_id);
    *dir = engine_container_dir(root, id);
    return 0;
}

/* The container TEXT names (a name, id or unique prefix: "no such container:
 * TEXT" otherwise): its full id, image id and directory. */
static int named_container_image(const char *root, const char *text, char **id, char **image_id, char **dir,
                                 struct hull_error **err)
{
    if (engine_container_resolve(root, text, id, err) < 0)
        return -1;
    return container_image(root, *id, image_id, dir, err);
}

/* The layer paths of the container's image (read-only store), with its init
 * layer on top (with_init: what the container's overlay is made of) or not
 * (what its changes are compared with, so the init layer's mount points never
 * show in diff or commit, as docker's "-init" layer's do not). */
static int container_layers(const char *root, const char *image_id, bool with_init, char ***layers,
                            struct hull_error **err)
{
    cleanup_image_store struct image_store *store = NULL;
    cleanup_image_info struct image_info *image = NULL;
    if (image_store_open(root, false, &store, err) < 0 || image_store_lookup(store, image_id, &image, err) < 0)
        return -1;
    *layers = with_init ? image_store_rootfs_layers(store, image) : image_store_layer_paths(store, image);
    return 0;
}

int engine_container_diff(const char *root, const char *text, image_diff_fn fn, void *data, struct hull_error **err)
{
    cleanup_free char *id = NULL, *image_id = NULL, *dir = NULL;
    cleanup_strv char **layers = NULL;
    if (named_container_image(root, text, &id, &image_id, &dir, err) < 0 ||
        container_layers(root, image_id, false, &layers, err) < 0)
        return -1;
    if (image_rootfs_diff(layers, dir, made_by_hull, fn, data, err) < 0)
        return hull_error_wrap(err, "container %.12s", id);
    return 0;
}

int engine_container_commit(const char *root, const char *text, const struct image_commit_opts *opts,
                            char id_out[static DIGEST_STR_SIZE], struct hull_error **err)
{
    cleanup_free char *id = NULL, *image_id = NULL, *dir = NULL;
    if (named_container_image(root, text, &id, &image_id, &dir, err) < 0)
        return -1;
    struct image_commit_opts o = *opts;
    o.ignore = made_by_hull;
    cleanup_image_store struct image_store *store = NULL;
    if (image_store_open(root, true, &store, err) < 0 || image_commit(store, image_id, dir, &o, id_out, err) < 0)
        return -1;
    engine_event_container_id(root, id, "commit", "imageID", id_out);
    return 0;
}

int engine_container_rootfs(const char *root, const char *id, char **rootfs, struct hull_error **err)
{
    cleanup_free char *image_id = NULL, *dir = NULL;
    cleanup_strv char **layers = NULL;
    if (container_image(root, id, &image_id, &dir, err) < 0 ||
        container_layers(root, image_id, true, &layers, err) < 0 ||
        image_rootfs_remount(layers, dir, err) < 0)
        return -1;
    *rootfs = xasprintf("%s/rootfs", dir);
    return 0;
}

/* The tar stream of container id's root filesystem on fd. */
static int export_to(const char *root, const char *id, int fd, struct hull_error **err)
{
    cleanup_free char *rootfs = NULL;
    if (engine_container_rootfs(root, id, &rootfs, err) < 0)
        return -1;
    cleanup_close int rootfd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return hull_error_set(err, errno, "container %.12s: open %s", id, rootfs);
    if (image_export_tar(rootfd, fd, err) < 0)
        return hull_error_wrap(err, "export of container %.12s", id);
    return 0;
}

int engine_container_export(const char *root, const char *text, const char *output, struct hull_error **err)
{
    cleanup_free char *id = NULL;
    if (engine_container_resolve(root, text, &id, err) < 0)
        return -1;
    /* FILE appears whole or not at all: written under a temporary name */
    cleanup_free char *tmp = output ? xasprintf("%s.tmp-%d", output, getpid()) : NULL;
    cleanup_close int fd = output ? open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : dup(STDOUT_FILENO);
    if (fd < 0)
        return hull_error_set(err, 0, "cannot create %s: %s", output ? output : "stdout", strerror(errno));
    if (export_to(root, id, fd, err) < 0) {
        if (tmp)
            unlink(tmp);
        return -1;
    }
    if (output && (fsync(fd) < 0 || rename(tmp, output) < 0)) {
        int e = errno;
        unlink(tmp);
        return hull_error_set(err, 0, "write %s: %s", output, strerror(e));
    }
    return 0;
}

int engine_container_copy(const char *root, const char *text, const char *src, const char *dest, bool into_container,
                          bool archive, bool follow, struct hull_error **err)
{
    cleanup_free char *id = NULL;
    if (engine_container_resolve(root, text, &id, err) < 0)
        return -1;
    cleanup_free char *rootfs = NULL;
    if (engine_container_rootfs(root, id, &rootfs, err) < 0)
        return -1;
    if (container_copy(rootfs, src, dest, into_container, archive, follow, err) < 0)
        return hull_error_wrap(err, "container %.12s", id);
    return 0;
}
