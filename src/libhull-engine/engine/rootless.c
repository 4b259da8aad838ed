/* Rootless hull: the user namespace every command of a normal user joins
 * (rootless.h, docs/rootless.md). */
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/rootless.h"
#include "util/log.h"
#include "util/utils.h"

#define PAUSE_PID_FILE "@pause.pid"
#define PAUSE_LOCK_FILE "@pause.lock"
#define PAUSE_NAME "hull-pause"

bool engine_rootless(void)
{
    return geteuid() != 0 || getenv(ENGINE_ROOTLESS_ENV) != NULL;
}

/* The user's uid: ours, or (inside the namespace) the one we noted on entry. */
static uid_t real_uid(void)
{
    const char *v = getenv(ENGINE_ROOTLESS_ENV);
    return v && geteuid() == 0 ? (uid_t)strtoul(v, NULL, 10) : geteuid();
}

static const char *home_dir(void)
{
    const char *home = getenv("HOME");
    if (home && home[0] == '/')
        return home;
    struct passwd *pw = getpwuid(real_uid());
    return pw && pw->pw_dir ? pw->pw_dir : "/";
}

char *engine_rootless_default_root(void)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    if (xdg && xdg[0] == '/')
        return xasprintf("%s/hull", xdg);
    return xasprintf("%s/.local/share/hull", home_dir());
}

char *engine_rootless_default_runroot(void)
{
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (xdg && xdg[0] == '/')
        return xasprintf("%s/hull", xdg);
    return xasprintf("/run/user/%u/hull", (unsigned)real_uid());
}

int engine_subid_ranges(const char *file, const char *user, uid_t uid, struct subid_range **out, size_t *n_out,
                        struct hull_error **err)
{
    *out = NULL;
    *n_out = 0;
    cleanup_file FILE *f = fopen(file, "re");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        return hull_error_set(err, errno, "open %s", file);
    }
    char uidtext[32];
    snprintf(uidtext, sizeof uidtext, "%u", (unsigned)uid);
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char name[256];
        unsigned long start, count;
        if (line[0] == '#' || sscanf(line, "%255[^:\n]:%lu:%lu", name, &start, &count) != 3 || count == 0)
            continue;
        if (strcmp(name, uidtext) && (!user || strcmp(name, user)))
            continue;
        *out = xrealloc(*out, (*n_out + 1) * sizeof **out);
        (*out)[(*n_out)++] = (struct subid_range){start, count};
    }
    return 0;
}

/* newuidmap/newgidmap PID 0 ID 1 1 START COUNT ...: container root is the
 * user, then the subordinate ranges one after another.  Their stderr is kept
 * for the error message. */
static int write_map(const char *tool, pid_t pid, unsigned long id, const struct subid_range *r, size_t n,
                     struct hull_error **err)
{
    cleanup_strv char **argv = NULL;
    strv_add(&argv, xstrdup(tool));
    strv_add(&argv, xasprintf("%d", (int)pid));
    strv_add(&argv, xstrdup("0"));
    strv_add(&argv, xasprintf("%lu", id));
    strv_add(&argv, xstrdup("1"));
    unsigned long inside = 1;
    for (size_t i = 0; i < n; i++) {
        strv_add(&argv, xasprintf("%lu", inside));
        strv_add(&argv, xasprintf("%lu", r[i].start));
        strv_add(&argv, xasprintf("%lu", r[i].count));
        inside += r[i].count;
    }
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) < 0)
        return hull_error_set(err, errno, "pipe");
    pid_t child = fork();
    if (child < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return hull_error_set(err, errno, "fork %s", tool);
    }
    if (child == 0) {
        dup2(pfd[1], STDERR_FILENO);
        dup2(pfd[1], STDOUT_FILENO);
        execvp(tool, argv);
        dprintf(STDERR_FILENO, "%s", strerror(errno));
        _exit(127);
    }
    close(pfd[1]);
    char out[512] = "";
    ssize_t len = read_all(pfd[0], out, sizeof out - 1);
    close(pfd[0]);
    out[len > 0 ? len : 0] = '\0';
    out[strcspn(out, "\n")] = '\0';
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return hull_error_set(err, 0, "rootless: cannot run %s (%s): install the uidmap package", tool, out);
    return hull_error_set(err, 0, "rootless: %s failed%s%s", tool, *out ? ": " : "", out);
}

