#include "image_json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/utils.h"
#include "digest.h"

void json_object_putp(struct json_object **o)
{
    if (*o)
        json_object_put(*o);
    *o = NULL;
}

int image_json_parse(const char *text, size_t len, const char *what, struct json_object **out, struct hull_error **err)
{
    struct json_tokener *tok = json_tokener_new();
    struct json_object *o = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!o || jerr != json_tokener_success) {
        if (o)
            json_object_put(o);
        return hull_error_set(err, 0, "%s is not valid JSON: %s", what,
                              jerr == json_tokener_continue ? "unexpected end of data" : json_tokener_error_desc(jerr));
    }
    for (size_t i = used; i < len; i++) {
        if (text[i] != ' ' && text[i] != '\n' && text[i] != '\r' && text[i] != '\t') {
            json_object_put(o);
            return hull_error_set(err, 0, "%s is not valid JSON: trailing data after the document", what);
        }
    }
    if (!json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        return hull_error_set(err, 0, "%s is not a JSON object", what);
    }
    *out = o;
    return 0;
}

int image_json_read_at(int dirfd, const char *path, struct json_object **out, struct hull_error **err)
{
    cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return hull_error_set(err, errno, "open %s", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        return hull_error_set(err, errno, "stat %s", path);
    if (st.st_size > IMAGE_JSON_MAX)
        return hull_error_set(err, 0, "%s is too large (%lld bytes, at most %d)", path, (long long)st.st_size,
                              IMAGE_JSON_MAX);
    cleanup_free char *text = xmalloc0(st.st_size + 1);
    ssize_t n = read_all(fd, text, st.st_size);
    if (n < 0)
        return hull_error_set(err, errno, "read %s", path);
    return image_json_parse(text, n, path, out, err);
}

int64_t rfc3339_to_unix(const char *s)
{
    if (!s)
        return 0;
    struct tm tm = {0};
    const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!p)
        return 0;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    int64_t t = timegm(&tm);
    if (*p == 'Z' || *p == 'z')
        return t;
    if ((*p == '+' || *p == '-') && strlen(p) >= 6) {
        int hours = atoi(p + 1), minutes = atoi(p + 4);
        int64_t off = hours * 3600 + minutes * 60;
        return *p == '+' ? t - off : t + off;
    }
    return t;
}

/* ---------- OCI and docker documents ---------- */

static char *dup_string(struct json_object *o, const char *key)
{
    const char *s = json_get_string(o, key);
    return s ? xstrdup(s) : NULL;
}

static void descriptor_read(struct json_object *o, struct oci_descriptor *d)
{
    memset(d, 0, sizeof *d);
    d->size = -1;
    if (!o || !json_object_is_type(o, json_type_object))
        return;
    d->is_object = true;
    d->media_type = dup_string(o, "mediaType");
    d->digest = dup_string(o, "digest");
    d->size = json_get_int64(o, "size");
    struct json_object *platform = json_get_object(o, "platform");
    d->has_platform = platform != NULL;
    d->os = dup_string(platform, "os");
    d->architecture = dup_string(platform, "architecture");
    d->variant = dup_string(platform, "variant");
    struct json_object *ann = json_get_object(o, "annotations");
    d->image_name = dup_string(ann, "io.containerd.image.name");
    d->ref_name = dup_string(ann, "org.opencontainers.image.ref.name");
}

static void descriptor_clear(struct oci_descriptor *d)
{
    free(d->media_type);
    free(d->digest);
    free(d->os);
    free(d->architecture);
    free(d->variant);
    free(d->image_name);
    free(d->ref_name);
    memset(d, 0, sizeof *d);
}

/* The members of an array member as descriptors; *has: it is an array. */
static struct oci_descriptor *descriptors_read(struct json_object *o, const char *key, bool *has, size_t *n)
{
    struct json_object *a = json_get_array(o, key);
    *has = a != NULL;
    *n = a ? json_object_array_length(a) : 0;
    struct oci_descriptor *out = xmalloc0((*n + 1) * sizeof *out);
    for (size_t i = 0; i < *n; i++)
        descriptor_read(json_object_array_get_idx(a, i), &out[i]);
    return out;
}

int oci_manifest_parse(const char *text, size_t len, const char *what, struct oci_manifest *out,
                       struct hull_error **err)
{
    memset(out, 0, sizeof *out);
    cleanup_json struct json_object *o = NULL;
    if (image_json_parse(text, len, what, &o, err) < 0)
        return -1;
    out->media_type = dup_string(o, "mediaType");
    out->schema_version = json_get_int64(o, "schemaVersion");
    descriptor_read(json_get_object(o, "config"), &out->config);
    out->layers = descriptors_read(o, "layers", &out->has_layers, &out->n_layers);
    out->manifests = descriptors_read(o, "manifests", &out->has_manifests, &out->n_manifests);
    return 0;
}

