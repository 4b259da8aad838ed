/* hull: pause, unpause, start again, wait (see manage.h). */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "cgroup/cgroup.h"
#include "container/container.h"
#include "engine_network.h"
#include "image/image_rootfs.h"
#include "image/init_layer.h"
#include "image/store.h"
#include "lifecycle.h"
#include "manage.h"
#include "record.h"
#include "restart.h"
#include "volume.h"
#include "util/utils.h"

/* ---- pause / unpause ---- */

int engine_container_pause(const char *root, const char *runroot, const char *id, bool pause, struct hull_error **err)
{
    cleanup_free char *rtroot = engine_runtime_root(runroot);
    cleanup_close int lock = -1;
    /* No runtime state at all: the container has exited (its waiter deleted it). */
    cleanup_error struct hull_error *no_state = NULL;
    if (state_dir_lock(rtroot, id, &lock, &no_state) < 0)
        return hull_error_set(err, 0, "container %.12s is not %s", id, pause ? "running" : "paused");
    struct hull_state *saved = NULL;
    enum container_status st;
    if (container_state(rtroot, id, &saved, &st, err) < 0)
        return -1;
    int ret = -1;
    cleanup_cgroup_manager struct cgroup_manager *cg = NULL;
    if (pause && st == STATUS_PAUSED) {
        hull_error_set(err, 0, "container %.12s is already paused", id);
        goto out;
    }
    if (pause && st != STATUS_RUNNING) {
        hull_error_set(err, 0, "container %.12s is not running", id);
        goto out;
    }
    if (!pause && st != STATUS_PAUSED) {
        hull_error_set(err, 0, "container %.12s is not paused", id);
        goto out;
    }
    if (cgroup_manager_load(&saved->cgroup, &cg, err) < 0 || cgroup_manager_freeze(cg, pause, err) < 0)
        goto out;
    if (engine_record_set_paused(root, id, pause, err) < 0) {
        /* What the record cannot say must not be true: undo the freeze/thaw. */
        cleanup_error struct hull_error *ignored = NULL;
        cgroup_manager_freeze(cg, !pause, &ignored);
        goto out;
    }
    ret = 0;
out:
    hull_state_free(saved);
    return ret;
}

/* ---- start again ---- */

static int ensure_rootfs(const char *root, const char *id, struct hull_error **err)
{
    cleanup_free char *dir = engine_container_dir(root, id);
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(root, id, &rec, err) < 0)
        return -1;
    const char *image_id = rec->image_id;
    cleanup_image_store struct image_store *store = NULL;
    cleanup_image_info struct image_info *image = NULL;
    if (image_store_open(root, false, &store, err) < 0 || image_store_lookup(store, image_id, &image, err) < 0)
        return hull_error_wrap(err, "mount the root filesystem of container %.12s again", id);
    cleanup_strv char **layers = image_store_rootfs_layers(store, image);
    if (image_rootfs_remount(layers, dir, err) < 0)
        return hull_error_wrap(err, "mount the root filesystem of container %.12s again", id);
    return 0;
}

int engine_container_prepare_restart(const char *root, const char *runroot, const char *id, struct hull_error **err)
{
    if (engine_container_running(runroot, id))
        return hull_error_set(err, 0, "container %.12s is running", id);
    /* Normally the init's waiter deleted the runtime state; a waiter that was
     * killed leaves it, and container_create would refuse the id. */
    cleanup_free char *rtroot = engine_runtime_root(runroot);
    cleanup_error struct hull_error *ignored = NULL;
    container_delete(rtroot, id, true, &ignored);
    if (ensure_rootfs(root, id, err) < 0)
        return -1;
    /* A tmpfs volume is gone after a reboot: mount it again before the
     * container's bind of it is made. */
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(root, id, &rec, err) < 0)
        return -1;
    int r = 0;
    for (size_t i = 0; i < rec->n_mounts && r == 0; i++) {
        const struct record_mount *m = &rec->mounts[i];
        cleanup_free char *source = NULL;
        if (m->type && !strcmp(m->type, "volume"))
            r = volume_mount_source(root, m->name ? m->name : "", &source, err);
    }
    return r;
}

/* ---- hull start ---- */

/* A record still being made by its `hull run`, or left half-made by one
 * that was killed, cannot be started. */
static int check_created(const struct engine_record *rec, const char *id, struct hull_error **err)
{
    if (rec->creating_pid <= 0)
        return 0;
    if (engine_record_abandoned(rec))
        return hull_error_set(err, 0,
                              "container %.12s was never completely created (its `hull run` was killed): remove it "
                              "with hull rm -f",
                              id);
    return hull_error_set(err, 0, "container %.12s is still being created by its `hull run`", id);
}

/* start -a of a running container: attached to it as `hull attach` is
 * (docker), our stdin only with -i and when the container keeps one open. */
