/* hull: restart policies (see restart.h). */
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "events.h"
#include "record.h"
#include "restart.h"
#include "util/utils.h"

static const char *const policy_names[] = {
    [ENGINE_RESTART_NO] = "no",
    [ENGINE_RESTART_ALWAYS] = "always",
    [ENGINE_RESTART_ON_FAILURE] = "on-failure",
    [ENGINE_RESTART_UNLESS_STOPPED] = "unless-stopped",
};

const char *engine_restart_policy_name(enum engine_restart_name name)
{
    return (size_t)name < ARRAY_SIZE(policy_names) ? policy_names[name] : "no";
}

static bool name_lookup(const char *text, size_t len, enum engine_restart_name *out)
{
    for (size_t i = 0; i < ARRAY_SIZE(policy_names); i++) {
        if (strlen(policy_names[i]) == len && !strncmp(policy_names[i], text, len)) {
            *out = (enum engine_restart_name)i;
            return true;
        }
    }
    return false;
}

int engine_restart_policy_parse(const char *text, struct engine_restart_policy *out, struct hull_error **err)
{
    /* docker/cli opts.ParseRestartPolicy, then moby's ValidateRestartPolicy. */
    const char *colon = strchr(text, ':');
    size_t len = colon ? (size_t)(colon - text) : strlen(text);
    struct engine_restart_policy p = {0};
    if (!name_lookup(text, len, &p.name))
        return hull_error_set(err, 0,
                              "invalid --restart \"%s\": unknown policy \"%.*s\" (no, always, on-failure[:N], "
                              "unless-stopped)",
                              text, (int)len, text);
    if (colon) {
        int64_t n;
        if (p.name != ENGINE_RESTART_ON_FAILURE)
            return hull_error_set(err, 0, "invalid --restart \"%s\": a maximum retry count goes only with on-failure",
                                  text);
        if (!parse_int64(colon + 1, &n))
            return hull_error_set(err, 0, "invalid --restart \"%s\": the maximum retry count must be an integer",
                                  text);
        if (n < 0)
            return hull_error_set(err, 0, "invalid --restart \"%s\": the maximum retry count cannot be negative",
                                  text);
        if (n > INT_MAX)
            return hull_error_set(err, 0, "invalid --restart \"%s\": the maximum retry count is too large", text);
        p.max_retries = (int)n;
    }
    *out = p;
    return 0;
}

void engine_restart_policy_of(struct json_object *rec, struct engine_restart_policy *out)
{
    struct json_object *p = engine_json_path(rec, "HostConfig", "RestartPolicy");
    *out = (struct engine_restart_policy){0};
    const char *name = engine_json_str(p, "Name");
    if (!name_lookup(name, strlen(name), &out->name))
        out->name = ENGINE_RESTART_NO;
    out->max_retries = json_object_get_int(engine_json_path(p, "MaximumRetryCount", NULL));
}

struct json_object *engine_restart_policy_json(const struct engine_restart_policy *p)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "Name", json_object_new_string(engine_restart_policy_name(p->name)));
    json_object_object_add(o, "MaximumRetryCount", json_object_new_int(p->max_retries));
    return o;
}

bool engine_restart_decide(const struct engine_restart_policy *p, int exit_code, bool manually_stopped,
                           int restart_count, int64_t ran_ms, int64_t *delay_ms)
{
    /* moby restartmanager: a container that ran 10 s or more starts the
     * backoff again; otherwise each restart waits twice as long as the last. */
    if (ran_ms >= ENGINE_RESTART_RESET_AFTER_MS)
        *delay_ms = 0;
    if (*delay_ms <= 0)
        *delay_ms = ENGINE_RESTART_FIRST_DELAY_MS;
    else if (*delay_ms < ENGINE_RESTART_MAX_DELAY_MS)
        *delay_ms *= 2;
    if (*delay_ms > ENGINE_RESTART_MAX_DELAY_MS)
        *delay_ms = ENGINE_RESTART_MAX_DELAY_MS;
    /* The restart manager is cancelled by stop/kill: no policy restarts then. */
    if (manually_stopped)
        return false;
    switch (p->name) {
    case ENGINE_RESTART_ALWAYS:
    case ENGINE_RESTART_UNLESS_STOPPED:
        return true;
    case ENGINE_RESTART_ON_FAILURE:
        return exit_code != 0 && (p->max_retries == 0 || restart_count < p->max_retries);
    case ENGINE_RESTART_NO:
        break;
    }
    return false;
}

