/* hull ps, rm, stop, kill, inspect, logs: the lifecycle of containers made by
 * `hull run`.  Containers are found by name, full id or unique id prefix
 * (engine/record.h); the truth about "running" comes from the runtime state,
 * not only from the record (the library refreshes it). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"
#include "cli.h"

struct engine_record *engine_find_record(const char *text, char **id_out)
{
    cleanup_error struct hull_error *err = NULL;
    struct engine_record *rec = NULL;
    if (engine_container_lookup(g_engine.root, g_engine.runroot, text, &rec, id_out, &err) < 0) {
        engine_error(err);
        return NULL;
    }
    return rec;
}

static int64_t parse_time(const char *rfc3339)
{
    struct tm tm = {0};
    if (!rfc3339 || !strptime(rfc3339, "%Y-%m-%dT%H:%M:%S", &tm) || tm.tm_year < 70)
        return 0;
    return (int64_t)timegm(&tm);
}

/* Running, or paused (the init lives, its cgroup is frozen). */
static bool is_live(const char *status)
{
    return !strcmp(status, "running") || !strcmp(status, "paused");
}

/* docker's State.String(): " (healthy)", " (unhealthy)", " (health: starting)" or "". */
static const char *health_suffix(const struct engine_record *rec)
{
    const char *h = record_str(rec->state.health.status);
    if (!strcmp(h, "healthy"))
        return " (healthy)";
    if (!strcmp(h, "unhealthy"))
        return " (unhealthy)";
    return !strcmp(h, "starting") ? " (health: starting)" : "";
}

/* docker's STATUS column: "Up 5 seconds", "Up 5 seconds (Paused)", "Up 5 seconds (healthy)",
 * "Restarting (1) 2 seconds ago", "Exited (0) 2 minutes ago", "Created". */
static char *status_text(const struct engine_record *rec)
{
    const struct engine_record_state *state = &rec->state;
    const char *st = record_str(state->status);
    if (is_live(st)) {
        char *s = xasprintf("Up %s%s", human_since(parse_time(state->started_at)),
                            strcmp(st, "paused") ? health_suffix(rec) : " (Paused)");
        char *ago = strstr(s, " ago");
        if (ago)
            memmove(ago, ago + 4, strlen(ago + 4) + 1);
        return s;
    }
    if (!strcmp(st, "exited"))
        return xasprintf("Exited (%d) %s", state->exit_code, human_since(parse_time(state->finished_at)));
    if (!strcmp(st, "dead"))
        return xasprintf("Dead");
    if (!strcmp(st, "restarting"))
        return xasprintf("Restarting (%d) %s", state->exit_code, human_since(parse_time(state->finished_at)));
    return xasprintf("Created");
}

/* "a, b, c" of a list, with sep between and item(i) for each. */
static char *joined(size_t n, const char *sep, const char *(*item)(const struct engine_record *, size_t),
                    const struct engine_record *rec)
{
    cleanup_free char *out = xstrdup("");
    for (size_t i = 0; i < n; i++) {
        char *grown = xasprintf("%s%s%s", out, i ? sep : "", item(rec, i));
        free(out);
        out = grown;
    }
    return steal_pointer(&out);
}

static const char *cmd_item(const struct engine_record *rec, size_t i)
{
    return rec->config.cmd[i];
}

static char *command_text(const struct engine_record *rec)
{
    return joined(strv_length(rec->config.cmd), " ", cmd_item, rec);
}

/* docker ps's .Labels: "k=v,k2=v2", in the record's order. */
static char *labels_text(const struct engine_record *rec)
{
    cleanup_free char *out = xstrdup("");
    for (char **l = rec->config.labels; l && l[0] && l[1]; l += 2) {
        char *grown = xasprintf("%s%s%s=%s", out, *out ? "," : "", l[0], l[1]);
        free(out);
        out = grown;
    }
    return steal_pointer(&out);
}

/* docker ps's .Mounts: the volumes' names and the binds' sources, comma-separated. */
static const char *mount_item(const struct engine_record *rec, size_t i)
{
    const struct record_mount *m = &rec->mounts[i];
    return m->name && *m->name ? m->name : record_str(m->source);
}

static char *mounts_text(const struct engine_record *rec)
{
    return joined(rec->n_mounts, ",", mount_item, rec);
}

