/* hull: CDI spec files into typed structs (engine_cdi_spec.h). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "engine_cdi_spec.h"
#include "util/utils.h"

/* An alias may name a large node many times over; the values decoded are
 * counted so that a small file cannot make the decoder work for hours. */
#define CDI_MAX_VALUES 1000000

/* The version the fields of a spec need (the reference library's table). */
struct needs {
    bool v040, v050, v060, v070, v110;
};

struct decoder {
    const char *path;
    yaml_document_t *doc;
    long values;
    struct hull_error **err;
    struct needs needs;   /* of the fields decoded so far */
    yaml_node_t *devices; /* the spec's, decoded after its kind */
};

static int fail(struct decoder *d, const yaml_node_t *node, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct decoder *d, const yaml_node_t *node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cleanup_free char *what = NULL;
    if (vasprintf(&what, fmt, ap) < 0)
        what = NULL;
    va_end(ap);
    return hull_error_set(d->err, 0, "%s: line %zu: %s", d->path, node ? node->start_mark.line + 1 : 1,
                          what ? what : "invalid");
}

static yaml_node_t *node_at(struct decoder *d, int index)
{
    d->values++;
    return yaml_document_get_node(d->doc, index);
}

static const char *scalar(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static bool is_plain(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* A plain null (~, null, nothing) is no value, as YAML reads it. */
static bool is_null(const yaml_node_t *n)
{
    const char *s = scalar(n);
    return s && is_plain(n) && (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
                                !strcmp(s, "NULL"));
}

struct pair {
    const char *key;
    yaml_node_t *key_node, *value;
};

/* The pairs of a mapping, with YAML 1.1 merge keys (<<: *anchor, or a
 * sequence of them) expanded: a key of the mapping itself wins over a merged
 * one; the same key twice in the mapping is an error, as in the reference
 * library's strict reading. */
static int collect_pairs(struct decoder *d, yaml_node_t *map, struct pair **pairs, size_t *n, int depth)
{
    if (map->type != YAML_MAPPING_NODE)
        return fail(d, map, "expected a mapping");
    if (depth > 8 || d->values > CDI_MAX_VALUES)
        return fail(d, map, "too many merged or aliased values");
    size_t own_start = *n;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(d, p->key), *v = node_at(d, p->value);
        if (!k || !v || !scalar(k))
            return fail(d, k ? k : map, "a mapping key that is not a string");
        if (is_plain(k) && !strcmp(scalar(k), "<<"))
            continue;
        for (size_t i = own_start; i < *n; i++)
            if (!strcmp((*pairs)[i].key, scalar(k)))
                return fail(d, k, "\"%s\" is given twice (also on line %zu)", scalar(k),
                            (*pairs)[i].key_node->start_mark.line + 1);
        *pairs = xrealloc(*pairs, (*n + 1) * sizeof **pairs);
        (*pairs)[(*n)++] = (struct pair){scalar(k), k, v};
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(d, p->key), *v = node_at(d, p->value);
        if (!is_plain(k) || strcmp(scalar(k), "<<"))
            continue;
        yaml_node_item_t one = p->value, *items = &one, *end = &one + 1;
        if (v->type == YAML_SEQUENCE_NODE) {
            items = v->data.sequence.items.start;
            end = v->data.sequence.items.top;
        }
        for (; items < end; items++) {
            struct pair *merged = NULL;
            size_t n_merged = 0;
            if (collect_pairs(d, node_at(d, *items), &merged, &n_merged, depth + 1) < 0) {
                free(merged);
                return -1;
            }
            for (size_t j = 0; j < n_merged; j++) {
                bool shadowed = false;
                for (size_t i = own_start; i < *n && !shadowed; i++)
                    shadowed = !strcmp((*pairs)[i].key, merged[j].key);
                if (shadowed)
                    continue;
                *pairs = xrealloc(*pairs, (*n + 1) * sizeof **pairs);
                (*pairs)[(*n)++] = merged[j];
            }
            free(merged);
        }
    }
    return 0;
}

static int dec_string(struct decoder *d, yaml_node_t *n, const char *field, char **out)
{
    if (n->type != YAML_SCALAR_NODE)
        return fail(d, n, "%s: expected a string", field);
    free(*out);
    *out = xstrdup(is_null(n) ? "" : scalar(n));
    return 0;
}

/* Integers as YAML 1.1 reads a plain scalar: decimal, 0x hex, 0o or a
 * leading 0 octal (fileMode: 0666). */
static int dec_int(struct decoder *d, yaml_node_t *n, const char *field, int64_t min, int64_t max, int64_t *out)
{
    const char *s = scalar(n);
    if (!s || !is_plain(n) || !*s)
        return fail(d, n, "%s: expected a number", field);
    const char *digits = s + (*s == '-' || *s == '+');
    int base = 10;
    if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
        base = 16, digits += 2;
    else if (digits[0] == '0' && digits[1] == 'o')
        base = 8, digits += 2;
    else if (digits[0] == '0' && digits[1])
        base = 8;
    char *end = NULL;
    errno = 0;
    long long v = *digits && *digits != '-' && *digits != '+' ? strtoll(digits, &end, base) : 0;
    if (!end || *end || errno)
        return fail(d, n, "%s: \"%s\" is not a number", field, s);
    if (*s == '-')
        v = -v;
    if (v < min || v > max)
        return fail(d, n, "%s: %s is out of range", field, s);
    *out = v;
    return 0;
}

static int dec_bool(struct decoder *d, yaml_node_t *n, const char *field, bool *out)
{
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"};
    const char *s = is_plain(n) ? scalar(n) : NULL;
    for (size_t i = 0; s && i < ARRAY_SIZE(yes); i++)
        if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
            *out = !strcmp(s, yes[i]);
            return 0;
        }
    return fail(d, n, "%s: expected true or false", field);
}

