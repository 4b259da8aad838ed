/* hull: linux.resources (config-linux.md, "Control groups"), also the
 * LinuxResources object of `update --resources FILE`.  Values are type-checked
 * here against the types the spec gives each field, then range-checked once by
 * spec_check_resources (spec_check_resources.c); what only the host can say (a
 * controller or file it lacks) is left to the cgroup code that writes it. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "spec_internal.h"
#include "util/utils.h"

static int opt_i64(struct json_object *obj, const char *field, const char *key, int64_t min, struct hull_opt_i64 *out,
                   struct hull_error **err)
{
    int r = spec_get_int64(obj, field, key, min, INT64_MAX, &out->v, err);
    if (r > 0)
        out->set = true;
    return r < 0 ? r : 0;
}

static int opt_u64(struct json_object *obj, const char *field, const char *key, uint64_t max, struct hull_opt_u64 *out,
                   struct hull_error **err)
{
    int r = spec_get_uint64(obj, field, key, max, &out->v, err);
    if (r > 0)
        out->set = true;
    return r < 0 ? r : 0;
}

static int opt_bool(struct json_object *obj, const char *field, const char *key, struct hull_opt_bool *out,
                    struct hull_error **err)
{
    int r = spec_get_bool(obj, field, key, &out->v, err);
    if (r > 0)
        out->set = true;
    return r < 0 ? r : 0;
}

/* Calls `parse_item` on each object of an array after allocating `n` items of `size`. */
static int parse_object_array(struct json_object *array, const char *field, void **items, size_t *n_out, size_t size,
                              int (*parse_item)(struct json_object *, const char *, void *, struct hull_error **),
                              struct hull_error **err)
{
    size_t n = json_object_array_length(array);
    char *base = xmalloc0(n * size);
    *items = base;
    *n_out = n;
    for (size_t i = 0; i < n; i++) {
        struct spec_field item = spec_field_index(field, i);
        struct json_object *obj = json_object_array_get_idx(array, i);
        if (obj == NULL || !json_object_is_type(obj, json_type_object))
            return spec_error_type(err, item.s, obj, "an object");
        if (parse_item(obj, item.s, base + i * size, err) < 0)
            return -1;
    }
    return 0;
}

static int parse_device_rule(struct json_object *obj, const char *field, void *item, struct hull_error **err)
{
    struct hull_device_rule *d = item;
    int r = spec_get_bool(obj, field, "allow", &d->allow, err);
    if (r < 0)
        return r;
    if (r == 0)
        return spec_error_missing(err, field, "allow");
    cleanup_free char *type = NULL;
    if ((r = spec_get_string(obj, field, "type", &type, err)) < 0)
        return r;
    d->type = 'a';
    if (r > 0 && type[0] != '\0') {
        if (strlen(type) != 1 || strchr("acb", type[0]) == NULL)
            return hull_error_set(err, 0, "%s.type \"%s\" is not a device type (a, c or b)", field, type);
        d->type = type[0];
    }
    /* -1 is the wildcard ("*") in runc and crun. */
    if ((r = spec_get_int64(obj, field, "major", -1, INT64_MAX, &d->major, err)) < 0)
        return r;
    d->has_major = r > 0;
    if ((r = spec_get_int64(obj, field, "minor", -1, INT64_MAX, &d->minor, err)) < 0)
        return r;
    d->has_minor = r > 0;
    if (!d->has_major)
        d->major = -1;
    if (!d->has_minor)
        d->minor = -1;
    if ((r = spec_get_string(obj, field, "access", &d->access, err)) < 0)
        return r;
    if (r > 0) {
        if (d->access[strspn(d->access, "rwm")] != '\0')
            return hull_error_set(err, 0, "%s.access \"%s\" may only contain r, w and m", field, d->access);
        if (d->access[0] == '\0') {
            free(d->access);
            d->access = NULL; /* empty means all, like absent */
        }
    }
    return 0;
}

static int parse_memory(struct json_object *obj, const char *field, struct hull_memory *m, struct hull_error **err)
{
    /* -1 means "unlimited" for the byte limits (runc, docker). */
    if (opt_i64(obj, field, "limit", -1, &m->limit, err) < 0 ||
        opt_i64(obj, field, "reservation", -1, &m->reservation, err) < 0 ||
        opt_i64(obj, field, "swap", -1, &m->swap, err) < 0 || opt_i64(obj, field, "kernel", -1, &m->kernel, err) < 0 ||
        opt_i64(obj, field, "kernelTCP", -1, &m->kernel_tcp, err) < 0 ||
        opt_u64(obj, field, "swappiness", UINT64_MAX, &m->swappiness, err) < 0 ||
        opt_bool(obj, field, "disableOOMKiller", &m->disable_oom_killer, err) < 0 ||
        opt_bool(obj, field, "useHierarchy", &m->use_hierarchy, err) < 0 ||
        opt_bool(obj, field, "checkBeforeUpdate", &m->check_before_update, err) < 0)
        return -1;
    return 0;
}

