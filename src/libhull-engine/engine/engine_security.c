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
 * or plain OCI; seccomp_docker.c reads both into struct hull_seccomp the way
 * moby's setupSeccomp does, and the table's additions are made on that struct. */
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "engine_security.h"
#include "seccomp_docker.h"
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

static bool is_plain_allow(const struct hull_seccomp_rule *rule)
{
    return !strcmp(rule->action, "SCMP_ACT_ALLOW") && rule->n_args == 0;
}

static void rule_clear(struct hull_seccomp_rule *rule)
{
    strv_free(rule->names);
    free(rule->action);
    for (size_t k = 0; k < rule->n_args; k++)
        free(rule->args[k].op);
    free(rule->args);
}

/* Removes name from every rule that restricts it (a conditional allow such
 * as clone's flag check, an errno such as clone3's ENOSYS); true when a
 * plain allow already has it. */
static bool lift_restrictions(struct hull_seccomp *s, const char *name)
{
    bool allowed = false;
    for (size_t i = s->n_syscalls; i-- > 0;) {
        struct hull_seccomp_rule *rule = &s->syscalls[i];
        if (!strv_contains(rule->names, name))
            continue;
        if (is_plain_allow(rule)) {
            allowed = true;
            continue;
        }
        char **kept = NULL;
        for (char **n = rule->names; *n; n++)
            if (strcmp(*n, name))
                strv_add(&kept, xstrdup(*n));
        strv_free(rule->names);
        rule->names = kept;
        if (kept == NULL) {
            rule_clear(rule);
            memmove(rule, rule + 1, (s->n_syscalls - i - 1) * sizeof *rule);
            s->n_syscalls--;
        }
    }
    return allowed;
}

static void allow_syscalls_of_caps(struct hull_seccomp *s, char *const *caps)
{
    char **extra = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(syscalls_of_caps); i++) {
        if (!strv_contains(caps, syscalls_of_caps[i].cap))
            continue;
        cleanup_free char *list = xstrdup(syscalls_of_caps[i].syscalls);
        for (char *save = NULL, *name = strtok_r(list, " ", &save); name; name = strtok_r(NULL, " ", &save))
            if (!lift_restrictions(s, name) && !strv_contains(extra, name))
                strv_add(&extra, xstrdup(name));
    }
    if (extra == NULL)
        return;
    s->syscalls = xrealloc(s->syscalls, (s->n_syscalls + 1) * sizeof *s->syscalls);
    s->syscalls[s->n_syscalls++] = (struct hull_seccomp_rule){.names = extra, .action = xstrdup("SCMP_ACT_ALLOW")};
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
    if (engine_seccomp_docker_parse(text, what, caps, out, err) < 0)
        return -1;
    if (builtin)
        allow_syscalls_of_caps(*out, caps);
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
