/* hull: the isolation report for machines (`hull inspect --isolation
 * --format json`), in the PascalCase of `docker inspect`.
 *
 * Conventions: a limit that is not known (no such cgroup file, nothing in the
 * config) is left out; a limit that is "no limit" is null; a number otherwise.
 * Kernel-only facts (namespace inodes, the Seccomp mode) are null when the
 * report comes from the config of a container that is not running. */
#include <json-c/json.h>
#include <stdlib.h>

#include "cgroup/cgroup.h"
#include "security/security.h"
#include "util/utils.h"
#include "isolation.h"

static void add(struct json_object *o, const char *key, struct json_object *v)
{
    json_object_object_add(o, key, v);
}

static struct json_object *str_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static struct json_object *strv_json(char **v, size_t n)
{
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; v && i < n; i++)
        json_object_array_add(a, json_object_new_string(v[i]));
    return a;
}

static void add_limit(struct json_object *o, const char *key, int64_t v)
{
    if (v == ISOLATION_UNKNOWN)
        return;
    add(o, key, v == ISOLATION_UNLIMITED ? NULL : json_object_new_int64(v));
}

static struct json_object *namespaces_json(const struct isolation_report *r)
{
    struct json_object *a = json_object_new_array();
    bool kernel = r->source == ISOLATION_FROM_KERNEL;
    for (size_t i = 0; i < HULL_NS__COUNT; i++) {
        const struct isolation_namespace *ns = &r->namespaces[isolation_ns_order[i]];
        struct json_object *o = json_object_new_object();
        add(o, "Type", json_object_new_string(ns->name));
        add(o, "Supported", json_object_new_boolean(ns->supported));
        add(o, "Inode", kernel && ns->inode ? json_object_new_uint64(ns->inode) : NULL);
        add(o, "HostInode", ns->host_inode ? json_object_new_uint64(ns->host_inode) : NULL);
        add(o, "InitInode", ns->init_inode ? json_object_new_uint64(ns->init_inode) : NULL);
        add(o, "Private", json_object_new_boolean(ns->private_ns));
        add(o, "Path", str_or_null(ns->joined_path));
        json_object_array_add(a, o);
    }
    return a;
}

static struct json_object *id_map_json(const struct isolation_id_map *m, size_t n)
{
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_new_object();
        add(o, "ContainerID", json_object_new_int64(m[i].inside));
        add(o, "HostID", json_object_new_int64(m[i].outside));
        add(o, "Size", json_object_new_int64(m[i].count));
        json_object_array_add(a, o);
    }
    return a;
}

static struct json_object *user_json(const struct isolation_user *u)
{
    struct json_object *o = json_object_new_object();
    add(o, "Uid", json_object_new_int64(u->uid));
    add(o, "Gid", json_object_new_int64(u->gid));
    add(o, "EffectiveUid", json_object_new_int64(u->euid));
    add(o, "EffectiveGid", json_object_new_int64(u->egid));
    struct json_object *groups = json_object_new_array();
    for (size_t i = 0; i < u->n_groups; i++)
        json_object_array_add(groups, json_object_new_int64(u->groups[i]));
    add(o, "Groups", groups);
    add(o, "UidMap", id_map_json(u->uid_map, u->n_uid_map));
    add(o, "GidMap", id_map_json(u->gid_map, u->n_gid_map));
    return o;
}

static struct json_object *cap_set_json(uint64_t mask)
{
    struct json_object *o = json_object_new_object(), *names = json_object_new_array();
    int count = 0;
    for (int c = 0; c < 64; c++) {
        if (!(mask & (UINT64_C(1) << c)))
            continue;
        count++;
        cleanup_free char *name = caps_name(c);
        json_object_array_add(names, json_object_new_string(name));
    }
    add(o, "Count", json_object_new_int(count));
    add(o, "Names", names);
    return o;
}

static struct json_object *caps_json(const struct isolation_caps *c)
{
    struct json_object *o = json_object_new_object();
    add(o, "Known", json_object_new_int(c->known));
    add(o, "HostBounding", cap_set_json(c->host_bounding));
    add(o, "Effective", cap_set_json(c->effective));
    add(o, "Permitted", cap_set_json(c->permitted));
    add(o, "Bounding", cap_set_json(c->bounding));
    add(o, "Inheritable", cap_set_json(c->inheritable));
    add(o, "Ambient", cap_set_json(c->ambient));
    return o;
}

static struct json_object *seccomp_json(const struct isolation_seccomp *s)
{
    struct json_object *o = json_object_new_object();
    add(o, "Mode", s->mode >= 0 ? json_object_new_int(s->mode) : NULL);
    add(o, "Filters", s->filters >= 0 ? json_object_new_int(s->filters) : NULL);
    add(o, "Profile", json_object_new_boolean(s->has_profile));
    add(o, "DefaultAction", str_or_null(s->default_action));
    add(o, "Architecture", json_object_new_string(s->arch));
    add(o, "Libseccomp", json_object_new_string(s->libseccomp_version));
    add(o, "Syscalls", json_object_new_int64((int64_t)s->total));
    add(o, "Allowed", json_object_new_int64((int64_t)s->n_allowed));
    add(o, "Denied", json_object_new_int64((int64_t)s->n_denied));
    add(o, "AllowedNames", strv_json(s->allowed, s->n_allowed));
    add(o, "ConditionalNames", strv_json(s->conditional, s->n_conditional));
    add(o, "DeniedNames", strv_json(s->denied, s->n_denied));
    add(o, "OtherNames", strv_json(s->other, s->n_other));
    add(o, "UnknownNamesInProfile", json_object_new_int64((int64_t)s->n_unknown_names));
    return o;
}

