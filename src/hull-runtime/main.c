/* hull-runtime: an OCI runtime whose command line is runc's, flag for flag.
 *
 * This file parses the global flags and dispatches to one small function per
 * command; the work is done by the libraries (src/libhull, src/libhull-engine).  Flags are parsed with
 * getopt_long_only so both "--root X" and runc's Go-style "-root X" work, as
 * urfave/cli accepts both. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

#include "commands.h"
#include "hull/hull.h"
#include "hull/util.h"

struct global_opts g_opts = {0};

static const struct command commands[] = {
    {"checkpoint", cmd_unsupported, "checkpoint a running container (not supported)"},
    {"create", cmd_create, "create a container"},
    {"delete", cmd_delete, "delete any resources held by the container"},
    {"events", cmd_events, "display container events such as OOM notifications, cpu, memory and IO usage"},
    {"exec", cmd_exec, "execute new process inside the container"},
    {"features", cmd_features, "show the enabled features"},
    {"kill", cmd_kill, "kill sends the specified signal (default: SIGTERM) to the container's init process"},
    {"list", cmd_list, "lists containers started by hull-runtime with the given root"},
    {"pause", cmd_pause, "pause suspends all processes inside the container"},
    {"ps", cmd_ps, "ps displays the processes running inside a container"},
    {"restore", cmd_unsupported, "restore a container from a previous checkpoint (not supported)"},
    {"resume", cmd_resume, "resumes all processes that have been previously paused"},
    {"run", cmd_run, "create and run a container"},
    {"spec", cmd_spec, "create a new specification file"},
    {"start", cmd_start, "executes the user defined process in a created container"},
    {"state", cmd_state, "output the state of a container"},
    {"update", cmd_update, "update container resource constraints"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "hull-runtime - an OCI runtime with runc's command line\n\n"
               "USAGE:\n   hull-runtime [global options] command [command options] [arguments...]\n\n"
               "COMMANDS:\n");
    for (const struct command *c = commands; c->name; c++)
        fprintf(f, "   %-12s %s\n", c->name, c->help);
    fprintf(f, "\nGLOBAL OPTIONS:\n"
               "   --debug                  enable debug logging\n"
               "   --log value              set the log file to write hull-runtime logs to (default is stderr)\n"
               "   --log-format value       set the log format ('text' (default), or 'json')\n"
               "   --root value             root directory for storage of container state (default: \"/run/hull\",\n"
               "                            or \"$XDG_RUNTIME_DIR/hull\" (else /run/user/UID/hull) when not root)\n"
               "   --systemd-cgroup         use systemd cgroups (not available: hull has no systemd driver)\n"
               "   --rootless value         ignore cgroup permission errors ('true', 'false', or 'auto') (default: "
               "\"auto\")\n"
               "   --criu value             path to the criu binary (accepted, unused)\n"
               "   --help, -h               show help\n"
               "   --version, -v            print the version\n");
}

static void print_version(void)
{
    printf("hull-runtime version %s\nspec: 1.2.0\n", HULL_VERSION);
}

/* The global flags before the command (runc's).  Returns -1 to go on, or
 * the exit code (--help, --version, a bad flag). */
struct global_flags {
    const char *log_path, *log_format, *rootless;
    bool debug, systemd;
};

