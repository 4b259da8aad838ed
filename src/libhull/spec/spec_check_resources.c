/* hull: the range checks of linux.resources, run once where the values enter
 * (config.json, `update --resources FILE`, `update`'s flags) and never again
 * at apply time.  What is checked here holds on every host: the kernel's
 * ranges (cpu.shares, cfs quota/period, blkio weights), the spec's own rules
 * (burst <= quota, memory+swap >= memory) and the syntax of the values the
 * kernel would refuse (cpu lists, huge page sizes, rdma device names, unified
 * file names).  What depends on the host -- a missing controller or file, a CPU
 * the parent cgroup does not offer -- stays with the cgroup driver that finds
 * out.  Each error is one line naming the JSON field and the allowed range. */
#include <inttypes.h>
#include <string.h>

#include "cgroup/cgroup_convert.h"
#include "spec_internal.h"
#include "util/idlist.h"
#include "util/utils.h"

/* The kernel's cpu.shares range (kernel/sched: MIN_SHARES .. MAX_SHARES). */
#define SHARES_MIN 2
#define SHARES_MAX 262144
/* CFS bandwidth: quota and period in microseconds (kernel/sched/core.c:
 * min_cfs_quota_period = 1 ms, max_cfs_quota_period = 1 s). */
#define CFS_MIN_US 1000
#define CFS_MAX_PERIOD_US 1000000
/* blkio.weight and the weight of a device (CFQ's and BFQ's range). */
#define BLKIO_WEIGHT_MIN 10
#define BLKIO_WEIGHT_MAX 1000

static int out_of_range_u64(struct hull_error **err, const char *prefix, const char *key, uint64_t v, uint64_t lo,
                            uint64_t hi)
{
    return hull_error_set(err, 0, "%s: %" PRIu64 " is out of range (%" PRIu64 "..%" PRIu64 ")",
                          spec_field_key(prefix, key).s, v, lo, hi);
}

/* 0 means "not set" for these, as in runc (Docker's API sends 0). */
static int check_u64_or_zero(struct hull_opt_u64 v, const char *prefix, const char *key, uint64_t lo, uint64_t hi,
                             struct hull_error **err)
{
    if (v.set && v.v != 0 && (v.v < lo || v.v > hi))
        return out_of_range_u64(err, prefix, key, v.v, lo, hi);
    return 0;
}

static int check_memory_value(struct hull_opt_i64 v, const char *prefix, const char *key, struct hull_error **err)
{
    if (v.set && v.v < -1)
        return hull_error_set(err, 0, "%s: %" PRId64 " is not a valid limit (bytes, or -1 for unlimited)",
                              spec_field_key(prefix, key).s, v.v);
    return 0;
}

static int check_memory(const struct hull_memory *mem, const char *field, struct hull_error **err)
{
    if (check_memory_value(mem->limit, field, "limit", err) < 0 ||
        check_memory_value(mem->reservation, field, "reservation", err) < 0 ||
        check_memory_value(mem->swap, field, "swap", err) < 0 ||
        check_memory_value(mem->kernel, field, "kernel", err) < 0 ||
        check_memory_value(mem->kernel_tcp, field, "kernelTCP", err) < 0)
        return -1;
    if (mem->swap.set && mem->limit.set && mem->swap.v > 0 && mem->limit.v > 0 && mem->swap.v < mem->limit.v)
        return hull_error_set(err, 0, "%s: %" PRId64 " is memory+swap and must be >= %s (%" PRId64 ")",
                              spec_field_key(field, "swap").s, mem->swap.v, spec_field_key(field, "limit").s,
                              mem->limit.v);
    /* uint64 max is how "-1 = unset" (docker) arrives in an unsigned field. */
    if (mem->swappiness.set && mem->swappiness.v > 100 && mem->swappiness.v != UINT64_MAX)
        return out_of_range_u64(err, field, "swappiness", mem->swappiness.v, 0, 100);
    return 0;
}

