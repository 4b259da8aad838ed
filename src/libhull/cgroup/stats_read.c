/* hull: reading a cgroup's statistics into struct cgroup_stats.
 *
 * One reader per controller and version, each given the directory to read
 * (NULL: the host has no such controller, the part stays zero), so the unit
 * tests can run them on fixture directories (tests/unit/cgroup/fixtures/).
 * The drivers pick the directories (cgroup_v1_read_stats,
 * cgroup_v2_read_stats in driver_v1.c / driver_v2.c).  Units are converted to
 * runc's here: v2 reports CPU time in microseconds and v1's cpuacct.stat in
 * USER_HZ ticks, runc in nanoseconds. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/utils.h"
#include "cgroup_internal.h"

static uint64_t read_u64_or0(const char *dir, const char *file)
{
    uint64_t v = 0;
    if (!dir || cg_read_u64(dir, file, &v, NULL) < 0)
        return 0;
    return v;
}

static uint64_t keyed_or0(const char *dir, const char *file, const char *key)
{
    uint64_t v = 0;
    if (!dir || !cg_read_keyed(dir, file, key, &v))
        return 0;
    return v;
}

/* "123 456 789" -> {123, 456, 789}; empty when the file is missing. */
static void read_u64_list(const char *dir, const char *file, struct cgroup_u64_list *out)
{
    cleanup_free char *text = NULL;
    if (!dir || cg_read(dir, file, &text, NULL) < 0)
        return;
    char *save = NULL;
    for (char *t = strtok_r(text, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
        uint64_t v;
        if (!parse_uint64(t, &v))
            continue;
        out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
        out->v[out->n++] = v;
    }
}

/* memory.stat, every "key value" line in order. */
static void read_memory_raw(const char *dir, struct cgroup_stats *s)
{
    cleanup_free char *text = NULL;
    if (cg_read(dir, "memory.stat", &text, NULL) < 0)
        return;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *sp = strchr(line, ' ');
        uint64_t v;
        if (!sp)
            continue;
        *sp = '\0';
        if (!parse_uint64(sp + 1, &v))
            continue;
        s->memory.raw = xrealloc(s->memory.raw, (s->memory.n_raw + 1) * sizeof *s->memory.raw);
        s->memory.raw[s->memory.n_raw++] = (struct cgroup_stat_kv){.key = xstrdup(line), .value = v};
    }
}

void cgroup_stats_cpu_v2(const char *dir, struct cgroup_stats *s)
{
    s->cpu.total = keyed_or0(dir, "cpu.stat", "usage_usec") * 1000;
    s->cpu.user = keyed_or0(dir, "cpu.stat", "user_usec") * 1000;
    s->cpu.kernel = keyed_or0(dir, "cpu.stat", "system_usec") * 1000;
    s->cpu.periods = keyed_or0(dir, "cpu.stat", "nr_periods");
    s->cpu.throttled_periods = keyed_or0(dir, "cpu.stat", "nr_throttled");
    s->cpu.throttled_time = keyed_or0(dir, "cpu.stat", "throttled_usec") * 1000;
}

void cgroup_stats_cpu_v1(const char *cpuacct_dir, const char *cpu_dir, struct cgroup_stats *s)
{
    s->cpu.total = read_u64_or0(cpuacct_dir, "cpuacct.usage");
    read_u64_list(cpuacct_dir, "cpuacct.usage_percpu", &s->cpu.percpu);
    read_u64_list(cpuacct_dir, "cpuacct.usage_percpu_sys", &s->cpu.percpu_kernel);
    read_u64_list(cpuacct_dir, "cpuacct.usage_percpu_user", &s->cpu.percpu_user);
    /* cpuacct.stat counts USER_HZ ticks; runc converts them to nanoseconds. */
    long hz = sysconf(_SC_CLK_TCK);
    if (hz <= 0)
        hz = 100;
    s->cpu.user = keyed_or0(cpuacct_dir, "cpuacct.stat", "user") * (1000000000ULL / (uint64_t)hz);
    s->cpu.kernel = keyed_or0(cpuacct_dir, "cpuacct.stat", "system") * (1000000000ULL / (uint64_t)hz);
    s->cpu.periods = keyed_or0(cpu_dir, "cpu.stat", "nr_periods");
    s->cpu.throttled_periods = keyed_or0(cpu_dir, "cpu.stat", "nr_throttled");
    s->cpu.throttled_time = keyed_or0(cpu_dir, "cpu.stat", "throttled_time");
}

