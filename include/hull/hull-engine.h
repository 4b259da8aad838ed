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
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "error.h"
#include "hull.h"
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

struct engine_log_config {
    int64_t max_size; /* bytes; 0: no limit */
    int max_files;    /* >= 1 */
    const char *max_size_text, *max_file_text; /* as given, for the record (NULL: not given) */
};

/* ---- containers: start, wait, remove (lifecycle.c) ---- */

struct engine_lifecycle {
    const char *root;    /* --root: records, bundles, images */
    const char *runroot; /* --runroot: runtime state goes under RUNROOT/engine */
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

/* Runs the container in the foreground: a child of ours starts it and
 * becomes its hull-monitor, with us attached from before the start (our
 * stdio is the container's through it, our signals are proxied, our stdin's
 * end closes the container's); the exit status (128+N when killed by signal
 * N) goes in *exit_code once the monitor recorded it (and --rm removed the
 * container).  If we are killed, the container runs on under its monitor.
 * -1: not started (the caller removes it); 1: started, but the monitor
 * went away (err says so; nothing to remove); 0: done, or detached from
 * with ctrl-p,ctrl-q (-it; *exit_code 0). */
int engine_run_foreground(const struct engine_lifecycle *l, int *exit_code, struct hull_error **err);

/* Starts the container under hull-monitor; returns once it runs. */
int engine_run_detached(const struct engine_lifecycle *l, struct hull_error **err);

/* `hull _monitor-start ID`, run by hull-monitor with the report pipe on fd 3
 * and the monitor's control socket on fd 4.  Returns the exit status. */
int engine_monitor_start(const struct engine_lifecycle *l);

/* After the init has exited with code: State (ExitCode, OOMKilled,
 * FinishedAt), cgroups and runtime state released, --rm.  Run by
 * `hull run` in the foreground and by `hull _monitor-exit ID CODE`.
 * Returns the delay in ms after which the restart policy wants the
 * container started again (State "restarting"), or -1. */
int64_t engine_container_finish(const char *root, const char *runroot, const char *id, int code, bool auto_remove);

/* `hull _monitor-exit`, when the policy restarts: this process becomes
 * hull-monitor again, which sleeps delay_ms and runs `_monitor-restart`.
 * Returns only when that failed. */
void engine_monitor_reexec(const struct engine_lifecycle *l, int64_t delay_ms);

/* Removes everything of a container: runtime state, cgroups, rootfs mount,
 * image user mark, its directory.  A running container needs force (it is killed). */
int engine_container_remove(const char *root, const char *runroot, const char *id, bool force, struct hull_error **err);
/* The removal itself, for a container whose record may be gone or unreadable
 * (`hull system check --repair`): runtime state and cgroups (the runtime's
 * delete --force), network, rootfs mount, files, the image mark of image_id
 * (NULL: none), and the record last. */
int engine_container_remove_id(const char *root, const char *runroot, const char *id, const char *image_id,
                               struct hull_error **err);
/* The same, and then its anonymous volumes that no other container uses
 * (`rm -v`, `run --rm`). */
int engine_container_remove_with_volumes(const char *root, const char *runroot, const char *id, bool force,
                                         struct hull_error **err);

void engine_record_refresh(const char *runroot, const char *id, struct engine_record *rec);

/* Whether the container's init is alive, from the runtime state. */
bool engine_container_running(const char *runroot, const char *id);

/* ---- containers: pause, rename, wait, restart (manage.c) ---- */

/* Freezes (pause) or thaws the cgroup of a running container and records it.
 * Pausing needs a running container, unpausing a paused one; otherwise the
 * error says which state it is in and nothing changes. */
int engine_container_pause(const char *root, const char *runroot, const char *id, bool pause,
                           struct hull_error **err);

/* Makes a stopped container ready to be started again with the same bundle:
 * runtime state a dead waiter left behind is removed, and an overlay rootfs
 * that is no longer mounted (the host rebooted, someone unmounted it) is
 * mounted again over the container's own upper dir, which is never touched:
 * if that fails, the error is returned and the container is left as it was. */
int engine_container_prepare_restart(const char *root, const char *runroot, const char *id, struct hull_error **err);

/* Blocks until the container is not running (paused counts as running), then
 * gives the exit code its waiter recorded.  Woken by inotify on the container
 * directory (the record is replaced by rename) and by a pidfd of the init, so
 * it also sees a foreground `hull run` in another shell end.  Fails when the
 * container is removed before its exit code could be read. */
int engine_container_wait(const char *root, const char *runroot, const char *id, int *exit_code,
                          struct hull_error **err);

/* docker rename: a new name (engine_name_valid, not in use, not the current
 * one) for the container whose id is given, under the records lock, then the
 * hosts files where its name resolves are rewritten. */
int engine_container_rename(const char *root, const char *id, const char *name, struct hull_error **err);

#define ENGINE_DETACH_KEYS_MAX 16

/* ---- containers: attach (attach.c) ---- */

struct engine_attach_opts {
    const char *root;
    const char *runroot;
    const char *id;
    bool send_stdin; /* our stdin goes to the container's (it must have been started with -i) */
    bool tty;        /* the container has a terminal: ours goes raw, its size follows ours */
    bool sig_proxy;  /* without a terminal: the signals we get are sent to the container */
    /* the foreground `hull run`: signals proxied with a terminal too, the
     * end of our stdin closes the container's, the exit code is the
     * monitor's (its socket closes once the exit is recorded) */
    bool foreground;
    /* the foreground run records the exit itself: the session ends at the
     * exit code, not at the monitor's EOF (the caller sends 6 when done) */
    bool records_exit;
    /* what ends the attachment and leaves the container running, read in our stdin */
    char detach_keys[ENGINE_DETACH_KEYS_MAX];
    size_t n_detach_keys;
};

/* docker's --detach-keys: "ctrl-p,ctrl-q" (the default), each key a single
 * character or ctrl-X with X one of a-z @ [ \ ] ^ _.  An error names the value. */
int engine_detach_keys_parse(const char *text, char *keys, size_t *n, struct hull_error **err);

/* Connects to the container's monitor and copies until the container exits
 * (*exit_code: its recorded exit code, *detached false) or the detach keys
 * are read (*detached true).  A container that is not running (or has no
 * monitor yet: it is being started) is an error saying so. */
int engine_attach(const struct engine_attach_opts *o, int *exit_code, bool *detached, struct hull_error **err);

/* ---- containers: exec (engine_exec.c) ---- */

struct engine_exec_opts {
    const char *root;    /* the engine's store root (container dirs) */
    const char *runroot; /* the engine's runroot (its runtime state is RUNROOT/@engine) */
    const char *id;      /* full container id */
    pid_t init;          /* the container's init, as its record says */
    char *const *args;   /* the command, NULL-terminated */
    bool interactive;    /* -i: our stdin is the process's; else /dev/null */
    bool tty;            /* -t */
    bool detach;         /* -d: nothing of ours, not waited for */
    bool privileged;     /* every capability of our bounding set */
    const char *user;    /* -u NAME|UID[:GROUP|GID], looked up in the container */
    const char *workdir; /* -w, absolute */
    char *const *env;    /* -e KEY=VALUE, or KEY alone (our value, if we have one) */
};

/* Runs the command in the container; in the foreground waits for it, with
 * signals forwarded and the terminal proxied, and *exit_code is its status.
 * On failure returns -1 with *err set and *exit_code the status docker gives:
 * 125 for bad flags or a broken container, 126 when the command cannot be
 * run (or the user does not exist), 127 when it is not found. */
int engine_exec(const struct engine_exec_opts *o, int *exit_code, struct hull_error **err);

/* ---- containers: the restart policy (restart.c) ---- */

/* --restart TEXT: no, always, unless-stopped, on-failure[:N].  Errors name
 * the value: invalid --restart "sometimes": unknown policy ... */
int engine_restart_policy_parse(const char *text, struct engine_restart_policy *out, struct hull_error **err);

/* `hull stop` / `hull kill`: the next exit is final.  A container waiting
 * to be restarted becomes "exited" at once and its sleeping monitor is told
 * to go (SIGTERM, after checking /proc that the pid is that monitor); the
 * return value is then 1, else 0. */
int engine_restart_cancel(const char *root, const char *id, struct hull_error **err);

/* True when rec says "restarting" and the monitor that is to restart it is
 * gone (killed, or the host rebooted). */
bool engine_restart_abandoned(const struct engine_record *rec);
/* The container waits to be restarted by a live monitor (docker: it counts
 * as running, so `container prune` leaves it alone). */
bool engine_restart_pending(const char *root, const char *id);

/* `hull start --all-restartable`, the boot hook (docker's daemon start:
 * ShouldRestart with the restart manager fresh): whether a container that
 * is not running should be started.  rec as recorded, before
 * engine_record_refresh: one that says running/paused/restarting lost its
 * process with the host and counts as exit code 255 (docker's), not
 * stopped by hand.  always: yes, even after hull stop; unless-stopped:
 * unless stopped by hand; on-failure[:N]: a non-zero exit, fewer than N
 * restarts; never a container that was never started. */
bool engine_restart_wanted_at_boot(const struct engine_record *rec);

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

/* A sample of container id, whose runtime state is under RUNROOT/engine.
 * Fails when the container is not running. */
int engine_stats_read(const char *runroot, const char *id, struct engine_stats *out, struct hull_error **err);

/* CPU % between two samples of one container (0 when they are not ordered). */
double engine_stats_cpu_percent(const struct engine_stats *before, const struct engine_stats *after);
/* Memory usage as a percentage of the limit. */
double engine_stats_mem_percent(const struct engine_stats *s);

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

/* The container whose bundle (config.json) is in bundle_dir.  pid > 0: its
 * live init on the host, read from the kernel; pid 0: from config.json only. */
int isolation_report_build(const char *bundle_dir, pid_t pid, struct isolation_report **out, struct hull_error **err);
/* The init's pid of container id when it has a live one (created, running or
 * paused: its namespaces exist), else 0: the pid to give isolation_report_build. */
pid_t engine_container_live_init(const char *runroot, const char *id);

void isolation_report_freep(struct isolation_report **r);

/* The namespaces in the order the report shows them (most telling first). */
extern const enum hull_ns_type isolation_ns_order[HULL_NS__COUNT];
#define cleanup_isolation_report __attribute__((cleanup(isolation_report_freep)))

/* The report for machines (`--format json`); see isolation_json.c. */
struct json_object *isolation_report_json(const struct isolation_report *r);

/* ---- events (events.c, hull events) ---- */

/* Attributes of an event: key/value pairs, a NULL key ends them. */
struct engine_event_attr {
    const char *key, *value;
};

/* Appends an event (type: container, image, network, volume) about id. */
void engine_event_emit(const char *root, const char *type, const char *action, const char *id,
                       const struct engine_event_attr *attrs);

void engine_event_container(const char *root, const struct engine_record *rec, const char *action, const char *extra_key,
                            const char *extra_value);
/* The same for a container known by id only: its record is read. */
void engine_event_container_id(const char *root, const char *id, const char *action, const char *extra_key,
                               const char *extra_value);

/* docker's --filter for events: KEY=VALUE with KEY one of container, event,
 * image, label, network, type, volume.  Values of one key are alternatives,
 * different keys must all match. */
struct engine_events_filter {
    char **keys, **values; /* parallel, NULL-terminated */
};
int engine_events_filter_add(struct engine_events_filter *f, const char *text, struct hull_error **err);

void engine_events_filter_clear(struct engine_events_filter *f);

/* docker's --since/--until: a Unix time (seconds, fractions allowed), an
 * RFC 3339 date-time (2006-01-02T15:04:05[.999][Z|+07:00], local time
 * without a zone; 2006-01-02 alone), or a Go duration before now ("10m",
 * "1h30m", "1.5s").  *nanos: nanoseconds since the epoch. */
int engine_events_parse_time(const char *flag, const char *text, int64_t now_nanos, int64_t *nanos,
                             struct hull_error **err);

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
                       int (*fn)(struct json_object *event, void *data), void *data, struct hull_error **err);

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

