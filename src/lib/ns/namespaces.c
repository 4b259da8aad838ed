#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../mount/procfs.h"
#include "../util/utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

void ns_close_fds(int fds[HULL_NS__COUNT])
{
    for (int i = 0; i < HULL_NS__COUNT; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
        fds[i] = -1;
    }
}

int ns_open_paths(const struct hull_spec *spec, int fds[HULL_NS__COUNT], struct hull_error **err)
{
    for (int i = 0; i < HULL_NS__COUNT; i++)
        fds[i] = -1;
    for (int i = 0; i < HULL_NS__COUNT; i++) {
        const struct hull_namespace *ns = &spec->linux_.namespaces[i];
        if (!ns->present || !ns->path)
            continue;
        int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            int saved = errno;
            ns_close_fds(fds);
            return hull_error_set(err, saved, "linux.namespaces: %s namespace path %s", spec_ns_name(i), ns->path);
        }
        fds[i] = fd;
        int type = ioctl(fd, NS_GET_NSTYPE);
        if (type < 0 || type != spec_ns_clone_flag(i)) {
            ns_close_fds(fds);
            return hull_error_set(err, 0, "linux.namespaces: %s is not a %s namespace", ns->path, spec_ns_name(i));
        }
    }
    return 0;
}

int ns_new_flags(const struct hull_spec *spec)
{
    int flags = 0;
    for (int i = 0; i < HULL_NS__COUNT; i++) {
        const struct hull_namespace *ns = &spec->linux_.namespaces[i];
        if (ns->present && !ns->path)
            flags |= spec_ns_clone_flag(i);
    }
    return flags;
}

static int write_map(pid_t pid, const char *file, const struct hull_id_mapping *maps, size_t n,
                     struct hull_error **err)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
    cleanup_free char *text = xstrdup("");
    for (size_t i = 0; i < n; i++) {
        char *next = xasprintf("%s%u %u %u\n", text, maps[i].container_id, maps[i].host_id, maps[i].size);
        free(text);
        text = next;
    }
    /* The kernel takes the whole map in one write(2). */
    if (write_file(path, text, strlen(text), err) < 0)
        return hull_error_wrap(err, "write %s mapping", file);
    return 0;
}

int ns_write_id_maps(pid_t pid, const struct hull_spec *spec, struct hull_error **err)
{
    const struct hull_linux *lx = &spec->linux_;
    if (lx->n_uid_mappings && write_map(pid, "uid_map", lx->uid_mappings, lx->n_uid_mappings, err) < 0)
        return hull_error_wrap(err, "linux.uidMappings");
    if (lx->n_gid_mappings && write_map(pid, "gid_map", lx->gid_mappings, lx->n_gid_mappings, err) < 0)
        return hull_error_wrap(err, "linux.gidMappings");
    return 0;
}

int ns_write_time_offsets(const struct hull_spec *spec, struct hull_error **err)
{
    const struct hull_linux *lx = &spec->linux_;
    cleanup_free char *text = xasprintf("monotonic %lld %u\nboottime %lld %u\n", (long long)lx->monotonic_secs,
                                        lx->monotonic_nanosecs, (long long)lx->boottime_secs, lx->boottime_nanosecs);
    if (write_file("/proc/self/timens_offsets", text, strlen(text), err) < 0)
        return hull_error_wrap(err, "linux.timeOffsets");
    return 0;
}

/* runc's list (and the kernel's): these sysctls live in a namespace. */
static int sysctl_namespace(const char *key)
{
    static const char *ipc_keys[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                     "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};
    for (size_t i = 0; i < ARRAY_SIZE(ipc_keys); i++)
        if (!strcmp(key, ipc_keys[i]))
            return HULL_NS_IPC;
    if (!strncmp(key, "fs.mqueue.", 10))
        return HULL_NS_IPC;
    if (!strncmp(key, "net.", 4))
        return HULL_NS_NET;
    if (!strcmp(key, "kernel.hostname") || !strcmp(key, "kernel.domainname"))
        return HULL_NS_UTS;
    return -1;
}

int ns_validate_sysctl(const struct hull_spec *spec, struct hull_error **err)
{
    const struct hull_linux *lx = &spec->linux_;
    for (size_t i = 0; i < lx->n_sysctl; i++) {
        const char *key = lx->sysctl[i].key;
        if (strstr(key, "..") || strchr(key, '\0') == key)
            return hull_error_set(err, 0, "linux.sysctl: invalid key \"%s\"", key);
        int ns = sysctl_namespace(key);
        if (ns < 0)
            return hull_error_set(err, 0,
                                  "linux.sysctl: \"%s\" is not namespaced; refusing to change the host's value", key);
        if (!lx->namespaces[ns].present)
            return hull_error_set(err, 0, "linux.sysctl: \"%s\" needs a %s namespace and the container has none",
                                  key, spec_ns_name(ns));
    }
    return 0;
}

/* Runs after pivot_root, in the container's mount namespace: each file is
 * opened beneath proc, a procfs handle of our own (procfs_handle_open), never
 * by its path in the container's /proc, where a mount over /proc/sys/... could
 * redirect the write into another file (CVE-2025-52881).  The values are per-namespace because the
 * kernel picks the sysctl table of the *opener's* namespaces, whatever procfs
 * instance the file is opened through. */
int ns_apply_sysctl(const struct hull_spec *spec, int proc, struct hull_error **err)
{
    const struct hull_linux *lx = &spec->linux_;
    for (size_t i = 0; i < lx->n_sysctl; i++) {
        cleanup_free char *rel = xasprintf("sys/%s", lx->sysctl[i].key);
        for (char *p = rel + 4; *p; p++)
            if (*p == '.')
                *p = '/';
        const char *v = lx->sysctl[i].value;
        cleanup_close int fd = procfs_open_file(proc, rel, O_WRONLY, err);
        if (fd < 0)
            return hull_error_wrap(err, "linux.sysctl \"%s\"", lx->sysctl[i].key);
        if (write_all(fd, v, strlen(v)) < 0)
            return hull_error_set(err, errno, "linux.sysctl \"%s\": write \"%s\" to /proc/%s", lx->sysctl[i].key, v,
                                  rel);
    }
    return 0;
}
