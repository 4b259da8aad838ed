/* hull inspect --isolation CONTAINER...: what isolates a container, explained.
 *
 * The facts are gathered by the library, one call per container
 * (engine_container_isolation: read back from the kernel for a running
 * container, from config.json otherwise); this file prints them: as a report for a newcomer, in
 * the words of the "build a container by hand" walk-throughs (a container is
 * a process with a restricted VIEW, capped RESOURCES and reduced POWERS), or
 * as JSON with --format json. */
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"
#include "cli.h"

/* ---- small formatting helpers ---- */

/* Binary units, since --memory 64m means 64 MiB: "64 MiB", "1.5 GiB", "512 KiB". */
static char *binary_size(int64_t bytes)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = (double)bytes;
    size_t u = 0;
    while (v >= 1024.0 && u < ARRAY_SIZE(units) - 1) {
        v /= 1024.0;
        u++;
    }
    if (u == 0)
        return xasprintf("%" PRId64 " bytes", bytes);
    return v == (double)(int64_t)v ? xasprintf("%.0f %s", v, units[u]) : xasprintf("%.1f %s", v, units[u]);
}

static int popcount64(uint64_t v)
{
    return __builtin_popcountll(v);
}

/* "CAP_CHOWN CAP_KILL ..." wrapped at width, each line after the first indented. */
static void print_words(const char *indent, char **words, size_t n, size_t width)
{
    size_t col = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(words[i]);
        if (col > 0 && col + 1 + len > width) {
            printf("\n%s", indent);
            col = 0;
        } else if (col > 0) {
            printf(" ");
            col++;
        }
        printf("%s", words[i]);
        col += len;
    }
    printf("\n");
}

static char **cap_names(uint64_t mask, size_t *n)
{
    char **names = xmalloc0(65 * sizeof *names);
    *n = 0;
    for (int c = 0; c < 64; c++)
        if (mask & (UINT64_C(1) << c))
            names[(*n)++] = caps_name(c);
    return names;
}

/* ---- namespaces ---- */

/* What having one's own namespace of each type means, in a few words. */
static const char *ns_private_text(enum hull_ns_type t)
{
    switch (t) {
    case HULL_NS_MNT:
        return "own mounts: its / is the image, not the host's";
    case HULL_NS_PID:
        return "own process tree: its init is PID 1";
    case HULL_NS_NET:
        return "own network stack: interfaces, routes, ports";
    case HULL_NS_UTS:
        return "own hostname";
    case HULL_NS_IPC:
        return "own System V IPC and POSIX message queues";
    case HULL_NS_USER:
        return "own user ids: root inside is not root outside";
    case HULL_NS_CGROUP:
        return "own cgroup view: its cgroup looks like the root";
    case HULL_NS_TIME:
        return "own monotonic and boot-time clock offsets";
    default:
        return "";
    }
}

static const char *ns_shared_text(enum hull_ns_type t)
{
    switch (t) {
    case HULL_NS_MNT:
        return "the host's mounts: it sees the host's files";
    case HULL_NS_PID:
        return "the host's processes: it sees and can signal them";
    case HULL_NS_NET:
        return "the host's interfaces and ports (--network host)";
    case HULL_NS_UTS:
        return "the host's hostname";
    case HULL_NS_IPC:
        return "the host's System V IPC and message queues";
    case HULL_NS_USER:
        return "the host's user ids: uid 0 inside IS uid 0 outside";
    case HULL_NS_CGROUP:
        return "the host's view: full cgroup paths";
    case HULL_NS_TIME:
        return "the host's clocks (the usual case)";
    default:
        return "";
    }
}

