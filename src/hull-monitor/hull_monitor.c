/* hull-monitor: the per-container monitor (our conmon), of every container:
 * `hull run -d` and `hull start` leave it behind, and a foreground `hull run`
 * (or `start -a`) is a client attached to it, as podman's run is to conmon.
 *
 * It outlives the `hull` command, so it is as small as a process can be: a
 * static program (musl when available) that links nothing of the engine and
 * holds no JSON, cgroup or image code -- its whole resident set is a few
 * dozen KB, where a fork of `hull` would keep ~2.6 MB (the engine's
 * libraries) alive for the life of every container.  The work that needs the
 * library is done by `hull` itself, before and after:
 *
 *   hull run [-d] ──fork[,setsid,fork]──> child: create+start (the init is its
 *     │                                   child), "OK" to hull run, exec ──>
 *     │                                   hull-monitor --init-pid N (subreaper)
 *     └── foreground: attached by a socketpair, the first client from
 *         before the container starts (no output is lost)
 *   the monitor logs the output and, once the init has exited, replaces
 *   itself with `hull ... _monitor-exit ID CODE` (record, OOM, cgroups, --rm).
 *
 * A restart by the policy: _monitor-exit execs a monitor again, which runs
 * the start command `hull _monitor-restart ID` (container_create+start,
 * sends "PID n" (+ the pty master with -t), reports OK/error on fd 3,
 * exits); the init is reparented to the monitor (PR_SET_CHILD_SUBREAPER).
 *
 * Usage (internal; hull builds the command line):
 *   hull-monitor --log FILE [--log-max-size BYTES [--log-max-files N]] [--tty] [--stdin]
 *                [--delay-ms N] [--health-interval-ms N [--health-start-period-ms P
 *                --health-start-interval-ms S]] [--attach DIR]
 *                [--init-pid N --out-fd FD --err-fd FD [--in-fd FD] [--master-fd FD]
 *                 [--client-fd FD [--client-records]] [--attach-fd FD] [--rootfs-fd FD]]
 *                -- [START_ARGV...] -- EXIT_ARGV... [-- HEALTH_ARGV...]
 * --init-pid: the container is started already and its init is our child
 * (the foreground run's way): no start command; its stdout/stderr pipes,
 * the write end of its stdin pipe (-i without -t) and its pty master (-t)
 * are the fds given.  --client-fd is the foreground `hull run`, attached
 * before the container started: it is sent everything, waiting for it
 * (its pace is the container's, as a terminal's would be), and it stays
 * open across the exec of the exit command, so that its EOF says the exit
 * is recorded (and --rm done).
 * --client-records: that client records the exit itself once it has the
 * code (a container without a restart policy): no exec of hull on the way
 * out.  We wait for its "recorded" and run the exit command only if it
 * goes without it (killed meanwhile: recording again is harmless).
 * --rootfs-fd: with --client-records, an O_PATH fd of the container's
 * rootfs mount (a foreground `hull run --rm`), held until we exit.  The
 * run removes the container before it sends "recorded": the unmount finds
 * the mount busy and detaches it, and the overlay's teardown (its sync of
 * the upper filesystem, 0.3-3 ms here, more under load) is done by our
 * exit instead of on the run's way to its exit code.  Closed at the exec
 * of the exit command (that command unmounts it then).
 * --delay-ms: a restart by the policy (src/libhull-engine/engine/restart.h): the exit
 * command became the monitor again, which sleeps the backoff delay before it
 * runs the start command (`hull _monitor-restart ID`).  SIGTERM while it
 * sleeps (`hull stop`) ends it; nothing of the container exists then.
 * --health-interval-ms: while the container runs, HEALTH_ARGV (`hull
 * healthcheck run ID`, src/libhull-engine/engine/health.h) is run N ms after the start
 * and then N ms after each check ended; never two at once.  Within P ms of
 * the start and until a check has passed (exit 0), S ms instead (docker's
 * start interval: the Status is still "starting" then).
 * --log-max-size: a record that would make FILE larger first rotates it
 * (FILE.N-2 -> FILE.N-1 ... FILE -> FILE.1, a new FILE; with N = 1 FILE is
 * truncated), as docker's json-file driver (src/libhull-engine/engine/log_config.h).
 * --attach: the attach socket DIR/attach (`hull attach`, the protocol is in
 * src/libhull-engine/engine/attach.h): every client gets the container's output as it
 * comes, its stdin (with --stdin) goes to the container's, and the exit code
 * is sent to each before the exit command runs.  The socket is removed then.
 * --attach-fd: with --init-pid, that socket bound and listening already:
 * hull binds it before it reports the start, so that `hull attach` right
 * after `hull run -d` returns finds it (a connection waits in the backlog
 * until we accept it).
 * fd 3, when open, is the report pipe of `hull run -d`: handed to the start
 * command as its fd 3 and closed here, so `hull run -d` sees EOF when the
 * start command is done.
 *
 * Log format: the CRI one (what kubelet and podman's k8s-file write), one
 * line per line of output:
 *   2026-11-23T10:00:00.123456789Z stdout F hello
 * F ends a line; P is a piece of a line longer than the buffer or cut by the
 * container's exit, to be joined with what follows. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 16384
#define REPORT_FD 3
#define CTL_FD 4 /* the start command's end of the control socket */
#define MAX_CLIENTS 16

