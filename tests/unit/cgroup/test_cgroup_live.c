/* hull: the cgroup library against the real kernel.
 *
 * Creates a uniquely named cgroup with resources for a fork()ed child of our
 * own, reads every value back from the file the kernel shows it in, pauses and
 * resumes the child (a shared counter must stop and go on), saves and reloads
 * the manager through JSON, destroys it (the child must die of SIGKILL) and
 * checks that no directory remains.  Then bad values must fail and leave
 * nothing.  The same checks run on the v2 driver by pointing HULL_CGROUP_ROOT
 * at a private directory of the cgroup2 mount (on a hybrid host it has no
 * controllers, but freeze, cgroup.kill and the eBPF device filter work). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include <json-c/json.h>

#include "../../unit/tap.h"

/* TAP_CHECK evaluates its condition twice (once for "ok", once for the
 * failure note); our conditions call the library, so evaluate them once. */
#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        bool check_ok_ = (cond);                                                                                       \
        TAP_CHECK(check_ok_, __VA_ARGS__);                                                                             \
    } while (0)
#include "cgroup/cgroup.h"
#include "cgroup/cgroup_stats.h"
#include "cgroup/ebpf_devices.h"
#include "container/state.h"
#include "util/utils.h"

static volatile uint64_t *counter;
static char id[64];

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A child that counts in shared memory after a go byte on the pipe. */
static pid_t spawn_counter(int *go_fd)
{
    int p[2];
    if (pipe(p) < 0)
        abort();
    pid_t pid = fork();
    if (pid == 0) {
        close(p[1]);
        char c;
        if (read(p[0], &c, 1) != 1)
            _exit(1);
        /* Be charged some memory (checkBeforeUpdate compares with the usage). */
        static char ballast[2 << 20];
        memset(ballast, 1, sizeof ballast);
        for (;;)
            (*counter)++;
    }
    close(p[0]);
    *go_fd = p[1];
    return pid;
}

static void wait_counter_started(void)
{
    *counter = 0;
    for (int i = 0; i < 6000 && *counter == 0; i++)
        sleep_ms(10);
}

static char *read_text(const char *dir, const char *file)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, file);
    char *text = NULL;
    if (read_file(path, &text, NULL, NULL) < 0)
        return xstrdup("<unreadable>");
    text[strcspn(text, "\n")] = '\0';
    return text;
}

static void check_file(struct cgroup_manager *m, const char *controller, const char *file, const char *want)
{
    const char *dir = cgroup_manager_dir(m, controller);
    if (!dir) {
        CHECK(false, "%s: no %s directory", file, controller);
        return;
    }
    cleanup_free char *got = read_text(dir, file);
    CHECK(!strcmp(got, want), "%s reads \"%s\" (got \"%s\")", file, want, got);
}

static bool dir_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *error_text_and_free(struct hull_error *e)
{
    char *t = hull_error_text(e);
    hull_error_free(e);
    return t;
}

/* The container's dirs as saved in state.json, for the "nothing left" checks. */
static char **saved_dirs(struct cgroup_manager *m)
{
    struct cgroup_record rec = {0};
    cgroup_manager_save(m, &rec);
    char **v = NULL;
    for (size_t i = 0; i < rec.n_nodes; i++)
        strv_add(&v, xstrdup(rec.nodes[i].dir));
    cgroup_record_clear(&rec);
    return v ? v : xmalloc0(sizeof(char *));
}

/* Polls until the child's counter changes, up to a deadline that a loaded
 * machine cannot reach in practice (a 100 ms window failed under load 20). */
static bool counter_moves(void)
{
    uint64_t a = *counter;
    for (int i = 0; i < 6000; i++) {
        sleep_ms(10);
        if (*counter != a)
            return true;
    }
    return false;
}

/* An observation window for a frozen child: its counter must not change in it. */
static bool counter_stays(void)
{
    uint64_t a = *counter;
    sleep_ms(100);
    return *counter == a;
}

