/* Unit tests for the config.json parser: good configs land in the right
 * struct fields, and every bad input fails with a message naming the field. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sched.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "spec/spec.h"
#include "util/utils.h"
#include "../tap.h"

/* A minimal valid config that the error cases below mutate one field at a time. */
static const char *base_config =
    "{"
    "  \"ociVersion\": \"1.2.0\","
    "  \"root\": {\"path\": \"rootfs\"},"
    "  \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0}},"
    "  \"hostname\": \"h\","
    "  \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"},"
    "                               {\"type\": \"uts\"}]}"
    "}";

/* Follows "a.b[2].c" in obj, creating missing objects, and returns the parent
 * container plus the final key (or index) so the caller can set or delete it. */
static struct json_object *walk(struct json_object *obj, char *path, char **last_key, int *last_index)
{
    char *save = NULL;
    char *seg = strtok_r(path, ".", &save);
    while (seg != NULL) {
        char *next = strtok_r(NULL, ".", &save);
        char *bracket = strchr(seg, '[');
        int index = -1;
        if (bracket != NULL) {
            *bracket = '\0';
            index = atoi(bracket + 1);
        }
        if (next == NULL && index < 0) {
            *last_key = seg;
            *last_index = -1;
            return obj;
        }
        struct json_object *child = NULL;
        if (!json_object_object_get_ex(obj, seg, &child) || child == NULL) {
            child = index >= 0 ? json_object_new_array() : json_object_new_object();
            json_object_object_add(obj, seg, child);
        }
        if (index >= 0) {
            if (next == NULL) {
                *last_key = NULL;
                *last_index = index;
                return child;
            }
            while ((int)json_object_array_length(child) <= index)
                json_object_array_add(child, json_object_new_object());
            child = json_object_array_get_idx(child, index);
        }
        obj = child;
        seg = next;
    }
    abort();
}

/* The base config with `path` set to the JSON `value` (NULL deletes it). */
static char *config_with(const char *path, const char *value)
{
    struct json_object *root = json_tokener_parse(base_config);
    if (root == NULL)
        abort();
    char *p = xstrdup(path);
    char *key = NULL;
    int index = -1;
    struct json_object *parent = walk(root, p, &key, &index);
    struct json_object *v = value != NULL ? json_tokener_parse(value) : NULL;
    if (value != NULL && v == NULL && strcmp(value, "null") != 0) {
        fprintf(stderr, "bad test value %s\n", value);
        abort();
    }
    if (key != NULL) {
        if (value == NULL)
            json_object_object_del(parent, key);
        else
            json_object_object_add(parent, key, v);
    } else if (value == NULL) {
        json_object_array_del_idx(parent, index, 1);
    } else {
        if ((int)json_object_array_length(parent) > index)
            json_object_array_put_idx(parent, index, v);
        else
            json_object_array_add(parent, v);
    }
    char *text = xstrdup(json_object_to_json_string(root));
    json_object_put(root);
    free(p);
    return text;
}

static struct hull_spec *parse_ok(const char *json, const char *what)
{
    struct hull_spec *spec = NULL;
    cleanup_error struct hull_error *err = NULL;
    int r = spec_parse(json, &spec, &err);
    TAP_CHECK(r == 0 && spec != NULL, "%s parses", what);
    if (r < 0)
        printf("# error: %s\n", err->msg);
    return spec;
}

static void expect_error_text(const char *json, const char *needle)
{
    struct hull_spec *spec = NULL;
    cleanup_error struct hull_error *err = NULL;
    int r = spec_parse(json, &spec, &err);
    bool matches = r < 0 && spec == NULL && err != NULL && strstr(err->msg, needle) != NULL;
    TAP_CHECK(matches, "error names it: %s", needle);
    if (!matches)
        printf("# got: %s\n", err != NULL ? err->msg : "(success)");
    spec_free(spec);
}

/* Sets `path` to `value` in the base config and expects an error containing `needle`. */
static void expect_error(const char *path, const char *value, const char *needle)
{
    cleanup_free char *json = config_with(path, value);
    expect_error_text(json, needle);
}

static void expect_ok(const char *path, const char *value, const char *what)
{
    cleanup_free char *json = config_with(path, value);
    spec_free(parse_ok(json, what));
}

static bool strv_equal(char **v, const char *const *expected)
{
    size_t i = 0;
    for (; expected[i] != NULL; i++)
        if (v == NULL || v[i] == NULL || strcmp(v[i], expected[i]) != 0)
            return false;
    return v != NULL && v[i] == NULL;
}

static const char *full_config =
    "{\n"
    "  \"ociVersion\": \"1.0.2-dev\",\n"
    "  \"unknownTopLevel\": {\"ignored\": true},\n"
    "  \"root\": {\"path\": \"/var/lib/rootfs\", \"readonly\": true},\n"
    "  \"process\": {\n"
    "    \"terminal\": true, \"consoleSize\": {\"height\": 25, \"width\": 80},\n"
    "    \"user\": {\"uid\": 1000, \"gid\": 100, \"umask\": 18, \"additionalGids\": [5, 6]},\n"
    "    \"args\": [\"sh\", \"-c\", \"echo hi\"], \"env\": [\"PATH=/bin\", \"TERM=xterm\"], \"cwd\": \"/work\",\n"
    "    \"capabilities\": {\"bounding\": [\"CAP_KILL\", \"CAP_CHOWN\"], \"effective\": [\"CAP_KILL\"],\n"
    "                       \"ambient\": []},\n"
    "    \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": 4096},\n"
    "                  {\"type\": \"RLIMIT_CORE\", \"soft\": 0, \"hard\": 18446744073709551615}],\n"
    "    \"noNewPrivileges\": true, \"apparmorProfile\": \"prof\", \"selinuxLabel\": \"label\",\n"
    "    \"oomScoreAdj\": -500,\n"
    "    \"scheduler\": {\"policy\": \"SCHED_BATCH\", \"nice\": 5},\n"
    "    \"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 4}\n"
    "  },\n"
    "  \"hostname\": \"box\", \"domainname\": \"example.org\",\n"
    "  \"mounts\": [\n"
    "    {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
    "     \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},\n"
    "    {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
    "     \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"gid=5\"]},\n"
    "    {\"destination\": \"/data\", \"type\": \"none\", \"source\": \"/srv\",\n"
    "     \"options\": [\"rbind\", \"ro\", \"rslave\", \"tmpcopyup\", \"rro\", \"rnoatime\", \"rsuid\"]},\n"
    "    {\"destination\": \"relative/dir\", \"type\": \"bind\", \"source\": \"/x\"}\n"
    "  ],\n"
    "  \"hooks\": {\n"
    "    \"prestart\": [{\"path\": \"/bin/true\"}],\n"
    "    \"createRuntime\": [{\"path\": \"/usr/bin/hook\", \"args\": [\"hook\", \"a\"], \"env\": [\"X=1\"],\n"
    "                       \"timeout\": 5}, {\"path\": \"/bin/second\"}],\n"
    "    \"poststop\": [{\"path\": \"/bin/stop\"}]\n"
    "  },\n"
    "  \"annotations\": {\"org.example.key\": \"value\", \"other\": \"\"},\n"
    "  \"linux\": {\n"
    "    \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\", \"path\": \"/var/run/netns/x\"},\n"
    "                   {\"type\": \"mount\"}, {\"type\": \"uts\"}, {\"type\": \"user\"}, {\"type\": \"ipc\", "
    "\"path\": \"\"},\n"
    "                   {\"type\": \"cgroup\"}, {\"type\": \"time\"}],\n"
    "    \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],\n"
    "    \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 1000},\n"
    "                    {\"containerID\": 1000, \"hostID\": 200000, \"size\": 1}],\n"
    "    \"timeOffsets\": {\"monotonic\": {\"secs\": -86400, \"nanosecs\": 7}, \"boottime\": {\"secs\": 3}},\n"
    "    \"devices\": [{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229,\n"
    "                 \"fileMode\": 438, \"uid\": 0, \"gid\": 0},\n"
    "                {\"path\": \"/dev/fifo\", \"type\": \"p\"}],\n"
    "    \"cgroupsPath\": \"/hull/test\",\n"
    "    \"resources\": {\n"
    "      \"devices\": [{\"allow\": false, \"access\": \"rwm\"},\n"
    "                  {\"allow\": true, \"type\": \"c\", \"major\": 10, \"minor\": 229, \"access\": \"rw\"}],\n"
    "      \"memory\": {\"limit\": 536870912, \"reservation\": 268435456, \"swap\": -1, \"swappiness\": 10,\n"
    "                 \"disableOOMKiller\": false, \"checkBeforeUpdate\": true},\n"
    "      \"cpu\": {\"shares\": 512, \"quota\": 50000, \"period\": 100000, \"burst\": 1000,\n"
    "              \"realtimeRuntime\": 950000, \"realtimePeriod\": 1000000, \"cpus\": \"0-1\", \"mems\": \"0\",\n"
    "              \"idle\": 1},\n"
    "      \"pids\": {\"limit\": 64},\n"
    "      \"blockIO\": {\"weight\": 500, \"leafWeight\": 300,\n"
    "                  \"weightDevice\": [{\"major\": 8, \"minor\": 0, \"weight\": 600}],\n"
    "                  \"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": 1048576}],\n"
    "                  \"throttleWriteIOPSDevice\": [{\"major\": 8, \"minor\": 16, \"rate\": 100}]},\n"
    "      \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 209715200}],\n"
    "      \"network\": {\"classID\": 1048577, \"priorities\": [{\"name\": \"eth0\", \"priority\": 500}]},\n"
    "      \"rdma\": {\"mlx5_1\": {\"hcaHandles\": 3, \"hcaObjects\": 10000}},\n"
    "      \"unified\": {\"memory.high\": \"1073741824\", \"io.weight\": \"default 100\"}\n"
    "    },\n"
    "    \"sysctl\": {\"net.ipv4.ip_forward\": \"1\", \"kernel.shmmax\": \"4096\"},\n"
    "    \"seccomp\": {\n"
    "      \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,\n"
    "      \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"],\n"
    "      \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],\n"
    "      \"listenerPath\": \"/run/agent.sock\", \"listenerMetadata\": \"meta\",\n"
    "      \"syscalls\": [\n"
    "        {\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
    "        {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
    "         \"args\": [{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"},\n"
    "                  {\"index\": 5, \"value\": 255, \"valueTwo\": 8, \"op\": \"SCMP_CMP_MASKED_EQ\"}]},\n"
    "        {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1},\n"
    "        {\"names\": [\"bpf\"], \"action\": \"SCMP_ACT_NOTIFY\"}\n"
    "      ]\n"
    "    },\n"
    "    \"rootfsPropagation\": \"rslave\",\n"
    "    \"maskedPaths\": [\"/proc/kcore\", \"/sys/firmware\"],\n"
    "    \"readonlyPaths\": [\"/proc/sys\"],\n"
    "    \"mountLabel\": \"system_u:object_r:container_file_t:s0\",\n"
    "    \"personality\": {\"domain\": \"LINUX32\", \"flags\": []}\n"
    "  }\n"
    "}\n";

