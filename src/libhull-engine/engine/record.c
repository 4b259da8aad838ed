/* hull: container records on disk (see record.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "health.h"
#include "lifecycle.h"
#include "record.h"
#include "events.h"
#include "util/utils.h"

char *engine_containers_dir(const char *root)
{
    return xasprintf("%s/containers", root);
}

char *engine_container_dir(const char *root, const char *id)
{
    return xasprintf("%s/containers/%s", root, id);
}

char *engine_runtime_root(const char *runroot)
{
    return xasprintf("%s/" HULL_PRIVATE_PREFIX "engine", runroot);
}

int engine_new_id(char id[ENGINE_ID_LEN + 1], struct hull_error **err)
{
    unsigned char bytes[ENGINE_ID_LEN / 2];
    if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes)
        return hull_error_set(err, errno, "getrandom for a container id");
    for (size_t i = 0; i < sizeof bytes; i++)
        snprintf(id + 2 * i, 3, "%02x", bytes[i]);
    /* docker avoids ids that are all digits: a short id must never read as a number. */
    if (strspn(id, "0123456789") >= 12)
        id[0] = 'a';
    return 0;
}

void engine_records_sweep_tmp(const char *root, bool remove, void (*found)(const char *path, void *data), void *data)
{
    cleanup_free char *dir = engine_containers_dir(root);
    cleanup_dir DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (strlen(e->d_name) != ENGINE_ID_LEN)
            continue;
        cleanup_free char *sub = xasprintf("%s/%s", dir, e->d_name);
        stale_tmp_files(sub, remove, found, data);
    }
}

int engine_records_lock(const char *root, int *fd, struct hull_error **err)
{
    cleanup_free char *dir = engine_containers_dir(root);
    if (lock_file_in_dir(dir, fd, err) < 0)
        return -1;
    /* Records and configs of writers that were killed mid-write: one
     * readdir per container, so once per process, not at each of the five
     * locks of a `hull run` (with 100 containers in the store that was
     * ~3,000 system calls a run).  What a writer killed later leaves, the
     * next command sweeps (or `hull system check --repair`). */
    static char *swept_root;
    if (swept_root && !strcmp(swept_root, root))
        return 0;
    engine_records_sweep_tmp(root, true, NULL, NULL);
    free(swept_root);
    swept_root = xstrdup(root);
    return 0;
}

int engine_record_read(const char *root, const char *id, struct engine_record **out, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("%s/containers/%s/record.json", root, id);
    cleanup_free char *text = NULL;
    if (read_file(path, &text, NULL, err) < 0)
        return -1;
    if (engine_record_parse(text, out, NULL) < 0)
        return hull_error_set(err, 0, "container record %s is not a JSON object", path);
    return 0;
}

int engine_record_write(const char *root, const char *id, const struct engine_record *rec, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("%s/containers/%s/record.json", root, id);
    cleanup_free char *text = engine_record_to_text(rec);
    return write_file_replace(path, text, strlen(text), 0600, err);
}

/* Edits waiting for the next write of their record by this process
 * (engine_record_edit_with_next). */
struct pending_edit {
    char id[ENGINE_ID_LEN + 1];
    engine_record_edit_fn fn;
    void *data;
    void (*free_data)(void *data);
};
static struct pending_edit *pending;
static size_t n_pending;

void engine_record_edit_with_next(const char *id, engine_record_edit_fn fn, void *data, void (*free_data)(void *data))
{
    pending = xrealloc(pending, (n_pending + 1) * sizeof *pending);
    struct pending_edit *p = &pending[n_pending++];
    snprintf(p->id, sizeof p->id, "%s", id);
    p->fn = fn;
    p->data = data;
    p->free_data = free_data;
}

/* Those of id applied to rec (done: they are written with it) or dropped
 * (rec NULL: the record is gone). */
static void pending_run(const char *id, struct engine_record *rec, bool done)
{
    size_t kept = 0;
    for (size_t i = 0; i < n_pending; i++) {
        struct pending_edit *p = &pending[i];
        if (strcmp(p->id, id)) {
            pending[kept++] = *p;
            continue;
        }
        if (rec) {
            cleanup_error struct hull_error *ignored = NULL;
            p->fn(rec, p->data, &ignored);
        }
        if (!rec || done) {
            if (p->free_data)
                p->free_data(p->data);
            continue;
        }
        pending[kept++] = *p;
    }
    n_pending = kept;
}

