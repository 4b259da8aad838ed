/* hull: how many system calls a container's seccomp profile refuses.
 *
 * The kernel tells whether a filter is loaded (Seccomp: 2, Seccomp_filters in
 * /proc/PID/status) but not what it says, so the verdicts are derived from
 * the rules in config.json (linux.seccomp), over one precise universe: every
 * system call libseccomp knows for the native architecture (the numbers
 * 0..ISOLATION_MAX_SYSCALL that seccomp_syscall_resolve_num_arch names).
 *
 * For one syscall the filter's possible outcomes are:
 *   - the actions of its rules without argument conditions, when it has any
 *     (such a rule always matches), otherwise
 *   - the default action plus the actions of its conditional rules (each
 *     matches for some arguments only).
 * Each action is a class: allow (ALLOW, LOG), deny (ERRNO, KILL*, TRAP) or
 * other (TRACE, NOTIFY: a tracer or a supervisor decides).  Then the syscall
 * is "allowed" when every outcome allows, "denied" when every outcome denies
 * (whatever the arguments), "other" when a tracer/supervisor is involved, and
 * "conditional" when the arguments decide (docker's clone, socket,
 * personality).  System calls newer than libseccomp's table are not counted:
 * the filter gives them the default action. */
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "util/utils.h"
#include "isolation.h"

/* x86_64 numbers end near 470 and aarch64's near 470 too; x32's live above
 * 0x40000000 and belong to another architecture token. */
#define ISOLATION_MAX_SYSCALL 1024

enum action_class {
    CLASS_ALLOW = 1 << 0,
    CLASS_DENY = 1 << 1,
    CLASS_OTHER = 1 << 2,
};

static int action_class(const char *action)
{
    if (!action)
        return CLASS_DENY;
    if (!strcmp(action, "SCMP_ACT_ALLOW") || !strcmp(action, "SCMP_ACT_LOG"))
        return CLASS_ALLOW;
    if (!strcmp(action, "SCMP_ACT_TRACE") || !strcmp(action, "SCMP_ACT_NOTIFY"))
        return CLASS_OTHER;
    /* SCMP_ACT_ERRNO, SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP */
    return CLASS_DENY;
}

struct syscall_outcomes {
    int unconditional; /* classes of rules without args */
    int conditional;   /* classes of rules with args */
};

/* Appends name to a NULL-terminated list of capacity ISOLATION_MAX_SYSCALL + 1. */
static void list_add(char ***list, size_t *n, const char *name)
{
    if (!*list)
        *list = xmalloc0((ISOLATION_MAX_SYSCALL + 1) * sizeof **list);
    (*list)[(*n)++] = xstrdup(name);
}

int isolation_seccomp_classify(const struct hull_seccomp *profile, struct isolation_seccomp *out,
                               struct hull_error **err)
{
    uint32_t arch = seccomp_arch_native();
    struct utsname uts;
    out->arch = xstrdup(uname(&uts) == 0 ? uts.machine : "native");
    const struct scmp_version *v = seccomp_version();
    out->libseccomp_version = v ? xasprintf("%u.%u.%u", v->major, v->minor, v->micro) : xstrdup("unknown");
    out->has_profile = profile != NULL;
    if (profile)
        out->default_action = xstrdup(profile->default_action ? profile->default_action : "");

    cleanup_free struct syscall_outcomes *outcomes = xmalloc0(ISOLATION_MAX_SYSCALL * sizeof *outcomes);
    for (size_t i = 0; profile && i < profile->n_syscalls; i++) {
        const struct hull_seccomp_rule *rule = &profile->syscalls[i];
        int cls = action_class(rule->action);
        for (char **name = rule->names; name && *name; name++) {
            int nr = seccomp_syscall_resolve_name_arch(arch, *name);
            /* Names of other architectures resolve to negative pseudo numbers. */
            if (nr < 0 || nr >= ISOLATION_MAX_SYSCALL) {
                out->n_unknown_names++;
                continue;
            }
            if (rule->n_args == 0)
                outcomes[nr].unconditional |= cls;
            else
                outcomes[nr].conditional |= cls;
        }
    }

    int default_class = profile ? action_class(profile->default_action) : CLASS_ALLOW;
    for (int nr = 0; nr < ISOLATION_MAX_SYSCALL; nr++) {
        cleanup_free char *name = seccomp_syscall_resolve_num_arch(arch, nr);
        if (!name)
            continue;
        out->total++;
        const struct syscall_outcomes *o = &outcomes[nr];
        int possible = o->unconditional ? o->unconditional : (default_class | o->conditional);
        if (possible & CLASS_OTHER)
            list_add(&out->other, &out->n_other, name);
        else if (possible == CLASS_ALLOW)
            list_add(&out->allowed, &out->n_allowed, name);
        else if (possible == CLASS_DENY)
            list_add(&out->denied, &out->n_denied, name);
        else
            list_add(&out->conditional, &out->n_conditional, name);
    }
    if (out->total == 0)
        return hull_error_set(err, 0, "libseccomp %s knows no system call for %s", out->libseccomp_version,
                              out->arch);
    return 0;
}
