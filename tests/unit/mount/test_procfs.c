/* Unit tests of src/libhull/mount/procfs.c on the real kernel.  A forked child
 * takes a private mount namespace and mounts decoys over procfs files and
 * directories there (nothing changes for the host): a handle of our own must
 * read the kernel's file, a plain /proc handle must refuse, in both the openat2
 * and the component-walk modes (CVE-2025-52881). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tap.h"
#include "mount/procfs.h"
#include "security/security.h"
#include "util/utils.h"

#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        bool check_ok_ = (cond);                                                                                       \
        if (!check_ok_)                                                                                                \
            printf("# failed: %s (line %d)\n", #cond, __LINE__);                                                       \
        TAP_CHECK(check_ok_, __VA_ARGS__);                                                                             \
    } while (0)

/* Reads the file procfs_open_file gives for path; "" with *errnum on refusal. */
static char *read_through(int handle, const char *path, int *errnum, char **msg)
{
    struct hull_error *err = NULL;
    *errnum = 0;
    int fd = procfs_open_file(handle, path, O_RDONLY, &err);
    if (fd < 0) {
        *errnum = err->errnum;
        if (msg)
            *msg = xstrdup(err->msg);
        hull_error_free(err);
        return xstrdup("");
    }
    char buf[256] = "";
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    return xstrdup(buf);
}

static int open_handle(bool plain)
{
    struct hull_error *err = NULL;
    procfs_force_fallback_handle(plain);
    int h = procfs_handle_open(&err);
    procfs_force_fallback_handle(0);
    if (h < 0) {
        printf("# procfs_handle_open: %s\n", err->msg);
        hull_error_free(err);
    }
    return h;
}