static int check_cpu_list(const char *list, const char *field, const char *key, struct hull_error **err)
{
    struct idlist bits;
    if (list && idlist_parse_err(list, &bits, err) < 0)
        return hull_error_wrap(err, "%s", spec_field_key(field, key).s);
    return 0;
}

static int check_cpu(const struct hull_cpu *cpu, const char *field, struct hull_error **err)
{
    if (check_u64_or_zero(cpu->shares, field, "shares", SHARES_MIN, SHARES_MAX, err) < 0)
        return -1;
    if (cpu->quota.set && (cpu->quota.v < -1 || (cpu->quota.v > 0 && cpu->quota.v < CFS_MIN_US)))
        return hull_error_set(err, 0, "%s: %" PRId64 " is out of range (-1 for no limit, or %d.. microseconds)",
                              spec_field_key(field, "quota").s, cpu->quota.v, CFS_MIN_US);
    if (check_u64_or_zero(cpu->period, field, "period", CFS_MIN_US, CFS_MAX_PERIOD_US, err) < 0)
        return -1;
    /* Spec: burst MUST be no larger than a positive quota (runtimes MAY error). */
    if (cpu->burst.set && cpu->quota.set && cpu->quota.v > 0 && cpu->burst.v > (uint64_t)cpu->quota.v)
        return hull_error_set(err, 0, "%s: %" PRIu64 " is larger than %s (%" PRId64 ")",
                              spec_field_key(field, "burst").s, cpu->burst.v, spec_field_key(field, "quota").s,
                              cpu->quota.v);
    if (cpu->realtime_runtime.set && cpu->realtime_runtime.v < -1)
        return hull_error_set(err, 0, "%s: %" PRId64 " is out of range (-1..)",
                              spec_field_key(field, "realtimeRuntime").s, cpu->realtime_runtime.v);
    if (cpu->idle.set && cpu->idle.v != 0 && cpu->idle.v != 1)
        return hull_error_set(err, 0, "%s: %" PRId64 " is out of range (0..1)", spec_field_key(field, "idle").s,
                              cpu->idle.v);
    /* Only the syntax: which CPUs exist is the parent cgroup's to say. */
    if (check_cpu_list(cpu->mems, field, "mems", err) < 0 || check_cpu_list(cpu->cpus, field, "cpus", err) < 0)
        return -1;
    return 0;
}

static int check_devices_of(const struct hull_throttle_list *l, const char *field, const char *key,
                            struct hull_error **err)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].major < 0 || l->items[i].minor < 0)
            return hull_error_set(err, 0, "%s: bad device %" PRId64 ":%" PRId64,
                                  spec_field_index(spec_field_key(field, key).s, i).s, l->items[i].major,
                                  l->items[i].minor);
    return 0;
}

static int check_blkio(const struct hull_blkio *b, const char *field, struct hull_error **err)
{
    if (check_u64_or_zero(b->weight, field, "weight", BLKIO_WEIGHT_MIN, BLKIO_WEIGHT_MAX, err) < 0 ||
        check_u64_or_zero(b->leaf_weight, field, "leafWeight", BLKIO_WEIGHT_MIN, BLKIO_WEIGHT_MAX, err) < 0)
        return -1;
    for (size_t i = 0; i < b->n_weight_devices; i++) {
        const struct hull_weight_device *d = &b->weight_devices[i];
        struct spec_field item = spec_field_index(spec_field_key(field, "weightDevice").s, i);
        if (!d->weight.set && !d->leaf_weight.set)
            return hull_error_set(err, 0, "%s: give weight or leafWeight", item.s);
        if (d->weight.set && (d->weight.v < BLKIO_WEIGHT_MIN || d->weight.v > BLKIO_WEIGHT_MAX))
            return out_of_range_u64(err, item.s, "weight", d->weight.v, BLKIO_WEIGHT_MIN, BLKIO_WEIGHT_MAX);
        if (d->leaf_weight.set && (d->leaf_weight.v < BLKIO_WEIGHT_MIN || d->leaf_weight.v > BLKIO_WEIGHT_MAX))
            return out_of_range_u64(err, item.s, "leafWeight", d->leaf_weight.v, BLKIO_WEIGHT_MIN,
                                    BLKIO_WEIGHT_MAX);
        if (d->major < 0 || d->minor < 0)
            return hull_error_set(err, 0, "%s: bad device %" PRId64 ":%" PRId64, item.s, d->major, d->minor);
    }
    if (check_devices_of(&b->read_bps, field, "throttleReadBpsDevice", err) < 0 ||
        check_devices_of(&b->write_bps, field, "throttleWriteBpsDevice", err) < 0 ||
        check_devices_of(&b->read_iops, field, "throttleReadIOPSDevice", err) < 0 ||
        check_devices_of(&b->write_iops, field, "throttleWriteIOPSDevice", err) < 0)
        return -1;
    return 0;
}

