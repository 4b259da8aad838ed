/* hull: cgroup value conversions, cgroupsPath rules, device rules (v1 text
 * and eBPF program shape) and layout detection on this host. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "../../unit/tap.h"

/* TAP_CHECK evaluates its condition twice (once for "ok", once for the
 * failure note); our conditions call the library, so evaluate them once. */
#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        bool check_ok_ = (cond);                                                                                       \
        TAP_CHECK(check_ok_, __VA_ARGS__);                                                                             \
    } while (0)
#include "cgroup/cgroup.h"
#include "cgroup/cgroup_convert.h"
#include "cgroup/cgroup_internal.h"
#include "cgroup/ebpf_devices.h"
#include "util/idlist.h"
#include "util/utils.h"

static void test_weights(void)
{
    /* runc/crun: weight = 1 + ((shares - 2) * 9999) / 262142 */
    CHECK(cgroup_shares_to_weight(0) == 0, "shares 0 (unset) stays 0");
    CHECK(cgroup_shares_to_weight(2) == 1, "shares 2 -> weight 1");
    CHECK(cgroup_shares_to_weight(1024) == 39, "shares 1024 -> weight 39 (got %" PRIu64 ")",
              cgroup_shares_to_weight(1024));
    CHECK(cgroup_shares_to_weight(262144) == 10000, "shares 262144 -> weight 10000");
    CHECK(cgroup_shares_to_weight(1) == 1, "shares 1 is clamped to 2 -> 1, no underflow");
    CHECK(cgroup_shares_to_weight(1000000) == 10000, "shares above the kernel max clamp to 10000");
    /* blkio weight 10..1000 -> io.weight 1..10000 */
    CHECK(cgroup_blkio_weight_to_io_weight(10) == 1, "blkio weight 10 -> io.weight 1");
    CHECK(cgroup_blkio_weight_to_io_weight(500) == 4950, "blkio weight 500 -> io.weight 4950 (got %" PRIu64 ")",
              cgroup_blkio_weight_to_io_weight(500));
    CHECK(cgroup_blkio_weight_to_io_weight(1000) == 10000, "blkio weight 1000 -> io.weight 10000");
    CHECK(cgroup_blkio_weight_to_io_weight(0) == 0, "blkio weight 0 (unset) stays 0");
}

static void test_swap(void)
{
    int64_t out = 12345;
    struct hull_error *e = NULL;
    CHECK(cgroup_swap_to_v2(128 << 20, true, 64 << 20, &out, &e) == 0 && out == 64 << 20,
              "swap 128M (memory+swap) with limit 64M -> memory.swap.max 64M");
    CHECK(cgroup_swap_to_v2(64 << 20, true, 64 << 20, &out, &e) == 0 && out == 0,
              "swap == limit -> memory.swap.max 0 (no swap at all)");
    CHECK(cgroup_swap_to_v2(-1, true, 64 << 20, &out, &e) == 0 && out == -1, "swap -1 -> max");
    CHECK(cgroup_swap_to_v2(0, true, -1, &out, &e) == 0 && out == -1,
              "unlimited memory with swap not given -> swap max too");
    CHECK(cgroup_swap_to_v2(32 << 20, true, 64 << 20, &out, &e) < 0 && e && strstr(e->msg, "memory.swap"),
              "swap below limit is an error naming the field");
    hull_error_freep(&e);
    CHECK(cgroup_swap_to_v2(64 << 20, false, 0, &out, &e) < 0 && e && strstr(e->msg, "without a memory limit"),
              "swap without a limit is an error");
    hull_error_freep(&e);
    CHECK(cgroup_swap_to_v2(-7, true, 64 << 20, &out, &e) < 0, "swap -7 is an error");
    hull_error_freep(&e);
    char buf[32];
    CHECK(!strcmp(cgroup_memory_value(-1, true, buf, sizeof buf), "max"), "-1 is \"max\" on v2");
    CHECK(!strcmp(cgroup_memory_value(-1, false, buf, sizeof buf), "-1"), "-1 stays -1 on v1");
    CHECK(!strcmp(cgroup_memory_value(4096, true, buf, sizeof buf), "4096"), "a number is a number");
}

