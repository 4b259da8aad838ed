/* hull: what `hull-runtime features` prints (runtime-spec features.md):
 * the OCI versions, hooks, mount options, namespaces, capabilities, cgroup
 * and seccomp support of this build, and the host's LSMs and cgroup layout. */
#include <json-c/json.h>
#include <linux/capability.h>
#include <sys/capability.h>
#include <unistd.h>

#include "hull/hull.h"

#include "../cgroup/cgroup.h"
#include "../spec/spec.h"
#include "../util/utils.h"

static struct json_object *str_array(const char *const *v)
{
    struct json_object *a = json_object_new_array();
    for (; *v; v++)
        json_object_array_add(a, json_object_new_string(*v));
    return a;
}

/* {"enabled": on}: the shape of every on/off feature of features.md. */
static struct json_object *enabled_object(bool on)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "enabled", json_object_new_boolean(on));
    return o;
}

/* Every capability this libcap knows, upper case as config.json spells them
 * (cap_to_name gives "cap_chown"). */
static struct json_object *capabilities_array(void)
{
    struct json_object *caps = json_object_new_array();
    for (int i = 0; i <= CAP_LAST_CAP; i++) {
        char *name = cap_to_name(i);
        if (!name)
            continue;
        cleanup_free char *upper = xasprintf("%s", name);
        for (char *p = upper; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p -= 32;
        cap_free(name);
        json_object_array_add(caps, json_object_new_string(upper));
    }
    return caps;
}

/* linux.cgroup: both drivers and the rdma controller; no systemd driver. */
static struct json_object *cgroup_object(void)
{
    struct json_object *cg = json_object_new_object();
    json_object_object_add(cg, "v1", json_object_new_boolean(1));
    json_object_object_add(cg, "v2", json_object_new_boolean(1));
    json_object_object_add(cg, "systemd", json_object_new_boolean(0));
    json_object_object_add(cg, "systemdUser", json_object_new_boolean(0));
    json_object_object_add(cg, "rdma", json_object_new_boolean(1));
    return cg;
}

/* linux.seccomp: the actions, operators, architectures and filter flags hull
 * declares for profiles in config.json. */
static struct json_object *seccomp_object(void)
{
    struct json_object *sc = enabled_object(true);
    static const char *actions[] = {"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO",        "SCMP_ACT_KILL",
                                    "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
                                    "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",        "SCMP_ACT_TRAP", NULL};
    json_object_object_add(sc, "actions", str_array(actions));
    static const char *ops[] = {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
                                "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL};
    json_object_object_add(sc, "operators", str_array(ops));
    static const char *archs[] = {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",     "SCMP_ARCH_MIPS",    "SCMP_ARCH_MIPS64",
                                  "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
                                  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",  "SCMP_ARCH_PPC64LE",
                                  "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390",   "SCMP_ARCH_S390X",   "SCMP_ARCH_X32",
                                  "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64", NULL};
    json_object_object_add(sc, "archs", str_array(archs));
    static const char *flags[] = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL};
    json_object_object_add(sc, "knownFlags", str_array(flags));
    json_object_object_add(sc, "supportedFlags", str_array(flags));
    return sc;
}

/* linux.memoryPolicy: the set_mempolicy(2) modes and flags. */
static struct json_object *memory_policy_object(void)
{
    struct json_object *mp = json_object_new_object();
    static const char *mpol_modes[] = {"MPOL_DEFAULT",        "MPOL_BIND",  "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
                                       "MPOL_PREFERRED",      "MPOL_PREFERRED_MANY", "MPOL_LOCAL", NULL};
    static const char *mpol_flags[] = {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES", NULL};
    json_object_object_add(mp, "modes", str_array(mpol_modes));
    json_object_object_add(mp, "flags", str_array(mpol_flags));
    return mp;
}

/* The "linux" member; the LSMs are the host's (enabled when the kernel exposes them). */
static struct json_object *linux_object(void)
{
    struct json_object *lx = json_object_new_object();
    static const char *namespaces[] = {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL};
    json_object_object_add(lx, "namespaces", str_array(namespaces));
    json_object_object_add(lx, "capabilities", capabilities_array());
    json_object_object_add(lx, "cgroup", cgroup_object());
    json_object_object_add(lx, "seccomp", seccomp_object());
    json_object_object_add(lx, "apparmor", enabled_object(access("/sys/kernel/security/apparmor", F_OK) == 0));
    json_object_object_add(lx, "selinux", enabled_object(access("/sys/fs/selinux/enforce", F_OK) == 0));
    json_object_object_add(lx, "intelRdt", enabled_object(false));
    json_object_object_add(lx, "memoryPolicy", memory_policy_object());
    json_object_object_add(lx, "netDevices", enabled_object(true));
    struct json_object *me = json_object_new_object();
    json_object_object_add(me, "idmap", enabled_object(true));
    json_object_object_add(lx, "mountExtensions", me);
    return lx;
}

char *hull_features_json(void)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "ociVersionMin", json_object_new_string("1.0.0"));
    json_object_object_add(o, "ociVersionMax", json_object_new_string("1.3.0"));
    static const char *hooks[] = {"prestart",  "createRuntime", "createContainer", "startContainer",
                                  "poststart", "poststop",      NULL};
    json_object_object_add(o, "hooks", str_array(hooks));
    cleanup_strv char **mount_options = spec_mount_option_names();
    json_object_object_add(o, "mountOptions", str_array((const char *const *)mount_options));
    json_object_object_add(o, "linux", linux_object());
    /* hull reads no annotation of config.json: none can change what it does. */
    static const char *unsafe_annotations[] = {NULL};
    json_object_object_add(o, "potentiallyUnsafeConfigAnnotations", str_array(unsafe_annotations));
    struct json_object *ann = json_object_new_object();
    json_object_object_add(ann, "org.hull.version", json_object_new_string(HULL_VERSION));
    json_object_object_add(ann, "org.hull.cgroup.layout", json_object_new_string(cgroup_layout_name(cgroup_detect_layout())));
    json_object_object_add(o, "annotations", ann);
    char *text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return text;
}
