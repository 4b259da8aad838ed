/* hull: run in the foreground, the monitor of detached containers, removal
 * (see lifecycle.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/container.h"
#include "attach.h"
#include "container/foreground.h"
#include "engine_mounts.h"
#include "engine_network.h"
#include "health.h"
#include "helper_path.h"
#include "log_config.h"
#include "image/image_rootfs.h"
#include "image/store.h"
#include "lifecycle.h"
#include "record.h"
#include "restart.h"
#include "util/utils.h"

/* container_create + container_start with the bundle in the container dir.
 * before_start, when set, runs between the two (the monitor learns the pid,
 * the terminal gets its size).  monitor_pid: the process that will record
 * the exit (hull-monitor, or the foreground run's child that becomes it). */
static int create_and_start(const struct engine_lifecycle *l, pid_t *pid, int *master,
                            int (*before_start)(pid_t pid, int master, void *data), void *data, int monitor_pid,
                            struct hull_error **err)
{
    cleanup_free char *rtroot = engine_runtime_root(l->runroot);
    cleanup_free char *bundle = engine_container_dir(l->root, l->id);
    /* rootless (a normal user's hull, in its user namespace): no cgroup is
     * no error when none was delegated and no limit is set (rootless.h). */
    struct container_create_opts o = {.root = rtroot, .id = l->id, .bundle = bundle, .console_master_out = master,
                                      .rootless = running_rootless(), .spec = l->spec};
    if (container_create(&o, pid, err) < 0)
        return -1;
    /* The init waits in its namespaces for start: its network is plumbed now. */
    if (engine_network_attach(l->root, l->runroot, l->id, *pid, err) < 0) {
        cleanup_error struct hull_error *e2 = NULL;
        container_delete(rtroot, l->id, true, &e2);
        return -1;
    }
    if ((before_start && before_start(*pid, master ? *master : -1, data) < 0) ||
        container_start(rtroot, l->id, err) < 0 ||
        (l->restart ? engine_record_set_restarted(l->root, l->id, *pid, monitor_pid, err)
                    : engine_record_set_running(l->root, l->id, *pid, monitor_pid, err)) < 0) {
        if (err && !*err)
            hull_error_set(err, errno, "tell the monitor the container's pid");
        cleanup_error struct hull_error *e2 = NULL;
        container_delete(rtroot, l->id, true, &e2);
        engine_network_detach(l->root, l->id);
        return -1;
    }
    return 0;
}

int64_t engine_container_finish(const char *root, const char *runroot, const char *id, int code, bool auto_remove)
{
    cleanup_error struct hull_error *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL;
    cleanup_free char *rtroot = engine_runtime_root(runroot);
    /* Read before the cgroup goes away with the runtime state. */
    uint64_t ooms = 0;
    container_oom_kills(rtroot, id, &ooms, &e4);
    /* The runtime state and the network go before the record says the
     * container exited: `hull stop` returns once it does, and a `start`
     * right after it must not have its new init deleted (and its network
     * detached) by this cleanup of the old one. */
    container_delete(rtroot, id, true, &e2);
    engine_network_detach_at_exit(root, id);
    /* docker: --rm removes the container's anonymous volumes too (--rm and
     * a restart policy are refused together).  Its record goes without an
     * "exited" one first: a record write is a new inode and a rename, the
     * costliest file work of a run on this project's host (ext4 without a
     * journal, docs/performance.md), for a record about to be removed.  The
     * "die" event carries the exit code (`hull wait` finds it there); only a
     * removal that fails leaves the record, which then says how it ended. */
    if (auto_remove) {
        engine_restart_exit_event(root, id, code);
        if (engine_container_remove_with_volumes(root, runroot, id, true, &e3) < 0)
            engine_restart_record_exit(root, id, code, ooms > 0, (int)getpid(), true, &e1);
        return -1;
    }
    /* A record removed meanwhile (`hull rm -f`) is not an error here.  The
     * restart policy decides here whether it says "exited" or "restarting"
     * (restart.h); the process that sleeps the delay is this one (the
     * monitor's) or, in the foreground, the monitor spawned next. */
    return engine_restart_record_exit(root, id, code, ooms > 0, (int)getpid(), false, &e1);
}

