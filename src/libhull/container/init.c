/* hull: the container's init, from clone() to execve().
 *
 * Order matters and follows the OCI lifecycle (runtime.md):
 *   1. wait until the parent has written uid/gid maps and placed us in the cgroup
 *   2. join namespaces given by path, create the deferred ones (cgroup ns last,
 *      so its root is the container's cgroup)
 *   3. hostname, mounts, /dev                      -> parent runs createRuntime hooks
 *   4. createContainer hooks, pivot_root, masked/read-only paths, sysctl, rlimits
 *   5. report READY, block on exec.fifo until `start`
 *   6. startContainer hooks, drop to the configured user and capabilities,
 *      seccomp last, execve
 * Errors before READY travel to the parent over the sync socket; the parent
 * prints them and removes everything. */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../mount/pathsafe.h"
#include "../mount/procfs.h"
#include "../mount/rootfs.h"
#include "../ns/namespaces.h"
#include "../security/security.h"
#include "../terminal/terminal.h"
#include "../util/log.h"
#include "../util/utils.h"
#include "hooks.h"
#include "process_attrs.h"
#include "process_env.h"
#include "sync.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

static void __attribute__((noreturn)) init_fail(int sync_fd, struct hull_error *err)
{
    if (sync_fd >= 0) {
        sync_send(sync_fd, SYNC_ERROR, err ? err->errnum : 0, err ? err->msg : "unknown error");
    } else {
        char *text = hull_error_text(err);
        dprintf(2, "hull: %s\n", text);
    }
    _exit(255);
}

char *find_executable(const char *file, char *const *env)
{
    if (strchr(file, '/')) {
        struct stat st;
        if (stat(file, &st) < 0)
            return NULL;
        /* root passes access(X_OK) on a directory: check the type as well */
        if (!S_ISREG(st.st_mode) || access(file, X_OK) < 0) {
            errno = EACCES;
            return NULL;
        }
        return xstrdup(file);
    }
    const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (char *const *e = env; e && *e; e++)
        if (!strncmp(*e, "PATH=", 5))
            path = *e + 5;
    cleanup_free char *copy = xstrdup(path);
    char *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        cleanup_free char *candidate = xasprintf("%s/%s", *dir ? dir : ".", file);
        struct stat st;
        if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) && access(candidate, X_OK) == 0)
            return steal_pointer(&candidate);
    }
    errno = ENOENT;
    return NULL;
}

static int join_namespaces(struct init_ctx *ctx, struct hull_error **err)
{
    /* The user namespace first: joining it gives the capabilities needed to join the others. */
    static const enum hull_ns_type order[] = {HULL_NS_USER, HULL_NS_IPC, HULL_NS_UTS,   HULL_NS_NET,
                                              HULL_NS_CGROUP, HULL_NS_MNT};
    for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
        int fd = ctx->ns_fds[order[i]];
        if (fd < 0)
            continue;
        if (setns(fd, spec_ns_clone_flag(order[i])) < 0)
            return hull_error_set(err, errno, "join %s namespace %s", spec_ns_name(order[i]),
                                  ctx->spec->linux_.namespaces[order[i]].path);
        if (order[i] == HULL_NS_USER && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
            return hull_error_set(err, errno, "become root in the joined user namespace");
    }
    return 0;
}

static int apply_rlimits(const struct hull_process *p, struct hull_error **err)
{
    for (size_t i = 0; i < p->n_rlimits; i++) {
        struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};
        if (setrlimit(p->rlimits[i].resource, &rl) < 0) {
            int saved = errno;
            struct rlimit cur;
            getrlimit(p->rlimits[i].resource, &cur);
            if (saved == EPERM && rl.rlim_max > cur.rlim_max)
                return hull_error_set(err, saved,
                                      "process.rlimits %s: cannot raise the hard limit to %llu (current hard limit "
                                      "%llu; raising it needs CAP_SYS_RESOURCE, which this host's bounding set may lack)",
                                      p->rlimits[i].type, (unsigned long long)rl.rlim_max,
                                      (unsigned long long)cur.rlim_max);
            return hull_error_set(err, saved, "process.rlimits %s", p->rlimits[i].type);
        }
    }
    return 0;
}

