/* The writers of oci_write.h.  json-c makes the bytes, with the flags hull has
 * always used: PLAIN and no "\/" escapes for OCI and docker documents (their
 * digests depend on it), PRETTY for the store's layer.json. */
#include "oci_write.h"

#include <json-c/json.h>

#include "util/utils.h"

#define FLAGS_PLAIN (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static char *text_of(struct json_object *o, int flags)
{
    char *text = xstrdup(json_object_to_json_string_ext(o, flags));
    json_object_put(o);
    return text;
}

static struct json_object *descriptor_json(const struct oci_descriptor_out *d)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "mediaType", json_object_new_string(d->media_type));
    json_object_object_add(o, "digest", json_object_new_string(d->digest));
    json_object_object_add(o, "size", json_object_new_int64((int64_t)d->size));
    if (d->ref_name) {
        struct json_object *ann = json_object_new_object();
        json_object_object_add(ann, "io.containerd.image.name", json_object_new_string(d->full_name));
        json_object_object_add(ann, "org.opencontainers.image.ref.name", json_object_new_string(d->ref_name));
        json_object_object_add(o, "annotations", ann);
    }
    return o;
}

char *oci_manifest_to_json(const struct oci_manifest_out *m)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "schemaVersion", json_object_new_int(2));
    json_object_object_add(o, "mediaType", json_object_new_string(OCI_MT_MANIFEST));
    json_object_object_add(o, "config", descriptor_json(&m->config));
    struct json_object *layers = json_object_new_array();
    for (size_t i = 0; i < m->n_layers; i++)
        json_object_array_add(layers, descriptor_json(&m->layers[i]));
    json_object_object_add(o, "layers", layers);
    return text_of(o, FLAGS_PLAIN);
}

char *oci_index_to_json(const struct oci_descriptor_out *manifests, size_t n)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "schemaVersion", json_object_new_int(2));
    struct json_object *list = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(list, descriptor_json(&manifests[i]));
    json_object_object_add(o, "manifests", list);
    return text_of(o, FLAGS_PLAIN);
}

const char *oci_layout_json(void)
{
    return "{\"imageLayoutVersion\":\"1.0.0\"}";
}

struct json_object *oci_history_entry_json(const struct oci_history_entry *h)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "created", json_object_new_string(h->created));
    json_object_object_add(o, "created_by", json_object_new_string(h->created_by));
    if (h->comment)
        json_object_object_add(o, "comment", json_object_new_string(h->comment));
    return o;
}

char *oci_image_config_to_json(const struct oci_image_config *c)
{
    struct json_object *cc = json_tokener_parse(c->container_config ? c->container_config : "{}");
    if (!cc || !json_object_is_type(cc, json_type_object)) {
        json_object_put(cc);
        return NULL;
    }
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "created", json_object_new_string(c->created));
    json_object_object_add(o, "architecture", json_object_new_string(c->architecture));
    json_object_object_add(o, "os", json_object_new_string(c->os));
    json_object_object_add(o, "config", cc);
    struct json_object *rootfs = json_object_new_object();
    json_object_object_add(rootfs, "type", json_object_new_string("layers"));
    struct json_object *diff_ids = json_object_new_array();
    for (size_t i = 0; i < c->n_diff_ids; i++)
        json_object_array_add(diff_ids, json_object_new_string(c->diff_ids[i]));
    json_object_object_add(rootfs, "diff_ids", diff_ids);
    json_object_object_add(o, "rootfs", rootfs);
    struct json_object *history = json_object_new_array();
    for (size_t i = 0; i < c->n_history; i++)
        json_object_array_add(history, oci_history_entry_json(&c->history[i]));
    json_object_object_add(o, "history", history);
    return text_of(o, FLAGS_PLAIN);
}

char *docker_archive_manifest_to_json(const struct docker_archive_entry_out *entries, size_t n)
{
    struct json_object *doc = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        const struct docker_archive_entry_out *e = &entries[i];
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "Config", json_object_new_string(e->config));
        struct json_object *tags = json_object_new_array();
        if (e->repo_tag)
            json_object_array_add(tags, json_object_new_string(e->repo_tag));
        json_object_object_add(o, "RepoTags", tags);
        struct json_object *layers = json_object_new_array();
        for (size_t k = 0; k < e->n_layers; k++)
            json_object_array_add(layers, json_object_new_string(e->layers[k]));
        json_object_object_add(o, "Layers", layers);
        json_object_array_add(doc, o);
    }
    return text_of(doc, FLAGS_PLAIN);
}

char *image_layer_meta_to_json(const char *diff_id, uint64_t size)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "diff_id", json_object_new_string(diff_id));
    json_object_object_add(o, "size", json_object_new_int64((int64_t)size));
    return text_of(o, JSON_C_TO_STRING_PRETTY);
}
