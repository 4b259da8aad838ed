/* hull: a container's resource use as `docker stats` shows it (see stats.h). */
#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/cgroup_stats.h"
#include "container/container.h"
#include "record.h"
#include "stats.h"
#include "util/utils.h"

/* MemTotal of the host, in bytes; 0 when unreadable. */
static uint64_t host_memory(void)
{
    cleanup_file FILE *f = fopen("/proc/meminfo", "re");
    char line[256];
    unsigned long long kb;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
            return (uint64_t)kb * 1024;
    return 0;
}

/* docker's CLI: the inactive page cache can be reclaimed at once, so it is
 * not counted as used (calculateMemUsageUnixNoCache). */
static void fill_memory(const struct cgroup_stats *cs, struct engine_stats *out)
{
    uint64_t usage = cs->memory.usage.usage;
    uint64_t limit = cs->memory.usage.limit;
    uint64_t inactive = 0;
    if (cgroup_stats_memory_raw(cs, "total_inactive_file", &inactive) && inactive < usage)
        usage -= inactive;
    else if (cgroup_stats_memory_raw(cs, "inactive_file", &inactive) && inactive < usage)
        usage -= inactive;
    /* No limit reads as "max" (v2) or a huge page-aligned number (v1). */
    uint64_t ram = host_memory();
    if (limit == 0 || (ram && limit > ram))
        limit = ram;
    out->mem_usage = usage;
    out->mem_limit = limit;
}

static void fill_blkio(const struct cgroup_stats *cs, struct engine_stats *out)
{
    for (size_t i = 0; i < cs->blkio.n_service_bytes; i++) {
        const struct cgroup_blkio_entry *e = &cs->blkio.service_bytes[i];
        if (!strcasecmp(e->op, "read"))
            out->blk_read += e->value;
        else if (!strcasecmp(e->op, "write"))
            out->blk_write += e->value;
    }
}

static bool same_netns(pid_t a, pid_t b)
{
    char pa[64], pb[64];
    struct stat sa, sb;
    snprintf(pa, sizeof pa, "/proc/%d/ns/net", a);
    snprintf(pb, sizeof pb, "/proc/%d/ns/net", b);
    return stat(pa, &sa) == 0 && stat(pb, &sb) == 0 && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

/* Bytes received and sent on every interface but lo of pid's network namespace. */
static void fill_network(pid_t pid, struct engine_stats *out)
{
    if (pid <= 0 || same_netns(pid, getpid()))
        return; /* --network host: the host's traffic is not the container's */
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/net/dev", pid);
    cleanup_file FILE *f = fopen(path, "re");
    char line[512];
    /* "  eth0: RXBYTES packets errs drop fifo frame compressed multicast TXBYTES ..." */
    while (f && fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue; /* the two header lines */
        *colon = '\0';
        const char *name = line + strspn(line, " ");
        unsigned long long rx, tx, skip;
        if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu", &rx, &skip, &skip, &skip, &skip, &skip,
                   &skip, &skip, &tx) != 9 ||
            !strcmp(name, "lo"))
            continue;
        out->net_rx += rx;
        out->net_tx += tx;
    }
}

static uint64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int engine_stats_read(const char *runroot, const char *id, struct engine_stats *out, struct hull_error **err)
{
    *out = (struct engine_stats){0};
    cleanup_free char *rtroot = engine_runtime_root(runroot);
    struct hull_state *saved = NULL;
    enum container_status status;
    /* No runtime state: its waiter deleted it when the init exited. */
    cleanup_error struct hull_error *no_state = NULL;
    if (container_state(rtroot, id, &saved, &status, &no_state) < 0)
        return hull_error_set(err, 0, "container %.12s is not running", id);
    int ret = -1;
    cleanup_cgroup_manager struct cgroup_manager *cg = NULL;
    cleanup_cgroup_stats struct cgroup_stats cs = {0};
    pid_t pid = state_live_pid(saved);
    if (status == STATUS_STOPPED || pid <= 0) {
        hull_error_set(err, 0, "container %.12s is not running", id);
        goto out;
    }
    if (cgroup_manager_load(&saved->cgroup, &cg, err) < 0 || cgroup_manager_stats(cg, &cs, err) < 0)
        goto out;
    out->sampled_ns = monotonic_ns();
    out->cpu_ns = cs.cpu.total;
    fill_memory(&cs, out);
    fill_blkio(&cs, out);
    out->pids = cs.pids.current;
    if (!out->pids) {
        /* no pids controller: count the cgroup's processes */
        cleanup_free pid_t *pids = NULL;
        size_t n = 0;
        if (cgroup_manager_pids(cg, &pids, &n, NULL) == 0)
            out->pids = n;
    }
    fill_network(pid, out);
    ret = 0;
out:
    hull_state_free(saved);
    return ret;
}

double engine_stats_cpu_percent(const struct engine_stats *before, const struct engine_stats *after)
{
    if (after->sampled_ns <= before->sampled_ns || after->cpu_ns < before->cpu_ns)
        return 0.0;
    return (double)(after->cpu_ns - before->cpu_ns) / (double)(after->sampled_ns - before->sampled_ns) * 100.0;
}

double engine_stats_mem_percent(const struct engine_stats *s)
{
    return s->mem_limit ? (double)s->mem_usage / (double)s->mem_limit * 100.0 : 0.0;
}
