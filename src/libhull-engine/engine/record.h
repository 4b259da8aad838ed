/* hull: the engine's container records.
 *
 * Each container made by `hull run` has a directory ROOT/containers/<id>/
 * (id = 64 hex digits, like docker):
 *   record.json   the container's struct engine_record (below), written by
 *                 record_json.c only: docker's inspect keys (Id, Name,
 *                 Created, Path, Args, State, Config, HostConfig, Mounts,
 *                 GraphDriver, NetworkSettings ...) plus hull's own members
 *                 (HullMonitorPid, HullCreatingPid, HullRestart), which
 *                 `hull inspect` does not show.  State is updated by whoever
 *                 waits for the init: `hull run` in the foreground, or the
 *                 monitor of a detached container.
 *   config.json + rootfs/ (+ upper/, work/)   the OCI bundle
 *   ctr.log       stdout+stderr of a detached container
 * The runtime state lives apart, in RUNROOT/engine/<id> (container.h).
 * ROOT/containers/.lock is flocked while names are allocated and records
 * rewritten (engine_record_edit), so two `hull run --name x` cannot both win. */
#ifndef HULL_ENGINE_RECORD_H
#define HULL_ENGINE_RECORD_H

#include <stdbool.h>

#include "hull/hull-engine.h"
#include "record_config.h"
#include "util/error_internal.h"

/* The record's types (struct engine_record ...) and its readers are public:
 * hull/hull-engine.h. */

/* Replaces *field by a copy of value (NULL: ""). */
void engine_record_set_str(char **field, const char *value);

/* stale_tmp_files (util) over every container dir. */
void engine_records_sweep_tmp(const char *root, bool remove, void (*found)(const char *path, void *data), void *data);

/* An edit of a record: the container dir still there?  (removed meanwhile,
 * `hull rm -f` or --rm: do not make ROOT/containers and its lock again),
 * then under the records lock: read, fn, write.  fn returns < 0 (an error,
 * nothing written), 0 (write) or ENGINE_RECORD_UNCHANGED (nothing to
 * write).  Returns fn's result, or -1. */
#define ENGINE_RECORD_UNCHANGED 1
typedef int (*engine_record_edit_fn)(struct engine_record *rec, void *data, struct hull_error **err);
int engine_record_edit(const char *root, const char *id, engine_record_edit_fn fn, void *data,
                       struct hull_error **err);
/* fn(rec, data) applied by this process's next engine_record_edit of id,
 * before its own edit and in the same write (then free_data(data)); dropped
 * with the record (engine_record_delete).  For an edit that another always
 * follows: a record write costs a file made and renamed (~0.4 ms), and the
 * network's NetworkSettings at a start and at an exit come right before
 * the State of "running" and of "exited" (engine_network_attach.c).
 * engine_record_read does not see it. */
void engine_record_edit_with_next(const char *id, engine_record_edit_fn fn, void *data, void (*free_data)(void *data));

/* The same for a restart by the policy: fails, changing nothing, unless the
 * record still says "restarting" (stop, kill or rm came meanwhile). */
int engine_record_set_restarted(const char *root, const char *id, int pid, int monitor_pid, struct hull_error **err);
/* Status "exited", ExitCode, FinishedAt = now, and State.OOMKilled (the cgroup counted an OOM kill). */
int engine_record_set_finished(const char *root, const char *id, int exit_code, bool oom_killed,
                               struct hull_error **err);

/* State.Status "paused" (Paused true) or back to "running", under the records
 * lock; a record that says exited meanwhile is left alone.  Status "paused"
 * still means the init is alive (Running stays true), as in docker. */
int engine_record_set_paused(const char *root, const char *id, bool paused, struct hull_error **err);

struct engine_run_config;
struct hull_spec;

/* Removes ROOT/containers/<id>/record.json under the records lock, then the
 * (by then empty) directory: the last step of a removal. */
int engine_record_delete(const char *root, const char *id, struct hull_error **err);

/* A new random id (64 hex digits + NUL). */
int engine_new_id(char id[ENGINE_ID_LEN + 1], struct hull_error **err);

/* flock(ROOT/containers/.lock); creates the directory. Close *fd to unlock.
 * The first time in a process (per ROOT), sweeps the stale temp files of
 * atomic writes in the container dirs. */
int engine_records_lock(const char *root, int *fd, struct hull_error **err);

/* ROOT/containers/<id>/record.json read / written whole (atomic replace).
 * Writers other than a new container's first save go through
 * engine_record_edit. */
int engine_record_write(const char *root, const char *id, const struct engine_record *rec, struct hull_error **err);

/* True when a container already has this name. */
bool engine_record_name_in_use(const char *root, const char *name);

/* Rewrites State under the records lock: Status "running", Pid, StartedAt = now,
 * and HullMonitorPid: the process that will record the exit (hull-monitor,
 * or the foreground `hull run`).  A start by hand: RestartCount and the
 * restart backoff start again (restart.h). */
int engine_record_set_running(const char *root, const char *id, int pid, int monitor_pid, struct hull_error **err);

/* What a new container's record is made of. */
struct engine_record_input {
    const char *id, *name; /* name without the leading "/" */
    const char *image_ref; /* as the user wrote it */
    const char *image_id;  /* "sha256:<hex>" */
    const char *dir;       /* the container directory */
    const struct hull_spec *spec; /* the generated config.json */
    const char *image_config;
    const struct engine_run_config *rc;
    bool detach, auto_remove, interactive;
    const char *const *volumes_from; /* --volumes-from as given (NULL-terminated; NULL: none) */
};

/* The record of a new container (State "created"). */
struct engine_record *engine_record_build(const struct engine_record_input *in);

/* Record before resource: `hull run` saves this intent record (Id, Name,
 * Image, State "created", HostConfig.AutoRemove, and creating_pid:
 * the pid of the creator) before it marks the image, mounts the rootfs or
 * starts anything, and replaces it with the full record (which keeps the
 * member until the container has run) once the bundle is made.  So every resource a killed `hull run` leaves is named by a record
 * that `hull ps -a`, `hull rm -f` and `hull system check` see.  A record
 * that still has the member after its creator died is shown as "dead". */
struct engine_record *engine_record_build_intent(const char *id, const char *name, const char *image_ref,
                                                const char *image_id, bool auto_remove);

/* record_json.c: the one deserializer (the serializer, engine_record_to_json,
 * is in hull-engine.h): takes what today's and earlier hulls wrote (missing
 * members read as zero/""); parse: the same from record.json's text. */
int engine_record_from_json(struct json_object *j, struct engine_record **out, struct hull_error **err);
int engine_record_parse(const char *text, struct engine_record **out, struct hull_error **err);
/* record.json's text of rec (engine_record_to_json without the inspect-only members). */
char *engine_record_to_text(const struct engine_record *rec);

/* ROOT/containers, and ROOT/containers/<id>: a container's directory
 * (record.json, config.json, ctr.log, the attach socket). */
char *engine_containers_dir(const char *root);
char *engine_container_dir(const char *root, const char *id);

/* True when rec is an intent record whose creator is gone. */
bool engine_record_abandoned(const struct engine_record *rec);

/* The runtime state root the engine passes to container_create & co. */
char *engine_runtime_root(const char *runroot);

#endif
