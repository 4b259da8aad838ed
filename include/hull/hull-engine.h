/* libhull-engine, the docker-like engine as a library: its public interface.
 *
 * `hull`'s commands (src/hull) are flag parsing, calls of this header and
 * printing; they include nothing else of the libraries (the build and
 * tests/unit/engine/test_cli_includes.c hold them to it;
 * test_engine_api.c uses this header alone).  The engine keeps its state in
 * two roots: ROOT (--root: /var/lib/hull, the image store, the containers'
 * records, volumes, networks) and RUNROOT (--runroot: /run/hull, the runtime
 * state of running containers); the functions below take the one(s) they
 * need.  Errors come back as struct hull_error (error.h), every fallible
 * function returns a negative value.  The engine is built on libhull
 * (hull.h); the internal headers of src/libhull-engine include this one for
 * the types they share with the front ends.
 *
 * Parts 2 and 3 (hull-engine-run.h: hull run's configuration, networks,
 * volumes; hull-engine-images.h: images and registries) are included at the
 * end of this file.
 *
 * JSON (json-c's struct json_object) appears where a format is JSON by
 * definition: docker's inspect output, the input of --format templates. */
#ifndef HULL_PUBLIC_HULL_ENGINE_H
#define HULL_PUBLIC_HULL_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "error.h"
#include "hull.h"
#include "network-settings.h"
#include "record-config.h"

struct json_object;
struct stat;

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
 * (docker's Config, HostConfig, Mounts and GraphDriver: record-config.h;
 * NetworkSettings: network-settings.h), and members this code does not know
 * are kept as they were read (other), so a record written by a newer hull
 * survives a rewrite. */
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
    struct engine_network_settings *network_settings; /* NULL: absent (an intent record) */
    struct json_object *other;            /* NULL: none */
    /* hull's own: in record.json, never in `hull inspect` */
    int monitor_pid;  /* HullMonitorPid: the process that records the exit */
    int creating_pid; /* HullCreatingPid: the `hull run` making it; 0: made */
    struct engine_record_restart restart;
};

/* record_json.c: the one serializer (the deserializer, engine_record_from_json,
 * is internal: record.h).  With inspect set it leaves hull's own members out:
 * that is `hull inspect`'s JSON (and the input of ps/inspect --format templates). */
struct json_object *engine_record_to_json(const struct engine_record *rec, bool inspect);
void engine_record_free(struct engine_record *rec);
void engine_record_freep(struct engine_record **rec);
#define cleanup_engine_record __attribute__((cleanup(engine_record_freep)))

/* The name without docker's leading "/". */
const char *engine_record_short_name(const struct engine_record *rec);

/* ROOT/containers/<id>/record.json, read whole (written by the library only). */
int engine_record_read(const char *root, const char *id, struct engine_record **out, struct hull_error **err);

/* Ids of every container with a record, NULL-terminated. */
int engine_record_list(const char *root, char ***ids, struct hull_error **err);

/* A full id, a name ("web" or "/web") or a unique id prefix, as docker
 * resolves them. "no such container: TEXT" otherwise, returning -ENOENT
 * (so `rm -f` can tell a missing container from other failures). */
int engine_record_find(const char *root, const char *text, char **id_out, struct hull_error **err);

/* The container TEXT names (engine_record_find) whose record can be read:
 * what a command needs before it acts on it.  *id_out gets the full id;
 * -ENOENT with "no such container: TEXT" when none has that name or id. */
int engine_container_resolve(const char *root, const char *text, char **id_out, struct hull_error **err);
/* The same, and its record with State refreshed from the runtime (running
 * whose init is gone says exited, one a killed `hull run` left half made
 * says dead): what a command shows or checks of it.  id_out
 * (optional) gets the full id. */
int engine_container_lookup(const char *root, const char *runroot, const char *text, struct engine_record **out,
                            char **id_out, struct hull_error **err);

/* hull inspect: the container TEXT names (engine_container_lookup, State
 * refreshed; "no such container: TEXT" otherwise) in docker's inspect shape
 * (engine_record_to_json with inspect set); the caller puts *out. */
int engine_container_inspect_json(const char *root, const char *runroot, const char *text, struct json_object **out,
                                  struct hull_error **err);

/* docker's container names: [a-zA-Z0-9][a-zA-Z0-9_.-]*; the error names the name. */
int engine_name_check(const char *name, struct hull_error **err);

/* rec says running or paused, the init is gone, and the process that
 * records its exit (HullMonitorPid) still lives: the exit is about to be
 * recorded (and the restart policy asked), so the container is not yet
 * "stopped" for prune or rm. */
bool engine_record_exit_pending(const struct engine_record *rec);

/* True when the container's `hull run` is alive and has not started it yet
 * (`container prune` leaves it alone). */
bool engine_record_being_created(const char *root, const char *id);

/* ---- run options a record keeps (restart.c, log_config.c) ---- */

enum engine_restart_name {
    ENGINE_RESTART_NO = 0,
    ENGINE_RESTART_ALWAYS,
    ENGINE_RESTART_ON_FAILURE,
    ENGINE_RESTART_UNLESS_STOPPED,
};

