/* hull: struct hull_spec back to config.json text, the one serializer of the
 * typed config (issue 12: JSON only at the edges).
 *
 * The output parses back to the same struct: spec_parse(spec_to_json(s))
 * gives s again (tests/unit/spec/test_spec_json.c checks every field).  Only
 * what the parser reads is written: values it derives (mount flags, the
 * SCHED_* numbers) come back from the written names.  Optional members keep
 * "absent" and "empty" apart where the struct does (a NULL list is left out,
 * an empty one is written as []), so the round trip is exact. */
#include <json-c/json.h>
#include <string.h>

#include "spec_internal.h"
#include "util/utils.h"

static void put(struct json_object *obj, const char *key, struct json_object *value)
{
    json_object_object_add(obj, key, value);
}

static void put_str(struct json_object *obj, const char *key, const char *s)
{
    if (s != NULL)
        put(obj, key, json_object_new_string(s));
}

static struct json_object *strv_json(char *const *v)
{
    struct json_object *array = json_object_new_array();
    for (; v != NULL && *v != NULL; v++)
        json_object_array_add(array, json_object_new_string(*v));
    return array;
}

static void put_strv(struct json_object *obj, const char *key, char *const *v)
{
    if (v != NULL)
        put(obj, key, strv_json(v));
}

static void put_i64(struct json_object *obj, const char *key, int64_t v)
{
    put(obj, key, json_object_new_int64(v));
}

static void put_u64(struct json_object *obj, const char *key, uint64_t v)
{
    put(obj, key, json_object_new_uint64(v));
}

static void put_opt_i64(struct json_object *obj, const char *key, struct hull_opt_i64 o)
{
    if (o.set)
        put_i64(obj, key, o.v);
}

static void put_opt_u64(struct json_object *obj, const char *key, struct hull_opt_u64 o)
{
    if (o.set)
        put_u64(obj, key, o.v);
}

static void put_opt_bool(struct json_object *obj, const char *key, struct hull_opt_bool o)
{
    if (o.set)
        put(obj, key, json_object_new_boolean(o.v));
}

static void put_keyvals(struct json_object *obj, const char *key, const struct hull_keyval *kv, size_t n)
{
    if (n == 0)
        return;
    struct json_object *map = json_object_new_object();
    for (size_t i = 0; i < n; i++)
        put(map, kv[i].key, json_object_new_string(kv[i].value));
    put(obj, key, map);
}

/* The names of the bits set in `bits`, in table order. */
static struct json_object *flag_names(const struct spec_flag_name *table, uint64_t bits)
{
    struct json_object *array = json_object_new_array();
    for (; table->name != NULL; table++)
        if ((bits & table->value) == table->value && table->value != 0)
            json_object_array_add(array, json_object_new_string(table->name));
    return array;
}

static const char *value_name(const struct spec_flag_name *table, uint64_t value)
{
    for (; table->name != NULL; table++)
        if (table->value == value)
            return table->name;
    return NULL;
}

static struct json_object *id_mappings_json(const struct hull_id_mapping *m, size_t n)
{
    struct json_object *array = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_new_object();
        put_u64(o, "containerID", m[i].container_id);
        put_u64(o, "hostID", m[i].host_id);
        put_u64(o, "size", m[i].size);
        json_object_array_add(array, o);
    }
    return array;
}

static struct json_object *user_json(const struct hull_user *u)
{
    struct json_object *o = json_object_new_object();
    put_u64(o, "uid", u->uid);
    put_u64(o, "gid", u->gid);
    if (u->has_umask)
        put_u64(o, "umask", u->umask);
    if (u->additional_gids != NULL) {
        struct json_object *gids = json_object_new_array();
        for (size_t i = 0; i < u->n_additional_gids; i++)
            json_object_array_add(gids, json_object_new_uint64(u->additional_gids[i]));
        put(o, "additionalGids", gids);
    }
    put_str(o, "username", u->username);
    return o;
}

static struct json_object *scheduler_json(const struct hull_process *p)
{
    struct json_object *o = json_object_new_object();
    put_str(o, "policy", p->sched_policy);
    if (p->sched_nice != 0)
        put_i64(o, "nice", p->sched_nice);
    if (p->sched_priority != 0)
        put_i64(o, "priority", p->sched_priority);
    if (p->sched_flags != 0)
        put(o, "flags", flag_names(spec_sched_flags, p->sched_flags));
    if (p->sched_runtime != 0)
        put_u64(o, "runtime", p->sched_runtime);
    if (p->sched_deadline != 0)
        put_u64(o, "deadline", p->sched_deadline);
    if (p->sched_period != 0)
        put_u64(o, "period", p->sched_period);
    return o;
}

