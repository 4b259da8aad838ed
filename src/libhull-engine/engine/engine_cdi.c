/* hull: CDI devices (engine_cdi.h). */
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "engine_cdi.h"
#include "engine_cdi_spec.h"
#include "engine_spec.h"
#include "record.h"
#include "util/utils.h"

bool engine_cdi_is_name(const char *text)
{
    const char *slash = strchr(text, '/'), *eq = strchr(text, '=');
    return text[0] != '/' && slash && eq && slash < eq && slash > text && eq > slash + 1 && eq[1];
}

static int add_node(const char *name, const struct cdi_device_node *n, struct engine_run_config *rc,
                    struct hull_error **err)
{
    if (n->path[0] != '/')
        return hull_error_set(err, 0, "CDI device %s: deviceNode path %s is not absolute", name, n->path);
    const char *host = n->host_path && *n->host_path ? n->host_path : n->path;
    const char *type = n->type ? n->type : "";
    struct stat st;
    if (stat(host, &st) < 0) {
        /* the spec's own type and numbers need no node on the host (CDI's
         * fillMissingInfo); a pipe or unnamed one hull cannot make */
        if ((type[0] != 'c' && type[0] != 'b') || (!n->major && !n->minor))
            return hull_error_set(err, 0, "CDI device %s: device node %s: %s", name, host, strerror(errno));
        st.st_mode = (type[0] == 'c' ? S_IFCHR : S_IFBLK) | 0666;
        st.st_rdev = makedev(n->major, n->minor);
    } else if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) {
        return hull_error_set(err, 0, "CDI device %s: %s is not a device node", name, host);
    }
    rc->devices = xrealloc(rc->devices, (rc->n_devices + 1) * sizeof *rc->devices);
    struct engine_device *d = &rc->devices[rc->n_devices++];
    memset(d, 0, sizeof *d);
    d->host = xstrdup(host);
    d->container = xstrdup(n->path);
    /* "none" asks for no access at all: an allow rule granting nothing */
    const char *perms = n->permissions ? n->permissions : "";
    d->perms = xstrdup(!strcmp(perms, "none") ? "" : *perms ? perms : "rwm");
    d->type = S_ISCHR(st.st_mode) ? 'c' : 'b';
    d->major = major(st.st_rdev);
    d->minor = minor(st.st_rdev);
    d->mode = n->has_file_mode ? n->file_mode & 0777 : st.st_mode & 0777;
    /* the owner of the node made in the container (CDI's uid/gid; the
     * runtime chowns it, as runc does for linux.devices[].uid/gid) */
    d->uid = n->has_uid ? n->uid : 0;
    d->gid = n->has_gid ? n->gid : 0;
    return 0;
}

static int add_mount(const char *name, const struct cdi_mount *m, struct engine_run_config *rc,
                     struct hull_error **err)
{
    if (m->container_path[0] != '/')
        return hull_error_set(err, 0, "CDI device %s: mount containerPath %s is not absolute", name,
                              m->container_path);
    struct stat st;
    if (stat(m->host_path, &st) < 0)
        return hull_error_set(err, 0, "CDI device %s: mount source %s: %s", name, m->host_path, strerror(errno));
    rc->binds = xrealloc(rc->binds, (rc->n_binds + 1) * sizeof *rc->binds);
    struct engine_bind *b = &rc->binds[rc->n_binds++];
    memset(b, 0, sizeof *b);
    b->kind = ENGINE_MOUNT_BIND;
    b->source = xstrdup(m->host_path);
    b->destination = xstrdup(m->container_path);
    b->mode = xstrdup("");
    for (char **o = m->options; o && *o; o++)
        if (!strcmp(*o, "ro"))
            b->read_only = true;
    return 0;
}

/* Into the config's hooks, checked as config.json's would be (the CDI
 * reader has checked the name). */
static int add_hook(const struct cdi_hook *h, struct engine_run_config *rc, struct hull_error **err)
{
    struct hull_hook_list *list = spec_hook_list(&rc->cdi_hooks, h->hook_name);
    if (list == NULL)
        return hull_error_set(err, 0, "invalid hookName \"%s\"", h->hook_name);
    struct hull_hook hook = {.path = xstrdup(h->path), .args = strv_copy(h->args), .env = strv_copy(h->env),
                             .has_timeout = h->has_timeout, .timeout = (int)h->timeout};
    char field[64];
    snprintf(field, sizeof field, "the hooks of CDI devices.%s[%zu]", h->hook_name, list->n);
    if (spec_check_hook(&hook, field, err) < 0) {
        free(hook.path);
        strv_free(hook.args);
        strv_free(hook.env);
        return -1;
    }
    list->hooks = xrealloc(list->hooks, (list->n + 1) * sizeof *list->hooks);
    list->hooks[list->n++] = hook;
    return 0;
}

static int apply_edits(const char *name, const struct cdi_edits *e, struct engine_run_config *rc, char ***env,
                       struct hull_error **err)
{
    /* what hull cannot do is refused rather than half done */
    if (e->n_net_devices)
        return hull_error_set(err, 0, "CDI device %s: netDevices (moving %s into the container) are not supported",
                              name, e->net_devices[0].host_interface_name);
    if (e->has_intel_rdt)
        return hull_error_set(err, 0, "CDI device %s: intelRdt is not supported", name);
    if (e->n_additional_gids)
        return hull_error_set(err, 0, "CDI device %s: additionalGids are not supported", name);
    for (size_t i = 0; i < e->n_device_nodes; i++)
        if (add_node(name, &e->device_nodes[i], rc, err) < 0)
            return -1;
    for (size_t i = 0; i < e->n_mounts; i++)
        if (add_mount(name, &e->mounts[i], rc, err) < 0)
            return -1;
    for (char **v = e->env; v && *v; v++)
        strv_add(env, xstrdup(*v));
    for (size_t i = 0; i < e->n_hooks; i++)
        if (add_hook(&e->hooks[i], rc, err) < 0)
            return -1;
    return 0;
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

static const char *spec_dirs(void)
{
    const char *dirs = getenv("HULL_CDI_SPEC_DIRS");
    return dirs && *dirs ? dirs : "/etc/cdi:/var/run/cdi";
}

int engine_cdi_apply(char *const *names, struct engine_run_config *rc, char ***env, size_t *failed,
                     struct hull_error **err)
{
    struct cdi_registry *reg = cdi_registry_load(spec_dirs());
    size_t n = strv_length(names);
    const struct cdi_spec **applied = xmalloc0((n + 1) * sizeof *applied);
    size_t n_applied = 0;
    int r = 0;
    for (size_t i = 0; i < n && r == 0; i++) {
        const struct cdi_spec *spec = NULL;
        const struct cdi_device *device = NULL;
        *failed = i;
        r = cdi_registry_resolve(reg, names[i], &spec, &device, err);
        if (r < 0)
            break;
        /* the spec's edits once, before its first device's (the reference
         * library's order), however many of its devices are asked for */
        bool done = false;
        for (size_t k = 0; k < n_applied; k++)
            done |= applied[k] == spec;
        if (!done) {
            applied[n_applied++] = spec;
            r = apply_edits(names[i], &spec->edits, rc, env, err);
        }
        if (r == 0)
            r = apply_edits(names[i], &device->edits, rc, env, err);
    }
    free(applied);
    cdi_registry_free(reg);
    return r;
}