static int setup_terminal(struct init_ctx *ctx, struct hull_error **err)
{
    const struct hull_process *p = ctx->spec->process;
    int master, slave;
    cleanup_free char *slave_path = NULL;
    if (terminal_open_pty(&master, &slave, &slave_path, p->has_console_size ? p->console_height : 0,
                          p->has_console_size ? p->console_width : 0, err) < 0)
        return -1;
    /* /dev/console is the terminal's slave, as on a real machine. */
    cleanup_close int rootfd = open("/", O_PATH | O_CLOEXEC);
    if (rootfd < 0 || rootfs_mount_console(rootfd, slave, err) < 0) {
        if (rootfd < 0)
            hull_error_set(err, errno, "open /");
        close(master);
        close(slave);
        return -1;
    }
    int r;
    if (ctx->console_sock >= 0)
        r = send_fd(ctx->console_sock, master, slave_path, err);
    else if (sync_send_fd(ctx->sync_fd, SYNC_TERMINAL, master) < 0)
        r = hull_error_set(err, errno, "send the terminal to the runtime");
    else
        r = 0;
    close(master);
    if (r < 0) {
        close(slave);
        return hull_error_wrap(err, "send the terminal to the console socket");
    }
    r = terminal_become_controlling(slave, err);
    close(slave);
    return r;
}

/* Marks every fd we do not hand to the process close-on-exec (CVE-2024-21626:
 * a leaked fd of a host directory let a container escape through
 * /proc/self/fd/N as its cwd). */
void close_fds_on_exec(int preserve)
{
    unsigned first = 3 + (unsigned)preserve;
    if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
        return;
    cleanup_dir DIR *d = opendir("/proc/self/fd");
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        int fd = atoi(de->d_name);
        if (fd >= (int)first && fd != dirfd(d))
            fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
}

/* The exec.fifo's write end between `start` and execve: `start` reads it to
 * EOF (close-on-exec, so EOF means the program runs); a '!' written before
 * EOF tells it that the program never ran, so it reports an error and runs no
 * poststart hook.  -1 elsewhere (and in `exec`'s processes). */
static int start_fifo = -1;

static void report_start_failure(void)
{
    if (start_fifo >= 0 && write(start_fifo, "!", 1) != 1)
        dprintf(2, "hull: tell start that the program did not run: %s\n", strerror(errno));
}

static void __attribute__((noreturn)) exec_fail(int sync_fd, struct hull_error *err)
{
    if (sync_fd >= 0)
        init_fail(sync_fd, err);
    report_start_failure();
    char *text = hull_error_text(err);
    dprintf(2, "hull: exec failed: %s\n", text);
    _exit(127);
}

/* runc's fixStdioPermissions: the process must be able to reopen its own
 * stdio (/dev/stdout, /proc/self/fd/1) after dropping to its user.  Only the
 * owner changes (a devpts mount's gid=5 keeps the tty group, as with runc).
 * Pipes and sockets are chowned as runc does; a character device only when it
 * is the container's own terminal, and never /dev/null or a regular file: a
 * host file or terminal the caller redirected stays the caller's. */
static void give_stdio_to(uid_t uid, bool terminal)
{
    for (int fd = 0; fd < 3; fd++) {
        struct stat st;
        if (fstat(fd, &st) < 0 || st.st_uid == uid)
            continue;
        bool ours = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || (terminal && S_ISCHR(st.st_mode) && isatty(fd));
        if (!ours)
            continue;
        /* EPERM: the owner is not mapped in our user namespace; EROFS: a
         * read-only /dev.  runc leaves the fd alone then, so do we. */
        if (fchown(fd, uid, (gid_t)-1) < 0 && errno != EPERM && errno != EROFS && errno != EINVAL)
            dprintf(2, "hull: chown stdio fd %d to uid %u: %s\n", fd, uid, strerror(errno));
    }
}

/* True when this user namespace can never call setgroups (/proc/self/setgroups says "deny"). */
static bool setgroups_denied(void)
{
    char buf[16] = "";
    int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n > 0 && strncmp(buf, "deny", 4) == 0;
}

