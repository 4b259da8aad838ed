/* hull: running another process in an existing container (`exec`).
 *
 * The new process joins every namespace of the container's init through a
 * pidfd (one setns() call, so it cannot join half of a recycled pid's
 * namespaces), its cgroup, and gets the same treatment as the init: rlimits,
 * user, capabilities, no_new_privs, seccomp last.  Joining a pid namespace only
 * affects children, so an intermediate process forks the final one; the runtime
 * is a child subreaper, so the final process becomes its child and `exec` can
 * wait for it -- and no host process is its parent as seen from inside. */
#include "exec.h"

#include <errno.h>
#include <linux/sched.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cgroup/cgroup.h"
#include "../util/log.h"
#include "../security/security.h"
#include "../terminal/terminal.h"
#include "../util/utils.h"
#include "container.h"
#include "init.h"
#include "process_attrs.h"
#include "sync.h"

static int pidfd_open_compat(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* The namespaces of pid that differ from ours: joining our own is a no-op that
 * may still fail (e.g. the user namespace), so we skip those. */
static int namespaces_to_join(pid_t pid)
{
    static const struct {
        const char *name;
        int flag;
    } table[] = {
        {"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},     {"pid", CLONE_NEWPID}, {"net", CLONE_NEWNET},
        {"ipc", CLONE_NEWIPC},   {"uts", CLONE_NEWUTS},    {"cgroup", CLONE_NEWCGROUP},
        {"time", 0x00000080},
    };
    int flags = 0;
    for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
        char theirs[64], ours[64];
        snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", pid, table[i].name);
        snprintf(ours, sizeof ours, "/proc/self/ns/%s", table[i].name);
        struct stat a, b;
        if (stat(theirs, &a) < 0 || stat(ours, &b) < 0)
            continue;
        if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
            flags |= table[i].flag;
    }
    return flags;
}

static int apply_rlimits(const struct hull_process *p, struct hull_error **err)
{
    for (size_t i = 0; i < p->n_rlimits; i++) {
        struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};
        if (setrlimit(p->rlimits[i].resource, &rl) < 0)
            return hull_error_set(err, errno, "process.rlimits %s", p->rlimits[i].type);
    }
    return 0;
}

static void __attribute__((noreturn)) exec_child_fail(int sync_fd, struct hull_error *err)
{
    sync_send(sync_fd, SYNC_ERROR, err ? err->errnum : 0, err ? err->msg : "exec failed");
    _exit(255);
}

/* Runs in the final process, already inside every namespace. */
static void __attribute__((noreturn)) exec_final(const struct container_exec_opts *o, int sync_fd, int console_sock,
                                                 int chroot_fd)
{
    struct hull_error *err = NULL;
    const struct hull_process *p = o->process;
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    /* Wait until the parent has put us in the container's cgroup. */
    if (sync_expect(sync_fd, SYNC_GO, &err) < 0)
        _exit(255);
    /* A container in our own mount namespace (no "mount" in its config) has
     * its root by chroot only: enter the init's root, as setns would. */
    if (chroot_fd >= 0 && (fchdir(chroot_fd) < 0 || chroot(".") < 0 || chdir("/") < 0))
        exec_child_fail(sync_fd, (hull_error_set(&err, errno, "enter the container's root"), err));
    if (chroot_fd >= 0)
        close(chroot_fd);
    /* Out of the caller's process group and session, as runc's exec. */
    if (setsid() < 0)
        exec_child_fail(sync_fd, (hull_error_set(&err, errno, "setsid"), err));

    if (p->terminal) {
        int master, slave;
        cleanup_free char *slave_path = NULL;
        if (terminal_open_pty(&master, &slave, &slave_path, p->has_console_size ? p->console_height : 0,
                              p->has_console_size ? p->console_width : 0, &err) < 0)
            exec_child_fail(sync_fd, err);
        int r = console_sock >= 0 ? send_fd(console_sock, master, slave_path, &err)
                                  : (sync_send_fd(sync_fd, SYNC_TERMINAL, master) < 0
                                         ? hull_error_set(&err, errno, "send the terminal to the runtime")
                                         : 0);
        close(master);
        if (r < 0 || terminal_become_controlling(slave, &err) < 0)
            exec_child_fail(sync_fd, err);
        close(slave);
    }
    if (apply_rlimits(p, &err) < 0 || (o->linux_ && linux_apply_attrs(o->linux_, &err) < 0) ||
        process_apply_attrs(p, &err) < 0)
        exec_child_fail(sync_fd, err);
    close_fds_on_exec(o->preserve_fds);
    exec_user_process(p, o->seccomp, o->state_json, sync_fd, NULL);
}