/* The attach protocol (mirrored in src/libhull-engine/engine/attach.h): one
 * SOCK_SEQPACKET message per chunk, its first byte says what it is. */
enum {
    ATTACH_STDIN = 0,
    ATTACH_STDOUT = 1,
    ATTACH_STDERR = 2,
    ATTACH_EXIT = 3,
    ATTACH_RESIZE = 4,
    ATTACH_CLOSE_STDIN = 5,
    ATTACH_RECORDED = 6,
};

struct stream {
    const char *name; /* "stdout" / "stderr" */
    char kind;        /* ATTACH_STDOUT / ATTACH_STDERR */
    int fd;           /* -1 once at EOF */
    size_t len;
    char buf[LINE_MAX_BYTES];
};

static int log_fd = -1;
static const char *log_path;
static long long log_size, log_max_size; /* bytes in FILE; 0: no rotation */
static int log_max_files = 1;

/* FILE is full: the next record starts a new one (see the usage above). */
static void log_rotate(void)
{
    if (log_max_files <= 1) {
        if (ftruncate(log_fd, 0) == 0)
            log_size = 0; /* O_APPEND: the next write goes to the new end */
        return;
    }
    char from[4096], to[4096];
    for (int k = log_max_files - 1; k >= 1; k--) {
        if (k == 1)
            snprintf(from, sizeof from, "%s", log_path);
        else
            snprintf(from, sizeof from, "%s.%d", log_path, k - 1);
        snprintf(to, sizeof to, "%s.%d", log_path, k);
        rename(from, to); /* one that does not exist yet is fine */
    }
    int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0)
        return; /* keep writing to the old one (now FILE.1) rather than lose output */
    close(log_fd);
    log_fd = fd;
    log_size = 0;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* a full disk must not stop the container: the output is dropped */
        p += w;
        n -= (size_t)w;
    }
}

static int attach_fd = -1, clients[MAX_CLIENTS], n_clients;
static int attach_dir = -1;
static int primary_fd = -1; /* the foreground `hull run` (--client-fd), while attached */

static void client_drop(int k)
{
    if (clients[k] == primary_fd)
        primary_fd = -1;
    close(clients[k]);
    clients[k] = clients[--n_clients];
}

/* Sends a message to every attached client; one that cannot take it
 * within the socket's send timeout (a client that stopped reading) is
 * dropped rather than stall the log.  The foreground client has no
 * timeout: it is waited for, as the terminal it writes to would be. */
static void attach_broadcast(char kind, const char *data, size_t len)
{
    static char msg[LINE_MAX_BYTES + 1];
    msg[0] = kind;
    memcpy(msg + 1, data, len);
    for (int k = 0; k < n_clients;) {
        ssize_t r;
        do
            r = send(clients[k], msg, len + 1, MSG_NOSIGNAL);
        while (r < 0 && errno == EINTR);
        if (r < 0) {
            client_drop(k);
            continue;
        }
        k++;
    }
}

/* The listening socket DIR/attach; bound relative to DIR, whose path may be
 * longer than a socket address holds.  An adopted container's socket was
 * bound by hull before its start was reported (--attach-fd): taken as is.
 * The two bind the same way (attach.h's engine_attach_listen). */
static void attach_listen(const char *dir, int bound)
{
    attach_dir = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (bound >= 0) {
        attach_fd = bound;
        fcntl(attach_fd, F_SETFL, fcntl(attach_fd, F_GETFL) | O_NONBLOCK);
        return;
    }
    int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX, .sun_path = "attach"};
    if (attach_dir < 0 || cwd < 0 || fd < 0 || fchdir(attach_dir) < 0) {
        if (fd >= 0)
            close(fd);
        fd = -1;
    } else {
        unlinkat(attach_dir, "attach", 0);
        if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, MAX_CLIENTS) < 0) {
            close(fd);
            fd = -1;
        }
        fchdir(cwd);
    }
    if (cwd >= 0)
        close(cwd);
    attach_fd = fd; /* without it the container runs unattachable, never not at all */
}

