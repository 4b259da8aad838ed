/* hull: the "-ENOSYS stub" in front of a compiled seccomp program.
 *
 * Why: a profile is written for the syscalls its author knew. A syscall added
 * to the kernel later is not named in it, so a profile whose default action is
 * an errno makes it fail with EPERM -- and libc then treats the new call as
 * forbidden instead of falling back to the old one, which it only does on
 * ENOSYS (glibc's clone3 -> clone, statx -> fstatat, faccessat2 ...). runc
 * (libcontainer/seccomp/patchbpf) and crun answer ENOSYS for such syscalls;
 * so does hull (issue 11).
 *
 * What counts as "newer than the profile": per architecture, a syscall number
 * above the highest number among the syscalls the profile names (as this
 * libseccomp resolves them), which also covers numbers libseccomp itself
 * does not know. Holes below that number keep the default action. Default
 * actions that already let such a call through (ALLOW, LOG, TRACE) or that
 * are ENOSYS already get no stub.
 *
 * How: libseccomp cannot express "nr > N" for syscalls it does not know, so
 * the stub is classic BPF prepended to seccomp_export_bpf's output: load the
 * architecture, and for each architecture of the filter compare the syscall
 * number with its maximum; above it return ERRNO(ENOSYS), otherwise (and for
 * any other architecture) run the libseccomp program unchanged. libseccomp's
 * program starts by loading the architecture itself, so it does not care
 * what the stub left in the accumulator. x86-64 and x32 share
 * AUDIT_ARCH_X86_64 and differ by bit 30 of the number (__X32_SYSCALL_BIT),
 * which libseccomp includes in the numbers it returns for x32. */
#include "seccomp_enosys.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../util/utils.h"
#include "security_internal.h"

#define X32_SYSCALL_BIT 0x40000000u

/* One instruction of the stub; jumps name their targets, resolved at the end. */
enum target { T_NONE, T_NEXT_ARCH, T_ENOSYS, T_FILTER, T_X32 };
struct stub_insn {
    struct sock_filter f;
    enum target jt, jf;
};

struct stub {
    struct stub_insn v[64];
    size_t n;
};

static void put(struct stub *s, uint16_t code, uint32_t k, enum target jt, enum target jf)
{
    s->v[s->n++] = (struct stub_insn){.f = BPF_STMT(code, k), .jt = jt, .jf = jf};
}

static uint8_t distance(size_t from, size_t to, bool *ok)
{
    /* cBPF conditional jumps are forward and 8 bits wide. */
    if (to <= from || to - from - 1 > 255)
        *ok = false;
    return (uint8_t)(to - from - 1);
}

int seccomp_enosys_stub(const struct seccomp_arch_max *archs, size_t n_archs, struct sock_filter **out,
                        size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    struct stub s = {0};
    /* Where each T_NEXT_ARCH / T_X32 of a section points: filled per section. */
    size_t next_arch_at[16], x32_at[16], section_of[64];
    size_t n_sections = 0;
    put(&s, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), T_NONE, T_NONE);
    for (size_t i = 0; i < n_archs; i++) {
        const struct seccomp_arch_max *a = &archs[i];
        if (!a->has_max && !a->has_x32_max)
            continue;
        if (n_sections == ARRAY_SIZE(next_arch_at) || s.n + 8 > ARRAY_SIZE(s.v))
            return -1;
        size_t sec = n_sections++;
        size_t first = s.n;
        put(&s, BPF_JMP | BPF_JEQ | BPF_K, a->audit_arch, T_NONE, T_NEXT_ARCH);
        put(&s, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), T_NONE, T_NONE);
        if (a->audit_arch == AUDIT_ARCH_X86_64) {
            /* x32 numbers have bit 30 set: their own maximum, or straight to the filter. */
            put(&s, BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, a->has_x32_max ? T_X32 : T_FILTER, T_NONE);
        }
        if (a->has_max)
            put(&s, BPF_JMP | BPF_JGT | BPF_K, a->max, T_ENOSYS, T_FILTER);
        else
            put(&s, BPF_JMP | BPF_JA, 0, T_FILTER, T_NONE);
        x32_at[sec] = s.n;
        if (a->audit_arch == AUDIT_ARCH_X86_64 && a->has_x32_max)
            put(&s, BPF_JMP | BPF_JGT | BPF_K, a->x32_max, T_ENOSYS, T_FILTER);
        next_arch_at[sec] = s.n;
        for (size_t j = first; j < s.n; j++)
            section_of[j] = sec;
    }
    if (n_sections == 0)
        return 0; /* nothing to compare: no stub */
    /* No architecture matched: into the filter (which knows what to do with a bad one). */
    put(&s, BPF_JMP | BPF_JA, 0, T_FILTER, T_NONE);
    size_t enosys_at = s.n;
    put(&s, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA), T_NONE, T_NONE);
    size_t filter_at = s.n;

    bool ok = true;
    struct sock_filter *f = xmalloc0(s.n * sizeof *f);
    for (size_t i = 0; i < s.n; i++) {
        f[i] = s.v[i].f;
        size_t sec = i > 0 && i < enosys_at - 1 ? section_of[i] : 0;
        enum target t[2] = {s.v[i].jt, s.v[i].jf};
        size_t to[2];
        for (int w = 0; w < 2; w++) {
            switch (t[w]) {
            case T_NEXT_ARCH:
                to[w] = next_arch_at[sec];
                break;
            case T_X32:
                to[w] = x32_at[sec];
                break;
            case T_ENOSYS:
                to[w] = enosys_at;
                break;
            case T_FILTER:
                to[w] = filter_at;
                break;
            default:
                to[w] = i + 1;
            }
        }
        if (BPF_OP(f[i].code) == BPF_JA && BPF_CLASS(f[i].code) == BPF_JMP) {
            f[i].k = (uint32_t)(to[0] - i - 1); /* ja takes a 32-bit offset in k */
        } else if (BPF_CLASS(f[i].code) == BPF_JMP) {
            f[i].jt = distance(i, to[0], &ok);
            f[i].jf = distance(i, to[1], &ok);
        }
    }
    if (!ok) {
        free(f);
        return -1;
    }
    *out = f;
    *n_out = s.n;
    return 0;
}

