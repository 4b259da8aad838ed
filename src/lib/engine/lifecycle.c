/* hull: run in the foreground, the monitor of detached containers, removal
 * (see lifecycle.h). */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/container.h"
#include "image/rootfs.h"
#include "image/store.h"
#include "lifecycle.h"
#include "record.h"
#include "terminal/terminal.h"
#include "util/utils.h"

static int exit_code_of(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 255;
}

/* container_create + container_start with the bundle in the container dir. */
static int create_and_start(const struct engine_lifecycle *l, pid_t *pid, int *master, struct hull_error **err)
{
    cleanup_free char *rtroot = engine_runtime_root(l->runroot);
    cleanup_free char *bundle = engine_container_dir(l->root, l->id);
    struct container_create_opts o = {.root = rtroot, .id = l->id, .bundle = bundle, .console_master_out = master};
    if (container_create(&o, pid, err) < 0)
        return -1;
    if (container_start(rtroot, l->id, err) < 0) {
        cleanup_error struct hull_error *e2 = NULL;
        container_delete(rtroot, l->id, true, &e2);
        return -1;
    }
    if (engine_record_set_running(l->root, l->id, *pid, err) < 0) {
        cleanup_error struct hull_error *e2 = NULL;
        container_delete(rtroot, l->id, true, &e2);
        return -1;
    }
    return 0;
}

/* After the init is gone: record it, free cgroups and runtime state, --rm. */
static void finish(const struct engine_lifecycle *l, int code)
{
    cleanup_error struct hull_error *e1 = NULL, *e2 = NULL, *e3 = NULL;
    cleanup_free char *rtroot = engine_runtime_root(l->runroot);
    /* A record removed meanwhile (`hull rm -f`) is not an error here. */
    engine_record_set_exited(l->root, l->id, code, &e1);
    container_delete(rtroot, l->id, true, &e2);
    if (l->auto_remove)
        engine_container_remove(l->root, l->runroot, l->id, true, &e3);
}

static sigset_t forwarded_signals(void)
{
    sigset_t s;
    sigfillset(&s);
    /* Faults are ours; job control and window changes stay with the terminal. */
    const int keep[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTTIN, SIGTTOU, SIGWINCH, SIGTSTP};
    for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
        sigdelset(&s, keep[i]);
    return s;
}

int engine_run_foreground(const struct engine_lifecycle *l, int *exit_code, struct hull_error **err)
{
    /* Block before create: a signal that arrives between create and the wait
     * loop is still the container's, and must not be lost. */
    sigset_t fwd = forwarded_signals(), old;
    sigprocmask(SIG_BLOCK, &fwd, &old);
    pid_t pid;
    int master = -1;
    if (create_and_start(l, &pid, l->tty ? &master : NULL, err) < 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        return -1;
    }
    if (master >= 0)
        terminal_proxy_start(master);
    cleanup_close int sfd = signalfd(-1, &fwd, SFD_CLOEXEC);
    int status = 255 << 8;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            status = 255 << 8;
            break;
        }
        struct signalfd_siginfo si;
        if (read(sfd, &si, sizeof si) != (ssize_t)sizeof si || si.ssi_signo == SIGCHLD)
            continue;
        kill(pid, (int)si.ssi_signo);
    }
    if (master >= 0) {
        terminal_proxy_stop();
        close(master);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    *exit_code = exit_code_of(status);
    finish(l, *exit_code);
    return 0;
}

/* The monitor's stdio: the log for output, nothing for input; and no other
 * inherited fd (bats, for one, waits until every holder of its fd 3 is gone). */