/* ---- detached: hull-monitor ---- */

#define MONITOR_REPORT_FD 3 /* the report pipe to `hull run -d` (hull_monitor.c) */
#define MONITOR_CTL_FD 4    /* the control socket to hull-monitor */

/* Tells the monitor which process is the init, and hands it the terminal. */
static int send_pid_to_monitor(pid_t pid, int master, void *data)
{
    (void)data;
    char text[32];
    int n = snprintf(text, sizeof text, "PID %d", (int)pid);
    struct iovec iov = {.iov_base = text, .iov_len = (size_t)n};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    if (master >= 0) {
        msg.msg_control = u.buf;
        msg.msg_controllen = sizeof u.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &master, sizeof(int));
    }
    return sendmsg(MONITOR_CTL_FD, &msg, MSG_NOSIGNAL) == n ? 0 : -1;
}

int engine_monitor_start(const struct engine_lifecycle *l)
{
    fcntl(MONITOR_REPORT_FD, F_SETFD, FD_CLOEXEC);
    fcntl(MONITOR_CTL_FD, F_SETFD, FD_CLOEXEC);
    pid_t pid;
    int master = -1;
    cleanup_error struct hull_error *err = NULL;
    /* hull-monitor, whose child `_monitor-restart` is, records the exit */
    if (create_and_start(l, &pid, l->tty ? &master : NULL, send_pid_to_monitor, NULL, (int)getppid(), &err) < 0) {
        cleanup_free char *text = hull_error_text(err);
        dprintf(MONITOR_REPORT_FD, "E%s", text);
        return 1;
    }
    if (master >= 0)
        close(master); /* the monitor holds it now */
    return write_all(MONITOR_REPORT_FD, "OK", 2) == 2 ? 0 : 1;
}

int engine_monitor_restart(const char *root, const char *runroot, const char *id)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    cleanup_error struct hull_error *err = NULL;
    if (engine_record_read(root, id, &rec, &err) < 0) {
        cleanup_free char *text = hull_error_text(err);
        dprintf(MONITOR_REPORT_FD, "E%s", text);
        return 1;
    }
    struct engine_lifecycle l = {
        .root = root,
        .runroot = runroot,
        .id = id,
        .tty = rec->config.tty,
        .restart = true,
    };
    return engine_monitor_start(&l);
}

int engine_monitor_exit(const char *root, const char *runroot, const char *id, int code)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    struct engine_lifecycle l = {.root = root, .runroot = runroot, .id = id};
    if (engine_record_read(root, id, &rec, NULL) == 0) {
        l.auto_remove = rec->host_config.auto_remove;
        l.tty = rec->config.tty;
        l.interactive = rec->config.open_stdin;
    }
    int64_t delay = engine_container_finish(root, runroot, id, code, l.auto_remove);
    /* The restart policy wants it again: this process, the container's
     * monitor, becomes hull-monitor once more (restart.h). */
    if (delay >= 0)
        engine_monitor_reexec(&l, delay);
    return 0;
}

/* The argv of `hull --root R --runroot RR VERB ID`, the commands hull-monitor runs. */
static void hull_argv(const struct engine_lifecycle *l, const char *verb, const char **argv)
{
    argv[0] = engine_self_path();
    argv[1] = "--root";
    argv[2] = l->root;
    argv[3] = "--runroot";
    argv[4] = l->runroot;
    argv[5] = verb;
    argv[6] = l->id;
}

/* The container a foreground run started, for its monitor (--init-pid):
 * fds of ours that become the monitor's 3 (client), 4 (stdout), 5
 * (stderr), 6 (stdin's write end, -1: none), 7 (pty master, -1: none), 8
 * (the attach socket) and 9 (the rootfs held for a `run --rm`, -1: none). */
