/* The ENOSYS stub (src/libhull/security/seccomp_enosys.c): syscalls numbered
 * above every syscall a profile names get ENOSYS instead of the default
 * errno (issue 11). The stub's jumps are checked with a small cBPF
 * interpreter for every architecture branch (x86-64, x32, i386, others);
 * on the real kernel a loaded filter answers syscall(1000) with ENOSYS,
 * a named rule with its errno and a hole below the maximum with EPERM,
 * also when the program comes from the cache. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tap.h"
#include "security/seccomp_enosys.h"
#include "security/security.h"
#include "util/utils.h"

#define ENOSYS_RET (SECCOMP_RET_ERRNO | ENOSYS)
#define FILTER (-1) /* "fell through into the libseccomp program" */

/* Runs a stub for (arch, nr): its return value, or FILTER when it jumps past its end. */
static long run_stub(const struct sock_filter *f, size_t n, uint32_t arch, uint32_t nr)
{
    uint32_t a = 0;
    for (size_t pc = 0; pc < n; pc++) {
        const struct sock_filter *i = &f[pc];
        switch (i->code) {
        case BPF_LD | BPF_W | BPF_ABS:
            a = i->k == offsetof(struct seccomp_data, arch) ? arch : i->k == 0 ? nr : 0xdeadbeef;
            break;
        case BPF_JMP | BPF_JA:
            pc += i->k;
            break;
        case BPF_JMP | BPF_JEQ | BPF_K:
            pc += a == i->k ? i->jt : i->jf;
            break;
        case BPF_JMP | BPF_JGT | BPF_K:
            pc += a > i->k ? i->jt : i->jf;
            break;
        case BPF_JMP | BPF_JSET | BPF_K:
            pc += (a & i->k) ? i->jt : i->jf;
            break;
        case BPF_RET | BPF_K:
            return i->k;
        default:
            return -2; /* an instruction the stub should never contain */
        }
    }
    return FILTER;
}

static void test_stub_branches(void)
{
    struct seccomp_arch_max archs[] = {
        {.audit_arch = AUDIT_ARCH_X86_64, .has_max = true, .max = 435, .has_x32_max = true, .x32_max = 0x40000000 | 547},
        {.audit_arch = AUDIT_ARCH_I386, .has_max = true, .max = 440},
        {.audit_arch = AUDIT_ARCH_AARCH64, .has_max = false},
    };
    struct sock_filter *f = NULL;
    size_t n = 0;
    TAP_CHECK(seccomp_enosys_stub(archs, 3, &f, &n) == 0 && n > 0 && n < 32, "a stub for x86-64+x32 and i386 (%zu "
              "instructions)", n);
    TAP_CHECK(run_stub(f, n, AUDIT_ARCH_X86_64, 436) == ENOSYS_RET && run_stub(f, n, AUDIT_ARCH_X86_64, 1000) ==
                  ENOSYS_RET && run_stub(f, n, AUDIT_ARCH_X86_64, 0xffffffffu) == ENOSYS_RET,
              "x86-64: above the profile's highest syscall -> ENOSYS");
    TAP_CHECK(run_stub(f, n, AUDIT_ARCH_X86_64, 435) == FILTER && run_stub(f, n, AUDIT_ARCH_X86_64, 0) == FILTER,
              "x86-64: up to the highest syscall -> the profile decides");
    TAP_CHECK(run_stub(f, n, AUDIT_ARCH_X86_64, 0x40000000 | 548) == ENOSYS_RET &&
                  run_stub(f, n, AUDIT_ARCH_X86_64, 0x40000000 | 547) == FILTER &&
                  run_stub(f, n, AUDIT_ARCH_X86_64, 0x40000000 | 1) == FILTER,
              "x32 (bit 30): compared with x32's own maximum");
    TAP_CHECK(run_stub(f, n, AUDIT_ARCH_I386, 441) == ENOSYS_RET && run_stub(f, n, AUDIT_ARCH_I386, 440) == FILTER,
              "i386: its own maximum");
    TAP_CHECK(run_stub(f, n, AUDIT_ARCH_AARCH64, 5000) == FILTER && run_stub(f, n, AUDIT_ARCH_ARM, 5000) == FILTER,
              "an architecture without a maximum, or not in the filter: the profile decides");
    free(f);

    struct seccomp_arch_max amd64_only = {.audit_arch = AUDIT_ARCH_X86_64, .has_max = true, .max = 300};
    TAP_CHECK(seccomp_enosys_stub(&amd64_only, 1, &f, &n) == 0 &&
                  run_stub(f, n, AUDIT_ARCH_X86_64, 0x40000000 | 5000) == FILTER &&
                  run_stub(f, n, AUDIT_ARCH_X86_64, 301) == ENOSYS_RET,
              "x86-64 without x32 in the filter: x32 numbers are left to the profile");
    free(f);
    struct seccomp_arch_max none = {.audit_arch = AUDIT_ARCH_X86_64};
    TAP_CHECK(seccomp_enosys_stub(&none, 1, &f, &n) == 0 && n == 0 && f == NULL, "no maximum anywhere: no stub");
}

