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
#include <sys/types.h>

#include "../util/error.h"

struct json_object;

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

/* The default state root: /run/hull for root; otherwise (rootless: not root,
 * or root of a user namespace with $USER not "root", as runc decides it)
 * $XDG_RUNTIME_DIR/hull, else /run/user/<euid>/hull.  Owned by caller. */
char *state_default_root(void);

char *state_dir_path(const char *root, const char *id);

/* Opens and flocks <root>/<id>; ENOENT-style error "container X does not exist". */
int state_dir_lock(const char *root, const char *id, int *fd_out, struct hull_error **err);

/* Loads state.json as a json object (owned by caller). */
int state_load(const char *root, const char *id, struct json_object **out, struct hull_error **err);
int state_save(const char *root, const char *id, struct json_object *state, struct hull_error **err);

/* intent.json (above).  state_intent_load gives *out NULL when there is none. */
int state_intent_save(const char *root, const char *id, struct json_object *intent, struct hull_error **err);
int state_intent_load(const char *root, const char *id, struct json_object **out, struct hull_error **err);
void state_intent_remove(const char *root, const char *id);

/* Removes <root>/<id> with the record last: every other file first, then
 * intent.json, then state.json, then the directory, so that a delete killed
 * half way leaves a record for the next one to finish the job. */
int state_dir_remove(const char *root, const char *id, struct hull_error **err);

/* Computes the live status from the saved state and the kernel: init alive (pid
 * and start time match) + fifo present = created; frozen cgroup = paused. */
enum container_status state_status(const char *root, const char *id, struct json_object *state);

/* The init pid if it is still the process we started, else 0. */
pid_t state_live_pid(struct json_object *state);

#endif
