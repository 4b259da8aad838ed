/* hull: linux.resources on cgroup v2.
 *
 * The OCI fields are v1-shaped; each is converted the way runc and crun
 * document (cpu.shares -> cpu.weight, blkio weight -> io.weight or
 * io.bfq.weight, memory+swap -> memory.swap.max = swap - limit, quota/period
 * -> cpu.max).  Fields v2 has no file for are an error naming the field,
 * except kernel/kernelTCP which the spec marks NOT RECOMMENDED (a warning). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/log.h"
#include "../util/utils.h"
#include "cgroup_convert.h"
#include "cgroup_internal.h"

int cgroup_v2_set_memory(struct cgroup_node *n, const struct hull_memory *mem, bool update, struct hull_error **err)
{
    const char *dir = n->dir;
    char buf[32];
    if (update && cgroup_check_before_update(dir, "memory.current", mem, err) < 0)
        return -1;
    int64_t swap_max = 0;
    bool swap_given = mem->swap.set || (mem->limit.set && mem->limit.v == -1);
    if (swap_given && cgroup_swap_to_v2(mem->swap.set ? mem->swap.v : 0, mem->limit.set,
                                        mem->limit.set ? mem->limit.v : 0, &swap_max, err) < 0)
        return -1;
    if (mem->limit.set && mem->limit.v != 0) {
        /* Lowering memory.max below the usage makes the kernel reclaim and
         * then OOM-kill; the kernel accepts the write either way. */
        if (cg_write(dir, "memory.max", cgroup_memory_value(mem->limit.v, true, buf, sizeof buf),
                     "linux.resources.memory.limit", err) < 0)
            return -1;
    }
    if (swap_given && swap_max != 0) {
        if (!cg_file_exists(dir, "memory.swap.max")) {
            if (swap_max != -1)
                return hull_error_set(err, 0, "linux.resources.memory.swap: the host cannot enforce it: no "
                                              "memory.swap.max (kernel without swap accounting)");
        } else if (cg_write(dir, "memory.swap.max", cgroup_memory_value(swap_max, true, buf, sizeof buf),
                            "linux.resources.memory.swap", err) < 0) {
            return -1;
        }
    }
    if (mem->reservation.set && mem->reservation.v != 0 &&
        cg_write(dir, "memory.low", cgroup_memory_value(mem->reservation.v, true, buf, sizeof buf),
                 "linux.resources.memory.reservation", err) < 0)
        return -1;
    if (mem->kernel.set && mem->kernel.v != 0)
        log_warn("linux.resources.memory.kernel: cgroup v2 has no separate kernel memory limit (kernel memory "
                 "counts in memory.max); ignored, as the spec marks it NOT RECOMMENDED");
    if (mem->kernel_tcp.set && mem->kernel_tcp.v != 0)
        log_warn("linux.resources.memory.kernelTCP: cgroup v2 has no TCP buffer limit (it counts in memory.max); "
                 "ignored, as the spec marks it NOT RECOMMENDED");
    if (mem->swappiness.set && mem->swappiness.v != UINT64_MAX)
        return hull_error_set(err, 0, "linux.resources.memory.swappiness: the host cannot enforce it: cgroup v2 has "
                                      "no per-cgroup swappiness (use memory.swap.max or unified memory.swap.high)");
    if (mem->disable_oom_killer.set && mem->disable_oom_killer.v)
        return hull_error_set(err, 0, "linux.resources.memory.disableOOMKiller: the host cannot enforce it: cgroup v2 "
                                      "cannot disable the OOM killer for a cgroup");
    if (mem->use_hierarchy.set && !mem->use_hierarchy.v)
        return hull_error_set(err, 0, "linux.resources.memory.useHierarchy: cgroup v2 is always hierarchical; "
                                      "false cannot be honoured");
    return 0;
}

