/* hull: the record of a new container, in `docker inspect`'s shape (see record.h). */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_network.h"
#include "engine_spec.h"
#include "health.h"
#include "record.h"
#include "util/utils.h"

static struct json_object *json_copy(struct json_object *o)
{
    return o ? json_object_get(o) : NULL;
}

/* docker: the image's labels, then --label (a later one wins). */
static struct json_object *labels(struct json_object *image_config, const struct engine_run_config *rc)
{
    struct json_object *out = json_object_new_object();
    struct json_object *image_labels = engine_json_path(image_config, "Labels", NULL);
    if (image_labels && json_object_is_type(image_labels, json_type_object)) {
        json_object_object_foreach(image_labels, k, v) json_object_object_add(out, k, json_copy(v));
    }
    for (char **l = rc->labels; l && *l; l++) {
        const char *eq = strchr(*l, '=');
        cleanup_free char *key = eq ? strndup(*l, (size_t)(eq - *l)) : xstrdup(*l);
        json_object_object_add(out, key, json_object_new_string(eq ? eq + 1 : ""));
    }
    return out;
}

static struct json_object *strv_or_null(char *const *v)
{
    if (!v || !*v)
        return NULL;
    struct json_object *a = json_object_new_array();
    for (; *v; v++)
        json_object_array_add(a, json_object_new_string(*v));
    return a;
}

/* HostConfig members of the flags beyond the basic ones, with docker's names and types. */
static void add_run_flags(struct json_object *host, const struct engine_run_config *rc)
{
    json_object_object_add(host, "MemorySwap", json_object_new_int64(rc->memory_swap));
    json_object_object_add(host, "CpuShares", json_object_new_int64((int64_t)rc->cpu_shares));
    json_object_object_add(host, "CpusetCpus", json_object_new_string(rc->cpuset_cpus ? rc->cpuset_cpus : ""));
    json_object_object_add(host, "CpusetMems", json_object_new_string(rc->cpuset_mems ? rc->cpuset_mems : ""));
    json_object_object_add(host, "CapAdd", strv_or_null(rc->cap_add));
    json_object_object_add(host, "CapDrop", strv_or_null(rc->cap_drop));
    json_object_object_add(host, "Privileged", json_object_new_boolean(rc->privileged));
    json_object_object_add(host, "Devices", engine_devices_record(rc->devices, rc->n_devices));
    json_object_object_add(host, "DeviceCgroupRules", strv_or_null(rc->device_rules_given));
    json_object_object_add(host, "SecurityOpt", strv_or_null(rc->security_opt));
    json_object_object_add(host, "Init", rc->init_path ? json_object_new_boolean(true) : NULL);
    if (rc->n_tmpfs) {
        struct json_object *t = json_object_new_object();
        for (size_t i = 0; i < rc->n_tmpfs; i++)
            json_object_object_add(t, rc->tmpfs[i].destination, json_object_new_string(rc->tmpfs[i].options_text));
        json_object_object_add(host, "Tmpfs", t);
    }
    struct json_object *ulimits = rc->n_ulimits ? json_object_new_array() : NULL;
    for (size_t i = 0; i < rc->n_ulimits; i++) {
        struct json_object *u = json_object_new_object();
        json_object_object_add(u, "Name", json_object_new_string(rc->ulimits[i].name));
        json_object_object_add(u, "Hard", json_object_new_int64(rc->ulimits[i].hard));
        json_object_object_add(u, "Soft", json_object_new_int64(rc->ulimits[i].soft));
        json_object_array_add(ulimits, u);
    }
    json_object_object_add(host, "Ulimits", ulimits);
}

/* What every new record starts as: State "created", never started. */
static struct engine_record *record_new(const char *id, const char *name, const char *image_id)
{
    struct engine_record *rec = xmalloc0(sizeof *rec);
    rec->id = xstrdup(id);
    rec->created = rfc3339_now();
    rec->state.status = xstrdup("created");
    rec->state.error = xstrdup("");
    rec->state.started_at = xstrdup("0001-01-01T00:00:00Z");
    rec->state.finished_at = xstrdup("0001-01-01T00:00:00Z");
    rec->image_id = xstrdup(image_id);
    rec->name = xasprintf("/%s", name);
    return rec;
}

/* A member of a json-c tree holder, handed over (NULL when absent). */
static struct json_object *take(struct json_object *holder, const char *key)
{
    struct json_object *v = engine_json_path(holder, key, NULL);
    return v ? json_object_get(v) : NULL;
}