static const struct option ps_longopts[] = {
    {"all", no_argument, NULL, 'a'},          {"quiet", no_argument, NULL, 'q'},
    {"format", required_argument, NULL, 'F'}, {"no-trunc", no_argument, NULL, 'T'},
    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
};
const struct engine_flagset ps_flagset = {"aqh", ps_longopts};

/* One row of --format json or a template: docker ps's fields. */
static struct json_object *ps_row_object(const struct engine_record *rec, const char *shown_id, const char *command,
                                         const char *since, const char *status, const char *ports,
                                         const char *networks)
{
    struct json_object *o = json_object_new_object();
    cleanup_free char *labels = labels_text(rec);
    cleanup_free char *mounts = mounts_text(rec);
    const char *const fields[][2] = {
        {"ID", shown_id},
        {"Image", record_str(rec->config.image)},
        {"Command", command},
        {"CreatedAt", record_str(rec->created)},
        {"RunningFor", since},
        {"State", record_str(rec->state.status)},
        {"Status", status},
        {"Names", engine_record_short_name(rec)},
        {"Ports", ports},
        {"Networks", networks},
        {"Labels", labels},
        {"Mounts", mounts},
    };
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
        json_object_object_add(o, fields[i][0], json_object_new_string(fields[i][1]));
    return o;
}

struct ps_opts {
    bool quiet, json, templated, no_trunc;
    struct engine_format *fmt;
    struct table *t;
};

