/* hull: the cgroup v2 driver (a host with only the unified hierarchy).
 *
 * One node holds every controller, but a controller only reaches the
 * container's cgroup when every ancestor lists it in cgroup.subtree_control
 * (Documentation/admin-guide/cgroup-v2.rst, "Enabling and Disabling"), so
 * this driver enables controllers on the way down.  Device rules are an eBPF
 * program (ebpf_devices.c), SIGKILL is cgroup.kill, pause is cgroup.freeze. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "../util/log.h"
#include "../util/utils.h"
#include "cgroup_internal.h"
#include "ebpf_devices.h"

/* controller is a whole word of text (a space-separated list). */
static bool word_in(const char *text, const char *controller)
{
    size_t len = strlen(controller);
    for (const char *p = text; (p = strstr(p, controller)); p += len)
        if ((p == text || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' ' || p[len] == '\n'))
            return true;
    return false;
}

bool cgroup_v2_controller_available(const char *dir, const char *controller)
{
    cleanup_free char *text = NULL;
    return cg_read(dir, "cgroup.controllers", &text, NULL) == 0 && word_in(text, controller);
}

/* One ancestor of the node (dir): enables controller in its
 * cgroup.subtree_control unless enabled already lists it.  cgroup v2's "no
 * internal processes" rule: a non-root cgroup can only hand controllers to
 * its children while it has no processes of its own, so every ancestor
 * between the root and the container must be empty. */
static int enable_in(const char *dir, const char *enabled, const char *controller, struct hull_error **err)
{
    if (word_in(enabled, controller))
        return 0;
    cleanup_free char *path = xasprintf("%s/cgroup.subtree_control", dir);
    cleanup_free char *value = xasprintf("+%s", controller);
    if (write_file(path, value, strlen(value), NULL) == 0)
        return 0;
    int e = errno;
    if (e == EBUSY)
        return hull_error_set(err, e,
                              "cannot enable the %s controller for the children of %s: that cgroup has "
                              "processes of its own (cgroup v2 \"no internal processes\" rule); choose "
                              "a linux.cgroupsPath outside it",
                              controller, dir);
    return hull_error_set(err, e, "enable the %s controller in %s", controller, path);
}

/* Walks the node's ancestors from the root down, each one's
 * cgroup.controllers and cgroup.subtree_control read once, enabling for
 * its children the controller named, or (controller NULL) every one it
 * offers.  A named one must be offered at every level; with NULL a refusal
 * (e.g. cpu with a realtime task somewhere) is logged and costs the others
 * nothing, and a controller refused at one level is not in the next level's
 * cgroup.controllers, so it is not tried again. */