/* --restart (restart.c). */
struct engine_restart_policy {
    enum engine_restart_name name;
    int max_retries; /* on-failure:N; 0 = no limit */
};

/* --log-opt max-size=, max-file= (log_config.c). */
struct engine_log_config {
    int64_t max_size; /* bytes; 0: no limit */
    int max_files;    /* >= 1 */
    const char *max_size_text, *max_file_text; /* as given, for the record (NULL: not given) */
};

/* ---- containers: start, wait, remove (lifecycle.c) ---- */

struct engine_lifecycle {
    const char *root;    /* --root: records, bundles, images */
    const char *runroot; /* --runroot: runtime state goes under RUNROOT/@engine */
    const char *id;
    bool auto_remove; /* --rm */
    bool tty;         /* -t: the config has process.terminal */
    bool interactive; /* -i: a detached container's stdin stays open (never written) */
    /* foreground: our stdin is not the container's (start -a without -i);
     * with interactive its stdin is open still, never written (docker) */
    bool no_stdin;
    bool restart;     /* a restart by the policy (restart.h): only while the record says "restarting" */
    /* The config `hull run` built and wrote as config.json (engine_spec_make):
     * created from without reading it again.  NULL: read config.json. */
    const struct hull_spec *spec;
};

/* docker's exit status for a container that could not be started
 * (docker/cli runStartContainerErr, moby translateContainerdStartErr): 127
 * when the program is not found ("executable file not found", "no such file
 * or directory", "not a directory"), 126 when it cannot be run ("permission
 * denied", "is a directory"), 0 when the message says neither (the caller's
 * default: 125 for run, 126 for exec).  Words are matched case-insensitively,
 * like moby. */
int engine_start_failure_status(const struct hull_error *err);

/* `hull _monitor-restart ID`, run by hull-monitor with the report pipe on fd 3
 * and the monitor's control socket on fd 4: a start by the restart policy,
 * only while the record still says "restarting" (the first start is made by
 * the run's or start's child before it becomes the monitor).  An unreadable
 * record is reported on fd 3 too.  Returns the exit status. */
int engine_monitor_restart(const char *root, const char *runroot, const char *id);

/* `hull _monitor-exit ID CODE`, run by hull-monitor once the init exited
 * with code: engine_container_finish with the record's --rm, then, when the
 * restart policy wants the container again, this process becomes
 * hull-monitor once more (engine_monitor_reexec, which returns only if that
 * failed).  Returns the exit status. */
int engine_monitor_exit(const char *root, const char *runroot, const char *id, int code);



/* Called for each name (container, image) a command taking several could not
 * do, with its error, which the callee owns (prints and frees, or keeps);
 * the other names are still done. */
typedef void (*engine_name_error_fn)(const char *name, struct hull_error *err, void *data);

/* Called for each name a command taking several has done. */
typedef void (*engine_name_fn)(const char *name, void *data);

/* hull rm: each container names[] names (engine_container_resolve), in
 * order, removed: runtime state, cgroups, rootfs mount, image user mark, its
 * directory (a running one needs force: it is killed), and with volumes its
 * anonymous volumes that no other container uses; removed(name) after each, on_error(name, err) for one that
 * could not be (the others are still tried).  With force a name that names
 * no container when the call starts is left out silently (docker).  0, or
 * -1 when any name failed. */
int engine_container_rm(const char *root, const char *runroot, char *const *names, bool force, bool volumes,
                        engine_name_fn removed, engine_name_error_fn on_error, void *data);

/* hull container prune: removes every container that is not running (nor
 * being made by a `hull run`, nor about to be restarted or recorded as
 * exited); removed(id) after each, on_error(id, err) for one that could not
 * be (the others still go; on_error owns err); adds their size to *reclaimed.
 * -1 (err) only when the containers could not be listed. */
int engine_container_prune(const char *root, const char *runroot, void (*removed)(const char *id, void *data),
                           engine_name_error_fn on_error, void *data, uint64_t *reclaimed, struct hull_error **err);

/* ---- containers: stop, kill (stop.c) ---- */

/* hull stop: the stop signal (Config.StopSignal, else SIGTERM), SIGKILL to
 * every process after timeout seconds, then the wait for the record to say
 * exited (at most 10 s more: "container ID did not stop"); the journal's kill
 * events before each signal, "stop" at the end.  No restart policy starts it
 * again.  A container that is not running is no error (docker). */
int engine_container_stop(const char *root, const char *runroot, const char *id, int timeout,
                          struct hull_error **err);

/* hull kill: signal sig to the init (a paused container is thawed after),
 * with the journal's kill event.  SIGKILL, the stop signal, or any signal
 * when there is no StopSignal makes the exit final (a container waiting to
 * be restarted is stopped at once: no error).  "cannot kill container ID:
 * it is not running" otherwise. */
int engine_container_kill(const char *root, const char *runroot, const char *id, int sig, struct hull_error **err);

/* ---- containers: pause, rename, wait, restart (manage.c) ---- */

/* Freezes (pause) or thaws the cgroup of a running container and records it.
 * Pausing needs a running container, unpausing a paused one; otherwise the
 * error says which state it is in and nothing changes. */
