/* hull: gathering what isolates a container (see isolation.h): namespaces,
 * user ids, capabilities, no_new_privs, seccomp; the cgroup and filesystem
 * parts live in isolation_cgroup.c and isolation_fs.c. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "security/security.h"
#include "container/container.h"
#include "container/state.h"
#include "engine/record.h"
#include "util/utils.h"
#include "isolation.h"

/* What a newcomer meets first: files, processes, network, name; then the
 * quieter ones. */
const enum hull_ns_type isolation_ns_order[HULL_NS__COUNT] = {
    HULL_NS_MNT, HULL_NS_PID, HULL_NS_NET, HULL_NS_UTS, HULL_NS_IPC, HULL_NS_USER, HULL_NS_CGROUP, HULL_NS_TIME,
};

/* The inode of a namespace link, "net:[4026531840]" -> 4026531840, or 0. */
static uint64_t ns_inode(const char *link_path)
{
    char target[128];
    ssize_t n = readlink(link_path, target, sizeof target - 1);
    if (n <= 0)
        return 0;
    target[n] = '\0';
    const char *open_bracket = strchr(target, '[');
    uint64_t ino = 0;
    if (!open_bracket || sscanf(open_bracket, "[%" SCNu64 "]", &ino) != 1)
        return 0;
    return ino;
}

static void namespaces_reference(struct isolation_report *r)
{
    for (int t = 0; t < HULL_NS__COUNT; t++) {
        struct isolation_namespace *ns = &r->namespaces[t];
        ns->type = (enum hull_ns_type)t;
        ns->name = spec_ns_proc_name(ns->type);
        cleanup_free char *self = xasprintf("/proc/self/ns/%s", ns->name);
        cleanup_free char *init = xasprintf("/proc/1/ns/%s", ns->name);
        ns->host_inode = ns_inode(self);
        ns->supported = ns->host_inode != 0;
        ns->init_inode = ns_inode(init);
    }
}

static int namespaces_from_kernel(pid_t pid, struct isolation_report *r, struct hull_error **err)
{
    for (int t = 0; t < HULL_NS__COUNT; t++) {
        struct isolation_namespace *ns = &r->namespaces[t];
        if (!ns->supported)
            continue;
        cleanup_free char *path = xasprintf("/proc/%d/ns/%s", pid, ns->name);
        ns->inode = ns_inode(path);
        if (ns->inode == 0)
            return hull_error_set(err, errno, "read the %s namespace of pid %d (%s)", ns->name, pid, path);
        ns->private_ns = ns->inode != ns->host_inode;
    }
    return 0;
}

static void namespaces_from_config(const struct hull_spec *spec, struct isolation_report *r)
{
    for (int t = 0; t < HULL_NS__COUNT; t++) {
        const struct hull_namespace *sn = &spec->linux_.namespaces[t];
        struct isolation_namespace *ns = &r->namespaces[t];
        ns->private_ns = sn->present;
        ns->joined_path = sn->path ? xstrdup(sn->path) : NULL;
    }
}

/* A "Key:\tvalue" line of /proc/PID/status; NULL when absent. */
static const char *status_field(const char *status, const char *key)
{
    size_t len = strlen(key);
    for (const char *line = status; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (!strncmp(line, key, len) && line[len] == ':')
            return line + len + 1 + strspn(line + len + 1, " \t");
    return NULL;
}

static uint64_t status_hex(const char *status, const char *key)
{
    const char *v = status_field(status, key);
    return v ? strtoull(v, NULL, 16) : 0;
}

static long status_long(const char *status, const char *key, long fallback)
{
    const char *v = status_field(status, key);
    return v ? strtol(v, NULL, 10) : fallback;
}

static void ids_from_status(const char *status, struct isolation_user *u)
{
    unsigned long real = 0, effective = 0;
    const char *v = status_field(status, "Uid");
    if (v && sscanf(v, "%lu %lu", &real, &effective) == 2) {
        u->uid = (uid_t)real;
        u->euid = (uid_t)effective;
    }
    v = status_field(status, "Gid");
    if (v && sscanf(v, "%lu %lu", &real, &effective) == 2) {
        u->gid = (gid_t)real;
        u->egid = (gid_t)effective;
    }
    v = status_field(status, "Groups");
    size_t cap = 0;
    for (const char *p = v; p && *p && *p != '\n'; p++)
        cap += *p == ' ' || *p == '\t';
    u->groups = xmalloc0((cap + 2) * sizeof *u->groups);
    for (const char *p = v; p && *p && *p != '\n';) {
        char *end;
        unsigned long g = strtoul(p, &end, 10);
        if (end == p)
            break;
        u->groups[u->n_groups++] = (gid_t)g;
        p = end + strspn(end, " \t");
    }
}

/* /proc/PID/uid_map: "inside outside count" per line. */
static int read_id_map(const char *path, struct isolation_id_map **out, size_t *n, struct hull_error **err)
{
    cleanup_free char *text = NULL;
    if (read_file(path, &text, NULL, err) < 0)
        return -1;
    size_t lines = 1;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    *out = xmalloc0(lines * sizeof **out);
    *n = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        struct isolation_id_map *m = &(*out)[*n];
        if (sscanf(line, "%" SCNu32 " %" SCNu32 " %" SCNu32, &m->inside, &m->outside, &m->count) == 3)
            (*n)++;
    }
    return 0;
}

