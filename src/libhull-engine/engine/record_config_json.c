/* hull: Config, HostConfig, Mounts and GraphDriver of a container record
 * to and from JSON (see record_config.h): the one deserializer and the one
 * serializer of these members.
 *
 * Each object is a table of (docker key, kind, place in the struct), in the
 * order of its enum record_*_member, so reading, writing and freeing are
 * one loop each, and a member added to docker's shape is one line. */
#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "util/utils.h"

enum kind {
    K_STR,  /* char * */
    K_BOOL, /* bool */
    K_INT,  /* int64_t */
    K_STRV, /* char **, NULL-terminated */
    K_MAP,  /* record_map */
    K_OBJ,  /* a struct beginning with struct record_keep */
    K_ARR,  /* an array of those: pointer at off, size_t count at n_off */
    K_SET,  /* char **: the keys of an object of {} (docker's sets: ExposedPorts) */
    K_PORTS, /* struct record_port_bindings at off, count at n_off: an object of
              * arrays of PortBinding (or null) */
};

struct table;
struct field {
    const char *key;
    enum kind kind;
    size_t off;
    const struct table *sub; /* K_OBJ, K_ARR */
    size_t n_off;            /* K_ARR */
};

struct table {
    const struct field *fields;
    size_t n;
    size_t size; /* of the struct (K_ARR's elements) */
};

#define TABLE(T, f) {f, ARRAY_SIZE(f), sizeof(struct T)}

static const struct field healthcheck_fields[] = {
    [RHC_INTERVAL] = {"Interval", K_INT, offsetof(struct record_healthcheck, interval), NULL, 0},
    [RHC_TIMEOUT] = {"Timeout", K_INT, offsetof(struct record_healthcheck, timeout), NULL, 0},
    [RHC_START_PERIOD] = {"StartPeriod", K_INT, offsetof(struct record_healthcheck, start_period), NULL, 0},
    [RHC_START_INTERVAL] = {"StartInterval", K_INT, offsetof(struct record_healthcheck, start_interval), NULL, 0},
    [RHC_RETRIES] = {"Retries", K_INT, offsetof(struct record_healthcheck, retries), NULL, 0},
    [RHC_TEST] = {"Test", K_STRV, offsetof(struct record_healthcheck, test), NULL, 0},
};
static const struct table healthcheck_table = TABLE(record_healthcheck, healthcheck_fields);

#define C(member, KEY, KIND, field) [member] = {KEY, KIND, offsetof(struct record_config, field), NULL, 0}
static const struct field config_fields[] = {
    C(RC_HOSTNAME, "Hostname", K_STR, hostname),
    C(RC_DOMAINNAME, "Domainname", K_STR, domainname),
    C(RC_USER, "User", K_STR, user),
    C(RC_LABELS, "Labels", K_MAP, labels),
    C(RC_STOP_SIGNAL, "StopSignal", K_STR, stop_signal),
    [RC_HEALTHCHECK] = {"Healthcheck", K_OBJ, offsetof(struct record_config, healthcheck), &healthcheck_table, 0},
    C(RC_TTY, "Tty", K_BOOL, tty),
    C(RC_OPEN_STDIN, "OpenStdin", K_BOOL, open_stdin),
    C(RC_ENV, "Env", K_STRV, env),
    C(RC_CMD, "Cmd", K_STRV, cmd),
    C(RC_IMAGE, "Image", K_STR, image),
    C(RC_WORKING_DIR, "WorkingDir", K_STR, working_dir),
    C(RC_ENTRYPOINT, "Entrypoint", K_STR, entrypoint),
    C(RC_MAC_ADDRESS, "MacAddress", K_STR, mac_address),
    C(RC_EXPOSED_PORTS, "ExposedPorts", K_SET, exposed_ports),
};
static const struct table config_table = TABLE(record_config, config_fields);

static const struct field host_mount_fields[] = {
    [RHM_TYPE] = {"Type", K_STR, offsetof(struct record_host_mount, type), NULL, 0},
    [RHM_SOURCE] = {"Source", K_STR, offsetof(struct record_host_mount, source), NULL, 0},
    [RHM_TARGET] = {"Target", K_STR, offsetof(struct record_host_mount, target), NULL, 0},
    [RHM_READ_ONLY] = {"ReadOnly", K_BOOL, offsetof(struct record_host_mount, read_only), NULL, 0},
};
static const struct table host_mount_table = TABLE(record_host_mount, host_mount_fields);

