/* hull: healthchecks (`--health-*`, the image's HEALTHCHECK), without a daemon.
 *
 * Config.Healthcheck is docker's HealthConfig: Test (["CMD", args...],
 * ["CMD-SHELL", "command"] or ["NONE"]), Interval, Timeout, StartPeriod
 * (nanoseconds; 0 = the default: 30 s, 30 s, 0) and Retries (0 = 3).  The
 * run flags override the image's fields one by one, as docker merges them.
 *
 * The container's monitor (hull-monitor --health-interval-ms) runs
 * `hull healthcheck run ID` every Interval, counted from the end of the
 * previous check, while the container runs; within StartPeriod of the
 * start, until a check has passed (Status still "starting"), every
 * StartInterval instead (docker 25's --health-start-interval, default 5 s).  A check is one process in the
 * container through the exec path (its user, env, capabilities, seccomp),
 * killed after Timeout.  The result goes into State.Health as docker's
 * monitor writes it: Status starting -> healthy on exit 0, unhealthy after
 * Retries failures in a row (failures within StartPeriod of the start do
 * not count while still "starting"), FailingStreak, and Log with the last 5
 * results (Start, End, ExitCode, Output: the first 4096 bytes).  A (re)start
 * sets Status "starting" and FailingStreak 0, and keeps the Log. */
#ifndef HULL_ENGINE_HEALTH_H
#define HULL_ENGINE_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

#include "record_config.h"
#include "util/error_internal.h"
#include "hull/hull-engine.h"

struct json_object;
struct engine_record;
struct engine_health_state;

#define ENGINE_HEALTH_DEFAULT_INTERVAL_MS 30000
#define ENGINE_HEALTH_DEFAULT_TIMEOUT_MS 30000
#define ENGINE_HEALTH_DEFAULT_RETRIES 3
#define ENGINE_HEALTH_DEFAULT_START_INTERVAL_MS 5000
#define ENGINE_HEALTH_LOG_ENTRIES 5
#define ENGINE_HEALTH_OUTPUT_MAX 4096

/* The container's Config.Healthcheck: the flags' members over the image's
 * (either may be unset: keep.seen false); unset when neither has one.
 * Clear *out with record_healthcheck_clear. */
void engine_health_config_merge(const struct record_healthcheck *flags, const struct record_healthcheck *image,
                                struct record_healthcheck *out);

/* What a record's Config.Healthcheck means, defaults applied.  False (and
 * nothing to clear) when the container has no healthcheck (none, NONE, or
 * an empty Test). */
struct engine_health_settings {
    char **test; /* the argv run in the container (CMD-SHELL: /bin/sh -c TEXT) */
    int64_t interval_ms, timeout_ms, start_period_ms;
    int64_t start_interval_ms; /* StartInterval (docker 25): between checks in the start period, default 5 s */
    int retries;
};
bool engine_health_settings_of(const struct engine_record *rec, struct engine_health_settings *out);
void engine_health_settings_clear(struct engine_health_settings *s);

/* At a (re)start, in State: Health {Status "starting", FailingStreak 0, Log
 * kept} when the container has a healthcheck. */
void engine_health_reset(struct engine_record *rec);

/* One check's result, applied to State.Health by docker's rules. */
struct engine_health_result {
    int64_t start_ms, end_ms; /* wall clock, ms since the epoch */
    int exit_code;            /* -1: timed out or could not run */
    const char *output;
};
void engine_health_apply(struct engine_health_state *h, const struct engine_health_result *r,
                         const struct engine_health_settings *s, int64_t started_ms);

#endif
