/* hull: a seccomp profile in docker's format (or plain OCI) into struct
 * hull_seccomp, for the capabilities a container gets.
 *
 * docker's format adds to OCI's linux.seccomp: archMap (the native
 * architecture and its sub-architectures), "name" for one syscall, and
 * includes/excludes by caps, arch and minKernel on each rule.  The profile is
 * turned into an OCI object the way moby's setupSeccomp does, then read by
 * the runtime's own parser and checks (seccomp_profile_parse_object): the one
 * parse of the profile in a `hull run` (issue 12). */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "seccomp_docker.h"
#include "security/security.h"
#include "spec/spec.h"
#include "util/json_get.h"
#include "util/utils.h"

static bool strv_contains(char *const *v, const char *s)
{
    for (; v && *v; v++)
        if (!strcmp(*v, s))
            return true;
    return false;
}

/* Go's GOARCH and libseccomp's name of the machine hull was built for: the
 * "arches" of docker's includes/excludes and the keys of its archMap. */
#if defined(__x86_64__)
#define GO_ARCH "amd64"
#define SCMP_NATIVE "SCMP_ARCH_X86_64"
#elif defined(__aarch64__)
#define GO_ARCH "arm64"
#define SCMP_NATIVE "SCMP_ARCH_AARCH64"
#elif defined(__i386__)
#define GO_ARCH "386"
#define SCMP_NATIVE "SCMP_ARCH_X86"
#elif defined(__arm__)
#define GO_ARCH "arm"
#define SCMP_NATIVE "SCMP_ARCH_ARM"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define GO_ARCH "ppc64le"
#define SCMP_NATIVE "SCMP_ARCH_PPC64LE"
#elif defined(__s390x__)
#define GO_ARCH "s390x"
#define SCMP_NATIVE "SCMP_ARCH_S390X"
#elif defined(__riscv) && __riscv_xlen == 64
#define GO_ARCH "riscv64"
#define SCMP_NATIVE "SCMP_ARCH_RISCV64"
#else
#define GO_ARCH "unknown"
#define SCMP_NATIVE "SCMP_ARCH_NATIVE"
#endif

static bool array_has_string(struct json_object *a, const char *s)
{
    for (size_t i = 0; a && json_object_is_type(a, json_type_array) && i < json_object_array_length(a); i++)
        if (!strcmp(json_object_get_string(json_object_array_get_idx(a, i)), s))
            return true;
    return false;
}

/* "4.8" <= the running kernel. */
static bool kernel_at_least(const char *version)
{
    struct utsname u;
    unsigned want_major = 0, want_minor = 0, major = 0, minor = 0;
    if (sscanf(version, "%u.%u", &want_major, &want_minor) < 1 || uname(&u) < 0 ||
        sscanf(u.release, "%u.%u", &major, &minor) < 1)
        return false;
    return major > want_major || (major == want_major && minor >= want_minor);
}

/* docker's includes/excludes of one rule: true when the rule applies. */
static bool rule_applies(struct json_object *rule, char *const *caps)
{
    struct json_object *inc = json_member(rule, "includes"), *exc = json_member(rule, "excludes");
    struct json_object *v;
    if (exc) {
        if ((v = json_member(exc, "arches")) && array_has_string(v, GO_ARCH))
            return false;
        for (size_t i = 0; (v = json_member(exc, "caps")) && i < json_object_array_length(v); i++)
            if (strv_contains(caps, json_object_get_string(json_object_array_get_idx(v, i))))
                return false;
        if ((v = json_member(exc, "minKernel")) && kernel_at_least(json_object_get_string(v)))
            return false;
    }
    if (inc) {
        if ((v = json_member(inc, "arches")) && json_object_array_length(v) > 0 && !array_has_string(v, GO_ARCH))
            return false;
        for (size_t i = 0; (v = json_member(inc, "caps")) && i < json_object_array_length(v); i++)
            if (!strv_contains(caps, json_object_get_string(json_object_array_get_idx(v, i))))
                return false;
        if ((v = json_member(inc, "minKernel")) && !kernel_at_least(json_object_get_string(v)))
            return false;
    }
    return true;
}

