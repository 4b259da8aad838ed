/* hull: a linux.seccomp object read from a file of its own.
 *
 * The engine ships a default profile (profiles/seccomp-default.json) and lets
 * users pass their own (`--security-opt seccomp=FILE` in Docker's words); both
 * are plain OCI linux.seccomp objects, so they are read into the same
 * struct hull_seccomp the config parser fills, then checked by
 * seccomp_validate.  Unknown keys are ignored (the OCI schema allows them). */
#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "../util/utils.h"
#include "security.h"
#include "security_internal.h"

static void json_putp(struct json_object **o)
{
    if (*o)
        json_object_put(*o);
}

static struct json_object *get(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static int get_string(struct json_object *o, const char *key, const char *where, char **out, struct hull_error **err)
{
    struct json_object *v = get(o, key);
    *out = NULL;
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_string))
        return hull_error_set(err, EINVAL, "%s.%s must be a string", where, key);
    *out = xstrdup(json_object_get_string(v));
    return 0;
}

static int get_uint(struct json_object *o, const char *key, const char *where, bool *has, uint64_t max, uint64_t *out,
                    struct hull_error **err)
{
    struct json_object *v = get(o, key);
    if (has)
        *has = false;
    *out = 0;
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_int))
        return hull_error_set(err, EINVAL, "%s.%s must be an unsigned integer", where, key);
    /* json-c keeps integers as int64 or uint64; a negative one is refused. */
    if (json_object_get_int64(v) < 0)
        return hull_error_set(err, EINVAL, "%s.%s must not be negative", where, key);
    uint64_t u = json_object_get_uint64(v);
    if (u > max)
        return hull_error_set(err, ERANGE, "%s.%s %llu is out of range", where, key, (unsigned long long)u);
    *out = u;
    if (has)
        *has = true;
    return 0;
}

static int get_strv(struct json_object *o, const char *key, const char *where, char ***out, struct hull_error **err)
{
    struct json_object *v = get(o, key);
    *out = NULL;
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_array))
        return hull_error_set(err, EINVAL, "%s.%s must be an array of strings", where, key);
    size_t n = json_object_array_length(v);
    char **list = xmalloc0((n + 1) * sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        struct json_object *s = json_object_array_get_idx(v, i);
        if (!json_object_is_type(s, json_type_string)) {
            strv_free(list);
            return hull_error_set(err, EINVAL, "%s.%s[%zu] must be a string", where, key, i);
        }
        list[i] = xstrdup(json_object_get_string(s));
    }
    *out = list;
    return 0;
}

static int parse_arg(struct json_object *o, const char *where, struct hull_seccomp_arg *a, struct hull_error **err)
{
    uint64_t index;
    bool has_index, has_value;
    if (!json_object_is_type(o, json_type_object))
        return hull_error_set(err, EINVAL, "%s must be an object", where);
    if (get_uint(o, "index", where, &has_index, UINT32_MAX, &index, err) < 0 ||
        get_uint(o, "value", where, &has_value, UINT64_MAX, &a->value, err) < 0 ||
        get_uint(o, "valueTwo", where, NULL, UINT64_MAX, &a->value_two, err) < 0 ||
        get_string(o, "op", where, &a->op, err) < 0)
        return -1;
    if (!has_index || !has_value || !a->op)
        return hull_error_set(err, EINVAL, "%s needs index, value and op", where);
    a->index = (unsigned)index;
    return 0;
}