struct engine_record *engine_record_build(const struct engine_record_input *in)
{
    struct json_object *spec = json_tokener_parse(in->spec_json);
    struct json_object *process = engine_json_path(spec, "process", NULL);
    struct json_object *spec_args = engine_json_path(process, "args", NULL);
    /* --init: the record shows the command, as docker does, not hull-init in front of it. */
    size_t skip = in->rc->init_path ? 2 : 0;
    struct json_object *args = json_object_new_array();
    for (size_t i = skip; i < json_object_array_length(spec_args); i++)
        json_object_array_add(args, json_copy(json_object_array_get_idx(spec_args, i)));
    struct engine_record *out = record_new(in->id, in->name, in->image_id);
    out->path = xstrdup(json_object_array_length(args) ? json_object_get_string(json_object_array_get_idx(args, 0)) : "");
    for (size_t i = 1; i < json_object_array_length(args); i++)
        strv_add(&out->args, xstrdup(json_object_get_string(json_object_array_get_idx(args, i))));
    if (!out->args)
        out->args = xmalloc0(sizeof *out->args);
    out->resolv_conf_path = xstrdup(in->rc->resolv_conf_path ? in->rc->resolv_conf_path : "");
    out->hostname_path = xstrdup(in->rc->hostname_path ? in->rc->hostname_path : "");
    out->hosts_path = xstrdup(in->rc->hosts_path ? in->rc->hosts_path : "");
    out->log_path = in->detach ? xasprintf("%s/ctr.log", in->dir) : xstrdup("");
    /* docker's trees, built here as json-c still; the network code adds its
     * members (engine_network_record) */
    struct json_object *rec = json_object_new_object();

    struct json_object *config = json_object_new_object();
    json_object_object_add(config, "Hostname", json_copy(engine_json_path(spec, "hostname", NULL)));
    const char *domainname = engine_json_str(spec, "domainname");
    json_object_object_add(config, "Domainname", json_object_new_string(domainname));
    struct json_object *image_cfg = json_tokener_parse(in->image_config);
    struct json_object *image_config = engine_json_path(image_cfg, "config", NULL);
    const char *image_user = engine_json_str(image_config, "User");
    json_object_object_add(config, "User", json_object_new_string(in->rc->user ? in->rc->user : image_user));
    json_object_object_add(config, "Labels", labels(image_config, in->rc));
    const char *stop_signal = in->rc->stop_signal ? in->rc->stop_signal : engine_json_str(image_config, "StopSignal");
    if (*stop_signal)
        json_object_object_add(config, "StopSignal", json_object_new_string(stop_signal));
    /* the flags over the image's HEALTHCHECK, member by member (health.h) */
    struct json_object *hc = engine_health_config_merge(in->rc->healthcheck, engine_json_path(image_config, "Healthcheck", NULL));
    if (hc)
        json_object_object_add(config, "Healthcheck", hc);
    json_object_put(image_cfg);
    json_object_object_add(config, "Tty", json_object_new_boolean(in->rc->tty));
    json_object_object_add(config, "OpenStdin", json_object_new_boolean(in->interactive));
    json_object_object_add(config, "Env", json_copy(engine_json_path(process, "env", NULL)));
    json_object_object_add(config, "Cmd", json_copy(args));
    json_object_object_add(config, "Image", json_object_new_string(in->image_ref));
    json_object_object_add(config, "WorkingDir", json_copy(engine_json_path(process, "cwd", NULL)));
    json_object_object_add(config, "Entrypoint",
                           in->rc->entrypoint ? json_object_new_string(in->rc->entrypoint) : NULL);
    json_object_object_add(rec, "Config", config);