static void test_full_config(void)
{
    cleanup_spec struct hull_spec *s = parse_ok(full_config, "full config");
    if (s == NULL)
        return;
    TAP_CHECK(strcmp(s->oci_version, "1.0.2-dev") == 0, "ociVersion");
    TAP_CHECK(strcmp(s->root_path, "/var/lib/rootfs") == 0 && s->root_readonly, "root");
    struct hull_process *p = s->process;
    TAP_CHECK(p != NULL && p->terminal && p->has_console_size && p->console_height == 25 && p->console_width == 80,
              "process.terminal and consoleSize");
    TAP_CHECK(p->user.uid == 1000 && p->user.gid == 100 && p->user.has_umask && p->user.umask == 022,
              "process.user uid/gid/umask");
    TAP_CHECK(p->user.n_additional_gids == 2 && p->user.additional_gids[1] == 6, "process.user.additionalGids");
    TAP_CHECK(strv_equal(p->args, (const char *const[]){"sh", "-c", "echo hi", NULL}), "process.args");
    TAP_CHECK(strv_equal(p->env, (const char *const[]){"PATH=/bin", "TERM=xterm", NULL}), "process.env");
    TAP_CHECK(strcmp(p->cwd, "/work") == 0, "process.cwd");
    TAP_CHECK(p->capabilities != NULL &&
                  strv_equal(p->capabilities->bounding, (const char *const[]){"CAP_KILL", "CAP_CHOWN", NULL}) &&
                  p->capabilities->permitted == NULL && p->capabilities->ambient != NULL &&
                  p->capabilities->ambient[0] == NULL,
              "process.capabilities: absent set is NULL, empty set is empty");
    TAP_CHECK(p->n_rlimits == 2 && p->rlimits[0].resource == RLIMIT_NOFILE && p->rlimits[0].soft == 1024 &&
                  p->rlimits[0].hard == 4096 && strcmp(p->rlimits[0].type, "RLIMIT_NOFILE") == 0,
              "process.rlimits[0]");
    TAP_CHECK(p->rlimits[1].resource == RLIMIT_CORE && p->rlimits[1].hard == UINT64_MAX,
              "process.rlimits[1] keeps a full uint64 (unlimited)");
    TAP_CHECK(p->no_new_privileges && strcmp(p->apparmor_profile, "prof") == 0 &&
                  strcmp(p->selinux_label, "label") == 0,
              "process.noNewPrivileges/apparmorProfile/selinuxLabel");
    TAP_CHECK(p->has_oom_score_adj && p->oom_score_adj == -500, "process.oomScoreAdj");
    TAP_CHECK(p->has_scheduler && strcmp(p->sched_policy, "SCHED_BATCH") == 0 && p->sched_nice == 5,
              "process.scheduler");
    TAP_CHECK(p->has_io_priority && strcmp(p->io_priority_class, "IOPRIO_CLASS_BE") == 0 && p->io_priority == 4,
              "process.ioPriority");
    TAP_CHECK(strcmp(s->hostname, "box") == 0 && strcmp(s->domainname, "example.org") == 0, "hostname/domainname");

    TAP_CHECK(s->n_mounts == 4, "4 mounts");
    struct hull_mount *m = &s->mounts[0];
    TAP_CHECK(strcmp(m->destination, "/dev") == 0 && strcmp(m->type, "tmpfs") == 0 &&
                  m->flags == (MS_NOSUID | MS_STRICTATIME) && strcmp(m->data, "mode=755,size=65536k") == 0 && !m->bind,
              "mounts[0] flags and data");
    m = &s->mounts[1];
    TAP_CHECK(m->flags == (MS_NOSUID | MS_NOEXEC) && strcmp(m->data, "newinstance,ptmxmode=0666,gid=5") == 0,
              "mounts[1] devpts data");
    m = &s->mounts[2];
    TAP_CHECK(m->bind && m->recursive_bind && (m->flags & MS_RDONLY) && m->propagation == (MS_SLAVE | MS_REC) &&
                  m->tmpcopyup && m->data == NULL,
              "mounts[2] rbind,ro,rslave,tmpcopyup; the r* attributes not in data");
    TAP_CHECK(m->rec_attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOATIME) &&
                  m->rec_attr_clr == (MOUNT_ATTR__ATIME | MOUNT_ATTR_NOSUID),
              "mounts[2] rro,rnoatime,rsuid: recursive attributes");
    m = &s->mounts[3];
    TAP_CHECK(strcmp(m->destination, "/relative/dir") == 0 && m->bind && !m->recursive_bind,
              "mounts[3] relative destination is taken from / and type bind means a bind mount");

    TAP_CHECK(s->hooks.prestart.n == 1 && strcmp(s->hooks.prestart.hooks[0].path, "/bin/true") == 0 &&
                  !s->hooks.prestart.hooks[0].has_timeout,
              "hooks.prestart");
    struct hull_hook *h = &s->hooks.create_runtime.hooks[0];
    TAP_CHECK(s->hooks.create_runtime.n == 2 && strcmp(h->path, "/usr/bin/hook") == 0 &&
                  strv_equal(h->args, (const char *const[]){"hook", "a", NULL}) &&
                  strv_equal(h->env, (const char *const[]){"X=1", NULL}) && h->has_timeout && h->timeout == 5,
              "hooks.createRuntime[0] args, env, timeout");
    TAP_CHECK(s->hooks.poststop.n == 1 && s->hooks.create_container.n == 0 && s->hooks.poststart.n == 0,
              "hooks: other kinds");
    TAP_CHECK(s->n_annotations == 2 && strcmp(s->annotations[0].key, "org.example.key") == 0 &&
                  strcmp(s->annotations[0].value, "value") == 0 && strcmp(s->annotations[1].value, "") == 0,
              "annotations");

    struct hull_linux *l = &s->linux_;
    bool all_ns = true;
    for (int i = 0; i < HULL_NS__COUNT; i++)
        all_ns = all_ns && l->namespaces[i].present;
    TAP_CHECK(all_ns, "linux.namespaces: all eight present");
    TAP_CHECK(strcmp(l->namespaces[HULL_NS_NET].path, "/var/run/netns/x") == 0 &&
                  l->namespaces[HULL_NS_PID].path == NULL && l->namespaces[HULL_NS_IPC].path == NULL,
              "linux.namespaces paths (empty path means new)");
    TAP_CHECK(l->n_uid_mappings == 1 && l->uid_mappings[0].host_id == 100000 && l->uid_mappings[0].size == 65536 &&
                  l->n_gid_mappings == 2 && l->gid_mappings[1].container_id == 1000,
              "linux.uidMappings/gidMappings");
    TAP_CHECK(l->has_time_offsets && l->monotonic_secs == -86400 && l->monotonic_nanosecs == 7 && l->boottime_secs == 3,
              "linux.timeOffsets");
    TAP_CHECK(l->n_devices == 2 && strcmp(l->devices[0].path, "/dev/fuse") == 0 && l->devices[0].type == 'c' &&
                  l->devices[0].major == 10 && l->devices[0].minor == 229 && l->devices[0].has_file_mode &&
                  l->devices[0].file_mode == 0666 && l->devices[0].has_uid && l->devices[1].type == 'p' &&
                  !l->devices[1].has_uid,
              "linux.devices");
    TAP_CHECK(strcmp(l->cgroups_path, "/hull/test") == 0, "linux.cgroupsPath");
    TAP_CHECK(l->n_sysctl == 2 && strcmp(l->sysctl[0].key, "net.ipv4.ip_forward") == 0 &&
                  strcmp(l->sysctl[0].value, "1") == 0,
              "linux.sysctl");
    TAP_CHECK(l->rootfs_propagation == (MS_SLAVE | MS_REC), "linux.rootfsPropagation rslave");
    TAP_CHECK(strv_equal(l->masked_paths, (const char *const[]){"/proc/kcore", "/sys/firmware", NULL}) &&
                  strv_equal(l->readonly_paths, (const char *const[]){"/proc/sys", NULL}),
              "linux.maskedPaths/readonlyPaths");
    TAP_CHECK(strcmp(l->mount_label, "system_u:object_r:container_file_t:s0") == 0, "linux.mountLabel");
    TAP_CHECK(l->has_personality && strcmp(l->personality_domain, "LINUX32") == 0, "linux.personality");

    struct hull_resources *r = &l->resources;
    TAP_CHECK(l->has_resources && r->n_devices == 2 && !r->devices[0].allow && r->devices[0].type == 'a' &&
                  r->devices[0].major == -1 && !r->devices[0].has_major && strcmp(r->devices[0].access, "rwm") == 0,
              "resources.devices[0] deny all");
    TAP_CHECK(r->devices[1].allow && r->devices[1].type == 'c' && r->devices[1].has_major &&
                  r->devices[1].major == 10 && r->devices[1].minor == 229 && strcmp(r->devices[1].access, "rw") == 0,
              "resources.devices[1]");
    TAP_CHECK(r->has_memory && r->memory.limit.set && r->memory.limit.v == 536870912 &&
                  r->memory.reservation.v == 268435456 && r->memory.swap.set && r->memory.swap.v == -1 &&
                  r->memory.swappiness.set && r->memory.swappiness.v == 10 && r->memory.disable_oom_killer.set &&
                  !r->memory.disable_oom_killer.v && !r->memory.kernel.set && !r->memory.use_hierarchy.set &&
                  r->memory.check_before_update.v,
              "resources.memory");
    TAP_CHECK(r->has_cpu && r->cpu.shares.v == 512 && r->cpu.quota.v == 50000 && r->cpu.period.v == 100000 &&
                  r->cpu.burst.v == 1000 && r->cpu.realtime_runtime.v == 950000 &&
                  r->cpu.realtime_period.v == 1000000 && strcmp(r->cpu.cpus, "0-1") == 0 &&
                  strcmp(r->cpu.mems, "0") == 0 && r->cpu.idle.set && r->cpu.idle.v == 1,
              "resources.cpu");
    TAP_CHECK(r->has_pids && r->pids_limit == 64, "resources.pids");
    TAP_CHECK(r->has_blkio && r->blkio.weight.v == 500 && r->blkio.leaf_weight.v == 300 &&
                  r->blkio.n_weight_devices == 1 && r->blkio.weight_devices[0].weight.v == 600 &&
                  !r->blkio.weight_devices[0].leaf_weight.set && r->blkio.read_bps.n == 1 &&
                  r->blkio.read_bps.items[0].rate == 1048576 && r->blkio.write_iops.n == 1 &&
                  r->blkio.write_iops.items[0].minor == 16 && r->blkio.write_bps.n == 0,
              "resources.blockIO");
    TAP_CHECK(r->n_hugepage_limits == 1 && strcmp(r->hugepage_limits[0].page_size, "2MB") == 0 &&
                  r->hugepage_limits[0].limit == 209715200,
              "resources.hugepageLimits");
    TAP_CHECK(r->has_network && r->net_class_id.v == 1048577 && r->n_net_priorities == 1 &&
                  strcmp(r->net_priorities[0].name, "eth0") == 0 && r->net_priorities[0].priority == 500,
              "resources.network");
    TAP_CHECK(r->n_rdma == 1 && strcmp(r->rdma[0].device, "mlx5_1") == 0 && r->rdma[0].hca_handles.v == 3 &&
                  r->rdma[0].hca_objects.v == 10000,
              "resources.rdma");
    TAP_CHECK(r->n_unified == 2 && strcmp(r->unified[1].key, "io.weight") == 0 &&
                  strcmp(r->unified[1].value, "default 100") == 0,
              "resources.unified");

    struct hull_seccomp *sc = l->seccomp;
    TAP_CHECK(sc != NULL && strcmp(sc->default_action, "SCMP_ACT_ERRNO") == 0 && sc->has_default_errno_ret &&
                  sc->default_errno_ret == 38,
              "seccomp.defaultAction/defaultErrnoRet");
    TAP_CHECK(strv_equal(sc->architectures, (const char *const[]){"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", NULL}) &&
                  strv_equal(sc->flags, (const char *const[]){"SECCOMP_FILTER_FLAG_LOG", NULL}),
              "seccomp.architectures/flags");
    TAP_CHECK(strcmp(sc->listener_path, "/run/agent.sock") == 0 && strcmp(sc->listener_metadata, "meta") == 0,
              "seccomp.listenerPath/listenerMetadata");
    TAP_CHECK(sc->n_syscalls == 4 && strv_equal(sc->syscalls[0].names, (const char *const[]){"read", "write", NULL}),
              "seccomp.syscalls[0].names");
    struct hull_seccomp_rule *rule = &sc->syscalls[1];
    TAP_CHECK(rule->n_args == 2 && rule->args[0].index == 0 && rule->args[0].value == 8 &&
                  strcmp(rule->args[0].op, "SCMP_CMP_EQ") == 0 && rule->args[1].index == 5 &&
                  rule->args[1].value_two == 8 && strcmp(rule->args[1].op, "SCMP_CMP_MASKED_EQ") == 0,
              "seccomp.syscalls[1].args");
    TAP_CHECK(sc->syscalls[2].has_errno_ret && sc->syscalls[2].errno_ret == 1 && !sc->syscalls[0].has_errno_ret,
              "seccomp.syscalls[2].errnoRet");
    TAP_CHECK(s->raw_json != NULL && strcmp(s->raw_json, full_config) == 0, "raw_json kept");
}