/* A normal user's delegated cgroup: the parent of the cgroup hull runs in,
 * when it is the same path in every hierarchy and the user may write it in
 * each (systemd's Delegate=, or an administrator's chown).  Containers then
 * get their cgroup under it (PARENT/hull-<id>); NULL: none (they run without
 * one).  Owned. */
char *engine_rootless_cgroup_parent(void);

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

/* ---- hull run: the typed run configuration (engine_spec.c) ---- */

/* -v, --mount type=bind|volume, and the image's VOLUMEs (engine_mounts.h). */
enum engine_mount_kind { ENGINE_MOUNT_BIND = 0, ENGINE_MOUNT_VOLUME };

struct engine_bind {
    char *source;      /* absolute host path (a volume's: set by engine_mounts_prepare) */
    char *destination; /* absolute path in the container */
    bool read_only;
    enum engine_mount_kind kind;
    char *volume;       /* the volume's name (anonymous ones: set by engine_mounts_prepare) */
    bool anonymous;     /* -v /path, --mount type=volume without source, the image's VOLUME */
    bool nocopy;        /* no copy of the image's content into an empty volume */
    bool create_source; /* -v HOST:...: a missing HOST is made (docker); --mount refuses it */
    char *propagation;  /* bind propagation (rprivate, rshared ...); NULL: rprivate */
    char *mode;         /* docker's Mounts[].Mode: the -v options as given ("ro,z"), "" for --mount, NULL for VOLUME */
    char *given;        /* -v as typed, for HostConfig.Binds; NULL for --mount and VOLUME */
    char **volume_opts; /* --mount volume-opt=K=V: options for a volume created here */
    bool relabel;       /* -v ...:z or :Z: SELinux relabeling asked for (nothing to do without SELinux) */
};

