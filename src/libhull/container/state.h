/* hull: a container's state on disk, under <root>/<id>/.
 *
 *   state.json   what `state` prints, plus what later commands need (init pid and
 *                its start time to detect pid reuse, the cgroup paths we created)
 *   exec.fifo    exists from create until start: the init blocks opening it for
 *                writing, `start` opens it for reading (runc's scheme)
 *   intent.json  exists while create runs: before create makes a cgroup (or
 *                clones the init, or mounts in the caller's namespace) it records
 *                here what it is about to make, in state.json's shape; once
 *                state.json is saved it is removed.  A create killed half way
 *                leaves it, and `delete --force` removes what it names
 *                (docs/reliability.md "Crash safety of hull-runtime").
 * The directory itself is the per-container lock (flock), so concurrent commands
 * on one container are serialized and different containers never block each other. */
#ifndef HULL_STATE_H
#define HULL_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../cgroup/cgroup.h"
#include "../mount/rootfs.h"
#include "../spec/spec.h"
#include "../util/error_internal.h"
#include "hull/hull.h" /* state_default_root */

/* state.json, typed: what create saved, read back by every later command.
 * intent.json is the same struct with complete false and only id,
 * creator_pid, pid/init_start_time, rootfs + its mark and cgroup set.
 * state_json.c is its one reader and one writer (it reads what any earlier
 * hull wrote: every member is optional, as the old getters made it). */
struct hull_state {
    bool complete;      /* state.json (create finished), not intent.json */
    char *oci_version;  /* the config's ociVersion */
    char *id;
    pid_t creator_pid;  /* intent.json: the create that wrote it */
    pid_t pid;          /* the init; 0: none (yet) */
    uint64_t init_start_time; /* its start time: a recycled pid is not it (state_live_pid) */
    char *bundle, *rootfs, *created, *owner;
    struct hull_keyval *annotations;
    size_t n_annotations;
    /* No mount namespace: the mount at rootfs before create, whose mounts
     * above it delete detaches (rootfs_release_mounts). */
    bool has_rootfs_mark;
    struct rootfs_mark rootfs_before;
    bool has_poststart, has_poststop; /* hooks to run from the saved config.json */
    struct cgroup_record cgroup;
};

void hull_state_free(struct hull_state *s);
void hull_state_freep(struct hull_state **s);
#define cleanup_state __attribute__((cleanup(hull_state_freep)))

/* The one serializer and the one deserializer (state_json.c).  from_json
 * names what is wrong: "state.json: \"pid\" is not a number". */
char *hull_state_to_json(const struct hull_state *s);
int hull_state_from_json(const char *text, struct hull_state **out, struct hull_error **err);

enum container_status {
    STATUS_CREATING,
    STATUS_CREATED,
    STATUS_RUNNING,
    STATUS_PAUSED,
    STATUS_STOPPED,
};

const char *container_status_name(enum container_status s);

/* Checks an id like runc: [A-Za-z0-9_+.-]+, not "." or "..". */
int container_id_validate(const char *id, struct hull_error **err);

char *state_dir_path(const char *root, const char *id);

/* Opens and flocks <root>/<id>; ENOENT-style error "container X does not exist". */
int state_dir_lock(const char *root, const char *id, int *fd_out, struct hull_error **err);

/* Loads state.json (owned by caller; free with hull_state_free). */
int state_load(const char *root, const char *id, struct hull_state **out, struct hull_error **err);
int state_save(const char *root, const char *id, const struct hull_state *state, struct hull_error **err);

/* intent.json (above).  state_intent_load gives *out NULL when there is none. */
int state_intent_save(const char *root, const char *id, const struct hull_state *intent, struct hull_error **err);
int state_intent_load(const char *root, const char *id, struct hull_state **out, struct hull_error **err);
void state_intent_remove(const char *root, const char *id);

/* Removes <root>/<id> with the record last: every other file first, then
 * intent.json, then state.json, then the directory, so that a delete killed
 * half way leaves a record for the next one to finish the job. */
int state_dir_remove(const char *root, const char *id, struct hull_error **err);

/* Computes the live status from the saved state and the kernel: init alive (pid
 * and start time match) + fifo present = created; frozen cgroup = paused. */
enum container_status state_status(const char *root, const char *id, const struct hull_state *state);

/* The init pid if it is still the process we started, else 0. */
pid_t state_live_pid(const struct hull_state *state);

/* The OCI state (runtime.md "State") that `state` prints (indented) and
 * `list --format json` prints for each container (one line): the saved
 * state with the live status, and pid 0 once stopped. */
char *state_oci_json(const struct hull_state *s, enum container_status status);
char *state_oci_json_list(struct hull_state *const *states, const enum container_status *status, size_t n);

/* The state a hook reads on its stdin (runtime.md "State"), as JSON text. */
char *state_hook_json(const struct hull_spec *spec, const char *id, pid_t pid, const char *bundle,
                      const char *status);

#endif
