/* engine/record.h: struct engine_record to and from record.json (record_json.c).
 * A record written by the hull before the typed record (the shape of
 * record.json until then, taken from a real `hull run -d`) reads into the
 * same values, round-trips, and `hull inspect`'s JSON has none of hull's own
 * members. */
#include <json-c/json.h>
#include <string.h>

#include "../tap.h"
#include "engine/record.h"
#include "util/utils.h"

/* record.json as the hull before the typed record wrote it: State without
 * OOMKilled/Dead/Error (set_state added OOMKilled on start), Health's Log
 * first, HullMonitorPid, HullCreatingPid and HullRestart among docker's keys,
 * and a member this code does not know (a newer hull's). */
static const char old_record[] =
    "{\"Id\":\"21e3cf4f5847a5a3e3dfd03bf464d8edd5c6a5c71e7361a3cdfced8f7283b094\","
    "\"Created\":\"2026-12-06T11:30:04.862742626Z\",\"Path\":\"sleep\",\"Args\":[\"1000\"],"
    "\"State\":{\"Status\":\"running\",\"Running\":true,\"Paused\":false,\"Restarting\":false,\"Pid\":7046,"
    "\"ExitCode\":0,\"StartedAt\":\"2026-12-06T11:30:04.977490958Z\",\"FinishedAt\":\"0001-01-01T00:00:00Z\","
    "\"OOMKilled\":false,\"Health\":{\"Log\":[{\"Start\":\"2026-12-06T11:30:05.997Z\","
    "\"End\":\"2026-12-06T11:30:06.031Z\",\"ExitCode\":0,\"Output\":\"\"},{\"Start\":\"2026-12-06T11:30:07.050Z\","
    "\"End\":\"2026-12-06T11:30:07.077Z\",\"ExitCode\":1,\"Output\":\"no\\n\"}],\"Status\":\"healthy\","
    "\"FailingStreak\":1}},"
    "\"RestartCount\":2,\"Image\":\"sha256:8f2233e9c123e4619d70316b79dc7b114c54c871ed5350bcade3bc498f4ffd42\","
    "\"ResolvConfPath\":\"/s/c/21e3/resolv.conf\",\"HostnamePath\":\"/s/c/21e3/hostname\","
    "\"HostsPath\":\"/s/c/21e3/hosts\",\"Name\":\"/old\",\"LogPath\":\"/s/c/21e3/ctr.log\","
    "\"Config\":{\"Hostname\":\"21e3cf4f5847\",\"Labels\":{\"a\":\"b\"},\"Tty\":false,\"Cmd\":[\"sleep\",\"1000\"],"
    "\"Image\":\"busybox\",\"Entrypoint\":null},"
    "\"HostConfig\":{\"AutoRemove\":false,\"RestartPolicy\":{\"Name\":\"on-failure\",\"MaximumRetryCount\":3},"
    "\"NetworkMode\":\"none\",\"PidsLimit\":null},"
    "\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/tmp\",\"Destination\":\"/x\",\"Mode\":\"ro\",\"RW\":false}],"
    "\"GraphDriver\":{\"Name\":\"overlay\",\"Data\":{\"MergedDir\":\"/s/c/21e3/rootfs\"}},"
    "\"NetworkSettings\":{\"SandboxKey\":\"\",\"Ports\":{},\"Networks\":{}},"
    "\"Platform\":\"linux\","
    "\"HullMonitorPid\":7044,\"HullCreatingPid\":4242,"
    "\"HullRestart\":{\"ManuallyStopped\":true,\"DelayMs\":400,\"MonitorPid\":7045}}";

static const char *str_at(struct json_object *o, const char *a, const char *b)
{
    struct json_object *v = json_object_object_get(o, a);
    if (b)
        v = json_object_object_get(v, b);
    return v ? json_object_get_string(v) : "(absent)";
}

