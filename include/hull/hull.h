/* libhull, the OCI runtime as a library: its public interface.
 *
 * hull-runtime's commands are flag parsing, one call of this header and
 * printing; an embedder links libhull.a and calls the same functions, without
 * a fork/exec of a runtime binary.  Every function takes the state root
 * (hull-runtime's --root: /run/hull, or $XDG_RUNTIME_DIR/hull rootless) and
 * takes the container's lock itself; errors come back as struct hull_error
 * (error.h).  The engine's library, libhull-engine, is built on top of this one.
 *
 * JSON appears only where a format is JSON by definition: the OCI state, a
 * LinuxResources object, runc's events lines. */
#ifndef HULL_PUBLIC_HULL_H
#define HULL_PUBLIC_HULL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

struct hull_create_opts {
    const char *root;   /* the state root */
    const char *id;     /* runc's rule: [A-Za-z0-9_+.-]+ */
    const char *bundle; /* holds config.json; NULL: the current directory */
    const char *pid_file;
    const char *console_socket; /* process.terminal: the pty master goes to this unix socket */
    bool no_pivot;              /* mount --move + chroot instead of pivot_root (initramfs) */
    bool no_new_keyring;
    int preserve_fds;           /* fds 3 .. 3+N-1 are passed to the container */
    bool rootless;              /* a cgroup this user may not create is no error without limits */
};

/* Sets the container up; its init waits for hull_container_start before
 * exec'ing the user's process.  On failure nothing is left behind. */
int hull_container_create(const struct hull_create_opts *opts, struct hull_error **err);

/* Releases a created container and runs its poststart hooks. */
int hull_container_start(const char *root, const char *id, struct hull_error **err);

struct hull_run_opts {
    struct hull_create_opts create;
    bool detach; /* return once started */
    bool keep;   /* in the foreground: keep the container after it exits */
};

/* create + start.  In the foreground it then forwards the signals we get to
 * the container's process, proxies the terminal (process.terminal without a
 * console socket), waits, and deletes the container (unless keep); *exit_code
 * is the process's status as a shell reports it (128+N after signal N).
 * Returns -1 when the container could not be run (nothing is left behind);
 * 0 otherwise, with *err set if the final delete failed.  In the foreground
 * the signals it forwards are blocked from before the create on, and stay
 * blocked in the calling thread when it returns (one that arrives late is
 * left to the caller, not acted on half way through the cleanup). */
int hull_container_run(const struct hull_run_opts *opts, int *exit_code, struct hull_error **err);

struct hull_exec_opts {
    const char *root, *id;
    /* The process: a process.json file (runc's --process), or else the
     * container's own process with args as its command and tty as its
     * terminal; the overrides below apply to either. */
    const char *process_file;
    char *const *args; /* NULL-terminated */
    bool tty;
    char *const *env;  /* KEY=VALUE, each replacing the KEY it names */
    const char *cwd;   /* absolute */
    bool set_uid, set_gid;
    uid_t uid;
    gid_t gid;
    const gid_t *additional_gids; /* added */
    size_t n_additional_gids;
    char *const *caps;            /* CAP_ names, added to every set */
    bool no_new_privs;
    const char *apparmor, *process_label;
    const char *console_socket, *pid_file;
    bool detach;
    bool ignore_paused;            /* exec into a paused container */
    int preserve_fds;
    char *const *cgroup_subs;      /* [CONTROLLER:]PATH: existing sub-cgroups to join */
};

/* Another process in a running container, under the container's seccomp
 * filter.  In the foreground like hull_container_run: signals forwarded,
 * terminal proxied, *exit_code the process's status. */
int hull_container_exec(const struct hull_exec_opts *opts, int *exit_code, struct hull_error **err);

/* The OCI state (runtime-spec "State") as JSON text, owned by the caller. */
int hull_container_state_json(const char *root, const char *id, char **json, struct hull_error **err);

