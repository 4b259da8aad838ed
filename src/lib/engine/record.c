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
    /* Records, configs and /etc files of writers that were killed mid-write:
     * one readdir per container, cheap next to what the lock is taken for. */
    engine_records_sweep_tmp(root, true, NULL, NULL);
    return 0;
}

int engine_record_load(const char *root, const char *id, struct json_object **out, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("%s/containers/%s/record.json", root, id);
    cleanup_free char *text = NULL;
    if (read_file(path, &text, NULL, err) < 0)
        return -1;
    struct json_object *rec = json_tokener_parse(text);
    if (!rec || !json_object_is_type(rec, json_type_object)) {
        json_object_put(rec);
        return hull_error_set(err, 0, "container record %s is not a JSON object", path);
    }
    *out = rec;
    return 0;
}

int engine_record_save(const char *root, const char *id, struct json_object *rec, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("%s/containers/%s/record.json", root, id);
    const char *text = json_object_to_json_string_ext(rec, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    return write_file_replace(path, text, strlen(text), 0600, err);
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

const char *engine_json_str(struct json_object *obj, const char *key)
{
    struct json_object *v = NULL;
    if (obj && json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return "";
}

struct json_object *engine_json_path(struct json_object *obj, const char *a, const char *b)
{
    struct json_object *v = NULL;
    if (!obj || !json_object_object_get_ex(obj, a, &v))
        return NULL;
    if (b && !json_object_object_get_ex(v, b, &v))
        return NULL;
    return v;
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
        struct json_object *rec = NULL;
        if (engine_record_load(root, *i, &rec, NULL) < 0)
            continue;
        bool match = !strcmp(engine_json_str(rec, "Name") + 1, name);
        json_object_put(rec);
        if (match) {
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
    for (char **i = ids; *i; i++) {
        struct json_object *rec = NULL;
        if (engine_record_load(root, *i, &rec, NULL) < 0)
            continue;
        bool match = !strcmp(engine_json_str(rec, "Name") + 1, name);
        json_object_put(rec);
        if (match)
            return true;
    }
    return false;
}

enum state_change { STATE_STARTED, STATE_RESTARTED, STATE_FINISHED };

static int set_state(const char *root, const char *id, enum state_change change, int value, bool oom_killed,
                     int monitor_pid, struct hull_error **err)
{
    bool running = change != STATE_FINISHED;
    /* Removed meanwhile (`hull rm -f`, --rm): do not make ROOT/containers
     * and its lock again for a container that no longer exists. */
    cleanup_free char *dir = engine_container_dir(root, id);
    if (access(dir, F_OK) < 0)
        return hull_error_set(err, errno, "container %.12s", id);
    cleanup_close int lock = -1;
    if (engine_records_lock(root, &lock, err) < 0)
        return -1;
    struct json_object *rec = NULL;
    if (engine_record_load(root, id, &rec, err) < 0)
        return -1;
    struct json_object *state = engine_json_path(rec, "State", NULL);
    if (!state) {
        state = json_object_new_object();
        json_object_object_add(rec, "State", state);
    }
    if (change == STATE_RESTARTED) {
        /* A restart by the policy happens only while the record still says
         * "restarting": `hull stop`, `kill` or `rm` meanwhile cancelled it
         * (restart.h), and the caller then kills what it started. */
        bool wanted = !strcmp(engine_json_str(state, "Status"), "restarting") &&
                      !json_object_get_boolean(engine_json_path(rec, "HullRestart", "ManuallyStopped"));
        if (!wanted) {
            json_object_put(rec);
            return hull_error_set(err, 0, "container %.12s was stopped while it waited to be restarted", id);
        }
    } else if (change == STATE_STARTED) {
        /* docker: a start by hand makes a new restart manager: count and backoff from zero. */
        json_object_object_add(rec, "RestartCount", json_object_new_int(0));
        json_object_object_del(rec, "HullRestart");
    }
    cleanup_free char *now = rfc3339_now();
    json_object_object_add(state, "Status", json_object_new_string(running ? "running" : "exited"));
    json_object_object_add(state, "Running", json_object_new_boolean(running));
    json_object_object_add(state, "Restarting", json_object_new_boolean(false));
    json_object_object_add(state, "Pid", json_object_new_int(running ? value : 0));
    json_object_object_add(state, "Paused", json_object_new_boolean(false));
    /* Started: no longer a creation in progress (record.h). */
    json_object_object_del(rec, ENGINE_RECORD_CREATING);
    if (running) {
        json_object_object_add(state, "StartedAt", json_object_new_string(now));
        json_object_object_add(state, "OOMKilled", json_object_new_boolean(false));
        json_object_object_add(state, "ExitCode", json_object_new_int(0)); /* a restart: docker resets it */
        engine_health_reset(rec); /* "starting" again (health.h) */
        json_object_object_add(rec, "HullMonitorPid", json_object_new_int(monitor_pid));
    } else {
        json_object_object_add(state, "ExitCode", json_object_new_int(value));
        json_object_object_add(state, "OOMKilled", json_object_new_boolean(oom_killed));
        json_object_object_add(state, "FinishedAt", json_object_new_string(now));
    }
    /* The event first: whoever waits for the record's new state (hull stop
     * waits for "exited", then records "stop") finds it in the journal. */
    char code[16];
    snprintf(code, sizeof code, "%d", value);
    engine_event_container(root, rec, running ? "start" : "die", running ? NULL : "exitCode", code);
    int r = engine_record_save(root, id, rec, err);
    json_object_put(rec);
    return r;
}

int engine_record_set_running(const char *root, const char *id, int pid, int monitor_pid, struct hull_error **err)
{
    return set_state(root, id, STATE_STARTED, pid, false, monitor_pid, err);
}

int engine_record_set_restarted(const char *root, const char *id, int pid, int monitor_pid, struct hull_error **err)
{
    return set_state(root, id, STATE_RESTARTED, pid, false, monitor_pid, err);
}

bool engine_record_exit_pending(const char *runroot, const char *id, struct json_object *rec)
{
    const char *status = engine_json_str(engine_json_path(rec, "State", NULL), "Status");
    if (strcmp(status, "running") && strcmp(status, "paused"))
        return false;
    int pid = json_object_get_int(engine_json_path(rec, "HullMonitorPid", NULL));
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
    if (strcmp(comm, "hull\n") && strcmp(comm, "hull-monitor\n"))
        return false;
    (void)runroot;
    (void)id;
    return true;
}

int engine_record_set_finished(const char *root, const char *id, int exit_code, bool oom_killed,
                               struct hull_error **err)
{
    return set_state(root, id, STATE_FINISHED, exit_code, oom_killed, 0, err);
}

int engine_record_set_paused(const char *root, const char *id, bool paused, struct hull_error **err)
{
    cleanup_close int lock = -1;
    if (engine_records_lock(root, &lock, err) < 0)
        return -1;
    struct json_object *rec = NULL;
    if (engine_record_load(root, id, &rec, err) < 0)
        return -1;
    struct json_object *state = engine_json_path(rec, "State", NULL);
    const char *status = engine_json_str(state, "Status");
    int r = 0;
    /* The init may have exited meanwhile: its waiter's "exited" stands. */
    if (state && (!strcmp(status, "running") || !strcmp(status, "paused"))) {
        json_object_object_add(state, "Status", json_object_new_string(paused ? "paused" : "running"));
        json_object_object_add(state, "Paused", json_object_new_boolean(paused));
        r = engine_record_save(root, id, rec, err);
        if (r == 0)
            engine_event_container(root, rec, paused ? "pause" : "unpause", NULL, NULL);
    }
    json_object_put(rec);
    return r;
}

bool engine_record_abandoned(struct json_object *rec)
{
    struct json_object *pid = NULL;
    if (!json_object_object_get_ex(rec, ENGINE_RECORD_CREATING, &pid))
        return false;
    /* A reused pid makes a dead creator look alive: shown as "created", still removable. */
    return kill((pid_t)json_object_get_int(pid), 0) < 0 && errno == ESRCH;
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
        struct json_object *rec = NULL;
        engine_record_load(root, id, &rec, NULL);
        if (unlink(path) < 0 && errno != ENOENT) {
            json_object_put(rec);
            return hull_error_set(err, errno, "remove %s", path);
        }
        if (rec)
            engine_event_container(root, rec, "destroy", NULL, NULL);
        json_object_put(rec);
    }
    return rm_rf(dir, err);
}

bool engine_record_being_created(const char *root, const char *id)
{
    struct json_object *rec = NULL;
    if (engine_record_load(root, id, &rec, NULL) < 0)
        return false;
    bool creating = json_object_object_get_ex(rec, ENGINE_RECORD_CREATING, NULL) && !engine_record_abandoned(rec);
    json_object_put(rec);
    return creating;
}
