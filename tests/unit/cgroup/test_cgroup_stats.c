/* hull: the cgroup stats readers against fixture files.
 *
 * tests/unit/cgroup/fixtures/stats-v1 and stats-v2 hold the files a v1 and a
 * v2 kernel show (the formats of Documentation/admin-guide/cgroup-v1/ and
 * cgroup-v2.rst, trailing spaces and summary lines included).  A manager is
 * loaded from a state.json whose nodes point at them, as hull-runtime does
 * for `events --stats`, so each driver's choice of directories is exercised
 * too; nothing is written.  The JSON must stay byte-for-byte runc's shape:
 * the expected strings were printed by the JSON-building stats code this
 * struct replaced, on the same fixtures. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "../../unit/tap.h"
#include "cgroup/cgroup.h"
#include "cgroup/cgroup_stats.h"
#include "container/state.h"
#include "util/utils.h"

#define FIXTURES HULL_SOURCE_ROOT "/tests/unit/cgroup/fixtures"

/* A v1 node per controller list, all in dir (a fixture directory). */
static void add_node(struct json_object *nodes, const char *controllers, const char *fixture, bool unified)
{
    struct json_object *n = json_object_new_object();
    cleanup_free char *dir = xasprintf("%s/%s", FIXTURES, fixture);
    cleanup_free char *path = xasprintf("/%s", fixture);
    json_object_object_add(n, "mountpoint", json_object_new_string(FIXTURES));
    json_object_object_add(n, "mount_root", json_object_new_string("/"));
    json_object_object_add(n, "controllers", json_object_new_string(controllers));
    json_object_object_add(n, "unified", json_object_new_boolean(unified));
    json_object_object_add(n, "path", json_object_new_string(path));
    json_object_object_add(n, "dir", json_object_new_string(dir));
    json_object_object_add(n, "created", json_object_new_array());
    json_object_array_add(nodes, n);
}

/* layout "v1": the v1 fixture in every hierarchy; "v2": the v2 fixture as the
 * unified node; "hybrid": v1 hierarchies without hugetlb, which the unified
 * (v2 fixture, whose cgroup.controllers offers it) must then serve. */
static struct cgroup_manager *fixture_manager(const char *layout)
{
    struct json_object *state = json_object_new_object(), *cg = json_object_new_object();
    struct json_object *nodes = json_object_new_array();
    json_object_object_add(cg, "layout", json_object_new_string(layout));
    if (strcmp(layout, "v2") != 0) {
        static const char *const v1[] = {"cpu,cpuacct", "memory", "pids", "blkio"};
        for (size_t i = 0; i < ARRAY_SIZE(v1); i++)
            add_node(nodes, v1[i], "stats-v1", false);
        if (!strcmp(layout, "v1"))
            add_node(nodes, "hugetlb", "stats-v1", false);
    }
    if (strcmp(layout, "v1") != 0)
        add_node(nodes, "", "stats-v2", true);
    json_object_object_add(cg, "nodes", nodes);
    json_object_object_add(state, "cgroup", cg);
    /* through state.json's reader, as every command gets its manager */
    cleanup_state struct hull_state *st = NULL;
    struct cgroup_manager *m = NULL;
    struct hull_error *e = NULL;
    if (hull_state_from_json(json_object_to_json_string(state), &st, &e) < 0 ||
        cgroup_manager_load(&st->cgroup, &m, &e) < 0) {
        cleanup_free char *t = hull_error_text(e);
        printf("Bail out! load the %s fixture manager: %s\n", layout, t);
        exit(1);
    }
    json_object_put(state);
    return m;
}

static char *stats_json(const struct cgroup_stats *s)
{
    struct json_object *o = cgroup_stats_to_json(s);
    char *text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return text;
}

static bool json_is(const char *what, const char *got, const char *want)
{
    if (!strcmp(got, want))
        return true;
    printf("# %s\n#  got: %s\n# want: %s\n", what, got, want);
    return false;
}

static uint64_t ticks_ns(uint64_t ticks)
{
    long hz = sysconf(_SC_CLK_TCK);
    return ticks * (1000000000ULL / (uint64_t)(hz > 0 ? hz : 100));
}