static void test_pause_kill_destroy(struct cgroup_manager *m, pid_t child)
{
    struct hull_error *e = NULL;
    CHECK(counter_moves(), "the child runs");
    CHECK(cgroup_manager_freeze(m, true, &e) == 0, "freeze");
    hull_error_freep(&e);
    CHECK(cgroup_manager_is_frozen(m), "is_frozen after freeze");
    sleep_ms(50);
    CHECK(counter_stays(), "the counter stops while frozen");
    CHECK(cgroup_manager_freeze(m, false, &e) == 0, "thaw");
    hull_error_freep(&e);
    CHECK(!cgroup_manager_is_frozen(m), "not frozen after thaw");
    CHECK(counter_moves(), "the counter moves again after thaw");

    pid_t *pids = NULL;
    size_t n = 0;
    CHECK(cgroup_manager_pids(m, &pids, &n, &e) == 0 && n == 1 && pids[0] == child,
              "pids lists exactly the child (%zu pids)", n);
    free(pids);
    hull_error_freep(&e);

    /* Round trip through state.json, as delete does in another process. */
    struct hull_state state = {.complete = true};
    cgroup_manager_save(m, &state.cgroup);
    cleanup_free char *json = hull_state_to_json(&state);
    cgroup_record_clear(&state.cgroup);
    cleanup_state struct hull_state *parsed = NULL;
    cleanup_cgroup_manager struct cgroup_manager *loaded = NULL;
    CHECK(hull_state_from_json(json, &parsed, &e) == 0 && cgroup_manager_load(&parsed->cgroup, &loaded, &e) == 0 &&
              loaded,
          "save and load");
    hull_error_freep(&e);
    cleanup_strv char **dirs = saved_dirs(m);

    /* Frozen at destroy time, as after `pause` + `delete --force`. */
    cgroup_manager_freeze(loaded, true, NULL);
    int rc = cgroup_manager_destroy(loaded, &e);
    cleanup_free char *t = rc < 0 ? error_text_and_free(steal_pointer(&e)) : xstrdup("");
    CHECK(rc == 0, "destroy %s", t);
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
              "the child died of SIGKILL");
    bool left = false;
    for (char **d = dirs; *d; d++)
        if (dir_exists(*d)) {
            left = true;
            printf("# left behind: %s\n", *d);
        }
    CHECK(!left && dirs[0], "no cgroup directory remains (%zu checked)", strv_length(dirs));
}

/* CFQ's blkio.weight or BFQ's blkio.bfq.weight, whichever the kernel has. */
static const char *cg_blkio_weight_file(struct cgroup_manager *m)
{
    cleanup_free char *p = xasprintf("%s/blkio.weight", cgroup_manager_dir(m, "blkio"));
    return access(p, F_OK) == 0 ? "blkio.weight" : "blkio.bfq.weight";
}

/* Whether this kernel offers a v1 blkio weight at all: CFQ's blkio.weight is gone
 * since 5.0 and BFQ's blkio.bfq.weight exists only when BFQ is built in, and it is
 * not shown in the root cgroup, so a probe directory of our own is looked at. */
static bool host_has_blkio_weight(void)
{
    cleanup_free char *probe = xasprintf("/sys/fs/cgroup/blkio/hulltest-bfq-probe-%d", getpid());
    if (mkdir(probe, 0755) < 0)
        return false;
    cleanup_free char *w = xasprintf("%s/blkio.weight", probe);
    cleanup_free char *bfq = xasprintf("%s/blkio.bfq.weight", probe);
    bool has = access(w, F_OK) == 0 || access(bfq, F_OK) == 0;
    rmdir(probe);
    return has;
}

/* A weight the kernel cannot enforce is refused naming the field, and the refused
 * create leaves no cgroup directory behind. */