static const struct field restart_policy_fields[] = {
    [RRP_NAME] = {"Name", K_STR, offsetof(struct record_restart_policy, name), NULL, 0},
    [RRP_MAXIMUM_RETRY_COUNT] = {"MaximumRetryCount", K_INT,
                                 offsetof(struct record_restart_policy, maximum_retry_count), NULL, 0},
};
static const struct table restart_policy_table = TABLE(record_restart_policy, restart_policy_fields);

static const struct field log_config_fields[] = {
    [RLC_TYPE] = {"Type", K_STR, offsetof(struct record_log_config, type), NULL, 0},
    [RLC_CONFIG] = {"Config", K_MAP, offsetof(struct record_log_config, config), NULL, 0},
};
static const struct table log_config_table = TABLE(record_log_config, log_config_fields);

static const struct field device_fields[] = {
    [RDV_PATH_ON_HOST] = {"PathOnHost", K_STR, offsetof(struct record_device, path_on_host), NULL, 0},
    [RDV_PATH_IN_CONTAINER] = {"PathInContainer", K_STR, offsetof(struct record_device, path_in_container), NULL,
                               0},
    [RDV_CGROUP_PERMISSIONS] = {"CgroupPermissions", K_STR, offsetof(struct record_device, cgroup_permissions),
                                NULL, 0},
};
static const struct table device_table = TABLE(record_device, device_fields);

static const struct field ulimit_fields[] = {
    [RUL_NAME] = {"Name", K_STR, offsetof(struct record_ulimit, name), NULL, 0},
    [RUL_HARD] = {"Hard", K_INT, offsetof(struct record_ulimit, hard), NULL, 0},
    [RUL_SOFT] = {"Soft", K_INT, offsetof(struct record_ulimit, soft), NULL, 0},
};
static const struct table ulimit_table = TABLE(record_ulimit, ulimit_fields);

static const struct field port_binding_fields[] = {
    [RPB_HOST_IP] = {"HostIp", K_STR, offsetof(struct record_port_binding, host_ip), NULL, 0},
    [RPB_HOST_PORT] = {"HostPort", K_STR, offsetof(struct record_port_binding, host_port), NULL, 0},
};
static const struct table port_binding_table = TABLE(record_port_binding, port_binding_fields);

