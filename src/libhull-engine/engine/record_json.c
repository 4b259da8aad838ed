/* hull: struct engine_record to and from record.json (see record.h): the one
 * deserializer and the one serializer of a container's record.
 *
 * The keys are docker's inspect keys, as hull has always written them, so a
 * record written by an older hull (a container running across an upgrade)
 * reads the same; hull's own members (Hull*) are written to record.json only,
 * never to `hull inspect`'s output. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "network_settings.h"
#include "record.h"
#include "util/utils.h"

#define ZERO_TIME "0001-01-01T00:00:00Z"

/* The members read into typed fields; everything else goes to other. */
static const char *const known_keys[] = {
    "Id",           "Created",        "Path",       "Args",         "State",       "RestartCount",
    "Image",        "ResolvConfPath", "HostnamePath", "HostsPath",  "Name",        "LogPath",
    "Config",       "HostConfig",     "Mounts",     "GraphDriver",  "NetworkSettings",
    "HullMonitorPid", "HullCreatingPid", "HullRestart",
};

static bool known(const char *key)
{
    for (size_t i = 0; i < ARRAY_SIZE(known_keys); i++)
        if (!strcmp(known_keys[i], key))
            return true;
    return false;
}

static struct json_object *member(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static char *str_of(struct json_object *o, const char *key, const char *fallback)
{
    struct json_object *v = member(o, key);
    return xstrdup(json_object_is_type(v, json_type_string) ? json_object_get_string(v) : fallback);
}

static int int_of(struct json_object *o, const char *key)
{
    return json_object_get_int(member(o, key));
}

static bool bool_of(struct json_object *o, const char *key)
{
    return json_object_get_boolean(member(o, key));
}

static void health_from_json(struct json_object *h, struct engine_health_state *out)
{
    if (!json_object_is_type(h, json_type_object))
        return;
    out->status = str_of(h, "Status", "starting");
    out->failing_streak = int_of(h, "FailingStreak");
    struct json_object *log = member(h, "Log");
    size_t n = json_object_is_type(log, json_type_array) ? json_object_array_length(log) : 0;
    size_t first = n > ENGINE_RECORD_HEALTH_LOG ? n - ENGINE_RECORD_HEALTH_LOG : 0;
    for (size_t i = first; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(log, i);
        struct engine_health_log_entry *l = &out->log[out->n_log++];
        l->start = str_of(e, "Start", "");
        l->end = str_of(e, "End", "");
        l->exit_code = int_of(e, "ExitCode");
        l->output = str_of(e, "Output", "");
    }
}

static void state_from_json(struct json_object *s, struct engine_record_state *out)
{
    out->status = str_of(s, "Status", "created");
    out->running = bool_of(s, "Running");
    out->paused = bool_of(s, "Paused");
    out->restarting = bool_of(s, "Restarting");
    out->oom_killed = bool_of(s, "OOMKilled");
    out->dead = bool_of(s, "Dead");
    out->pid = int_of(s, "Pid");
    out->exit_code = int_of(s, "ExitCode");
    out->error = str_of(s, "Error", "");
    out->started_at = str_of(s, "StartedAt", ZERO_TIME);
    out->finished_at = str_of(s, "FinishedAt", ZERO_TIME);
    health_from_json(member(s, "Health"), &out->health);
}

int engine_record_from_json(struct json_object *j, struct engine_record **out, struct hull_error **err)
{
    if (!json_object_is_type(j, json_type_object))
        return hull_error_set(err, 0, "a container record is a JSON object");
    struct engine_record *r = xmalloc0(sizeof *r);
    r->id = str_of(j, "Id", "");
    r->created = str_of(j, "Created", ZERO_TIME);
    r->path = str_of(j, "Path", "");
    struct json_object *args = member(j, "Args");
    for (size_t i = 0; json_object_is_type(args, json_type_array) && i < json_object_array_length(args); i++)
        strv_add(&r->args, xstrdup(json_object_get_string(json_object_array_get_idx(args, i))));
    if (!r->args)
        r->args = xmalloc0(sizeof *r->args);
    state_from_json(member(j, "State"), &r->state);
    r->restart_count = int_of(j, "RestartCount");
    r->image_id = str_of(j, "Image", "");
    r->resolv_conf_path = str_of(j, "ResolvConfPath", "");
    r->hostname_path = str_of(j, "HostnamePath", "");
    r->hosts_path = str_of(j, "HostsPath", "");
    r->name = str_of(j, "Name", "/");
    r->log_path = str_of(j, "LogPath", "");
    record_config_from_json(j, r);
    if (engine_network_settings_from_json(member(j, "NetworkSettings"), &r->network_settings, err) < 0) {
        engine_record_free(r);
        return -1;
    }
    r->monitor_pid = int_of(j, "HullMonitorPid");
    r->creating_pid = int_of(j, "HullCreatingPid");
    struct json_object *rs = member(j, "HullRestart");
    r->restart.manually_stopped = bool_of(rs, "ManuallyStopped");
    r->restart.delay_ms = json_object_get_int64(member(rs, "DelayMs"));
    r->restart.monitor_pid = int_of(rs, "MonitorPid");
    json_object_object_foreach(j, key, v)
    {
        if (known(key))
            continue;
        if (!r->other)
            r->other = json_object_new_object();
        json_object_object_add(r->other, key, json_object_get(v));
    }
    *out = r;
    return 0;
}

int engine_record_parse(const char *text, struct engine_record **out, struct hull_error **err)
{
    struct json_object *j = json_tokener_parse(text);
    int r = engine_record_from_json(j, out, err);
    json_object_put(j);
    return r;
}

static void add_str(struct json_object *o, const char *key, const char *v)
{
    json_object_object_add(o, key, json_object_new_string(v ? v : ""));
}

static struct json_object *health_to_json(const struct engine_health_state *h)
{
    struct json_object *o = json_object_new_object();
    add_str(o, "Status", h->status);
    json_object_object_add(o, "FailingStreak", json_object_new_int(h->failing_streak));
    struct json_object *log = json_object_new_array();
    for (size_t i = 0; i < h->n_log; i++) {
        struct json_object *e = json_object_new_object();
        add_str(e, "Start", h->log[i].start);
        add_str(e, "End", h->log[i].end);
        json_object_object_add(e, "ExitCode", json_object_new_int(h->log[i].exit_code));
        add_str(e, "Output", h->log[i].output);
        json_object_array_add(log, e);
    }
    json_object_object_add(o, "Log", log);
    return o;
}

/* docker's State, every member in docker's order. */
static struct json_object *state_to_json(const struct engine_record_state *s)
{
    struct json_object *o = json_object_new_object();
    add_str(o, "Status", s->status ? s->status : "created");
    json_object_object_add(o, "Running", json_object_new_boolean(s->running));
    json_object_object_add(o, "Paused", json_object_new_boolean(s->paused));
    json_object_object_add(o, "Restarting", json_object_new_boolean(s->restarting));
    json_object_object_add(o, "OOMKilled", json_object_new_boolean(s->oom_killed));
    json_object_object_add(o, "Dead", json_object_new_boolean(s->dead));
    json_object_object_add(o, "Pid", json_object_new_int(s->pid));
    json_object_object_add(o, "ExitCode", json_object_new_int(s->exit_code));
    add_str(o, "Error", s->error);
    add_str(o, "StartedAt", s->started_at ? s->started_at : ZERO_TIME);
    add_str(o, "FinishedAt", s->finished_at ? s->finished_at : ZERO_TIME);
    if (s->health.status)
        json_object_object_add(o, "Health", health_to_json(&s->health));
    return o;
}

struct json_object *engine_record_to_json(const struct engine_record *rec, bool inspect)
{
    struct json_object *o = json_object_new_object();
    add_str(o, "Id", rec->id);
    add_str(o, "Created", rec->created);
    add_str(o, "Path", rec->path);
    struct json_object *args = json_object_new_array();
    for (char **a = rec->args; a && *a; a++)
        json_object_array_add(args, json_object_new_string(*a));
    json_object_object_add(o, "Args", args);
    json_object_object_add(o, "State", state_to_json(&rec->state));
    json_object_object_add(o, "RestartCount", json_object_new_int(rec->restart_count));
    add_str(o, "Image", rec->image_id);
    add_str(o, "ResolvConfPath", rec->resolv_conf_path);
    add_str(o, "HostnamePath", rec->hostname_path);
    add_str(o, "HostsPath", rec->hosts_path);
    add_str(o, "Name", rec->name);
    add_str(o, "LogPath", rec->log_path);
    record_config_to_json(rec, o);
    if (rec->network_settings)
        json_object_object_add(o, "NetworkSettings", engine_network_settings_to_json(rec->network_settings));
    if (rec->other) {
        json_object_object_foreach(rec->other, key, v) json_object_object_add(o, key, json_object_get(v));
    }
    if (inspect)
        return o;
    json_object_object_add(o, "HullMonitorPid", json_object_new_int(rec->monitor_pid));
    if (rec->creating_pid > 0)
        json_object_object_add(o, "HullCreatingPid", json_object_new_int(rec->creating_pid));
    const struct engine_record_restart *rs = &rec->restart;
    if (rs->manually_stopped || rs->delay_ms || rs->monitor_pid) {
        struct json_object *r = json_object_new_object();
        json_object_object_add(r, "ManuallyStopped", json_object_new_boolean(rs->manually_stopped));
        json_object_object_add(r, "DelayMs", json_object_new_int64(rs->delay_ms));
        json_object_object_add(r, "MonitorPid", json_object_new_int(rs->monitor_pid));
        json_object_object_add(o, "HullRestart", r);
    }
    return o;
}

static void health_clear(struct engine_health_state *h)
{
    free(h->status);
    for (size_t i = 0; i < h->n_log; i++) {
        free(h->log[i].start);
        free(h->log[i].end);
        free(h->log[i].output);
    }
    *h = (struct engine_health_state){0};
}

void engine_record_free(struct engine_record *rec)
{
    if (!rec)
        return;
    char **strs[] = {&rec->id,           &rec->created,       &rec->path,      &rec->image_id,
                     &rec->resolv_conf_path, &rec->hostname_path, &rec->hosts_path, &rec->log_path,
                     &rec->name,         &rec->state.status,  &rec->state.error, &rec->state.started_at,
                     &rec->state.finished_at};
    for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
        free(*strs[i]);
    strv_free(rec->args);
    health_clear(&rec->state.health);
    record_config_free(rec);
    engine_network_settings_free(rec->network_settings);
    json_object_put(rec->other);
    free(rec);
}

void engine_record_freep(struct engine_record **rec)
{
    engine_record_free(*rec);
}

void engine_record_set_str(char **field, const char *value)
{
    free(*field);
    *field = xstrdup(value ? value : "");
}

const char *engine_record_short_name(const struct engine_record *rec)
{
    return rec->name && rec->name[0] == '/' ? rec->name + 1 : rec->name ? rec->name : "";
}

char *engine_record_to_text(const struct engine_record *rec)
{
    struct json_object *j = engine_record_to_json(rec, false);
    char *text = xstrdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(j);
    return text;
}