static struct json_object *process_json(const struct hull_process *p)
{
    struct json_object *o = json_object_new_object();
    if (p->terminal)
        put(o, "terminal", json_object_new_boolean(true));
    if (p->has_console_size) {
        struct json_object *size = json_object_new_object();
        put_u64(size, "height", p->console_height);
        put_u64(size, "width", p->console_width);
        put(o, "consoleSize", size);
    }
    put(o, "user", user_json(&p->user));
    put_strv(o, "args", p->args);
    put_strv(o, "env", p->env);
    put_str(o, "cwd", p->cwd);
    if (p->capabilities != NULL) {
        struct json_object *caps = json_object_new_object();
        put_strv(caps, "bounding", p->capabilities->bounding);
        put_strv(caps, "effective", p->capabilities->effective);
        put_strv(caps, "inheritable", p->capabilities->inheritable);
        put_strv(caps, "permitted", p->capabilities->permitted);
        put_strv(caps, "ambient", p->capabilities->ambient);
        put(o, "capabilities", caps);
    }
    if (p->rlimits != NULL) {
        struct json_object *array = json_object_new_array();
        for (size_t i = 0; i < p->n_rlimits; i++) {
            struct json_object *rl = json_object_new_object();
            put_str(rl, "type", p->rlimits[i].type);
            put_u64(rl, "hard", p->rlimits[i].hard);
            put_u64(rl, "soft", p->rlimits[i].soft);
            json_object_array_add(array, rl);
        }
        put(o, "rlimits", array);
    }
    if (p->no_new_privileges)
        put(o, "noNewPrivileges", json_object_new_boolean(true));
    put_str(o, "apparmorProfile", p->apparmor_profile);
    put_str(o, "selinuxLabel", p->selinux_label);
    if (p->has_oom_score_adj)
        put_i64(o, "oomScoreAdj", p->oom_score_adj);
    if (p->has_scheduler)
        put(o, "scheduler", scheduler_json(p));
    if (p->has_io_priority) {
        struct json_object *io = json_object_new_object();
        put_str(io, "class", p->io_priority_class);
        put_i64(io, "priority", p->io_priority);
        put(o, "ioPriority", io);
    }
    if (p->cpu_affinity_initial != NULL || p->cpu_affinity_final != NULL) {
        struct json_object *aff = json_object_new_object();
        put_str(aff, "initial", p->cpu_affinity_initial);
        put_str(aff, "final", p->cpu_affinity_final);
        put(o, "execCPUAffinity", aff);
    }
    return o;
}

static struct json_object *mounts_json(const struct hull_mount *mounts, size_t n)
{
    struct json_object *array = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        const struct hull_mount *m = &mounts[i];
        struct json_object *o = json_object_new_object();
        put_str(o, "destination", m->destination);
        put_str(o, "type", m->type);
        put_str(o, "source", m->source);
        put_strv(o, "options", m->options);
        if (m->n_uid_mappings > 0)
            put(o, "uidMappings", id_mappings_json(m->uid_mappings, m->n_uid_mappings));
        if (m->n_gid_mappings > 0)
            put(o, "gidMappings", id_mappings_json(m->gid_mappings, m->n_gid_mappings));
        json_object_array_add(array, o);
    }
    return array;
}

static struct json_object *hooks_json(const struct hull_hooks *hooks)
{
    const struct {
        const char *name;
        const struct hull_hook_list *list;
    } kinds[] = {
        {"prestart", &hooks->prestart},
        {"createRuntime", &hooks->create_runtime},
        {"createContainer", &hooks->create_container},
        {"startContainer", &hooks->start_container},
        {"poststart", &hooks->poststart},
        {"poststop", &hooks->poststop},
    };
    struct json_object *o = json_object_new_object();
    for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
        if (kinds[k].list->n == 0)
            continue;
        struct json_object *array = json_object_new_array();
        for (size_t i = 0; i < kinds[k].list->n; i++) {
            const struct hull_hook *h = &kinds[k].list->hooks[i];
            struct json_object *hook = json_object_new_object();
            put_str(hook, "path", h->path);
            put_strv(hook, "args", h->args);
            put_strv(hook, "env", h->env);
            if (h->has_timeout)
                put_i64(hook, "timeout", h->timeout);
            json_object_array_add(array, hook);
        }
        put(o, kinds[k].name, array);
    }
    return o;
}

