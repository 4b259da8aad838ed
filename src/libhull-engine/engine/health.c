/* hull: healthchecks (see health.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container/exec.h"
#include "health.h"
#include "record.h"
#include "security/security.h"
#include "spec/spec.h"
#include "util/duration.h"
#include "util/utils.h"

/* docker's MinimumDuration for Interval, Timeout and StartPeriod */
#define MIN_DURATION_NS 1000000LL

static int parse_duration_flag(const char *flag, const char *text, int64_t *ns, struct hull_error **err)
{
    if (!parse_go_duration(text, ns))
        return hull_error_set(err, 0, "invalid %s \"%s\": want a duration such as 30s, 1m30s or 500ms", flag, text);
    if (*ns < 0)
        return hull_error_set(err, 0, "invalid %s \"%s\": cannot be negative", flag, text);
    if (*ns > 0 && *ns < MIN_DURATION_NS)
        return hull_error_set(err, 0, "invalid %s \"%s\": cannot be less than 1ms", flag, text);
    return 0;
}

int engine_health_flags_parse(const struct engine_health_flags *f, struct record_healthcheck *out,
                              struct hull_error **err)
{
    *out = (struct record_healthcheck){0};
    bool any = f->cmd || f->interval || f->timeout || f->start_period || f->start_interval || f->retries;
    if (f->none) {
        if (any)
            return hull_error_set(err, 0, "--no-healthcheck conflicts with the --health-* options");
        record_set(out, RHC_TEST);
        strv_add(&out->test, xstrdup("NONE"));
        return 0;
    }
    if (!any)
        return 0;
    struct {
        const char *flag, *text;
        int member;
        int64_t *ns;
    } durations[] = {
        {"--health-interval", f->interval, RHC_INTERVAL, &out->interval},
        {"--health-timeout", f->timeout, RHC_TIMEOUT, &out->timeout},
        {"--health-start-period", f->start_period, RHC_START_PERIOD, &out->start_period},
        {"--health-start-interval", f->start_interval, RHC_START_INTERVAL, &out->start_interval},
    };
    out->keep.seen = true;
    for (size_t i = 0; i < ARRAY_SIZE(durations); i++) {
        if (!durations[i].text)
            continue;
        if (parse_duration_flag(durations[i].flag, durations[i].text, durations[i].ns, err) < 0) {
            record_healthcheck_clear(out);
            return -1;
        }
        record_set(out, durations[i].member);
    }
    if (f->retries) {
        if (!parse_int64(f->retries, &out->retries) || out->retries < 0 || out->retries > INT32_MAX) {
            record_healthcheck_clear(out);
            return hull_error_set(err, 0, "invalid --health-retries \"%s\": want a number, 0 or more", f->retries);
        }
        record_set(out, RHC_RETRIES);
    }
    if (f->cmd) {
        if (!*f->cmd) {
            record_healthcheck_clear(out);
            return hull_error_set(err, 0, "invalid --health-cmd \"\": the command is empty");
        }
        record_set(out, RHC_TEST);
        strv_add(&out->test, xstrdup("CMD-SHELL"));
        strv_add(&out->test, xstrdup(f->cmd));
    }
    return 0;
}

static bool has_test(const struct record_healthcheck *hc)
{
    return record_has(&hc->keep, RHC_TEST) && hc->test && hc->test[0];
}

void engine_health_config_merge(const struct record_healthcheck *flags, const struct record_healthcheck *image,
                                struct record_healthcheck *out)
{
    *out = (struct record_healthcheck){0};
    if (!flags->keep.seen || !image->keep.seen) {
        record_healthcheck_copy(flags->keep.seen ? flags : image, out);
        return;
    }
    /* daemon/commit.go merge(): what the flags leave out comes from the image */
    record_healthcheck_copy(flags, out);
    if (!has_test(out) && has_test(image)) {
        strv_free(out->test);
        out->test = strv_copy(image->test);
        record_set(out, RHC_TEST);
        out->keep.null &= ~RECORD_BIT(RHC_TEST);
    }
    int64_t *mine[] = {&out->interval, &out->timeout, &out->start_period, &out->start_interval, &out->retries};
    const int64_t theirs[] = {image->interval, image->timeout, image->start_period, image->start_interval,
                              image->retries};
    const int members[] = {RHC_INTERVAL, RHC_TIMEOUT, RHC_START_PERIOD, RHC_START_INTERVAL, RHC_RETRIES};
    for (size_t i = 0; i < ARRAY_SIZE(members); i++)
        if (!*mine[i] && record_has(&image->keep, members[i])) {
            *mine[i] = theirs[i];
            record_set(out, members[i]);
            out->keep.null &= ~RECORD_BIT(members[i]);
        }
}