static void test_json_errors(void)
{
    expect_error_text("{\n  \"ociVersion\": \"1.2.0\",\n  oops\n}", "config.json: malformed JSON at line 3");
    expect_error_text("{\"ociVersion\": \"1.2.0\"", "malformed JSON at line 1");
    expect_error_text("{} trailing", "malformed JSON at line 1, column 4");
    expect_error_text("", "malformed JSON");
    expect_error_text("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\",}}", "malformed JSON at line 1, column 46: unexpected character");
    expect_error_text("{\"ociVersion\": \"1.2.0\", /* comment */ \"root\": {\"path\": \"r\"}}", "malformed JSON");
    expect_error_text("{'ociVersion': '1.2.0', \"root\": {\"path\": \"r\"}}", "malformed JSON");
    expect_error_text("[1, 2]", "config.json: the top level must be a JSON object");
    expect_error("ociVersion", NULL, "config.json: missing ociVersion");
    expect_error("ociVersion", "\"2.0.0\"", "unsupported ociVersion \"2.0.0\" (hull supports 1.x)");
    expect_error("ociVersion", "1", "ociVersion must be a string (got 1)");
    expect_error("root", NULL, "config.json: missing root");
    expect_error("root.path", NULL, "missing root.path");
    expect_error("root.path", "\"\"", "root.path must not be empty");
    expect_error("root.readonly", "\"yes\"", "root.readonly must be a boolean");
    expect_error("hostname", "[]", "hostname must be a string");
    expect_error("linux.namespaces[2]", NULL, "hostname \"h\" needs a uts namespace");
    expect_error("mounts", "{}", "mounts must be an array");
    expect_error("linux", "[]", "linux must be an object");
    expect_error("annotations", "{\"a\": 1}", "annotations.a must be a string");
    expect_error("annotations", "{\"\": \"x\"}", "annotations has an empty key");
    expect_error("process.args", "[\"a\\u0000b\"]", "process.args[0] must not contain a NUL character");
}