static bool hooks_empty(const struct hull_hooks *h)
{
    return h->prestart.n + h->create_runtime.n + h->create_container.n + h->start_container.n + h->poststart.n +
               h->poststop.n ==
           0;
}

static struct json_object *devices_json(const struct hull_device *devices, size_t n)
{
    struct json_object *array = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        const struct hull_device *d = &devices[i];
        struct json_object *o = json_object_new_object();
        char type[2] = {d->type, '\0'};
        put_str(o, "path", d->path);
        put_str(o, "type", type);
        /* config-linux.md: major/minor are "REQUIRED unless type is p". */
        if (d->type != 'p' || d->major != 0 || d->minor != 0) {
            put_i64(o, "major", d->major);
            put_i64(o, "minor", d->minor);
        }
        if (d->has_file_mode)
            put_u64(o, "fileMode", d->file_mode);
        if (d->has_uid)
            put_u64(o, "uid", d->uid);
        if (d->has_gid)
            put_u64(o, "gid", d->gid);
        json_object_array_add(array, o);
    }
    return array;
}

static struct json_object *throttle_json(const struct hull_throttle_list *list)
{
    struct json_object *array = json_object_new_array();
    for (size_t i = 0; i < list->n; i++) {
        struct json_object *o = json_object_new_object();
        put_i64(o, "major", list->items[i].major);
        put_i64(o, "minor", list->items[i].minor);
        put_u64(o, "rate", list->items[i].rate);
        json_object_array_add(array, o);
    }
    return array;
}

static struct json_object *blkio_json(const struct hull_blkio *b)
{
    struct json_object *o = json_object_new_object();
    put_opt_u64(o, "weight", b->weight);
    put_opt_u64(o, "leafWeight", b->leaf_weight);
    if (b->n_weight_devices > 0) {
        struct json_object *array = json_object_new_array();
        for (size_t i = 0; i < b->n_weight_devices; i++) {
            struct json_object *d = json_object_new_object();
            put_i64(d, "major", b->weight_devices[i].major);
            put_i64(d, "minor", b->weight_devices[i].minor);
            put_opt_u64(d, "weight", b->weight_devices[i].weight);
            put_opt_u64(d, "leafWeight", b->weight_devices[i].leaf_weight);
            json_object_array_add(array, d);
        }
        put(o, "weightDevice", array);
    }
    const struct {
        const char *key;
        const struct hull_throttle_list *list;
    } throttles[] = {
        {"throttleReadBpsDevice", &b->read_bps},
        {"throttleWriteBpsDevice", &b->write_bps},
        {"throttleReadIOPSDevice", &b->read_iops},
        {"throttleWriteIOPSDevice", &b->write_iops},
    };
    for (size_t i = 0; i < ARRAY_SIZE(throttles); i++)
        if (throttles[i].list->n > 0)
            put(o, throttles[i].key, throttle_json(throttles[i].list));
    return o;
}

static struct json_object *device_rules_json(const struct hull_device_rule *rules, size_t n)
{
    struct json_object *array = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        const struct hull_device_rule *d = &rules[i];
        struct json_object *o = json_object_new_object();
        char type[2] = {d->type, '\0'};
        put(o, "allow", json_object_new_boolean(d->allow));
        put_str(o, "type", type);
        if (d->has_major)
            put_i64(o, "major", d->major);
        if (d->has_minor)
            put_i64(o, "minor", d->minor);
        put_str(o, "access", d->access);
        json_object_array_add(array, o);
    }
    return array;
}

static struct json_object *memory_json(const struct hull_memory *m)
{
    struct json_object *o = json_object_new_object();
    put_opt_i64(o, "limit", m->limit);
    put_opt_i64(o, "reservation", m->reservation);
    put_opt_i64(o, "swap", m->swap);
    put_opt_i64(o, "kernel", m->kernel);
    put_opt_i64(o, "kernelTCP", m->kernel_tcp);
    put_opt_u64(o, "swappiness", m->swappiness);
    put_opt_bool(o, "disableOOMKiller", m->disable_oom_killer);
    put_opt_bool(o, "useHierarchy", m->use_hierarchy);
    put_opt_bool(o, "checkBeforeUpdate", m->check_before_update);
    return o;
}

