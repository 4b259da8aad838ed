/* hull: the `process` object of config.json (also `exec --process FILE`). */
#include <stdlib.h>
#include <string.h>
#include <linux/ioprio.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/resource.h>

#include "spec_internal.h"
#include "util/idlist.h"
#include "util/utils.h"

/* RLIMIT_* names the spec allows (config.md: "Linux: valid values are defined in getrlimit(2)"). */
static const struct {
    const char *name;
    int resource;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},       {"RLIMIT_FSIZE", RLIMIT_FSIZE},       {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},   {"RLIMIT_NPROC", RLIMIT_NPROC},       {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},     {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

int spec_rlimit_resource(const char *type)
{
    for (size_t k = 0; k < ARRAY_SIZE(rlimit_names); k++)
        if (strcmp(type, rlimit_names[k].name) == 0)
            return rlimit_names[k].resource;
    return -1;
}

/* config.md's names; SCHED_ISO was never merged into Linux (-1: refused at create). */
static const struct {
    const char *name;
    int value;
} sched_policies[] = {
    {"SCHED_OTHER", SCHED_OTHER}, {"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH}, {"SCHED_ISO", -1},          {"SCHED_IDLE", SCHED_IDLE},
    {"SCHED_DEADLINE", SCHED_DEADLINE},
};
const struct spec_flag_name spec_sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK},   {"SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM},
    {"SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN},         {"SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY},
    {"SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS},       {"SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX}, {NULL, 0},
};
static const char *const ioprio_classes[] = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL};
static const int ioprio_class_ids[] = {IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE};

static int name_index(const char *name, const char *const *list)
{
    for (int i = 0; list[i] != NULL; i++)
        if (strcmp(name, list[i]) == 0)
            return i;
    return -1;
}

static int parse_user(struct json_object *obj, const char *field, struct hull_process *p, struct hull_error **err)
{
    struct hull_user *user = &p->user;
    uint64_t v = 0;
    int r;
    /* uid/gid are REQUIRED by the spec, but runc (Go zero values) runs as 0:0
     * when they are missing; we accept the same configs runc accepts. */
    if ((r = spec_get_uint64(obj, field, "uid", UINT32_MAX, &v, err)) < 0)
        return r;
    user->uid = (uid_t)v;
    v = 0;
    if ((r = spec_get_uint64(obj, field, "gid", UINT32_MAX, &v, err)) < 0)
        return r;
    user->gid = (gid_t)v;
    if ((r = spec_get_uint64(obj, field, "umask", 07777, &v, err)) < 0)
        return r;
    if (r > 0) {
        user->has_umask = true;
        user->umask = (mode_t)v;
    }
    struct json_object *gids = NULL;
    if ((r = spec_get_array(obj, field, "additionalGids", &gids, err)) < 0)
        return r;
    if (r > 0) {
        struct spec_field gfield = spec_field_key(field, "additionalGids");
        size_t n = json_object_array_length(gids);
        user->additional_gids = xmalloc0((n ? n : 1) * sizeof *user->additional_gids);
        user->n_additional_gids = n;
        for (size_t i = 0; i < n; i++) {
            if (spec_value_uint64(json_object_array_get_idx(gids, i), spec_field_index(gfield.s, i).s, UINT32_MAX, &v,
                                  err) < 0)
                return -1;
            user->additional_gids[i] = (gid_t)v;
        }
    }
    if (spec_get_string(obj, field, "username", &user->username, err) < 0)
        return -1;
    return 0;
}

static int parse_capabilities(struct json_object *obj, const char *field, struct hull_process *p,
                              struct hull_error **err)
{
    struct hull_capabilities *caps = p->capabilities = xmalloc0(sizeof *p->capabilities);
    /* Names are kept as written: runc ignores (with a warning) capabilities the
     * running kernel does not know, so validation belongs to the code applying them. */
    if (spec_get_strv(obj, field, "bounding", &caps->bounding, err) < 0 ||
        spec_get_strv(obj, field, "effective", &caps->effective, err) < 0 ||
        spec_get_strv(obj, field, "inheritable", &caps->inheritable, err) < 0 ||
        spec_get_strv(obj, field, "permitted", &caps->permitted, err) < 0 ||
        spec_get_strv(obj, field, "ambient", &caps->ambient, err) < 0)
        return -1;
    return 0;
}

