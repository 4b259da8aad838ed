/* hull: the capabilities and seccomp profile of a `hull run` container.
 *
 * Capabilities follow moby's TweakCapabilities: docker's 14 defaults, minus
 * --cap-drop, plus --cap-add; "ALL" in --cap-add starts from every
 * capability, "ALL" in --cap-drop from none; --privileged gets everything.
 * "Every capability" is every one this process can pass on: the bounding set
 * of this host lacks some (CAP_SYS_RESOURCE here), and asking the runtime
 * for those would only print a warning on each start.
 *
 * Seccomp: the default is profiles/seccomp-default.json, compiled into the
 * binary (embed_text.py), so `hull` needs no data file.  Like docker's
 * default profile, it lets a container that holds a capability use the
 * system calls that capability is about (mount with CAP_SYS_ADMIN, ptrace
 * with CAP_SYS_PTRACE ...): docker writes that as "includes": {"caps": ...}
 * in its profile; the OCI-format file here cannot, so the table below adds
 * them.  A profile given with --security-opt seccomp=FILE may be in docker's
 * format (archMap, includes/excludes by caps, arch and minKernel, "name")
 * or plain OCI; both are turned into an OCI linux.seccomp object the way
 * moby's setupSeccomp does. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/utsname.h>

#include "engine_security.h"
#include "security/security.h"
#include "spec/spec.h"
#include "util/utils.h"

/* Generated from profiles/seccomp-default.json (see meson.build). */
extern const char engine_seccomp_default_json[];

/* ---- capabilities ---- */

/* moby's oci/caps/defaults.go. */
static const char *const docker_default_caps[] = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",      "CAP_MKNOD",
    "CAP_NET_RAW", "CAP_SETGID",       "CAP_SETUID",           "CAP_SETFCAP",     "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE",            "CAP_SYS_CHROOT",       "CAP_KILL",        "CAP_AUDIT_WRITE",
};

static bool strv_contains(char *const *v, const char *s)
{
    for (; v && *v; v++)
        if (!strcmp(*v, s))
            return true;
    return false;
}

/* Bit n set: capability n is in the result. */
static void add_name(uint64_t *set, const char *name)
{
    int v;
    if (caps_parse_name(name, &v) == 0)
        *set |= 1ULL << v;
}

static uint64_t all_grantable(void)
{
    uint64_t set = 0;
    for (int c = 0; c < (int)cap_max_bits() && c < 64; c++)
        if (caps_host_can_grant(c))
            set |= 1ULL << c;
    return set;
}

char **engine_capabilities(const struct engine_run_config *rc)
{
    uint64_t set = 0;
    if (rc->privileged) {
        set = all_grantable();
    } else if (strv_contains(rc->cap_add, "ALL")) {
        set = all_grantable();
        for (char *const *d = rc->cap_drop; d && *d; d++) {
            int v;
            if (caps_parse_name(*d, &v) == 0)
                set &= ~(1ULL << v);
        }
    } else {
        if (!strv_contains(rc->cap_drop, "ALL")) {
            for (size_t i = 0; i < ARRAY_SIZE(docker_default_caps); i++)
                if (!strv_contains(rc->cap_drop, docker_default_caps[i]))
                    add_name(&set, docker_default_caps[i]);
        }
        /* Added after the drops: a capability named in both is kept, as in moby. */
        for (char *const *a = rc->cap_add; a && *a; a++)
            add_name(&set, *a);
    }
    char **names = xmalloc0(65 * sizeof *names);
    size_t n = 0;
    for (int c = 0; c < 64; c++)
        if (set & (1ULL << c))
            names[n++] = caps_name(c);
    return names;
}

/* ---- seccomp: docker's profile format into OCI ---- */

/* Go's GOARCH and libseccomp's name of the machine hull was built for: the
 * "arches" of docker's includes/excludes and the keys of its archMap. */
