/* hull: linux.seccomp, compiled with libseccomp in the parent and loaded as a
 * plain BPF program in the container process.
 *
 * seccomp_prepare() does all the JSON-derived work before the fork: it builds
 * a libseccomp filter, exports it as BPF (seccomp_export_bpf) into a buffer,
 * and, for SCMP_ACT_NOTIFY, connects to listenerPath while the host's paths are
 * still reachable (after pivot_root they are not).  seccomp_prepared_load() in the
 * child is then one seccomp(SECCOMP_SET_MODE_FILTER) system call (plus the
 * sendmsg of the notify fd), no allocation-heavy libseccomp work.
 *
 * Behaviour shared with runc, so the same profiles mean the same thing:
 *  - syscall names this libseccomp does not know are skipped (debug message),
 *    because profiles list syscalls of newer kernels;
 *  - a rule whose action equals the default action is skipped (libseccomp
 *    refuses it and it would change nothing);
 *  - args on distinct indexes form one rule (all must match); if two args
 *    share an index, each arg becomes its own rule (any may match): that is
 *    how Docker's profile writes "personality(0) or personality(8) ...";
 *  - SCMP_CMP_MASKED_EQ takes the mask in `value` and the result in `valueTwo`;
 *  - the native architecture is always in the filter, `architectures` adds to it;
 *  - a syscall numbered above every syscall the profile names gets ENOSYS
 *    when the default action would refuse it (seccomp_enosys.c). */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../util/log.h"
#include "../util/utils.h"
#include "security.h"
#include "security_internal.h"
#include "seccomp_cache.h"
#include "seccomp_enosys.h"
#include "seccomp_notify.h"
#include "seccomp_prepared.h"

#define SECCOMP_MAX_ARGS 6

static bool errno_action(const char *action)
{
    return strcmp(action, "SCMP_ACT_ERRNO") == 0 || strcmp(action, "SCMP_ACT_TRACE") == 0;
}

static bool uses_notify(const struct hull_seccomp *s)
{
    for (size_t i = 0; i < s->n_syscalls; i++)
        if (s->syscalls[i].action && strcmp(s->syscalls[i].action, "SCMP_ACT_NOTIFY") == 0)
            return true;
    return false;
}

static int validate_rule(const struct hull_seccomp_rule *r, size_t idx, struct hull_error **err)
{
    if (!r->names || !r->names[0])
        return hull_error_set(err, EINVAL, "linux.seccomp.syscalls[%zu].names must contain at least one entry", idx);
    if (!seccomp_action_known(r->action))
        return hull_error_set(err, EINVAL, "unknown seccomp action \"%s\" in linux.seccomp.syscalls[%zu].action",
                              r->action ? r->action : "(none)", idx);
    if (r->has_errno_ret && !errno_action(r->action))
        return hull_error_set(err, EINVAL,
                              "linux.seccomp.syscalls[%zu].errnoRet is set but action %s does not return an errno "
                              "(only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)",
                              idx, r->action);
    for (size_t a = 0; a < r->n_args; a++) {
        int op;
        if (r->args[a].index >= SECCOMP_MAX_ARGS)
            return hull_error_set(err, EINVAL, "linux.seccomp.syscalls[%zu].args[%zu].index %u is out of range (0-5)",
                                  idx, a, r->args[a].index);
        if (!seccomp_op_parse(r->args[a].op, &op))
            return hull_error_set(err, EINVAL, "unknown seccomp operator \"%s\" in linux.seccomp.syscalls[%zu].args[%zu].op",
                                  r->args[a].op ? r->args[a].op : "(none)", idx, a);
    }
    if (strcmp(r->action, "SCMP_ACT_NOTIFY") == 0)
        for (size_t n = 0; r->names[n]; n++)
            /* The runtime hands the notify fd over with sendmsg() after the
             * filter is loaded: a notification on it would wait for an agent
             * that has no fd yet, forever. */
            if (strcmp(r->names[n], "sendmsg") == 0)
                return hull_error_set(err, EINVAL,
                                      "linux.seccomp.syscalls[%zu]: SCMP_ACT_NOTIFY cannot be used for sendmsg (the "
                                      "runtime needs it to send the notify fd to listenerPath)",
                                      idx);
    return 0;
}

