/* hull: a container's cgroups and the limits in force, read back from the
 * cgroup files -- the seeds' "cat /sys/fs/cgroup/sandbox/memory.max".
 *
 * /proc/PID/cgroup names the cgroup in every hierarchy ("4:memory:/hull/ID",
 * "0::/hull/ID" for v2); the host's own mountinfo tells where each hierarchy
 * is mounted, so the directory is MOUNTPOINT + PATH (minus the mount's root
 * when the host mounts a sub-tree).  This works the same on v1, hybrid and
 * v2 hosts and needs no state of ours: the kernel's word only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "util/utils.h"
#include "isolation.h"

/* The files worth showing per controller, and what they are. v1 first. */
struct limit_file {
    int version;
    const char *controller; /* v1: must be in the hierarchy; v2: must be in cgroup.controllers ("" = always) */
    const char *file;
};

static const struct limit_file limit_files[] = {
    {1, "memory", "memory.limit_in_bytes"},
    {1, "memory", "memory.memsw.limit_in_bytes"},
    {1, "memory", "memory.soft_limit_in_bytes"},
    {1, "memory", "memory.usage_in_bytes"},
    {1, "cpu", "cpu.cfs_quota_us"},
    {1, "cpu", "cpu.cfs_period_us"},
    {1, "cpu", "cpu.shares"},
    {1, "cpuset", "cpuset.cpus"},
    {1, "cpuset", "cpuset.mems"},
    {1, "pids", "pids.max"},
    {1, "pids", "pids.current"},
    {1, "freezer", "freezer.state"},
    {1, "devices", "devices.list"},
    {2, "memory", "memory.max"},
    {2, "memory", "memory.swap.max"},
    {2, "memory", "memory.high"},
    {2, "memory", "memory.current"},
    {2, "cpu", "cpu.max"},
    {2, "cpu", "cpu.weight"},
    {2, "cpuset", "cpuset.cpus"},
    {2, "cpuset", "cpuset.mems"},
    {2, "cpuset", "cpuset.cpus.effective"},
    {2, "pids", "pids.max"},
    {2, "pids", "pids.current"},
    {2, "io", "io.max"},
    {2, "", "cgroup.freeze"},
};

/* Is word one of the comma- (v1) or space- (v2) separated words of list? */
static bool has_word(const char *list, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ", ");
        if (n == len && !strncmp(p, word, len))
            return true;
        p += n;
        p += strspn(p, ", ");
    }
    return false;
}

/* Same set of words (v1 controllers: "cpu,cpuacct" vs the super options
 * "rw,cpu,cpuacct"): every controller of want is mounted there, and the mount
 * carries no other controller or name= (mount options like rw are ignored). */
static bool same_controllers(const char *want, const char *super_options)
{
    size_t wanted = 0, found = 0;
    for (const char *p = want; *p;) {
        size_t n = strcspn(p, ",");
        cleanup_free char *w = strndup(p, n);
        wanted++;
        if (!has_word(super_options, w))
            return false;
        p += n + (p[n] == ',');
    }
    /* count the controllers of the mount to refuse a superset */
    static const char *const options[] = {"rw", "ro", "nsdelegate", "xattr", "noprefix", "clone_children",
                                          "memory_localevents", "memory_recursiveprot", "cpuset_v2_mode",
                                          "favordynmods", "memory_hugetlb_accounting"};
    for (const char *p = super_options; *p;) {
        size_t n = strcspn(p, ",");
        bool is_option = !strncmp(p, "release_agent=", 14) || n == 0;
        for (size_t i = 0; i < ARRAY_SIZE(options) && !is_option; i++)
            is_option = strlen(options[i]) == n && !strncmp(p, options[i], n);
        if (!is_option)
            found++;
        p += n + (p[n] == ',');
    }
    return wanted == found;
}