void cgroup_stats_memory_v2(const char *dir, struct cgroup_stats *s)
{
    if (!dir)
        return;
    s->memory.present = true;
    uint64_t usage = read_u64_or0(dir, "memory.current"), limit = read_u64_or0(dir, "memory.max");
    uint64_t swap = read_u64_or0(dir, "memory.swap.current"), swap_limit = read_u64_or0(dir, "memory.swap.max");
    s->memory.cache = keyed_or0(dir, "memory.stat", "file");
    s->memory.usage = (struct cgroup_memory_entry){.limit = limit,
                                                   .usage = usage,
                                                   .max = read_u64_or0(dir, "memory.peak"),
                                                   .failcnt = keyed_or0(dir, "memory.events", "max")};
    /* v1 reports memory+swap; runc keeps that meaning on v2 (usage + swap). */
    s->memory.swap = (struct cgroup_memory_entry){
        .limit = (swap_limit == UINT64_MAX || limit == UINT64_MAX) ? UINT64_MAX : swap_limit + limit,
        .usage = usage + swap,
        .max = read_u64_or0(dir, "memory.swap.peak"),
        .failcnt = keyed_or0(dir, "memory.swap.events", "max")};
    /* kernel and kernelTCP stay zero: v2 counts them in memory.current. */
    read_memory_raw(dir, s);
}

static struct cgroup_memory_entry memory_v1_entry(const char *dir, const char *prefix)
{
    char f_limit[64], f_usage[64], f_max[64], f_fail[64];
    snprintf(f_limit, sizeof f_limit, "%s.limit_in_bytes", prefix);
    snprintf(f_usage, sizeof f_usage, "%s.usage_in_bytes", prefix);
    snprintf(f_max, sizeof f_max, "%s.max_usage_in_bytes", prefix);
    snprintf(f_fail, sizeof f_fail, "%s.failcnt", prefix);
    return (struct cgroup_memory_entry){.limit = read_u64_or0(dir, f_limit),
                                        .usage = read_u64_or0(dir, f_usage),
                                        .max = read_u64_or0(dir, f_max),
                                        .failcnt = read_u64_or0(dir, f_fail)};
}

void cgroup_stats_memory_v1(const char *dir, struct cgroup_stats *s)
{
    if (!dir)
        return;
    s->memory.present = true;
    s->memory.cache = keyed_or0(dir, "memory.stat", "cache");
    s->memory.usage = memory_v1_entry(dir, "memory");
    s->memory.swap = memory_v1_entry(dir, "memory.memsw");
    s->memory.kernel = memory_v1_entry(dir, "memory.kmem");
    s->memory.kernel_tcp = memory_v1_entry(dir, "memory.kmem.tcp");
    read_memory_raw(dir, s);
}

void cgroup_stats_pids(const char *dir, struct cgroup_stats *s)
{
    s->pids.current = read_u64_or0(dir, "pids.current");
    uint64_t limit = read_u64_or0(dir, "pids.max");
    s->pids.limit = limit == UINT64_MAX ? 0 : limit; /* runc: "max" is 0 */
}

static void blkio_push(struct cgroup_blkio_entry **v, size_t *n, uint64_t major, uint64_t minor, const char *op,
                       uint64_t value)
{
    *v = xrealloc(*v, (*n + 1) * sizeof **v);
    struct cgroup_blkio_entry *e = &(*v)[(*n)++];
    *e = (struct cgroup_blkio_entry){.major = major, .minor = minor, .value = value};
    snprintf(e->op, sizeof e->op, "%s", op);
}

void cgroup_stats_io_v2(const char *dir, struct cgroup_stats *s)
{
    cleanup_free char *text = NULL;
    if (!dir || cg_read(dir, "io.stat", &text, NULL) < 0)
        return;
    char *save = NULL;
    /* "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" */
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        unsigned long long maj, min;
        char *sp = strchr(line, ' ');
        if (sscanf(line, "%llu:%llu", &maj, &min) != 2 || !sp)
            continue;
        char *save2 = NULL;
        for (char *kv = strtok_r(sp, " ", &save2); kv; kv = strtok_r(NULL, " ", &save2)) {
            unsigned long long v;
            if (sscanf(kv, "rbytes=%llu", &v) == 1)
                blkio_push(&s->blkio.service_bytes, &s->blkio.n_service_bytes, maj, min, "Read", v);
            else if (sscanf(kv, "wbytes=%llu", &v) == 1)
                blkio_push(&s->blkio.service_bytes, &s->blkio.n_service_bytes, maj, min, "Write", v);
            else if (sscanf(kv, "rios=%llu", &v) == 1)
                blkio_push(&s->blkio.serviced, &s->blkio.n_serviced, maj, min, "Read", v);
            else if (sscanf(kv, "wios=%llu", &v) == 1)
                blkio_push(&s->blkio.serviced, &s->blkio.n_serviced, maj, min, "Write", v);
        }
    }
}