static bool pending_for(const char *id)
{
    for (size_t i = 0; i < n_pending; i++)
        if (!strcmp(pending[i].id, id))
            return true;
    return false;
}

int engine_record_edit(const char *root, const char *id, engine_record_edit_fn fn, void *data,
                       struct hull_error **err)
{
    /* Removed meanwhile (`hull rm -f`, --rm): do not make ROOT/containers
     * and its lock again for a container that no longer exists. */
    cleanup_free char *dir = engine_container_dir(root, id);
    if (access(dir, F_OK) < 0)
        return hull_error_set(err, errno, "container %.12s", id);
    cleanup_close int lock = -1;
    if (engine_records_lock(root, &lock, err) < 0)
        return -1;
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(root, id, &rec, err) < 0)
        return -1;
    /* The edits waiting for this write first, on the record as read: fn
     * sees them.  They stay pending unless it is written. */
    bool waiting = pending_for(id);
    if (waiting)
        pending_run(id, rec, false);
    int r = fn(rec, data, err);
    if (r < 0 || (r == ENGINE_RECORD_UNCHANGED && !waiting))
        return r;
    if (engine_record_write(root, id, rec, err) < 0)
        return -1;
    if (waiting)
        pending_run(id, NULL, true);
    return r;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int engine_record_list(const char *root, char ***ids, struct hull_error **err)
{
    cleanup_free char *dir = engine_containers_dir(root);
    size_t n = 0, cap = 8;
    char **v = xmalloc0(cap * sizeof *v);
    cleanup_dir DIR *d = opendir(dir);
    if (!d && errno != ENOENT) {
        free(v);
        return hull_error_set(err, errno, "open %s", dir);
    }
    for (struct dirent *e; d && (e = readdir(d));) {
        if (strlen(e->d_name) != ENGINE_ID_LEN || strspn(e->d_name, "0123456789abcdef") != ENGINE_ID_LEN)
            continue;
        cleanup_free char *rec = xasprintf("%s/%s/record.json", dir, e->d_name);
        if (access(rec, F_OK) < 0)
            continue; /* being created or removed */
        if (n + 2 > cap) {
            cap *= 2;
            v = realloc(v, cap * sizeof *v);
            if (!v)
                abort();
        }
        v[n++] = xstrdup(e->d_name);
    }
    v[n] = NULL;
    qsort(v, n, sizeof *v, cmp_str);
    *ids = v;
    return 0;
}

/* Whether the record of id is named name.  A name lookup reads every record
 * of the store (`hull run` checks its new name, `rm NAME` finds one), and
 * parsing them all cost ~20 us each: 11 ms of CPU per `hull run` with 530
 * containers (bench/idle.sh).  A record's name is [a-zA-Z0-9_.-]
 * (engine_name_check), written as it is, so a record whose text does not
 * hold NAME" is not named NAME and is not parsed. */
static bool record_named(const char *root, const char *id, const char *name)
{
    cleanup_free char *path = xasprintf("%s/containers/%s/record.json", root, id);
    cleanup_free char *text = NULL;
    size_t len = 0;
    if (read_file(path, &text, &len, NULL) < 0)
        return false;
    cleanup_free char *needle = xasprintf("%s\"", name);
    if (!memmem(text, len, needle, strlen(needle)))
        return false;
    cleanup_engine_record struct engine_record *rec = NULL;
    return engine_record_parse(text, &rec, NULL) == 0 && !strcmp(engine_record_short_name(rec), name);
}

int engine_record_find(const char *root, const char *text, char **id_out, struct hull_error **err)
{
    cleanup_strv char **ids = NULL;
    if (engine_record_list(root, &ids, err) < 0)
        return -1;
    const char *name = text[0] == '/' ? text + 1 : text;
    /* Exact id, then name, then id prefix: docker's order. */
    for (char **i = ids; *i; i++) {
        if (!strcmp(*i, text)) {
            *id_out = xstrdup(*i);
            return 0;
        }
    }
    for (char **i = ids; *i; i++) {
        if (record_named(root, *i, name)) {
            *id_out = xstrdup(*i);
            return 0;
        }
    }
    const char *found = NULL;
    size_t len = strlen(text);
    for (char **i = ids; *i && len > 0; i++) {
        if (!strncmp(*i, text, len)) {
            if (found)
                return hull_error_set(err, 0, "container id prefix \"%s\" is ambiguous", text);
            found = *i;
        }
    }
    if (!found) {
        hull_error_set(err, 0, "no such container: %s", text);
        return -ENOENT;
    }
    *id_out = xstrdup(found);
    return 0;
}