static void print_namespaces(const struct isolation_report *r)
{
    bool kernel = r->source == ISOLATION_FROM_KERNEL;
    printf("NAMESPACES: what it can see\n");
    if (kernel)
        printf("  A namespace is identified by an inode number (readlink /proc/PID/ns/NAME): the same number\n"
               "  means the same namespace.  HOST is this hull process's own /proc/self/ns/NAME.\n");
    else
        printf("  What the config asks for; a new namespace gets its inode when the container starts.\n");
    static const char *const kernel_headers[] = {"  NS", "CONTAINER", "HOST", "", "MEANING"};
    static const char *const config_headers[] = {"  NS", "AT START", "MEANING"};
    struct table *t = kernel ? table_new(5, kernel_headers) : table_new(3, config_headers);
    for (size_t i = 0; i < HULL_NS__COUNT; i++) {
        const struct isolation_namespace *ns = &r->namespaces[isolation_ns_order[i]];
        if (!ns->supported) {
            if (kernel) {
                cleanup_free char *name = xasprintf("  %s", ns->name);
                const char *cells[] = {name, "-", "-", "", "not supported by this kernel"};
                table_add(t, cells);
            }
            continue;
        }
        cleanup_free char *name = xasprintf("  %s", ns->name);
        cleanup_free char *meaning = NULL;
        if (ns->private_ns && ns->type == HULL_NS_PID && kernel)
            meaning = xasprintf("own process tree: its init is PID 1 (PID %d on the host)", r->pid);
        else if (ns->private_ns && ns->type == HULL_NS_UTS && r->hostname)
            meaning = xasprintf("own hostname: \"%s\"", r->hostname);
        else
            meaning = xstrdup(ns->private_ns ? ns_private_text(ns->type) : ns_shared_text(ns->type));
        if (kernel) {
            cleanup_free char *inode = xasprintf("%" PRIu64, ns->inode);
            cleanup_free char *host = xasprintf("%" PRIu64, ns->host_inode);
            const char *cells[] = {name, inode, host, ns->private_ns ? "private" : "shared with host", meaning};
            table_add(t, cells);
        } else {
            cleanup_free char *at_start = ns->joined_path ? xasprintf("joins %s", ns->joined_path)
                                                          : xstrdup(ns->private_ns ? "new (private)" : "shared with host");
            const char *cells[] = {name, at_start, meaning};
            table_add(t, cells);
        }
    }
    table_print(t);
    table_free(t);
    if (kernel) {
        for (size_t i = 0; i < HULL_NS__COUNT; i++) {
            const struct isolation_namespace *ns = &r->namespaces[i];
            if (ns->init_inode && ns->host_inode && ns->init_inode != ns->host_inode)
                printf("  note: this hull runs in another %s namespace than PID 1 (%" PRIu64 "); HOST is hull's\n",
                       ns->name, ns->init_inode);
        }
    }
}

/* ---- user ---- */

static bool identity_map(const struct isolation_id_map *m, size_t n)
{
    return n == 1 && m[0].inside == 0 && m[0].outside == 0 && m[0].count == UINT32_MAX;
}

static void print_id_map(const char *what, const struct isolation_id_map *m, size_t n)
{
    printf("  %s:", what);
    if (n == 0)
        printf(" (none)");
    for (size_t i = 0; i < n; i++)
        printf(" %s%" PRIu32 "-%" PRIu32 " -> host %" PRIu32 "-%" PRIu32, i ? "; " : "", m[i].inside,
               m[i].inside + m[i].count - 1, m[i].outside, m[i].outside + m[i].count - 1);
    printf("\n");
}

