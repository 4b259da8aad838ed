/* hull: `mounts` of config.json and the Linux mount option table
 * (config.md, "Linux mount options"). */
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mount.h>

#include "spec_internal.h"
#include "util/utils.h"

/* Options that map onto mount(2) flags.  `set` is or-ed into the flags,
 * `clear` records options that explicitly turn a flag off (rw, suid, ...), so a
 * bind can clear what the source mount had.  Every option here is applied
 * (issue 11: nothing is accepted and ignored); tests/security/mount-options.bats
 * reads the list back from `hull-runtime features` and checks each one. */
static const struct mount_option {
    const char *name;
    unsigned long set, clear, propagation;
} mount_options[] = {
    {"defaults", 0, 0, 0}, /* mount(8)'s "use the defaults": nothing to set */
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
    {"lazytime", MS_LAZYTIME, 0, 0},
    {"nolazytime", 0, MS_LAZYTIME, 0},
    {"atime", 0, MS_NOATIME, 0},
    {"noatime", MS_NOATIME, 0, 0},
    {"diratime", 0, MS_NODIRATIME, 0},
    {"nodiratime", MS_NODIRATIME, 0, 0},
    {"relatime", MS_RELATIME, 0, 0},
    {"norelatime", 0, MS_RELATIME, 0},
    {"strictatime", MS_STRICTATIME, 0, 0},
    {"nostrictatime", 0, MS_STRICTATIME, 0},
    {"symfollow", 0, MS_NOSYMFOLLOW, 0},
    {"nosymfollow", MS_NOSYMFOLLOW, 0, 0},
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
    /* Handled by the mount code, not by flags: tmpcopyup copies the
     * underlying directory into a tmpfs. */
    {"tmpcopyup", 0, 0, 0},
};

/* The recursive attributes of config.md ("rro", "rnosuid", ...; runtime-spec
 * 1.1): mount_setattr(AT_RECURSIVE) on the mount and everything below it. */
