/* hull volume create|ls|inspect|rm|prune: docker's local-driver volumes
 * (src/libhull-engine/engine/volume.h; who uses one: engine_mounts.h). */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

/* ---- create ---- */

enum { OPT_LABEL = 1000, OPT_NAME };
static const struct option volume_create_longopts[] = {
    {"driver", required_argument, NULL, 'd'}, {"opt", required_argument, NULL, 'o'},
    {"label", required_argument, NULL, OPT_LABEL}, {"name", required_argument, NULL, OPT_NAME},
    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
};
const struct engine_flagset volume_create_flagset = {"d:o:h", volume_create_longopts};

static int cmd_volume_create(int argc, char **argv)
{
    const char *name = NULL;
    cleanup_free char **opts = xmalloc0((size_t)(argc + 1) * sizeof *opts);
    cleanup_free char **labels = xmalloc0((size_t)(argc + 1) * sizeof *labels);
    size_t n_opts = 0, n_labels = 0;
    int c;
    while ((c = engine_next_flag("volume create", argc, argv, &volume_create_flagset)) != -1) {
        switch (c) {
        case 'd':
            if (strcmp(optarg, "local"))
                return engine_error_fmt("invalid --driver \"%s\": only the local driver exists", optarg);
            break;
        case 'o':
            opts[n_opts++] = optarg;
            break;
        case OPT_LABEL:
            labels[n_labels++] = optarg;
            break;
        case OPT_NAME:
            name = optarg;
            break;
        case 'h':
            printf("Usage:  hull volume create [OPTIONS] [VOLUME]\n\n"
                   "Create a volume (a random name when none is given)\n\n"
                   "Options:\n"
                   "  -d, --driver local     the driver (only local)\n"
                   "  -o, --opt KEY=VALUE    the local driver's type, device and o, as for mount(8):\n"
                   "                         type=tmpfs device=tmpfs o=size=64m,uid=1000\n"
                   "                         type=none device=/host/dir o=bind\n"
                   "      --label KEY=VALUE  set a label\n"
                   "      --name NAME        the volume's name\n");
            return 0;
        default:
            return 125;
        }
    }
    if (argc - optind > 1 || (name && argc - optind == 1 && strcmp(name, argv[optind])))
        return engine_usage_error("volume create", "at most 1 argument: the volume's name");
    if (argc - optind == 1)
        name = argv[optind];
    cleanup_error struct hull_error *err = NULL;
    cleanup_free char *made = NULL;
    if (engine_volume_create(g_engine.root, name, opts, labels, &made, &err) < 0)
        return engine_error(err);
    printf("%s\n", made);
    return 0;
}

/* ---- ls ---- */