#if defined(__x86_64__)
#define GO_ARCH "amd64"
#define SCMP_NATIVE "SCMP_ARCH_X86_64"
#elif defined(__aarch64__)
#define GO_ARCH "arm64"
#define SCMP_NATIVE "SCMP_ARCH_AARCH64"
#elif defined(__i386__)
#define GO_ARCH "386"
#define SCMP_NATIVE "SCMP_ARCH_X86"
#elif defined(__arm__)
#define GO_ARCH "arm"
#define SCMP_NATIVE "SCMP_ARCH_ARM"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define GO_ARCH "ppc64le"
#define SCMP_NATIVE "SCMP_ARCH_PPC64LE"
#elif defined(__s390x__)
#define GO_ARCH "s390x"
#define SCMP_NATIVE "SCMP_ARCH_S390X"
#elif defined(__riscv) && __riscv_xlen == 64
#define GO_ARCH "riscv64"
#define SCMP_NATIVE "SCMP_ARCH_RISCV64"
#else
#define GO_ARCH "unknown"
#define SCMP_NATIVE "SCMP_ARCH_NATIVE"
#endif

static struct json_object *member(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) && !json_object_is_type(v, json_type_null) ? v : NULL;
}

static bool array_has_string(struct json_object *a, const char *s)
{
    for (size_t i = 0; a && json_object_is_type(a, json_type_array) && i < json_object_array_length(a); i++)
        if (!strcmp(json_object_get_string(json_object_array_get_idx(a, i)), s))
            return true;
    return false;
}

/* "4.8" <= the running kernel. */
static bool kernel_at_least(const char *version)
{
    struct utsname u;
    unsigned want_major = 0, want_minor = 0, major = 0, minor = 0;
    if (sscanf(version, "%u.%u", &want_major, &want_minor) < 1 || uname(&u) < 0 ||
        sscanf(u.release, "%u.%u", &major, &minor) < 1)
        return false;
    return major > want_major || (major == want_major && minor >= want_minor);
}

/* docker's includes/excludes of one rule: true when the rule applies. */
static bool rule_applies(struct json_object *rule, char *const *caps)
{
    struct json_object *inc = member(rule, "includes"), *exc = member(rule, "excludes");
    struct json_object *v;
    if (exc) {
        if ((v = member(exc, "arches")) && array_has_string(v, GO_ARCH))
            return false;
        for (size_t i = 0; (v = member(exc, "caps")) && i < json_object_array_length(v); i++)
            if (strv_contains(caps, json_object_get_string(json_object_array_get_idx(v, i))))
                return false;
        if ((v = member(exc, "minKernel")) && kernel_at_least(json_object_get_string(v)))
            return false;
    }
    if (inc) {
        if ((v = member(inc, "arches")) && json_object_array_length(v) > 0 && !array_has_string(v, GO_ARCH))
            return false;
        for (size_t i = 0; (v = member(inc, "caps")) && i < json_object_array_length(v); i++)
            if (!strv_contains(caps, json_object_get_string(json_object_array_get_idx(v, i))))
                return false;
        if ((v = member(inc, "minKernel")) && !kernel_at_least(json_object_get_string(v)))
            return false;
    }
    return true;
}

static void copy_member(struct json_object *to, struct json_object *from, const char *key)
{
    struct json_object *v = member(from, key);
    if (v)
        json_object_object_add(to, key, json_object_get(v));
}