int engine_container_pause(const char *root, const char *runroot, const char *id, bool pause,
                           struct hull_error **err);

/* ---- containers: start again (manage.c) ---- */
struct engine_start_opts {
    const char *root;      /* --root */
    const char *runroot;   /* --runroot */
    const char *container; /* a full id, a name or a unique id prefix (engine_record_find) */
    /* -a: in the foreground, as `hull run` is (output, signals, exit status
     * the container's); a running container is attached to (docker) */
    bool attach;
    bool attach_stdin; /* -i with -a: our stdin is the container's (it must have been created with -i) */
};

/* hull start, the whole of it: the container looked up, refused while its
 * `hull run` is still making it (or was killed doing so), left alone when
 * running, paused or restarting (with attach: attached to), else made
 * ready again (runtime state a killed monitor left removed, the overlay
 * rootfs and tmpfs volumes mounted again after a reboot) and started with the same
 * config, under its monitor (detached) or in the foreground.  0: started
 * (with attach: ran, *exit_code its exit status; 0 when detached from
 * with ctrl-p,ctrl-q).  -1: err says why and *exit_code is the status to
 * exit with: docker's 127 (program not found) or 126 (cannot be run) for
 * a start -a that failed so, else 1. */
int engine_container_start(const struct engine_start_opts *o, int *exit_code, struct hull_error **err);

/* hull start --all-restartable, what a docker daemon does when it starts
 * (for an init system at boot, restart.h): every container that is not
 * running, has no monitor that will restart it, and whose restart policy
 * wants it running (engine_restart_wanted_at_boot) is started detached,
 * one after the other; report gets each one's name and NULL, or the error
 * that stopped it (freed after the call).  -1: the records could not be
 * listed. */
typedef void (*engine_start_report_fn)(const char *name, const struct hull_error *err, void *data);
int engine_container_start_restartable(const char *root, const char *runroot, engine_start_report_fn report,
                                       void *data, struct hull_error **err);

/* hull wait: the container TEXT names (engine_container_resolve: "no such
 * container: TEXT" otherwise); blocks until it is not running (paused counts as running), then
 * gives the exit code its waiter recorded.  Woken by inotify on the container
 * directory (the record is replaced by rename) and by a pidfd of the init, so
 * it also sees a foreground `hull run` in another shell end.  Fails when the
 * container is removed before its exit code could be read. */
int engine_container_wait(const char *root, const char *runroot, const char *text, int *exit_code,
                          struct hull_error **err);

/* docker rename: a new name (engine_name_valid, not in use, not the current
 * one) for the container TEXT names (engine_container_resolve), under the records lock, then the
 * hosts files where its name resolves are rewritten. */
int engine_container_rename(const char *root, const char *text, const char *name, struct hull_error **err);

/* hull ps: the containers' records with State refreshed from the runtime
 * (as engine_container_lookup's), newest first; without all only the running,
 * paused and restarting ones (docker lists those waiting for a restart as
 * running).  Free *out with engine_record_list_free. */
int engine_container_list(const char *root, const char *runroot, bool all, struct engine_record ***out, size_t *n,
                          struct hull_error **err);
void engine_record_list_free(struct engine_record **recs, size_t n);

/* ---- containers: attach (attach.c) ---- */

/* hull attach, the whole of it. */
struct engine_container_attach_opts {
    const char *root, *runroot;
    const char *container;   /* a full id, a name or a unique id prefix (engine_record_find) */
    bool no_stdin;           /* --no-stdin: else our stdin is the container's when it keeps one open (-i) */
    bool sig_proxy;          /* --sig-proxy: without a terminal, the signals we get go to the container */
    const char *detach_keys; /* --detach-keys as given; NULL: ctrl-p,ctrl-q */
};

/* The container looked up, the detach keys parsed, its record read for
 * its terminal and stdin, then our stdio joined to the container's through
 * its monitor until it exits or the detach keys are read.  0: *exit_code is the
 * container's exit status (0 when detached from).  -1: err says why and
 * *exit_code is the status to exit with: 125 for bad --detach-keys, else 1
 * (no such container, not running ...). */
int engine_container_attach(const struct engine_container_attach_opts *o, int *exit_code, struct hull_error **err);

/* ---- containers: exec (engine_exec.c) ---- */

struct engine_exec_opts {
    const char *root;      /* the engine's store root (container dirs) */
    const char *runroot;   /* the engine's runroot (its runtime state is RUNROOT/@engine) */
    const char *container; /* a name, a full id or a unique id prefix */
    char *const *args;     /* the command, NULL-terminated */
    bool interactive;    /* -i: our stdin is the process's; else /dev/null */
    bool tty;            /* -t */
    bool detach;         /* -d: nothing of ours, not waited for */
    bool privileged;     /* every capability of our bounding set */
    const char *user;    /* -u NAME|UID[:GROUP|GID], looked up in the container */
    const char *workdir; /* -w, absolute */
    char *const *env;    /* -e KEY=VALUE, or KEY alone (our value, if we have one) */
};