static struct json_object *limits_json(const struct isolation_limits *l)
{
    struct json_object *o = json_object_new_object();
    add_limit(o, "MemoryBytes", l->memory_bytes);
    add_limit(o, "MemorySwapBytes", l->memory_swap_bytes);
    add_limit(o, "MemoryUsageBytes", l->memory_usage);
    add_limit(o, "CpuQuotaMicroseconds", l->cpu_quota_us);
    add_limit(o, "CpuPeriodMicroseconds", l->cpu_period_us);
    if (l->cpu_quota_us > 0 && l->cpu_period_us > 0)
        add(o, "Cpus", json_object_new_double((double)l->cpu_quota_us / (double)l->cpu_period_us));
    else if (l->cpu_quota_us == ISOLATION_UNLIMITED)
        add(o, "Cpus", NULL);
    add_limit(o, "CpuShares", l->cpu_shares);
    add_limit(o, "CpuWeight", l->cpu_weight);
    add_limit(o, "PidsMax", l->pids_max);
    add_limit(o, "PidsCurrent", l->pids_current);
    if (l->cpuset_cpus)
        add(o, "CpusetCpus", json_object_new_string(l->cpuset_cpus));
    if (l->cpuset_mems)
        add(o, "CpusetMems", json_object_new_string(l->cpuset_mems));
    return o;
}

static struct json_object *cgroups_json(const struct isolation_report *r)
{
    struct json_object *o = json_object_new_object(), *a = json_object_new_array();
    for (size_t i = 0; i < r->n_cgroups; i++) {
        const struct isolation_cgroup *cg = &r->cgroups[i];
        struct json_object *h = json_object_new_object(), *files = json_object_new_object();
        add(h, "Version", json_object_new_int(cg->version));
        add(h, "Controllers", json_object_new_string(cg->controllers));
        add(h, "Path", json_object_new_string(cg->path));
        add(h, "Directory", str_or_null(cg->dir));
        for (size_t j = 0; j < cg->n_files; j++)
            add(files, cg->files[j].name, json_object_new_string(cg->files[j].value));
        add(h, "Files", files);
        json_object_array_add(a, h);
    }
    add(o, "Layout", json_object_new_string(cgroup_layout_name((enum cgroup_layout)r->cgroup_layout)));
    add(o, "Path", str_or_null(r->cgroups_path));
    add(o, "Hierarchies", a);
    add(o, "Limits", limits_json(&r->limits));
    return o;
}

static struct json_object *rootfs_json(const struct isolation_rootfs *rf)
{
    struct json_object *o = json_object_new_object();
    add(o, "Type", str_or_null(rf->type));
    add(o, "ReadOnly", json_object_new_boolean(rf->read_only));
    add(o, "Path", str_or_null(rf->path));
    add(o, "LowerDirs", strv_json(rf->lowerdirs, strv_length(rf->lowerdirs)));
    add(o, "UpperDir", str_or_null(rf->upperdir));
    add(o, "WorkDir", str_or_null(rf->workdir));
    return o;
}

static struct json_object *mounts_json(const struct isolation_mount *m, size_t n)
{
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_new_object();
        add(o, "Destination", json_object_new_string(m[i].destination));
        add(o, "Type", json_object_new_string(m[i].type));
        add(o, "Source", json_object_new_string(m[i].source));
        add(o, "Root", json_object_new_string(m[i].root));
        add(o, "Options", json_object_new_string(m[i].options));
        add(o, "SuperOptions", json_object_new_string(m[i].super_options));
        add(o, "ReadOnly", json_object_new_boolean(m[i].read_only));
        json_object_array_add(a, o);
    }
    return a;
}

const char *isolation_path_state_name(enum isolation_path_state s)
{
    switch (s) {
    case ISOLATION_PATH_APPLIED:
        return "applied";
    case ISOLATION_PATH_ABSENT:
        return "absent";
    case ISOLATION_PATH_NOT_APPLIED:
        return "not-applied";
    case ISOLATION_PATH_CONFIGURED:
        return "configured";
    }
    return "unknown";
}

static struct json_object *paths_json(const struct isolation_path *p, size_t n)
{
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_new_object();
        add(o, "Path", json_object_new_string(p[i].path));
        add(o, "State", json_object_new_string(isolation_path_state_name(p[i].state)));
        add(o, "How", str_or_null(p[i].how));
        json_object_array_add(a, o);
    }
    return a;
}

struct json_object *isolation_report_json(const struct isolation_report *r)
{
    struct json_object *o = json_object_new_object();
    add(o, "Running", json_object_new_boolean(r->source == ISOLATION_FROM_KERNEL));
    add(o, "Source", json_object_new_string(r->source == ISOLATION_FROM_KERNEL ? "kernel" : "config"));
    add(o, "Pid", json_object_new_int(r->pid));
    add(o, "Hostname", str_or_null(r->hostname));
    add(o, "Namespaces", namespaces_json(r));
    add(o, "User", user_json(&r->user));
    add(o, "Capabilities", caps_json(&r->caps));
    add(o, "NoNewPrivileges", json_object_new_boolean(r->no_new_privs));
    add(o, "Seccomp", seccomp_json(&r->seccomp));
    add(o, "Cgroups", cgroups_json(r));
    add(o, "RootFilesystem", rootfs_json(&r->rootfs));
    add(o, "Mounts", mounts_json(r->mounts, r->n_mounts));
    add(o, "MaskedPaths", paths_json(r->masked, r->n_masked));
    add(o, "ReadonlyPaths", paths_json(r->readonly, r->n_readonly));
    return o;
}