static int docker_to_oci(struct json_object *profile, char *const *caps, struct json_object **out,
                         struct hull_error **err)
{
    if (!json_object_is_type(profile, json_type_object))
        return hull_error_set(err, 0, "not a JSON object");
    if (!member(profile, "defaultAction"))
        return hull_error_set(err, 0, "defaultAction is missing");
    struct json_object *arches = member(profile, "architectures"), *arch_map = member(profile, "archMap");
    if (arches && json_object_array_length(arches) > 0 && arch_map && json_object_array_length(arch_map) > 0)
        return hull_error_set(err, 0, "both architectures and archMap are given: use one");
    struct json_object *oci = json_object_new_object();
    static const char *const copied[] = {"defaultAction", "defaultErrnoRet", "flags", "listenerPath",
                                         "listenerMetadata"};
    for (size_t i = 0; i < ARRAY_SIZE(copied); i++)
        copy_member(oci, profile, copied[i]);
    struct json_object *oci_arches = json_object_new_array();
    for (size_t i = 0; arches && i < json_object_array_length(arches); i++)
        json_object_array_add(oci_arches, json_object_get(json_object_array_get_idx(arches, i)));
    for (size_t i = 0; arch_map && i < json_object_array_length(arch_map); i++) {
        struct json_object *entry = json_object_array_get_idx(arch_map, i), *sub;
        const char *arch = json_object_get_string(member(entry, "architecture"));
        if (!arch || strcmp(arch, SCMP_NATIVE))
            continue;
        json_object_array_add(oci_arches, json_object_new_string(arch));
        for (size_t k = 0; (sub = member(entry, "subArchitectures")) && k < json_object_array_length(sub); k++)
            json_object_array_add(oci_arches, json_object_get(json_object_array_get_idx(sub, k)));
    }
    json_object_object_add(oci, "architectures", oci_arches);
    struct json_object *syscalls = json_object_new_array(), *rules = member(profile, "syscalls");
    json_object_object_add(oci, "syscalls", syscalls);
    for (size_t i = 0; rules && i < json_object_array_length(rules); i++) {
        struct json_object *rule = json_object_array_get_idx(rules, i);
        struct json_object *name = member(rule, "name"), *names = member(rule, "names");
        if (name && names && json_object_array_length(names) > 0) {
            json_object_put(oci);
            return hull_error_set(err, 0, "syscalls[%zu] has both name and names: use one", i);
        }
        if (!rule_applies(rule, caps))
            continue;
        struct json_object *r = json_object_new_object();
        if (name) {
            struct json_object *one = json_object_new_array();
            json_object_array_add(one, json_object_get(name));
            json_object_object_add(r, "names", one);
        } else {
            copy_member(r, rule, "names");
        }
        copy_member(r, rule, "action");
        copy_member(r, rule, "errnoRet");
        copy_member(r, rule, "args");
        json_object_array_add(syscalls, r);
    }
    *out = oci;
    return 0;
}

/* ---- seccomp: what a capability lets a container call ---- */

/* docker's default profile, its rules with "includes": {"caps": [...]}. */
static const struct {
    const char *cap;
    const char *syscalls;
} syscalls_of_caps[] = {
    {"CAP_DAC_READ_SEARCH", "open_by_handle_at"},
    {"CAP_SYS_ADMIN", "bpf clone clone3 fanotify_init fsconfig fsmount fsopen fspick lookup_dcookie mount "
                      "mount_setattr move_mount open_tree perf_event_open quotactl quotactl_fd setdomainname "
                      "sethostname setns syslog umount umount2 unshare"},
    {"CAP_SYS_BOOT", "reboot"},
    {"CAP_SYS_CHROOT", "chroot"},
    {"CAP_SYS_MODULE", "delete_module init_module finit_module"},
    {"CAP_SYS_PACCT", "acct"},
    {"CAP_SYS_PTRACE", "kcmp pidfd_getfd process_madvise process_vm_readv process_vm_writev ptrace"},
    {"CAP_SYS_RAWIO", "iopl ioperm"},
    {"CAP_SYS_TIME", "settimeofday stime clock_settime clock_settime64"},
    {"CAP_SYS_TTY_CONFIG", "vhangup"},
    {"CAP_SYS_NICE", "get_mempolicy mbind set_mempolicy set_mempolicy_home_node"},
    {"CAP_SYSLOG", "syslog"},
    {"CAP_BPF", "bpf"},
    {"CAP_PERFMON", "perf_event_open"},
};

static bool is_plain_allow(struct json_object *rule)
{
    const char *action = json_object_get_string(member(rule, "action"));
    struct json_object *args = member(rule, "args");
    return action && !strcmp(action, "SCMP_ACT_ALLOW") && (!args || json_object_array_length(args) == 0);
}

/* Removes name from every rule that restricts it (a conditional allow such
 * as clone's flag check, an errno such as clone3's ENOSYS); true when a
 * plain allow already has it. */