/* --tmpfs PATH[:OPTIONS] */
struct engine_tmpfs {
    char *destination;
    char *options_text; /* what followed the ':' ("" when nothing), for the record */
    char **options;     /* docker's defaults merged with the user's: the mount options */
};

/* --ulimit NAME=SOFT[:HARD] */
struct engine_ulimit {
    char *name;         /* docker's name: "nofile" */
    const char *rlimit; /* the OCI type: "RLIMIT_NOFILE" */
    int64_t soft, hard; /* -1 = unlimited */
};

struct engine_run_config {
    char **env;             /* --env-file entries, then -e K=V (or K: taken from our environment), in order; may be NULL */
    const char *hostname;   /* default: the short id (--network host: the host's) */
    const char *domainname; /* --domainname: the UTS namespace's NIS domain name; NULL: none */
    const char *workdir;    /* -w; overrides the image's WorkingDir */
    const char *user;       /* -u UID[:GID] or NAME[:GROUP]; overrides the image's User */
    const char *cgroups_path; /* linux.cgroupsPath (rootless: under the delegated cgroup); NULL: the runtime's */
    const char *entrypoint; /* --entrypoint; "" clears the image's */
    char **cmd;             /* arguments after IMAGE; NULL keeps the image's Cmd */
    struct engine_bind *binds;
    size_t n_binds;
    struct engine_tmpfs *tmpfs;
    size_t n_tmpfs;
    struct engine_ulimit *ulimits;
    size_t n_ulimits;
    int64_t memory;      /* bytes; 0 = no limit */
    int64_t memory_swap; /* memory+swap bytes; -1 = unlimited; 0 = not set (see engine_resolve_memory_swap) */
    int64_t cpu_quota;   /* microseconds per period; 0 = no limit */
    uint64_t cpu_period;
    uint64_t cpu_shares;     /* relative weight; 0 = the kernel's default (1024) */
    const char *cpuset_cpus; /* "0-1,3"; NULL = every CPU */
    const char *cpuset_mems;
    int64_t pids_limit; /* 0 = no limit */
    bool read_only;
    bool host_network;
    const struct engine_net_flags *net; /* networking flags (engine_network.h); NULL: --network none */
    bool tty;
    /* security */
    char **cap_add, **cap_drop; /* normalized "CAP_X" or "ALL"; NULL-terminated or NULL */
    struct engine_device *devices; /* --device (engine_devices.h) */
    size_t n_devices;
    struct hull_device_rule *device_rules; /* --device-cgroup-rule, parsed to OCI allow rules */
    size_t n_device_rules;
    char **device_rules_given; /* --device-cgroup-rule as given, for the record; may be NULL */
    struct hull_hooks cdi_hooks; /* the OCI hooks of CDI devices (engine_cdi.h) */
    bool privileged;            /* every capability, no seccomp, no masked paths, rw /sys, every device */
    bool no_new_privileges;
    bool seccomp_unconfined;      /* --security-opt seccomp=unconfined */
    const char *seccomp_profile;  /* text of --security-opt seccomp=FILE; NULL = the built-in default */
    bool systempaths_unconfined;  /* --security-opt systempaths=unconfined: no masked/read-only paths */
    char **security_opt;          /* --security-opt as given, for the record; may be NULL */
    /* The seccomp profile built (and checked) once by engine_seccomp_prepare,
     * with the capabilities it was built for; engine_seccomp hands out copies
     * of it instead of parsing the profile a second time. */
    struct hull_seccomp *seccomp_built;
    char **seccomp_built_caps;
    /* the rest */
    const char *init_path;   /* --init: hull-init on the host, bind-mounted read-only at ENGINE_INIT_PATH */
    const char *stop_signal; /* --stop-signal (validated), else the image's StopSignal; for the record */
    struct engine_restart_policy restart; /* --restart (restart.h); for the record */
    struct record_healthcheck healthcheck; /* the --health-* flags' HealthConfig (health.h); keep.seen: given */
    struct engine_log_config log;         /* --log-opt max-size=, max-file= (log_config.h) */
    char **labels;           /* --label K=V / K, in order; for the record */
    /* Files generated in the container directory and bind-mounted over the
     * image's /etc/hostname, /etc/hosts, /etc/resolv.conf (NULL: not mounted). */
    const char *hostname_path, *hosts_path, *resolv_conf_path;
};

