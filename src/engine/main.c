/* hull: a daemonless docker-like engine.  Links the same library as
 * hull-runtime and calls it directly; there is no daemon and no fork/exec of
 * a runtime binary.
 *
 * This file parses the global flags and dispatches through the command table
 * below; each command group lives in its own cmd_*.c file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "engine/helper_path.h"
#include "security/security.h"
#include "util/log.h"

struct engine_opts g_engine = {
    .root = "/var/lib/hull",
    .runroot = "/run/hull",
};

static const struct engine_command commands[] = {
    {"_monitor-exit", cmd_monitor_exit, NULL},
    {"_monitor-start", cmd_monitor_start, NULL},
    {"container", cmd_container, "manage containers (prune, ls, rm, inspect ...)"},
    {"exec", cmd_exec, "run a command in a running container"},
    {"image", cmd_image, "manage images (ls, rm, tag, inspect, load, import)"},
    {"images", cmd_images, "list images"},
    {"import", cmd_import, "create an image from a root filesystem tarball"},
    {"inspect", cmd_inspect, "show container details as JSON"},
    {"kill", cmd_kill, "send a signal to running containers"},
    {"load", cmd_load, "load images from an OCI archive/layout or a docker-archive"},
    {"logs", cmd_logs, "print the output of a detached container"},
    {"pause", cmd_pause, "pause all processes of containers"},
    {"ps", cmd_ps, "list containers"},
    {"rm", cmd_rm, "remove containers"},
    {"rmi", cmd_rmi, "remove one or more images"},
    {"run", cmd_run, "create and run a container from an image"},
    {"start", cmd_start, "start stopped containers"},
    {"stats", cmd_stats, "live resource usage of containers"},
    {"stop", cmd_stop, "stop running containers"},
    {"system", cmd_system, "system information (df)"},
    {"tag", cmd_tag, "create a tag TARGET_IMAGE that refers to SOURCE_IMAGE"},
    {"top", cmd_top, "show the processes of a container"},
    {"unpause", cmd_unpause, "unpause all processes of containers"},
    {"wait", cmd_wait, "block until containers stop, print their exit codes"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "Usage:  hull [OPTIONS] COMMAND\n\n"
               "A daemonless container engine\n\n"
               "Options:\n"
               "      --root DIR       persistent data: images, layers (default \"/var/lib/hull\")\n"
               "      --runroot DIR    runtime state (default \"/run/hull\")\n"
               "  -D, --debug          enable debug output\n"
               "  -h, --help           print usage\n"
               "  -v, --version        print version information and quit\n\n"
               "Commands:\n");
    for (const struct engine_command *c = commands; c->name; c++)
        if (c->help) /* internal commands have none */
            fprintf(f, "  %-10s %s\n", c->name, c->help);
    fprintf(f, "\nRun 'hull COMMAND --help' for more information on a command.\n");
}

int engine_dispatch(const struct engine_command *table, const char *group, int argc, char **argv)
{
    for (const struct engine_command *c = table; c->name; c++) {
        if (!strcmp(c->name, argv[0])) {
            optind = 0; /* each command parses its own flags from a fresh getopt state */
            return c->fn(argc, argv);
        }
    }
    if (group)
        return engine_error_fmt("unknown command \"%s %s\" (see 'hull %s --help')", group, argv[0], group);
    return engine_error_fmt("unknown command \"%s\" (see 'hull --help')", argv[0]);
}

/* Commands that put a process of ours into a container. */
static bool needs_exe_protection(const char *command)
{
    static const char *const joiners[] = {"run", "start", "exec", "container", "_monitor-start", NULL};
    for (const char *const *c = joiners; *c; c++)
        if (!strcmp(*c, command))
            return true;
    return false;
}

int main(int argc, char **argv)
{
    engine_self_path_init();
    enum { OPT_ROOT = 1000, OPT_RUNROOT };
    static const struct option longopts[] = {
        {"root", required_argument, NULL, OPT_ROOT}, {"runroot", required_argument, NULL, OPT_RUNROOT},
        {"debug", no_argument, NULL, 'D'},           {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'v'},         {NULL, 0, NULL, 0},
    };
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+Dhv", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_ROOT:
            g_engine.root = optarg;
            break;
        case OPT_RUNROOT:
            g_engine.runroot = optarg;
            break;
        case 'D':
            g_engine.debug = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'v':
            printf("hull version %s\n", HULL_VERSION);
            return 0;
        default:
            return engine_usage_error(NULL, "unknown global option \"%s\"", argv[optind - 1]);
        }
    }
    if (g_engine.root[0] != '/' || g_engine.runroot[0] != '/')
        return engine_error_fmt("--root and --runroot must be absolute paths");
    hull_log_init(NULL, false, g_engine.debug);
    if (optind >= argc) {
        usage(stderr);
        return 125;
    }
    if (needs_exe_protection(argv[optind])) {
        /* The container's init is a clone of this process until it execs
         * the user's program, and `exec` joins a running container: the
         * CVE-2019-5736 defence of hull-runtime applies (security.h). */
        cleanup_error struct hull_error *err = NULL;
        engine_self_path_export(true);
        if (exe_protect_ensure(argc, argv, environ, &err) < 0)
            return engine_error(err);
        engine_self_path_export(false);
    }
    return engine_dispatch(commands, NULL, argc - optind, argv + optind);
}