struct monitor_adopt {
    pid_t init_pid;
    int fds[7]; /* client, stdout, stderr, stdin, pty master, attach socket, rootfs (or -1) */
    bool client_records; /* the client records the exit (--client-records) */
};

/* Becomes the monitor: of a container started already, whose init is our
 * child (adopt: the child of `hull run`, `run -d` or `start`, monitor_child),
 * or, for a restart by the policy (adopt NULL), after delay_ms, with
 * `hull _monitor-restart ID` as its start command (the `_monitor-exit`
 * process).  Returns only when the exec failed. */
static void exec_monitor(const struct engine_lifecycle *l, const char *monitor, int64_t delay_ms,
                         const struct monitor_adopt *adopt)
{
    cleanup_free char *log_path = xasprintf("%s/containers/%s/ctr.log", l->root, l->id);
    cleanup_free char *dir = engine_container_dir(l->root, l->id);
    char delay[32], health[32], log_size[32], log_files[32], start_period[32], start_interval[32], init_pid[32];
    const char *argv[64];
    /* A healthcheck: the monitor runs `hull healthcheck run ID` (health.h);
     * log rotation (log_config.h). */
    int64_t health_ms = 0, start_period_ms = 0, start_interval_ms = 0;
    cleanup_engine_record struct engine_record *rec = NULL;
    struct engine_health_settings hs;
    struct engine_log_config lc = {.max_files = 1};
    if (engine_record_read(l->root, l->id, &rec, NULL) == 0) {
        if (engine_health_settings_of(rec, &hs)) {
            health_ms = hs.interval_ms;
            start_period_ms = hs.start_period_ms;
            start_interval_ms = hs.start_interval_ms;
            engine_health_settings_clear(&hs);
        }
        engine_log_config_of(rec, &lc);
    }
    size_t n = 0;
    argv[n++] = monitor;
    argv[n++] = "--log";
    argv[n++] = log_path;
    argv[n++] = "--attach"; /* its socket for `hull attach` (attach.h) */
    argv[n++] = dir;
    if (l->tty)
        argv[n++] = "--tty";
    if (l->interactive)
        argv[n++] = "--stdin";
    if (delay_ms >= 0) {
        snprintf(delay, sizeof delay, "%lld", (long long)delay_ms);
        argv[n++] = "--delay-ms";
        argv[n++] = delay;
    }
    if (health_ms > 0) {
        snprintf(health, sizeof health, "%lld", (long long)health_ms);
        argv[n++] = "--health-interval-ms";
        argv[n++] = health;
        if (start_period_ms > 0) {
            snprintf(start_period, sizeof start_period, "%lld", (long long)start_period_ms);
            snprintf(start_interval, sizeof start_interval, "%lld", (long long)start_interval_ms);
            argv[n++] = "--health-start-period-ms";
            argv[n++] = start_period;
            argv[n++] = "--health-start-interval-ms";
            argv[n++] = start_interval;
        }
    }
    if (lc.max_size > 0) {
        snprintf(log_size, sizeof log_size, "%lld", (long long)lc.max_size);
        snprintf(log_files, sizeof log_files, "%d", lc.max_files);
        argv[n++] = "--log-max-size";
        argv[n++] = log_size;
        argv[n++] = "--log-max-files";
        argv[n++] = log_files;
    }
    if (adopt) {
        static const char *const names[] = {"--client-fd", "--out-fd",    "--err-fd",   "--in-fd",
                                            "--master-fd", "--attach-fd", "--rootfs-fd"};
        static const char *const numbers[] = {"3", "4", "5", "6", "7", "8", "9"};
        snprintf(init_pid, sizeof init_pid, "%d", (int)adopt->init_pid);
        argv[n++] = "--init-pid";
        argv[n++] = init_pid;
        for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
            if (adopt->fds[k] >= 0) {
                argv[n++] = names[k];
                argv[n++] = numbers[k];
            }
        }
        if (adopt->client_records)
            argv[n++] = "--client-records";
    }
    argv[n++] = "--";
    if (!adopt) {
        hull_argv(l, "_monitor-restart", argv + n);
        n += 7;
    }
    argv[n++] = "--";
    hull_argv(l, "_monitor-exit", argv + n);
    n += 7;
    if (health_ms > 0) {
        argv[n++] = "--";
        hull_argv(l, "healthcheck", argv + n);
        argv[n + 6] = "run";
        argv[n + 7] = l->id;
        n += 8;
    }
    argv[n] = NULL;
    /* The adopted container's fds are the monitor's 3 to 8 (moved out of
     * the way first: one of them may be a number another goes to); a
     * restarting monitor inherits none. */
    int first_closed = 3;
    if (adopt) {
        int moved[ARRAY_SIZE(adopt->fds)];
        for (size_t k = 0; k < ARRAY_SIZE(moved); k++)
            moved[k] = adopt->fds[k] >= 0 ? fcntl(adopt->fds[k], F_DUPFD_CLOEXEC, 10) : -1;
        for (int k = 0; k < (int)ARRAY_SIZE(moved); k++) {
            if (moved[k] >= 0 ? dup2(moved[k], 3 + k) < 0 : adopt->fds[k] >= 0)
                _exit(1);
            if (moved[k] < 0)
                close(3 + k);
        }
        first_closed = 3 + (int)ARRAY_SIZE(moved);
    }
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 || chdir("/") < 0)
        _exit(1);
    close_range((unsigned)first_closed, ~0U, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execv(monitor, (char **)argv);
    _exit(1);
}

