/* hull: the `linux` object of config.json (config-linux.md), except
 * resources and seccomp which have their own files. */
#include <errno.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <linux/mempolicy.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/statfs.h>

#include "spec_internal.h"
#include "util/idlist.h"
#include "util/utils.h"

/* The kernel accepts at most 340 lines in uid_map/gid_map (user_namespaces(7), since 4.15). */
#define ID_MAP_MAX_EXTENTS 340

static bool ranges_overlap(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
    return a < b + b_size && b < a + a_size;
}

int spec_parse_id_mappings(struct json_object *array, const char *field, struct hull_id_mapping **out, size_t *n_out,
                           struct hull_error **err)
{
    size_t n = json_object_array_length(array);
    if (n > ID_MAP_MAX_EXTENTS)
        return hull_error_set(err, 0, "%s has %zu entries; the kernel accepts at most %d", field, n,
                              ID_MAP_MAX_EXTENTS);
    struct hull_id_mapping *maps = xmalloc0((n ? n : 1) * sizeof *maps);
    *out = maps; /* owned by the caller's struct from here on, even on error */
    *n_out = n;
    for (size_t i = 0; i < n; i++) {
        struct spec_field item = spec_field_index(field, i);
        struct json_object *obj = json_object_array_get_idx(array, i);
        if (obj == NULL || !json_object_is_type(obj, json_type_object))
            return spec_error_type(err, item.s, obj, "an object");
        uint64_t container_id, host_id, size;
        int r;
        if ((r = spec_get_uint64(obj, item.s, "containerID", UINT32_MAX, &container_id, err)) <= 0)
            return r < 0 ? r : spec_error_missing(err, item.s, "containerID");
        if ((r = spec_get_uint64(obj, item.s, "hostID", UINT32_MAX, &host_id, err)) <= 0)
            return r < 0 ? r : spec_error_missing(err, item.s, "hostID");
        if ((r = spec_get_uint64(obj, item.s, "size", UINT32_MAX, &size, err)) <= 0)
            return r < 0 ? r : spec_error_missing(err, item.s, "size");
        if (size == 0)
            return hull_error_set(err, 0, "%s.size must be greater than 0", item.s);
        /* IDs are 32-bit: a range may end at 2^32 but not beyond. */
        if (container_id + size > (uint64_t)UINT32_MAX + 1)
            return hull_error_set(err, 0, "%s: containerID %" PRIu64 " + size %" PRIu64 " goes beyond 2^32", item.s,
                                  container_id, size);
        if (host_id + size > (uint64_t)UINT32_MAX + 1)
            return hull_error_set(err, 0, "%s: hostID %" PRIu64 " + size %" PRIu64 " goes beyond 2^32", item.s, host_id,
                                  size);
        /* The kernel refuses a map whose ranges overlap on either side (mappings_overlap()). */
        for (size_t k = 0; k < i; k++) {
            if (ranges_overlap(container_id, size, maps[k].container_id, maps[k].size))
                return hull_error_set(err, 0, "%s: containerID range overlaps %s[%zu]", item.s, field, k);
            if (ranges_overlap(host_id, size, maps[k].host_id, maps[k].size))
                return hull_error_set(err, 0, "%s: hostID range overlaps %s[%zu]", item.s, field, k);
        }
        maps[i].container_id = (uint32_t)container_id;
        maps[i].host_id = (uint32_t)host_id;
        maps[i].size = (uint32_t)size;
    }
    return 0;
}