struct hull_kill_opts {
    const char *root, *id;
    int signal; /* hull_signal_parse() */
    bool all;   /* every process of the container, not only its init */
};
int hull_container_kill(const struct hull_kill_opts *opts, struct hull_error **err);

struct hull_delete_opts {
    const char *root, *id;
    bool force; /* kill a container that still runs */
};
/* Kills what is left (force), removes the cgroups, runs poststop hooks,
 * removes the state. */
int hull_container_delete(const struct hull_delete_opts *opts, struct hull_error **err);

/* Freezes / thaws (pause needs it running or created, resume paused). */
int hull_container_pause(const char *root, const char *id, struct hull_error **err);
int hull_container_resume(const char *root, const char *id, struct hull_error **err);

/* ---- a live container's cgroup ---- */

/* linux.resources, typed inside the library.  Made from a LinuxResources JSON
 * object (runc's update --resources; NULL: empty), then changed one value at a
 * time; hull_container_update checks the result (ranges, syntax) once. */
struct hull_resources;
enum hull_resource {
    HULL_RES_MEMORY_LIMIT,       /* bytes with docker's units ("64m", "1g"), or -1 */
    HULL_RES_MEMORY_RESERVATION, /* likewise */
    HULL_RES_MEMORY_SWAP,        /* memory+swap, likewise */
    HULL_RES_MEMORY_KERNEL,      /* likewise */
    HULL_RES_MEMORY_KERNEL_TCP,  /* likewise */
    HULL_RES_CPU_SHARES,
    HULL_RES_CPU_QUOTA,          /* microseconds, or -1 */
    HULL_RES_CPU_PERIOD,
    HULL_RES_CPU_BURST,
    HULL_RES_CPU_RT_PERIOD,
    HULL_RES_CPU_RT_RUNTIME,
    HULL_RES_CPU_IDLE,
    HULL_RES_CPUSET_CPUS,        /* "0-3,7" */
    HULL_RES_CPUSET_MEMS,
    HULL_RES_BLKIO_WEIGHT,
    HULL_RES_PIDS_LIMIT,         /* a count, or -1 */
};
int hull_resources_parse(const char *json, struct hull_resources **out, struct hull_error **err);
/* -1 (nothing set) when text is not a value of the field's kind. */
int hull_resources_set(struct hull_resources *r, enum hull_resource field, const char *text);
void hull_resources_free(struct hull_resources *r);

/* New limits for a running container. */
int hull_container_update(const char *root, const char *id, const struct hull_resources *r, struct hull_error **err);

/* The cgroup statistics as runc's events "data" object (JSON text, owned). */
int hull_container_stats_json(const char *root, const char *id, char **json, struct hull_error **err);
/* Calls fn with the statistics (as above) every interval_ms, and with NULL
 * for every OOM kill in the container, until it stops. */
typedef void (*hull_event_fn)(const char *id, const char *stats_json, void *data);
int hull_container_events(const char *root, const char *id, long interval_ms, hull_event_fn fn, void *data,
                          struct hull_error **err);

/* The ids under root, sorted, NULL-terminated; free with hull_strv_free. */
int hull_container_list(const char *root, char ***ids, struct hull_error **err);
void hull_strv_free(char **v);

/* What `list` shows of each container (strings owned, "" when unknown). */
struct hull_container_info {
    char *id, *status, *bundle, *created, *owner;
    pid_t pid; /* 0 when stopped */
};
int hull_container_list_info(const char *root, struct hull_container_info **out, size_t *n, struct hull_error **err);
void hull_container_info_free(struct hull_container_info *v, size_t n);
/* The same as a JSON array of OCI states (`list --format json`), owned. */
int hull_container_list_json(const char *root, char **json, struct hull_error **err);

/* The host pids of every process of the container (free()). */
int hull_container_pids(const char *root, const char *id, pid_t **pids, size_t *n, struct hull_error **err);

/* The config.json `spec` writes, like runc's (owned). */
char *hull_spec_default_json(bool rootless);
/* What `features` prints (runtime-spec features.md), owned. */
char *hull_features_json(void);

