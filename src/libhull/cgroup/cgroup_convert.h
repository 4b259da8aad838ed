/* hull: pure value conversions between the OCI resources (shaped after cgroup
 * v1) and what the kernel files want, on v1 and on v2.  No I/O here, so the
 * unit tests can check each formula against runc's and crun's. */
#ifndef HULL_CGROUP_CONVERT_H
#define HULL_CGROUP_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../spec/spec.h"
#include "../util/error_internal.h"

/* cpu.shares (2..262144) -> cpu.weight (1..10000), runc's and crun's formula:
 * weight = 1 + ((shares - 2) * 9999) / 262142.  0 stays 0 ("not set"). */
uint64_t cgroup_shares_to_weight(uint64_t shares);

/* blkio.weight (10..1000) -> io.weight (1..10000): 1 + (w - 10) * 9999 / 990. 0 stays 0. */
uint64_t cgroup_blkio_weight_to_io_weight(uint64_t weight);

/* OCI memory.swap is the v1 memory+swap limit; v2's memory.swap.max is swap
 * alone.  Returns the memory.swap.max value (-1 = "max") as runc's
 * ConvertMemorySwapToCgroupV2Value does, or an error naming the field. */
int cgroup_swap_to_v2(int64_t swap, bool limit_set, int64_t limit, int64_t *out, struct hull_error **err);

/* A v1/v2 memory value: -1 -> "-1" on v1, "max" on v2. buf >= 32 bytes. */
const char *cgroup_memory_value(int64_t v, bool v2, char *buf, size_t len);

/* The cpu.max line "QUOTA PERIOD" or "max PERIOD".  current is the file's
 * present content (for update: keeps the half that is not being changed);
 * may be NULL. Returns malloc'ed text. */
char *cgroup_cpu_max_value(bool quota_set, int64_t quota, bool period_set, uint64_t period, const char *current);

/* One device rule in the v1 devices.allow / devices.deny syntax: "c 1:3 rwm", "a *:* rwm". */
int cgroup_device_rule_v1(const struct hull_device_rule *rule, char *buf, size_t len, struct hull_error **err);

/* The access string as a BPF_DEVCG_ACC_* mask (r=READ, w=WRITE, m=MKNOD); NULL = all. -1 on a bad letter. */
int cgroup_device_access_mask(const char *access);

/* The devices every container may use whatever linux.resources.devices says
 * (runc's AllowedDevices, appended after the user's rules): /dev/null, zero,
 * full, random, urandom, tty, ptmx, pts/, net/tun, and mknod of any c/b. */
const struct hull_device_rule *cgroup_default_device_rules(size_t *n);

/* hugepageLimits[].pageSize "2MB" -> validated; returns false when malformed. */
bool cgroup_hugepage_size_valid(const char *page_size);

/* rdma.max line for one device: "mlx5_1 hca_handle=3 hca_object=max". malloc'ed. */
char *cgroup_rdma_value(const struct hull_rdma_limit *l);

#endif
