/* hull: the config.json that `spec` writes.  It follows `runc spec` (runc's
 * libcontainer/specconv/example.go) field for field, so tools and tutorials
 * written for runc work unchanged; only the hostname says "hull", and the
 * cgroup namespace is on as in runc >= 1.2.  `--rootless` applies the same
 * changes as runc's ToRootless(). */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
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

/* The tables both forms of the default share: spec_default_json (the text
 * `spec` writes, in runc's layout) and spec_default (the struct the engine
 * starts from), so the two cannot drift apart
 * (tests/unit/spec/test_spec_json.c compares them). */
static const char *const env[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm",
                                  NULL};
static const char *const args[] = {"sh", NULL};
/* runc's default: the minimum a shell needs, nothing that touches the host. */
static const char *const caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};

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

static const struct default_mount {
    const char *destination, *type, *source;
    const char *const *options, *const *options_rootless;
    const char *type_rootless, *source_rootless;
} default_mount_table[] = {
    {"/proc", "proc", "proc", NULL, NULL, NULL, NULL},
    {"/dev", "tmpfs", "tmpfs", dev, dev, NULL, NULL},
    {"/dev/pts", "devpts", "devpts", pts, pts_rootless, NULL, NULL},
    {"/dev/shm", "tmpfs", "shm", shm, shm, NULL, NULL},
    {"/dev/mqueue", "mqueue", "mqueue", mqueue, mqueue, NULL, NULL},
    {"/sys", "sysfs", "sysfs", sys, sys_rootless, "none", "/sys"},
    {"/sys/fs/cgroup", "cgroup", "cgroup", cgroup, cgroup, NULL, NULL},
};

static const char *const masked[] = {"/proc/acpi",        "/proc/asound",     "/proc/kcore",       "/proc/keys",
                                     "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                                     "/sys/firmware",     "/proc/scsi",       NULL};
static const char *const readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL};

/* Rootless containers cannot create a network namespace with any
 * connectivity, so runc leaves it out; the user namespace comes in. */
static const char *const ns_root[] = {"pid", "network", "ipc", "uts", "mount", NULL};
static const char *const ns_rootless[] = {"pid", "ipc", "uts", "mount", NULL};

static struct json_object *default_process(void)
{
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
    struct json_object *mounts = json_object_new_array();
    for (size_t i = 0; i < ARRAY_SIZE(default_mount_table); i++) {
        const struct default_mount *m = &default_mount_table[i];
        const char *type = rootless && m->type_rootless ? m->type_rootless : m->type;
        const char *source = rootless && m->source_rootless ? m->source_rootless : m->source;
        json_object_array_add(mounts, mount_entry(m->destination, type, source,
                                                  rootless ? m->options_rootless : m->options));
    }
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

/* ---- the same default as a struct ---- */

static char **strv_of(const char *const *items)
{
    return items != NULL ? strv_copy((char *const *)items) : NULL;
}

static struct hull_process *default_process_struct(void)
{
    struct hull_process *p = xmalloc0(sizeof *p);
    p->terminal = true;
    p->args = strv_of(args);
    p->env = strv_of(env);
    p->cwd = xstrdup("/");
    p->capabilities = xmalloc0(sizeof *p->capabilities);
    p->capabilities->bounding = strv_of(caps);
    p->capabilities->effective = strv_of(caps);
    p->capabilities->permitted = strv_of(caps);
    p->capabilities->ambient = strv_of(caps);
    p->rlimits = xmalloc0(sizeof *p->rlimits);
    p->rlimits[0] = (struct hull_rlimit){.resource = RLIMIT_NOFILE, .type = xstrdup("RLIMIT_NOFILE"), .soft = 1024,
                                         .hard = 1024};
    p->n_rlimits = 1;
    p->no_new_privileges = true;
    return p;
}

static int default_mounts_struct(bool rootless, struct hull_spec *s, struct hull_error **err)
{
    s->mounts = xmalloc0(ARRAY_SIZE(default_mount_table) * sizeof *s->mounts);
    for (size_t i = 0; i < ARRAY_SIZE(default_mount_table); i++) {
        const struct default_mount *d = &default_mount_table[i];
        struct hull_mount *m = &s->mounts[s->n_mounts++];
        m->destination = xstrdup(d->destination);
        m->type = xstrdup(rootless && d->type_rootless ? d->type_rootless : d->type);
        m->source = xstrdup(rootless && d->source_rootless ? d->source_rootless : d->source);
        m->options = strv_of(rootless ? d->options_rootless : d->options);
        char field[32];
        snprintf(field, sizeof field, "mounts[%zu]", i);
        if (spec_mount_derive(m, field, err) < 0)
            return -1;
    }
    return 0;
}

static struct hull_id_mapping *single_mapping_struct(uint32_t host_id)
{
    struct hull_id_mapping *m = xmalloc0(sizeof *m);
    *m = (struct hull_id_mapping){.container_id = 0, .host_id = host_id, .size = 1};
    return m;
}

static void default_linux_struct(bool rootless, struct hull_linux *l)
{
    if (rootless) {
        l->uid_mappings = single_mapping_struct((uint32_t)geteuid());
        l->gid_mappings = single_mapping_struct((uint32_t)getegid());
        l->n_uid_mappings = l->n_gid_mappings = 1;
    } else {
        l->has_resources = true;
        l->resources.devices = xmalloc0(sizeof *l->resources.devices);
        l->resources.devices[0] =
            (struct hull_device_rule){.allow = false, .type = 'a', .major = -1, .minor = -1, .access = xstrdup("rwm")};
        l->resources.n_devices = 1;
    }
    for (const char *const *ns = rootless ? ns_rootless : ns_root; *ns != NULL; ns++)
        for (int t = 0; t < HULL_NS__COUNT; t++)
            if (!strcmp(spec_ns_name(t), *ns))
                l->namespaces[t].present = true;
    if (cgroup_detect_layout() == CGROUP_LAYOUT_V2)
        l->namespaces[HULL_NS_CGROUP].present = true;
    if (rootless)
        l->namespaces[HULL_NS_USER].present = true;
    l->masked_paths = strv_of(masked);
    l->readonly_paths = strv_of(readonly);
}

/* Built directly, not by parsing spec_default_json: it is the start of every
 * `hull run`, and the parse cost more than the rest of building the config. */
int spec_default(bool rootless, struct hull_spec **out, struct hull_error **err)
{
    cleanup_spec struct hull_spec *s = xmalloc0(sizeof *s);
    s->oci_version = xstrdup(SPEC_DEFAULT_OCI_VERSION);
    s->root_path = xstrdup("rootfs");
    s->root_readonly = true;
    s->process = default_process_struct();
    s->hostname = xstrdup("hull");
    if (default_mounts_struct(rootless, s, err) < 0)
        return hull_error_wrap(err, "the default config");
    default_linux_struct(rootless, &s->linux_);
    *out = steal_pointer(&s);
    return 0;
}
