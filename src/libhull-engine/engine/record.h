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

#include "util/error_internal.h"

struct json_object;

#define ENGINE_ID_LEN 64
#define ENGINE_RECORD_HEALTH_LOG 5 /* State.Health.Log keeps the last 5 results (docker) */

/* One healthcheck result in State.Health.Log (docker's HealthcheckResult). */
struct engine_health_log_entry {
    char *start, *end; /* RFC 3339 */
    int exit_code;     /* -1: timed out or could not run */
    char *output;
};

/* State.Health; status NULL: the record has none (no healthcheck, or never started). */
struct engine_health_state {
    char *status; /* starting, healthy, unhealthy */
    int failing_streak;
    struct engine_health_log_entry log[ENGINE_RECORD_HEALTH_LOG];
    size_t n_log;
};

/* docker's State. */
struct engine_record_state {
    char *status; /* created, running, paused, restarting, exited, dead */
    bool running, paused, restarting, oom_killed, dead;
    int pid, exit_code;
    char *error, *started_at, *finished_at; /* RFC 3339; "0001-01-01T00:00:00Z": never */
    struct engine_health_state health;
};

/* hull's restart manager (restart.h): HullRestart on disk. */
struct engine_record_restart {
    bool manually_stopped; /* stop/kill: the next exit is final */
    int64_t delay_ms;      /* the backoff used before the last restart */
    int monitor_pid;       /* the monitor sleeping the delay */
};

/* A container's record.  The members hull reads and writes are typed;
 * docker's Config, HostConfig, Mounts, GraphDriver and NetworkSettings are
 * still json-c trees owned by the record (made by engine_record_build and
 * the network code), and members this code does not know are kept as they
 * were read (other), so a record written by a newer hull survives a rewrite. */
struct engine_record {
    char *id, *created, *path;
    char **args; /* NULL-terminated, never NULL */
    struct engine_record_state state;
    int restart_count;
    char *image_id; /* Image: "sha256:<hex>" */
    char *resolv_conf_path, *hostname_path, *hosts_path, *log_path;
    char *name; /* with docker's leading "/" */
    struct json_object *config, *host_config, *mounts, *graph_driver, *network_settings; /* NULL: absent */
    struct json_object *other;                                                            /* NULL: none */
    /* hull's own: in record.json, never in `hull inspect` */
    int monitor_pid;  /* HullMonitorPid: the process that records the exit */
    int creating_pid; /* HullCreatingPid: the `hull run` making it; 0: made */
    struct engine_record_restart restart;
};

/* record_json.c: the one deserializer and the one serializer.  from_json
 * takes what today's and earlier hulls wrote (missing members read as
 * zero/""); to_json with inspect set leaves hull's own members out: that is
 * `hull inspect`'s JSON (and the input of ps/inspect --format templates). */
int engine_record_from_json(struct json_object *j, struct engine_record **out, struct hull_error **err);
struct json_object *engine_record_to_json(const struct engine_record *rec, bool inspect);
int engine_record_parse(const char *text, struct engine_record **out, struct hull_error **err);
void engine_record_free(struct engine_record *rec);
void engine_record_freep(struct engine_record **rec);
#define cleanup_engine_record __attribute__((cleanup(engine_record_freep)))
/* Replaces *field by a copy of value (NULL: ""). */
void engine_record_set_str(char **field, const char *value);
/* The name without docker's leading "/". */
const char *engine_record_short_name(const struct engine_record *rec);

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

/* ROOT/containers/<id>/record.json read / written whole (atomic replace).
 * Writers other than a new container's first save go through
 * engine_record_edit. */
int engine_record_read(const char *root, const char *id, struct engine_record **out, struct hull_error **err);
int engine_record_write(const char *root, const char *id, const struct engine_record *rec, struct hull_error **err);

/* An edit of a record: the container dir still there?  (removed meanwhile,
 * `hull rm -f` or --rm: do not make ROOT/containers and its lock again),
 * then under the records lock: read, fn, write.  fn returns < 0 (an error,
 * nothing written), 0 (write) or ENGINE_RECORD_UNCHANGED (nothing to
 * write).  Returns fn's result, or -1. */
#define ENGINE_RECORD_UNCHANGED 1
typedef int (*engine_record_edit_fn)(struct engine_record *rec, void *data, struct hull_error **err);
int engine_record_edit(const char *root, const char *id, engine_record_edit_fn fn, void *data,
                       struct hull_error **err);

/* The record as `hull inspect` shows it (docker's keys only), for the
 * readers not yet moved to struct engine_record. */
int engine_record_load(const char *root, const char *id, struct json_object **out, struct hull_error **err);

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
bool engine_record_exit_pending(const struct engine_record *rec);
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
/* True when rec is an intent record whose creator is gone. */
bool engine_record_abandoned(const struct engine_record *rec);
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
