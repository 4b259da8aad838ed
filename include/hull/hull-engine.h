/* libhull-engine, the docker-like engine as a library: its public interface.
 *
 * `hull`'s commands (src/hull) are flag parsing, calls of this header and
 * printing; they include nothing else of the libraries (a unit test and a
 * check in tests/unit/engine hold them to it).  The engine keeps its state in
 * two roots: ROOT (--root: /var/lib/hull, the image store, the containers'
 * records, volumes, networks) and RUNROOT (--runroot: /run/hull, the runtime
 * state of running containers); the functions below take the one(s) they
 * need.  Errors come back as struct hull_error (error.h), every fallible
 * function returns a negative value.  The engine is built on libhull
 * (hull.h); the internal headers of src/libhull-engine include this one for
 * the types they share with the front ends.
 *
 * JSON (json-c's struct json_object) appears where a format is JSON by
 * definition: docker's inspect output, the input of --format templates. */
#ifndef HULL_PUBLIC_HULL_ENGINE_H
#define HULL_PUBLIC_HULL_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "record-config.h"

struct json_object;

/* ---- containers: the records (ROOT/containers/<id>/record.json) ---- */

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

/* A container's record.  The members hull reads and writes are typed
 * (docker's Config, HostConfig, Mounts and GraphDriver: record-config.h);
 * NetworkSettings is still a json-c tree owned by the record (made by the
 * network code), and members this code does not know are kept as they
 * were read (other), so a record written by a newer hull survives a rewrite. */
struct engine_record {
    char *id, *created, *path;
    char **args; /* NULL-terminated, never NULL */
    struct engine_record_state state;
    int restart_count;
    char *image_id; /* Image: "sha256:<hex>" */
    char *resolv_conf_path, *hostname_path, *hosts_path, *log_path;
    char *name; /* with docker's leading "/" */
    struct record_config config;
    struct record_host_config host_config;
    struct record_mount *mounts; /* NULL: absent */
    size_t n_mounts;
    struct record_graph_driver graph_driver;
    struct json_object *network_settings; /* NULL: absent */
    struct json_object *other;            /* NULL: none */
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

/* The name without docker's leading "/". */
const char *engine_record_short_name(const struct engine_record *rec);

char *engine_containers_dir(const char *root);
char *engine_container_dir(const char *root, const char *id);
/* The runtime state root the engine passes to container_create & co. */
char *engine_runtime_root(const char *runroot);

/* ROOT/containers/<id>/record.json, read whole (written by the library only). */
int engine_record_read(const char *root, const char *id, struct engine_record **out, struct hull_error **err);

/* The record as `hull inspect` shows it (docker's keys only), for the
 * network code, not yet moved to struct engine_record (NetworkSettings and
 * the network members of Config/HostConfig). */
int engine_record_load(const char *root, const char *id, struct json_object **out, struct hull_error **err);

/* Ids of every container with a record, NULL-terminated. */
int engine_record_list(const char *root, char ***ids, struct hull_error **err);

/* A full id, a name ("web" or "/web") or a unique id prefix, as docker
 * resolves them. "no such container: TEXT" otherwise, returning -ENOENT
 * (so `rm -f` can tell a missing container from other failures). */
int engine_record_find(const char *root, const char *text, char **id_out, struct hull_error **err);

/* docker's container names: [a-zA-Z0-9][a-zA-Z0-9_.-]*; the error names the name. */
int engine_name_check(const char *name, struct hull_error **err);

/* rec says running or paused, the init is gone, and the process that
 * records its exit (HullMonitorPid) still lives: the exit is about to be
 * recorded (and the restart policy asked), so the container is not yet
 * "stopped" for prune or rm. */
bool engine_record_exit_pending(const struct engine_record *rec);

/* True when rec is an intent record whose creator is gone. */
bool engine_record_abandoned(const struct engine_record *rec);
/* True when the container's `hull run` is alive and has not started it yet
 * (`container prune` leaves it alone). */
bool engine_record_being_created(const char *root, const char *id);

/* A string member of a json object, or "" (never NULL). */
const char *engine_json_str(struct json_object *obj, const char *key);
/* obj.a.b ... as an object, NULL when a member is missing. */
struct json_object *engine_json_path(struct json_object *obj, const char *a, const char *b);

#endif
