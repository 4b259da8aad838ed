/* The image store's own files: see store_records.h. */
#include "store_records.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/utils.h"
#include "digest.h"
#include "image_json.h"

/* ---- images/<hex>.json ---- */

static void json_add_string(struct json_object *o, const char *key, const char *value)
{
    json_object_object_add(o, key, value ? json_object_new_string(value) : NULL);
}

char *store_image_record_text(const struct image_info *info)
{
    struct json_object *record;
    store_image_record_json(info, &record);
    char *text =
        xstrdup(json_object_to_json_string_ext(record, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(record);
    return text;
}

int store_image_record_json(const struct image_info *info, struct json_object **out)
{
    struct json_object *o = json_object_new_object();
    json_add_string(o, "id", info->id);
    json_add_string(o, "manifest", info->manifest[0] ? info->manifest : NULL);
    json_add_string(o, "created", info->created);
    json_add_string(o, "os", info->os);
    json_add_string(o, "architecture", info->architecture);
    json_object_object_add(o, "size", json_object_new_int64((int64_t)info->size));
    struct json_object *layers = json_object_new_array();
    for (size_t i = 0; i < info->n_layers; i++) {
        const struct image_layer_info *l = &info->layers[i];
        struct json_object *lo = json_object_new_object();
        json_add_string(lo, "diff_id", l->diff_id);
        json_add_string(lo, "digest", l->digest);
        json_add_string(lo, "media_type", l->media_type);
        json_object_object_add(lo, "blob_size", json_object_new_int64((int64_t)l->blob_size));
        json_object_object_add(lo, "size", json_object_new_int64((int64_t)l->size));
        json_object_array_add(layers, lo);
    }
    json_object_object_add(o, "layers", layers);
    *out = o;
    return 0;
}

static int copy_digest(char dst[static DIGEST_STR_SIZE], const char *src, const char *what, struct hull_error **err)
{
    if (!digest_is_valid(src))
        return hull_error_set(err, 0, "corrupt image record: bad %s", what);
    memcpy(dst, src, DIGEST_STR_SIZE);
    return 0;
}

int store_image_record_read(int rootfd, const char *root, const char *hex, struct image_info **out,
                            struct hull_error **err)
{
    cleanup_free char *path = xasprintf("images/%s.json", hex);
    cleanup_json struct json_object *o = NULL;
    if (image_json_read_at(rootfd, path, &o, err) < 0)
        return -1;
    cleanup_image_info struct image_info *info = xmalloc0(sizeof *info);
    if (copy_digest(info->id, json_get_string(o, "id"), "id", err) < 0)
        return hull_error_wrap(err, "%s/%s", root, path);
    const char *manifest = json_get_string(o, "manifest");
    if (manifest && copy_digest(info->manifest, manifest, "manifest", err) < 0)
        return hull_error_wrap(err, "%s/%s", root, path);
    info->created = xstrdup(json_get_string(o, "created"));
    info->created_unix = rfc3339_to_unix(info->created);
    info->os = xstrdup(json_get_string(o, "os"));
    info->architecture = xstrdup(json_get_string(o, "architecture"));
    int64_t size = json_get_int64(o, "size");
    info->size = size > 0 ? (uint64_t)size : 0;
    struct json_object *layers = json_get_array(o, "layers");
    info->n_layers = layers ? json_object_array_length(layers) : 0;
    info->layers = xmalloc0((info->n_layers + 1) * sizeof *info->layers);
    for (size_t i = 0; i < info->n_layers; i++) {
        struct json_object *lo = json_object_array_get_idx(layers, i);
        struct image_layer_info *l = &info->layers[i];
        if (copy_digest(l->diff_id, json_get_string(lo, "diff_id"), "layer diff_id", err) < 0 ||
            copy_digest(l->digest, json_get_string(lo, "digest"), "layer digest", err) < 0)
            return hull_error_wrap(err, "%s/%s", root, path);
        l->media_type = xstrdup(json_get_string(lo, "media_type"));
        int64_t v = json_get_int64(lo, "blob_size");
        l->blob_size = v > 0 ? (uint64_t)v : 0;
        v = json_get_int64(lo, "size");
        l->size = v > 0 ? (uint64_t)v : 0;
    }
    info->tags = xmalloc0(sizeof(char *));
    *out = steal_pointer(&info);
    return 0;
}

/* ---- repositories.json ---- */

int store_tags_read(int rootfd, const char *path, struct store_tags *out, struct hull_error **err)
{
    memset(out, 0, sizeof *out);
    if (rootfd < 0 || faccessat(rootfd, path, F_OK, 0) < 0)
        return 0;
    cleanup_json struct json_object *o = NULL;
    if (image_json_read_at(rootfd, path, &o, err) < 0)
        return -1;
    struct json_object *tags = json_get_object(o, "tags");
    size_t cap = tags ? (size_t)json_object_object_length(tags) : 0;
    out->names = xmalloc0((cap + 1) * sizeof(char *));
    out->ids = xmalloc0((cap + 1) * sizeof(char *));
    json_object_object_foreach(tags, name, value)
    {
        if (!json_object_is_type(value, json_type_string))
            continue;
        out->names[out->n] = xstrdup(name);
        out->ids[out->n++] = xstrdup(json_object_get_string(value));
    }
    return 0;
}

int store_tags_write(const struct store_tags *t, const char *path, struct hull_error **err)
{
    cleanup_json struct json_object *doc = json_object_new_object();
    struct json_object *tags = json_object_new_object();
    json_object_object_add(doc, "tags", tags);
    for (size_t i = 0; i < t->n; i++)
        json_object_object_add(tags, t->names[i], json_object_new_string(t->ids[i]));
    const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    return write_file_atomic(path, text, strlen(text), 0600, err);
}

void store_tags_clear(struct store_tags *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->names[i]);
        free(t->ids[i]);
    }
    free(t->names);
    free(t->ids);
    memset(t, 0, sizeof *t);
}

static ssize_t store_tags_find(const struct store_tags *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->names[i], name))
            return (ssize_t)i;
    return -1;
}

const char *store_tags_get(const struct store_tags *t, const char *name)
{
    ssize_t i = store_tags_find(t, name);
    return i < 0 ? NULL : t->ids[i];
}

void store_tags_set(struct store_tags *t, const char *name, const char *id)
{
    ssize_t i = store_tags_find(t, name);
    if (i >= 0) {
        free(t->ids[i]);
        t->ids[i] = xstrdup(id);
        return;
    }
    t->names = xrealloc(t->names, (t->n + 2) * sizeof(char *));
    t->ids = xrealloc(t->ids, (t->n + 2) * sizeof(char *));
    t->names[t->n] = xstrdup(name);
    t->ids[t->n++] = xstrdup(id);
    t->names[t->n] = t->ids[t->n] = NULL;
}

void store_tags_del(struct store_tags *t, const char *name)
{
    ssize_t i = store_tags_find(t, name);
    if (i < 0)
        return;
    free(t->names[i]);
    free(t->ids[i]);
    memmove(&t->names[i], &t->names[i + 1], (t->n - (size_t)i) * sizeof(char *));
    memmove(&t->ids[i], &t->ids[i + 1], (t->n - (size_t)i) * sizeof(char *));
    t->n--;
}

/* ---- layers/<hex>/layer.json ---- */

int64_t store_layer_record_size(int rootfd, const char *path)
{
    cleanup_json struct json_object *meta = NULL;
    if (image_json_read_at(rootfd, path, &meta, NULL) < 0)
        return -1;
    return json_get_int64(meta, "size");
}