void engine_monitor_reexec(const struct engine_lifecycle *l, int64_t delay_ms)
{
    cleanup_free char *monitor = NULL;
    cleanup_error struct hull_error *err = NULL;
    if (engine_helper_path("hull-monitor", "HULL_MONITOR", &monitor, &err) < 0)
        return;
    fflush(NULL);
    exec_monitor(l, monitor, delay_ms, NULL);
}

static _Noreturn void monitor_child(const struct engine_lifecycle *l, const char *monitor, int client, int report,
                                    const struct winsize *ws, bool client_records);

int engine_run_detached(const struct engine_lifecycle *l, struct hull_error **err)
{
    cleanup_free char *monitor = NULL;
    if (engine_helper_path("hull-monitor", "HULL_MONITOR", &monitor, err) < 0)
        return -1;
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
        pid_t monitor_pid = fork();
        if (monitor_pid != 0)
            _exit(monitor_pid < 0 ? 1 : 0);
        monitor_child(l, monitor, -1, p[1], NULL, false);
    }
    close(p[1]);
    int st;
    while (waitpid(child, &st, 0) < 0 && errno == EINTR)
        ;
    /* EOF comes once the child has said OK or why not (it closes the pipe
     * before it becomes the monitor; the exec would close it anyway). */
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

/* ---- foreground: a client of the container's monitor ---- */

static int set_winsize(pid_t pid, int master, void *data)
{
    (void)pid;
    if (master >= 0)
        ioctl(master, TIOCSWINSZ, data); /* before the start: the program sees its size at once */
    return 0;
}

/* The forked child of a foreground `hull run` (client: the run's end of
 * the attach socketpair), or the grandchild of `hull run -d` / `hull start`
 * (client -1): starts the container (its init is our child, its stdio pipes
 * we hold), says OK or the error on report, and becomes its monitor.
 * No `hull` exec to start it: this process is a copy of hull already,
 * with the config `hull run` built (l->spec), so nothing is read or parsed
 * again.  Only a restart by the policy goes through `_monitor-restart`. */
