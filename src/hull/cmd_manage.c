/* hull container SUBCOMMAND (docker's management command: the container
 * commands under one name, plus prune) and hull system df. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

/* go-units' HumanSize, as prune and df print sizes: 4 significant digits, decimal. */
static char *size4(uint64_t bytes)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    double v = (double)bytes;
    size_t u = 0;
    while (v >= 1000.0 && u < ARRAY_SIZE(units) - 1) {
        v /= 1000.0;
        u++;
    }
    return xasprintf("%.4g%s", v, units[u]);
}

/* ---- container prune ---- */

static bool confirmed(void)
{
    printf("WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ");
    fflush(stdout);
    char line[64];
    if (!fgets(line, sizeof line, stdin))
        return false;
    line[strcspn(line, "\r\n")] = '\0';
    return !strcasecmp(line, "y") || !strcasecmp(line, "yes");
}

static const struct option container_prune_longopts[] = {
    {"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset container_prune_flagset = {"fh", container_prune_longopts};

static int cmd_container_prune(int argc, char **argv)
{
    bool force = false;
    int c;
    while ((c = engine_next_flag("container prune", argc, argv, &container_prune_flagset)) != -1) {
        switch (c) {
        case 'f':
            force = engine_flag_bool();
            break;
        case 'h':
            printf("Usage:  hull container prune [-f]\n\nRemove all stopped containers\n\n"
                   "  -f, --force   do not prompt for confirmation\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind != argc)
        return engine_usage_error("container prune", "accepts no arguments");
    uint64_t reclaimed = 0;
    int ret = 0;
    if (force || confirmed())
        ret = engine_prune_containers(&reclaimed);
    cleanup_free char *total = size4(reclaimed);
    printf("Total reclaimed space: %s\n", total);
    return ret;
}

/* The "Deleted Containers:" list, its header before the first id; the exit status. */
struct prune_output {
    bool header;
    int status;
};

static void print_removed(const char *id, void *data)
{
    struct prune_output *o = data;
    if (!o->header)
        printf("Deleted Containers:\n");
    o->header = true;
    printf("%s\n", id);
    fflush(stdout);
}

static void print_prune_error(const char *id, struct hull_error *err, void *data)
{
    struct prune_output *o = data;
    engine_error(err);
    hull_error_freep(&err);
    o->status = 1;
}

int engine_prune_containers(uint64_t *reclaimed)
{
    cleanup_error struct hull_error *err = NULL;
    struct prune_output o = {0};
    if (engine_container_prune(g_engine.root, g_engine.runroot, print_removed, print_prune_error, &o, reclaimed,
                               &err) < 0)
        return engine_error(err);
    if (o.header)
        printf("\n");
    return o.status;
}

/* ---- container ---- */

static int cmd_container_help(int argc, char **argv);

const struct engine_command container_commands[] = {
    {"commit", cmd_commit, "create a new image from a container's changes", &commit_flagset},
    {"cp", cmd_cp, "copy files between a container and the host", &cp_flagset},
    {"create", cmd_create, "create a new container (state Created; hull start runs it)", &run_flagset},
    {"diff", cmd_diff, "show the changes to a container's filesystem", &diff_flagset},
    {"exec", cmd_exec, "run a command in a running container", &exec_flagset},
    {"export", cmd_export, "export a container's filesystem as a tar archive", &export_flagset},
    {"inspect", cmd_inspect, "show container details as JSON", &inspect_flagset},
    {"kill", cmd_kill, "send a signal to running containers", &kill_flagset},
    {"logs", cmd_logs, "print the output of a container", &logs_flagset},
    {"ls", cmd_ps, "list containers", &ps_flagset},
    {"list", cmd_ps, NULL, &ps_flagset},
    {"ps", cmd_ps, NULL, &ps_flagset},
    {"pause", cmd_pause, "pause all processes of containers", &pause_flagset},
    {"prune", cmd_container_prune, "remove all stopped containers", &container_prune_flagset},
    {"rm", cmd_rm, "remove containers", &rm_flagset},
    {"remove", cmd_rm, NULL, &rm_flagset},
    {"run", cmd_run, "create and run a container from an image", &run_flagset},
    {"start", cmd_start, "start stopped containers", &start_flagset},
    {"stats", cmd_stats, "live resource usage of containers", &stats_flagset},
    {"stop", cmd_stop, "stop running containers", &stop_flagset},
    {"top", cmd_top, "show the processes of a container", &top_flagset},
    {"unpause", cmd_unpause, "unpause all processes of containers", &pause_flagset},
    {"wait", cmd_wait, "block until containers stop, print their exit codes", &wait_flagset},
    {"--help", cmd_container_help, NULL},
    {"-h", cmd_container_help, NULL},
    {NULL, NULL, NULL},
};

static int cmd_container_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("Usage:  hull container COMMAND\n\nManage containers\n\nCommands:\n");
    for (const struct engine_command *c = container_commands; c->name; c++)
        if (c->help)
            printf("  %-10s %s\n", c->name, c->help);
    printf("\nRun 'hull container COMMAND --help' for more information on a command.\n");
    return 0;
}

int cmd_container(int argc, char **argv)
{
    if (argc < 2)
        return cmd_container_help(argc, argv);
    return engine_dispatch(container_commands, "container", argc - 1, argv + 1);
}

/* ---- system df ---- */

static char *reclaimable_text(uint64_t reclaimable, uint64_t size)
{
    cleanup_free char *r = size4(reclaimable);
    if (size == 0)
        return steal_pointer(&r);
    return xasprintf("%s (%llu%%)", r, (unsigned long long)(reclaimable * 100 / size));
}

static const struct option system_df_longopts[] = {
    {"format", required_argument, NULL, 'F'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset system_df_flagset = {"h", system_df_longopts};

static int cmd_system_df(int argc, char **argv)
{
    bool json = false;
    int c;
    while ((c = engine_next_flag("system df", argc, argv, &system_df_flagset)) != -1) {
        switch (c) {
        case 'F':
            if (!parse_format("system df", optarg, &json))
                return 125;
            break;
        case 'h':
            printf("Usage:  hull system df [--format table|json]\n\nDisk space used by images and containers\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind != argc)
        return engine_usage_error("system df", "accepts no arguments");
    cleanup_error struct hull_error *err = NULL;
    struct engine_disk_usage du;
    if (engine_disk_usage(g_engine.root, g_engine.runroot, &du, &err) < 0)
        return engine_error(err);
    const struct {
        const char *type;
        struct engine_usage_row row;
    } rows[] = {
        {"Images", du.images},
        {"Containers", du.containers},
        {"Local Volumes", du.volumes},
        {"Build Cache", {0}},
    };
    static const char *const headers[] = {"TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"};
    struct table *t = json ? NULL : table_new(ARRAY_SIZE(headers), headers);
    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        const struct engine_usage_row *r = &rows[i].row;
        cleanup_free char *total = xasprintf("%llu", (unsigned long long)r->total);
        cleanup_free char *active = xasprintf("%llu", (unsigned long long)r->active);
        cleanup_free char *size = size4(r->size);
        cleanup_free char *reclaimable = reclaimable_text(r->reclaimable, r->size);
        if (json) {
            struct json_object *o = json_object_new_object();
            json_object_object_add(o, "Active", json_object_new_string(active));
            json_object_object_add(o, "Reclaimable", json_object_new_string(reclaimable));
            json_object_object_add(o, "Size", json_object_new_string(size));
            json_object_object_add(o, "TotalCount", json_object_new_string(total));
            json_object_object_add(o, "Type", json_object_new_string(rows[i].type));
            printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
            json_object_put(o);
            continue;
        }
        const char *cells[] = {rows[i].type, total, active, size, reclaimable};
        table_add(t, cells);
    }
    if (t) {
        table_print(t);
        table_free(t);
    }
    return 0;
}

static int cmd_system_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("Usage:  hull system COMMAND\n\nCommands:\n  check      find (--repair: remove) what killed commands left\n"
           "  df         show disk usage\n"
           "  prune      remove stopped containers, unused networks, images (and volumes)\n");
    return 0;
}

const struct engine_command system_commands[] = {
    {"check", cmd_system_check, "find (--repair: remove) what killed commands left", &system_check_flagset},
    {"df", cmd_system_df, "show disk usage", &system_df_flagset},
    {"prune", cmd_system_prune, "remove stopped containers, unused networks, images (and volumes)",
     &system_prune_flagset},
    {"--help", cmd_system_help, NULL},
    {"-h", cmd_system_help, NULL},
    {NULL, NULL, NULL},
};

int cmd_system(int argc, char **argv)
{
    if (argc < 2)
        return cmd_system_help(argc, argv);
    return engine_dispatch(system_commands, "system", argc - 1, argv + 1);
}