/* `hull exec`: finds the container, reads its record and its config.json
 * (the process to start from), prepares its seccomp filter and runs the
 * command in it; in the foreground waits for it, with signals forwarded and
 * the terminal proxied, and *exit_code is its status.  On failure returns -1
 * with *err set and *exit_code the status docker gives: 1 when there is no
 * such container or it is not running (paused: the error says to unpause
 * it), 125 for bad flags or a broken container, 126 when the command cannot
 * be run (or the user does not exist), 127 when it is not found. */
int engine_container_exec(const struct engine_exec_opts *o, int *exit_code, struct hull_error **err);

/* ---- containers: the restart policy (restart.c) ---- */

/* --restart TEXT: no, always, unless-stopped, on-failure[:N].  Errors name
 * the value: invalid --restart "sometimes": unknown policy ... */
int engine_restart_policy_parse(const char *text, struct engine_restart_policy *out, struct hull_error **err);

/* The container waits to be restarted by a live monitor (docker: it counts
 * as running, so `container prune` leaves it alone). */
bool engine_restart_pending(const char *root, const char *id);

/* ---- containers: healthchecks (health.c) ---- */

/* The flags as given (NULL: not given). */
struct engine_health_flags {
    const char *cmd, *interval, *timeout, *start_period, *start_interval, *retries;
    bool none; /* --no-healthcheck */
};

/* docker/cli's checks: --no-healthcheck conflicts with --health-*, no
 * negative values, durations in Go's format and at least 1 ms.  *out gets
 * the HealthConfig of the flags (only the members given), unset (keep.seen false) when no
 * flag was given.  Errors name the flag and the value. */
int engine_health_flags_parse(const struct engine_health_flags *f, struct record_healthcheck *out,
                              struct hull_error **err);

/* `hull healthcheck run`: runs one check in the running container now and
 * records it; *passed: the check exited 0; *status_out: the resulting
 * Status (static string).  Fails when the container is not running or has
 * no healthcheck. */
int engine_health_check(const char *root, const char *runroot, const char *id, bool *passed,
                        const char **status_out, struct hull_error **err);

/* ---- containers: statistics (stats.c) ---- */

struct engine_stats {
    uint64_t cpu_ns;     /* CPU time used by the container so far */
    uint64_t sampled_ns; /* CLOCK_MONOTONIC when it was read */
    uint64_t mem_usage, mem_limit;
    uint64_t net_rx, net_tx;
    uint64_t blk_read, blk_write;
    uint64_t pids;
};

/* ---- containers: hull stats (stats.c) ---- */

/* One container of hull stats and its last sample. */
struct engine_stats_entry {
    char *id;
    char *name;      /* without docker's leading "/" */
    char *container; /* what the user typed (docker's "Container"), or the short id */
    bool live;       /* the sample was read; else now is zeros (not running) */
    struct engine_stats now;
    double cpu_percent; /* between the previous sample and now; 0 without one */
    double mem_percent;
    /* the previous sample, kept across calls for CPU % */
    bool have_prev;
    struct engine_stats prev;
};

struct engine_stats_list {
    struct engine_stats_entry *entries;
    size_t n;
    bool looked_up; /* the names were resolved (the first call) */
};

struct engine_stats_query {
    const char *root, *runroot;
    char *const *names; /* NULL-terminated as given; NULL or empty: every running container */
    bool all;           /* without names: every container */
    bool stream;        /* more frames follow: wait the second even with no container */
};

/* One frame of hull stats.  The first call on a zeroed list looks the
 * names up (the first missing one fails: "no such container: NAME");
 * without names each call lists the containers again, keeping the
 * previous samples of those it had.  Each entry is sampled twice, one
 * second apart, the first time (CPU % needs two samples), then against
 * the previous call's sample.  Clear with engine_stats_list_clear. */
int engine_container_stats(const struct engine_stats_query *q, struct engine_stats_list *list,
                           struct hull_error **err);
void engine_stats_list_clear(struct engine_stats_list *list);

/* ---- containers: their output (logs.c, hull logs) ---- */

/* docker's --since/--until (hull events, hull logs; time_arg.c), parsed
 * once: a Unix time (seconds, a fraction allowed: 1700000000.5), an RFC 3339
 * date-time (2006-01-02T15:04:05[.999999999], to the minute or the hour
 * too), or a date alone (2006-01-02), each with Z, an offset (+07:00) or no
 * zone (local time); or a Go duration before now_nanos ("10m", "1h30m",
 * "1.5s").  *nanos: nanoseconds since the epoch.  -1 with *err naming flag
 * and text when it is none of these. */
int engine_parse_time_arg(const char *flag, const char *text, int64_t now_nanos, int64_t *nanos,
                          struct hull_error **err);

/* One record of the container's log (the CRI format hull-monitor writes):
 * a full line (full) or a piece of one joined to what follows (a P record);
 * text without the newline.  The pointers hold during the call only. */
struct engine_log_record {
    bool is_stderr, full;
    const char *timestamp; /* RFC 3339 with nanoseconds, as written */
    size_t timestamp_len;
    const char *text;
    size_t text_len;
};
/* Called per record, then with NULL at the end of each batch read (the
 * caller flushes what it printed: -f shows output as it comes). */
typedef void (*engine_log_record_fn)(const struct engine_log_record *r, void *data);

