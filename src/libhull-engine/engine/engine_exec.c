/* hull: `hull exec` behind its flags.  The container is looked up by name,
 * id or prefix and must be running (its record, refreshed from the runtime
 * state).  The container's own process from its config.json is the base;
 * docker's flags change it (-e, -w, -u looked up in the running container's
 * /etc, --privileged, -t); then the runtime's container_exec runs it under
 * the container's seccomp filter and, in the foreground, the terminal is
 * proxied and the process waited for. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "container/exec.h"
#include "container/foreground.h"
#include "security/security.h"
#include "spec/spec.h"
#include "util/utils.h"

#include "engine_exec.h"
#include "lifecycle.h"
#include "record.h"
#include "user.h"

/* docker: no such container, or not running (1); bad flags (125); the
 * command could not be invoked (126); 127 when not found. */
#define EXEC_NOT_RUNNING 1
#define EXEC_BAD_FLAGS 125
#define EXEC_CANNOT_INVOKE 126

/* KEY=VALUE replaces the container's KEY; a bare KEY passes our value, or
 * nothing when we have none (docker's -e). */
static void env_apply(char ***env, const char *entry)
{
    cleanup_free char *kv = NULL;
    if (!strchr(entry, '=')) {
        const char *value = getenv(entry);
        if (!value)
            return;
        kv = xasprintf("%s=%s", entry, value);
    } else {
        kv = xstrdup(entry);
    }
    size_t klen = strcspn(kv, "=");
    for (char **e = *env; e && *e; e++) {
        if (!strncmp(*e, kv, klen) && (*e)[klen] == '=') {
            free(*e);
            *e = steal_pointer(&kv);
            return;
        }
    }
    strv_add(env, steal_pointer(&kv));
}

static bool env_has(char **env, const char *key)
{
    size_t klen = strlen(key);
    for (char **e = env; e && *e; e++)
        if (!strncmp(*e, key, klen) && (*e)[klen] == '=')
            return true;
    return false;
}

/* Every capability in our bounding set: what --privileged can give here. */
static void all_capabilities(struct hull_process *proc)
{
    if (!proc->capabilities)
        proc->capabilities = xmalloc0(sizeof *proc->capabilities);
    struct hull_capabilities *c = proc->capabilities;
    char ***sets[] = {&c->bounding, &c->effective, &c->permitted, &c->inheritable};
    for (size_t s = 0; s < ARRAY_SIZE(sets); s++) {
        strv_free(*sets[s]);
        *sets[s] = NULL;
    }
    for (cap_value_t v = 0; v < cap_max_bits(); v++) {
        if (cap_get_bound(v) <= 0)
            continue;
        char *name = cap_to_name(v);
        if (!name)
            continue;
        cleanup_free char *upper = xstrdup(name);
        cap_free(name);
        for (char *p = upper; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p -= 'a' - 'A';
        if (strncmp(upper, "CAP_", 4))
            continue; /* a capability newer than libcap knows: only a number */
        for (size_t s = 0; s < ARRAY_SIZE(sets); s++)
            strv_add(sets[s], xstrdup(upper));
    }
}

/* The process to run: the container's, changed by the flags. */
static int make_process(struct hull_process *proc, const struct engine_exec_opts *o, struct hull_error **err)
{
    strv_free(proc->args);
    proc->args = NULL;
    for (char *const *a = o->args; *a; a++)
        strv_add(&proc->args, xstrdup(*a));
    for (char *const *e = o->env; e && *e; e++)
        env_apply(&proc->env, *e);
    proc->terminal = o->tty;
    proc->has_console_size = false;
    if (o->tty) {
        if (!env_has(proc->env, "TERM"))
            strv_add(&proc->env, xstrdup("TERM=xterm"));
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 || ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) {
            proc->has_console_size = true;
            proc->console_height = ws.ws_row;
            proc->console_width = ws.ws_col;
        }
    }
    if (o->workdir) {
        if (o->workdir[0] != '/')
            return hull_error_set(err, 0, "invalid --workdir \"%s\": must be an absolute path", o->workdir);
        free(proc->cwd);
        proc->cwd = xstrdup(o->workdir);
    }
    if (o->privileged)
        all_capabilities(proc);
    return security_validate_process(proc, err);
}

/* -u: resolved in the running container's own view of /etc (/proc/PID/root,
 * mounts over it included); init is its init's pid on the host. */
static int apply_user(struct hull_process *proc, const char *user, pid_t init, struct hull_error **err)
{
    cleanup_free char *rootfs = xasprintf("/proc/%d/root", init);
    struct engine_user u;
    if (engine_user_resolve(rootfs, user, &u, err) < 0)
        return -1;
    proc->user.uid = u.uid;
    proc->user.gid = u.gid;
    free(proc->user.additional_gids);
    proc->user.additional_gids = steal_pointer(&u.groups);
    proc->user.n_additional_gids = u.n_groups;
    return 0;
}

