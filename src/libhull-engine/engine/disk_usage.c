/* hull: disk space of images and containers (see disk_usage.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk_usage.h"
#include "engine_mounts.h"
#include "image/store.h"
#include "lifecycle.h"
#include "record.h"
#include "util/utils.h"
#include "volume.h"

struct seen_inodes {
    struct {
        dev_t dev;
        ino_t ino;
    } *v;
    size_t n, cap;
};

/* True the first time (dev, ino) is seen. */
static bool first_sight(struct seen_inodes *s, dev_t dev, ino_t ino)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].dev == dev && s->v[i].ino == ino)
            return false;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n].dev = dev;
    s->v[s->n].ino = ino;
    s->n++;
    return true;
}

/* Sums dirfd's tree; takes ownership of dirfd. */
static uint64_t tree_size(int dirfd, dev_t dev, struct seen_inodes *seen)
{
    cleanup_dir DIR *d = fdopendir(dirfd);
    if (!d) {
        close(dirfd);
        return 0;
    }
    uint64_t total = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        struct stat st;
        if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev)
            continue;
        if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0)
                total += tree_size(sub, dev, seen);
        } else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
            if (st.st_nlink > 1 && !first_sight(seen, st.st_dev, st.st_ino))
                continue;
            total += (uint64_t)st.st_size;
        }
    }
    return total;
}

uint64_t engine_dir_size(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return 0;
    if (fstat(fd, &st) < 0) {
        close(fd);
        return 0;
    }
    struct seen_inodes seen = {0};
    uint64_t size = tree_size(fd, st.st_dev, &seen);
    free(seen.v);
    return size;
}

uint64_t engine_container_size(const char *root, const char *id)
{
    cleanup_free char *dir = engine_container_dir(root, id);
    cleanup_free char *kind_path = xasprintf("%s/rootfs.kind", dir);
    cleanup_free char *kind = NULL;
    bool copy = read_file(kind_path, &kind, NULL, NULL) == 0 && !strncmp(kind, "copy", 4);
    cleanup_free char *layer = xasprintf("%s/%s", dir, copy ? "rootfs" : "upper");
    return engine_dir_size(layer);
}

/* Layers (by diff_id) counted once: a small set of strings. */
static bool add_layer(char ***set, size_t *n, const char *diff_id)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*set)[i], diff_id))
            return false;
    *set = xrealloc(*set, (*n + 2) * sizeof **set);
    (*set)[(*n)++] = xstrdup(diff_id);
    (*set)[*n] = NULL;
    return true;
}

static void images_usage(struct image_info **images, size_t n, char **used_image_ids, struct engine_usage_row *row)
{
    char **all = NULL, **in_use = NULL;
    size_t n_all = 0, n_in_use = 0;
    row->total = n;
    /* Layers of images some container uses cannot be reclaimed, whichever image they are counted under. */
    for (size_t i = 0; i < n; i++) {
        bool used = false;
        for (char **u = used_image_ids; u && *u && !used; u++)
            used = !strcmp(*u, images[i]->id);
        if (!used)
            continue;
        row->active++;
        for (size_t l = 0; l < images[i]->n_layers; l++)
            add_layer(&in_use, &n_in_use, images[i]->layers[l].diff_id);
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t l = 0; l < images[i]->n_layers; l++) {
            const struct image_layer_info *layer = &images[i]->layers[l];
            if (!add_layer(&all, &n_all, layer->diff_id))
                continue;
            row->size += layer->size;
            bool used = false;
            for (size_t u = 0; u < n_in_use && !used; u++)
                used = !strcmp(in_use[u], layer->diff_id);
            if (!used)
                row->reclaimable += layer->size;
        }
    }
    strv_free(all);
    strv_free(in_use);
}

static void volumes_usage(const char *root, struct engine_usage_row *row)
{
    cleanup_strv char **names = NULL;
    memset(row, 0, sizeof *row);
    if (volume_list(root, &names, NULL) < 0)
        return;
    for (char **n = names; *n; n++) {
        cleanup_strv char **users = NULL;
        uint64_t size = volume_size(root, *n);
        bool active = engine_volume_users(root, *n, &users, NULL) < 0 || users[0];
        row->total++;
        row->size += size;
        if (active)
            row->active++;
        else
            row->reclaimable += size;
    }
}

int engine_disk_usage(const char *root, const char *runroot, struct engine_disk_usage *out, struct hull_error **err)
{
    *out = (struct engine_disk_usage){0};
    cleanup_strv char **ids = NULL;
    if (engine_record_list(root, &ids, err) < 0)
        return -1;
    size_t n_ids = strv_length(ids);
    char **used = xmalloc0((n_ids + 1) * sizeof *used);
    for (size_t i = 0; i < n_ids; i++) {
        struct engine_record *rec = NULL;
        if (engine_record_read(root, ids[i], &rec, NULL) < 0)
            continue; /* removed meanwhile */
        used[i] = xstrdup(rec->image_id);
        engine_record_free(rec);
        uint64_t size = engine_container_size(root, ids[i]);
        out->containers.total++;
        out->containers.size += size;
        if (engine_container_running(runroot, ids[i]))
            out->containers.active++;
        else
            out->containers.reclaimable += size;
    }
    /* The used[] holes of removed containers end the list early: compact it. */
    size_t k = 0;
    for (size_t i = 0; i < n_ids; i++)
        if (used[i])
            used[k++] = used[i];
    used[k] = NULL;

    cleanup_image_store struct image_store *store = NULL;
    struct image_info **images = NULL;
    size_t n_images = 0;
    int ret = -1;
    if (image_store_open(root, false, &store, err) < 0 || image_store_list(store, &images, &n_images, err) < 0)
        goto out;
    images_usage(images, n_images, used, &out->images);
    volumes_usage(root, &out->volumes);
    ret = 0;
out:
    if (images)
        image_info_list_free(images, n_images);
    strv_free(used);
    return ret;
}