/* Milliseconds since the epoch of an RFC 3339 UTC time as rfc3339_now writes it; 0 when unreadable. */
static int64_t rfc3339_ms(const char *text)
{
    struct tm tm = {0};
    const char *rest = text ? strptime(text, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
    if (!rest || tm.tm_year < 70)
        return 0;
    int64_t ms = (int64_t)timegm(&tm) * 1000;
    if (*rest == '.')
        ms += strtol(rest + 1, NULL, 10) / 1000000; /* the 9 digits rfc3339_now writes */
    return ms;
}

static int64_t realtime_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* rec.HullRestart, made when missing. */
static struct json_object *restart_state(struct json_object *rec)
{
    struct json_object *o = engine_json_path(rec, "HullRestart", NULL);
    if (!o || !json_object_is_type(o, json_type_object)) {
        o = json_object_new_object();
        json_object_object_add(rec, "HullRestart", o);
    }
    return o;
}

static bool member_bool(struct json_object *obj, const char *key)
{
    return json_object_get_boolean(engine_json_path(obj, key, NULL));
}

int64_t engine_restart_record_exit(const char *root, const char *id, int code, bool oom_killed, int monitor_pid,
                                   struct hull_error **err)
{
    /* Removed meanwhile (`hull rm -f`, --rm): nothing to record. */
    cleanup_free char *dir = engine_container_dir(root, id);
    if (access(dir, F_OK) < 0) {
        hull_error_set(err, errno, "container %.12s", id);
        return -1;
    }
    cleanup_close int lock = -1;
    if (engine_records_lock(root, &lock, err) < 0)
        return -1;
    struct json_object *rec = NULL;
    if (engine_record_load(root, id, &rec, err) < 0)
        return -1;
    struct json_object *state = engine_json_path(rec, "State", NULL);
    if (!state) {
        state = json_object_new_object();
        json_object_object_add(rec, "State", state);
    }
    struct engine_restart_policy policy;
    engine_restart_policy_of(rec, &policy);
    struct json_object *rs = restart_state(rec);
    int count = json_object_get_int(engine_json_path(rec, "RestartCount", NULL));
    int64_t delay = json_object_get_int64(engine_json_path(rs, "DelayMs", NULL));
    int64_t now = realtime_ms();
    int64_t started = rfc3339_ms(engine_json_str(state, "StartedAt"));
    bool restart = engine_restart_decide(&policy, code, member_bool(rs, "ManuallyStopped"), count,
                                         started ? now - started : 0, &delay);
    cleanup_free char *finished = rfc3339_now();
    /* docker's SetRestarting: "running" for rm/stop/start, but no process. */
    json_object_object_add(state, "Status", json_object_new_string(restart ? "restarting" : "exited"));
    json_object_object_add(state, "Running", json_object_new_boolean(restart));
    json_object_object_add(state, "Restarting", json_object_new_boolean(restart));
    json_object_object_add(state, "Paused", json_object_new_boolean(false));
    json_object_object_add(state, "Pid", json_object_new_int(0));
    json_object_object_add(state, "ExitCode", json_object_new_int(code));
    json_object_object_add(state, "OOMKilled", json_object_new_boolean(oom_killed));
    json_object_object_add(state, "FinishedAt", json_object_new_string(finished));
    json_object_object_del(rec, ENGINE_RECORD_CREATING);
    /* The event first, as set_state (record.c) does: a waiter for the new
     * state finds it in the journal. */
    char code_text[16];
    snprintf(code_text, sizeof code_text, "%d", code);
    engine_event_container(root, rec, "die", "exitCode", code_text);
    if (restart) {
        json_object_object_add(rec, "RestartCount", json_object_new_int(count + 1));
        json_object_object_add(rs, "DelayMs", json_object_new_int64(delay));
        json_object_object_add(rs, "MonitorPid", json_object_new_int(monitor_pid));
    }
    int r = engine_record_save(root, id, rec, err);
    json_object_put(rec);
    return r < 0 || !restart ? -1 : delay;
}

int engine_restart_set_monitor(const char *root, const char *id, int monitor_pid, struct hull_error **err)
{
    cleanup_close int lock = -1;
    if (engine_records_lock(root, &lock, err) < 0)
        return -1;
    struct json_object *rec = NULL;
    if (engine_record_load(root, id, &rec, err) < 0)
        return -1;
    json_object_object_add(restart_state(rec), "MonitorPid", json_object_new_int(monitor_pid));
    int r = engine_record_save(root, id, rec, err);
    json_object_put(rec);
    return r;
}

/* Whether pid is hull-monitor working for container id (not a reused pid):
 * its command line names the container's log, which holds the id. */
static bool is_monitor_of(int pid, const char *id)
{
    cleanup_free char *path = xasprintf("/proc/%d/cmdline", pid);
    cleanup_free char *text = NULL;
    size_t len = 0;
    if (pid <= 0 || read_file(path, &text, &len, NULL) < 0 || len == 0)
        return false;
    const char *base = strrchr(text, '/');
    if (strcmp(base ? base + 1 : text, "hull-monitor"))
        return false;
    for (size_t i = 0; i < len; i += strlen(text + i) + 1)
        if (strstr(text + i, id))
            return true;
    return false;
}

int engine_restart_cancel(const char *root, const char *id, struct hull_error **err)
{
    cleanup_close int lock = -1;
    if (engine_records_lock(root, &lock, err) < 0)
        return -1;
    struct json_object *rec = NULL;
    if (engine_record_load(root, id, &rec, err) < 0)
        return -1;
    struct json_object *rs = restart_state(rec);
    json_object_object_add(rs, "ManuallyStopped", json_object_new_boolean(true));
    struct json_object *state = engine_json_path(rec, "State", NULL);
    int monitor = 0;
    if (state && !strcmp(engine_json_str(state, "Status"), "restarting")) {
        json_object_object_add(state, "Status", json_object_new_string("exited"));
        json_object_object_add(state, "Running", json_object_new_boolean(false));
        json_object_object_add(state, "Restarting", json_object_new_boolean(false));
        monitor = json_object_get_int(engine_json_path(rs, "MonitorPid", NULL));
        if (monitor == 0)
            monitor = -1; /* still "was restarting" */
    }
    bool was_restarting = monitor != 0;
    int r = engine_record_save(root, id, rec, err);
    json_object_put(rec);
    if (r < 0)
        return -1;
    /* While it sleeps the delay, the monitor holds nothing of the container;
     * if it is already past the delay, its start sees "exited" and undoes
     * itself (engine_record_set_restarted). */
    if (monitor > 0 && is_monitor_of(monitor, id))
        kill(monitor, SIGTERM);
    return was_restarting ? 1 : 0;
}

bool engine_restart_wanted_at_boot(struct json_object *rec)
{
    struct json_object *state = engine_json_path(rec, "State", NULL);
    const char *status = engine_json_str(state, "Status");
    if (!strcmp(status, "created") || !strcmp(status, "dead") || !strncmp(engine_json_str(state, "StartedAt"), "0001", 4))
        return false;
    bool lost = !strcmp(status, "running") || !strcmp(status, "paused") || !strcmp(status, "restarting");
    int code = lost ? 255 : json_object_get_int(engine_json_path(state, "ExitCode", NULL));
    bool stopped = !lost && member_bool(engine_json_path(rec, "HullRestart", NULL), "ManuallyStopped");
    struct engine_restart_policy p;
    engine_restart_policy_of(rec, &p);
    int count = json_object_get_int(engine_json_path(rec, "RestartCount", NULL));
    switch (p.name) {
    case ENGINE_RESTART_ALWAYS:
        return true;
    case ENGINE_RESTART_UNLESS_STOPPED:
        return !stopped;
    case ENGINE_RESTART_ON_FAILURE:
        return code != 0 && (p.max_retries == 0 || count < p.max_retries);
    case ENGINE_RESTART_NO:
        break;
    }
    return false;
}

bool engine_restart_pending(const char *root, const char *id)
{
    struct json_object *rec = NULL;
    if (engine_record_load(root, id, &rec, NULL) < 0)
        return false;
    bool pending = !strcmp(engine_json_str(engine_json_path(rec, "State", NULL), "Status"), "restarting") &&
                   !engine_restart_abandoned(rec);
    json_object_put(rec);
    return pending;
}

bool engine_restart_abandoned(struct json_object *rec)
{
    if (strcmp(engine_json_str(engine_json_path(rec, "State", NULL), "Status"), "restarting"))
        return false;
    int pid = json_object_get_int(engine_json_path(rec, "HullRestart", "MonitorPid"));
    return pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH);
}