/* What a client sent for the container's stdin and it has not read yet:
 * while this is not empty, no client is read (its sends block: the
 * container's pace, as with docker attach). */
static int stdin_fd = -1; /* the pipe of --stdin, or the pty master */
static char pending[LINE_MAX_BYTES];
static size_t pending_len;

static void stdin_flush(void)
{
    while (pending_len > 0) {
        ssize_t w = write(stdin_fd, pending, pending_len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN)
            return;
        if (w <= 0) {
            pending_len = 0; /* the container closed its stdin: what is sent is dropped */
            return;
        }
        memmove(pending, pending + w, pending_len - (size_t)w);
        pending_len -= (size_t)w;
    }
}

/* One message of client k; false when it has gone. */
static bool attach_read(int k, int tty_master)
{
    static char msg[LINE_MAX_BYTES + 2];
    ssize_t n = recv(clients[k], msg, sizeof msg - 1, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return true;
    if (n <= 0)
        return false;
    if (msg[0] == ATTACH_STDIN && stdin_fd >= 0 && n > 1) {
        memcpy(pending, msg + 1, (size_t)n - 1);
        pending_len = (size_t)n - 1;
        stdin_flush();
    } else if (msg[0] == ATTACH_CLOSE_STDIN && stdin_fd >= 0 && stdin_fd != tty_master) {
        /* the client's stdin ended (`echo x | hull run -i IMG cat`): so
         * does the container's; a pty's stays, as with docker -t */
        close(stdin_fd);
        stdin_fd = -1;
    } else if (msg[0] == ATTACH_RESIZE && tty_master >= 0 && n > 1) {
        msg[n] = '\0';
        unsigned rows, cols;
        if (sscanf(msg + 1, "%u %u", &rows, &cols) == 2) {
            struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
            ioctl(tty_master, TIOCSWINSZ, &ws);
        }
    }
    return true;
}

static void attach_accept(void)
{
    int c = accept4(attach_fd, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0)
        return;
    if (n_clients == MAX_CLIENTS) {
        close(c);
        return;
    }
    /* A client that stops reading is dropped after this, not waited for. */
    struct timeval tv = {.tv_sec = 5};
    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    clients[n_clients++] = c;
}

/* The log is opened (made) by its first record: a container that prints
 * nothing has none (`hull logs` shows nothing either way), which spares a
 * `run` of a silent program a file to make and to remove, the costliest
 * kind of file work on this project's host (docs/performance.md). */
static bool log_open(void)
{
    if (log_fd >= 0)
        return true;
    log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (log_fd < 0)
        return false; /* the output still goes to the attached clients */
    struct stat st;
    log_size = fstat(log_fd, &st) == 0 ? (long long)st.st_size : 0;
    return true;
}

/* One CRI log line: TIMESTAMP STREAM F|P TEXT\n, written with one write(2)
 * so `hull logs -f` never reads half a record. */
static void log_record(const char *stream, bool full, const char *text, size_t len)
{
    if (!log_open())
        return;
    static char line[LINE_MAX_BYTES + 128];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(line, 128, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ %s %c ", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec, stream, full ? 'F' : 'P');
    memcpy(line + n, text, len);
    line[(size_t)n + len] = '\n';
    long long size = (long long)n + (long long)len + 1;
    if (log_max_size > 0 && log_size > 0 && log_size + size > log_max_size)
        log_rotate();
    write_all(log_fd, line, (size_t)size);
    log_size += size;
}

/* Writes every complete line in s->buf; a full buffer goes out as a piece. */
static void stream_flush(struct stream *s, bool at_end)
{
    size_t start = 0;
    for (size_t i = 0; i < s->len; i++) {
        if (s->buf[i] == '\n') {
            log_record(s->name, true, s->buf + start, i - start);
            start = i + 1;
        }
    }
    if (start < s->len && (at_end || (start == 0 && s->len == sizeof s->buf))) {
        log_record(s->name, false, s->buf + start, s->len - start);
        start = s->len;
    }
    memmove(s->buf, s->buf + start, s->len - start);
    s->len -= start;
}

/* Reads what is there; returns false at EOF or on an error. */
static bool stream_read(struct stream *s)
{
    ssize_t n;
    do
        n = read(s->fd, s->buf + s->len, sizeof s->buf - s->len);
    while (n < 0 && errno == EINTR);
    /* EIO: the pty's slave side is gone, the terminal's way of saying EOF */
    if (n <= 0) {
        if (n < 0 && errno == EAGAIN)
            return true;
        close(s->fd);
        s->fd = -1;
        stream_flush(s, true);
        return false;
    }
    if (n_clients > 0)
        attach_broadcast(s->kind, s->buf + s->len, (size_t)n);
    s->len += (size_t)n;
    stream_flush(s, false);
    return true;
}

static void __attribute__((noreturn)) fail(const char *what)
{
    char msg[256];
    int n = snprintf(msg, sizeof msg, "hull-monitor: %s: %s", what, strerror(errno));
    log_record("stderr", true, msg, (size_t)n);
    _exit(125);
}

/* The control message of the start command: "PID n", with the pty master
 * attached as SCM_RIGHTS when the container has a terminal. */
static void read_ctl(int ctl, pid_t *init_pid, int *master)
{
    char text[64] = {0};
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {.iov_base = text, .iov_len = sizeof text - 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    ssize_t n = recvmsg(ctl, &msg, MSG_CMSG_CLOEXEC);
    if (n <= 0)
        return;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
            memcpy(master, CMSG_DATA(c), sizeof(int));
    long pid;
    if (sscanf(text, "PID %ld", &pid) == 1 && pid > 0)
        *init_pid = (pid_t)pid;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Starts one healthcheck (its result goes to the record, not to us); its
 * stdio is ours, /dev/null by then.  Returns its pid, -1 if it could not fork. */
static pid_t run_health_check(char **health_argv)
{
    pid_t pid = fork();
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGHUP, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        execv(health_argv[0], health_argv);
        _exit(127);
    }
    return pid;
}

static int exit_code_of(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 255;
}

static void usage(void)
{
    fprintf(stderr, "hull-monitor: internal to hull: hull-monitor --log FILE [--log-max-size BYTES] "
                    "[--log-max-files N] [--tty] [--stdin] [--delay-ms N] [--health-interval-ms N] "
                    "[--health-start-period-ms P --health-start-interval-ms S] [--attach DIR [--attach-fd N]] "
                    "-- START_ARGV... -- EXIT_ARGV... [-- HEALTH_ARGV...]\n");
    exit(2);
}

/* What the command line says (see the usage at the top). */
struct options {
    bool have_report; /* fd 3 is the report pipe of `hull run -d` */
    bool tty, keep_stdin, client_records;
    long delay_ms, health_ms, start_period_ms, start_interval_ms;
    const char *attach_path;
    /* --init-pid: the started container's init and its stdio (see the top) */
    long adopt_pid;
    int adopt_out, adopt_err, adopt_in, adopt_master, adopt_client;
    /* --attach-fd: DIR/attach, bound and listening already (by the process
     * that started the container, so that `hull run -d` returns only once
     * `hull attach` can connect) */
    int adopt_attach;
    int adopt_rootfs; /* --rootfs-fd (see the top) */
    char **start_argv, **exit_argv, **health_argv;
};

static struct options opt = {
    .adopt_out = -1, .adopt_err = -1, .adopt_in = -1, .adopt_master = -1, .adopt_client = -1,
    .adopt_attach = -1, .adopt_rootfs = -1};

enum option_kind { OPT_FLAG, OPT_STR, OPT_INT, OPT_LONG, OPT_LLONG };

static const struct {
    const char *name;
    enum option_kind kind;
    void *to;
} options_table[] = {
    {"--log", OPT_STR, &log_path},
    {"--log-max-size", OPT_LLONG, &log_max_size},
    {"--log-max-files", OPT_INT, &log_max_files},
    {"--tty", OPT_FLAG, &opt.tty},
    {"--stdin", OPT_FLAG, &opt.keep_stdin},
    {"--delay-ms", OPT_LONG, &opt.delay_ms},
    {"--health-interval-ms", OPT_LONG, &opt.health_ms},
    {"--health-start-period-ms", OPT_LONG, &opt.start_period_ms},
    {"--health-start-interval-ms", OPT_LONG, &opt.start_interval_ms},
    {"--attach", OPT_STR, &opt.attach_path},
    {"--init-pid", OPT_LONG, &opt.adopt_pid},
    {"--out-fd", OPT_INT, &opt.adopt_out},
    {"--err-fd", OPT_INT, &opt.adopt_err},
    {"--in-fd", OPT_INT, &opt.adopt_in},
    {"--master-fd", OPT_INT, &opt.adopt_master},
    {"--client-fd", OPT_INT, &opt.adopt_client},
    {"--client-records", OPT_FLAG, &opt.client_records},
    {"--attach-fd", OPT_INT, &opt.adopt_attach},
    {"--rootfs-fd", OPT_INT, &opt.adopt_rootfs},
};

/* The options before the first "--"; returns the index of that "--". */
static int parse_options(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--"); i++) {
        size_t k = 0, n = sizeof options_table / sizeof options_table[0];
        while (k < n && strcmp(argv[i], options_table[k].name))
            k++;
        if (k == n)
            usage();
        void *to = options_table[k].to;
        if (options_table[k].kind == OPT_FLAG) {
            *(bool *)to = true;
            continue;
        }
        if (i + 1 >= argc)
            usage();
        const char *v = argv[++i];
        switch (options_table[k].kind) {
        case OPT_STR: *(const char **)to = v; break;
        case OPT_INT: *(int *)to = (int)strtol(v, NULL, 10); break;
        case OPT_LONG: *(long *)to = strtol(v, NULL, 10); break;
        case OPT_LLONG: *(long long *)to = strtoll(v, NULL, 10); break;
        case OPT_FLAG: break;
        }
    }
    return i;
}

/* The command lines after the options: START -- EXIT [-- HEALTH], each
 * ended by a NULL where its "--" was, as execv wants. */
static void split_commands(int argc, char **argv, int i)
{
    if (i >= argc)
        usage();
    opt.start_argv = argv + i + 1;
    for (int j = i + 1; j < argc; j++) {
        if (!strcmp(argv[j], "--")) {
            argv[j] = NULL;
            if (!opt.exit_argv) {
                opt.exit_argv = argv + j + 1;
            } else {
                opt.health_argv = argv + j + 1;
                break;
            }
        }
    }
    bool adopt = opt.adopt_pid > 0;
    if (!log_path || (!adopt && !opt.start_argv[0]) || !opt.exit_argv || !opt.exit_argv[0] ||
        (opt.health_ms > 0 && (!opt.health_argv || !opt.health_argv[0])) ||
        (adopt && (opt.adopt_out < 0 || opt.adopt_err < 0)))
        usage();
}

/* The monitor's state while the container runs. */
struct monitor {
    sigset_t mask; /* SIGCHLD, blocked: it is read from sfd */
    int sfd;
    int out[2], err[2], in[2], ctl[2];
    struct stream s_out, s_err, s_tty;
    pid_t starter, init_pid, health_pid;
    int init_status, master;
    long long next_check; /* CLOCK_MONOTONIC ms; 0: not scheduled */
    long long started_at; /* CLOCK_MONOTONIC ms when the first check was scheduled */
    bool starter_done, starter_failed, health_passed;
    bool reap_now; /* an adopted init's SIGCHLD may have come before the signalfd: look once */
    /* Children that exit before we know which one is the init. */
    pid_t early_pid[8];
    int early_status[8], n_early;
};

/* Exited children of the monitor we replace (a restart: a healthcheck's
 * process reparented to us) are reaped now, so that none of their pids is
 * taken for the new init's below.  An adopted init may have exited already:
 * it is waited for below, not here.  Then a restart's backoff delay. */
static void wait_before_start(void)
{
    while (opt.adopt_pid <= 0 && waitpid(-1, NULL, WNOHANG) > 0)
        ;
    if (opt.delay_ms > 0) {
        signal(SIGTERM, SIG_DFL);
        struct timespec left = {.tv_sec = opt.delay_ms / 1000, .tv_nsec = (opt.delay_ms % 1000) * 1000000L};
        while (nanosleep(&left, &left) < 0 && errno == EINTR)
            ;
    }
}

/* The monitor's place among processes: the subreaper of the container's
 * init, which learns of exits through a signalfd.  (The log is opened by
 * its first record, log_open.) */
static void open_log_and_signals(struct monitor *m)
{
    /* The container's init is the start command's child; when that exits,
     * the init must become ours, not PID 1's, so that we learn its status. */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
        fail("become a subreaper");
    sigemptyset(&m->mask);
    sigaddset(&m->mask, SIGCHLD);
    sigprocmask(SIG_BLOCK, &m->mask, NULL);
    m->sfd = signalfd(-1, &m->mask, SFD_CLOEXEC | SFD_NONBLOCK);
    /* A Ctrl-C or hangup meant for the `hull run -d` that started us is not ours. */
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
}

/* --init-pid: the container is started already; its stdio is the fds given. */
static void adopt_fds(struct monitor *m)
{
    if (m->sfd < 0)
        fail("set up the signalfd");
    m->out[0] = opt.adopt_out;
    m->err[0] = opt.adopt_err;
    int fds[] = {opt.adopt_out,    opt.adopt_err,    opt.adopt_in,
                 opt.adopt_master, opt.adopt_client, opt.adopt_attach, opt.adopt_rootfs};
    for (size_t k = 0; k < sizeof fds / sizeof fds[0]; k++)
        if (fds[k] >= 0)
            fcntl(fds[k], F_SETFD, FD_CLOEXEC);
}

/* The child of spawn_start_command: exactly the container's stdio, the
 * control socket and the report pipe cross the exec. */
static void __attribute__((noreturn)) exec_start_command(struct monitor *m)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    /* dup2 clears O_CLOEXEC on the copies: exactly these fds cross the exec */
    if (dup2(opt.keep_stdin ? m->in[0] : null, 0) < 0 || dup2(m->out[1], 1) < 0 || dup2(m->err[1], 2) < 0 ||
        dup2(m->ctl[1], CTL_FD) < 0)
        _exit(125);
    if (!opt.have_report && dup2(null, REPORT_FD) < 0)
        _exit(125);
    fcntl(REPORT_FD, F_SETFD, 0);
    signal(SIGHUP, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    sigprocmask(SIG_UNBLOCK, &m->mask, NULL);
    execv(opt.start_argv[0], opt.start_argv);
    _exit(127);
}

/* The start command (`hull _monitor-restart ID`) creates and starts the
 * container; its init becomes ours when it exits (see the top). */
static void spawn_start_command(struct monitor *m)
{
    if (m->sfd < 0 || pipe2(m->out, O_CLOEXEC) < 0 || pipe2(m->err, O_CLOEXEC) < 0 ||
        socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, m->ctl) < 0 ||
        (opt.keep_stdin && pipe2(m->in, O_CLOEXEC) < 0))
        fail("set up the container's stdio");
    m->starter = fork();
    if (m->starter < 0)
        fail("fork the start command");
    if (m->starter == 0)
        exec_start_command(m);
    if (opt.have_report)
        close(REPORT_FD);
    close(m->out[1]);
    close(m->err[1]);
    close(m->ctl[1]);
    if (opt.keep_stdin) {
        /* in[1] stays open: the container's stdin never ends, like docker
         * -di; `hull attach` writes to it (without blocking us) */
        close(m->in[0]);
        fcntl(m->in[1], F_SETFL, O_NONBLOCK);
        if (!opt.tty)
            stdin_fd = m->in[1];
    }
}

/* An adopted container's init, pty or stdin pipe, and the foreground
 * client attached before it started. */
static void adopt_container(struct monitor *m)
{
    m->init_pid = (pid_t)opt.adopt_pid;
    m->starter_done = true;
    m->reap_now = true;
    if (opt.adopt_master >= 0) {
        m->s_tty.fd = m->master = opt.adopt_master;
        fcntl(m->master, F_SETFL, O_NONBLOCK); /* stream_read takes EAGAIN */
        if (opt.keep_stdin)
            stdin_fd = m->master;
    } else if (opt.adopt_in >= 0) {
        stdin_fd = opt.adopt_in;
        fcntl(stdin_fd, F_SETFL, O_NONBLOCK);
    }
    if (opt.adopt_client >= 0) {
        /* blocking, no send timeout: see the top */
        fcntl(opt.adopt_client, F_SETFL, fcntl(opt.adopt_client, F_GETFL) & ~O_NONBLOCK);
        clients[n_clients++] = primary_fd = opt.adopt_client;
    }
}

/* The container has exited, or its start command failed before an init. */
static bool container_gone(const struct monitor *m)
{
    return m->init_status >= 0 || (m->starter_done && m->starter_failed && m->init_pid == 0);
}

/* Healthchecks run while the container runs, never two at once.  Returns
 * true when one was started now (the caller looks at everything again);
 * else *timeout is how long poll may wait for the next (-1: forever). */
static bool health_check_due(struct monitor *m, int *timeout)
{
    *timeout = -1;
    if (opt.health_ms <= 0 || m->init_pid <= 0 || !m->starter_done || m->starter_failed || m->health_pid != 0)
        return false;
    if (m->started_at == 0)
        m->started_at = now_ms();
    if (m->next_check == 0) {
        bool starting = opt.start_period_ms > 0 && opt.start_interval_ms > 0 && !m->health_passed &&
                        now_ms() - m->started_at < opt.start_period_ms;
        m->next_check = now_ms() + (starting ? opt.start_interval_ms : opt.health_ms);
    }
    long long left = m->next_check - now_ms();
    if (left <= 0) {
        pid_t hp = run_health_check(opt.health_argv);
        m->health_pid = hp > 0 ? hp : 0; /* a failed fork: tried again an interval later */
        m->next_check = hp > 0 ? 0 : now_ms() + opt.health_ms;
        return true;
    }
    *timeout = left > 60000 ? 60000 : (int)left;
    return false;
}

/* The start command's "PID n" (and pty master), or its end. */
static void ctl_event(struct monitor *m, short revents)
{
    if (!(revents & POLLIN)) {
        close(m->ctl[0]);
        m->ctl[0] = -1;
        return;
    }
    read_ctl(m->ctl[0], &m->init_pid, &m->master);
    if (m->master >= 0 && m->s_tty.fd < 0) {
        m->s_tty.fd = m->master;
        if (opt.keep_stdin) {
            stdin_fd = m->master;
            fcntl(m->master, F_SETFL, O_NONBLOCK); /* stream_read takes EAGAIN */
        }
    }
    for (int k = 0; k < m->n_early; k++)
        if (m->early_pid[k] == m->init_pid)
            m->init_status = m->early_status[k];
}

/* Every exited child: the start command, a healthcheck, the init, or one
 * that exited before the start command said which is the init. */
static void reap_children(struct monitor *m)
{
    m->reap_now = false;
    struct signalfd_siginfo si;
    while (read(m->sfd, &si, sizeof si) == sizeof si)
        ;
    int st;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        if (pid == m->starter) {
            m->starter_done = true;
            m->starter_failed = !WIFEXITED(st) || WEXITSTATUS(st) != 0;
        } else if (pid == m->health_pid && m->health_pid > 0) {
            m->health_pid = 0; /* the next one is due an interval from now */
            if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
                m->health_passed = true;
        } else if (pid == m->init_pid) {
            m->init_status = st;
        } else if (m->init_pid == 0 && m->n_early < 8) {
            m->early_pid[m->n_early] = pid;
            m->early_status[m->n_early++] = st;
        }
    }
}

