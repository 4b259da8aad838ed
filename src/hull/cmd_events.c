/* hull events [--since T] [--until T] [--filter K=V]... [--format F]: the
 * event journal (engine/events.h) printed as docker prints events: past ones
 * from --since, then new ones as they are appended, until --until (or a
 * signal).  Without --since only new events are shown, as in docker. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

static const struct option events_longopts[] = {
    {"since", required_argument, NULL, 'S'},
    {"until", required_argument, NULL, 'U'},
    {"filter", required_argument, NULL, 'f'},
    {"format", required_argument, NULL, 'F'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset events_flagset = {"f:h", events_longopts};

struct events_out {
    bool json;
    struct gotemplate *template;
};

/* Go's RFC3339NanoFixed in local time: 2006-01-02T15:04:05.000000000+07:00 ("Z" in UTC). */
static void print_time(int64_t nanos)
{
    time_t secs = (time_t)(nanos / 1000000000LL);
    struct tm tm;
    localtime_r(&secs, &tm);
    char date[32], zone[40] = "Z";
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    if (tm.tm_gmtoff) {
        long off = tm.tm_gmtoff < 0 ? -tm.tm_gmtoff : tm.tm_gmtoff;
        snprintf(zone, sizeof zone, "%c%02ld:%02ld", tm.tm_gmtoff < 0 ? '-' : '+', off / 3600, off / 60 % 60);
    }
    printf("%s.%09lld%s ", date, (long long)(nanos % 1000000000LL), zone);
}

/* Attributes as pairs: key, value. */
static int cmp_pairs(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* docker's prettyPrintEvent: TIME TYPE ACTION ID (k=v, ... sorted by key). */
static void print_pretty(const struct engine_event *ev)
{
    print_time(ev->time_nano);
    printf("%s %s %s", ev->type, ev->action, ev->id);
    size_t n = strv_length(ev->attrs) / 2;
    if (n) {
        char **pairs = xmalloc0(2 * n * sizeof *pairs);
        memcpy(pairs, ev->attrs, 2 * n * sizeof *pairs);
        qsort(pairs, n, 2 * sizeof *pairs, cmp_pairs);
        printf(" (");
        for (size_t i = 0; i < n; i++)
            printf("%s%s=%s", i ? ", " : "", pairs[2 * i], pairs[2 * i + 1]);
        printf(")");
        free(pairs);
    }
    printf("\n");
}

static int print_event(const struct engine_event *ev, void *data)
{
    struct events_out *out = data;
    if (out->json) {
        struct json_object *line = engine_event_to_json(ev, false);
        printf("%s\n", json_object_to_json_string_ext(line, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(line);
    } else if (out->template) {
        struct json_object *d = engine_event_to_json(ev, true);
        cleanup_free char *text = NULL;
        cleanup_error struct hull_error *err = NULL;
        int r = gotemplate_execute(out->template, d, &text, &err);
        json_object_put(d);
        if (r < 0) {
            engine_error(err);
            return 1;
        }
        printf("%s\n", text);
    } else {
        print_pretty(ev);
    }
    /* a pipe reader (a script waiting for an event) gets each line at once */
    fflush(stdout);
    return 0;
}

static void events_usage(void)
{
    printf("Usage:  hull events [OPTIONS]\n\n"
           "Show the engine's events: the past ones from --since, then new ones as they\n"
           "happen, until --until or Ctrl-C (without --since: only new ones)\n\n"
           "Options:\n"
           "  -f, --filter K=V    type=container|image|network|volume, container=, image=,\n"
           "                      network=, volume=, event=ACTION, label=K[=V] (repeatable)\n"
           "      --format F      json, or a Go template ({{.Type}} {{.Action}} {{.Actor.ID}}\n"
           "                      {{.Actor.Attributes.name}} {{.Time}} ...; docs/templates.md)\n"
           "      --since T       a Unix time, an RFC 3339 date or a duration before now (10m)\n"
           "      --until T       the same: stop there\n");
}

int cmd_events(int argc, char **argv)
{
    struct engine_events_filter filter = {0};
    struct engine_events_query q = {.filter = &filter};
    struct events_out out = {0};
    cleanup_error struct hull_error *err = NULL;
    const char *since = NULL, *until = NULL;
    int ret = 125, c;
    while ((c = engine_next_flag("events", argc, argv, &events_flagset)) != -1) {
        switch (c) {
        case 'S':
            since = optarg;
            break;
        case 'U':
            until = optarg;
            break;
        case 'f':
            if (engine_events_filter_add(&filter, optarg, &err) < 0) {
                engine_error_status(err, 125);
                goto out;
            }
            break;
        case 'F':
            if (!strcmp(optarg, "json")) {
                out.json = true;
            } else if (gotemplate_parse(optarg, &out.template, &err) < 0) {
                engine_usage_error("events", "invalid --format: %s", err->msg);
                goto out;
            }
            break;
        case 'h':
            events_usage();
            ret = 0;
            goto out;
        default:
            goto out;
        }
    }
    if (optind != argc) {
        ret = engine_usage_error("events", "accepts no arguments");
        goto out;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
    if (since) {
        if (engine_parse_time_arg("--since", since, now, &q.since, &err) < 0) {
            engine_error_status(err, 125);
            goto out;
        }
        q.since_given = true;
    }
    if (until && engine_parse_time_arg("--until", until, now, &q.until, &err) < 0) {
        engine_error_status(err, 125);
        goto out;
    }
    ret = engine_events_read(g_engine.root, &q, print_event, &out, &err) < 0 ? engine_error(err) : 0;
out:
    engine_events_filter_clear(&filter);
    gotemplate_free(out.template);
    return ret;
}