void exec_user_process(const struct hull_process *p, struct seccomp_prepared *seccomp, const char *state_json,
                       int sync_fd, char **extra_env)
{
    struct hull_error *err = NULL;
    /* Read the container's /etc/passwd for HOME while we are still root. */
    cleanup_strv char **env = process_env_build(p->env, extra_env, p->user.uid);

    /* The label is written after setuid (and perhaps after seccomp), but
     * its file is opened now: through a procfs we may only mount now, and
     * with syscalls a profile may not allow. */
    struct lsm_label_files labels;
    if (lsm_open_label_files(p, &labels, &err) < 0)
        exec_fail(sync_fd, err);
    /* Without no_new_privs the kernel wants CAP_SYS_ADMIN (effective) to load a
     * filter, and setuid to a non-root user clears the effective set: load it
     * first, as runc does.  The calls that follow (setgroups, setresuid, capset,
     * execve) must then be allowed by the profile, as with runc. */
    if (seccomp && !p->no_new_privileges && seccomp_prepared_load(seccomp, state_json, &err) < 0)
        exec_fail(sync_fd, err);
    /* EPERM is only acceptable where setgroups can never work (a joined user
     * namespace with setgroups "deny") and nothing was asked for: otherwise
     * the process would silently run without its additionalGids, or keep
     * the runtime's own groups (issue 11). */
    if (setgroups(p->user.n_additional_gids, p->user.additional_gids) < 0 &&
        !(errno == EPERM && p->user.n_additional_gids == 0 && setgroups_denied()))
        exec_fail(sync_fd, (hull_error_set(&err, errno, "setgroups (process.user.additionalGids)"), err));
    if (caps_drop_bounding(p->capabilities, &err) < 0)
        exec_fail(sync_fd, err);
    /* process.cwd first as root, as runc does: a directory only root can enter
     * (/root, mode 700) still works for a process running as another user.
     * On EACCES we try again as the user (a directory owned by the user on a
     * mount root cannot enter, e.g. root-squashed NFS). */
    bool in_cwd = chdir(p->cwd) == 0;
    if (!in_cwd && errno != EACCES && errno != EPERM)
        exec_fail(sync_fd, (hull_error_set(&err, errno, "chdir to process.cwd %s", p->cwd), err));
    give_stdio_to(p->user.uid, p->terminal);
    /* Keep the permitted set across setuid; caps_apply trims it right after. */
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        exec_fail(sync_fd, (hull_error_set(&err, errno, "prctl(PR_SET_KEEPCAPS)"), err));
    if (setresgid(p->user.gid, p->user.gid, p->user.gid) < 0)
        exec_fail(sync_fd, (hull_error_set(&err, errno, "setgid %u (process.user.gid)", p->user.gid), err));
    if (setresuid(p->user.uid, p->user.uid, p->user.uid) < 0)
        exec_fail(sync_fd, (hull_error_set(&err, errno, "setuid %u (process.user.uid)", p->user.uid), err));
    if (caps_apply(p->capabilities, &err) < 0)
        exec_fail(sync_fd, err);
    if (lsm_apply_process_label(p, &labels, &err) < 0)
        exec_fail(sync_fd, err);
    if (p->user.has_umask)
        umask(p->user.umask);
    if (!in_cwd && chdir(p->cwd) < 0)
        exec_fail(sync_fd, (hull_error_set(&err, errno, "chdir to process.cwd %s", p->cwd), err));
    if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        exec_fail(sync_fd, (hull_error_set(&err, errno, "prctl(PR_SET_NO_NEW_PRIVS)"), err));
    if (seccomp && p->no_new_privileges && seccomp_prepared_load(seccomp, state_json, &err) < 0)
        exec_fail(sync_fd, err);

    /* runc's words, as at create (container_init): clients map them to 127 and 126. */
    cleanup_free char *path = find_executable(p->args[0], env);
    if (!path && errno == EACCES)
        exec_fail(sync_fd, (hull_error_set(&err, 0, "exec: \"%s\": permission denied", p->args[0]), err));
    if (!path)
        exec_fail(sync_fd, (hull_error_set(&err, 0, "exec: \"%s\": executable file not found in $PATH", p->args[0]),
                            err));
    execve(path, p->args, env);
    exec_fail(sync_fd, (hull_error_set(&err, errno, "exec %s", path), err));
}