int seccomp_validate(const struct hull_seccomp *s, struct hull_error **err)
{
    if (!s)
        return 0;
    if (!seccomp_action_known(s->default_action))
        return hull_error_set(err, EINVAL, "unknown seccomp action \"%s\" in linux.seccomp.defaultAction",
                              s->default_action ? s->default_action : "(none)");
    if (s->has_default_errno_ret && !errno_action(s->default_action))
        return hull_error_set(err, EINVAL,
                              "linux.seccomp.defaultErrnoRet is set but defaultAction %s does not return an errno "
                              "(only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)",
                              s->default_action);
    /* Every syscall, including the runtime's own sendmsg, would wait for an agent. */
    if (strcmp(s->default_action, "SCMP_ACT_NOTIFY") == 0)
        return hull_error_set(err, EINVAL, "SCMP_ACT_NOTIFY cannot be used as linux.seccomp.defaultAction");
    for (size_t i = 0; s->architectures && s->architectures[i]; i++) {
        uint32_t arch;
        if (!seccomp_arch_parse(s->architectures[i], &arch))
            return hull_error_set(err, EINVAL, "unknown seccomp architecture \"%s\" in linux.seccomp.architectures",
                                  s->architectures[i]);
    }
    for (size_t i = 0; s->flags && s->flags[i]; i++) {
        unsigned flag;
        if (!seccomp_flag_parse(s->flags[i], &flag))
            return hull_error_set(err, EINVAL, "unknown seccomp flag \"%s\" in linux.seccomp.flags", s->flags[i]);
    }
    if (s->listener_metadata && !s->listener_path)
        return hull_error_set(err, EINVAL, "linux.seccomp.listenerMetadata is set without linux.seccomp.listenerPath");
    for (size_t i = 0; i < s->n_syscalls; i++)
        if (validate_rule(&s->syscalls[i], i, err) < 0)
            return -1;
    /* Without an agent nobody answers: the kernel would fail those syscalls
     * with ENOSYS, which is never what the config meant. */
    if (uses_notify(s) && !s->listener_path)
        return hull_error_set(err, EINVAL, "SCMP_ACT_NOTIFY is used but linux.seccomp.listenerPath is not set");
    return 0;
}

static void seccomp_ctx_releasep(scmp_filter_ctx *ctx)
{
    if (*ctx)
        seccomp_release(*ctx);
}

static int add_rule(scmp_filter_ctx ctx, const struct hull_seccomp_rule *r, size_t idx, uint32_t action,
                    struct hull_error **err)
{
    struct scmp_arg_cmp conds[SECCOMP_MAX_ARGS * 8];
    unsigned per_index[SECCOMP_MAX_ARGS] = {0};
    bool one_rule_per_arg = false;
    if (r->n_args > ARRAY_SIZE(conds))
        return hull_error_set(err, E2BIG, "linux.seccomp.syscalls[%zu] has too many args (%zu)", idx, r->n_args);
    for (size_t a = 0; a < r->n_args; a++) {
        int op = 0;
        seccomp_op_parse(r->args[a].op, &op);
        conds[a] = (struct scmp_arg_cmp){.arg = r->args[a].index,
                                         .op = (enum scmp_compare)op,
                                         .datum_a = r->args[a].value,
                                         .datum_b = r->args[a].value_two};
        if (++per_index[r->args[a].index] > 1)
            one_rule_per_arg = true;
    }

    for (size_t n = 0; r->names[n]; n++) {
        const char *name = r->names[n];
        int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR) {
            log_debug("seccomp: syscall \"%s\" is unknown to libseccomp %u.%u.%u, skipping it", name,
                      seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro);
            continue;
        }
        int rc;
        if (r->n_args == 0) {
            rc = seccomp_rule_add_array(ctx, action, nr, 0, NULL);
        } else if (!one_rule_per_arg) {
            rc = seccomp_rule_add_array(ctx, action, nr, (unsigned)r->n_args, conds);
        } else {
            rc = 0;
            for (size_t a = 0; a < r->n_args && rc == 0; a++)
                rc = seccomp_rule_add_array(ctx, action, nr, 1, &conds[a]);
        }
        if (rc < 0)
            return hull_error_set(err, -rc, "add seccomp rule for syscall \"%s\" (linux.seccomp.syscalls[%zu])", name,
                                  idx);
    }
    return 0;
}

