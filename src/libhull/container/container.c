/* hull: the runtime's side of the lifecycle (runtime.md "Lifecycle").
 *
 * create: one clone3() into the new namespaces (and, on cgroup v2, straight into
 * the container's cgroup), then a short conversation with the init over a
 * socketpair (sync.h).  No re-exec of ourselves, no helper processes. */
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
#include "container_internal.h"
#include "init.h"
#include "sync.h"
#include "../terminal/terminal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* ---------- small helpers ---------- */

int container_pidfd_open(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Waits up to timeout_ms for pid to exit (works for processes that are not our children). */
bool container_wait_gone(pid_t pid, int timeout_ms)
{
    cleanup_close int pfd = container_pidfd_open(pid);
    if (pfd < 0)
        return errno == ESRCH;
    struct pollfd p = {.fd = pfd, .events = POLLIN};
    int r;
    do
        r = poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    /* Reap it if it is ours (run in the foreground); harmless otherwise. */
    waitpid(pid, NULL, WNOHANG);
    return r > 0;
}

static int validate_for_create(const struct hull_spec *spec, const struct container_create_opts *opts,
                               struct hull_error **err)
{
    const struct hull_linux *lx = &spec->linux_;
    if (!spec->process)
        return hull_error_set(err, 0, "config.json: process is required to create a container");
    /* Not root: every other namespace needs the user namespace that makes us
     * its root (and mounts need its mount namespace); say so before clone's EPERM. */
    if (geteuid() != 0 && !lx->namespaces[HULL_NS_USER].present)
        return hull_error_set(err, 0,
                              "running as uid %u (not root): the config needs a user namespace (linux.namespaces "
                              "{\"type\": \"user\"} with linux.uidMappings/gidMappings; `hull-runtime spec "
                              "--rootless` writes one)",
                              (unsigned)geteuid());
    /* Without "mount" the container shares the caller's mount namespace
     * (config-linux.md: a namespace not listed is inherited) and its mounts are
     * made there, below the rootfs, as runc does.  What would change the rest
     * of that namespace is refused, as runc refuses masked and read-only paths. */
    if (!lx->namespaces[HULL_NS_MNT].present) {
        if ((lx->masked_paths && *lx->masked_paths) || (lx->readonly_paths && *lx->readonly_paths))
            return hull_error_set(err, 0,
                                  "config.json: linux.maskedPaths and linux.readonlyPaths need a mount namespace "
                                  "(linux.namespaces has no \"mount\"; they would cover paths of the caller's)");
        if (lx->rootfs_propagation)
            return hull_error_set(err, 0,
                                  "config.json: linux.rootfsPropagation needs a mount namespace (linux.namespaces has "
                                  "no \"mount\"; it would change the propagation of the caller's /)");
    }
    if (spec->hostname && !lx->namespaces[HULL_NS_UTS].present)
        return hull_error_set(err, 0, "config.json: hostname is set but the container has no uts namespace");
    if (spec->domainname && !lx->namespaces[HULL_NS_UTS].present)
        return hull_error_set(err, 0, "config.json: domainname is set but the container has no uts namespace");
    if (spec->process->terminal && !opts->console_socket && !opts->console_master_out)
        return hull_error_set(err, 0,
                              "process.terminal is true but no --console-socket was given (a detached container "
                              "needs somewhere to send its terminal)");
    if (ns_validate_sysctl(spec, err) < 0)
        return -1;
    if (security_validate(spec, err) < 0)
        return -1;
    if (process_attrs_validate(spec->process, err) < 0 || linux_attrs_validate(spec, err) < 0 ||
        ns_net_devices_validate(spec, err) < 0)
        return -1;
    return 0;
}

/* clone3 with CLONE_INTO_CGROUP puts the child in its cgroup atomically; the
 * plain clone is the fallback when the kernel or the layout cannot, unless the
 * caller needs the cgroup (fallback false: then the clone fails instead). */
static pid_t clone_init(uint64_t flags, int cgroup_fd, bool fallback, bool *into_cgroup)
{
    struct clone_args args = {.flags = flags, .exit_signal = SIGCHLD};
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t)cgroup_fd;
        pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
        if (pid >= 0) {
            *into_cgroup = true;
            return pid;
        }
        if (!fallback)
            return -1;
        args.flags &= ~CLONE_INTO_CGROUP;
        args.cgroup = 0;
    }
    *into_cgroup = false;
    pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
    if (pid >= 0 || errno != ENOSYS)
        return pid;
    return (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, 0, 0, 0, 0);
}