/* ---- hull run, hull create: the one call (run.c) ---- */

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

/* ---- hull run: flag values (engine_flags.c) ---- */

/* --memory: a size of at least 6 MiB like docker. */
int engine_parse_memory(const char *text, int64_t *bytes, struct hull_error **err);
/* "--cpus 0.5" -> quota 50000 per period 100000. */
int engine_parse_cpus(const char *text, int64_t *quota, uint64_t *period, struct hull_error **err);
/* --env-file FILE / --label-file FILE: KEY=VALUE lines (value kept as is,
 * trailing spaces included), '#' comments and blank lines skipped, leading
 * whitespace dropped.  A bare KEY takes our environment's value (and is
 * dropped when unset) when take_bare_from_env, else it is skipped, as
 * docker does for label files.  Entries are appended to *entries (a
 * NULL-terminated, owned strv; *entries may start NULL). */
int engine_parse_kv_file(const char *flag, const char *path, bool take_bare_from_env, char ***entries,
                         struct hull_error **err);

/* --tmpfs PATH[:OPTIONS]: docker's defaults (rw,noexec,nosuid,nodev,rprivate)
 * with the user's options merged over them (a later flag replaces its
 * opposite: exec over noexec; a later size= replaces an earlier one). */
int engine_parse_tmpfs(const char *text, struct engine_tmpfs *out, struct hull_error **err);
void engine_tmpfs_clear(struct engine_tmpfs *t);

/* --ulimit NAME=SOFT[:HARD] with go-units' names (nofile, nproc, core ...);
 * HARD defaults to SOFT; -1 is unlimited. */
int engine_parse_ulimit(const char *text, struct engine_ulimit *out, struct hull_error **err);
void engine_ulimit_clear(struct engine_ulimit *u);

/* --memory-swap: a size, or -1 for unlimited. */
int engine_parse_memory_swap(const char *text, int64_t *bytes, struct hull_error **err);

/* moby's rules between --memory and --memory-swap: swap needs memory, must be
 * >= it; not given, it is twice memory.  swap_text (the flag as given) is
 * for the messages.  When the host cannot limit swap
 * (no memory.memsw.* files), docker drops the swap limit with a warning:
 * *warning is then set (a static sentence) and *swap becomes 0. */
int engine_resolve_memory_swap(const char *swap_text, int64_t memory, int64_t *swap, bool host_limits_swap,
                               const char **warning, struct hull_error **err);
/* Whether this host's memory cgroup can limit memory+swap. */
bool engine_host_limits_swap(void);

/* --cpu-shares: an integer; like moby, out-of-range values are clamped to the
 * kernel's 2..262144 (*warning says so) and 0 keeps the default. */
int engine_parse_cpu_shares(const char *text, uint64_t *shares, const char **warning, struct hull_error **err);

/* --cpuset-cpus / --cpuset-mems: a list such as "0-2,4".  available is the
 * host's list in the same format (/sys/devices/system/cpu/online); every
 * requested number must be in it.  available NULL skips that check. */
int engine_parse_cpuset(const char *flag, const char *text, const char *available, struct hull_error **err);
/* The host's online CPUs / memory nodes ("0-1"); NULL when unknown. Owned. */
char *engine_host_cpus(void);
char *engine_host_mems(void);

/* --cap-add / --cap-drop NAME: "net_admin", "CAP_NET_ADMIN", "ALL" ... into
 * "CAP_NET_ADMIN" / "ALL"; a name the kernel does not know is an error. */
int engine_normalize_capability(const char *flag, const char *text, char **out, struct hull_error **err);

/* --security-opt seccomp=FILE|unconfined, no-new-privileges[=true|false],
 * systempaths=unconfined, label=disable, apparmor=unconfined (the last two:
 * no-ops, this host has no SELinux or AppArmor in force).  The legacy
 * "key:value" spelling is accepted like docker.  A seccomp FILE is read
 * here; *seccomp_text gets its content (owned). */
int engine_parse_security_opt(const char *text, struct engine_run_config *rc, char **seccomp_text,
                              struct hull_error **err);

struct engine_device {
    char *host;      /* PathOnHost */
    char *container; /* PathInContainer (default: the host path) */
    char *perms;     /* CgroupPermissions: some of "rwm" (default "rwm") */
    char type;       /* 'c' or 'b' */
    int64_t major, minor;
    uint32_t mode; /* the host node's permission bits */
    uint32_t uid, gid; /* the node's owner in the container: 0 (docker), or a CDI deviceNode's uid/gid */
};

/* docker's forms: HOST, HOST:CONTAINER, HOST:PERMS, HOST:CONTAINER:PERMS. */
int engine_parse_device(const char *text, struct engine_device *out, struct hull_error **err);
void engine_device_clear(struct engine_device *d);

/* "TYPE MAJOR:MINOR ACCESS" (type a, b or c; '*' for any major or minor;
 * access some of rwm): *rule_out gets the OCI allow rule. */
int engine_parse_device_cgroup_rule(const char *text, struct hull_device_rule *rule_out, struct hull_error **err);

/* One --log-opt KEY=VALUE into *c (c starts zeroed; repeatable).  docker's
 * sizes: a number with k, m or g (kb, mb, gb; decimal, as go-units'
 * FromHumanSize).  Errors name the option as given. */
int engine_log_opt_parse(const char *text, struct engine_log_config *c, struct hull_error **err);
/* After every --log-opt: max-file needs max-size (docker's rule). */
int engine_log_config_check(const struct engine_log_config *c, struct hull_error **err);

/* ---- hull run: volumes and binds (engine_mounts.c) ---- */