static int parse_rlimits(struct json_object *array, const char *field, struct hull_process *p, struct hull_error **err)
{
    size_t n = json_object_array_length(array);
    p->rlimits = xmalloc0((n ? n : 1) * sizeof *p->rlimits);
    p->n_rlimits = n;
    for (size_t i = 0; i < n; i++) {
        struct spec_field item = spec_field_index(field, i);
        struct json_object *obj = json_object_array_get_idx(array, i);
        struct hull_rlimit *rl = &p->rlimits[i];
        if (obj == NULL || !json_object_is_type(obj, json_type_object))
            return spec_error_type(err, item.s, obj, "an object");
        int r = spec_get_string(obj, item.s, "type", &rl->type, err);
        if (r < 0)
            return r;
        if (r == 0)
            return spec_error_missing(err, item.s, "type");
        rl->resource = spec_rlimit_resource(rl->type);
        if (rl->resource < 0)
            return hull_error_set(err, 0, "%s.type \"%s\" is not an rlimit type (RLIMIT_NOFILE, RLIMIT_NPROC, ...)",
                                  item.s, rl->type);
        for (size_t k = 0; k < i; k++)
            if (p->rlimits[k].resource == rl->resource)
                return hull_error_set(err, 0, "%s.type \"%s\" is given twice (also %s[%zu])", item.s, rl->type, field,
                                      k);
        if ((r = spec_get_uint64(obj, item.s, "soft", UINT64_MAX, &rl->soft, err)) <= 0)
            return r < 0 ? r : spec_error_missing(err, item.s, "soft");
        if ((r = spec_get_uint64(obj, item.s, "hard", UINT64_MAX, &rl->hard, err)) <= 0)
            return r < 0 ? r : spec_error_missing(err, item.s, "hard");
        /* setrlimit(2) would fail with EINVAL inside the container; say why here. */
        if (rl->soft > rl->hard)
            return hull_error_set(err, 0, "%s (%s): soft limit %llu is greater than hard limit %llu", item.s, rl->type,
                                  (unsigned long long)rl->soft, (unsigned long long)rl->hard);
    }
    return 0;
}

static int parse_scheduler(struct json_object *obj, const char *field, struct hull_process *p, struct hull_error **err)
{
    int r = spec_get_string(obj, field, "policy", &p->sched_policy, err);
    if (r < 0)
        return r;
    if (r == 0)
        return spec_error_missing(err, field, "policy");
    size_t k = 0;
    while (k < ARRAY_SIZE(sched_policies) && strcmp(p->sched_policy, sched_policies[k].name) != 0)
        k++;
    if (k == ARRAY_SIZE(sched_policies))
        return hull_error_set(err, 0,
                              "%s.policy \"%s\" is not a scheduling policy (SCHED_OTHER, SCHED_BATCH, SCHED_IDLE, "
                              "SCHED_FIFO, SCHED_RR, SCHED_DEADLINE)",
                              field, p->sched_policy);
    p->sched_policy_id = sched_policies[k].value;
    int64_t v = 0;
    if ((r = spec_get_int64(obj, field, "nice", -20, 19, &v, err)) < 0)
        return r;
    p->sched_nice = (int)v;
    v = 0;
    /* sched(7): static priorities are 1..99 for SCHED_FIFO/SCHED_RR and 0 for the others. */
    if ((r = spec_get_int64(obj, field, "priority", 0, 99, &v, err)) < 0)
        return r;
    p->sched_priority = (int)v;
    bool realtime = p->sched_policy_id == SCHED_FIFO || p->sched_policy_id == SCHED_RR;
    if (realtime && p->sched_priority == 0)
        return hull_error_set(err, 0, "%s.priority must be 1 to 99 for %s", field, p->sched_policy);
    if (!realtime && p->sched_priority != 0)
        return hull_error_set(err, 0, "%s.priority %d: only SCHED_FIFO and SCHED_RR take a priority (0 for %s)",
                              field, p->sched_priority, p->sched_policy);
    cleanup_strv char **flags = NULL;
    if (spec_get_strv(obj, field, "flags", &flags, err) < 0)
        return -1;
    for (size_t i = 0; flags && flags[i]; i++) {
        size_t f = 0;
        while (spec_sched_flags[f].name != NULL && strcmp(flags[i], spec_sched_flags[f].name) != 0)
            f++;
        if (spec_sched_flags[f].name == NULL)
            return hull_error_set(err, 0, "%s \"%s\" is not a scheduler flag (SCHED_FLAG_RESET_ON_FORK, ...)",
                                  spec_field_index(spec_field_key(field, "flags").s, i).s, flags[i]);
        p->sched_flags |= spec_sched_flags[f].value;
    }
    if (spec_get_uint64(obj, field, "runtime", UINT64_MAX, &p->sched_runtime, err) < 0 ||
        spec_get_uint64(obj, field, "deadline", UINT64_MAX, &p->sched_deadline, err) < 0 ||
        spec_get_uint64(obj, field, "period", UINT64_MAX, &p->sched_period, err) < 0)
        return -1;
    /* sched(7): 0 < runtime <= deadline <= period (a period of 0 means "= deadline"). */
    if (p->sched_policy_id == SCHED_DEADLINE &&
        (p->sched_runtime == 0 || p->sched_runtime > p->sched_deadline ||
         (p->sched_period != 0 && p->sched_deadline > p->sched_period)))
        return hull_error_set(err, 0, "%s: SCHED_DEADLINE needs 0 < runtime (%llu) <= deadline (%llu) <= period (%llu)",
                              field, (unsigned long long)p->sched_runtime, (unsigned long long)p->sched_deadline,
                              (unsigned long long)p->sched_period);
    p->has_scheduler = true;
    return 0;
}