static int resolve_bundle(const char *bundle, char **out, struct hull_error **err)
{
    char *abs = realpath(bundle ? bundle : ".", NULL);
    if (!abs)
        return hull_error_set(err, errno, "bundle %s", bundle ? bundle : ".");
    *out = abs;
    return 0;
}

static int resolve_rootfs(const char *bundle, const struct hull_spec *spec, char **out, struct hull_error **err)
{
    cleanup_free char *joined =
        spec->root_path[0] == '/' ? xstrdup(spec->root_path) : xasprintf("%s/%s", bundle, spec->root_path);
    char *abs = realpath(joined, NULL);
    if (!abs)
        return hull_error_set(err, errno, "root.path: rootfs %s", joined);
    struct stat st;
    if (stat(abs, &st) < 0 || !S_ISDIR(st.st_mode)) {
        free(abs);
        return hull_error_set(err, ENOTDIR, "root.path: rootfs %s", joined);
    }
    *out = abs;
    return 0;
}

/* The init failed while we attached it to its cgroup (the write then fails
 * with ESRCH): its own message says why, ours would not. */
static void init_error_instead(int sync_fd, struct hull_error **err)
{
    struct pollfd pfd = {.fd = sync_fd, .events = POLLIN};
    struct sync_msg msg;
    struct hull_error *e = NULL;
    if (poll(&pfd, 1, 0) == 1 && sync_recv(sync_fd, &msg, &e) == 0 && msg.type == SYNC_ERROR) {
        hull_error_freep(err);
        hull_error_set(err, msg.errnum, "%s", msg.text);
    }
    hull_error_free(e);
}

static int write_pid_file(const char *path, pid_t pid, struct hull_error **err)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%d", pid);
    /* containerd and conmon read this file as soon as it appears: write it
     * whole (renamed into place).  Not fsync'ed: a pid means nothing after a
     * reboot, and an fsync on a busy disk cost ~5-12 ms per start here
     * (docs/performance.md). */
    return write_file_replace(path, buf, n, 0644, err);
}

static int count_listen_fds(void)
{
    const char *fds = getenv("LISTEN_FDS");
    const char *pid = getenv("LISTEN_PID");
    int64_t n;
    if (!fds || !parse_int64(fds, &n) || n <= 0)
        return 0;
    /* systemd sets LISTEN_PID to the process meant to use them; we pass them on. */
    (void)pid;
    return (int)n;
}

/* ---------- create ---------- */

/* Everything create holds: its inputs, what it has made (undone by
 * create_rollback on failure), and the fds of the clone and the conversation
 * with the init.  Freed by create_state_free. */
struct create_state {
    const struct container_create_opts *opts;
    const char *root, *id;
    /* inputs, opened before anything is made */
    char *bundle, *rootfs;
    struct hull_spec *loaded; /* read here when the caller gave no opts->spec */
    const struct hull_spec *spec;
    int *bind_trees;
    int ns_fds[HULL_NS__COUNT];
    /* what create makes */
    char *state_dir;
    bool state_dir_created;
    int lock_fd;
    char *fifo_path;
    struct cgroup_manager *cg;
    pid_t pid;
    /* No mount namespace: the rootfs and the id of the mount there before create. */
    const char *rootfs_in_caller_ns;
    struct rootfs_mark rootfs_before;
    /* the clone and the conversation */
    struct seccomp_prepared *seccomp;
    int console_sock;
    int sync_pair[2];
    int new_flags, unshare_flags;
    uint64_t clone_flags;
    int saved_timens, saved_pidns;
    bool into_cgroup;
};

static void create_state_free(struct create_state *cs)
{
    for (int i = 0; i < 2; i++)
        if (cs->sync_pair[i] >= 0)
            close(cs->sync_pair[i]);
    cgroup_manager_free(cs->cg);
    if (cs->seccomp)
        seccomp_prepared_free(cs->seccomp);
    ns_close_fds(cs->ns_fds);
    free(cs->state_dir);
    free(cs->fifo_path);
    /* The lock is released only now, after a rollback removed the directory. */
    int fds[] = {cs->saved_pidns, cs->saved_timens, cs->console_sock, cs->lock_fd};
    for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
        if (fds[i] >= 0)
            close(fds[i]);
    rootfs_close_bind_sources(cs->bind_trees);
    spec_free(cs->loaded);
    free(cs->rootfs);
    free(cs->bundle);
}

static bool resources_set_limits(const struct hull_linux *lx)
{
    const struct hull_resources *r = &lx->resources;
    return lx->has_resources && (r->has_memory || r->has_cpu || r->has_pids || r->has_blkio ||
                                 r->n_hugepage_limits || r->has_network || r->n_rdma || r->n_unified);
}