static void copy_member(struct json_object *to, struct json_object *from, const char *key)
{
    struct json_object *v = json_member(from, key);
    if (v)
        json_object_object_add(to, key, json_object_get(v));
}

static int docker_to_oci(struct json_object *profile, char *const *caps, struct json_object **out,
                         struct hull_error **err)
{
    if (!json_object_is_type(profile, json_type_object))
        return hull_error_set(err, 0, "not a JSON object");
    if (!json_member(profile, "defaultAction"))
        return hull_error_set(err, 0, "defaultAction is missing");
    struct json_object *arches = json_member(profile, "architectures"), *arch_map = json_member(profile, "archMap");
    if (arches && json_object_array_length(arches) > 0 && arch_map && json_object_array_length(arch_map) > 0)
        return hull_error_set(err, 0, "both architectures and archMap are given: use one");
    struct json_object *oci = json_object_new_object();
    static const char *const copied[] = {"defaultAction", "defaultErrnoRet", "flags", "listenerPath",
                                         "listenerMetadata"};
    for (size_t i = 0; i < ARRAY_SIZE(copied); i++)
        copy_member(oci, profile, copied[i]);
    struct json_object *oci_arches = json_object_new_array();
    for (size_t i = 0; arches && i < json_object_array_length(arches); i++)
        json_object_array_add(oci_arches, json_object_get(json_object_array_get_idx(arches, i)));
    for (size_t i = 0; arch_map && i < json_object_array_length(arch_map); i++) {
        struct json_object *entry = json_object_array_get_idx(arch_map, i), *sub;
        const char *arch = json_object_get_string(json_member(entry, "architecture"));
        if (!arch || strcmp(arch, SCMP_NATIVE))
            continue;
        json_object_array_add(oci_arches, json_object_new_string(arch));
        for (size_t k = 0; (sub = json_member(entry, "subArchitectures")) && k < json_object_array_length(sub); k++)
            json_object_array_add(oci_arches, json_object_get(json_object_array_get_idx(sub, k)));
    }
    json_object_object_add(oci, "architectures", oci_arches);
    struct json_object *syscalls = json_object_new_array(), *rules = json_member(profile, "syscalls");
    json_object_object_add(oci, "syscalls", syscalls);
    for (size_t i = 0; rules && i < json_object_array_length(rules); i++) {
        struct json_object *rule = json_object_array_get_idx(rules, i);
        struct json_object *name = json_member(rule, "name"), *names = json_member(rule, "names");
        if (name && names && json_object_array_length(names) > 0) {
            json_object_put(oci);
            return hull_error_set(err, 0, "syscalls[%zu] has both name and names: use one", i);
        }
        if (!rule_applies(rule, caps))
            continue;
        struct json_object *r = json_object_new_object();
        if (name) {
            struct json_object *one = json_object_new_array();
            json_object_array_add(one, json_object_get(name));
            json_object_object_add(r, "names", one);
        } else {
            copy_member(r, rule, "names");
        }
        copy_member(r, rule, "action");
        copy_member(r, rule, "errnoRet");
        copy_member(r, rule, "args");
        json_object_array_add(syscalls, r);
    }
    *out = oci;
    return 0;
}

int engine_seccomp_docker_parse(const char *text, const char *what, char *const *caps, struct hull_seccomp **out,
                                struct hull_error **err)
{
    enum json_tokener_error jerr;
    struct json_object *profile = json_tokener_parse_verbose(text, &jerr);
    if (!profile)
        return hull_error_set(err, 0, "%s is not valid JSON: %s", what, json_tokener_error_desc(jerr));
    struct json_object *oci = NULL;
    int r = docker_to_oci(profile, caps, &oci, err);
    json_object_put(profile);
    if (r < 0)
        return hull_error_wrap(err, "%s", what);
    /* The runtime's own reader and checks, now, so a bad action or syscall
     * name fails before any container exists. */
    r = seccomp_profile_parse_object(oci, out, err);
    json_object_put(oci);
    return r < 0 ? hull_error_wrap(err, "%s", what) : 0;
}