static int parse_global_flags(int argc, char **argv, struct global_flags *gf)
{
    enum { OPT_ROOT = 1000, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD, OPT_ROOTLESS, OPT_CRIU };
    static const struct option longopts[] = {
        {"root", required_argument, NULL, OPT_ROOT},
        {"log", required_argument, NULL, OPT_LOG},
        {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
        {"debug", no_argument, NULL, OPT_DEBUG},
        {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD},
        {"rootless", required_argument, NULL, OPT_ROOTLESS},
        {"criu", required_argument, NULL, OPT_CRIU},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    int c;
    while ((c = getopt_long_only(argc, argv, "+hv", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_ROOT:
            g_opts.root = optarg;
            break;
        case OPT_LOG:
            gf->log_path = optarg;
            break;
        case OPT_LOG_FORMAT:
            if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
                fprintf(stderr, "hull-runtime: invalid --log-format \"%s\": must be text or json\n", optarg);
                return 1;
            }
            gf->log_format = optarg;
            break;
        case OPT_DEBUG:
            gf->debug = true;
            break;
        case OPT_SYSTEMD:
            gf->systemd = true;
            break;
        case OPT_ROOTLESS:
            if (strcmp(optarg, "true") && strcmp(optarg, "false") && strcmp(optarg, "auto")) {
                fprintf(stderr, "hull-runtime: invalid --rootless \"%s\": must be true, false or auto\n", optarg);
                return 1;
            }
            gf->rootless = optarg;
            break;
        case OPT_CRIU:
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'v':
            print_version();
            return 0;
        default:
            fprintf(stderr, "hull-runtime: unknown global option \"%s\" (see hull-runtime --help)\n",
                    argv[optind - 1]);
            return 1;
        }
    }
    return -1;
}

/* The log, --rootless, the default root.  Returns -1 to go on, or the exit code. */
static int apply_global_flags(const struct global_flags *gf, char **default_root)
{
    if (hull_log_init(gf->log_path, !strcmp(gf->log_format, "json"), gf->debug) < 0) {
        fprintf(stderr, "hull-runtime: cannot open log file %s: %s\n", gf->log_path, strerror(errno));
        return 1;
    }
    g_opts.log_json = !strcmp(gf->log_format, "json");
    /* runc's --rootless: whether a cgroup we may not create is tolerated (no
     * limits asked) rather than an error; auto means "not root, or root only
     * in a user namespace" (rootless podman), as runc decides. */
    g_opts.rootless = !strcmp(gf->rootless, "true") || (!strcmp(gf->rootless, "auto") && running_rootless());
    if (!g_opts.root)
        g_opts.root = *default_root = state_default_root();
    return -1;
}

static int run_command(const char *name, int argc, char **argv)
{
    for (const struct command *cmd = commands; cmd->name; cmd++) {
        if (!strcmp(cmd->name, name)) {
            /* Each command parses its own flags; its argv[0] is the command name.
             * optind = 0 makes glibc's getopt start afresh. */
            int sub_argc = argc - optind;
            char **sub_argv = argv + optind;
            optind = 0;
            return cmd->fn(sub_argc, sub_argv);
        }
    }
    if (!strcmp(name, "help")) {
        usage(stdout);
        return 0;
    }
    report_error_text_fmt("unknown command \"%s\" (see hull-runtime --help)", name);
    return 1;
}

int main(int argc, char **argv)
{
    struct global_flags gf = {.log_format = "text", .rootless = "auto"};
    cleanup_free char *default_root = NULL;
    int rc = parse_global_flags(argc, argv, &gf);
    if (rc < 0)
        rc = apply_global_flags(&gf, &default_root);
    if (rc >= 0)
        return rc;
    if (optind >= argc) {
        usage(stderr);
        return 1;
    }
    const char *name = argv[optind];
    if (gf.systemd) {
        report_error_text("--systemd-cgroup is not supported: this hull-runtime has no systemd cgroup driver "
                          "(use the default cgroupfs driver)");
        return 1;
    }
    /* CVE-2019-5736: until it execs the user's program, the container's init
     * runs this very binary; a container that makes it re-exec /proc/self/exe
     * could write into it.  The commands that start a program in a container
     * run from a sealed memfd copy instead (free when installed read-only). */
    if (!strcmp(name, "create") || !strcmp(name, "run") || !strcmp(name, "exec")) {
        cleanup_error struct hull_error *err = NULL;
        if (exe_protect_ensure(argc, argv, environ, &err) < 0) {
            report_error(err);
            return strcmp(name, "exec") ? 1 : 255;
        }
    }
    /* The seccomp cache lives under --root with the containers' state, not
     * always in /run/hull. */
    seccomp_cache_set_state_root(g_opts.root);
    hull_log(HULL_LOG_DEBUG, "hull-runtime %s: %s (root %s)", HULL_VERSION, name, g_opts.root);
    return run_command(name, argc, argv);
}
