/* hull: the names of linux.seccomp (actions, operators, architectures, flags)
 * and their libseccomp / kernel values.  The spec says the strings "match the
 * definitions in seccomp.h from libseccomp"; every list here is the spec's. */
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>

#include "../util/utils.h"
#include "security_internal.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

struct name_u32 {
    const char *name;
    uint32_t value;
};

/* SCMP_ACT_ERRNO and SCMP_ACT_TRACE take their errno separately. */
static const struct name_u32 plain_actions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
};

bool seccomp_action_known(const char *name)
{
    if (!name)
        return false;
    if (strcmp(name, "SCMP_ACT_ERRNO") == 0 || strcmp(name, "SCMP_ACT_TRACE") == 0)
        return true;
    for (size_t i = 0; i < ARRAY_SIZE(plain_actions); i++)
        if (strcmp(plain_actions[i].name, name) == 0)
            return true;
    return false;
}

bool seccomp_action_parse(const char *name, bool has_errno, unsigned errno_ret, uint32_t *action)
{
    if (!name)
        return false;
    /* "The default is EPERM" for both, as runc does for SCMP_ACT_TRACE too. */
    unsigned e = has_errno ? errno_ret : EPERM;
    if (strcmp(name, "SCMP_ACT_ERRNO") == 0) {
        *action = SCMP_ACT_ERRNO(e);
        return true;
    }
    if (strcmp(name, "SCMP_ACT_TRACE") == 0) {
        *action = SCMP_ACT_TRACE(e);
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(plain_actions); i++)
        if (strcmp(plain_actions[i].name, name) == 0) {
            *action = plain_actions[i].value;
            return true;
        }
    return false;
}

static const struct name_u32 ops[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

bool seccomp_op_parse(const char *name, int *op)
{
    for (size_t i = 0; name && i < ARRAY_SIZE(ops); i++)
        if (strcmp(ops[i].name, name) == 0) {
            *op = (int)ops[i].value;
            return true;
        }
    return false;
}

static const struct name_u32 arches[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
#ifdef SCMP_ARCH_LOONGARCH64
    {"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
#endif
#ifdef SCMP_ARCH_M68K
    {"SCMP_ARCH_M68K", SCMP_ARCH_M68K},
#endif
#ifdef SCMP_ARCH_SH
    {"SCMP_ARCH_SH", SCMP_ARCH_SH},
    {"SCMP_ARCH_SHEB", SCMP_ARCH_SHEB},
#endif
};

bool seccomp_arch_parse(const char *name, uint32_t *arch)
{
    for (size_t i = 0; name && i < ARRAY_SIZE(arches); i++)
        if (strcmp(arches[i].name, name) == 0) {
            *arch = arches[i].value;
            return true;
        }
    return false;
}

static const struct name_u32 flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

bool seccomp_flag_parse(const char *name, unsigned *flag)
{
    for (size_t i = 0; name && i < ARRAY_SIZE(flags); i++)
        if (strcmp(flags[i].name, name) == 0) {
            *flag = flags[i].value;
            return true;
        }
    return false;
}