static void print_user(const struct isolation_report *r)
{
    const struct isolation_user *u = &r->user;
    const struct isolation_namespace *userns = &r->namespaces[HULL_NS_USER];
    printf("\nUSER: who it runs as\n");
    printf("  uid %u, gid %u", (unsigned)u->uid, (unsigned)u->gid);
    if (u->euid != u->uid || u->egid != u->gid)
        printf(" (effective uid %u, gid %u)", (unsigned)u->euid, (unsigned)u->egid);
    printf(", supplementary groups:");
    if (u->n_groups == 0)
        printf(" none");
    for (size_t i = 0; i < u->n_groups; i++)
        printf(" %u", (unsigned)u->groups[i]);
    printf("\n");
    if (!userns->private_ns) {
        if (r->source == ISOLATION_FROM_KERNEL && !identity_map(u->uid_map, u->n_uid_map))
            print_id_map("uid map", u->uid_map, u->n_uid_map);
        printf("  No user namespace: ids are the host's own (uid_map is the identity 0-4294967294).\n");
        if (u->euid == 0)
            printf("  It is root on the host; what holds it back is the capabilities and seccomp below.\n");
        return;
    }
    print_id_map("uid map", u->uid_map, u->n_uid_map);
    print_id_map("gid map", u->gid_map, u->n_gid_map);
    for (size_t i = 0; i < u->n_uid_map; i++)
        if (u->uid_map[i].inside <= u->euid && u->euid - u->uid_map[i].inside < u->uid_map[i].count)
            printf("  Its uid %u is uid %u on the host%s.\n", (unsigned)u->euid,
                   (unsigned)(u->uid_map[i].outside + (u->euid - u->uid_map[i].inside)),
                   u->euid == 0 ? ": root inside, an ordinary user outside" : "");
}

/* ---- capabilities, no_new_privs, seccomp ---- */

/* Root powers a newcomer should know are gone (or, when held, that they are not). */
static const struct {
    const char *name;
    const char *power;
} notable_caps[] = {
    {"CAP_SYS_ADMIN", "mount filesystems and most administration"},
    {"CAP_NET_ADMIN", "configure network interfaces, routes, firewall"},
    {"CAP_SYS_MODULE", "load kernel modules"},
    {"CAP_SYS_PTRACE", "trace and inspect any process"},
    {"CAP_SYS_TIME", "set the system clock"},
    {"CAP_SYS_RAWIO", "raw I/O ports and memory"},
    {"CAP_SYS_BOOT", "reboot the machine"},
    {"CAP_BPF", "load BPF programs"},
};

static void print_cap_set(const char *label, uint64_t mask, uint64_t same_as, const char *same_label, int known)
{
    printf("  %-12s %2d of %d", label, popcount64(mask), known);
    if (mask == same_as && same_label) {
        printf("  (the same as %s)\n", same_label);
        return;
    }
    if (mask == 0) {
        printf("\n");
        return;
    }
    size_t n;
    char **names = cap_names(mask, &n);
    printf("  ");
    print_words("                         ", names, n, 80);
    strv_free(names);
}

static void print_capabilities(const struct isolation_report *r)
{
    const struct isolation_caps *c = &r->caps;
    printf("\nCAPABILITIES: which of root's powers it keeps\n");
    printf("  The kernel splits root's power into %d capabilities.  EFFECTIVE is what it uses now;\n"
           "  BOUNDING is the ceiling for it and every program it runs, setuid ones included.%s\n",
           c->known, r->source == ISOLATION_FROM_KERNEL ? "\n  (/proc/PID/status: CapEff, CapPrm, CapBnd, CapInh, CapAmb)" : "");
    print_cap_set("effective", c->effective, 0, NULL, c->known);
    print_cap_set("permitted", c->permitted, c->effective, "effective", c->known);
    print_cap_set("bounding", c->bounding, c->effective, "effective", c->known);
    if (c->host_bounding && popcount64(c->host_bounding) < c->known) {
        size_t n;
        char **missing = cap_names(~c->host_bounding & ((UINT64_C(1) << c->known) - 1), &n);
        printf("  (this hull process's own bounding set lacks ");
        print_words("   ", missing, n, 60);
        printf("   so no container here can have %s)\n", n == 1 ? "it" : "them");
        strv_free(missing);
    }
    if (c->inheritable || c->ambient) {
        print_cap_set("inheritable", c->inheritable, c->effective, "effective", c->known);
        print_cap_set("ambient", c->ambient, c->effective, "effective", c->known);
    } else {
        printf("  inheritable and ambient: none\n");
    }
    bool header = false;
    for (size_t i = 0; i < ARRAY_SIZE(notable_caps); i++) {
        int v;
        if (caps_parse_name(notable_caps[i].name, &v) < 0 || (c->bounding & (UINT64_C(1) << v)))
            continue;
        if (!header)
            printf("  Without, for example:\n");
        header = true;
        printf("    %-15s %s\n", notable_caps[i].name, notable_caps[i].power);
    }
    if (c->bounding & (UINT64_C(1) << 21)) /* CAP_SYS_ADMIN */
        printf("  It HAS CAP_SYS_ADMIN: it can mount, and much more; that is close to the host's root.\n");
}