static int parse_cpu(struct json_object *obj, const char *field, struct hull_cpu *c, struct hull_error **err)
{
    if (opt_u64(obj, field, "shares", UINT64_MAX, &c->shares, err) < 0 ||
        opt_i64(obj, field, "quota", -1, &c->quota, err) < 0 ||
        opt_u64(obj, field, "burst", UINT64_MAX, &c->burst, err) < 0 ||
        opt_u64(obj, field, "period", UINT64_MAX, &c->period, err) < 0 ||
        opt_i64(obj, field, "realtimeRuntime", -1, &c->realtime_runtime, err) < 0 ||
        opt_u64(obj, field, "realtimePeriod", UINT64_MAX, &c->realtime_period, err) < 0 ||
        opt_i64(obj, field, "idle", INT64_MIN, &c->idle, err) < 0 ||
        spec_get_string(obj, field, "cpus", &c->cpus, err) < 0 ||
        spec_get_string(obj, field, "mems", &c->mems, err) < 0)
        return -1;
    return 0;
}

static int parse_major_minor(struct json_object *obj, const char *field, int64_t *major, int64_t *minor,
                             struct hull_error **err)
{
    int r;
    if ((r = spec_get_int64(obj, field, "major", 0, INT64_MAX, major, err)) <= 0)
        return r < 0 ? r : spec_error_missing(err, field, "major");
    if ((r = spec_get_int64(obj, field, "minor", 0, INT64_MAX, minor, err)) <= 0)
        return r < 0 ? r : spec_error_missing(err, field, "minor");
    return 0;
}

static int parse_weight_device(struct json_object *obj, const char *field, void *item, struct hull_error **err)
{
    struct hull_weight_device *d = item;
    if (parse_major_minor(obj, field, &d->major, &d->minor, err) < 0 ||
        opt_u64(obj, field, "weight", UINT16_MAX, &d->weight, err) < 0 ||
        opt_u64(obj, field, "leafWeight", UINT16_MAX, &d->leaf_weight, err) < 0)
        return -1;
    return 0;
}

static int parse_throttle_device(struct json_object *obj, const char *field, void *item, struct hull_error **err)
{
    struct hull_throttle_device *d = item;
    if (parse_major_minor(obj, field, &d->major, &d->minor, err) < 0)
        return -1;
    int r = spec_get_uint64(obj, field, "rate", UINT64_MAX, &d->rate, err);
    if (r <= 0)
        return r < 0 ? r : spec_error_missing(err, field, "rate");
    return 0;
}

static int parse_blkio(struct json_object *obj, const char *field, struct hull_blkio *b, struct hull_error **err)
{
    if (opt_u64(obj, field, "weight", UINT16_MAX, &b->weight, err) < 0 ||
        opt_u64(obj, field, "leafWeight", UINT16_MAX, &b->leaf_weight, err) < 0)
        return -1;
    struct json_object *array = NULL;
    int r = spec_get_array(obj, field, "weightDevice", &array, err);
    if (r < 0)
        return r;
    if (r > 0 && parse_object_array(array, spec_field_key(field, "weightDevice").s, (void **)&b->weight_devices,
                                    &b->n_weight_devices, sizeof *b->weight_devices, parse_weight_device, err) < 0)
        return -1;
    const struct {
        const char *key;
        struct hull_throttle_list *list;
    } throttles[] = {
        {"throttleReadBpsDevice", &b->read_bps},
        {"throttleWriteBpsDevice", &b->write_bps},
        {"throttleReadIOPSDevice", &b->read_iops},
        {"throttleWriteIOPSDevice", &b->write_iops},
    };
    for (size_t i = 0; i < ARRAY_SIZE(throttles); i++) {
        if ((r = spec_get_array(obj, field, throttles[i].key, &array, err)) < 0)
            return r;
        if (r > 0 &&
            parse_object_array(array, spec_field_key(field, throttles[i].key).s, (void **)&throttles[i].list->items,
                               &throttles[i].list->n, sizeof *throttles[i].list->items, parse_throttle_device, err) < 0)
            return -1;
    }
    return 0;
}

static int parse_hugepage_limit(struct json_object *obj, const char *field, void *item, struct hull_error **err)
{
    struct hull_hugepage_limit *h = item;
    int r = spec_get_string(obj, field, "pageSize", &h->page_size, err);
    if (r <= 0)
        return r < 0 ? r : spec_error_missing(err, field, "pageSize");
    if ((r = spec_get_uint64(obj, field, "limit", UINT64_MAX, &h->limit, err)) <= 0)
        return r < 0 ? r : spec_error_missing(err, field, "limit");
    return 0;
}

static int parse_net_priority(struct json_object *obj, const char *field, void *item, struct hull_error **err)
{
    struct hull_net_priority *p = item;
    int r = spec_get_string(obj, field, "name", &p->name, err);
    if (r <= 0)
        return r < 0 ? r : spec_error_missing(err, field, "name");
    uint64_t v = 0;
    if ((r = spec_get_uint64(obj, field, "priority", UINT32_MAX, &v, err)) <= 0)
        return r < 0 ? r : spec_error_missing(err, field, "priority");
    p->priority = (uint32_t)v;
    return 0;
}

