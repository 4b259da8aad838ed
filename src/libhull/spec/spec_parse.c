/* hull: config.json, top level (config.md): ociVersion, root, process,
 * hostname, mounts, hooks, annotations, linux; and the checks that span
 * sections.  Unknown members are ignored: config.md's extensibility rule says
 * runtimes "MUST NOT generate an error if they encounter an unknown property". */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "spec_internal.h"
#include "util/utils.h"

static int parse_oci_version(struct json_object *obj, struct hull_spec *spec, struct hull_error **err)
{
    int r = spec_get_string(obj, "", "ociVersion", &spec->oci_version, err);
    if (r < 0)
        return r;
    if (r == 0)
        return hull_error_set(err, 0, "missing ociVersion");
    /* Minor versions of the spec are backwards compatible; a new major is not. */
    if (strncmp(spec->oci_version, "1.", 2) != 0)
        return hull_error_set(err, 0, "unsupported ociVersion \"%s\" (hull supports 1.x)", spec->oci_version);
    return 0;
}

static int parse_root(struct json_object *obj, struct hull_spec *spec, struct hull_error **err)
{
    struct json_object *root = NULL;
    int r = spec_get_object(obj, "", "root", &root, err);
    if (r < 0)
        return r;
    /* config.md: root is REQUIRED on Linux. */
    if (r == 0)
        return hull_error_set(err, 0, "missing root");
    if ((r = spec_get_string(root, "root", "path", &spec->root_path, err)) < 0)
        return r;
    if (r == 0)
        return hull_error_set(err, 0, "missing root.path");
    if (spec->root_path[0] == '\0')
        return hull_error_set(err, 0, "root.path must not be empty");
    return spec_get_bool(root, "root", "readonly", &spec->root_readonly, err) < 0 ? -1 : 0;
}

static int parse_hook_list(struct json_object *array, const char *field, struct hull_hook_list *list,
                           struct hull_error **err)
{
    size_t n = json_object_array_length(array);
    list->hooks = xmalloc0((n ? n : 1) * sizeof *list->hooks);
    list->n = n;
    for (size_t i = 0; i < n; i++) {
        struct spec_field item = spec_field_index(field, i);
        struct json_object *obj = json_object_array_get_idx(array, i);
        struct hull_hook *h = &list->hooks[i];
        if (obj == NULL || !json_object_is_type(obj, json_type_object))
            return spec_error_type(err, item.s, obj, "an object");
        int r = spec_get_string(obj, item.s, "path", &h->path, err);
        if (r < 0)
            return r;
        if (r == 0)
            return spec_error_missing(err, item.s, "path");
        /* config.md: "This specification extends the IEEE standard in that path MUST be absolute." */
        if (h->path[0] != '/')
            return hull_error_set(err, 0, "%s.path \"%s\" must be an absolute path", item.s, h->path);
        if (spec_get_strv(obj, item.s, "args", &h->args, err) < 0 ||
            spec_get_strv(obj, item.s, "env", &h->env, err) < 0)
            return -1;
        int64_t timeout = 0;
        if ((r = spec_get_int64(obj, item.s, "timeout", INT32_MIN, INT32_MAX, &timeout, err)) < 0)
            return r;
        if (r > 0) {
            /* config.md: "timeout ... MUST be greater than zero". */
            if (timeout <= 0)
                return hull_error_set(err, 0, "%s.timeout %lld must be greater than zero", item.s, (long long)timeout);
            h->has_timeout = true;
            h->timeout = (int)timeout;
        }
    }
    return 0;
}

static const char *const hook_names[] = {"prestart",       "createRuntime", "createContainer",
                                         "startContainer", "poststart",     "poststop"};

struct hull_hook_list *spec_hook_list(struct hull_hooks *hooks, const char *name)
{
    struct hull_hook_list *lists[] = {&hooks->prestart,        &hooks->create_runtime, &hooks->create_container,
                                      &hooks->start_container, &hooks->poststart,      &hooks->poststop};
    for (size_t i = 0; i < ARRAY_SIZE(hook_names); i++)
        if (!strcmp(name, hook_names[i]))
            return lists[i];
    return NULL;
}

int spec_check_hook(const struct hull_hook *h, const char *field, struct hull_error **err)
{
    /* config.md: "This specification extends the IEEE standard in that path MUST be absolute." */
    if (h->path == NULL || h->path[0] != '/')
        return hull_error_set(err, 0, "%s.path \"%s\" must be an absolute path", field, h->path ? h->path : "");
    /* config.md: "timeout ... MUST be greater than zero". */
    if (h->has_timeout && h->timeout <= 0)
        return hull_error_set(err, 0, "%s.timeout %lld must be greater than zero", field, (long long)h->timeout);
    return 0;
}