bool engine_health_settings_of(const struct engine_record *rec, struct engine_health_settings *out)
{
    *out = (struct engine_health_settings){0};
    const struct record_healthcheck *hc = &rec->config.healthcheck;
    if (!record_has(&rec->config.keep, RC_HEALTHCHECK) || !hc->test || !hc->test[0])
        return false;
    char *const *test = hc->test;
    size_t n = strv_length(test);
    const char *kind = test[0];
    if (!strcmp(kind, "NONE"))
        return false;
    if (!strcmp(kind, "CMD-SHELL")) {
        if (n != 2)
            return false;
        strv_add(&out->test, xstrdup("/bin/sh"));
        strv_add(&out->test, xstrdup("-c"));
        strv_add(&out->test, xstrdup(test[1]));
    } else if (!strcmp(kind, "CMD")) {
        for (size_t i = 1; i < n; i++)
            strv_add(&out->test, xstrdup(test[i]));
    }
    if (!out->test)
        return false;
    int64_t interval = hc->interval, timeout = hc->timeout, start = hc->start_period;
    int64_t start_interval = hc->start_interval, retries = hc->retries;
    out->interval_ms = interval > 0 ? interval / 1000000 : ENGINE_HEALTH_DEFAULT_INTERVAL_MS;
    out->timeout_ms = timeout > 0 ? timeout / 1000000 : ENGINE_HEALTH_DEFAULT_TIMEOUT_MS;
    out->start_period_ms = start > 0 ? start / 1000000 : 0;
    out->start_interval_ms = start_interval > 0 ? start_interval / 1000000 : ENGINE_HEALTH_DEFAULT_START_INTERVAL_MS;
    if (out->start_interval_ms < 1)
        out->start_interval_ms = 1;
    out->retries = retries > 0 ? (int)(retries > INT32_MAX ? INT32_MAX : retries) : ENGINE_HEALTH_DEFAULT_RETRIES;
    if (out->interval_ms < 1)
        out->interval_ms = 1;
    if (out->timeout_ms < 1)
        out->timeout_ms = 1;
    return true;
}

void engine_health_settings_clear(struct engine_health_settings *s)
{
    strv_free(s->test);
    s->test = NULL;
}

void engine_health_reset(struct engine_record *rec)
{
    struct engine_health_settings s;
    if (!engine_health_settings_of(rec, &s))
        return;
    engine_health_settings_clear(&s);
    struct engine_health_state *h = &rec->state.health;
    engine_record_set_str(&h->status, "starting");
    h->failing_streak = 0;
}

static char *rfc3339_of_ms(int64_t ms)
{
    time_t sec = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&sec, &tm);
    char buf[64];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return xasprintf("%s.%03dZ", buf, (int)(ms % 1000));
}

void engine_health_apply(struct engine_health_state *h, const struct engine_health_result *r,
                         const struct engine_health_settings *s, int64_t started_ms)
{
    if (!h->status)
        h->status = xstrdup("starting");
    if (h->n_log == ENGINE_RECORD_HEALTH_LOG) { /* the oldest goes */
        free(h->log[0].start);
        free(h->log[0].end);
        free(h->log[0].output);
        memmove(&h->log[0], &h->log[1], (ENGINE_RECORD_HEALTH_LOG - 1) * sizeof h->log[0]);
        h->n_log--;
    }
    h->log[h->n_log++] = (struct engine_health_log_entry){
        .start = rfc3339_of_ms(r->start_ms),
        .end = rfc3339_of_ms(r->end_ms),
        .exit_code = r->exit_code,
        .output = xstrdup(r->output ? r->output : ""),
    };
    if (r->exit_code == 0) {
        engine_record_set_str(&h->status, "healthy");
        h->failing_streak = 0;
        return;
    }
    /* moby handleProbeResult: while still "starting", failures within the
     * start period do not count. */
    if (!strcmp(h->status, "starting") && r->start_ms - started_ms < s->start_period_ms)
        return;
    h->failing_streak++;
    if (h->failing_streak >= s->retries)
        engine_record_set_str(&h->status, "unhealthy");
}

