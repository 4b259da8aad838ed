/* hull: linux.resources on cgroup v1 (and the v1 half of a hybrid host).
 *
 * The OCI fields are shaped after the v1 files, so this driver mostly writes
 * values through; the care is in the order (memory before memory+swap or
 * after, as the kernel validates each write against the other) and in the
 * error for a field the host cannot enforce. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/log.h"
#include "../util/utils.h"
#include "cgroup_convert.h"
#include "cgroup_internal.h"

static int write_i64(const char *dir, const char *file, int64_t v, const char *field, struct hull_error **err)
{
    return cg_writef(dir, file, field, err, "%" PRId64, v);
}

/* memory.limit_in_bytes and memory.memsw.limit_in_bytes (the OCI swap is
 * memory+swap, as v1's file): which values, then which write first. */
static int v1_memory_values(const char *dir, const struct hull_memory *mem, bool update, bool have_memsw,
                            int64_t *limit_out, int64_t *swap_out, struct hull_error **err)
{
    /* 0 means "not set" for limit and swap, as in runc (Docker's API sends 0). */
    int64_t limit = mem->limit.set ? mem->limit.v : 0;
    int64_t swap = mem->swap.set ? mem->swap.v : 0;
    if (limit == -1 && swap == 0)
        swap = -1; /* unlimited memory with swap not given: unlimited memory+swap too (runc) */
    if (update && limit > 0 && swap == 0 && have_memsw) {
        /* `update --memory` alone: keep the swap allowance (memsw - limit) as
         * it was, as v2's separate memory.swap.max would, instead of failing
         * when the new limit passes the old memory+swap limit. */
        uint64_t cur_limit = 0, cur_memsw = 0;
        if (cg_read_u64(dir, "memory.limit_in_bytes", &cur_limit, NULL) == 0 &&
            cg_read_u64(dir, "memory.memsw.limit_in_bytes", &cur_memsw, NULL) == 0 && cur_memsw < (1ULL << 62) &&
            cur_memsw >= cur_limit)
            swap = limit + (int64_t)(cur_memsw - cur_limit);
    }
    if (swap != 0 && !have_memsw) {
        if (swap == -1)
            swap = 0; /* nothing to lift: the kernel accounts no swap here */
        else
            return hull_error_set(err, 0, "linux.resources.memory.swap: the host cannot enforce it: no "
                                          "memory.memsw.limit_in_bytes (kernel without swap accounting, "
                                          "see swapaccount=1)");
    }
    *limit_out = limit;
    *swap_out = swap;
    return 0;
}

static int v1_write_memory_limits(const char *dir, int64_t limit, int64_t swap, struct hull_error **err)
{
    static const char *const lim_file = "memory.limit_in_bytes", *const lim_field = "linux.resources.memory.limit";
    static const char *const sw_file = "memory.memsw.limit_in_bytes", *const sw_field = "linux.resources.memory.swap";
    if (limit == 0 || swap == 0) {
        if (limit != 0 && write_i64(dir, lim_file, limit, lim_field, err) < 0)
            return -1;
        if (swap != 0 && write_i64(dir, sw_file, swap, sw_field, err) < 0)
            return -1;
        return 0;
    }
    /* The kernel checks memory <= memory+swap at every write, so raise
     * memory+swap first when it grows and lower memory first when it shrinks. */
    uint64_t cur_limit = 0;
    if (cg_read_u64(dir, lim_file, &cur_limit, err) < 0)
        return -1;
    if (swap == -1 || cur_limit < (uint64_t)swap) {
        if (write_i64(dir, sw_file, swap, sw_field, err) < 0 || write_i64(dir, lim_file, limit, lim_field, err) < 0)
            return -1;
    } else {
        if (write_i64(dir, lim_file, limit, lim_field, err) < 0 || write_i64(dir, sw_file, swap, sw_field, err) < 0)
            return -1;
    }
    return 0;
}

/* kernel and kernelTCP are NOT RECOMMENDED by the spec and runc ignores
 * them; we apply them where the kernel still has the file. */
