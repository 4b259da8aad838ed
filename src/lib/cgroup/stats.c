/* hull: `events --stats` and the OOM counter.
 *
 * The JSON shape is runc's types.Stats (runc/types/events.go), including Go's
 * omitempty behaviour (zero numbers with omitempty are left out), because
 * containerd and its shims decode exactly that.  Units are runc's: CPU time in
 * nanoseconds (v2 reports microseconds, v1's cpuacct.stat USER_HZ ticks),
 * "unlimited" as 0 for pids and as the kernel's value for memory.
 * A controller the host lacks just leaves its part empty: stats are
 * best-effort, like runc's. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../util/utils.h"
#include "cgroup_internal.h"

static void add_u64(struct json_object *o, const char *key, uint64_t v)
{
    json_object_object_add(o, key, json_object_new_uint64(v));
}

static void add_u64_omitempty(struct json_object *o, const char *key, uint64_t v)
{
    if (v)
        add_u64(o, key, v);
}

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

/* "123 456 789" -> [123, 456, 789]; NULL when the file is missing or empty. */
static struct json_object *u64_list(const char *dir, const char *file)
{
    cleanup_free char *text = NULL;
    if (!dir || cg_read(dir, file, &text, NULL) < 0)
        return NULL;
    struct json_object *a = json_object_new_array();
    char *save = NULL;
    for (char *t = strtok_r(text, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
        uint64_t v;
        if (parse_uint64(t, &v))
            json_object_array_add(a, json_object_new_uint64(v));
    }
    if (json_object_array_length(a) == 0) {
        json_object_put(a);
        return NULL;
    }
    return a;
}

static struct json_object *keyed_map(const char *dir, const char *file)
{
    cleanup_free char *text = NULL;
    if (!dir || cg_read(dir, file, &text, NULL) < 0)
        return NULL;
    struct json_object *o = json_object_new_object();
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *sp = strchr(line, ' ');
        uint64_t v;
        if (!sp)
            continue;
        *sp = '\0';
        if (parse_uint64(sp + 1, &v))
            add_u64(o, line, v);
    }
    return o;
}

/* ---- cpu ---- */

static struct json_object *cpu_stats(struct cgroup_manager *m)
{
    struct json_object *cpu = json_object_new_object(), *usage = json_object_new_object(),
                       *thr = json_object_new_object();
    bool v2 = m->layout == CGROUP_LAYOUT_V2;
    uint64_t total = 0, kernel = 0, user = 0, periods = 0, throttled = 0, throttled_time = 0;
    struct json_object *percpu = NULL, *percpu_kernel = NULL, *percpu_user = NULL;
    if (v2) {
        const char *dir = cgroup_manager_dir(m, NULL);
        total = keyed_or0(dir, "cpu.stat", "usage_usec") * 1000;
        user = keyed_or0(dir, "cpu.stat", "user_usec") * 1000;
        kernel = keyed_or0(dir, "cpu.stat", "system_usec") * 1000;
        periods = keyed_or0(dir, "cpu.stat", "nr_periods");
        throttled = keyed_or0(dir, "cpu.stat", "nr_throttled");
        throttled_time = keyed_or0(dir, "cpu.stat", "throttled_usec") * 1000;
    } else {
        const char *acct = cgroup_manager_dir(m, "cpuacct"), *cpudir = cgroup_manager_dir(m, "cpu");
        total = read_u64_or0(acct, "cpuacct.usage");
        percpu = u64_list(acct, "cpuacct.usage_percpu");
        percpu_kernel = u64_list(acct, "cpuacct.usage_percpu_sys");
        percpu_user = u64_list(acct, "cpuacct.usage_percpu_user");
        /* cpuacct.stat counts USER_HZ ticks; runc converts them to nanoseconds. */
        long hz = sysconf(_SC_CLK_TCK);
        if (hz <= 0)
            hz = 100;
        user = keyed_or0(acct, "cpuacct.stat", "user") * (1000000000ULL / (uint64_t)hz);
        kernel = keyed_or0(acct, "cpuacct.stat", "system") * (1000000000ULL / (uint64_t)hz);
        periods = keyed_or0(cpudir, "cpu.stat", "nr_periods");
        throttled = keyed_or0(cpudir, "cpu.stat", "nr_throttled");
        throttled_time = keyed_or0(cpudir, "cpu.stat", "throttled_time");
    }
    add_u64_omitempty(usage, "total", total);
    if (percpu)
        json_object_object_add(usage, "percpu", percpu);
    if (percpu_kernel)
        json_object_object_add(usage, "percpu_kernel", percpu_kernel);
    if (percpu_user)
        json_object_object_add(usage, "percpu_user", percpu_user);
    add_u64(usage, "kernel", kernel);
    add_u64(usage, "user", user);
    add_u64_omitempty(thr, "periods", periods);
    add_u64_omitempty(thr, "throttledPeriods", throttled);
    add_u64_omitempty(thr, "throttledTime", throttled_time);
    json_object_object_add(cpu, "usage", usage);
    json_object_object_add(cpu, "throttling", thr);
    return cpu;
}

