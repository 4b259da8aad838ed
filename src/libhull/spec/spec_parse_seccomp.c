/* hull: linux.seccomp (config-linux.md, "Seccomp").  Names of actions,
 * operators, architectures and flags are checked against the spec's lists;
 * syscall names are not, because runc and crun skip syscalls that the local
 * libseccomp does not know so one profile works across kernels. */
#include <string.h>

#include "spec_internal.h"
#include "util/utils.h"

/* Syscall arguments are numbered 0..5 (struct seccomp_data.args[6]). */
#define SECCOMP_MAX_ARG_INDEX 5

static const char *const actions[] = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",   "SCMP_ACT_ERRNO",
    "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",        "SCMP_ACT_LOG",         "SCMP_ACT_NOTIFY", NULL};
static const char *const operators[] = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
                                        "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL};
static const char *const architectures[] = {
    "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",     "SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K",    "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB",        NULL};
static const char *const filter_flags[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                           "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
                                           NULL};

static bool name_in(const char *name, const char *const *list)
{
    for (; *list != NULL; list++)
        if (strcmp(name, *list) == 0)
            return true;
    return false;
}

/* config-linux.md: errnoRet applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE;
 * "When the action doesn't support an errno, the runtime MUST print and error and fail." */
static bool action_takes_errno(const char *action)
{
    return strcmp(action, "SCMP_ACT_ERRNO") == 0 || strcmp(action, "SCMP_ACT_TRACE") == 0;
}

static int parse_action(struct json_object *obj, const char *field, const char *key, char **out,
                        struct hull_error **err)
{
    int r = spec_get_string(obj, field, key, out, err);
    if (r < 0)
        return r;
    if (r == 0)
        return spec_error_missing(err, field, key);
    if (!name_in(*out, actions))
        return hull_error_set(err, 0, "%s \"%s\" is not a seccomp action (SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, ...)",
                              spec_field_key(field, key).s, *out);
    return 0;
}

static int parse_errno_ret(struct json_object *obj, const char *field, const char *key, const char *action, bool *has,
                           unsigned *out, struct hull_error **err)
{
    uint64_t v = 0;
    int r = spec_get_uint64(obj, field, key, UINT32_MAX, &v, err);
    if (r <= 0)
        return r;
    if (!action_takes_errno(action))
        return hull_error_set(err, 0, "%s is set but %s does not return an errno", spec_field_key(field, key).s,
                              action);
    *has = true;
    *out = (unsigned)v;
    return 0;
}

static int parse_names_checked(struct json_object *obj, const char *field, const char *key, const char *const *allowed,
                               const char *what, char ***out, struct hull_error **err)
{
    int r = spec_get_strv(obj, field, key, out, err);
    if (r <= 0)
        return r;
    for (size_t i = 0; (*out)[i] != NULL; i++)
        if (!name_in((*out)[i], allowed))
            return hull_error_set(err, 0, "%s \"%s\" is not %s", spec_field_index(spec_field_key(field, key).s, i).s,
                                  (*out)[i], what);
    return 0;
}

static int parse_args(struct json_object *array, const char *field, struct hull_seccomp_rule *rule,
                      struct hull_error **err)
{
    size_t n = json_object_array_length(array);
    rule->args = xmalloc0(n * sizeof *rule->args);
    rule->n_args = n;
    for (size_t i = 0; i < n; i++) {
        struct spec_field item = spec_field_index(field, i);
        struct json_object *obj = json_object_array_get_idx(array, i);
        struct hull_seccomp_arg *a = &rule->args[i];
        if (obj == NULL || !json_object_is_type(obj, json_type_object))
            return spec_error_type(err, item.s, obj, "an object");
        uint64_t index = 0;
        int r;
        if ((r = spec_get_uint64(obj, item.s, "index", SECCOMP_MAX_ARG_INDEX, &index, err)) <= 0)
            return r < 0 ? r : spec_error_missing(err, item.s, "index");
        a->index = (unsigned)index;
        if ((r = spec_get_uint64(obj, item.s, "value", UINT64_MAX, &a->value, err)) <= 0)
            return r < 0 ? r : spec_error_missing(err, item.s, "value");
        if (spec_get_uint64(obj, item.s, "valueTwo", UINT64_MAX, &a->value_two, err) < 0)
            return -1;
        if ((r = spec_get_string(obj, item.s, "op", &a->op, err)) <= 0)
            return r < 0 ? r : spec_error_missing(err, item.s, "op");
        if (!name_in(a->op, operators))
            return hull_error_set(err, 0,
                                  "%s.op \"%s\" is not a seccomp operator (SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, "
                                  "SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ)",
                                  item.s, a->op);
    }
    return 0;
}