static int v1_write_kernel_memory(const char *dir, const struct hull_memory *mem, struct hull_error **err)
{
    if (mem->kernel.set && mem->kernel.v != 0) {
        struct hull_error *e = NULL;
        if (write_i64(dir, "memory.kmem.limit_in_bytes", mem->kernel.v, "linux.resources.memory.kernel", &e) < 0) {
            cleanup_free char *t = hull_error_text(e);
            log_warn("%s; ignored (kernel memory limits are NOT RECOMMENDED by the OCI spec and gone from recent "
                     "kernels)",
                     t);
            hull_error_free(e);
        }
    }
    if (mem->kernel_tcp.set && mem->kernel_tcp.v != 0) {
        if (!cg_file_exists(dir, "memory.kmem.tcp.limit_in_bytes"))
            log_warn("linux.resources.memory.kernelTCP: this kernel has no memory.kmem.tcp.limit_in_bytes; ignored "
                     "(NOT RECOMMENDED by the OCI spec)");
        else if (write_i64(dir, "memory.kmem.tcp.limit_in_bytes", mem->kernel_tcp.v,
                           "linux.resources.memory.kernelTCP", err) < 0)
            return -1;
    }
    return 0;
}

static int v1_write_memory_knobs(const char *dir, const struct hull_memory *mem, struct hull_error **err)
{
    if (mem->swappiness.set && mem->swappiness.v != UINT64_MAX &&
        cg_writef(dir, "memory.swappiness", "linux.resources.memory.swappiness", err, "%" PRIu64,
                  mem->swappiness.v) < 0)
        return -1;
    if (mem->disable_oom_killer.set && mem->disable_oom_killer.v &&
        cg_write(dir, "memory.oom_control", "1", "linux.resources.memory.disableOOMKiller", err) < 0)
        return -1;
    if (mem->use_hierarchy.set) {
        cleanup_free char *cur = NULL;
        /* Kernels since 5.x are always hierarchical and refuse "0"; writing
         * what is already there is a no-op worth skipping. */
        if (cg_read(dir, "memory.use_hierarchy", &cur, NULL) == 0 && (cur[0] == '1') == mem->use_hierarchy.v)
            return 0;
        if (cg_write(dir, "memory.use_hierarchy", mem->use_hierarchy.v ? "1" : "0",
                     "linux.resources.memory.useHierarchy", err) < 0)
            return -1;
    }
    return 0;
}

int cgroup_v1_set_memory(struct cgroup_node *n, const struct hull_memory *mem, bool update, struct hull_error **err)
{
    const char *dir = n->dir;
    if (update && cgroup_check_before_update(dir, "memory.usage_in_bytes", mem, err) < 0)
        return -1;
    bool have_memsw = cg_file_exists(dir, "memory.memsw.limit_in_bytes");
    int64_t limit = 0, swap = 0;
    if (v1_memory_values(dir, mem, update, have_memsw, &limit, &swap, err) < 0 ||
        v1_write_memory_limits(dir, limit, swap, err) < 0)
        return -1;
    if (mem->reservation.set && mem->reservation.v != 0 &&
        write_i64(dir, "memory.soft_limit_in_bytes", mem->reservation.v, "linux.resources.memory.reservation",
                  err) < 0)
        return -1;
    if (v1_write_kernel_memory(dir, mem, err) < 0)
        return -1;
    return v1_write_memory_knobs(dir, mem, err);
}

/* A cgroup's realtime runtime must fit in its parent's, and a new cgroup
 * gets 0: the ancestors this manager created (never anyone else's) get the
 * same budget first, top-down. */
