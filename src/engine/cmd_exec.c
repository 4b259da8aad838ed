/* hull exec: another process in a running container, through the library's
 * container_exec (no runtime binary).  The process starts from the
 * container's own config.json (capabilities, env, user, cwd, rlimits,
 * seccomp), changed by the flags as docker changes it:
 *   -e adds to / overrides the container's env, -u is looked up in the
 *   container's /etc/passwd, -w sets the cwd, -t gives a terminal, -i
 *   attaches stdin (without it the process reads /dev/null), -d returns at
 *   once, --privileged gives every capability this host can give.
 * Exit status: the command's; 127 when it does not exist, 126 when it cannot
 * be run; 1 when the container is not running (docker's codes). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "container/exec.h"
#include "container/foreground.h"
#include "engine.h"
#include "engine/lifecycle.h"
#include "engine/record.h"
#include "engine/user.h"
#include "security/security.h"
#include "spec/spec.h"
#include "terminal/terminal.h"
#include "util/utils.h"

/* docker: the command could not be invoked (126); 127 when not found (engine_start_failure_status). */
#define EXEC_CANNOT_INVOKE 126

struct exec_flags {
    bool interactive, tty, detach, privileged;
    const char *user, *workdir;
    char **env; /* -e, in order */
    size_t n_env;
};

static void exec_usage(FILE *f)
{
    fprintf(f, "Usage:  hull exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\n"
               "Execute a command in a running container\n\n"
               "Options:\n"
               "  -d, --detach          run the command in the background\n"
               "  -e, --env K=V         set an environment variable (K alone: pass ours)\n"
               "  -i, --interactive     keep stdin attached\n"
               "      --privileged      give the command every capability\n"
               "  -t, --tty             allocate a terminal\n"
               "  -u, --user USER       NAME|UID[:GROUP|GID], looked up in the container\n"
               "  -w, --workdir DIR     working directory inside the container\n");
}

/* KEY=VALUE replaces the container's KEY; a bare KEY passes our value, or
 * nothing when we have none (docker's -e). */
static char **env_apply(char **env, const char *entry)
{
    cleanup_free char *kv = NULL;
    if (!strchr(entry, '=')) {
        const char *value = getenv(entry);
        if (!value)
            return env;
        kv = xasprintf("%s=%s", entry, value);
    } else {
        kv = xstrdup(entry);
    }
    size_t klen = strcspn(kv, "=");
    for (char **e = env; e && *e; e++) {
        if (!strncmp(*e, kv, klen) && (*e)[klen] == '=') {
            free(*e);
            *e = steal_pointer(&kv);
            return env;
        }
    }
    strv_add(&env, steal_pointer(&kv));
    return env;
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
static int make_process(struct hull_process *proc, const struct exec_flags *f, char **cmd, pid_t init,
                        struct hull_error **err)
{
    strv_free(proc->args);
    proc->args = NULL;
    for (char **a = cmd; *a; a++)
        strv_add(&proc->args, xstrdup(*a));
    for (size_t i = 0; i < f->n_env; i++)
        proc->env = env_apply(proc->env, f->env[i]);
    proc->terminal = f->tty;
    proc->has_console_size = false;
    if (f->tty) {
        if (!env_has(proc->env, "TERM"))
            strv_add(&proc->env, xstrdup("TERM=xterm"));
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 || ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) {
            proc->has_console_size = true;
            proc->console_height = ws.ws_row;
            proc->console_width = ws.ws_col;
        }
    }
    if (f->workdir) {
        if (f->workdir[0] != '/')
            return hull_error_set(err, 0, "invalid --workdir \"%s\": must be an absolute path", f->workdir);
        free(proc->cwd);
        proc->cwd = xstrdup(f->workdir);
    }
    if (f->privileged)
        all_capabilities(proc);
    return security_validate_process(proc, err);
}

/* -u: resolved in the running container's own view of /etc (/proc/PID/root,
 * mounts over it included). */
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

/* docker's codes for an exec that could not start (moby's ContainerExecStart):
 * 127 for a command that does not exist, else 126 (it cannot be run). */
static int exec_failed(const struct hull_error *err)
{
    engine_error(err);
    int status = engine_start_failure_status(err);
    return status ? status : EXEC_CANNOT_INVOKE;
}