/* -v TEXT into *out.  Relative host paths are made absolute here. */
int engine_parse_bind(const char *text, struct engine_bind *out, struct hull_error **err);
/* --mount TEXT: type=bind|volume into *bind (returns 0), type=tmpfs into
 * *tmpfs (returns 1, with --tmpfs's defaults), -1 on error. */
int engine_parse_mount(const char *text, struct engine_bind *bind, struct engine_tmpfs *tmpfs, struct hull_error **err);
void engine_bind_clear(struct engine_bind *b);

/* --volumes-from CONTAINER[:ro|:rw]: the volumes and binds of CONTAINER's
 * record (docker: not its tmpfs) are added to rc->binds (grown), read-only
 * with :ro, read-write with :rw, else as CONTAINER has them.  A destination
 * rc already mounts is left to that mount (docker: -v and --mount win).  The
 * volumes are CONTAINER's own: never created, copied into or removed here. */
int engine_volumes_from(const char *root, const char *text, struct engine_run_config *rc, struct hull_error **err);

/* The containers (ids, NULL-terminated) whose record mounts volume name:
 * a volume in use cannot be removed, even by a stopped container (docker). */
int engine_volume_users(const char *root, const char *name, char ***ids, struct hull_error **err);

/* `volume create`: volume_create (below) under the records lock, so that a
 * `hull run` naming the volume sees it made or not at all. */
int engine_volume_create(const char *root, const char *name, char *const *opts, char *const *labels, char **name_out,
                         struct hull_error **err);
/* `volume rm`: refused while a container uses it ("volume is in use - [ids]"). */
int engine_volume_remove(const char *root, const char *name, struct hull_error **err);
/* `volume prune`: removes the volumes no container uses, only anonymous ones
 * unless all (docker 23+).  *removed gets their names, *reclaimed their size. */
int engine_volume_prune(const char *root, bool all, char ***removed, unsigned long long *reclaimed,
                        struct hull_error **err);

/* ---- hull run: /etc files (engine_etc.c) ---- */

/* ---- hull run: seccomp (engine_security.c) ---- */

/* Builds and checks the container's seccomp profile now (so a bad
 * seccomp=FILE fails before anything exists) and keeps it in rc for
 * engine_spec_build: the engine reads the profile once per `hull run`.
 * engine_seccomp_release frees what it kept. */
int engine_seccomp_prepare(struct engine_run_config *rc, struct hull_error **err);
void engine_seccomp_release(struct engine_run_config *rc);

/* ---- hull run: CDI devices (engine_cdi.c) ---- */

/* Whether text is a CDI name (vendor/class=name) rather than a host path. */
bool engine_cdi_is_name(const char *text);

/* Adds the edits of the CDI devices names (NULL-terminated) to rc (devices,
 * binds, hooks) and to *env, a spec's own edits once however many of its
 * devices are named; an error names the device and why (no spec of that
 * kind, no such device in it, a skipped spec file, a host node that does not
 * exist), and *failed is the index of that name. */
int engine_cdi_apply(char *const *names, struct engine_run_config *rc, char ***env, size_t *failed,
                     struct hull_error **err);

/* docker's --gpus (all, N, count=N|all, device=ID[,ID...], driver=nvidia,
 * capabilities=... as CSV: `--gpus '"device=0,1"'`) as the CDI names the
 * NVIDIA container toolkit writes: nvidia.com/gpu=all, nvidia.com/gpu=0 ...
 * (count=N: the first N indices).  *names gets them (NULL-terminated). */
int engine_gpus_to_cdi(const char *text, char ***names, struct hull_error **err);

/* docker's per-network options: --network name=NET,alias=A,ip=IP,ip6=IP6[,mac-address=MAC] */
struct engine_net_endpoint {
    char *ip, *ip6, *mac;
    char **aliases;
};

/* ---- networks (network.c) ---- */

#define NETWORK_DEFAULT "hull"

/* Names of every network, sorted, NULL-terminated. */
int network_list(const char *root, char ***names, struct hull_error **err);

struct network_create_opts {
    const char *name;
    const char *subnet;  /* CIDR; NULL: the first free /16 of 10.88-10.255 */
    const char *gateway; /* NULL: the subnet's first address */
    bool internal;
    bool ipv6;            /* dual stack */
    const char *subnet6;  /* IPv6 CIDR (needs ipv6); NULL: a random ULA /64 (RFC 4193) */
    const char *gateway6; /* NULL: the IPv6 subnet's first address */
};
/* --subnet/--gateway as given on the command line: sorted into the IPv4 and
 * IPv6 fields by their syntax (a colon: IPv6); one of each at most. The
 * value is kept (not copied). */
int network_opts_add(struct network_create_opts *o, const char *flag, const char *value, struct hull_error **err);

/* ---- networks of containers (engine_network.c) ---- */

struct engine_net_flags {
    const char *mode; /* the first --network's network; NULL: the default */
    char *mode_owned; /* ... when it came as name=NET,... */
    struct engine_net_endpoint first; /* its per-network options (merged with --ip & co. at prepare) */
    char **more;      /* the other --network flags' networks, as given (NULL-terminated or NULL) */
    struct engine_net_endpoint *more_opts; /* their per-network options, one per entry of more */
    const char *ip;   /* --ip */
    const char *ip6;  /* --ip6 (a dual-stack network) */
    struct network_port *publish, *expose;
    size_t n_publish, n_expose;
    bool publish_all; /* -P */
    char **add_hosts, **dns, **dns_search, **dns_options; /* NULL-terminated or NULL */
    char **aliases;                                       /* --network-alias */
    const char *mac;                                      /* --mac-address */
    /* set by engine_network_prepare */
    char *network;    /* "hull", a user network, "none", "host" or "container:ID" */
    char *netns_path; /* container:ID: that container's /proc/PID/ns/net */
    bool bridge;      /* network is a bridge network */
    char **networks_more; /* the networks of `more`, resolved ("bridge" is "hull") */
};

