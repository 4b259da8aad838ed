/* hull: typed, field-naming accessors over json-c for the config.json parser. */
#include <errno.h>
#include "spec_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utils.h"

/* Paths longer than SPEC_FIELD_MAX only happen in absurd configs; they are
 * cut with "..." so the message stays readable. */
static void field_mark_truncated(struct spec_field *f, int written)
{
    if (written >= (int)sizeof f->s)
        memcpy(f->s + sizeof f->s - 4, "...", 4);
}

struct spec_field spec_field_key(const char *parent, const char *key)
{
    struct spec_field f;
    int written;
    if (parent == NULL || parent[0] == '\0')
        written = snprintf(f.s, sizeof f.s, "%s", key);
    else
        written = snprintf(f.s, sizeof f.s, "%s.%s", parent, key);
    field_mark_truncated(&f, written);
    return f;
}

struct spec_field spec_field_index(const char *parent, size_t index)
{
    struct spec_field f;
    field_mark_truncated(&f, snprintf(f.s, sizeof f.s, "%s[%zu]", parent, index));
    return f;
}

const char *spec_json_repr(struct json_object *value, char *buf, size_t len)
{
    const char *text = json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (strlen(text) < len) {
        snprintf(buf, len, "%s", text);
    } else {
        /* Keep messages one short line even for a huge misplaced object. */
        snprintf(buf, len, "%.*s...", (int)(len - 4), text);
    }
    return buf;
}

struct json_object *spec_member(struct json_object *obj, const char *key)
{
    struct json_object *value = NULL;
    if (obj == NULL || !json_object_object_get_ex(obj, key, &value))
        return NULL;
    return value; /* NULL for a JSON null */
}

int spec_refuse_members(struct json_object *obj, const char *parent, const char *const *keys, const char *why,
                        struct hull_error **err)
{
    for (; *keys; keys++)
        if (spec_member(obj, *keys) != NULL)
            return hull_error_set(err, ENOTSUP, "%s.%s %s", parent, *keys, why);
    return 0;
}

int spec_error_missing(struct hull_error **err, const char *parent, const char *key)
{
    return hull_error_set(err, 0, "missing %s", spec_field_key(parent, key).s);
}

int spec_error_type(struct hull_error **err, const char *field, struct json_object *value, const char *expected)
{
    char repr[64];
    return hull_error_set(err, 0, "%s must be %s (got %s)", field, expected, spec_json_repr(value, repr, sizeof repr));
}

int spec_get_object(struct json_object *obj, const char *parent, const char *key, struct json_object **out,
                    struct hull_error **err)
{
    struct json_object *value = spec_member(obj, key);
    if (value == NULL)
        return 0;
    if (!json_object_is_type(value, json_type_object))
        return spec_error_type(err, spec_field_key(parent, key).s, value, "an object");
    *out = value;
    return 1;
}

int spec_get_array(struct json_object *obj, const char *parent, const char *key, struct json_object **out,
                   struct hull_error **err)
{
    struct json_object *value = spec_member(obj, key);
    if (value == NULL)
        return 0;
    if (!json_object_is_type(value, json_type_array))
        return spec_error_type(err, spec_field_key(parent, key).s, value, "an array");
    *out = value;
    return 1;
}

int spec_value_string(struct json_object *value, const char *field, char **out, struct hull_error **err)
{
    if (value == NULL || !json_object_is_type(value, json_type_string))
        return spec_error_type(err, field, value, "a string");
    const char *s = json_object_get_string(value);
    /* "\u0000" is valid JSON but would silently truncate a path or argument in C. */
    if ((size_t)json_object_get_string_len(value) != strlen(s))
        return hull_error_set(err, 0, "%s must not contain a NUL character", field);
    free(*out);
    *out = xstrdup(s);
    return 1;
}

int spec_get_string(struct json_object *obj, const char *parent, const char *key, char **out, struct hull_error **err)
{
    struct json_object *value = spec_member(obj, key);
    if (value == NULL)
        return 0;
    return spec_value_string(value, spec_field_key(parent, key).s, out, err);
}

int spec_get_bool(struct json_object *obj, const char *parent, const char *key, bool *out, struct hull_error **err)
{
    struct json_object *value = spec_member(obj, key);
    if (value == NULL)
        return 0;
    if (!json_object_is_type(value, json_type_boolean))
        return spec_error_type(err, spec_field_key(parent, key).s, value, "a boolean");
    *out = json_object_get_boolean(value);
    return 1;
}

int spec_value_int64(struct json_object *value, const char *field, int64_t min, int64_t max, int64_t *out,
                     struct hull_error **err)
{
    if (value == NULL || !json_object_is_type(value, json_type_int))
        return spec_error_type(err, field, value, "an integer");
    int64_t v = json_object_get_int64(value);
    /* json-c keeps values above INT64_MAX as uint64 and clamps get_int64. */
    if (v == INT64_MAX && json_object_get_uint64(value) > (uint64_t)INT64_MAX)
        return hull_error_set(err, 0, "%s %" PRIu64 " is out of range (at most %" PRId64 ")", field,
                              json_object_get_uint64(value), max);
    if (v < min || v > max)
        return hull_error_set(err, 0, "%s %" PRId64 " is out of range (%" PRId64 "..%" PRId64 ")", field, v, min, max);
    *out = v;
    return 1;
}