static int parse_io_priority(struct json_object *obj, const char *field, struct hull_process *p,
                             struct hull_error **err)
{
    int r = spec_get_string(obj, field, "class", &p->io_priority_class, err);
    if (r < 0)
        return r;
    if (r == 0)
        return spec_error_missing(err, field, "class");
    int k = name_index(p->io_priority_class, ioprio_classes);
    if (k < 0)
        return hull_error_set(err, 0,
                              "%s.class \"%s\" is not an I/O priority class (IOPRIO_CLASS_RT, "
                              "IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE)",
                              field, p->io_priority_class);
    p->io_priority_class_id = ioprio_class_ids[k];
    int64_t v = 0;
    /* ioprio_set(2): levels 0 (highest) to 7 (lowest). */
    if (spec_get_int64(obj, field, "priority", 0, 7, &v, err) < 0)
        return -1;
    p->io_priority = (int)v;
    p->has_io_priority = true;
    return 0;
}

/* One of execCPUAffinity's lists: kept as written when its syntax is right;
 * whether the host has those CPUs is checked at create/exec (process_attrs.c). */
static int parse_cpu_list(struct json_object *obj, const char *field, const char *key, char **out,
                          struct hull_error **err)
{
    int r = spec_get_string(obj, field, key, out, err);
    if (r <= 0)
        return r;
    struct idlist cpus;
    if (idlist_parse(*out, &cpus) < 0)
        return hull_error_set(err, 0, "%s \"%s\" is not a CPU list (like \"0-3,7\")", spec_field_key(field, key).s,
                              *out);
    if (idlist_empty(&cpus)) {
        /* config.md: "If omitted or empty, runtime SHOULD NOT change process' CPU affinity". */
        free(*out);
        *out = NULL;
    }
    return 0;
}

/* consoleSize: both members REQUIRED, each a terminal dimension (16 bits, as in struct winsize). */
static int parse_console_size(struct json_object *obj, const char *field, struct hull_process *p,
                              struct hull_error **err)
{
    uint64_t h = 0, w = 0;
    int r;
    if ((r = spec_get_uint64(obj, field, "height", UINT16_MAX, &h, err)) <= 0)
        return r < 0 ? r : spec_error_missing(err, field, "height");
    if ((r = spec_get_uint64(obj, field, "width", UINT16_MAX, &w, err)) <= 0)
        return r < 0 ? r : spec_error_missing(err, field, "width");
    p->has_console_size = true;
    p->console_height = (unsigned)h;
    p->console_width = (unsigned)w;
    return 0;
}

static int parse_exec_cpu_affinity(struct json_object *obj, const char *field, struct hull_process *p,
                                   struct hull_error **err)
{
    if (parse_cpu_list(obj, field, "initial", &p->cpu_affinity_initial, err) < 0 ||
        parse_cpu_list(obj, field, "final", &p->cpu_affinity_final, err) < 0)
        return -1;
    return 0;
}

/* The nested section KEY of the process object (an object, or an array when
 * want says so) handed to parse with its path "FIELD.KEY"; nothing when absent. */
static int parse_section(struct json_object *obj, const char *field, const char *key, enum json_type want,
                         int (*parse)(struct json_object *, const char *, struct hull_process *, struct hull_error **),
                         struct hull_process *p, struct hull_error **err)
{
    struct json_object *sub = NULL;
    int r = want == json_type_array ? spec_get_array(obj, field, key, &sub, err)
                                    : spec_get_object(obj, field, key, &sub, err);
    if (r <= 0)
        return r;
    return parse(sub, spec_field_key(field, key).s, p, err) < 0 ? -1 : 0;
}

