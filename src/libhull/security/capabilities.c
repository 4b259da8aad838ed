/* hull: process.capabilities, applied with libcap.
 *
 * The five sets are turned into bit masks once, then applied in two steps
 * around the core's setuid (see security.h for the order):
 *   caps_drop_bounding  while still uid 0 with every capability (PR_CAPBSET_DROP
 *                       needs CAP_SETPCAP in the effective set);
 *   caps_apply          after setuid with PR_SET_KEEPCAPS, which kept the
 *                       permitted set: capset() the permitted/effective/
 *                       inheritable sets, then raise the ambient ones.
 *
 * Capabilities the host cannot give (its bounding set lacks them, e.g.
 * CAP_SYS_RESOURCE on some hosts, or the kernel is older than the name) are
 * warned about once in security_validate (in the parent, where the log goes),
 * named in the container's state (annotation org.hull.capabilities.ungranted,
 * see caps_ungranted) and left out here.  The spec says runtimes "SHOULD NOT
 * fail if the container configuration requests capabilities that cannot be
 * granted" and MUST log a warning.  runc (1.1 to 1.5) and crun do fail here:
 * capset() of a permitted set beyond the bounding set gives EPERM ("unable to
 * apply caps" / "capset: Operation not permitted"); runc only skips unknown
 * names.  hull follows the spec and makes the gap visible instead (docs/security.md).
 * Unknown *names* are errors (security_validate), because a typo would
 * otherwise silently run the container with fewer powers. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "../util/log.h"
#include "../util/utils.h"
#include "security.h"
#include "security_internal.h"

int caps_parse_name(const char *name, int *value)
{
    /* The spec spells names like capabilities(7): "CAP_CHOWN".  libcap's own
     * parser also takes "chown", "cap_chown" and plain numbers; we do not. */
    if (!name || strncmp(name, "CAP_", 4) != 0 || name[4] == '\0')
        return -1;
    for (const char *p = name + 4; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || *p == '_' || (*p >= '0' && *p <= '9')))
            return -1;
    if (name[4] >= '0' && name[4] <= '9')
        return -1;
    cap_value_t v;
    if (cap_from_name(name, &v) < 0 || v < 0 || v >= 64)
        return -1;
    *value = v;
    return 0;
}

