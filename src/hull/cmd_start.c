/* hull start, pause, unpause, wait: the state changes of an existing
 * container (engine/manage.h does the work).  Like docker, each takes several
 * containers, prints each one that worked (wait: its exit code) and exits 1
 * when any failed, after trying all of them. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

/* Starts one container (engine_container_start); with attach *code gets
 * the exit status: the container's, or the one its failure calls for. */
static int start_one(const char *text, bool attach, bool attach_stdin, int *code)
{
    struct engine_start_opts o = {
        .root = g_engine.root,
        .runroot = g_engine.runroot,
        .container = text,
        .attach = attach,
        .attach_stdin = attach_stdin,
    };
    cleanup_error struct hull_error *err = NULL;
    if (engine_container_start(&o, code, &err) < 0) {
        engine_error(err);
        return -1;
    }
    return 0;
}

/* --all-restartable's report: the name of each container started, or its
 * error; *data becomes 1 when any failed. */
static void print_started(const char *name, const struct hull_error *err, void *data)
{
    if (err) {
        engine_error(err);
        *(int *)data = 1;
        return;
    }
    printf("%s\n", name);
    fflush(stdout); /* in order with the errors of the next ones */
}

enum { OPT_ALL_RESTARTABLE = 1000 };
static const struct option start_longopts[] = {
    {"attach", no_argument, NULL, 'a'},
    {"all-restartable", no_argument, NULL, OPT_ALL_RESTARTABLE},
    {"interactive", no_argument, NULL, 'i'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset start_flagset = {"aih", start_longopts};

int cmd_start(int argc, char **argv)
{
    bool attach = false, attach_stdin = false, all_restartable = false;
    int c;
    while ((c = engine_next_flag("start", argc, argv, &start_flagset)) != -1) {
        switch (c) {
        case 'a':
            attach = engine_flag_bool();
            break;
        case OPT_ALL_RESTARTABLE:
            all_restartable = engine_flag_bool();
            break;
        case 'i':
            attach_stdin = engine_flag_bool(); /* docker: our stdin with -a (if the container has -i) */
            break;
        case 'h':
            printf("Usage:  hull start [-a [-i]] CONTAINER...\n"
                   "        hull start --all-restartable\n\n"
                   "Start stopped containers again, with the same root filesystem and config\n\n"
                   "  -a, --attach        run in the foreground: output, signals and exit status\n"
                   "                      are the container's, as with hull run\n"
                   "  -i, --interactive   with -a: our stdin is the container's (created with -i)\n"
                   "      --all-restartable  start every container whose --restart policy wants it\n"
                   "                      running (always; unless-stopped unless stopped by hand;\n"
                   "                      on-failure after a failure): for an init system at boot\n");
            return 0;
        default:
            return 125;
        }
    }
    if (all_restartable) {
        if (optind != argc || attach)
            return engine_usage_error("start", "--all-restartable takes no container and no -a");
        cleanup_error struct hull_error *err = NULL;
        int ret = 0;
        if (engine_container_start_restartable(g_engine.root, g_engine.runroot, print_started, &ret, &err) < 0)
            return engine_error(err);
        return ret;
    }
    if (optind >= argc)
        return engine_usage_error("start", "requires at least 1 argument");
    if (attach && argc - optind > 1)
        return engine_error_fmt("you cannot start and attach multiple containers at once");
    int ret = 0;
    for (int i = optind; i < argc; i++) {
        int code = 0;
        int r = start_one(argv[i], attach, attach_stdin, &code);
        if (attach)
            return code; /* the one container's exit status, or its failure's */
        if (r < 0) {
            ret = 1;
            continue;
        }
        printf("%s\n", argv[i]);
        fflush(stdout);
    }
    return ret;
}

static int pause_one(const char *id, void *data)
{
    cleanup_error struct hull_error *err = NULL;
    if (engine_container_pause(g_engine.root, g_engine.runroot, id, *(bool *)data, &err) < 0) {
        engine_error(err);
        return -1;
    }
    return 0;
}

static const struct option pause_longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset pause_flagset = {"h", pause_longopts};

static int pause_command(const char *cmd, bool pause, int argc, char **argv)
{
    int c;
    while ((c = engine_next_flag(cmd, argc, argv, &pause_flagset)) != -1) {
        if (c == 'h') {
            printf("Usage:  hull %s CONTAINER...\n\n%s all processes of the containers (cgroup freezer)\n", cmd,
                   pause ? "Suspend" : "Resume");
            return 0;
        }
        return 125;
    }
    if (optind >= argc)
        return engine_usage_error(cmd, "requires at least 1 argument");
    return engine_for_each_container(optind, argc, argv, pause_one, &pause);
}

int cmd_pause(int argc, char **argv)
{
    return pause_command("pause", true, argc, argv);
}

int cmd_unpause(int argc, char **argv)
{
    return pause_command("unpause", false, argc, argv);
}

static const struct option wait_longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset wait_flagset = {"h", wait_longopts};

int cmd_wait(int argc, char **argv)
{
    int c;
    while ((c = engine_next_flag("wait", argc, argv, &wait_flagset)) != -1) {
        if (c == 'h') {
            printf("Usage:  hull wait CONTAINER...\n\nBlock until the containers stop, then print their exit codes\n");
            return 0;
        }
        return 125;
    }
    if (optind >= argc)
        return engine_usage_error("wait", "requires at least 1 argument");
    int ret = 0;
    for (int i = optind; i < argc; i++) {
        cleanup_error struct hull_error *err = NULL;
        int code;
        if (engine_container_wait(g_engine.root, g_engine.runroot, argv[i], &code, &err) < 0) {
            engine_error(err);
            ret = 1;
            continue;
        }
        printf("%d\n", code);
        fflush(stdout);
    }
    return ret;
}

/* ---- restart: stop (the stop signal, SIGKILL after -t), then start ---- */

static const struct option restart_longopts[] = {
    {"time", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset restart_flagset = {"t:h", restart_longopts};

/* engine_stop_one's work, then start_one's; data is the stop timeout (int *). */
static int restart_one(const char *id, void *data)
{
    int code = 0;
    return engine_stop_one(id, data) < 0 || start_one(id, false, false, &code) < 0 ? -1 : 0;
}

int cmd_restart(int argc, char **argv)
{
    int timeout = 10;
    int c;
    while ((c = engine_next_flag("restart", argc, argv, &restart_flagset)) != -1) {
        switch (c) {
        case 't':
            if (!engine_parse_stop_time("restart", optarg, &timeout))
                return 125;
            break;
        case 'h':
            printf("Usage:  hull restart [-t SECONDS] CONTAINER...\n\n"
                   "Stop containers as hull stop does (SIGKILL after -t seconds, 10), then start\n"
                   "them again, detached, with the same root filesystem and config\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind >= argc)
        return engine_usage_error("restart", "requires at least 1 argument");
    return engine_for_each_container(optind, argc, argv, restart_one, &timeout);
}

/* ---- rename ---- */

static const struct option rename_longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset rename_flagset = {"h", rename_longopts};

int cmd_rename(int argc, char **argv)
{
    int c;
    while ((c = engine_next_flag("rename", argc, argv, &rename_flagset)) != -1) {
        switch (c) {
        case 'h':
            printf("Usage:  hull rename CONTAINER NEW_NAME\n\nRename a container (running or not); on user networks\n"
                   "the new name resolves at once and the old one no longer does\n");
            return 0;
        default:
            return 125;
        }
    }
    if (argc - optind != 2)
        return engine_usage_error("rename", "requires exactly 2 arguments");
    cleanup_error struct hull_error *err = NULL;
    if (engine_container_rename(g_engine.root, argv[optind], argv[optind + 1], &err) < 0)
        return engine_error(err);
    return 0;
}
