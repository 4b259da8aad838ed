/* hull: `hull image inspect`'s JSON, docker's image inspect shape plus a
 * "Hull" object with what docker does not show (the manifest digest, the
 * layers as stored).  The one place that JSON is made: an edge, built from
 * the store's typed image record and the image's config. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_json.h"
#include "image/store.h"
#include "util/utils.h"

static struct json_object *str_or_empty(const char *s)
{
    return json_object_new_string(s ? s : "");
}

/* RepoTags, and RepoDigests: "repo@manifest" once per repository. */
static void add_tags(struct json_object *o, const struct image_info *img)
{
    struct json_object *tags = json_object_new_array(), *digests = json_object_new_array();
    for (char **t = img->tags; *t; t++) {
        json_object_array_add(tags, json_object_new_string(*t));
        if (!img->manifest[0])
            continue;
        const char *slash = strrchr(*t, '/');
        const char *colon = strrchr(slash ? slash : *t, ':');
        cleanup_free char *rd = colon ? xasprintf("%.*s@%s", (int)(colon - *t), *t, img->manifest)
                                      : xasprintf("%s@%s", *t, img->manifest);
        bool dup = false;
        for (size_t i = 0; i < json_object_array_length(digests); i++)
            dup |= !strcmp(json_object_get_string(json_object_array_get_idx(digests, i)), rd);
        if (!dup)
            json_object_array_add(digests, json_object_new_string(rd));
    }
    json_object_object_add(o, "RepoTags", tags);
    json_object_object_add(o, "RepoDigests", digests);
}

/* Comment (the newest history step's), Created, Author, Config, Architecture,
 * Variant, Os, Size: from the image config. */
static void add_config(struct json_object *o, const struct image_info *img, struct json_object *config)
{
    json_object_object_add(o, "Parent", json_object_new_string(""));
    const char *comment = NULL;
    struct json_object *history = json_get_array(config, "history");
    if (history && json_object_array_length(history) > 0)
        comment = json_get_string(json_object_array_get_idx(history, json_object_array_length(history) - 1),
                                  "comment");
    json_object_object_add(o, "Comment", str_or_empty(comment));
    json_object_object_add(o, "Created", str_or_empty(img->created));
    json_object_object_add(o, "Author", str_or_empty(json_get_string(config, "author")));
    struct json_object *cc = json_get_object(config, "config");
    json_object_object_add(o, "Config", cc ? json_object_get(cc) : json_object_new_object());
    json_object_object_add(o, "Architecture", str_or_empty(img->architecture));
    const char *variant = json_get_string(config, "variant");
    if (variant)
        json_object_object_add(o, "Variant", json_object_new_string(variant));
    json_object_object_add(o, "Os", str_or_empty(img->os));
    json_object_object_add(o, "Size", json_object_new_int64((int64_t)img->size));
}

/* GraphDriver: overlay, LowerDir in overlayfs order (the topmost layer first). */
static void add_graph_driver(struct json_object *o, char *const *paths)
{
    struct json_object *driver = json_object_new_object(), *data = json_object_new_object();
    json_object_object_add(driver, "Name", json_object_new_string("overlay"));
    size_t n = strv_length(paths);
    cleanup_free char *lower = xstrdup("");
    for (size_t i = n; i-- > 0;) {
        char *joined = xasprintf("%s%s%s", lower, *lower ? ":" : "", paths[i]);
        free(lower);
        lower = joined;
    }
    json_object_object_add(data, "LowerDir", json_object_new_string(lower));
    json_object_object_add(driver, "Data", data);
    json_object_object_add(o, "GraphDriver", driver);
}

/* RootFS (docker's: the diff_ids), then Hull: the manifest and each layer as stored. */
static void add_layers(struct json_object *o, const struct image_info *img, char *const *paths)
{
    struct json_object *rootfs = json_object_new_object(), *diff_ids = json_object_new_array();
    json_object_object_add(rootfs, "Type", json_object_new_string("layers"));
    struct json_object *layers = json_object_new_array();
    for (size_t i = 0; i < img->n_layers; i++) {
        struct image_layer_info *l = &img->layers[i];
        json_object_array_add(diff_ids, json_object_new_string(l->diff_id));
        struct json_object *lo = json_object_new_object();
        json_object_object_add(lo, "DiffID", json_object_new_string(l->diff_id));
        json_object_object_add(lo, "Digest", json_object_new_string(l->digest));
        json_object_object_add(lo, "MediaType", l->media_type ? json_object_new_string(l->media_type) : NULL);
        json_object_object_add(lo, "BlobSize", json_object_new_int64((int64_t)l->blob_size));
        json_object_object_add(lo, "Size", json_object_new_int64((int64_t)l->size));
        json_object_object_add(lo, "Path", json_object_new_string(paths[i]));
        json_object_array_add(layers, lo);
    }
    json_object_object_add(rootfs, "Layers", diff_ids);
    json_object_object_add(o, "RootFS", rootfs);
    struct json_object *hull = json_object_new_object();
    json_object_object_add(hull, "Manifest", img->manifest[0] ? json_object_new_string(img->manifest) : NULL);
    json_object_object_add(hull, "Layers", layers);
    json_object_object_add(o, "Hull", hull);
}

static int inspect_one(struct image_store *store, const char *name, struct json_object **out,
                       struct hull_error **err)
{
    cleanup_image_info struct image_info *img = NULL;
    cleanup_free char *config_text = NULL;
    cleanup_json struct json_object *config = NULL;
    if (image_store_lookup(store, name, &img, err) < 0 ||
        image_store_read_config(store, img->id, &config_text, err) < 0 ||
        image_json_parse(config_text, strlen(config_text), "image config", &config, err) < 0)
        return -1;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "Id", json_object_new_string(img->id));
    add_tags(o, img);
    add_config(o, img, config);
    cleanup_strv char **paths = image_store_layer_paths(store, img);
    add_graph_driver(o, paths);
    add_layers(o, img, paths);
    *out = o;
    return 0;
}

int engine_image_inspect_json(const char *root, char *const *names, struct json_object **out,
                              engine_name_error_fn on_error, void *error_data, struct hull_error **err)
{
    cleanup_image_store struct image_store *store = NULL;
    if (image_store_open(root, false, &store, err) < 0)
        return -1;
    struct json_object *array = json_object_new_array();
    for (char *const *name = names; *name; name++) {
        struct hull_error *one = NULL;
        struct json_object *o;
        if (inspect_one(store, *name, &o, &one) < 0)
            on_error(*name, one, error_data);
        else
            json_object_array_add(array, o);
    }
    *out = array;
    return 0;
}
