/* hull: cgroups behind one interface.
 *
 * The host layout (v1 legacy, hybrid, or unified v2) is detected once; a
 * cgroup_manager then owns the container's cgroup in every hierarchy.  The
 * runtime core only ever calls the functions below.  State that must survive
 * between hull-runtime invocations (which paths were created) goes through a
 * struct cgroup_record, which the container's state.json carries (the
 * container layer's state_json.c reads and writes it; no JSON here). */
#ifndef HULL_CGROUP_H
#define HULL_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../spec/spec.h"
#include "../util/error_internal.h"
#include "hull/hull.h"

struct cgroup_stats;

struct cgroup_manager; /* opaque */

/* Creates the container's cgroup (linux.cgroupsPath, or a default that contains
 * the id) in every hierarchy and applies resources (may be NULL).  The device
 * rules are resources->devices then the default list; linux.devices nodes get
 * no rule of their own (creating a node is not a permission).  Nothing is
 * left behind on failure. */
int cgroup_manager_create(const char *id, const char *cgroups_path, const struct hull_resources *resources,
                          struct cgroup_manager **out, struct hull_error **err);

/* cgroup_manager_create in two steps, so that the caller can record what will
 * be created before it is (record before resource, docs/reliability.md):
 * plan resolves the paths and lists the directories that do not exist yet
 * (cgroup_manager_save then writes them as "created": a delete of a create
 * killed in between removes them); setup makes them, replaces the list by
 * what it really made (save again) and applies resources.  A failed setup
 * removes what it made; the manager must still be freed. */
int cgroup_manager_plan(const char *id, const char *cgroups_path, struct cgroup_manager **out,
                        struct hull_error **err);
/* *as_planned (may be NULL): whether setup made exactly the directories the
 * plan listed, i.e. whether a record saved from the plan still holds. */
int cgroup_manager_setup(struct cgroup_manager *m, const struct hull_resources *resources, bool *as_planned,
                         struct hull_error **err);

/* An O_DIRECTORY fd of the unified (v2) cgroup for clone3(CLONE_INTO_CGROUP), or -1
 * when there is none (v1) or it cannot be used.  Owned by the manager. */
int cgroup_manager_clone_fd(struct cgroup_manager *m);

/* Moves pid into the cgroup in every hierarchy (used when CLONE_INTO_CGROUP was not). */
int cgroup_manager_add_pid(struct cgroup_manager *m, pid_t pid, struct hull_error **err);

/* cgroup v1 and hybrid (visit.c): the calling thread steps into the
 * container's cgroup in every v1 hierarchy without the kernel's global lock
 * and its RCU grace period, so that a child it clones is born there (with
 * clone3(CLONE_INTO_CGROUP, cgroup_visit_clone_fd()) for the unified
 * hierarchy of a hybrid host, when the fd is not -1).  Fails, with nothing
 * moved, where it cannot (pure v2 needs none of it).  cgroup_visit_leave
 * steps back and frees; in the cloned child, cgroup_visit_forget only frees. */
struct cgroup_visit;
int cgroup_visit_enter(struct cgroup_manager *m, struct cgroup_visit **out, struct hull_error **err);
int cgroup_visit_clone_fd(const struct cgroup_visit *v);
int cgroup_visit_leave(struct cgroup_visit *v, struct hull_error **err);
void cgroup_visit_forget(struct cgroup_visit *v);

/* exec --cgroup: points this (loaded, not to be saved) manager at existing
 * sub-cgroups of the container's, so cgroup_manager_add_pid puts a process
 * there.  args: NULL-terminated "[CONTROLLER[,CONTROLLER]:]PATH" (runc's
 * syntax); a path alone applies to every hierarchy.  Errors name the argument. */
int cgroup_manager_enter_sub(struct cgroup_manager *m, char *const *args, struct hull_error **err);

/* Every pid in the cgroup (recursively). *pids is malloc'ed. */
int cgroup_manager_pids(struct cgroup_manager *m, pid_t **pids, size_t *n, struct hull_error **err);

/* Sends sig to every process in the cgroup (v2: cgroup.kill for SIGKILL when present). */
int cgroup_manager_kill_all(struct cgroup_manager *m, int sig, struct hull_error **err);

/* Kills what is left, then removes every cgroup it created (retrying EBUSY briefly). */
int cgroup_manager_destroy(struct cgroup_manager *m, struct hull_error **err);

int cgroup_manager_freeze(struct cgroup_manager *m, bool frozen, struct hull_error **err);
/* true when the cgroup is frozen (state shows "paused"). */
bool cgroup_manager_is_frozen(struct cgroup_manager *m);

/* Applies new limits to a live cgroup (update). */
int cgroup_manager_update(struct cgroup_manager *m, const struct hull_resources *resources, struct hull_error **err);

/* Number of OOM kills seen in the container's cgroup so far. */
int cgroup_manager_oom_kills(struct cgroup_manager *m, uint64_t *count, struct hull_error **err);

/* The cgroup's statistics, typed (cgroup_stats.h); *out is zeroed first and
 * must be released with cgroup_stats_clear() whatever the result. */
int cgroup_manager_stats(struct cgroup_manager *m, struct cgroup_stats *out, struct hull_error **err);

/* The container's cgroup path as the container sees it in /proc/self/cgroup, and
 * the mounts to create for /sys/fs/cgroup inside the container.  The mount code
 * calls cgroup_mount_in_container() inside the container's mount namespace with
 * the destination already resolved under the new root (dest_fd is an O_PATH fd). */
int cgroup_mount_in_container(struct cgroup_manager *m, int dest_fd, const char *dest_path, bool readonly,
                              bool have_cgroupns, struct hull_error **err);

/* The host directory of the container's cgroup for a controller ("memory"),
 * or with controller NULL the one that lists every process (unified when
 * present).  NULL when there is none.  Owned by the manager. */
const char *cgroup_manager_dir(struct cgroup_manager *m, const char *controller);

/* What state.json says of the container's cgroups ("cgroup": one node per
 * hierarchy joined). */
struct cgroup_record_node {
    char *mountpoint, *mount_root; /* mount_root "/" when not saved */
    char *controllers;             /* v1 mount options, "cpu,cpuacct"; "" for v2 */
    bool unified;
    char *path, *dir; /* in the hierarchy, on the host */
    char **created;   /* what hull made, parents first (NULL-terminated, may be NULL) */
};
struct cgroup_record {
    bool present; /* false: no cgroup (rootless without one, or made by an older hull) */
    char *layout; /* "v1", "hybrid", "v2" */
    struct cgroup_record_node *nodes;
    size_t n_nodes;
};
void cgroup_record_clear(struct cgroup_record *r);

/* Persist / restore through the record (m NULL: a record of no cgroup). */
void cgroup_manager_save(struct cgroup_manager *m, struct cgroup_record *out);
int cgroup_manager_load(const struct cgroup_record *rec, struct cgroup_manager **out, struct hull_error **err);

/* Frees memory only; touches no cgroup. */
void cgroup_manager_free(struct cgroup_manager *m);
void cgroup_manager_freep(struct cgroup_manager **m);
#define cleanup_cgroup_manager __attribute__((cleanup(cgroup_manager_freep)))

#endif