struct engine_logs_opts {
    const char *root, *runroot;
    const char *container; /* a full id, a name or a unique id prefix */
    bool follow;           /* -f: wait for more until the container ends */
    bool timestamps;       /* -t (for the caller's printing) */
    int64_t tail;          /* the last N lines (a line made of pieces counts once); -1: all */
    /* --since/--until (engine_parse_time_arg), nanoseconds since the epoch;
     * 0: not given.  As docker: the lines --tail keeps, then those written
     * at since or later and at until or earlier; follow ends at until. */
    int64_t since, until;
};

/* hull logs, the whole of it: the container looked up, its rotated logs
 * and its log handed to fn (oldest first; a container never started has
 * none), and with follow, what is written after, across rotations, until
 * the container is no longer running (a monitor killed meanwhile: 2 s
 * after its init is gone).  Malformed records are skipped. */
int engine_container_logs(const struct engine_logs_opts *o, engine_log_record_fn fn, void *data,
                          struct hull_error **err);

/* ---- containers: their processes (top.c, hull top) ---- */

/* ps's table, cut to the container's processes: the titles of ps's header
 * and, per row, n_titles cells (the last one the command, blanks included). */
struct engine_top {
    char **titles; /* NULL-terminated */
    size_t n_titles;
    char ***rows;
    size_t n_rows;
};

/* hull top, the whole of it: the container looked up (running or paused,
 * else "container ID is not running"), the host's ps run with ps_args
 * (NULL-terminated; NULL or empty: -ef), and the rows whose PID is in the
 * container's cgroup kept (docker's parsePSOutput; pids are the host's).
 * Clear *out with engine_top_clear. */
int engine_container_top(const char *root, const char *runroot, const char *container, char *const *ps_args,
                         struct engine_top *out, struct hull_error **err);
void engine_top_clear(struct engine_top *t);

/* ---- containers: what isolates them (isolation.c, hull inspect --isolation) ---- */

enum isolation_source {
    ISOLATION_FROM_KERNEL, /* a live init: /proc and the cgroup files */
    ISOLATION_FROM_CONFIG, /* not running: config.json */
};

/* Normalized limit values. */
#define ISOLATION_UNLIMITED (-1)       /* "max", -1, or v1's PAGE_COUNTER_MAX */
#define ISOLATION_UNKNOWN (INT64_MIN)  /* no such file / not configured */

struct isolation_namespace {
    enum hull_ns_type type;
    const char *name;    /* as in /proc/PID/ns: "mnt", "pid", "net" ... (static) */
    bool supported;      /* this kernel has it: /proc/self/ns/NAME exists */
    uint64_t inode;      /* the container's (kernel source), 0 otherwise */
    uint64_t host_inode; /* the reference: this hull process's /proc/self/ns/NAME */
    uint64_t init_inode; /* /proc/1/ns/NAME, 0 when unreadable (it often is, in sandboxes) */
    bool private_ns;     /* kernel: inode != host_inode; config: a new namespace is requested */
    char *joined_path;   /* config: linux.namespaces[].path (joins an existing one) */
};

struct isolation_id_map {
    uint32_t inside, outside, count;
};

struct isolation_user {
    uid_t uid, euid;
    gid_t gid, egid;
    gid_t *groups; /* supplementary groups */
    size_t n_groups;
    struct isolation_id_map *uid_map, *gid_map; /* /proc/PID/uid_map, gid_map */
    size_t n_uid_map, n_gid_map;
};

struct isolation_caps {
    uint64_t effective, permitted, bounding, inheritable, ambient; /* bit N = capability N */
    int known; /* capabilities this kernel knows (libcap's cap_max_bits: cap_last_cap + 1) */
    uint64_t host_bounding; /* this hull process's own bounding set: no container gets more */
};

struct isolation_seccomp {
    int mode;    /* kernel's Seccomp: 0 off, 1 strict, 2 filter; -1 from config */
    int filters; /* kernel's Seccomp_filters (filters stacked on the process); -1 from config */
    bool has_profile; /* config.json has linux.seccomp */
    char *default_action;
    /* The profile's verdict on every system call libseccomp knows for the
     * native architecture, derived from the rules (see isolation_seccomp.c). */
    char *arch;             /* "x86_64" (uname's machine) */
    char *libseccomp_version;
    unsigned total;         /* syscalls known for arch: allowed + conditional + denied + other */
    char **allowed;         /* allowed whatever the arguments (ALLOW or LOG) */
    char **conditional;     /* allowed or denied depending on the arguments */
    char **denied;          /* refused whatever the arguments (ERRNO, KILL*, TRAP) */
    char **other;           /* handed to a tracer or a supervisor (TRACE, NOTIFY) */
    size_t n_allowed, n_conditional, n_denied, n_other;
    size_t n_unknown_names; /* names in the rules that libseccomp does not know for arch */
};

/* One line of /proc/PID/cgroup: one hierarchy. */
struct isolation_cgroup {
    int version;       /* 1 or 2 */
    char *controllers; /* v1: "memory", "name=systemd"; v2: cgroup.controllers ("" for none) */
    char *path;        /* as /proc/PID/cgroup shows it (host's cgroup namespace) */
    char *dir;         /* the directory on the host; NULL when the hierarchy is not mounted here */
    struct isolation_cgroup_file *files;
    size_t n_files;
};