static void test_process_errors(void)
{
    expect_error("process.args", NULL, "missing process.args");
    expect_error("process.args", "[]", "process.args must have at least one entry");
    expect_error("process.args", "[\"sh\", 1]", "process.args[1] must be a string (got 1)");
    expect_error("process.cwd", "\"tmp\"", "config.json: process.cwd \"tmp\" must be an absolute path");
    expect_error("process.cwd", NULL, "missing process.cwd");
    expect_error("process.terminal", "\"yes\"", "process.terminal must be a boolean (got \"yes\")");
    expect_error("process.env", "\"PATH=/bin\"", "process.env must be an array");
    expect_error("process.user.uid", "-1", "process.user.uid -1 must not be negative");
    expect_error("process.user.gid", "4294967296", "process.user.gid 4294967296 is out of range");
    expect_error("process.user.uid", "1.5", "process.user.uid must be an integer (got 1.5)");
    expect_error("process.user.additionalGids", "[1, \"2\"]", "process.user.additionalGids[1] must be an integer");
    expect_error("process.consoleSize", "{\"height\": 10}", "missing process.consoleSize.width");
    expect_error("process.capabilities.bounding", "[\"CAP_KILL\", false]",
                 "process.capabilities.bounding[1] must be a string");
    expect_error("process.rlimits[0]", "{\"type\": \"RLIMIT_FOO\", \"soft\": 1, \"hard\": 1}",
                 "process.rlimits[0].type \"RLIMIT_FOO\" is not an rlimit type");
    expect_error("process.rlimits",
                 "[{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1, \"hard\": 1},"
                 " {\"type\": \"RLIMIT_NOFILE\", \"soft\": 2, \"hard\": 2}]",
                 "process.rlimits[1].type \"RLIMIT_NOFILE\" is given twice");
    expect_error("process.rlimits[0]", "{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10, \"hard\": 5}",
                 "process.rlimits[0] (RLIMIT_NOFILE): soft limit 10 is greater than hard limit 5");
    expect_error("process.rlimits[0]", "{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10}",
                 "missing process.rlimits[0].hard");
    expect_error("process.rlimits[0]", "{\"type\": \"RLIMIT_NOFILE\", \"soft\": -1, \"hard\": 5}",
                 "process.rlimits[0].soft -1 must not be negative");
    expect_error("process.oomScoreAdj", "5000", "process.oomScoreAdj 5000 is out of range");
    expect_error("process.scheduler", "{\"policy\": \"SCHED_FAST\"}", "process.scheduler.policy \"SCHED_FAST\"");
    expect_error("process.scheduler", "{\"nice\": 1}", "missing process.scheduler.policy");
    expect_error("process.ioPriority", "{\"class\": \"IOPRIO_CLASS_X\"}",
                 "process.ioPriority.class \"IOPRIO_CLASS_X\"");
    expect_error("process.ioPriority", "{\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 9}",
                 "process.ioPriority.priority 9 is out of range");
    expect_ok("process", NULL, "a config without process (create-only bundles)");
    expect_ok("process.user", NULL, "process.user absent means 0:0, as runc");
    expect_ok("process", "{\"args\": [\"x\"], \"cwd\": \"/\", \"unknownField\": [1, {}]}", "unknown fields ignored");
    /* Issue 11: spec fields hull cannot apply are refused, not ignored (intelRdt: no resctrl here). */
    expect_error("linux.intelRdt", "{\"closID\": \"x\"}", "linux.intelRdt ");
    /* Issue 10: the 1.1-1.3 fields, validated at the edge. */
    expect_error("linux.memoryPolicy", "{\"mode\": \"MPOL_FAST\", \"nodes\": \"0\"}",
                 "linux.memoryPolicy.mode \"MPOL_FAST\" is not a memory policy mode");
    expect_error("linux.memoryPolicy", "{\"mode\": \"MPOL_BIND\", \"nodes\": \"0-\"}",
                 "linux.memoryPolicy.nodes \"0-\" is not a node list");
    expect_error("linux.memoryPolicy", "{\"mode\": \"MPOL_LOCAL\", \"nodes\": \"0\"}",
                 "linux.memoryPolicy.nodes must be empty for MPOL_LOCAL");
    expect_error("linux.netDevices", "{\"eth1\": {\"name\": \"a:b\"}}",
                 "linux.netDevices.eth1.name \"a:b\" is not a network device name");
    expect_error("linux.netDevices", "{\"eth1\": {\"name\": \"x\"}, \"eth2\": {\"name\": \"x\"}}",
                 "linux.netDevices.eth2.name \"x\" is given to two devices");
    expect_error("process.execCPUAffinity", "{\"initial\": \"3-1\"}",
                 "process.execCPUAffinity.initial \"3-1\" is not a CPU list");
    expect_error("process.scheduler", "{\"policy\": \"SCHED_RR\"}", "process.scheduler.priority must be 1 to 99");
    expect_error("process.scheduler", "{\"policy\": \"SCHED_BATCH\", \"priority\": 5}",
                 "only SCHED_FIFO and SCHED_RR take a priority");
    expect_error("linux.personality", "{\"domain\": \"LINUX\", \"flags\": [\"X\"]}",
                 "the spec defines no personality flags");
    expect_error("process.commandLine", "\"sh -c true\"", "process.commandLine is a Windows field");
    expect_ok("linux.sysctl", "null", "a JSON null is treated as absent");
}