/* Calls item() for each element of a sequence (a null is an empty one). */
static int each_item(struct decoder *d, yaml_node_t *seq, const char *field,
                     int (*item)(struct decoder *, yaml_node_t *, void *), void *arg)
{
    if (is_null(seq))
        return 0;
    if (seq->type != YAML_SEQUENCE_NODE)
        return fail(d, seq, "%s: expected a list", field);
    for (yaml_node_item_t *i = seq->data.sequence.items.start; i < seq->data.sequence.items.top; i++) {
        if (d->values > CDI_MAX_VALUES)
            return fail(d, seq, "too many aliased values");
        if (item(d, node_at(d, *i), arg) < 0)
            return -1;
    }
    return 0;
}

static int string_item(struct decoder *d, yaml_node_t *n, void *arg)
{
    char *s = NULL;
    if (dec_string(d, n, "a list item", &s) < 0)
        return -1;
    strv_add(arg, s);
    return 0;
}

static int dec_strv(struct decoder *d, yaml_node_t *n, const char *field, char ***out)
{
    strv_free(*out);
    *out = NULL;
    return each_item(d, n, field, string_item, out);
}

static int dec_annotations(struct decoder *d, yaml_node_t *n, char ***out)
{
    if (is_null(n))
        return 0;
    cleanup_free struct pair *pairs = NULL;
    size_t count = 0;
    if (collect_pairs(d, n, &pairs, &count, 0) < 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        char *v = NULL;
        if (dec_string(d, pairs[i].value, "annotations", &v) < 0)
            return -1;
        strv_add(out, xstrdup(pairs[i].key));
        strv_add(out, v);
    }
    return 0;
}

static int unknown(struct decoder *d, const struct pair *p, const char *where)
{
    return fail(d, p->key_node, "unknown field \"%s\" in %s", p->key, where);
}

/* One field of a CDI object: its key, how its value is decoded, and where
 * in the object it goes.  Each object is a table of these ending with
 * {NULL}, read by walk_fields. */
struct field {
    const char *key;
    int (*decode)(struct decoder *d, yaml_node_t *v, const struct field *f, void *obj);
    size_t offset; /* of the value in the object */
    size_t has;    /* 1 + the offset of a bool set when the key is given; 0: none */
    int64_t min, max;                                     /* field_int's range */
    int (*item)(struct decoder *, yaml_node_t *, void *); /* field_list: each element, into the object */
    const struct object *object;                          /* field_objects: the kind of the elements */
    size_t count;                                         /* field_objects: the offset of their count */
};

/* A CDI object that comes in lists (deviceNodes, mounts, ...): its fields,
 * and the checks of a whole one (item) in its list (parent). */
struct object {
    const char *where; /* "a mount": for "unknown field \"x\" in a mount" */
    const struct field *fields;
    size_t size;
    int (*check)(struct decoder *d, yaml_node_t *n, void *item, void *parent);
};

