/* hull: the cgroup v2 device filter, an eBPF BPF_PROG_TYPE_CGROUP_DEVICE
 * program generated from linux.resources.devices (cgroup v2 has no
 * devices.allow/deny files; the kernel asks an attached program instead). */
#ifndef HULL_CGROUP_EBPF_DEVICES_H
#define HULL_CGROUP_EBPF_DEVICES_H

#include <linux/bpf.h>
#include <stddef.h>

#include "../spec/spec.h"
#include "../util/error_internal.h"

/* Builds the program for rules (already including the default devices).
 * *insns is malloc'ed. */
int cgroup_devices_bpf_program(const struct hull_device_rule *rules, size_t n, struct bpf_insn **insns,
                               size_t *n_insns, struct hull_error **err);

/* Loads the program into the kernel; returns its fd (log of the verifier in the error). */
int cgroup_devices_bpf_load(const struct bpf_insn *insns, size_t n_insns, struct hull_error **err);

/* Builds, loads and attaches the filter to the v2 cgroup fd, replacing any
 * device program attached there before (update). */
int cgroup_devices_bpf_attach(int cgroup_fd, const struct hull_device_rule *rules, size_t n, struct hull_error **err);

/* How many device programs are attached to the cgroup (tests). -1 on error. */
int cgroup_devices_bpf_count(int cgroup_fd);

#endif
