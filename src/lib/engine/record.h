/* hull: the engine's container records.
 *
 * Each container made by `hull run` has a directory ROOT/containers/<id>/
 * (id = 64 hex digits, like docker):
 *   record.json   the container as `hull inspect` shows it (docker's shape:
 *                 Id, Name, Created, Path, Args, State, Config, HostConfig,
 *                 Mounts, GraphDriver ...).  State is updated by whoever
 *                 waits for the init: `hull run` in the foreground, or the
 *                 monitor of a detached container.
 *   config.json + rootfs/ (+ upper/, work/)   the OCI bundle
 *   ctr.log       stdout+stderr of a detached container
 * The runtime state lives apart, in RUNROOT/engine/<id> (container.h).
 * ROOT/containers/.lock is flocked while names are allocated and records
 * rewritten, so two `hull run --name x` cannot both win. */
#ifndef HULL_ENGINE_RECORD_H
#define HULL_ENGINE_RECORD_H

#include <stdbool.h>

#include "../util/error.h"

struct json_object;

#define ENGINE_ID_LEN 64

char *engine_containers_dir(const char *root);
char *engine_container_dir(const char *root, const char *id);
/* The runtime state root the engine passes to container_create & co. */
char *engine_runtime_root(const char *runroot);

/* A new random id (64 hex digits + NUL). */
int engine_new_id(char id[ENGINE_ID_LEN + 1], struct hull_error **err);

/* flock(ROOT/containers/.lock); creates the directory. Close *fd to unlock.
 * Sweeps the stale temp files of atomic writes in the container dirs. */
int engine_records_lock(const char *root, int *fd, struct hull_error **err);
/* stale_tmp_files (util) over every container dir. */
void engine_records_sweep_tmp(const char *root, bool remove, void (*found)(const char *path, void *data), void *data);

int engine_record_load(const char *root, const char *id, struct json_object **out, struct hull_error **err);
int engine_record_save(const char *root, const char *id, struct json_object *rec, struct hull_error **err);

/* Ids of every container with a record, NULL-terminated. */
int engine_record_list(const char *root, char ***ids, struct hull_error **err);

/* A full id, a name ("web" or "/web") or a unique id prefix, as docker
 * resolves them. "no such container: TEXT" otherwise, returning -ENOENT
 * (so `rm -f` can tell a missing container from other failures). */
int engine_record_find(const char *root, const char *text, char **id_out, struct hull_error **err);

/* True when a container already has this name. */
bool engine_record_name_in_use(const char *root, const char *name);
/* docker's container names: [a-zA-Z0-9][a-zA-Z0-9_.-]*; the error names the name. */
int engine_name_check(const char *name, struct hull_error **err);

/* Rewrites State under the records lock: Status "running", Pid, StartedAt = now,
 * and HullMonitorPid: the process that will record the exit (hull-monitor,
 * or the foreground `hull run`).  A start by hand: RestartCount and the
 * restart backoff start again (restart.h). */
int engine_record_set_running(const char *root, const char *id, int pid, int monitor_pid, struct hull_error **err);
/* The same for a restart by the policy: fails, changing nothing, unless the
 * record still says "restarting" (stop, kill or rm came meanwhile). */
int engine_record_set_restarted(const char *root, const char *id, int pid, int monitor_pid, struct hull_error **err);
/* rec says running or paused, the init is gone, and the process that
 * records its exit (HullMonitorPid) still lives: the exit is about to be
 * recorded (and the restart policy asked), so the container is not yet
 * "stopped" for prune or rm. */
bool engine_record_exit_pending(const char *runroot, const char *id, struct json_object *rec);
/* Status "exited", ExitCode, FinishedAt = now, and State.OOMKilled (the cgroup counted an OOM kill). */
int engine_record_set_finished(const char *root, const char *id, int exit_code, bool oom_killed,
                               struct hull_error **err);

/* State.Status "paused" (Paused true) or back to "running", under the records
 * lock; a record that says exited meanwhile is left alone.  Status "paused"
 * still means the init is alive (Running stays true), as in docker. */
int engine_record_set_paused(const char *root, const char *id, bool paused, struct hull_error **err);

struct engine_run_config;

/* What a new container's record is made of. */
struct engine_record_input {
    const char *id, *name; /* name without the leading "/" */
    const char *image_ref; /* as the user wrote it */
    const char *image_id;  /* "sha256:<hex>" */
    const char *dir;       /* the container directory */
    const char *spec_json; /* the generated config.json */
    const char *image_config;
    const struct engine_run_config *rc;
    bool detach, auto_remove, interactive;
    const char *const *volumes_from; /* --volumes-from as given (NULL-terminated; NULL: none) */
};

/* The record of a new container (State "created"), in `docker inspect`'s shape. */
struct json_object *engine_record_build(const struct engine_record_input *in);

/* Record before resource: `hull run` saves this intent record (Id, Name,
 * Image, State "created", HostConfig.AutoRemove, and ENGINE_RECORD_CREATING:
 * the pid of the creator) before it marks the image, mounts the rootfs or
 * starts anything, and replaces it with the full record (which keeps the
 * member until the container has run) once the bundle is made.  So every resource a killed `hull run` leaves is named by a record
 * that `hull ps -a`, `hull rm -f` and `hull system check` see.  A record
 * that still has the member after its creator died is shown as "dead". */
#define ENGINE_RECORD_CREATING "HullCreatingPid"
struct json_object *engine_record_build_intent(const char *id, const char *name, const char *image_ref,
                                               const char *image_id, bool auto_remove);
/* True when rec is an intent record whose creator is gone. */
bool engine_record_abandoned(struct json_object *rec);
/* True when the container's `hull run` is alive and has not started it yet
 * (`container prune` leaves it alone). */
bool engine_record_being_created(const char *root, const char *id);

/* Removes ROOT/containers/<id>/record.json under the records lock, then the
 * (by then empty) directory: the last step of a removal. */
int engine_record_delete(const char *root, const char *id, struct hull_error **err);

/* A string member of a json object, or "" (never NULL). */
const char *engine_json_str(struct json_object *obj, const char *key);
/* obj.a.b ... as an object, NULL when a member is missing. */
struct json_object *engine_json_path(struct json_object *obj, const char *a, const char *b);

#endif