static _Noreturn void monitor_child(const struct engine_lifecycle *l, const char *monitor, int client, int report,
                                    const struct winsize *ws, bool client_records)
{
    /* no Ctrl-C or hangup of the run's terminal reaches the container but
     * the ones the run proxies (docker's sig-proxy) */
    setsid();
    cleanup_error struct hull_error *err = NULL;
    int out[2] = {-1, -1}, errp[2] = {-1, -1}, in[2] = {-1, -1};
    bool stdin_pipe = l->interactive && !l->tty; /* with -t the pty is its stdin */
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 ||
        (stdin_pipe && pipe2(in, O_CLOEXEC) < 0) || dup2(stdin_pipe ? in[0] : null, 0) < 0 ||
        dup2(out[1], 1) < 0 || dup2(errp[1], 2) < 0) {
        dprintf(report, "Ecannot set up the container's stdio: %s", strerror(errno));
        _exit(1);
    }
    /* the copies on 0-2 are the container's; ours go at the exec below */
    close(out[1]);
    close(errp[1]);
    if (stdin_pipe)
        close(in[0]);
    pid_t pid;
    int master = -1;
    if (create_and_start(l, &pid, l->tty ? &master : NULL, ws ? set_winsize : NULL, (void *)ws, (int)getpid(),
                         &err) < 0) {
        cleanup_free char *text = hull_error_text(err);
        dprintf(report, "E%s", text);
        _exit(1);
    }
    /* `hull attach` works once we said OK: the socket is bound now, not
     * after the exec of the monitor */
    cleanup_free char *dir = engine_container_dir(l->root, l->id);
    int attach_sock = engine_attach_listen(dir);
    /* A foreground `run --rm` removes the container itself, before it lets
     * the monitor go: with the monitor holding the rootfs, that removal's
     * unmount detaches it (busy) and the overlay's teardown (a sync of the
     * upper filesystem, 0.3-3 ms) happens at the monitor's exit, after the
     * run has returned the exit code (hull-monitor's --rootfs-fd). */
    int rootfs = -1;
    if (client >= 0 && client_records && l->auto_remove) {
        cleanup_free char *path = xasprintf("%s/rootfs", dir);
        rootfs = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
    write_all(report, "OK", 2);
    close(report);
    /* the monitor must not hold a write end of the pipes it reads */
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    /* a Ctrl-C or hangup that reached us before the setsid, pending in our
     * mask (the run's), is not the monitor's (it ignores them too): dropped before the exec
     * unblocks it (the init, cloned already, keeps its own dispositions) */
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN); /* the "OK" of a run killed meanwhile: the container is the monitor's still */
    struct monitor_adopt adopt = {
        .init_pid = pid,
        .fds = {client, out[0], errp[0], in[1], master, attach_sock, rootfs},
        .client_records = client_records,
    };
    exec_monitor(l, monitor, -1, &adopt);
    /* no monitor: nobody would record the exit; the container goes */
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    engine_container_finish(l->root, l->runroot, l->id, 137, l->auto_remove);
    _exit(1);
}

/* The foreground run's side of the child that starts the container and
 * becomes its monitor. */
struct foreground_child {
    pid_t pid;
    int sock;     /* our end of the attach socketpair (the monitor's client fd) */
    int report;   /* read end of the child's report pipe: "OK" or "E<error>" */
    bool records; /* we record the exit (engine_container_finish), not the monitor */
};

/* Without a restart policy we record the exit ourselves when it comes,
 * in this process: the way out has no exec of hull (`_monitor-exit`)
 * then.  With one, the monitor records it and goes on restarting. */
static bool foreground_records_exit(const struct engine_lifecycle *l)
{
    struct engine_restart_policy policy = {.name = ENGINE_RESTART_NO};
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(l->root, l->id, &rec, NULL) == 0)
        engine_restart_policy_of(rec, &policy);
    return policy.name == ENGINE_RESTART_NO;
}

/* Forks monitor_child, attached to us by a socketpair from before the
 * start, with our terminal's size for the container's. */
