/* hull-runtime: pause, resume, update, events -- the commands that act on a
 * live container's cgroup.  Flags and output follow runc:
 *   pause ID / resume ID
 *   update [--resources FILE|-] [--memory 64m] [--cpu-quota N] ... ID
 *   events [--stats] [--interval 5s] ID
 *     prints {"type":"stats","id":ID,"data":{...}} (runc's types.Stats shape)
 *     and {"type":"oom","id":ID} when the kernel OOM-kills in the container. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup_stats.h"
#include "commands.h"
#include "container/container.h"
#include "spec/spec.h"
#include "util/utils.h"

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
    if ((pause ? container_pause : container_resume)(g_opts.root, id, &err) < 0) {
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

/* docker/go-units RAMInBytes, as runc's update parses memory flags: "64m",
 * "1g", "512KiB", "1024", and "-1" for unlimited; base 1024. */
static bool parse_ram(const char *s, int64_t *out)
{
    if (!strcmp(s, "-1")) {
        *out = -1;
        return true;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0)
        return false;
    while (*end == ' ')
        end++;
    double mult = 1;
    switch (tolower((unsigned char)*end)) {
    case '\0':
        break;
    case 'b':
        break;
    case 'k':
        mult = 1024.0;
        break;
    case 'm':
        mult = 1024.0 * 1024;
        break;
    case 'g':
        mult = 1024.0 * 1024 * 1024;
        break;
    case 't':
        mult = 1024.0 * 1024 * 1024 * 1024;
        break;
    case 'p':
        mult = 1024.0 * 1024 * 1024 * 1024 * 1024;
        break;
    default:
        return false;
    }
    if (*end) {
        const char *rest = end + 1;
        if (tolower((unsigned char)*end) != 'b') {
            if (!strcasecmp(rest, "ib"))
                rest += 2;
            else if (tolower((unsigned char)*rest) == 'b')
                rest++;
        }
        if (*rest)
            return false;
    }
    *out = (int64_t)(v * mult);
    return true;
}

static bool parse_u64_flag(const char *s, uint64_t *out)
{
    return parse_uint64(s, out);
}

