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

int cmd_monitor_restart(int argc, char **argv)
{
    if (argc != 2)
        return engine_usage_error("_monitor-restart", "internal command: %s ID", "_monitor-restart");
    return engine_monitor_restart(g_engine.root, g_engine.runroot, argv[1]);
}

int cmd_monitor_exit(int argc, char **argv)
{
    int64_t code;
    if (argc != 3 || !parse_int64(argv[2], &code))
        return engine_usage_error("_monitor-exit", "internal command: _monitor-exit ID CODE");
    return engine_monitor_exit(g_engine.root, g_engine.runroot, argv[1], (int)code);
}
