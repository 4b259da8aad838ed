/* hull: `hull system check` (see check.h). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "container/container.h"
#include "engine_network.h"
#include "image/store.h"
#include "lifecycle.h"
#include "network/network.h"
#include "record.h"
#include "util/mountinfo.h"
#include "util/utils.h"

struct checker {
    const char *root, *runroot;
    bool repair;
    engine_check_report_fn report;
    void *data;
    struct engine_check_result *result;
};

static void problem(struct checker *c, const char *kind, bool repaired, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void problem(struct checker *c, const char *kind, bool repaired, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cleanup_free char *what = NULL;
    if (vasprintf(&what, fmt, ap) < 0)
        abort();
    va_end(ap);
    c->result->problems++;
    if (repaired)
        c->result->repaired++;
    if (c->report)
        c->report(kind, what, repaired, c->data);
}

static bool is_id(const char *s)
{
    return strlen(s) == ENGINE_ID_LEN && strspn(s, "0123456789abcdef") == ENGINE_ID_LEN;
}

static bool has_record(const char *root, const char *id)
{
    cleanup_free char *path = xasprintf("%s/containers/%s/record.json", root, id);
    return access(path, F_OK) == 0;
}

/* A container to remove, and why (found under the records lock, removed after it). */
struct orphan {
    char id[ENGINE_ID_LEN + 1];
    char *image_id; /* NULL: unknown (no readable record) */
    char *why;
};

struct mounts_under {
    const char *prefix;
    char **found;
};

static bool collect_mount(const struct mountinfo_entry *e, void *data)
{
    struct mounts_under *m = data;
    if (!strncmp(e->mountpoint, m->prefix, strlen(m->prefix)))
        strv_add(&m->found, xstrdup(e->mountpoint));
    return false;
}

/* Mount points under ROOT/containers/<id>/. */
static void mounts_of(const char *real_root, const char *id, char ***out)
{
    cleanup_free char *prefix = xasprintf("%s/containers/%s/", real_root, id);
    struct mounts_under m = {prefix, NULL};
    mountinfo_foreach("/proc/self/mountinfo", collect_mount, &m, NULL);
    *out = m.found;
}

/* Under the records lock: the containers that are not (or no longer) whole. */
static void find_orphans(struct checker *c, struct orphan **out, size_t *n)
{
    cleanup_free char *dir = engine_containers_dir(c->root);
    cleanup_dir DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!is_id(e->d_name))
            continue;
        struct engine_record *rec = NULL;
        char *why = NULL, *image_id = NULL;
        cleanup_free char *path = xasprintf("%s/%s/record.json", dir, e->d_name);
        if (access(path, F_OK) < 0) {
            why = xstrdup("a directory without a record (its creation or removal was killed)");
        } else if (engine_record_read(c->root, e->d_name, &rec, NULL) < 0) {
            why = xstrdup("its record is not readable JSON (half-written)");
        } else {
            image_id = xstrdup(rec->image_id);
            bool auto_remove = rec->host_config.auto_remove;
            const char *status = rec->state.status;
            if (engine_record_abandoned(rec))
                why = xstrdup("left half-made by a killed `hull run` (shown as dead)");
            else if (auto_remove && strcmp(status, "created") && !engine_container_running(c->runroot, e->d_name))
                why = xstrdup("a --rm container that no longer runs (its `hull run --rm` or monitor was killed)");
            engine_record_free(rec);
        }
        if (!why) {
            free(image_id);
            continue;
        }
        *out = xrealloc(*out, (*n + 1) * sizeof **out);
        struct orphan *o = &(*out)[(*n)++];
        snprintf(o->id, sizeof o->id, "%s", e->d_name);
        o->image_id = image_id;
        o->why = why;
    }
}

static void check_containers(struct checker *c, struct hull_error **err)
{
    struct orphan *orphans = NULL;
    size_t n = 0;
    {
        cleanup_free char *dir = engine_containers_dir(c->root);
        cleanup_close int lock = -1;
        /* Not engine_records_lock: that sweeps temp files before they are reported. */
        if (lock_file_in_dir(dir, &lock, err) < 0)
            return;
        find_orphans(c, &orphans, &n);
    }
    char real_root[PATH_MAX];
    if (!realpath(c->root, real_root))
        snprintf(real_root, sizeof real_root, "%s", c->root);
    for (size_t i = 0; i < n; i++) {
        struct orphan *o = &orphans[i];
        cleanup_strv char **mounts = NULL;
        mounts_of(real_root, o->id, &mounts);
        bool ok = false;
        cleanup_free char *failed = NULL;
        if (c->repair) {
            cleanup_error struct hull_error *e = NULL;
            ok = engine_container_remove_id(c->root, c->runroot, o->id, o->image_id, &e) == 0;
            if (!ok) {
                cleanup_free char *text = hull_error_text(e);
                failed = xasprintf(" (cannot remove it: %s)", text);
            }
        }
        problem(c, "container", ok, "%s: %s%s", o->id, o->why, failed ? failed : "");
        for (char **m = mounts; m && *m; m++)
            problem(c, "mount", ok, "%s: still mounted (container %.12s)", *m, o->id);
        free(o->image_id);
        free(o->why);
    }
    free(orphans);
}