static const struct rec_option {
    const char *name;
    uint64_t set, clear;
} rec_options[] = {
    {"rro", MOUNT_ATTR_RDONLY, 0},
    {"rrw", 0, MOUNT_ATTR_RDONLY},
    {"rnosuid", MOUNT_ATTR_NOSUID, 0},
    {"rsuid", 0, MOUNT_ATTR_NOSUID},
    {"rnodev", MOUNT_ATTR_NODEV, 0},
    {"rdev", 0, MOUNT_ATTR_NODEV},
    {"rnoexec", MOUNT_ATTR_NOEXEC, 0},
    {"rexec", 0, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", MOUNT_ATTR_NODIRATIME, 0},
    {"rdiratime", 0, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0},
    {"rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW},
    /* The atime mode is one of three, so each of these sets a whole mode:
     * the "r" + "no"/plain forms that only turn one off fall back to the
     * kernel's default, relatime (mount(2) does the same for "atime"). */
    {"rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"rnorelatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
    {"rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME},
    {"ratime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
    {"rnostrictatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
};

/* Options hull knows and refuses, with the reason: each would be accepted
 * and then do nothing. */
static const struct {
    const char *name, *why;
} refused_options[] = {
    {"mand", "mandatory locking is gone from Linux (5.15): the kernel ignores it"},
    {"nomand", "mandatory locking is gone from Linux (5.15): the kernel ignores it"},
    {"remount", "a config mount is always a new mount; there is nothing to remount"},
};

/* Superblock flags: they change the whole filesystem, so a bind mount (a
 * second view of a filesystem somebody else mounted) cannot apply them. */
#define SB_ONLY_FLAGS (MS_SYNCHRONOUS | MS_DIRSYNC | MS_LAZYTIME)

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

bool spec_mount_rec_option(const char *opt, uint64_t *set, uint64_t *clear)
{
    for (size_t i = 0; i < ARRAY_SIZE(rec_options); i++) {
        const struct rec_option *o = &rec_options[i];
        if (strcmp(opt, o->name) != 0)
            continue;
        /* Later wins, as for the flags; an atime entry clears the whole
         * mode mask (the kernel requires it) and sets its mode. */
        *set = (*set & ~o->clear) | o->set;
        *clear = (*clear & ~o->set) | o->clear;
        return true;
    }
    return false;
}

char **spec_mount_option_names(void)
{
    size_t n = 0;
    char **v = xmalloc0((ARRAY_SIZE(mount_options) + ARRAY_SIZE(rec_options) + 3) * sizeof *v);
    for (size_t i = 0; i < ARRAY_SIZE(mount_options); i++)
        v[n++] = xstrdup(mount_options[i].name);
    for (size_t i = 0; i < ARRAY_SIZE(rec_options); i++)
        v[n++] = xstrdup(rec_options[i].name);
    v[n++] = xstrdup("idmap");
    v[n++] = xstrdup("ridmap");
    return v;
}

/* Appends "opt" to a comma-joined data string. */
static void data_append(char **data, const char *opt)
{
    char *joined = *data == NULL ? xstrdup(opt) : xasprintf("%s,%s", *data, opt);
    free(*data);
    *data = joined;
}

static bool is_type(const struct hull_mount *m, const char *type)
{
    return m->type != NULL && strcmp(m->type, type) == 0;
}

static int derive_mount_flags(struct hull_mount *m, const char *field, struct hull_error **err)
{
    for (char **o = m->options; o != NULL && *o != NULL; o++) {
        for (size_t i = 0; i < ARRAY_SIZE(refused_options); i++)
            if (strcmp(*o, refused_options[i].name) == 0)
                return hull_error_set(err, 0, "%s.options: \"%s\" is not supported: %s", field, *o,
                                      refused_options[i].why);
        if (spec_mount_option(*o, &m->flags, &m->clear_flags, &m->propagation)) {
            if (strcmp(*o, "tmpcopyup") == 0)
                m->tmpcopyup = true;
            continue;
        }
        if (spec_mount_rec_option(*o, &m->rec_attr_set, &m->rec_attr_clr))
            continue;
        /* config.md: not passed to mount(2); "ridmap" applies the mapping to every mount below too. */
        if (strcmp(*o, "idmap") == 0 || strcmp(*o, "ridmap") == 0) {
            m->idmap = true;
            m->idmap_recursive |= (*o)[0] == 'r';
            continue;
        }
        data_append(&m->data, *o);
    }
    m->bind = (m->flags & MS_BIND) != 0;
    m->recursive_bind = m->bind && (m->flags & MS_REC) != 0;
    /* "bind" in the type field means a bind mount too (runc and crun accept it). */
    if (!m->bind && (is_type(m, "bind") || is_type(m, "rbind"))) {
        m->bind = true;
        m->recursive_bind = is_type(m, "rbind");
        m->flags |= MS_BIND | (m->recursive_bind ? MS_REC : 0);
    }
    /* config.md: mappings "SHOULD" come with idmap or ridmap; alone they still ask for an idmapped mount. */
    if (m->n_uid_mappings > 0)
        m->idmap = true;
    if (m->idmap && !m->bind)
        return hull_error_set(err, 0, "%s.options: idmap and ridmap are supported on bind mounts only", field);
    /* config.md: without the mount's own mappings the runtime "MAY use the
     * container's user namespace mapping, otherwise an error MUST be returned". */
    if (m->idmap && m->n_uid_mappings == 0)
        return hull_error_set(err, 0,
                              "%s.options: idmap needs the mount's uidMappings and gidMappings (hull does not "
                              "take the container's user namespace mapping)",
                              field);
    /* What is left over would be handed to the kernel as filesystem options.
     * A bind mount has no filesystem to hand them to: mount(2) would drop
     * them without a word (a typo'd "rro" stayed writable). */
    if (m->bind && m->data != NULL)
        return hull_error_set(err, 0, "%s.options: \"%s\" is not a mount option hull knows, and a bind mount takes "
                                      "no filesystem options",
                              field, m->data);
    if (m->bind && (m->flags & SB_ONLY_FLAGS) != 0)
        return hull_error_set(err, 0, "%s.options: sync, dirsync and lazytime change the whole filesystem; a bind "
                                      "mount cannot apply them",
                              field);
    /* proc and sysfs are always nosuid,nodev,noexec (rootfs.c): asking for
     * the opposite would be accepted and not done. */
    if ((is_type(m, "proc") || is_type(m, "sysfs")) && !m->bind &&
        (m->clear_flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC)) != 0)
        return hull_error_set(err, 0, "%s.options: hull mounts %s nosuid,nodev,noexec; \"suid\", \"dev\" and "
                                      "\"exec\" are refused",
                              field, m->type);
    /* The cgroup mount is hull's own (a cgroup2 mount, or a tmpfs of v1
     * hierarchies), always nosuid,nodev,noexec,relatime; it takes ro/rw,
     * the recursive attributes and propagation, nothing else. */
    if (is_type(m, "cgroup") && !m->bind) {
        unsigned long allowed = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME;
        if ((m->flags & ~allowed) != 0 || (m->clear_flags & ~MS_RDONLY) != 0 || m->data != NULL)
            return hull_error_set(err, 0, "%s.options: a cgroup mount takes only ro/rw, nosuid, nodev, noexec, "
                                          "relatime, the recursive (r*) attributes and propagation",
                                  field);
    }
    return 0;
}

int spec_mount_derive(struct hull_mount *m, const char *field, struct hull_error **err)
{
    m->flags = m->clear_flags = m->propagation = 0;
    m->bind = m->recursive_bind = m->tmpcopyup = m->idmap = m->idmap_recursive = false;
    m->rec_attr_set = m->rec_attr_clr = 0;
    free(m->data);
    m->data = NULL;
    return derive_mount_flags(m, field, err);
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
    return derive_mount_flags(m, field, err);
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