static int fork_monitor_child(const struct engine_lifecycle *l, const char *monitor, struct foreground_child *fc,
                              struct hull_error **err)
{
    int sp[2] = {-1, -1}, rp[2] = {-1, -1};
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0 || pipe2(rp, O_CLOEXEC) < 0) {
        int e = errno;
        close(sp[0]);
        close(sp[1]);
        return hull_error_set(err, e, "cannot connect to the container monitor");
    }
    struct winsize ws;
    bool have_ws = l->tty && ioctl(0, TIOCGWINSZ, &ws) == 0;
    fc->records = foreground_records_exit(l);
    fflush(NULL);
    fc->pid = fork();
    if (fc->pid == 0) {
        close(sp[0]);
        close(rp[0]);
        monitor_child(l, monitor, sp[1], rp[1], have_ws ? &ws : NULL, fc->records);
    }
    close(sp[1]);
    close(rp[1]);
    if (fc->pid < 0) {
        int e = errno;
        close(sp[0]);
        close(rp[0]);
        return hull_error_set(err, e, "fork the container monitor");
    }
    fc->sock = sp[0];
    fc->report = rp[0];
    return 0;
}

/* "OK" once the container runs (its monitor execs next), or the error;
 * after an error the child, which has undone what it made, is reaped:
 * it is gone before the caller removes the rest. */
static int wait_for_start(struct foreground_child *fc, struct hull_error **err)
{
    char buf[4096];
    size_t n = 0;
    while (n < sizeof buf - 1 && !(n >= 2 && !strncmp(buf, "OK", 2))) {
        ssize_t r = read(fc->report, buf + n, sizeof buf - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fc->report);
    buf[n] = '\0';
    if (n >= 2 && !strncmp(buf, "OK", 2))
        return 0;
    while (waitpid(fc->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    if (n > 0 && buf[0] == 'E')
        return hull_error_set(err, 0, "%s", buf + 1);
    return hull_error_set(err, 0, "the container monitor exited without starting the container");
}

/* Attached to the monitor as `hull attach` is, until the exit code comes
 * (recorded by us when fc->records) or ctrl-p,ctrl-q (*detached). */
static int attach_until_exit(const struct engine_lifecycle *l, const struct foreground_child *fc, int *exit_code,
                             bool *detached, struct hull_error **err)
{
    struct engine_attach_opts o = {
        .root = l->root,
        .runroot = l->runroot,
        .id = l->id,
        .send_stdin = l->interactive && !l->no_stdin,
        .tty = l->tty,
        .sig_proxy = true,
        .foreground = true,
        .records_exit = fc->records,
    };
    /* docker run -it: ctrl-p,ctrl-q leaves it running */
    if (l->tty && o.send_stdin)
        engine_detach_keys_parse("ctrl-p,ctrl-q", o.detach_keys, &o.n_detach_keys, NULL);
    int r = engine_attach_session(&o, fc->sock, exit_code, detached, err);
    if (r == 0 && !*detached && fc->records) {
        /* what `_monitor-exit` would do; then the monitor may go */
        engine_container_finish(l->root, l->runroot, l->id, *exit_code, l->auto_remove);
        char done = ENGINE_ATTACH_RECORDED;
        send(fc->sock, &done, 1, MSG_NOSIGNAL);
    }
    return r;
}

int engine_run_foreground(const struct engine_lifecycle *l, int *exit_code, struct hull_error **err)
{
    cleanup_free char *monitor = NULL;
    if (engine_helper_path("hull-monitor", "HULL_MONITOR", &monitor, err) < 0)
        return -1;
    /* Block before the start: a signal that comes meanwhile is still the
     * container's, proxied once it runs. */
    sigset_t fwd, old;
    foreground_block_signals(&fwd, &old);
    struct foreground_child fc = {.pid = -1, .sock = -1, .report = -1};
    if (fork_monitor_child(l, monitor, &fc, err) < 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        return -1;
    }
    cleanup_close int sock = fc.sock; /* closed on the way out, after the signal mask is back */
    if (wait_for_start(&fc, err) < 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        return -1;
    }
    /* The container's program runs (the child's copy of the exe overlay's
     * fd went with its exec of the monitor, the init's with its own): let go
     * of ours now, so that the grace period its close waits for runs beside
     * the program instead of at our exit (exe_protect_release). */
    exe_protect_release();
    bool detached = false;
    int r = attach_until_exit(l, &fc, exit_code, &detached, err);
    /* the monitor is our child until we return: reaped if it is done */
    waitpid(fc.pid, NULL, WNOHANG);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (r < 0)
        return 1; /* started, and not removed by the caller */
    if (detached)
        *exit_code = 0;
    return 0;
}

/* The runtime state of engine container id (RUNROOT/@engine/<id>), the one
 * reader for engine_container_running and engine_container_live_init: its
 * status, and with live_pid its init's pid when it has a live one (0: none;
 * state_live_pid checks the start time, so a recycled pid is not it).  -1:
 * it has no runtime state (never started, or released at its exit). */
static int runtime_status(const char *runroot, const char *id, enum container_status *status, pid_t *live_pid)
{
    cleanup_free char *rtroot = engine_runtime_root(runroot);
    struct hull_state *st = NULL;
    cleanup_error struct hull_error *ignored = NULL;
    if (container_state(rtroot, id, &st, status, &ignored) < 0)
        return -1;
    if (live_pid)
        *live_pid = *status == STATUS_STOPPED ? 0 : state_live_pid(st);
    hull_state_free(st);
    return 0;
}

bool engine_container_running(const char *runroot, const char *id)
{
    enum container_status status;
    if (runtime_status(runroot, id, &status, NULL) < 0)
        return false;
    return status == STATUS_RUNNING || status == STATUS_PAUSED || status == STATUS_CREATED;
}

pid_t engine_container_live_init(const char *runroot, const char *id)
{
    enum container_status status;
    pid_t pid = 0;
    return runtime_status(runroot, id, &status, &pid) < 0 ? 0 : pid;
}

void engine_record_refresh(const char *runroot, const char *id, struct engine_record *rec)
{
    struct engine_record_state *state = &rec->state;
    if (engine_restart_abandoned(rec)) {
        /* Its monitor died while it waited to be restarted: nobody will. */
        engine_record_set_str(&state->status, "exited");
        state->running = false;
        state->restarting = false;
        return;
    }
    if (engine_record_abandoned(rec)) {
        /* docker's "dead": its `hull run` was killed while making it; rm -f removes it. */
        engine_record_set_str(&state->status, "dead");
        state->dead = true;
        return;
    }
    /* paused = running with a frozen cgroup (engine_record_set_paused) */
    if ((strcmp(state->status, "running") && strcmp(state->status, "paused")) || engine_container_running(runroot, id))
        return;
    /* the init has just died and its monitor is recording it: its word stands */
    if (engine_record_exit_pending(rec))
        return;
    engine_record_set_str(&state->status, "exited");
    state->running = false;
    state->paused = false;
    state->pid = 0;
}

/* Everything in the container dir but its record: the record goes last. */
static int remove_all_but_record(const char *dir, struct hull_error **err)
{
    cleanup_dir DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : hull_error_set(err, errno, "open %s", dir);
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, "record.json"))
            continue;
        cleanup_free char *p = xasprintf("%s/%s", dir, e->d_name);
        if (rm_rf(p, err) < 0)
            return -1;
    }
    return 0;
}

