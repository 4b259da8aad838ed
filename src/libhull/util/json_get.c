/* Member getters and setters shared by every (de)serializer (json_get.h). */
#include "json_get.h"

#include <limits.h>
#include <string.h>

#include "utils.h"

struct json_object *json_member(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
        return NULL;
    return json_object_is_type(v, json_type_null) ? NULL : v;
}

struct json_object *json_member_of_type(struct json_object *o, const char *key, enum json_type want)
{
    struct json_object *v = json_member(o, key);
    return v && json_object_is_type(v, want) ? v : NULL;
}

const char *json_get_string(struct json_object *o, const char *key)
{
    struct json_object *v = json_member_of_type(o, key, json_type_string);
    return v ? json_object_get_string(v) : NULL;
}

struct json_object *json_get_object(struct json_object *o, const char *key)
{
    return json_member_of_type(o, key, json_type_object);
}

struct json_object *json_get_array(struct json_object *o, const char *key)
{
    return json_member_of_type(o, key, json_type_array);
}

int64_t json_get_int64(struct json_object *o, const char *key)
{
    struct json_object *v = json_member_of_type(o, key, json_type_int);
    return v ? json_object_get_int64(v) : -1;
}

bool json_get_bool(struct json_object *o, const char *key)
{
    struct json_object *v = json_member_of_type(o, key, json_type_boolean);
    return v && json_object_get_boolean(v);
}

struct json_object *json_member_ref(struct json_object *o, const char *key)
{
    struct json_object *v = json_member(o, key);
    return v ? json_object_get(v) : NULL;
}

/* What a type is called in an error. */
static const char *type_words(enum json_type t)
{
    switch (t) {
    case json_type_boolean: return "true or false";
    case json_type_int: return "an integer";
    case json_type_double: return "a number";
    case json_type_string: return "a string";
    case json_type_object: return "an object";
    case json_type_array: return "an array";
    default: return "null";
    }
}

static int wrong_type(const char *where, const char *key, const char *what, struct hull_error **err)
{
    if (where)
        return hull_error_set(err, 0, "%s: \"%s\" must be %s", where, key, what);
    return hull_error_set(err, 0, "\"%s\" must be %s", key, what);
}

int json_read_typed(struct json_object *o, const char *key, enum json_type want, const char *where,
                   struct json_object **out, struct hull_error **err)
{
    *out = json_member(o, key);
    if (*out && !json_object_is_type(*out, want)) {
        *out = NULL;
        return wrong_type(where, key, type_words(want), err);
    }
    return 0;
}

int json_read_str(struct json_object *o, const char *key, const char *where, const char **out,
                 struct hull_error **err)
{
    struct json_object *v;
    *out = NULL;
    if (json_read_typed(o, key, json_type_string, where, &v, err) < 0)
        return -1;
    if (v)
        *out = json_object_get_string(v);
    return 0;
}

int json_read_strdup(struct json_object *o, const char *key, const char *where, char **dst, struct hull_error **err)
{
    const char *s;
    if (json_read_str(o, key, where, &s, err) < 0)
        return -1;
    if (s) {
        free(*dst);
        *dst = xstrdup(s);
    }
    return 0;
}

int json_read_bool(struct json_object *o, const char *key, const char *where, bool *out, struct hull_error **err)
{
    struct json_object *v;
    if (json_read_typed(o, key, json_type_boolean, where, &v, err) < 0)
        return -1;
    if (v)
        *out = json_object_get_boolean(v);
    return 0;
}

int json_read_int64(struct json_object *o, const char *key, const char *where, int64_t *out, struct hull_error **err)
{
    struct json_object *v = json_member(o, key);
    if (!v)
        return 0;
    /* json-c saturates what does not fit; a number that is not whole is refused too */
    errno = 0;
    int64_t n = json_object_get_int64(v);
    if (!json_object_is_type(v, json_type_int) || errno == ERANGE)
        return wrong_type(where, key, "an integer", err);
    *out = n;
    return 0;
}

int json_read_int(struct json_object *o, const char *key, const char *where, int *out, struct hull_error **err)
{
    int64_t n = *out;
    if (json_read_int64(o, key, where, &n, err) < 0)
        return -1;
    if (n < INT_MIN || n > INT_MAX)
        return hull_error_set(err, 0, "%s%s\"%s\": %lld is out of range", where ? where : "", where ? ": " : "", key,
                              (long long)n);
    *out = (int)n;
    return 0;
}

int json_read_strv(struct json_object *o, const char *key, const char *where, char ***list, struct hull_error **err)
{
    struct json_object *v = json_member(o, key);
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_array))
        return wrong_type(where, key, "an array of strings", err);
    size_t n = json_object_array_length(v), have = *list ? strv_length(*list) : 0;
    *list = xrealloc(*list, (have + n + 1) * sizeof(char *));
    (*list)[have] = NULL;
    for (size_t i = 0; i < n; i++) {
        struct json_object *s = json_object_array_get_idx(v, i);
        if (!json_object_is_type(s, json_type_string))
            return wrong_type(where, key, "an array of strings", err);
        (*list)[have++] = xstrdup(json_object_get_string(s));
        (*list)[have] = NULL;
    }
    return 0;
}

void json_add_str(struct json_object *o, const char *key, const char *v)
{
    if (v)
        json_object_object_add(o, key, json_object_new_string(v));
}

void json_add_int(struct json_object *o, const char *key, int64_t v)
{
    json_object_object_add(o, key, json_object_new_int64(v));
}

void json_add_bool(struct json_object *o, const char *key, bool v)
{
    json_object_object_add(o, key, json_object_new_boolean(v));
}

void json_add_tree(struct json_object *o, const char *key, struct json_object *v)
{
    if (v)
        json_object_object_add(o, key, v);
}

void json_add_strv(struct json_object *o, const char *key, char *const *v)
{
    if (!v)
        return;
    struct json_object *a = json_object_new_array();
    for (; *v; v++)
        json_object_array_add(a, json_object_new_string(*v));
    json_object_object_add(o, key, a);
}
