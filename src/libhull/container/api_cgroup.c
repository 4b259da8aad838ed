/* hull: the cgroup half of include/hull/hull.h -- struct hull_resources built
 * from a LinuxResources object and flag values, update, stats and events --
 * over container/control.c.  The values' text forms are runc's update flags':
 * docker's byte units for memory, plain integers elsewhere. */
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "hull/hull.h"

#include "../cgroup/cgroup_stats.h"
#include "../util/utils.h"
#include "container.h"

int hull_resources_parse(const char *json, struct hull_resources **out, struct hull_error **err)
{
    struct hull_resources *r = xmalloc0(sizeof *r);
    if (json && spec_parse_resources(json, r, err) < 0) {
        free(r);
        return -1;
    }
    *out = r;
    return 0;
}

void hull_resources_free(struct hull_resources *r)
{
    if (!r)
        return;
    spec_resources_clear(r);
    free(r);
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

static int set_i64(struct hull_opt_i64 *f, bool *has, const char *text, bool ram)
{
    int64_t v;
    if (!(ram ? parse_ram(text, &v) : parse_int64(text, &v)))
        return -1;
    *f = (struct hull_opt_i64){true, v};
    *has = true;
    return 0;
}

static int set_u64(struct hull_opt_u64 *f, bool *has, const char *text)
{
    uint64_t v;
    if (!parse_uint64(text, &v))
        return -1;
    *f = (struct hull_opt_u64){true, v};
    *has = true;
    return 0;
}

static void set_text(char **f, bool *has, const char *text)
{
    free(*f);
    *f = xstrdup(text);
    *has = true;
}

int hull_resources_set(struct hull_resources *r, enum hull_resource field, const char *text)
{
    struct hull_memory *m = &r->memory;
    struct hull_cpu *c = &r->cpu;
    switch (field) {
    case HULL_RES_MEMORY_LIMIT:
        return set_i64(&m->limit, &r->has_memory, text, true);
    case HULL_RES_MEMORY_RESERVATION:
        return set_i64(&m->reservation, &r->has_memory, text, true);
    case HULL_RES_MEMORY_SWAP:
        return set_i64(&m->swap, &r->has_memory, text, true);
    case HULL_RES_MEMORY_KERNEL:
        return set_i64(&m->kernel, &r->has_memory, text, true);
    case HULL_RES_MEMORY_KERNEL_TCP:
        return set_i64(&m->kernel_tcp, &r->has_memory, text, true);
    case HULL_RES_CPU_SHARES:
        return set_u64(&c->shares, &r->has_cpu, text);
    case HULL_RES_CPU_QUOTA:
        return set_i64(&c->quota, &r->has_cpu, text, false);
    case HULL_RES_CPU_PERIOD:
        return set_u64(&c->period, &r->has_cpu, text);
    case HULL_RES_CPU_BURST:
        return set_u64(&c->burst, &r->has_cpu, text);
    case HULL_RES_CPU_RT_PERIOD:
        return set_u64(&c->realtime_period, &r->has_cpu, text);
    case HULL_RES_CPU_RT_RUNTIME:
        return set_i64(&c->realtime_runtime, &r->has_cpu, text, false);
    case HULL_RES_CPU_IDLE:
        return set_i64(&c->idle, &r->has_cpu, text, false);
    case HULL_RES_CPUSET_CPUS:
        set_text(&c->cpus, &r->has_cpu, text);
        return 0;
    case HULL_RES_CPUSET_MEMS:
        set_text(&c->mems, &r->has_cpu, text);
        return 0;
    case HULL_RES_BLKIO_WEIGHT:
        return set_u64(&r->blkio.weight, &r->has_blkio, text);
    case HULL_RES_PIDS_LIMIT: {
        int64_t v;
        if (!parse_int64(text, &v))
            return -1;
        r->pids_limit = v;
        r->has_pids = true;
        return 0;
    }
    }
    return -1;
}

int hull_container_update(const char *root, const char *id, const struct hull_resources *r, struct hull_error **err)
{
    return container_update(root, id, r, err);
}

static char *stats_text(const struct cgroup_stats *s)
{
    struct json_object *o = cgroup_stats_to_json(s);
    char *text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return text;
}

int hull_container_stats_json(const char *root, const char *id, char **json, struct hull_error **err)
{
    cleanup_cgroup_stats struct cgroup_stats stats = {0};
    if (container_stats(root, id, &stats, err) < 0)
        return -1;
    *json = stats_text(&stats);
    return 0;
}

struct event_relay {
    hull_event_fn fn;
    void *data;
};

static void relay(const char *id, const struct container_event *ev, void *data)
{
    struct event_relay *r = data;
    if (ev->type == CONTAINER_EVENT_OOM) {
        r->fn(id, NULL, r->data);
        return;
    }
    cleanup_free char *text = stats_text(ev->stats);
    r->fn(id, text, r->data);
}

int hull_container_events(const char *root, const char *id, long interval_ms, hull_event_fn fn, void *data,
                          struct hull_error **err)
{
    struct event_relay r = {fn, data};
    return container_events(root, id, interval_ms, relay, &r, err);
}