/* The cgroup could not be created.  Rootless, for lack of permission, and with
 * no limits to apply: run without a cgroup, as runc does (a user owns no
 * cgroup unless one was delegated to them; linux.cgroupsPath can point there).
 * Returns 0 (error cleared) to go on, -1 to fail with *err. */
static int rootless_without_cgroup(const struct container_create_opts *opts, const struct hull_spec *spec,
                                   struct hull_error **err)
{
    int e = *err ? (*err)->errnum : 0;
    if (!opts->rootless || (e != EACCES && e != EPERM && e != EROFS))
        return -1;
    if (resources_set_limits(&spec->linux_)) {
        hull_error_wrap(err, "rootless: linux.resources sets limits, and they need a cgroup this user may write "
                             "(a delegated one: point linux.cgroupsPath into it)");
        return -1;
    }
    cleanup_free char *why = hull_error_text(*err);
    log_debug("create %s: rootless, no cgroup: %s", opts->id, why);
    hull_error_freep(err);
    return 0;
}

static void create_rollback(struct create_state *cs)
{
    if (cs->pid > 0) {
        kill(cs->pid, SIGKILL);
        waitpid(cs->pid, NULL, 0);
    }
    if (cs->rootfs_in_caller_ns)
        rootfs_release_mounts(cs->rootfs_in_caller_ns, cs->rootfs_before);
    if (cs->cg) {
        struct hull_error *e = NULL;
        if (cgroup_manager_destroy(cs->cg, &e) < 0) {
            cleanup_free char *t = hull_error_text(e);
            log_warn("cleanup: %s", t);
            hull_error_free(e);
        }
        cgroup_manager_free(cs->cg);
        cs->cg = NULL;
    }
    if (cs->state_dir_created) {
        struct hull_error *e = NULL;
        if (state_dir_remove(cs->root, cs->id, &e) < 0) {
            cleanup_free char *t = hull_error_text(e);
            log_warn("cleanup: %s", t);
            hull_error_free(e);
        }
    }
}

/* intent.json (state.h): what create has made or is about to make, in
 * state.json's shape, so that delete can undo it whatever point create was
 * killed at.  Written again whenever that changes: cgroups planned, made,
 * init cloned (docs/reliability.md "Crash safety of hull-runtime"). */
static int record_intent(struct create_state *cs, struct hull_error **err)
{
    struct hull_state intent = {
        .id = (char *)cs->id,
        .creator_pid = getpid(),
        .pid = cs->pid > 0 ? cs->pid : 0,
        .init_start_time = cs->pid > 0 ? process_start_time(cs->pid) : 0,
        .rootfs = (char *)cs->rootfs_in_caller_ns,
        .has_rootfs_mark = cs->rootfs_in_caller_ns != NULL,
        .rootfs_before = cs->rootfs_before,
    };
    cgroup_manager_save(cs->cg, &intent.cgroup);
    int r = state_intent_save(cs->root, cs->id, &intent, err);
    cgroup_record_clear(&intent.cgroup);
    return r;
}

/* state.json: the record of a created container, naming its init for start,
 * kill and delete (and, from now on, instead of intent.json). */
static int save_state(const struct create_state *cs, struct hull_error **err)
{
    const struct hull_spec *spec = cs->spec;
    struct hull_state *s = xmalloc0(sizeof *s);
    s->complete = true;
    s->oci_version = xstrdup(spec->oci_version);
    s->id = xstrdup(cs->id);
    s->pid = cs->pid;
    s->init_start_time = process_start_time(cs->pid);
    s->bundle = xstrdup(cs->bundle);
    s->rootfs = xstrdup(cs->rootfs);
    s->created = rfc3339_now();
    s->owner = xstrdup("");
    s->annotations = xmalloc0((spec->n_annotations + 2) * sizeof *s->annotations);
    for (size_t i = 0; i < spec->n_annotations; i++)
        s->annotations[s->n_annotations++] = (struct hull_keyval){xstrdup(spec->annotations[i].key),
                                                                  xstrdup(spec->annotations[i].value)};
    /* Capabilities the config grants but the host cannot: left out with a
     * warning (spec), and named here so `state` shows the gap (docs/security.md). */
    char *ungranted = spec->process ? caps_ungranted(spec->process->capabilities) : NULL;
    if (ungranted)
        s->annotations[s->n_annotations++] =
            (struct hull_keyval){xstrdup("org.hull.capabilities.ungranted"), ungranted};
    s->has_rootfs_mark = cs->rootfs_in_caller_ns != NULL;
    s->rootfs_before = cs->rootfs_before;
    s->has_poststart = spec->hooks.poststart.n > 0;
    s->has_poststop = spec->hooks.poststop.n > 0;
    cgroup_manager_save(cs->cg, &s->cgroup);
    int r = state_save(cs->root, cs->id, s, err);
    hull_state_free(s);
    return r;
}