/* args and env; env may be absent (an empty environment), args may not. */
static int parse_args_env(struct json_object *obj, const char *field, struct hull_process *p, struct hull_error **err)
{
    int r;
    /* config.md: "This specification extends the IEEE standard in that at least one entry is REQUIRED". */
    if ((r = spec_get_strv(obj, field, "args", &p->args, err)) < 0)
        return r;
    if (r == 0)
        return spec_error_missing(err, field, "args");
    if (p->args[0] == NULL)
        return hull_error_set(err, 0, "%s must have at least one entry", spec_field_key(field, "args").s);
    if (spec_get_strv(obj, field, "env", &p->env, err) < 0)
        return -1;
    if (p->env == NULL)
        p->env = xmalloc0(sizeof *p->env);
    return 0;
}

/* cwd is REQUIRED and absolute (config.md). */
static int parse_cwd(struct json_object *obj, const char *field, struct hull_process *p, struct hull_error **err)
{
    int r;
    if ((r = spec_get_string(obj, field, "cwd", &p->cwd, err)) < 0)
        return r;
    if (r == 0)
        return spec_error_missing(err, field, "cwd");
    if (p->cwd[0] != '/')
        return hull_error_set(err, 0, "%s \"%s\" must be an absolute path", spec_field_key(field, "cwd").s, p->cwd);
    return 0;
}

static int parse_oom_score_adj(struct json_object *obj, const char *field, struct hull_process *p,
                               struct hull_error **err)
{
    int64_t oom = 0;
    int r;
    /* proc(5): oom_score_adj ranges from -1000 to +1000. */
    if ((r = spec_get_int64(obj, field, "oomScoreAdj", -1000, 1000, &oom, err)) < 0)
        return r;
    if (r > 0) {
        p->has_oom_score_adj = true;
        p->oom_score_adj = (int)oom;
    }
    return 0;
}

/* The members in one fixed order, so that of two bad members the same one
 * is always the one reported. */
int spec_parse_process_json(struct json_object *obj, const char *field, struct hull_process *p, struct hull_error **err)
{
    /* A Windows field: refused, not ignored (issue 11). */
    static const char *const windows[] = {"commandLine", NULL};
    if (spec_refuse_members(obj, field, windows, "is a Windows field; a Linux container takes process.args", err) < 0)
        return -1;
    if (spec_get_bool(obj, field, "terminal", &p->terminal, err) < 0 ||
        parse_section(obj, field, "consoleSize", json_type_object, parse_console_size, p, err) < 0 ||
        parse_section(obj, field, "user", json_type_object, parse_user, p, err) < 0 ||
        parse_args_env(obj, field, p, err) < 0 || parse_cwd(obj, field, p, err) < 0 ||
        parse_section(obj, field, "capabilities", json_type_object, parse_capabilities, p, err) < 0 ||
        parse_section(obj, field, "rlimits", json_type_array, parse_rlimits, p, err) < 0 ||
        spec_get_bool(obj, field, "noNewPrivileges", &p->no_new_privileges, err) < 0 ||
        spec_get_string(obj, field, "apparmorProfile", &p->apparmor_profile, err) < 0 ||
        spec_get_string(obj, field, "selinuxLabel", &p->selinux_label, err) < 0 ||
        parse_oom_score_adj(obj, field, p, err) < 0 ||
        parse_section(obj, field, "scheduler", json_type_object, parse_scheduler, p, err) < 0 ||
        parse_section(obj, field, "ioPriority", json_type_object, parse_io_priority, p, err) < 0 ||
        parse_section(obj, field, "execCPUAffinity", json_type_object, parse_exec_cpu_affinity, p, err) < 0)
        return -1;
    return 0;
}

int spec_parse_process(const char *json_text, struct hull_process **out, struct hull_error **err)
{
    struct json_object *obj = NULL;
    if (spec_json_parse_text(json_text, &obj, err) < 0)
        return hull_error_wrap(err, "process");
    if (!json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        return hull_error_set(err, 0, "process must be a JSON object");
    }
    struct hull_process *p = xmalloc0(sizeof *p);
    int r = spec_parse_process_json(obj, "process", p, err);
    json_object_put(obj);
    if (r < 0) {
        spec_process_free(p);
        return -1;
    }
    *out = p;
    return 0;
}
