/* hull: pause and resume (the freezer).
 *
 * v1: freezer.state takes FROZEN / THAWED and reads FREEZING until every task
 * has stopped; runc re-writes FROZEN while it reads FREEZING because a task
 * in an uninterruptible sleep can make one request stall.
 * v2: cgroup.freeze takes 1 / 0 and cgroup.events says "frozen 1" once the
 * whole subtree is stopped (Documentation/admin-guide/cgroup-v2.rst).
 * A v1 freezer hierarchy wins on a hybrid host (driver_hybrid.c): the
 * kernel's v2 freezer also exists there, but runc and the v1 tools look at
 * freezer.state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/utils.h"
#include "cgroup_internal.h"

#define FREEZE_TIMEOUT_MS 5000

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

struct cgroup_node *cgroup_v1_freezer(struct cgroup_manager *m)
{
    return cgroup_v1_node(m, "freezer");
}

static int no_freezer(bool frozen, struct hull_error **err)
{
    return hull_error_set(err, 0, "%s: the host has no cgroup freezer (no v1 freezer hierarchy, no cgroup.freeze)",
                          frozen ? "pause" : "resume");
}

static char *v1_state(const char *dir)
{
    char *s = NULL;
    if (cg_read(dir, "freezer.state", &s, NULL) < 0)
        return NULL;
    s[strcspn(s, "\n")] = '\0';
    return s;
}

static int v1_freeze(struct cgroup_node *n, bool frozen, struct hull_error **err)
{
    const char *want = frozen ? "FROZEN" : "THAWED";
    for (int waited = 0; waited < FREEZE_TIMEOUT_MS; waited += 2) {
        if (cg_write(n->dir, "freezer.state", want, frozen ? "pause" : "resume", err) < 0)
            return -1;
        cleanup_free char *now = v1_state(n->dir);
        if (now && !strcmp(now, want))
            return 0;
        sleep_ms(2);
    }
    if (frozen) {
        /* Do not leave the container half frozen. */
        cg_write(n->dir, "freezer.state", "THAWED", "resume", NULL);
    }
    return hull_error_set(err, ETIMEDOUT, "%s: %s/freezer.state never reached %s", frozen ? "pause" : "resume",
                          n->dir, want);
}

static int v2_freeze(struct cgroup_node *n, bool frozen, struct hull_error **err)
{
    if (cg_write(n->dir, "cgroup.freeze", frozen ? "1" : "0", frozen ? "pause" : "resume", err) < 0)
        return -1;
    for (int waited = 0; waited < FREEZE_TIMEOUT_MS; waited += 2) {
        uint64_t v;
        if (!cg_read_keyed(n->dir, "cgroup.events", "frozen", &v))
            return hull_error_set(err, errno, "read %s/cgroup.events", n->dir);
        if ((v == 1) == frozen)
            return 0;
        sleep_ms(2);
    }
    if (frozen)
        cg_write(n->dir, "cgroup.freeze", "0", "resume", NULL);
    return hull_error_set(err, ETIMEDOUT, "%s: %s/cgroup.events never showed \"frozen %d\"",
                          frozen ? "pause" : "resume", n->dir, frozen);
}

int cgroup_v1_freeze(struct cgroup_manager *m, bool frozen, struct hull_error **err)
{
    struct cgroup_node *n = cgroup_v1_freezer(m);
    return n ? v1_freeze(n, frozen, err) : no_freezer(frozen, err);
}

bool cgroup_v1_is_frozen(struct cgroup_manager *m)
{
    struct cgroup_node *n = cgroup_v1_freezer(m);
    if (!n)
        return false;
    cleanup_free char *s = v1_state(n->dir);
    return s && !strcmp(s, "FROZEN");
}

int cgroup_v2_freeze(struct cgroup_manager *m, bool frozen, struct hull_error **err)
{
    struct cgroup_node *n = cgroup_unified_node(m);
    if (n && cg_file_exists(n->dir, "cgroup.freeze"))
        return v2_freeze(n, frozen, err);
    return no_freezer(frozen, err);
}

bool cgroup_v2_is_frozen(struct cgroup_manager *m)
{
    struct cgroup_node *n = cgroup_unified_node(m);
    uint64_t v;
    return n && cg_read_keyed(n->dir, "cgroup.events", "frozen", &v) && v == 1;
}

int cgroup_manager_freeze(struct cgroup_manager *m, bool frozen, struct hull_error **err)
{
    if (!m || m->n_nodes == 0)
        return hull_error_set(err, 0, "%s: the container has no cgroup", frozen ? "pause" : "resume");
    return m->ops->freeze(m, frozen, err);
}

bool cgroup_manager_is_frozen(struct cgroup_manager *m)
{
    return m && m->ops->is_frozen(m);
}
