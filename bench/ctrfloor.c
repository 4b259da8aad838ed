/* bench/ctrfloor.c: the kernel's part of one container start, and nothing else.
 *
 *   ctrfloor [--reexec] [--overlay DIR] ROOTFS [PROGRAM ARG...]   (PROGRAM: /bin/true)
 *
 * Does, in one process and with every value fixed in the code, the kernel work
 * that `hull-runtime run` (and crun, runc) must do for the bundle bench/run.sh
 * makes (`hull-runtime spec`: pid, network, ipc, uts and mount namespaces; a
 * read-only rootfs; /proc, /dev, /dev/pts, /dev/shm, /dev/mqueue, /sys and the
 * cgroupfs; the ten masked and five read-only paths; the devices cgroup
 * denying all but the default nodes; three capabilities and no_new_privs; one
 * rlimit) and runs /bin/true in it:
 *
 *   - one cgroup per v1 hierarchy (cpuset copied down, the device rules), the
 *     init born in them (the thread steps into each `tasks`, clones, steps
 *     back), removed after the exit;
 *   - clone with the five namespaces;
 *   - in the child: the rootfs bind-mounted, every mount of the config, the
 *     container's cgroupfs (a tmpfs and a read-only bind per hierarchy), the
 *     device nodes and their links, the masked and read-only paths,
 *     pivot_root and the old root's unmount, the hostname, the rlimit, the
 *     bounding set, capset, no_new_privs, execve.
 *
 * What it leaves out is what a runtime adds to the kernel's work: a config to
 * parse, a state directory (`state`, `kill`, `delete` from another process),
 * error handling, the split between create and start.  --reexec adds the
 * cheapest form of the CVE-2019-5736 protection (this small binary re-executed
 * from a sealed memfd copy of itself) so that the figure is the floor of a
 * runtime that keeps that defence.  --overlay DIR adds what an engine's `run --rm`
 * must add for an image: ROOTFS becomes the lower layer of an overlay mounted
 * on DIR/c-PID/merged (upper and work dirs beside it), unmounted and removed
 * after the exit.
 *
 * So its time is a lower bound for any runtime that gives the same container on
 * this host: docs/performance.md compares hull and crun against it (bench/run.sh
 * runs it beside them).  Not a runtime: no error recovery beyond exiting. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_HIER 16

static void die(const char *what)
{
    fprintf(stderr, "ctrfloor: %s: %s\n", what, strerror(errno));
    exit(125);
}

struct hier {
    char mnt[256];  /* where the hierarchy is mounted, e.g. /sys/fs/cgroup/cpu */
    char own[4096]; /* the cgroup this process is in */
    char ctr[512];  /* the container's */
    int own_tasks, ctr_tasks;
};
static struct hier hiers[MAX_HIER];
static int n_hier;

static void write_str(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, s, strlen(s)) < 0)
        die(path);
    close(fd);
}