static int give_ancestors_rt_budget(struct cgroup_node *n, const struct hull_cpu *cpu, struct hull_error **err)
{
    for (char **c = n->created; c && *c; c++) {
        if (!strcmp(*c, n->dir))
            continue;
        if (cpu->realtime_period.set && cpu->realtime_period.v != 0 &&
            cg_writef(*c, "cpu.rt_period_us", "linux.resources.cpu.realtimePeriod", err, "%" PRIu64,
                      cpu->realtime_period.v) < 0)
            return -1;
        if (cg_writef(*c, "cpu.rt_runtime_us", "linux.resources.cpu.realtimeRuntime", err, "%" PRId64,
                      cpu->realtime_runtime.v) < 0)
            return hull_error_wrap(err, "give the new parent cgroup %s a realtime budget", *c);
    }
    return 0;
}

int cgroup_v1_set_cpu(struct cgroup_node *n, const struct hull_cpu *cpu, struct hull_error **err)
{
    const char *dir = n->dir;
    /* In the kernel's range 2..262144 (checked at parse): it would clamp silently. */
    if (cpu->shares.set && cpu->shares.v != 0 &&
        cg_writef(dir, "cpu.shares", "linux.resources.cpu.shares", err, "%" PRIu64, cpu->shares.v) < 0)
        return -1;
    if (cpu->period.set && cpu->period.v != 0 &&
        cg_writef(dir, "cpu.cfs_period_us", "linux.resources.cpu.period", err, "%" PRIu64, cpu->period.v) < 0)
        return -1;
    if (cpu->quota.set && cpu->quota.v != 0 &&
        cg_writef(dir, "cpu.cfs_quota_us", "linux.resources.cpu.quota", err, "%" PRId64, cpu->quota.v) < 0)
        return -1;
    if (cpu->burst.set &&
        cg_writef(dir, "cpu.cfs_burst_us", "linux.resources.cpu.burst", err, "%" PRIu64, cpu->burst.v) < 0)
        return -1;
    if (cpu->realtime_runtime.set && cpu->realtime_runtime.v > 0 && give_ancestors_rt_budget(n, cpu, err) < 0)
        return -1;
    /* rt_period before rt_runtime: the runtime must fit in the period. */
    if (cpu->realtime_period.set && cpu->realtime_period.v != 0 &&
        cg_writef(dir, "cpu.rt_period_us", "linux.resources.cpu.realtimePeriod", err, "%" PRIu64,
                  cpu->realtime_period.v) < 0)
        return -1;
    if (cpu->realtime_runtime.set && cpu->realtime_runtime.v != 0 &&
        cg_writef(dir, "cpu.rt_runtime_us", "linux.resources.cpu.realtimeRuntime", err, "%" PRId64,
                  cpu->realtime_runtime.v) < 0)
        return hull_error_wrap(err, "(the parent cgroups need a realtime budget of their own first)");
    if (cpu->idle.set &&
        cg_writef(dir, "cpu.idle", "linux.resources.cpu.idle", err, "%" PRId64, cpu->idle.v) < 0)
        return -1;
    return 0;
}

static int write_device_list(const char *dir, const char *file, const char *field,
                             const struct hull_throttle_list *l, struct hull_error **err)
{
    for (size_t i = 0; i < l->n; i++) {
        if (cg_writef(dir, file, field, err, "%" PRId64 ":%" PRId64 " %" PRIu64, l->items[i].major,
                      l->items[i].minor, l->items[i].rate) < 0)
            return -1;
    }
    return 0;
}