static void test_old_record(void)
{
    struct engine_record *rec = NULL;
    cleanup_error struct hull_error *err = NULL;
    TAP_CHECK(engine_record_parse(old_record, &rec, &err) == 0, "a record of the hull before reads");
    TAP_CHECK(!strcmp(rec->id, "21e3cf4f5847a5a3e3dfd03bf464d8edd5c6a5c71e7361a3cdfced8f7283b094") &&
                  !strcmp(rec->name, "/old") && !strcmp(engine_record_short_name(rec), "old") &&
                  !strcmp(rec->path, "sleep") && rec->args[0] && !strcmp(rec->args[0], "1000") && !rec->args[1],
              "Id, Name, Path, Args");
    TAP_CHECK(!strcmp(rec->image_id, "sha256:8f2233e9c123e4619d70316b79dc7b114c54c871ed5350bcade3bc498f4ffd42") &&
                  !strcmp(rec->created, "2026-12-06T11:30:04.862742626Z") && rec->restart_count == 2 &&
                  !strcmp(rec->log_path, "/s/c/21e3/ctr.log") && !strcmp(rec->hosts_path, "/s/c/21e3/hosts"),
              "Image, Created, RestartCount, the paths");
    const struct engine_record_state *s = &rec->state;
    TAP_CHECK(!strcmp(s->status, "running") && s->running && !s->paused && !s->restarting && !s->oom_killed &&
                  !s->dead && s->pid == 7046 && s->exit_code == 0 && !strcmp(s->error, "") &&
                  !strcmp(s->started_at, "2026-12-06T11:30:04.977490958Z") &&
                  !strcmp(s->finished_at, "0001-01-01T00:00:00Z"),
              "State (Dead and Error missing read as false and \"\")");
    TAP_CHECK(!strcmp(s->health.status, "healthy") && s->health.failing_streak == 1 && s->health.n_log == 2 &&
                  s->health.log[1].exit_code == 1 && !strcmp(s->health.log[1].output, "no\n") &&
                  !strcmp(s->health.log[0].start, "2026-12-06T11:30:05.997Z"),
              "State.Health and its Log");
    TAP_CHECK(rec->monitor_pid == 7044 && rec->creating_pid == 4242 && rec->restart.manually_stopped &&
                  rec->restart.delay_ms == 400 && rec->restart.monitor_pid == 7045,
              "hull's own members: HullMonitorPid, HullCreatingPid, HullRestart");
    TAP_CHECK(!strcmp(rec->config.image, "busybox") &&
                  !strcmp(rec->host_config.network_mode, "none") &&
                  rec->n_mounts == 1 && !rec->mounts[0].rw && !strcmp(rec->mounts[0].mode, "ro"),
              "Config, HostConfig, Mounts kept");

    /* record.json: everything back, the unknown member too */
    struct json_object *disk = engine_record_to_json(rec, false);
    struct engine_record *again = NULL;
    TAP_CHECK(engine_record_from_json(disk, &again, NULL) == 0, "what is written reads again");
    struct json_object *disk2 = engine_record_to_json(again, false);
    TAP_CHECK(json_object_equal(disk, disk2), "a second round trip changes nothing");
    TAP_CHECK(!strcmp(str_at(disk, "Platform", NULL), "linux"), "a member this hull does not know is kept");
    TAP_CHECK(json_object_get_int(json_object_object_get(disk, "HullCreatingPid")) == 4242 &&
                  json_object_get_int64(json_object_object_get(json_object_object_get(disk, "HullRestart"), "DelayMs")) ==
                      400,
              "record.json keeps hull's own members");
    struct json_object *old = json_tokener_parse(old_record);
    const char *same[][2] = {{"Config", NULL}, {"HostConfig", NULL}, {"Mounts", NULL},
                             {"GraphDriver", NULL}, {"NetworkSettings", NULL}};
    bool equal = true;
    for (size_t i = 0; i < ARRAY_SIZE(same); i++)
        equal &= json_object_equal(json_object_object_get(old, same[i][0]), json_object_object_get(disk, same[i][0]));
    TAP_CHECK(equal, "docker's subtrees are written as they were read");
    json_object_object_foreach(json_object_object_get(old, "State"), key, v)
    {
        struct json_object *now = json_object_object_get(json_object_object_get(disk, "State"), key);
        TAP_CHECK(now && json_object_equal(v, now), "State.%s written with the same value", key);
    }

    /* hull inspect: docker's keys only */
    struct json_object *shown = engine_record_to_json(rec, true);
    bool private = false;
    json_object_object_foreach(shown, k, v2)
    {
        (void)v2;
        private |= !strncmp(k, "Hull", 4);
    }
    TAP_CHECK(!private, "inspect's JSON has no Hull* member");
    TAP_CHECK(!strcmp(str_at(shown, "State", "Status"), "running") &&
                  json_object_get_boolean(json_object_object_get(json_object_object_get(shown, "State"), "Dead")) ==
                      false &&
                  !strcmp(str_at(shown, "Platform", NULL), "linux"),
              "inspect's State has docker's members (Dead too), and the unknown member");
    json_object_put(shown);
    json_object_put(old);
    json_object_put(disk2);
    json_object_put(disk);
    engine_record_free(again);
    engine_record_free(rec);
}

static void test_intent_and_defaults(void)
{
    struct engine_record *rec = engine_record_build_intent("ab", "web", "busybox", "sha256:12", true);
    TAP_CHECK(rec->creating_pid > 0 && !strcmp(rec->state.status, "created") && !strcmp(rec->name, "/web"),
              "an intent record: created, its creator's pid");
    struct json_object *j = engine_record_to_json(rec, false);
    struct engine_record *back = NULL;
    TAP_CHECK(engine_record_from_json(j, &back, NULL) == 0 && back->creating_pid == rec->creating_pid &&
                  back->host_config.auto_remove && !strcmp(back->config.image, "busybox"),
              "it round-trips");
    TAP_CHECK(!json_object_object_get_ex(j, "HullRestart", NULL), "no HullRestart until a restart manager has state");
    back->creating_pid = 0;
    struct json_object *made = engine_record_to_json(back, false);
    TAP_CHECK(!json_object_object_get_ex(made, "HullCreatingPid", NULL), "made: no HullCreatingPid");
    json_object_put(made);
    json_object_put(j);
    engine_record_free(back);
    engine_record_free(rec);

    struct engine_record *empty = NULL;
    TAP_CHECK(engine_record_parse("{}", &empty, NULL) == 0 && !strcmp(empty->state.status, "created") &&
                  !strcmp(empty->name, "/") && empty->args && !empty->args[0] && !empty->config.keep.seen &&
                  !empty->state.health.status,
              "an empty object reads with defaults (never a NULL string)");
    engine_record_free(empty);
    cleanup_error struct hull_error *err = NULL;
    TAP_CHECK(engine_record_parse("[1]", &empty, &err) < 0 && err, "not an object: refused");
    hull_error_free(err);
    err = NULL;
    TAP_CHECK(engine_record_parse("{\"Id\":", &empty, &err) < 0 && err, "half-written: refused");
}

int main(void)
{
    test_old_record();
    test_intent_and_defaults();
    return TAP_DONE();
}
