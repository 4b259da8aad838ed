/* hull: a container's cgroup statistics as a typed struct.
 *
 * cgroup_manager_stats() fills it from whichever driver the host has (v1, v2
 * or hybrid); the units are already runc's (CPU time in nanoseconds, bytes,
 * "unlimited" pids as 0), so a consumer never needs to know the layout.  JSON
 * exists only at the edges: cgroup_stats_to_json() prints runc's
 * `events --stats` shape for hull-runtime, and the engine's `hull stats`
 * reads the struct directly (src/libhull-engine/engine/stats.c).
 * A controller the host lacks leaves its part zero/empty: stats are
 * best-effort, as runc's are. */
#ifndef HULL_CGROUP_STATS_H
#define HULL_CGROUP_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

/* runc's MemoryData: one of memory, memory+swap, kernel, kernel TCP. */
struct cgroup_memory_entry {
    uint64_t limit, usage, max, failcnt;
};

/* A "key value" line of memory.stat, in file order. */
struct cgroup_stat_kv {
    char *key;
    uint64_t value;
};

/* runc's BlkioStatEntry: "MAJ:MIN Op VALUE". */
struct cgroup_blkio_entry {
    uint64_t major, minor;
    char op[16]; /* "Read", "Write", "Sync", "Async", "Discard", "Total" ... */
    uint64_t value;
};

struct cgroup_hugetlb_entry {
    char *page_size; /* "2MB", "1GB" as in the file names */
    uint64_t usage, max, failcnt;
};

struct cgroup_u64_list {
    uint64_t *v;
    size_t n;
};

struct cgroup_stats {
    struct {
        uint64_t total, kernel, user; /* nanoseconds */
        struct cgroup_u64_list percpu, percpu_kernel, percpu_user; /* v1 only */
        uint64_t periods, throttled_periods, throttled_time;
    } cpu;
    struct {
        bool present; /* the container has a memory cgroup */
        uint64_t cache;
        struct cgroup_memory_entry usage, swap, kernel, kernel_tcp;
        struct cgroup_stat_kv *raw; /* memory.stat */
        size_t n_raw;
    } memory;
    struct {
        uint64_t current, limit; /* limit 0: none */
    } pids;
    struct {
        struct cgroup_blkio_entry *service_bytes, *serviced; /* recursive */
        size_t n_service_bytes, n_serviced;
    } blkio;
    struct cgroup_hugetlb_entry *hugetlb;
    size_t n_hugetlb;
};

/* Frees what the struct points to and zeroes it. */
void cgroup_stats_clear(struct cgroup_stats *s);
#define cleanup_cgroup_stats __attribute__((cleanup(cgroup_stats_clear)))

/* memory.stat's value for key; false when the file had no such line. */
bool cgroup_stats_memory_raw(const struct cgroup_stats *s, const char *key, uint64_t *out);

/* runc's types.Stats (the "data" of an `events` stats event), with Go's
 * omitempty rules, because containerd's shims decode exactly that.  Owned by
 * the caller. */
struct json_object *cgroup_stats_to_json(const struct cgroup_stats *s);

#endif