#define H(member, KEY, KIND, field) [member] = {KEY, KIND, offsetof(struct record_host_config, field), NULL, 0}
#define HA(member, KEY, field, sub)                                                                             \
    [member] = {KEY, K_ARR, offsetof(struct record_host_config, field), sub,                                    \
                offsetof(struct record_host_config, n_##field)}
static const struct field host_config_fields[] = {
    HA(RH_MOUNTS, "Mounts", mounts, &host_mount_table),
    H(RH_BINDS, "Binds", K_STRV, binds),
    H(RH_VOLUMES_FROM, "VolumesFrom", K_STRV, volumes_from),
    H(RH_AUTO_REMOVE, "AutoRemove", K_BOOL, auto_remove),
    [RH_RESTART_POLICY] = {"RestartPolicy", K_OBJ, offsetof(struct record_host_config, restart_policy),
                           &restart_policy_table, 0},
    [RH_LOG_CONFIG] = {"LogConfig", K_OBJ, offsetof(struct record_host_config, log_config), &log_config_table, 0},
    H(RH_READONLY_ROOTFS, "ReadonlyRootfs", K_BOOL, readonly_rootfs),
    H(RH_MEMORY, "Memory", K_INT, memory),
    H(RH_NANO_CPUS, "NanoCpus", K_INT, nano_cpus),
    H(RH_CPU_QUOTA, "CpuQuota", K_INT, cpu_quota),
    H(RH_CPU_PERIOD, "CpuPeriod", K_INT, cpu_period),
    H(RH_PIDS_LIMIT, "PidsLimit", K_INT, pids_limit),
    H(RH_MEMORY_SWAP, "MemorySwap", K_INT, memory_swap),
    H(RH_CPU_SHARES, "CpuShares", K_INT, cpu_shares),
    H(RH_CPUSET_CPUS, "CpusetCpus", K_STR, cpuset_cpus),
    H(RH_CPUSET_MEMS, "CpusetMems", K_STR, cpuset_mems),
    H(RH_CAP_ADD, "CapAdd", K_STRV, cap_add),
    H(RH_CAP_DROP, "CapDrop", K_STRV, cap_drop),
    H(RH_PRIVILEGED, "Privileged", K_BOOL, privileged),
    HA(RH_DEVICES, "Devices", devices, &device_table),
    H(RH_DEVICE_CGROUP_RULES, "DeviceCgroupRules", K_STRV, device_cgroup_rules),
    H(RH_SECURITY_OPT, "SecurityOpt", K_STRV, security_opt),
    H(RH_INIT, "Init", K_BOOL, init),
    H(RH_TMPFS, "Tmpfs", K_MAP, tmpfs),
    HA(RH_ULIMITS, "Ulimits", ulimits, &ulimit_table),
    H(RH_NETWORK_MODE, "NetworkMode", K_STR, network_mode),
    [RH_PORT_BINDINGS] = {"PortBindings", K_PORTS, offsetof(struct record_host_config, port_bindings),
                          &port_binding_table, offsetof(struct record_host_config, n_port_bindings)},
    H(RH_PUBLISH_ALL_PORTS, "PublishAllPorts", K_BOOL, publish_all_ports),
    H(RH_EXTRA_HOSTS, "ExtraHosts", K_STRV, extra_hosts),
    H(RH_DNS, "Dns", K_STRV, dns),
    H(RH_DNS_SEARCH, "DnsSearch", K_STRV, dns_search),
    H(RH_DNS_OPTIONS, "DnsOptions", K_STRV, dns_options),
};
static const struct table host_config_table = TABLE(record_host_config, host_config_fields);

#define M(member, KEY, KIND, field) [member] = {KEY, KIND, offsetof(struct record_mount, field), NULL, 0}
static const struct field mount_fields[] = {
    M(RM_TYPE, "Type", K_STR, type),
    M(RM_NAME, "Name", K_STR, name),
    M(RM_SOURCE, "Source", K_STR, source),
    M(RM_DESTINATION, "Destination", K_STR, destination),
    M(RM_DRIVER, "Driver", K_STR, driver),
    M(RM_MODE, "Mode", K_STR, mode),
    M(RM_RW, "RW", K_BOOL, rw),
    M(RM_PROPAGATION, "Propagation", K_STR, propagation),
};
static const struct table mount_table = TABLE(record_mount, mount_fields);

static const struct field graph_driver_fields[] = {
    [RGD_NAME] = {"Name", K_STR, offsetof(struct record_graph_driver, name), NULL, 0},
    [RGD_DATA] = {"Data", K_MAP, offsetof(struct record_graph_driver, data), NULL, 0},
};
static const struct table graph_driver_table = TABLE(record_graph_driver, graph_driver_fields);

#define AT(base, off, type) ((type *)((char *)(base) + (off)))

/* ---- reading ---- */

static bool obj_from_json(struct json_object *j, const struct table *t, void *base);

static bool all_of_type(struct json_object *a, json_type type)
{
    for (size_t i = 0; i < json_object_array_length(a); i++)
        if (!json_object_is_type(json_object_array_get_idx(a, i), type))
            return false;
    return true;
}

static bool strv_from_json(struct json_object *v, char ***out)
{
    if (!json_object_is_type(v, json_type_array) || !all_of_type(v, json_type_string))
        return false;
    size_t n = json_object_array_length(v);
    char **s = xmalloc0((n + 1) * sizeof *s);
    for (size_t i = 0; i < n; i++)
        s[i] = xstrdup(json_object_get_string(json_object_array_get_idx(v, i)));
    *out = s;
    return true;
}

static bool map_from_json(struct json_object *v, record_map *out)
{
    if (!json_object_is_type(v, json_type_object))
        return false;
    json_object_object_foreach(v, k0, v0)
    {
        (void)k0;
        if (!json_object_is_type(v0, json_type_string))
            return false;
    }
    char **m = xmalloc0((2 * (size_t)json_object_object_length(v) + 1) * sizeof *m);
    size_t i = 0;
    json_object_object_foreach(v, k, s)
    {
        m[i++] = xstrdup(k);
        m[i++] = xstrdup(json_object_get_string(s));
    }
    *out = m;
    return true;
}

static void *items_from_json(struct json_object *v, const struct table *sub, size_t *n)
{
    *n = json_object_array_length(v);
    char *items = xmalloc0((*n + 1) * sub->size);
    for (size_t i = 0; i < *n; i++)
        obj_from_json(json_object_array_get_idx(v, i), sub, items + i * sub->size);
    return items;
}

static bool arr_from_json(struct json_object *v, const struct field *f, void *base)
{
    if (!json_object_is_type(v, json_type_array) || !all_of_type(v, json_type_object))
        return false;
    *AT(base, f->off, void *) = items_from_json(v, f->sub, AT(base, f->n_off, size_t));
    return true;
}

/* docker's sets ({"80/tcp": {}}): a member with anything in it is not one. */
static bool set_from_json(struct json_object *v, char ***out)
{
    if (!json_object_is_type(v, json_type_object))
        return false;
    json_object_object_foreach(v, k0, v0)
    {
        (void)k0;
        if (!json_object_is_type(v0, json_type_object) || json_object_object_length(v0))
            return false;
    }
    char **keys = xmalloc0(((size_t)json_object_object_length(v) + 1) * sizeof *keys);
    size_t i = 0;
    json_object_object_foreach(v, k, unused)
    {
        (void)unused;
        keys[i++] = xstrdup(k);
    }
    *out = keys;
    return true;
}

static bool ports_from_json(struct json_object *v, const struct field *f, void *base)
{
    if (!json_object_is_type(v, json_type_object))
        return false;
    json_object_object_foreach(v, k0, list)
    {
        (void)k0;
        if (list && (!json_object_is_type(list, json_type_array) || !all_of_type(list, json_type_object)))
            return false;
    }
    struct record_port_bindings *ports = xmalloc0(((size_t)json_object_object_length(v) + 1) * sizeof *ports);
    size_t n = 0;
    json_object_object_foreach(v, port, bindings)
    {
        ports[n].port = xstrdup(port);
        if (bindings)
            ports[n].bindings = items_from_json(bindings, f->sub, &ports[n].n_bindings);
        n++;
    }
    *AT(base, f->off, struct record_port_bindings *) = ports;
    *AT(base, f->n_off, size_t) = n;
    return true;
}

/* One member into its place; false when its JSON type is not the one known. */
static bool value_from_json(struct json_object *v, const struct field *f, void *base)
{
    switch (f->kind) {
    case K_STR:
        if (!json_object_is_type(v, json_type_string))
            return false;
        *AT(base, f->off, char *) = xstrdup(json_object_get_string(v));
        return true;
    case K_BOOL:
        if (!json_object_is_type(v, json_type_boolean))
            return false;
        *AT(base, f->off, bool) = json_object_get_boolean(v);
        return true;
    case K_INT:
        if (!json_object_is_type(v, json_type_int))
            return false;
        *AT(base, f->off, int64_t) = json_object_get_int64(v);
        return true;
    case K_STRV:
        return strv_from_json(v, AT(base, f->off, char **));
    case K_MAP:
        return map_from_json(v, AT(base, f->off, record_map));
    case K_OBJ:
        return obj_from_json(v, f->sub, AT(base, f->off, void));
    case K_ARR:
        return arr_from_json(v, f, base);
    case K_SET:
        return set_from_json(v, AT(base, f->off, char **));
    case K_PORTS:
        return ports_from_json(v, f, base);
    }
    return false;
}

static void keep_other(struct json_object **other, const char *key, struct json_object *v)
{
    if (!*other)
        *other = json_object_new_object();
    json_object_object_add(*other, key, json_object_get(v));
}

static bool obj_from_json(struct json_object *j, const struct table *t, void *base)
{
    if (!json_object_is_type(j, json_type_object))
        return false;
    struct record_keep *keep = base;
    keep->seen = true;
    json_object_object_foreach(j, key, v)
    {
        size_t i = 0;
        while (i < t->n && strcmp(t->fields[i].key, key))
            i++;
        if (i < t->n && !v) {
            keep->present |= RECORD_BIT(i);
            keep->null |= RECORD_BIT(i);
        } else if (i < t->n && !(keep->present & RECORD_BIT(i)) && value_from_json(v, &t->fields[i], base)) {
            keep->present |= RECORD_BIT(i);
        } else {
            keep_other(&keep->other, key, v);
        }
    }
    return true;
}

bool record_healthcheck_from_json(struct json_object *hc, struct record_healthcheck *out)
{
    return obj_from_json(hc, &healthcheck_table, out);
}

bool record_map_from_json(struct json_object *map, record_map *out)
{
    return map_from_json(map, out);
}

/* Members of a shape this code does not read go to the record's other. */
void record_config_from_json(struct json_object *j, struct engine_record *rec)
{
    static const struct {
        const char *key;
        const struct table *t;
        size_t off;
    } objs[] = {
        {"Config", &config_table, offsetof(struct engine_record, config)},
        {"HostConfig", &host_config_table, offsetof(struct engine_record, host_config)},
        {"GraphDriver", &graph_driver_table, offsetof(struct engine_record, graph_driver)},
    };
    struct json_object *v = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(objs); i++)
        if (json_object_object_get_ex(j, objs[i].key, &v) && !obj_from_json(v, objs[i].t, AT(rec, objs[i].off, void)))
            keep_other(&rec->other, objs[i].key, v);
    static const struct field mounts = {"Mounts", K_ARR, offsetof(struct engine_record, mounts), &mount_table,
                                        offsetof(struct engine_record, n_mounts)};
    if (json_object_object_get_ex(j, "Mounts", &v) && !arr_from_json(v, &mounts, rec))
        keep_other(&rec->other, "Mounts", v);
}

/* ---- writing ---- */

static struct json_object *obj_to_json(const struct table *t, const void *base);

static struct json_object *strv_to_json(char *const *s)
{
    if (!s)
        return NULL;
    struct json_object *a = json_object_new_array();
    for (; *s; s++)
        json_object_array_add(a, json_object_new_string(*s));
    return a;
}

static struct json_object *map_to_json(record_map m)
{
    if (!m)
        return NULL;
    struct json_object *o = json_object_new_object();
    for (; m[0] && m[1]; m += 2)
        json_object_object_add(o, m[0], json_object_new_string(m[1]));
    return o;
}

static struct json_object *arr_to_json(const struct table *sub, const void *items, size_t n)
{
    if (!items)
        return NULL;
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, obj_to_json(sub, (const char *)items + i * sub->size));
    return a;
}