/* v1: "MAJ:MIN Op VALUE" lines (the "Total N" summary line is skipped, as by runc's parser). */
static void blkio_v1_list(const char *dir, const char *file, struct cgroup_blkio_entry **v, size_t *n)
{
    cleanup_free char *text = NULL;
    if (!dir || cg_read(dir, file, &text, NULL) < 0)
        return;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        unsigned long long maj, min, val;
        char op[16];
        if (sscanf(line, "%llu:%llu %15s %llu", &maj, &min, op, &val) == 4)
            blkio_push(v, n, maj, min, op, val);
    }
}

void cgroup_stats_blkio_v1(const char *dir, struct cgroup_stats *s)
{
    /* The throttle layer sees every bio whatever the I/O scheduler. */
    blkio_v1_list(dir, "blkio.throttle.io_service_bytes_recursive", &s->blkio.service_bytes,
                  &s->blkio.n_service_bytes);
    blkio_v1_list(dir, "blkio.throttle.io_serviced_recursive", &s->blkio.serviced, &s->blkio.n_serviced);
}

void cgroup_stats_hugetlb(const char *dir, bool v2, struct cgroup_stats *s)
{
    if (!dir)
        return;
    cleanup_dir DIR *d = opendir(dir);
    const char *suffix = v2 ? ".current" : ".usage_in_bytes";
    size_t sl = strlen(suffix);
    for (struct dirent *de; d && (de = readdir(d));) {
        /* hugetlb.2MB.current / hugetlb.2MB.usage_in_bytes, not the .rsvd. ones */
        size_t len = strlen(de->d_name);
        if (strncmp(de->d_name, "hugetlb.", 8) || len <= 8 + sl || strcmp(de->d_name + len - sl, suffix) ||
            strstr(de->d_name, ".rsvd."))
            continue;
        char *size = xstrndup(de->d_name + 8, len - 8 - sl);
        if (!size)
            abort();
        struct cgroup_hugetlb_entry e = {.page_size = size, .usage = read_u64_or0(dir, de->d_name)};
        if (v2) {
            cleanup_free char *events = xasprintf("hugetlb.%s.events", size);
            e.failcnt = keyed_or0(dir, events, "max");
        } else {
            cleanup_free char *max = xasprintf("hugetlb.%s.max_usage_in_bytes", size);
            cleanup_free char *fail = xasprintf("hugetlb.%s.failcnt", size);
            e.max = read_u64_or0(dir, max);
            e.failcnt = read_u64_or0(dir, fail);
        }
        s->hugetlb = xrealloc(s->hugetlb, (s->n_hugetlb + 1) * sizeof *s->hugetlb);
        s->hugetlb[s->n_hugetlb++] = e;
    }
}

/* memory, pids and hugetlb by the kind of node that serves them: on a hybrid
 * host hugetlb (and in principle memory) may be served by the unified
 * hierarchy while the rest is v1. */
void cgroup_stats_by_node(struct cgroup_manager *m, struct cgroup_stats *s)
{
    struct cgroup_node *n = cgroup_node_lookup(m, "memory");
    if (n && n->h.unified)
        cgroup_stats_memory_v2(n->dir, s);
    else
        cgroup_stats_memory_v1(n ? n->dir : NULL, s);
    cgroup_stats_pids(cgroup_manager_dir(m, "pids"), s);
    n = cgroup_node_lookup(m, "hugetlb");
    if (n)
        cgroup_stats_hugetlb(n->dir, n->h.unified, s);
}

int cgroup_manager_stats(struct cgroup_manager *m, struct cgroup_stats *out, struct hull_error **err)
{
    memset(out, 0, sizeof *out);
    if (!m || m->n_nodes == 0)
        return hull_error_set(err, 0, "the container has no cgroup to read statistics from");
    m->ops->read_stats(m, out);
    return 0;
}

int cgroup_manager_oom_kills(struct cgroup_manager *m, uint64_t *count, struct hull_error **err)
{
    *count = 0;
    if (!m || m->n_nodes == 0)
        return 0;
    struct cgroup_node *n = cgroup_node_lookup(m, "memory");
    if (!n)
        return hull_error_set(err, 0, "no memory cgroup: OOM kills cannot be counted");
    /* v2: memory.events counts the subtree; v1: memory.oom_control has an
     * oom_kill counter since 4.13. */
    const char *file = n->h.unified ? "memory.events" : "memory.oom_control";
    if (!cg_read_keyed(n->dir, file, "oom_kill", count))
        return hull_error_set(err, errno, "read the oom_kill counter in %s/%s", n->dir, file);
    return 0;
}