/* What exec holds: the container's init, what to join, the fds of the
 * conversation with the process it starts. */
struct exec_state {
    const struct container_exec_opts *o;
    pid_t init;
    int pidfd, join, chroot_fd, console_sock;
    int sync_pair[2];
    struct cgroup_manager *cg;
    bool paused;        /* a v1 freezer would freeze a thread that steps in */
    pid_t mid, final;
    bool final_inside; /* born in the container's cgroups: nothing to move */
};

static int exec_allowed(const struct container_exec_opts *o, enum container_status st, struct hull_error **err)
{
    if (st == STATUS_STOPPED)
        return hull_error_set(err, 0, "cannot exec in container \"%s\": it is stopped", o->id);
    if (st == STATUS_PAUSED && !o->ignore_paused)
        return hull_error_set(err, 0, "cannot exec in a paused container \"%s\" (use --ignore-paused)", o->id);
    return 0;
}

/* The init, pinned by a pidfd, the namespaces of its we do not share, and
 * its root when it shares our mount namespace. */
static int open_the_init(struct exec_state *x, const struct hull_state *saved, struct hull_error **err)
{
    const char *id = x->o->id;
    x->init = state_live_pid(saved);
    x->pidfd = pidfd_open_compat(x->init);
    if (x->pidfd < 0)
        return hull_error_set(err, errno, "open the init (pid %d) of container \"%s\"", x->init, id);
    x->join = namespaces_to_join(x->init);
    if (x->join & CLONE_NEWNS)
        return 0;
    /* Same mount namespace as ours: the container's root is the init's chroot. */
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/root", x->init);
    struct stat theirs, ours;
    if (stat(path, &theirs) < 0 || stat("/", &ours) < 0)
        return hull_error_set(err, errno, "find the root of container \"%s\" (%s)", id, path);
    if (theirs.st_dev != ours.st_dev || theirs.st_ino != ours.st_ino) {
        x->chroot_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (x->chroot_fd < 0)
            return hull_error_set(err, errno, "open the root of container \"%s\" (%s)", id, path);
    }
    return 0;
}

/* Steps our thread into the container's v1 cgroups for the fork of the
 * child, so that it and the final process are born there (cgroup/visit.c:
 * moving the final process afterwards waits for an RCU grace period, ~10 ms
 * of an idle machine).  NULL where that is not done: cgroup v2, a paused
 * container, execCPUAffinity.initial (the affinity before the cgroup), or
 * when stepping in fails. */
static struct cgroup_visit *exec_visit(struct exec_state *x)
{
    if (!x->cg || x->paused || x->o->process->cpu_affinity_initial)
        return NULL;
    struct cgroup_visit *v = NULL;
    struct hull_error *why = NULL;
    if (cgroup_visit_enter(x->cg, &v, &why) < 0) {
        if (hull_log_debug_enabled()) {
            cleanup_free char *t = hull_error_text(why);
            log_debug("exec %s: the process will be moved into the cgroups: %s", x->o->id, t);
        }
        hull_error_free(why);
        return NULL;
    }
    return v;
}