static void test_linux_errors(void)
{
    expect_error("linux.namespaces[2].type", "\"foo\"",
                 "config.json: linux.namespaces[2].type \"foo\" is not a namespace type");
    expect_error("linux.namespaces[2]", "{\"path\": \"/proc/1/ns/uts\"}", "missing linux.namespaces[2].type");
    expect_error("linux.namespaces[3]", "{\"type\": \"pid\"}",
                 "linux.namespaces[3].type \"pid\" is given twice (also linux.namespaces[0])");
    expect_error("linux.namespaces[3]", "{\"type\": \"network\", \"path\": \"run/netns/x\"}",
                 "linux.namespaces[3].path \"run/netns/x\" must be an absolute path");
    expect_error("linux.namespaces", "{\"type\": \"pid\"}", "linux.namespaces must be an array");
    expect_error("linux.uidMappings", "[{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]",
                 "linux.uidMappings is set but linux.namespaces has no user namespace");
    expect_error("linux.namespaces[3]", "{\"type\": \"user\"}",
                 "linux.uidMappings is required to create a new user namespace");
    {
        cleanup_free char *json = config_with("linux.namespaces[3]", "{\"type\": \"user\"}");
        struct json_object *o = json_tokener_parse(json);
        struct json_object *l = json_object_object_get(o, "linux");
        json_object_object_add(l, "uidMappings",
                               json_tokener_parse("[{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]"));
        expect_error_text(json_object_to_json_string(o),
                          "linux.gidMappings is required to create a new user namespace");
        json_object_object_add(l, "gidMappings",
                               json_tokener_parse("[{\"containerID\": 0, \"hostID\": 1000, \"size\": 0}]"));
        expect_error_text(json_object_to_json_string(o), "linux.gidMappings[0].size must be greater than 0");
        json_object_object_add(l, "gidMappings",
                               json_tokener_parse("[{\"containerID\": 4294967295, \"hostID\": 0, \"size\": 2}]"));
        expect_error_text(json_object_to_json_string(o),
                          "linux.gidMappings[0]: containerID 4294967295 + size 2 goes beyond 2^32");
        json_object_object_add(l, "gidMappings",
                               json_tokener_parse("[{\"containerID\": 0, \"hostID\": 4294967295, \"size\": 2}]"));
        expect_error_text(json_object_to_json_string(o),
                          "linux.gidMappings[0]: hostID 4294967295 + size 2 goes beyond 2^32");
        json_object_object_add(l, "gidMappings",
                               json_tokener_parse("[{\"containerID\": 0, \"hostID\": 1000, \"size\": 10}, "
                                                  "{\"containerID\": 5, \"hostID\": 5000, \"size\": 1}]"));
        expect_error_text(json_object_to_json_string(o),
                          "linux.gidMappings[1]: containerID range overlaps linux.gidMappings[0]");
        json_object_object_add(l, "gidMappings",
                               json_tokener_parse("[{\"containerID\": 0, \"hostID\": 1000, \"size\": 10}, "
                                                  "{\"containerID\": 10, \"hostID\": 1009, \"size\": 1}]"));
        expect_error_text(json_object_to_json_string(o),
                          "linux.gidMappings[1]: hostID range overlaps linux.gidMappings[0]");
        json_object_object_add(l, "gidMappings", json_tokener_parse("[{\"containerID\": 0, \"size\": 1}]"));
        expect_error_text(json_object_to_json_string(o), "missing linux.gidMappings[0].hostID");
        json_object_object_add(l, "gidMappings",
                               json_tokener_parse("[{\"containerID\": 0, \"hostID\": 4294967286, \"size\": 10}, "
                                                  "{\"containerID\": 10, \"hostID\": 0, \"size\": 4294967286}]"));
        struct hull_spec *spec = NULL;
        cleanup_error struct hull_error *err = NULL;
        int r = spec_parse(json_object_to_json_string(o), &spec, &err);
        TAP_CHECK(r == 0 && spec->linux_.n_gid_mappings == 2, "adjacent ranges up to 2^32 are fine%s%s",
                  err ? ": " : "", err ? err->msg : "");
        spec_free(spec);
        json_object_put(o);
    }
    expect_ok("linux.namespaces[3]", "{\"type\": \"user\", \"path\": \"/proc/1/ns/user\"}",
              "joining a user namespace needs no mappings");
    expect_error("linux.timeOffsets", "{\"monotonic\": {\"secs\": 1}}", "linux.timeOffsets needs a new time namespace");
    expect_error("linux.devices[0]", "{\"path\": \"dev/null\", \"type\": \"c\", \"major\": 1, \"minor\": 3}",
                 "linux.devices[0].path \"dev/null\" must be an absolute path");
    expect_error("linux.devices[0]", "{\"path\": \"/dev/x\", \"type\": \"x\", \"major\": 1, \"minor\": 3}",
                 "linux.devices[0].type \"x\" is not a device type");
    expect_error("linux.devices[0]", "{\"path\": \"/dev/x\", \"type\": \"c\", \"minor\": 3}",
                 "missing linux.devices[0].major");
    expect_error("linux.devices[0]", "{\"path\": \"/dev/x\", \"major\": 1, \"minor\": 3}",
                 "missing linux.devices[0].type");
    expect_error("linux.devices[0]", "{\"path\": \"/dev/x\", \"type\": \"b\", \"major\": 1, \"minor\": 3, \"uid\": -5}",
                 "linux.devices[0].uid -5 must not be negative");
    expect_error("linux.rootfsPropagation", "\"bogus\"", "linux.rootfsPropagation \"bogus\" is not a propagation mode");
    expect_error("linux.rootfsPropagation", "1", "linux.rootfsPropagation must be a string");
    expect_error("linux.sysctl", "{\"net.ipv4.ip_forward\": 1}", "linux.sysctl.net.ipv4.ip_forward must be a string");
    expect_error("linux.maskedPaths", "[\"proc/kcore\"]",
                 "linux.maskedPaths[0] \"proc/kcore\" must be an absolute path");
    expect_error("linux.readonlyPaths", "[1]", "linux.readonlyPaths[0] must be a string");
    expect_error("linux.personality", "{\"domain\": \"BSD\"}", "linux.personality.domain \"BSD\"");
    expect_error("linux.cgroupsPath", "{}", "linux.cgroupsPath must be a string");
}

static void test_mount_and_hook_errors(void)
{
    expect_error("mounts[0]", "{\"type\": \"tmpfs\"}", "missing mounts[0].destination");
    expect_error("mounts[0]", "{\"destination\": \"\"}", "mounts[0].destination must not be empty");
    expect_error("mounts[0]", "{\"destination\": \"/x\", \"options\": \"ro\"}", "mounts[0].options must be an array");
    expect_error("mounts[0]", "{\"destination\": \"/x\", \"options\": [\"ro\", 5]}",
                 "mounts[0].options[1] must be a string");
    expect_error("mounts[0]", "\"/x\"", "mounts[0] must be an object");
    expect_error("mounts[0]", "{\"destination\": \"/x\", \"options\": [\"idmap\"]}",
                 "mounts[0].options: idmap and ridmap are supported on bind mounts only");
    expect_error("mounts[0]", "{\"destination\": \"/x\", \"type\": \"bind\", \"source\": \"/y\", \"options\": [\"ridmap\"]}",
                 "mounts[0].options: idmap needs the mount's uidMappings and gidMappings");
    /* Issue 11: nothing is accepted and then dropped. */
    expect_error("mounts[0]", "{\"destination\": \"/x\", \"source\": \"/y\", \"options\": [\"rbind\", \"rr0\"]}",
                 "mounts[0].options: \"rr0\" is not a mount option hull knows, and a bind mount takes no filesystem "
                 "options");
    expect_error("mounts[0]", "{\"destination\": \"/x\", \"source\": \"/y\", \"options\": [\"bind\", \"sync\"]}",
                 "mounts[0].options: sync, dirsync and lazytime change the whole filesystem");
    expect_error("mounts[0]", "{\"destination\": \"/x\", \"type\": \"tmpfs\", \"options\": [\"mand\"]}",
                 "mounts[0].options: \"mand\" is not supported");
    expect_error("mounts[0]", "{\"destination\": \"/x\", \"type\": \"tmpfs\", \"options\": [\"remount\"]}",
                 "mounts[0].options: \"remount\" is not supported");
    expect_error("mounts[0]", "{\"destination\": \"/p\", \"type\": \"proc\", \"options\": [\"exec\"]}",
                 "mounts[0].options: hull mounts proc nosuid,nodev,noexec");
    expect_error("mounts[0]", "{\"destination\": \"/c\", \"type\": \"cgroup\", \"options\": [\"size=1m\"]}",
                 "mounts[0].options: a cgroup mount takes only");
    expect_error("mounts[0]",
                 "{\"destination\": \"/x\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", "
                 "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}], "
                 "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}",
                 "mounts[0].options: idmap and ridmap are supported on bind mounts only");
    expect_error("mounts[0]",
                 "{\"destination\": \"/x\", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1, \"size\": 1}]}",
                 "mounts[0]: uidMappings and gidMappings must be given together");
    expect_error("hooks.prestart[0]", "{\"path\": \"true\"}",
                 "hooks.prestart[0].path \"true\" must be an absolute path");
    expect_error("hooks.poststop[0]", "{\"args\": []}", "missing hooks.poststop[0].path");
    expect_error("hooks.createContainer[0]", "{\"path\": \"/bin/true\", \"timeout\": 0}",
                 "hooks.createContainer[0].timeout 0 must be greater than zero");
    expect_error("hooks.startContainer[0]", "{\"path\": \"/bin/true\", \"timeout\": -3}",
                 "hooks.startContainer[0].timeout -3 must be greater than zero");
    expect_error("hooks.poststart[0]", "{\"path\": \"/bin/true\", \"env\": [1]}",
                 "hooks.poststart[0].env[0] must be a string");
    expect_error("hooks.prestart", "{}", "hooks.prestart must be an array");
}