/* The state directory exists: a container, one being created, or what a
 * create that was killed left (no state.json; it held the lock until it died). */
static int state_dir_taken(const char *state_dir, const char *id, struct hull_error **err)
{
    cleanup_free char *state = xasprintf("%s/state.json", state_dir);
    if (access(state, F_OK) == 0)
        return hull_error_set(err, 0, "container \"%s\" already exists", id);
    cleanup_close int fd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK)
        return hull_error_set(err, 0, "container \"%s\" already exists (it is being created)", id);
    /* Not taken over: what it made is removed by the delete it calls for,
     * whose record says what is ours (never guessed from what exists). */
    return hull_error_set(err, 0,
                          "container \"%s\" already exists: a create that did not finish (killed?) left it; "
                          "`hull-runtime delete --force %s` removes what it made",
                          id, id);
}

int container_create_config(const struct container_create_opts *opts, const char *bundle,
                            struct hull_spec **loaded, const struct hull_spec **spec, struct hull_error **err)
{
    *loaded = NULL;
    if (opts->spec != NULL) {
        *spec = opts->spec;
        return 0;
    }
    if (spec_load(bundle, loaded, err) < 0)
        return -1;
    *spec = *loaded;
    return 0;
}

/* Step 1: the bundle, its config and rootfs, checked; what the init may not be
 * able to open itself, opened.  Nothing is made.  The engine hands in the
 * config it built (issue 12: one `hull run` reads its seccomp profile once);
 * everyone else's is read here. */
static int open_inputs(struct create_state *cs, struct hull_error **err)
{
    const struct container_create_opts *opts = cs->opts;
    if (container_id_validate(opts->id, err) < 0 || resolve_bundle(opts->bundle, &cs->bundle, err) < 0 ||
        container_create_config(opts, cs->bundle, &cs->loaded, &cs->spec, err) < 0 || resolve_rootfs(cs->bundle, cs->spec, &cs->rootfs, err) < 0 ||
        validate_for_create(cs->spec, opts, err) < 0)
        return -1;
    const struct hull_spec *spec = cs->spec;
    log_debug("create %s: bundle %s, root filesystem %s, config ociVersion %s", opts->id, cs->bundle, cs->rootfs,
              spec->oci_version);

    /* With a user namespace the init may not reach a bind source we can: open
     * them here, before anything is created (and in our mount namespace, so
     * not when the config joins another one). */
    const struct hull_linux *lx = &spec->linux_;
    bool userns_binds = lx->namespaces[HULL_NS_USER].present &&
                        !(lx->namespaces[HULL_NS_MNT].present && lx->namespaces[HULL_NS_MNT].path);
    bool idmapped = false; /* idmapped mounts are made here too: the init may not create a user namespace */
    for (size_t i = 0; i < spec->n_mounts; i++)
        idmapped |= spec->mounts[i].idmap;
    if ((userns_binds || idmapped) &&
        rootfs_open_bind_sources(spec, cs->bundle, userns_binds, &cs->bind_trees, err) < 0)
        return -1;
    return ns_open_paths(spec, cs->ns_fds, err);
}

/* The cgroups' paths, and which of their directories create will make:
 * nothing is made yet.  No cgroup at all (cs->cg NULL) for a rootless
 * container that may not have one (rootless_without_cgroup). */
static int plan_cgroups(struct create_state *cs, struct hull_error **err)
{
    if (cgroup_manager_plan(cs->id, cs->spec->linux_.cgroups_path, &cs->cg, err) == 0)
        return 0;
    cgroup_manager_freep(&cs->cg);
    return rootless_without_cgroup(cs->opts, cs->spec, err);
}

/* Step 2: the state directory, locked, with the first intent.json (the
 * planned cgroups in it), exec.fifo and a copy of the config. */