static void print_seccomp(const struct isolation_report *r)
{
    const struct isolation_seccomp *s = &r->seccomp;
    printf("\nSECCOMP: which system calls it may make\n");
    if (r->source == ISOLATION_FROM_KERNEL) {
        static const char *const modes[] = {"0 (off)", "1 (strict: read, write, exit only)", "2 (filter)"};
        printf("  mode %s, %d filter%s loaded  (/proc/PID/status Seccomp, Seccomp_filters)\n",
               s->mode >= 0 && s->mode <= 2 ? modes[s->mode] : "unknown", s->filters, s->filters == 1 ? "" : "s");
    }
    if (!s->has_profile) {
        printf("  No profile in its config: all %u system calls libseccomp %s knows for %s are allowed;\n"
               "  only capabilities stand between it and the kernel's most dangerous calls.\n",
               s->total, s->libseccomp_version, s->arch);
        return;
    }
    printf("  Profile (config.json linux.seccomp), default action %s.  Of the %u system calls\n"
           "  libseccomp %s knows for %s:\n",
           s->default_action, s->total, s->libseccomp_version, s->arch);
    printf("    %4zu allowed whatever the arguments\n", s->n_allowed);
    if (s->n_conditional) {
        printf("    %4zu allowed only with some arguments: ", s->n_conditional);
        print_words("           ", s->conditional, s->n_conditional, 30);
    }
    printf("    %4zu denied whatever the arguments", s->n_denied);
    static const char *const notable[] = {"mount",  "umount2", "reboot",     "kexec_load",        "init_module",
                                          "bpf",    "ptrace",  "unshare",    "setns",             "keyctl",
                                          "swapon", "acct",    "pivot_root", "open_by_handle_at", "clock_settime"};
    char *examples[ARRAY_SIZE(notable) + 1] = {0};
    size_t n_examples = 0;
    for (size_t i = 0; i < ARRAY_SIZE(notable); i++)
        for (size_t j = 0; j < s->n_denied; j++)
            if (!strcmp(s->denied[j], notable[i]))
                examples[n_examples++] = (char *)notable[i];
    if (n_examples) {
        printf(", among them:\n           ");
        print_words("           ", examples, n_examples, 70);
    } else {
        printf("\n");
    }
    if (s->n_other) {
        printf("    %4zu decided by a tracer or a supervisor (SCMP_ACT_TRACE/NOTIFY): ", s->n_other);
        print_words("           ", s->other, s->n_other, 60);
    }
    if (s->n_unknown_names)
        printf("  (%zu names in the profile are not %s system calls and were not counted)\n", s->n_unknown_names,
               s->arch);
    if (r->source == ISOLATION_FROM_KERNEL && s->mode != 2)
        printf("  WARNING: the config has a profile but the kernel shows no filter on the process.\n");
}

static void print_no_new_privs(const struct isolation_report *r)
{
    printf("\nNO_NEW_PRIVS: %s\n", r->no_new_privs ? "on" : "off");
    if (r->no_new_privs)
        printf("  setuid/setgid programs and file capabilities cannot raise its privileges.\n");
    else
        printf("  setuid programs (su, ping...) can still raise privileges, within the bounding set above.\n");
}

/* ---- cgroups ---- */