#define AT(obj, f, type) ((type *)((char *)(obj) + (f)->offset))
#define FIELD(key, decode, type, member, ...) {key, decode, offsetof(type, member), __VA_ARGS__}
#define HAS(type, member) (offsetof(type, member) + 1)
/* A list of objects: an array member and its count member. */
#define OBJECTS(key, type, member, count_member, obj)                                                                 \
    FIELD(key, field_objects, type, member, .object = &(obj), .count = offsetof(type, count_member))

/* Decodes the mapping n into obj, each of its keys by the field of that
 * key; a key that is in no field is an error naming where it was. */
static int walk_fields(struct decoder *d, yaml_node_t *n, const struct field *fields, const char *where, void *obj)
{
    cleanup_free struct pair *pairs = NULL;
    size_t count = 0;
    if (collect_pairs(d, n, &pairs, &count, 0) < 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        const struct field *f = fields;
        while (f->key && strcmp(f->key, pairs[i].key))
            f++;
        if (!f->key)
            return unknown(d, &pairs[i], where);
        int r = f->decode(d, pairs[i].value, f, obj);
        if (f->has)
            *(bool *)((char *)obj + f->has - 1) = true;
        if (r < 0)
            return -1;
    }
    return 0;
}

static int field_string(struct decoder *d, yaml_node_t *v, const struct field *f, void *obj)
{
    return dec_string(d, v, f->key, AT(obj, f, char *));
}

static int field_strv(struct decoder *d, yaml_node_t *v, const struct field *f, void *obj)
{
    return dec_strv(d, v, f->key, AT(obj, f, char **));
}

static int field_int(struct decoder *d, yaml_node_t *v, const struct field *f, void *obj)
{
    return dec_int(d, v, f->key, f->min, f->max, AT(obj, f, int64_t));
}

static int field_uint32(struct decoder *d, yaml_node_t *v, const struct field *f, void *obj)
{
    int64_t num = 0;
    int r = dec_int(d, v, f->key, 0, UINT32_MAX, &num);
    *AT(obj, f, uint32_t) = (uint32_t)num;
    return r;
}

static int field_bool(struct decoder *d, yaml_node_t *v, const struct field *f, void *obj)
{
    return dec_bool(d, v, f->key, AT(obj, f, bool));
}

static int field_annotations(struct decoder *d, yaml_node_t *v, const struct field *f, void *obj)
{
    return dec_annotations(d, v, AT(obj, f, char **));
}

/* A list whose elements f->item adds to the object. */
static int field_list(struct decoder *d, yaml_node_t *v, const struct field *f, void *obj)
{
    return each_item(d, v, f->key, f->item, obj);
}

struct objects {
    const struct field *f;
    void *parent;
};

/* One element of a list of objects: appended zeroed to the parent's array,
 * decoded, then checked as a whole.  The array's pointer is copied with
 * memcpy: it is a struct cdi_mount * (...), not a void *. */
static int object_item(struct decoder *d, yaml_node_t *n, void *arg)
{
    const struct objects *l = arg;
    const struct object *o = l->f->object;
    size_t *count = (size_t *)((char *)l->parent + l->f->count);
    char *array;
    memcpy(&array, AT(l->parent, l->f, char *), sizeof array);
    array = xrealloc(array, (*count + 1) * o->size);
    memcpy(AT(l->parent, l->f, char *), &array, sizeof array);
    void *item = memset(array + *count * o->size, 0, o->size);
    (*count)++;
    if (walk_fields(d, n, o->fields, o->where, item) < 0)
        return -1;
    return o->check(d, n, item, l->parent);
}

static int field_objects(struct decoder *d, yaml_node_t *v, const struct field *f, void *obj)
{
    struct objects l = {f, obj};
    return each_item(d, v, f->key, object_item, &l);
}

static const struct field device_node_fields[] = {
    FIELD("path", field_string, struct cdi_device_node, path),
    FIELD("hostPath", field_string, struct cdi_device_node, host_path),
    FIELD("type", field_string, struct cdi_device_node, type),
    FIELD("permissions", field_string, struct cdi_device_node, permissions),
    FIELD("major", field_int, struct cdi_device_node, major, .min = INT64_MIN, .max = INT64_MAX),
    FIELD("minor", field_int, struct cdi_device_node, minor, .min = INT64_MIN, .max = INT64_MAX),
    FIELD("fileMode", field_uint32, struct cdi_device_node, file_mode, HAS(struct cdi_device_node, has_file_mode)),
    FIELD("uid", field_uint32, struct cdi_device_node, uid, HAS(struct cdi_device_node, has_uid)),
    FIELD("gid", field_uint32, struct cdi_device_node, gid, HAS(struct cdi_device_node, has_gid)),
    {NULL},
};

