/* hull _monitor-start ID / _monitor-exit ID CODE: the two halves of a
 * detached container's life that need the library, run by hull-monitor
 * (src/monitor/hull_monitor.c; see src/lib/engine/lifecycle.h).  Not for
 * users: they are left out of `hull --help`. */
#include <json-c/json.h>
#include <stdio.h>

#include "engine.h"
#include "engine/lifecycle.h"
#include "engine/record.h"
#include "util/utils.h"

static bool record_flag(struct json_object *rec, const char *section, const char *key)
{
    return json_object_get_boolean(engine_json_path(rec, section, key));
}

int cmd_monitor_start(int argc, char **argv)
{
    if (argc != 2)
        return engine_usage_error("_monitor-start", "internal command: _monitor-start ID");
    struct json_object *rec = NULL;
    cleanup_error struct hull_error *err = NULL;
    if (engine_record_load(g_engine.root, argv[1], &rec, &err) < 0) {
        cleanup_free char *text = hull_error_text(err);
        dprintf(3, "E%s", text);
        return 1;
    }
    struct engine_lifecycle l = {
        .root = g_engine.root,
        .runroot = g_engine.runroot,
        .id = argv[1],
        .tty = record_flag(rec, "Config", "Tty"),
    };
    int r = engine_monitor_start(&l);
    json_object_put(rec);
    return r;
}

int cmd_monitor_exit(int argc, char **argv)
{
    int64_t code;
    if (argc != 3 || !parse_int64(argv[2], &code))
        return engine_usage_error("_monitor-exit", "internal command: _monitor-exit ID CODE");
    struct json_object *rec = NULL;
    cleanup_error struct hull_error *err = NULL;
    bool auto_remove = false;
    if (engine_record_load(g_engine.root, argv[1], &rec, &err) == 0) {
        auto_remove = record_flag(rec, "HostConfig", "AutoRemove");
        json_object_put(rec);
    }
    engine_container_finish(g_engine.root, g_engine.runroot, argv[1], (int)code, auto_remove);
    return 0;
}