static void in_private_namespace(const char *tmp)
{
    char decoy[512], dir[512];
    snprintf(decoy, sizeof decoy, "%s/decoy", tmp);
    snprintf(dir, sizeof dir, "%s/dir", tmp);
    struct hull_error *err = NULL;
    mkdir(dir, 0755);
    char inner[600];
    snprintf(inner, sizeof inner, "%s/ostype", dir);
    if (write_file_replace(decoy, "decoy\n", 6, 0644, &err) < 0 ||
        write_file_replace(inner, "decoy-in-dir\n", 13, 0644, &err) < 0)
        printf("# %s\n", err->msg);
    hull_error_freep(&err);

    bool ns = unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;
    CHECK(ns, "a private mount namespace");
    if (!ns)
        return;
    int e;
    cleanup_free char *msg = NULL;

    /* Before any decoy: both handles read the kernel's file. */
    int own = open_handle(false), plain = open_handle(true);
    CHECK(own >= 0 && plain >= 0, "handles open (own procfs and plain /proc)");
    cleanup_free char *real = read_through(plain, "sys/kernel/ostype", &e, NULL);
    CHECK(e == 0 && real[0], "sys/kernel/ostype reads through a plain handle: %s", real);

    /* A decoy mounted over the file. */
    CHECK(mount(decoy, "/proc/sys/kernel/ostype", NULL, MS_BIND, NULL) == 0, "decoy bound over /proc/sys/kernel/ostype");
    for (int walk = 0; walk <= 1; walk++) {
        procfs_force_fallback_open(walk);
        const char *mode = walk ? "walk" : "openat2";
        cleanup_free char *a = read_through(own, "sys/kernel/ostype", &e, NULL);
        CHECK(e == 0 && !strcmp(a, real), "%s: own procfs handle reads the kernel's file under a decoy", mode);
        cleanup_free char *m = NULL;
        cleanup_free char *b = read_through(plain, "sys/kernel/ostype", &e, &m);
        CHECK(e == EXDEV && strstr(m, "mounted over"), "%s: plain /proc handle refuses the decoy (%s)", mode,
              m ? m : "");
        cleanup_free char *c = read_through(own, "mounts", &e, NULL);
        CHECK(e == ELOOP, "%s: a symlink (/proc/mounts) is refused", mode);
        cleanup_free char *d = read_through(own, "self/comm", &e, NULL);
        CHECK(e == 0 && !strncmp(d, "test-procfs", 11), "%s: self/ resolves to this process: %s", mode, d);
        cleanup_free char *f = read_through(own, "thread-self/comm", &e, NULL);
        CHECK(e == 0 && !strncmp(f, "test-procfs", 11), "%s: thread-self/ resolves to this thread", mode);
    }
    procfs_force_fallback_open(0);
    umount2("/proc/sys/kernel/ostype", MNT_DETACH);

    /* A decoy directory mounted over a directory on the way. */
    CHECK(mount(dir, "/proc/sys/kernel", NULL, MS_BIND, NULL) == 0, "decoy directory bound over /proc/sys/kernel");
    for (int walk = 0; walk <= 1; walk++) {
        procfs_force_fallback_open(walk);
        const char *mode = walk ? "walk" : "openat2";
        cleanup_free char *a = read_through(own, "sys/kernel/ostype", &e, NULL);
        CHECK(e == 0 && !strcmp(a, real), "%s: own handle unaffected by a directory mounted on the way", mode);
        cleanup_free char *b = read_through(plain, "sys/kernel/ostype", &e, NULL);
        CHECK(e == EXDEV, "%s: plain handle refuses a directory mounted on the way", mode);
    }
    procfs_force_fallback_open(0);

    /* procfs_reopen_fd: an fd reopened through thread-self/fd, also when a
     * decoy directory covers /proc/<pid>/task/<tid>/fd in the visible /proc. */
    umount2("/proc/sys/kernel", MNT_DETACH);
    int pipefd[2];
    if (pipe(pipefd) == 0) {
        char fddir[64];
        snprintf(fddir, sizeof fddir, "/proc/self/task/%d/fd", (int)gettid());
        CHECK(mount(dir, fddir, NULL, MS_BIND, NULL) == 0, "decoy directory bound over %s", fddir);
        struct hull_error *rerr = NULL;
        int r = procfs_reopen_fd(own, pipefd[1], O_WRONLY, &rerr);
        CHECK(r >= 0 && write(r, "x", 1) == 1, "own handle reopens the pipe's write end under the decoy");
        char c = 0;
        CHECK(read(pipefd[0], &c, 1) == 1 && c == 'x', "what went through the reopened fd reached the pipe");
        if (r >= 0)
            close(r);
        hull_error_freep(&rerr);
        r = procfs_reopen_fd(plain, pipefd[1], O_WRONLY, &rerr);
        CHECK(r < 0 && rerr && rerr->errnum == EXDEV, "plain handle refuses to reopen through the decoy");
        if (r >= 0)
            close(r);
        hull_error_freep(&rerr);
        close(pipefd[0]);
        close(pipefd[1]);
    }

    /* The LSM label files: opened through the private handle, so a decoy
     * over this thread's attr/exec is not what the label would be written to
     * (the write itself needs an LSM; only the open is checked here).  The
     * decoy is itself a procfs file, as in the advisory (core_pattern): a
     * check that the file is on procfs would not see it. */
    {
        char attr[96];
        snprintf(attr, sizeof attr, "/proc/self/task/%d/attr/exec", (int)gettid());
        const char *proc_decoy = "/proc/sys/kernel/ostype";
        struct stat decoy_st, got;
        if (access(attr, F_OK) == 0 && stat(proc_decoy, &decoy_st) == 0) {
            CHECK(mount(proc_decoy, attr, NULL, MS_BIND, NULL) == 0, "procfs decoy bound over %s", attr);
            struct hull_process p = {.apparmor_profile = "hull-test", .selinux_label = "hull_u:hull_r:hull_t"};
            struct lsm_label_files files;
            struct hull_error *lerr = NULL;
            int r = lsm_open_label_files(&p, &files, &lerr);
            CHECK(r == 0 && files.apparmor >= 0 && files.selinux >= 0, "label files open (%s)", lerr ? lerr->msg : "");
            CHECK(r == 0 && fstat(files.apparmor, &got) == 0 && got.st_ino != decoy_st.st_ino &&
                      fstat(files.selinux, &got) == 0 && got.st_ino != decoy_st.st_ino,
                  "the label files are procfs's own, not the decoy over attr/exec");
            hull_error_freep(&lerr);
            if (r == 0)
                lsm_close_label_files(&files);
            umount2(attr, MNT_DETACH);
        }
    }

    static const char *bad[] = {"../etc/passwd", "/sys/kernel/ostype", "sys//kernel/ostype", "sys/./kernel", ""};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        cleanup_free char *x = read_through(own, bad[i], &e, NULL);
        CHECK(e == EINVAL, "path \"%s\" is refused", bad[i]);
    }
    close(own);
    close(plain);
}

int main(void)
{
    if (geteuid() != 0) {
        printf("ok 1 # skip needs root (a private mount namespace)\n1..1\n");
        return 0;
    }
    char tmp[] = "/tmp/hull-test-procfs-XXXXXX";
    if (!mkdtemp(tmp)) {
        printf("not ok 1 - mkdtemp\n1..1\n");
        return 1;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        in_private_namespace(tmp);
        fflush(stdout);
        _exit(TAP_DONE());
    }
    int status = 0;
    waitpid(pid, &status, 0);
    struct hull_error *err = NULL;
    rm_rf(tmp, &err);
    hull_error_freep(&err);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
