/* Unit tests for spec_to_json(), the serializer of struct hull_spec.
 *
 * Two properties, over every config the tests use:
 * - round trip: parse -> serialize -> parse -> serialize gives the same text
 *   both times, and serializing one struct twice gives the same text;
 * - completeness: configs written in the serializer's own form (every field
 *   the parser accepts appears in one of them) come back as the same JSON, so
 *   a field the serializer forgets, or writes wrongly, fails here.
 * "Every config the tests use" is the default spec (rootful and rootless), the
 * fuzzer's seed configs (tests/fuzz/corpus/spec), and the default with each literal `update_config '...'` filter of the bats files
 * applied (by jq, when jq is installed); filters that make a config the parser
 * refuses are tests of refusals and are skipped. */
#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spec/spec.h"
#include "util/utils.h"
#include "../tap.h"

static size_t round_tripped;

/* parse(text) -> a; to_json(a) twice -> t1 == t1'; parse(t1) -> b; to_json(b) -> t2 == t1.
 * Returns t1 (owned) or NULL when `text` itself does not parse. */
static char *round_trip(const char *text, const char *what, bool must_parse)
{
    cleanup_spec struct hull_spec *a = NULL;
    cleanup_error struct hull_error *err = NULL;
    if (spec_parse(text, &a, &err) < 0) {
        if (must_parse)
            TAP_CHECK(false, "%s parses (%s)", what, err->msg);
        return NULL;
    }
    char *t1 = spec_to_json(a);
    cleanup_free char *t1_again = spec_to_json(a);
    cleanup_spec struct hull_spec *b = NULL;
    cleanup_error struct hull_error *err2 = NULL;
    int r = spec_parse(t1, &b, &err2);
    cleanup_free char *t2 = r == 0 ? spec_to_json(b) : NULL;
    bool ok = strcmp(t1, t1_again) == 0 && r == 0 && strcmp(t1, t2) == 0;
    TAP_CHECK(ok, "%s: parse -> serialize -> parse -> serialize is stable", what);
    if (!ok) {
        printf("# first:\n%s\n", t1);
        printf("# second: %s\n", r == 0 ? t2 : err2->msg);
    }
    round_tripped++;
    return t1;
}

/* `text` is in the serializer's form: it must come back as the same JSON value. */
static void expect_same_json(const char *text, const char *what)
{
    cleanup_free char *out = round_trip(text, what, true);
    if (out == NULL)
        return;
    struct json_object *want = json_tokener_parse(text), *got = json_tokener_parse(out);
    bool same = want != NULL && got != NULL && json_object_equal(want, got);
    TAP_CHECK(same, "%s: every field comes back as written", what);
    if (!same)
        printf("# written:\n%s\n# serialized:\n%s\n", text, out);
    json_object_put(want);
    json_object_put(got);
}