enum { P_OUT, P_ERR, P_TTY, P_CTL, P_SIGNAL, P_ATTACH, P_STDIN, P_FIXED };

/* One wait for whatever comes first, and its handling. */
static void poll_once(struct monitor *m, int timeout)
{
    struct pollfd p[P_FIXED + MAX_CLIENTS] = {
        [P_OUT] = {.fd = m->s_out.fd, .events = POLLIN},
        [P_ERR] = {.fd = m->s_err.fd, .events = POLLIN},
        [P_TTY] = {.fd = m->s_tty.fd, .events = POLLIN},
        [P_CTL] = {.fd = m->ctl[0], .events = POLLIN},
        [P_SIGNAL] = {.fd = m->sfd, .events = POLLIN},
        [P_ATTACH] = {.fd = attach_fd, .events = POLLIN},
        [P_STDIN] = {.fd = pending_len > 0 ? stdin_fd : -1, .events = POLLOUT},
    };
    /* While stdin is full, clients are only watched for hanging up. */
    for (int k = 0; k < n_clients; k++)
        p[P_FIXED + k] = (struct pollfd){.fd = clients[k], .events = pending_len > 0 ? 0 : POLLIN};
    int n_polled = n_clients;
    if (poll(p, P_FIXED + (nfds_t)n_polled, timeout) < 0 && errno != EINTR)
        fail("poll");
    /* clients first: accept and streamed output below may reorder them */
    for (int k = n_polled - 1; k >= 0; k--) {
        short r = p[P_FIXED + k].revents;
        bool alive = !r || ((r & POLLIN) ? attach_read(k, m->s_tty.fd) : !(r & (POLLHUP | POLLERR)));
        if (!alive)
            client_drop(k);
    }
    if (p[P_STDIN].revents)
        stdin_flush();
    if (p[P_ATTACH].revents)
        attach_accept();
    if (p[P_OUT].revents)
        stream_read(&m->s_out);
    if (p[P_ERR].revents)
        stream_read(&m->s_err);
    if (p[P_TTY].revents)
        stream_read(&m->s_tty);
    if (p[P_CTL].revents)
        ctl_event(m, p[P_CTL].revents);
    if (p[P_SIGNAL].revents || m->reap_now)
        reap_children(m);
}

