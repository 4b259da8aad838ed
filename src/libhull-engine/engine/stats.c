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
#include "lifecycle.h"
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

/* ---- hull stats: the containers and their samples ---- */

static void entry_clear(struct engine_stats_entry *e)
{
    free(e->id);
    free(e->name);
    free(e->container);
}

static struct engine_stats_entry entry_of(const char *id, const struct engine_record *rec, const char *arg)
{
    struct engine_stats_entry e = {0};
    e.id = xstrdup(id);
    e.name = xstrdup(engine_record_short_name(rec));
    e.container = arg ? xstrdup(arg) : xasprintf("%.12s", id);
    return e;
}

/* Every (running, or with all every) container, keeping the previous
 * samples of those already in the list. */
static void list_entries(const char *root, const char *runroot, bool all, struct engine_stats_list *list)
{
    cleanup_strv char **ids = NULL;
    struct engine_stats_entry *old = list->entries;
    size_t n_old = list->n;
    list->entries = NULL;
    list->n = 0;
    if (engine_record_list(root, &ids, NULL) == 0) {
        list->entries = xmalloc0((strv_length(ids) + 1) * sizeof *list->entries);
        for (char **id = ids; *id; id++) {
            cleanup_engine_record struct engine_record *rec = NULL;
            if (engine_record_read(root, *id, &rec, NULL) < 0)
                continue;
            engine_record_refresh(runroot, *id, rec);
            const char *status = rec->state.status;
            if (!all && strcmp(status, "running") && strcmp(status, "paused"))
                continue;
            struct engine_stats_entry *e = &list->entries[list->n++];
            *e = entry_of(*id, rec, NULL);
            for (size_t i = 0; i < n_old; i++) {
                if (!strcmp(old[i].id, *id)) {
                    e->have_prev = old[i].have_prev;
                    e->prev = old[i].prev;
                }
            }
        }
    }
    for (size_t i = 0; i < n_old; i++)
        entry_clear(&old[i]);
    free(old);
}

/* The named containers, looked up once; the first one missing fails. */
static int lookup_entries(const char *root, const char *runroot, char *const *names, struct engine_stats_list *list,
                          struct hull_error **err)
{
    list->entries = xmalloc0((strv_length(names) + 1) * sizeof *list->entries);
    for (char *const *name = names; *name; name++) {
        cleanup_free char *id = NULL;
        cleanup_engine_record struct engine_record *rec = NULL;
        if (engine_container_lookup(root, runroot, *name, &rec, &id, err) < 0) {
            engine_stats_list_clear(list);
            return -1;
        }
        list->entries[list->n++] = entry_of(id, rec, *name);
    }
    return 0;
}

static void sleep_second(void)
{
    struct timespec ts = {.tv_sec = 1};
    while (nanosleep(&ts, &ts) < 0)
        ;
}

/* The sample of each entry: zeros when it is not running; CPU % against
 * the previous sample. */
static void sample(const char *runroot, struct engine_stats_entry *e)
{
    struct engine_stats now;
    e->live = engine_stats_read(runroot, e->id, &now, NULL) == 0;
    e->cpu_percent = e->live && e->have_prev ? engine_stats_cpu_percent(&e->prev, &now) : 0.0;
    if (!e->live)
        now = (struct engine_stats){0};
    e->now = now;
    e->mem_percent = engine_stats_mem_percent(&now);
    e->prev = now;
    e->have_prev = e->live;
}

int engine_container_stats(const struct engine_stats_query *q, struct engine_stats_list *list,
                           struct hull_error **err)
{
    bool named = q->names && q->names[0];
    if (!list->looked_up) {
        if (named && lookup_entries(q->root, q->runroot, q->names, list, err) < 0)
            return -1;
        list->looked_up = true;
    }
    if (!named)
        list_entries(q->root, q->runroot, q->all, list);
    /* the first sample of a pair, for the entries new in the list */
    for (size_t i = 0; i < list->n; i++)
        if (!list->entries[i].have_prev)
            list->entries[i].have_prev =
                engine_stats_read(q->runroot, list->entries[i].id, &list->entries[i].prev, NULL) == 0;
    if (list->n > 0 || q->stream)
        sleep_second();
    for (size_t i = 0; i < list->n; i++)
        sample(q->runroot, &list->entries[i]);
    return 0;
}

void engine_stats_list_clear(struct engine_stats_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        entry_clear(&list->entries[i]);
    free(list->entries);
    *list = (struct engine_stats_list){0};
}
