/* hull: --device and --device-cgroup-rule (engine_devices.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "engine_devices.h"
#include "util/utils.h"

/* some of r, w, m, each once, at least one */
static bool perms_valid(const char *p)
{
    if (!*p || strlen(p) > 3)
        return false;
    for (const char *c = p; *c; c++)
        if (!strchr("rwm", *c) || strchr(c + 1, *c))
            return false;
    return true;
}

void engine_device_clear(struct engine_device *d)
{
    free(d->host);
    free(d->container);
    free(d->perms);
    memset(d, 0, sizeof *d);
}

int engine_parse_device(const char *text, struct engine_device *out, struct hull_error **err)
{
    memset(out, 0, sizeof *out);
    cleanup_free char *copy = xstrdup(text);
    char *parts[4] = {0};
    size_t n = 0;
    for (char *p = copy, *colon; n < 4; p = colon + 1) {
        parts[n++] = p;
        if (!(colon = strchr(p, ':')))
            break;
        *colon = '\0';
    }
    if (n > 3)
        return hull_error_set(err, 0, "invalid --device \"%s\": want HOST[:CONTAINER][:PERMS]", text);
    const char *host = parts[0], *container = NULL, *perms = "rwm";
    if (n == 2 && parts[1][0] != '/' && perms_valid(parts[1]))
        perms = parts[1]; /* docker: HOST:PERMS */
    else if (n >= 2)
        container = parts[1];
    if (n == 3)
        perms = parts[2];
    if (host[0] != '/')
        return hull_error_set(err, 0, "invalid --device \"%s\": the host path %s is not absolute", text, host);
    if (container && container[0] != '/')
        return hull_error_set(err, 0, "invalid --device \"%s\": the container path \"%s\" is not absolute", text,
                              container);
    if (!perms_valid(perms))
        return hull_error_set(err, 0, "invalid --device \"%s\": permissions \"%s\" are not some of r, w, m", text,
                              perms);
    struct stat st;
    if (stat(host, &st) < 0)
        return hull_error_set(err, 0, "invalid --device \"%s\": %s: %s", text, host, strerror(errno));
    if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
        return hull_error_set(err, 0, "invalid --device \"%s\": %s is not a device node", text, host);
    out->host = xstrdup(host);
    out->container = xstrdup(container ? container : host);
    out->perms = xstrdup(perms);
    out->type = S_ISCHR(st.st_mode) ? 'c' : 'b';
    out->major = major(st.st_rdev);
    out->minor = minor(st.st_rdev);
    out->mode = st.st_mode & 0777;
    return 0;
}

/* MAJOR or MINOR: a number, or '*' (-1) */
static bool parse_dev_number(const char *s, int64_t *out)
{
    if (!strcmp(s, "*")) {
        *out = -1;
        return true;
    }
    uint64_t v;
    if (!parse_uint64(s, &v) || v > 0xffffffffULL)
        return false;
    *out = (int64_t)v;
    return true;
}

int engine_parse_device_cgroup_rule(const char *text, struct hull_device_rule *rule_out, struct hull_error **err)
{
    char type[2], numbers[64], access[8];
    char extra;
    if (sscanf(text, " %1[abc] %63s %7s %c", type, numbers, access, &extra) != 3)
        return hull_error_set(err, 0,
                              "invalid --device-cgroup-rule \"%s\": want TYPE MAJOR:MINOR ACCESS (e.g. 'c 1:3 rwm')",
                              text);
    char *colon = strchr(numbers, ':');
    int64_t maj, min;
    if (!colon)
        return hull_error_set(err, 0, "invalid --device-cgroup-rule \"%s\": \"%s\" is not MAJOR:MINOR", text,
                              numbers);
    *colon = '\0';
    if (!parse_dev_number(numbers, &maj) || !parse_dev_number(colon + 1, &min))
        return hull_error_set(err, 0, "invalid --device-cgroup-rule \"%s\": a major or minor is neither a number nor *",
                              text);
    if (!perms_valid(access))
        return hull_error_set(err, 0, "invalid --device-cgroup-rule \"%s\": access \"%s\" is not some of r, w, m",
                              text, access);
    /* '*' is a wildcard: the rule leaves the number out (-1, as the parser reads it). */
    *rule_out = (struct hull_device_rule){.allow = true, .type = type[0], .has_major = maj >= 0, .major = maj,
                                          .has_minor = min >= 0, .minor = min, .access = xstrdup(access)};
    return 0;
}

static void rules_add(struct hull_resources *res, struct hull_device_rule rule)
{
    res->devices = xrealloc(res->devices, (res->n_devices + 1) * sizeof *res->devices);
    res->devices[res->n_devices++] = rule;
}

void engine_spec_add_devices(struct hull_linux *l, const struct engine_device *devices, size_t n,
                             const struct hull_device_rule *rules, size_t n_rules)
{
    if (n == 0 && n_rules == 0)
        return;
    l->has_resources = true;
    /* after the default deny-all: the cgroup's rules are applied in order */
    l->devices = xrealloc(l->devices, (l->n_devices + n + 1) * sizeof *l->devices);
    for (size_t i = 0; i < n; i++) {
        const struct engine_device *d = &devices[i];
        l->devices[l->n_devices++] = (struct hull_device){
            .path = xstrdup(d->container), .type = d->type, .major = d->major, .minor = d->minor,
            .has_file_mode = true, .file_mode = d->mode, .has_uid = true, .uid = d->uid, .has_gid = true, .gid = d->gid};
        /* no permissions (CDI's "none"): the node without access to it; an
         * empty access in an allow rule would not mean that to every runtime */
        if (!*d->perms)
            continue;
        rules_add(&l->resources, (struct hull_device_rule){.allow = true, .type = d->type, .has_major = true,
                                                           .major = d->major, .has_minor = true, .minor = d->minor,
                                                           .access = xstrdup(d->perms)});
    }
    for (size_t i = 0; i < n_rules; i++) {
        struct hull_device_rule r = rules[i];
        r.access = r.access ? xstrdup(r.access) : NULL;
        rules_add(&l->resources, r);
    }
}

/* docker-inspect JSON for the record (its serializer, record_build.c, calls it). */
void engine_devices_record(const struct engine_device *devices, size_t n, struct record_device **out,
                           size_t *n_out)
{
    *out = xmalloc0((n + 1) * sizeof **out);
    *n_out = n;
    for (size_t i = 0; i < n; i++) {
        struct record_device *d = &(*out)[i];
        record_set(d, RDV_PATH_ON_HOST, RDV_PATH_IN_CONTAINER, RDV_CGROUP_PERMISSIONS);
        d->path_on_host = xstrdup(devices[i].host);
        d->path_in_container = xstrdup(devices[i].container);
        d->cgroup_permissions = xstrdup(devices[i].perms);
    }
}
