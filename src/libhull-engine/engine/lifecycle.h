/* hull: starting, waiting for and removing engine containers.
 *
 * Only the parent (or a subreaper ancestor) of the container's init can learn
 * its exit status: for every container, foreground ones too, that is
 * hull-monitor (src/hull-monitor/hull_monitor.c): a small
 * static program, a child subreaper, which holds the container's
 * stdout/stderr and writes them to ctr.log with timestamps and stream tags.
 * `hull run` (foreground, engine_run_foreground, or -d and `hull start`,
 * engine_run_detached: double-forked and setsid'ed) forks the child that
 * creates and starts the container through the library and then execs
 * hull-monitor on it, whose init is its child already; the foreground run
 * stays attached to it as `hull attach` would.  Once the init is gone the
 * monitor replaces itself with `hull _monitor-exit ID CODE`
 * (engine_container_finish: ExitCode, OOMKilled, FinishedAt, cgroups and
 * runtime state released, --rm), which for a restart by the policy becomes
 * a monitor again whose start command is `hull _monitor-restart ID`
 * (engine_monitor_start: the init's pid and pty master sent to the monitor,
 * OK or the error on fd 3).
 * No daemon, no runtime binary. */
#ifndef HULL_ENGINE_LIFECYCLE_H
#define HULL_ENGINE_LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

struct json_object;

/* Corrects rec's State when it says running but the init is gone (a monitor
 * that was killed): the record's word is not trusted blindly. */
struct engine_record;

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

/* The removal itself, for a container whose record may be gone or unreadable
 * (`hull system check --repair`): runtime state and cgroups (the runtime's
 * delete --force), network, rootfs mount, files, the image mark of image_id
 * (NULL: none), and the record last. */
int engine_container_remove_id(const char *root, const char *runroot, const char *id, const char *image_id,
                               struct hull_error **err);

/* Removes everything of a container: runtime state, cgroups, rootfs mount,
 * image user mark, its directory.  A running container needs force (it is killed). */
int engine_container_remove(const char *root, const char *runroot, const char *id, bool force, struct hull_error **err);
/* The same, and then its anonymous volumes that no other container uses
 * (`rm -v`, `run --rm`). */
int engine_container_remove_with_volumes(const char *root, const char *runroot, const char *id, bool force,
                                         struct hull_error **err);

/* Whether the container's init is alive, from the runtime state. */
bool engine_container_running(const char *runroot, const char *id);

/* State refreshed from the runtime: running or paused whose init is gone
 * (and whose exit nobody is recording) says exited, so does one whose
 * monitor died while it waited to be restarted; one a killed `hull run`
 * left half made says dead. */
void engine_record_refresh(const char *runroot, const char *id, struct engine_record *rec);

/* After the init has exited with code: State (ExitCode, OOMKilled,
 * FinishedAt), cgroups and runtime state released, --rm.  Run by
 * `hull run` in the foreground and by `hull _monitor-exit ID CODE`.
 * Returns the delay in ms after which the restart policy wants the
 * container started again (State "restarting"), or -1.  With --rm the
 * record is removed without being written "exited" first: the "die" event
 * carries the exit code (`hull wait` reads it there). */
int64_t engine_container_finish(const char *root, const char *runroot, const char *id, int code, bool auto_remove);

/* The start of a restart by the policy (engine_monitor_restart), with the
 * report pipe on fd 3 and the monitor's control socket on fd 4. */
int engine_monitor_start(const struct engine_lifecycle *l);

/* engine_monitor_exit, when the policy restarts: this process becomes
 * hull-monitor again, which sleeps delay_ms and runs `_monitor-restart`.
 * Returns only when that failed. */
void engine_monitor_reexec(const struct engine_lifecycle *l, int64_t delay_ms);

#endif