/* ---- memory ---- */

static struct json_object *memory_entry(uint64_t limit, uint64_t usage, uint64_t max, uint64_t failcnt)
{
    struct json_object *e = json_object_new_object();
    add_u64(e, "limit", limit);
    add_u64_omitempty(e, "usage", usage);
    add_u64_omitempty(e, "max", max);
    add_u64(e, "failcnt", failcnt);
    return e;
}

static struct json_object *memory_stats(struct cgroup_manager *m)
{
    struct json_object *mem = json_object_new_object();
    const char *dir = cgroup_manager_dir(m, "memory");
    if (!dir)
        return mem;
    struct json_object *raw = keyed_map(dir, "memory.stat");
    if (m->layout == CGROUP_LAYOUT_V2 || cgroup_node_lookup(m, "memory")->h.unified) {
        uint64_t usage = read_u64_or0(dir, "memory.current"), limit = read_u64_or0(dir, "memory.max");
        uint64_t swap = read_u64_or0(dir, "memory.swap.current"), swap_limit = read_u64_or0(dir, "memory.swap.max");
        add_u64_omitempty(mem, "cache", keyed_or0(dir, "memory.stat", "file"));
        json_object_object_add(mem, "usage", memory_entry(limit, usage, read_u64_or0(dir, "memory.peak"),
                                                          keyed_or0(dir, "memory.events", "max")));
        /* v1 reports memory+swap; runc keeps that meaning on v2 (usage + swap). */
        uint64_t swap_total_limit = (swap_limit == UINT64_MAX || limit == UINT64_MAX) ? UINT64_MAX : swap_limit + limit;
        json_object_object_add(mem, "swap", memory_entry(swap_total_limit, usage + swap,
                                                         read_u64_or0(dir, "memory.swap.peak"),
                                                         keyed_or0(dir, "memory.swap.events", "max")));
        json_object_object_add(mem, "kernel", memory_entry(0, 0, 0, 0));
        json_object_object_add(mem, "kernelTCP", memory_entry(0, 0, 0, 0));
    } else {
        add_u64_omitempty(mem, "cache", keyed_or0(dir, "memory.stat", "cache"));
        static const struct {
            const char *key, *prefix;
        } entries[] = {{"usage", "memory"}, {"swap", "memory.memsw"}, {"kernel", "memory.kmem"},
                       {"kernelTCP", "memory.kmem.tcp"}};
        for (size_t i = 0; i < ARRAY_SIZE(entries); i++) {
            char f_limit[64], f_usage[64], f_max[64], f_fail[64];
            snprintf(f_limit, sizeof f_limit, "%s.limit_in_bytes", entries[i].prefix);
            snprintf(f_usage, sizeof f_usage, "%s.usage_in_bytes", entries[i].prefix);
            snprintf(f_max, sizeof f_max, "%s.max_usage_in_bytes", entries[i].prefix);
            snprintf(f_fail, sizeof f_fail, "%s.failcnt", entries[i].prefix);
            json_object_object_add(mem, entries[i].key,
                                   memory_entry(read_u64_or0(dir, f_limit), read_u64_or0(dir, f_usage),
                                                read_u64_or0(dir, f_max), read_u64_or0(dir, f_fail)));
        }
    }
    if (raw && json_object_object_length(raw) > 0)
        json_object_object_add(mem, "raw", raw);
    else
        json_object_put(raw);
    return mem;
}

/* ---- pids, blkio, hugetlb ---- */

static struct json_object *pids_stats(struct cgroup_manager *m)
{
    struct json_object *p = json_object_new_object();
    const char *dir = cgroup_manager_dir(m, "pids");
    add_u64_omitempty(p, "current", read_u64_or0(dir, "pids.current"));
    uint64_t limit = read_u64_or0(dir, "pids.max");
    add_u64_omitempty(p, "limit", limit == UINT64_MAX ? 0 : limit); /* runc: "max" is 0 */
    return p;
}

static void blkio_entry(struct json_object *arr, uint64_t major, uint64_t minor, const char *op, uint64_t value)
{
    struct json_object *e = json_object_new_object();
    add_u64_omitempty(e, "major", major);
    add_u64_omitempty(e, "minor", minor);
    json_object_object_add(e, "op", json_object_new_string(op));
    add_u64_omitempty(e, "value", value);
    json_object_array_add(arr, e);
}

/* v1: "MAJ:MIN Op VALUE" lines ("Total N" skipped as runc's parser does for the summary). */
static struct json_object *blkio_v1_list(const char *dir, const char *file)
{
    cleanup_free char *text = NULL;
    struct json_object *a = json_object_new_array();
    if (!dir || cg_read(dir, file, &text, NULL) < 0)
        return a;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        unsigned long long maj, min, val;
        char op[32];
        if (sscanf(line, "%llu:%llu %31s %llu", &maj, &min, op, &val) == 4)
            blkio_entry(a, maj, min, op, val);
    }
    return a;
}

