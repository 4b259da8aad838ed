/* hull: what the runtime does to a container that exists: start, state, kill,
 * delete, list and the queries on its processes (runtime.md "Operations").
 * container.c creates it; both share container_internal.h. */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../cgroup/cgroup.h"
#include "../mount/rootfs.h"
#include "../ns/namespaces.h"
#include "../security/security.h"
#include "../util/log.h"
#include "../util/utils.h"
#include "hooks.h"
#include "process_attrs.h"
#include "init.h"
#include "sync.h"
#include "../terminal/terminal.h"
#include "container_internal.h"

/* ---------- start ---------- */

static int load_saved_spec(const char *root, const char *id, struct hull_spec **out, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("%s/%s/config.json", root, id);
    cleanup_free char *text = NULL;
    if (read_file(path, &text, NULL, err) < 0)
        return -1;
    return spec_parse(text, out, err);
}

static int send_signal(pid_t pid, int sig);

/* Holds the read end of exec.fifo until the init has written its byte: the
 * init is released.  Fails if it died before. */
static int release_the_init(const char *id, const struct hull_state *saved, int fifo, struct hull_error **err)
{
    for (;;) {
        struct pollfd p = {.fd = fifo, .events = POLLIN};
        int r = poll(&p, 1, 100);
        if (r > 0 && (p.revents & POLLIN)) {
            char c;
            if (read(fifo, &c, 1) == 1)
                return 0;
        }
        if (r < 0 && errno != EINTR)
            return hull_error_set(err, errno, "wait for container init");
        if (state_live_pid(saved) == 0)
            return hull_error_set(err, 0, "container \"%s\" init (pid %d) exited before start", id, saved->pid);
    }
}

/* Waits for EOF: the init holds the write end until it execs the program;
 * a '!' before EOF means startContainer hooks or execve failed (init.c). */
static int wait_for_the_program(const char *id, const struct hull_state *saved, int fifo, struct hull_error **err)
{
    bool program_failed = false;
    for (;;) {
        struct pollfd p = {.fd = fifo, .events = POLLIN};
        int r = poll(&p, 1, 100);
        if (r > 0) {
            char buf[16];
            ssize_t n = read(fifo, buf, sizeof buf);
            if (n > 0 && memchr(buf, '!', (size_t)n))
                program_failed = true;
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
                break;
            continue;
        }
        if (r < 0 && errno != EINTR)
            break;
        if (state_live_pid(saved) == 0)
            break;
    }
    if (program_failed)
        return hull_error_set(err, 0,
                              "container \"%s\": its program did not start (a startContainer hook or the exec "
                              "failed; the container's stderr says why)",
                              id);
    return 0;
}

static int run_poststart_hooks(const char *root, const char *id, const struct hull_state *saved, pid_t pid,
                               struct hull_error **err)
{
    log_debug("start %s: run poststart hooks", id);
    cleanup_spec struct hull_spec *spec = NULL;
    if (load_saved_spec(root, id, &spec, err) < 0)
        return -1;
    cleanup_free char *state = state_hook_json(spec, id, pid, saved->bundle, "running");
    /* runtime.md step 9: a failing poststart hook is an error and stops the
     * container (runc 1.2+ kills it too). */
    if (hooks_run(&spec->hooks.poststart, "poststart", state, err) < 0) {
        send_signal(pid, SIGKILL);
        return -1;
    }
    return 0;
}

int container_start(const char *root, const char *id, struct hull_error **err)
{
    cleanup_close int lock = -1;
    cleanup_state struct hull_state *saved = NULL;
    if (state_dir_lock(root, id, &lock, err) < 0 || state_load(root, id, &saved, err) < 0)
        return -1;
    enum container_status st = state_status(root, id, saved);
    if (st != STATUS_CREATED)
        return hull_error_set(err, 0, "cannot start container \"%s\": it is %s, not created", id,
                              container_status_name(st));
    cleanup_free char *fifo_path = xasprintf("%s/%s/exec.fifo", root, id);
    /* O_NONBLOCK: opening must not hang if the init is gone; the init's
     * blocking open for writing returns as soon as we hold the read end. */
    cleanup_close int fifo = open(fifo_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fifo < 0)
        return hull_error_set(err, errno, "open %s", fifo_path);
    pid_t pid = state_live_pid(saved);
    log_debug("start %s: release the init (pid %d) through %s", id, (int)pid, fifo_path);
    if (release_the_init(id, saved, fifo, err) < 0)
        return -1;
    unlink(fifo_path);
    if (wait_for_the_program(id, saved, fifo, err) < 0)
        return -1;
    log_debug("start %s: the user's program runs", id);
    if (saved->has_poststart && run_poststart_hooks(root, id, saved, pid, err) < 0)
        return -1;
    return 0;
}

