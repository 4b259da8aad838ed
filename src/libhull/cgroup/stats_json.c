/* hull: struct cgroup_stats as runc prints it in `events --stats`.
 *
 * The shape is runc's types.Stats (runc/types/events.go) including Go's
 * omitempty behaviour (a zero number with omitempty is left out), because
 * containerd and its shims decode exactly that; the member order is runc's
 * too, so output stays byte-for-byte what it was when the drivers built the
 * JSON themselves. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cgroup_stats.h"

static void add_u64(struct json_object *o, const char *key, uint64_t v)
{
    json_object_object_add(o, key, json_object_new_uint64(v));
}

static void add_u64_omitempty(struct json_object *o, const char *key, uint64_t v)
{
    if (v)
        add_u64(o, key, v);
}

static void add_list(struct json_object *o, const char *key, const struct cgroup_u64_list *l)
{
    if (l->n == 0)
        return;
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; i < l->n; i++)
        json_object_array_add(a, json_object_new_uint64(l->v[i]));
    json_object_object_add(o, key, a);
}

static struct json_object *cpu_json(const struct cgroup_stats *s)
{
    struct json_object *cpu = json_object_new_object(), *usage = json_object_new_object(),
                       *thr = json_object_new_object();
    add_u64_omitempty(usage, "total", s->cpu.total);
    add_list(usage, "percpu", &s->cpu.percpu);
    add_list(usage, "percpu_kernel", &s->cpu.percpu_kernel);
    add_list(usage, "percpu_user", &s->cpu.percpu_user);
    add_u64(usage, "kernel", s->cpu.kernel);
    add_u64(usage, "user", s->cpu.user);
    add_u64_omitempty(thr, "periods", s->cpu.periods);
    add_u64_omitempty(thr, "throttledPeriods", s->cpu.throttled_periods);
    add_u64_omitempty(thr, "throttledTime", s->cpu.throttled_time);
    json_object_object_add(cpu, "usage", usage);
    json_object_object_add(cpu, "throttling", thr);
    return cpu;
}

static struct json_object *memory_entry_json(const struct cgroup_memory_entry *e)
{
    struct json_object *o = json_object_new_object();
    add_u64(o, "limit", e->limit);
    add_u64_omitempty(o, "usage", e->usage);
    add_u64_omitempty(o, "max", e->max);
    add_u64(o, "failcnt", e->failcnt);
    return o;
}

static struct json_object *memory_json(const struct cgroup_stats *s)
{
    struct json_object *mem = json_object_new_object();
    if (!s->memory.present)
        return mem;
    add_u64_omitempty(mem, "cache", s->memory.cache);
    json_object_object_add(mem, "usage", memory_entry_json(&s->memory.usage));
    json_object_object_add(mem, "swap", memory_entry_json(&s->memory.swap));
    json_object_object_add(mem, "kernel", memory_entry_json(&s->memory.kernel));
    json_object_object_add(mem, "kernelTCP", memory_entry_json(&s->memory.kernel_tcp));
    if (s->memory.n_raw) {
        struct json_object *raw = json_object_new_object();
        for (size_t i = 0; i < s->memory.n_raw; i++)
            add_u64(raw, s->memory.raw[i].key, s->memory.raw[i].value);
        json_object_object_add(mem, "raw", raw);
    }
    return mem;
}

static struct json_object *pids_json(const struct cgroup_stats *s)
{
    struct json_object *p = json_object_new_object();
    add_u64_omitempty(p, "current", s->pids.current);
    add_u64_omitempty(p, "limit", s->pids.limit);
    return p;
}

static void add_blkio_list(struct json_object *o, const char *key, const struct cgroup_blkio_entry *v, size_t n)
{
    if (n == 0)
        return;
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_new_object();
        add_u64_omitempty(e, "major", v[i].major);
        add_u64_omitempty(e, "minor", v[i].minor);
        json_object_object_add(e, "op", json_object_new_string(v[i].op));
        add_u64_omitempty(e, "value", v[i].value);
        json_object_array_add(a, e);
    }
    json_object_object_add(o, key, a);
}

static struct json_object *hugetlb_json(const struct cgroup_stats *s)
{
    struct json_object *h = json_object_new_object();
    for (size_t i = 0; i < s->n_hugetlb; i++) {
        const struct cgroup_hugetlb_entry *e = &s->hugetlb[i];
        struct json_object *o = json_object_new_object();
        add_u64_omitempty(o, "usage", e->usage);
        add_u64_omitempty(o, "max", e->max); /* v2 has no max usage file: always 0 there */
        add_u64(o, "failcnt", e->failcnt);
        json_object_object_add(h, e->page_size, o);
    }
    return h;
}

struct json_object *cgroup_stats_to_json(const struct cgroup_stats *s)
{
    struct json_object *o = json_object_new_object(), *blkio = json_object_new_object();
    json_object_object_add(o, "cpu", cpu_json(s));
    json_object_object_add(o, "cpuset", json_object_new_object());
    json_object_object_add(o, "memory", memory_json(s));
    json_object_object_add(o, "pids", pids_json(s));
    add_blkio_list(blkio, "ioServiceBytesRecursive", s->blkio.service_bytes, s->blkio.n_service_bytes);
    add_blkio_list(blkio, "ioServicedRecursive", s->blkio.serviced, s->blkio.n_serviced);
    json_object_object_add(o, "blkio", blkio);
    json_object_object_add(o, "hugetlb", hugetlb_json(s));
    json_object_object_add(o, "intel_rdt", json_object_new_object());
    json_object_object_add(o, "network_interfaces", NULL);
    return o;
}

bool cgroup_stats_memory_raw(const struct cgroup_stats *s, const char *key, uint64_t *out)
{
    for (size_t i = 0; i < s->memory.n_raw; i++) {
        if (!strcmp(s->memory.raw[i].key, key)) {
            *out = s->memory.raw[i].value;
            return true;
        }
    }
    return false;
}

void cgroup_stats_clear(struct cgroup_stats *s)
{
    free(s->cpu.percpu.v);
    free(s->cpu.percpu_kernel.v);
    free(s->cpu.percpu_user.v);
    for (size_t i = 0; i < s->memory.n_raw; i++)
        free(s->memory.raw[i].key);
    free(s->memory.raw);
    free(s->blkio.service_bytes);
    free(s->blkio.serviced);
    for (size_t i = 0; i < s->n_hugetlb; i++)
        free(s->hugetlb[i].page_size);
    free(s->hugetlb);
    memset(s, 0, sizeof *s);
}