/* The limits in force, normalized over v1 and v2.  ISOLATION_UNLIMITED or
 * ISOLATION_UNKNOWN where no number applies. */
struct isolation_limits {
    int64_t memory_bytes;      /* v1 memory.limit_in_bytes, v2 memory.max */
    int64_t memory_swap_bytes; /* v1 memory.memsw.limit_in_bytes (memory + swap); v2 memory.swap.max (swap alone) */
    int64_t memory_usage;      /* v1 memory.usage_in_bytes, v2 memory.current */
    int64_t cpu_quota_us;      /* v1 cpu.cfs_quota_us, v2 first field of cpu.max */
    int64_t cpu_period_us;     /* v1 cpu.cfs_period_us, v2 second field of cpu.max */
    int64_t cpu_shares;        /* v1 cpu.shares (default 1024) */
    int64_t cpu_weight;        /* v2 cpu.weight (default 100) */
    int64_t pids_max;          /* pids.max */
    int64_t pids_current;      /* pids.current */
    char *cpuset_cpus, *cpuset_mems; /* NULL when unknown; "" = inherits all */
};

struct isolation_mount {
    char *destination;   /* as the container sees it */
    char *type;          /* fstype */
    char *source;        /* mount source ("overlay", "proc", a device ...) */
    char *root;          /* the part of the source filesystem mounted there ("/" or a bind's subpath) */
    char *options;       /* per-mount options ("ro,nosuid,...") */
    char *super_options; /* filesystem options ("size=65536k,mode=755") */
    bool read_only;
};

struct isolation_rootfs {
    char *type; /* "overlay", or whatever fs is mounted at / */
    char **lowerdirs;  /* overlay: the image layers, topmost first (NULL-terminated) */
    char *upperdir;    /* overlay: the container's own changes */
    char *workdir;
    char *path;        /* config: root.path */
    bool read_only;
};

enum isolation_path_state {
    ISOLATION_PATH_APPLIED,     /* masked / read-only: the kernel shows the covering mount */
    ISOLATION_PATH_ABSENT,      /* the path does not exist in the container: nothing to cover */
    ISOLATION_PATH_NOT_APPLIED, /* it exists and is NOT covered */
    ISOLATION_PATH_CONFIGURED,  /* from config: would be applied at start */
};

struct isolation_path {
    char *path;
    enum isolation_path_state state;
    char *how; /* kernel: the covering mount ("/dev/null bound over it", "read-only tmpfs") */
};

struct isolation_report {
    enum isolation_source source;
    pid_t pid;      /* the init on the host, 0 from config */
    char *hostname; /* from the config (the UTS namespace's name) */
    struct isolation_namespace namespaces[HULL_NS__COUNT];
    struct isolation_user user;
    struct isolation_caps caps;
    bool no_new_privs;
    struct isolation_seccomp seccomp;
    char *cgroups_path; /* config: linux.cgroupsPath (NULL: the runtime picks one) */
    int cgroup_layout;  /* enum cgroup_layout of the host (cgroup/cgroup.h) */
    struct isolation_cgroup *cgroups;
    size_t n_cgroups;
    struct isolation_limits limits;
    struct isolation_rootfs rootfs;
    struct isolation_mount *mounts;
    size_t n_mounts;
    struct isolation_path *masked, *readonly;
    size_t n_masked, n_readonly;
};

/* The namespaces in the order the report shows them (most telling first). */
extern const enum hull_ns_type isolation_ns_order[HULL_NS__COUNT];

/* hull inspect --isolation, for one container: its report and what the
 * report's header and JSON name of it. */
struct engine_isolation {
    char *id;
    char *name;       /* docker's, with the leading "/" ("" without one) */
    char *short_name; /* without it */
    char *status;     /* State.Status, refreshed from the runtime */
    char *image;      /* Config.Image */
    char *bundle;     /* its directory, where config.json is */
    struct isolation_report *report;
};
/* The container looked up (refreshed from the runtime) and its report
 * built: read back from the kernel while its init lives (created, running,
 * paused), from config.json otherwise.  A failed report's error begins
 * "inspect the isolation of container ID".  Clear *out with
 * engine_isolation_clear. */
int engine_container_isolation(const char *root, const char *runroot, const char *container,
                               struct engine_isolation *out, struct hull_error **err);
void engine_isolation_clear(struct engine_isolation *iso);

/* The report for machines (`--format json`); see isolation_json.c. */
struct json_object *isolation_report_json(const struct isolation_report *r);

/* ---- events (events.c, hull events) ---- */

/* Attributes of an event: key/value pairs, a NULL key ends them. */
struct engine_event_attr {
    const char *key, *value;
};

/* One event of the journal (docker's events.Message). */
struct engine_event {
    char *type, *action; /* Type: container, image, network, volume; Action: "start", "exec_start: sh" ... */
    char *id;            /* Actor.ID */
    char **attrs;        /* Actor.Attributes: key, value, key, value ..., NULL-terminated, keys unique */
    char *scope;         /* "local" */
    int64_t time, time_nano; /* seconds and nanoseconds since the epoch */
    /* docker's deprecated status, id and from: container events only (NULL: absent) */
    char *status, *old_id, *from;
};