/* fork(), the child in the unified cgroup of cgroup_fd as well when it is
 * not -1 (a hybrid host's; its v1 cgroups are the calling thread's). */
static pid_t fork_in_cgroups(int cgroup_fd)
{
    if (cgroup_fd < 0)
        return fork();
    struct clone_args args = {.flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)cgroup_fd};
    return (pid_t)syscall(SYS_clone3, &args, sizeof args);
}

/* A child joins the namespaces and forks the final process into them, tells
 * us its pid and leaves (the final process is a grandchild).  Both are born
 * in the container's cgroups when exec_visit could step in; a fork refused
 * there (the pids limit) is made outside, and the final process moved. */
static int fork_into_container(struct exec_state *x, struct hull_error **err)
{
    const struct container_exec_opts *o = x->o;
    /* The final process is a grandchild: become its reaper so we can wait for it. */
    if (!o->detach)
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    struct cgroup_visit *visit = exec_visit(x);
    x->mid = visit ? fork_in_cgroups(cgroup_visit_clone_fd(visit)) : fork();
    if (x->mid < 0 && visit) {
        if (cgroup_visit_leave(visit, err) < 0)
            return -1;
        visit = NULL;
        x->mid = fork();
    }
    if (x->mid < 0)
        return hull_error_set(err, errno, "fork");
    if (x->mid == 0) {
        int sync_fd = x->sync_pair[1];
        close(x->sync_pair[0]);
        exe_protect_release(); /* ours, not the process's (see container_init) */
        struct hull_error *e = NULL;
        if (process_apply_initial_affinity(o->process, &e) < 0)
            exec_child_fail(sync_fd, e);
        if (x->join && setns(x->pidfd, x->join) < 0)
            exec_child_fail(sync_fd, (hull_error_set(&e, errno, "join the namespaces of the container's init"), e));
        pid_t child = fork();
        if (child < 0 && visit) {
            /* no room left under pids.max for two more: out, and be moved */
            if (cgroup_visit_leave(visit, &e) < 0)
                exec_child_fail(sync_fd, e);
            visit = NULL;
            child = fork();
        }
        if (child < 0)
            exec_child_fail(sync_fd, (hull_error_set(&e, errno, "fork into the container"), e));
        if (child == 0) {
            cgroup_visit_forget(visit); /* the host's tasks files never reach the container */
            exec_final(o, sync_fd, x->console_sock, x->chroot_fd);
        }
        bool inside = visit != NULL;
        cgroup_visit_forget(visit);
        /* Tell the runtime the final pid (as the host sees it), and whether it
         * was born in the cgroups, and leave. */
        char buf[40];
        snprintf(buf, sizeof buf, "%d%s", child, inside ? " inside" : "");
        sync_send(sync_fd, SYNC_READY, 0, buf);
        _exit(0);
    }
    if (visit && cgroup_visit_leave(visit, err) < 0)
        return -1;
    close(x->sync_pair[1]);
    x->sync_pair[1] = -1;
    return 0;
}

/* The final process's pid, then into the container's cgroup, then GO. */
static int attach_the_process(struct exec_state *x, struct hull_error **err)
{
    struct sync_msg msg;
    if (sync_recv(x->sync_pair[0], &msg, err) < 0)
        return -1;
    if (msg.type == SYNC_ERROR)
        return hull_error_set(err, msg.errnum, "%s", msg.text);
    x->final = atoi(msg.text);
    x->final_inside = strstr(msg.text, " inside") != NULL;
    waitpid(x->mid, NULL, 0);
    x->mid = -1;
    if (x->final <= 0)
        return hull_error_set(err, 0, "exec: no process was started");
    if (!x->final_inside && cgroup_manager_add_pid(x->cg, x->final, err) < 0)
        return hull_error_wrap(err, "put the exec'd process in the container's cgroup");
    log_debug("exec %s: process pid %d is in the container's cgroup%s%s; let it run", x->o->id, (int)x->final,
              x->o->cgroup_subs && *x->o->cgroup_subs ? " (--cgroup)" : "",
              x->final_inside ? ", born there" : "");
    sync_send(x->sync_pair[0], SYNC_GO, 0, NULL);
    return 0;
}