int engine_container_remove_id(const char *root, const char *runroot, const char *id, const char *image_id,
                               struct hull_error **err)
{
    cleanup_free char *rtroot = engine_runtime_root(runroot);
    cleanup_free char *dir = engine_container_dir(root, id);
    /* Reverse order of creation, each step idempotent, the record last: a
     * removal that is killed half-way leaves a record that names what is
     * left, and the next `hull rm -f` finishes it.  Usually there is no
     * runtime state left (the init's waiter deleted it); with force a running
     * container is killed here and its waiter finds nothing to do. */
    cleanup_error struct hull_error *ignored = NULL;
    container_delete(rtroot, id, true, &ignored);
    engine_network_detach(root, id);
    if (image_rootfs_release(dir, err) < 0)
        return hull_error_wrap(err, "release the rootfs of container %.12s", id);
    if (remove_all_but_record(dir, err) < 0)
        return -1;
    if (image_id && *image_id) {
        cleanup_image_store struct image_store *store = NULL;
        if (image_store_open(root, true, &store, err) < 0 || image_store_remove_user(store, image_id, id, err) < 0)
            return hull_error_wrap(err, "container %.12s: cannot drop its image mark", id);
    }
    return engine_record_delete(root, id, err);
}

static int remove_container(const char *root, const char *runroot, const char *id, const struct engine_record *rec,
                            bool force, struct hull_error **err)
{
    bool restarting = !strcmp(rec->state.status, "restarting") && !engine_restart_abandoned(rec);
    bool exit_pending = engine_record_exit_pending(rec);
    if (engine_container_running(runroot, id) && !force)
        return hull_error_set(err, 0, "container %.12s is running: stop it first or use rm -f", id);
    if (restarting && !force)
        return hull_error_set(err, 0, "container %.12s is restarting: stop it first or use rm -f", id);
    /* its monitor is recording the exit (and may restart it): running still */
    if (exit_pending && !force)
        return hull_error_set(err, 0, "container %.12s is running: stop it first or use rm -f", id);
    /* Its monitor must not start it again half-way through the removal: the
     * kill below is final, and a monitor waiting to restart it goes.  With
     * the policy "no" (every --rm container) no monitor restarts it and
     * nothing waits: no record write for a record about to go. */
    struct engine_restart_policy policy;
    engine_restart_policy_of(rec, &policy);
    bool may_restart = policy.name != ENGINE_RESTART_NO || !strcmp(rec->state.status, "restarting");
    if (force && may_restart && engine_restart_cancel(root, id, err) < 0)
        return -1;
    return engine_container_remove_id(root, runroot, id, rec->image_id, err);
}