static int monitor_stdio(const char *log_path, int keep_fd)
{
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int log = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (null < 0 || log < 0 || dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
        return -1;
    for (int fd = 3; fd < 1024; fd++)
        if (fd != keep_fd)
            close(fd);
    return 0;
}

static void monitor_main(const struct engine_lifecycle *l, int report_fd)
{
    cleanup_free char *dir = engine_container_dir(l->root, l->id);
    cleanup_free char *log_path = xasprintf("%s/ctr.log", dir);
    if (monitor_stdio(log_path, report_fd) < 0 || chdir("/") < 0) {
        dprintf(report_fd, "Ecannot set up the monitor's stdio (%s): %s", log_path, strerror(errno));
        _exit(1);
    }
    /* A terminal hangup or a Ctrl-C to `hull run -d` must not reach us. */
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    pid_t pid;
    cleanup_error struct hull_error *err = NULL;
    if (create_and_start(l, &pid, NULL, &err) < 0) {
        cleanup_free char *text = hull_error_text(err);
        dprintf(report_fd, "E%s", text);
        _exit(1);
    }
    if (write_all(report_fd, "OK", 2) != 2)
        _exit(1);
    close(report_fd);
    int status = 255 << 8;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    finish(l, exit_code_of(status));
    _exit(0);
}

int engine_run_detached(const struct engine_lifecycle *l, struct hull_error **err)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return hull_error_set(err, errno, "pipe");
    fflush(NULL);
    pid_t child = fork();
    if (child < 0) {
        close(p[0]);
        close(p[1]);
        return hull_error_set(err, errno, "fork the container monitor");
    }
    if (child == 0) {
        close(p[0]);
        /* Double fork + setsid: the monitor is nobody's child we wait for,
         * and no session's signals reach it when `hull run -d` returns. */
        setsid();
        pid_t monitor = fork();
        if (monitor != 0)
            _exit(monitor < 0 ? 1 : 0);
        monitor_main(l, p[1]);
    }
    close(p[1]);
    int st;
    while (waitpid(child, &st, 0) < 0 && errno == EINTR)
        ;
    char buf[4096];
    size_t n = 0;
    for (;;) {
        ssize_t r = read(p[0], buf + n, sizeof buf - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
        if (n == sizeof buf - 1)
            break;
    }
    close(p[0]);
    buf[n] = '\0';
    if (n >= 2 && !strncmp(buf, "OK", 2))
        return 0;
    if (n > 0 && buf[0] == 'E')
        return hull_error_set(err, 0, "%s", buf + 1);
    return hull_error_set(err, 0, "the container monitor exited without starting the container");
}

bool engine_container_running(const char *runroot, const char *id)
{
    cleanup_free char *rtroot = engine_runtime_root(runroot);
    struct json_object *st = NULL;
    enum container_status status;
    cleanup_error struct hull_error *err = NULL;
    if (container_state(rtroot, id, &st, &status, &err) < 0)
        return false;
    json_object_put(st);
    return status == STATUS_RUNNING || status == STATUS_PAUSED || status == STATUS_CREATED;
}

void engine_record_refresh(const char *runroot, const char *id, struct json_object *rec)
{
    struct json_object *state = engine_json_path(rec, "State", NULL);
    if (!state || strcmp(engine_json_str(state, "Status"), "running") || engine_container_running(runroot, id))
        return;
    json_object_object_add(state, "Status", json_object_new_string("exited"));
    json_object_object_add(state, "Running", json_object_new_boolean(false));
    json_object_object_add(state, "Pid", json_object_new_int(0));
}

int engine_container_remove(const char *root, const char *runroot, const char *id, bool force, struct hull_error **err)
{
    struct json_object *rec = NULL;
    if (engine_record_load(root, id, &rec, err) < 0)
        return -1;
    cleanup_free char *image_id = xstrdup(engine_json_str(rec, "Image"));
    json_object_put(rec);
    cleanup_free char *rtroot = engine_runtime_root(runroot);
    if (engine_container_running(runroot, id) && !force)
        return hull_error_set(err, 0, "container %.12s is running: stop it first or use rm -f", id);
    cleanup_free char *dir = engine_container_dir(root, id);
    cleanup_free char *rec_path = xasprintf("%s/record.json", dir);
    /* The record goes first: from here on no command sees a half-removed container. */
    if (unlink(rec_path) < 0 && errno != ENOENT)
        return hull_error_set(err, errno, "remove %s", rec_path);
    /* Usually there is no runtime state left (the init's waiter deleted it); with
     * force a running container is killed here and its waiter finds nothing to do. */
    cleanup_error struct hull_error *ignored = NULL;
    container_delete(rtroot, id, true, &ignored);
    if (image_rootfs_release(dir, err) < 0)
        return hull_error_wrap(err, "release the rootfs of container %.12s", id);
    if (rm_rf(dir, err) < 0)
        return -1;
    if (*image_id) {
        cleanup_image_store struct image_store *store = NULL;
        if (image_store_open(root, true, &store, err) < 0 || image_store_remove_user(store, image_id, id, err) < 0)
            return hull_error_wrap(err, "container %.12s removed, but its image mark remains", id);
    }
    return 0;
}