/* The host directory of a hierarchy, from our own mountinfo. */
static char *hierarchy_dir(const struct isolation_mount *host, size_t n_host, int version, const char *controllers,
                           const char *path)
{
    for (size_t i = n_host; i-- > 0;) {
        const struct isolation_mount *m = &host[i];
        if (version == 2 ? strcmp(m->type, "cgroup2") : strcmp(m->type, "cgroup"))
            continue;
        if (version == 1 && !same_controllers(controllers, m->super_options))
            continue;
        /* A host that mounts a sub-tree (it runs in a cgroup namespace itself)
         * shows paths below that root: strip it. */
        const char *rel = path;
        size_t rl = strlen(m->root);
        if (strcmp(m->root, "/")) {
            if (strncmp(path, m->root, rl) || (path[rl] != '/' && path[rl] != '\0'))
                continue;
            rel = path + rl;
        }
        return xasprintf("%s%s", m->destination, rel);
    }
    return NULL;
}

static char *read_trimmed(const char *dir, const char *file)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, file);
    char *text = NULL;
    cleanup_error struct hull_error *ignored = NULL;
    if (read_file(path, &text, NULL, &ignored) < 0)
        return NULL;
    size_t n = strlen(text);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
        text[--n] = '\0';
    return text;
}

static void read_limit_files(struct isolation_cgroup *cg)
{
    cg->files = xmalloc0(ARRAY_SIZE(limit_files) * sizeof *cg->files);
    for (size_t i = 0; i < ARRAY_SIZE(limit_files); i++) {
        const struct limit_file *f = &limit_files[i];
        if (f->version != cg->version)
            continue;
        if (*f->controller && !has_word(cg->controllers, f->controller))
            continue;
        char *value = read_trimmed(cg->dir, f->file);
        if (!value)
            continue;
        cg->files[cg->n_files].name = xstrdup(f->file);
        cg->files[cg->n_files].value = value;
        cg->n_files++;
    }
}

static const char *file_value(const struct isolation_report *r, int version, const char *file)
{
    for (size_t i = 0; i < r->n_cgroups; i++) {
        if (r->cgroups[i].version != version)
            continue;
        for (size_t j = 0; j < r->cgroups[i].n_files; j++)
            if (!strcmp(r->cgroups[i].files[j].name, file))
                return r->cgroups[i].files[j].value;
    }
    return NULL;
}

/* "max", "-1" and v1's PAGE_COUNTER_MAX * PAGE_SIZE (9223372036854771712 with
 * 4 KiB pages: "no limit" rounded down to pages) are all "no limit". */
static int64_t limit_value(const char *text)
{
    int64_t v;
    if (!text)
        return ISOLATION_UNKNOWN;
    if (!strcmp(text, "max") || !strcmp(text, "-1"))
        return ISOLATION_UNLIMITED;
    if (!parse_int64(text, &v))
        return ISOLATION_UNKNOWN;
    if (v >= (INT64_C(1) << 62))
        return ISOLATION_UNLIMITED;
    return v;
}

static void limits_clear(struct isolation_limits *l)
{
    l->memory_bytes = l->memory_swap_bytes = l->memory_usage = ISOLATION_UNKNOWN;
    l->cpu_quota_us = l->cpu_period_us = l->cpu_shares = l->cpu_weight = ISOLATION_UNKNOWN;
    l->pids_max = l->pids_current = ISOLATION_UNKNOWN;
}

/* v1 or v2 value, whichever hierarchy has the controller. */
static const char *either(const struct isolation_report *r, const char *v1_file, const char *v2_file)
{
    const char *v = file_value(r, 1, v1_file);
    return v ? v : file_value(r, 2, v2_file);
}