static void test_blkio_weight_refused(void)
{
    struct hull_resources r = {0};
    r.has_blkio = true;
    r.blkio.weight = (struct hull_opt_u64){true, 300};
    char refused_id[64];
    snprintf(refused_id, sizeof refused_id, "hulltest-noweight-%d", getpid());
    struct hull_error *e = NULL;
    cleanup_cgroup_manager struct cgroup_manager *m = NULL;
    int rc = cgroup_manager_create(refused_id, NULL, &r, &m, &e);
    cleanup_free char *t = rc < 0 ? error_text_and_free(steal_pointer(&e)) : xstrdup("");
    CHECK(rc < 0 && strstr(t, "linux.resources.blockIO.weight"), "no BFQ: the weight is refused naming the field: %s",
          t);
    cleanup_free char *left = xasprintf("/sys/fs/cgroup/blkio/hull/%s", refused_id);
    CHECK(!dir_exists(left), "the refused create left no cgroup (%s)", left);
}

static struct hull_device_rule deny_all = {.allow = false, .access = (char *)"rwm"};

static void test_v1_hybrid(void)
{
    printf("# layout %s, v1 driver\n", cgroup_layout_name(cgroup_detect_layout()));
    struct hull_resources r = {0};
    r.has_memory = true;
    r.memory.limit = (struct hull_opt_i64){true, 64 << 20};
    r.memory.reservation = (struct hull_opt_i64){true, 32 << 20};
    r.memory.swap = (struct hull_opt_i64){true, 96 << 20};
    r.memory.swappiness = (struct hull_opt_u64){true, 10};
    r.has_cpu = true;
    r.cpu.shares = (struct hull_opt_u64){true, 512};
    r.cpu.quota = (struct hull_opt_i64){true, 50000};
    r.cpu.period = (struct hull_opt_u64){true, 100000};
    r.cpu.burst = (struct hull_opt_u64){true, 10000};
    r.cpu.cpus = (char *)"0";
    r.cpu.mems = (char *)"0";
    r.has_pids = true;
    r.pids_limit = 20;
    r.has_blkio = true;
    bool weight = host_has_blkio_weight();
    if (weight)
        r.blkio.weight = (struct hull_opt_u64){true, 300};
    else {
        printf("# this kernel has no blkio weight (no BFQ): testing its refusal instead\n");
        test_blkio_weight_refused();
    }
    struct hull_throttle_device rbps = {.major = 254, .minor = 0, .rate = 1048576};
    r.blkio.read_bps = (struct hull_throttle_list){&rbps, 1};
    struct hull_device_rule rules[2] = {deny_all, {.allow = true, .type = 'c', .has_major = true, .has_minor = true,
                                                   .major = 1, .minor = 11, .access = (char *)"r"}};
    r.devices = rules;
    r.n_devices = 2;

    snprintf(id, sizeof id, "hulltest-live-%d", getpid());
    struct hull_error *e = NULL;
    cleanup_cgroup_manager struct cgroup_manager *m = NULL;
    int rc = cgroup_manager_create(id, NULL, &r, &m, &e);
    cleanup_free char *t = rc < 0 ? error_text_and_free(steal_pointer(&e)) : xstrdup("");
    CHECK(rc == 0, "create with resources %s", t);
    if (rc < 0)
        return;
    CHECK(cgroup_manager_clone_fd(m) < 0, "no CLONE_INTO_CGROUP fd on a v1/hybrid host");

    check_file(m, "memory", "memory.limit_in_bytes", "67108864");
    check_file(m, "memory", "memory.soft_limit_in_bytes", "33554432");
    check_file(m, "memory", "memory.memsw.limit_in_bytes", "100663296");
    check_file(m, "memory", "memory.swappiness", "10");
    check_file(m, "cpu", "cpu.shares", "512");
    check_file(m, "cpu", "cpu.cfs_quota_us", "50000");
    check_file(m, "cpu", "cpu.cfs_period_us", "100000");
    check_file(m, "cpu", "cpu.cfs_burst_us", "10000");
    check_file(m, "cpuset", "cpuset.cpus", "0");
    check_file(m, "cpuset", "cpuset.mems", "0");
    check_file(m, "pids", "pids.max", "20");
    if (weight)
        check_file(m, "blkio", cg_blkio_weight_file(m), "300");
    check_file(m, "blkio", "blkio.throttle.read_bps_device", "254:0 1048576");
    {
        cleanup_free char *path = xasprintf("%s/devices.list", cgroup_manager_dir(m, "devices"));
        cleanup_free char *list = NULL;
        read_file(path, &list, NULL, NULL);
        CHECK(list && strstr(list, "c 1:11 r\n") && strstr(list, "c 1:3 rwm\n") && strstr(list, "c 136:* rwm\n") &&
                      !strstr(list, "a *:*"),
                  "devices.list holds the rule and the default devices, not \"a *:* rwm\"");
    }
    int go;
    pid_t child = spawn_counter(&go);
    CHECK(cgroup_manager_add_pid(m, child, &e) == 0, "add_pid");
    hull_error_freep(&e);
    cleanup_free char *procfile = xasprintf("/proc/%d/cgroup", child);
    cleanup_free char *cg = NULL;
    read_file(procfile, &cg, NULL, NULL);
    cleanup_free char *want = xasprintf("memory:/hull/%s\n", id);
    CHECK(cg && strstr(cg, want), "the child's /proc/PID/cgroup shows /hull/%s", id);
    if (write(go, "x", 1) != 1)
        abort();
    close(go);
    wait_counter_started();

    /* An update changes live limits. */
    struct hull_resources u = {0};
    u.has_pids = true;
    u.pids_limit = -1;
    u.has_memory = true;
    u.memory.limit = (struct hull_opt_i64){true, 48 << 20};
    CHECK(cgroup_manager_update(m, &u, &e) == 0, "update");
    hull_error_freep(&e);
    check_file(m, "pids", "pids.max", "max");
    check_file(m, "memory", "memory.limit_in_bytes", "50331648");
    u.memory.limit.v = 4096;
    u.memory.check_before_update = (struct hull_opt_bool){true, true};
    u.has_pids = false;
    rc = cgroup_manager_update(m, &u, &e);
    cleanup_free char *t2 = rc < 0 ? error_text_and_free(steal_pointer(&e)) : xstrdup("");
    CHECK(rc < 0 && strstr(t2, "checkBeforeUpdate"), "checkBeforeUpdate refuses a limit below usage: %s", t2);

    uint64_t ooms = 99;
    CHECK(cgroup_manager_oom_kills(m, &ooms, &e) == 0 && ooms == 0, "no OOM kill yet");
    hull_error_freep(&e);
    cleanup_cgroup_stats struct cgroup_stats typed = {0};
    CHECK(cgroup_manager_stats(m, &typed, &e) == 0, "stats");
    hull_error_freep(&e);
    CHECK(typed.pids.current == 1 && typed.memory.present && typed.memory.usage.limit == 48 << 20,
          "typed stats: pids.current %" PRIu64 ", memory limit %" PRIu64, typed.pids.current,
          typed.memory.usage.limit);
    /* The same figures in runc's events shape (hull-runtime events --stats). */
    struct json_object *stats = cgroup_stats_to_json(&typed);
    struct json_object *o, *o2;
    CHECK(json_object_object_get_ex(stats, "pids", &o) && json_object_object_get_ex(o, "current", &o2) &&
                  json_object_get_int(o2) == 1,
              "stats pids.current is 1");
    CHECK(json_object_object_get_ex(stats, "memory", &o) && json_object_object_get_ex(o, "usage", &o2) &&
                  json_object_object_get_ex(o2, "limit", &o2) && json_object_get_int64(o2) == 48 << 20,
              "stats memory.usage.limit is the limit");
    json_object_put(stats);

    test_pause_kill_destroy(m, child);
}