static const char want_v1_json[] =
    "{\"cpu\":{\"usage\":{\"total\":123456789,\"percpu\":[100,200,0,300],\"percpu_kernel\":[10,20,0,30],\"percpu_use"
    "r\":[90,180,0,270],\"kernel\":500000000,\"user\":1500000000},\"throttling\":{\"periods\":10,\"throttledPeriods"
    "\":3,\"throttledTime\":4500}},\"cpuset\":{},\"memory\":{\"cache\":4096,\"usage\":{\"limit\":50331648,\"usage\":1048"
    "5760,\"max\":12582912,\"failcnt\":0},\"swap\":{\"limit\":100663296,\"usage\":11534336,\"max\":13631488,\"failcnt\""
    ":2},\"kernel\":{\"limit\":9223372036854771712,\"usage\":524288,\"max\":1048576,\"failcnt\":0},\"kernelTCP\":{\"li"
    "mit\":9223372036854771712,\"failcnt\":0},\"raw\":{\"cache\":4096,\"rss\":8192,\"rss_huge\":0,\"shmem\":0,\"mapped_"
    "file\":0,\"inactive_file\":2048,\"active_file\":2048,\"hierarchical_memory_limit\":50331648,\"total_cache\":4"
    "096,\"total_rss\":8192,\"total_inactive_file\":1024,\"total_active_file\":3072}},\"pids\":{\"current\":3},\"blk"
    "io\":{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":4096},{\"major\":8,\"op\":\"Write\",\"value\""
    ":8192},{\"major\":8,\"op\":\"Sync\"},{\"major\":8,\"op\":\"Async\",\"value\":12288},{\"major\":8,\"op\":\"Discard\"},{\"m"
    "ajor\":8,\"op\":\"Total\",\"value\":12288}],\"ioServicedRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":1},{\"majo"
    "r\":8,\"op\":\"Write\",\"value\":2},{\"major\":8,\"op\":\"Sync\"},{\"major\":8,\"op\":\"Async\",\"value\":3},{\"major\":8,\""
    "op\":\"Discard\"},{\"major\":8,\"op\":\"Total\",\"value\":3}]},\"hugetlb\":{\"2MB\":{\"usage\":2097152,\"max\":4194304,"
    "\"failcnt\":1}},\"intel_rdt\":{},\"network_interfaces\":null}";
static const char want_v2_json[] =
    "{\"cpu\":{\"usage\":{\"total\":2000000,\"kernel\":500000,\"user\":1500000},\"throttling\":{\"periods\":4,\"throttle"
    "dPeriods\":1,\"throttledTime\":300000}},\"cpuset\":{},\"memory\":{\"cache\":4096,\"usage\":{\"limit\":18446744073"
    "709551615,\"usage\":10485760,\"max\":12582912,\"failcnt\":2},\"swap\":{\"limit\":18446744073709551615,\"usage\":"
    "11534336,\"failcnt\":0},\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":{\"limit\":0,\"failcnt\":0},\"raw\":{\"a"
    "non\":8192,\"file\":4096,\"kernel\":65536,\"shmem\":0,\"inactive_anon\":0,\"active_anon\":8192,\"inactive_file\":"
    "1024,\"active_file\":3072}},\"pids\":{\"current\":2,\"limit\":100},\"blkio\":{\"ioServiceBytesRecursive\":[{\"maj"
    "or\":8,\"op\":\"Read\",\"value\":4096},{\"major\":8,\"op\":\"Write\",\"value\":8192},{\"major\":253,\"minor\":1,\"op\":\"R"
    "ead\"},{\"major\":253,\"minor\":1,\"op\":\"Write\",\"value\":512}],\"ioServicedRecursive\":[{\"major\":8,\"op\":\"Read"
    "\",\"value\":1},{\"major\":8,\"op\":\"Write\",\"value\":2},{\"major\":253,\"minor\":1,\"op\":\"Read\"},{\"major\":253,\"mi"
    "nor\":1,\"op\":\"Write\",\"value\":1}]},\"hugetlb\":{\"2MB\":{\"usage\":2097152,\"failcnt\":1}},\"intel_rdt\":{},\"net"
    "work_interfaces\":null}";
static const char want_hybrid_json[] =
    "{\"cpu\":{\"usage\":{\"total\":123456789,\"percpu\":[100,200,0,300],\"percpu_kernel\":[10,20,0,30],\"percpu_use"
    "r\":[90,180,0,270],\"kernel\":500000000,\"user\":1500000000},\"throttling\":{\"periods\":10,\"throttledPeriods"
    "\":3,\"throttledTime\":4500}},\"cpuset\":{},\"memory\":{\"cache\":4096,\"usage\":{\"limit\":50331648,\"usage\":1048"
    "5760,\"max\":12582912,\"failcnt\":0},\"swap\":{\"limit\":100663296,\"usage\":11534336,\"max\":13631488,\"failcnt\""
    ":2},\"kernel\":{\"limit\":9223372036854771712,\"usage\":524288,\"max\":1048576,\"failcnt\":0},\"kernelTCP\":{\"li"
    "mit\":9223372036854771712,\"failcnt\":0},\"raw\":{\"cache\":4096,\"rss\":8192,\"rss_huge\":0,\"shmem\":0,\"mapped_"
    "file\":0,\"inactive_file\":2048,\"active_file\":2048,\"hierarchical_memory_limit\":50331648,\"total_cache\":4"
    "096,\"total_rss\":8192,\"total_inactive_file\":1024,\"total_active_file\":3072}},\"pids\":{\"current\":3},\"blk"
    "io\":{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":4096},{\"major\":8,\"op\":\"Write\",\"value\""
    ":8192},{\"major\":8,\"op\":\"Sync\"},{\"major\":8,\"op\":\"Async\",\"value\":12288},{\"major\":8,\"op\":\"Discard\"},{\"m"
    "ajor\":8,\"op\":\"Total\",\"value\":12288}],\"ioServicedRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":1},{\"majo"
    "r\":8,\"op\":\"Write\",\"value\":2},{\"major\":8,\"op\":\"Sync\"},{\"major\":8,\"op\":\"Async\",\"value\":3},{\"major\":8,\""
    "op\":\"Discard\"},{\"major\":8,\"op\":\"Total\",\"value\":3}]},\"hugetlb\":{\"2MB\":{\"usage\":2097152,\"failcnt\":1}},"
    "\"intel_rdt\":{},\"network_interfaces\":null}";

static void test_v1(void)
{
    cleanup_cgroup_manager struct cgroup_manager *m = fixture_manager("v1");
    cleanup_cgroup_stats struct cgroup_stats s = {0};
    struct hull_error *e = NULL;
    TAP_CHECK(cgroup_manager_stats(m, &s, &e) == 0, "v1: stats read");
    hull_error_freep(&e);
    TAP_CHECK(s.cpu.total == 123456789 && s.cpu.user == ticks_ns(150) && s.cpu.kernel == ticks_ns(50),
              "v1: cpuacct.usage in ns, cpuacct.stat USER_HZ ticks converted to ns");
    TAP_CHECK(s.cpu.percpu.n == 4 && s.cpu.percpu.v[3] == 300 && s.cpu.percpu_kernel.v[1] == 20 &&
                  s.cpu.percpu_user.n == 4,
              "v1: per-CPU lists (trailing space ignored)");
    TAP_CHECK(s.cpu.periods == 10 && s.cpu.throttled_periods == 3 && s.cpu.throttled_time == 4500,
              "v1: cpu.stat throttling");
    TAP_CHECK(s.memory.present && s.memory.cache == 4096 && s.memory.usage.limit == 50331648 &&
                  s.memory.usage.usage == 10485760 && s.memory.usage.max == 12582912,
              "v1: memory usage, limit, max usage, cache");
    TAP_CHECK(s.memory.swap.limit == 100663296 && s.memory.swap.failcnt == 2 && s.memory.kernel.usage == 524288 &&
                  s.memory.kernel_tcp.limit == 9223372036854771712ULL,
              "v1: memory+swap, kmem and kmem.tcp entries");
    uint64_t v = 0;
    TAP_CHECK(s.memory.n_raw == 12 && cgroup_stats_memory_raw(&s, "total_inactive_file", &v) && v == 1024 &&
                  !cgroup_stats_memory_raw(&s, "no_such_key", &v),
              "v1: memory.stat kept whole, looked up by key");
    TAP_CHECK(s.pids.current == 3 && s.pids.limit == 0, "v1: pids, \"max\" reads as limit 0 (runc)");
    TAP_CHECK(s.blkio.n_service_bytes == 6 && !strcmp(s.blkio.service_bytes[0].op, "Read") &&
                  s.blkio.service_bytes[0].major == 8 && s.blkio.service_bytes[1].value == 8192 &&
                  s.blkio.n_serviced == 6,
              "v1: blkio throttle lists, device lines only (the bare Total line skipped)");
    TAP_CHECK(s.n_hugetlb == 1 && !strcmp(s.hugetlb[0].page_size, "2MB") && s.hugetlb[0].usage == 2097152 &&
                  s.hugetlb[0].max == 4194304 && s.hugetlb[0].failcnt == 1,
              "v1: hugetlb per page size, rsvd files skipped");
    uint64_t ooms = 0;
    TAP_CHECK(cgroup_manager_oom_kills(m, &ooms, &e) == 0 && ooms == 1, "v1: oom_kill from memory.oom_control");
    hull_error_freep(&e);
    cleanup_free char *json = stats_json(&s);
    TAP_CHECK(json_is("v1 JSON", json, want_v1_json), "v1: runc's events JSON, unchanged");
}

static void test_v2(void)
{
    cleanup_cgroup_manager struct cgroup_manager *m = fixture_manager("v2");
    cleanup_cgroup_stats struct cgroup_stats s = {0};
    struct hull_error *e = NULL;
    TAP_CHECK(cgroup_manager_stats(m, &s, &e) == 0, "v2: stats read");
    hull_error_freep(&e);
    TAP_CHECK(s.cpu.total == 2000000 && s.cpu.user == 1500000 && s.cpu.kernel == 500000 &&
                  s.cpu.throttled_time == 300000 && s.cpu.periods == 4 && s.cpu.throttled_periods == 1,
              "v2: cpu.stat microseconds converted to ns");
    TAP_CHECK(s.cpu.percpu.n == 0, "v2: no per-CPU figures");
    TAP_CHECK(s.memory.present && s.memory.usage.usage == 10485760 && s.memory.usage.limit == UINT64_MAX &&
                  s.memory.usage.max == 12582912 && s.memory.usage.failcnt == 2 && s.memory.cache == 4096,
              "v2: memory.current/max/peak, memory.events max as failcnt, file as cache");
    TAP_CHECK(s.memory.swap.usage == 10485760 + 1048576 && s.memory.swap.limit == UINT64_MAX,
              "v2: swap entry is memory+swap, as v1 and runc report it");
    uint64_t v = 0;
    TAP_CHECK(cgroup_stats_memory_raw(&s, "inactive_file", &v) && v == 1024 &&
                  !cgroup_stats_memory_raw(&s, "total_inactive_file", &v),
              "v2: memory.stat raw keys");
    TAP_CHECK(s.pids.current == 2 && s.pids.limit == 100, "v2: pids");
    TAP_CHECK(s.blkio.n_service_bytes == 4 && s.blkio.service_bytes[2].major == 253 &&
                  s.blkio.service_bytes[2].minor == 1 && !strcmp(s.blkio.service_bytes[3].op, "Write") &&
                  s.blkio.service_bytes[3].value == 512 && s.blkio.n_serviced == 4 && s.blkio.serviced[1].value == 2,
              "v2: io.stat rbytes/wbytes/rios/wios per device");
    TAP_CHECK(s.n_hugetlb == 1 && s.hugetlb[0].usage == 2097152 && s.hugetlb[0].failcnt == 1 && s.hugetlb[0].max == 0,
              "v2: hugetlb current and events max, rsvd skipped");
    uint64_t ooms = 0;
    TAP_CHECK(cgroup_manager_oom_kills(m, &ooms, &e) == 0 && ooms == 1, "v2: oom_kill from memory.events");
    hull_error_freep(&e);
    cleanup_free char *json = stats_json(&s);
    TAP_CHECK(json_is("v2 JSON", json, want_v2_json), "v2: runc's events JSON, unchanged");
}

static void test_hybrid(void)
{
    cleanup_cgroup_manager struct cgroup_manager *m = fixture_manager("hybrid");
    cleanup_cgroup_stats struct cgroup_stats s = {0};
    struct hull_error *e = NULL;
    TAP_CHECK(cgroup_manager_stats(m, &s, &e) == 0, "hybrid: stats read");
    hull_error_freep(&e);
    TAP_CHECK(s.cpu.total == 123456789 && s.memory.usage.limit == 50331648 && s.blkio.n_service_bytes == 6,
              "hybrid: cpu, memory and blkio from the v1 hierarchies");
    TAP_CHECK(s.n_hugetlb == 1 && s.hugetlb[0].usage == 2097152 && s.hugetlb[0].max == 0,
              "hybrid: hugetlb, which no v1 hierarchy carries, from the unified one in v2 terms");
    cleanup_free char *json = stats_json(&s);
    TAP_CHECK(json_is("hybrid JSON", json, want_hybrid_json), "hybrid: runc's events JSON, unchanged");
}

static void test_missing(void)
{
    /* A container without a cgroup, and one whose host lacks every controller
     * but pids: an error in the first case, empty parts in the second. */
    struct cgroup_manager *none = NULL;
    struct cgroup_record empty = {0};
    TAP_CHECK(cgroup_manager_load(&empty, &none, NULL) == 0, "manager without a cgroup loads");
    cleanup_cgroup_stats struct cgroup_stats s = {0};
    struct hull_error *e = NULL;
    TAP_CHECK(cgroup_manager_stats(none, &s, &e) < 0 && e, "no cgroup: stats fail with an error");
    hull_error_freep(&e);
    cgroup_manager_free(none);

    struct cgroup_stats z = {0};
    cleanup_free char *json = stats_json(&z);
    TAP_CHECK(json_is("empty JSON", json,
                      "{\"cpu\":{\"usage\":{\"kernel\":0,\"user\":0},\"throttling\":{}},\"cpuset\":{},\"memory\":{},"
                      "\"pids\":{},\"blkio\":{},\"hugetlb\":{},\"intel_rdt\":{},\"network_interfaces\":null}"),
              "nothing read: runc's empty shape (omitempty)");
}

/* The driver is chosen from the layout saved in state.json; what differs
 * shows without touching a cgroup (the fixtures have no freezer files, and
 * nothing here writes). */
static void test_driver_choice(void)
{
    static const char *const layouts[] = {"v1", "v2", "hybrid"};
    for (size_t i = 0; i < ARRAY_SIZE(layouts); i++) {
        cleanup_cgroup_manager struct cgroup_manager *m = fixture_manager(layouts[i]);
        bool v2 = !strcmp(layouts[i], "v2");
        int fd = cgroup_manager_clone_fd(m);
        TAP_CHECK(v2 ? fd >= 0 : fd == -1, "%s: CLONE_INTO_CGROUP only with the one v2 hierarchy (fd %d)",
                  layouts[i], fd);
        struct hull_error *e = NULL;
        TAP_CHECK(cgroup_manager_freeze(m, true, &e) < 0 && e && strstr(e->msg, "no cgroup freezer") &&
                      !cgroup_manager_is_frozen(m),
                  "%s: no freezer file, pause refused", layouts[i]);
        hull_error_freep(&e);
        char *args[] = {(char *)"memory:sub", NULL};
        int rc = cgroup_manager_enter_sub(m, args, &e);
        TAP_CHECK(!v2 || (rc < 0 && e && strstr(e->msg, "one hierarchy")),
                  "%s: exec --cgroup CONTROLLER:PATH refused on v2 only", layouts[i]);
        hull_error_freep(&e);
    }
}

int main(void)
{
    test_driver_choice();
    test_v1();
    test_v2();
    test_hybrid();
    test_missing();
    return TAP_DONE();
}