/* The container is gone: a check still running would record a container
 * that is gone, and a new client finds no socket and reads the record. */
static void stop_checks_and_clients(struct monitor *m)
{
    if (m->health_pid > 0) {
        kill(m->health_pid, SIGKILL);
        waitpid(m->health_pid, NULL, 0);
    }
    if (attach_fd >= 0) {
        unlinkat(attach_dir, "attach", 0);
        close(attach_fd);
    }
}

/* The init is gone and with it its pid namespace: whatever is still in
 * the pipes is the container's last output.  Read it without waiting for
 * a writer that may never close (a process outside the namespace). */
static void drain_streams(struct monitor *m)
{
    struct stream *streams[] = {&m->s_out, &m->s_err, &m->s_tty};
    for (bool more = true; more;) {
        more = false;
        for (int k = 0; k < 3; k++) {
            struct pollfd p = {.fd = streams[k]->fd, .events = POLLIN};
            if (streams[k]->fd >= 0 && poll(&p, 1, 0) > 0 && stream_read(streams[k]) && streams[k]->fd >= 0)
                more = true;
        }
    }
    for (int k = 0; k < 3; k++)
        stream_flush(streams[k], true);
}

/* --client-records: the foreground client records the exit itself; its
 * "recorded" ends us here, without the exit command. */
