/* Staging a pulled image: see ingest.h. */
#include "ingest.h"

#include <stdlib.h>
#include <string.h>

#include "util/utils.h"
#include "image_json.h"
#include "load_internal.h"
#include "store_internal.h"

struct image_ingest {
    struct staging *st;
    char *manifest, *config;
    size_t manifest_len, config_len;
    struct image_info *info;
    const char **diff_ids; /* point into config_info */
    struct image_config_info config_info;
    char **what; /* per layer: "layer 2 of NAME" */
    bool *fetched;
    bool present; /* the image was complete in the store at set_image time */
    char id[DIGEST_STR_SIZE];
};

int image_ingest_begin(struct image_store *store, struct image_ingest **out, struct hull_error **err)
{
    struct image_ingest *ing = xmalloc0(sizeof *ing);
    if (staging_begin(store, NULL, &ing->st, err) < 0) {
        free(ing);
        return -1;
    }
    *out = ing;
    return 0;
}

void image_ingest_free(struct image_ingest *ing)
{
    if (!ing)
        return;
    staging_free(ing->st);
    free(ing->manifest);
    free(ing->config);
    free(ing->diff_ids);
    image_config_info_clear(&ing->config_info);
    strv_free(ing->what);
    free(ing->fetched);
    image_info_free(ing->info);
    free(ing);
}

void image_ingest_freep(struct image_ingest **ing)
{
    image_ingest_free(*ing);
    *ing = NULL;
}

int image_ingest_set_image(struct image_ingest *ing, const char *manifest, size_t manifest_len, const char *config,
                           size_t config_len, const struct image_ingest_layer *layers, size_t n_layers,
                           const char *what, struct hull_error **err)
{
    if (ing->info)
        return hull_error_set(err, 0, "internal error: image_ingest_set_image called twice");
    cleanup_image_config_info struct image_config_info doc = {0};
    if (image_config_info_parse(config, config_len, "config", &doc, err) < 0)
        return hull_error_wrap(err, "%s", what);
    cleanup_image_info struct image_info *info = xmalloc0(sizeof *info);
    digest_of(config, config_len, info->id);
    digest_of(manifest, manifest_len, info->manifest);
    const char **diff_ids = NULL;
    if (image_info_from_config(info, &doc, n_layers, &diff_ids, what, err) < 0)
        return -1;
    ing->what = xmalloc0((n_layers + 1) * sizeof(char *));
    for (size_t i = 0; i < n_layers; i++) {
        struct image_layer_info *l = &info->layers[i];
        memcpy(l->diff_id, diff_ids[i], DIGEST_STR_SIZE);
        memcpy(l->digest, layers[i].digest, DIGEST_STR_SIZE);
        l->media_type = xstrdup(layers[i].media_type);
        l->blob_size = layers[i].size;
        ing->what[i] = xasprintf("layer %zu of %s", i + 1, what);
    }
    ing->diff_ids = diff_ids;
    ing->config_info = doc;
    memset(&doc, 0, sizeof doc);
    ing->fetched = xmalloc0(n_layers + 1);
    ing->manifest = xmalloc0(manifest_len + 1);
    memcpy(ing->manifest, manifest, manifest_len);
    ing->manifest_len = manifest_len;
    ing->config = xmalloc0(config_len + 1);
    memcpy(ing->config, config, config_len);
    ing->config_len = config_len;
    ing->present = store_has_image(ing->st->store, info->id);
    memcpy(ing->id, info->id, DIGEST_STR_SIZE);
    ing->info = steal_pointer(&info);
    return 0;
}

const char *image_ingest_id(const struct image_ingest *ing)
{
    return ing->id;
}

bool image_ingest_image_exists(const struct image_ingest *ing)
{
    return ing->present;
}

const char *image_ingest_diff_id(const struct image_ingest *ing, size_t i)
{
    return ing->info->layers[i].diff_id;
}

bool image_ingest_layer_needed(const struct image_ingest *ing, size_t i)
{
    return !store_has_layer(ing->st->store, ing->info->layers[i].diff_id);
}

int image_ingest_add_layer(struct image_ingest *ing, size_t i, int fd, struct hull_error **err)
{
    return image_ingest_add_layer_from(ing, i, fd, NULL, err);
}

int image_ingest_add_layer_from(struct image_ingest *ing, size_t i, int fd, const struct blob_source *src,
                                struct hull_error **err)
{
    struct image_layer_info *l = &ing->info->layers[i];
    struct layer_expect expect = {
        .digest = l->digest,
        .diff_id = ing->diff_ids[i],
        .size = l->blob_size,
        .what = ing->what[i],
    };
    /* staging_add_layer fills out a copy: other threads read ing->info meanwhile. */
    struct image_layer_info got = {.media_type = NULL};
    if (staging_add_layer_from(ing->st, fd, src, &expect, &got, err) < 0) {
        free(got.media_type);
        return -1;
    }
    free(got.media_type);
    l->size = got.size;
    ing->fetched[i] = true;
    return 0;
}

/* The unpacked size of a layer the store already had. */
static uint64_t stored_size(struct image_store *store, const char *diff_id)
{
    cleanup_free char *path = xasprintf("layers/%s/layer.json", digest_hex(diff_id));
    int64_t size = store_layer_record_size(store->rootfd, path);
    return size > 0 ? (uint64_t)size : 0;
}

int image_ingest_commit(struct image_ingest *ing, char *const *tags, struct hull_error **err)
{
    struct staging *st = ing->st;
    struct image_info *info = ing->info;
    info->size = 0;
    for (size_t i = 0; i < info->n_layers; i++) {
        struct image_layer_info *l = &info->layers[i];
        if (!ing->fetched[i]) {
            /* The same content as another layer of this image that was fetched. */
            bool twin = false;
            for (size_t k = 0; k < info->n_layers && !twin; k++)
                if (ing->fetched[k] && !strcmp(info->layers[k].diff_id, l->diff_id)) {
                    l->size = info->layers[k].size;
                    twin = true;
                }
            if (twin) {
                info->size += l->size;
                continue;
            }
            /* Skipped because the store had it: an rmi while we downloaded may have
             * collected it since. */
            if (!store_has_layer(st->store, l->diff_id))
                return hull_error_set(err, 0, "%s was removed from the store during the pull: pull again",
                                      ing->what[i]);
            l->size = stored_size(st->store, l->diff_id);
        }
        info->size += l->size;
    }
    if (staging_add_blob(st, ing->config, ing->config_len, NULL, err) < 0 ||
        staging_add_blob(st, ing->manifest, ing->manifest_len, NULL, err) < 0)
        return -1;
    char **owned_tags = xmalloc0((strv_length(tags) + 1) * sizeof(char *));
    for (size_t i = 0; tags && tags[i]; i++)
        owned_tags[i] = xstrdup(tags[i]);
    staging_add_image(st, steal_pointer(&ing->info), owned_tags);
    return staging_commit(st, err);
}