static void test_resources_errors(void)
{
    expect_error("linux.resources.memory.limit", "\"1g\"",
                 "linux.resources.memory.limit must be an integer (got \"1g\")");
    expect_error("linux.resources.memory.limit", "-2", "linux.resources.memory.limit -2 is out of range");
    expect_error("linux.resources.memory.swappiness", "-1",
                 "linux.resources.memory.swappiness -1 must not be negative");
    expect_error("linux.resources.memory.disableOOMKiller", "1",
                 "linux.resources.memory.disableOOMKiller must be a boolean");
    expect_error("linux.resources.cpu.shares", "-1", "linux.resources.cpu.shares -1 must not be negative");
    expect_error("linux.resources.cpu.period", "1.5", "linux.resources.cpu.period must be an integer");
    expect_error("linux.resources.cpu.cpus", "0", "linux.resources.cpu.cpus must be a string");
    expect_error("linux.resources.pids.limit", "-2", "linux.resources.pids.limit -2 is out of range");
    expect_error("linux.resources.devices[0]", "{\"access\": \"rwm\"}", "missing linux.resources.devices[0].allow");
    expect_error("linux.resources.devices[0]", "{\"allow\": true, \"access\": \"rwx\"}",
                 "linux.resources.devices[0].access \"rwx\" may only contain r, w and m");
    expect_error("linux.resources.devices[0]", "{\"allow\": true, \"type\": \"p\"}",
                 "linux.resources.devices[0].type \"p\" is not a device type");
    expect_error("linux.resources.blockIO.weight", "70000", "linux.resources.blockIO.weight 70000 is out of range");
    expect_error("linux.resources.blockIO.weightDevice[0]", "{\"minor\": 0, \"weight\": 10}",
                 "missing linux.resources.blockIO.weightDevice[0].major");
    expect_error("linux.resources.blockIO.throttleReadBpsDevice[0]", "{\"major\": 8, \"minor\": 0}",
                 "missing linux.resources.blockIO.throttleReadBpsDevice[0].rate");
    expect_error("linux.resources.blockIO.throttleWriteIOPSDevice[0]", "{\"major\": 8, \"minor\": 0, \"rate\": -1}",
                 "linux.resources.blockIO.throttleWriteIOPSDevice[0].rate -1 must not be negative");
    expect_error("linux.resources.hugepageLimits[0]", "{\"limit\": 1}",
                 "missing linux.resources.hugepageLimits[0].pageSize");
    expect_error("linux.resources.network.classID", "-1", "linux.resources.network.classID -1 must not be negative");
    expect_error("linux.resources.network.priorities[0]", "{\"name\": \"eth0\"}",
                 "missing linux.resources.network.priorities[0].priority");
    expect_error("linux.resources.rdma", "{\"mlx\": {\"hcaHandles\": -1}}",
                 "linux.resources.rdma.mlx.hcaHandles -1 must not be negative");
    expect_error("linux.resources.unified", "{\"memory.max\": 5}",
                 "linux.resources.unified.memory.max must be a string");
    expect_error("linux.resources", "[]", "linux.resources must be an object");
}

static void test_seccomp_errors(void)
{
    expect_error("linux.seccomp", "{}", "missing linux.seccomp.defaultAction");
    expect_error("linux.seccomp", "{\"defaultAction\": \"SCMP_ACT_NOPE\"}",
                 "linux.seccomp.defaultAction \"SCMP_ACT_NOPE\" is not a seccomp action");
    expect_error("linux.seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1}",
                 "linux.seccomp.defaultErrnoRet is set but SCMP_ACT_ALLOW does not return an errno");
    expect_error("linux.seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_Z80\"]}",
                 "linux.seccomp.architectures[0] \"SCMP_ARCH_Z80\" is not a seccomp architecture");
    expect_error("linux.seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_X\"]}",
                 "linux.seccomp.flags[0] \"SECCOMP_FILTER_FLAG_X\" is not a seccomp filter flag");
    expect_error(
        "linux.seccomp",
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [], \"action\": \"SCMP_ACT_ERRNO\"}]}",
        "linux.seccomp.syscalls[0].names must have at least one entry");
    expect_error("linux.seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"]}]}",
                 "missing linux.seccomp.syscalls[0].action");
    expect_error(
        "linux.seccomp",
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"KILL\"}]}",
        "linux.seccomp.syscalls[0].action \"KILL\" is not a seccomp action");
    expect_error(
        "linux.seccomp",
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\","
        " \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_XOR\"}]}]}",
        "linux.seccomp.syscalls[0].args[0].op \"SCMP_CMP_XOR\" is not a seccomp operator");
    expect_error(
        "linux.seccomp",
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\","
        " \"args\": [{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
        "linux.seccomp.syscalls[0].args[0].index 6 is out of range");
    expect_error(
        "linux.seccomp",
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\","
        " \"args\": [{\"index\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}",
        "missing linux.seccomp.syscalls[0].args[0].value");
    expect_error(
        "linux.seccomp",
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_KILL\","
        " \"errnoRet\": 1}]}",
        "linux.seccomp.syscalls[0].errnoRet is set but SCMP_ACT_KILL does not return an errno");
    expect_error("linux.seccomp",
                 "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"bpf\"], \"action\": "
                 "\"SCMP_ACT_NOTIFY\"}]}",
                 "linux.seccomp uses SCMP_ACT_NOTIFY but listenerPath is not set");
    expect_error("linux.seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerMetadata\": \"x\"}",
                 "linux.seccomp.listenerMetadata is set but listenerPath is not");
    expect_ok("linux.seccomp",
              "{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"syscalls\": [{\"names\": [\"read\"],"
              " \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 5}, {\"names\": [\"x_unknown_syscall\"], \"action\": "
              "\"SCMP_ACT_LOG\"}]}",
              "seccomp: errnoRet with TRACE, unknown syscall names are kept");
}