static struct json_object *set_to_json(char *const *keys)
{
    if (!keys)
        return NULL;
    struct json_object *o = json_object_new_object();
    for (; *keys; keys++)
        json_object_object_add(o, *keys, json_object_new_object());
    return o;
}

static struct json_object *ports_to_json(const struct table *sub, const struct record_port_bindings *ports, size_t n)
{
    if (!ports)
        return NULL;
    struct json_object *o = json_object_new_object();
    for (size_t i = 0; i < n; i++)
        json_object_object_add(o, ports[i].port, arr_to_json(sub, ports[i].bindings, ports[i].n_bindings));
    return o;
}

static struct json_object *value_to_json(const struct field *f, const void *base)
{
    const char *b = base;
    switch (f->kind) {
    case K_STR: {
        const char *s = *(char *const *)(b + f->off);
        return s ? json_object_new_string(s) : NULL;
    }
    case K_BOOL:
        return json_object_new_boolean(*(const bool *)(b + f->off));
    case K_INT:
        return json_object_new_int64(*(const int64_t *)(b + f->off));
    case K_STRV:
        return strv_to_json(*(char **const *)(b + f->off));
    case K_MAP:
        return map_to_json(*(const record_map *)(b + f->off));
    case K_OBJ:
        return obj_to_json(f->sub, b + f->off);
    case K_ARR:
        return arr_to_json(f->sub, *(void *const *)(b + f->off), *(const size_t *)(b + f->n_off));
    case K_SET:
        return set_to_json(*(char **const *)(b + f->off));
    case K_PORTS:
        return ports_to_json(f->sub, *(struct record_port_bindings *const *)(b + f->off),
                             *(const size_t *)(b + f->n_off));
    }
    return NULL;
}