static int64_t realtime_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t rfc3339_ms(const char *text)
{
    struct tm tm = {0};
    const char *rest = text ? strptime(text, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
    if (!rest || tm.tm_year < 70)
        return 0;
    int64_t ms = (int64_t)timegm(&tm) * 1000;
    if (*rest == '.')
        ms += strtol(rest + 1, NULL, 10) / 1000000;
    return ms;
}

/* Output of the check: the first ENGINE_HEALTH_OUTPUT_MAX bytes are kept,
 * the rest read and dropped so the check never blocks on a full pipe. */
struct captured {
    char buf[ENGINE_HEALTH_OUTPUT_MAX + 1];
    size_t len;
};

static bool drain(int fd, struct captured *c)
{
    char tmp[4096];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    size_t keep = (size_t)n < ENGINE_HEALTH_OUTPUT_MAX - c->len ? (size_t)n : ENGINE_HEALTH_OUTPUT_MAX - c->len;
    memcpy(c->buf + c->len, tmp, keep);
    c->len += keep;
    return true;
}

/* Starts test in the container with stdout+stderr on out_fd and stdin on /dev/null. */
static int start_probe(const char *runroot, const char *id, const char *bundle, char **test, int out_fd, pid_t *pid,
                       struct hull_error **err)
{
    cleanup_spec struct hull_spec *spec = NULL;
    cleanup_free char *path = xasprintf("%s/config.json", bundle);
    cleanup_free char *text = NULL;
    if (read_file(path, &text, NULL, err) < 0 || spec_parse(text, &spec, err) < 0)
        return -1;
    if (!spec->process)
        return hull_error_set(err, 0, "container %.12s has no process in %s", id, path);
    strv_free(spec->process->args);
    spec->process->args = NULL;
    for (char **a = test; *a; a++)
        strv_add(&spec->process->args, xstrdup(*a));
    spec->process->terminal = false;
    spec->process->has_console_size = false;
    if (security_validate_process(spec->process, err) < 0)
        return -1;
    struct seccomp_prepared *seccomp = NULL;
    if (spec->linux_.seccomp && seccomp_prepare(spec->linux_.seccomp, &seccomp, err) < 0)
        return -1;
    cleanup_free char *rtroot = engine_runtime_root(runroot);
    struct container_exec_opts o = {
        .root = rtroot,
        .id = id,
        .process = spec->process,
        .seccomp = seccomp,
        .linux_ = &spec->linux_,
    };
    /* container_exec hands our stdio to the process. */
    int saved[3];
    cleanup_close int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    for (int fd = 0; fd < 3; fd++)
        saved[fd] = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (null >= 0)
        dup2(null, 0);
    dup2(out_fd, 1);
    dup2(out_fd, 2);
    int r = container_exec(&o, pid, err);
    for (int fd = 0; fd < 3; fd++) {
        if (saved[fd] >= 0) {
            dup2(saved[fd], fd);
            close(saved[fd]);
        }
    }
    if (seccomp)
        seccomp_prepared_free(seccomp);
    return r;
}

/* Runs the check: exit code (-1 on a timeout or when it could not start) and output. */
static void run_probe(const char *runroot, const char *id, const char *bundle, const struct engine_health_settings *s,
                      struct engine_health_result *res, struct captured *out)
{
    int p[2];
    res->start_ms = realtime_ms();
    res->exit_code = -1;
    if (pipe2(p, O_CLOEXEC) < 0) {
        out->len = (size_t)snprintf(out->buf, sizeof out->buf, "cannot run the check: pipe: %s", strerror(errno));
        res->end_ms = realtime_ms();
        return;
    }
    pid_t pid;
    cleanup_error struct hull_error *err = NULL;
    int r = start_probe(runroot, id, bundle, s->test, p[1], &pid, &err);
    close(p[1]);
    if (r < 0) {
        cleanup_free char *text = hull_error_text(err);
        out->len = (size_t)snprintf(out->buf, sizeof out->buf, "cannot run the check: %s", text);
        close(p[0]);
        res->end_ms = realtime_ms();
        return;
    }
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    int64_t deadline = monotonic_ms() + s->timeout_ms;
    bool timed_out = false, pipe_open = true;
    int status = 0;
    for (;;) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            break;
        int64_t left = deadline - monotonic_ms();
        if (left <= 0) {
            timed_out = true;
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            break;
        }
        /* Without a pidfd (kernel < 5.3) the exit is polled every 50 ms. */
        int64_t slice = pidfd >= 0 ? 1000 : 50;
        struct pollfd fds[2] = {{.fd = pipe_open ? p[0] : -1, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
        if (poll(fds, 2, (int)(left < slice ? left : slice)) > 0 && fds[0].revents && !drain(p[0], out))
            pipe_open = false;
    }
    /* What is still in the pipe; a background process of the check may keep
     * its write end open, so no waiting for EOF. */
    for (struct pollfd f = {.fd = p[0], .events = POLLIN}; pipe_open && poll(&f, 1, 0) > 0;)
        pipe_open = drain(p[0], out) && (f.revents & POLLIN);
    close(p[0]);
    res->end_ms = realtime_ms();
    out->buf[out->len] = '\0';
    if (timed_out) {
        out->len = (size_t)snprintf(out->buf, sizeof out->buf, "Health check exceeded timeout (%lldms)",
                                    (long long)s->timeout_ms);
        return;
    }
    res->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

/* Whether the container's init has exited or is exiting.  Exiting counts:
 * the checks it kills die while it is still in the kernel's exit (the init
 * of a pid namespace waits there until every other process of it has been
 * reaped, the check's included), and do_exit marks it PF_EXITING before it
 * kills them.  Its pidfd (readable once it has exited, before its monitor
 * reaps it) makes sure /proc/PID is still the same process. */
static bool init_exited(pid_t init, int init_fd)
{
    if (init <= 0)
        return false;
    if (init_fd >= 0) {
        struct pollfd p = {.fd = init_fd, .events = POLLIN};
        if (poll(&p, 1, 0) > 0)
            return true;
    }
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)init);
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (n <= 0)
        return true;
    buf[n] = '\0';
    /* after "pid (comm)": state ppid pgrp session tty_nr tpgid flags */
    const char *paren = strrchr(buf, ')');
    char state = 0;
    unsigned flags = 0;
    if (!paren || sscanf(paren + 1, " %c %*d %*d %*d %*d %*d %u", &state, &flags) != 2)
        return false;
    return state == 'Z' || state == 'X' || (flags & 0x00000004 /* PF_EXITING */);
}

struct health_edit {
    const char *started_at;
    pid_t init;
    int init_fd;
    const struct engine_health_result *res;
    const struct engine_health_settings *s;
    const char *status; /* the resulting Status (static) */
};

static int record_result(struct engine_record *rec, void *data, struct hull_error **err)
{
    struct health_edit *e = data;
    /* Recorded only for the run it was made on, and only while its init
     * lives: docker stops a container's health monitor first thing at its
     * exit (daemon/monitor.go handleContainerExit: stopHealthchecks) and
     * drops the result of a probe still running (health.go: monitor,
     * handleProbeResult's done), so a check that the exit killed does not
     * make an exited container "unhealthy".  Our monitor may record the exit
     * only after this check ends, so the init is asked, not the record. */
    if (strcmp(rec->state.status, "running") || strcmp(rec->state.started_at, e->started_at) ||
        init_exited(e->init, e->init_fd))
        return hull_error_set(err, 0, "container %.12s stopped while it was checked", rec->id);
    engine_health_apply(&rec->state.health, e->res, e->s, rfc3339_ms(e->started_at));
    const char *now = rec->state.health.status;
    e->status = !strcmp(now, "healthy") ? "healthy" : !strcmp(now, "unhealthy") ? "unhealthy" : "starting";
    return 0;
}

int engine_health_check(const char *root, const char *runroot, const char *id, bool *passed,
                        const char **status_out, struct hull_error **err)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(root, id, &rec, err) < 0)
        return -1;
    struct engine_health_settings s;
    if (!engine_health_settings_of(rec, &s))
        return hull_error_set(err, 0, "container %.12s has no healthcheck", id);
    if (strcmp(rec->state.status, "running")) {
        engine_health_settings_clear(&s);
        return hull_error_set(err, 0, "container %.12s is not running", id);
    }
    pid_t init = rec->state.pid;
    /* The container's init, watched from before the check: a check still
     * running when it exits dies with it, and that failure is not the
     * container's health (below). */
    cleanup_close int init_fd = init > 0 ? (int)syscall(SYS_pidfd_open, init, 0) : -1;
    cleanup_free char *bundle = engine_container_dir(root, id);
    struct engine_health_result res = {0};
    static struct captured out;
    out.len = 0;
    run_probe(runroot, id, bundle, &s, &res, &out);
    res.output = out.buf;
    *passed = res.exit_code == 0;
    struct health_edit e = {.started_at = rec->state.started_at, .init = init, .init_fd = init_fd, .res = &res, .s = &s};
    int r = engine_record_edit(root, id, record_result, &e, err);
    engine_health_settings_clear(&s);
    if (r < 0)
        return -1;
    *status_out = e.status;
    return 0;
}
