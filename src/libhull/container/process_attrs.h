/* hull: the per-process settings of runtime-spec 1.1-1.3 that the kernel
 * applies to the calling process: process.scheduler, process.ioPriority,
 * process.execCPUAffinity, linux.personality and linux.memoryPolicy. */
#ifndef HULL_PROCESS_ATTRS_H
#define HULL_PROCESS_ATTRS_H

#include "../spec/spec.h"
#include "../util/error_internal.h"

/* Checks what the parser could not: the host has the CPUs of execCPUAffinity,
 * the kernel has the scheduling policy.  Run before anything is created. */
int process_attrs_validate(const struct hull_process *p, struct hull_error **err);
/* linux.memoryPolicy's nodes exist on the host (and the kernel has NUMA). */
int linux_attrs_validate(const struct hull_spec *spec, struct hull_error **err);

/* execCPUAffinity.initial, in the runtime's child before it joins the
 * container's cgroup. */
int process_apply_initial_affinity(const struct hull_process *p, struct hull_error **err);
/* execCPUAffinity.final, scheduler and I/O priority, in the process itself
 * after it joined the container's cgroup and before it drops privileges. */
int process_apply_attrs(const struct hull_process *p, struct hull_error **err);
/* personality and memoryPolicy: both survive execve(). */
int linux_apply_attrs(const struct hull_linux *l, struct hull_error **err);

#endif
