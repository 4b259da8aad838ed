/* hull _monitor-exit ID CODE and _monitor-restart ID (the start of a
 * restart by the policy): the parts of a container's life after its start
 * that need the library, run by hull-monitor
 * (src/hull-monitor/hull_monitor.c; see src/libhull-engine/engine/lifecycle.h).  Not for
 * users: they are left out of `hull --help`. */
#include <stdio.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

/* _monitor-restart: a start by the restart policy, only while the record
 * still says "restarting" (the first start is made by the run's or start's
 * child before it becomes the monitor: lifecycle.c). */
static int monitor_start(const char *cmd, int argc, char **argv, bool restart)
{
    if (argc != 2)
        return engine_usage_error(cmd, "internal command: %s ID", cmd);
    cleanup_engine_record struct engine_record *rec = NULL;
    cleanup_error struct hull_error *err = NULL;
    if (engine_record_read(g_engine.root, argv[1], &rec, &err) < 0) {
        cleanup_free char *text = hull_error_text(err);
        dprintf(3, "E%s", text);
        return 1;
    }
    struct engine_lifecycle l = {
        .root = g_engine.root,
        .runroot = g_engine.runroot,
        .id = argv[1],
        .tty = rec->config.tty,
        .restart = restart,
    };
    return engine_monitor_start(&l);
}

int cmd_monitor_restart(int argc, char **argv)
{
    return monitor_start("_monitor-restart", argc, argv, true);
}

int cmd_monitor_exit(int argc, char **argv)
{
    int64_t code;
    if (argc != 3 || !parse_int64(argv[2], &code))
        return engine_usage_error("_monitor-exit", "internal command: _monitor-exit ID CODE");
    cleanup_engine_record struct engine_record *rec = NULL;
    cleanup_error struct hull_error *err = NULL;
    struct engine_lifecycle l = {.root = g_engine.root, .runroot = g_engine.runroot, .id = argv[1]};
    if (engine_record_read(g_engine.root, argv[1], &rec, &err) == 0) {
        l.auto_remove = rec->host_config.auto_remove;
        l.tty = rec->config.tty;
        l.interactive = rec->config.open_stdin;
    }
    int64_t delay = engine_container_finish(g_engine.root, g_engine.runroot, argv[1], (int)code, l.auto_remove);
    /* The restart policy wants it again: this process, the container's
     * monitor, becomes hull-monitor once more (restart.h). */
    if (delay >= 0)
        engine_monitor_reexec(&l, delay);
    return 0;
}