static void print_limit_line(const char *what, const char *value, const char *files)
{
    printf("  %-12s %-44s %s\n", what, value, files);
}

static void print_cgroups(const struct isolation_report *r)
{
    const struct isolation_limits *l = &r->limits;
    bool kernel = r->source == ISOLATION_FROM_KERNEL;
    bool v1 = false;
    for (size_t i = 0; i < r->n_cgroups; i++)
        v1 |= r->cgroups[i].version == 1;
    printf("\nCGROUPS: what it can use  (host: cgroup %s)\n", cgroup_layout_name((enum cgroup_layout)r->cgroup_layout));
    if (kernel)
        printf("  Limits read back from the cgroup files; \"no limit\" = as much as the host has.\n");
    else
        printf("  Limits from the config (linux.resources); the cgroup is made when it starts%s%s.\n",
               r->cgroups_path ? ", at " : "", r->cgroups_path ? r->cgroups_path : "");
    cleanup_free char *mem = l->memory_bytes >= 0 ? binary_size(l->memory_bytes) : NULL;
    cleanup_free char *mem_text =
        l->memory_bytes >= 0 ? xasprintf("%" PRId64 " bytes (%s)", l->memory_bytes, mem)
                             : xstrdup(l->memory_bytes == ISOLATION_UNLIMITED ? "no limit" : "not set");
    print_limit_line("memory", mem_text, kernel ? (v1 ? "memory.limit_in_bytes" : "memory.max") : "memory.limit");
    if (l->memory_swap_bytes != ISOLATION_UNKNOWN) {
        cleanup_free char *swap = l->memory_swap_bytes >= 0 ? binary_size(l->memory_swap_bytes) : NULL;
        cleanup_free char *swap_text =
            l->memory_swap_bytes >= 0 ? xasprintf("%" PRId64 " bytes (%s)", l->memory_swap_bytes, swap) : xstrdup("no limit");
        print_limit_line(kernel && !v1 ? "swap" : "memory+swap", swap_text,
                         kernel ? (v1 ? "memory.memsw.limit_in_bytes" : "memory.swap.max") : "memory.swap");
    }
    if (l->memory_usage >= 0) {
        cleanup_free char *use = binary_size(l->memory_usage);
        cleanup_free char *use_text = xasprintf("%s in use now", use);
        print_limit_line("", use_text, v1 ? "memory.usage_in_bytes" : "memory.current");
    }
    cleanup_free char *cpu_text = NULL;
    if (l->cpu_quota_us > 0 && l->cpu_period_us > 0)
        cpu_text = xasprintf("%" PRId64 " us of every %" PRId64 " us = %.2f CPU", l->cpu_quota_us, l->cpu_period_us,
                             (double)l->cpu_quota_us / (double)l->cpu_period_us);
    else
        cpu_text = xstrdup(l->cpu_quota_us == ISOLATION_UNKNOWN ? "not set" : "no limit (all CPUs' time)");
    print_limit_line("cpu time", cpu_text,
                     kernel ? (v1 ? "cpu.cfs_quota_us / cpu.cfs_period_us" : "cpu.max") : "cpu.quota / cpu.period");
    if (l->cpu_shares >= 0 || l->cpu_weight >= 0) {
        cleanup_free char *w = l->cpu_shares >= 0 ? xasprintf("%" PRId64 " (default 1024; only under contention)", l->cpu_shares)
                                                  : xasprintf("%" PRId64 " (default 100; only under contention)", l->cpu_weight);
        print_limit_line("cpu weight", w, l->cpu_shares >= 0 ? (kernel ? "cpu.shares" : "cpu.shares") : "cpu.weight");
    }
    cleanup_free char *pids_text = NULL;
    if (l->pids_max >= 0)
        pids_text = xasprintf("at most %" PRId64 " processes/threads", l->pids_max);
    else
        pids_text = xstrdup(l->pids_max == ISOLATION_UNLIMITED ? "no limit (a fork bomb would hurt the host)" : "not set");
    if (l->pids_current >= 0) {
        char *with = xasprintf("%s, %" PRId64 " now", pids_text, l->pids_current);
        free(pids_text);
        pids_text = with;
    }
    print_limit_line("processes", pids_text, kernel ? "pids.max / pids.current" : "pids.limit");
    if (l->cpuset_cpus || l->cpuset_mems) {
        cleanup_free char *set = xasprintf("CPUs %s, memory nodes %s", l->cpuset_cpus && *l->cpuset_cpus ? l->cpuset_cpus : "all",
                                           l->cpuset_mems && *l->cpuset_mems ? l->cpuset_mems : "all");
        print_limit_line("cpuset", set, kernel ? "cpuset.cpus / cpuset.mems" : "cpu.cpus / cpu.mems");
    }
    if (!kernel)
        return;
    printf("  Its cgroups (/proc/%d/cgroup), one per hierarchy:\n", r->pid);
    for (size_t i = 0; i < r->n_cgroups; i++) {
        const struct isolation_cgroup *cg = &r->cgroups[i];
        cleanup_free char *label = cg->version == 2 ? xasprintf("v2 (%s)", *cg->controllers ? cg->controllers : "no controllers")
                                                    : xstrdup(cg->controllers);
        printf("    %-16s %s\n", label, cg->dir ? cg->dir : cg->path);
        if (!cg->dir)
            printf("    %-16s (this hierarchy is not mounted here; path %s)\n", "", cg->path);
    }
}