/* One networking flag (flag: "--network", "--ip", "--ip6", "-p", "-P", "--expose",
 * "--add-host", "--dns", "--dns-search", "--dns-option", "--network-alias",
 * "--mac-address");
 * syntax checked. */
int engine_net_flag(struct engine_net_flags *nf, const char *flag, const char *value, struct hull_error **err);
void engine_net_flags_clear(struct engine_net_flags *nf);

/* Resolves the network (default: $HULL_DEFAULT_NETWORK, else "hull" for
 * root and "none" otherwise), checks the flags against it and fills
 * rc->net and rc->host_network.  Several --network flags (docker 25,
 * podman): bridge networks only, each once; the first is the primary one
 * (eth0, the default route, -p, --ip, --network-alias, --mac-address), the
 * others are endpoints attached at start as `hull network connect` would. */
int engine_network_prepare(const char *root, const char *runroot, struct engine_net_flags *nf,
                           struct engine_run_config *rc, struct hull_error **err);

/* --domainname: at most 64 bytes (the kernel's __NEW_UTS_LEN, or
 * setdomainname fails in the container's init), no blank or control
 * character (it goes into /etc/hosts as a name). "" is no domain name. */
int engine_parse_domainname(const char *text, struct hull_error **err);

/* The networks of a container, "app,hull" (its NetworkMode when it has no
 * bridge network: "none", "host"), for ps's .Networks.  Owned. */
char *engine_network_names_text(struct json_object *rec);
/* "0.0.0.0:8080->80/tcp, ..." for ps (owned; "" when none). */
char *engine_network_ports_text(struct json_object *rec);

/* Under the lock; the created network's name is opts->name. */
int engine_network_create(const char *root, const struct network_create_opts *o, struct hull_error **err);
/* Refused while containers use it (dead ones are swept first). */
int engine_network_remove(const char *root, const char *runroot, const char *name, struct hull_error **err);
/* Removes every user network no container uses; *removed gets their names. */
int engine_network_prune(const char *root, const char *runroot, char ***removed, struct hull_error **err);
/* `hull network connect [--ip IP] [--alias A] NET C`: a running container
 * gets ethN on NET at once, a stopped one at its next start. */
int engine_network_connect(const char *root, const char *runroot, const char *network, const char *container,
                           const char *ip, const char *ip6, char *const *aliases, struct hull_error **err);
/* Only a network the container was connected to, not its --network. */
int engine_network_disconnect(const char *root, const char *network, const char *container, struct hull_error **err);
/* docker's `network inspect` object (Name, Id, Driver, IPAM, Internal, Containers ...). */
int engine_network_inspect(const char *root, const char *runroot, const char *name, struct json_object **out,
                           struct hull_error **err);

/* ---- volumes (volume.c) ---- */

/* Creates volume name (NULL: anonymous, a random name) with the driver
 * options opts ("KEY=VALUE", NULL-terminated or NULL) and labels ("K=V").
 * An existing volume of that name is not an error when opts are empty or the
 * same (docker's create is idempotent): *created tells.  *name_out (optional)
 * gets the name. */
int volume_create(const char *root, const char *name, char *const *opts, char *const *labels, bool anonymous,
                  char **name_out, bool *created, struct hull_error **err);

bool volume_exists(const char *root, const char *name);
/* Names of every volume, sorted, NULL-terminated. */
int volume_list(const char *root, char ***names, struct hull_error **err);
/* volume.json as docker's `volume inspect` shows one volume. */
int volume_inspect(const char *root, const char *name, struct json_object **out, struct hull_error **err);

#define DIGEST_HEX_LEN 64
/* "sha256:" + 64 hex + NUL */
#define DIGEST_STR_SIZE (7 + DIGEST_HEX_LEN + 1)

/* What image_store_remove did, one call per event, for the "Untagged:" /
 * "Deleted:" lines of rmi. */
typedef void (*image_remove_event_fn)(const char *what, const char *name, void *data);

enum image_rootfs_kind {
    IMAGE_ROOTFS_OVERLAY,
    IMAGE_ROOTFS_COPY,
};

/* path is absolute ("/etc/passwd"); a non-zero return stops the walk and is returned. */
typedef int (*image_diff_fn)(char kind, const char *path, void *data);

/* The hex part of a valid digest (s + 7). */
const char *digest_hex(const char *s);

/* ---- images: the store (store.c) ---- */

struct image_store;
struct image_layer_info {
    char diff_id[DIGEST_STR_SIZE]; /* sha256 of the uncompressed tar: the key of layers/ */
    char digest[DIGEST_STR_SIZE];  /* sha256 of the blob as it was shipped (compressed or not) */
    char *media_type;              /* as the manifest said, or derived from the compression */
    uint64_t blob_size;            /* bytes of the shipped blob */
    uint64_t size;                 /* sum of the regular files' sizes once unpacked */
};

struct image_info {
    char id[DIGEST_STR_SIZE];       /* "sha256:<hex>" = digest of the config blob */
    char manifest[DIGEST_STR_SIZE]; /* digest of the manifest blob, "" if none was shipped (docker-archive) */
    char **tags;                    /* "name:tag", sorted, NULL-terminated (may be empty) */
    char *created;                  /* RFC 3339 from the config, may be NULL */
    int64_t created_unix;           /* 0 when unknown */
    char *os, *architecture;
    uint64_t size; /* sum of the layers' sizes */
    size_t n_layers;
    struct image_layer_info *layers; /* base layer first */
};

void image_info_freep(struct image_info **info);

#define cleanup_image_info __attribute__((cleanup(image_info_freep)))
void image_info_list_free(struct image_info **list, size_t n);

/* Opens (and, when writable, creates) the store.  A writable store holds the
 * exclusive lock until image_store_close and has wiped stale staging dirs. */
int image_store_open(const char *root, bool writable, struct image_store **out, struct hull_error **err);

void image_store_closep(struct image_store **store);

#define cleanup_image_store __attribute__((cleanup(image_store_closep)))

/* Every image, newest first. */
int image_store_list(struct image_store *store, struct image_info ***out, size_t *n, struct hull_error **err);