void oci_manifest_clear(struct oci_manifest *m)
{
    free(m->media_type);
    descriptor_clear(&m->config);
    for (size_t i = 0; i < m->n_layers; i++)
        descriptor_clear(&m->layers[i]);
    free(m->layers);
    for (size_t i = 0; i < m->n_manifests; i++)
        descriptor_clear(&m->manifests[i]);
    free(m->manifests);
    memset(m, 0, sizeof *m);
}

int oci_descriptor_check(const struct oci_descriptor *d, const char *what, struct hull_error **err)
{
    if (digest_check_syntax(d->digest, what, err) < 0)
        return -1;
    if (d->size < 0)
        return hull_error_set(err, 0, "%s: the descriptor has no valid size", what);
    return 0;
}

int oci_layout_parse(const char *text, size_t len, char **version, struct hull_error **err)
{
    cleanup_json struct json_object *o = NULL;
    if (image_json_parse(text, len, "oci-layout", &o, err) < 0)
        return -1;
    *version = dup_string(o, "imageLayoutVersion");
    return 0;
}

int registry_tag_list_parse(const char *text, size_t len, char ***tags, struct hull_error **err)
{
    cleanup_json struct json_object *o = NULL;
    if (image_json_parse(text, len, "tag list", &o, err) < 0)
        return -1;
    struct json_object *a = json_get_array(o, "tags");
    size_t n = a ? json_object_array_length(a) : 0, k = 0;
    char **list = xmalloc0((n + 1) * sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        struct json_object *t = json_object_array_get_idx(a, i);
        if (json_object_is_type(t, json_type_string))
            list[k++] = xstrdup(json_object_get_string(t));
    }
    *tags = list;
    return 0;
}

/* The members of an array of strings, a NULL for each one of another type. */
static char **strings_read(struct json_object *a, size_t *n)
{
    *n = a ? json_object_array_length(a) : 0;
    char **out = xmalloc0((*n + 1) * sizeof(char *));
    for (size_t i = 0; i < *n; i++) {
        struct json_object *s = json_object_array_get_idx(a, i);
        out[i] = json_object_is_type(s, json_type_string) ? xstrdup(json_object_get_string(s)) : NULL;
    }
    return out;
}

static void strings_free(char **v, size_t n);

int image_config_info_parse(const char *text, size_t len, const char *what, struct image_config_info *out,
                            struct hull_error **err)
{
    memset(out, 0, sizeof *out);
    cleanup_json struct json_object *o = NULL;
    if (image_json_parse(text, len, what, &o, err) < 0)
        return -1;
    struct json_object *ids = json_get_array(json_get_object(o, "rootfs"), "diff_ids");
    out->has_diff_ids = ids != NULL;
    out->diff_ids = strings_read(ids, &out->n_diff_ids);
    out->created = dup_string(o, "created");
    out->os = dup_string(o, "os");
    out->architecture = dup_string(o, "architecture");
    return 0;
}

void image_config_info_clear(struct image_config_info *c)
{
    strings_free(c->diff_ids, c->n_diff_ids);
    free(c->created);
    free(c->os);
    free(c->architecture);
    memset(c, 0, sizeof *c);
}

int docker_archive_manifest_parse(const char *text, size_t len, struct docker_archive_entry **entries, size_t *n,
                                  struct hull_error **err)
{
    /* Not image_json_parse: the document is an array, and older hulls took trailing data. */
    struct json_tokener *tok = json_tokener_new();
    cleanup_json struct json_object *doc = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    json_tokener_free(tok);
    if (!doc || jerr != json_tokener_success)
        return hull_error_set(err, 0, "manifest.json is not valid JSON: %s", json_tokener_error_desc(jerr));
    if (!json_object_is_type(doc, json_type_array) || json_object_array_length(doc) == 0)
        return hull_error_set(err, 0, "manifest.json must be a non-empty array of images");
    *n = json_object_array_length(doc);
    struct docker_archive_entry *out = xmalloc0(*n * sizeof *out);
    for (size_t i = 0; i < *n; i++) {
        struct json_object *e = json_object_array_get_idx(doc, i);
        struct json_object *layers = json_get_array(e, "Layers");
        out[i].config = dup_string(e, "Config");
        out[i].has_layers = layers != NULL;
        out[i].layers = strings_read(layers, &out[i].n_layers);
        out[i].repo_tags = strings_read(json_get_array(e, "RepoTags"), &out[i].n_repo_tags);
    }
    *entries = out;
    return 0;
}

static void strings_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void docker_archive_manifest_free(struct docker_archive_entry *entries, size_t n)
{
    for (size_t i = 0; entries && i < n; i++) {
        free(entries[i].config);
        strings_free(entries[i].layers, entries[i].n_layers);
        strings_free(entries[i].repo_tags, entries[i].n_repo_tags);
    }
    free(entries);
}
