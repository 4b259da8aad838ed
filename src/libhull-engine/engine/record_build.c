/* hull: the record of a new container, in `docker inspect`'s shape (see record.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_network.h"
#include "engine_spec.h"
#include "engine_devices.h"
#include "health.h"
#include "image_config.h"
#include "log_config.h"
#include "restart.h"
#include "record.h"
#include "util/utils.h"

/* docker's null for an empty list (CapAdd, SecurityOpt ...). */
static char **strv_copy_or_null(char *const *v)
{
    return v && *v ? strv_copy(v) : NULL;
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

static void build_config(struct record_config *c, const struct engine_record_input *in, char *const *cmd,
                         const struct engine_image_config *image)
{
    const struct engine_run_config *rc = in->rc;
    const struct hull_process *p = in->spec->process;
    record_set(c, RC_HOSTNAME, RC_DOMAINNAME, RC_USER, RC_LABELS, RC_TTY, RC_OPEN_STDIN, RC_ENV, RC_CMD, RC_IMAGE,
               RC_WORKING_DIR, RC_ENTRYPOINT);
    c->hostname = in->spec->hostname ? xstrdup(in->spec->hostname) : NULL;
    c->domainname = xstrdup(record_str(in->spec->domainname));
    c->user = xstrdup(rc->user ? rc->user : record_str(image->user));
    /* docker: the image's labels, then --label (a later one wins) */
    c->labels = strv_copy(image->labels);
    if (!c->labels)
        c->labels = xmalloc0(sizeof *c->labels);
    for (char **l = rc->labels; l && *l; l++) {
        const char *eq = strchr(*l, '=');
        cleanup_free char *key = eq ? xstrndup(*l, (size_t)(eq - *l)) : xstrdup(*l);
        record_map_set(&c->labels, key, eq ? eq + 1 : "");
    }
    const char *stop_signal = rc->stop_signal ? rc->stop_signal : record_str(image->stop_signal);
    if (*stop_signal) {
        record_set(c, RC_STOP_SIGNAL);
        c->stop_signal = xstrdup(stop_signal);
    }
    /* the flags over the image's HEALTHCHECK, member by member (health.h) */
    engine_health_config_merge(&rc->healthcheck, &image->healthcheck, &c->healthcheck);
    if (c->healthcheck.keep.seen)
        record_set(c, RC_HEALTHCHECK);
    c->tty = rc->tty;
    c->open_stdin = in->interactive;
    c->env = p ? strv_copy(p->env) : NULL;
    c->cmd = strv_copy(cmd);
    c->image = xstrdup(in->image_ref);
    c->working_dir = p && p->cwd ? xstrdup(p->cwd) : NULL;
    c->entrypoint = rc->entrypoint ? xstrdup(rc->entrypoint) : NULL;
}

/* docker keeps -v as typed in Binds, --mount in HostConfig.Mounts, and the
 * image's VOLUMEs only in Mounts. */
static void build_mounts(struct engine_record *rec, const struct engine_run_config *rc)
{
    struct record_host_config *h = &rec->host_config;
    h->binds = xmalloc0(sizeof *h->binds);
    h->mounts = xmalloc0((rc->n_binds + 1) * sizeof *h->mounts);
    rec->mounts = xmalloc0((rc->n_binds + 1) * sizeof *rec->mounts);
    for (size_t i = 0; i < rc->n_binds; i++) {
        const struct engine_bind *b = &rc->binds[i];
        bool volume = b->kind == ENGINE_MOUNT_VOLUME;
        if (b->given) {
            strv_add(&h->binds, xstrdup(b->given));
        } else if (b->mode) { /* --mount (an image's VOLUME has no mode) */
            struct record_host_mount *hm = &h->mounts[h->n_mounts++];
            record_set(hm, RHM_TYPE, RHM_TARGET);
            hm->type = xstrdup(volume ? "volume" : "bind");
            if (!b->anonymous) {
                record_set(hm, RHM_SOURCE);
                hm->source = xstrdup(volume ? b->volume : b->source);
            }
            hm->target = xstrdup(b->destination);
            if (b->read_only) {
                record_set(hm, RHM_READ_ONLY);
                hm->read_only = true;
            }
        }
        struct record_mount *m = &rec->mounts[rec->n_mounts++];
        record_set(m, RM_TYPE, RM_SOURCE, RM_DESTINATION, RM_MODE, RM_RW, RM_PROPAGATION);
        if (volume)
            record_set(m, RM_NAME, RM_DRIVER);
        m->type = xstrdup(volume ? "volume" : "bind");
        m->name = volume ? xstrdup(b->volume ? b->volume : "") : NULL;
        m->source = xstrdup(b->source ? b->source : "");
        m->destination = xstrdup(b->destination);
        m->driver = volume ? xstrdup("local") : NULL;
        m->mode = xstrdup(b->mode ? b->mode : "");
        m->rw = !b->read_only;
        m->propagation = xstrdup(volume ? "" : b->propagation ? b->propagation : "rprivate");
    }
}

/* HostConfig: docker's names and types; null for a list not given. */
static void build_host_config(struct engine_record *rec, const struct engine_record_input *in)
{
    const struct engine_run_config *rc = in->rc;
    struct record_host_config *h = &rec->host_config;
    record_set(h, RH_MOUNTS, RH_BINDS, RH_VOLUMES_FROM, RH_AUTO_REMOVE, RH_RESTART_POLICY, RH_LOG_CONFIG,
               RH_READONLY_ROOTFS, RH_MEMORY, RH_NANO_CPUS, RH_CPU_QUOTA, RH_CPU_PERIOD, RH_PIDS_LIMIT,
               RH_MEMORY_SWAP, RH_CPU_SHARES, RH_CPUSET_CPUS, RH_CPUSET_MEMS, RH_CAP_ADD, RH_CAP_DROP,
               RH_PRIVILEGED, RH_DEVICES, RH_DEVICE_CGROUP_RULES, RH_SECURITY_OPT, RH_INIT, RH_ULIMITS);
    build_mounts(rec, rc);
    h->volumes_from = strv_copy((char *const *)in->volumes_from);
    if (!h->volumes_from)
        h->volumes_from = xmalloc0(sizeof *h->volumes_from);
    h->auto_remove = in->auto_remove;
    engine_restart_policy_record(&rc->restart, &h->restart_policy);
    engine_log_config_record(&rc->log, &h->log_config);
    h->readonly_rootfs = rc->read_only;
    h->memory = rc->memory;
    h->nano_cpus = rc->cpu_period ? rc->cpu_quota * (1000000000 / (int64_t)rc->cpu_period) : 0;
    h->cpu_quota = rc->cpu_quota;
    h->cpu_period = (int64_t)rc->cpu_period;
    h->pids_limit = rc->pids_limit;
    if (!rc->pids_limit)
        h->keep.null |= RECORD_BIT(RH_PIDS_LIMIT);
    h->memory_swap = rc->memory_swap;
    h->cpu_shares = (int64_t)rc->cpu_shares;
    h->cpuset_cpus = xstrdup(rc->cpuset_cpus ? rc->cpuset_cpus : "");
    h->cpuset_mems = xstrdup(rc->cpuset_mems ? rc->cpuset_mems : "");
    h->cap_add = strv_copy_or_null(rc->cap_add);
    h->cap_drop = strv_copy_or_null(rc->cap_drop);
    h->privileged = rc->privileged;
    engine_devices_record(rc->devices, rc->n_devices, &h->devices, &h->n_devices);
    h->device_cgroup_rules = strv_copy_or_null(rc->device_rules_given);
    h->security_opt = strv_copy_or_null(rc->security_opt);
    h->init = rc->init_path != NULL;
    if (!rc->init_path)
        h->keep.null |= RECORD_BIT(RH_INIT);
    if (rc->n_tmpfs) {
        record_set(h, RH_TMPFS);
        for (size_t i = 0; i < rc->n_tmpfs; i++)
            record_map_set(&h->tmpfs, rc->tmpfs[i].destination, rc->tmpfs[i].options_text);
    }
    if (rc->n_ulimits)
        h->ulimits = xmalloc0((rc->n_ulimits + 1) * sizeof *h->ulimits);
    for (size_t i = 0; i < rc->n_ulimits; i++) {
        struct record_ulimit *u = &h->ulimits[h->n_ulimits++];
        record_set(u, RUL_NAME, RUL_HARD, RUL_SOFT);
        u->name = xstrdup(rc->ulimits[i].name);
        u->hard = rc->ulimits[i].hard;
        u->soft = rc->ulimits[i].soft;
    }
}

static void build_graph_driver(struct record_graph_driver *gd, const char *dir)
{
    cleanup_free char *kind_path = xasprintf("%s/rootfs.kind", dir);
    cleanup_free char *kind = NULL;
    read_file(kind_path, &kind, NULL, NULL);
    bool copy = kind && !strncmp(kind, "copy", 4);
    record_set(gd, RGD_NAME, RGD_DATA);
    gd->name = xstrdup(copy ? "vfs" : "overlay");
    cleanup_free char *merged = xasprintf("%s/rootfs", dir);
    cleanup_free char *upper = xasprintf("%s/upper", dir);
    cleanup_free char *work = xasprintf("%s/work", dir);
    gd->data = xmalloc0(sizeof *gd->data);
    record_map_set(&gd->data, "MergedDir", merged);
    if (!copy) {
        record_map_set(&gd->data, "UpperDir", upper);
        record_map_set(&gd->data, "WorkDir", work);
    }
}

struct engine_record *engine_record_build(const struct engine_record_input *in)
{
    const struct hull_process *p = in->spec->process;
    /* --init: the record shows the command, as docker does, not hull-init in front of it. */
    size_t skip = in->rc->init_path ? 2 : 0;
    char *const *cmd = p && p->args && strv_length(p->args) >= skip ? p->args + skip : (char *const[]){NULL};
    struct engine_record *out = record_new(in->id, in->name, in->image_id);
    out->path = xstrdup(cmd[0] ? cmd[0] : "");
    out->args = strv_copy(cmd[0] ? cmd + 1 : cmd);
    out->resolv_conf_path = xstrdup(in->rc->resolv_conf_path ? in->rc->resolv_conf_path : "");
    out->hostname_path = xstrdup(in->rc->hostname_path ? in->rc->hostname_path : "");
    out->hosts_path = xstrdup(in->rc->hosts_path ? in->rc->hosts_path : "");
    out->log_path = in->detach ? xasprintf("%s/ctr.log", in->dir) : xstrdup("");
    /* engine_spec_make read it already: it parses */
    struct engine_image_config image = {0};
    engine_image_config_parse(in->image_config, &image, NULL);
    build_config(&out->config, in, cmd, &image);
    build_host_config(out, in);
    build_graph_driver(&out->graph_driver, in->dir);
    /* the network's members of Config and HostConfig (engine_network_record.c) */
    engine_network_record(out, in->rc, image.exposed_ports);
    engine_image_config_clear(&image);
    out->network_settings = engine_network_settings_for_run(in->rc);
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
    record_set(&rec->config, RC_IMAGE, RC_CMD);
    rec->config.image = xstrdup(image_ref);
    rec->config.cmd = xmalloc0(sizeof *rec->config.cmd);
    record_set(&rec->host_config, RH_AUTO_REMOVE);
    rec->host_config.auto_remove = auto_remove;
    rec->creating_pid = (int)getpid();
    return rec;
}