static struct json_object *blkio_stats(struct cgroup_manager *m)
{
    struct json_object *b = json_object_new_object();
    struct json_object *bytes, *ios;
    if (m->layout == CGROUP_LAYOUT_V2) {
        bytes = json_object_new_array();
        ios = json_object_new_array();
        cleanup_free char *text = NULL;
        const char *dir = cgroup_manager_dir(m, "io");
        if (dir && cg_read(dir, "io.stat", &text, NULL) == 0) {
            char *save = NULL;
            /* "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" */
            for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                unsigned long long maj, min;
                if (sscanf(line, "%llu:%llu", &maj, &min) != 2)
                    continue;
                char *save2 = NULL;
                for (char *kv = strtok_r(strchr(line, ' '), " ", &save2); kv; kv = strtok_r(NULL, " ", &save2)) {
                    unsigned long long v;
                    if (sscanf(kv, "rbytes=%llu", &v) == 1)
                        blkio_entry(bytes, maj, min, "Read", v);
                    else if (sscanf(kv, "wbytes=%llu", &v) == 1)
                        blkio_entry(bytes, maj, min, "Write", v);
                    else if (sscanf(kv, "rios=%llu", &v) == 1)
                        blkio_entry(ios, maj, min, "Read", v);
                    else if (sscanf(kv, "wios=%llu", &v) == 1)
                        blkio_entry(ios, maj, min, "Write", v);
                }
            }
        }
    } else {
        const char *dir = cgroup_manager_dir(m, "blkio");
        /* The throttle layer sees every bio whatever the I/O scheduler. */
        bytes = blkio_v1_list(dir, "blkio.throttle.io_service_bytes_recursive");
        ios = blkio_v1_list(dir, "blkio.throttle.io_serviced_recursive");
    }
    if (json_object_array_length(bytes))
        json_object_object_add(b, "ioServiceBytesRecursive", bytes);
    else
        json_object_put(bytes);
    if (json_object_array_length(ios))
        json_object_object_add(b, "ioServicedRecursive", ios);
    else
        json_object_put(ios);
    return b;
}

static struct json_object *hugetlb_stats(struct cgroup_manager *m)
{
    struct json_object *h = json_object_new_object();
    struct cgroup_node *n = cgroup_node_lookup(m, "hugetlb");
    if (!n)
        return h;
    bool v2 = n->h.unified;
    cleanup_dir DIR *d = opendir(n->dir);
    struct dirent *de;
    const char *suffix = v2 ? ".current" : ".usage_in_bytes";
    while (d && (de = readdir(d))) {
        /* hugetlb.2MB.current / hugetlb.2MB.usage_in_bytes, not the .rsvd. ones */
        size_t len = strlen(de->d_name), sl = strlen(suffix);
        if (strncmp(de->d_name, "hugetlb.", 8) || len <= 8 + sl || strcmp(de->d_name + len - sl, suffix) ||
            strstr(de->d_name, ".rsvd."))
            continue;
        cleanup_free char *size = strndup(de->d_name + 8, len - 8 - sl);
        struct json_object *e = json_object_new_object();
        if (v2) {
            cleanup_free char *events = xasprintf("hugetlb.%s.events", size);
            add_u64_omitempty(e, "usage", read_u64_or0(n->dir, de->d_name));
            add_u64(e, "failcnt", keyed_or0(n->dir, events, "max"));
        } else {
            cleanup_free char *max = xasprintf("hugetlb.%s.max_usage_in_bytes", size);
            cleanup_free char *fail = xasprintf("hugetlb.%s.failcnt", size);
            add_u64_omitempty(e, "usage", read_u64_or0(n->dir, de->d_name));
            add_u64_omitempty(e, "max", read_u64_or0(n->dir, max));
            add_u64(e, "failcnt", read_u64_or0(n->dir, fail));
        }
        json_object_object_add(h, size, e);
    }
    return h;
}

int cgroup_manager_stats(struct cgroup_manager *m, struct json_object **out, struct hull_error **err)
{
    if (!m || m->n_nodes == 0)
        return hull_error_set(err, 0, "the container has no cgroup to read statistics from");
    struct json_object *s = json_object_new_object();
    json_object_object_add(s, "cpu", cpu_stats(m));
    json_object_object_add(s, "cpuset", json_object_new_object());
    json_object_object_add(s, "memory", memory_stats(m));
    json_object_object_add(s, "pids", pids_stats(m));
    json_object_object_add(s, "blkio", blkio_stats(m));
    json_object_object_add(s, "hugetlb", hugetlb_stats(m));
    json_object_object_add(s, "intel_rdt", json_object_new_object());
    json_object_object_add(s, "network_interfaces", NULL);
    *out = s;
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
