/* hull: CVE-2019-5736 self-protection by re-executing from a sealed memfd.
 *
 * The CVE: a process inside the container opened /proc/<runtime pid>/exe while
 * runc was joining the container (runc exec re-executes runc itself inside the
 * container's namespaces) and, once runc exited, wrote through that fd into the
 * runtime binary on the host.  runc's fix (cloned_binary.c, later crun's
 * ensure_cloned_binary) runs the runtime from a sealed, read-only memfd copy
 * of itself, so /proc/self/exe never points at the host's file.
 *
 * hull needs it too, although the container process is a clone() of the
 * runtime and not a re-exec of it: until its execve the container process
 * runs the runtime's binary, so a container whose program is "/proc/self/exe"
 * (directly or as a "#!" interpreter) makes the kernel execute the host's
 * hull-runtime inside the container, with the container's libraries
 * (LD_PRELOAD, a doctored libc).  That code holds /proc/self/exe open and
 * rewrites the binary once the runtime has exited.  PR_SET_DUMPABLE 0 does not
 * stop this (the process opens its own exe); tests/security/cve.bats replays
 * the attack against a copy of the runtime.
 *
 * Two ways to a read-only /proc/self/exe, the cheaper first (runc 1.2's
 * libcontainer/exeseal does the same):
 *  1. a private overlayfs whose two layers are both lower layers (the
 *     binary's directory on top, /dev below it) and which has no upper layer:
 *     overlayfs makes such a superblock read-only, and no mount flag, remount
 *     or clone of the mount can make it writable.  The mount is never attached
 *     anywhere; the O_PATH fd of the binary through it, and then the exe of
 *     the re-executed process, are its only references.  No copy: the kernel
 *     maps the binary's own page cache.  Needs CAP_SYS_ADMIN in the user
 *     namespace owning our mount namespace (root, or rootless on Linux >=
 *     5.11) and "lowerdir+" (Linux >= 6.8) or overlay's legacy fs context
 *     (before 6.5: see exe_overlay_context);
 *  2. otherwise a sealed memfd copy of the binary (sendfile, then seals
 *     against write, grow, shrink and further seals).
 * Either way one more execve of the runtime; none when the binary already
 * sits on a read-only mount.  Costs measured in docs/performance.md.  The
 * overlay's mount fd is held across the re-exec until exe_protect_release
 * (see held_mount_fd). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "../util/log.h"
#include "../util/utils.h"
#include "security.h"

#define EXE_PROTECT_ENV "_HULL_CLONED_BINARY"
#define EXE_PROTECT_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif

/* The overlay's mount fd, carried across the re-exec and held until
 * exe_protect_release: the last close of a detached mount dissolves it, and
 * the kernel then waits for an RCU grace period (namespace_unlock): 0.05 ms
 * back to back, up to 7.5 ms for a start after a pause on this host (perf
 * trace).  Closed before the re-exec it held up every create, run and exec;
 * held, its wait goes where the caller waits anyway. */
static int held_mount_fd = -1;

/* The second pass's fd from the marker, if it is an overlay's root (anything
 * else: the marker was not ours to trust, the fd is left alone). */
static void hold_mount_fd(const char *marker)
{
    char *end = NULL;
    long fd = strtol(marker, &end, 10);
    if (!*marker || *end || fd < 3 || fd > INT_MAX)
        return;
    struct statfs sfs;
    struct stat st;
    if (fstatfs((int)fd, &sfs) < 0 || sfs.f_type != OVERLAYFS_SUPER_MAGIC || fstat((int)fd, &st) < 0 ||
        !S_ISDIR(st.st_mode))
        return;
    if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0)
        return;
    held_mount_fd = (int)fd;
}

void exe_protect_release(void)
{
    if (held_mount_fd >= 0)
        close(steal_fd(&held_mount_fd));
}

/* Already safe: a memfd with all our seals, or a file on a read-only mount
 * (nobody, not even root in the container, can write it there). */
static bool exe_is_protected(int exe_fd)
{
    int seals = fcntl(exe_fd, F_GET_SEALS);
    if (seals >= 0 && (seals & EXE_PROTECT_SEALS) == EXE_PROTECT_SEALS)
        return true;
    struct statvfs st;
    return fstatvfs(exe_fd, &st) == 0 && (st.f_flag & ST_RDONLY);
}

/* envp plus the marker (EXE_PROTECT_ENV=VALUE); the marker string is owned by
 * the array's last entry. */
static char **env_with_marker(char **envp, const char *value)
{
    size_t n = strv_length(envp);
    char **env = xmalloc0((n + 2) * sizeof(char *));
    for (size_t i = 0; i < n; i++)
        env[i] = envp[i];
    env[n] = xasprintf("%s=%s", EXE_PROTECT_ENV, value);
    return env;
}

static void env_free(char ***env)
{
    if (!*env)
        return;
    free((*env)[strv_length(*env) - 1]);
    free(*env);
}

/* The layer under the binary's directory: overlayfs wants two lower layers
 * when it has no upper one.  Its content never matters (the binary's
 * directory is on top, and only the binary is opened); /dev exists in every
 * mount namespace the runtime runs in. */