int engine_container_remove(const char *root, const char *runroot, const char *id, bool force, struct hull_error **err)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(root, id, &rec, err) < 0)
        return -1;
    return remove_container(root, runroot, id, rec, force, err);
}

int engine_container_remove_with_volumes(const char *root, const char *runroot, const char *id, bool force,
                                         struct hull_error **err)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(root, id, &rec, err) < 0)
        return -1;
    int r = remove_container(root, runroot, id, rec, force, err);
    if (r == 0)
        engine_remove_anonymous_volumes(root, rec, id);
    return r;
}

int engine_container_rm(const char *root, const char *runroot, char *const *names, bool force, bool volumes,
                        engine_name_fn removed, engine_name_error_fn on_error, void *data)
{
    /* docker: `rm -f` of a container that does not exist is not an error
     * (scripts clean up with it); it says nothing about it either.  The names
     * are sorted out first: one that an earlier name removes is an error. */
    size_t n = 0;
    while (names[n])
        n++;
    cleanup_free bool *skip = xmalloc0((n + 1) * sizeof *skip);
    for (size_t i = 0; force && i < n; i++) {
        cleanup_free char *id = NULL;
        skip[i] = engine_record_find(root, names[i], &id, NULL) == -ENOENT;
    }
    int ret = 0;
    for (size_t i = 0; i < n; i++) {
        if (skip[i])
            continue;
        struct hull_error *err = NULL;
        cleanup_free char *id = NULL;
        if (engine_container_resolve(root, names[i], &id, &err) < 0 ||
            (volumes ? engine_container_remove_with_volumes(root, runroot, id, force, &err)
                     : engine_container_remove(root, runroot, id, force, &err)) < 0) {
            on_error(names[i], err, data);
            ret = -1;
            continue;
        }
        removed(names[i], data);
    }
    return ret;
}

int engine_start_failure_status(const struct hull_error *err)
{
    if (!err)
        return 0;
    cleanup_free char *text = hull_error_text(err);
    static const char *const not_found[] = {"executable file not found", "no such file or directory",
                                            "not a directory"};
    static const char *const cannot_run[] = {"permission denied", "is a directory"};
    for (size_t i = 0; i < ARRAY_SIZE(not_found); i++)
        if (strcasestr(text, not_found[i]))
            return 127;
    for (size_t i = 0; i < ARRAY_SIZE(cannot_run); i++)
        if (strcasestr(text, cannot_run[i]))
            return 126;
    return 0;
}