static int exec_in(const char *id, pid_t init, const struct exec_flags *f, char **cmd)
{
    cleanup_error struct hull_error *err = NULL;
    cleanup_spec struct hull_spec *spec = NULL;
    {
        cleanup_free char *dir = engine_container_dir(g_engine.root, id);
        cleanup_free char *path = xasprintf("%s/config.json", dir);
        cleanup_free char *text = NULL;
        if (read_file(path, &text, NULL, &err) < 0 || spec_parse(text, &spec, &err) < 0)
            return engine_error(err);
        if (!spec->process)
            return engine_error_fmt("container %.12s has no process in %s", id, path);
    }
    if (make_process(spec->process, f, cmd, init, &err) < 0)
        return engine_error(err);
    /* A user the container does not have is a process that cannot be
     * started: docker exits 126 ("unable to find user"), not 1. */
    if (f->user && apply_user(spec->process, f->user, init, &err) < 0) {
        engine_error(err);
        return EXEC_CANNOT_INVOKE;
    }
    struct seccomp_prepared *seccomp = NULL;
    if (spec->linux_.seccomp && seccomp_prepare(spec->linux_.seccomp, &seccomp, &err) < 0)
        return engine_error(err);
    cleanup_free char *rtroot = engine_runtime_root(g_engine.runroot);
    int master = -1;
    struct container_exec_opts o = {
        .root = rtroot,
        .id = id,
        .process = spec->process,
        .seccomp = seccomp,
        .linux_ = &spec->linux_,
        .detach = f->detach,
        .console_master_out = f->detach ? NULL : &master,
    };
    /* The process inherits our stdio: without -i its stdin is /dev/null, and
     * with -d nothing of ours at all (docker discards a detached exec's output). */
    int saved_in = f->interactive ? -1 : redirect_to_null(STDIN_FILENO);
    int saved_out = f->detach ? redirect_to_null(STDOUT_FILENO) : -1;
    int saved_err = f->detach ? redirect_to_null(STDERR_FILENO) : -1;
    sigset_t fwd, old;
    if (!f->detach)
        foreground_block_signals(&fwd, &old);
    pid_t pid;
    int r = container_exec(&o, &pid, &err);
    restore_fd(saved_err, STDERR_FILENO);
    restore_fd(saved_out, STDOUT_FILENO);
    if (seccomp)
        seccomp_prepared_free(seccomp);
    if (r < 0) {
        restore_fd(saved_in, STDIN_FILENO);
        if (!f->detach)
            sigprocmask(SIG_SETMASK, &old, NULL);
        return exec_failed(err);
    }
    if (f->detach) {
        restore_fd(saved_in, STDIN_FILENO);
        return 0;
    }
    if (master >= 0)
        terminal_proxy_start(master);
    int code = foreground_wait(pid, &fwd);
    if (master >= 0) {
        terminal_proxy_stop();
        close(master);
    }
    restore_fd(saved_in, STDIN_FILENO);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return code;
}

enum { OPT_PRIVILEGED = 1000 };
static const struct option exec_longopts[] = {
    {"interactive", no_argument, NULL, 'i'},
    {"tty", no_argument, NULL, 't'},
    {"detach", no_argument, NULL, 'd'},
    {"user", required_argument, NULL, 'u'},
    {"env", required_argument, NULL, 'e'},
    {"workdir", required_argument, NULL, 'w'},
    {"privileged", no_argument, NULL, OPT_PRIVILEGED},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset exec_flagset = {"+itdu:e:w:h", exec_longopts};

int cmd_exec(int argc, char **argv)
{
    struct exec_flags f = {0};
    cleanup_free char **env = xmalloc0((size_t)argc * sizeof *env);
    f.env = env;
    int c;
    /* "+": options end at CONTAINER; what follows belongs to the command. */
    while ((c = engine_next_flag("exec", argc, argv, &exec_flagset)) != -1) {
        switch (c) {
        case 'i':
            f.interactive = engine_flag_bool();
            break;
        case 't':
            f.tty = engine_flag_bool();
            break;
        case 'd':
            f.detach = engine_flag_bool();
            break;
        case 'u':
            f.user = optarg;
            break;
        case 'e':
            env[f.n_env++] = optarg;
            break;
        case 'w':
            f.workdir = optarg;
            break;
        case OPT_PRIVILEGED:
            f.privileged = engine_flag_bool();
            break;
        case 'h':
            exec_usage(stdout);
            return 0;
        default:
            return 125;
        }
    }
    if (argc - optind < 2)
        return engine_usage_error("exec", "requires at least 2 arguments: CONTAINER COMMAND");
    if (f.detach && f.tty)
        return engine_error_fmt("exec -d with -t is not supported: a detached command has no one to read its terminal");
    cleanup_free char *id = NULL;
    struct json_object *rec = engine_find_container(argv[optind], &id);
    if (!rec)
        return 1;
    struct json_object *state = engine_json_path(rec, "State", NULL);
    const char *status = engine_json_str(state, "Status");
    pid_t init = json_object_get_int(engine_json_path(state, "Pid", NULL));
    bool paused = !strcmp(status, "paused"), running = !strcmp(status, "running");
    json_object_put(rec);
    if (paused)
        return engine_error_fmt("container %.12s is paused, unpause the container before exec", id);
    if (!running || init <= 0)
        return engine_error_fmt("container %.12s is not running", id);
    return exec_in(id, init, &f, argv + optind + 1);
}