static int parse_rule(struct json_object *o, const char *where, struct hull_seccomp_rule *r, struct hull_error **err)
{
    uint64_t errno_ret;
    if (!json_object_is_type(o, json_type_object))
        return hull_error_set(err, EINVAL, "%s must be an object", where);
    if (get_strv(o, "names", where, &r->names, err) < 0 || get_string(o, "action", where, &r->action, err) < 0 ||
        get_uint(o, "errnoRet", where, &r->has_errno_ret, UINT32_MAX, &errno_ret, err) < 0)
        return -1;
    r->errno_ret = (unsigned)errno_ret;
    if (!r->names || !r->action)
        return hull_error_set(err, EINVAL, "%s needs names and action", where);
    struct json_object *args = get(o, "args");
    if (!args)
        return 0;
    if (!json_object_is_type(args, json_type_array))
        return hull_error_set(err, EINVAL, "%s.args must be an array", where);
    size_t n = json_object_array_length(args);
    r->args = xmalloc0((n ? n : 1) * sizeof(*r->args));
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *w = xasprintf("%s.args[%zu]", where, i);
        r->n_args = i + 1;
        if (parse_arg(json_object_array_get_idx(args, i), w, &r->args[i], err) < 0)
            return -1;
    }
    return 0;
}

static int parse_object(struct json_object *o, struct hull_seccomp *s, struct hull_error **err)
{
    const char *where = "seccomp";
    uint64_t errno_ret;
    if (!json_object_is_type(o, json_type_object))
        return hull_error_set(err, EINVAL, "a seccomp profile must be a JSON object");
    if (get_string(o, "defaultAction", where, &s->default_action, err) < 0 ||
        get_uint(o, "defaultErrnoRet", where, &s->has_default_errno_ret, UINT32_MAX, &errno_ret, err) < 0 ||
        get_strv(o, "architectures", where, &s->architectures, err) < 0 ||
        get_strv(o, "flags", where, &s->flags, err) < 0 ||
        get_string(o, "listenerPath", where, &s->listener_path, err) < 0 ||
        get_string(o, "listenerMetadata", where, &s->listener_metadata, err) < 0)
        return -1;
    s->default_errno_ret = (unsigned)errno_ret;
    if (!s->default_action)
        return hull_error_set(err, EINVAL, "seccomp.defaultAction is required");
    struct json_object *syscalls = get(o, "syscalls");
    if (!syscalls)
        return 0;
    if (!json_object_is_type(syscalls, json_type_array))
        return hull_error_set(err, EINVAL, "seccomp.syscalls must be an array");
    size_t n = json_object_array_length(syscalls);
    s->syscalls = xmalloc0((n ? n : 1) * sizeof(*s->syscalls));
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *w = xasprintf("seccomp.syscalls[%zu]", i);
        s->n_syscalls = i + 1;
        if (parse_rule(json_object_array_get_idx(syscalls, i), w, &s->syscalls[i], err) < 0)
            return -1;
    }
    return 0;
}

int seccomp_profile_parse(const char *json_text, struct hull_seccomp **out, struct hull_error **err)
{
    *out = NULL;
    enum json_tokener_error jerr = json_tokener_success;
    __attribute__((cleanup(json_putp))) struct json_object *root = json_tokener_parse_verbose(json_text, &jerr);
    if (!root)
        return hull_error_set(err, EINVAL, "seccomp profile is not valid JSON: %s", json_tokener_error_desc(jerr));
    struct hull_seccomp *s = xmalloc0(sizeof(*s));
    if (parse_object(root, s, err) < 0 || seccomp_validate(s, err) < 0) {
        seccomp_profile_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

int seccomp_profile_load(const char *path, struct hull_seccomp **out, struct hull_error **err)
{
    cleanup_free char *text = NULL;
    if (read_file(path, &text, NULL, err) < 0)
        return -1;
    if (seccomp_profile_parse(text, out, err) < 0)
        return hull_error_wrap(err, "seccomp profile %s", path);
    return 0;
}

void seccomp_profile_free(struct hull_seccomp *s)
{
    if (!s)
        return;
    free(s->default_action);
    strv_free(s->architectures);
    strv_free(s->flags);
    free(s->listener_path);
    free(s->listener_metadata);
    for (size_t i = 0; i < s->n_syscalls; i++) {
        struct hull_seccomp_rule *r = &s->syscalls[i];
        strv_free(r->names);
        free(r->action);
        for (size_t a = 0; a < r->n_args; a++)
            free(r->args[a].op);
        free(r->args);
    }
    free(s->syscalls);
    free(s);
}