char *caps_name(int cap)
{
    /* libcap's strings must go back through cap_free(); hand out a plain copy. */
    char *libcap_name = cap_to_name(cap);
    if (!libcap_name)
        return xasprintf("capability %d", cap);
    char *name = xstrdup(libcap_name);
    cap_free(libcap_name);
    /* cap_to_name spells known ones "cap_chown": print them as configs do. */
    for (char *p = name; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    return name;
}

bool caps_host_can_grant(int cap)
{
    /* cap_get_bound reads PR_CAPBSET_READ: < 0 when the kernel does not know
     * the capability, 0 when our own bounding set lacks it. */
    return cap_get_bound(cap) > 0;
}

static const char *const set_names[CAPS_SET__COUNT] = {"bounding", "effective", "inheritable", "permitted", "ambient"};

const char *caps_set_name(enum caps_set set)
{
    return set_names[set];
}

char **caps_set_list(const struct hull_capabilities *caps, enum caps_set set)
{
    if (!caps)
        return NULL;
    switch (set) {
    case CAPS_BOUNDING:
        return caps->bounding;
    case CAPS_EFFECTIVE:
        return caps->effective;
    case CAPS_INHERITABLE:
        return caps->inheritable;
    case CAPS_PERMITTED:
        return caps->permitted;
    case CAPS_AMBIENT:
        return caps->ambient;
    default:
        return NULL;
    }
}

int caps_set_mask(const struct hull_capabilities *caps, enum caps_set set, uint64_t *mask, struct hull_error **err)
{
    *mask = 0;
    char **names = caps_set_list(caps, set);
    for (size_t i = 0; names && names[i]; i++) {
        int v;
        if (caps_parse_name(names[i], &v) < 0)
            return hull_error_set(err, EINVAL, "unknown capability \"%s\" in process.capabilities.%s", names[i],
                                  set_names[set]);
        *mask |= UINT64_C(1) << v;
    }
    return 0;
}

int caps_validate(const struct hull_capabilities *caps, struct hull_error **err)
{
    uint64_t warned = 0;
    for (int set = 0; set < CAPS_SET__COUNT; set++) {
        uint64_t mask;
        if (caps_set_mask(caps, set, &mask, err) < 0)
            return -1;
        for (int c = 0; c < 64; c++) {
            uint64_t bit = UINT64_C(1) << c;
            if (!(mask & bit) || (warned & bit) || caps_host_can_grant(c))
                continue;
            warned |= bit;
            cleanup_free char *name = caps_name(c);
            log_warn("capability %s (process.capabilities.%s) cannot be granted: the host's bounding set lacks it; "
                     "ignoring it",
                     name, set_names[set]);
        }
    }
    return 0;
}

char *caps_ungranted(const struct hull_capabilities *caps)
{
    uint64_t all = 0;
    for (int set = 0; set < CAPS_SET__COUNT; set++) {
        uint64_t mask;
        if (caps_set_mask(caps, set, &mask, NULL) == 0)
            all |= mask;
    }
    char *out = NULL;
    for (int c = 0; c < 64; c++) {
        if (!(all & (UINT64_C(1) << c)) || caps_host_can_grant(c))
            continue;
        cleanup_free char *name = caps_name(c);
        char *next = out ? xasprintf("%s,%s", out, name) : xstrdup(name);
        free(out);
        out = next;
    }
    return out;
}

int caps_drop_bounding(const struct hull_capabilities *caps, struct hull_error **err)
{
    uint64_t keep;
    if (caps_set_mask(caps, CAPS_BOUNDING, &keep, err) < 0)
        return -1;
    cap_value_t last = cap_max_bits();
    for (cap_value_t c = 0; c < last && c < 64; c++) {
        if (keep & (UINT64_C(1) << c))
            continue;
        if (cap_get_bound(c) <= 0)
            continue; /* already gone, or unknown to this kernel */
        if (cap_drop_bound(c) < 0) {
            cleanup_free char *name = caps_name(c);
            return hull_error_set(err, errno, "drop %s from the bounding set", name);
        }
    }
    return 0;
}

static uint64_t cap_flag_mask(cap_t c, cap_flag_t flag)
{
    uint64_t m = 0;
    cap_value_t last = cap_max_bits();
    for (cap_value_t v = 0; v < last && v < 64; v++) {
        cap_flag_value_t on = CAP_CLEAR;
        if (cap_get_flag(c, v, flag, &on) == 0 && on == CAP_SET)
            m |= UINT64_C(1) << v;
    }
    return m;
}

static int cap_set_mask(cap_t c, cap_flag_t flag, uint64_t mask)
{
    for (int v = 0; v < 64; v++) {
        cap_value_t val = v;
        if ((mask & (UINT64_C(1) << v)) && cap_set_flag(c, flag, 1, &val, CAP_SET) < 0)
            return -1;
    }
    return 0;
}

static void cap_freep(cap_t *c)
{
    if (*c)
        cap_free(*c);
}

static uint64_t bounding_mask(void)
{
    uint64_t m = 0;
    cap_value_t last = cap_max_bits();
    for (cap_value_t v = 0; v < last && v < 64; v++)
        if (cap_get_bound(v) > 0)
            m |= UINT64_C(1) << v;
    return m;
}

int caps_apply(const struct hull_capabilities *caps, struct hull_error **err)
{
    uint64_t want[CAPS_SET__COUNT];
    for (int set = 0; set < CAPS_SET__COUNT; set++)
        if (caps_set_mask(caps, set, &want[set], err) < 0)
            return -1;

    __attribute__((cleanup(cap_freep))) cap_t cur = cap_get_proc();
    if (!cur)
        return hull_error_set(err, errno, "read the process capabilities");
    uint64_t have_p = cap_flag_mask(cur, CAP_PERMITTED);
    uint64_t have_i = cap_flag_mask(cur, CAP_INHERITABLE);

    /* capset(2) can only lower the permitted set, and the new inheritable set
     * must stay within (old inheritable | old permitted) and within
     * (old inheritable | bounding set): whatever falls outside cannot be
     * granted, which security_validate already warned about. */
    uint64_t p = want[CAPS_PERMITTED] & have_p;
    uint64_t e = want[CAPS_EFFECTIVE] & p;
    uint64_t i = want[CAPS_INHERITABLE] & (have_i | have_p) & (have_i | bounding_mask());

    __attribute__((cleanup(cap_freep))) cap_t next = cap_init();
    if (!next)
        return hull_error_set(err, errno, "cap_init");
    if (cap_set_mask(next, CAP_PERMITTED, p) < 0 || cap_set_mask(next, CAP_EFFECTIVE, e) < 0 ||
        cap_set_mask(next, CAP_INHERITABLE, i) < 0)
        return hull_error_set(err, errno, "build the capability sets");
    if (cap_set_proc(next) < 0)
        return hull_error_set(err, errno, "set the process capabilities (capset)");

    /* The ambient set: PR_CAP_AMBIENT_RAISE needs the capability in both the
     * permitted and the inheritable set.  Clear first, so nothing the runtime
     * inherited leaks into the container. */
    if (cap_reset_ambient() < 0 && errno != EINVAL)
        return hull_error_set(err, errno, "clear the ambient capability set");
    for (int v = 0; v < 64; v++) {
        uint64_t bit = UINT64_C(1) << v;
        if (!(want[CAPS_AMBIENT] & bit) || !(p & bit) || !(i & bit))
            continue;
        if (cap_set_ambient(v, CAP_SET) < 0) {
            cleanup_free char *name = caps_name(v);
            return hull_error_set(err, errno, "raise %s in the ambient set", name);
        }
    }
    return 0;
}