static int parse_namespaces(struct json_object *array, const char *field, struct hull_linux *l, struct hull_error **err)
{
    size_t n = json_object_array_length(array);
    size_t seen_at[HULL_NS__COUNT] = {0};
    for (size_t i = 0; i < n; i++) {
        struct spec_field item = spec_field_index(field, i);
        struct json_object *obj = json_object_array_get_idx(array, i);
        if (obj == NULL || !json_object_is_type(obj, json_type_object))
            return spec_error_type(err, item.s, obj, "an object");
        cleanup_free char *type = NULL;
        int r = spec_get_string(obj, item.s, "type", &type, err);
        if (r < 0)
            return r;
        if (r == 0)
            return spec_error_missing(err, item.s, "type");
        int t = -1;
        for (int k = 0; k < HULL_NS__COUNT; k++)
            if (strcmp(type, spec_ns_name(k)) == 0)
                t = k;
        if (t < 0)
            return hull_error_set(err, 0,
                                  "%s.type \"%s\" is not a namespace type (pid, network, mount, ipc, uts, user, "
                                  "cgroup, time)",
                                  item.s, type);
        /* config-linux.md: "Duplicated namespaces with same type are not allowed." */
        if (l->namespaces[t].present)
            return hull_error_set(err, 0, "%s.type \"%s\" is given twice (also %s[%zu])", item.s, type, field,
                                  seen_at[t]);
        l->namespaces[t].present = true;
        seen_at[t] = i;
        if ((r = spec_get_string(obj, item.s, "path", &l->namespaces[t].path, err)) < 0)
            return r;
        if (r > 0 && l->namespaces[t].path[0] == '\0') {
            /* An empty path means "create a new one", as in runc. */
            free(l->namespaces[t].path);
            l->namespaces[t].path = NULL;
        } else if (r > 0 && l->namespaces[t].path[0] != '/') {
            return hull_error_set(err, 0, "%s.path \"%s\" must be an absolute path", item.s, l->namespaces[t].path);
        }
    }
    return 0;
}

static int check_user_namespace(const char *field, struct hull_linux *l, struct hull_error **err)
{
    const struct hull_namespace *user = &l->namespaces[HULL_NS_USER];
    bool has_maps = l->n_uid_mappings > 0 || l->n_gid_mappings > 0;
    if (has_maps && !user->present)
        return hull_error_set(err, 0, "%s.%s is set but %s.namespaces has no user namespace", field,
                              l->n_uid_mappings > 0 ? "uidMappings" : "gidMappings", field);
    /* A new user namespace has no mapping until one is written, and nothing
     * (not even root) could run inside it; runc refuses this too. */
    if (user->present && user->path == NULL) {
        if (l->n_uid_mappings == 0)
            return hull_error_set(err, 0, "%s.uidMappings is required to create a new user namespace", field);
        if (l->n_gid_mappings == 0)
            return hull_error_set(err, 0, "%s.gidMappings is required to create a new user namespace", field);
    }
    return 0;
}

static int parse_time_offset(struct json_object *obj, const char *parent, const char *key, int64_t *secs,
                             uint32_t *nanosecs, struct hull_error **err)
{
    struct json_object *sub = NULL;
    int r = spec_get_object(obj, parent, key, &sub, err);
    if (r <= 0)
        return r;
    struct spec_field field = spec_field_key(parent, key);
    uint64_t ns = 0;
    if (spec_get_int64(sub, field.s, "secs", INT64_MIN, INT64_MAX, secs, err) < 0 ||
        spec_get_uint64(sub, field.s, "nanosecs", 999999999, &ns, err) < 0)
        return -1;
    *nanosecs = (uint32_t)ns;
    return 1;
}

