/* raw-syscall NR...: makes each system call NR (no arguments) and prints
 * "NR: ok" or "NR: <errno name>" on one line each. Used to show which errno a
 * seccomp filter answers for syscalls the profile does not name
 * (tests/security/seccomp.bats). Static, so it runs in the busybox rootfs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *errno_name(int e)
{
    switch (e) {
    case ENOSYS:
        return "ENOSYS";
    case EPERM:
        return "EPERM";
    case EACCES:
        return "EACCES";
    case ENOMSG:
        return "ENOMSG";
    case EINVAL:
        return "EINVAL";
    case EFAULT:
        return "EFAULT";
    case EBADF:
        return "EBADF";
    default:
        return strerror(e);
    }
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        long nr = strtol(argv[i], NULL, 0);
        errno = 0;
        long r = syscall(nr, -1L, 0L, 0L, 0L, 0L, 0L);
        if (r < 0)
            printf("%s: %s\n", argv[i], errno_name(errno));
        else
            printf("%s: ok\n", argv[i]);
    }
    return 0;
}