/* ---------- state, kill ---------- */

int container_state(const char *root, const char *id, struct hull_state **out, enum container_status *status,
                    struct hull_error **err)
{
    if (container_id_validate(id, err) < 0)
        return -1;
    struct hull_state *saved = NULL;
    if (state_load(root, id, &saved, err) < 0)
        return -1;
    *status = state_status(root, id, saved);
    *out = saved;
    return 0;
}

int container_state_json(const char *root, const char *id, char **out, struct hull_error **err)
{
    struct hull_state *saved = NULL;
    enum container_status st;
    if (container_state(root, id, &saved, &st, err) < 0)
        return -1;
    *out = state_oci_json(saved, st);
    hull_state_free(saved);
    return 0;
}

int signal_parse(const char *s)
{
    static const struct {
        const char *name;
        int sig;
    } table[] = {
        {"HUP", SIGHUP},   {"INT", SIGINT},       {"QUIT", SIGQUIT},     {"ILL", SIGILL},     {"TRAP", SIGTRAP},
        {"ABRT", SIGABRT}, {"IOT", SIGIOT},       {"BUS", SIGBUS},       {"FPE", SIGFPE},     {"KILL", SIGKILL},
        {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},     {"USR2", SIGUSR2},     {"PIPE", SIGPIPE},   {"ALRM", SIGALRM},
        {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},     {"CONT", SIGCONT},   {"STOP", SIGSTOP},
        {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},     {"URG", SIGURG},     {"XCPU", SIGXCPU},
        {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},     {"WINCH", SIGWINCH}, {"IO", SIGIO},
        {"POLL", SIGPOLL}, {"PWR", SIGPWR},       {"SYS", SIGSYS},
    };
    if (!s || !*s)
        return -1;
    int64_t n;
    /* 0 is kill(2)'s liveness check: runc's `kill ID 0` sends it, so do we. */
    if (parse_int64(s, &n))
        return (n >= 0 && n < NSIG) ? (int)n : -1;
    const char *name = s;
    if (!strncasecmp(name, "SIG", 3))
        name += 3;
    for (size_t i = 0; i < ARRAY_SIZE(table); i++)
        if (!strcasecmp(name, table[i].name))
            return table[i].sig;
    if (!strncasecmp(name, "RTMIN", 5) || !strncasecmp(name, "RTMAX", 5)) {
        bool min = !strncasecmp(name, "RTMIN", 5);
        int base = min ? SIGRTMIN : SIGRTMAX;
        const char *rest = name + 5;
        if (!*rest)
            return base;
        if (parse_int64(rest, &n)) {
            int sig = base + (int)n;
            return (sig >= SIGRTMIN && sig <= SIGRTMAX) ? sig : -1;
        }
    }
    return -1;
}

static int send_signal(pid_t pid, int sig)
{
    /* A pidfd pins the process: the signal cannot hit a recycled pid. */
    cleanup_close int pfd = container_pidfd_open(pid);
    if (pfd >= 0)
        return (int)syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0);
    return kill(pid, sig);
}

int container_kill(const char *root, const char *id, int sig, bool all, struct hull_error **err)
{
    cleanup_close int lock = -1;
    if (state_dir_lock(root, id, &lock, err) < 0)
        return -1;
    struct hull_state *saved = NULL;
    if (state_load(root, id, &saved, err) < 0)
        return -1;
    int ret = -1;
    enum container_status st = state_status(root, id, saved);
    pid_t pid = state_live_pid(saved);
    log_debug("kill %s: signal %d to %s (status %s)", id, sig, all ? "every process in its cgroup" : "the init",
              container_status_name(st));
    cleanup_cgroup_manager struct cgroup_manager *cg = NULL;
    if (all && cgroup_manager_load(&saved->cgroup, &cg, err) < 0)
        goto out;
    /* Without a cgroup (rootless, none delegated) "all" can only mean the
     * init: in its own pid namespace, its death takes the rest with it. */
    if (all && cgroup_manager_dir(cg, NULL)) {
        if (cgroup_manager_kill_all(cg, sig, err) < 0)
            goto out;
        ret = 0;
        goto out;
    }
    if (st == STATUS_STOPPED || pid == 0) {
        if (all) { /* nothing left to signal: as with a cgroup, not an error */
            ret = 0;
            goto out;
        }
        hull_error_set(err, 0, "container \"%s\" is not running", id);
        goto out;
    }
    if (send_signal(pid, sig) < 0) {
        hull_error_set(err, errno, "send signal %d to container \"%s\" (pid %d)", sig, id, pid);
        goto out;
    }
    ret = 0;
out:
    hull_state_free(saved);
    return ret;
}

