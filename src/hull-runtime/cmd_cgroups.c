/* hull-runtime: pause, resume, update, events -- the commands that act on a
 * live container's cgroup.  Flags and output follow runc:
 *   pause ID / resume ID
 *   update [--resources FILE|-] [--memory 64m] [--cpu-quota N] ... ID
 *   events [--stats] [--interval 5s] ID
 *     prints {"type":"stats","id":ID,"data":{...}} (runc's types.Stats shape)
 *     and {"type":"oom","id":ID} when the kernel OOM-kills in the container. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "hull/hull.h"

static int one_id_argument(const char *cmd, int argc, char **argv, const char **id)
{
    if (optind >= argc)
        return usage_error(cmd, "missing container id");
    if (argc - optind > 1)
        return usage_error(cmd, "too many arguments");
    *id = argv[optind];
    return 0;
}

static int pause_or_resume(int argc, char **argv, bool pause)
{
    const char *cmd = pause ? "pause" : "resume";
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    opterr = 0;
    cli_reorder_args(argc, argv, "+h", longopts);
    while ((c = getopt_long_only(argc, argv, "+h", longopts, NULL)) != -1) {
        if (c == 'h') {
            printf("Usage: hull-runtime %s <container-id>\n", cmd);
            return 0;
        }
        return usage_error(cmd, "unknown option \"%s\"", argv[optind - 1]);
    }
    const char *id = NULL;
    if (one_id_argument(cmd, argc, argv, &id) != 0 || !id)
        return 1;
    cleanup_error struct hull_error *err = NULL;
    if ((pause ? hull_container_pause : hull_container_resume)(g_opts.root, id, &err) < 0) {
        report_error(err);
        return 1;
    }
    return 0;
}

int cmd_pause(int argc, char **argv)
{
    return pause_or_resume(argc, argv, true);
}

int cmd_resume(int argc, char **argv)
{
    return pause_or_resume(argc, argv, false);
}

/* Reads FILE, or stdin for "-". */
static int read_resources_text(const char *file, char **out)
{
    FILE *f = strcmp(file, "-") ? fopen(file, "re") : stdin;
    if (!f) {
        report_error_text_fmt("open %s: %s", file, strerror(errno));
        return -1;
    }
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    size_t n;
    while (text && (n = fread(text + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2)
            text = realloc(text, cap *= 2);
    }
    if (!text)
        abort();
    text[len] = '\0';
    if (f != stdin)
        fclose(f);
    *out = text;
    return 0;
}

#define OPT_RES(field) (1000 + (field))

enum { OPT_RDT = 2000 };
static const struct option update_longopts[] = {
    {"resources", required_argument, NULL, 'r'},
    {"blkio-weight", required_argument, NULL, OPT_RES(HULL_RES_BLKIO_WEIGHT)},
    {"cpu-period", required_argument, NULL, OPT_RES(HULL_RES_CPU_PERIOD)},
    {"cpu-quota", required_argument, NULL, OPT_RES(HULL_RES_CPU_QUOTA)},
    {"cpu-burst", required_argument, NULL, OPT_RES(HULL_RES_CPU_BURST)},
    {"cpu-share", required_argument, NULL, OPT_RES(HULL_RES_CPU_SHARES)},
    {"cpu-rt-period", required_argument, NULL, OPT_RES(HULL_RES_CPU_RT_PERIOD)},
    {"cpu-rt-runtime", required_argument, NULL, OPT_RES(HULL_RES_CPU_RT_RUNTIME)},
    {"cpuset-cpus", required_argument, NULL, OPT_RES(HULL_RES_CPUSET_CPUS)},
    {"cpuset-mems", required_argument, NULL, OPT_RES(HULL_RES_CPUSET_MEMS)},
    {"cpu-idle", required_argument, NULL, OPT_RES(HULL_RES_CPU_IDLE)},
    {"kernel-memory", required_argument, NULL, OPT_RES(HULL_RES_MEMORY_KERNEL)},
    {"kernel-memory-tcp", required_argument, NULL, OPT_RES(HULL_RES_MEMORY_KERNEL_TCP)},
    {"memory", required_argument, NULL, OPT_RES(HULL_RES_MEMORY_LIMIT)},
    {"memory-reservation", required_argument, NULL, OPT_RES(HULL_RES_MEMORY_RESERVATION)},
    {"memory-swap", required_argument, NULL, OPT_RES(HULL_RES_MEMORY_SWAP)},
    {"pids-limit", required_argument, NULL, OPT_RES(HULL_RES_PIDS_LIMIT)},
    {"l3-cache-schema", required_argument, NULL, OPT_RDT},
    {"mem-bw-schema", required_argument, NULL, OPT_RDT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Flags are collected first and applied over --resources, as runc does. */
struct update_flags {
    const char *resources_file;
    struct {
        int opt;
        const char *val;
    } flags[64];
    size_t n_flags;
};

/* Returns -1 to go on, or the exit code (--help, a bad flag). */
static int parse_update_flags(int argc, char **argv, struct update_flags *uf)
{
    int c;
    opterr = 0;
    cli_reorder_args(argc, argv, "+r:h", update_longopts);
    while ((c = getopt_long_only(argc, argv, "+r:h", update_longopts, NULL)) != -1) {
        if (c == 'h') {
            printf("Usage: hull-runtime update [--resources FILE|-] [--memory N] [--memory-swap N] "
                   "[--memory-reservation N] [--kernel-memory N] [--kernel-memory-tcp N] [--cpu-share N] "
                   "[--cpu-period N] [--cpu-quota N] [--cpu-burst N] [--cpu-rt-period N] [--cpu-rt-runtime N] "
                   "[--cpuset-cpus LIST] [--cpuset-mems LIST] [--cpu-idle 0|1] [--blkio-weight N] "
                   "[--pids-limit N] <container-id>\n");
            return 0;
        }
        if (c == 'r') {
            uf->resources_file = optarg;
            continue;
        }
        if (c == '?' || c == ':')
            return usage_error("update", "unknown option or missing value \"%s\"", argv[optind - 1]);
        if (uf->n_flags == sizeof uf->flags / sizeof uf->flags[0])
            return usage_error("update", "too many flags");
        uf->flags[uf->n_flags].opt = c;
        uf->flags[uf->n_flags++].val = optarg;
    }
    return -1;
}

/* The resources: --resources (or none), then the flags over it.  Reports
 * what is wrong; NULL then. */
static struct hull_resources *update_resources(const struct update_flags *uf)
{
    cleanup_error struct hull_error *err = NULL;
    char *text = NULL;
    if (uf->resources_file && read_resources_text(uf->resources_file, &text) < 0)
        return NULL;
    struct hull_resources *r = NULL;
    int rc = hull_resources_parse(text, &r, &err);
    free(text);
    if (rc < 0) {
        hull_error_wrap(&err, "--resources %s", uf->resources_file);
        report_error(err);
        return NULL;
    }
    for (size_t i = 0; i < uf->n_flags; i++) {
        if (uf->flags[i].opt == OPT_RDT) {
            report_error_text("update: Intel RDT (--l3-cache-schema, --mem-bw-schema) is not supported by hull");
            hull_resources_free(r);
            return NULL;
        }
        if (hull_resources_set(r, (enum hull_resource)(uf->flags[i].opt - 1000), uf->flags[i].val) < 0) {
            usage_error("update", "invalid value \"%s\" for one of the resource flags", uf->flags[i].val);
            hull_resources_free(r);
            return NULL;
        }
    }
    return r;
}

int cmd_update(int argc, char **argv)
{
    struct update_flags uf = {0};
    int rc = parse_update_flags(argc, argv, &uf);
    if (rc >= 0)
        return rc;
    const char *id = NULL;
    if (one_id_argument("update", argc, argv, &id) != 0 || !id)
        return 1;
    struct hull_resources *r = update_resources(&uf);
    if (!r)
        return 1;
    cleanup_error struct hull_error *err = NULL;
    rc = hull_container_update(g_opts.root, id, r, &err);
    hull_resources_free(r);
    if (rc < 0) {
        report_error(err);
        return 1;
    }
    return 0;
}

/* "5s", "100ms", "1m", "2" (seconds) -> milliseconds; Go duration subset. */
static bool parse_interval(const char *s, long *ms)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v <= 0)
        return false;
    double mult;
    if (!*end || !strcmp(end, "s"))
        mult = 1000;
    else if (!strcmp(end, "ms"))
        mult = 1;
    else if (!strcmp(end, "m"))
        mult = 60000;
    else if (!strcmp(end, "h"))
        mult = 3600000;
    else
        return false;
    *ms = (long)(v * mult);
    return *ms > 0;
}

/* runc's event lines: {"type":"stats","id":ID,"data":{...}} and {"type":"oom","id":ID}
 * (ids are [A-Za-z0-9_+.-]: nothing to escape). */
static void print_event(const char *id, const char *stats_json, void *data)
{
    (void)data;
    if (stats_json)
        printf("{\"type\":\"stats\",\"id\":\"%s\",\"data\":%s}\n", id, stats_json);
    else
        printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
    fflush(stdout);
}

int cmd_events(int argc, char **argv)
{
    static const struct option longopts[] = {{"stats", no_argument, NULL, 's'},
                                             {"interval", required_argument, NULL, 'i'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    bool stats_once = false;
    long interval_ms = 5000;
    int c;
    opterr = 0;
    cli_reorder_args(argc, argv, "+h", longopts);
    while ((c = getopt_long_only(argc, argv, "+h", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            stats_once = true;
            break;
        case 'i':
            if (!parse_interval(optarg, &interval_ms))
                return usage_error("events", "invalid --interval \"%s\" (e.g. 5s, 500ms)", optarg);
            break;
        case 'h':
            printf("Usage: hull-runtime events [--stats] [--interval 5s] <container-id>\n");
            return 0;
        default:
            return usage_error("events", "unknown option \"%s\"", argv[optind - 1]);
        }
    }
    const char *id = NULL;
    if (one_id_argument("events", argc, argv, &id) != 0 || !id)
        return 1;
    cleanup_error struct hull_error *err = NULL;
    if (stats_once) {
        char *json = NULL;
        if (hull_container_stats_json(g_opts.root, id, &json, &err) < 0) {
            report_error(err);
            return 1;
        }
        print_event(id, json, NULL);
        free(json);
        return 0;
    }
    if (hull_container_events(g_opts.root, id, interval_ms, print_event, NULL, &err) < 0) {
        report_error(err);
        return 1;
    }
    return 0;
}
