/* hull stats [--no-stream] [-a] [--format table|json] [CONTAINER...]: live
 * resource use, docker's table (CONTAINER ID, NAME, CPU %, MEM USAGE / LIMIT,
 * MEM %, NET I/O, BLOCK I/O, PIDS) and units (memory in binary units, I/O in
 * decimal ones).  CPU % needs two samples, so the first figures come after
 * one second, as with docker; without --no-stream the screen is redrawn every
 * second until Ctrl-C.  Without names: every running container (-a: every
 * container), looked up again at each refresh.  A container that is not
 * running shows zeros.  One call per frame (engine_container_stats: the
 * lookup, the samples and the second between them); this file prints. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

struct stats_opts {
    bool all, no_stream, no_trunc;
    const char *format; /* --format: NULL (table), json, a Go template or "table TEMPLATE" */
};

/* docker's column titles for a "table TEMPLATE" header. */
static struct json_object *stats_headers(void)
{
    return json_tokener_parse("{\"Container\":\"CONTAINER\",\"ID\":\"CONTAINER ID\",\"Name\":\"NAME\","
                              "\"CPUPerc\":\"CPU %\",\"MemUsage\":\"MEM USAGE / LIMIT\",\"MemPerc\":\"MEM %\","
                              "\"NetIO\":\"NET I/O\",\"BlockIO\":\"BLOCK I/O\",\"PIDs\":\"PIDS\"}");
}

/* docker's units.BytesSize: binary units, 4 significant digits ("1.52MiB"). */
static char *binary_size(uint64_t bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = (double)bytes;
    size_t u = 0;
    while (v >= 1024.0 && u < ARRAY_SIZE(units) - 1) {
        v /= 1024.0;
        u++;
    }
    return xasprintf("%.4g%s", v, units[u]);
}

static char *pair(const char *a, const char *b)
{
    return xasprintf("%s / %s", a, b);
}

/* One row: the sample (zeros when the container is not running); false
 * after printing the error of a template that cannot run on it. */
static bool add_row(struct table *table, struct engine_format *f, const struct stats_opts *o,
                    const struct engine_stats_entry *t)
{
    const struct engine_stats now = t->now;
    char short_id[13];
    snprintf(short_id, sizeof short_id, "%.12s", t->id);
    cleanup_free char *cpu_text = xasprintf("%.2f%%", t->cpu_percent);
    cleanup_free char *mem_pct = xasprintf("%.2f%%", t->mem_percent);
    cleanup_free char *usage = binary_size(now.mem_usage), *limit = binary_size(now.mem_limit);
    cleanup_free char *mem = pair(usage, limit);
    cleanup_free char *rx = xstrdup(human_size(now.net_rx)), *tx = xstrdup(human_size(now.net_tx));
    cleanup_free char *net = pair(rx, tx);
    cleanup_free char *rd = xstrdup(human_size(now.blk_read)), *wr = xstrdup(human_size(now.blk_write));
    cleanup_free char *blk = pair(rd, wr);
    cleanup_free char *pids = xasprintf("%llu", (unsigned long long)now.pids);
    const char *id = o->no_trunc ? t->id : short_id;
    if (f->kind != ENGINE_FORMAT_TABLE) {
        struct json_object *j = json_object_new_object();
        json_object_object_add(j, "BlockIO", json_object_new_string(blk));
        json_object_object_add(j, "CPUPerc", json_object_new_string(cpu_text));
        json_object_object_add(j, "Container", json_object_new_string(t->container));
        json_object_object_add(j, "ID", json_object_new_string(id));
        json_object_object_add(j, "MemPerc", json_object_new_string(mem_pct));
        json_object_object_add(j, "MemUsage", json_object_new_string(mem));
        json_object_object_add(j, "Name", json_object_new_string(t->name));
        json_object_object_add(j, "NetIO", json_object_new_string(net));
        json_object_object_add(j, "PIDs", json_object_new_string(pids));
        bool ok = true;
        if (f->kind == ENGINE_FORMAT_JSON)
            printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        else
            ok = engine_format_row(f, j);
        json_object_put(j);
        return ok;
    }
    const char *cells[] = {id, t->name, cpu_text, mem, mem_pct, net, blk, pids};
    table_add(table, cells);
    return true;
}