static int check_device_node(struct decoder *d, yaml_node_t *n, void *item, void *parent)
{
    (void)parent;
    const struct cdi_device_node *dn = item;
    const char *type = dn->type ? dn->type : "", *perms = dn->permissions ? dn->permissions : "";
    if (!dn->path || !*dn->path)
        return fail(d, n, "a deviceNode without a path");
    if (*type && (type[1] || !strchr("bcup", type[0])))
        return fail(d, n, "deviceNode %s: invalid type \"%s\"", dn->path, type);
    if (strcmp(perms, "none") && perms[strspn(perms, "rwm")])
        return fail(d, n, "deviceNode %s: invalid permissions \"%s\"", dn->path, perms);
    return 0;
}

static const struct object device_node_object = {"a deviceNode", device_node_fields, sizeof(struct cdi_device_node),
                                                  check_device_node};

static const struct field mount_fields[] = {
    FIELD("hostPath", field_string, struct cdi_mount, host_path),
    FIELD("containerPath", field_string, struct cdi_mount, container_path),
    FIELD("type", field_string, struct cdi_mount, type),
    FIELD("options", field_strv, struct cdi_mount, options),
    {NULL},
};

static int check_mount(struct decoder *d, yaml_node_t *n, void *item, void *parent)
{
    (void)parent;
    const struct cdi_mount *m = item;
    if (!m->host_path || !*m->host_path || !m->container_path || !*m->container_path)
        return fail(d, n, "a mount without hostPath or containerPath");
    return 0;
}

static const struct object mount_object = {"a mount", mount_fields, sizeof(struct cdi_mount), check_mount};

static bool valid_env(char *const *env)
{
    for (; env && *env; env++)
        if (!strchr(*env, '=') || **env == '=')
            return false;
    return true;
}

static const struct field hook_fields[] = {
    FIELD("hookName", field_string, struct cdi_hook, hook_name),
    FIELD("path", field_string, struct cdi_hook, path),
    FIELD("args", field_strv, struct cdi_hook, args),
    FIELD("env", field_strv, struct cdi_hook, env),
    FIELD("timeout", field_int, struct cdi_hook, timeout, HAS(struct cdi_hook, has_timeout), INT32_MIN, INT32_MAX),
    {NULL},
};

static int check_hook(struct decoder *d, yaml_node_t *n, void *item, void *parent)
{
    static const char *const names[] = {"prestart",       "createRuntime", "createContainer",
                                        "startContainer", "poststart",     "poststop"};
    (void)parent;
    const struct cdi_hook *h = item;
    bool known = false;
    for (size_t i = 0; h->hook_name && i < ARRAY_SIZE(names); i++)
        known |= !strcmp(h->hook_name, names[i]);
    if (!known)
        return fail(d, n, "invalid hookName \"%s\"", h->hook_name ? h->hook_name : "");
    if (!h->path || !*h->path)
        return fail(d, n, "hook %s without a path", h->hook_name);
    if (!valid_env(h->env))
        return fail(d, n, "hook %s: env entries must be VAR=value", h->hook_name);
    return 0;
}

static const struct object hook_object = {"a hook", hook_fields, sizeof(struct cdi_hook), check_hook};

static const struct field net_device_fields[] = {
    FIELD("hostInterfaceName", field_string, struct cdi_net_device, host_interface_name),
    FIELD("name", field_string, struct cdi_net_device, name),
    {NULL},
};

static int check_net_device(struct decoder *d, yaml_node_t *n, void *item, void *parent)
{
    const struct cdi_edits *e = parent;
    const struct cdi_net_device *nd = item;
    if (!nd->host_interface_name || !*nd->host_interface_name || !nd->name || !*nd->name)
        return fail(d, n, "a netDevice without hostInterfaceName or name");
    for (size_t i = 0; i + 1 < e->n_net_devices; i++)
        if (!strcmp(e->net_devices[i].host_interface_name, nd->host_interface_name) ||
            !strcmp(e->net_devices[i].name, nd->name))
            return fail(d, n, "netDevice %s: its host interface or name is given twice", nd->name);
    return 0;
}