static bool wanted(const char *json)
{
    struct hull_seccomp *s = NULL;
    struct hull_error *err = NULL;
    bool r = seccomp_profile_parse(json, &s, &err) == 0 && seccomp_enosys_wanted(s);
    hull_error_free(err);
    spec_seccomp_free(s);
    return r;
}

static void test_wanted(void)
{
    TAP_CHECK(wanted("{\"defaultAction\":\"SCMP_ACT_ERRNO\"}") && wanted("{\"defaultAction\":\"SCMP_ACT_KILL\"}") &&
                  wanted("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1}"),
              "errno and kill defaults get the stub");
    TAP_CHECK(!wanted("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}") && !wanted("{\"defaultAction\":\"SCMP_ACT_LOG\"}") &&
                  !wanted("{\"defaultAction\":\"SCMP_ACT_TRACE\"}") &&
                  !wanted("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38}"),
              "allow, log, trace and an ENOSYS default do not (as runc)");
}

/* Exit codes: 0 all as expected, else which check failed. */
static int child_syscalls(void)
{
    if (syscall(1000) != -1 || errno != ENOSYS)
        return 1; /* far above anything the profile names */
    if (syscall(SYS_tgkill + 1) != -1 || errno != ENOSYS)
        return 2; /* utimes: a real syscall, one above the highest named one */
    if (syscall(SYS_tgkill, -1, -1, 0) != -1 || errno != 43)
        return 3; /* the highest named syscall keeps its rule */
    char buf[64];
    if (syscall(SYS_getcwd, buf, sizeof buf) != -1 || errno != 42)
        return 4; /* a named errno rule */
    if (syscall(SYS_getpid) != -1 || errno != EPERM)
        return 5; /* a hole below the maximum: the default errno */
    return 0;
}

static int in_child(struct seccomp_prepared *p, int (*fn)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        struct hull_error *err = NULL;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_prepared_load(p, "{}", &err) < 0)
            _exit(200);
        /* exit_group directly: under ASan, _exit runs the sanitizer's exit
         * path, whose syscalls (sigaltstack, mmap) the filter refuses. */
        syscall(SYS_exit_group, fn());
    }
    int status;
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static const char *profile = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\","
                             "\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"syscalls\":["
                             "{\"names\":[\"exit\",\"exit_group\"],\"action\":\"SCMP_ACT_ALLOW\"},"
                             "{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42},"
                             "{\"names\":[\"tgkill\",\"no_such_syscall_x\"],\"action\":\"SCMP_ACT_ERRNO\","
                             "\"errnoRet\":43}]}";

static struct seccomp_prepared *prepare(const char *json)
{
    struct hull_seccomp *s = NULL;
    struct seccomp_prepared *p = NULL;
    struct hull_error *err = NULL;
    if (seccomp_profile_parse(json, &s, &err) < 0 || seccomp_prepare(s, &p, &err) < 0) {
        cleanup_free char *t = hull_error_text(err);
        printf("# %s\n", t);
    }
    hull_error_free(err);
    spec_seccomp_free(s);
    return p;
}

static void test_loaded(const char *tmpdir)
{
#if defined(__x86_64__)
    seccomp_cache_set_dir(NULL);
    struct seccomp_prepared *p = prepare(profile);
    int rc = p ? in_child(p, child_syscalls) : -1;
    TAP_CHECK(rc == 0, "loaded: syscall(1000) and one above the profile -> ENOSYS, named rules keep their errno, "
                       "holes get EPERM (child said %d)",
              rc);
    seccomp_prepared_free(p);

    cleanup_free char *dir = xasprintf("%s/cache", tmpdir);
    seccomp_cache_set_dir(dir);
    seccomp_prepared_free(prepare(profile)); /* stores */
    p = prepare(profile);                    /* hits */
    rc = p ? in_child(p, child_syscalls) : -1;
    TAP_CHECK(rc == 0, "the same, with the program read back from the cache (child said %d)", rc);
    seccomp_prepared_free(p);
    seccomp_cache_set_dir(NULL);
#else
    (void)tmpdir;
    printf("ok %d - # SKIP the syscall numbers of this test are x86-64's\n", ++tap_n);
#endif
}

int main(void)
{
    test_stub_branches();
    test_wanted();
    if (geteuid() != 0) {
        printf("ok %d - # SKIP loading filters in children needs root here\n", ++tap_n);
        return TAP_DONE();
    }
    char tmpdir[] = "/tmp/hull-test-enosys-XXXXXX";
    if (!mkdtemp(tmpdir)) {
        printf("Bail out! mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    test_loaded(tmpdir);
    struct hull_error *err = NULL;
    rm_rf(tmpdir, &err);
    hull_error_free(err);
    return TAP_DONE();
}
