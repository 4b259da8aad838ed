/* hull: the container lifecycle as library calls -- create, start, run, state,
 * kill, delete, list, ps.  The runtime CLI (src/hull-runtime) and the engine
 * (src/hull) are thin layers over these; neither forks or re-executes a
 * runtime binary. */
#ifndef HULL_CONTAINER_H
#define HULL_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../spec/spec.h"
#include "../util/error_internal.h"
#include "state.h"

struct json_object;
struct cgroup_stats;

struct container_create_opts {
    const char *root;   /* state root, e.g. /run/hull */
    const char *id;
    const char *bundle; /* default: cwd */
    const char *pid_file;
    const char *console_socket;
    bool no_pivot;
    bool no_new_keyring;
    int preserve_fds;   /* fds 3 .. 3+N-1 are passed to the container */
    /* Rootless (runc's --rootless): a cgroup this user may not create is no
     * error when the config sets no limits; the container then has none. */
    bool rootless;
    /* For run in the foreground: the pty master comes back here when process.terminal
     * is set and there is no console socket. -1 otherwise. */
    int *console_master_out;
    /* The config, already parsed and checked by the caller (the engine, which
     * built it and wrote spec->raw_json as BUNDLE/config.json): used instead
     * of reading config.json again.  NULL: read BUNDLE/config.json. */
    const struct hull_spec *spec;
};

/* The config create works from: opts->spec, or BUNDLE/config.json read into
 * *loaded (free it; NULL when opts->spec was given). */
int container_create_config(const struct container_create_opts *opts, const char *bundle,
                            struct hull_spec **loaded, const struct hull_spec **spec, struct hull_error **err);

/* Sets the container up completely; its init waits for start before exec'ing
 * the user process.  On failure nothing is left behind. */
int container_create(const struct container_create_opts *opts, pid_t *pid_out, struct hull_error **err);

/* Releases a created container; runs poststart hooks. */
int container_start(const char *root, const char *id, struct hull_error **err);

/* The OCI state as JSON text (owned by caller). */
int container_state_json(const char *root, const char *id, char **out, struct hull_error **err);
/* The saved state plus the live status (owned by caller: hull_state_free). */
int container_state(const char *root, const char *id, struct hull_state **out, enum container_status *status,
                    struct hull_error **err);

int container_kill(const char *root, const char *id, int sig, bool all, struct hull_error **err);

/* Deletes a stopped (or, with force, any) container: kills what is left,
 * removes its cgroups, runs poststop hooks, removes its state. */
int container_delete(const char *root, const char *id, bool force, struct hull_error **err);

/* Ids of every container under root (sorted), NULL-terminated. */
int container_list_ids(const char *root, char ***ids, struct hull_error **err);

/* Pids (host view) of every process of the container. */
int container_pids(const char *root, const char *id, pid_t **pids, size_t *n, struct hull_error **err);

/* How many processes of the container the kernel's OOM killer has killed
 * (memory.oom_control's oom_kill on v1, memory.events' oom_kill on v2). */
int container_oom_kills(const char *root, const char *id, uint64_t *count, struct hull_error **err);

/* ---- a live container's cgroup (control.c) ---- */

/* Freezes / thaws the container (runc: pause needs it running or created,
 * resume needs it paused). */
int container_pause(const char *root, const char *id, struct hull_error **err);
int container_resume(const char *root, const char *id, struct hull_error **err);

/* Applies new limits to a running container: r is checked first
 * (spec_check_resources), so a struct built from flags is fine. */
int container_update(const char *root, const char *id, const struct hull_resources *r, struct hull_error **err);

/* The cgroup statistics of a running container, once (free with cgroup_stats_clear). */
int container_stats(const char *root, const char *id, struct cgroup_stats *out, struct hull_error **err);

enum container_event_type { CONTAINER_EVENT_STATS, CONTAINER_EVENT_OOM };
struct container_event {
    enum container_event_type type;
    const struct cgroup_stats *stats; /* CONTAINER_EVENT_STATS only; valid during the call */
};
typedef void (*container_event_fn)(const char *id, const struct container_event *ev, void *data);

/* Calls fn with the stats every interval_ms and with every OOM kill in the
 * container, until it stops (then returns 0). */
int container_events(const char *root, const char *id, long interval_ms, container_event_fn fn, void *data,
                     struct hull_error **err);

/* Parses a signal: "KILL", "SIGKILL", "9", and "0" (the liveness check, which
 * the engine refuses where it needs a real signal). Returns -1 when unknown. */
int signal_parse(const char *s);

#endif