static int process_from_kernel(pid_t pid, struct isolation_report *r, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("/proc/%d/status", pid);
    cleanup_free char *status = NULL;
    if (read_file(path, &status, NULL, err) < 0)
        return -1;
    ids_from_status(status, &r->user);
    r->caps.effective = status_hex(status, "CapEff");
    r->caps.permitted = status_hex(status, "CapPrm");
    r->caps.bounding = status_hex(status, "CapBnd");
    r->caps.inheritable = status_hex(status, "CapInh");
    r->caps.ambient = status_hex(status, "CapAmb");
    r->no_new_privs = status_long(status, "NoNewPrivs", 0) != 0;
    r->seccomp.mode = (int)status_long(status, "Seccomp", 0);
    r->seccomp.filters = (int)status_long(status, "Seccomp_filters", 0);
    cleanup_free char *uid_map = xasprintf("/proc/%d/uid_map", pid);
    cleanup_free char *gid_map = xasprintf("/proc/%d/gid_map", pid);
    if (read_id_map(uid_map, &r->user.uid_map, &r->user.n_uid_map, err) < 0 ||
        read_id_map(gid_map, &r->user.gid_map, &r->user.n_gid_map, err) < 0)
        return -1;
    return 0;
}

static uint64_t caps_mask(char **names)
{
    uint64_t mask = 0;
    for (char **n = names; n && *n; n++) {
        int v;
        if (caps_parse_name(*n, &v) == 0)
            mask |= UINT64_C(1) << v;
    }
    return mask;
}

static void process_from_config(const struct hull_spec *spec, struct isolation_report *r)
{
    const struct hull_process *p = spec->process;
    r->seccomp.mode = -1;
    r->seccomp.filters = -1;
    if (!p)
        return;
    r->user.uid = r->user.euid = p->user.uid;
    r->user.gid = r->user.egid = p->user.gid;
    r->user.groups = xmalloc0((p->user.n_additional_gids + 1) * sizeof *r->user.groups);
    for (size_t i = 0; i < p->user.n_additional_gids; i++)
        r->user.groups[r->user.n_groups++] = p->user.additional_gids[i];
    /* An absent capabilities section means none at all (runc, and us). */
    if (p->capabilities) {
        r->caps.effective = caps_mask(p->capabilities->effective);
        r->caps.permitted = caps_mask(p->capabilities->permitted);
        r->caps.bounding = caps_mask(p->capabilities->bounding);
        r->caps.inheritable = caps_mask(p->capabilities->inheritable);
        r->caps.ambient = caps_mask(p->capabilities->ambient);
    }
    r->no_new_privs = p->no_new_privileges;
    const struct hull_linux *l = &spec->linux_;
    struct isolation_id_map *maps[2] = {NULL, NULL};
    const struct hull_id_mapping *from[2] = {l->uid_mappings, l->gid_mappings};
    size_t counts[2] = {l->n_uid_mappings, l->n_gid_mappings};
    for (int k = 0; k < 2; k++) {
        maps[k] = xmalloc0((counts[k] + 1) * sizeof *maps[k]);
        for (size_t i = 0; i < counts[k]; i++)
            maps[k][i] = (struct isolation_id_map){from[k][i].container_id, from[k][i].host_id, from[k][i].size};
    }
    r->user.uid_map = maps[0];
    r->user.n_uid_map = counts[0];
    r->user.gid_map = maps[1];
    r->user.n_gid_map = counts[1];
}

