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
 * the attack against a copy of the runtime.  Cost: one more execve of the
 * runtime, ~3.5 ms per command here (docs/security.md); none when the binary
 * sits on a read-only mount. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "../util/utils.h"
#include "security.h"

#define EXE_PROTECT_ENV "_HULL_CLONED_BINARY"
#define EXE_PROTECT_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

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

static char **env_with_marker(char **envp)
{
    size_t n = strv_length(envp);
    char **env = xmalloc0((n + 2) * sizeof(char *));
    for (size_t i = 0; i < n; i++)
        env[i] = envp[i];
    env[n] = EXE_PROTECT_ENV "=1";
    return env;
}

int exe_protect_ensure(int argc, char **argv, char **envp, struct hull_error **err)
{
    (void)argc;
    /* The marker only guards against a re-exec loop; protection itself is
     * always checked on the file, so an inherited marker cannot switch it off. */
    bool second_pass = getenv(EXE_PROTECT_ENV) != NULL;
    if (second_pass)
        unsetenv(EXE_PROTECT_ENV); /* hooks and children must not inherit it */

    cleanup_close int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (exe < 0)
        return hull_error_set(err, errno, "open /proc/self/exe");
    if (exe_is_protected(exe))
        return 0;
    if (second_pass)
        return hull_error_set(err, EPERM, "re-executed from a sealed memfd, but /proc/self/exe is still not sealed");

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

    cleanup_free char **env = env_with_marker(envp);
    fexecve(memfd, argv, env);
    return hull_error_set(err, errno, "re-execute the runtime from its sealed memfd copy");
}
