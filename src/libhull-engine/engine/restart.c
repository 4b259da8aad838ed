/* hull: restart policies (see restart.h). */
#include <errno.h>
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

void engine_restart_policy_of(const struct engine_record *rec, struct engine_restart_policy *out)
{
    const struct record_restart_policy *p = &rec->host_config.restart_policy;
    *out = (struct engine_restart_policy){0};
    const char *name = p->name ? p->name : "";
    if (!name_lookup(name, strlen(name), &out->name))
        out->name = ENGINE_RESTART_NO;
    out->max_retries = (int)p->maximum_retry_count;
}

void engine_restart_policy_record(const struct engine_restart_policy *p, struct record_restart_policy *out)
{
    record_set(out, RRP_NAME, RRP_MAXIMUM_RETRY_COUNT);
    out->name = xstrdup(engine_restart_policy_name(p->name));
    out->maximum_retry_count = p->max_retries;
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

int64_t engine_rfc3339_ms(const char *text)
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

struct exit_edit {
    const char *root;
    int code, monitor_pid;
    bool oom_killed;
    bool die_sent;
    bool restart;
    int64_t delay;
};

static void send_die(const char *root, const struct engine_record *rec, int code)
{
    char code_text[16];
    snprintf(code_text, sizeof code_text, "%d", code);
    engine_event_container(root, rec, "die", "exitCode", code_text);
}

static int record_exit(struct engine_record *rec, void *data, struct hull_error **err)
{
    (void)err;
    struct exit_edit *e = data;
    struct engine_record_state *state = &rec->state;
    struct engine_restart_policy policy;
    engine_restart_policy_of(rec, &policy);
    e->delay = rec->restart.delay_ms;
    int64_t now = realtime_ms();
    int64_t started = engine_rfc3339_ms(state->started_at);
    e->restart = engine_restart_decide(&policy, e->code, rec->restart.manually_stopped, rec->restart_count,
                                       started ? now - started : 0, &e->delay);
    cleanup_free char *finished = rfc3339_now();
    /* docker's SetRestarting: "running" for rm/stop/start, but no process. */
    engine_record_set_str(&state->status, e->restart ? "restarting" : "exited");
    state->running = e->restart;
    state->restarting = e->restart;
    state->paused = false;
    state->pid = 0;
    state->exit_code = e->code;
    state->oom_killed = e->oom_killed;
    engine_record_set_str(&state->finished_at, finished);
    rec->creating_pid = 0;
    /* The event first, as set_state (record.c) does: a waiter for the new
     * state finds it in the journal. */
    if (!e->die_sent)
        send_die(e->root, rec, e->code);
    if (e->restart) {
        rec->restart_count++;
        rec->restart.delay_ms = e->delay;
        rec->restart.monitor_pid = e->monitor_pid;
    }
    return 0;
}

void engine_restart_exit_event(const char *root, const char *id, int code)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(root, id, &rec, NULL) < 0)
        return; /* removed meanwhile (`hull rm -f`): its "destroy" says it all */
    send_die(root, rec, code);
}

int64_t engine_restart_record_exit(const char *root, const char *id, int code, bool oom_killed, int monitor_pid,
                                   bool die_sent, struct hull_error **err)
{
    struct exit_edit e = {
        .root = root, .code = code, .monitor_pid = monitor_pid, .oom_killed = oom_killed, .die_sent = die_sent};
    int r = engine_record_edit(root, id, record_exit, &e, err);
    return r < 0 || !e.restart ? -1 : e.delay;
}

static int set_monitor(struct engine_record *rec, void *data, struct hull_error **err)
{
    (void)err;
    rec->restart.monitor_pid = *(int *)data;
    return 0;
}

int engine_restart_set_monitor(const char *root, const char *id, int monitor_pid, struct hull_error **err)
{
    return engine_record_edit(root, id, set_monitor, &monitor_pid, err);
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

static int cancel(struct engine_record *rec, void *data, struct hull_error **err)
{
    (void)err;
    int *monitor = data;
    rec->restart.manually_stopped = true;
    struct engine_record_state *state = &rec->state;
    if (!strcmp(state->status, "restarting")) {
        engine_record_set_str(&state->status, "exited");
        state->running = false;
        state->restarting = false;
        *monitor = rec->restart.monitor_pid;
        if (*monitor == 0)
            *monitor = -1; /* still "was restarting" */
    }
    return 0;
}

int engine_restart_cancel(const char *root, const char *id, struct hull_error **err)
{
    int monitor = 0;
    if (engine_record_edit(root, id, cancel, &monitor, err) < 0)
        return -1;
    /* While it sleeps the delay, the monitor holds nothing of the container;
     * if it is already past the delay, its start sees "exited" and undoes
     * itself (engine_record_set_restarted). */
    if (monitor > 0 && is_monitor_of(monitor, id))
        kill(monitor, SIGTERM);
    return monitor != 0 ? 1 : 0;
}

bool engine_restart_wanted_at_boot(const struct engine_record *rec)
{
    const char *status = rec->state.status;
    if (!strcmp(status, "created") || !strcmp(status, "dead") || !strncmp(rec->state.started_at, "0001", 4))
        return false;
    bool lost = !strcmp(status, "running") || !strcmp(status, "paused") || !strcmp(status, "restarting");
    int code = lost ? 255 : rec->state.exit_code;
    bool stopped = !lost && rec->restart.manually_stopped;
    struct engine_restart_policy p;
    engine_restart_policy_of(rec, &p);
    int count = rec->restart_count;
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
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(root, id, &rec, NULL) < 0)
        return false;
    return !strcmp(rec->state.status, "restarting") && !engine_restart_abandoned(rec);
}

bool engine_restart_abandoned(const struct engine_record *rec)
{
    if (strcmp(rec->state.status, "restarting"))
        return false;
    int pid = rec->restart.monitor_pid;
    return pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH);
}
