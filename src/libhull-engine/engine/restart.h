/* hull: restart policies (`hull run --restart`), done without a daemon.
 *
 * The container's monitor (hull-monitor, lifecycle.h) replaces itself with
 * `hull _monitor-exit ID CODE` when the init exits.  That command asks
 * engine_restart_record_exit whether the policy wants the container again;
 * if so the record says State "restarting" (Running and Restarting true, Pid
 * 0, RestartCount + 1, as docker's SetRestarting) and the same process
 * becomes the monitor again (`hull-monitor --delay-ms N`), which sleeps the
 * backoff delay and runs `hull _monitor-restart ID`: a start that only
 * happens while the record still says "restarting".
 *
 * docker's semantics (moby restartmanager, daemon/monitor.go):
 *   no              never
 *   always          whatever the exit code
 *   unless-stopped  likewise (differs from always only for
 *                   `hull start --all-restartable`, the boot hook: a
 *                   container stopped by the user stays stopped)
 *   on-failure[:N]  exit code != 0, at most N restarts (0: no limit)
 * `hull stop`, and `hull kill` with SIGKILL or the stop signal, cancel: the
 * exit they cause is final (HasBeenManuallyStopped).  `hull start` resets
 * RestartCount and the backoff.  The delay before restart k is 100 ms
 * doubled each time up to one minute, back to 100 ms when the container had
 * run for 10 s or more.
 *
 * Private record members (besides docker's RestartCount and
 * HostConfig.RestartPolicy): HullRestart { ManuallyStopped, DelayMs,
 * MonitorPid }. */
#ifndef HULL_ENGINE_RESTART_H
#define HULL_ENGINE_RESTART_H

#include <stdbool.h>
#include <stdint.h>

#include "record_config.h"
#include "util/error_internal.h"
#include "hull/hull-engine.h"

struct engine_record;

#define ENGINE_RESTART_FIRST_DELAY_MS 100
#define ENGINE_RESTART_MAX_DELAY_MS 60000
#define ENGINE_RESTART_RESET_AFTER_MS 10000

/* "no", "always", "on-failure", "unless-stopped" */
const char *engine_restart_policy_name(enum engine_restart_name name);
/* HostConfig.RestartPolicy {Name, MaximumRetryCount} of a record; "no" when absent. */
void engine_restart_policy_of(const struct engine_record *rec, struct engine_restart_policy *out);
/* The record's HostConfig.RestartPolicy of p. */
void engine_restart_policy_record(const struct engine_restart_policy *p, struct record_restart_policy *out);

/* docker's RestartManager.ShouldRestart: whether the container is started
 * again after exiting with exit_code, having run ran_ms, restarted
 * restart_count times since its last start by hand.  *delay_ms is the delay
 * used before the previous restart (0: none yet) and becomes the next one. */
bool engine_restart_decide(const struct engine_restart_policy *p, int exit_code, bool manually_stopped,
                           int restart_count, int64_t ran_ms, int64_t *delay_ms);

/* The "die" event of a --rm container, whose record is removed at once
 * without an "exited" record first (engine_container_finish): `hull wait`
 * finds the exit code in it (exitCode). */
void engine_restart_exit_event(const char *root, const char *id, int code);

/* Milliseconds since the epoch of an RFC 3339 UTC time as rfc3339_now
 * writes it (the record's StartedAt); 0 when unreadable. */
int64_t engine_rfc3339_ms(const char *text);

/* `hull _monitor-exit`: the init exited with code.  Under the records lock,
 * State becomes "restarting" (returns the delay in ms, >= 0) or "exited"
 * (returns -1), with ExitCode, OOMKilled and FinishedAt, and the "die" event
 * is sent, unless die_sent (engine_restart_exit_event did).  monitor_pid is
 * the process that will sleep the delay (recorded so a dead one is noticed). */
int64_t engine_restart_record_exit(const char *root, const char *id, int code, bool oom_killed, int monitor_pid,
                                   bool die_sent, struct hull_error **err);

/* Records who sleeps the delay when that is not the exiting process (a
 * foreground `hull run` hands a restart over to a new monitor). */
int engine_restart_set_monitor(const char *root, const char *id, int monitor_pid, struct hull_error **err);

/* True when rec says "restarting" and the monitor that is to restart it is
 * gone (killed, or the host rebooted). */
bool engine_restart_abandoned(const struct engine_record *rec);

/* `hull start --all-restartable`, the boot hook (docker's daemon start:
 * ShouldRestart with the restart manager fresh): whether a container that
 * is not running should be started.  rec as recorded, before
 * engine_record_refresh: one that says running/paused/restarting lost its
 * process with the host and counts as exit code 255 (docker's), not
 * stopped by hand.  always: yes, even after hull stop; unless-stopped:
 * unless stopped by hand; on-failure[:N]: a non-zero exit, fewer than N
 * restarts; never a container that was never started. */
bool engine_restart_wanted_at_boot(const struct engine_record *rec);

/* `hull stop` / `hull kill`: the next exit is final.  A container waiting
 * to be restarted becomes "exited" at once and its sleeping monitor is told
 * to go (SIGTERM, after checking /proc that the pid is that monitor); the
 * return value is then 1, else 0. */
int engine_restart_cancel(const char *root, const char *id, struct hull_error **err);

#endif
