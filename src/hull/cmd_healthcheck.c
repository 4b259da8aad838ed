/* hull healthcheck run CONTAINER: one healthcheck now (engine/health.h),
 * recorded in State.Health like the monitor's; exit 0 when the check
 * passed, 1 (and "unhealthy") when it failed, 125 when it could not be run
 * (no such container, not running, no healthcheck), as podman's. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

static const struct option healthcheck_run_longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset healthcheck_run_flagset = {"h", healthcheck_run_longopts};

static int cmd_healthcheck_run(int argc, char **argv)
{
    int c;
    while ((c = engine_next_flag("healthcheck run", argc, argv, &healthcheck_run_flagset)) != -1) {
        if (c == 'h') {
            printf("Usage:  hull healthcheck run CONTAINER\n\n"
                   "Run the container's healthcheck once now and record the result in State.Health\n"
                   "(exit 0: the check passed; 1: it failed, \"unhealthy\" is printed)\n");
            return 0;
        }
        return 125;
    }
    if (argc - optind != 1)
        return engine_usage_error("healthcheck run", "requires exactly 1 argument: CONTAINER");
    cleanup_free char *id = NULL;
    cleanup_error struct hull_error *err = NULL;
    if (engine_container_resolve(g_engine.root, argv[optind], &id, &err) < 0)
        return engine_error_status(err, 125);
    bool passed = false;
    const char *status = NULL;
    if (engine_health_check(g_engine.root, g_engine.runroot, id, &passed, &status, &err) < 0)
        return engine_error_status(err, 125);
    if (!passed) {
        printf("unhealthy\n");
        return 1;
    }
    return 0;
}

static int cmd_healthcheck_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("Usage:  hull healthcheck COMMAND\n\nCommands:\n  run        run a container's healthcheck now\n");
    return 0;
}

const struct engine_command healthcheck_commands[] = {
    {"run", cmd_healthcheck_run, "run a container's healthcheck now", &healthcheck_run_flagset},
    {"--help", cmd_healthcheck_help, NULL},
    {"-h", cmd_healthcheck_help, NULL},
    {NULL, NULL, NULL},
};

int cmd_healthcheck(int argc, char **argv)
{
    if (argc < 2)
        return cmd_healthcheck_help(argc, argv);
    return engine_dispatch(healthcheck_commands, "healthcheck", argc - 1, argv + 1);
}
