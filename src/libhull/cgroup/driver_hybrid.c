/* hull: the hybrid driver (v1 controllers, plus cgroup2 at
 * /sys/fs/cgroup/unified), composed of the other two.
 *
 * The v1 hierarchies do the work, as with runc on such hosts; the unified
 * hierarchy is joined too and lends what v1 lacks: controllers that exist
 * only in v2 there (hugetlb on some kernels), cgroup.kill, and the v2 freezer
 * when no v1 freezer is mounted.  Also used for a state.json that names no
 * layout: it serves v1 nodes and a unified node alike. */
#include <signal.h>

#include "../util/utils.h"
#include "cgroup_internal.h"

static struct cgroup_node *hybrid_node_for(struct cgroup_manager *m, const char *controller, bool enable)
{
    struct cgroup_node *n = cgroup_v1_node(m, controller);
    if (n)
        return n;
    struct cgroup_node *u = cgroup_unified_node(m);
    if (!u)
        return NULL;
    if (!enable)
        return cgroup_v2_controller_available(u->dir, controller) ? u : NULL;
    if (!cgroup_v2_controller_available(u->h.mountpoint, controller) ||
        cgroup_v2_enable_controller(u, controller, NULL) < 0)
        return NULL;
    return u;
}

static void hybrid_no_controller(const char *field, const char *controller, struct hull_error **err)
{
    hull_error_set(err, 0,
                   "%s: the host cannot enforce it: no cgroup v1 hierarchy carries the %s controller and the "
                   "unified hierarchy does not offer it",
                   field, controller);
}

static int hybrid_kill(struct cgroup_manager *m, struct hull_error **err)
{
    int r = cgroup_v2_write_kill(m, err);
    if (r == 0)
        return cgroup_kill_frozen(m, err);
    /* A process may have left the unified cgroup but not v1's. */
    if (r > 0)
        r = cgroup_signal_pids(m, SIGKILL, err);
    cgroup_thaw_if_frozen(m);
    return r < 0 ? -1 : 0;
}

static int hybrid_freeze(struct cgroup_manager *m, bool frozen, struct hull_error **err)
{
    return cgroup_v1_freezer(m) ? cgroup_v1_freeze(m, frozen, err) : cgroup_v2_freeze(m, frozen, err);
}

static bool hybrid_is_frozen(struct cgroup_manager *m)
{
    return cgroup_v1_freezer(m) ? cgroup_v1_is_frozen(m) : cgroup_v2_is_frozen(m);
}

const struct cgroup_ops cgroup_hybrid_ops = {
    .single_hierarchy = false,
    .unified_map = true,
    .node_for = hybrid_node_for,
    .no_controller = hybrid_no_controller,
    .prepare = NULL,
    .io_controller = "blkio",
    .set_memory = cgroup_v1_set_memory,
    .set_cpu = cgroup_v1_set_cpu,
    .set_io = cgroup_v1_set_blkio,
    .set_network = cgroup_v1_set_network,
    .apply_devices = cgroup_v1_apply_devices,
    .kill = hybrid_kill,
    .freeze = hybrid_freeze,
    .is_frozen = hybrid_is_frozen,
    .read_stats = cgroup_v1_read_stats,
    .mount = cgroup_mount_v1_tree,
};
