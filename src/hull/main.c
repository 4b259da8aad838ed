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

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

static void usage(FILE *f)
{
    fprintf(f, "Usage:  hull [OPTIONS] COMMAND\n\n"
               "A daemonless container engine\n\n"
               "Options:\n"
               "      --root DIR       persistent data: images, layers (default \"/var/lib/hull\";\n"
               "                       a normal user: \"~/.local/share/hull\")\n"
               "      --runroot DIR    runtime state (default \"/run/hull\";\n"
               "                       a normal user: \"$XDG_RUNTIME_DIR/hull\")\n"
               "  -D, --debug          enable debug output\n"
               "  -h, --help           print usage\n"
               "  -v, --version        print version information and quit\n\n"
               "Commands:\n");
    for (const struct engine_command *c = engine_commands; c->name; c++)
        if (c->help) /* internal commands have none */
            fprintf(f, "  %-11s %s\n", c->name, c->help);
    fprintf(f, "\nRun 'hull COMMAND --help' for more information on a command.\n");
}

/* Commands that put a process of ours into a container. */
static bool needs_exe_protection(const char *command)
{
    static const char *const joiners[] = {"run", "start", "exec", "container",
                                         "_monitor-restart", "healthcheck", NULL};
    for (const char *const *c = joiners; *c; c++)
        if (!strcmp(*c, command))
            return true;
    return false;
}

/* Commands that touch no store and no container: they run as the user. */
static bool needs_no_namespace(const char *command)
{
    static const char *const plain[] = {"completion", "version", "help", NULL};
    for (const char *const *c = plain; *c; c++)
        if (!strcmp(*c, command))
            return true;
    return false;
}

/* A normal user: the store and runroot of the user's own (unless given) and,
 * for every command that uses them, the user namespace of rootless.h. */
static int rootless_setup(bool root_given, bool runroot_given, const char *command)
{
    if (!root_given)
        g_engine.root = engine_rootless_default_root(); /* kept until exit */
    if (!runroot_given)
        g_engine.runroot = engine_rootless_default_runroot();
    if (geteuid() == 0 || !command || needs_no_namespace(command))
        return 0; /* already inside (a re-executed hull, hull-monitor's helpers) */
    cleanup_error struct hull_error *err = NULL;
    if (engine_rootless_enter(g_engine.runroot, &err) < 0)
        return engine_error_status(err, 125);
    return 0;
}

int main(int argc, char **argv)
{
    engine_self_path_init();
    int c;
    bool root_given = false, runroot_given = false;
    while ((c = engine_next_flag(NULL, argc, argv, &engine_global_flagset)) != -1) {
        switch (c) {
        case ENGINE_OPT_ROOT:
            g_engine.root = optarg;
            root_given = true;
            break;
        case ENGINE_OPT_RUNROOT:
            g_engine.runroot = optarg;
            runroot_given = true;
            break;
        case 'D':
            g_engine.debug = engine_flag_bool();
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'v':
            printf("hull version %s\n", HULL_VERSION);
            return 0;
        default:
            return 125;
        }
    }
    if (g_engine.root[0] != '/' || g_engine.runroot[0] != '/')
        return engine_error_fmt("--root and --runroot must be absolute paths");
    hull_log_init(NULL, false, g_engine.debug);
    if (engine_rootless()) {
        int status = rootless_setup(root_given, runroot_given, optind < argc ? argv[optind] : NULL);
        if (status != 0)
            return status;
    }
    /* Compiled seccomp programs are cached with the rest of the runtime state:
     * a private --runroot (tests, a second engine) must not write /run/hull. */
    seccomp_cache_set_state_root(g_engine.runroot);
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
    return engine_dispatch(engine_commands, NULL, argc - optind, argv + optind);
}