/* Until state.json names us, nobody but the runtime that cloned us knows we
 * exist: if it dies, so must we, or we would wait for `start` for ever, an
 * orphan no command can see (docs/reliability.md).  The parent-death signal
 * does that, but it only fires for a death after it was set, and the kernel
 * clears it whenever our credentials change (a new user namespace's root, a
 * joined user namespace): set it again after each, and check that the runtime
 * is still our parent.  In a new pid namespace getppid() is 0 whoever the
 * parent is; there the sync socket's EOF tells us instead, at the next message. */
static void die_with_runtime(const struct init_ctx *ctx)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    pid_t ppid = getppid();
    if (ppid != 0 && ppid != ctx->runtime_pid)
        _exit(255);
}

/* Step 1: out of the runtime's hands into the container's namespaces, with
 * its hostname and domainname. */
static void init_enter_namespaces(struct init_ctx *ctx)
{
    struct hull_error *err = NULL;
    const struct hull_spec *spec = ctx->spec;
    int sync_fd = ctx->sync_fd;

    die_with_runtime(ctx);
    /* Signals blocked by the runtime must not stay blocked for the container. */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    /* Before the parent may move us: execCPUAffinity.initial is the affinity
     * "before the transition to container's cgroup" (config.md). */
    if (process_apply_initial_affinity(spec->process, &err) < 0)
        init_fail(sync_fd, err);
    if (sync_expect(sync_fd, SYNC_GO, &err) < 0)
        _exit(255);
    /* Until execve, /proc/<us>/exe is the runtime binary: a non-dumpable
     * process's /proc entries belong to root of the initial namespace, so the
     * container cannot open it (CVE-2019-5736).  Only after GO: a rootless
     * runtime (and newuidmap) must still write our uid_map/gid_map/setgroups,
     * which non-dumpable would hand to root; until GO nothing of the container
     * runs but us, blocked here. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    /* Its own session, as runc's init: the container is not part of the
     * caller's process group or session (a shell's job control, a kill(0)
     * or a waitpid(-pgid) by the caller must not reach it). */
    if (setsid() < 0)
        init_fail(sync_fd, (hull_error_set(&err, errno, "setsid"), err));

    if (ctx->new_userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
        init_fail(sync_fd, (hull_error_set(&err, errno, "become root in the new user namespace"), err));
    if (join_namespaces(ctx, &err) < 0)
        init_fail(sync_fd, err);
    die_with_runtime(ctx); /* the credential changes above cleared it */
    if (ctx->unshare_flags && unshare(ctx->unshare_flags) < 0)
        init_fail(sync_fd, (hull_error_set(&err, errno, "unshare namespaces (flags 0x%x)", ctx->unshare_flags), err));
    const struct hull_namespace *net = &spec->linux_.namespaces[HULL_NS_NET];
    if (net->present && !net->path && ns_loopback_up(&err) < 0)
        init_fail(sync_fd, err);

    if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
        init_fail(sync_fd, (hull_error_set(&err, errno, "sethostname \"%s\"", spec->hostname), err));
    if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
        init_fail(sync_fd, (hull_error_set(&err, errno, "setdomainname \"%s\"", spec->domainname), err));
}

/* Step 3: in its cgroups, the runtime's prestart and createRuntime hooks run,
 * then our createContainer hooks.  Returns the hooks' state (the runtime's
 * view), for startContainer and the exec. */
static char *init_run_create_hooks(struct init_ctx *ctx)
{
    struct hull_error *err = NULL;
    int sync_fd = ctx->sync_fd;
    /* In its cgroups before any hook, and anything of the container's, runs
     * (the parent may attach us while we prepared the root: container.c). */
    if (sync_expect(sync_fd, SYNC_CGROUP_DONE, &err) < 0)
        _exit(255);
    /* The parent runs prestart and createRuntime hooks now, in its namespaces. */
    sync_send(sync_fd, SYNC_RUN_CREATE_HOOKS, 0, NULL);
    struct sync_msg msg;
    if (sync_recv(sync_fd, &msg, &err) < 0 || msg.type != SYNC_HOOKS_DONE)
        _exit(255);
    char *state_json = xstrdup(msg.text);

    /* In the container's namespaces: its own view of our pid (1 with a pid namespace). */
    cleanup_free char *create_state = hook_state_rewrite(state_json, "creating", getpid());
    if (hooks_run(&ctx->spec->hooks.create_container, "createContainer", create_state, &err) < 0)
        init_fail(sync_fd, err);
    return state_json;
}

/* Step 4: into the root filesystem, finished (terminal, sysctls, masks and
 * read-only paths, rlimits, keyring).  *fifo is exec.fifo, held from before
 * pivot_root; returns our own procfs. */
static int init_enter_rootfs(struct init_ctx *ctx, struct rootfs_ctx *rctx, int *fifo)
{
    struct hull_error *err = NULL;
    const struct hull_spec *spec = ctx->spec;
    int sync_fd = ctx->sync_fd;
    /* The fifo lives in the host's state directory: hold it before pivot_root. */
    *fifo = open(ctx->fifo_path, O_PATH | O_CLOEXEC);
    if (*fifo < 0)
        init_fail(sync_fd, (hull_error_set(&err, errno, "open %s", ctx->fifo_path), err));

    log_debug("init %s: %s into the root filesystem", ctx->id, ctx->no_pivot ? "move" : "pivot_root");
    if (rootfs_pivot(rctx, &err) < 0)
        init_fail(sync_fd, err);
    /* From here on procfs files (sysctls, the exec fifo's fd) are opened
     * through a procfs of our own, never the container's /proc, where
     * something mounted over a path could take the write elsewhere (the
     * CVE-2025-52881 class).  Taken before the masks: inside a user namespace
     * the kernel lets us mount a procfs only while /proc is fully visible. */
    int procfs = procfs_handle_open(&err);
    if (procfs < 0)
        init_fail(sync_fd, (hull_error_wrap(&err, "procfs"), err));
    if (spec->process->terminal && setup_terminal(ctx, &err) < 0)
        init_fail(sync_fd, err);
    /* sysctls before readonlyPaths: the default config makes /proc/sys read-only. */
    if (ns_apply_sysctl(spec, procfs, &err) < 0)
        init_fail(sync_fd, err);
    if (rootfs_finalize(rctx, &err) < 0)
        init_fail(sync_fd, err);
    if (apply_rlimits(spec->process, &err) < 0)
        init_fail(sync_fd, err);
    if (!ctx->no_new_keyring) {
        /* A fresh session keyring, so the container cannot read the host's keys. */
        cleanup_free char *name = xasprintf("_ses.%s", ctx->id);
        if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0 && errno != ENOSYS && errno != EPERM &&
            errno != EACCES)
            init_fail(sync_fd, (hull_error_set(&err, errno, "join a new session keyring"), err));
    }
    return procfs;
}