int cmd_update(int argc, char **argv)
{
    enum {
        OPT_BLKIO_WEIGHT = 1000,
        OPT_CPU_PERIOD,
        OPT_CPU_QUOTA,
        OPT_CPU_BURST,
        OPT_CPU_SHARE,
        OPT_CPU_RT_PERIOD,
        OPT_CPU_RT_RUNTIME,
        OPT_CPUSET_CPUS,
        OPT_CPUSET_MEMS,
        OPT_CPU_IDLE,
        OPT_KERNEL_MEMORY,
        OPT_KERNEL_MEMORY_TCP,
        OPT_MEMORY,
        OPT_MEMORY_RESERVATION,
        OPT_MEMORY_SWAP,
        OPT_PIDS_LIMIT,
        OPT_L3_CACHE,
        OPT_MEM_BW,
    };
    static const struct option longopts[] = {
        {"resources", required_argument, NULL, 'r'},
        {"blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT},
        {"cpu-period", required_argument, NULL, OPT_CPU_PERIOD},
        {"cpu-quota", required_argument, NULL, OPT_CPU_QUOTA},
        {"cpu-burst", required_argument, NULL, OPT_CPU_BURST},
        {"cpu-share", required_argument, NULL, OPT_CPU_SHARE},
        {"cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD},
        {"cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME},
        {"cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS},
        {"cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS},
        {"cpu-idle", required_argument, NULL, OPT_CPU_IDLE},
        {"kernel-memory", required_argument, NULL, OPT_KERNEL_MEMORY},
        {"kernel-memory-tcp", required_argument, NULL, OPT_KERNEL_MEMORY_TCP},
        {"memory", required_argument, NULL, OPT_MEMORY},
        {"memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION},
        {"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
        {"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
        {"l3-cache-schema", required_argument, NULL, OPT_L3_CACHE},
        {"mem-bw-schema", required_argument, NULL, OPT_MEM_BW},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct hull_resources r = {0};
    const char *resources_file = NULL;
    int c, ret = 1;
    opterr = 0;
    /* Flags are collected first and applied over --resources, as runc does. */
    struct {
        int opt;
        const char *val;
    } flags[64];
    size_t n_flags = 0;
    cli_reorder_args(argc, argv, "+r:h", longopts);
    while ((c = getopt_long_only(argc, argv, "+r:h", longopts, NULL)) != -1) {
        if (c == 'h') {
            printf("Usage: hull-runtime update [--resources FILE|-] [--memory N] [--memory-swap N] "
                   "[--memory-reservation N] [--kernel-memory N] [--kernel-memory-tcp N] [--cpu-share N] "
                   "[--cpu-period N] [--cpu-quota N] [--cpu-burst N] [--cpu-rt-period N] [--cpu-rt-runtime N] "
                   "[--cpuset-cpus LIST] [--cpuset-mems LIST] [--cpu-idle 0|1] [--blkio-weight N] "
                   "[--pids-limit N] <container-id>\n");
            return 0;
        }
        if (c == 'r') {
            resources_file = optarg;
            continue;
        }
        if (c == '?' || c == ':')
            return usage_error("update", "unknown option or missing value \"%s\"", argv[optind - 1]);
        if (n_flags == ARRAY_SIZE(flags))
            return usage_error("update", "too many flags");
        flags[n_flags].opt = c;
        flags[n_flags++].val = optarg;
    }
    const char *id = NULL;
    if (one_id_argument("update", argc, argv, &id) != 0 || !id)
        return 1;
    cleanup_error struct hull_error *err = NULL;
    if (resources_file) {
        cleanup_free char *text = NULL;
        if (!strcmp(resources_file, "-")) {
            size_t cap = 4096, len = 0;
            text = xmalloc0(cap);
            ssize_t n;
            while ((n = read(STDIN_FILENO, text + len, cap - len - 1)) > 0) {
                len += (size_t)n;
                if (cap - len < 2) {
                    cap *= 2;
                    text = xrealloc(text, cap);
                }
            }
            text[len] = '\0';
        } else if (read_file(resources_file, &text, NULL, &err) < 0) {
            report_error(err);
            return 1;
        }
        if (spec_parse_resources(text, &r, &err) < 0) {
            hull_error_wrap(&err, "--resources %s", resources_file);
            report_error(err);
            return 1;
        }
    }
    for (size_t i = 0; i < n_flags; i++) {
        const char *v = flags[i].val;
        bool ok = true;
        int64_t i64;
        uint64_t u64;
        switch (flags[i].opt) {
        case OPT_BLKIO_WEIGHT:
            r.has_blkio = true;
            ok = parse_u64_flag(v, &u64);
            r.blkio.weight = (struct hull_opt_u64){true, u64};
            break;
        case OPT_CPU_PERIOD:
            r.has_cpu = true;
            ok = parse_u64_flag(v, &u64);
            r.cpu.period = (struct hull_opt_u64){true, u64};
            break;
        case OPT_CPU_QUOTA:
            r.has_cpu = true;
            ok = parse_int64(v, &i64);
            r.cpu.quota = (struct hull_opt_i64){true, i64};
            break;
        case OPT_CPU_BURST:
            r.has_cpu = true;
            ok = parse_u64_flag(v, &u64);
            r.cpu.burst = (struct hull_opt_u64){true, u64};
            break;
        case OPT_CPU_SHARE:
            r.has_cpu = true;
            ok = parse_u64_flag(v, &u64);
            r.cpu.shares = (struct hull_opt_u64){true, u64};
            break;
        case OPT_CPU_RT_PERIOD:
            r.has_cpu = true;
            ok = parse_u64_flag(v, &u64);
            r.cpu.realtime_period = (struct hull_opt_u64){true, u64};
            break;
        case OPT_CPU_RT_RUNTIME:
            r.has_cpu = true;
            ok = parse_int64(v, &i64);
            r.cpu.realtime_runtime = (struct hull_opt_i64){true, i64};
            break;
        case OPT_CPUSET_CPUS:
            r.has_cpu = true;
            free(r.cpu.cpus);
            r.cpu.cpus = xstrdup(v);
            break;
        case OPT_CPUSET_MEMS:
            r.has_cpu = true;
            free(r.cpu.mems);
            r.cpu.mems = xstrdup(v);
            break;
        case OPT_CPU_IDLE:
            r.has_cpu = true;
            ok = parse_int64(v, &i64);
            r.cpu.idle = (struct hull_opt_i64){true, i64};
            break;
        case OPT_KERNEL_MEMORY:
            r.has_memory = true;
            ok = parse_ram(v, &i64);
            r.memory.kernel = (struct hull_opt_i64){true, i64};
            break;
        case OPT_KERNEL_MEMORY_TCP:
            r.has_memory = true;
            ok = parse_ram(v, &i64);
            r.memory.kernel_tcp = (struct hull_opt_i64){true, i64};
            break;
        case OPT_MEMORY:
            r.has_memory = true;
            ok = parse_ram(v, &i64);
            r.memory.limit = (struct hull_opt_i64){true, i64};
            break;
        case OPT_MEMORY_RESERVATION:
            r.has_memory = true;
            ok = parse_ram(v, &i64);
            r.memory.reservation = (struct hull_opt_i64){true, i64};
            break;
        case OPT_MEMORY_SWAP:
            r.has_memory = true;
            ok = parse_ram(v, &i64);
            r.memory.swap = (struct hull_opt_i64){true, i64};
            break;
        case OPT_PIDS_LIMIT:
            r.has_pids = true;
            ok = parse_int64(v, &i64);
            r.pids_limit = i64;
            break;
        case OPT_L3_CACHE:
        case OPT_MEM_BW:
            report_error_text("update: Intel RDT (--l3-cache-schema, --mem-bw-schema) is not supported by hull");
            goto out;
        }
        if (!ok) {
            usage_error("update", "invalid value \"%s\" for one of the resource flags", v);
            goto out;
        }
    }
    if (container_update(g_opts.root, id, &r, &err) < 0) {
        report_error(err);
        goto out;
    }
    ret = 0;
out:
    spec_resources_clear(&r);
    return ret;
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

static void print_event(const char *type, const char *id, struct json_object *data)
{
    struct json_object *ev = json_object_new_object();
    json_object_object_add(ev, "type", json_object_new_string(type));
    json_object_object_add(ev, "id", json_object_new_string(id));
    if (data)
        json_object_object_add(ev, "data", data);
    printf("%s\n", json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    fflush(stdout);
    json_object_put(ev);
}

/* runc's event lines: {"type":"stats","id":ID,"data":{...}} and {"type":"oom","id":ID}. */
static void on_event(const char *id, const struct container_event *ev, void *data)
{
    (void)data;
    if (ev->type == CONTAINER_EVENT_OOM)
        print_event("oom", id, NULL);
    else
        print_event("stats", id, cgroup_stats_to_json(ev->stats));
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
        cleanup_cgroup_stats struct cgroup_stats stats = {0};
        if (container_stats(g_opts.root, id, &stats, &err) < 0) {
            report_error(err);
            return 1;
        }
        print_event("stats", id, cgroup_stats_to_json(&stats));
        return 0;
    }
    if (container_events(g_opts.root, id, interval_ms, on_event, NULL, &err) < 0) {
        report_error(err);
        return 1;
    }
    return 0;
}