/* The value of attribute key, NULL when the event has none. */
const char *engine_event_attr_value(const struct engine_event *ev, const char *key);

/* The event as the journal's line holds it (the input of `events --format
 * json`), or with template as docker's events.Message with its Go field
 * names (Status, ID, From, Type, Action, Actor, Scope, Time, TimeNano;
 * Actor.Attributes a Go map): the data of an --format template. */
struct json_object *engine_event_to_json(const struct engine_event *ev, bool template);

/* docker's --filter for events: KEY=VALUE with KEY one of container, event,
 * image, label, network, type, volume.  Values of one key are alternatives,
 * different keys must all match. */
struct engine_events_filter {
    char **keys, **values; /* parallel, NULL-terminated */
};
int engine_events_filter_add(struct engine_events_filter *f, const char *text, struct hull_error **err);

void engine_events_filter_clear(struct engine_events_filter *f);

/* Calls fn on each event in the journal with since <= timeNano (since 0: none
 * of the past ones; docker shows only new events unless --since is given)
 * that the filter matches, oldest first; then, when follow, waits for new
 * ones until until (0: forever; also the end of the past ones), or until fn
 * returns non-zero.  Returns 0, or -1 with *err. */
struct engine_events_query {
    int64_t since, until; /* nanoseconds since the epoch; 0: not given */
    bool since_given;
    const struct engine_events_filter *filter;
};
int engine_events_read(const char *root, const struct engine_events_query *q,
                       int (*fn)(const struct engine_event *event, void *data), void *data,
                       struct hull_error **err);

/* kind: a short word ("container", "mount", "runtime", "image-mark", "tmp",
 * "staging", "lease"); what: the object and why it is a problem;
 * repaired: whether the repair of it succeeded (false without repair). */
typedef void (*engine_check_report_fn)(const char *kind, const char *what, bool repaired, void *data);

/* ---- system check (check.c) ---- */

struct engine_check_result {
    size_t problems; /* found */
    size_t repaired; /* of those, fixed */
};

int engine_system_check(const char *root, const char *runroot, bool repair, engine_check_report_fn report,
                        void *data, struct engine_check_result *result, struct hull_error **err);

/* Drops the image marks of containers that have no record (and of images
 * that are gone), under both locks: `hull rmi` calls it first, so a mark left
 * by a killed command never blocks an image.  Added to *result (optional). */
int engine_image_marks_sweep(const char *root, bool repair, engine_check_report_fn report, void *data,
                             struct engine_check_result *result, struct hull_error **err);

/* ---- the engine and its host (info.c: hull info, hull version) ---- */

/* docker info's fields that mean something for hull (docker's names in
 * engine_info_to_json). */
struct engine_info {
    /* as the records say (not refreshed from the runtime state) */
    int64_t containers, containers_running, containers_paused, containers_stopped;
    int64_t images;
    const char *driver;         /* Driver: "overlay" when a probe mount works here, else "copy" */
    const char *cgroup_driver;  /* "cgroupfs" */
    const char *cgroup_version; /* "1" or "2" */
    const char *cgroup_layout;  /* cgroup_layout_name() */
    char *kernel_version;       /* uname's release */
    char *operating_system;     /* PRETTY_NAME of /etc/os-release, "Linux" without one */
    const char *os_type;        /* "linux" */
    char *architecture;         /* uname's machine */
    int64_t ncpu, mem_total;    /* online CPUs; bytes of RAM */
    char *name;                 /* the host name */
    const char *server_version, *default_runtime;
    char *root_dir, *run_root;  /* DockerRootDir (--root), RunRoot (--runroot) */
    char **security_options;    /* NULL-terminated */
};
void engine_info_read(const char *root, const char *runroot, struct engine_info *out);
void engine_info_clear(struct engine_info *info);
/* docker info's JSON (`info --format`). */
struct json_object *engine_info_to_json(const struct engine_info *info);

/* hull version: no daemon, so docker's Client and Server are both this binary. */
struct engine_version {
    const char *version, *os; /* HULL_VERSION, "linux" */
    char *arch;               /* Go's GOARCH name: amd64, arm64 ... */
    char *kernel_version;
    const char *runtime;
};
void engine_version_read(struct engine_version *out);
void engine_version_clear(struct engine_version *v);
/* {"Client": {...}, "Server": {...}} with docker's names (`version --format`). */
struct json_object *engine_version_to_json(const struct engine_version *v);

/* ---- disk usage (disk_usage.c, hull system df) ---- */

struct engine_usage_row {
    uint64_t total, active; /* counts */
    uint64_t size, reclaimable; /* bytes */
};

struct engine_disk_usage {
    struct engine_usage_row images;     /* active: used by a container (running or not) */
    struct engine_usage_row containers; /* active: running (or paused) */
    struct engine_usage_row volumes;    /* active: used by a container (running or not) */
};
int engine_disk_usage(const char *root, const char *runroot, struct engine_disk_usage *out, struct hull_error **err);