static void test_cpu_max(void)
{
    struct {
        bool qs;
        int64_t q;
        bool ps;
        uint64_t p;
        const char *cur, *want;
    } cases[] = {
        {true, 50000, true, 100000, "max 100000\n", "50000 100000"},
        {true, -1, false, 0, "20000 100000\n", "max 100000"},
        {false, 0, true, 50000, "max 100000\n", "max 50000"},
        {true, 30000, false, 0, "max 100000\n", "30000 100000"},
        {true, 30000, false, 0, NULL, "30000"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        cleanup_free char *v = cgroup_cpu_max_value(cases[i].qs, cases[i].q, cases[i].ps, cases[i].p, cases[i].cur);
        CHECK(!strcmp(v, cases[i].want), "cpu.max case %zu -> \"%s\" (got \"%s\")", i, cases[i].want, v);
    }
}

/* The one list parser (util/idlist), as cpuset.cpus/mems and the spec use it. */
static void test_cpuset(void)
{
    struct idlist a, b;
    struct hull_error *e = NULL;
    CHECK(idlist_parse_err("0-3,7", &a, &e) == 0 && idlist_has(&a, 0) && idlist_has(&a, 3) && !idlist_has(&a, 4) &&
              idlist_has(&a, 7) && !idlist_has(&a, 8),
          "\"0-3,7\" is 0,1,2,3,7");
    CHECK(idlist_parse_err(" 0-1\n", &b, &e) == 0 && idlist_has(&b, 0) && idlist_has(&b, 1) && !idlist_has(&b, 2),
          "whitespace and newline as in cpuset.cpus are accepted");
    CHECK(idlist_first_outside(&a, &b) == 2, "first CPU of 0-3,7 outside 0-1 is 2");
    CHECK(idlist_first_outside(&b, &a) == -1, "0-1 lies inside 0-3,7");
    CHECK(idlist_parse_err("0, 8191\n", &a, &e) == 0 && idlist_has(&a, 8191), "8191, the largest NR_CPUS - 1, is accepted");
    const char *bad[] = {"3-1", "a", "0,,1", "1-", "0-99999", "1;2", "8192", "99999999999999999999999"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        CHECK(idlist_parse_err(bad[i], &a, &e) < 0 && e && strstr(e->msg, bad[i]), "\"%s\" is rejected, naming it: %s",
              bad[i], e ? e->msg : "");
        hull_error_freep(&e);
        CHECK(idlist_parse(bad[i], &a) < 0, "\"%s\" is rejected without an error to fill", bad[i]);
    }
    CHECK(idlist_parse_err("", &a, &e) == 0 && idlist_empty(&a) && idlist_first_outside(&a, &b) == -1,
          "empty list is empty");
}

static void test_device_rules(void)
{
    char buf[64];
    struct hull_error *e = NULL;
    struct hull_device_rule all = {.allow = false, .access = (char *)"rwm"};
    CHECK(cgroup_device_rule_v1(&all, buf, sizeof buf, &e) == 0 && !strcmp(buf, "a *:* rwm"),
              "deny-all rule -> \"a *:* rwm\" (got \"%s\")", buf);
    struct hull_device_rule null = {.allow = true, .type = 'c', .has_major = true, .has_minor = true, .major = 1,
                                    .minor = 3, .access = (char *)"rw"};
    CHECK(cgroup_device_rule_v1(&null, buf, sizeof buf, &e) == 0 && !strcmp(buf, "c 1:3 rw"),
              "/dev/null rule -> \"c 1:3 rw\"");
    struct hull_device_rule pts = {.allow = true, .type = 'c', .has_major = true, .major = 136};
    CHECK(cgroup_device_rule_v1(&pts, buf, sizeof buf, &e) == 0 && !strcmp(buf, "c 136:* rwm"),
              "no minor and no access -> \"c 136:* rwm\" (got \"%s\")", buf);
    struct hull_device_rule wild = {.allow = true, .type = 'b', .has_major = true, .has_minor = true, .major = -1,
                                    .minor = -1, .access = (char *)"m"};
    CHECK(cgroup_device_rule_v1(&wild, buf, sizeof buf, &e) == 0 && !strcmp(buf, "b *:* m"),
              "major/minor -1 are wildcards");
    struct hull_device_rule badtype = {.allow = true, .type = 'x'};
    CHECK(cgroup_device_rule_v1(&badtype, buf, sizeof buf, &e) < 0 && e && strstr(e->msg, "type"),
              "type x is rejected");
    hull_error_freep(&e);
    struct hull_device_rule badacc = {.allow = true, .type = 'c', .access = (char *)"rwx"};
    CHECK(cgroup_device_rule_v1(&badacc, buf, sizeof buf, &e) < 0 && e && strstr(e->msg, "access"),
              "access rwx is rejected");
    hull_error_freep(&e);
    size_t n;
    const struct hull_device_rule *d = cgroup_default_device_rules(&n);
    bool has_null = false, has_pts = false;
    for (size_t i = 0; i < n; i++) {
        has_null |= d[i].type == 'c' && d[i].major == 1 && d[i].minor == 3;
        has_pts |= d[i].type == 'c' && d[i].major == 136 && !d[i].has_minor;
    }
    CHECK(has_null && has_pts, "the default rules allow /dev/null and /dev/pts/*");
}

static void test_bpf_program(void)
{
    struct hull_error *e = NULL;
    struct bpf_insn *p = NULL;
    size_t n = 0;
    struct hull_device_rule rules[] = {
        {.allow = false, .access = (char *)"rwm"},
        {.allow = true, .type = 'c', .has_major = true, .has_minor = true, .major = 1, .minor = 3,
         .access = (char *)"rw"},
    };
    /* deny-all alone: prologue (6) + unconditional "r0 = 0; exit" and nothing after (the verifier
     * rejects unreachable code). */
    CHECK(cgroup_devices_bpf_program(rules, 1, &p, &n, &e) == 0 && n == 8, "deny-all: 8 instructions (got %zu)",
              n);
    CHECK(p && p[6].code == (BPF_ALU64 | BPF_MOV | BPF_K) && p[6].imm == 0 && p[7].code == (BPF_JMP | BPF_EXIT),
              "deny-all: returns 0");
    free(p);
    p = NULL;
    /* The allow rule is tested first (last rule wins): type, access (3), major, minor, verdict (2). */
    CHECK(cgroup_devices_bpf_program(rules, 2, &p, &n, &e) == 0 && n == 16, "deny-all + allow c 1:3 rw: 16 "
              "instructions (got %zu)", n);
    if (p && n == 16) {
        CHECK(p[0].code == (BPF_LDX | BPF_W | BPF_MEM) && p[0].off == 0 && p[4].off == 4 && p[5].off == 8,
                  "prologue loads access_type, major, minor");
        CHECK(p[6].code == (BPF_JMP | BPF_JNE | BPF_K) && p[6].imm == BPF_DEVCG_DEV_CHAR && p[6].off == 7,
                  "type test jumps over the 7 remaining instructions of its block");
        CHECK(p[8].imm == (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE), "access mask is READ|WRITE");
        CHECK(p[10].imm == 1 && p[10].off == 3 && p[11].imm == 3 && p[11].off == 2, "major 1 then minor 3");
        CHECK(p[12].imm == 1 && p[13].code == (BPF_JMP | BPF_EXIT), "a match allows");
        CHECK(p[14].imm == 0 && p[15].code == (BPF_JMP | BPF_EXIT), "then deny-all denies");
    }
    if (geteuid() == 0) {
        int fd = cgroup_devices_bpf_load(p, n, &e);
        CHECK(fd >= 0, "the kernel's verifier accepts the program %s", e ? e->msg : "");
        if (fd >= 0)
            close(fd);
        hull_error_freep(&e);
    }
    free(p);
    p = NULL;
    /* No rules at all: deny everything (the default list is appended by the manager, not here). */
    CHECK(cgroup_devices_bpf_program(NULL, 0, &p, &n, &e) == 0 && n == 8 && p[6].imm == 0,
              "no rules: deny");
    free(p);
    p = NULL;
    struct hull_device_rule bad = {.allow = true, .type = 'c', .access = (char *)"z"};
    CHECK(cgroup_devices_bpf_program(&bad, 1, &p, &n, &e) < 0 && e, "a bad access string is an error");
    hull_error_freep(&e);
    free(p);
}

static void test_paths(void)
{
    struct hull_error *e = NULL;
    CHECK(cgroup_validate_path(NULL, &e) == 0 && cgroup_validate_path("/a/b", &e) == 0 &&
                  cgroup_validate_path("rel/x", &e) == 0,
              "absent, absolute and relative paths are fine");
    CHECK(cgroup_validate_path("system.slice:docker:abc", &e) < 0 && e && strstr(e->msg, "systemd"),
              "systemd's slice:prefix:name form is a clear error");
    hull_error_freep(&e);
    CHECK(cgroup_validate_path("/a/../../b", &e) < 0 && e, "\"..\" is rejected");
    hull_error_freep(&e);
    CHECK(cgroup_validate_path("/", &e) < 0 && e && strstr(e->msg, "root"), "the root cgroup is rejected");
    hull_error_freep(&e);
    struct cgroup_hierarchy h = {.mountpoint = (char *)"/sys/fs/cgroup/unified", .mount_root = (char *)"/",
                                 .options = (char *)"", .unified = true};
    char *out = NULL;
    CHECK(cgroup_resolve_path(&h, "abc", NULL, &out, &e) == 0 && !strcmp(out, "/hull/abc"),
              "default path is /hull/ID");
    free(out);
    CHECK(cgroup_resolve_path(&h, "abc", "//x//y/", &out, &e) == 0 && !strcmp(out, "/x/y"),
              "absolute path is normalised (%s)", out);
    free(out);
    out = NULL;
    char *own = NULL;
    if (cgroup_own_path(&h, &own, NULL) == 0) {
        CHECK(cgroup_resolve_path(&h, "abc", "sub/c", &out, &e) == 0 && out && strstr(out, "/sub/c") &&
                      !strncmp(out, own, strlen(own) > 1 ? strlen(own) : 0),
                  "relative path goes below our own cgroup %s (%s)", own, out ? out : "");
        free(out);
    }
    free(own);
}

/* Independent reading of the layout: statfs and /proc/self/mountinfo. */
static void test_layout(void)
{
    struct statfs fs;
    enum cgroup_layout want = CGROUP_LAYOUT_UNKNOWN;
    if (statfs("/sys/fs/cgroup", &fs) == 0) {
        if (fs.f_type == CGROUP2_SUPER_MAGIC)
            want = CGROUP_LAYOUT_V2;
        else if (fs.f_type == TMPFS_MAGIC) {
            cleanup_free char *mi = NULL;
            read_file("/proc/self/mountinfo", &mi, NULL, NULL);
            want = mi && strstr(mi, " /sys/fs/cgroup/unified ") ? CGROUP_LAYOUT_HYBRID : CGROUP_LAYOUT_V1;
        }
    }
    unsetenv("HULL_CGROUP_ROOT");
    enum cgroup_layout got = cgroup_detect_layout();
    CHECK(got == want, "layout of this host is %s (detected %s)", cgroup_layout_name(want),
              cgroup_layout_name(got));
    struct cgroup_hierarchy *hs = NULL;
    size_t n = 0;
    struct hull_error *e = NULL;
    CHECK(cgroup_list_hierarchies(got, &hs, &n, &e) == 0 && n > 0, "hierarchies listed (%zu)", n);
    bool has_memory = false, has_named = false, has_unified = false;
    for (size_t i = 0; i < n; i++) {
        printf("# hierarchy %s (%s)%s\n", hs[i].mountpoint, hs[i].options, hs[i].unified ? " unified" : "");
        has_memory |= cgroup_hierarchy_has(&hs[i], "memory");
        has_named |= strstr(hs[i].options, "name=") != NULL;
        has_unified |= hs[i].unified;
        cgroup_hierarchy_clear(&hs[i]);
    }
    free(hs);
    if (got == CGROUP_LAYOUT_HYBRID) {
        CHECK(has_memory && has_unified, "hybrid: a v1 memory hierarchy and the unified one");
        cleanup_free char *mi = NULL;
        read_file("/proc/self/mountinfo", &mi, NULL, NULL);
        bool host_named = mi && strstr(mi, "name=systemd");
        CHECK(has_named == host_named, "named hierarchies (name=systemd) are listed when mounted");
    } else if (got == CGROUP_LAYOUT_V2) {
        CHECK(has_unified && n == 1, "v2: exactly the unified hierarchy");
    }
    setenv("HULL_CGROUP_ROOT", "/proc", 1);
    CHECK(cgroup_detect_layout() == CGROUP_LAYOUT_UNKNOWN, "HULL_CGROUP_ROOT on a non-cgroup fs is unknown");
    unsetenv("HULL_CGROUP_ROOT");
}

static void test_misc(void)
{
    CHECK(cgroup_hugepage_size_valid("2MB") && cgroup_hugepage_size_valid("1GB") &&
                  cgroup_hugepage_size_valid("64KB"),
              "hugepage sizes 2MB, 1GB, 64KB are valid");
    CHECK(!cgroup_hugepage_size_valid("2M") && !cgroup_hugepage_size_valid("MB") &&
                  !cgroup_hugepage_size_valid("02MB") && !cgroup_hugepage_size_valid("2MB/x") &&
                  !cgroup_hugepage_size_valid(NULL),
              "malformed hugepage sizes are rejected");
    struct hull_rdma_limit l = {.device = (char *)"mlx5_1", .hca_handles = {true, 3}, .hca_objects = {true, 10000}};
    cleanup_free char *v = cgroup_rdma_value(&l);
    CHECK(!strcmp(v, "mlx5_1 hca_handle=3 hca_object=10000"), "rdma.max line (%s)", v);
    struct hull_rdma_limit l2 = {.device = (char *)"rxe3", .hca_objects = {true, 5}};
    cleanup_free char *v2 = cgroup_rdma_value(&l2);
    CHECK(!strcmp(v2, "rxe3 hca_object=5"), "rdma.max line with objects only (%s)", v2);
    CHECK(cgroup_device_access_mask("rwm") == 7 && cgroup_device_access_mask("r") == 2 &&
                  cgroup_device_access_mask(NULL) == 7 && cgroup_device_access_mask("q") < 0,
              "access masks");
}

int main(void)
{
    test_weights();
    test_swap();
    test_cpu_max();
    test_cpuset();
    test_device_rules();
    test_bpf_program();
    test_paths();
    test_layout();
    test_misc();
    return TAP_DONE();
}