/* "KILL", "SIGKILL", "9", and "0"; -1 when unknown. */
int hull_signal_parse(const char *text);

/* ---- typed pieces of config.json that the engine's options carry (spec.h has the rest) ---- */

struct hull_hook {
    char *path;
    char **args; /* NULL-terminated, may be NULL */
    char **env;  /* NULL-terminated, may be NULL */
    bool has_timeout;
    int timeout; /* seconds, > 0 */
};

struct hull_hook_list {
    struct hull_hook *hooks;
    size_t n;
};

struct hull_hooks {
    struct hull_hook_list prestart, create_runtime, create_container, start_container, poststart, poststop;
};
/* Frees what h holds, and empties it. */
void spec_hooks_clear(struct hull_hooks *h);

struct hull_device_rule {
    bool allow;
    char type; /* 'a', 'c', 'b'; 'a' when absent */
    bool has_major, has_minor;
    int64_t major, minor; /* -1 = wildcard */
    char *access;         /* "rwm" subset; NULL = all */
};

enum hull_ns_type {
    HULL_NS_PID,
    HULL_NS_NET,
    HULL_NS_MNT,
    HULL_NS_IPC,
    HULL_NS_UTS,
    HULL_NS_USER,
    HULL_NS_CGROUP,
    HULL_NS_TIME,
    HULL_NS__COUNT
};

/* ---- the host's cgroups ---- */

enum cgroup_layout {
    CGROUP_LAYOUT_UNKNOWN = 0,
    CGROUP_LAYOUT_V1,     /* legacy: only v1 hierarchies */
    CGROUP_LAYOUT_HYBRID, /* v1 controllers + cgroup2 at /sys/fs/cgroup/unified */
    CGROUP_LAYOUT_V2,     /* unified */
};

/* Detects the host layout (statfs of /sys/fs/cgroup and /sys/fs/cgroup/unified).
 * HULL_CGROUP_ROOT in the environment overrides /sys/fs/cgroup (tests, VM). */
enum cgroup_layout cgroup_detect_layout(void);
const char *cgroup_layout_name(enum cgroup_layout l);

/* ---- capabilities, the process itself (front ends call these first) ---- */

/* The default state root: /run/hull for root; otherwise (rootless: not root,
 * or root of a user namespace with $USER not "root", as runc decides it)
 * $XDG_RUNTIME_DIR/hull, else /run/user/<euid>/hull.  Owned by caller. */
char *state_default_root(void);

/* Compiled programs are cached (see seccomp_cache.c) in
 * STATE_ROOT/seccomp-cache, or in $HULL_SECCOMP_CACHE ("off" disables).
 * seccomp_cache_set_state_root names STATE_ROOT (hull --runroot,
 * hull-runtime --root; default /run/hull); the environment still wins.
 * seccomp_cache_set_dir overrides both; NULL turns the cache off. */
void seccomp_cache_set_state_root(const char *root);

/* Capability name ("CAP_CHOWN") to number; -1 when unknown to libcap. */
int caps_parse_name(const char *name, int *value);
/* "CAP_CHOWN" for a number (owned). */
char *caps_name(int cap);

/* CVE-2019-5736 self-protection the crun way: unless /proc/self/exe is already
 * a sealed memfd or sits on a read-only mount, re-executes the runtime from a
 * sealed memfd copy of itself (same argv/envp).  Returns 0 when nothing had
 * to be done; does not return on success otherwise.  Call it first thing in
 * the commands that start a program in a container (create, run, exec): see
 * docs/security.md and tests/security/cve.bats. */
int exe_protect_ensure(int argc, char **argv, char **envp, struct hull_error **err);
/* The read-only overlay exe_protect_ensure re-executed through stays mounted
 * (detached, held by an fd) until this is called or the process exits:
 * letting go of it waits for an RCU grace period, so a caller that waits
 * anyway (for its container's program) calls it there.  Safe to call
 * always, and more than once. */
void exe_protect_release(void);

#endif