static const struct object net_device_object = {"a netDevice", net_device_fields, sizeof(struct cdi_net_device),
                                                 check_net_device};

static int gid_item(struct decoder *d, yaml_node_t *n, void *arg)
{
    struct cdi_edits *e = arg;
    int64_t gid;
    if (dec_int(d, n, "additionalGids", 0, UINT32_MAX, &gid) < 0)
        return -1;
    e->additional_gids = xrealloc(e->additional_gids, (e->n_additional_gids + 1) * sizeof *e->additional_gids);
    e->additional_gids[e->n_additional_gids++] = (uint32_t)gid;
    return 0;
}

/* intelRdt is read and checked but not kept: hull has no resctrl support,
 * and engine_cdi.c refuses a device that asks for it. */
struct intel_rdt {
    char *clos_id, *l3_cache_schema, *mem_bw_schema;
    char **schemata;
    bool enable_monitoring, has_schemata;
};

static const struct field intel_rdt_fields[] = {
    FIELD("closID", field_string, struct intel_rdt, clos_id),
    FIELD("l3CacheSchema", field_string, struct intel_rdt, l3_cache_schema),
    FIELD("memBwSchema", field_string, struct intel_rdt, mem_bw_schema),
    FIELD("schemata", field_strv, struct intel_rdt, schemata, HAS(struct intel_rdt, has_schemata)),
    FIELD("enableMonitoring", field_bool, struct intel_rdt, enable_monitoring),
    {NULL},
};

static int field_intel_rdt(struct decoder *d, yaml_node_t *v, const struct field *f, void *obj)
{
    bool *given = AT(obj, f, bool);
    *given = !is_null(v);
    if (!*given)
        return 0;
    struct intel_rdt rdt = {0};
    int r = walk_fields(d, v, intel_rdt_fields, "intelRdt", &rdt);
    /* schemata and enableMonitoring are fields of CDI 1.1.0 */
    d->needs.v110 |= rdt.has_schemata || rdt.enable_monitoring;
    free(rdt.clos_id), free(rdt.l3_cache_schema), free(rdt.mem_bw_schema);
    strv_free(rdt.schemata);
    return r;
}

static int field_env(struct decoder *d, yaml_node_t *v, const struct field *f, void *obj)
{
    char ***env = AT(obj, f, char **);
    if (dec_strv(d, v, f->key, env) < 0)
        return -1;
    return valid_env(*env) ? 0 : fail(d, v, "env entries must be VAR=value");
}

static const struct field edits_fields[] = {
    FIELD("env", field_env, struct cdi_edits, env),
    OBJECTS("deviceNodes", struct cdi_edits, device_nodes, n_device_nodes, device_node_object),
    OBJECTS("mounts", struct cdi_edits, mounts, n_mounts, mount_object),
    OBJECTS("hooks", struct cdi_edits, hooks, n_hooks, hook_object),
    OBJECTS("netDevices", struct cdi_edits, net_devices, n_net_devices, net_device_object),
    FIELD("additionalGids", field_list, struct cdi_edits, additional_gids, .item = gid_item),
    FIELD("intelRdt", field_intel_rdt, struct cdi_edits, has_intel_rdt),
    {NULL},
};

/* containerEdits, of the spec or of a device; what its fields need of the
 * spec's cdiVersion goes to d->needs. */
static int field_edits(struct decoder *d, yaml_node_t *v, const struct field *f, void *obj)
{
    struct cdi_edits *e = AT(obj, f, struct cdi_edits);
    if (is_null(v))
        return 0;
    if (walk_fields(d, v, edits_fields, "containerEdits", e) < 0)
        return -1;
    for (size_t i = 0; i < e->n_device_nodes; i++)
        d->needs.v050 |= e->device_nodes[i].host_path && *e->device_nodes[i].host_path;
    for (size_t i = 0; i < e->n_mounts; i++)
        d->needs.v040 |= e->mounts[i].type && *e->mounts[i].type;
    d->needs.v070 |= e->has_intel_rdt || e->n_additional_gids;
    d->needs.v110 |= e->n_net_devices > 0;
    return 0;
}