/* ---- files ---- */

static void print_rootfs(const struct isolation_report *r, const char *bundle)
{
    const struct isolation_rootfs *rf = &r->rootfs;
    printf("\nROOT FILESYSTEM: what it sees as /\n");
    printf("  %s, %s%s\n", rf->type ? rf->type : "a directory", rf->read_only ? "read-only" : "writable",
           r->source == ISOLATION_FROM_KERNEL ? "  (/proc/PID/mountinfo)" : "");
    if (rf->lowerdirs && rf->lowerdirs[0]) {
        printf("  The image's layers, read-only and shared by every container of the image (top first):\n");
        for (char **d = rf->lowerdirs; *d; d++)
            printf("    %s\n", *d);
        if (rf->upperdir)
            printf("  Its own changes go to:\n    %s\n", rf->upperdir);
    } else if (r->source == ISOLATION_FROM_CONFIG) {
        printf("  root.path %s in %s\n", rf->path, bundle);
    }
}

static void print_mounts(const struct isolation_report *r)
{
    bool kernel = r->source == ISOLATION_FROM_KERNEL;
    printf("\nMOUNTS: %s\n", kernel ? "its mount table, as it sees it (/proc/PID/mountinfo)" : "from the config");
    static const char *const headers[] = {"  DESTINATION", "TYPE", "OPTIONS", "SOURCE"};
    struct table *t = table_new(4, headers);
    for (size_t i = 0; i < r->n_mounts; i++) {
        const struct isolation_mount *m = &r->mounts[i];
        cleanup_free char *dest = xasprintf("  %s", m->destination);
        cleanup_free char *source = strcmp(m->root, "/") ? xasprintf("%s:%s", m->source, m->root) : xstrdup(m->source);
        /* the superblock's options matter for sizes and modes; overlay's are the layers, shown above */
        cleanup_free char *options = kernel && *m->super_options && strcmp(m->type, "overlay") &&
                                             strcmp(m->super_options, "rw") && strcmp(m->super_options, "ro")
                                         ? xasprintf("%s (%s)", m->options, m->super_options)
                                         : xstrdup(m->options);
        const char *cells[] = {dest, m->type, options, source};
        table_add(t, cells);
    }
    table_print(t);
    table_free(t);
}

