/* hull: linux.resources for every driver: the order in which the fields are
 * applied (cgroup_apply_resources, which calls the driver's setters for
 * memory, cpu, blockIO and network), and the settings whose files are the
 * same, or nearly, on v1 and v2: cpuset, pids, hugetlb, rdma, the "unified"
 * map, and the checkBeforeUpdate test.  The values arrive range-checked
 * (spec_check_resources, at parse); the errors here are the host's: a missing
 * controller or file, a CPU the parent cgroup does not offer. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/idlist.h"
#include "../util/log.h"
#include "../util/utils.h"
#include "cgroup_convert.h"
#include "cgroup_internal.h"

static int check_cpuset(const char *dir, const char *list, const char *what, const char *field,
                        struct hull_error **err)
{
    struct idlist wanted, allowed;
    /* The syntax was checked at parse; this cannot fail. */
    if (idlist_parse_err(list, &wanted, err) < 0)
        return hull_error_wrap(err, "%s", field);
    /* The parent's effective set is what the kernel lets us choose from. */
    cleanup_free char *parent = xstrdup(dir);
    *strrchr(parent, '/') = '\0';
    /* v2 names it cpuset.cpus.effective, v1 cpuset.effective_cpus; an empty
     * cpuset.cpus on v2 means "the parent's". */
    cleanup_free char *v2_file = xasprintf("cpuset.%s.effective", what);
    cleanup_free char *v1_file = xasprintf("cpuset.effective_%s", what);
    cleanup_free char *plain = xasprintf("cpuset.%s", what);
    const char *files[] = {v2_file, v1_file, plain};
    cleanup_free char *avail = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(files) && !avail; i++) {
        if (cg_read(parent, files[i], &avail, NULL) == 0 && strspn(avail, " \n") == strlen(avail)) {
            free(avail);
            avail = NULL;
        }
    }
    if (!avail || idlist_parse(avail, &allowed) < 0)
        return 0; /* nothing to check against; the kernel still will */
    int outside = idlist_first_outside(&wanted, &allowed);
    if (outside >= 0) {
        avail[strcspn(avail, "\n")] = '\0';
        return hull_error_set(err, 0, "%s \"%s\": %s %d is not available on this host (allowed: %s)", field, list,
                              !strcmp(what, "cpus") ? "CPU" : "memory node", outside, avail);
    }
    return 0;
}

int cgroup_set_cpuset(struct cgroup_node *n, const struct hull_cpu *cpu, struct hull_error **err)
{
    /* mems first: a task must never be left without a memory node it may use. */
    if (cpu->mems) {
        if (check_cpuset(n->dir, cpu->mems, "mems", "linux.resources.cpu.mems", err) < 0)
            return -1;
        if (cg_write(n->dir, "cpuset.mems", cpu->mems, "linux.resources.cpu.mems", err) < 0)
            return -1;
    }
    if (cpu->cpus) {
        if (check_cpuset(n->dir, cpu->cpus, "cpus", "linux.resources.cpu.cpus", err) < 0)
            return -1;
        if (cg_write(n->dir, "cpuset.cpus", cpu->cpus, "linux.resources.cpu.cpus", err) < 0)
            return -1;
    }
    return 0;
}

int cgroup_set_hugetlb(struct cgroup_node *n, const struct hull_resources *r, struct hull_error **err)
{
    for (size_t i = 0; i < r->n_hugepage_limits; i++) {
        const struct hull_hugepage_limit *l = &r->hugepage_limits[i];
        cleanup_free char *field = xasprintf("linux.resources.hugepageLimits[%zu] (pageSize \"%s\")", i,
                                             l->page_size ? l->page_size : "");
        bool v2 = n->h.unified;
        cleanup_free char *limit_file = xasprintf("hugetlb.%s.%s", l->page_size, v2 ? "max" : "limit_in_bytes");
        cleanup_free char *rsvd_file =
            xasprintf("hugetlb.%s.rsvd.%s", l->page_size, v2 ? "max" : "limit_in_bytes");
        if (!cg_file_exists(n->dir, limit_file))
            return hull_error_set(err, 0, "%s: this host has no %s huge pages (%s/%s does not exist)", field,
                                  l->page_size, n->dir, limit_file);
        char value[32];
        snprintf(value, sizeof value, "%" PRIu64, l->limit);
        if (cg_write(n->dir, limit_file, value, field, err) < 0)
            return -1;
        /* Spec: limit reservations where the kernel can (they never SIGBUS). */
        if (cg_file_exists(n->dir, rsvd_file) && cg_write(n->dir, rsvd_file, value, field, err) < 0)
            return -1;
    }
    return 0;
}

int cgroup_set_rdma(struct cgroup_node *n, const struct hull_resources *r, struct hull_error **err)
{
    for (size_t i = 0; i < r->n_rdma; i++) {
        const struct hull_rdma_limit *l = &r->rdma[i];
        cleanup_free char *field = xasprintf("linux.resources.rdma[\"%s\"]", l->device ? l->device : "");
        cleanup_free char *value = cgroup_rdma_value(l);
        if (cg_write(n->dir, "rdma.max", value, field, err) < 0)
            return -1;
    }
    return 0;
}

/* The controller a unified key belongs to: "memory.high" -> "memory". */
static char *key_controller(const char *key)
{
    const char *dot = strchr(key, '.');
    return dot ? xstrndup(key, (size_t)(dot - key)) : NULL;
}