    struct json_object *host = json_object_new_object();
    struct json_object *binds = json_object_new_array(), *mounts = json_object_new_array();
    struct json_object *host_mounts = json_object_new_array();
    for (size_t i = 0; i < in->rc->n_binds; i++) {
        const struct engine_bind *b = &in->rc->binds[i];
        bool volume = b->kind == ENGINE_MOUNT_VOLUME;
        /* docker keeps -v as typed in Binds, --mount in HostConfig.Mounts, and
         * the image's VOLUMEs only in Mounts. */
        if (b->given) {
            json_object_array_add(binds, json_object_new_string(b->given));
        } else if (b->mode) { /* --mount (an image's VOLUME has no mode) */
            struct json_object *hm = json_object_new_object();
            json_object_object_add(hm, "Type", json_object_new_string(volume ? "volume" : "bind"));
            if (!b->anonymous)
                json_object_object_add(hm, "Source", json_object_new_string(volume ? b->volume : b->source));
            json_object_object_add(hm, "Target", json_object_new_string(b->destination));
            if (b->read_only)
                json_object_object_add(hm, "ReadOnly", json_object_new_boolean(true));
            json_object_array_add(host_mounts, hm);
        }
        struct json_object *m = json_object_new_object();
        json_object_object_add(m, "Type", json_object_new_string(volume ? "volume" : "bind"));
        if (volume)
            json_object_object_add(m, "Name", json_object_new_string(b->volume ? b->volume : ""));
        json_object_object_add(m, "Source", json_object_new_string(b->source ? b->source : ""));
        json_object_object_add(m, "Destination", json_object_new_string(b->destination));
        if (volume)
            json_object_object_add(m, "Driver", json_object_new_string("local"));
        json_object_object_add(m, "Mode", json_object_new_string(b->mode ? b->mode : ""));
        json_object_object_add(m, "RW", json_object_new_boolean(!b->read_only));
        json_object_object_add(m, "Propagation",
                               json_object_new_string(volume ? "" : b->propagation ? b->propagation : "rprivate"));
        json_object_array_add(mounts, m);
    }
    json_object_object_add(host, "Mounts", host_mounts);
    json_object_object_add(host, "Binds", binds);
    struct json_object *volumes_from = json_object_new_array();
    for (const char *const *v = in->volumes_from; v && *v; v++)
        json_object_array_add(volumes_from, json_object_new_string(*v));
    json_object_object_add(host, "VolumesFrom", volumes_from);
    json_object_object_add(host, "AutoRemove", json_object_new_boolean(in->auto_remove));
    json_object_object_add(host, "RestartPolicy", engine_restart_policy_json(&in->rc->restart));
    json_object_object_add(host, "LogConfig", engine_log_config_json(&in->rc->log));
    json_object_object_add(host, "ReadonlyRootfs", json_object_new_boolean(in->rc->read_only));
    json_object_object_add(host, "Memory", json_object_new_int64(in->rc->memory));
    json_object_object_add(
        host, "NanoCpus",
        json_object_new_int64(in->rc->cpu_period ? in->rc->cpu_quota * (1000000000 / (int64_t)in->rc->cpu_period) : 0));
    json_object_object_add(host, "CpuQuota", json_object_new_int64(in->rc->cpu_quota));
    json_object_object_add(host, "CpuPeriod", json_object_new_int64((int64_t)in->rc->cpu_period));
    json_object_object_add(host, "PidsLimit", in->rc->pids_limit ? json_object_new_int64(in->rc->pids_limit) : NULL);
    add_run_flags(host, in->rc);
    json_object_object_add(rec, "HostConfig", host);
    json_object_object_add(rec, "Mounts", mounts);

    struct json_object *gd = json_object_new_object(), *data = json_object_new_object();
    cleanup_free char *kind_path = xasprintf("%s/rootfs.kind", in->dir);
    cleanup_free char *kind = NULL;
    read_file(kind_path, &kind, NULL, NULL);
    bool copy = kind && !strncmp(kind, "copy", 4);
    json_object_object_add(gd, "Name", json_object_new_string(copy ? "vfs" : "overlay"));
    cleanup_free char *merged = xasprintf("%s/rootfs", in->dir);
    cleanup_free char *upper = xasprintf("%s/upper", in->dir);
    cleanup_free char *work = xasprintf("%s/work", in->dir);
    json_object_object_add(data, "MergedDir", json_object_new_string(merged));
    if (!copy) {
        json_object_object_add(data, "UpperDir", json_object_new_string(upper));
        json_object_object_add(data, "WorkDir", json_object_new_string(work));
    }
    json_object_object_add(gd, "Data", data);
    json_object_object_add(rec, "GraphDriver", gd);
    struct json_object *image_for_net = json_tokener_parse(in->image_config);
    engine_network_record(rec, in->rc, engine_json_path(image_for_net, "config", NULL));
    json_object_put(image_for_net);
    json_object_put(args);
    json_object_put(spec);
    out->config = take(rec, "Config");
    out->host_config = take(rec, "HostConfig");
    out->mounts = take(rec, "Mounts");
    out->graph_driver = take(rec, "GraphDriver");
    out->network_settings = take(rec, "NetworkSettings");
    json_object_put(rec);
    return out;
}

struct engine_record *engine_record_build_intent(const char *id, const char *name, const char *image_ref,
                                                const char *image_id, bool auto_remove)
{
    struct engine_record *rec = record_new(id, name, image_id);
    rec->path = xstrdup("");
    rec->args = xmalloc0(sizeof *rec->args);
    char **strs[] = {&rec->resolv_conf_path, &rec->hostname_path, &rec->hosts_path, &rec->log_path};
    for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
        *strs[i] = xstrdup("");
    rec->config = json_object_new_object();
    json_object_object_add(rec->config, "Image", json_object_new_string(image_ref));
    json_object_object_add(rec->config, "Cmd", json_object_new_array());
    rec->host_config = json_object_new_object();
    json_object_object_add(rec->host_config, "AutoRemove", json_object_new_boolean(auto_remove));
    rec->creating_pid = (int)getpid();
    return rec;
}