bool seccomp_enosys_wanted(const struct hull_seccomp *s)
{
    const char *d = s->default_action;
    if (!strcmp(d, "SCMP_ACT_ALLOW") || !strcmp(d, "SCMP_ACT_LOG") || !strcmp(d, "SCMP_ACT_TRACE"))
        return false;
    /* Already the answer the stub would give. */
    if (!strcmp(d, "SCMP_ACT_ERRNO") && s->has_default_errno_ret && s->default_errno_ret == ENOSYS)
        return false;
    return true;
}

/* The highest number among the profile's syscalls for one libseccomp arch. */
static bool max_for(const struct hull_seccomp *s, uint32_t arch, uint32_t *max)
{
    bool found = false;
    for (size_t i = 0; i < s->n_syscalls; i++) {
        for (char **n = s->syscalls[i].names; n && *n; n++) {
            int nr = seccomp_syscall_resolve_name_arch(arch, *n);
            if (nr < 0)
                continue; /* unknown here, or one of libseccomp's negative pseudo-syscalls */
            if (!found || (uint32_t)nr > *max)
                *max = (uint32_t)nr;
            found = true;
        }
    }
    return found;
}

static struct seccomp_arch_max *arch_entry(struct seccomp_arch_max *v, size_t *n, uint32_t audit_arch)
{
    for (size_t i = 0; i < *n; i++)
        if (v[i].audit_arch == audit_arch)
            return &v[i];
    v[*n] = (struct seccomp_arch_max){.audit_arch = audit_arch};
    return &v[(*n)++];
}

int seccomp_enosys_patch(const struct hull_seccomp *s, struct sock_filter **insns, size_t *n_insns,
                         struct hull_error **err)
{
    if (!seccomp_enosys_wanted(s))
        return 0;
    size_t n_listed = s->architectures ? strv_length(s->architectures) : 0;
    cleanup_free struct seccomp_arch_max *archs = xmalloc0((n_listed + 1) * sizeof *archs);
    size_t n = 0;
    for (size_t i = 0; i <= n_listed; i++) {
        uint32_t arch = seccomp_arch_native();
        if (i < n_listed && !seccomp_arch_parse(s->architectures[i], &arch))
            continue; /* validated before; cannot happen */
        /* libseccomp's arch tokens are the kernel's AUDIT_ARCH_* values, except
         * x32's, which is a mode of AUDIT_ARCH_X86_64. */
        if (arch == SCMP_ARCH_X32) {
            struct seccomp_arch_max *a = arch_entry(archs, &n, AUDIT_ARCH_X86_64);
            a->has_x32_max = max_for(s, arch, &a->x32_max);
        } else {
            struct seccomp_arch_max *a = arch_entry(archs, &n, arch);
            a->has_max = max_for(s, arch, &a->max);
        }
    }
    struct sock_filter *stub = NULL;
    size_t n_stub = 0;
    if (seccomp_enosys_stub(archs, n, &stub, &n_stub) < 0)
        return hull_error_set(err, E2BIG, "linux.seccomp: cannot build the ENOSYS stub for %zu architectures", n);
    if (n_stub == 0)
        return 0;
    if (n_stub + *n_insns > BPF_MAXINSNS) {
        free(stub);
        return hull_error_set(err, E2BIG, "the seccomp program is too long (%zu instructions, at most %d)",
                              n_stub + *n_insns, BPF_MAXINSNS);
    }
    struct sock_filter *all = xmalloc0((n_stub + *n_insns) * sizeof *all);
    memcpy(all, stub, n_stub * sizeof *all);
    memcpy(all + n_stub, *insns, *n_insns * sizeof *all);
    free(stub);
    free(*insns);
    *insns = all;
    *n_insns += n_stub;
    return 0;
}