/* ---------- delete ---------- */

/* Undoes what a record (state.json, or the intent.json of a create that never
 * finished) names, in the reverse order of create, and removes the state
 * directory with the record last (state_dir_remove): a delete killed half
 * way leaves a record that the next delete finishes from. */
static int teardown(const char *root, const char *id, const struct hull_state *saved, enum container_status st,
                    bool poststop, struct hull_error **err)
{
    cleanup_cgroup_manager struct cgroup_manager *cg = NULL;
    if (cgroup_manager_load(&saved->cgroup, &cg, err) < 0)
        return -1;
    /* pid and start time: a recycled pid is never signalled (state_live_pid). */
    pid_t pid = state_live_pid(saved);
    log_debug("delete %s: status %s, init pid %d", id, container_status_name(st), (int)pid);
    if (pid > 0) {
        send_signal(pid, SIGKILL);
        /* A frozen process only dies once thawed. */
        if (st == STATUS_PAUSED) {
            struct hull_error *ignored = NULL;
            cgroup_manager_freeze(cg, false, &ignored);
            hull_error_free(ignored);
        }
        if (!container_wait_gone(pid, 10000))
            log_warn("container \"%s\" init (pid %d) did not exit after SIGKILL", id, pid);
    }
    if (saved->has_rootfs_mark)
        rootfs_release_mounts(saved->rootfs, saved->rootfs_before);
    log_debug("delete %s: remove the cgroups hull created", id);
    if (cgroup_manager_destroy(cg, err) < 0)
        return -1;
    if (poststop && saved->has_poststop) {
        log_debug("delete %s: run poststop hooks", id);
        cleanup_spec struct hull_spec *spec = NULL;
        struct hull_error *e = NULL;
        if (load_saved_spec(root, id, &spec, &e) == 0) {
            cleanup_free char *state = state_hook_json(spec, id, 0, saved->bundle, "stopped");
            hooks_run_warn(&spec->hooks.poststop, "poststop", state);
        } else {
            cleanup_free char *t = hull_error_text(e);
            log_warn("poststop hooks not run: %s", t);
            hull_error_free(e);
        }
    }
    if (state_dir_remove(root, id, err) < 0)
        return -1;
    log_debug("delete %s: deleted", id);
    return 0;
}

/* A state directory without state.json: a create killed before it saved the
 * state (it held the lock until it died, and we hold it now).  Its intent.json
 * names what it made; without one it made nothing outside the directory. */
static int delete_unfinished(const char *root, const char *id, bool force, struct hull_error **err)
{
    if (!force) {
        hull_error_freep(err);
        return hull_error_set(err, 0,
                              "container \"%s\" was never fully created (its create did not finish); "
                              "`delete --force %s` removes what it made",
                              id, id);
    }
    cleanup_free char *why = hull_error_text(*err);
    hull_error_freep(err);
    struct hull_state *intent = NULL;
    struct hull_error *e = NULL;
    if (state_intent_load(root, id, &intent, &e) < 0) {
        /* write_file_atomic never leaves half a file: this was not written by us */
        cleanup_free char *t = hull_error_text(e);
        log_warn("%s; only the state directory is removed", t);
        hull_error_free(e);
    }
    log_debug("delete %s: no state (%s); undo what the unfinished create recorded", id, why);
    if (!intent)
        intent = xmalloc0(sizeof *intent); /* a record of nothing */
    int r = teardown(root, id, intent, STATUS_STOPPED, false, err);
    hull_state_free(intent);
    return r;
}

int container_delete(const char *root, const char *id, bool force, struct hull_error **err)
{
    cleanup_close int lock = -1;
    if (state_dir_lock(root, id, &lock, err) < 0) {
        /* containerd calls `delete` and then `delete --force`: the second must succeed. */
        if (force && container_id_validate(id, NULL) == 0) {
            hull_error_freep(err);
            return 0;
        }
        return -1;
    }
    struct hull_state *saved = NULL;
    if (state_load(root, id, &saved, err) < 0)
        return delete_unfinished(root, id, force, err);
    int ret = -1;
    enum container_status st = state_status(root, id, saved);
    if (!force && st != STATUS_STOPPED && st != STATUS_CREATED) {
        hull_error_set(err, 0, "cannot delete container \"%s\": it is %s (stop it first or use --force)", id,
                       container_status_name(st));
        goto out;
    }
    ret = teardown(root, id, saved, st, true, err);
out:
    hull_state_free(saved);
    return ret;
}