static void wait_client_recorded(int code)
{
    /* what it sent before (stdin, a resize) is of no use now */
    for (;;) {
        char m;
        ssize_t r = recv(primary_fd, &m, 1, 0); /* the rest of a longer message is dropped */
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 1 && m == ATTACH_RECORDED)
            _exit(code);
        if (r <= 0)
            break;
    }
    close(primary_fd);
    primary_fd = -1;
}

/* Hand over to hull for what needs the library: record, OOM, cgroups, --rm. */
static void __attribute__((noreturn)) exec_exit_command(struct monitor *m, char *code)
{
    int n_exit = 0;
    while (opt.exit_argv[n_exit])
        n_exit++;
    char **cmd = calloc((size_t)n_exit + 2, sizeof *cmd);
    if (!cmd)
        _exit(exit_code_of(m->init_status));
    memcpy(cmd, opt.exit_argv, (size_t)n_exit * sizeof *cmd);
    cmd[n_exit] = code;
    /* the foreground client's EOF comes when the exit command is done */
    if (primary_fd >= 0)
        fcntl(primary_fd, F_SETFD, 0);
    sigprocmask(SIG_UNBLOCK, &m->mask, NULL);
    execv(cmd[0], cmd);
    fail("execute the exit command");
}

int main(int argc, char **argv)
{
    /* Before anything is opened: the log would take fd 3 when there is no
     * report pipe (a restart, the monitor started again by its exit command). */
    opt.have_report = fcntl(REPORT_FD, F_GETFD) >= 0;
    split_commands(argc, argv, parse_options(argc, argv));
    bool adopt = opt.adopt_pid > 0;
    opt.have_report = opt.have_report && !adopt; /* fd 3 is one of the adopted ones */
    wait_before_start();

    static struct monitor m = {
        .out = {-1, -1}, .err = {-1, -1}, .in = {-1, -1}, .ctl = {-1, -1},
        .s_out = {.name = "stdout", .kind = ATTACH_STDOUT},
        .s_err = {.name = "stderr", .kind = ATTACH_STDERR},
        .s_tty = {.name = "stdout", .kind = ATTACH_STDOUT, .fd = -1},
        .starter = -1, .init_status = -1, .master = -1,
    };
    open_log_and_signals(&m);
    if (adopt)
        adopt_fds(&m);
    else
        spawn_start_command(&m);
    if (opt.attach_path)
        attach_listen(opt.attach_path, adopt ? opt.adopt_attach : -1);
    int null_fd = open("/dev/null", O_RDWR);
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(null_fd, 2);
    m.s_out.fd = m.out[0];
    m.s_err.fd = m.err[0];
    if (adopt)
        adopt_container(&m);

    while (!container_gone(&m)) {
        int timeout;
        if (!health_check_due(&m, &timeout))
            poll_once(&m, timeout);
    }
    stop_checks_and_clients(&m);
    if (m.init_pid == 0) {
        /* The start command failed and reported why to `hull run -d`, which removes the container. */
        _exit(1);
    }
    drain_streams(&m);
    /* The attached clients' last message; the exec below closes them. */
    char code[16];
    int code_len = snprintf(code, sizeof code, "%d", exit_code_of(m.init_status));
    attach_broadcast(ATTACH_EXIT, code, (size_t)code_len);
    if (opt.client_records && primary_fd >= 0)
        wait_client_recorded(exit_code_of(m.init_status));
    exec_exit_command(&m, code);
}