/* engine_record_find, then the record: a directory without a readable
 * record is not a container to act on. */
static int find_and_read(const char *root, const char *text, char **id, struct engine_record **rec,
                         struct hull_error **err)
{
    int r = engine_record_find(root, text, id, err);
    if (r < 0)
        return r;
    return engine_record_read(root, *id, rec, err);
}

int engine_container_resolve(const char *root, const char *text, char **id_out, struct hull_error **err)
{
    cleanup_free char *id = NULL;
    cleanup_engine_record struct engine_record *rec = NULL;
    int r = find_and_read(root, text, &id, &rec, err);
    if (r < 0)
        return r;
    *id_out = steal_pointer(&id);
    return 0;
}

int engine_container_lookup(const char *root, const char *runroot, const char *text, struct engine_record **out,
                            char **id_out, struct hull_error **err)
{
    cleanup_free char *id = NULL;
    int r = find_and_read(root, text, &id, out, err);
    if (r < 0)
        return r;
    engine_record_refresh(runroot, id, *out);
    if (id_out)
        *id_out = steal_pointer(&id);
    return 0;
}

int engine_container_inspect_json(const char *root, const char *runroot, const char *text, struct json_object **out,
                                  struct hull_error **err)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_container_lookup(root, runroot, text, &rec, NULL, err) < 0)
        return -1;
    *out = engine_record_to_json(rec, true);
    return 0;
}

int engine_name_check(const char *name, struct hull_error **err)
{
    static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    if (name[0] && strchr(alnum, name[0]) &&
        strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == strlen(name))
        return 0;
    return hull_error_set(err, 0, "invalid container name \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name);
}

bool engine_record_name_in_use(const char *root, const char *name)
{
    cleanup_strv char **ids = NULL;
    if (engine_record_list(root, &ids, NULL) < 0)
        return false;
    for (char **i = ids; *i; i++)
        if (record_named(root, *i, name))
            return true;
    return false;
}

enum state_change { STATE_STARTED, STATE_RESTARTED, STATE_FINISHED };

struct state_edit {
    const char *root;
    enum state_change change;
    int value; /* the pid, or the exit code */
    bool oom_killed;
    int monitor_pid;
};

static int edit_state(struct engine_record *rec, void *data, struct hull_error **err)
{
    const struct state_edit *e = data;
    struct engine_record_state *state = &rec->state;
    bool running = e->change != STATE_FINISHED;
    if (e->change == STATE_RESTARTED) {
        /* A restart by the policy happens only while the record still says
         * "restarting": `hull stop`, `kill` or `rm` meanwhile cancelled it
         * (restart.h), and the caller then kills what it started. */
        if (strcmp(state->status, "restarting") || rec->restart.manually_stopped)
            return hull_error_set(err, 0, "container %.12s was stopped while it waited to be restarted", rec->id);
    } else if (e->change == STATE_STARTED) {
        /* docker: a start by hand makes a new restart manager: count and backoff from zero. */
        rec->restart_count = 0;
        rec->restart = (struct engine_record_restart){0};
    }
    cleanup_free char *now = rfc3339_now();
    engine_record_set_str(&state->status, running ? "running" : "exited");
    state->running = running;
    state->restarting = false;
    state->pid = running ? e->value : 0;
    state->paused = false;
    /* Started: no longer a creation in progress (record.h). */
    rec->creating_pid = 0;
    if (running) {
        engine_record_set_str(&state->started_at, now);
        state->oom_killed = false;
        state->exit_code = 0; /* a restart: docker resets it */
        engine_health_reset(rec); /* "starting" again (health.h) */
        rec->monitor_pid = e->monitor_pid;
    } else {
        state->exit_code = e->value;
        state->oom_killed = e->oom_killed;
        engine_record_set_str(&state->finished_at, now);
    }
    /* The event first: whoever waits for the record's new state (hull stop
     * waits for "exited", then records "stop") finds it in the journal. */
    char code[16];
    snprintf(code, sizeof code, "%d", e->value);
    engine_event_container(e->root, rec, running ? "start" : "die", running ? NULL : "exitCode", code);
    return 0;
}

static int set_state(const char *root, const char *id, enum state_change change, int value, bool oom_killed,
                     int monitor_pid, struct hull_error **err)
{
    struct state_edit e = {root, change, value, oom_killed, monitor_pid};
    return engine_record_edit(root, id, edit_state, &e, err);
}

int engine_record_set_running(const char *root, const char *id, int pid, int monitor_pid, struct hull_error **err)
{
    return set_state(root, id, STATE_STARTED, pid, false, monitor_pid, err);
}

int engine_record_set_restarted(const char *root, const char *id, int pid, int monitor_pid, struct hull_error **err)
{
    return set_state(root, id, STATE_RESTARTED, pid, false, monitor_pid, err);
}

bool engine_record_exit_pending(const struct engine_record *rec)
{
    const char *status = rec->state.status;
    if (strcmp(status, "running") && strcmp(status, "paused"))
        return false;
    int pid = rec->monitor_pid;
    if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH))
        return false;
    /* a reused pid: only a hull process (the monitor, or the `hull ...
     * _monitor-exit` it became, or a foreground `hull run`) counts */
    char path[64], comm[32] = "";
    snprintf(path, sizeof path, "/proc/%d/comm", pid);
    FILE *f = fopen(path, "re");
    if (f) {
        if (!fgets(comm, sizeof comm, f))
            comm[0] = '\0';
        fclose(f);
    }
    return !strcmp(comm, "hull\n") || !strcmp(comm, "hull-monitor\n");
}