int cgroup_v2_set_cpu(struct cgroup_node *n, const struct hull_cpu *cpu, struct hull_error **err)
{
    const char *dir = n->dir;
    if (cpu->shares.set && cpu->shares.v != 0) {
        if (cg_writef(dir, "cpu.weight", "linux.resources.cpu.shares", err, "%" PRIu64,
                      cgroup_shares_to_weight(cpu->shares.v)) < 0)
            return -1;
    }
    bool quota = cpu->quota.set && cpu->quota.v != 0, period = cpu->period.set && cpu->period.v != 0;
    if (quota || period) {
        cleanup_free char *cur = NULL;
        cg_read(dir, "cpu.max", &cur, NULL);
        cleanup_free char *value =
            cgroup_cpu_max_value(quota, cpu->quota.v, period, cpu->period.v, cur);
        if (cg_write(dir, "cpu.max", value, quota ? "linux.resources.cpu.quota" : "linux.resources.cpu.period",
                     err) < 0)
            return -1;
    }
    if (cpu->burst.set &&
        cg_writef(dir, "cpu.max.burst", "linux.resources.cpu.burst", err, "%" PRIu64, cpu->burst.v) < 0)
        return -1;
    if ((cpu->realtime_runtime.set && cpu->realtime_runtime.v != 0) ||
        (cpu->realtime_period.set && cpu->realtime_period.v != 0))
        return hull_error_set(err, 0, "linux.resources.cpu.realtimeRuntime/realtimePeriod: the host cannot enforce "
                                      "them: cgroup v2 has no realtime group scheduling");
    if (cpu->idle.set &&
        cg_writef(dir, "cpu.idle", "linux.resources.cpu.idle", err, "%" PRId64, cpu->idle.v) < 0)
        return -1;
    return 0;
}

/* io.max takes "MAJ:MIN rbps=N wbps=N riops=N wiops=N"; one line per key keeps
 * each error precise and leaves the other keys of the device unchanged. */
static int write_io_max(const char *dir, const char *key, const char *field, const struct hull_throttle_list *l,
                        struct hull_error **err)
{
    for (size_t i = 0; i < l->n; i++) {
        if (cg_writef(dir, "io.max", field, err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, l->items[i].major,
                      l->items[i].minor, key, l->items[i].rate) < 0)
            return -1;
    }
    return 0;
}

int cgroup_v2_set_io(struct cgroup_node *n, const struct hull_blkio *b, struct hull_error **err)
{
    const char *dir = n->dir;
    /* BFQ takes the blkio range (1..1000) as is; io.weight wants 1..10000. */
    bool bfq = cg_file_exists(dir, "io.bfq.weight");
    if (b->weight.set && b->weight.v != 0) {
        int rc = bfq ? cg_writef(dir, "io.bfq.weight", "linux.resources.blockIO.weight", err, "%" PRIu64, b->weight.v)
                     : cg_writef(dir, "io.weight", "linux.resources.blockIO.weight", err, "default %" PRIu64,
                                 cgroup_blkio_weight_to_io_weight(b->weight.v));
        if (rc < 0)
            return -1;
    }
    if (b->leaf_weight.set && b->leaf_weight.v != 0)
        return hull_error_set(err, 0, "linux.resources.blockIO.leafWeight: the host cannot enforce it: cgroup v2 has "
                                      "no leaf weight (a CFQ-only setting)");
    for (size_t i = 0; i < b->n_weight_devices; i++) {
        const struct hull_weight_device *d = &b->weight_devices[i];
        if (d->leaf_weight.set)
            return hull_error_set(err, 0, "linux.resources.blockIO.weightDevice[%zu].leafWeight: the host cannot "
                                          "enforce it: cgroup v2 has no leaf weight",
                                  i);
        if (!d->weight.set)
            continue;
        int rc = bfq ? cg_writef(dir, "io.bfq.weight", "linux.resources.blockIO.weightDevice", err,
                                 "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor, d->weight.v)
                     : cg_writef(dir, "io.weight", "linux.resources.blockIO.weightDevice", err,
                                 "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
                                 cgroup_blkio_weight_to_io_weight(d->weight.v));
        if (rc < 0)
            return -1;
    }
    if (write_io_max(dir, "rbps", "linux.resources.blockIO.throttleReadBpsDevice", &b->read_bps, err) < 0 ||
        write_io_max(dir, "wbps", "linux.resources.blockIO.throttleWriteBpsDevice", &b->write_bps, err) < 0 ||
        write_io_max(dir, "riops", "linux.resources.blockIO.throttleReadIOPSDevice", &b->read_iops, err) < 0 ||
        write_io_max(dir, "wiops", "linux.resources.blockIO.throttleWriteIOPSDevice", &b->write_iops, err) < 0)
        return -1;
    return 0;
}
