/* hull-escape-probe: small, static, dependency-free probes that the escape
 * suite runs inside a container.  Each subcommand tries ONE thing a container
 * must not be able to do and prints "<what>: <strerror>" so the test can
 * assert the exact failure; it prints "<what>: SUCCEEDED" and exits 1 when the
 * thing worked (an escape).
 *
 *   chroot-escape MARKER   the classic chroot("..") break-out: chroot into a
 *                          subdirectory (so "/" is below our cwd), walk up with
 *                          chdir(".."), chroot("."); then look for MARKER, a
 *                          file that only exists on the host (outside the rootfs)
 *   init-module            init_module/finit_module (load a kernel module)
 *   ptrace PID             PTRACE_ATTACH to PID
 *   kill PID               kill(PID, SIGKILL)
 *   abstract-connect NAME  connect to the abstract unix socket "@NAME"
 *   mknod-block PATH       mknod a block device (8:0, /dev/sda's numbers)
 *   open-read PATH         open and read 1 byte
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

static int report(const char *what, int rc)
{
    if (rc == 0) {
        printf("%s: SUCCEEDED\n", what);
        return 1;
    }
    printf("%s: %s\n", what, strerror(errno));
    return 0;
}

static int chroot_escape(const char *marker)
{
    if (mkdir("/hull-chroot-probe", 0700) < 0 && errno != EEXIST) {
        printf("mkdir /hull-chroot-probe: %s\n", strerror(errno));
        return 2;
    }
    /* A failed chroot is a failed escape: report() prints why and returns 0. */
    if (chroot("/hull-chroot-probe") < 0) /* cwd stays at the old root: now "above" our root */
        return report("chroot", -1);
    for (int i = 0; i < 256; i++)
        if (chdir("..") < 0)
            break;
    if (chroot(".") < 0)
        return report("chroot .", -1);
    if (access(marker, F_OK) == 0) {
        printf("chroot escape: SUCCEEDED (host file %s is visible)\n", marker);
        return 1;
    }
    char cwd[4096] = "";
    if (!getcwd(cwd, sizeof(cwd)))
        strcpy(cwd, "?");
    printf("chroot escape: still inside the container (host file not visible, cwd %s)\n", cwd);
    return 0;
}

static int abstract_connect(const char *name)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    size_t len = strlen(name);
    if (len + 1 > sizeof(addr.sun_path))
        return 2;
    memcpy(addr.sun_path + 1, name, len); /* leading NUL: the abstract namespace */
    int rc = connect(fd, (struct sockaddr *)&addr, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len));
    return report("connect abstract socket", rc);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 2) {
        fprintf(stderr, "usage: %s chroot-escape MARKER | init-module | ptrace PID | kill PID | "
                        "abstract-connect NAME | mknod-block PATH | open-read PATH\n", argv[0]);
        return 2;
    }
    const char *cmd = argv[1], *arg = argc > 2 ? argv[2] : "";
    if (strcmp(cmd, "chroot-escape") == 0)
        return chroot_escape(arg);
    if (strcmp(cmd, "init-module") == 0) {
        /* An empty image: the kernel checks CAP_SYS_MODULE (and seccomp) first. */
        static char image[64];
        int bad = report("init_module", (int)syscall(SYS_init_module, image, sizeof(image), ""));
        int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        bad |= report("finit_module", (int)syscall(SYS_finit_module, fd, "", 0));
        return bad;
    }
    if (strcmp(cmd, "ptrace") == 0)
        return report("ptrace attach", (int)ptrace(PTRACE_ATTACH, (pid_t)atoi(arg), NULL, NULL));
    if (strcmp(cmd, "kill") == 0)
        return report("kill", kill((pid_t)atoi(arg), SIGKILL));
    if (strcmp(cmd, "abstract-connect") == 0)
        return abstract_connect(arg);
    if (strcmp(cmd, "mknod-block") == 0)
        return report("mknod block device", mknod(arg, S_IFBLK | 0600, makedev(8, 0)));
    if (strcmp(cmd, "open-read") == 0) {
        int fd = open(arg, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return report("open", -1);
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n == 1) {
            printf("read: SUCCEEDED\n");
            return 1;
        }
        if (n == 0) {
            printf("read: end of file (0 bytes)\n");
            return 0;
        }
        return report("read", -1);
    }
    fprintf(stderr, "unknown probe %s\n", cmd);
    return 2;
}