/* The pause process itself: it holds the namespaces and does nothing else.
 * SIGTERM ends it (docs/rootless.md: how the user
 * stops it); running containers keep their own namespaces. */
static __attribute__((noreturn)) void pause_forever(int ready_fd)
{
    /* Mounts made in here stay in here; the host's later mounts still show. */
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
        dprintf(ready_fd, "e%s", strerror(errno));
        _exit(1);
    }
    if (write(ready_fd, "k", 1) != 1)
        _exit(1);
    if (chdir("/") < 0)
        _exit(1);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
    }
    syscall(SYS_close_range, 3U, ~0U, 0U);
    prctl(PR_SET_NAME, PAUSE_NAME, 0, 0, 0);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGTERM, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (;;)
        pause();
}

/* Starts the pause process (a grandchild, so nobody of ours has to reap it)
 * in a new user namespace, maps it, then lets it make its mount namespace. */
static int pause_start(pid_t *pid_out, struct hull_error **err)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    struct passwd *pw = getpwuid(uid);
    const char *user = pw ? pw->pw_name : NULL;
    cleanup_free struct subid_range *ur = NULL, *gr = NULL;
    size_t nu = 0, ng = 0;
    if (engine_subid_ranges("/etc/subuid", user, uid, &ur, &nu, err) < 0 ||
        engine_subid_ranges("/etc/subgid", user, uid, &gr, &ng, err) < 0)
        return -1;
    if (nu == 0 || ng == 0)
        return hull_error_set(err, 0,
                              "rootless: user %s (uid %u) has no subordinate %s range in %s: add one, e.g. "
                              "usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s",
                              user ? user : "?", (unsigned)uid, nu == 0 ? "uid" : "gid",
                              nu == 0 ? "/etc/subuid" : "/etc/subgid", user ? user : "USER");

    int to_child[2], from_child[2];
    if (pipe2(to_child, O_CLOEXEC) < 0)
        return hull_error_set(err, errno, "pipe");
    if (pipe2(from_child, O_CLOEXEC) < 0) {
        close(to_child[0]);
        close(to_child[1]);
        return hull_error_set(err, errno, "pipe");
    }
    pid_t mid = fork();
    if (mid < 0) {
        int e = errno;
        close(to_child[0]), close(to_child[1]), close(from_child[0]), close(from_child[1]);
        return hull_error_set(err, e, "fork");
    }
    if (mid == 0) {
        close(to_child[1]);
        close(from_child[0]);
        setsid();
        pid_t p = fork();
        if (p != 0)
            _exit(p < 0);
        if (unshare(CLONE_NEWUSER) < 0) {
            dprintf(from_child[1], "e%s", strerror(errno));
            _exit(1);
        }
        char msg[32];
        int len = snprintf(msg, sizeof msg, "u%d", (int)getpid());
        if (write(from_child[1], msg, len + 1) != len + 1)
            _exit(1);
        char go;
        if (read(to_child[0], &go, 1) != 1) /* the maps failed: the parent closed the pipe */
            _exit(1);
        pause_forever(from_child[1]);
    }
    close(to_child[0]);
    close(from_child[1]);
    cleanup_close int rfd = from_child[0];
    cleanup_close int wfd = to_child[1];
    int status;
    while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
        ;
    char buf[256] = "";
    ssize_t n = read(rfd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    if (n <= 1 || buf[0] != 'u')
        return hull_error_set(err, 0, "rootless: cannot create a user namespace: %s",
                              n > 1 ? buf + 1 : "unprivileged user namespaces are disabled on this host");
    pid_t pid = (pid_t)atoi(buf + 1);
    if (write_map("newuidmap", pid, uid, ur, nu, err) < 0 || write_map("newgidmap", pid, gid, gr, ng, err) < 0) {
        kill(pid, SIGKILL);
        return -1;
    }
    if (write(wfd, "g", 1) != 1 || read(rfd, buf, sizeof buf - 1) != 1 || buf[0] != 'k') {
        kill(pid, SIGKILL);
        return hull_error_set(err, 0, "rootless: the pause process could not make its mount namespace");
    }
    *pid_out = pid;
    return 0;
}