static int parse_devices(struct json_object *array, const char *field, struct hull_linux *l, struct hull_error **err)
{
    size_t n = json_object_array_length(array);
    l->devices = xmalloc0((n ? n : 1) * sizeof *l->devices);
    l->n_devices = n;
    for (size_t i = 0; i < n; i++) {
        struct spec_field item = spec_field_index(field, i);
        struct json_object *obj = json_object_array_get_idx(array, i);
        struct hull_device *d = &l->devices[i];
        if (obj == NULL || !json_object_is_type(obj, json_type_object))
            return spec_error_type(err, item.s, obj, "an object");
        int r = spec_get_string(obj, item.s, "path", &d->path, err);
        if (r < 0)
            return r;
        if (r == 0)
            return spec_error_missing(err, item.s, "path");
        if (d->path[0] != '/')
            return hull_error_set(err, 0, "%s.path \"%s\" must be an absolute path", item.s, d->path);
        cleanup_free char *type = NULL;
        if ((r = spec_get_string(obj, item.s, "type", &type, err)) < 0)
            return r;
        if (r == 0)
            return spec_error_missing(err, item.s, "type");
        if (strlen(type) != 1 || strchr("cbup", type[0]) == NULL)
            return hull_error_set(err, 0, "%s.type \"%s\" is not a device type (c, b, u or p)", item.s, type);
        d->type = type[0];
        /* config-linux.md: major/minor are "REQUIRED unless type is p". */
        if ((r = spec_get_int64(obj, item.s, "major", 0, INT64_MAX, &d->major, err)) < 0)
            return r;
        if (r == 0 && d->type != 'p')
            return spec_error_missing(err, item.s, "major");
        if ((r = spec_get_int64(obj, item.s, "minor", 0, INT64_MAX, &d->minor, err)) < 0)
            return r;
        if (r == 0 && d->type != 'p')
            return spec_error_missing(err, item.s, "minor");
        uint64_t v = 0;
        if ((r = spec_get_uint64(obj, item.s, "fileMode", UINT32_MAX, &v, err)) < 0)
            return r;
        if (r > 0) {
            /* Some tools include S_IFCHR/S_IFBLK bits; the type comes from `type`. */
            d->has_file_mode = true;
            d->file_mode = (mode_t)(v & 07777);
        }
        if ((r = spec_get_uint64(obj, item.s, "uid", UINT32_MAX, &v, err)) < 0)
            return r;
        if (r > 0) {
            d->has_uid = true;
            d->uid = (uid_t)v;
        }
        if ((r = spec_get_uint64(obj, item.s, "gid", UINT32_MAX, &v, err)) < 0)
            return r;
        if (r > 0) {
            d->has_gid = true;
            d->gid = (gid_t)v;
        }
    }
    return 0;
}

/* The spec lists shared/slave/private/unbindable; runc also accepts the
 * recursive spellings, and configs in the wild use them. */
const struct spec_flag_name spec_propagation_modes[] = {
    {"", 0},
    {"shared", MS_SHARED},
    {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},
    {"rslave", MS_SLAVE | MS_REC},
    {"private", MS_PRIVATE},
    {"rprivate", MS_PRIVATE | MS_REC},
    {"unbindable", MS_UNBINDABLE},
    {"runbindable", MS_UNBINDABLE | MS_REC},
    {NULL, 0},
};

static int parse_rootfs_propagation(struct json_object *obj, const char *field, struct hull_linux *l,
                                    struct hull_error **err)
{
    cleanup_free char *value = NULL;
    int r = spec_get_string(obj, field, "rootfsPropagation", &value, err);
    if (r <= 0)
        return r;
    for (size_t i = 0; spec_propagation_modes[i].name != NULL; i++) {
        if (strcmp(value, spec_propagation_modes[i].name) == 0) {
            l->rootfs_propagation = (unsigned long)spec_propagation_modes[i].value;
            return 0;
        }
    }
    return hull_error_set(err, 0,
                          "%s \"%s\" is not a propagation mode (shared, slave, private, unbindable, or "
                          "rshared, rslave, rprivate, runbindable)",
                          spec_field_key(field, "rootfsPropagation").s, value);
}

static int parse_path_list(struct json_object *obj, const char *field, const char *key, char ***out,
                           struct hull_error **err)
{
    int r = spec_get_strv(obj, field, key, out, err);
    if (r <= 0)
        return r;
    for (size_t i = 0; (*out)[i] != NULL; i++) {
        /* Paths are "inside the container"; a relative one has no meaning there. */
        if ((*out)[i][0] != '/')
            return hull_error_set(err, 0, "%s \"%s\" must be an absolute path",
                                  spec_field_index(spec_field_key(field, key).s, i).s, (*out)[i]);
    }
    return 0;
}

