/* hull: the config.json that `spec` writes.  It follows `runc spec` (runc's
 * libcontainer/specconv/example.go) field for field, so tools and tutorials
 * written for runc work unchanged; only the hostname says "hull", and the
 * cgroup namespace is on as in runc >= 1.2.  `--rootless` applies the same
 * changes as runc's ToRootless(). */
#include <json-c/json.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "spec.h"
#include "util/utils.h"

/* The runtime-spec version this default claims; the parser accepts any 1.x. */
#define SPEC_DEFAULT_OCI_VERSION "1.2.0"

static struct json_object *string_array(const char *const *items)
{
    struct json_object *a = json_object_new_array();
    for (; *items != NULL; items++)
        json_object_array_add(a, json_object_new_string(*items));
    return a;
}

static void add_string(struct json_object *o, const char *key, const char *value)
{
    json_object_object_add(o, key, json_object_new_string(value));
}

static struct json_object *default_process(void)
{
    static const char *const env[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm",
                                      NULL};
    static const char *const args[] = {"sh", NULL};
    /* runc's default: the minimum a shell needs, nothing that touches the host. */
    static const char *const caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};
    struct json_object *p = json_object_new_object();
    json_object_object_add(p, "terminal", json_object_new_boolean(true));
    struct json_object *user = json_object_new_object();
    json_object_object_add(user, "uid", json_object_new_int(0));
    json_object_object_add(user, "gid", json_object_new_int(0));
    json_object_object_add(p, "user", user);
    json_object_object_add(p, "args", string_array(args));
    json_object_object_add(p, "env", string_array(env));
    add_string(p, "cwd", "/");
    struct json_object *capabilities = json_object_new_object();
    const char *const sets[] = {"bounding", "effective", "permitted", "ambient"};
    for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
        json_object_object_add(capabilities, sets[i], string_array(caps));
    json_object_object_add(p, "capabilities", capabilities);
    struct json_object *rlimit = json_object_new_object();
    add_string(rlimit, "type", "RLIMIT_NOFILE");
    json_object_object_add(rlimit, "hard", json_object_new_int(1024));
    json_object_object_add(rlimit, "soft", json_object_new_int(1024));
    struct json_object *rlimits = json_object_new_array();
    json_object_array_add(rlimits, rlimit);
    json_object_object_add(p, "rlimits", rlimits);
    json_object_object_add(p, "noNewPrivileges", json_object_new_boolean(true));
    return p;
}

static struct json_object *mount_entry(const char *destination, const char *type, const char *source,
                                       const char *const *options)
{
    struct json_object *m = json_object_new_object();
    add_string(m, "destination", destination);
    add_string(m, "type", type);
    add_string(m, "source", source);
    if (options != NULL)
        json_object_object_add(m, "options", string_array(options));
    return m;
}

static struct json_object *default_mounts(bool rootless)
{
    static const char *const dev[] = {"nosuid", "strictatime", "mode=755", "size=65536k", NULL};
    static const char *const pts[] = {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL};
    /* A rootless container maps only the caller's gid, so gid 5 (tty) does not exist in it. */
    static const char *const pts_rootless[] = {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL};
    static const char *const shm[] = {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL};
    static const char *const mqueue[] = {"nosuid", "noexec", "nodev", NULL};
    static const char *const sys[] = {"nosuid", "noexec", "nodev", "ro", NULL};
    /* Without a network namespace of its own, sysfs cannot be mounted; bind the host's (ToRootless). */
    static const char *const sys_rootless[] = {"rbind", "nosuid", "noexec", "nodev", "ro", NULL};
    static const char *const cgroup[] = {"nosuid", "noexec", "nodev", "relatime", "ro", NULL};
    struct json_object *mounts = json_object_new_array();
    json_object_array_add(mounts, mount_entry("/proc", "proc", "proc", NULL));
    json_object_array_add(mounts, mount_entry("/dev", "tmpfs", "tmpfs", dev));
    json_object_array_add(mounts, mount_entry("/dev/pts", "devpts", "devpts", rootless ? pts_rootless : pts));
    json_object_array_add(mounts, mount_entry("/dev/shm", "tmpfs", "shm", shm));
    json_object_array_add(mounts, mount_entry("/dev/mqueue", "mqueue", "mqueue", mqueue));
    if (rootless)
        json_object_array_add(mounts, mount_entry("/sys", "none", "/sys", sys_rootless));
    else
        json_object_array_add(mounts, mount_entry("/sys", "sysfs", "sysfs", sys));
    json_object_array_add(mounts, mount_entry("/sys/fs/cgroup", "cgroup", "cgroup", cgroup));
    return mounts;
}