/* libseccomp 2.5 exports BPF only to an fd: use a memfd and read it back. */
static int export_bpf(scmp_filter_ctx ctx, struct seccomp_prepared *p, struct hull_error **err)
{
    cleanup_close int fd = memfd_create("hull-seccomp-bpf", MFD_CLOEXEC);
    if (fd < 0)
        return hull_error_set(err, errno, "memfd_create for the seccomp program");
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc < 0)
        return hull_error_set(err, -rc, "export the seccomp filter as BPF");
    struct stat st;
    if (fstat(fd, &st) < 0)
        return hull_error_set(err, errno, "fstat the seccomp program");
    if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) != 0 ||
        st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
        return hull_error_set(err, E2BIG, "the seccomp program has a bad size (%lld bytes, at most %d instructions)",
                              (long long)st.st_size, BPF_MAXINSNS);
    p->insns = xmalloc0((size_t)st.st_size);
    if (pread(fd, p->insns, (size_t)st.st_size, 0) != st.st_size)
        return hull_error_set(err, errno ? errno : EIO, "read back the seccomp program");
    p->n_insns = (size_t)st.st_size / sizeof(struct sock_filter);
    return 0;
}

static int compile_filter(const struct hull_seccomp *s, struct seccomp_prepared *p, struct hull_error **err)
{
    uint32_t default_action = 0;
    seccomp_action_parse(s->default_action, s->has_default_errno_ret, s->default_errno_ret, &default_action);

    __attribute__((cleanup(seccomp_ctx_releasep))) scmp_filter_ctx ctx = seccomp_init(default_action);
    if (!ctx)
        return hull_error_set(err, EINVAL, "libseccomp refused defaultAction %s", s->default_action);

    for (size_t i = 0; s->architectures && s->architectures[i]; i++) {
        uint32_t arch = 0;
        seccomp_arch_parse(s->architectures[i], &arch);
        int rc = seccomp_arch_add(ctx, arch);
        if (rc < 0 && rc != -EEXIST)
            return hull_error_set(err, -rc, "add seccomp architecture %s", s->architectures[i]);
    }

    for (size_t i = 0; i < s->n_syscalls; i++) {
        const struct hull_seccomp_rule *r = &s->syscalls[i];
        uint32_t action = 0;
        seccomp_action_parse(r->action, r->has_errno_ret, r->errno_ret, &action);
        if (action == default_action) {
            log_debug("seccomp: linux.seccomp.syscalls[%zu] has the default action %s, skipping it", i, r->action);
            continue;
        }
        if (add_rule(ctx, r, i, action, err) < 0)
            return -1;
    }
    if (export_bpf(ctx, p, err) < 0)
        return -1;
    /* Syscalls newer than the profile get ENOSYS, not the default errno (runc's patchbpf). */
    return seccomp_enosys_patch(s, &p->insns, &p->n_insns, err);
}

int seccomp_prepare(const struct hull_seccomp *seccomp, struct seccomp_prepared **out, struct hull_error **err)
{
    *out = NULL;
    if (seccomp_validate(seccomp, err) < 0)
        return -1;
    struct seccomp_prepared *p = xmalloc0(sizeof(*p));
    p->listener_fd = -1;
    for (size_t i = 0; seccomp->flags && seccomp->flags[i]; i++) {
        unsigned flag = 0;
        seccomp_flag_parse(seccomp->flags[i], &flag);
        p->flags |= flag;
    }
    p->notify = uses_notify(seccomp);
    size_t key_len = 0;
    cleanup_free char *key = seccomp_cache_key(seccomp, &key_len);
    if (seccomp_cache_lookup(key, key_len, &p->insns, &p->n_insns) == 0) {
        log_debug("seccomp: compiled filter found in the cache (%zu instructions)", p->n_insns);
    } else {
        if (compile_filter(seccomp, p, err) < 0)
            goto fail;
        seccomp_cache_store(key, key_len, p->insns, p->n_insns);
    }
    if (p->notify) {
        p->listener_fd = seccomp_listener_connect(seccomp->listener_path, err);
        if (p->listener_fd < 0)
            goto fail;
        if (seccomp->listener_metadata)
            p->listener_metadata = xstrdup(seccomp->listener_metadata);
    }
    *out = p;
    return 0;
fail:
    seccomp_prepared_free(p);
    return -1;
}
