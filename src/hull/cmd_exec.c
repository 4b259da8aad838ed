/* hull exec: another process in a running container, through the library's
 * container_exec (no runtime binary; engine_container_exec in the library
 * does the work, this file parses flags).  The process starts from the
 * container's own config.json (capabilities, env, user, cwd, rlimits,
 * seccomp), changed by the flags as docker changes it:
 *   -e adds to / overrides the container's env, -u is looked up in the
 *   container's /etc/passwd, -w sets the cwd, -t gives a terminal, -i
 *   attaches stdin (without it the process reads /dev/null), -d returns at
 *   once, --privileged gives every capability this host can give.
 * Exit status: the command's; 127 when it does not exist, 126 when it cannot
 * be run; 1 when the container is not running (docker's codes). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

static void exec_usage(FILE *f)
{
    fprintf(f, "Usage:  hull exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\n"
               "Execute a command in a running container\n\n"
               "Options:\n"
               "  -d, --detach          run the command in the background\n"
               "  -e, --env K=V         set an environment variable (K alone: pass ours)\n"
               "  -i, --interactive     keep stdin attached\n"
               "      --privileged      give the command every capability\n"
               "  -t, --tty             allocate a terminal\n"
               "  -u, --user USER       NAME|UID[:GROUP|GID], looked up in the container\n"
               "  -w, --workdir DIR     working directory inside the container\n");
}

enum { OPT_PRIVILEGED = 1000 };
static const struct option exec_longopts[] = {
    {"interactive", no_argument, NULL, 'i'},
    {"tty", no_argument, NULL, 't'},
    {"detach", no_argument, NULL, 'd'},
    {"user", required_argument, NULL, 'u'},
    {"env", required_argument, NULL, 'e'},
    {"workdir", required_argument, NULL, 'w'},
    {"privileged", no_argument, NULL, OPT_PRIVILEGED},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset exec_flagset = {"+itdu:e:w:h", exec_longopts};

int cmd_exec(int argc, char **argv)
{
    struct engine_exec_opts f = {.root = g_engine.root, .runroot = g_engine.runroot};
    size_t n_env = 0;
    cleanup_free char **env = xmalloc0((size_t)argc * sizeof *env); /* NULL-terminated: at most argc-1 */
    f.env = env;
    int c;
    /* "+": options end at CONTAINER; what follows belongs to the command. */
    while ((c = engine_next_flag("exec", argc, argv, &exec_flagset)) != -1) {
        switch (c) {
        case 'i':
            f.interactive = engine_flag_bool();
            break;
        case 't':
            f.tty = engine_flag_bool();
            break;
        case 'd':
            f.detach = engine_flag_bool();
            break;
        case 'u':
            f.user = optarg;
            break;
        case 'e':
            env[n_env++] = optarg;
            break;
        case 'w':
            f.workdir = optarg;
            break;
        case OPT_PRIVILEGED:
            f.privileged = engine_flag_bool();
            break;
        case 'h':
            exec_usage(stdout);
            return 0;
        default:
            return 125;
        }
    }
    if (argc - optind < 2)
        return engine_usage_error("exec", "requires at least 2 arguments: CONTAINER COMMAND");
    if (f.detach && f.tty)
        return engine_error_fmt("exec -d with -t is not supported: a detached command has no one to read its terminal");
    f.container = argv[optind];
    f.args = argv + optind + 1;
    cleanup_error struct hull_error *err = NULL;
    int code;
    if (engine_container_exec(&f, &code, &err) < 0)
        engine_error(err);
    return code;
}