/* The pid in RUNROOT/@pause.pid when it is still our pause process (same
 * start time, same owner): 0 otherwise. */
static pid_t pause_find(int dirfd)
{
    cleanup_free char *text = NULL;
    if (read_file_at(dirfd, PAUSE_PID_FILE, &text, NULL, NULL) < 0)
        return 0;
    int pid;
    unsigned long long start;
    if (sscanf(text, "%d %llu", &pid, &start) != 2 || pid <= 0 || process_start_time(pid) != start)
        return 0;
    cleanup_free char *comm_path = xasprintf("/proc/%d/comm", pid);
    cleanup_free char *comm = NULL;
    if (read_file(comm_path, &comm, NULL, NULL) < 0 || strncmp(comm, PAUSE_NAME, strlen(PAUSE_NAME)))
        return 0;
    /* A pause process killed but not reaped yet (a zombie) has no namespaces. */
    cleanup_free char *stat_path = xasprintf("/proc/%d/stat", pid);
    cleanup_free char *stat_text = NULL;
    const char *state = NULL;
    if (read_file(stat_path, &stat_text, NULL, NULL) < 0 || !(state = strrchr(stat_text, ')')) ||
        state[1] != ' ' || state[2] == 'Z' || state[2] == 'X')
        return 0;
    struct stat st;
    cleanup_free char *proc = xasprintf("/proc/%d", pid);
    if (stat(proc, &st) < 0 || st.st_uid != geteuid())
        return 0;
    return pid;
}

static int join(pid_t pid, struct hull_error **err)
{
    cleanup_free char *user_path = xasprintf("/proc/%d/ns/user", pid);
    cleanup_free char *mnt_path = xasprintf("/proc/%d/ns/mnt", pid);
    cleanup_close int userfd = open(user_path, O_RDONLY | O_CLOEXEC);
    cleanup_close int mntfd = open(mnt_path, O_RDONLY | O_CLOEXEC);
    if (userfd < 0 || mntfd < 0)
        return hull_error_set(err, errno, "rootless: open the namespaces of the pause process %d", (int)pid);
    /* setns(CLONE_NEWNS) moves us to the namespace's root directory. */
    cleanup_free char *cwd = getcwd(NULL, 0);
    if (setns(userfd, CLONE_NEWUSER) < 0)
        return hull_error_set(err, errno, "rootless: join the user namespace of the pause process %d", (int)pid);
    if (setns(mntfd, CLONE_NEWNS) < 0)
        return hull_error_set(err, errno, "rootless: join the mount namespace of the pause process %d", (int)pid);
    if (cwd && chdir(cwd) < 0)
        log_debug("rootless: cannot return to %s: %s", cwd, strerror(errno));
    return 0;
}