static struct json_object *obj_to_json(const struct table *t, const void *base)
{
    const struct record_keep *keep = base;
    struct json_object *o = json_object_new_object();
    for (size_t i = 0; i < t->n; i++) {
        if (!(keep->present & RECORD_BIT(i)))
            continue;
        bool null = keep->null & RECORD_BIT(i);
        json_object_object_add(o, t->fields[i].key, null ? NULL : value_to_json(&t->fields[i], base));
    }
    if (keep->other) {
        json_object_object_foreach(keep->other, key, v) json_object_object_add(o, key, json_object_get(v));
    }
    return o;
}

void record_config_to_json(const struct engine_record *rec, struct json_object *o)
{
    if (rec->config.keep.seen)
        json_object_object_add(o, "Config", obj_to_json(&config_table, &rec->config));
    if (rec->host_config.keep.seen)
        json_object_object_add(o, "HostConfig", obj_to_json(&host_config_table, &rec->host_config));
    if (rec->mounts)
        json_object_object_add(o, "Mounts", arr_to_json(&mount_table, rec->mounts, rec->n_mounts));
    if (rec->graph_driver.keep.seen)
        json_object_object_add(o, "GraphDriver", obj_to_json(&graph_driver_table, &rec->graph_driver));
}

/* ---- freeing ---- */