#define EXE_SEAL_LOWER_LAYER "/dev"

/* The overlay's fs context, created: DIR (the binary's) over /dev, or -1.
 * One "lowerdir+" per layer needs no escaping (Linux >= 6.8); before 6.5
 * overlay had no fs_context of its own, the legacy one takes that key
 * anyway and only the create fails, but it passes "lowerdir=DIR:/dev" on as
 * mount(2) would.  (6.5 to 6.7 refuse the key: the memfd copy then.) */
static int exe_overlay_context(const char *dir)
{
    cleanup_close int fs = fsopen("overlay", FSOPEN_CLOEXEC);
    if (fs < 0)
        return -1;
    if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", dir, 0) == 0 &&
        fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", EXE_SEAL_LOWER_LAYER, 0) == 0) {
        /* xino is irrelevant here and its auto mode logs to dmesg across filesystems */
        (void)fsconfig(fs, FSCONFIG_SET_STRING, "xino", "off", 0);
        if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
            return steal_fd(&fs);
    }
    /* ':' separates layers, a backslash escapes, the legacy context refuses ',' */
    if (errno != EINVAL || strpbrk(dir, ":,\\") || !fs_context_is_legacy("overlay"))
        return -1;
    close(fs);
    fs = fsopen("overlay", FSOPEN_CLOEXEC);
    cleanup_free char *layers = xasprintf("%s:%s", dir, EXE_SEAL_LOWER_LAYER);
    if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", layers, 0) < 0 ||
        fsconfig(fs, FSCONFIG_SET_STRING, "xino", "off", 0) < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return -1;
    return steal_fd(&fs);
}

/* Way 1 above: an O_PATH fd of our own binary through a private, read-only
 * overlayfs, or -1 (the caller then copies into a memfd).  *mount_out: the
 * overlay's mount fd, inherited by the re-executed runtime (held_mount_fd). */
static int open_through_sealed_overlay(int *mount_out)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path);
    /* a replaced binary reads "... (deleted)": its name opens nothing, or
     * something else, so leave it to the memfd copy of what we run */
    if (n <= 0 || n >= (ssize_t)sizeof path || path[0] != '/')
        return -1;
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    if (!slash[1] || strstr(path, " (deleted)"))
        return -1;
    *slash = '\0';
    const char *name = slash + 1;
    cleanup_close int fs = exe_overlay_context(slash == path ? "/" : path);
    if (fs < 0)
        return -1;
    cleanup_close int mnt = fsmount(fs, 0, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
    if (mnt < 0)
        return -1;
    int exe = openat(mnt, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (exe >= 0 && (fstat(exe, &st) < 0 || !S_ISREG(st.st_mode))) {
        close(exe);
        return -1;
    }
    if (exe >= 0)
        *mount_out = steal_fd(&mnt);
    return exe;
}

int exe_protect_ensure(int argc, char **argv, char **envp, struct hull_error **err)
{
    (void)argc;
    /* The marker only guards against a re-exec loop; protection itself is
     * always checked on the file, so an inherited marker cannot switch it off. */
    const char *marker = getenv(EXE_PROTECT_ENV);
    bool second_pass = marker != NULL;
    if (second_pass) {
        hold_mount_fd(marker);
        unsetenv(EXE_PROTECT_ENV); /* hooks and children must not inherit it */
    }

    cleanup_close int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (exe < 0)
        return hull_error_set(err, errno, "open /proc/self/exe");
    if (exe_is_protected(exe))
        return 0;
    if (second_pass)
        return hull_error_set(err, EPERM, "re-executed from a sealed copy, but /proc/self/exe is still writable");

    cleanup_close int mount_fd = -1;
    cleanup_close int sealed = open_through_sealed_overlay(&mount_fd);
    if (sealed >= 0) {
        char value[16];
        snprintf(value, sizeof value, "%d", mount_fd);
        __attribute__((cleanup(env_free))) char **env = env_with_marker(envp, value);
        fexecve(sealed, argv, env);
        log_debug("re-execute the runtime through a read-only overlay: %s; copying it into a memfd", strerror(errno));
    }
    __attribute__((cleanup(env_free))) char **env = env_with_marker(envp, "memfd");

    struct stat st;
    if (fstat(exe, &st) < 0)
        return hull_error_set(err, errno, "fstat /proc/self/exe");
    cleanup_close int memfd = memfd_create("hull-runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (memfd < 0)
        return hull_error_set(err, errno, "memfd_create for a sealed copy of the runtime");
    off_t off = 0;
    while (off < st.st_size) {
        ssize_t n = sendfile(memfd, exe, &off, (size_t)(st.st_size - off));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return hull_error_set(err, errno, "copy /proc/self/exe into a memfd");
        if (n == 0)
            return hull_error_set(err, EIO, "copy /proc/self/exe into a memfd: short copy");
    }
    if (fcntl(memfd, F_ADD_SEALS, EXE_PROTECT_SEALS) < 0)
        return hull_error_set(err, errno, "seal the memfd copy of the runtime");

    fexecve(memfd, argv, env);
    return hull_error_set(err, errno, "re-execute the runtime from its sealed memfd copy");
}