static int make_state_dir(struct create_state *cs, struct hull_error **err)
{
    const struct container_create_opts *opts = cs->opts;
    if (mkdir_p(opts->root, 0711, err) < 0)
        return hull_error_wrap(err, "state root %s (--root)", opts->root);
    cs->state_dir = state_dir_path(opts->root, opts->id);
    if (mkdir(cs->state_dir, 0711) < 0) {
        if (errno == EEXIST)
            return state_dir_taken(cs->state_dir, opts->id, err);
        return hull_error_set(err, errno, "create state directory %s", cs->state_dir);
    }
    cs->state_dir_created = true;
    cs->lock_fd = open(cs->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cs->lock_fd < 0 || flock(cs->lock_fd, LOCK_EX) < 0)
        return hull_error_set(err, errno, "lock %s", cs->state_dir);
    /* Between our mkdir and flock a `delete --force ID` may have taken the
     * lock, seen a directory without a record and removed it, and another
     * create may have made a new one: then neither the directory nor
     * anything in it is ours. */
    struct stat locked, now;
    if (fstat(cs->lock_fd, &locked) < 0 || stat(cs->state_dir, &now) < 0 || locked.st_ino != now.st_ino ||
        locked.st_dev != now.st_dev) {
        cs->state_dir_created = false;
        return hull_error_set(err, 0, "container \"%s\": its state directory was removed while it was being created",
                              opts->id);
    }
    /* Nothing outside the state directory exists yet; from here on, every
     * step that makes something is recorded first.  The cgroups are planned
     * (nothing is made) before the first record, so that it names them: one
     * intent.json less to write (a new inode and a rename, ~0.2 ms of ext4). */
    if (plan_cgroups(cs, err) < 0 || record_intent(cs, err) < 0)
        return -1;
    cs->fifo_path = xasprintf("%s/exec.fifo", cs->state_dir);
    /* 0622 exactly (not minus umask): an init running as a mapped root in a user
     * namespace must be able to open it for writing. */
    if (mkfifo(cs->fifo_path, 0622) < 0 || chmod(cs->fifo_path, 0622) < 0)
        return hull_error_set(err, errno, "mkfifo %s", cs->fifo_path);
    /* A copy of the config: start and delete need its hooks even if the bundle
     * changes.  Written in place, not fsync'ed: nothing reads it before
     * state.json names the container (docs/performance.md: an fsync cost
     * 5-12 ms per start on a busy disk; a temporary name and a rename ~0.4 ms). */
    if (cs->spec->raw_json) {
        cleanup_free char *cfg = xasprintf("%s/config.json", cs->state_dir);
        if (write_file_new(cfg, cs->spec->raw_json, strlen(cs->spec->raw_json), 0600, err) < 0)
            return -1;
    }
    return 0;
}

/* Step 3: the container's cgroups, or none (rootless without a delegated one). */
static int make_cgroups(struct create_state *cs, struct hull_error **err)
{
    if (!cs->cg)
        return 0; /* rootless, no cgroup (plan_cgroups) */
    const struct hull_spec *spec = cs->spec;
    /* Record before resource: the cgroups were named in intent.json before
     * they exist (plan_cgroups); recorded again as really made only when that
     * differs (a concurrent create made a parent in between). */
    bool as_planned = false;
    if (cgroup_manager_setup(cs->cg, spec->linux_.has_resources ? &spec->linux_.resources : NULL, &as_planned,
                             err) < 0) {
        /* setup removed what it made; an existing cgroup is not ours to clean */
        cgroup_manager_freep(&cs->cg);
        if (rootless_without_cgroup(cs->opts, spec, err) < 0)
            return -1;
    }
    return as_planned ? 0 : record_intent(cs, err);
}

/* Step 4: what the init is handed: the seccomp filter, the console socket,
 * the socketpair of the conversation. */
static int open_channels(struct create_state *cs, struct hull_error **err)
{
    const struct hull_spec *spec = cs->spec;
    if (spec->linux_.seccomp && seccomp_prepare(spec->linux_.seccomp, &cs->seccomp, err) < 0)
        return -1;
    if (cs->opts->console_socket && spec->process->terminal) {
        cs->console_sock = unix_socket_connect(cs->opts->console_socket, err);
        if (cs->console_sock < 0)
            return -1;
    }
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, cs->sync_pair) < 0)
        return hull_error_set(err, errno, "socketpair");
    return 0;
}

/* Step 5: which namespaces clone3 creates and which the init unshares later:
 * - the cgroup namespace always later, once the init sits in its cgroup,
 *   so the namespace's root is the container's cgroup;
 * - with a user namespace joined by path, everything but pid later, after
 *   the init has joined it, so the new namespaces belong to it;
 * - time: offsets can only be written before a process enters, so we
 *   unshare it here (it applies to our children) and restore it after. */
