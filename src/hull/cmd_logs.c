/* hull logs [-f] [--tail N] [-t] [--since T] [--until T]: the output of a
 * container, one call (engine_container_logs reads the log, keeps the lines
 * of the window, follows it and waits for the end; the times are parsed
 * here, once, by engine_parse_time_arg); stdout records go to our stdout
 * and stderr records to our stderr, as docker does. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

/* Where each stream stands: in the middle of a line made of P records? */
struct log_printer {
    bool timestamps;
    bool mid_line[2]; /* stdout, stderr */
};

/* One record to our stdout or stderr, as docker does; NULL: the end of a
 * batch, flushed so that -f shows it at once. */
static void print_record(const struct engine_log_record *r, void *data)
{
    struct log_printer *p = data;
    if (!r) {
        fflush(stdout);
        fflush(stderr);
        return;
    }
    FILE *out = r->is_stderr ? stderr : stdout;
    if (p->timestamps && !p->mid_line[r->is_stderr])
        fprintf(out, "%.*s ", (int)r->timestamp_len, r->timestamp);
    fwrite(r->text, 1, r->text_len, out);
    if (r->full)
        fputc('\n', out);
    p->mid_line[r->is_stderr] = !r->full;
}

static const struct option logs_longopts[] = {
    {"follow", no_argument, NULL, 'f'},     {"tail", required_argument, NULL, 'n'},
    {"timestamps", no_argument, NULL, 't'}, {"since", required_argument, NULL, 'S'},
    {"until", required_argument, NULL, 'U'}, {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset logs_flagset = {"fn:th", logs_longopts};

int cmd_logs(int argc, char **argv)
{
    struct engine_logs_opts o = {.root = g_engine.root, .runroot = g_engine.runroot, .tail = -1};
    cleanup_error struct hull_error *err = NULL;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t now_nanos = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
    int c;
    while ((c = engine_next_flag("logs", argc, argv, &logs_flagset)) != -1) {
        switch (c) {
        case 'f':
            o.follow = engine_flag_bool();
            break;
        case 't':
            o.timestamps = engine_flag_bool();
            break;
        case 'n':
            if (!strcmp(optarg, "all")) {
                o.tail = -1;
            } else if (!parse_int64(optarg, &o.tail) || o.tail < 0) {
                return engine_usage_error("logs", "invalid --tail \"%s\": want a number of lines or \"all\"",
                                          optarg);
            }
            break;
        case 'S':
        case 'U':
            if (engine_parse_time_arg(c == 'S' ? "--since" : "--until", optarg, now_nanos,
                                      c == 'S' ? &o.since : &o.until, &err) < 0)
                return engine_usage_error("logs", "%s", err->msg);
            break;
        case 'h':
            printf("Usage:  hull logs [OPTIONS] CONTAINER\n\n"
                   "The output of a detached container\n\n"
                   "Options:\n"
                   "  -f, --follow       follow the output until the container stops\n"
                   "  -n, --tail N       only the last N lines (default \"all\")\n"
                   "  -t, --timestamps   show the time each line was written\n"
                   "      --since T      only lines written at T or later: a Unix time, an RFC 3339\n"
                   "                     date (2013-01-02T13:23:37Z) or a duration before now (42m)\n"
                   "      --until T      only lines written at T or earlier (the same forms); with -f,\n"
                   "                     stop following at T\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind != argc - 1)
        return engine_usage_error("logs", "requires exactly 1 argument");
    o.container = argv[optind];
    struct log_printer p = {.timestamps = o.timestamps};
    if (engine_container_logs(&o, print_record, &p, &err) < 0)
        return engine_error(err);
    return 0;
}