static bool edits_empty(const struct cdi_edits *e)
{
    return !e->env && !e->n_device_nodes && !e->n_mounts && !e->n_hooks && !e->n_net_devices &&
           !e->n_additional_gids && !e->has_intel_rdt;
}

static bool alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The reference parser's names: vendor and class begin with a letter, a
 * device name with a letter or digit; both end alphanumeric, with _ - .
 * (and : in device names) between. */
static bool valid_name(const char *s, bool device)
{
    size_t n = strlen(s);
    if (!n || !(device ? alnum(s[0]) : (alnum(s[0]) && !(s[0] >= '0' && s[0] <= '9'))) || !alnum(s[n - 1]))
        return false;
    for (size_t i = 1; i + 1 < n; i++)
        if (!alnum(s[i]) && !strchr(device ? "_-.:" : "_-.", s[i]))
            return false;
    return true;
}

static const struct field device_fields[] = {
    FIELD("name", field_string, struct cdi_device, name),
    FIELD("annotations", field_annotations, struct cdi_device, annotations),
    FIELD("containerEdits", field_edits, struct cdi_device, edits),
    {NULL},
};

static int check_device(struct decoder *d, yaml_node_t *n, void *item, void *parent)
{
    const struct cdi_spec *spec = parent;
    const struct cdi_device *dev = item;
    if (!dev->name || !valid_name(dev->name, true))
        return fail(d, n, "invalid device name \"%s\"", dev->name ? dev->name : "");
    /* "MUST be unique per vendor and class": the reference library then
     * rejects the whole spec ("invalid spec, multiple device"). */
    for (size_t i = 0; i + 1 < spec->n_devices; i++)
        if (!strcmp(spec->devices[i].name, dev->name))
            return fail(d, n, "device \"%s\" is defined twice in the spec", dev->name);
    if (edits_empty(&dev->edits))
        return fail(d, n, "device \"%s\" has no containerEdits", dev->name);
    d->needs.v050 |= dev->name[0] >= '0' && dev->name[0] <= '9';
    d->needs.v060 |= dev->annotations != NULL;
    return 0;
}

static const struct object device_object = {"a device", device_fields, sizeof(struct cdi_device), check_device};

static int check_version(struct decoder *d, yaml_node_t *root, struct cdi_spec *spec, const struct needs *needs)
{
    /* Oldest first; a spec must say at least what its fields need. */
    static const char *const versions[] = {"0.1.0", "0.2.0", "0.3.0", "0.4.0", "0.5.0",
                                           "0.6.0", "0.7.0", "0.8.0", "1.0.0", "1.1.0"};
    const char *v = spec->version + (spec->version[0] == 'v');
    size_t have = ARRAY_SIZE(versions);
    for (size_t i = 0; i < ARRAY_SIZE(versions); i++)
        if (!strcmp(v, versions[i]))
            have = i;
    if (have == ARRAY_SIZE(versions))
        return fail(d, root, "unknown cdiVersion \"%s\"", spec->version);
    const char *need = needs->v110 ? "1.1.0"
                       : needs->v070 ? "0.7.0"
                       : needs->v060 ? "0.6.0"
                       : needs->v050 ? "0.5.0"
                       : needs->v040 ? "0.4.0"
                                     : "0.3.0";
    for (size_t i = 0; i < ARRAY_SIZE(versions); i++)
        if (!strcmp(need, versions[i]) && i > have)
            return fail(d, root, "cdiVersion %s is too old for the fields used: it must be at least %s",
                        spec->version, need);
    return 0;
}

/* The spec's devices are decoded after its kind: a device's checks name it. */
static int field_devices_later(struct decoder *d, yaml_node_t *v, const struct field *f, void *obj)
{
    (void)f, (void)obj;
    d->devices = v;
    return 0;
}

static const struct field spec_fields[] = {
    FIELD("cdiVersion", field_string, struct cdi_spec, version),
    FIELD("kind", field_string, struct cdi_spec, kind),
    FIELD("annotations", field_annotations, struct cdi_spec, annotations),
    FIELD("containerEdits", field_edits, struct cdi_spec, edits),
    FIELD("devices", field_devices_later, struct cdi_spec, devices),
    {NULL},
};

