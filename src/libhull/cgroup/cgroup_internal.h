/* hull: what the cgroup drivers share inside src/libhull/cgroup/.
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
#include "../util/error_internal.h"
#include "cgroup.h"
#include "cgroup_stats.h"

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

/* What differs between the host layouts, chosen once per manager
 * (cgroup_ops_for, when it is planned or loaded from state.json): v1, v2, and
 * hybrid, which composes the two (v1 controllers, plus the unified hierarchy
 * for what v1 lacks: cgroup.kill, the v2 freezer, controllers such as
 * hugetlb that only v2 offers there).  The manager and the resource code
 * above it never ask which layout they are on.  Each driver's table is at the
 * end of its file (driver_v1.c, driver_v2.c, driver_hybrid.c). */
struct cgroup_ops {
    /* One hierarchy only: clone3(CLONE_INTO_CGROUP) places the child in all of
     * its cgroups at once, and exec --cgroup takes no controller names. */
    bool single_hierarchy;
    /* linux.resources.unified can be honoured (there is a v2 hierarchy). */
    bool unified_map;
    /* The node serving controller, NULL when none; with enable, made usable
     * first (v2: enabled in every ancestor's cgroup.subtree_control). */
    struct cgroup_node *(*node_for)(struct cgroup_manager *m, const char *controller, bool enable);
    /* The error of cgroup_require: why this host cannot serve controller. */
    void (*no_controller)(const char *field, const char *controller, struct hull_error **err);
    /* After the directories exist, before resources: v2 enables every
     * controller so stats and later updates find their files.  May be NULL. */
    void (*prepare)(struct cgroup_manager *m);
    /* linux.resources: the controller and writer of blockIO, and network
     * (net_cls/net_prio); the rest is common (resources_common.c). */
    const char *io_controller;
    int (*set_memory)(struct cgroup_node *n, const struct hull_memory *mem, bool update, struct hull_error **err);
    int (*set_cpu)(struct cgroup_node *n, const struct hull_cpu *cpu, struct hull_error **err);
    int (*set_io)(struct cgroup_node *n, const struct hull_blkio *b, struct hull_error **err);
    int (*set_network)(struct cgroup_manager *m, const struct hull_resources *r, struct hull_error **err);
    /* The device rules, already collected (the user's, then the defaults). */
    int (*apply_devices)(struct cgroup_manager *m, const struct hull_device_rule *rules, size_t n, bool user_rules,
                         struct hull_error **err);
    /* SIGKILL to every process of the cgroup, forks included; leaves it thawed. */
    int (*kill)(struct cgroup_manager *m, struct hull_error **err);
    int (*freeze)(struct cgroup_manager *m, bool frozen, struct hull_error **err);
    bool (*is_frozen)(struct cgroup_manager *m);
    void (*read_stats)(struct cgroup_manager *m, struct cgroup_stats *s);
    int (*mount)(struct cgroup_manager *m, int dest_fd, const char *dest_path, bool readonly, bool have_cgroupns,
                 struct hull_error **err);
};

extern const struct cgroup_ops cgroup_v1_ops, cgroup_v2_ops, cgroup_hybrid_ops;
/* The table for a layout; unknown (a state.json without one) gets hybrid's,
 * which serves v1 nodes and a unified node alike. */
const struct cgroup_ops *cgroup_ops_for(enum cgroup_layout layout);