static int enter_namespaces_for_clone(struct create_state *cs, struct hull_error **err)
{
    const struct hull_spec *spec = cs->spec;
    cs->new_flags = ns_new_flags(spec);
    cs->clone_flags = (uint64_t)(cs->new_flags & ~(CLONE_NEWCGROUP | CLONE_NEWTIME));
    cs->unshare_flags = cs->new_flags & CLONE_NEWCGROUP;
    if (cs->ns_fds[HULL_NS_USER] >= 0) {
        cs->unshare_flags |= (int)(cs->clone_flags & ~(uint64_t)CLONE_NEWPID);
        cs->clone_flags &= CLONE_NEWPID;
    }
    if (cs->new_flags & CLONE_NEWTIME) {
        if ((cs->saved_timens = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC)) < 0)
            return hull_error_set(err, errno, "open /proc/self/ns/time_for_children");
        if (unshare(CLONE_NEWTIME) < 0)
            return hull_error_set(err, errno, "create time namespace");
        if (spec->linux_.has_time_offsets && ns_write_time_offsets(spec, err) < 0)
            return -1;
    }
    if (cs->ns_fds[HULL_NS_TIME] >= 0) {
        if (cs->saved_timens < 0 &&
            (cs->saved_timens = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC)) < 0)
            return hull_error_set(err, errno, "open /proc/self/ns/time_for_children");
        if (setns(cs->ns_fds[HULL_NS_TIME], CLONE_NEWTIME) < 0)
            return hull_error_set(err, errno, "join time namespace %s", spec->linux_.namespaces[HULL_NS_TIME].path);
    }
    if (cs->ns_fds[HULL_NS_PID] >= 0) {
        /* setns to a pid namespace only changes where our children go. */
        if ((cs->saved_pidns = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC)) < 0)
            return hull_error_set(err, errno, "open /proc/self/ns/pid_for_children");
        if (setns(cs->ns_fds[HULL_NS_PID], CLONE_NEWPID) < 0)
            return hull_error_set(err, errno, "join pid namespace %s", spec->linux_.namespaces[HULL_NS_PID].path);
    }
    return 0;
}

/* Puts back the time and pid namespaces our children are born in, after
 * the clone or after a failure on the way to it: a caller of the library
 * that lives on (not only hull-runtime, which exits) must not have its next
 * children born in a failed container's namespaces. */
static void restore_namespaces(struct create_state *cs)
{
    if (cs->saved_timens >= 0) {
        setns(cs->saved_timens, CLONE_NEWTIME);
        close(steal_fd(&cs->saved_timens));
    }
    if (cs->saved_pidns >= 0) {
        setns(cs->saved_pidns, CLONE_NEWPID);
        close(steal_fd(&cs->saved_pidns));
    }
}

/* The clone, the init born in its cgroups where it can be: cgroup v2 by
 * clone3(CLONE_INTO_CGROUP); v1 and hybrid by cloning from inside them
 * (cgroup/visit.c: no RCU grace period, which moving the init afterwards pays:
 * ~10 ms of an idle machine's 12).  Not with execCPUAffinity.initial, which is
 * the affinity before the init joins its cgroups (config.md).  Otherwise,
 * and whenever stepping in fails, attach_the_init moves it as before.
 * Sets cs->pid (0 in the child, -1 with errno the clone's) and
 * cs->into_cgroup.  -1 with err only when we could not step back out of the
 * container's cgroups (the init, if any, is in cs->pid to be killed). */
static int clone_in_cgroups(struct create_state *cs, struct hull_error **err)
{
    int fd = cgroup_manager_clone_fd(cs->cg);
    struct cgroup_visit *visit = NULL;
    struct hull_error *why = NULL;
    if (fd < 0 && cs->cg && !cs->spec->process->cpu_affinity_initial &&
        cgroup_visit_enter(cs->cg, &visit, &why) < 0) {
        if (hull_log_debug_enabled()) {
            cleanup_free char *t = hull_error_text(why);
            log_debug("create %s: the init will be moved into its cgroups after the clone: %s", cs->id, t);
        }
        hull_error_free(why);
    }
    if (!visit) {
        cs->pid = clone_init(cs->clone_flags, fd, true, &cs->into_cgroup);
        return 0;
    }
    cs->pid = clone_init(cs->clone_flags, cgroup_visit_clone_fd(visit), false, &cs->into_cgroup);
    if (cs->pid == 0) {
        cgroup_visit_forget(visit);
        return 0;
    }
    int clone_errno = errno;
    if (cgroup_visit_leave(visit, err) < 0)
        return -1;
    if (cs->pid > 0) {
        cs->into_cgroup = true; /* v1 from the thread, the unified one by CLONE_INTO_CGROUP */
        return 0;
    }
    /* EAGAIN: the pids limit filled up after cgroup_visit_enter's room check */
    log_debug("create %s: the clone from inside its cgroups failed (%s): cloning outside", cs->id,
              strerror(clone_errno));
    cs->pid = clone_init(cs->clone_flags, -1, true, &cs->into_cgroup);
    return 0;
}