/* One frame; the format is parsed again for each (a "table TEMPLATE" is a
 * table per frame).  False after a template error. */
static bool print_frame(const struct stats_opts *o, const struct engine_stats_entry *t, size_t n)
{
    static const char *const headers[] = {"CONTAINER ID", "NAME",    "CPU %",     "MEM USAGE / LIMIT",
                                          "MEM %",        "NET I/O", "BLOCK I/O", "PIDS"};
    struct engine_format f;
    struct json_object *titles = stats_headers();
    bool ok = engine_format_parse("stats", o->format, titles, &f);
    json_object_put(titles);
    if (!ok)
        return false;
    struct table *table = f.kind == ENGINE_FORMAT_TABLE ? table_new(ARRAY_SIZE(headers), headers) : NULL;
    if (!o->no_stream && (f.kind == ENGINE_FORMAT_TABLE || f.kind == ENGINE_FORMAT_TABLE_TEMPLATE))
        printf("\033[2J\033[H"); /* docker redraws the whole screen */
    for (size_t i = 0; i < n && ok; i++)
        ok = add_row(table, &f, o, &t[i]);
    if (table) {
        table_print(table);
        table_free(table);
    }
    engine_format_finish(&f);
    fflush(stdout);
    return ok;
}

enum { OPT_NO_STREAM = 1000, OPT_FORMAT, OPT_NO_TRUNC };
static const struct option stats_longopts[] = {
    {"all", no_argument, NULL, 'a'},
    {"no-stream", no_argument, NULL, OPT_NO_STREAM},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"no-trunc", no_argument, NULL, OPT_NO_TRUNC},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset stats_flagset = {"ah", stats_longopts};

int cmd_stats(int argc, char **argv)
{
    struct stats_opts o = {0};
    int c;
    while ((c = engine_next_flag("stats", argc, argv, &stats_flagset)) != -1) {
        switch (c) {
        case 'a':
            o.all = engine_flag_bool();
            break;
        case OPT_NO_STREAM:
            o.no_stream = engine_flag_bool();
            break;
        case OPT_FORMAT: {
            /* checked now: a template that does not parse fails before any sampling */
            struct engine_format f;
            struct json_object *titles = stats_headers();
            bool ok = engine_format_parse("stats", optarg, titles, &f);
            json_object_put(titles);
            if (!ok)
                return 125;
            gotemplate_free(f.template);
            table_free(f.table);
            o.format = optarg;
            break;
        }
        case OPT_NO_TRUNC:
            o.no_trunc = engine_flag_bool();
            break;
        case 'h':
            printf("Usage:  hull stats [OPTIONS] [CONTAINER...]\n\n"
                   "Live resource usage of containers (all running ones without names)\n\n"
                   "  -a, --all             show every container (default: running ones)\n"
                   "      --format FORMAT   table (default), json (one object per line), a Go template\n"
                   "                        ({{.Name}} {{.CPUPerc}} {{.MemUsage}}) or 'table TEMPLATE'\n"
                   "                        (fields: .Container .ID .Name .CPUPerc .MemUsage .MemPerc\n"
                   "                        .NetIO .BlockIO .PIDs)\n"
                   "      --no-stream       print one sample and exit\n"
                   "      --no-trunc        full container ids\n");
            return 0;
        default:
            return 125;
        }
    }
    struct engine_stats_query q = {
        .root = g_engine.root,
        .runroot = g_engine.runroot,
        .names = argv + optind, /* argv ends with NULL */
        .all = o.all,
        .stream = !o.no_stream,
    };
    struct engine_stats_list list = {0};
    cleanup_error struct hull_error *err = NULL;
    for (;;) {
        if (engine_container_stats(&q, &list, &err) < 0)
            return engine_error(err);
        if (!print_frame(&o, list.entries, list.n)) {
            engine_stats_list_clear(&list);
            return 125;
        }
        if (o.no_stream)
            break;
    }
    engine_stats_list_clear(&list);
    return 0;
}