static void test_mount_option_table(void)
{
    static const struct {
        const char *opt;
        unsigned long set, clear, propagation;
    } cases[] = {
        {"ro", MS_RDONLY, 0, 0},
        {"rw", 0, MS_RDONLY, 0},
        {"nosuid", MS_NOSUID, 0, 0},
        {"suid", 0, MS_NOSUID, 0},
        {"nodev", MS_NODEV, 0, 0},
        {"dev", 0, MS_NODEV, 0},
        {"noexec", MS_NOEXEC, 0, 0},
        {"exec", 0, MS_NOEXEC, 0},
        {"sync", MS_SYNCHRONOUS, 0, 0},
        {"async", 0, MS_SYNCHRONOUS, 0},
        {"dirsync", MS_DIRSYNC, 0, 0},
        {"lazytime", MS_LAZYTIME, 0, 0},
        {"nolazytime", 0, MS_LAZYTIME, 0},
        {"nosymfollow", MS_NOSYMFOLLOW, 0, 0},
        {"symfollow", 0, MS_NOSYMFOLLOW, 0},
        {"defaults", 0, 0, 0},
        {"noatime", MS_NOATIME, 0, 0},
        {"atime", 0, MS_NOATIME, 0},
        {"nodiratime", MS_NODIRATIME, 0, 0},
        {"diratime", 0, MS_NODIRATIME, 0},
        {"relatime", MS_RELATIME, 0, 0},
        {"norelatime", 0, MS_RELATIME, 0},
        {"strictatime", MS_STRICTATIME, 0, 0},
        {"nostrictatime", 0, MS_STRICTATIME, 0},
        {"bind", MS_BIND, 0, 0},
        {"rbind", MS_BIND | MS_REC, 0, 0},
        {"shared", 0, 0, MS_SHARED},
        {"rshared", 0, 0, MS_SHARED | MS_REC},
        {"slave", 0, 0, MS_SLAVE},
        {"rslave", 0, 0, MS_SLAVE | MS_REC},
        {"private", 0, 0, MS_PRIVATE},
        {"rprivate", 0, 0, MS_PRIVATE | MS_REC},
        {"unbindable", 0, 0, MS_UNBINDABLE},
        {"runbindable", 0, 0, MS_UNBINDABLE | MS_REC},
        {"tmpcopyup", 0, 0, 0},
    };
    bool all = true;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        unsigned long set = 0, clear = 0, prop = 0;
        bool known = spec_mount_option(cases[i].opt, &set, &clear, &prop);
        if (!known || set != cases[i].set || clear != cases[i].clear || prop != cases[i].propagation) {
            printf("# option %s: known=%d set=%#lx clear=%#lx prop=%#lx\n", cases[i].opt, known, set, clear, prop);
            all = false;
        }
    }
    TAP_CHECK(all, "spec_mount_option: every option of the table");
    unsigned long set = 0, clear = 0, prop = 0;
    TAP_CHECK(!spec_mount_option("size=64k", &set, &clear, &prop) &&
                  !spec_mount_option("mode=755", &set, &clear, &prop) && set == 0 && clear == 0 && prop == 0,
              "spec_mount_option: data options are unknown and change nothing");
    set = clear = 0;
    spec_mount_option("ro", &set, &clear, NULL);
    spec_mount_option("rw", &set, &clear, NULL);
    TAP_CHECK(set == 0 && clear == MS_RDONLY, "spec_mount_option: ro then rw ends rw");

    uint64_t rs = 0, rc = 0;
    TAP_CHECK(spec_mount_rec_option("rro", &rs, &rc) && spec_mount_rec_option("rrw", &rs, &rc) && rs == 0 &&
                  rc == MOUNT_ATTR_RDONLY,
              "spec_mount_rec_option: rro then rrw clears read-only recursively");
    rs = rc = 0;
    TAP_CHECK(spec_mount_rec_option("rnoatime", &rs, &rc) && spec_mount_rec_option("rstrictatime", &rs, &rc) &&
                  rs == MOUNT_ATTR_STRICTATIME && rc == MOUNT_ATTR__ATIME,
              "spec_mount_rec_option: the last atime mode wins, the whole mask is cleared");
    TAP_CHECK(!spec_mount_option("rro", NULL, NULL, NULL) && !spec_mount_rec_option("ro", &rs, &rc),
              "the flag and recursive tables do not overlap");
    cleanup_strv char **names = spec_mount_option_names();
    /* + idmap and ridmap, which the parser takes apart from both tables (they need mappings). */
    bool each = names != NULL && strv_length(names) == 55;
    for (char **n = names; n && *n; n++) {
        uint64_t a = 0, b = 0;
        if (!spec_mount_option(*n, NULL, NULL, NULL) && !spec_mount_rec_option(*n, &a, &b) && strcmp(*n, "idmap") &&
            strcmp(*n, "ridmap")) {
            printf("# listed but not accepted: %s\n", *n);
            each = false;
        }
    }
    TAP_CHECK(each, "spec_mount_option_names: 55 names, each accepted (features lists exactly the parser's table)");
    TAP_CHECK(!spec_mount_option("mand", NULL, NULL, NULL) && !spec_mount_option("remount", NULL, NULL, NULL) &&
                  !spec_mount_option("idmap", NULL, NULL, NULL),
              "mand, remount, idmap are not in the flag table (mand and remount refused, idmap parsed apart)");
}

static void test_namespace_helpers(void)
{
    TAP_CHECK(strcmp(spec_ns_name(HULL_NS_NET), "network") == 0 && strcmp(spec_ns_proc_name(HULL_NS_NET), "net") == 0 &&
                  spec_ns_clone_flag(HULL_NS_NET) == CLONE_NEWNET,
              "network namespace names and flag");
    TAP_CHECK(strcmp(spec_ns_name(HULL_NS_MNT), "mount") == 0 && strcmp(spec_ns_proc_name(HULL_NS_MNT), "mnt") == 0 &&
                  spec_ns_clone_flag(HULL_NS_MNT) == CLONE_NEWNS,
              "mount namespace names and flag");
    TAP_CHECK(spec_ns_clone_flag(HULL_NS_USER) == CLONE_NEWUSER &&
                  spec_ns_clone_flag(HULL_NS_CGROUP) == CLONE_NEWCGROUP && spec_ns_clone_flag(HULL_NS_TIME) == 0x80 &&
                  strcmp(spec_ns_proc_name(HULL_NS_TIME), "time") == 0,
              "user/cgroup/time flags");
}

static void test_parse_process_and_resources(void)
{
    struct hull_process *p = NULL;
    cleanup_error struct hull_error *err = NULL;
    int r = spec_parse_process(
        "{\"args\": [\"ls\", \"-l\"], \"cwd\": \"/tmp\", \"env\": [\"A=1\"], \"user\": {\"uid\": 7}}", &p, &err);
    TAP_CHECK(r == 0 && p != NULL && strcmp(p->args[1], "-l") == 0 && strcmp(p->cwd, "/tmp") == 0 && p->user.uid == 7,
              "spec_parse_process: a process object");
    spec_process_free(p);
    p = NULL;
    r = spec_parse_process("{\"args\": [\"ls\"], \"cwd\": \"tmp\"}", &p, &err);
    TAP_CHECK(r < 0 && p == NULL && strstr(err->msg, "process.cwd \"tmp\" must be an absolute path") != NULL,
              "spec_parse_process: same validation (%s)", err ? err->msg : "");
    hull_error_freep(&err);
    r = spec_parse_process("{\"args\": [\"ls\"], \"cwd\": \"/\",", &p, &err);
    TAP_CHECK(r < 0 && strstr(err->msg, "malformed JSON at line 1") != NULL, "spec_parse_process: malformed JSON");
    hull_error_freep(&err);

    struct hull_resources res = {0};
    r = spec_parse_resources("{\"memory\": {\"limit\": 1048576}, \"pids\": {\"limit\": -1}, \"cpu\": {\"quota\": -1}}",
                             &res, &err);
    TAP_CHECK(r == 0 && res.has_memory && res.memory.limit.v == 1048576 && res.has_pids && res.pids_limit == -1 &&
                  res.has_cpu && res.cpu.quota.v == -1 && !res.has_blkio,
              "spec_parse_resources: a LinuxResources object");
    spec_resources_clear(&res);
    r = spec_parse_resources("{\"cpu\": {\"shares\": -5}}", &res, &err);
    TAP_CHECK(r < 0 && strstr(err->msg, "cpu.shares -5 must not be negative") != NULL &&
                  strstr(err->msg, "linux.") == NULL,
              "spec_parse_resources: field named relative to the object (%s)", err ? err->msg : "");
    TAP_CHECK(res.has_cpu == false && res.n_devices == 0, "spec_parse_resources: output untouched on error");
    hull_error_freep(&err);
    r = spec_parse_resources("[]", &res, &err);
    TAP_CHECK(r < 0 && strstr(err->msg, "resources must be an object") != NULL, "spec_parse_resources: not an object");
}