/* A child in the cgroup tries to open path; returns its errno (0 = opened). */
static int open_in_cgroup(struct cgroup_manager *m, const char *path, int flags)
{
    int p[2];
    if (pipe(p) < 0)
        abort();
    pid_t pid = fork();
    if (pid == 0) {
        close(p[1]);
        char c;
        if (read(p[0], &c, 1) != 1)
            _exit(100);
        int fd = open(path, flags);
        _exit(fd >= 0 ? 0 : errno);
    }
    close(p[0]);
    cgroup_manager_add_pid(m, pid, NULL);
    if (write(p[1], "x", 1) != 1)
        abort();
    close(p[1]);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_v2_driver(void)
{
    /* A private subtree of the cgroup2 mount plays "/sys/fs/cgroup". */
    const char *mnt = NULL;
    struct statfs fs;
    if (statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
        mnt = "/sys/fs/cgroup";
    else if (statfs("/sys/fs/cgroup/unified", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
        mnt = "/sys/fs/cgroup/unified";
    if (!mnt) {
        printf("ok %d - # SKIP no cgroup2 mount\n", ++tap_n);
        return;
    }
    cleanup_free char *root = xasprintf("%s/hulltest-v2root-%d", mnt, getpid());
    if (mkdir(root, 0755) < 0) {
        CHECK(false, "mkdir %s: %s", root, strerror(errno));
        return;
    }
    setenv("HULL_CGROUP_ROOT", root, 1);
    CHECK(cgroup_detect_layout() == CGROUP_LAYOUT_V2, "HULL_CGROUP_ROOT on a cgroup2 directory reads as v2");
    printf("# v2 driver under %s\n", root);

    struct hull_resources r = {0};
    struct hull_device_rule rules[2] = {deny_all, {.allow = true, .type = 'c', .has_major = true, .has_minor = true,
                                                   .major = 1, .minor = 11, .access = (char *)"r"}};
    r.devices = rules;
    r.n_devices = 2;
    struct hull_error *e = NULL;
    cleanup_cgroup_manager struct cgroup_manager *m = NULL;
    int rc = cgroup_manager_create(id, "/a/b", &r, &m, &e);
    cleanup_free char *t = rc < 0 ? error_text_and_free(steal_pointer(&e)) : xstrdup("");
    CHECK(rc == 0, "v2 create %s", t);
    if (rc == 0) {
        int fd = cgroup_manager_clone_fd(m);
        CHECK(fd >= 0, "v2 has a CLONE_INTO_CGROUP fd");
        CHECK(fd >= 0 && cgroup_devices_bpf_count(fd) == 1, "one device program is attached");
        CHECK(open_in_cgroup(m, "/dev/null", O_RDWR) == 0, "device filter allows /dev/null (default list)");
        CHECK(open_in_cgroup(m, "/dev/kmsg", O_RDONLY) == 0, "device filter allows reading /dev/kmsg (rule)");
        CHECK(open_in_cgroup(m, "/dev/kmsg", O_WRONLY) == EPERM, "device filter denies writing /dev/kmsg");
        CHECK(open_in_cgroup(m, "/dev/loop-control", O_RDWR) == EPERM, "device filter denies /dev/loop-control");
        /* update replaces the program */
        struct hull_device_rule allow_all = {.allow = true, .access = (char *)"rwm"};
        struct hull_resources u = {.devices = &allow_all, .n_devices = 1};
        CHECK(cgroup_manager_update(m, &u, &e) == 0, "update device rules");
        hull_error_freep(&e);
        CHECK(fd >= 0 && cgroup_devices_bpf_count(fd) == 1, "still one device program after update");
        CHECK(open_in_cgroup(m, "/dev/kmsg", O_WRONLY) == 0, "after update writing /dev/kmsg is allowed");

        int go;
        pid_t child = spawn_counter(&go);
        CHECK(cgroup_manager_add_pid(m, child, &e) == 0, "v2 add_pid");
        hull_error_freep(&e);
        if (write(go, "x", 1) != 1)
            abort();
        close(go);
        wait_counter_started();
        test_pause_kill_destroy(m, child);
    }
    unsetenv("HULL_CGROUP_ROOT");
    CHECK(rmdir(root) == 0, "the private v2 root is empty again");
}

/* Pure v2 host (the VM harness): resources converted and read back. */
static void test_v2_resources(void)
{
    printf("# layout v2, v2 driver with controllers\n");
    struct hull_resources r = {0};
    r.has_memory = true;
    r.memory.limit = (struct hull_opt_i64){true, 64 << 20};
    r.memory.reservation = (struct hull_opt_i64){true, 32 << 20};
    r.memory.swap = (struct hull_opt_i64){true, 96 << 20};
    r.has_cpu = true;
    r.cpu.shares = (struct hull_opt_u64){true, 1024};
    r.cpu.quota = (struct hull_opt_i64){true, 50000};
    r.cpu.period = (struct hull_opt_u64){true, 100000};
    r.cpu.cpus = (char *)"0";
    r.cpu.mems = (char *)"0";
    r.has_pids = true;
    r.pids_limit = 20;
    struct hull_keyval kv = {(char *)"memory.high", (char *)"52428800"};
    r.unified = &kv;
    r.n_unified = 1;
    struct hull_error *e = NULL;
    cleanup_cgroup_manager struct cgroup_manager *m = NULL;
    int rc = cgroup_manager_create(id, NULL, &r, &m, &e);
    cleanup_free char *t = rc < 0 ? error_text_and_free(steal_pointer(&e)) : xstrdup("");
    CHECK(rc == 0, "v2 create with resources %s", t);
    if (rc < 0)
        return;
    CHECK(cgroup_manager_clone_fd(m) >= 0, "a CLONE_INTO_CGROUP fd on v2");
    check_file(m, "memory", "memory.max", "67108864");
    check_file(m, "memory", "memory.low", "33554432");
    const char *mdir = cgroup_manager_dir(m, "memory");
    cleanup_free char *swapfile = xasprintf("%s/memory.swap.max", mdir ? mdir : "/nonexistent");
    if (access(swapfile, F_OK) == 0)
        check_file(m, "memory", "memory.swap.max", "33554432");
    check_file(m, "memory", "memory.high", "52428800");
    check_file(m, "cpu", "cpu.weight", "39");
    check_file(m, "cpu", "cpu.max", "50000 100000");
    check_file(m, "cpuset", "cpuset.cpus", "0");
    check_file(m, "pids", "pids.max", "20");
    int go;
    pid_t child = spawn_counter(&go);
    CHECK(cgroup_manager_add_pid(m, child, &e) == 0, "v2 add_pid");
    hull_error_freep(&e);
    if (write(go, "x", 1) != 1)
        abort();
    close(go);
    wait_counter_started();
    struct hull_resources u = {0};
    u.has_cpu = true;
    u.cpu.quota = (struct hull_opt_i64){true, -1};
    CHECK(cgroup_manager_update(m, &u, &e) == 0, "v2 update quota -1");
    hull_error_freep(&e);
    check_file(m, "cpu", "cpu.max", "max 100000");
    test_pause_kill_destroy(m, child);
}

static void expect_create_error(const char *what, const char *cgroups_path, struct hull_resources *r,
                                const char *needle)
{
    struct hull_error *e = NULL;
    cleanup_cgroup_manager struct cgroup_manager *m = NULL;
    cleanup_free char *bad_id = xasprintf("%s-bad", id);
    int rc = cgroup_manager_create(bad_id, cgroups_path, r, &m, &e);
    cleanup_free char *t = rc < 0 ? error_text_and_free(e) : xstrdup("(no error)");
    CHECK(rc < 0 && strstr(t, needle), "%s fails naming \"%s\": %s", what, needle, t);
    if (rc == 0)
        cgroup_manager_destroy(m, NULL);
    bool left = false;
    cleanup_dir DIR *d = opendir("/sys/fs/cgroup");
    struct dirent *de;
    while (d && (de = readdir(d))) {
        cleanup_free char *p = xasprintf("/sys/fs/cgroup/%s/hull/%s", de->d_name, bad_id);
        if (de->d_name[0] != '.' && dir_exists(p))
            left = true;
    }
    CHECK(!left, "%s leaves no cgroup behind", what);
}

static void test_bad_values(void)
{
    /* Only what the host decides: values out of range (pids.limit -5, memory.limit
     * -2) never get here, spec_check_resources refuses them at parse
     * (tests/unit/spec/test_spec.c). */
    struct hull_resources r = {0};
    r.has_cpu = true;
    r.cpu.cpus = (char *)"0-4095";
    expect_create_error("cpus outside the host", NULL, &r, "linux.resources.cpu.cpus");
    memset(&r, 0, sizeof r);
    struct hull_keyval kv = {(char *)"memory.max", (char *)"1000000"};
    r.unified = &kv;
    r.n_unified = 1;
    expect_create_error("unified memory.max on a v1 memory host", NULL, &r, "linux.resources.unified");
    memset(&r, 0, sizeof r);
    r.has_network = true;
    r.net_class_id = (struct hull_opt_u64){true, 42};
    expect_create_error("network.classID without net_cls", NULL, &r, "linux.resources.network.classID");
    expect_create_error("systemd cgroupsPath", "system.slice:hull:abc", NULL, "systemd");

    /* A frozen parent that is not ours: refused, and kept (we did not create it). */
    cleanup_free char *frozen = xasprintf("/sys/fs/cgroup/freezer/hulltest-frozen-%d", getpid());
    if (mkdir(frozen, 0755) == 0) {
        cleanup_free char *state = xasprintf("%s/freezer.state", frozen);
        write_file(state, "FROZEN", 6, NULL);
        cleanup_free char *path = xasprintf("/hulltest-frozen-%d/c", getpid());
        struct hull_error *e = NULL;
        cleanup_cgroup_manager struct cgroup_manager *m = NULL;
        int rc = cgroup_manager_create(id, path, NULL, &m, &e);
        cleanup_free char *t = rc < 0 ? error_text_and_free(e) : xstrdup("(no error)");
        CHECK(rc < 0 && strstr(t, "frozen"), "a frozen cgroup is refused: %s", t);
        cleanup_free char *child = xasprintf("%s/c", frozen);
        cleanup_free char *mem = xasprintf("/sys/fs/cgroup/memory/hulltest-frozen-%d", getpid());
        CHECK(dir_exists(frozen) && !dir_exists(child) && !dir_exists(mem),
              "the frozen parent we did not create stays; what we created is gone");
        write_file(state, "THAWED", 6, NULL);
        rmdir(frozen);
    }
    expect_create_error("cgroupsPath with ..", "/hull/../../etc", NULL, "..");
}

int main(void)
{
    if (geteuid() != 0) {
        printf("1..0 # SKIP needs root to create cgroups\n");
        return 0;
    }
    counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (counter == MAP_FAILED)
        abort();
    snprintf(id, sizeof id, "hulltest-live-%d", getpid());
    enum cgroup_layout l = cgroup_detect_layout();
    if (l == CGROUP_LAYOUT_V1 || l == CGROUP_LAYOUT_HYBRID) {
        test_v1_hybrid();
        test_bad_values();
    }
    if (l == CGROUP_LAYOUT_V2)
        test_v2_resources();
    test_v2_driver();
    return TAP_DONE();
}