static int parse_rule(struct json_object *obj, const char *field, struct hull_seccomp_rule *rule,
                      struct hull_error **err)
{
    if (obj == NULL || !json_object_is_type(obj, json_type_object))
        return spec_error_type(err, field, obj, "an object");
    int r = spec_get_strv(obj, field, "names", &rule->names, err);
    if (r < 0)
        return r;
    if (r == 0)
        return spec_error_missing(err, field, "names");
    if (rule->names[0] == NULL)
        return hull_error_set(err, 0, "%s.names must have at least one entry", field);
    if (parse_action(obj, field, "action", &rule->action, err) < 0 ||
        parse_errno_ret(obj, field, "errnoRet", rule->action, &rule->has_errno_ret, &rule->errno_ret, err) < 0)
        return -1;
    struct json_object *args = NULL;
    if ((r = spec_get_array(obj, field, "args", &args, err)) < 0)
        return r;
    if (r > 0 && parse_args(args, spec_field_key(field, "args").s, rule, err) < 0)
        return -1;
    return 0;
}

unsigned long spec_seccomp_parses;

int spec_parse_seccomp_json(struct json_object *obj, const char *field, struct hull_seccomp *s, struct hull_error **err)
{
    spec_seccomp_parses++;
    if (parse_action(obj, field, "defaultAction", &s->default_action, err) < 0 ||
        parse_errno_ret(obj, field, "defaultErrnoRet", s->default_action, &s->has_default_errno_ret,
                        &s->default_errno_ret, err) < 0)
        return -1;
    if (parse_names_checked(obj, field, "architectures", architectures, "a seccomp architecture (SCMP_ARCH_*)",
                            &s->architectures, err) < 0 ||
        parse_names_checked(obj, field, "flags", filter_flags, "a seccomp filter flag (SECCOMP_FILTER_FLAG_*)",
                            &s->flags, err) < 0)
        return -1;
    if (spec_get_string(obj, field, "listenerPath", &s->listener_path, err) < 0 ||
        spec_get_string(obj, field, "listenerMetadata", &s->listener_metadata, err) < 0)
        return -1;
    if (s->listener_metadata != NULL && s->listener_path == NULL)
        return hull_error_set(err, 0, "%s.listenerMetadata is set but listenerPath is not", field);
    struct json_object *syscalls = NULL;
    int r = spec_get_array(obj, field, "syscalls", &syscalls, err);
    if (r < 0)
        return r;
    if (r > 0) {
        struct spec_field sfield = spec_field_key(field, "syscalls");
        size_t n = json_object_array_length(syscalls);
        s->syscalls = xmalloc0(n * sizeof *s->syscalls);
        s->n_syscalls = n;
        for (size_t i = 0; i < n; i++)
            if (parse_rule(json_object_array_get_idx(syscalls, i), spec_field_index(sfield.s, i).s, &s->syscalls[i],
                           err) < 0)
                return -1;
    }
    /* SCMP_ACT_NOTIFY hands the notification fd to an agent at listenerPath; without one nobody answers. */
    bool notify = strcmp(s->default_action, "SCMP_ACT_NOTIFY") == 0;
    for (size_t i = 0; i < s->n_syscalls; i++)
        notify = notify || strcmp(s->syscalls[i].action, "SCMP_ACT_NOTIFY") == 0;
    if (notify && s->listener_path == NULL)
        return hull_error_set(err, 0, "%s uses SCMP_ACT_NOTIFY but listenerPath is not set", field);
    return 0;
}

int spec_parse_seccomp(struct json_object *obj, const char *field, struct hull_seccomp **out, struct hull_error **err)
{
    *out = NULL;
    if (obj == NULL || !json_object_is_type(obj, json_type_object))
        return spec_error_type(err, field, obj, "an object");
    struct hull_seccomp *s = xmalloc0(sizeof *s);
    if (spec_parse_seccomp_json(obj, field, s, err) < 0) {
        spec_seccomp_free(s);
        return -1;
    }
    *out = s;
    return 0;
}