int spec_value_uint64(struct json_object *value, const char *field, uint64_t max, uint64_t *out,
                      struct hull_error **err)
{
    if (value == NULL || !json_object_is_type(value, json_type_int))
        return spec_error_type(err, field, value, "an integer");
    if (json_object_get_int64(value) < 0)
        return hull_error_set(err, 0, "%s %" PRId64 " must not be negative", field, json_object_get_int64(value));
    uint64_t v = json_object_get_uint64(value);
    if (v > max)
        return hull_error_set(err, 0, "%s %" PRIu64 " is out of range (at most %" PRIu64 ")", field, v, max);
    *out = v;
    return 1;
}

int spec_get_int64(struct json_object *obj, const char *parent, const char *key, int64_t min, int64_t max, int64_t *out,
                   struct hull_error **err)
{
    struct json_object *value = spec_member(obj, key);
    if (value == NULL)
        return 0;
    return spec_value_int64(value, spec_field_key(parent, key).s, min, max, out, err);
}

int spec_get_uint64(struct json_object *obj, const char *parent, const char *key, uint64_t max, uint64_t *out,
                    struct hull_error **err)
{
    struct json_object *value = spec_member(obj, key);
    if (value == NULL)
        return 0;
    return spec_value_uint64(value, spec_field_key(parent, key).s, max, out, err);
}

int spec_get_strv(struct json_object *obj, const char *parent, const char *key, char ***out, struct hull_error **err)
{
    struct json_object *array = NULL;
    int r = spec_get_array(obj, parent, key, &array, err);
    if (r <= 0)
        return r;
    struct spec_field field = spec_field_key(parent, key);
    size_t n = json_object_array_length(array);
    cleanup_strv char **v = xmalloc0((n + 1) * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        if (spec_value_string(json_object_array_get_idx(array, i), spec_field_index(field.s, i).s, &v[i], err) < 0)
            return -1;
    }
    strv_free(*out);
    *out = steal_pointer(&v);
    return 1;
}

int spec_get_string_map(struct json_object *obj, const char *parent, const char *key, struct hull_keyval **out,
                        size_t *n_out, struct hull_error **err)
{
    struct json_object *map = NULL;
    int r = spec_get_object(obj, parent, key, &map, err);
    if (r <= 0)
        return r;
    struct spec_field field = spec_field_key(parent, key);
    size_t n = (size_t)json_object_object_length(map), i = 0;
    struct hull_keyval *kv = xmalloc0((n ? n : 1) * sizeof *kv);
    json_object_object_foreach(map, k, value)
    {
        kv[i].key = xstrdup(k);
        if (k[0] == '\0') {
            spec_keyvals_free(kv, i + 1);
            return hull_error_set(err, 0, "%s has an empty key", field.s);
        }
        struct spec_field item = spec_field_key(field.s, k);
        if (spec_value_string(value, item.s, &kv[i].value, err) < 0) {
            spec_keyvals_free(kv, i + 1);
            return -1;
        }
        i++;
    }
    spec_keyvals_free(*out, *n_out);
    *out = kv;
    *n_out = n;
    return 1;
}

int spec_json_parse_text(const char *text, struct json_object **out, struct hull_error **err)
{
    if (text == NULL)
        return hull_error_set(err, 0, "malformed JSON: no text");
    size_t len = strlen(text);
    struct json_tokener *tok = json_tokener_new();
    if (tok == NULL)
        abort();
    /* Strict RFC 8259 as Go's decoder in runc: no trailing commas, comments, single quotes or NaN. */
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    struct json_object *obj = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t offset = json_tokener_get_parse_end(tok);
    const char *reason = NULL;
    if (obj == NULL) {
        reason = jerr == json_tokener_continue ? "unexpected end of input" : json_tokener_error_desc(jerr);
        if (jerr == json_tokener_continue)
            offset = len;
    } else {
        /* json-c stops after the first value; anything but whitespace after it is garbage. */
        size_t rest = offset;
        while (rest < len && strchr(" \t\r\n", text[rest]) != NULL)
            rest++;
        if (rest < len) {
            reason = "unexpected data after the JSON value";
            offset = rest;
        }
    }
    json_tokener_free(tok);
    if (reason != NULL) {
        json_object_put(obj);
        size_t line = 1, column = 1;
        for (size_t i = 0; i < offset && i < len; i++) {
            if (text[i] == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return hull_error_set(err, 0, "malformed JSON at line %zu, column %zu: %s", line, column, reason);
    }
    *out = obj;
    return 0;
}