static struct json_object *single_mapping(unsigned host_id)
{
    struct json_object *m = json_object_new_object();
    json_object_object_add(m, "containerID", json_object_new_int(0));
    json_object_object_add(m, "hostID", json_object_new_int64(host_id));
    json_object_object_add(m, "size", json_object_new_int(1));
    struct json_object *a = json_object_new_array();
    json_object_array_add(a, m);
    return a;
}

static struct json_object *default_linux(bool rootless)
{
    static const char *const masked[] = {"/proc/acpi",
                                         "/proc/asound",
                                         "/proc/kcore",
                                         "/proc/keys",
                                         "/proc/latency_stats",
                                         "/proc/timer_list",
                                         "/proc/timer_stats",
                                         "/proc/sched_debug",
                                         "/sys/firmware",
                                         "/proc/scsi",
                                         NULL};
    static const char *const readonly[] = {"/proc/bus",           "/proc/fs", "/proc/irq", "/proc/sys",
                                           "/proc/sysrq-trigger", NULL};
    struct json_object *l = json_object_new_object();
    if (rootless) {
        /* Map root in the container to the user who will run it. */
        json_object_object_add(l, "uidMappings", single_mapping((unsigned)geteuid()));
        json_object_object_add(l, "gidMappings", single_mapping((unsigned)getegid()));
    } else {
        /* Deny all devices by default; the runtime adds the standard ones (null, zero, ...). */
        struct json_object *deny = json_object_new_object();
        json_object_object_add(deny, "allow", json_object_new_boolean(false));
        add_string(deny, "access", "rwm");
        struct json_object *devices = json_object_new_array();
        json_object_array_add(devices, deny);
        struct json_object *resources = json_object_new_object();
        json_object_object_add(resources, "devices", devices);
        json_object_object_add(l, "resources", resources);
    }
    /* Rootless containers cannot create a network namespace with any
     * connectivity, so runc leaves it out; the user namespace comes in. */
    const char *const ns_root[] = {"pid", "network", "ipc", "uts", "mount", NULL};
    const char *const ns_rootless[] = {"pid", "ipc", "uts", "mount", NULL};
    struct json_object *namespaces = json_object_new_array();
    for (const char *const *ns = rootless ? ns_rootless : ns_root; *ns != NULL; ns++) {
        struct json_object *entry = json_object_new_object();
        add_string(entry, "type", *ns);
        json_object_array_add(namespaces, entry);
    }
    /* runc's template (libcontainer/specconv.Example) has a cgroup namespace
     * only on a pure cgroup v2 host, after the others and before "user".
     * Clients that add their own (`runc spec` | jq '... += [{"type":"cgroup"}]')
     * rely on that: a second entry of one type is refused as "given twice". */
    if (cgroup_detect_layout() == CGROUP_LAYOUT_V2) {
        struct json_object *entry = json_object_new_object();
        add_string(entry, "type", "cgroup");
        json_object_array_add(namespaces, entry);
    }
    if (rootless) {
        struct json_object *entry = json_object_new_object();
        add_string(entry, "type", "user");
        json_object_array_add(namespaces, entry);
    }
    json_object_object_add(l, "namespaces", namespaces);
    json_object_object_add(l, "maskedPaths", string_array(masked));
    json_object_object_add(l, "readonlyPaths", string_array(readonly));
    return l;
}

char *spec_default_json(bool rootless)
{
    struct json_object *spec = json_object_new_object();
    add_string(spec, "ociVersion", SPEC_DEFAULT_OCI_VERSION);
    json_object_object_add(spec, "process", default_process());
    struct json_object *root = json_object_new_object();
    add_string(root, "path", "rootfs");
    json_object_object_add(root, "readonly", json_object_new_boolean(true));
    json_object_object_add(spec, "root", root);
    add_string(spec, "hostname", "hull");
    json_object_object_add(spec, "mounts", default_mounts(rootless));
    json_object_object_add(spec, "linux", default_linux(rootless));
    /* Tab-indented, "key": value, like runc's output. */
    char *text =
        xstrdup(json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_PRETTY_TAB |
                                                         JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(spec);
    return text;
}

int spec_default(bool rootless, struct hull_spec **out, struct hull_error **err)
{
    cleanup_free char *text = spec_default_json(rootless);
    if (spec_parse(text, out, err) < 0)
        return hull_error_wrap(err, "the default config");
    free((*out)->raw_json);
    (*out)->raw_json = NULL;
    return 0;
}