struct cgroup_manager {
    enum cgroup_layout layout; /* as detected; saved in state.json */
    const struct cgroup_ops *ops;
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
/* The same, from the text of /proc/self/cgroup read once (for several hierarchies). */
int cgroup_own_path_in(const char *proc_self_cgroup, const struct cgroup_hierarchy *h, char **out,
                       struct hull_error **err);
/* True when the v1 hierarchy carries controller name (exact item of options). */
bool cgroup_hierarchy_has(const struct cgroup_hierarchy *h, const char *name);
/* Validates cgroupsPath and resolves it (absolute, relative to our own cgroup, or the
 * default /hull/ID) to a path inside hierarchy h. */
int cgroup_resolve_path(const struct cgroup_hierarchy *h, const char *id, const char *cgroups_path, char **out,
                        struct hull_error **err);
int cgroup_validate_path(const char *cgroups_path, struct hull_error **err);

/* ---- manager.c ---- */
/* The node serving controller (a v1 hierarchy carrying it, or the unified
 * one), made usable: the driver's node_for with enable.  NULL when the host
 * has no such controller for this container. */
struct cgroup_node *cgroup_node_for(struct cgroup_manager *m, const char *controller);
struct cgroup_node *cgroup_unified_node(struct cgroup_manager *m);
/* Like cgroup_node_for, without enabling anything (for readers: stats, OOM count). */
struct cgroup_node *cgroup_node_lookup(struct cgroup_manager *m, const char *controller);
/* cgroup_node_for, or the driver's error "FIELD: the host cannot enforce it: ...". */
struct cgroup_node *cgroup_require(struct cgroup_manager *m, const char *controller, const char *field,
                                  struct hull_error **err);
/* No process in dir and no child cgroup below it. */
bool cgroup_is_empty(const char *dir);
/* Sends sig to every pid of the cgroup, one by one (never to ourselves). */
int cgroup_signal_pids(struct cgroup_manager *m, int sig, struct hull_error **err);
/* SIGKILL pid by pid inside a frozen cgroup, then thaw: the fallback without cgroup.kill. */
int cgroup_kill_frozen(struct cgroup_manager *m, struct hull_error **err);
/* A v1-frozen task never sees its SIGKILL: thaw when frozen (also after `pause`). */
void cgroup_thaw_if_frozen(struct cgroup_manager *m);

/* ---- parents.c: the parent cgroups hull made, shared by every container below them ---- */
/* The machine-wide marks directory, opened and flock'ed (-1: none, e.g. not
 * writable: then only a parent's maker removes it). */
int cgroup_parents_lock(void);
/* Marks dir as a parent hull makes; call with the lock, before the mkdir. */
void cgroup_parents_mark(int lock_fd, const char *dir);
/* After n's own cgroup is gone, with the lock: removes n's parents that hull made (marked,
 * or in n->created), deepest first, until one is busy or somebody else's. */
void cgroup_parents_release(int lock_fd, const struct cgroup_node *n);
/* dir is <hierarchy>/hull, the parent of containers that name no linux.cgroupsPath:
 * made once, never marked and never removed (as docker keeps /docker). */
bool cgroup_is_hull_parent(const struct cgroup_node *n, const char *dir);
/* Every cgroup of m is a child of the hull parent (the default /hull/ID): no
 * parent of it is ever made shared or removed, and the marks' lock is not
 * needed to create or remove it (8 creates at once no longer queue on it). */
bool cgroup_parents_below_hull_only(const struct cgroup_manager *m);

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

/* ---- resources_common.c ---- */
/* Range checks, once for every driver (errors name the field and value). */
/* linux.resources in the order runc writes them, through the driver's setters. */
int cgroup_apply_resources(struct cgroup_manager *m, const struct hull_resources *r, bool update,
                           struct hull_error **err);
/* Shared by both drivers (on hybrid these controllers may live in the unified node). */
int cgroup_set_hugetlb(struct cgroup_node *n, const struct hull_resources *r, struct hull_error **err);
int cgroup_set_rdma(struct cgroup_node *n, const struct hull_resources *r, struct hull_error **err);
int cgroup_set_unified(struct cgroup_manager *m, const struct hull_resources *r, struct hull_error **err);
int cgroup_check_before_update(const char *dir, const char *usage_file, const struct hull_memory *mem,
                               struct hull_error **err);
int cgroup_set_cpuset(struct cgroup_node *n, const struct hull_cpu *cpu, struct hull_error **err);

/* ---- resources_v1.c / resources_v2.c: the drivers' setters ---- */
int cgroup_v1_set_memory(struct cgroup_node *n, const struct hull_memory *mem, bool update, struct hull_error **err);
int cgroup_v1_set_cpu(struct cgroup_node *n, const struct hull_cpu *cpu, struct hull_error **err);
int cgroup_v1_set_blkio(struct cgroup_node *n, const struct hull_blkio *b, struct hull_error **err);
int cgroup_v1_set_network(struct cgroup_manager *m, const struct hull_resources *r, struct hull_error **err);
/* Device rules on the devices hierarchy: deny all, then the rules in order. */
int cgroup_v1_apply_devices(struct cgroup_manager *m, const struct hull_device_rule *rules, size_t n,
                            bool user_rules, struct hull_error **err);
int cgroup_v2_set_memory(struct cgroup_node *n, const struct hull_memory *mem, bool update, struct hull_error **err);
int cgroup_v2_set_cpu(struct cgroup_node *n, const struct hull_cpu *cpu, struct hull_error **err);
int cgroup_v2_set_io(struct cgroup_node *n, const struct hull_blkio *b, struct hull_error **err);

/* ---- driver_v1.c / driver_v2.c: pieces the hybrid driver composes ---- */
/* The v1 hierarchy carrying controller, NULL when none does. */
struct cgroup_node *cgroup_v1_node(struct cgroup_manager *m, const char *controller);
void cgroup_v1_read_stats(struct cgroup_manager *m, struct cgroup_stats *s);
/* Enables controller in every ancestor's cgroup.subtree_control down to the
 * node; controller NULL: every controller each level offers, refusals only
 * logged (driver_v2.c). */
int cgroup_v2_enable_controller(struct cgroup_node *n, const char *controller, struct hull_error **err);
bool cgroup_v2_controller_available(const char *dir, const char *controller);
/* Writes cgroup.kill (5.14+): 1 when written, 0 when the kernel has none, -1 on error. */
int cgroup_v2_write_kill(struct cgroup_manager *m, struct hull_error **err);

/* ---- freeze.c ---- */
/* v1: the freezer hierarchy's freezer.state; v2: the unified cgroup.freeze. */
struct cgroup_node *cgroup_v1_freezer(struct cgroup_manager *m);
int cgroup_v1_freeze(struct cgroup_manager *m, bool frozen, struct hull_error **err);
bool cgroup_v1_is_frozen(struct cgroup_manager *m);
int cgroup_v2_freeze(struct cgroup_manager *m, bool frozen, struct hull_error **err);
bool cgroup_v2_is_frozen(struct cgroup_manager *m);

/* ---- mount_in_container.c ---- */
int cgroup_mount_v1_tree(struct cgroup_manager *m, int dest_fd, const char *dest_path, bool readonly,
                         bool have_cgroupns, struct hull_error **err);
int cgroup_mount_unified(struct cgroup_manager *m, int dest_fd, const char *dest_path, bool readonly,
                         bool have_cgroupns, struct hull_error **err);

/* ---- stats_read.c: one reader per controller and version (dir NULL: none) ---- */
void cgroup_stats_cpu_v1(const char *cpuacct_dir, const char *cpu_dir, struct cgroup_stats *s);
void cgroup_stats_cpu_v2(const char *dir, struct cgroup_stats *s);
void cgroup_stats_memory_v1(const char *dir, struct cgroup_stats *s);
void cgroup_stats_memory_v2(const char *dir, struct cgroup_stats *s);
void cgroup_stats_pids(const char *dir, struct cgroup_stats *s);
void cgroup_stats_blkio_v1(const char *dir, struct cgroup_stats *s);
void cgroup_stats_io_v2(const char *dir, struct cgroup_stats *s);
void cgroup_stats_hugetlb(const char *dir, bool v2, struct cgroup_stats *s);
/* memory, pids and hugetlb, each read by the version of the node serving it. */
void cgroup_stats_by_node(struct cgroup_manager *m, struct cgroup_stats *s);

#endif