/* Prints (or adds to the table) one container; false after a template error. */
static bool ps_print(const struct ps_opts *o, const struct engine_record *rec)
{
    const char *id = record_str(rec->id);
    char short_id[13];
    snprintf(short_id, sizeof short_id, "%.12s", id);
    const char *shown_id = o->no_trunc ? id : short_id;
    if (o->quiet) {
        printf("%s\n", shown_id);
        return true;
    }
    cleanup_free char *status = status_text(rec);
    cleanup_free char *command = command_text(rec);
    cleanup_free char *since = xstrdup(human_since(parse_time(rec->created)));
    /* the ports of a container that is not running are not published */
    cleanup_free char *ports = is_live(record_str(rec->state.status)) ? engine_network_ports_text(rec) : xstrdup("");
    cleanup_free char *networks = engine_network_names_text(rec);
    if (o->json || o->templated) {
        struct json_object *row = ps_row_object(rec, shown_id, command, since, status, ports, networks);
        bool ok = true;
        if (o->json)
            printf("%s\n", json_object_to_json_string_ext(row, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        else
            ok = engine_format_row(o->fmt, row);
        json_object_put(row);
        return ok;
    }
    /* docker quotes and truncates the command at 20 characters. */
    cleanup_free char *quoted =
        o->no_trunc || strlen(command) <= 19 ? xasprintf("\"%s\"", command) : xasprintf("\"%.17s...\"", command);
    const char *cells[] = {shown_id, record_str(rec->config.image), quoted, since, status, ports,
                           engine_record_short_name(rec)};
    table_add(o->t, cells);
    return true;
}

/* --format of ps: its "table TEMPLATE" headers are docker's column titles. */
static bool ps_format_parse(const char *format, struct engine_format *fmt)
{
    struct json_object *titles = json_tokener_parse(
        "{\"ID\":\"CONTAINER ID\",\"Image\":\"IMAGE\",\"Command\":\"COMMAND\",\"CreatedAt\":\"CREATED AT\","
        "\"RunningFor\":\"CREATED\",\"State\":\"STATE\",\"Status\":\"STATUS\",\"Names\":\"NAMES\","
        "\"Ports\":\"PORTS\",\"Labels\":\"LABELS\",\"Mounts\":\"MOUNTS\",\"Networks\":\"NETWORKS\","
        "\"Size\":\"SIZE\"}");
    bool ok = engine_format_parse("ps", format, titles, fmt);
    json_object_put(titles);
    return ok;
}

int cmd_ps(int argc, char **argv)
{
    bool all = false;
    struct ps_opts o = {0};
    const char *format = NULL;
    int c;
    while ((c = engine_next_flag("ps", argc, argv, &ps_flagset)) != -1) {
        switch (c) {
        case 'a':
            all = engine_flag_bool();
            break;
        case 'q':
            o.quiet = engine_flag_bool();
            break;
        case 'T':
            o.no_trunc = engine_flag_bool();
            break;
        case 'F':
            format = optarg;
            break;
        case 'h':
            printf("Usage:  hull ps [-a] [-q] [--no-trunc] [--format table|json|TEMPLATE|'table TEMPLATE']\n\n"
                   "List containers (running ones unless -a).  TEMPLATE: Go template over .ID .Image .Command\n"
                   ".CreatedAt .RunningFor .State .Status .Names .Ports .Labels .Mounts (docs/templates.md)\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind != argc)
        return engine_usage_error("ps", "accepts no arguments");
    struct engine_format fmt;
    if (!ps_format_parse(format, &fmt))
        return 125;
    o.fmt = &fmt;
    o.json = fmt.kind == ENGINE_FORMAT_JSON;
    o.templated = fmt.kind == ENGINE_FORMAT_TEMPLATE || fmt.kind == ENGINE_FORMAT_TABLE_TEMPLATE;
    cleanup_error struct hull_error *err = NULL;
    struct engine_record **recs = NULL;
    size_t n = 0;
    if (engine_container_list(g_engine.root, g_engine.runroot, all, &recs, &n, &err) < 0) {
        engine_format_finish(&fmt);
        return engine_error(err);
    }
    static const char *const headers[] = {"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"};
    o.t = o.quiet || o.json || o.templated ? NULL : table_new(ARRAY_SIZE(headers), headers);
    int ret = 0;
    for (size_t i = 0; i < n && !ret; i++)
        if (!ps_print(&o, recs[i]))
            ret = 125;
    if (o.t) {
        table_print(o.t);
        table_free(o.t);
    }
    engine_format_finish(&fmt);
    engine_record_list_free(recs, n);
    return ret;
}

int engine_for_each_container(int first, int argc, char **argv, int (*fn)(const char *id, void *data), void *data)
{
    int ret = 0;
    for (int i = first; i < argc; i++) {
        cleanup_free char *id = NULL;
        cleanup_error struct hull_error *err = NULL;
        if (engine_container_resolve(g_engine.root, argv[i], &id, &err) < 0) {
            engine_error(err);
            ret = 1;
            continue;
        }
        if (fn(id, data) < 0) {
            ret = 1;
        } else {
            printf("%s\n", argv[i]);
            fflush(stdout); /* in order with the errors of the next ones */
        }
    }
    return ret;
}

static void print_removed(const char *name, void *data)
{
    (void)data;
    printf("%s\n", name);
    fflush(stdout); /* in order with the errors of the next ones */
}

static void print_remove_error(const char *name, struct hull_error *err, void *data)
{
    (void)name; /* the error names the container */
    engine_error(err);
    hull_error_free(err);
}

static const struct option rm_longopts[] = {{"force", no_argument, NULL, 'f'},
                                            {"volumes", no_argument, NULL, 'v'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
const struct engine_flagset rm_flagset = {"fvh", rm_longopts};

int cmd_rm(int argc, char **argv)
{
    bool force = false, volumes = false;
    int c;
    while ((c = engine_next_flag("rm", argc, argv, &rm_flagset)) != -1) {
        switch (c) {
        case 'f':
            force = engine_flag_bool();
            break;
        case 'v':
            volumes = engine_flag_bool();
            break;
        case 'h':
            printf("Usage:  hull rm [-f] [-v] CONTAINER...\n\nRemove containers (-f: kill running ones; "
                   "-v: also their anonymous volumes)\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind >= argc)
        return engine_usage_error("rm", "requires at least 1 argument");
    int r = engine_container_rm(g_engine.root, g_engine.runroot, argv + optind, force, volumes, print_removed,
                                print_remove_error, NULL);
    return r < 0 ? 1 : 0;
}

int engine_stop_one(const char *id, void *data)
{
    cleanup_error struct hull_error *err = NULL;
    if (engine_container_stop(g_engine.root, g_engine.runroot, id, *(int *)data, &err) < 0) {
        engine_error(err);
        return -1;
    }
    return 0;
}

static const struct option stop_longopts[] = {
    {"time", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset stop_flagset = {"t:h", stop_longopts};

int cmd_stop(int argc, char **argv)
{
    int timeout = 10;
    int c;
    while ((c = engine_next_flag("stop", argc, argv, &stop_flagset)) != -1) {
        switch (c) {
        case 't':
            if (!engine_parse_stop_time("stop", optarg, &timeout))
                return 125;
            break;
        case 'h':
            printf("Usage:  hull stop [-t SECONDS] CONTAINER...\n\n"
                   "The stop signal (--stop-signal, the image's StopSignal, else SIGTERM),\n"
                   "then SIGKILL after -t seconds (10)\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind >= argc)
        return engine_usage_error("stop", "requires at least 1 argument");
    return engine_for_each_container(optind, argc, argv, engine_stop_one, &timeout);
}

static int kill_one(const char *id, void *data)
{
    cleanup_error struct hull_error *err = NULL;
    if (engine_container_kill(g_engine.root, g_engine.runroot, id, *(int *)data, &err) < 0) {
        engine_error(err);
        return -1;
    }
    return 0;
}

static const struct option kill_longopts[] = {
    {"signal", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset kill_flagset = {"s:h", kill_longopts};

int cmd_kill(int argc, char **argv)
{
    int sig = SIGKILL;
    int c;
    while ((c = engine_next_flag("kill", argc, argv, &kill_flagset)) != -1) {
        switch (c) {
        case 's':
            sig = hull_signal_parse(optarg);
            if (sig <= 0)
                return engine_error_fmt("invalid signal \"%s\"", optarg);
            break;
        case 'h':
            printf("Usage:  hull kill [-s SIGNAL] CONTAINER...\n\nSend a signal (default KILL)\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind >= argc)
        return engine_usage_error("kill", "requires at least 1 argument");
    return engine_for_each_container(optind, argc, argv, kill_one, &sig);
}

enum { OPT_ISOLATION = 1000 };
static const struct option inspect_longopts[] = {{"isolation", no_argument, NULL, OPT_ISOLATION},
                                         {"format", required_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
const struct engine_flagset inspect_flagset = {"f:h", inspect_longopts};

int cmd_inspect(int argc, char **argv)
{
    bool isolation = false;
    const char *format = NULL;
    int c;
    while ((c = engine_next_flag("inspect", argc, argv, &inspect_flagset)) != -1) {
        switch (c) {
        case 'h':
            printf("Usage:  hull inspect [--isolation] [--format json|TEMPLATE] CONTAINER...\n\n"
                   "Container details as JSON (docker's shape)\n\n"
                   "      --isolation   a readable report of what isolates the container: namespaces,\n"
                   "                    cgroup limits, capabilities, seccomp, root filesystem and mounts\n"
                   "  -f, --format      json, or a Go template run on each container ({{.State.Status}});\n"
                   "                    with --isolation: json or table\n");
            return 0;
        case OPT_ISOLATION:
            isolation = engine_flag_bool();
            break;
        case 'f':
            format = optarg;
            break;
        default:
            return 125;
        }
    }
    if (optind >= argc)
        return engine_usage_error("inspect", "requires at least 1 argument");
    if (isolation) {
        bool json = false;
        if (format && !parse_format("inspect", format, &json))
            return 125;
        return engine_inspect_isolation(json, argc - optind, argv + optind);
    }
    /* docker: -f TEMPLATE runs once per container, each result on its own line. */
    cleanup_gotemplate struct gotemplate *template = NULL;
    if (format && strcmp(format, "json")) {
        cleanup_error struct hull_error *err = NULL;
        if (gotemplate_parse(format, &template, &err) < 0)
            return engine_usage_error("inspect", "invalid --format: %s", err->msg);
    }
    struct json_object *out = json_object_new_array();
    int ret = 0;
    for (int i = optind; i < argc; i++) {
        cleanup_error struct hull_error *lookup_err = NULL;
        struct json_object *rec = NULL;
        if (engine_container_inspect_json(g_engine.root, g_engine.runroot, argv[i], &rec, &lookup_err) < 0) {
            ret = engine_error(lookup_err);
            continue;
        }
        if (template) {
            cleanup_error struct hull_error *err = NULL;
            cleanup_free char *text = NULL;
            if (gotemplate_execute(template, rec, &text, &err) < 0) {
                json_object_put(rec);
                json_object_put(out);
                return engine_error_status(err, 125);
            }
            printf("%s\n", text);
            json_object_put(rec);
            continue;
        }
        json_object_array_add(out, rec);
    }
    if (template) {
        json_object_put(out);
        return ret;
    }
    printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(out);
    return ret;
}