static void obj_free(const struct table *t, void *base);

static void arr_free(const struct table *sub, void *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        obj_free(sub, (char *)items + i * sub->size);
    free(items);
}

static void ports_free(const struct table *sub, struct record_port_bindings *ports, size_t n)
{
    for (size_t i = 0; ports && i < n; i++) {
        free(ports[i].port);
        arr_free(sub, ports[i].bindings, ports[i].n_bindings);
    }
    free(ports);
}

static void obj_free(const struct table *t, void *base)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct field *f = &t->fields[i];
        switch (f->kind) {
        case K_STR:
            free(*AT(base, f->off, char *));
            break;
        case K_STRV:
        case K_MAP:
        case K_SET:
            strv_free(*AT(base, f->off, char **));
            break;
        case K_OBJ:
            obj_free(f->sub, AT(base, f->off, void));
            break;
        case K_ARR:
            arr_free(f->sub, *AT(base, f->off, void *), *AT(base, f->n_off, size_t));
            break;
        case K_PORTS:
            ports_free(f->sub, *AT(base, f->off, struct record_port_bindings *), *AT(base, f->n_off, size_t));
            break;
        case K_BOOL:
        case K_INT:
            break;
        }
    }
    struct record_keep *keep = base;
    json_object_put(keep->other);
}

struct json_object *record_healthcheck_to_json(const struct record_healthcheck *hc)
{
    return hc->keep.seen ? obj_to_json(&healthcheck_table, hc) : NULL;
}

void record_healthcheck_copy(const struct record_healthcheck *from, struct record_healthcheck *to)
{
    *to = *from;
    to->test = strv_copy(from->test);
    to->keep.other = from->keep.other ? json_object_get(from->keep.other) : NULL;
}

void record_healthcheck_clear(struct record_healthcheck *hc)
{
    obj_free(&healthcheck_table, hc);
    *hc = (struct record_healthcheck){0};
}

void record_config_free(struct engine_record *rec)
{
    obj_free(&config_table, &rec->config);
    obj_free(&host_config_table, &rec->host_config);
    arr_free(&mount_table, rec->mounts, rec->n_mounts);
    obj_free(&graph_driver_table, &rec->graph_driver);
}

/* ---- helpers of the builders and readers ---- */

void record_mark(struct record_keep *keep, ...)
{
    va_list ap;
    va_start(ap, keep);
    keep->seen = true;
    for (int m = va_arg(ap, int); m >= 0; m = va_arg(ap, int))
        keep->present |= RECORD_BIT(m);
    va_end(ap);
}

const char *record_map_get(record_map map, const char *key)
{
    for (char **m = map; m && m[0] && m[1]; m += 2)
        if (!strcmp(m[0], key))
            return m[1];
    return NULL;
}

void record_map_set(record_map *map, const char *key, const char *value)
{
    for (char **m = *map; m && m[0] && m[1]; m += 2)
        if (!strcmp(m[0], key)) {
            free(m[1]);
            m[1] = xstrdup(value);
            return;
        }
    strv_add(map, xstrdup(key));
    strv_add(map, xstrdup(value));
}