/* Step 5: process.cwd made, the program found: fail at create, not at start,
 * when it does not exist or cannot be executed.  The words are runc's:
 * dockerd maps "executable file not found" to exit code 127 and a lower-case
 * "permission denied" to 126. */
static void init_check_program(struct init_ctx *ctx, char **extra_env)
{
    struct hull_error *err = NULL;
    const struct hull_process *proc = ctx->spec->process;
    int sync_fd = ctx->sync_fd;
    /* process.cwd is resolved inside the new root and created if missing, as runc does. */
    cleanup_close int rootfd = open("/", O_PATH | O_CLOEXEC);
    cleanup_close int cwd = path_open_in_root(rootfd, proc->cwd, PATH_MKDIR, &err);
    if (cwd < 0) {
        hull_error_wrap(&err, "process.cwd");
        init_fail(sync_fd, err);
    }
    size_t n_env = strv_length(proc->env), n_extra = strv_length(extra_env);
    char **env = xmalloc0((n_env + n_extra + 1) * sizeof(char *));
    memcpy(env, proc->env, n_env * sizeof(char *));
    if (n_extra)
        memcpy(env + n_env, extra_env, n_extra * sizeof(char *));
    cleanup_free char *exe = find_executable(proc->args[0], env);
    int lookup_errno = errno;
    free(env);
    if (!exe && lookup_errno == EACCES)
        init_fail(sync_fd, (hull_error_set(&err, 0, "exec: \"%s\": permission denied", proc->args[0]), err));
    if (!exe)
        init_fail(sync_fd,
                  (hull_error_set(&err, 0, "exec: \"%s\": executable file not found in $PATH", proc->args[0]), err));
}

/* Step 6: READY; once the runtime saved state.json we stop dying with it,
 * then block until `start` opens exec.fifo.  Returns the fifo's write end. */