static int parse_personality(struct json_object *obj, const char *field, struct hull_linux *l, struct hull_error **err)
{
    int r = spec_get_string(obj, field, "domain", &l->personality_domain, err);
    if (r < 0)
        return r;
    if (r == 0)
        return spec_error_missing(err, field, "domain");
    if (strcmp(l->personality_domain, "LINUX") == 0)
        l->personality = PER_LINUX;
    else if (strcmp(l->personality_domain, "LINUX32") == 0)
        l->personality = PER_LINUX32;
    else
        return hull_error_set(err, 0, "%s.domain \"%s\" is not a personality domain (LINUX or LINUX32)", field,
                              l->personality_domain);
    cleanup_strv char **flags = NULL;
    if (spec_get_strv(obj, field, "flags", &flags, err) < 0)
        return -1;
    /* config-linux.md: "Currently no flag values are supported." */
    if (flags && flags[0])
        return hull_error_set(err, 0, "%s \"%s\": the spec defines no personality flags",
                              spec_field_index(spec_field_key(field, "flags").s, 0).s, flags[0]);
    l->has_personality = true;
    return 0;
}

const struct spec_flag_name spec_mempolicy_modes[] = {
    {"MPOL_DEFAULT", MPOL_DEFAULT},
    {"MPOL_PREFERRED", MPOL_PREFERRED},
    {"MPOL_BIND", MPOL_BIND},
    {"MPOL_INTERLEAVE", MPOL_INTERLEAVE},
    {"MPOL_LOCAL", MPOL_LOCAL},
    {"MPOL_PREFERRED_MANY", MPOL_PREFERRED_MANY},
    {"MPOL_WEIGHTED_INTERLEAVE", 6}, /* Linux 6.9; older uapi headers lack the name */
    {NULL, 0},
};
const struct spec_flag_name spec_mempolicy_flags[] = {
    {"MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING},
    {"MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES},
    {"MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES},
    {NULL, 0},
};

/* Syntax and the rules set_mempolicy(2) states; whether the host has the nodes
 * is checked at create (process_attrs.c). */
static int parse_memory_policy(struct json_object *obj, const char *field, struct hull_linux *l,
                               struct hull_error **err)
{
    cleanup_free char *mode = NULL;
    int r = spec_get_string(obj, field, "mode", &mode, err);
    if (r < 0)
        return r;
    if (r == 0)
        return spec_error_missing(err, field, "mode");
    size_t k = 0;
    while (spec_mempolicy_modes[k].name != NULL && strcmp(mode, spec_mempolicy_modes[k].name) != 0)
        k++;
    if (spec_mempolicy_modes[k].name == NULL)
        return hull_error_set(err, 0, "%s.mode \"%s\" is not a memory policy mode (MPOL_DEFAULT, MPOL_BIND, ...)",
                              field, mode);
    l->mempolicy_mode = (int)spec_mempolicy_modes[k].value;
    if ((r = spec_get_string(obj, field, "nodes", &l->mempolicy_nodes, err)) < 0)
        return r;
    struct idlist nodes = {{0}};
    if (r > 0 && idlist_parse(l->mempolicy_nodes, &nodes) < 0)
        return hull_error_set(err, 0, "%s.nodes \"%s\" is not a node list (like \"0-3,7\")", field,
                              l->mempolicy_nodes);
    if (idlist_empty(&nodes)) {
        free(l->mempolicy_nodes);
        l->mempolicy_nodes = NULL;
    }
    bool no_nodes = l->mempolicy_mode == MPOL_DEFAULT || l->mempolicy_mode == MPOL_LOCAL;
    /* MPOL_PREFERRED alone may go without nodes (then it means "local"). */
    bool needs_nodes = !no_nodes && l->mempolicy_mode != MPOL_PREFERRED;
    if (no_nodes && l->mempolicy_nodes)
        return hull_error_set(err, 0, "%s.nodes must be empty for %s", field, mode);
    if (needs_nodes && !l->mempolicy_nodes)
        return hull_error_set(err, 0, "%s.nodes is required for %s", field, mode);
    cleanup_strv char **flags = NULL;
    if (spec_get_strv(obj, field, "flags", &flags, err) < 0)
        return -1;
    for (size_t i = 0; flags && flags[i]; i++) {
        size_t f = 0;
        while (spec_mempolicy_flags[f].name != NULL && strcmp(flags[i], spec_mempolicy_flags[f].name) != 0)
            f++;
        if (spec_mempolicy_flags[f].name == NULL)
            return hull_error_set(err, 0,
                                  "%s \"%s\" is not a memory policy flag (MPOL_F_NUMA_BALANCING, "
                                  "MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES)",
                                  spec_field_index(spec_field_key(field, "flags").s, i).s, flags[i]);
        l->mempolicy_flags |= (unsigned)spec_mempolicy_flags[f].value;
    }
    l->has_memory_policy = true;
    return 0;
}

/* linux.netDevices: {"HOSTNAME": {"name": "INSIDE"}}.  Interface names are at
 * most IFNAMSIZ-1 bytes, without '/', ':' or whitespace (dev_valid_name()). */
static bool valid_ifname(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= IFNAMSIZ || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return false;
    for (; *s; s++)
        if (*s == '/' || *s == ':' || *s == ' ' || *s == '\t' || *s == '\n')
            return false;
    return true;
}

static int parse_net_devices(struct json_object *obj, const char *field, struct hull_linux *l,
                             struct hull_error **err)
{
    size_t n = (size_t)json_object_object_length(obj), i = 0;
    l->net_devices = xmalloc0((n ? n : 1) * sizeof *l->net_devices);
    json_object_object_foreach(obj, key, value)
    {
        struct spec_field dfield = spec_field_key(field, key);
        struct hull_net_device *d = &l->net_devices[i++];
        l->n_net_devices = i;
        d->host_name = xstrdup(key);
        if (!valid_ifname(key))
            return hull_error_set(err, 0, "%s: \"%s\" is not a network device name", field, key);
        if (value != NULL && !json_object_is_type(value, json_type_object))
            return spec_error_type(err, dfield.s, value, "an object");
        int r = value ? spec_get_string(value, dfield.s, "name", &d->name, err) : 0;
        if (r < 0)
            return r;
        if (r == 0 || d->name[0] == '\0') {
            free(d->name);
            d->name = xstrdup(key);
        }
        if (!valid_ifname(d->name))
            return hull_error_set(err, 0, "%s.name \"%s\" is not a network device name", dfield.s, d->name);
        /* config-linux.md: a name that already exists MUST be an error, unless it is a "%d" template. */
        for (size_t k = 0; k + 1 < i; k++)
            if (strcmp(l->net_devices[k].name, d->name) == 0 && !strstr(d->name, "%d"))
                return hull_error_set(err, 0, "%s.name \"%s\" is given to two devices", dfield.s, d->name);
    }
    return 0;
}

/* Intel RDT goes through the resctrl filesystem; hull does not write it, and
 * without it mounted no runtime could. Either way the field is refused. */
static int refuse_intel_rdt(const char *field, struct hull_error **err)
{
    struct statfs st;
    bool mounted = statfs("/sys/fs/resctrl", &st) == 0 && st.f_type == RDTGROUP_SUPER_MAGIC;
    if (!mounted)
        return hull_error_set(err, ENOTSUP, "%s needs resctrl, which is not mounted at /sys/fs/resctrl on this host",
                              field);
    return hull_error_set(err, ENOTSUP, "%s is not supported by hull (it would not be applied)", field);
}

/* The nested section KEY of the linux object (an object, or an array when
 * want says so) handed to parse with its path "FIELD.KEY"; nothing when absent. */
static int parse_section(struct json_object *obj, const char *field, const char *key, enum json_type want,
                         int (*parse)(struct json_object *, const char *, struct hull_linux *, struct hull_error **),
                         struct hull_linux *l, struct hull_error **err)
{
    struct json_object *sub = NULL;
    int r = want == json_type_array ? spec_get_array(obj, field, key, &sub, err)
                                    : spec_get_object(obj, field, key, &sub, err);
    if (r <= 0)
        return r;
    return parse(sub, spec_field_key(field, key).s, l, err) < 0 ? -1 : 0;
}

static int parse_uid_mappings(struct json_object *array, const char *field, struct hull_linux *l,
                              struct hull_error **err)
{
    return spec_parse_id_mappings(array, field, &l->uid_mappings, &l->n_uid_mappings, err);
}

static int parse_gid_mappings(struct json_object *array, const char *field, struct hull_linux *l,
                              struct hull_error **err)
{
    return spec_parse_id_mappings(array, field, &l->gid_mappings, &l->n_gid_mappings, err);
}

/* timeOffsets only mean something to a time namespace the container creates:
 * checked before the offsets, from the namespaces parsed earlier. */
static int parse_time_offsets(struct json_object *obj, const char *field, struct hull_linux *l,
                              struct hull_error **err)
{
    struct json_object *sub = NULL;
    int r = spec_get_object(obj, field, "timeOffsets", &sub, err);
    if (r <= 0)
        return r;
    struct spec_field tfield = spec_field_key(field, "timeOffsets");
    if (!l->namespaces[HULL_NS_TIME].present || l->namespaces[HULL_NS_TIME].path != NULL)
        return hull_error_set(err, 0, "%s needs a new time namespace in %s.namespaces", tfield.s, field);
    if (parse_time_offset(sub, tfield.s, "monotonic", &l->monotonic_secs, &l->monotonic_nanosecs, err) < 0 ||
        parse_time_offset(sub, tfield.s, "boottime", &l->boottime_secs, &l->boottime_nanosecs, err) < 0)
        return -1;
    l->has_time_offsets = true;
    return 0;
}

static int parse_resources(struct json_object *obj, const char *field, struct hull_linux *l, struct hull_error **err)
{
    l->has_resources = true;
    return spec_parse_resources_at(obj, field, &l->resources, err);
}

static int parse_seccomp(struct json_object *obj, const char *field, struct hull_linux *l, struct hull_error **err)
{
    l->seccomp = xmalloc0(sizeof *l->seccomp);
    return spec_parse_seccomp_json(obj, field, l->seccomp, err);
}

/* Moving a device into the container needs a network namespace to move it to. */
static int parse_net_devices_member(struct json_object *obj, const char *field, struct hull_linux *l,
                                    struct hull_error **err)
{
    if (parse_section(obj, field, "netDevices", json_type_object, parse_net_devices, l, err) < 0)
        return -1;
    if (l->n_net_devices > 0 && !l->namespaces[HULL_NS_NET].present)
        return hull_error_set(err, 0, "%s needs a network namespace in %s.namespaces",
                              spec_field_key(field, "netDevices").s, field);
    return 0;
}

/* The members in one fixed order: the checks across members (user and time
 * namespaces, net devices) need the namespaces first, and of two bad members
 * the same one is always the one reported. */
int spec_parse_linux_json(struct json_object *obj, const char *field, struct hull_linux *l, struct hull_error **err)
{
    if (spec_member(obj, "intelRdt") != NULL)
        return refuse_intel_rdt(spec_field_key(field, "intelRdt").s, err);
    if (parse_section(obj, field, "namespaces", json_type_array, parse_namespaces, l, err) < 0 ||
        parse_section(obj, field, "uidMappings", json_type_array, parse_uid_mappings, l, err) < 0 ||
        parse_section(obj, field, "gidMappings", json_type_array, parse_gid_mappings, l, err) < 0 ||
        check_user_namespace(field, l, err) < 0 || parse_time_offsets(obj, field, l, err) < 0 ||
        parse_section(obj, field, "devices", json_type_array, parse_devices, l, err) < 0 ||
        spec_get_string(obj, field, "cgroupsPath", &l->cgroups_path, err) < 0 ||
        parse_section(obj, field, "resources", json_type_object, parse_resources, l, err) < 0 ||
        spec_get_string_map(obj, field, "sysctl", &l->sysctl, &l->n_sysctl, err) < 0 ||
        parse_section(obj, field, "seccomp", json_type_object, parse_seccomp, l, err) < 0 ||
        parse_rootfs_propagation(obj, field, l, err) < 0 ||
        parse_path_list(obj, field, "maskedPaths", &l->masked_paths, err) < 0 ||
        parse_path_list(obj, field, "readonlyPaths", &l->readonly_paths, err) < 0 ||
        spec_get_string(obj, field, "mountLabel", &l->mount_label, err) < 0 ||
        parse_section(obj, field, "personality", json_type_object, parse_personality, l, err) < 0 ||
        parse_section(obj, field, "memoryPolicy", json_type_object, parse_memory_policy, l, err) < 0 ||
        parse_net_devices_member(obj, field, l, err) < 0)
        return -1;
    return 0;
}