static struct json_object *cpu_json(const struct hull_cpu *c)
{
    struct json_object *o = json_object_new_object();
    put_opt_u64(o, "shares", c->shares);
    put_opt_i64(o, "quota", c->quota);
    put_opt_u64(o, "burst", c->burst);
    put_opt_u64(o, "period", c->period);
    put_opt_i64(o, "realtimeRuntime", c->realtime_runtime);
    put_opt_u64(o, "realtimePeriod", c->realtime_period);
    put_opt_i64(o, "idle", c->idle);
    put_str(o, "cpus", c->cpus);
    put_str(o, "mems", c->mems);
    return o;
}

static struct json_object *resources_json(const struct hull_resources *r)
{
    struct json_object *o = json_object_new_object();
    if (r->n_devices > 0)
        put(o, "devices", device_rules_json(r->devices, r->n_devices));
    if (r->has_memory)
        put(o, "memory", memory_json(&r->memory));
    if (r->has_cpu)
        put(o, "cpu", cpu_json(&r->cpu));
    if (r->has_pids) {
        struct json_object *pids = json_object_new_object();
        put_i64(pids, "limit", r->pids_limit);
        put(o, "pids", pids);
    }
    if (r->has_blkio)
        put(o, "blockIO", blkio_json(&r->blkio));
    if (r->n_hugepage_limits > 0) {
        struct json_object *array = json_object_new_array();
        for (size_t i = 0; i < r->n_hugepage_limits; i++) {
            struct json_object *h = json_object_new_object();
            put_str(h, "pageSize", r->hugepage_limits[i].page_size);
            put_u64(h, "limit", r->hugepage_limits[i].limit);
            json_object_array_add(array, h);
        }
        put(o, "hugepageLimits", array);
    }
    if (r->has_network) {
        struct json_object *net = json_object_new_object();
        put_opt_u64(net, "classID", r->net_class_id);
        if (r->n_net_priorities > 0) {
            struct json_object *array = json_object_new_array();
            for (size_t i = 0; i < r->n_net_priorities; i++) {
                struct json_object *p = json_object_new_object();
                put_str(p, "name", r->net_priorities[i].name);
                put_u64(p, "priority", r->net_priorities[i].priority);
                json_object_array_add(array, p);
            }
            put(net, "priorities", array);
        }
        put(o, "network", net);
    }
    if (r->n_rdma > 0) {
        struct json_object *rdma = json_object_new_object();
        for (size_t i = 0; i < r->n_rdma; i++) {
            struct json_object *l = json_object_new_object();
            put_opt_u64(l, "hcaHandles", r->rdma[i].hca_handles);
            put_opt_u64(l, "hcaObjects", r->rdma[i].hca_objects);
            put(rdma, r->rdma[i].device, l);
        }
        put(o, "rdma", rdma);
    }
    put_keyvals(o, "unified", r->unified, r->n_unified);
    return o;
}

static struct json_object *seccomp_json(const struct hull_seccomp *s)
{
    struct json_object *o = json_object_new_object();
    put_str(o, "defaultAction", s->default_action);
    if (s->has_default_errno_ret)
        put_u64(o, "defaultErrnoRet", s->default_errno_ret);
    put_strv(o, "architectures", s->architectures);
    put_strv(o, "flags", s->flags);
    put_str(o, "listenerPath", s->listener_path);
    put_str(o, "listenerMetadata", s->listener_metadata);
    if (s->syscalls != NULL) {
        struct json_object *array = json_object_new_array();
        for (size_t i = 0; i < s->n_syscalls; i++) {
            const struct hull_seccomp_rule *rule = &s->syscalls[i];
            struct json_object *r = json_object_new_object();
            put_strv(r, "names", rule->names);
            put_str(r, "action", rule->action);
            if (rule->has_errno_ret)
                put_u64(r, "errnoRet", rule->errno_ret);
            if (rule->n_args > 0) {
                struct json_object *args = json_object_new_array();
                for (size_t k = 0; k < rule->n_args; k++) {
                    struct json_object *a = json_object_new_object();
                    put_u64(a, "index", rule->args[k].index);
                    put_u64(a, "value", rule->args[k].value);
                    if (rule->args[k].value_two != 0)
                        put_u64(a, "valueTwo", rule->args[k].value_two);
                    put_str(a, "op", rule->args[k].op);
                    json_object_array_add(args, a);
                }
                put(r, "args", args);
            }
            json_object_array_add(array, r);
        }
        put(o, "syscalls", array);
    }
    return o;
}