static int check_hugetlb(const struct hull_resources *r, const char *field, struct hull_error **err)
{
    for (size_t i = 0; i < r->n_hugepage_limits; i++) {
        const char *size = r->hugepage_limits[i].page_size;
        if (!cgroup_hugepage_size_valid(size))
            return hull_error_set(err, 0, "%s: \"%s\" is not a page size (like 2MB, 1GB or 64KB)",
                                  spec_field_key(spec_field_index(spec_field_key(field, "hugepageLimits").s, i).s,
                                                 "pageSize")
                                      .s,
                                  size ? size : "");
    }
    return 0;
}

static int check_rdma(const struct hull_resources *r, const char *field, struct hull_error **err)
{
    for (size_t i = 0; i < r->n_rdma; i++) {
        const struct hull_rdma_limit *l = &r->rdma[i];
        cleanup_free char *item = xasprintf("%s[\"%s\"]", spec_field_key(field, "rdma").s, l->device ? l->device : "");
        /* The device is a word of the rdma.max line. */
        if (!l->device || !l->device[0] || strpbrk(l->device, " \n"))
            return hull_error_set(err, 0, "%s: bad device name", item);
        if (!l->hca_handles.set && !l->hca_objects.set)
            return hull_error_set(err, 0, "%s: give hcaHandles or hcaObjects", item);
    }
    return 0;
}

static int check_unified(const struct hull_resources *r, const char *field, struct hull_error **err)
{
    for (size_t i = 0; i < r->n_unified; i++) {
        const char *key = r->unified[i].key ? r->unified[i].key : "";
        const char *dot = strchr(key, '.');
        /* A file of the container's own cgroup: CONTROLLER.FILE, never a path. */
        if (!dot || dot == key || strchr(key, '/'))
            return hull_error_set(err, 0, "%s[\"%s\"]: not a cgroup file name (CONTROLLER.FILE)",
                                  spec_field_key(field, "unified").s, key);
    }
    return 0;
}

int spec_check_resources(const struct hull_resources *r, const char *field, struct hull_error **err)
{
    if (r->has_memory && check_memory(&r->memory, spec_field_key(field, "memory").s, err) < 0)
        return -1;
    if (r->has_cpu && check_cpu(&r->cpu, spec_field_key(field, "cpu").s, err) < 0)
        return -1;
    /* Spec: 0 is a real limit (no new task); -1 is "max". */
    if (r->has_pids && r->pids_limit < -1)
        return hull_error_set(err, 0, "%s: %" PRId64 " is out of range (-1 for no limit, or 0..)",
                              spec_field_key(field, "pids.limit").s, r->pids_limit);
    if (r->has_blkio && check_blkio(&r->blkio, spec_field_key(field, "blockIO").s, err) < 0)
        return -1;
    if (check_hugetlb(r, field, err) < 0 || check_rdma(r, field, err) < 0 || check_unified(r, field, err) < 0)
        return -1;
    return 0;
}