static void test_default_spec(void)
{
    cleanup_free char *json = spec_default_json(false);
    cleanup_spec struct hull_spec *s = parse_ok(json, "spec_default_json(false)");
    if (s == NULL)
        return;
    TAP_CHECK(s->process->terminal && strcmp(s->process->args[0], "sh") == 0 && s->process->args[1] == NULL &&
                  s->process->no_new_privileges && strcmp(s->process->cwd, "/") == 0,
              "default: terminal, args [sh], noNewPrivileges, cwd /");
    TAP_CHECK(s->process->n_rlimits == 1 && s->process->rlimits[0].resource == RLIMIT_NOFILE &&
                  s->process->rlimits[0].soft == 1024 && s->process->rlimits[0].hard == 1024,
              "default: RLIMIT_NOFILE 1024/1024");
    TAP_CHECK(strv_equal(s->process->capabilities->bounding,
                         (const char *const[]){"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL}) &&
                  s->process->capabilities->inheritable == NULL,
              "default: runc's capability set");
    TAP_CHECK(strcmp(s->root_path, "rootfs") == 0 && s->root_readonly && strcmp(s->hostname, "hull") == 0,
              "default: root rootfs readonly, hostname hull");
    TAP_CHECK(s->n_mounts == 7 && strcmp(s->mounts[6].destination, "/sys/fs/cgroup") == 0 &&
                  (s->mounts[5].flags & MS_RDONLY),
              "default: seven mounts, /sys read-only");
    const struct hull_linux *l = &s->linux_;
    TAP_CHECK(l->namespaces[HULL_NS_PID].present && l->namespaces[HULL_NS_NET].present &&
                  l->namespaces[HULL_NS_IPC].present && l->namespaces[HULL_NS_UTS].present &&
                  l->namespaces[HULL_NS_MNT].present &&
                  l->namespaces[HULL_NS_CGROUP].present == (cgroup_detect_layout() == CGROUP_LAYOUT_V2) &&
                  !l->namespaces[HULL_NS_USER].present,
              "default: pid network ipc uts mount namespaces, cgroup only on a cgroup v2 host (as runc)");
    TAP_CHECK(strv_length(l->masked_paths) == 10 && strv_length(l->readonly_paths) == 5,
              "default: masked/readonly paths");
    TAP_CHECK(l->resources.n_devices == 1 && !l->resources.devices[0].allow, "default: deny all devices");

    cleanup_free char *rootless_json = spec_default_json(true);
    cleanup_spec struct hull_spec *r = parse_ok(rootless_json, "spec_default_json(true)");
    if (r == NULL)
        return;
    l = &r->linux_;
    TAP_CHECK(l->namespaces[HULL_NS_USER].present && !l->namespaces[HULL_NS_NET].present,
              "rootless: user ns, no network ns");
    TAP_CHECK(l->n_uid_mappings == 1 && l->uid_mappings[0].host_id == geteuid() &&
                  l->uid_mappings[0].container_id == 0 && l->n_gid_mappings == 1 &&
                  l->gid_mappings[0].host_id == getegid(),
              "rootless: maps root to the caller");
    TAP_CHECK(r->mounts[5].bind && r->mounts[5].recursive_bind && strcmp(r->mounts[5].source, "/sys") == 0,
              "rootless: /sys is an rbind");
    TAP_CHECK(strstr(r->mounts[2].data, "gid=5") == NULL && !l->has_resources, "rootless: no gid=5, no resources");
}

#define TAP_SKIP(...)                                                                                                  \
    do {                                                                                                               \
        tap_n++;                                                                                                       \
        printf("ok %d # skip ", tap_n);                                                                                \
        printf(__VA_ARGS__);                                                                                           \
        printf("\n");                                                                                                  \
    } while (0)

/* Writes the default config to a temporary file; returns its path (owned). */
static char *write_default(bool rootless)
{
    char *path = xstrdup("/tmp/hull-test-spec-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        abort();
    cleanup_free char *json = spec_default_json(rootless);
    if (write_all(fd, json, strlen(json)) < 0)
        abort();
    close(fd);
    return path;
}

/* The default config must validate against the runtime-spec's own JSON schema. */
static void test_default_against_schema(void)
{
    const char *schema = HULL_SOURCE_DIR "/../shared/reference/oci-runtime-spec/schema/config-schema.json";
    const char *validator = HULL_SOURCE_DIR "/tests/lib/validate_schema.py";
    if (access(schema, R_OK) != 0 || access(validator, R_OK) != 0) {
        TAP_SKIP("OCI schema or tests/lib/validate_schema.py not found beside the checkout");
        return;
    }
    if (system("python3 -c 'import jsonschema' 2>/dev/null") != 0) {
        TAP_SKIP("python3 with jsonschema is not installed");
        return;
    }
    for (int rootless = 0; rootless <= 1; rootless++) {
        cleanup_free char *path = write_default(rootless);
        cleanup_free char *cmd = xasprintf("python3 -W ignore '%s' '%s' '%s'", validator, schema, path);
        int status = system(cmd);
        TAP_CHECK(status == 0, "spec_default_json(%s) validates against config-schema.json",
                  rootless ? "true" : "false");
        unlink(path);
    }
}

/* Field for field what `runc spec` writes, except hostname and ociVersion (the cgroup namespace too:
 * both add it only on a cgroup v2 host). */
static void test_default_matches_runc(void)
{
    if (system("command -v runc >/dev/null 2>&1") != 0) {
        TAP_SKIP("runc is not installed; cannot compare with `runc spec`");
        return;
    }
    for (int rootless = 0; rootless <= 1; rootless++) {
        char dir[] = "/tmp/hull-test-runc-spec-XXXXXX";
        if (mkdtemp(dir) == NULL)
            abort();
        cleanup_free char *cmd = xasprintf("cd '%s' && runc spec %s", dir, rootless ? "--rootless" : "");
        cleanup_free char *runc_path = xasprintf("%s/config.json", dir);
        struct json_object *runc = system(cmd) == 0 ? json_object_from_file(runc_path) : NULL;
        cleanup_free char *ours_text = spec_default_json(rootless);
        struct json_object *ours = json_tokener_parse(ours_text);
        unlink(runc_path);
        rmdir(dir);
        if (runc == NULL || ours == NULL) {
            TAP_CHECK(false, "runc spec %s ran and both configs parse", rootless ? "--rootless" : "");
            json_object_put(runc);
            json_object_put(ours);
            continue;
        }
        struct hull_spec *parsed = NULL;
        cleanup_error struct hull_error *err = NULL;
        int r = spec_parse(json_object_to_json_string(runc), &parsed, &err);
        TAP_CHECK(r == 0, "`runc spec%s` output parses%s%s", rootless ? " --rootless" : "", err ? ": " : "",
                  err ? err->msg : "");
        spec_free(parsed);
        json_object_object_add(ours, "ociVersion", json_object_get(json_object_object_get(runc, "ociVersion")));
        json_object_object_add(ours, "hostname", json_object_get(json_object_object_get(runc, "hostname")));
        bool same = json_object_equal(ours, runc);
        TAP_CHECK(same, "spec_default_json(%s) equals `runc spec%s` (but hostname, ociVersion)",
                  rootless ? "true" : "false", rootless ? " --rootless" : "");
        if (!same)
            printf("# ours: %s\n# runc: %s\n", json_object_to_json_string(ours), json_object_to_json_string(runc));
        json_object_put(ours);
        json_object_put(runc);
    }
}

int main(void)
{
    test_full_config();
    test_json_errors();
    test_process_errors();
    test_linux_errors();
    test_mount_and_hook_errors();
    test_resources_errors();
    test_seccomp_errors();
    test_mount_option_table();
    test_namespace_helpers();
    test_parse_process_and_resources();
    test_default_spec();
    test_default_against_schema();
    test_default_matches_runc();
    return TAP_DONE();
}