int cgroup_v2_enable_controller(struct cgroup_node *n, const char *controller, struct hull_error **err)
{
    cleanup_free char *cur = xstrdup(n->h.mountpoint);
    cleanup_free char *rest = xstrdup(n->path);
    char *save = NULL;
    for (char *comp = strtok_r(rest, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
        cleanup_free char *offered = NULL, *enabled = NULL;
        if (cg_read(cur, "cgroup.controllers", &offered, NULL) < 0 ||
            cg_read(cur, "cgroup.subtree_control", &enabled, NULL) < 0) {
            if (!controller)
                return 0;
            return hull_error_set(err, errno, "read the controllers of %s", cur);
        }
        if (controller) {
            if (!word_in(offered, controller))
                return hull_error_set(err, 0, "the %s controller is not available in %s (see its cgroup.controllers)",
                                      controller, cur);
            if (enable_in(cur, enabled, controller, err) < 0)
                return -1;
        } else {
            char *csave = NULL;
            for (char *c = strtok_r(offered, " \n", &csave); c; c = strtok_r(NULL, " \n", &csave)) {
                struct hull_error *e = NULL;
                if (enable_in(cur, enabled, c, &e) < 0) {
                    cleanup_free char *t = hull_error_text(e);
                    log_debug("cgroup: %s", t);
                    hull_error_free(e);
                }
            }
        }
        char *next = xasprintf("%s/%s", cur, comp);
        free(cur);
        cur = next;
    }
    return 0;
}

/* Readers (enable false) get the one node whatever the controller: a file
 * that is missing just reads as zero. */
static struct cgroup_node *v2_node_for(struct cgroup_manager *m, const char *controller, bool enable)
{
    struct cgroup_node *u = cgroup_unified_node(m);
    if (!u || !enable)
        return u;
    if (!cgroup_v2_controller_available(u->dir, controller) && cgroup_v2_enable_controller(u, controller, NULL) < 0)
        return NULL;
    return cgroup_v2_controller_available(u->dir, controller) ? u : NULL;
}

static void v2_no_controller(const char *field, const char *controller, struct hull_error **err)
{
    hull_error_set(err, 0, "%s: the host cannot enforce it: the %s controller is not available in the cgroup v2 "
                           "hierarchy at %s (cgroup.controllers)",
                   field, controller, cgroup_root());
}

/* Enables every controller the root offers, as runc does on v2, so stats and
 * later updates find their files (one walk: 4 reads for a node two
 * levels down, where one walk per controller made 32 on every create). */
static void v2_enable_all(struct cgroup_manager *m)
{
    struct cgroup_node *u = cgroup_unified_node(m);
    if (u)
        cgroup_v2_enable_controller(u, NULL, NULL);
}

/* v2 has no devices files: the rules become a BPF_PROG_TYPE_CGROUP_DEVICE
 * program attached to the container's cgroup. */
static int v2_apply_devices(struct cgroup_manager *m, const struct hull_device_rule *rules, size_t n,
                            bool user_rules, struct hull_error **err)
{
    (void)user_rules;
    struct cgroup_node *u = cgroup_unified_node(m);
    int fd = cgroup_manager_clone_fd(m);
    if (!u || fd < 0)
        return hull_error_set(err, errno, "linux.resources.devices: cannot open the container's cgroup");
    return cgroup_devices_bpf_attach(fd, rules, n, err);
}

int cgroup_v2_write_kill(struct cgroup_manager *m, struct hull_error **err)
{
    struct cgroup_node *u = cgroup_unified_node(m);
    if (!u || !cg_file_exists(u->dir, "cgroup.kill"))
        return 0;
    return cg_write(u->dir, "cgroup.kill", "1", "cgroup.kill", err) < 0 ? -1 : 1;
}

/* cgroup.kill (5.14+) kills the whole subtree at once, forks included. */
static int v2_kill(struct cgroup_manager *m, struct hull_error **err)
{
    int r = cgroup_v2_write_kill(m, err);
    if (r == 0)
        return cgroup_kill_frozen(m, err);
    cgroup_thaw_if_frozen(m);
    return r < 0 ? -1 : 0;
}

static int v2_set_network(struct cgroup_manager *m, const struct hull_resources *r, struct hull_error **err)
{
    (void)m;
    (void)r;
    return hull_error_set(err, 0, "linux.resources.network: the host cannot enforce it: cgroup v2 has no net_cls "
                                  "or net_prio controller (use eBPF or tc classification instead)");
}

static void v2_read_stats(struct cgroup_manager *m, struct cgroup_stats *s)
{
    cgroup_stats_cpu_v2(cgroup_manager_dir(m, NULL), s);
    cgroup_stats_by_node(m, s);
    cgroup_stats_io_v2(cgroup_manager_dir(m, "io"), s);
}

const struct cgroup_ops cgroup_v2_ops = {
    .single_hierarchy = true,
    .unified_map = true,
    .node_for = v2_node_for,
    .no_controller = v2_no_controller,
    .prepare = v2_enable_all,
    .io_controller = "io",
    .set_memory = cgroup_v2_set_memory,
    .set_cpu = cgroup_v2_set_cpu,
    .set_io = cgroup_v2_set_io,
    .set_network = v2_set_network,
    .apply_devices = v2_apply_devices,
    .kill = v2_kill,
    .freeze = cgroup_v2_freeze,
    .is_frozen = cgroup_v2_is_frozen,
    .read_stats = v2_read_stats,
    .mount = cgroup_mount_unified,
};