int isolation_report_build(const char *bundle_dir, pid_t pid, struct isolation_report **out, struct hull_error **err)
{
    cleanup_spec struct hull_spec *spec = NULL;
    if (spec_load(bundle_dir, &spec, err) < 0)
        return hull_error_wrap(err, "read the container's config");
    cleanup_isolation_report struct isolation_report *r = xmalloc0(sizeof *r);
    r->source = pid > 0 ? ISOLATION_FROM_KERNEL : ISOLATION_FROM_CONFIG;
    r->pid = pid > 0 ? pid : 0;
    r->hostname = spec->hostname ? xstrdup(spec->hostname) : NULL;
    r->cgroups_path = spec->linux_.cgroups_path ? xstrdup(spec->linux_.cgroups_path) : NULL;
    r->caps.known = (int)cap_max_bits();
    cleanup_free char *self_status = NULL;
    if (read_file("/proc/self/status", &self_status, NULL, NULL) == 0)
        r->caps.host_bounding = status_hex(self_status, "CapBnd");
    namespaces_reference(r);
    /* The rules of the filter are only in the config, whatever the source. */
    if (isolation_seccomp_classify(spec->linux_.seccomp, &r->seccomp, err) < 0)
        return -1;
    if (pid > 0) {
        /* The process may exit at any point: a failed read is reported as that. */
        unsigned long long started = process_start_time(pid);
        if (namespaces_from_kernel(pid, r, err) < 0 || process_from_kernel(pid, r, err) < 0 ||
            isolation_read_cgroups(pid, r, err) < 0 || isolation_read_filesystem(pid, spec, r, err) < 0)
            return hull_error_wrap(err, "read the isolation of pid %d (did the container exit?)", pid);
        if (started == 0 || process_start_time(pid) != started)
            return hull_error_set(err, ESRCH, "the container's init (pid %d) exited while it was inspected", pid);
    } else {
        namespaces_from_config(spec, r);
        process_from_config(spec, r);
        r->cgroup_layout = cgroup_detect_layout();
        isolation_limits_from_config(spec->linux_.has_resources ? &spec->linux_.resources : NULL, &r->limits);
        if (isolation_filesystem_from_config(bundle_dir, spec, r, err) < 0)
            return -1;
    }
    *out = steal_pointer(&r);
    return 0;
}

static void paths_free(struct isolation_path *p, size_t n)
{
    for (size_t i = 0; p && i < n; i++) {
        free(p[i].path);
        free(p[i].how);
    }
    free(p);
}

void isolation_report_free(struct isolation_report *r)
{
    if (!r)
        return;
    free(r->hostname);
    for (int t = 0; t < HULL_NS__COUNT; t++)
        free(r->namespaces[t].joined_path);
    free(r->user.groups);
    free(r->user.uid_map);
    free(r->user.gid_map);
    struct isolation_seccomp *s = &r->seccomp;
    free(s->default_action);
    free(s->arch);
    free(s->libseccomp_version);
    strv_free(s->allowed);
    strv_free(s->conditional);
    strv_free(s->denied);
    strv_free(s->other);
    free(r->cgroups_path);
    for (size_t i = 0; i < r->n_cgroups; i++) {
        struct isolation_cgroup *cg = &r->cgroups[i];
        free(cg->controllers);
        free(cg->path);
        free(cg->dir);
        for (size_t j = 0; j < cg->n_files; j++) {
            free(cg->files[j].name);
            free(cg->files[j].value);
        }
        free(cg->files);
    }
    free(r->cgroups);
    free(r->limits.cpuset_cpus);
    free(r->limits.cpuset_mems);
    free(r->rootfs.type);
    strv_free(r->rootfs.lowerdirs);
    free(r->rootfs.upperdir);
    free(r->rootfs.workdir);
    free(r->rootfs.path);
    isolation_mounts_free(r->mounts, r->n_mounts);
    paths_free(r->masked, r->n_masked);
    paths_free(r->readonly, r->n_readonly);
    free(r);
}

void isolation_report_freep(struct isolation_report **r)
{
    isolation_report_free(*r);
}

int engine_container_isolation(const char *root, const char *runroot, const char *container,
                               struct engine_isolation *out, struct hull_error **err)
{
    *out = (struct engine_isolation){0};
    cleanup_free char *id = NULL;
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_container_lookup(root, runroot, container, &rec, &id, err) < 0)
        return -1;
    cleanup_free char *bundle = engine_container_dir(root, id);
    struct isolation_report *r = NULL;
    if (isolation_report_build(bundle, engine_container_live_init(runroot, id), &r, err) < 0) {
        hull_error_wrap(err, "inspect the isolation of container %.12s", id);
        return -1;
    }
    out->report = r;
    out->id = steal_pointer(&id);
    out->name = xstrdup(record_str(rec->name));
    out->short_name = xstrdup(engine_record_short_name(rec));
    out->status = xstrdup(record_str(rec->state.status));
    out->image = xstrdup(record_str(rec->config.image));
    out->bundle = steal_pointer(&bundle);
    return 0;
}

void engine_isolation_clear(struct engine_isolation *iso)
{
    isolation_report_freep(&iso->report);
    free(iso->id);
    free(iso->name);
    free(iso->short_name);
    free(iso->status);
    free(iso->image);
    free(iso->bundle);
    *iso = (struct engine_isolation){0};
}