int engine_rootless_enter(const char *runroot, struct hull_error **err)
{
    uid_t uid = geteuid();
    if (mkdir_p(runroot, 0700, err) < 0)
        return hull_error_wrap(err, "rootless: runroot");
    cleanup_close int dirfd = open(runroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return hull_error_set(err, errno, "open %s", runroot);
    /* One pause process per runroot, even when several hull start at once. */
    cleanup_close int lock = openat(dirfd, PAUSE_LOCK_FILE, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0 || flock(lock, LOCK_EX) < 0)
        return hull_error_set(err, errno, "lock %s/%s", runroot, PAUSE_LOCK_FILE);
    pid_t pid = pause_find(dirfd);
    if (pid == 0) {
        if (pause_start(&pid, err) < 0)
            return -1;
        cleanup_free char *text = xasprintf("%d %llu\n", (int)pid, process_start_time(pid));
        cleanup_free char *path = xasprintf("%s/%s", runroot, PAUSE_PID_FILE);
        if (write_file_atomic(path, text, strlen(text), 0600, err) < 0) {
            kill(pid, SIGKILL);
            return -1;
        }
        log_debug("rootless: started pause process %d", (int)pid);
    }
    if (join(pid, err) < 0)
        return -1;
    char v[32];
    snprintf(v, sizeof v, "%u", (unsigned)uid);
    setenv(ENGINE_ROOTLESS_ENV, v, 1);
    return 0;
}

/* The cgroup this process is in, when it is one path in every hierarchy
 * (/proc/self/cgroup), as systemd and the tests set a user's session up. */
static char *own_cgroup(void)
{
    cleanup_free char *text = NULL;
    if (read_file("/proc/self/cgroup", &text, NULL, NULL) < 0)
        return NULL;
    char *path = NULL, *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *p = strchr(line, ':');
        p = p ? strchr(p + 1, ':') : NULL;
        if (!p)
            continue;
        /* systemd's named hierarchy is its own bookkeeping; an unused unified
         * hierarchy of a v1 host says "/": neither is where limits go. */
        if (strstr(line, ":name=systemd:") || (!strcmp(line + strcspn(line, ":"), "::/") && line[0] == '0'))
            continue;
        if (path && strcmp(path, p + 1)) {
            free(path);
            return NULL;
        }
        if (!path)
            path = xstrdup(p + 1);
    }
    return path;
}

/* Every cgroup hierarchy's directory for path, writable: the user owns it. */
static bool writable_everywhere(const char *path)
{
    cleanup_free char *text = NULL;
    if (read_file("/proc/self/mountinfo", &text, NULL, NULL) < 0)
        return false;
    int found = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char mnt[512], fstype[64];
        const char *sep = strstr(line, " - ");
        if (!sep || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 || sscanf(sep, " - %63s", fstype) != 1)
            continue;
        if (strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2"))
            continue;
        if (strstr(line, "name=systemd")) /* only systemd's bookkeeping: the runtime leaves it */
            continue;
        cleanup_free char *dir = xasprintf("%s%s", mnt, path);
        if (access(dir, W_OK) < 0)
            return false;
        found++;
    }
    return found > 0;
}

char *engine_rootless_cgroup_parent(void)
{
    if (!engine_rootless())
        return NULL;
    cleanup_free char *own = own_cgroup();
    if (!own || !strcmp(own, "/"))
        return NULL;
    char *slash = strrchr(own, '/');
    char *parent = slash == own ? xstrdup("/") : strndup(own, slash - own);
    if (!parent)
        abort();
    if (strcmp(parent, "/") && writable_everywhere(parent))
        return parent;
    free(parent);
    return NULL;
}

/* Where the runtime puts a container's cgroup when the config names none:
 * /hull/<id> in each hierarchy (cgroup/hierarchy.c).  Writable by this user
 * only when the administrator delegated it (chown, systemd Delegate=). */
static const char *undelegated_cgroup_dir(const char *controller)
{
    static char dir[128];
    struct stat st;
    bool unified = stat("/sys/fs/cgroup/cgroup.controllers", &st) == 0;
    snprintf(dir, sizeof dir, "/sys/fs/cgroup%s%s/hull", unified ? "" : "/", unified ? "" : controller);
    if (stat(dir, &st) < 0)
        dir[strlen(dir) - strlen("/hull")] = '\0'; /* made on first use: its parent must be writable */
    return access(dir, W_OK) < 0 ? dir : NULL;
}

int engine_rootless_check_limits(const char *flag, struct hull_error **err)
{
    if (!flag || !engine_rootless())
        return 0;
    const char *controller = strstr(flag, "memory") ? "memory"
                             : strstr(flag, "cpuset") ? "cpuset"
                             : strstr(flag, "cpu")    ? "cpu"
                                                      : "pids";
    cleanup_free char *delegated = engine_rootless_cgroup_parent();
    if (delegated)
        return 0;
    const char *dir = undelegated_cgroup_dir(controller);
    if (!dir)
        return 0;
    return hull_error_set(err, 0,
                          "rootless: %s needs a cgroup this user may write, and none is delegated (%s is not "
                          "writable, nor the parent of this process's cgroup): run without resource limits, or from a "
                          "delegated cgroup (docs/rootless.md)",
                          flag, dir);
}