/* ---------- list, ps ---------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int container_list_ids(const char *root, char ***ids, struct hull_error **err)
{
    size_t n = 0, cap = 16;
    char **v = xmalloc0(cap * sizeof(char *));
    cleanup_dir DIR *d = opendir(root);
    if (!d) {
        if (errno == ENOENT) {
            *ids = v;
            return 0;
        }
        free(v);
        return hull_error_set(err, errno, "open %s", root);
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || container_id_validate(de->d_name, NULL) < 0)
            continue;
        cleanup_free char *state = xasprintf("%s/%s/state.json", root, de->d_name);
        if (access(state, F_OK) < 0)
            continue;
        if (n + 2 > cap) {
            cap *= 2;
            v = xrealloc(v, cap * sizeof(char *));
        }
        v[n++] = xstrdup(de->d_name);
        v[n] = NULL;
    }
    qsort(v, n, sizeof(char *), cmp_str);
    *ids = v;
    return 0;
}

/* The cgroups of a container, from its saved state. */
static int load_cgroups(const char *root, const char *id, struct cgroup_manager **cg, struct hull_error **err)
{
    struct hull_state *saved = NULL;
    if (container_id_validate(id, err) < 0 || state_load(root, id, &saved, err) < 0)
        return -1;
    int r = cgroup_manager_load(&saved->cgroup, cg, err);
    hull_state_free(saved);
    return r;
}

/* A rootless container without a cgroup: its processes are those in the
 * init's pid namespace (exec'd ones included), found by the namespace link of
 * every process we may look at. */
static int pids_in_pid_namespace(pid_t init, pid_t **pids, size_t *n, struct hull_error **err)
{
    *pids = NULL;
    *n = 0;
    if (init <= 0)
        return 0;
    char path[64], want[64], have[64];
    snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)init);
    ssize_t wl = readlink(path, want, sizeof want - 1);
    if (wl < 0)
        return hull_error_set(err, errno, "read %s", path);
    want[wl] = '\0';
    ssize_t ol = readlink("/proc/self/ns/pid", have, sizeof have - 1);
    if (ol >= 0 && (have[ol] = '\0', !strcmp(have, want))) {
        /* It shares our pid namespace: only the init is surely its own. */
        *pids = xmalloc0(sizeof(pid_t));
        (*pids)[0] = init;
        *n = 1;
        return 0;
    }
    cleanup_dir DIR *d = opendir("/proc");
    if (!d)
        return hull_error_set(err, errno, "open /proc");
    size_t cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        int64_t p;
        if (!parse_int64(e->d_name, &p) || p <= 0)
            continue;
        snprintf(path, sizeof path, "/proc/%lld/ns/pid", (long long)p);
        ssize_t hl = readlink(path, have, sizeof have - 1);
        if (hl < 0)
            continue;
        have[hl] = '\0';
        if (strcmp(have, want))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            pid_t *v = realloc(*pids, cap * sizeof(pid_t));
            if (!v)
                abort();
            *pids = v;
        }
        (*pids)[(*n)++] = (pid_t)p;
    }
    return 0;
}

int container_pids(const char *root, const char *id, pid_t **pids, size_t *n, struct hull_error **err)
{
    struct hull_state *saved = NULL;
    if (container_id_validate(id, err) < 0 || state_load(root, id, &saved, err) < 0)
        return -1;
    cleanup_cgroup_manager struct cgroup_manager *cg = NULL;
    int r = cgroup_manager_load(&saved->cgroup, &cg, err);
    if (r == 0 && !cgroup_manager_dir(cg, NULL))
        r = pids_in_pid_namespace(state_live_pid(saved), pids, n, err);
    else if (r == 0)
        r = cgroup_manager_pids(cg, pids, n, err);
    hull_state_free(saved);
    return r;
}

int container_oom_kills(const char *root, const char *id, uint64_t *count, struct hull_error **err)
{
    cleanup_cgroup_manager struct cgroup_manager *cg = NULL;
    if (load_cgroups(root, id, &cg, err) < 0)
        return -1;
    return cgroup_manager_oom_kills(cg, count, err);
}