/* Runtime state (cgroups, live processes) of ids that have no record. */
static void check_runtime(struct checker *c)
{
    cleanup_free char *rtroot = engine_runtime_root(c->runroot);
    cleanup_strv char **ids = NULL;
    if (access(rtroot, F_OK) < 0 || container_list_ids(rtroot, &ids, NULL) < 0)
        return;
    for (char **id = ids; *id; id++) {
        /* The record is written before the runtime state and deleted after it. */
        if (has_record(c->root, *id))
            continue;
        bool ok = false;
        if (c->repair) {
            cleanup_error struct hull_error *e = NULL;
            ok = container_delete(rtroot, *id, true, &e) == 0;
        }
        problem(c, "runtime", ok, "%s: runtime state without a container (%s/%s)", *id, rtroot, *id);
    }
}

int engine_image_marks_sweep(const char *root, bool repair, engine_check_report_fn report, void *data,
                             struct engine_check_result *result, struct hull_error **err)
{
    struct engine_check_result own = {0};
    struct checker c = {.root = root, .repair = repair, .report = report, .data = data, .result = result ? result : &own};
    cleanup_free char *dir = engine_containers_dir(root);
    cleanup_close int lock = -1;
    if (lock_file_in_dir(dir, &lock, err) < 0)
        return -1;
    cleanup_image_store struct image_store *store = NULL;
    cleanup_strv char **images = NULL, **users = NULL;
    if (image_store_open_unswept(root, &store, err) < 0 || image_store_users(store, &images, &users, err) < 0)
        return -1;
    for (size_t i = 0; images && images[i]; i++) {
        const char *why = NULL;
        if (!has_record(root, users[i]))
            why = "marks the image as used by a container that does not exist";
        else if (!image_store_has_image(store, images[i]))
            why = "names an image that does not exist";
        if (!why)
            continue;
        bool ok = repair && image_store_remove_user(store, images[i], users[i], NULL) == 0;
        problem(&c, "image-mark", ok, "%.19s used by %.12s: %s", images[i], users[i], why);
    }
    return 0;
}

static void report_path(const char *path, void *data)
{
    struct checker *c = data;
    problem(c, "tmp", c->repair, "%s: temp file of a write whose process is dead", path);
}

static void report_staging(const char *path, void *data)
{
    struct checker *c = data;
    problem(c, "staging", c->repair, "%s: staging dir of a load, import, commit or pull that was killed", path);
}

static void report_unreferenced(const char *kind, const char *path, void *data)
{
    struct checker *c = data;
    if (!strcmp(kind, "init"))
        problem(c, kind, c->repair, "%s: the init layer of an image that is gone (removed by an older hull?)", path);
    else
        problem(c, kind, c->repair,
                "%s: used by no image (a pull, load or commit was killed before its image record)", path);
}

/* ROOT/networks/NAME/config.json and ROOT/volumes/NAME/volume.json are written atomically too. */
static void sweep_subdirs(struct checker *c, const char *top)
{
    cleanup_free char *dir = xasprintf("%s/%s", c->root, top);
    cleanup_dir DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        cleanup_free char *sub = xasprintf("%s/%s", dir, e->d_name);
        stale_tmp_files(sub, c->repair, report_path, c);
    }
}

static int check_store(struct checker *c, struct hull_error **err)
{
    engine_records_sweep_tmp(c->root, c->repair, report_path, c);
    sweep_subdirs(c, "networks");
    sweep_subdirs(c, "volumes");
    cleanup_image_store struct image_store *store = NULL;
    if (image_store_open_unswept(c->root, &store, err) < 0)
        return -1;
    image_store_sweep_tmp(c->root, c->repair, report_path, c);
    if (image_store_stale_staging(store, c->repair, report_staging, c, err) < 0)
        return -1;
    return image_store_unreferenced(store, c->repair, report_unreferenced, c, err);
}

/* Leases and published ports of containers whose init is gone. */
static void check_network(struct checker *c)
{
    cleanup_free char *dir = xasprintf("%s/networks", c->root);
    cleanup_strv char **names = NULL;
    if (access(dir, F_OK) < 0 || network_list(c->root, &names, NULL) < 0)
        return;
    size_t before = c->result->problems;
    for (size_t i = 0; names[i]; i++) {
        cleanup_free struct network_lease *l = NULL;
        size_t n = 0;
        if (network_leases(c->root, names[i], &l, &n, NULL) < 0)
            continue;
        for (size_t k = 0; k < n; k++)
            if (!engine_container_running(c->runroot, l[k].id))
                problem(c, "lease", c->repair, "%s on network %s: leased to %.12s, which does not run",
                        inet_ntoa(l[k].addr), names[i], l[k].id);
    }
    if (c->repair && c->result->problems > before) {
        cleanup_error struct hull_error *e = NULL;
        engine_network_sweep(c->root, c->runroot, &e);
    }
}

int engine_system_check(const char *root, const char *runroot, bool repair, engine_check_report_fn report,
                        void *data, struct engine_check_result *result, struct hull_error **err)
{
    *result = (struct engine_check_result){0};
    struct checker c = {root, runroot, repair, report, data, result};
    /* Containers first: their removal drops their marks, leases and runtime state. */
    check_containers(&c, err);
    if (err && *err)
        return -1;
    check_runtime(&c);
    if (engine_image_marks_sweep(root, repair, report, data, result, err) < 0)
        return -1;
    if (check_store(&c, err) < 0)
        return -1;
    check_network(&c);
    return 0;
}