int cgroup_v1_set_blkio(struct cgroup_node *n, const struct hull_blkio *b, struct hull_error **err)
{
    const char *dir = n->dir;
    /* CFQ's blkio.weight is gone since 5.0; BFQ offers blkio.bfq.weight (runc falls back the same way). */
    bool bfq = !cg_file_exists(dir, "blkio.weight") && cg_file_exists(dir, "blkio.bfq.weight");
    if (b->weight.set && b->weight.v != 0 &&
        cg_writef(dir, bfq ? "blkio.bfq.weight" : "blkio.weight", "linux.resources.blockIO.weight", err,
                  "%" PRIu64, b->weight.v) < 0)
        return -1;
    if (b->leaf_weight.set && b->leaf_weight.v != 0 &&
        cg_writef(dir, "blkio.leaf_weight", "linux.resources.blockIO.leafWeight", err, "%" PRIu64,
                  b->leaf_weight.v) < 0)
        return -1;
    for (size_t i = 0; i < b->n_weight_devices; i++) {
        const struct hull_weight_device *d = &b->weight_devices[i];
        if (d->weight.set &&
            cg_writef(dir, bfq ? "blkio.bfq.weight_device" : "blkio.weight_device",
                      "linux.resources.blockIO.weightDevice", err, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
                      d->minor, d->weight.v) < 0)
            return -1;
        if (d->leaf_weight.set &&
            cg_writef(dir, "blkio.leaf_weight_device", "linux.resources.blockIO.weightDevice.leafWeight", err,
                      "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor, d->leaf_weight.v) < 0)
            return -1;
    }
    if (write_device_list(dir, "blkio.throttle.read_bps_device", "linux.resources.blockIO.throttleReadBpsDevice",
                          &b->read_bps, err) < 0 ||
        write_device_list(dir, "blkio.throttle.write_bps_device", "linux.resources.blockIO.throttleWriteBpsDevice",
                          &b->write_bps, err) < 0 ||
        write_device_list(dir, "blkio.throttle.read_iops_device", "linux.resources.blockIO.throttleReadIOPSDevice",
                          &b->read_iops, err) < 0 ||
        write_device_list(dir, "blkio.throttle.write_iops_device",
                          "linux.resources.blockIO.throttleWriteIOPSDevice", &b->write_iops, err) < 0)
        return -1;
    return 0;
}

static int write_device_rules(struct cgroup_node *n, const struct hull_device_rule *rules, size_t n_rules,
                              struct hull_error **err)
{
    /* Start from "deny everything", as the v2 program and runc do: a new v1
     * cgroup inherits its parent's list (the root's is "a *:* rwm"), so
     * allow rules written on top of it would restrict nothing when the
     * config has no deny-all rule of its own (issue 11). */
    if (cg_write(n->dir, "devices.deny", "a *:* rwm", "linux.resources.devices", err) < 0)
        return -1;
    /* Spec: "The runtime MUST apply entries in the listed order"; v1's own
     * semantics (a wildcard "a" resets the list) then do the rest. */
    for (size_t i = 0; i < n_rules; i++) {
        char line[64];
        if (cgroup_device_rule_v1(&rules[i], line, sizeof line, err) < 0)
            return -1;
        if (cg_write(n->dir, rules[i].allow ? "devices.allow" : "devices.deny", line, "linux.resources.devices",
                     err) < 0)
            return -1;
    }
    return 0;
}

int cgroup_v1_apply_devices(struct cgroup_manager *m, const struct hull_device_rule *rules, size_t n,
                            bool user_rules, struct hull_error **err)
{
    struct cgroup_node *dn = cgroup_node_for(m, "devices");
    if (!dn) {
        if (user_rules)
            return hull_error_set(err, 0, "linux.resources.devices: the host cannot enforce it: no devices cgroup "
                                          "hierarchy is mounted");
        log_warn("no devices cgroup hierarchy: the container's device access is not restricted");
        return 0;
    }
    return write_device_rules(dn, rules, n, err);
}

int cgroup_v1_set_network(struct cgroup_manager *m, const struct hull_resources *r, struct hull_error **err)
{
    struct cgroup_node *n;
    if (r->net_class_id.set) {
        if (!(n = cgroup_require(m, "net_cls", "linux.resources.network.classID", err)) ||
            cg_writef(n->dir, "net_cls.classid", "linux.resources.network.classID", err, "%" PRIu64,
                      r->net_class_id.v) < 0)
            return -1;
    }
    if (r->n_net_priorities) {
        if (!(n = cgroup_require(m, "net_prio", "linux.resources.network.priorities", err)))
            return -1;
        for (size_t i = 0; i < r->n_net_priorities; i++)
            if (cg_writef(n->dir, "net_prio.ifpriomap", "linux.resources.network.priorities", err, "%s %u",
                          r->net_priorities[i].name, r->net_priorities[i].priority) < 0)
                return -1;
    }
    return 0;
}
