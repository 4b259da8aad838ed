/* hull: CDI devices (engine_cdi.h). */
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "engine_cdi.h"
#include "engine_spec.h"
#include "record.h"
#include "util/utils.h"

bool engine_cdi_is_name(const char *text)
{
    const char *slash = strchr(text, '/'), *eq = strchr(text, '=');
    return text[0] != '/' && slash && eq && slash < eq && slash > text && eq > slash + 1 && eq[1];
}

static const char *str_of(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

static struct json_object *array_of(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_array) ? v : NULL;
}

static int add_node(const char *name, struct json_object *n, struct engine_run_config *rc, struct hull_error **err)
{
    const char *path = str_of(n, "path"), *host = str_of(n, "hostPath"), *perms = str_of(n, "permissions");
    if (!path || path[0] != '/')
        return hull_error_set(err, 0, "CDI device %s: a deviceNode without an absolute path", name);
    if (!host)
        host = path;
    struct stat st;
    if (stat(host, &st) < 0)
        return hull_error_set(err, 0, "CDI device %s: device node %s: %s", name, host, strerror(errno));
    if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
        return hull_error_set(err, 0, "CDI device %s: %s is not a device node", name, host);
    rc->devices = xrealloc(rc->devices, (rc->n_devices + 1) * sizeof *rc->devices);
    struct engine_device *d = &rc->devices[rc->n_devices++];
    memset(d, 0, sizeof *d);
    d->host = xstrdup(host);
    d->container = xstrdup(path);
    d->perms = xstrdup(perms && *perms ? perms : "rwm");
    d->type = S_ISCHR(st.st_mode) ? 'c' : 'b';
    d->major = major(st.st_rdev);
    d->minor = minor(st.st_rdev);
    struct json_object *mode = NULL;
    d->mode = json_object_object_get_ex(n, "fileMode", &mode) ? (uint32_t)json_object_get_int(mode) & 0777
                                                              : st.st_mode & 0777;
    return 0;
}

static int add_mount(const char *name, struct json_object *m, struct engine_run_config *rc, struct hull_error **err)
{
    const char *host = str_of(m, "hostPath"), *dest = str_of(m, "containerPath");
    if (!host || !dest || dest[0] != '/')
        return hull_error_set(err, 0, "CDI device %s: a mount without hostPath or an absolute containerPath", name);
    struct stat st;
    if (stat(host, &st) < 0)
        return hull_error_set(err, 0, "CDI device %s: mount source %s: %s", name, host, strerror(errno));
    rc->binds = xrealloc(rc->binds, (rc->n_binds + 1) * sizeof *rc->binds);
    struct engine_bind *b = &rc->binds[rc->n_binds++];
    memset(b, 0, sizeof *b);
    b->kind = ENGINE_MOUNT_BIND;
    b->source = xstrdup(host);
    b->destination = xstrdup(dest);
    b->mode = xstrdup("");
    struct json_object *opts = array_of(m, "options");
    for (size_t i = 0; opts && i < json_object_array_length(opts); i++)
        if (!strcmp(json_object_get_string(json_object_array_get_idx(opts, i)), "ro"))
            b->read_only = true;
    return 0;
}

static void add_hook(struct json_object *h, struct engine_run_config *rc)
{
    const char *hook_name = str_of(h, "hookName"), *path = str_of(h, "path");
    if (!hook_name || !path)
        return;
    if (!rc->cdi_hooks)
        rc->cdi_hooks = json_object_new_object();
    struct json_object *list = array_of(rc->cdi_hooks, hook_name);
    if (!list) {
        list = json_object_new_array();
        json_object_object_add(rc->cdi_hooks, hook_name, list);
    }
    struct json_object *hook = json_object_new_object();
    json_object_object_add(hook, "path", json_object_new_string(path));
    static const char *const keys[] = {"args", "env", "timeout"};
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        struct json_object *v = NULL;
        if (json_object_object_get_ex(h, keys[i], &v))
            json_object_object_add(hook, keys[i], json_object_get(v));
    }
    json_object_array_add(list, hook);
}

static int apply_edits(const char *name, struct json_object *edits, struct engine_run_config *rc, char ***env,
                       struct hull_error **err)
{
    if (!edits)
        return 0;
    struct json_object *a;
    if ((a = array_of(edits, "deviceNodes")))
        for (size_t i = 0; i < json_object_array_length(a); i++)
            if (add_node(name, json_object_array_get_idx(a, i), rc, err) < 0)
                return -1;
    if ((a = array_of(edits, "mounts")))
        for (size_t i = 0; i < json_object_array_length(a); i++)
            if (add_mount(name, json_object_array_get_idx(a, i), rc, err) < 0)
                return -1;
    if ((a = array_of(edits, "env")))
        for (size_t i = 0; i < json_object_array_length(a); i++) {
            const char *e = json_object_get_string(json_object_array_get_idx(a, i));
            if (e && strchr(e, '='))
                strv_add(env, xstrdup(e));
        }
    if ((a = array_of(edits, "hooks")))
        for (size_t i = 0; i < json_object_array_length(a); i++)
            add_hook(json_object_array_get_idx(a, i), rc);
    return 0;
}

/* The spec (new reference) and its device object for kind and dev in one
 * directory: the last file in name order wins, as a later directory does. */