static void copy_file(const char *from, const char *to)
{
    char buf[256];
    int fd = open(from, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (n < 0)
        die(from);
    close(fd);
    buf[n] = 0;
    write_str(to, buf);
}

/* The v1 hierarchies (fstype cgroup) from mountinfo, and this process's cgroup in
 * each from /proc/self/cgroup (matched by the mount's super options). */
static void find_hierarchies(void)
{
    char line[4096];
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        die("mountinfo");
    while (n_hier < MAX_HIER && fgets(line, sizeof line, f)) {
        char *sep = strstr(line, " - cgroup ");
        if (!sep)
            continue;
        char mnt[256];
        if (sscanf(line, "%*d %*d %*s %*s %255s", mnt) != 1)
            continue;
        snprintf(hiers[n_hier++].mnt, sizeof hiers[0].mnt, "%s", mnt);
    }
    fclose(f);
    f = fopen("/proc/self/cgroup", "re");
    if (!f)
        die("/proc/self/cgroup");
    while (fgets(line, sizeof line, f)) {
        char *ctrls = strchr(line, ':'), *path = ctrls ? strchr(ctrls + 1, ':') : NULL;
        if (!path || ctrls[1] == ':')
            continue;
        *path++ = 0;
        path[strcspn(path, "\n")] = 0;
        ctrls++;
        const char *name = strncmp(ctrls, "name=", 5) == 0 ? ctrls + 5 : ctrls;
        for (int i = 0; i < n_hier; i++) {
            const char *base = strrchr(hiers[i].mnt, '/') + 1;
            if (strcmp(base, name) == 0)
                snprintf(hiers[i].own, sizeof hiers[i].own, "%.255s%.3800s", hiers[i].mnt, path);
        }
    }
    fclose(f);
}

static void make_cgroups(void)
{
    static const char *const allow[] = {
        "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm",
        "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm",
    };
    char p[600];
    for (int i = 0; i < n_hier; i++) {
        struct hier *h = &hiers[i];
        if (!h->own[0])
            continue;
        snprintf(h->ctr, sizeof h->ctr, "%s/ctrfloor-%d", h->mnt, getpid());
        if (mkdir(h->ctr, 0755) < 0)
            die(h->ctr);
        const char *base = strrchr(h->mnt, '/') + 1;
        if (strcmp(base, "cpuset") == 0) {
            char from[600];
            snprintf(from, sizeof from, "%s/cpuset.cpus", h->mnt);
            snprintf(p, sizeof p, "%s/cpuset.cpus", h->ctr);
            copy_file(from, p);
            snprintf(from, sizeof from, "%s/cpuset.mems", h->mnt);
            snprintf(p, sizeof p, "%s/cpuset.mems", h->ctr);
            copy_file(from, p);
        } else if (strcmp(base, "devices") == 0) {
            snprintf(p, sizeof p, "%s/devices.deny", h->ctr);
            write_str(p, "a");
            snprintf(p, sizeof p, "%s/devices.allow", h->ctr);
            for (size_t j = 0; j < sizeof allow / sizeof allow[0]; j++)
                write_str(p, allow[j]);
        }
        snprintf(p, sizeof p, "%s/tasks", h->ctr);
        h->ctr_tasks = open(p, O_WRONLY | O_CLOEXEC);
        snprintf(p, sizeof p, "%s/tasks", h->own);
        h->own_tasks = open(p, O_WRONLY | O_CLOEXEC);
        if (h->ctr_tasks < 0 || h->own_tasks < 0)
            die(p);
    }
}

static void step_into(int use_ctr)
{
    for (int i = 0; i < n_hier; i++)
        if (hiers[i].own[0] && write(use_ctr ? hiers[i].ctr_tasks : hiers[i].own_tasks, "0", 1) < 0)
            die("tasks");
}

static void mnt(const char *src, const char *dst, const char *type, unsigned long flags, const char *data)
{
    if (mount(src, dst, type, flags, data) < 0)
        die(dst);
}

static int readonly_root_off;
static void container_init(const char *rootfs, char **cmd)
{
    static const char *const masked[] = {
        "proc/acpi", "proc/asound", "proc/kcore", "proc/keys", "proc/latency_stats",
        "proc/timer_list", "proc/timer_stats", "proc/sched_debug", "sys/firmware", "proc/scsi",
    };
    static const char *const readonly[] = {
        "proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger",
    };
    static const struct { const char *name; int major, minor; } nodes[] = {
        {"dev/null", 1, 3}, {"dev/zero", 1, 5}, {"dev/full", 1, 7},
        {"dev/random", 1, 8}, {"dev/urandom", 1, 9}, {"dev/tty", 5, 0},
    };
    static const char *const links[][2] = {
        {"/proc/self/fd", "dev/fd"}, {"/proc/self/fd/0", "dev/stdin"},
        {"/proc/self/fd/1", "dev/stdout"}, {"/proc/self/fd/2", "dev/stderr"},
        {"pts/ptmx", "dev/ptmx"},
    };
    const unsigned long nsd = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    char p[600];

    mnt(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    mnt(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL);
    if (chdir(rootfs) < 0)
        die(rootfs);
    mnt("proc", "proc", "proc", nsd, NULL);
    mnt("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
    mkdir("dev/pts", 0755);
    mnt("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5");
    mkdir("dev/shm", 0755);
    mnt("shm", "dev/shm", "tmpfs", nsd, "mode=1777,size=65536k");
    mkdir("dev/mqueue", 0755);
    mnt("mqueue", "dev/mqueue", "mqueue", nsd, NULL);
    mnt("sysfs", "sys", "sysfs", nsd | MS_RDONLY, NULL);
    mnt("tmpfs", "sys/fs/cgroup", "tmpfs", nsd, "mode=755");
    for (int i = 0; i < n_hier; i++) {
        if (!hiers[i].own[0])
            continue;
        snprintf(p, sizeof p, "sys/fs/cgroup/%s", strrchr(hiers[i].mnt, '/') + 1);
        mkdir(p, 0755);
        mnt(hiers[i].ctr, p, NULL, MS_BIND, NULL);
        mnt(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | nsd, NULL);
    }
    mnt(NULL, "sys/fs/cgroup", NULL, MS_REMOUNT | MS_RDONLY | nsd, "mode=755");
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
        if (mknod(nodes[i].name, S_IFCHR | 0666, makedev(nodes[i].major, nodes[i].minor)) < 0)
            die(nodes[i].name);
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        if (symlink(links[i][0], links[i][1]) < 0)
            die(links[i][1]);
    for (size_t i = 0; i < sizeof masked / sizeof masked[0]; i++) {
        struct stat st;
        if (stat(masked[i], &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode))
            mnt("tmpfs", masked[i], "tmpfs", MS_RDONLY, NULL);
        else
            mnt("dev/null", masked[i], NULL, MS_BIND, NULL);
    }
    for (size_t i = 0; i < sizeof readonly / sizeof readonly[0]; i++) {
        if (access(readonly[i], F_OK) < 0)
            continue;
        mnt(readonly[i], readonly[i], NULL, MS_BIND | MS_REC, NULL);
        mnt(NULL, readonly[i], NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | nsd, NULL);
    }
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        die("pivot_root");
    if (umount2(".", MNT_DETACH) < 0)
        die("umount old root");
    if (chdir("/") < 0)
        die("chdir /");
    /* the rootfs read-only (root.readonly of bench/run.sh's bundle), after the
     * mounts made below it; an engine's container writes to its overlay */
    if (!readonly_root_off)
        mnt(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
    if (sethostname("hull", 4) < 0)
        die("sethostname");
    struct rlimit rl = {1024, 1024};
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
        die("setrlimit");
    const unsigned long keep = 1UL << CAP_AUDIT_WRITE | 1UL << CAP_KILL | 1UL << CAP_NET_BIND_SERVICE;
    for (int c = 0; c <= CAP_LAST_CAP; c++)
        if (!(keep & 1UL << c) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
            die("PR_CAPBSET_DROP");
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2] = {{(__u32)keep, (__u32)keep, 0}, {0, 0, 0}};
    if (syscall(SYS_capset, &hdr, data) < 0)
        die("capset");
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        die("no_new_privs");
    static char *const true_argv[] = {"/bin/true", NULL};
    char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
    char *const *argv = cmd[0] ? cmd : true_argv;
    execve(argv[0], argv, envp);
    die(argv[0]);
}

/* The CVE-2019-5736 protection at its cheapest: run again from a sealed memfd
 * copy of this (small) binary, so the container's init never runs a file of the
 * host that it could open for writing. */
static void reexec_sealed(char **argv)
{
    if (getenv("_CTRFLOOR_SEALED"))
        return;
    int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    int mfd = memfd_create("ctrfloor", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    struct stat st;
    if (src < 0 || mfd < 0 || fstat(src, &st) < 0)
        die("memfd");
    for (off_t off = 0; off < st.st_size;)
        if (sendfile(mfd, src, &off, st.st_size - off) <= 0)
            die("sendfile");
    if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
        die("seals");
    setenv("_CTRFLOOR_SEALED", "1", 1);
    extern char **environ;
    syscall(SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
    die("execveat");
}

/* The container's own writable layer over the image: DIR/c-PID/{upper,work,merged}. */
static char ovl_dir[512], ovl_merged[600];

static void overlay_mount(const char *dir, const char *lower)
{
    char upper[600], work[600], data[2048];
    snprintf(ovl_dir, sizeof ovl_dir, "%s/c-%d", dir, getpid());
    snprintf(upper, sizeof upper, "%s/upper", ovl_dir);
    snprintf(work, sizeof work, "%s/work", ovl_dir);
    snprintf(ovl_merged, sizeof ovl_merged, "%s/merged", ovl_dir);
    if (mkdir(ovl_dir, 0700) < 0 || mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0 || mkdir(ovl_merged, 0755) < 0)
        die(ovl_dir);
    snprintf(data, sizeof data, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
    mnt("overlay", ovl_merged, "overlay", 0, data);
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)ftw;
    if ((type == FTW_DP ? rmdir(path) : unlink(path)) < 0)
        die(path);
    return 0;
}

/* The four dirs, overlayfs's work/work and whatever the program wrote. */
static void overlay_remove(void)
{
    if (umount2(ovl_merged, 0) < 0)
        die("umount overlay");
    if (nftw(ovl_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
        die(ovl_dir);
}

int main(int argc, char **argv)
{
    int arg = 1;
    const char *overlay = NULL;
    if (argc > arg && strcmp(argv[arg], "--reexec") == 0) {
        reexec_sealed(argv);
        arg++;
    }
    if (argc > arg + 1 && strcmp(argv[arg], "--overlay") == 0) {
        overlay = argv[arg + 1];
        arg += 2;
    }
    if (argc < arg + 1) {
        fprintf(stderr, "usage: ctrfloor [--reexec] [--overlay DIR] ROOTFS [PROGRAM ARG...]\n");
        return 2;
    }
    const char *rootfs = argv[arg];
    if (overlay) {
        overlay_mount(overlay, rootfs);
        rootfs = ovl_merged;
        readonly_root_off = 1;
    }
    find_hierarchies();
    make_cgroups();
    step_into(1);
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, 0);
    if (pid == 0)
        container_init(rootfs, argv + arg + 1);
    step_into(0);
    if (pid < 0)
        die("clone");
    int status;
    if (waitpid(pid, &status, 0) < 0)
        die("waitpid");
    for (int i = 0; i < n_hier; i++)
        if (hiers[i].ctr[0] && rmdir(hiers[i].ctr) < 0)
            die(hiers[i].ctr);
    if (overlay)
        overlay_remove();
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
