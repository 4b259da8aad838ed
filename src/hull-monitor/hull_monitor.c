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
 *   hull run -d ──fork,setsid,fork──> hull-monitor  (subreaper)
 *                                      │ stdout/stderr pipes, ctl socket
 *                                      └─fork,exec─> hull _monitor-start ID
 *                                                     container_create+start,
 *                                                     sends "PID n" (+ the pty
 *                                                     master with -t), reports
 *                                                     OK/error on fd 3, exits
 *   the container's init is reparented to the monitor (PR_SET_CHILD_SUBREAPER),
 *   which logs its output and, once it has exited, replaces itself with
 *   `hull ... _monitor-exit ID CODE` (record, OOM, cgroups, --rm).
 *
 * The foreground `hull run` saves the start command's exec: its forked
 * child starts the container through the library itself and then execs us
 * as the container's monitor (src/libhull-engine/engine/lifecycle.c):
 *
 *   hull run ──fork,setsid──> child: create+start (the init is its child),
 *     │  attach socketpair      "OK" to hull run, exec ──> hull-monitor --init-pid N
 *     └── the first client from before the container starts: no output is lost
 *
 * Usage (internal; hull builds the command line):
 *   hull-monitor --log FILE [--log-max-size BYTES [--log-max-files N]] [--tty] [--stdin]
 *                [--delay-ms N] [--health-interval-ms N [--health-start-period-ms P
 *                --health-start-interval-ms S]] [--attach DIR]
 *                [--init-pid N --out-fd FD --err-fd FD [--in-fd FD] [--master-fd FD]
 *                 [--client-fd FD [--client-records]]]
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
 * longer than a socket address holds. */
