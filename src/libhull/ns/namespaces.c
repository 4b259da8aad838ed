#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
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

/* Runs newuidmap/newgidmap (shadow's setuid helpers, Debian package uidmap):
 * they write any mapping /etc/subuid or /etc/subgid grants this user.  Their
 * message, if they fail, becomes ours. */
static int run_id_map_helper(const char *helper, pid_t pid, const struct hull_id_mapping *maps, size_t n,
                             struct hull_error **err)
{
    char **argv = xmalloc0((3 * n + 3) * sizeof(char *));
    argv[0] = xstrdup(helper);
    argv[1] = xasprintf("%d", (int)pid);
    for (size_t i = 0; i < n; i++) {
        argv[2 + 3 * i] = xasprintf("%u", maps[i].container_id);
        argv[3 + 3 * i] = xasprintf("%u", maps[i].host_id);
        argv[4 + 3 * i] = xasprintf("%u", maps[i].size);
    }
    int out[2];
    int ret = -1;
    if (pipe2(out, O_CLOEXEC) < 0) {
        hull_error_set(err, errno, "pipe for %s", helper);
        goto done;
    }
    pid_t child = fork();
    if (child < 0) {
        hull_error_set(err, errno, "fork %s", helper);
        close(out[0]);
        close(out[1]);
        goto done;
    }
    if (child == 0) {
        dup2(out[1], 1);
        dup2(out[1], 2);
        execvp(helper, argv);
        dprintf(2, "%s", strerror(errno));
        _exit(127);
    }
    close(out[1]);
    char msg[512];
    size_t len = 0;
    ssize_t r;
    while (len < sizeof msg - 1 && (r = read(out[0], msg + len, sizeof msg - 1 - len)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        len += (size_t)r;
    }
    msg[len] = '\0';
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
        msg[--len] = '\0';
    close(out[0]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && strstr(msg, strerror(ENOENT)))
        hull_error_set(err, 0, "%s is needed to map more than your own id as a normal user (Debian package uidmap; "
                               "ranges in /etc/subuid and /etc/subgid)", helper);
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        hull_error_set(err, 0, "%s failed (are the ranges yours in /etc/sub%cid?): %s", helper,
                       strstr(helper, "gid") ? 'g' : 'u', len ? msg : "no message");
    else
        ret = 0;
done:
    strv_free(argv);
    return ret;
}

/* Only the id the caller runs as, once: what an unprivileged process may
 * write to the map itself (user_namespaces(7)). */
static bool just_own_id(const struct hull_id_mapping *maps, size_t n, unsigned own)
{
    return n == 1 && maps[0].size == 1 && maps[0].host_id == own;
}

int ns_write_id_maps(pid_t pid, const struct hull_spec *spec, struct hull_error **err)
{
    const struct hull_linux *lx = &spec->linux_;
    if (geteuid() == 0) {
        if (lx->n_uid_mappings && write_map(pid, "uid_map", lx->uid_mappings, lx->n_uid_mappings, err) < 0)
            return hull_error_wrap(err, "linux.uidMappings");
        if (lx->n_gid_mappings && write_map(pid, "gid_map", lx->gid_mappings, lx->n_gid_mappings, err) < 0)
            return hull_error_wrap(err, "linux.gidMappings");
        return 0;
    }
    /* Rootless.  The gid map first: with setgroups denied (below) newuidmap
     * has nothing to do with it, and crun orders them the same way. */
    if (lx->n_gid_mappings) {
        if (just_own_id(lx->gid_mappings, lx->n_gid_mappings, (unsigned)getegid())) {
            /* The kernel lets an unprivileged process map its own gid only once
             * setgroups(2) is denied in the namespace (CVE-2014-8989). */
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
            if (write_file(path, "deny", 4, err) < 0 ||
                write_map(pid, "gid_map", lx->gid_mappings, lx->n_gid_mappings, err) < 0)
                return hull_error_wrap(err, "linux.gidMappings");
        } else if (run_id_map_helper("newgidmap", pid, lx->gid_mappings, lx->n_gid_mappings, err) < 0) {
            return hull_error_wrap(err, "linux.gidMappings");
        }
    }
    if (lx->n_uid_mappings) {
        if (just_own_id(lx->uid_mappings, lx->n_uid_mappings, (unsigned)geteuid())) {
            if (write_map(pid, "uid_map", lx->uid_mappings, lx->n_uid_mappings, err) < 0)
                return hull_error_wrap(err, "linux.uidMappings");
        } else if (run_id_map_helper("newuidmap", pid, lx->uid_mappings, lx->n_uid_mappings, err) < 0) {
            return hull_error_wrap(err, "linux.uidMappings");
        }
    }
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