/* Finds an image by reference ("busybox", "busybox:1.36"), full id
 * ("sha256:<hex>" or "<hex>") or unique id prefix, as docker does: a name
 * that is a tag in the store wins over an id prefix.
 * Fails with "no such image: TEXT" when nothing matches. */
int image_store_lookup(struct image_store *store, const char *text, struct image_info **out, struct hull_error **err);

/* The config JSON text of an image (verified against its digest). */
int image_store_read_config(struct image_store *store, const char *id, char **json, struct hull_error **err);

/* Absolute paths of an image's unpacked layers, base first, NULL-terminated. */
char **image_store_layer_paths(struct image_store *store, const struct image_info *image);

/* Points the tag dst (NAME[:TAG]) at the image src names. Needs a writable store. */
int image_store_tag(struct image_store *store, const char *src, const char *dst, struct hull_error **err);

/* docker rmi semantics: a reference that is one of several tags only untags;
 * the last tag (or an id) deletes the image; an id of an image with several
 * tags needs force.  Layers no other image uses are removed too. */
int image_store_remove(struct image_store *store, const char *text, bool force, image_remove_event_fn on_event,
                       void *data, struct hull_error **err);

/* docker image prune: deletes every image no container uses that has no tag
 * (with all: every image no container uses), then the layers no image has
 * left; *reclaimed: the unpacked bytes of those layers.  Events as above. */
int image_store_prune(struct image_store *store, bool all, image_remove_event_fn on_event, void *data,
                      uint64_t *reclaimed, struct hull_error **err);

/* ---- images: load and import (load.c, import.c) ---- */

enum image_progress_phase {
    IMAGE_PROGRESS_READ,         /* reading the archive into staging */
    IMAGE_PROGRESS_LAYER,        /* unpacking a layer: bytes of that layer's blob */
    IMAGE_PROGRESS_LAYER_EXISTS, /* the layer is already in the store */
    IMAGE_PROGRESS_LAYER_DONE,
    IMAGE_PROGRESS_COMMIT,
};

struct image_progress_event {
    enum image_progress_phase phase;
    const char *detail;   /* the layer digest, or the file name */
    uint64_t bytes_done;  /* of the current phase */
    uint64_t bytes_total; /* 0 when unknown (stdin) */
    size_t layers_done, layers_total;
};

/* The library never prints; the front end draws whatever it likes from these. */
struct image_progress {
    void (*fn)(const struct image_progress_event *event, void *data);
    void *data;
};

struct image_load_result {
    char **names; /* "name:tag" of every image loaded, in archive order */
    char **ids;   /* "sha256:<hex>" of every image loaded (same order, no duplicates) */
};
void image_load_result_clear(struct image_load_result *r);

/* path is a file, a directory (OCI layout) or "-" for stdin. */
int image_load(struct image_store *store, const char *path, const struct image_progress *progress,
               struct image_load_result *out, struct hull_error **err);

struct image_import_opts {
    const char *reference; /* NAME[:TAG] or NULL for an untagged image */
    const char *message;   /* history comment */
    char *const *changes;  /* docker --change lines: CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL, EXPOSE,
                              VOLUME, STOPSIGNAL; NULL-terminated, may be NULL */
};

/* path is a file or "-" for stdin; id_out receives the new image's id. */
int image_import(struct image_store *store, const char *path, const struct image_import_opts *opts,
                 const struct image_progress *progress, char id_out[static DIGEST_STR_SIZE], struct hull_error **err);

/* ---- images: save (save.c) ---- */

enum image_save_format {
    IMAGE_SAVE_DOCKER_ARCHIVE,
    IMAGE_SAVE_OCI_ARCHIVE,
};

/* names: references or ids, NULL-terminated.  A name that is a tag puts that
 * tag in the archive; an id puts the image without a name. */
int image_save(struct image_store *store, char *const *names, enum image_save_format format, int out_fd,
               struct hull_error **err);

/* ---- images: commit, export (commit.c) ---- */

struct image_commit_opts {
    const char *reference;      /* NAME[:TAG] for the new image, or NULL */
    const char *message;        /* history comment */
    const char *author;         /* config "author" */
    char *const *changes;       /* docker --change lines, NULL-terminated, may be NULL */
    const char *const *ignore;  /* paths ("/etc/hosts") the engine made: left out when the image lacks them */
    const char *created_by;     /* history created_by; "hull commit" when NULL */
};

/* base_id: the container's image; container_dir holds upper/ (rootfs.h).  The
 * store must be writable. */
int image_commit(struct image_store *store, const char *base_id, const char *container_dir,
                 const struct image_commit_opts *opts, char id_out[static DIGEST_STR_SIZE], struct hull_error **err);

/* hull export: the tree under rootfd (a container's merged rootfs) as a tar
 * stream on fd (no whiteouts: a merged view has none). */
int image_export_tar(int rootfd, int fd, struct hull_error **err);

/* ---- containers: cp (cp.c) ---- */

/* rootfs: the container's mounted root filesystem.  into_container: host src
 * -> container dest; else container src -> host dest.  Relative host paths are
 * relative to the current directory. */
int container_copy(const char *rootfs, const char *src, const char *dest, bool into_container, bool archive,
                   bool follow, struct hull_error **err);

/* ---- containers: diff (diff.c) ---- */

/* layers: absolute paths, base first, NULL-terminated. */
int image_rootfs_diff(char *const *layers, const char *container_dir, const char *const *ignore, image_diff_fn fn,
                      void *data, struct hull_error **err);

/* ---- images: history (history.c) ---- */

struct image_history_entry {
    char *created; /* RFC 3339, may be NULL */
    int64_t created_unix;
    char *created_by; /* may be NULL */
    char *comment;    /* may be NULL */
    bool empty_layer;
    uint64_t size; /* of its layer; 0 for an empty_layer step */
};

/* Newest first.  A config without history (some importers write none) gives
 * one entry per layer. */
int image_history(struct image_store *store, const struct image_info *image, struct image_history_entry **out,
                  size_t *n, struct hull_error **err);