static void limits_from_files(struct isolation_report *r)
{
    struct isolation_limits *l = &r->limits;
    limits_clear(l);
    l->memory_bytes = limit_value(either(r, "memory.limit_in_bytes", "memory.max"));
    l->memory_swap_bytes = limit_value(either(r, "memory.memsw.limit_in_bytes", "memory.swap.max"));
    l->memory_usage = limit_value(either(r, "memory.usage_in_bytes", "memory.current"));
    l->pids_max = limit_value(either(r, "pids.max", "pids.max"));
    l->pids_current = limit_value(either(r, "pids.current", "pids.current"));
    const char *cpus = either(r, "cpuset.cpus", "cpuset.cpus.effective");
    const char *mems = either(r, "cpuset.mems", "cpuset.mems");
    l->cpuset_cpus = cpus ? xstrdup(cpus) : NULL;
    l->cpuset_mems = mems ? xstrdup(mems) : NULL;
    const char *quota = file_value(r, 1, "cpu.cfs_quota_us");
    if (quota) {
        l->cpu_quota_us = limit_value(quota);
        l->cpu_period_us = limit_value(file_value(r, 1, "cpu.cfs_period_us"));
        l->cpu_shares = limit_value(file_value(r, 1, "cpu.shares"));
    }
    const char *cpu_max = file_value(r, 2, "cpu.max"); /* "max 100000" or "50000 100000" */
    if (!quota && cpu_max) {
        cleanup_free char *q = strndup(cpu_max, strcspn(cpu_max, " "));
        const char *period = cpu_max + strlen(q);
        l->cpu_quota_us = limit_value(q);
        l->cpu_period_us = limit_value(period + (*period == ' '));
        l->cpu_weight = limit_value(file_value(r, 2, "cpu.weight"));
    }
}

int isolation_read_cgroups(pid_t pid, struct isolation_report *r, struct hull_error **err)
{
    r->cgroup_layout = cgroup_detect_layout();
    cleanup_free char *cgroup_path = xasprintf("/proc/%d/cgroup", pid);
    cleanup_free char *text = NULL;
    if (read_file(cgroup_path, &text, NULL, err) < 0)
        return -1;
    struct isolation_mount *host = NULL;
    size_t n_host = 0;
    if (isolation_read_mounts("/proc/self/mountinfo", &host, &n_host, err) < 0)
        return -1;
    size_t lines = 1;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    r->cgroups = xmalloc0(lines * sizeof *r->cgroups);
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        /* hierarchy-ID:controller-list:cgroup-path; the path may contain ':' */
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c1 = *c2 = '\0';
        struct isolation_cgroup *cg = &r->cgroups[r->n_cgroups++];
        cg->version = strcmp(line, "0") == 0 && c1[1] == '\0' ? 2 : 1;
        cg->path = xstrdup(c2 + 1);
        cg->dir = hierarchy_dir(host, n_host, cg->version, c1 + 1, cg->path);
        if (cg->version == 2)
            cg->controllers = cg->dir ? read_trimmed(cg->dir, "cgroup.controllers") : NULL;
        else
            cg->controllers = xstrdup(c1 + 1);
        if (!cg->controllers)
            cg->controllers = xstrdup("");
        if (cg->dir)
            read_limit_files(cg);
    }
    isolation_mounts_free(host, n_host);
    limits_from_files(r);
    return 0;
}

void isolation_limits_from_config(const struct hull_resources *res, struct isolation_limits *out)
{
    limits_clear(out);
    if (!res)
        return;
    if (res->has_memory) {
        if (res->memory.limit.set)
            out->memory_bytes = res->memory.limit.v < 0 ? ISOLATION_UNLIMITED : res->memory.limit.v;
        if (res->memory.swap.set)
            out->memory_swap_bytes = res->memory.swap.v < 0 ? ISOLATION_UNLIMITED : res->memory.swap.v;
    }
    if (res->has_cpu) {
        if (res->cpu.quota.set)
            out->cpu_quota_us = res->cpu.quota.v < 0 ? ISOLATION_UNLIMITED : res->cpu.quota.v;
        if (res->cpu.period.set)
            out->cpu_period_us = (int64_t)res->cpu.period.v;
        if (res->cpu.shares.set)
            out->cpu_shares = (int64_t)res->cpu.shares.v;
        out->cpuset_cpus = res->cpu.cpus ? xstrdup(res->cpu.cpus) : NULL;
        out->cpuset_mems = res->cpu.mems ? xstrdup(res->cpu.mems) : NULL;
    }
    if (res->has_pids)
        out->pids_max = res->pids_limit > 0 ? res->pids_limit : ISOLATION_UNLIMITED;
}
