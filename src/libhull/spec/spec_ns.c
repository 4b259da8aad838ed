/* hull: namespace names as the spec, clone(2) and /proc/PID/ns spell them. */
#include <sched.h>

#include "spec.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
    const char *spec_name; /* config.json linux.namespaces[].type */
    const char *proc_name; /* /proc/PID/ns/<name> */
    int clone_flag;
} ns_table[HULL_NS__COUNT] = {
    [HULL_NS_PID] = {"pid", "pid", CLONE_NEWPID},
    [HULL_NS_NET] = {"network", "net", CLONE_NEWNET},
    [HULL_NS_MNT] = {"mount", "mnt", CLONE_NEWNS},
    [HULL_NS_IPC] = {"ipc", "ipc", CLONE_NEWIPC},
    [HULL_NS_UTS] = {"uts", "uts", CLONE_NEWUTS},
    [HULL_NS_USER] = {"user", "user", CLONE_NEWUSER},
    [HULL_NS_CGROUP] = {"cgroup", "cgroup", CLONE_NEWCGROUP},
    [HULL_NS_TIME] = {"time", "time", CLONE_NEWTIME},
};

const char *spec_ns_name(enum hull_ns_type t)
{
    return (unsigned)t < HULL_NS__COUNT ? ns_table[t].spec_name : "unknown";
}

int spec_ns_clone_flag(enum hull_ns_type t)
{
    return (unsigned)t < HULL_NS__COUNT ? ns_table[t].clone_flag : 0;
}

const char *spec_ns_proc_name(enum hull_ns_type t)
{
    return (unsigned)t < HULL_NS__COUNT ? ns_table[t].proc_name : "unknown";
}