static void find_in_dir(const char *dir, const char *kind, const char *dev, struct json_object **spec_out,
                        struct json_object **dev_out, bool *kind_seen)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]->d_name);
        if (len > 5 && !strcmp(names[i]->d_name + len - 5, ".json")) {
            cleanup_free char *path = xasprintf("%s/%s", dir, names[i]->d_name);
            struct json_object *spec = json_object_from_file(path);
            const char *k = spec ? str_of(spec, "kind") : NULL;
            struct json_object *devs = spec ? array_of(spec, "devices") : NULL;
            bool used = false;
            if (k && !strcmp(k, kind) && devs) {
                *kind_seen = true;
                for (size_t j = 0; j < json_object_array_length(devs); j++) {
                    struct json_object *d = json_object_array_get_idx(devs, j);
                    if (str_of(d, "name") && !strcmp(str_of(d, "name"), dev)) {
                        json_object_put(*spec_out);
                        *spec_out = spec;
                        *dev_out = d;
                        used = true;
                        break;
                    }
                }
            }
            if (!used)
                json_object_put(spec);
        }
        free(names[i]);
    }
    free(names);
}

/* One CSV field at *p (double quotes group, "" is a quote); NULL at the end. */
static char *csv_field(const char **p)
{
    if (!*p)
        return NULL;
    char *out = xmalloc0(strlen(*p) + 1);
    size_t n = 0;
    bool quoted = false;
    const char *s = *p;
    for (; *s && (quoted || *s != ','); s++) {
        if (*s == '"') {
            if (quoted && s[1] == '"')
                out[n++] = *s++;
            else
                quoted = !quoted;
        } else {
            out[n++] = *s;
        }
    }
    *p = *s ? s + 1 : NULL;
    return out;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

int engine_gpus_to_cdi(const char *text, char ***names, struct hull_error **err)
{
    *names = NULL;
    const char *p = text;
    cleanup_free char *count = NULL;
    cleanup_strv char **devices = NULL;
    for (char *f; (f = csv_field(&p));) {
        cleanup_free char *field = f;
        char *eq = strchr(field, '=');
        if (!eq) {
            if (count)
                return hull_error_set(err, 0, "invalid --gpus \"%s\": the count is given twice", text);
            count = xstrdup(field);
            continue;
        }
        *eq = '\0';
        const char *v = eq + 1;
        if (!strcmp(field, "count")) {
            free(count);
            count = xstrdup(v);
        } else if (!strcmp(field, "device")) {
            const char *q = v;
            for (char *d; (d = csv_field(&q));) {
                if (!*d) {
                    free(d);
                    return hull_error_set(err, 0, "invalid --gpus \"%s\": an empty device", text);
                }
                strv_add(&devices, d);
            }
        } else if (!strcmp(field, "driver")) {
            if (strcmp(v, "nvidia"))
                return hull_error_set(err, 0, "invalid --gpus \"%s\": driver \"%s\" (only nvidia, through CDI)",
                                      text, v);
        } else if (strcmp(field, "capabilities") && strcmp(field, "options")) {
            return hull_error_set(err, 0, "invalid --gpus \"%s\": unknown field \"%s\"", text, field);
        }
    }
    if (count && devices)
        return hull_error_set(err, 0, "invalid --gpus \"%s\": a count and devices cannot be given together", text);
    if (devices) {
        for (char **d = devices; *d; d++)
            strv_add(names, xasprintf("nvidia.com/gpu=%s", *d));
        return 0;
    }
    if (!count || !strcmp(count, "all") || !strcmp(count, "-1")) {
        strv_add(names, xstrdup("nvidia.com/gpu=all"));
        return 0;
    }
    uint64_t n;
    if (!all_digits(count) || !parse_uint64(count, &n) || n == 0 || n > 1024)
        return hull_error_set(err, 0, "invalid --gpus \"%s\": \"%s\" is not all or a count", text, count);
    for (uint64_t i = 0; i < n; i++)
        strv_add(names, xasprintf("nvidia.com/gpu=%llu", (unsigned long long)i));
    return 0;
}

int engine_cdi_apply(const char *name, struct engine_run_config *rc, char ***env, struct hull_error **err)
{
    cleanup_free char *kind = xstrdup(name);
    char *eq = strchr(kind, '=');
    *eq = '\0';
    const char *dev = eq + 1;
    const char *dirs_env = getenv("HULL_CDI_SPEC_DIRS");
    cleanup_free char *dirs = xstrdup(dirs_env && *dirs_env ? dirs_env : "/etc/cdi:/var/run/cdi");
    struct json_object *spec = NULL, *device = NULL;
    bool kind_seen = false;
    char *save = NULL;
    for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save))
        find_in_dir(d, kind, dev, &spec, &device, &kind_seen);
    if (!spec) {
        const char *where = dirs_env && *dirs_env ? dirs_env : "/etc/cdi:/var/run/cdi";
        return kind_seen ? hull_error_set(err, 0, "invalid --device \"%s\": no device \"%s\" in the CDI specs of %s",
                                          name, dev, kind)
                         : hull_error_set(err, 0, "invalid --device \"%s\": no CDI spec of kind %s in %s", name, kind,
                                          where);
    }
    int r = apply_edits(name, engine_json_path(device, "containerEdits", NULL), rc, env, err);
    if (r == 0)
        r = apply_edits(name, engine_json_path(spec, "containerEdits", NULL), rc, env, err);
    json_object_put(spec);
    return r;
}