static int init_wait_for_start(struct init_ctx *ctx, int procfs, int fifo)
{
    struct hull_error *err = NULL;
    int sync_fd = ctx->sync_fd;
    log_debug("init %s: ready; wait for the runtime to save the state", ctx->id);
    sync_send(sync_fd, SYNC_READY, 0, NULL);
    /* EOF instead means the runtime died before state.json named us. */
    if (sync_expect(sync_fd, SYNC_STATE_SAVED, &err) < 0)
        _exit(255);
    /* From here on the runtime may exit (create returns); we must not die
     * with it: delete finds us through state.json. */
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    /* Only now may the runtime exit: had it exited right after its message,
     * the signal could still have killed us (create's init "exited before
     * start", seen in make check on an idle machine). */
    if (sync_send(sync_fd, SYNC_DETACHED, 0, NULL) < 0)
        _exit(255);
    log_debug("init %s: wait for start to open exec.fifo", ctx->id);

    /* Block until `start` opens the fifo for reading (reopened through our
     * procfs: the container's /proc/self/fd is a path like any other). */
    int w = procfs_reopen_fd(procfs, fifo, O_WRONLY, &err);
    if (w < 0) {
        cleanup_free char *text = hull_error_text(err);
        dprintf(2, "hull: open exec fifo: %s\n", text);
        _exit(255);
    }
    close(procfs);
    if (write(w, "0", 1) != 1)
        _exit(255);
    /* w stays open (close-on-exec): `start` reads until EOF, which comes when
     * execve succeeds (or we die), so poststart hooks run after the user's
     * program started, as the spec requires. */
    close(fifo);
    close(sync_fd);
    return w;
}

void container_init(struct init_ctx *ctx)
{
    struct hull_error *err = NULL;
    const struct hull_spec *spec = ctx->spec;

    /* Our copy of the exe overlay's mount fd (exe_protect_release): not for
     * the container, not even within --preserve-fds.  The runtime holds its
     * own, so this close is not the last and waits for nothing. */
    exe_protect_release();
    init_enter_namespaces(ctx);

    /* Step 2: the root filesystem, prepared while the runtime may still be
     * attaching us to our cgroups. */
    struct rootfs_ctx rctx = {
        .spec = spec,
        .rootfs = ctx->rootfs,
        .bundle = ctx->bundle,
        .cgroup = ctx->cgroup,
        .in_userns = ctx->in_userns,
        .new_cgroupns = ctx->new_cgroupns,
        .no_pivot = ctx->no_pivot,
        .own_mount_ns = spec->linux_.namespaces[HULL_NS_MNT].present,
        .bind_trees = ctx->bind_trees,
    };
    log_debug("init %s: in its namespaces; prepare the root filesystem %s", ctx->id, ctx->rootfs);
    if (rootfs_prepare(&rctx, &err) < 0)
        init_fail(ctx->sync_fd, err);

    cleanup_free char *state_json = init_run_create_hooks(ctx);
    int fifo = -1;
    int procfs = init_enter_rootfs(ctx, &rctx, &fifo);

    cleanup_strv char **extra_env = NULL;
    if (ctx->listen_fds > 0) {
        extra_env = xmalloc0(3 * sizeof(char *));
        extra_env[0] = xasprintf("LISTEN_FDS=%d", ctx->listen_fds);
        extra_env[1] = xstrdup("LISTEN_PID=1");
    }
    init_check_program(ctx, extra_env);

    /* Last, so the setup above does not run at an idle priority or on one CPU. */
    if (linux_apply_attrs(&spec->linux_, &err) < 0 || process_apply_attrs(spec->process, &err) < 0)
        init_fail(ctx->sync_fd, err);
    close_fds_on_exec(ctx->preserve_fds);

    start_fifo = init_wait_for_start(ctx, procfs, fifo);
    /* "created" (runc 1.2+): `start` has run, the program has not. */
    cleanup_free char *start_state = hook_state_rewrite(state_json, "created", getpid());
    if (hooks_run(&spec->hooks.start_container, "startContainer", start_state, &err) < 0) {
        cleanup_free char *text = hull_error_text(err);
        dprintf(2, "hull: %s\n", text);
        report_start_failure();
        _exit(255);
    }
    exec_user_process(spec->process, ctx->seccomp, state_json, -1, extra_env);
}