/* Every top-level, process, mount, hook and linux field, resources and seccomp included. */
static const char *every_field_1 =
    "{\"ociVersion\": \"1.2.0\","
    " \"root\": {\"path\": \"/var/lib/rootfs\", \"readonly\": true},"
    " \"process\": {\"terminal\": true, \"consoleSize\": {\"height\": 25, \"width\": 80},"
    "  \"user\": {\"uid\": 1000, \"gid\": 100, \"umask\": 18, \"additionalGids\": [5, 6], \"username\": \"u\"},"
    "  \"args\": [\"sh\", \"-c\", \"echo hi\"], \"env\": [\"PATH=/bin\", \"TERM=xterm\"], \"cwd\": \"/work\","
    "  \"capabilities\": {\"bounding\": [\"CAP_KILL\", \"CAP_CHOWN\"], \"effective\": [\"CAP_KILL\"],"
    "   \"inheritable\": [\"CAP_KILL\"], \"permitted\": [\"CAP_KILL\"], \"ambient\": []},"
    "  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": 4096},"
    "   {\"type\": \"RLIMIT_CORE\", \"soft\": 0, \"hard\": 18446744073709551615}],"
    "  \"noNewPrivileges\": true, \"apparmorProfile\": \"prof\", \"selinuxLabel\": \"label\","
    "  \"oomScoreAdj\": -500,"
    "  \"scheduler\": {\"policy\": \"SCHED_BATCH\", \"nice\": 5,"
    "   \"flags\": [\"SCHED_FLAG_RESET_ON_FORK\", \"SCHED_FLAG_UTIL_CLAMP_MAX\"]},"
    "  \"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 4},"
    "  \"execCPUAffinity\": {\"initial\": \"0\", \"final\": \"0-1\"}},"
    " \"hostname\": \"box\", \"domainname\": \"example.org\","
    " \"mounts\": ["
    "  {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
    "   \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},"
    "  {\"destination\": \"/data\", \"type\": \"none\", \"source\": \"/srv\","
    "   \"options\": [\"rbind\", \"ro\", \"rslave\", \"tmpcopyup\", \"rro\", \"rnoatime\", \"rsuid\"]},"
    "  {\"destination\": \"/idmapped\", \"type\": \"bind\", \"source\": \"/x\", \"options\": [\"ridmap\"],"
    "   \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}],"
    "   \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]},"
    "  {\"destination\": \"/relative/dir\", \"type\": \"bind\", \"source\": \"/x\"}],"
    " \"hooks\": {\"prestart\": [{\"path\": \"/bin/true\"}],"
    "  \"createRuntime\": [{\"path\": \"/usr/bin/hook\", \"args\": [\"hook\", \"a\"], \"env\": [\"X=1\"],"
    "   \"timeout\": 5}, {\"path\": \"/bin/second\"}],"
    "  \"createContainer\": [{\"path\": \"/bin/cc\"}], \"startContainer\": [{\"path\": \"/bin/sc\"}],"
    "  \"poststart\": [{\"path\": \"/bin/ps\"}], \"poststop\": [{\"path\": \"/bin/stop\"}]},"
    " \"annotations\": {\"org.example.key\": \"value\", \"other\": \"\"},"
    " \"linux\": {"
    "  \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"mount\"},"
    "   {\"type\": \"ipc\", \"path\": \"/proc/1/ns/ipc\"}, {\"type\": \"uts\"}, {\"type\": \"user\"},"
    "   {\"type\": \"cgroup\"}, {\"type\": \"time\"}],"
    "  \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],"
    "  \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 1000},"
    "   {\"containerID\": 1000, \"hostID\": 200000, \"size\": 1}],"
    "  \"timeOffsets\": {\"monotonic\": {\"secs\": -86400, \"nanosecs\": 7},"
    "   \"boottime\": {\"secs\": 3, \"nanosecs\": 0}},"
    "  \"devices\": [{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229,"
    "   \"fileMode\": 438, \"uid\": 0, \"gid\": 5}, {\"path\": \"/dev/fifo\", \"type\": \"p\"},"
    "   {\"path\": \"/dev/sda\", \"type\": \"b\", \"major\": 8, \"minor\": 0}],"
    "  \"cgroupsPath\": \"/hull/test\","
    "  \"resources\": {"
    "   \"devices\": [{\"allow\": false, \"type\": \"a\", \"access\": \"rwm\"},"
    "    {\"allow\": true, \"type\": \"c\", \"major\": 10, \"minor\": 229, \"access\": \"rw\"},"
    "    {\"allow\": true, \"type\": \"b\", \"major\": -1, \"minor\": -1}],"
    "   \"memory\": {\"limit\": 536870912, \"reservation\": 268435456, \"swap\": -1, \"kernel\": 1,"
    "    \"kernelTCP\": 2, \"swappiness\": 10, \"disableOOMKiller\": false, \"useHierarchy\": true,"
    "    \"checkBeforeUpdate\": true},"
    "   \"cpu\": {\"shares\": 512, \"quota\": 50000, \"burst\": 1000, \"period\": 100000,"
    "    \"realtimeRuntime\": 950000, \"realtimePeriod\": 1000000, \"idle\": 1, \"cpus\": \"0-1\", \"mems\": \"0\"},"
    "   \"pids\": {\"limit\": 64},"
    "   \"blockIO\": {\"weight\": 500, \"leafWeight\": 300,"
    "    \"weightDevice\": [{\"major\": 8, \"minor\": 0, \"weight\": 600, \"leafWeight\": 200}],"
    "    \"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": 1048576}],"
    "    \"throttleWriteBpsDevice\": [{\"major\": 8, \"minor\": 1, \"rate\": 2}],"
    "    \"throttleReadIOPSDevice\": [{\"major\": 8, \"minor\": 2, \"rate\": 3}],"
    "    \"throttleWriteIOPSDevice\": [{\"major\": 8, \"minor\": 16, \"rate\": 100}]},"
    "   \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 209715200}],"
    "   \"network\": {\"classID\": 1048577, \"priorities\": [{\"name\": \"eth0\", \"priority\": 500}]},"
    "   \"rdma\": {\"mlx5_1\": {\"hcaHandles\": 3, \"hcaObjects\": 10000}},"
    "   \"unified\": {\"memory.high\": \"1073741824\", \"io.weight\": \"default 100\"}},"
    "  \"sysctl\": {\"net.ipv4.ip_forward\": \"1\", \"kernel.shmmax\": \"4096\"},"
    "  \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
    "   \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"], \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],"
    "   \"listenerPath\": \"/run/agent.sock\", \"listenerMetadata\": \"meta\","
    "   \"syscalls\": [{\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},"
    "    {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\","
    "     \"args\": [{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"},"
    "      {\"index\": 5, \"value\": 255, \"valueTwo\": 8, \"op\": \"SCMP_CMP_MASKED_EQ\"}]},"
    "    {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1},"
    "    {\"names\": [\"bpf\"], \"action\": \"SCMP_ACT_NOTIFY\"}]},"
    "  \"rootfsPropagation\": \"rslave\","
    "  \"maskedPaths\": [\"/proc/kcore\", \"/sys/firmware\"], \"readonlyPaths\": [\"/proc/sys\"],"
    "  \"mountLabel\": \"system_u:object_r:container_file_t:s0\","
    "  \"personality\": {\"domain\": \"LINUX32\"},"
    "  \"memoryPolicy\": {\"mode\": \"MPOL_BIND\", \"nodes\": \"0\","
    "   \"flags\": [\"MPOL_F_NUMA_BALANCING\", \"MPOL_F_STATIC_NODES\"]},"
    "  \"netDevices\": {\"hd0\": {\"name\": \"ctr0\"}, \"hd1\": {\"name\": \"hd1\"}}}}";

