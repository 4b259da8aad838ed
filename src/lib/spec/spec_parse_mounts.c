/* hull: `mounts` of config.json and the Linux mount option table
 * (config.md, "Linux mount options"). */
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "spec_internal.h"
#include "util/utils.h"

/* Options that map onto mount(2) flags.  `set` is or-ed into the flags,
 * `clear` records options that explicitly turn a flag off (rw, suid, ...), so a
 * remount or bind can clear what the source mount had. */
static const struct mount_option {
    const char *name;
    unsigned long set, clear, propagation;
} mount_options[] = {
    {"ro", MS_RDONLY, 0, 0},
    {"rw", 0, MS_RDONLY, 0},
    {"suid", 0, MS_NOSUID, 0},
    {"nosuid", MS_NOSUID, 0, 0},
    {"dev", 0, MS_NODEV, 0},
    {"nodev", MS_NODEV, 0, 0},
    {"exec", 0, MS_NOEXEC, 0},
    {"noexec", MS_NOEXEC, 0, 0},
    {"sync", MS_SYNCHRONOUS, 0, 0},
    {"async", 0, MS_SYNCHRONOUS, 0},
    {"dirsync", MS_DIRSYNC, 0, 0},
    {"remount", MS_REMOUNT, 0, 0},
    {"mand", MS_MANDLOCK, 0, 0},
    {"nomand", 0, MS_MANDLOCK, 0},
    {"atime", 0, MS_NOATIME, 0},
    {"noatime", MS_NOATIME, 0, 0},
    {"diratime", 0, MS_NODIRATIME, 0},
    {"nodiratime", MS_NODIRATIME, 0, 0},
    {"relatime", MS_RELATIME, 0, 0},
    {"norelatime", 0, MS_RELATIME, 0},
    {"strictatime", MS_STRICTATIME, 0, 0},
    {"nostrictatime", 0, MS_STRICTATIME, 0},
    {"bind", MS_BIND, 0, 0},
    {"rbind", MS_BIND | MS_REC, 0, 0},
    {"shared", 0, 0, MS_SHARED},
    {"rshared", 0, 0, MS_SHARED | MS_REC},
    {"slave", 0, 0, MS_SLAVE},
    {"rslave", 0, 0, MS_SLAVE | MS_REC},
    {"private", 0, 0, MS_PRIVATE},
    {"rprivate", 0, 0, MS_PRIVATE | MS_REC},
    {"unbindable", 0, 0, MS_UNBINDABLE},
    {"runbindable", 0, 0, MS_UNBINDABLE | MS_REC},
    /* Handled by the mount code, not by flags, and never passed to mount(2)
     * as data: tmpcopyup copies the underlying directory into a tmpfs;
     * idmap/ridmap (config.md) request mount_setattr(MOUNT_ATTR_IDMAP). */
    {"tmpcopyup", 0, 0, 0},
    {"idmap", 0, 0, 0},
    {"ridmap", 0, 0, 0},
};

bool spec_mount_option(const char *opt, unsigned long *set, unsigned long *clear, unsigned long *propagation)
{
    for (size_t i = 0; i < ARRAY_SIZE(mount_options); i++) {
        const struct mount_option *o = &mount_options[i];
        if (strcmp(opt, o->name) != 0)
            continue;
        /* A later option wins over an earlier contradicting one ("ro,rw" is rw), as in mount(8). */
        if (set != NULL) {
            *set = (*set & ~o->clear) | o->set;
        }
        if (clear != NULL) {
            *clear = (*clear & ~o->set) | o->clear;
        }
        if (propagation != NULL && o->propagation != 0)
            *propagation = o->propagation;
        return true;
    }
    return false;
}

/* Appends "opt" to a comma-joined data string. */
static void data_append(char **data, const char *opt)
{
    char *joined = *data == NULL ? xstrdup(opt) : xasprintf("%s,%s", *data, opt);
    free(*data);
    *data = joined;
}

static int derive_mount_flags(struct hull_mount *m)
{
    for (char **o = m->options; o != NULL && *o != NULL; o++) {
        if (spec_mount_option(*o, &m->flags, &m->clear_flags, &m->propagation)) {
            if (strcmp(*o, "tmpcopyup") == 0)
                m->tmpcopyup = true;
            continue;
        }
        data_append(&m->data, *o);
    }
    m->bind = (m->flags & MS_BIND) != 0;
    m->recursive_bind = m->bind && (m->flags & MS_REC) != 0;
    /* "bind" in the type field means a bind mount too (runc and crun accept it). */
    if (!m->bind && m->type != NULL && (strcmp(m->type, "bind") == 0 || strcmp(m->type, "rbind") == 0)) {
        m->bind = true;
        m->recursive_bind = strcmp(m->type, "rbind") == 0;
        m->flags |= MS_BIND | (m->recursive_bind ? MS_REC : 0);
    }
    return 0;
}

static int parse_mount(struct json_object *obj, const char *field, struct hull_mount *m, struct hull_error **err)
{
    if (obj == NULL || !json_object_is_type(obj, json_type_object))
        return spec_error_type(err, field, obj, "an object");
    int r = spec_get_string(obj, field, "destination", &m->destination, err);
    if (r < 0)
        return r;
    if (r == 0)
        return spec_error_missing(err, field, "destination");
    if (m->destination[0] == '\0')
        return hull_error_set(err, 0, "%s.destination must not be empty", field);
    /* config.md (Linux): the destination "MAY be a relative path, in which case
     * it MUST be interpreted as relative to "/"" (deprecated, but still valid). */
    if (m->destination[0] != '/') {
        char *abs = xasprintf("/%s", m->destination);
        free(m->destination);
        m->destination = abs;
    }
    if (spec_get_string(obj, field, "type", &m->type, err) < 0 ||
        spec_get_string(obj, field, "source", &m->source, err) < 0 ||
        spec_get_strv(obj, field, "options", &m->options, err) < 0)
        return -1;
    struct json_object *array = NULL;
    if ((r = spec_get_array(obj, field, "uidMappings", &array, err)) < 0)
        return r;
    if (r > 0 && spec_parse_id_mappings(array, spec_field_key(field, "uidMappings").s, &m->uid_mappings,
                                        &m->n_uid_mappings, err) < 0)
        return -1;
    if ((r = spec_get_array(obj, field, "gidMappings", &array, err)) < 0)
        return r;
    if (r > 0 && spec_parse_id_mappings(array, spec_field_key(field, "gidMappings").s, &m->gid_mappings,
                                        &m->n_gid_mappings, err) < 0)
        return -1;
    /* config.md: an idmapped mount's uidMappings and gidMappings go together. */
    if ((m->n_uid_mappings == 0) != (m->n_gid_mappings == 0))
        return hull_error_set(err, 0, "%s: uidMappings and gidMappings must be given together", field);
    return derive_mount_flags(m);
}

int spec_parse_mounts_json(struct json_object *array, const char *field, struct hull_mount **out, size_t *n_out,
                           struct hull_error **err)
{
    size_t n = json_object_array_length(array);
    *out = xmalloc0((n ? n : 1) * sizeof **out);
    *n_out = n;
    for (size_t i = 0; i < n; i++) {
        if (parse_mount(json_object_array_get_idx(array, i), spec_field_index(field, i).s, &(*out)[i], err) < 0)
            return -1;
    }
    return 0;
}
