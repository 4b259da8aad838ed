/* hull-runtime: create, start, run, state, kill, delete: flags, one call of
 * libhull's public interface (hull/hull.h), printing. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "hull/hull.h"

static int parse_create_flags(int argc, char **argv, bool is_run, struct hull_run_opts *f)
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
            f->create.bundle = optarg;
            break;
        case OPT_PID_FILE:
            f->create.pid_file = optarg;
            break;
        case OPT_CONSOLE:
            f->create.console_socket = optarg;
            break;
        case OPT_NO_PIVOT:
            f->create.no_pivot = true;
            break;
        case OPT_NO_KEYRING:
            f->create.no_new_keyring = true;
            break;
        case OPT_PRESERVE: {
            char *end;
            errno = 0;
            long n = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || n < 0 || n > 65536) {
                usage_error(cmd, "invalid --preserve-fds \"%s\"", optarg);
                return -1;
            }
            f->create.preserve_fds = (int)n;
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
    f->create.id = argv[optind];
    f->create.root = g_opts.root;
    f->create.rootless = g_opts.rootless;
    return 0;
}

int cmd_create(int argc, char **argv)
{
    struct hull_run_opts f = {0};
    if (parse_create_flags(argc, argv, false, &f) < 0)
        return 1;
    cleanup_error struct hull_error *err = NULL;
    if (hull_container_create(&f.create, &err) < 0) {
        report_error(err);
        return 1;
    }
    return 0;
}

int cmd_run(int argc, char **argv)
{
    struct hull_run_opts f = {0};
    if (parse_create_flags(argc, argv, true, &f) < 0)
        return 1;
    cleanup_error struct hull_error *err = NULL;
    int code = 0;
    if (hull_container_run(&f, &code, &err) < 0) {
        report_error(err);
        return 1;
    }
    if (err) /* the process ran; removing the container afterwards failed */
        report_error(err);
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
    if (hull_container_start(g_opts.root, id, &err) < 0) {
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
    char *json = NULL;
    if (hull_container_state_json(g_opts.root, id, &json, &err) < 0) {
        report_error(err);
        return 1;
    }
    printf("%s\n", json);
    free(json);
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
    int sig = hull_signal_parse(sigtext);
    if (sig < 0)
        return usage_error("kill", "unknown signal \"%s\"", sigtext);
    cleanup_error struct hull_error *err = NULL;
    if (hull_container_kill(&(struct hull_kill_opts){.root = g_opts.root, .id = id, .signal = sig, .all = all}, &err) < 0) {
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
    if (hull_container_delete(&(struct hull_delete_opts){.root = g_opts.root, .id = argv[optind], .force = force},
                              &err) < 0) {
        report_error(err);
        return 1;
    }
    return 0;
}