static int parse_network(struct json_object *obj, const char *field, struct hull_resources *res,
                         struct hull_error **err)
{
    if (opt_u64(obj, field, "classID", UINT32_MAX, &res->net_class_id, err) < 0)
        return -1;
    struct json_object *array = NULL;
    int r = spec_get_array(obj, field, "priorities", &array, err);
    if (r < 0)
        return r;
    if (r > 0 && parse_object_array(array, spec_field_key(field, "priorities").s, (void **)&res->net_priorities,
                                    &res->n_net_priorities, sizeof *res->net_priorities, parse_net_priority, err) < 0)
        return -1;
    res->has_network = true;
    return 0;
}

static int parse_rdma(struct json_object *obj, const char *field, struct hull_resources *res, struct hull_error **err)
{
    size_t n = (size_t)json_object_object_length(obj), i = 0;
    res->rdma = xmalloc0(n * sizeof *res->rdma);
    json_object_object_foreach(obj, device, limits)
    {
        struct hull_rdma_limit *l = &res->rdma[i];
        l->device = xstrdup(device);
        res->n_rdma = ++i;
        struct spec_field item = spec_field_key(field, device);
        if (limits == NULL || !json_object_is_type(limits, json_type_object))
            return spec_error_type(err, item.s, limits, "an object");
        if (opt_u64(limits, item.s, "hcaHandles", UINT32_MAX, &l->hca_handles, err) < 0 ||
            opt_u64(limits, item.s, "hcaObjects", UINT32_MAX, &l->hca_objects, err) < 0)
            return -1;
    }
    return 0;
}

int spec_parse_resources_at(struct json_object *obj, const char *field, struct hull_resources *res,
                            struct hull_error **err)
{
    struct json_object *sub = NULL;
    int r;
    if (obj == NULL || !json_object_is_type(obj, json_type_object))
        return spec_error_type(err, field[0] ? field : "resources", obj, "an object");
    if ((r = spec_get_array(obj, field, "devices", &sub, err)) < 0)
        return r;
    if (r > 0 && parse_object_array(sub, spec_field_key(field, "devices").s, (void **)&res->devices, &res->n_devices,
                                    sizeof *res->devices, parse_device_rule, err) < 0)
        return -1;
    if ((r = spec_get_object(obj, field, "memory", &sub, err)) < 0)
        return r;
    if (r > 0) {
        res->has_memory = true;
        if (parse_memory(sub, spec_field_key(field, "memory").s, &res->memory, err) < 0)
            return -1;
    }
    if ((r = spec_get_object(obj, field, "cpu", &sub, err)) < 0)
        return r;
    if (r > 0) {
        res->has_cpu = true;
        if (parse_cpu(sub, spec_field_key(field, "cpu").s, &res->cpu, err) < 0)
            return -1;
    }
    if ((r = spec_get_object(obj, field, "pids", &sub, err)) < 0)
        return r;
    if (r > 0) {
        /* -1 is "max"; 0 is treated as "max" too, as runc does. */
        if ((r = spec_get_int64(sub, spec_field_key(field, "pids").s, "limit", -1, INT64_MAX, &res->pids_limit, err)) <
            0)
            return r;
        res->has_pids = r > 0;
    }
    if ((r = spec_get_object(obj, field, "blockIO", &sub, err)) < 0)
        return r;
    if (r > 0) {
        res->has_blkio = true;
        if (parse_blkio(sub, spec_field_key(field, "blockIO").s, &res->blkio, err) < 0)
            return -1;
    }
    if ((r = spec_get_array(obj, field, "hugepageLimits", &sub, err)) < 0)
        return r;
    if (r > 0 &&
        parse_object_array(sub, spec_field_key(field, "hugepageLimits").s, (void **)&res->hugepage_limits,
                           &res->n_hugepage_limits, sizeof *res->hugepage_limits, parse_hugepage_limit, err) < 0)
        return -1;
    if ((r = spec_get_object(obj, field, "network", &sub, err)) < 0)
        return r;
    if (r > 0 && parse_network(sub, spec_field_key(field, "network").s, res, err) < 0)
        return -1;
    if ((r = spec_get_object(obj, field, "rdma", &sub, err)) < 0)
        return r;
    if (r > 0 && parse_rdma(sub, spec_field_key(field, "rdma").s, res, err) < 0)
        return -1;
    if (spec_get_string_map(obj, field, "unified", &res->unified, &res->n_unified, err) < 0)
        return -1;
    return spec_check_resources(res, field, err);
}

int spec_parse_resources_json(struct json_object *obj, struct hull_resources *out, struct hull_error **err)
{
    struct hull_resources res = {0};
    if (spec_parse_resources_at(obj, "", &res, err) < 0) {
        spec_resources_clear(&res);
        return -1;
    }
    *out = res;
    return 0;
}
