/* Unit tests of the range checks of linux.resources (spec_check_resources):
 * each bad value is refused once, by the parser, with one line naming the
 * JSON field and the allowed range; the values at the edges of each range
 * parse.  The same checks hold for `update --resources FILE` (a bare
 * LinuxResources object) and for a struct built by hand (`update`'s flags). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"
#include "util/utils.h"
#include "../tap.h"

/* A minimal valid config whose linux.resources is `resources`. */
static char *config_with_resources(const char *resources)
{
    return xasprintf("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"},"
                     " \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0}},"
                     " \"linux\": {\"namespaces\": [{\"type\": \"mount\"}], \"resources\": %s}}",
                     resources);
}

/* The config must fail with exactly "config.json: " + `message` (one line,
 * the whole error). */
static void expect_refused(const char *resources, const char *message)
{
    cleanup_free char *json = config_with_resources(resources);
    cleanup_free char *want = xasprintf("config.json: %s", message);
    struct hull_spec *spec = NULL;
    cleanup_error struct hull_error *err = NULL;
    int r = spec_parse(json, &spec, &err);
    bool same = r < 0 && spec == NULL && err && !strcmp(err->msg, want);
    TAP_CHECK(same, "%s is refused: %s", resources, message);
    if (!same)
        printf("# got: %s\n", err ? err->msg : "(success)");
    spec_free(spec);
}

static void expect_accepted(const char *resources)
{
    cleanup_free char *json = config_with_resources(resources);
    struct hull_spec *spec = NULL;
    cleanup_error struct hull_error *err = NULL;
    int r = spec_parse(json, &spec, &err);
    TAP_CHECK(r == 0, "%s parses%s%s", resources, err ? ": " : "", err ? err->msg : "");
    spec_free(spec);
}

static void test_cpu(void)
{
    expect_refused("{\"cpu\": {\"shares\": 1}}", "linux.resources.cpu.shares: 1 is out of range (2..262144)");
    expect_refused("{\"cpu\": {\"shares\": 262145}}",
                   "linux.resources.cpu.shares: 262145 is out of range (2..262144)");
    expect_accepted("{\"cpu\": {\"shares\": 2}}");
    expect_accepted("{\"cpu\": {\"shares\": 262144}}");
    expect_accepted("{\"cpu\": {\"shares\": 0}}"); /* 0 = not set (docker sends it) */
    expect_refused("{\"cpu\": {\"quota\": 999}}",
                   "linux.resources.cpu.quota: 999 is out of range (-1 for no limit, or 1000.. microseconds)");
    expect_accepted("{\"cpu\": {\"quota\": -1}}");
    expect_accepted("{\"cpu\": {\"quota\": 1000}}");
    expect_refused("{\"cpu\": {\"period\": 999}}", "linux.resources.cpu.period: 999 is out of range (1000..1000000)");
    expect_refused("{\"cpu\": {\"period\": 1000001}}",
                   "linux.resources.cpu.period: 1000001 is out of range (1000..1000000)");
    expect_accepted("{\"cpu\": {\"period\": 1000000}}");
    expect_refused("{\"cpu\": {\"quota\": 20000, \"burst\": 50000}}",
                   "linux.resources.cpu.burst: 50000 is larger than linux.resources.cpu.quota (20000)");
    expect_accepted("{\"cpu\": {\"quota\": 20000, \"burst\": 20000}}");
    expect_refused("{\"cpu\": {\"idle\": 2}}", "linux.resources.cpu.idle: 2 is out of range (0..1)");
    expect_accepted("{\"cpu\": {\"idle\": 1}}");
    expect_refused("{\"cpu\": {\"cpus\": \"1-0\"}}",
                   "linux.resources.cpu.cpus: bad cpu/node list \"1-0\": range 1-0 goes backwards");
    expect_refused("{\"cpu\": {\"mems\": \"0,x\"}}",
                   "linux.resources.cpu.mems: bad cpu/node list \"0,x\": expected a number at \"x\"");
    /* Syntax only: whether CPU 4095 exists is the host's to say, at apply. */
    expect_accepted("{\"cpu\": {\"cpus\": \"0-4095\", \"mems\": \"0\"}}");
}

static void test_memory_and_pids(void)
{
    expect_refused("{\"memory\": {\"limit\": 67108864, \"swap\": 33554432}}",
                   "linux.resources.memory.swap: 33554432 is memory+swap and must be >= linux.resources.memory.limit "
                   "(67108864)");
    expect_accepted("{\"memory\": {\"limit\": 67108864, \"swap\": 67108864}}");
    expect_accepted("{\"memory\": {\"limit\": 67108864, \"swap\": -1}}");
    expect_refused("{\"memory\": {\"swappiness\": 101}}",
                   "linux.resources.memory.swappiness: 101 is out of range (0..100)");
    expect_accepted("{\"memory\": {\"swappiness\": 100}}");
    expect_accepted("{\"memory\": {\"swappiness\": 18446744073709551615}}"); /* docker's -1 as uint64 */
    expect_accepted("{\"pids\": {\"limit\": 0}}");
    expect_accepted("{\"pids\": {\"limit\": -1}}");
}