/* Step 6a: the clone.  The child becomes the init and never returns. */
static int clone_the_init(struct create_state *cs, struct hull_error **err)
{
    const struct container_create_opts *opts = cs->opts;
    const struct hull_spec *spec = cs->spec;
    int listen_fds = count_listen_fds();
    struct init_ctx ctx = {
        .spec = spec,
        .id = opts->id,
        .bundle = cs->bundle,
        .rootfs = cs->rootfs,
        .fifo_path = cs->fifo_path,
        .no_pivot = opts->no_pivot,
        .no_new_keyring = opts->no_new_keyring,
        .preserve_fds = opts->preserve_fds + listen_fds,
        .listen_fds = listen_fds,
        .sync_fd = cs->sync_pair[1],
        .runtime_pid = getpid(),
        .console_sock = cs->console_sock,
        .send_master_over_sync = spec->process->terminal && !opts->console_socket,
        .unshare_flags = cs->unshare_flags,
        .new_userns = (cs->clone_flags & CLONE_NEWUSER) != 0,
        .new_cgroupns = (cs->new_flags & CLONE_NEWCGROUP) != 0,
        .in_userns = spec->linux_.namespaces[HULL_NS_USER].present,
        .cgroup = cs->cg,
        .seccomp = cs->seccomp,
        .bind_trees = cs->bind_trees,
    };
    memcpy(ctx.ns_fds, cs->ns_fds, sizeof cs->ns_fds);

    log_debug("create %s: clone the init (new namespaces 0x%llx, unshared by the init 0x%x)", opts->id,
              (unsigned long long)cs->clone_flags, (unsigned)cs->unshare_flags);
    int stuck = clone_in_cgroups(cs, err);
    if (cs->pid == 0) {
        /* The lock is an flock on our copy of the directory fd: the init must
         * not hold it while it waits for `start`, or start would wait forever. */
        close(cs->lock_fd);
        close(cs->sync_pair[0]);
        container_init(&ctx);
    }
    int clone_errno = errno;
    restore_namespaces(cs);
    if (stuck < 0)
        return -1;
    if (cs->pid < 0)
        return hull_error_set(err, clone_errno, "clone the container init");
    close(cs->sync_pair[1]);
    cs->sync_pair[1] = -1;
    log_debug("create %s: the init is pid %d%s", opts->id, (int)cs->pid,
              cs->into_cgroup ? ", born in its cgroups" : "");
    /* It dies with us until state.json names it (init.c).  Born in the
     * cgroups intent.json already names, it is also killed with them by a
     * delete: no second record (a new inode and a rename, ~0.2 ms of ext4
     * without a journal).  Otherwise it is recorded, with its start time, so
     * that a delete can kill it by pid safely. */
    if (cs->into_cgroup && cs->cg)
        return 0;
    return record_intent(cs, err);
}

static int write_oom_score_adj(pid_t pid, int adj, struct hull_error **err)
{
    char path[64], val[16];
    snprintf(path, sizeof path, "/proc/%d/oom_score_adj", pid);
    int n = snprintf(val, sizeof val, "%d", adj);
    if (write_file(path, val, n, err) < 0)
        return hull_error_wrap(err, "process.oomScoreAdj");
    return 0;
}

/* Step 6b: the init into its cgroup, its id maps and OOM score written, GO. */
static int attach_the_init(struct create_state *cs, struct hull_error **err)
{
    const struct hull_spec *spec = cs->spec;
    /* cgroup v1 (this host's hybrid layout too): the first write to a
     * cgroup.procs waits for an RCU grace period (the kernel's
     * cgroup_threadgroup_rwsem), 5-17 ms here under load, most of the
     * clone-to-exec time (docs/performance.md).  So the init gets GO first
     * and prepares its root filesystem while we write: that work needs no
     * cgroup (the container's cgroupfs is bound by path), and the init runs
     * no hook and nothing of the container's before CGROUP_DONE.  Not with a
     * new cgroup namespace: the init unshares it right after GO, and its root
     * must be the container's cgroup. */
    bool attach_behind = !cs->into_cgroup && !(cs->unshare_flags & CLONE_NEWCGROUP);
    if (!cs->into_cgroup && !attach_behind && cgroup_manager_add_pid(cs->cg, cs->pid, err) < 0)
        return -1;
    if ((cs->clone_flags & CLONE_NEWUSER) && ns_write_id_maps(cs->pid, spec, err) < 0)
        return -1;
    if (spec->process->has_oom_score_adj && write_oom_score_adj(cs->pid, spec->process->oom_score_adj, err) < 0)
        return -1;
    sync_send(cs->sync_pair[0], SYNC_GO, 0, NULL);
    if (attach_behind && cgroup_manager_add_pid(cs->cg, cs->pid, err) < 0) {
        init_error_instead(cs->sync_pair[0], err);
        return -1;
    }
    sync_send(cs->sync_pair[0], SYNC_CGROUP_DONE, 0, NULL);
    return 0;
}