/* EOF means execve succeeded (the socket is close-on-exec); an error
 * message means it did not.  A terminal may come first. */
static int wait_for_execve(struct exec_state *x, struct hull_error **err)
{
    for (;;) {
        struct sync_msg msg;
        int passed = -1;
        struct hull_error *e = NULL;
        if (sync_recv_with_fd(x->sync_pair[0], &msg, &passed, &e) < 0) {
            hull_error_free(e);
            return 0;
        }
        if (msg.type == SYNC_TERMINAL) {
            if (x->o->console_master_out)
                *x->o->console_master_out = passed;
            else if (passed >= 0)
                close(passed);
            continue;
        }
        if (passed >= 0)
            close(passed);
        if (msg.type == SYNC_ERROR) {
            hull_error_set(err, msg.errnum, "%s", msg.text);
            waitpid(x->final, NULL, 0);
            return -1;
        }
    }
}

static int write_exec_pid_file(const char *path, pid_t pid, struct hull_error **err)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%d", pid);
    /* whole (renamed into place), not fsync'ed: a pid means nothing after a reboot */
    if (write_file_replace(path, buf, n, 0644, err) < 0)
        return hull_error_wrap(err, "--pid-file");
    return 0;
}

static int exec_steps(struct exec_state *x, const struct hull_state *saved, struct hull_error **err)
{
    const struct container_exec_opts *o = x->o;
    if (open_the_init(x, saved, err) < 0)
        return -1;
    log_debug("exec %s: join the namespaces (0x%x) of the init, pid %d", o->id, (unsigned)x->join, (int)x->init);
    if (cgroup_manager_load(&saved->cgroup, &x->cg, err) < 0 || cgroup_manager_enter_sub(x->cg, o->cgroup_subs, err) < 0)
        return -1;
    if (o->process->terminal && o->console_socket) {
        x->console_sock = unix_socket_connect(o->console_socket, err);
        if (x->console_sock < 0)
            return -1;
    }
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, x->sync_pair) < 0)
        return hull_error_set(err, errno, "socketpair");
    if (fork_into_container(x, err) < 0 || attach_the_process(x, err) < 0 || wait_for_execve(x, err) < 0)
        return -1;
    if (o->pid_file && write_exec_pid_file(o->pid_file, x->final, err) < 0)
        return -1;
    log_debug("exec %s: %s started as pid %d", o->id, o->process->args[0], (int)x->final);
    return 0;
}

int container_exec(const struct container_exec_opts *o, pid_t *pid_out, struct hull_error **err)
{
    cleanup_state struct hull_state *saved = NULL;
    enum container_status st;
    if (container_state(o->root, o->id, &saved, &st, err) < 0 || process_attrs_validate(o->process, err) < 0 ||
        exec_allowed(o, st, err) < 0)
        return -1;
    struct exec_state x = {
        .o = o,
        .paused = st == STATUS_PAUSED,
        .pidfd = -1,
        .chroot_fd = -1,
        .console_sock = -1,
        .sync_pair = {-1, -1},
        .mid = -1,
        .final = -1,
    };
    int ret = exec_steps(&x, saved, err);
    if (ret == 0)
        *pid_out = x.final;
    if (x.mid > 0) {
        kill(x.mid, SIGKILL);
        waitpid(x.mid, NULL, 0);
    }
    int fds[] = {x.sync_pair[0], x.sync_pair[1], x.chroot_fd, x.console_sock, x.pidfd};
    for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
        if (fds[i] >= 0)
            close(fds[i]);
    cgroup_manager_free(x.cg);
    return ret;
}