static int dec_spec(struct decoder *d, yaml_node_t *root, struct cdi_spec *spec)
{
    if (walk_fields(d, root, spec_fields, "the spec", spec) < 0)
        return -1;
    if (!spec->version || !*spec->version)
        return fail(d, root, "no cdiVersion");
    if (!spec->kind || !*spec->kind)
        return fail(d, root, "no kind");
    char *slash = strchr(spec->kind, '/');
    if (!slash)
        return fail(d, root, "kind \"%s\" is not vendor/class", spec->kind);
    cleanup_free char *vendor = xstrdup(spec->kind);
    vendor[slash - spec->kind] = '\0';
    if (!valid_name(vendor, false) || !valid_name(slash + 1, false))
        return fail(d, root, "kind \"%s\" is not vendor/class (letters, digits, _ - . between)", spec->kind);
    d->needs.v060 |= strchr(slash + 1, '.') != NULL || spec->annotations != NULL;
    static const struct field devices = OBJECTS("devices", struct cdi_spec, devices, n_devices, device_object);
    if (d->devices && devices.decode(d, d->devices, &devices, spec) < 0)
        return -1;
    if (!spec->n_devices)
        return fail(d, root, "no devices");
    return check_version(d, root, spec, &d->needs);
}

/* *kind (if not NULL) gets the spec's kind when it could be read, even if
 * the spec then fails its checks. */
static int spec_parse(const char *path, const char *text, size_t len, struct cdi_spec **out, char **kind,
                      struct hull_error **err)
{
    *out = NULL;
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser))
        return hull_error_set(err, ENOMEM, "%s: cannot start the YAML parser", path);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        int r = hull_error_set(err, 0, "%s: line %zu: %s%s%s", path, parser.problem_mark.line + 1,
                               parser.problem ? parser.problem : "invalid YAML", parser.context ? " " : "",
                               parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return r;
    }
    yaml_parser_delete(&parser);
    struct decoder d = {.path = path, .doc = &doc, .err = err};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    struct cdi_spec *spec = xmalloc0(sizeof *spec);
    spec->path = xstrdup(path);
    int r = root && !is_null(root) ? dec_spec(&d, root, spec) : hull_error_set(err, 0, "%s: an empty spec", path);
    yaml_document_delete(&doc);
    if (r < 0) {
        if (kind && spec->kind && *spec->kind)
            *kind = xstrdup(spec->kind);
        cdi_spec_free(spec);
        return -1;
    }
    *out = spec;
    return 0;
}

int cdi_spec_parse(const char *path, const char *text, size_t len, struct cdi_spec **out, struct hull_error **err)
{
    return spec_parse(path, text, len, out, NULL, err);
}

int cdi_spec_read(const char *path, struct cdi_spec **out, char **kind, struct hull_error **err)
{
    cleanup_free char *text = NULL;
    size_t len = 0;
    *out = NULL;
    if (read_file(path, &text, &len, err) < 0)
        return -1;
    return spec_parse(path, text, len, out, kind, err);
}

static void edits_clear(struct cdi_edits *e)
{
    strv_free(e->env);
    for (size_t i = 0; i < e->n_device_nodes; i++) {
        struct cdi_device_node *n = &e->device_nodes[i];
        free(n->path), free(n->host_path), free(n->type), free(n->permissions);
    }
    for (size_t i = 0; i < e->n_mounts; i++) {
        free(e->mounts[i].host_path), free(e->mounts[i].container_path), free(e->mounts[i].type);
        strv_free(e->mounts[i].options);
    }
    for (size_t i = 0; i < e->n_hooks; i++) {
        free(e->hooks[i].hook_name), free(e->hooks[i].path);
        strv_free(e->hooks[i].args), strv_free(e->hooks[i].env);
    }
    for (size_t i = 0; i < e->n_net_devices; i++)
        free(e->net_devices[i].host_interface_name), free(e->net_devices[i].name);
    free(e->device_nodes), free(e->mounts), free(e->hooks), free(e->net_devices), free(e->additional_gids);
}

void cdi_spec_free(struct cdi_spec *spec)
{
    if (!spec)
        return;
    for (size_t i = 0; i < spec->n_devices; i++) {
        free(spec->devices[i].name);
        strv_free(spec->devices[i].annotations);
        edits_clear(&spec->devices[i].edits);
    }
    free(spec->devices);
    edits_clear(&spec->edits);
    strv_free(spec->annotations);
    free(spec->path), free(spec->version), free(spec->kind);
    free(spec);
}