static const struct option volume_ls_longopts[] = {
    {"quiet", no_argument, NULL, 'q'},         {"format", required_argument, NULL, 'F'},
    {"filter", required_argument, NULL, 'f'},  {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset volume_ls_flagset = {"qf:h", volume_ls_longopts};

/* The volumes as a table, their names (-q) or --format's rows. */
static int volume_ls_print(struct volume *const *list, struct engine_format *fmt, bool quiet)
{
    static const char *const headers[] = {"DRIVER", "VOLUME NAME"};
    struct table *t = quiet || fmt->kind != ENGINE_FORMAT_TABLE ? NULL : table_new(ARRAY_SIZE(headers), headers);
    int ret = 0;
    for (; *list && !ret; list++) {
        if (quiet) {
            printf("%s\n", (*list)->name);
        } else if (t) {
            const char *cells[] = {"local", (*list)->name};
            table_add(t, cells);
        } else {
            struct json_object *row = volume_ls_row_json(*list);
            if (!engine_format_row(fmt, row))
                ret = 125;
            json_object_put(row);
        }
    }
    if (t) {
        table_print(t);
        table_free(t);
    }
    return ret;
}

static int cmd_volume_ls(int argc, char **argv)
{
    bool quiet = false;
    const char *format = NULL;
    cleanup_free char **filters = xmalloc0((size_t)(argc + 1) * sizeof *filters);
    size_t n_filters = 0;
    int c;
    while ((c = engine_next_flag("volume ls", argc, argv, &volume_ls_flagset)) != -1) {
        switch (c) {
        case 'q':
            quiet = engine_flag_bool();
            break;
        case 'F':
            format = optarg;
            break;
        case 'f':
            filters[n_filters++] = optarg;
            break;
        case 'h':
            printf("Usage:  hull volume ls [-q] [--format table|json|TEMPLATE] [-f dangling=true|name=X|label=K[=V]]\n\n"
                   "List volumes\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind != argc)
        return engine_usage_error("volume ls", "accepts no arguments");
    struct json_object *titles = volume_ls_titles_json();
    struct engine_format fmt;
    bool format_ok = engine_format_parse("volume ls", format, titles, &fmt);
    json_object_put(titles);
    if (!format_ok)
        return 125;
    cleanup_error struct hull_error *err = NULL;
    struct volume **list = NULL;
    int r = engine_volume_list(g_engine.root, filters, &list, &err);
    if (r < 0) {
        engine_format_finish(&fmt);
        int code = engine_error(err);
        return r == ENGINE_VOLUME_LIST_BAD_FILTER ? 125 : code; /* a bad filter is a usage error */
    }
    int ret = volume_ls_print(list, &fmt, quiet);
    volume_list_free(list);
    engine_format_finish(&fmt);
    return ret;
}

/* ---- inspect ---- */

static const struct option volume_inspect_longopts[] = {
    {"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset volume_inspect_flagset = {"f:h", volume_inspect_longopts};

/* What volume inspect prints: each volume through the template as it comes,
 * or the JSON array of them at the end. */
struct inspect_output {
    struct gotemplate *template;
    struct json_object *array;
    int status;
};

static int print_volume(struct json_object *volume, void *data)
{
    struct inspect_output *o = data;
    if (!o->template) {
        json_object_array_add(o->array, json_object_get(volume));
        return 0;
    }
    cleanup_error struct hull_error *err = NULL;
    cleanup_free char *text = NULL;
    if (gotemplate_execute(o->template, volume, &text, &err) < 0)
        return engine_error_status(err, 125);
    printf("%s\n", text);
    return 0;
}

static void print_volume_error(const char *name, struct hull_error *err, void *data)
{
    (void)name; /* the error names it */
    struct inspect_output *o = data;
    o->status = engine_error(err);
    hull_error_free(err);
}

static int cmd_volume_inspect(int argc, char **argv)
{
    cleanup_gotemplate struct gotemplate *template = NULL;
    int c;
    while ((c = engine_next_flag("volume inspect", argc, argv, &volume_inspect_flagset)) != -1) {
        switch (c) {
        case 'f':
            gotemplate_free(template);
            template = NULL;
            if (strcmp(optarg, "json")) {
                cleanup_error struct hull_error *err = NULL;
                if (gotemplate_parse(optarg, &template, &err) < 0)
                    return engine_usage_error("volume inspect", "invalid --format: %s", err->msg);
            }
            break;
        case 'h':
            printf("Usage:  hull volume inspect [-f json|TEMPLATE] VOLUME...\n\nVolume details as JSON (docker's shape)\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind >= argc)
        return engine_usage_error("volume inspect", "requires at least 1 argument");
    struct inspect_output o = {.template = template, .array = json_object_new_array()};
    int r = engine_volume_inspect_json(g_engine.root, argv + optind, print_volume, print_volume_error, &o);
    if (r == 0 && !template)
        printf("%s\n",
               json_object_to_json_string_ext(o.array, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o.array);
    return r ? r : o.status;
}

/* ---- rm ---- */

static const struct option volume_rm_longopts[] = {
    {"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset volume_rm_flagset = {"fh", volume_rm_longopts};

static int cmd_volume_rm(int argc, char **argv)
{
    bool force = false;
    int c;
    while ((c = engine_next_flag("volume rm", argc, argv, &volume_rm_flagset)) != -1) {
        switch (c) {
        case 'f':
            force = engine_flag_bool();
            break;
        case 'h':
            printf("Usage:  hull volume rm [-f] VOLUME...\n\n"
                   "Remove volumes and their data; a volume that a container uses (running or not)\n"
                   "cannot be removed.  -f: a volume that does not exist is not an error.\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind >= argc)
        return engine_usage_error("volume rm", "requires at least 1 argument");
    int ret = 0;
    for (int i = optind; i < argc; i++) {
        cleanup_error struct hull_error *err = NULL;
        bool removed;
        if (engine_volume_remove(g_engine.root, argv[i], force, &removed, &err) < 0) {
            ret = engine_error(err);
            continue;
        }
        if (!removed) /* -f and no such volume */
            continue;
        printf("%s\n", argv[i]);
        fflush(stdout);
    }
    return ret;
}

/* ---- prune ---- */

static const struct option volume_prune_longopts[] = {
    {"all", no_argument, NULL, 'a'}, {"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};
const struct engine_flagset volume_prune_flagset = {"afh", volume_prune_longopts};

static int cmd_volume_prune(int argc, char **argv)
{
    bool all = false, force = false;
    int c;
    while ((c = engine_next_flag("volume prune", argc, argv, &volume_prune_flagset)) != -1) {
        switch (c) {
        case 'a':
            all = engine_flag_bool();
            break;
        case 'f':
            force = engine_flag_bool();
            break;
        case 'h':
            printf("Usage:  hull volume prune [-a] [-f]\n\n"
                   "Remove the anonymous volumes no container uses (-a: every unused volume)\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind != argc)
        return engine_usage_error("volume prune", "accepts no arguments");
    if (!force) {
        printf("WARNING! This will remove %s local volumes not used by at least one container.\n"
               "Are you sure you want to continue? [y/N] ",
               all ? "all" : "anonymous");
        fflush(stdout);
        char line[64];
        if (!fgets(line, sizeof line, stdin))
            return 0;
        line[strcspn(line, "\r\n")] = '\0';
        if (strcasecmp(line, "y") && strcasecmp(line, "yes"))
            return 0;
    }
    cleanup_error struct hull_error *err = NULL;
    cleanup_strv char **removed = NULL;
    unsigned long long reclaimed = 0;
    int r = engine_volume_prune(g_engine.root, all, &removed, &reclaimed, &err);
    if (removed && removed[0]) {
        printf("Deleted Volumes:\n");
        for (char **n = removed; *n; n++)
            printf("%s\n", *n);
        printf("\n");
    }
    printf("Total reclaimed space: %s\n", human_size(reclaimed));
    return r < 0 ? engine_error(err) : 0;
}

static int cmd_volume_help(int argc, char **argv);

const struct engine_command volume_commands[] = {
    {"create", cmd_volume_create, "create a volume", &volume_create_flagset},
    {"inspect", cmd_volume_inspect, "display detailed information on volumes", &volume_inspect_flagset},
    {"ls", cmd_volume_ls, "list volumes", &volume_ls_flagset},
    {"list", cmd_volume_ls, NULL, &volume_ls_flagset},
    {"prune", cmd_volume_prune, "remove unused anonymous volumes (-a: all unused)", &volume_prune_flagset},
    {"rm", cmd_volume_rm, "remove volumes", &volume_rm_flagset},
    {"remove", cmd_volume_rm, NULL, &volume_rm_flagset},
    {"--help", cmd_volume_help, NULL},
    {"-h", cmd_volume_help, NULL},
    {NULL, NULL, NULL},
};

static int cmd_volume_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("Usage:  hull volume COMMAND\n\nManage volumes\n\nCommands:\n");
    for (const struct engine_command *c = volume_commands; c->name; c++)
        if (c->help)
            printf("  %-8s %s\n", c->name, c->help);
    return 0;
}

int cmd_volume(int argc, char **argv)
{
    if (argc < 2)
        return cmd_volume_help(argc, argv);
    return engine_dispatch(volume_commands, "volume", argc - 1, argv + 1);
}