/* The alternatives the first one cannot hold at once: SCHED_DEADLINE's three
 * times, a realtime priority, joined namespaces, empty lists kept apart from absent ones. */
static const char *every_field_2 =
    "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"},"
    " \"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"true\"], \"env\": [], \"cwd\": \"/\","
    "  \"rlimits\": [],"
    "  \"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"flags\": [\"SCHED_FLAG_RECLAIM\"],"
    "   \"runtime\": 1000, \"deadline\": 2000, \"period\": 3000}},"
    " \"hostname\": \"\","
    " \"linux\": {\"namespaces\": [{\"type\": \"pid\", \"path\": \"/proc/1/ns/pid\"},"
    "   {\"type\": \"network\", \"path\": \"/var/run/netns/x\"}, {\"type\": \"user\", \"path\": \"/proc/1/ns/user\"}],"
    "  \"rootfsPropagation\": \"private\", \"maskedPaths\": [], \"readonlyPaths\": [],"
    "  \"memoryPolicy\": {\"mode\": \"MPOL_PREFERRED\"},"
    "  \"resources\": {\"pids\": {\"limit\": -1}, \"network\": {}},"
    "  \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": []}}}";

static const char *every_field_3 =
    "{\"ociVersion\": \"1.1.0\", \"root\": {\"path\": \"rootfs\"},"
    " \"process\": {\"user\": {\"uid\": 1, \"gid\": 2}, \"args\": [\"true\"], \"env\": [\"A=B\"], \"cwd\": \"/\","
    "  \"scheduler\": {\"policy\": \"SCHED_FIFO\", \"priority\": 10},"
    "  \"ioPriority\": {\"class\": \"IOPRIO_CLASS_IDLE\", \"priority\": 0}},"
    " \"linux\": {\"rootfsPropagation\": \"runbindable\", \"personality\": {\"domain\": \"LINUX\"},"
    "  \"memoryPolicy\": {\"mode\": \"MPOL_LOCAL\"}}}";

/* A process-less config (create-only bundles) and the smallest one. */
static const char *no_process = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, \"linux\": {}}";

/* Applies each literal `update_config '...'` filter of the bats files to the
 * default config with jq; one compact config per line on the returned stream. */
static FILE *bats_configs(const char *default_path)
{
    if (access("/usr/bin/jq", X_OK) != 0 && system("command -v jq >/dev/null 2>&1") != 0)
        return NULL;
    cleanup_free char *cmd = xasprintf("sh '%s/tests/unit/spec/bats_configs.sh' '%s'", HULL_SOURCE_DIR, default_path);
    return popen(cmd, "r");
}