/* Points fd at /dev/null; returns a close-on-exec copy of the old fd (-1 on failure). */
static int redirect_to_null(int fd)
{
    int saved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    cleanup_close int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0)
        dup2(null, fd);
    return saved;
}

static void restore_fd(int saved, int fd)
{
    if (saved >= 0) {
        dup2(saved, fd);
        close(saved);
    }
}

static int load_process(const struct engine_exec_opts *o, const char *id, struct hull_spec **spec,
                        struct hull_error **err)
{
    cleanup_free char *dir = engine_container_dir(o->root, id);
    cleanup_free char *path = xasprintf("%s/config.json", dir);
    cleanup_free char *text = NULL;
    if (read_file(path, &text, NULL, err) < 0 || spec_parse(text, spec, err) < 0)
        return -1;
    if (!(*spec)->process)
        return hull_error_set(err, 0, "container %.12s has no process in %s", id, path);
    return 0;
}

/* The process exists: container_exec, then in the foreground the wait. */
static int run(const struct engine_exec_opts *o, const char *id, struct hull_spec *spec, int *exit_code,
               struct hull_error **err)
{
    struct seccomp_prepared *seccomp = NULL;
    if (spec->linux_.seccomp && seccomp_prepare(spec->linux_.seccomp, &seccomp, err) < 0)
        return -1;
    cleanup_free char *rtroot = engine_runtime_root(o->runroot);
    int master = -1;
    struct container_exec_opts eo = {
        .root = rtroot,
        .id = id,
        .process = spec->process,
        .seccomp = seccomp,
        .linux_ = &spec->linux_,
        .detach = o->detach,
        .console_master_out = o->detach ? NULL : &master,
    };
    /* The process inherits our stdio: without -i its stdin is /dev/null, and
     * with -d nothing of ours at all (docker discards a detached exec's output). */
    int saved_in = o->interactive ? -1 : redirect_to_null(STDIN_FILENO);
    int saved_out = o->detach ? redirect_to_null(STDOUT_FILENO) : -1;
    int saved_err = o->detach ? redirect_to_null(STDERR_FILENO) : -1;
    sigset_t fwd, old;
    if (!o->detach)
        foreground_block_signals(&fwd, &old);
    pid_t pid;
    int r = container_exec(&eo, &pid, err);
    restore_fd(saved_err, STDERR_FILENO);
    restore_fd(saved_out, STDOUT_FILENO);
    if (seccomp)
        seccomp_prepared_free(seccomp);
    if (r < 0 || o->detach) {
        restore_fd(saved_in, STDIN_FILENO);
        if (!o->detach)
            sigprocmask(SIG_SETMASK, &old, NULL);
        if (r < 0) {
            /* docker's codes for an exec that could not start (moby's
             * ContainerExecStart): 127 not found, else 126. */
            int status = engine_start_failure_status(*err);
            *exit_code = status ? status : EXEC_CANNOT_INVOKE;
            return -1;
        }
        *exit_code = 0;
        return 0;
    }
    *exit_code = foreground_wait_terminal(pid, &fwd, master);
    restore_fd(saved_in, STDIN_FILENO);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return 0;
}

/* The container's id and its init, when it runs: its record, with the
 * state refreshed from the runtime's (an init that died is not running). */
static int find_running(const struct engine_exec_opts *o, char **id, pid_t *init, struct hull_error **err)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_container_lookup(o->root, o->runroot, o->container, &rec, id, err) < 0)
        return -1;
    const char *status = record_str(rec->state.status);
    if (!strcmp(status, "paused"))
        return hull_error_set(err, 0, "container %.12s is paused, unpause the container before exec", *id);
    if (strcmp(status, "running") || rec->state.pid <= 0)
        return hull_error_set(err, 0, "container %.12s is not running", *id);
    *init = rec->state.pid;
    return 0;
}

int engine_container_exec(const struct engine_exec_opts *o, int *exit_code, struct hull_error **err)
{
    cleanup_free char *id = NULL;
    cleanup_spec struct hull_spec *spec = NULL;
    pid_t init = 0;
    *exit_code = EXEC_NOT_RUNNING;
    if (find_running(o, &id, &init, err) < 0)
        return -1;
    *exit_code = EXEC_BAD_FLAGS;
    if (load_process(o, id, &spec, err) < 0 || make_process(spec->process, o, err) < 0)
        return -1;
    /* A user the container does not have is a process that cannot be
     * started: docker exits 126 ("unable to find user"), not 1. */
    if (o->user && apply_user(spec->process, o->user, init, err) < 0) {
        *exit_code = EXEC_CANNOT_INVOKE;
        return -1;
    }
    return run(o, id, spec, exit_code, err);
}