static int attach_running(const struct engine_start_opts *o, const char *id, const struct engine_record *rec,
                          int *exit_code, struct hull_error **err)
{
    struct engine_attach_opts a = {
        .root = o->root,
        .runroot = o->runroot,
        .id = id,
        .sig_proxy = true,
        .tty = rec->config.tty,
        .send_stdin = o->attach_stdin && rec->config.open_stdin,
    };
    engine_detach_keys_parse("ctrl-p,ctrl-q", a.detach_keys, &a.n_detach_keys, NULL);
    bool detached = false;
    if (engine_attach(&a, exit_code, &detached, err) < 0) {
        *exit_code = 1;
        return -1;
    }
    if (detached)
        *exit_code = 0;
    return 0;
}

int engine_container_start(const struct engine_start_opts *o, int *exit_code, struct hull_error **err)
{
    *exit_code = 1;
    cleanup_free char *id = NULL;
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_find(o->root, o->container, &id, err) < 0 || engine_record_read(o->root, id, &rec, err) < 0)
        return -1;
    engine_record_refresh(o->runroot, id, rec);
    if (check_created(rec, id, err) < 0)
        return -1;
    const char *status = rec->state.status;
    /* docker: a container waiting to be restarted counts as running; start
     * -a attaches to a running one, a plain start of one does nothing */
    if (!strcmp(status, "running") || !strcmp(status, "paused") || !strcmp(status, "restarting")) {
        *exit_code = 0;
        return o->attach ? attach_running(o, id, rec, exit_code, err) : 0;
    }
    if (engine_container_prepare_restart(o->root, o->runroot, id, err) < 0)
        return -1;
    struct engine_lifecycle l = {
        .root = o->root,
        .runroot = o->runroot,
        .id = id,
        .auto_remove = rec->host_config.auto_remove,
        .tty = rec->config.tty,
        /* docker's Config.OpenStdin (run -i): a detached start keeps stdin open again */
        .interactive = rec->config.open_stdin,
        .no_stdin = !o->attach_stdin, /* docker: start -a passes our stdin with -i only */
    };
    if (!o->attach) {
        *exit_code = 0;
        return engine_run_detached(&l, err) < 0 ? -1 : 0;
    }
    int r = engine_run_foreground(&l, exit_code, err);
    /* not started: docker's 127 when the program is not found, 126 when it
     * cannot be run (engine_start_failure_status), else 1 */
    if (r < 0 && err && engine_start_failure_status(*err))
        *exit_code = engine_start_failure_status(*err);
    else if (r != 0)
        *exit_code = 1; /* r > 0: started, and its monitor went away */
    return r == 0 ? 0 : -1;
}

/* Whether --all-restartable starts it: not alive, no monitor that will
 * restart it, and its policy wants it running (restart.h). */
static bool wanted_at_boot(const char *runroot, const char *id, const struct engine_record *rec)
{
    if (engine_container_running(runroot, id))
        return false;
    if (!strcmp(rec->state.status, "restarting") && !engine_restart_abandoned(rec))
        return false;
    return engine_restart_wanted_at_boot(rec);
}

int engine_container_start_restartable(const char *root, const char *runroot, engine_start_report_fn report,
                                       void *data, struct hull_error **err)
{
    cleanup_strv char **ids = NULL;
    if (engine_record_list(root, &ids, err) < 0)
        return -1;
    for (char **id = ids; *id; id++) {
        cleanup_engine_record struct engine_record *rec = NULL;
        if (engine_record_read(root, *id, &rec, NULL) < 0 || !wanted_at_boot(runroot, *id, rec))
            continue; /* removed meanwhile, or not to be started */
        struct engine_start_opts o = {.root = root, .runroot = runroot, .container = *id};
        cleanup_error struct hull_error *failed = NULL;
        int code = 0;
        engine_container_start(&o, &code, &failed);
        report(engine_record_short_name(rec), failed, data);
    }
    return 0;
}

/* ---- wait ---- */

/* How long a record may still say running after the init is gone before we
 * conclude its waiter died and will never write the exit code. */
#define WAITER_GRACE_MS 5000

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

struct die_code {
    const char *id;
    int code;
    bool found;
};

static int note_die(const struct engine_event *ev, void *data)
{
    struct die_code *d = data;
    const char *code = engine_event_attr_value(ev, "exitCode");
    if (code && ev->type && !strcmp(ev->type, "container") && ev->action && !strcmp(ev->action, "die") && ev->id &&
        !strcmp(ev->id, d->id)) {
        d->code = atoi(code);
        d->found = true; /* the last one counts: a container may have died before (restarted) */
    }
    return 0;
}

/* A --rm container's record is removed without an "exited" one first
 * (engine_container_finish): its exit code is in its last "die" event,
 * written before the removal, after since_ms (its start; 0: unknown). */
static bool exit_code_from_events(const char *root, const char *id, int64_t since_ms, int *exit_code)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct engine_events_query q = {
        .since = since_ms * 1000000,
        .since_given = true,
        .until = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + 1, /* what is there now, no waiting */
    };
    struct die_code d = {.id = id};
    cleanup_error struct hull_error *ignored = NULL;
    if (engine_events_read(root, &q, note_die, &d, &ignored) < 0 || !d.found)
        return false;
    *exit_code = d.code;
    return true;
}