/* Bytes in the writable layer of container id. */
uint64_t engine_container_size(const char *root, const char *id);

/* ---- rootless (rootless.c) ---- */

/* True for a normal user, or a hull running inside the namespace it joined. */
bool engine_rootless(void);

/* The defaults for a normal user: $XDG_DATA_HOME/hull (else
 * ~/.local/share/hull) and $XDG_RUNTIME_DIR/hull (else /run/user/UID/hull). */
char *engine_rootless_default_root(void);
char *engine_rootless_default_runroot(void);

/* Joins the user's pause process (RUNROOT/@pause.pid), starting it first
 * when there is none: its user namespace, then its mount namespace; the
 * working directory is kept.  Must run while the process is single-threaded
 * (setns(CLONE_NEWUSER) refuses otherwise). */
int engine_rootless_enter(const char *runroot, struct hull_error **err);

/* Rootless, a resource limit (flag names it, NULL: none given) needs a cgroup
 * the user may write where the runtime makes the container's: refused with
 * one line naming the flag when none was delegated. */
int engine_rootless_check_limits(const char *flag, struct hull_error **err);

/* ---- the engine's own programs (helper_path.c) ---- */

/* Records the real path of the running binary (call first thing in main). */
void engine_self_path_init(void);

/* on: puts the path in the environment, so that it survives a re-exec from a
 * memfd (exe_protect_ensure); off: removes it again. */
void engine_self_path_export(bool on);

/* The path of helper program name ("hull-monitor", "hull-init"); env_var
 * overrides it.  An error says every place that was tried. */
int engine_helper_path(const char *name, const char *env_var, char **out, struct hull_error **err);

/* ---- docker's option rules (engine_getopt.c) ---- */

/* One command's options: getopt's shortopts ("+" first: options end at the
 * first argument) and longopts (NULL-terminated; has_arg no_argument for a
 * boolean, required_argument for a value; flag must be NULL). */
struct engine_flagset {
    const char *shortopts;
    const struct option *longopts;
};

/* getopt_long's contract: set optind = 0 before the first call on a new argv;
 * each call returns the next option's val with optarg set (the value, or
 * NULL), then -1 with optind at the first argument (argv is permuted so that
 * the arguments come last, in their order).  A boolean given as
 * `--flag=false` (or `-f=false`) comes back with optarg "false"; read
 * booleans with engine_flag_bool().  A bad flag: returns '?' and sets *err
 * (one line: "unknown flag: --pid; did you mean --pids-limit?"). */
int engine_getopt(int argc, char **argv, const struct engine_flagset *flags, struct hull_error **err);

/* The value of the boolean option engine_getopt just returned. */
static inline bool engine_flag_bool(void)
{
    return optarg == NULL;
}

/* ---- Go templates of --format (gotemplate.c) ---- */

struct gotemplate;
int gotemplate_parse(const char *text, struct gotemplate **out, struct hull_error **err);
/* Runs t on data; *out (owned) gets the text. */
int gotemplate_execute(const struct gotemplate *t, struct json_object *data, char **out, struct hull_error **err);
void gotemplate_free(struct gotemplate *t);
/* Marks obj as a Go map[string]string (an event's Actor.Attributes): a key
 * it lacks reads as "", as in Go, where a missing struct field is an error. */
void gotemplate_mark_map(struct json_object *obj);

void gotemplate_freep(struct gotemplate **t);
#define cleanup_gotemplate __attribute__((cleanup(gotemplate_freep)))

/* docker's "table ..." formats: whether text starts with "table", and the
 * template after it ("table" alone: NULL). */
bool gotemplate_is_table(const char *text, const char **rest);

/* ---- hull run, hull create: the one call (run.c) ---- */

struct engine_run_config; /* hull-engine-run.h */
/* A container to make of an image and the flags (parsed into rc). */
struct engine_run_request {
    const char *root, *runroot;
    const char *image_ref;           /* as the user wrote it, or the name a pull stored it under */
    const char *name;                /* without the leading "/"; NULL: hull_<short id> */
    struct engine_run_config *rc;    /* the caller's; hostname and the /etc paths are reset after */
    const char **volumes_from;       /* --volumes-from as given, NULL-terminated (NULL: none) */
    bool detach, interactive, auto_remove;
    bool create_only;                /* hull create: left in state Created */
};

/* Makes the container (intent record first, claiming the name; image mark,
 * rootfs, volumes, /etc files, config.json, full record) and, unless
 * create_only, runs it: detached (returns once it runs) or in the
 * foreground.  id gets its id.  Returns -1 when it could not be made or
 * started (nothing is left behind) with *exit_code docker's status for
 * that (125, or 127/126 when the program is missing or cannot run); 1 when
 * it was started but its monitor went away (err says so; *exit_code 125);
 * 0 otherwise, with *exit_code the foreground container's status (128+N
 * after signal N; 0 when detached, created or detached from). */
int engine_container_run(const struct engine_run_request *r, char id[ENGINE_ID_LEN + 1], int *exit_code,
                         struct hull_error **err);

#include "hull-engine-run.h"
#include "hull-engine-images.h"

#endif