void image_history_free(struct image_history_entry *entries, size_t n);

/* ---- images: JSON of image configs (image_json.c) ---- */

/* Parses text (len bytes) as JSON; what names the document in the error ("index.json"). */
int image_json_parse(const char *text, size_t len, const char *what, struct json_object **out, struct hull_error **err);


void json_object_putp(struct json_object **o);

#define cleanup_json __attribute__((cleanup(json_object_putp)))

/* ---- images: a container's rootfs (image_rootfs.c) ---- */

struct image_rootfs_opts {
    bool read_only;
    bool force_copy; /* skip overlayfs (tests, or a store on a filesystem overlay cannot use) */
};

/* Whether overlayfs can be mounted here now (a probe under dir, removed
 * after): what `hull info` reports as the storage driver. */
bool image_rootfs_overlay_works(const char *dir);

/* Mounts a container's overlay again over its existing upper dir (after a
 * reboot, or someone unmounted it) so that it can be started again; nothing
 * to do for a copied rootfs or one that is mounted.  Never falls back to a
 * copy and never removes anything: on failure the container stays as it was. */
int image_rootfs_remount(char *const *layers, const char *container_dir, struct hull_error **err);

/* ---- registries: pull, push, login (registry/) ---- */

#define REGISTRY_DEFAULT_MAX_CONCURRENT 3
/* Layers uploaded at once by a push, as docker's max-concurrent-uploads. */
#define REGISTRY_DEFAULT_PUSH_CONCURRENT 5
/* --max-concurrent accepts 1 to this. */
#define REGISTRY_MAX_CONCURRENT_LIMIT 64

struct registry_pull_opts {
    const char *reference;   /* as the user typed it: "busybox", "127.0.0.1:5000/x@sha256:..." */
    const char *platform;    /* "os/arch[/variant]"; NULL: this machine's */
    bool tls_verify_off;     /* --tls-verify=false: no TLS verification, plain HTTP allowed */
    unsigned max_concurrent; /* layers downloaded at once; 0: REGISTRY_DEFAULT_MAX_CONCURRENT */
    const char *authfile;    /* NULL: the default credential files (auth.h) */
};

enum registry_pull_event_kind {
    REGISTRY_PULL_RESOLVED,     /* detail: the full reference being pulled (registry/repo:tag) */
    REGISTRY_PULL_LAYER_EXISTS, /* the store has this layer */
    REGISTRY_PULL_LAYER_WAITING,
    REGISTRY_PULL_LAYER_BYTES,      /* done/total of this layer's blob */
    REGISTRY_PULL_LAYER_RETRY,      /* a dropped connection, resuming */
    REGISTRY_PULL_LAYER_DOWNLOADED, /* every byte is in */
    REGISTRY_PULL_LAYER_DONE,       /* unpacked and verified */
    REGISTRY_PULL_COMMIT,
    /* push */
    REGISTRY_PUSH_START,           /* detail: the repository */
    REGISTRY_PUSH_LAYER_PREPARING, /* compressing */
    REGISTRY_PUSH_LAYER_EXISTS,    /* the registry has the blob */
    REGISTRY_PUSH_LAYER_MOUNTED,   /* detail: the repository it was mounted from */
    REGISTRY_PUSH_LAYER_PUSHING,   /* done/total bytes sent */
    REGISTRY_PUSH_LAYER_PUSHED,
};

struct registry_pull_event {
    enum registry_pull_event_kind kind;
    const char *detail;
    size_t layer, n_layers;
    const char *layer_digest; /* "sha256:..." of the blob */
    uint64_t done, total;
};

struct registry_pull_progress {
    void (*fn)(const struct registry_pull_event *event, void *data);
    void *data;
};

struct registry_pull_result {
    char *full_name;   /* "docker.io/library/busybox:latest" (or NAME@DIGEST) */
    char *stored_name; /* the tag in the store: "busybox:latest"; NULL for a pull by digest */
    char id[DIGEST_STR_SIZE];     /* image id (config digest) */
    char digest[DIGEST_STR_SIZE]; /* what the registry calls it: the manifest or index digest */
    bool downloaded;              /* false: the store already had every layer */
};
void registry_pull_result_clear(struct registry_pull_result *r);

/* Pulls into the store at store_root (which it opens and locks itself, see above). */
int registry_pull(const char *store_root, const struct registry_pull_opts *opts,
                  const struct registry_pull_progress *progress, struct registry_pull_result *out,
                  struct hull_error **err);

struct registry_push_opts {
    const char *source;      /* the image in the store */
    const char *destination; /* NAME:TAG (or NAME@DIGEST) to push to; NULL: source */
    bool tls_verify_off;
    unsigned max_concurrent; /* layers uploaded at once; 0: REGISTRY_DEFAULT_PUSH_CONCURRENT */
    const char *authfile;
};

struct registry_push_result {
    char *full_name;              /* "127.0.0.1:5000/team/app:v1" */
    char digest[DIGEST_STR_SIZE]; /* of the manifest pushed */
    uint64_t size;                /* of the manifest */
};
void registry_push_result_clear(struct registry_push_result *r);

/* Pushes an image (push.c says how); progress reuses the pull's event type. */
int registry_push(const char *store_root, const struct registry_push_opts *opts,
                  const struct registry_pull_progress *progress, struct registry_push_result *out,
                  struct hull_error **err);

/* The tags of a repository (name without tag or digest), from the registry
 * registries.conf names for it (not a mirror); NULL-terminated, owned by caller. */
int registry_list_tags(const char *name, bool tls_verify_off, const char *authfile, char ***tags,
                       struct hull_error **err);

/* hull login: checks the credentials against host, then stores them. */
int registry_login(const char *host, const char *username, const char *password, const char *authfile,
                   bool tls_verify_off, struct hull_error **err);
/* hull logout: *removed tells whether there was anything stored. */
int registry_logout(const char *host, const char *authfile, bool *removed, struct hull_error **err);

#endif