int cgroup_set_unified(struct cgroup_manager *m, const struct hull_resources *r, struct hull_error **err)
{
    if (r->n_unified == 0)
        return 0;
    struct cgroup_node *u = cgroup_unified_node(m);
    if (!u || !m->ops->unified_map)
        return hull_error_set(err, 0, "linux.resources.unified: this host uses cgroup v1 only; the unified map "
                                      "holds cgroup v2 files (use the v1-shaped fields such as "
                                      "linux.resources.memory instead)");
    for (size_t i = 0; i < r->n_unified; i++) {
        const struct hull_keyval *kv = &r->unified[i];
        cleanup_free char *field = xasprintf("linux.resources.unified[\"%s\"]", kv->key ? kv->key : "");
        /* The key is CONTROLLER.FILE (checked at parse). */
        cleanup_free char *controller = key_controller(kv->key);
        if (strcmp(controller, "cgroup") != 0) {
            /* Spec: make sure the controller is enabled; error when it cannot be. */
            bool v1_has = false;
            for (size_t j = 0; j < m->n_nodes; j++)
                v1_has |= !m->nodes[j].h.unified && cgroup_hierarchy_has(&m->nodes[j].h, controller);
            if (v1_has)
                return hull_error_set(err, 0, "%s: the %s controller is a cgroup v1 hierarchy on this hybrid host, "
                                              "so it cannot be set through the unified map",
                                      field, controller);
            struct hull_error *e = NULL;
            if (!cgroup_v2_controller_available(u->dir, controller) &&
                cgroup_v2_enable_controller(u, controller, &e) < 0) {
                *err = e;
                return hull_error_wrap(err, "%s", field);
            }
            if (!cgroup_v2_controller_available(u->dir, controller))
                return hull_error_set(err, 0, "%s: the %s controller is not enabled for %s", field, controller,
                                      u->dir);
        }
        if (!cg_file_exists(u->dir, kv->key))
            return hull_error_set(err, 0, "%s: %s/%s does not exist", field, u->dir, kv->key);
        if (cg_write(u->dir, kv->key, kv->value ? kv->value : "", field, err) < 0)
            return -1;
    }
    return 0;
}

int cgroup_check_before_update(const char *dir, const char *usage_file, const struct hull_memory *mem,
                               struct hull_error **err)
{
    if (!mem->check_before_update.set || !mem->check_before_update.v || !mem->limit.set || mem->limit.v <= 0)
        return 0;
    uint64_t usage;
    if (cg_read_u64(dir, usage_file, &usage, err) < 0)
        return hull_error_wrap(err, "linux.resources.memory.checkBeforeUpdate");
    if ((uint64_t)mem->limit.v < usage)
        return hull_error_set(err, 0,
                              "linux.resources.memory.limit: the new limit %" PRId64 " is below the current usage "
                              "%" PRIu64 " (checkBeforeUpdate is set)",
                              mem->limit.v, usage);
    return 0;
}

static bool cpu_needs_cpu_controller(const struct hull_cpu *c)
{
    return (c->shares.set && c->shares.v) || (c->quota.set && c->quota.v) || (c->period.set && c->period.v) ||
           c->burst.set || (c->realtime_runtime.set && c->realtime_runtime.v) ||
           (c->realtime_period.set && c->realtime_period.v) || c->idle.set;
}

static bool blkio_wanted(const struct hull_blkio *b)
{
    return b->weight.set || b->leaf_weight.set || b->n_weight_devices || b->read_bps.n || b->write_bps.n ||
           b->read_iops.n || b->write_iops.n;
}

static int set_pids(struct cgroup_manager *m, int64_t limit, struct hull_error **err)
{
    struct cgroup_node *n = cgroup_require(m, "pids", "linux.resources.pids", err);
    if (!n)
        return -1;
    /* Spec: 0 is a real limit (no new task), not "unset". */
    if (limit == -1)
        return cg_write(n->dir, "pids.max", "max", "linux.resources.pids.limit", err);
    return cg_writef(n->dir, "pids.max", "linux.resources.pids.limit", err, "%" PRId64, limit);
}

int cgroup_apply_resources(struct cgroup_manager *m, const struct hull_resources *r, bool update,
                           struct hull_error **err)
{
    const struct cgroup_ops *ops = m->ops;
    struct cgroup_node *n;
    if (r->has_memory) {
        if (!(n = cgroup_require(m, "memory", "linux.resources.memory", err)) ||
            ops->set_memory(n, &r->memory, update, err) < 0)
            return -1;
    }
    if (r->has_cpu) {
        if (cpu_needs_cpu_controller(&r->cpu) &&
            (!(n = cgroup_require(m, "cpu", "linux.resources.cpu", err)) || ops->set_cpu(n, &r->cpu, err) < 0))
            return -1;
        if ((r->cpu.cpus || r->cpu.mems) &&
            (!(n = cgroup_require(m, "cpuset", "linux.resources.cpu.cpus/mems", err)) ||
             cgroup_set_cpuset(n, &r->cpu, err) < 0))
            return -1;
    }
    if (r->has_pids && set_pids(m, r->pids_limit, err) < 0)
        return -1;
    if (r->has_blkio && blkio_wanted(&r->blkio)) {
        if (!(n = cgroup_require(m, ops->io_controller, "linux.resources.blockIO", err)) ||
            ops->set_io(n, &r->blkio, err) < 0)
            return -1;
    }
    if (r->n_hugepage_limits &&
        (!(n = cgroup_require(m, "hugetlb", "linux.resources.hugepageLimits", err)) ||
         cgroup_set_hugetlb(n, r, err) < 0))
        return -1;
    if ((r->net_class_id.set || r->n_net_priorities) && ops->set_network(m, r, err) < 0)
        return -1;
    if (r->n_rdma &&
        (!(n = cgroup_require(m, "rdma", "linux.resources.rdma", err)) || cgroup_set_rdma(n, r, err) < 0))
        return -1;
    /* Last, so an explicit unified value wins over a converted one (runc's order). */
    return cgroup_set_unified(m, r, err);
}