static void test_blkio(void)
{
    expect_refused("{\"blockIO\": {\"weight\": 9}}", "linux.resources.blockIO.weight: 9 is out of range (10..1000)");
    expect_refused("{\"blockIO\": {\"leafWeight\": 1001}}",
                   "linux.resources.blockIO.leafWeight: 1001 is out of range (10..1000)");
    expect_accepted("{\"blockIO\": {\"weight\": 10, \"leafWeight\": 1000}}");
    expect_refused("{\"blockIO\": {\"weightDevice\": [{\"major\": 8, \"minor\": 0}]}}",
                   "linux.resources.blockIO.weightDevice[0]: give weight or leafWeight");
    expect_refused("{\"blockIO\": {\"weightDevice\": [{\"major\": 8, \"minor\": 0, \"weight\": 5}]}}",
                   "linux.resources.blockIO.weightDevice[0].weight: 5 is out of range (10..1000)");
    expect_refused("{\"blockIO\": {\"weightDevice\": [{\"major\": 8, \"minor\": 0, \"leafWeight\": 2000}]}}",
                   "linux.resources.blockIO.weightDevice[0].leafWeight: 2000 is out of range (10..1000)");
}

static void test_other_controllers(void)
{
    expect_refused("{\"hugepageLimits\": [{\"pageSize\": \"2XB\", \"limit\": 1}]}",
                   "linux.resources.hugepageLimits[0].pageSize: \"2XB\" is not a page size (like 2MB, 1GB or 64KB)");
    expect_accepted("{\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 1}]}");
    expect_refused("{\"rdma\": {\"mlx5_1\": {}}}", "linux.resources.rdma[\"mlx5_1\"]: give hcaHandles or hcaObjects");
    expect_refused("{\"rdma\": {\"a b\": {\"hcaHandles\": 1}}}", "linux.resources.rdma[\"a b\"]: bad device name");
    expect_refused("{\"unified\": {\"../memory.max\": \"1\"}}",
                   "linux.resources.unified[\"../memory.max\"]: not a cgroup file name (CONTROLLER.FILE)");
    expect_refused("{\"unified\": {\"nodot\": \"1\"}}",
                   "linux.resources.unified[\"nodot\"]: not a cgroup file name (CONTROLLER.FILE)");
    expect_accepted("{\"unified\": {\"memory.high\": \"1000000\"}}");
}

/* `update --resources FILE`: the same checks, the fields named inside the file. */
static void test_bare_resources(void)
{
    struct hull_resources r = {0};
    cleanup_error struct hull_error *err = NULL;
    int rc = spec_parse_resources("{\"cpu\": {\"shares\": 1}}", &r, &err);
    TAP_CHECK(rc < 0 && err && !strcmp(err->msg, "cpu.shares: 1 is out of range (2..262144)"),
              "a LinuxResources object is checked too: %s", err ? err->msg : "(success)");
    spec_resources_clear(&r);
}

/* A struct built by hand (update's flags): what the JSON types cannot refuse. */
static void test_built_by_hand(void)
{
    struct hull_resources r = {0};
    r.has_pids = true;
    r.pids_limit = -5;
    cleanup_error struct hull_error *err = NULL;
    TAP_CHECK(spec_check_resources(&r, "linux.resources", &err) < 0 && err &&
                  !strcmp(err->msg, "linux.resources.pids.limit: -5 is out of range (-1 for no limit, or 0..)"),
              "pids.limit -5 from a flag: %s", err ? err->msg : "(success)");
    hull_error_freep(&err);
    memset(&r, 0, sizeof r);
    r.has_memory = true;
    r.memory.limit = (struct hull_opt_i64){true, -2};
    TAP_CHECK(spec_check_resources(&r, "linux.resources", &err) < 0 && err &&
                  strstr(err->msg, "linux.resources.memory.limit: -2 is not a valid limit"),
              "memory.limit -2 from a flag: %s", err ? err->msg : "(success)");
    hull_error_freep(&err);
    memset(&r, 0, sizeof r);
    r.has_cpu = true;
    r.cpu.quota = (struct hull_opt_i64){true, -5};
    TAP_CHECK(spec_check_resources(&r, "linux.resources", &err) < 0 && err && strstr(err->msg, "cpu.quota: -5"),
              "cpu.quota -5 from a flag: %s", err ? err->msg : "(success)");
    hull_error_freep(&err);
    memset(&r, 0, sizeof r);
    TAP_CHECK(spec_check_resources(&r, "linux.resources", &err) == 0, "nothing set is fine");
}

int main(void)
{
    test_cpu();
    test_memory_and_pids();
    test_blkio();
    test_other_controllers();
    test_bare_resources();
    test_built_by_hand();
    return TAP_DONE();
}