static bool lift_restrictions(struct json_object *syscalls, const char *name)
{
    bool allowed = false;
    for (size_t i = json_object_array_length(syscalls); i-- > 0;) {
        struct json_object *rule = json_object_array_get_idx(syscalls, i);
        struct json_object *names = member(rule, "names");
        if (!names || !array_has_string(names, name))
            continue;
        if (is_plain_allow(rule)) {
            allowed = true;
            continue;
        }
        struct json_object *kept = json_object_new_array();
        for (size_t k = 0; k < json_object_array_length(names); k++) {
            struct json_object *n = json_object_array_get_idx(names, k);
            if (strcmp(json_object_get_string(n), name))
                json_object_array_add(kept, json_object_get(n));
        }
        if (json_object_array_length(kept) == 0) {
            json_object_put(kept);
            json_object_array_del_idx(syscalls, i, 1);
        } else {
            json_object_object_add(rule, "names", kept);
        }
    }
    return allowed;
}

static void allow_syscalls_of_caps(struct json_object *oci, char *const *caps)
{
    struct json_object *syscalls = member(oci, "syscalls");
    struct json_object *extra = json_object_new_array();
    for (size_t i = 0; i < ARRAY_SIZE(syscalls_of_caps); i++) {
        if (!strv_contains(caps, syscalls_of_caps[i].cap))
            continue;
        cleanup_free char *list = xstrdup(syscalls_of_caps[i].syscalls);
        for (char *save = NULL, *s = strtok_r(list, " ", &save); s; s = strtok_r(NULL, " ", &save))
            if (!lift_restrictions(syscalls, s) && !array_has_string(extra, s))
                json_object_array_add(extra, json_object_new_string(s));
    }
    if (json_object_array_length(extra) == 0) {
        json_object_put(extra);
        return;
    }
    struct json_object *rule = json_object_new_object();
    json_object_object_add(rule, "names", extra);
    json_object_object_add(rule, "action", json_object_new_string("SCMP_ACT_ALLOW"));
    json_object_array_add(syscalls, rule);
}

static bool same_caps(char *const *a, char *const *b)
{
    size_t i = 0;
    for (; a && b && a[i] && b[i]; i++)
        if (strcmp(a[i], b[i]) != 0)
            return false;
    return (a == NULL || a[i] == NULL) && (b == NULL || b[i] == NULL);
}

int engine_seccomp(const struct engine_run_config *rc, char *const *caps, struct hull_seccomp **out,
                   struct hull_error **err)
{
    *out = NULL;
    /* moby: a privileged container gets no profile, whatever --security-opt says. */
    if (rc->privileged || rc->seccomp_unconfined)
        return 0;
    if (rc->seccomp_built != NULL && same_caps(rc->seccomp_built_caps, caps)) {
        *out = spec_seccomp_dup(rc->seccomp_built);
        return 0;
    }
    bool builtin = rc->seccomp_profile == NULL;
    const char *text = builtin ? engine_seccomp_default_json : rc->seccomp_profile;
    const char *what = builtin ? "the built-in seccomp profile" : "the seccomp profile of --security-opt";
    enum json_tokener_error jerr;
    struct json_object *profile = json_tokener_parse_verbose(text, &jerr);
    if (!profile)
        return hull_error_set(err, 0, "%s is not valid JSON: %s", what, json_tokener_error_desc(jerr));
    struct json_object *oci = NULL;
    int r = docker_to_oci(profile, caps, &oci, err);
    json_object_put(profile);
    if (r < 0)
        return hull_error_wrap(err, "%s", what);
    if (builtin)
        allow_syscalls_of_caps(oci, caps);
    /* The runtime's own reader and checks, now, so a bad action or syscall
     * name fails before any container exists; the config gets what it read. */
    r = seccomp_profile_parse_object(oci, out, err);
    json_object_put(oci);
    if (r < 0)
        return hull_error_wrap(err, "%s", what);
    return 0;
}

int engine_seccomp_prepare(struct engine_run_config *rc, struct hull_error **err)
{
    engine_seccomp_release(rc);
    char **caps = engine_capabilities(rc);
    struct hull_seccomp *seccomp = NULL;
    if (engine_seccomp(rc, caps, &seccomp, err) < 0) {
        strv_free(caps);
        return -1;
    }
    rc->seccomp_built = seccomp;
    rc->seccomp_built_caps = caps;
    return 0;
}

void engine_seccomp_release(struct engine_run_config *rc)
{
    spec_seccomp_free(rc->seccomp_built);
    strv_free(rc->seccomp_built_caps);
    rc->seccomp_built = NULL;
    rc->seccomp_built_caps = NULL;
}