static void test_bats_configs(void)
{
    char path[] = "/tmp/hull-test-spec-json-XXXXXX";
    int fd = mkstemp(path);
    cleanup_free char *def = spec_default_json(false);
    if (fd < 0 || write(fd, def, strlen(def)) != (ssize_t)strlen(def)) {
        TAP_CHECK(false, "write the default config to %s", path);
        return;
    }
    close(fd);
    FILE *f = bats_configs(path);
    if (f == NULL) {
        printf("ok %d - # SKIP jq is not installed: the bats files' configs are not round-tripped\n", ++tap_n);
        unlink(path);
        return;
    }
    size_t before = round_tripped, lines = 0, cap = 0;
    char *line = NULL;
    while (getline(&line, &cap, f) > 0) {
        lines++;
        cleanup_free char *what = xasprintf("bats config %zu", lines);
        free(round_trip(line, what, false));
    }
    free(line);
    pclose(f);
    unlink(path);
    /* 200-odd filters today; most make configs the parser takes. Far fewer means the harvest broke. */
    TAP_CHECK(round_tripped - before >= 50, "the bats files' configs were round-tripped (%zu of %zu)",
              round_tripped - before, lines);
}

/* The fuzzer's seed configs (tests/fuzz/corpus/spec): hand-written ones
 * (full, minimal) and runc's `spec` output.  Seeds need not be valid (full.json
 * is refused: timeOffsets without a time namespace); those that parse must
 * round-trip. */
static void test_fuzz_corpus(void)
{
    cleanup_free char *dir = xasprintf("%s/tests/fuzz/corpus/spec", HULL_SOURCE_DIR);
    cleanup_dir DIR *d = opendir(dir);
    if (d == NULL) {
        TAP_CHECK(false, "open %s", dir);
        return;
    }
    size_t n = 0, before = round_tripped;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        cleanup_free char *path = xasprintf("%s/%s", dir, e->d_name);
        cleanup_free char *text = NULL;
        if (read_file(path, &text, NULL, NULL) < 0) {
            TAP_CHECK(false, "read %s", path);
            continue;
        }
        cleanup_free char *what = xasprintf("fuzz corpus %s", e->d_name);
        free(round_trip(text, what, false));
        n++;
    }
    TAP_CHECK(round_tripped - before >= 3, "the fuzz corpus's configs were round-tripped (%zu of %zu)",
              round_tripped - before, n);
}

/* spec_default (the struct the engine starts from, built directly) is
 * spec_default_json (the text `spec` writes) parsed: same fields, same derived
 * mount values. */
static void test_default_struct(bool rootless, const char *what)
{
    cleanup_error struct hull_error *err = NULL;
    cleanup_spec struct hull_spec *built = NULL, *parsed = NULL;
    cleanup_free char *text = spec_default_json(rootless);
    if (spec_default(rootless, &built, &err) < 0 || spec_parse(text, &parsed, &err) < 0) {
        TAP_CHECK(false, "%s: built and parsed (%s)", what, err->msg);
        return;
    }
    cleanup_free char *a = spec_to_json(built), *b = spec_to_json(parsed);
    bool same = !strcmp(a, b) && built->n_mounts == parsed->n_mounts;
    for (size_t i = 0; same && i < built->n_mounts; i++) {
        const struct hull_mount *x = &built->mounts[i], *y = &parsed->mounts[i];
        same = x->flags == y->flags && x->clear_flags == y->clear_flags && x->propagation == y->propagation &&
               x->bind == y->bind && x->recursive_bind == y->recursive_bind && x->rec_attr_set == y->rec_attr_set &&
               ((!x->data && !y->data) || (x->data && y->data && !strcmp(x->data, y->data)));
    }
    same = same && built->process->rlimits[0].resource == parsed->process->rlimits[0].resource;
    TAP_CHECK(same, "%s: spec_default is spec_default_json parsed", what);
    if (!same)
        printf("# built:\n%s\n# parsed:\n%s\n", a, b);
}

int main(void)
{
    test_default_struct(false, "default config");
    test_default_struct(true, "default rootless config");
    cleanup_free char *rootful = spec_default_json(false);
    cleanup_free char *rootless = spec_default_json(true);
    free(round_trip(rootful, "default config", true));
    free(round_trip(rootless, "default rootless config", true));
    expect_same_json(every_field_1, "every field (1)");
    expect_same_json(every_field_2, "every field (2)");
    expect_same_json(every_field_3, "every field (3)");
    expect_same_json(no_process, "no process");
    test_fuzz_corpus();
    test_bats_configs();
    return TAP_DONE();
}
