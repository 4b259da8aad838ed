/* hull: stop and kill (hull-engine.h): the signal to a container's init, the
 * journal's kill and stop events around it, and the restart policy told
 * that the exit is final (restart.h), so that `hull stop` and `hull kill`
 * only parse flags and print. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "events.h"
#include "lifecycle.h"
#include "manage.h"
#include "record.h"
#include "restart.h"
#include "util/utils.h"

/* Running, or paused (the init lives, its cgroup is frozen). */
static bool is_live(const char *status)
{
    return !strcmp(status, "running") || !strcmp(status, "paused");
}

/* Waits until the record says exited (the init's waiter has written the
 * exit code), at most timeout_ms. */
static bool wait_exited(const char *root, const char *id, int timeout_ms)
{
    for (int waited = 0;; waited += 50) {
        cleanup_engine_record struct engine_record *rec = NULL;
        if (engine_record_read(root, id, &rec, NULL) < 0)
            return true; /* removed (--rm) */
        if (!is_live(rec->state.status))
            return true;
        if (waited >= timeout_ms)
            return false;
        usleep(50 * 1000);
    }
}

/* A frozen process (cgroup v1 freezer) does not act on a signal, not even
 * SIGKILL, until it is thawed: after signalling a paused container, thaw
 * it, as docker does. */
static void thaw_if_paused(const char *root, const char *runroot, const char *id)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(root, id, &rec, NULL) < 0)
        return;
    cleanup_error struct hull_error *err = NULL;
    if (!strcmp(rec->state.status, "paused"))
        engine_container_pause(root, runroot, id, false, &err);
}

/* Config.StopSignal (--stop-signal or the image's StopSignal), else SIGTERM. */
static int stop_signal_of(const char *root, const char *id)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(root, id, &rec, NULL) < 0)
        return SIGTERM;
    const char *text = record_str(rec->config.stop_signal);
    int sig = *text ? hull_signal_parse(text) : SIGTERM;
    return sig > 0 ? sig : SIGTERM;
}

/* The kill event first (the container's "die" cannot come before it), then
 * the signal; a failure counts only while the init still runs (it may have
 * exited meanwhile). */
static int signal_init(const char *root, const char *runroot, const char *id, int sig, bool all,
                       bool failure_if_exited, struct hull_error **err)
{
    char sig_text[16];
    snprintf(sig_text, sizeof sig_text, "%d", sig);
    engine_event_container_id(root, id, "kill", "signal", sig_text);
    cleanup_free char *rtroot = engine_runtime_root(runroot);
    struct hull_error *kill_err = NULL;
    if (hull_container_kill(&(struct hull_kill_opts){.root = rtroot, .id = id, .signal = sig, .all = all},
                            &kill_err) == 0)
        return 0;
    if (!failure_if_exited && !engine_container_running(runroot, id)) {
        hull_error_free(kill_err);
        return 0;
    }
    if (err && !*err)
        *err = kill_err;
    else
        hull_error_free(kill_err);
    return -1;
}

int engine_container_stop(const char *root, const char *runroot, const char *id, int timeout,
                          struct hull_error **err)
{
    /* Stopped by the user: no restart policy starts it again (restart.h). */
    if (engine_restart_cancel(root, id, err) < 0)
        return -1;
    if (!engine_container_running(runroot, id))
        return 0; /* docker: stopping a stopped container succeeds */
    if (signal_init(root, runroot, id, stop_signal_of(root, id), false, false, err) < 0)
        return -1;
    thaw_if_paused(root, runroot, id);
    for (int waited = 0; waited < timeout * 1000 && engine_container_running(runroot, id); waited += 50)
        usleep(50 * 1000);
    if (engine_container_running(runroot, id) && signal_init(root, runroot, id, SIGKILL, true, false, err) < 0)
        return -1;
    if (!wait_exited(root, id, 10000))
        return hull_error_set(err, 0, "container %.12s did not stop", id);
    engine_event_container_id(root, id, "stop", NULL, NULL);
    return 0;
}

int engine_container_kill(const char *root, const char *runroot, const char *id, int sig, struct hull_error **err)
{
    /* moby killWithSignal: SIGKILL, the stop signal, or any signal when the
     * container has no StopSignal, makes the exit final (restart.h). */
    cleanup_engine_record struct engine_record *rec = NULL;
    bool has_stop_signal = engine_record_read(root, id, &rec, NULL) == 0 && *record_str(rec->config.stop_signal);
    if (sig == SIGKILL || !has_stop_signal || sig == stop_signal_of(root, id)) {
        int r = engine_restart_cancel(root, id, err);
        if (r < 0)
            return -1;
        if (r == 1)
            return 0; /* it was waiting to be restarted: it is stopped now */
    }
    if (!engine_container_running(runroot, id))
        return hull_error_set(err, 0, "cannot kill container %.12s: it is not running", id);
    if (signal_init(root, runroot, id, sig, false, true, err) < 0)
        return -1;
    thaw_if_paused(root, runroot, id);
    return 0;
}