static void print_paths(const char *title, const struct isolation_path *p, size_t n)
{
    printf("\n%s\n", title);
    if (n == 0) {
        printf("  none\n");
        return;
    }
    size_t width = 0;
    for (size_t i = 0; i < n; i++)
        if (strlen(p[i].path) > width)
            width = strlen(p[i].path);
    for (size_t i = 0; i < n; i++)
        printf("  %-*s  %s\n", (int)width, p[i].path,
               p[i].state == ISOLATION_PATH_CONFIGURED ? "(applied at start)" : p[i].how);
}

/* ---- the whole report ---- */

static void print_summary(const struct isolation_report *r)
{
    int private_ns = 0, supported = 0;
    for (int t = 0; t < HULL_NS__COUNT; t++) {
        supported += r->namespaces[t].supported;
        private_ns += r->namespaces[t].supported && r->namespaces[t].private_ns;
    }
    cleanup_free char *mem =
        r->limits.memory_bytes >= 0 ? binary_size(r->limits.memory_bytes) : xstrdup("no memory limit");
    printf("In short: %d of %d namespaces private, %s%s, %d of %d capabilities, seccomp %s, rootfs %s.\n\n",
           private_ns, supported, r->limits.memory_bytes >= 0 ? "memory capped at " : "", mem,
           popcount64(r->caps.effective), r->caps.known,
           r->seccomp.has_profile ? "filtering" : "off", r->rootfs.read_only ? "read-only" : "writable");
}

static void print_report(const struct engine_isolation *iso)
{
    const struct isolation_report *r = iso->report;
    const char *status = iso->status;
    printf("Container %.12s (%s), image %s\n", iso->id, iso->short_name, iso->image);
    if (r->source == ISOLATION_FROM_KERNEL && !strcmp(status, "created"))
        printf("Created, not started: its init (PID %d on the host) waits for `start`; its namespaces and\n"
               "cgroups exist, but capabilities, seccomp and the user switch come only at start.\n\n",
               r->pid);
    else if (r->source == ISOLATION_FROM_KERNEL)
        printf("%s: its init is PID %d on the host (PID 1 inside).  Every fact below is read back from\n"
               "the kernel, except where a line names the config.\n\n",
               !strcmp(status, "paused") ? "Paused (frozen)" : "Running", r->pid);
    else
        printf("NOT RUNNING (status %s): there is no process to read back.  Below is what its\n"
               "config.json gives when it starts.\n\n",
               status);
    printf("A container is an ordinary process on the host's kernel, with a restricted VIEW (namespaces),\n"
           "capped RESOURCES (cgroups) and reduced POWERS (capabilities, seccomp).\n");
    print_summary(r);
    print_namespaces(r);
    print_user(r);
    print_capabilities(r);
    print_seccomp(r);
    print_no_new_privs(r);
    print_cgroups(r);
    print_rootfs(r, iso->bundle);
    print_mounts(r);
    print_paths("MASKED PATHS: hidden from it (linux.maskedPaths)", r->masked, r->n_masked);
    print_paths("READ-ONLY PATHS: visible, not writable (linux.readonlyPaths)", r->readonly, r->n_readonly);
}

int engine_inspect_isolation(bool json, int n_names, char **names)
{
    int ret = 0;
    struct json_object *out = json ? json_object_new_array() : NULL;
    for (int i = 0; i < n_names; i++) {
        struct engine_isolation iso;
        cleanup_error struct hull_error *err = NULL;
        if (engine_container_isolation(g_engine.root, g_engine.runroot, names[i], &iso, &err) < 0) {
            engine_error(err);
            ret = 1;
            continue;
        }
        if (json) {
            struct json_object *o = isolation_report_json(iso.report);
            json_object_object_add(o, "Id", json_object_new_string(iso.id));
            json_object_object_add(o, "Name", json_object_new_string(iso.name));
            json_object_object_add(o, "Status", json_object_new_string(iso.status));
            json_object_array_add(out, o);
        } else {
            if (i > 0)
                printf("\n");
            print_report(&iso);
        }
        engine_isolation_clear(&iso);
    }
    if (json) {
        printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(out);
    }
    return ret;
}