static int parse_hooks(struct json_object *obj, const char *field, struct hull_hooks *hooks, struct hull_error **err)
{
    for (size_t i = 0; i < ARRAY_SIZE(hook_names); i++) {
        struct json_object *array = NULL;
        int r = spec_get_array(obj, field, hook_names[i], &array, err);
        if (r < 0)
            return r;
        if (r > 0 &&
            parse_hook_list(array, spec_field_key(field, hook_names[i]).s, spec_hook_list(hooks, hook_names[i]), err) < 0)
            return -1;
    }
    return 0;
}

/* Checks that need more than one section. */
static int check_cross_section(struct hull_spec *spec, struct hull_error **err)
{
    const struct hull_linux *l = &spec->linux_;
    /* The hostname of the host's UTS namespace is not ours to change (runc refuses too). */
    if (spec->hostname != NULL && spec->hostname[0] != '\0' && !l->namespaces[HULL_NS_UTS].present)
        return hull_error_set(err, 0, "hostname \"%s\" needs a uts namespace in linux.namespaces", spec->hostname);
    if (spec->domainname != NULL && spec->domainname[0] != '\0' && !l->namespaces[HULL_NS_UTS].present)
        return hull_error_set(err, 0, "domainname \"%s\" needs a uts namespace in linux.namespaces", spec->domainname);
    return 0;
}

static int parse_spec_object(struct json_object *obj, struct hull_spec *spec, struct hull_error **err)
{
    struct json_object *sub = NULL;
    int r;
    if (!json_object_is_type(obj, json_type_object))
        return hull_error_set(err, 0, "the top level must be a JSON object");
    if (parse_oci_version(obj, spec, err) < 0 || parse_root(obj, spec, err) < 0)
        return -1;
    if ((r = spec_get_object(obj, "", "process", &sub, err)) < 0)
        return r;
    if (r > 0) {
        spec->process = xmalloc0(sizeof *spec->process);
        if (spec_parse_process_json(sub, "process", spec->process, err) < 0)
            return -1;
    }
    if (spec_get_string(obj, "", "hostname", &spec->hostname, err) < 0 ||
        spec_get_string(obj, "", "domainname", &spec->domainname, err) < 0)
        return -1;
    if ((r = spec_get_array(obj, "", "mounts", &sub, err)) < 0)
        return r;
    if (r > 0 && spec_parse_mounts_json(sub, "mounts", &spec->mounts, &spec->n_mounts, err) < 0)
        return -1;
    if ((r = spec_get_object(obj, "", "hooks", &sub, err)) < 0)
        return r;
    if (r > 0 && parse_hooks(sub, "hooks", &spec->hooks, err) < 0)
        return -1;
    if (spec_get_string_map(obj, "", "annotations", &spec->annotations, &spec->n_annotations, err) < 0)
        return -1;
    if ((r = spec_get_object(obj, "", "linux", &sub, err)) < 0)
        return r;
    if (r > 0 && spec_parse_linux_json(sub, "linux", &spec->linux_, err) < 0)
        return -1;
    return check_cross_section(spec, err);
}

int spec_parse(const char *json_text, struct hull_spec **out, struct hull_error **err)
{
    struct json_object *obj = NULL;
    if (spec_json_parse_text(json_text, &obj, err) < 0)
        return hull_error_wrap(err, "config.json");
    cleanup_spec struct hull_spec *spec = xmalloc0(sizeof *spec);
    int r = parse_spec_object(obj, spec, err);
    json_object_put(obj);
    if (r < 0)
        return hull_error_wrap(err, "config.json");
    spec->raw_json = xstrdup(json_text);
    *out = steal_pointer(&spec);
    return 0;
}

int spec_load(const char *bundle, struct hull_spec **out, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("%s/config.json", bundle);
    cleanup_free char *text = NULL;
    size_t len = 0;
    if (read_file(path, &text, &len, err) < 0)
        return -1;
    if (strlen(text) != len)
        return hull_error_set(err, 0, "config.json: malformed JSON: %s contains a NUL byte", path);
    return spec_parse(text, out, err);
}

int spec_parse_resources(const char *json_text, struct hull_resources *out, struct hull_error **err)
{
    struct json_object *obj = NULL;
    if (spec_json_parse_text(json_text, &obj, err) < 0)
        return hull_error_wrap(err, "resources");
    int r = spec_parse_resources_json(obj, out, err);
    json_object_put(obj);
    return r < 0 ? -1 : 0;
}
