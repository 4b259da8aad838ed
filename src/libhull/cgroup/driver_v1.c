/* hull: the cgroup v1 driver (legacy hosts: one hierarchy per controller).
 *
 * Every controller is its own mount (cpu,cpuacct / memory / pids / ...), and
 * the container has a directory in each; a controller no hierarchy carries
 * is simply absent.  Device rules are devices.allow/deny, pause is the
 * freezer hierarchy, and SIGKILL goes pid by pid inside a frozen cgroup
 * (v1 has no cgroup.kill). */
#include <string.h>

#include "../util/utils.h"
#include "cgroup_internal.h"

struct cgroup_node *cgroup_v1_node(struct cgroup_manager *m, const char *controller)
{
    for (size_t i = 0; i < m->n_nodes; i++)
        if (!m->nodes[i].h.unified && cgroup_hierarchy_has(&m->nodes[i].h, controller))
            return &m->nodes[i];
    return NULL;
}

/* v1 hierarchies need nothing enabled: a mounted controller is in effect. */
static struct cgroup_node *v1_node_for(struct cgroup_manager *m, const char *controller, bool enable)
{
    (void)enable;
    return cgroup_v1_node(m, controller);
}

static void v1_no_controller(const char *field, const char *controller, struct hull_error **err)
{
    hull_error_set(err, 0, "%s: the host cannot enforce it: no cgroup v1 hierarchy carries the %s controller", field,
                   controller);
}

void cgroup_v1_read_stats(struct cgroup_manager *m, struct cgroup_stats *s)
{
    cgroup_stats_cpu_v1(cgroup_manager_dir(m, "cpuacct"), cgroup_manager_dir(m, "cpu"), s);
    cgroup_stats_by_node(m, s);
    cgroup_stats_blkio_v1(cgroup_manager_dir(m, "blkio"), s);
}

const struct cgroup_ops cgroup_v1_ops = {
    .single_hierarchy = false,
    .unified_map = false,
    .node_for = v1_node_for,
    .no_controller = v1_no_controller,
    .prepare = NULL,
    .io_controller = "blkio",
    .set_memory = cgroup_v1_set_memory,
    .set_cpu = cgroup_v1_set_cpu,
    .set_io = cgroup_v1_set_blkio,
    .set_network = cgroup_v1_set_network,
    .apply_devices = cgroup_v1_apply_devices,
    .kill = cgroup_kill_frozen,
    .freeze = cgroup_v1_freeze,
    .is_frozen = cgroup_v1_is_frozen,
    .read_stats = cgroup_v1_read_stats,
    .mount = cgroup_mount_v1_tree,
};