int engine_container_wait_id(const char *root, const char *runroot, const char *id, int *exit_code,
                             struct hull_error **err)
{
    cleanup_free char *dir = engine_container_dir(root, id);
    cleanup_close int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (ino >= 0)
        inotify_add_watch(ino, dir, IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE | IN_DELETE_SELF);
    cleanup_close int pidfd = -1;
    pid_t watched = 0;
    long init_gone_at = 0;
    int64_t started_ms = 0;
    for (;;) {
        cleanup_engine_record struct engine_record *rec = NULL;
        if (engine_record_read(root, id, &rec, NULL) < 0) {
            if (exit_code_from_events(root, id, started_ms, exit_code))
                return 0;
            return hull_error_set(err, 0, "container %.12s was removed before its exit code could be read", id);
        }
        if (!started_ms)
            started_ms = engine_rfc3339_ms(rec->state.started_at);
        const char *status = rec->state.status;
        bool says_live = !strcmp(status, "running") || !strcmp(status, "paused");
        bool runtime_live = engine_container_running(runroot, id);
        int code = rec->state.exit_code;
        pid_t pid = rec->state.pid;
        /* "created" with live runtime state is a start under way. */
        if (!says_live && !(runtime_live && !strcmp(status, "created"))) {
            *exit_code = code;
            return 0;
        }
        if (says_live && !runtime_live) {
            if (!init_gone_at)
                init_gone_at = now_ms();
            else if (now_ms() - init_gone_at > WAITER_GRACE_MS) {
                *exit_code = code; /* what engine_record_refresh would show */
                return 0;
            }
        } else {
            init_gone_at = 0;
        }
        if (pid > 0 && pid != watched) {
            if (pidfd >= 0)
                close(pidfd);
            pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
            watched = pid;
        }
        struct pollfd fds[2] = {{.fd = ino, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
        /* Short polls once the init is gone: the record is due any moment. */
        int r = poll(fds, 2, init_gone_at ? 50 : 1000);
        if (r > 0 && (fds[1].revents & POLLIN)) {
            close(pidfd);
            pidfd = -1; /* readable for good once the process is gone */
        }
        char buf[4096];
        while (ino >= 0 && read(ino, buf, sizeof buf) > 0)
            ;
    }
}

struct rename {
    const char *root, *name;
};

static int rename_record(struct engine_record *rec, void *data, struct hull_error **err)
{
    const struct rename *r = data;
    if (!strcmp(engine_record_short_name(rec), r->name))
        return hull_error_set(err, 0, "container %.12s is already named \"%s\"", rec->id, r->name);
    if (engine_record_name_in_use(r->root, r->name))
        return hull_error_set(err, 0, "the container name \"/%s\" is already in use", r->name);
    free(rec->name);
    rec->name = xasprintf("/%s", r->name);
    return 0;
}

int engine_container_rename(const char *root, const char *text, const char *name, struct hull_error **err)
{
    cleanup_free char *id = NULL;
    if (engine_container_resolve(root, text, &id, err) < 0)
        return -1;
    if (engine_name_check(name, err) < 0)
        return -1;
    struct rename r = {root, name};
    if (engine_record_edit(root, id, rename_record, &r, err) < 0)
        return -1;
    engine_network_names_changed(root, id);
    return 0;
}

int engine_container_wait(const char *root, const char *runroot, const char *text, int *exit_code,
                          struct hull_error **err)
{
    cleanup_free char *id = NULL;
    if (engine_container_resolve(root, text, &id, err) < 0)
        return -1;
    return engine_container_wait_id(root, runroot, id, exit_code, err);
}

static int cmp_created_desc(const void *a, const void *b)
{
    const struct engine_record *ra = *(struct engine_record *const *)a, *rb = *(struct engine_record *const *)b;
    return strcmp(rb->created ? rb->created : "", ra->created ? ra->created : "");
}

static bool listed(const struct engine_record *rec, bool all)
{
    const char *st = rec->state.status ? rec->state.status : "";
    /* docker lists the containers waiting to be restarted as running ones */
    return all || !strcmp(st, "running") || !strcmp(st, "paused") || !strcmp(st, "restarting");
}

int engine_container_list(const char *root, const char *runroot, bool all, struct engine_record ***out, size_t *n,
                          struct hull_error **err)
{
    cleanup_strv char **ids = NULL;
    *out = NULL;
    *n = 0;
    if (engine_record_list(root, &ids, err) < 0)
        return -1;
    size_t count = strv_length(ids), m = 0;
    struct engine_record **recs = xmalloc0((count + 1) * sizeof *recs);
    for (size_t i = 0; i < count; i++) {
        struct engine_record *rec = NULL;
        if (engine_record_read(root, ids[i], &rec, NULL) < 0)
            continue; /* removed meanwhile */
        engine_record_refresh(runroot, ids[i], rec);
        if (listed(rec, all))
            recs[m++] = rec;
        else
            engine_record_free(rec);
    }
    qsort(recs, m, sizeof *recs, cmp_created_desc);
    *out = recs;
    *n = m;
    return 0;
}

void engine_record_list_free(struct engine_record **recs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        engine_record_free(recs[i]);
    free(recs);
}
