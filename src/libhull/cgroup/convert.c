/* hull: value conversions for cgroup files (see cgroup_convert.h). */
#include "cgroup_convert.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/utils.h"

uint64_t cgroup_shares_to_weight(uint64_t shares)
{
    if (shares == 0)
        return 0;
    /* The kernel clamps cpu.shares to [2, 262144]; clamp first so the formula
     * cannot underflow or leave cpu.weight's [1, 10000] range. */
    if (shares < 2)
        shares = 2;
    if (shares > 262144)
        shares = 262144;
    return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cgroup_blkio_weight_to_io_weight(uint64_t weight)
{
    if (weight == 0)
        return 0;
    if (weight < 10)
        weight = 10;
    if (weight > 1000)
        weight = 1000;
    return 1 + (weight - 10) * 9999 / 990;
}

int cgroup_swap_to_v2(int64_t swap, bool limit_set, int64_t limit, int64_t *out, struct hull_error **err)
{
    int64_t memory = limit_set ? limit : 0;
    /* v1 compatibility: an unlimited memory with swap not given means
     * "unlimited memory and swap". */
    if (memory == -1 && swap == 0) {
        *out = -1;
        return 0;
    }
    if (swap == -1 || swap == 0) {
        *out = swap; /* -1 is "max"; 0 is "not set" (runc, crun) */
        return 0;
    }
    if (swap < -1)
        return hull_error_set(err, 0, "linux.resources.memory.swap: invalid value %" PRId64, swap);
    if (memory == 0 || memory == -1)
        return hull_error_set(err, 0,
                              "linux.resources.memory.swap: cannot set a swap limit (%" PRId64
                              ") without a memory limit: on cgroup v2 memory.swap.max is swap - limit",
                              swap);
    if (memory < 0)
        return hull_error_set(err, 0, "linux.resources.memory.limit: invalid value %" PRId64, memory);
    if (swap < memory)
        return hull_error_set(err, 0,
                              "linux.resources.memory.swap (%" PRId64 ") is memory+swap and must be >= "
                              "linux.resources.memory.limit (%" PRId64 ")",
                              swap, memory);
    *out = swap - memory;
    return 0;
}

const char *cgroup_memory_value(int64_t v, bool v2, char *buf, size_t len)
{
    if (v == -1)
        return v2 ? "max" : "-1";
    snprintf(buf, len, "%" PRId64, v);
    return buf;
}

char *cgroup_cpu_max_value(bool quota_set, int64_t quota, bool period_set, uint64_t period, const char *current)
{
    char cur_quota[32] = "max", cur_period[32] = "";
    if (current)
        sscanf(current, "%31s %31s", cur_quota, cur_period);
    char q[32], p[32];
    if (quota_set) {
        if (quota <= 0)
            snprintf(q, sizeof q, "max");
        else
            snprintf(q, sizeof q, "%" PRId64, quota);
    } else {
        snprintf(q, sizeof q, "%s", cur_quota);
    }
    if (period_set && period > 0)
        snprintf(p, sizeof p, "%" PRIu64, period);
    else
        snprintf(p, sizeof p, "%s", cur_period);
    return p[0] ? xasprintf("%s %s", q, p) : xstrdup(q);
}

int cgroup_device_access_mask(const char *access)
{
    if (!access)
        return 7;
    int mask = 0;
    for (const char *c = access; *c; c++) {
        switch (*c) {
        case 'r':
            mask |= 2; /* BPF_DEVCG_ACC_READ */
            break;
        case 'w':
            mask |= 4; /* BPF_DEVCG_ACC_WRITE */
            break;
        case 'm':
            mask |= 1; /* BPF_DEVCG_ACC_MKNOD */
            break;
        default:
            return -1;
        }
    }
    return mask;
}

int cgroup_device_rule_v1(const struct hull_device_rule *rule, char *buf, size_t len, struct hull_error **err)
{
    char type = rule->type ? rule->type : 'a';
    if (type != 'a' && type != 'c' && type != 'b')
        return hull_error_set(err, 0, "linux.resources.devices: type \"%c\" is not one of a, c, b", type);
    if (cgroup_device_access_mask(rule->access) < 0)
        return hull_error_set(err, 0, "linux.resources.devices: access \"%s\" is not a combination of r, w, m",
                              rule->access);
    char major[24] = "*", minor[24] = "*";
    if (rule->has_major && rule->major >= 0)
        snprintf(major, sizeof major, "%" PRId64, rule->major);
    if (rule->has_minor && rule->minor >= 0)
        snprintf(minor, sizeof minor, "%" PRId64, rule->minor);
    const char *access = rule->access && rule->access[0] ? rule->access : "rwm";
    /* The kernel reads "a" as "everything" whatever follows; write the full form anyway. */
    snprintf(buf, len, "%c %s:%s %s", type, major, minor, access);
    return 0;
}

#define DEV(t, maj, min, acc)                                                                                          \
    {                                                                                                                  \
        .allow = true, .type = t, .has_major = (maj) >= 0, .has_minor = (min) >= 0, .major = maj, .minor = min,        \
        .access = (char *)acc                                                                                          \
    }
static const struct hull_device_rule default_rules[] = {
    DEV('c', -1, -1, "m"),     /* mknod of any char device (it still cannot be opened) */
    DEV('b', -1, -1, "m"),     /* mknod of any block device */
    DEV('c', 1, 3, "rwm"),     /* /dev/null */
    DEV('c', 1, 8, "rwm"),     /* /dev/random */
    DEV('c', 1, 7, "rwm"),     /* /dev/full */
    DEV('c', 5, 0, "rwm"),     /* /dev/tty */
    DEV('c', 1, 5, "rwm"),     /* /dev/zero */
    DEV('c', 1, 9, "rwm"),     /* /dev/urandom */
    DEV('c', 136, -1, "rwm"),  /* /dev/pts/N (the console is one of them) */
    DEV('c', 5, 2, "rwm"),     /* /dev/ptmx */
    DEV('c', 10, 200, "rwm"),  /* /dev/net/tun: runc keeps it for Docker's users */
};
#undef DEV

const struct hull_device_rule *cgroup_default_device_rules(size_t *n)
{
    *n = ARRAY_SIZE(default_rules);
    return default_rules;
}

bool cgroup_hugepage_size_valid(const char *s)
{
    if (!s || *s < '1' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9')
        s++;
    return !strcmp(s, "KB") || !strcmp(s, "MB") || !strcmp(s, "GB");
}

char *cgroup_rdma_value(const struct hull_rdma_limit *l)
{
    char handles[40] = "", objects[40] = "";
    if (l->hca_handles.set)
        snprintf(handles, sizeof handles, " hca_handle=%" PRIu64, l->hca_handles.v);
    if (l->hca_objects.set)
        snprintf(objects, sizeof objects, " hca_object=%" PRIu64, l->hca_objects.v);
    return xasprintf("%s%s%s", l->device, handles, objects);
}