/* The init asks for the prestart and createRuntime hooks: the devices are
 * there when they run, namespaces all created. */
static int run_create_hooks(struct create_state *cs, struct hull_error **err)
{
    const struct hull_spec *spec = cs->spec;
    if (ns_net_devices_move(spec, cs->pid, err) < 0)
        return -1;
    log_debug("create %s: run prestart and createRuntime hooks", cs->id);
    cleanup_free char *state = state_hook_json(spec, cs->id, cs->pid, cs->bundle, "creating");
    if (hooks_run(&spec->hooks.prestart, "prestart", state, err) < 0 ||
        hooks_run(&spec->hooks.create_runtime, "createRuntime", state, err) < 0)
        return -1;
    sync_send(cs->sync_pair[0], SYNC_HOOKS_DONE, 0, state);
    return 0;
}

/* Step 7: the conversation with the init, until it is READY. */
static int converse_with_init(struct create_state *cs, struct hull_error **err)
{
    for (;;) {
        struct sync_msg msg;
        int passed = -1;
        if (sync_recv_with_fd(cs->sync_pair[0], &msg, &passed, err) < 0)
            return -1;
        if (msg.type == SYNC_TERMINAL) {
            if (cs->opts->console_master_out)
                *cs->opts->console_master_out = passed;
            else if (passed >= 0)
                close(passed);
            continue;
        }
        if (passed >= 0)
            close(passed);
        if (msg.type == SYNC_ERROR)
            return hull_error_set(err, msg.errnum, "%s", msg.text);
        if (msg.type == SYNC_RUN_CREATE_HOOKS && run_create_hooks(cs, err) < 0)
            return -1;
        if (msg.type == SYNC_READY)
            return 0;
    }
}

/* Step 8: state.json saved, the init detached from us, the intent removed. */
static int save_and_detach(struct create_state *cs, struct hull_error **err)
{
    if (save_state(cs, err) < 0)
        return -1;
    /* state.json names the init now: it may outlive us (it drops its
     * parent-death signal on this message), and the intent is superseded. */
    if (sync_send(cs->sync_pair[0], SYNC_STATE_SAVED, 0, NULL) < 0)
        return hull_error_set(err, errno, "container init (pid %d) died before start", (int)cs->pid);
    /* and we return (the caller may exit) only once it no longer dies with us */
    if (sync_expect(cs->sync_pair[0], SYNC_DETACHED, err) < 0)
        return hull_error_wrap(err, "container init (pid %d) died before start", (int)cs->pid);
    state_intent_remove(cs->root, cs->id);
    if (cs->opts->pid_file && write_pid_file(cs->opts->pid_file, cs->pid, err) < 0)
        return hull_error_wrap(err, "--pid-file");
    return 0;
}

int container_create(const struct container_create_opts *opts, pid_t *pid_out, struct hull_error **err)
{
    struct create_state cs = {
        .opts = opts,
        .root = opts->root,
        .id = opts->id,
        .pid = -1,
        .lock_fd = -1,
        .console_sock = -1,
        .sync_pair = {-1, -1},
        .saved_timens = -1,
        .saved_pidns = -1,
    };
    for (int i = 0; i < HULL_NS__COUNT; i++)
        cs.ns_fds[i] = -1;
    if (open_inputs(&cs, err) < 0) {
        create_state_free(&cs);
        return -1;
    }
    if (!cs.spec->linux_.namespaces[HULL_NS_MNT].present) {
        cs.rootfs_in_caller_ns = cs.rootfs;
        cs.rootfs_before = rootfs_mark_now(cs.rootfs);
    }
    int ret = 0;
    if (make_state_dir(&cs, err) < 0 || make_cgroups(&cs, err) < 0 || open_channels(&cs, err) < 0 ||
        enter_namespaces_for_clone(&cs, err) < 0 || clone_the_init(&cs, err) < 0 || attach_the_init(&cs, err) < 0 ||
        converse_with_init(&cs, err) < 0 || save_and_detach(&cs, err) < 0) {
        ret = -1;
        restore_namespaces(&cs);
        for (int i = 0; i < 2; i++)
            if (cs.sync_pair[i] >= 0)
                close(steal_fd(&cs.sync_pair[i]));
        if (opts->pid_file)
            unlink(opts->pid_file);
        create_rollback(&cs);
    } else {
        if (pid_out)
            *pid_out = cs.pid;
        log_debug("create %s: created; the init waits for start", opts->id);
    }
    create_state_free(&cs);
    return ret;
}