static struct json_object *time_offset_json(int64_t secs, uint32_t nanosecs)
{
    struct json_object *o = json_object_new_object();
    put_i64(o, "secs", secs);
    put_u64(o, "nanosecs", nanosecs);
    return o;
}

static struct json_object *memory_policy_json(const struct hull_linux *l)
{
    struct json_object *o = json_object_new_object();
    put_str(o, "mode", value_name(spec_mempolicy_modes, (uint64_t)l->mempolicy_mode));
    put_str(o, "nodes", l->mempolicy_nodes);
    if (l->mempolicy_flags != 0)
        put(o, "flags", flag_names(spec_mempolicy_flags, l->mempolicy_flags));
    return o;
}

/* linux.namespaces in hull_ns_type order (the struct does not keep the written order, nor needs it). */
static void put_namespaces(struct json_object *o, const struct hull_linux *l)
{
    struct json_object *array = json_object_new_array();
    for (int t = 0; t < HULL_NS__COUNT; t++) {
        if (!l->namespaces[t].present)
            continue;
        struct json_object *ns = json_object_new_object();
        put_str(ns, "type", spec_ns_name(t));
        put_str(ns, "path", l->namespaces[t].path);
        json_object_array_add(array, ns);
    }
    if (json_object_array_length(array) > 0)
        put(o, "namespaces", array);
    else
        json_object_put(array);
}

static struct json_object *linux_json(const struct hull_linux *l)
{
    struct json_object *o = json_object_new_object();
    put_namespaces(o, l);
    if (l->n_uid_mappings > 0)
        put(o, "uidMappings", id_mappings_json(l->uid_mappings, l->n_uid_mappings));
    if (l->n_gid_mappings > 0)
        put(o, "gidMappings", id_mappings_json(l->gid_mappings, l->n_gid_mappings));
    if (l->has_time_offsets) {
        struct json_object *t = json_object_new_object();
        put(t, "monotonic", time_offset_json(l->monotonic_secs, l->monotonic_nanosecs));
        put(t, "boottime", time_offset_json(l->boottime_secs, l->boottime_nanosecs));
        put(o, "timeOffsets", t);
    }
    if (l->n_devices > 0)
        put(o, "devices", devices_json(l->devices, l->n_devices));
    put_str(o, "cgroupsPath", l->cgroups_path);
    if (l->has_resources)
        put(o, "resources", resources_json(&l->resources));
    put_keyvals(o, "sysctl", l->sysctl, l->n_sysctl);
    if (l->seccomp != NULL)
        put(o, "seccomp", seccomp_json(l->seccomp));
    if (l->rootfs_propagation != 0)
        put_str(o, "rootfsPropagation", value_name(spec_propagation_modes, l->rootfs_propagation));
    put_strv(o, "maskedPaths", l->masked_paths);
    put_strv(o, "readonlyPaths", l->readonly_paths);
    put_str(o, "mountLabel", l->mount_label);
    if (l->has_personality) {
        struct json_object *p = json_object_new_object();
        put_str(p, "domain", l->personality_domain);
        put(o, "personality", p);
    }
    if (l->has_memory_policy)
        put(o, "memoryPolicy", memory_policy_json(l));
    if (l->n_net_devices > 0) {
        struct json_object *devs = json_object_new_object();
        for (size_t i = 0; i < l->n_net_devices; i++) {
            struct json_object *d = json_object_new_object();
            put_str(d, "name", l->net_devices[i].name);
            put(devs, l->net_devices[i].host_name, d);
        }
        put(o, "netDevices", devs);
    }
    return o;
}

char *spec_to_json(const struct hull_spec *spec)
{
    struct json_object *o = json_object_new_object();
    put_str(o, "ociVersion", spec->oci_version);
    struct json_object *root = json_object_new_object();
    put_str(root, "path", spec->root_path);
    if (spec->root_readonly)
        put(root, "readonly", json_object_new_boolean(true));
    put(o, "root", root);
    if (spec->process != NULL)
        put(o, "process", process_json(spec->process));
    put_str(o, "hostname", spec->hostname);
    put_str(o, "domainname", spec->domainname);
    if (spec->n_mounts > 0)
        put(o, "mounts", mounts_json(spec->mounts, spec->n_mounts));
    if (!hooks_empty(&spec->hooks))
        put(o, "hooks", hooks_json(&spec->hooks));
    put_keyvals(o, "annotations", spec->annotations, spec->n_annotations);
    put(o, "linux", linux_json(&spec->linux_));
    char *text =
        xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return text;
}
