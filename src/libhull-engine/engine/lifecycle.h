/* hull: starting, waiting for and removing engine containers.
 *
 * Only the parent (or a subreaper ancestor) of the container's init can learn
 * its exit status: for every container, foreground ones too, that is
 * hull-monitor (src/hull-monitor/hull_monitor.c): a small
 * static program, double-forked and setsid'ed, a child subreaper, which holds
 * the container's stdout/stderr and writes them to ctr.log with timestamps
 * and stream tags.  It runs `hull _monitor-start ID` (engine_monitor_start:
 * create + start through the library, the init's pid and pty master sent
 * to the monitor, OK or the error reported to `hull run -d` over a pipe),
 * inherits the init when that command exits, and once the init is gone
 * replaces itself with `hull _monitor-exit ID CODE`
 * (engine_container_finish: ExitCode, OOMKilled, FinishedAt, cgroups and
 * runtime state released, --rm).  A foreground `hull run` (and `start -a`)
 * forks the child that starts the container and execs hull-monitor on it
 * (engine_run_foreground), and stays attached to it as `hull attach` would.
 * No daemon, no runtime binary. */
#ifndef HULL_ENGINE_LIFECYCLE_H
#define HULL_ENGINE_LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error_internal.h"

struct json_object;

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

/* Corrects rec's State when it says running but the init is gone (a monitor
 * that was killed): the record's word is not trusted blindly. */
struct engine_record;
void engine_record_refresh(const char *runroot, const char *id, struct engine_record *rec);

/* Whether the container's init is alive, from the runtime state. */
bool engine_container_running(const char *runroot, const char *id);

#endif
