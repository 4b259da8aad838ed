/* hull-runtime: create, start, run, state, kill, delete. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "container/container.h"
#include "container/foreground.h"
#include "terminal/terminal.h"
#include "util/log.h"
#include "util/utils.h"

/* Flags shared by create and run. */
struct create_flags {
    struct container_create_opts o;
    bool detach, keep;
};

static int parse_create_flags(int argc, char **argv, bool is_run, struct create_flags *f)
{
    enum { OPT_PID_FILE = 1000, OPT_CONSOLE, OPT_NO_PIVOT, OPT_NO_KEYRING, OPT_PRESERVE, OPT_KEEP, OPT_NO_SUBREAPER };
    static const struct option longopts[] = {
        {"bundle", required_argument, NULL, 'b'},
        {"pid-file", required_argument, NULL, OPT_PID_FILE},
        {"console-socket", required_argument, NULL, OPT_CONSOLE},
        {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
        {"no-new-keyring", no_argument, NULL, OPT_NO_KEYRING},
        {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
        {"detach", no_argument, NULL, 'd'},
        {"keep", no_argument, NULL, OPT_KEEP},
        {"no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = argv[0];
    int c;
    opterr = 0;
    cli_reorder_args(argc, argv, is_run ? "+b:dh" : "+b:h", longopts);
    while ((c = getopt_long_only(argc, argv, is_run ? "+b:dh" : "+b:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'b':
            f->o.bundle = optarg;
            break;
        case OPT_PID_FILE:
            f->o.pid_file = optarg;
            break;
        case OPT_CONSOLE:
            f->o.console_socket = optarg;
            break;
        case OPT_NO_PIVOT:
            f->o.no_pivot = true;
            break;
        case OPT_NO_KEYRING:
            f->o.no_new_keyring = true;
            break;
        case OPT_PRESERVE: {
            int64_t n;
            if (!parse_int64(optarg, &n) || n < 0 || n > 65536) {
                usage_error(cmd, "invalid --preserve-fds \"%s\"", optarg);
                return -1;
            }
            f->o.preserve_fds = (int)n;
            break;
        }
        case 'd':
            f->detach = true;
            break;
        case OPT_KEEP:
            if (!is_run) {
                usage_error(cmd, "unknown option \"--keep\"");
                return -1;
            }
            f->keep = true;
            break;
        case OPT_NO_SUBREAPER:
            break;
        case 'h':
            printf("Usage: hull-runtime %s [command options] <container-id>\n", cmd);
            exit(0);
        default:
            usage_error(cmd, "unknown option \"%s\"", argv[optind - 1]);
            return -1;
        }
    }
    if (optind != argc - 1) {
        usage_error(cmd, optind >= argc ? "missing container id" : "expected exactly one container id");
        return -1;
    }
    f->o.id = argv[optind];
    f->o.root = g_opts.root;
    f->o.rootless = g_opts.rootless;
    return 0;
}

int cmd_create(int argc, char **argv)
{
    struct create_flags f = {0};
    if (parse_create_flags(argc, argv, false, &f) < 0)
        return 1;
    cleanup_error struct hull_error *err = NULL;
    if (container_create(&f.o, NULL, &err) < 0) {
        report_error(err);
        return 1;
    }
    return 0;
}

int cmd_run(int argc, char **argv)
{
    struct create_flags f = {0};
    if (parse_create_flags(argc, argv, true, &f) < 0)
        return 1;
    cleanup_error struct hull_error *err = NULL;
    int master = -1;
    if (!f.detach)
        f.o.console_master_out = &master;

    sigset_t fwd;
    if (!f.detach)
        foreground_block_signals(&fwd, NULL);

    pid_t pid;
    if (container_create(&f.o, &pid, &err) < 0) {
        report_error(err);
        return 1;
    }
    if (container_start(g_opts.root, f.o.id, &err) < 0) {
        report_error(err);
        cleanup_error struct hull_error *e2 = NULL;
        container_delete(g_opts.root, f.o.id, true, &e2);
        return 1;
    }
    if (f.detach)
        return 0;

    if (master >= 0)
        terminal_proxy_start(master);
    int code = foreground_wait(pid, &fwd);
    if (master >= 0) {
        terminal_proxy_stop();
        close(master);
    }
    if (!f.keep) {
        if (container_delete(g_opts.root, f.o.id, true, &err) < 0)
            report_error(err);
    }
    return code;
}

static const char *single_id(int argc, char **argv, const char *usage)
{
    opterr = 0;
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    cli_reorder_args(argc, argv, "+h", longopts);
    while ((c = getopt_long_only(argc, argv, "+h", longopts, NULL)) != -1) {
        if (c == 'h') {
            printf("Usage: hull-runtime %s %s\n", argv[0], usage);
            exit(0);
        }
        usage_error(argv[0], "unknown option \"%s\"", argv[optind - 1]);
        return NULL;
    }
    if (optind != argc - 1) {
        usage_error(argv[0], optind >= argc ? "missing container id" : "expected exactly one container id");
        return NULL;
    }
    return argv[optind];
}

int cmd_start(int argc, char **argv)
{
    const char *id = single_id(argc, argv, "<container-id>");
    if (!id)
        return 1;
    cleanup_error struct hull_error *err = NULL;
    if (container_start(g_opts.root, id, &err) < 0) {
        report_error(err);
        return 1;
    }
    return 0;
}

int cmd_state(int argc, char **argv)
{
    const char *id = single_id(argc, argv, "<container-id>");
    if (!id)
        return 1;
    cleanup_error struct hull_error *err = NULL;
    cleanup_free char *json = NULL;
    if (container_state_json(g_opts.root, id, &json, &err) < 0) {
        report_error(err);
        return 1;
    }
    printf("%s\n", json);
    return 0;
}

int cmd_kill(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"all", no_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    bool all = false;
    int c;
    opterr = 0;
    cli_reorder_args(argc, argv, "+ah", longopts);
    while ((c = getopt_long_only(argc, argv, "+ah", longopts, NULL)) != -1) {
        if (c == 'a') {
            all = true;
        } else if (c == 'h') {
            printf("Usage: hull-runtime kill [--all] <container-id> [signal]\n");
            return 0;
        } else {
            return usage_error("kill", "unknown option \"%s\"", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return usage_error("kill", "missing container id");
    if (argc - optind > 2)
        return usage_error("kill", "too many arguments");
    const char *id = argv[optind];
    const char *sigtext = optind + 1 < argc ? argv[optind + 1] : "SIGTERM";
    int sig = signal_parse(sigtext);
    if (sig < 0)
        return usage_error("kill", "unknown signal \"%s\"", sigtext);
    cleanup_error struct hull_error *err = NULL;
    if (container_kill(g_opts.root, id, sig, all, &err) < 0) {
        report_error(err);
        return 1;
    }
    return 0;
}

int cmd_delete(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    bool force = false;
    int c;
    opterr = 0;
    cli_reorder_args(argc, argv, "+fh", longopts);
    while ((c = getopt_long_only(argc, argv, "+fh", longopts, NULL)) != -1) {
        if (c == 'f') {
            force = true;
        } else if (c == 'h') {
            printf("Usage: hull-runtime delete [--force] <container-id>\n");
            return 0;
        } else {
            return usage_error("delete", "unknown option \"%s\"", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return usage_error("delete", optind >= argc ? "missing container id" : "expected exactly one container id");
    cleanup_error struct hull_error *err = NULL;
    if (container_delete(g_opts.root, argv[optind], force, &err) < 0) {
        report_error(err);
        return 1;
    }
    return 0;
}