static void attach_listen(const char *dir)
{
    attach_dir = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
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

/* One CRI log line: TIMESTAMP STREAM F|P TEXT\n, written with one write(2)
 * so `hull logs -f` never reads half a record. */
static void log_record(const char *stream, bool full, const char *text, size_t len)
{
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

static void fail(const char *what)
{
    char msg[256];
    int n = snprintf(msg, sizeof msg, "hull-monitor: %s: %s", what, strerror(errno));
    if (log_fd >= 0)
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
                    "[--health-start-period-ms P --health-start-interval-ms S] [--attach DIR] "
                    "-- START_ARGV... -- EXIT_ARGV... [-- HEALTH_ARGV...]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    /* Before anything is opened: the log would take fd 3 when there is no
     * report pipe (a restart, the monitor started again by its exit command). */
    bool have_report = fcntl(REPORT_FD, F_GETFD) >= 0;
    bool tty = false, keep_stdin = false;
    long delay_ms = 0, health_ms = 0, start_period_ms = 0, start_interval_ms = 0;
    const char *attach_path = NULL;
    /* --init-pid: the started container's init and its stdio (see the top) */
    long adopt_pid = 0;
    int adopt_out = -1, adopt_err = -1, adopt_in = -1, adopt_master = -1, adopt_client = -1;
    bool client_records = false;
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--log") && i + 1 < argc)
            log_path = argv[++i];
        else if (!strcmp(argv[i], "--tty"))
            tty = true;
        else if (!strcmp(argv[i], "--stdin"))
            keep_stdin = true;
        else if (!strcmp(argv[i], "--delay-ms") && i + 1 < argc)
            delay_ms = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--health-interval-ms") && i + 1 < argc)
            health_ms = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--log-max-size") && i + 1 < argc)
            log_max_size = strtoll(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--health-start-period-ms") && i + 1 < argc)
            start_period_ms = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--health-start-interval-ms") && i + 1 < argc)
            start_interval_ms = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--attach") && i + 1 < argc)
            attach_path = argv[++i];
        else if (!strcmp(argv[i], "--log-max-files") && i + 1 < argc)
            log_max_files = (int)strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--init-pid") && i + 1 < argc)
            adopt_pid = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--out-fd") && i + 1 < argc)
            adopt_out = (int)strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--err-fd") && i + 1 < argc)
            adopt_err = (int)strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--in-fd") && i + 1 < argc)
            adopt_in = (int)strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--master-fd") && i + 1 < argc)
            adopt_master = (int)strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--client-fd") && i + 1 < argc)
            adopt_client = (int)strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--client-records"))
            client_records = true;
        else
            usage();
    }
    char **start_argv = argv + i + 1, **exit_argv = NULL, **health_argv = NULL;
    for (int j = i + 1; j < argc; j++) {
        if (!strcmp(argv[j], "--")) {
            argv[j] = NULL;
            if (!exit_argv) {
                exit_argv = argv + j + 1;
            } else {
                health_argv = argv + j + 1;
                break;
            }
        }
    }
    bool adopt = adopt_pid > 0;
    have_report = have_report && !adopt; /* fd 3 is one of the adopted ones */
    if (!log_path || i >= argc || (!adopt && !start_argv[0]) || !exit_argv || !exit_argv[0] ||
        (health_ms > 0 && (!health_argv || !health_argv[0])) || (adopt && (adopt_out < 0 || adopt_err < 0)))
        usage();
    /* Exited children of the monitor we replace (a restart: a healthcheck's
     * process reparented to us) are reaped now, so that none of their pids
     * is taken for the new init's below.  An adopted init may have exited
     * already: it is waited for below, not here. */
    while (!adopt && waitpid(-1, NULL, WNOHANG) > 0)
        ;
    if (delay_ms > 0) {
        signal(SIGTERM, SIG_DFL);
        struct timespec left = {.tv_sec = delay_ms / 1000, .tv_nsec = (delay_ms % 1000) * 1000000L};
        while (nanosleep(&left, &left) < 0 && errno == EINTR)
            ;
    }

    log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (log_fd < 0)
        fail("open the log");
    struct stat st;
    log_size = fstat(log_fd, &st) == 0 ? (long long)st.st_size : 0;
    /* The container's init is the start command's child; when that exits,
     * the init must become ours, not PID 1's, so that we learn its status. */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
        fail("become a subreaper");
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    /* A Ctrl-C or hangup meant for the `hull run -d` that started us is not ours. */
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);

    int out[2] = {-1, -1}, err[2] = {-1, -1}, in[2] = {-1, -1}, ctl[2] = {-1, -1};
    pid_t starter = -1;
    if (adopt) {
        if (sfd < 0)
            fail("set up the signalfd");
        out[0] = adopt_out;
        err[0] = adopt_err;
        int fds[] = {adopt_out, adopt_err, adopt_in, adopt_master, adopt_client};
        for (size_t k = 0; k < sizeof fds / sizeof fds[0]; k++)
            if (fds[k] >= 0)
                fcntl(fds[k], F_SETFD, FD_CLOEXEC);
        goto started;
    }
    if (sfd < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 ||
        socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) < 0 || (keep_stdin && pipe2(in, O_CLOEXEC) < 0))
        fail("set up the container's stdio");

    starter = fork();
    if (starter < 0)
        fail("fork the start command");
    if (starter == 0) {
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        /* dup2 clears O_CLOEXEC on the copies: exactly these fds cross the exec */
        if (dup2(keep_stdin ? in[0] : null, 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0 ||
            dup2(ctl[1], CTL_FD) < 0)
            _exit(125);
        if (!have_report && dup2(null, REPORT_FD) < 0)
            _exit(125);
        fcntl(REPORT_FD, F_SETFD, 0);
        signal(SIGHUP, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        sigprocmask(SIG_UNBLOCK, &mask, NULL);
        execv(start_argv[0], start_argv);
        _exit(127);
    }
    if (have_report)
        close(REPORT_FD);
    close(out[1]);
    close(err[1]);
    close(ctl[1]);
    if (keep_stdin) {
        /* in[1] stays open: the container's stdin never ends, like docker
         * -di; `hull attach` writes to it (without blocking us) */
        close(in[0]);
        fcntl(in[1], F_SETFL, O_NONBLOCK);
        if (!tty)
            stdin_fd = in[1];
    }
started:
    if (attach_path)
        attach_listen(attach_path);
    int null_fd = open("/dev/null", O_RDWR);
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(null_fd, 2);

    static struct stream s_out = {.name = "stdout", .kind = ATTACH_STDOUT},
                         s_err = {.name = "stderr", .kind = ATTACH_STDERR},
                         s_tty = {.name = "stdout", .kind = ATTACH_STDOUT};
    s_out.fd = out[0];
    s_err.fd = err[0];
    s_tty.fd = -1;
    pid_t init_pid = 0, health_pid = 0;
    int init_status = -1, master = -1;
    long long next_check = 0; /* CLOCK_MONOTONIC ms; 0: not scheduled */
    bool starter_done = false, starter_failed = false, health_passed = false;
    /* an adopted init's SIGCHLD may have come before the signalfd: look once */
    bool reap_now = adopt;
    if (adopt) {
        init_pid = (pid_t)adopt_pid;
        starter_done = true;
        if (adopt_master >= 0) {
            s_tty.fd = master = adopt_master;
            tty = true;
            fcntl(master, F_SETFL, O_NONBLOCK); /* stream_read takes EAGAIN */
            if (keep_stdin)
                stdin_fd = master;
        } else if (adopt_in >= 0) {
            stdin_fd = adopt_in;
            fcntl(stdin_fd, F_SETFL, O_NONBLOCK);
        }
        if (adopt_client >= 0) {
            /* blocking, no send timeout: see the top */
            fcntl(adopt_client, F_SETFL, fcntl(adopt_client, F_GETFL) & ~O_NONBLOCK);
            clients[n_clients++] = primary_fd = adopt_client;
        }
    }
    long long started_at = 0; /* CLOCK_MONOTONIC ms when the first check was scheduled */
    /* Children that exit before we know which one is the init. */
    pid_t early_pid[8];
    int early_status[8], n_early = 0;

    enum { P_FIXED = 7 };
    for (;;) {
        struct pollfd p[P_FIXED + MAX_CLIENTS] = {
            {.fd = s_out.fd, .events = POLLIN}, {.fd = s_err.fd, .events = POLLIN}, {.fd = s_tty.fd, .events = POLLIN},
            {.fd = ctl[0], .events = POLLIN},   {.fd = sfd, .events = POLLIN},    {.fd = attach_fd, .events = POLLIN},
            {.fd = pending_len > 0 ? stdin_fd : -1, .events = POLLOUT},
        };
        /* While stdin is full, clients are only watched for hanging up. */
        for (int k = 0; k < n_clients; k++)
            p[P_FIXED + k] = (struct pollfd){.fd = clients[k], .events = pending_len > 0 ? 0 : POLLIN};
        int n_polled = n_clients;
        if (init_status >= 0 || (starter_done && starter_failed && init_pid == 0))
            break;
        int timeout = -1;
        if (health_ms > 0 && init_pid > 0 && starter_done && !starter_failed && health_pid == 0) {
            if (started_at == 0)
                started_at = now_ms();
            if (next_check == 0) {
                bool starting = start_period_ms > 0 && start_interval_ms > 0 && !health_passed &&
                                now_ms() - started_at < start_period_ms;
                next_check = now_ms() + (starting ? start_interval_ms : health_ms);
            }
            long long left = next_check - now_ms();
            if (left <= 0) {
                pid_t hp = run_health_check(health_argv);
                health_pid = hp > 0 ? hp : 0; /* a failed fork: tried again an interval later */
                next_check = hp > 0 ? 0 : now_ms() + health_ms;
                continue;
            }
            timeout = left > 60000 ? 60000 : (int)left;
        }
        if (poll(p, P_FIXED + (nfds_t)n_polled, timeout) < 0 && errno != EINTR)
            fail("poll");
        /* clients first: accept and streamed output below may reorder them */
        for (int k = n_polled - 1; k >= 0; k--) {
            short r = p[P_FIXED + k].revents;
            bool alive = !r || ((r & POLLIN) ? attach_read(k, s_tty.fd) : !(r & (POLLHUP | POLLERR)));
            if (!alive)
                client_drop(k);
        }
        if (p[6].revents)
            stdin_flush();
        if (p[5].revents)
            attach_accept();
        if (p[0].revents)
            stream_read(&s_out);
        if (p[1].revents)
            stream_read(&s_err);
        if (p[2].revents)
            stream_read(&s_tty);
        if (p[3].revents) {
            if (p[3].revents & POLLIN) {
                read_ctl(ctl[0], &init_pid, &master);
                if (master >= 0 && s_tty.fd < 0) {
                    s_tty.fd = master;
                    tty = true;
                    if (keep_stdin) {
                        stdin_fd = master;
                        fcntl(master, F_SETFL, O_NONBLOCK); /* stream_read takes EAGAIN */
                    }
                }
                for (int k = 0; k < n_early; k++)
                    if (early_pid[k] == init_pid)
                        init_status = early_status[k];
            } else {
                close(ctl[0]);
                ctl[0] = -1;
            }
        }
        if (p[4].revents || reap_now) {
            reap_now = false;
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) == sizeof si)
                ;
            int st;
            pid_t pid;
            while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
                if (pid == starter) {
                    starter_done = true;
                    starter_failed = !WIFEXITED(st) || WEXITSTATUS(st) != 0;
                } else if (pid == health_pid && health_pid > 0) {
                    health_pid = 0; /* the next one is due an interval from now */
                    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
                        health_passed = true;
                } else if (pid == init_pid) {
                    init_status = st;
                } else if (init_pid == 0 && n_early < 8) {
                    early_pid[n_early] = pid;
                    early_status[n_early++] = st;
                }
            }
        }
    }
    (void)tty;
    /* A check still running would record a container that is gone. */
    if (health_pid > 0) {
        kill(health_pid, SIGKILL);
        waitpid(health_pid, NULL, 0);
    }
    /* No new client from here: one that finds no socket reads the record. */
    if (attach_fd >= 0) {
        unlinkat(attach_dir, "attach", 0);
        close(attach_fd);
    }
    if (init_pid == 0) {
        /* The start command failed and reported why to `hull run -d`, which removes the container. */
        _exit(1);
    }
    /* The init is gone and with it its pid namespace: whatever is still in
     * the pipes is the container's last output.  Read it without waiting for
     * a writer that may never close (a process outside the namespace). */
    struct stream *streams[] = {&s_out, &s_err, &s_tty};
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
    /* The attached clients' last message; the exec below closes them. */
    char code[16];
    int code_len = snprintf(code, sizeof code, "%d", exit_code_of(init_status));
    attach_broadcast(ATTACH_EXIT, code, (size_t)code_len);
    if (client_records && primary_fd >= 0) {
        /* what it sent before (stdin, a resize) is of no use now */
        for (;;) {
            char m;
            ssize_t r = recv(primary_fd, &m, 1, 0); /* the rest of a longer message is dropped */
            if (r < 0 && errno == EINTR)
                continue;
            if (r == 1 && m == ATTACH_RECORDED)
                _exit(exit_code_of(init_status));
            if (r <= 0)
                break;
        }
        close(primary_fd);
        primary_fd = -1;
    }

    /* Hand over to hull for what needs the library: record, OOM, cgroups, --rm. */
    int n_exit = 0;
    while (exit_argv[n_exit])
        n_exit++;
    char **cmd = calloc((size_t)n_exit + 2, sizeof *cmd);
    if (!cmd)
        _exit(exit_code_of(init_status));
    memcpy(cmd, exit_argv, (size_t)n_exit * sizeof *cmd);
    cmd[n_exit] = code;
    /* the foreground client's EOF comes when the exit command is done */
    if (primary_fd >= 0)
        fcntl(primary_fd, F_SETFD, 0);
    sigprocmask(SIG_UNBLOCK, &mask, NULL);
    execv(cmd[0], cmd);
    fail("execute the exit command");
    return 0;
}
