/* hull: what the cgroup drivers share inside src/lib/cgroup/.
 *
 * A manager owns one "node" per hierarchy it joins: the container's directory
 * in that hierarchy plus the list of directories hull itself created there (so
 * destroy never removes a cgroup somebody else made).  v1 hierarchies are one
 * mount each (cpu, memory, name=systemd, ...); the v2 hierarchy is a single
 * node.  On a hybrid host the unified node is joined too, as runc does, and it
 * also serves controllers that exist only in v2 there (e.g. hugetlb). */
#ifndef HULL_CGROUP_INTERNAL_H
#define HULL_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../spec/spec.h"
#include "../util/error.h"
#include "cgroup.h"

#define CGROUP_DEFAULT_ROOT "/sys/fs/cgroup"

struct cgroup_hierarchy {
    char *mountpoint; /* where it is mounted on the host, e.g. /sys/fs/cgroup/memory */
    char *mount_root; /* the hierarchy path shown at that mount point (mountinfo field 4), usually "/" */
    char *options;    /* v1 controllers as mounted, comma-joined: "cpu,cpuacct", "name=systemd"; "" for v2 */
    bool unified;
};

struct cgroup_node {
    struct cgroup_hierarchy h;
    char *path;     /* the container's cgroup inside the hierarchy, e.g. /hull/ID */
    char *dir;      /* absolute directory on the host */
    char **created; /* directories this manager created, parents first (NULL-terminated); after
                     * cgroup_manager_plan, those it is about to create */
    bool adopt_leaf; /* the leaf existed, empty, at the default path: ours (node_claim) */
};

struct cgroup_manager {
    enum cgroup_layout layout;
    struct cgroup_node *nodes;
    size_t n_nodes;
    int unified_fd; /* lazily opened O_DIRECTORY fd of the v2 node, -1 */
};

/* ---- hierarchy.c ---- */
const char *cgroup_root(void); /* HULL_CGROUP_ROOT or /sys/fs/cgroup */
/* The hierarchies to join for a layout (v1 mounts from mountinfo, plus unified). */
int cgroup_list_hierarchies(enum cgroup_layout layout, struct cgroup_hierarchy **out, size_t *n,
                            struct hull_error **err);
void cgroup_hierarchy_clear(struct cgroup_hierarchy *h);
/* The runtime's own cgroup in hierarchy h, from /proc/self/cgroup (e.g. "/user.slice"). */
int cgroup_own_path(const struct cgroup_hierarchy *h, char **out, struct hull_error **err);
/* True when the v1 hierarchy carries controller name (exact item of options). */
bool cgroup_hierarchy_has(const struct cgroup_hierarchy *h, const char *name);
/* Validates cgroupsPath and resolves it (absolute, relative to our own cgroup, or the
 * default /hull/ID) to a path inside hierarchy h. */
int cgroup_resolve_path(const struct cgroup_hierarchy *h, const char *id, const char *cgroups_path, char **out,
                        struct hull_error **err);
int cgroup_validate_path(const char *cgroups_path, struct hull_error **err);

/* ---- manager.c ---- */
/* The directory where controller `name` lives: a v1 node carrying it, or the
 * unified node when the controller is available there (v2, or hybrid fallback).
 * NULL when the host has no such controller for this container. */
struct cgroup_node *cgroup_node_for(struct cgroup_manager *m, const char *controller);
struct cgroup_node *cgroup_unified_node(struct cgroup_manager *m);
/* Like cgroup_node_for, without enabling anything (for readers: stats, OOM count). */
struct cgroup_node *cgroup_node_lookup(struct cgroup_manager *m, const char *controller);
/* cgroup_node_for, or an error "FIELD: the host cannot enforce it: no CONTROLLER controller". */
struct cgroup_node *cgroup_require(struct cgroup_manager *m, const char *controller, const char *field,
                                  struct hull_error **err);
/* Enables controller in every ancestor's cgroup.subtree_control down to the node (v2). */
int cgroup_v2_enable_controller(struct cgroup_node *n, const char *controller, struct hull_error **err);
bool cgroup_v2_controller_available(const char *dir, const char *controller);
/* No process in dir and no child cgroup below it. */
bool cgroup_is_empty(const char *dir);

/* ---- parents.c: the parent cgroups hull made, shared by every container below them ---- */
/* The machine-wide marks directory, opened and flock'ed (-1: none, e.g. not
 * writable: then only a parent's maker removes it). */
int cgroup_parents_lock(void);
/* Marks dir as a parent hull makes; call with the lock, before the mkdir. */
void cgroup_parents_mark(int lock_fd, const char *dir);
/* After n's own cgroup is gone: removes n's parents that hull made (marked,
 * or in n->created), deepest first, until one is busy or somebody else's. */
void cgroup_parents_release(const struct cgroup_node *n);

/* ---- file helpers (files.c) ---- */
/* Writes value to dir/file; errors name the spec field, the value and the file,
 * and a missing file reads as "the host cannot enforce <field>". */
int cg_write(const char *dir, const char *file, const char *value, const char *field, struct hull_error **err);
int cg_writef(const char *dir, const char *file, const char *field, struct hull_error **err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int cg_read(const char *dir, const char *file, char **out, struct hull_error **err);
/* Reads a single unsigned number ("max" reads as UINT64_MAX). */
int cg_read_u64(const char *dir, const char *file, uint64_t *out, struct hull_error **err);
/* Looks "key value" up in a flat keyed file (memory.stat, cgroup.events...). */
bool cg_read_keyed(const char *dir, const char *file, const char *key, uint64_t *out);
bool cg_file_exists(const char *dir, const char *file);

/* ---- resources_v1.c / resources_v2.c ---- */
/* Range checks shared by both drivers (errors name the field and value). */
int cgroup_validate_memory(const struct hull_memory *mem, struct hull_error **err);
int cgroup_validate_cpu(const struct hull_cpu *cpu, struct hull_error **err);
int cgroup_validate_blkio(const struct hull_blkio *b, struct hull_error **err);
int cgroup_v1_apply(struct cgroup_manager *m, const struct hull_resources *r, bool update, struct hull_error **err);
int cgroup_v2_apply(struct cgroup_manager *m, const struct hull_resources *r, bool update, struct hull_error **err);
/* Shared by both drivers (v2 file names; on hybrid these controllers may live in the unified node). */
int cgroup_set_hugetlb(struct cgroup_node *n, const struct hull_resources *r, struct hull_error **err);
int cgroup_set_rdma(struct cgroup_node *n, const struct hull_resources *r, struct hull_error **err);
int cgroup_set_unified(struct cgroup_manager *m, const struct hull_resources *r, struct hull_error **err);
int cgroup_check_before_update(const char *dir, const char *usage_file, const struct hull_memory *mem,
                               struct hull_error **err);
int cgroup_set_cpuset(struct cgroup_node *n, const struct hull_cpu *cpu, struct hull_error **err);
/* Device rules: the user's, then the defaults every container gets (runc's list). */
int cgroup_v1_apply_devices(struct cgroup_node *n, const struct hull_device_rule *rules, size_t n_rules,
                            struct hull_error **err);

/* ---- freeze.c ---- */
int cgroup_freeze_node(struct cgroup_manager *m, bool frozen, struct hull_error **err);

#endif