int engine_record_set_finished(const char *root, const char *id, int exit_code, bool oom_killed,
                               struct hull_error **err)
{
    return set_state(root, id, STATE_FINISHED, exit_code, oom_killed, 0, err);
}

struct pause_edit {
    const char *root;
    bool paused;
};

static int edit_paused(struct engine_record *rec, void *data, struct hull_error **err)
{
    (void)err;
    const struct pause_edit *e = data;
    /* The init may have exited meanwhile: its waiter's "exited" stands. */
    if (strcmp(rec->state.status, "running") && strcmp(rec->state.status, "paused"))
        return ENGINE_RECORD_UNCHANGED;
    engine_record_set_str(&rec->state.status, e->paused ? "paused" : "running");
    rec->state.paused = e->paused;
    engine_event_container(e->root, rec, e->paused ? "pause" : "unpause", NULL, NULL);
    return 0;
}

int engine_record_set_paused(const char *root, const char *id, bool paused, struct hull_error **err)
{
    struct pause_edit e = {root, paused};
    return engine_record_edit(root, id, edit_paused, &e, err) < 0 ? -1 : 0;
}

bool engine_record_abandoned(const struct engine_record *rec)
{
    if (rec->creating_pid <= 0)
        return false;
    /* A reused pid makes a dead creator look alive: shown as "created", still removable. */
    return kill((pid_t)rec->creating_pid, 0) < 0 && errno == ESRCH;
}

int engine_record_delete(const char *root, const char *id, struct hull_error **err)
{
    cleanup_free char *dir = engine_container_dir(root, id);
    cleanup_free char *path = xasprintf("%s/record.json", dir);
    {
        /* Under the lock: a monitor rewriting State (set_state) either saw the
         * record and saved first, or finds it gone; it never brings it back. */
        cleanup_close int lock = -1;
        if (engine_records_lock(root, &lock, err) < 0)
            return -1;
        cleanup_engine_record struct engine_record *rec = NULL;
        engine_record_read(root, id, &rec, NULL);
        if (unlink(path) < 0 && errno != ENOENT)
            return hull_error_set(err, errno, "remove %s", path);
        pending_run(id, NULL, true);
        if (rec)
            engine_event_container(root, rec, "destroy", NULL, NULL);
    }
    return rm_rf(dir, err);
}

bool engine_record_being_created(const char *root, const char *id)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(root, id, &rec, NULL) < 0)
        return false;
    return rec->creating_pid > 0 && !engine_record_abandoned(rec);
}
