/* hull: what acts on a live container's cgroup -- pause, resume, update,
 * stats and the events stream -- as library calls, so `hull-runtime pause`,
 * `update` and `events` only parse flags and print.  Each takes the
 * container's state lock where it changes something (runc serializes the same
 * way), loads the cgroup manager from state.json, and checks the status the
 * command needs (runc's rules). */
#include <time.h>

#include "../cgroup/cgroup.h"
#include "../cgroup/cgroup_stats.h"
#include "../util/utils.h"
#include "container.h"
#include "state.h"

/* The saved state's cgroup manager and the live status.  With lock (a
 * change is coming), the state directory's lock is taken first and stays
 * held in *lock until the caller closes it. */
static int load_cgroup(const char *root, const char *id, int *lock, struct cgroup_manager **cg,
                       enum container_status *status, struct hull_error **err)
{
    if (lock && state_dir_lock(root, id, lock, err) < 0)
        return -1;
    struct hull_state *saved = NULL;
    if (container_state(root, id, &saved, status, err) < 0)
        return -1;
    int r = cgroup_manager_load(&saved->cgroup, cg, err);
    hull_state_free(saved);
    /* A rootless container without a delegated cgroup has none to act on. */
    if (r == 0 && !cgroup_manager_dir(*cg, NULL))
        return hull_error_set(err, 0, "container \"%s\" has no cgroup (rootless, no delegated cgroup)", id);
    return r;
}

static int freeze(const char *root, const char *id, bool pause, struct hull_error **err)
{
    cleanup_close int lock = -1;
    cleanup_cgroup_manager struct cgroup_manager *cg = NULL;
    enum container_status st;
    if (load_cgroup(root, id, &lock, &cg, &st, err) < 0)
        return -1;
    /* runc: pause needs a running (or created) container, resume a paused one. */
    if (pause && st != STATUS_RUNNING && st != STATUS_CREATED)
        return hull_error_set(err, 0, "container \"%s\" is not running (it is %s)", id, container_status_name(st));
    if (!pause && st != STATUS_PAUSED)
        return hull_error_set(err, 0, "container \"%s\" is not paused (it is %s)", id, container_status_name(st));
    return cgroup_manager_freeze(cg, pause, err);
}

int container_pause(const char *root, const char *id, struct hull_error **err)
{
    return freeze(root, id, true, err);
}

int container_resume(const char *root, const char *id, struct hull_error **err)
{
    return freeze(root, id, false, err);
}

int container_update(const char *root, const char *id, const struct hull_resources *r, struct hull_error **err)
{
    /* The caller may have built r by hand (update's flags): check it once here,
     * before the lock, like the parser does for config.json. */
    if (spec_check_resources(r, "linux.resources", err) < 0)
        return -1;
    cleanup_close int lock = -1;
    cleanup_cgroup_manager struct cgroup_manager *cg = NULL;
    enum container_status st;
    if (load_cgroup(root, id, &lock, &cg, &st, err) < 0)
        return -1;
    if (st == STATUS_STOPPED)
        return hull_error_set(err, 0, "container \"%s\" is stopped: there is no cgroup to update", id);
    return cgroup_manager_update(cg, r, err);
}

int container_stats(const char *root, const char *id, struct cgroup_stats *out, struct hull_error **err)
{
    cleanup_cgroup_manager struct cgroup_manager *cg = NULL;
    enum container_status st;
    if (load_cgroup(root, id, NULL, &cg, &st, err) < 0)
        return -1;
    if (st == STATUS_STOPPED)
        return hull_error_set(err, 0, "container \"%s\" is not running", id);
    return cgroup_manager_stats(cg, out, err);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static bool container_stopped(const char *root, const char *id)
{
    struct hull_state *saved = NULL;
    enum container_status st;
    cleanup_error struct hull_error *e = NULL;
    int r = container_state(root, id, &saved, &st, &e);
    hull_state_free(saved);
    return r < 0 || st == STATUS_STOPPED;
}

int container_events(const char *root, const char *id, long interval_ms, container_event_fn fn, void *data,
                     struct hull_error **err)
{
    cleanup_cgroup_manager struct cgroup_manager *cg = NULL;
    enum container_status st;
    if (load_cgroup(root, id, NULL, &cg, &st, err) < 0)
        return -1;
    if (st == STATUS_STOPPED)
        return hull_error_set(err, 0, "container \"%s\" is not running", id);
    /* An "oom" event whenever the kernel's oom_kill counter grows, stats every
     * interval; polled every 100 ms at most, so a stop is seen soon. */
    uint64_t ooms = 0, now_ooms;
    bool oom_ok = cgroup_manager_oom_kills(cg, &ooms, NULL) == 0;
    long next_stats = now_ms() + interval_ms;
    for (;;) {
        sleep_ms(interval_ms < 100 ? interval_ms : 100);
        if (oom_ok && cgroup_manager_oom_kills(cg, &now_ooms, NULL) == 0 && now_ooms > ooms) {
            ooms = now_ooms;
            fn(id, &(struct container_event){.type = CONTAINER_EVENT_OOM}, data);
        }
        if (container_stopped(root, id)) {
            /* One last look: the OOM kill may be what stopped it. */
            if (oom_ok && cgroup_manager_oom_kills(cg, &now_ooms, NULL) == 0 && now_ooms > ooms)
                fn(id, &(struct container_event){.type = CONTAINER_EVENT_OOM}, data);
            return 0;
        }
        if (now_ms() >= next_stats) {
            cleanup_cgroup_stats struct cgroup_stats stats = {0};
            if (cgroup_manager_stats(cg, &stats, NULL) == 0)
                fn(id, &(struct container_event){.type = CONTAINER_EVENT_STATS, .stats = &stats}, data);
            next_stats += interval_ms;
        }
    }
}
