/* hull: scheduler, I/O priority, CPU affinity, personality and NUMA memory
 * policy of the container's processes.  Each is a property of the calling
 * task that fork() and execve() keep, so the init (and an exec'd process)
 * sets it on itself just before it starts the user's program. */
#include "process_attrs.h"

#include <errno.h>
#include <linux/ioprio.h>
#include <linux/mempolicy.h>
#include <linux/sched.h>
#include <sched.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../util/idlist.h"
#include "../util/utils.h"

#define HOST_CPUS "/sys/devices/system/cpu/online"
#define HOST_NODES "/sys/devices/system/node/online"

static int check_cpu_list(const char *list, const char *field, struct hull_error **err)
{
    struct idlist cpus, host;
    if (!list)
        return 0;
    if (idlist_parse(list, &cpus) < 0)
        return hull_error_set(err, 0, "%s \"%s\" is not a CPU list", field, list);
    if (idlist_read_file(HOST_CPUS, &host) < 0)
        return hull_error_set(err, errno, "%s: read the host's CPUs from %s", field, HOST_CPUS);
    int outside = idlist_first_outside(&cpus, &host);
    if (outside >= 0)
        return hull_error_set(err, 0, "%s \"%s\": CPU %d is not online on this host", field, list, outside);
    return 0;
}

int process_attrs_validate(const struct hull_process *p, struct hull_error **err)
{
    if (!p)
        return 0;
    if (p->has_scheduler && p->sched_policy_id < 0)
        return hull_error_set(err, ENOTSUP, "process.scheduler.policy \"%s\" does not exist in the Linux kernel",
                              p->sched_policy);
    if (check_cpu_list(p->cpu_affinity_initial, "process.execCPUAffinity.initial", err) < 0 ||
        check_cpu_list(p->cpu_affinity_final, "process.execCPUAffinity.final", err) < 0)
        return -1;
    return 0;
}

int linux_attrs_validate(const struct hull_spec *spec, struct hull_error **err)
{
    const struct hull_linux *l = &spec->linux_;
    if (!l->has_memory_policy)
        return 0;
    /* get_mempolicy(2) fails with ENOSYS on a kernel built without CONFIG_NUMA.
     */
    int mode;
    if (syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL, 0) < 0 && errno == ENOSYS)
        return hull_error_set(err, ENOTSUP, "linux.memoryPolicy needs a kernel with NUMA support");
    if (!l->mempolicy_nodes)
        return 0;
    struct idlist nodes, host;
    if (idlist_parse(l->mempolicy_nodes, &nodes) < 0)
        return hull_error_set(err, 0, "linux.memoryPolicy.nodes \"%s\" is not a node list", l->mempolicy_nodes);
    if (idlist_read_file(HOST_NODES, &host) < 0)
        return hull_error_set(err, errno, "linux.memoryPolicy.nodes: read the host's memory nodes from %s", HOST_NODES);
    int outside = idlist_first_outside(&nodes, &host);
    /* MPOL_F_RELATIVE_NODES: ids are relative to the allowed nodes, any may be
     * given (set_mempolicy(2)). */
    if (outside >= 0 && !(l->mempolicy_flags & MPOL_F_RELATIVE_NODES))
        return hull_error_set(err, 0, "linux.memoryPolicy.nodes \"%s\": node %d is not online on this host",
                              l->mempolicy_nodes, outside);
    return 0;
}

static int set_affinity(const char *list, const char *field, struct hull_error **err)
{
    struct idlist ids;
    if (!list)
        return 0;
    if (idlist_parse(list, &ids) < 0)
        return hull_error_set(err, 0, "%s \"%s\" is not a CPU list", field, list);
    cpu_set_t set;
    CPU_ZERO(&set);
    for (unsigned i = 0; i < IDLIST_MAX && i < CPU_SETSIZE; i++)
        if (idlist_has(&ids, i))
            CPU_SET(i, &set);
    if (sched_setaffinity(0, sizeof set, &set) < 0)
        return hull_error_set(err, errno, "%s \"%s\": sched_setaffinity", field, list);
    return 0;
}

int process_apply_initial_affinity(const struct hull_process *p, struct hull_error **err)
{
    return set_affinity(p->cpu_affinity_initial, "process.execCPUAffinity.initial", err);
}

/* sched_setattr(2)'s argument; <linux/sched/types.h> cannot be included next
 * to glibc's <sched.h> on Debian 12 (both define struct sched_param). */
struct hull_sched_attr {
    uint32_t size, sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime, sched_deadline, sched_period;
};

static int apply_scheduler(const struct hull_process *p, struct hull_error **err)
{
    struct hull_sched_attr attr = {
        .size = sizeof attr,
        .sched_policy = (uint32_t)p->sched_policy_id,
        .sched_flags = p->sched_flags,
        .sched_priority = (uint32_t)p->sched_priority,
        .sched_runtime = p->sched_runtime,
        .sched_deadline = p->sched_deadline,
        .sched_period = p->sched_period,
    };
    /* sched_setattr(2): nice only means something for SCHED_OTHER and
     * SCHED_BATCH. */
    if (p->sched_policy_id == SCHED_OTHER || p->sched_policy_id == SCHED_BATCH)
        attr.sched_nice = p->sched_nice;
    if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
        return hull_error_set(err, errno, "process.scheduler: sched_setattr %s", p->sched_policy);
    return 0;
}

int process_apply_attrs(const struct hull_process *p, struct hull_error **err)
{
    /* Affinity before the scheduler: a SCHED_DEADLINE task may not narrow its
     * affinity (sched_setaffinity(2) fails with EBUSY). */
    if (set_affinity(p->cpu_affinity_final, "process.execCPUAffinity.final", err) < 0)
        return -1;
    if (p->has_scheduler && apply_scheduler(p, err) < 0)
        return -1;
    if (p->has_io_priority) {
        int prio = IOPRIO_PRIO_VALUE(p->io_priority_class_id, p->io_priority);
        if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, prio) < 0)
            return hull_error_set(err, errno, "process.ioPriority: ioprio_set %s %d", p->io_priority_class,
                                  p->io_priority);
    }
    return 0;
}

int linux_apply_attrs(const struct hull_linux *l, struct hull_error **err)
{
    if (l->has_personality && personality(l->personality) < 0)
        return hull_error_set(err, errno, "linux.personality: personality %s", l->personality_domain);
    if (l->has_memory_policy) {
        struct idlist nodes = {{0}};
        if (l->mempolicy_nodes && idlist_parse(l->mempolicy_nodes, &nodes) < 0)
            return hull_error_set(err, 0, "linux.memoryPolicy.nodes \"%s\" is not a node list", l->mempolicy_nodes);
        /* maxnode counts bits; the kernel reads maxnode-1 of them (set_mempolicy(2)
         * quirk). */
        const unsigned long *mask = l->mempolicy_nodes ? nodes.bits : NULL;
        if (syscall(SYS_set_mempolicy, l->mempolicy_mode | (int)l->mempolicy_flags, mask,
                    mask ? (unsigned long)IDLIST_MAX : 0UL) < 0)
            return hull_error_set(err, errno, "linux.memoryPolicy: set_mempolicy");
    }
    return 0;
}
