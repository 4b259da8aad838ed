/* hull: attaching to a container through its monitor (attach.h). */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "attach.h"
#include "container/container.h"
#include "lifecycle.h"
#include "manage.h"
#include "record.h"
#include "restart.h"
#include "util/utils.h"

#define ATTACH_MSG_MAX 16384 /* hull-monitor's LINE_MAX_BYTES: the most one message carries */

int engine_detach_keys_parse(const char *text, char *keys, size_t *n, struct hull_error **err)
{
    *n = 0;
    cleanup_free char *copy = xstrdup(text);
    char *save = NULL;
    for (char *k = strtok_r(copy, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
        char c;
        if (strlen(k) == 1) {
            c = k[0];
        } else if (!strncasecmp(k, "ctrl-", 5) && strlen(k) == 6) {
            char x = k[5];
            if (x >= 'a' && x <= 'z')
                c = (char)(x - 'a' + 1);
            else if (x >= 'A' && x <= 'Z')
                c = (char)(x - 'A' + 1);
            else if (x == '@' || x == '[' || x == '\\' || x == ']' || x == '^' || x == '_')
                c = (char)(x - '@'); /* ctrl-@ is NUL ... ctrl-_ is 31, as in docker */
            else
                return hull_error_set(err, 0, "invalid --detach-keys \"%s\": unknown key %s", text, k);
        } else {
            return hull_error_set(err, 0,
                                  "invalid --detach-keys \"%s\": %s is neither one character nor ctrl-KEY", text, k);
        }
        if (*n == ENGINE_DETACH_KEYS_MAX)
            return hull_error_set(err, 0, "invalid --detach-keys \"%s\": more than %d keys", text,
                                  ENGINE_DETACH_KEYS_MAX);
        keys[(*n)++] = c;
    }
    if (*n == 0)
        return hull_error_set(err, 0, "invalid --detach-keys \"%s\": no key", text);
    return 0;
}

/* Why there is no monitor to connect to, from the record: docker's words. */
static int not_attachable(const struct engine_attach_opts *o, struct hull_error **err)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(o->root, o->id, &rec, err) < 0)
        return -1;
    engine_record_refresh(o->runroot, o->id, rec);
    const char *status = rec->state.status;
    int r;
    if (!strcmp(status, "restarting"))
        r = hull_error_set(err, 0, "cannot attach to container %.12s: it is restarting, wait until it is running",
                           o->id);
    else if (!strcmp(status, "running") || !strcmp(status, "paused"))
        r = hull_error_set(err, 0, "cannot attach to container %.12s: its monitor is not listening (yet)", o->id);
    else
        r = hull_error_set(err, 0, "cannot attach to a stopped container (%.12s), start it first", o->id);
    return r;
}

static int attach_connect(const struct engine_attach_opts *o, int *sock, struct hull_error **err)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(o->root, o->id, &rec, err) < 0)
        return -1;
    bool paused = !strcmp(rec->state.status, "paused");
    if (paused)
        return hull_error_set(err, 0, "cannot attach to a paused container (%.12s), unpause it first", o->id);
    cleanup_free char *dir = engine_container_dir(o->root, o->id);
    cleanup_close int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return not_attachable(o, err);
    /* through the directory's fd: ROOT/containers/ID/attach may be longer
     * than a socket address holds */
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/attach", dfd);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return hull_error_set(err, errno, "socket");
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        close(fd);
        return not_attachable(o, err);
    }
    *sock = fd;
    return 0;
}

int engine_attach_listen(const char *dir)
{
    cleanup_close int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -1;
    /* through the directory's fd, as attach_connect: the path may be longer
     * than a socket address holds */
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/attach", dfd);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    unlinkat(dfd, "attach", 0); /* a socket of an earlier run of the container */
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, ENGINE_ATTACH_BACKLOG) < 0) {
        close(fd);
        unlinkat(dfd, "attach", 0);
        return -1;
    }
    return fd;
}

static int send_msg(int sock, char kind, const char *data, size_t len)
{
    char msg[ATTACH_MSG_MAX + 1];
    msg[0] = kind;
    memcpy(msg + 1, data, len);
    return send(sock, msg, len + 1, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

static void send_size(int sock)
{
    struct winsize ws;
    if (ioctl(0, TIOCGWINSZ, &ws) < 0)
        return;
    char text[32];
    int n = snprintf(text, sizeof text, "%u %u", ws.ws_row, ws.ws_col);
    send_msg(sock, ENGINE_ATTACH_RESIZE, text, (size_t)n);
}

/* docker's escape proxy: stdin bytes that may begin the detach keys are
 * held back until they do or do not end them.  Returns true once they did. */
struct escape {
    const char *keys;
    size_t n_keys, matched;
};

static bool escape_filter(struct escape *e, const char *in, size_t n, char *out, size_t *out_len)
{
    *out_len = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i] == e->keys[e->matched]) {
            if (++e->matched == e->n_keys)
                return true;
            continue;
        }
        /* not the sequence after all: what was held back goes first */
        memcpy(out + *out_len, e->keys, e->matched);
        *out_len += e->matched;
        e->matched = 0;
        if (in[i] == e->keys[0]) {
            e->matched = 1;
            if (e->n_keys == 1)
                return true;
            continue;
        }
        out[(*out_len)++] = in[i];
    }
    return false;
}

/* What we have read of our stdin and the monitor has not taken yet: sent
 * without blocking, so that we keep reading the container's output while
 * the container does not read its input (a blocked send here, a monitor
 * blocked sending us output and a container blocked writing it would wait
 * for each other forever). */
struct outbox {
    char msg[ATTACH_MSG_MAX + 1];
    size_t len; /* 0: empty */
    bool close_stdin; /* our stdin ended: say so once what is read went */
};

/* Tries to send what is held; false when the monitor is gone. */
static bool outbox_flush(int sock, struct outbox *ob)
{
    if (ob->len > 0) {
        ssize_t r = send(sock, ob->msg, ob->len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (r < 0)
            return errno == EAGAIN || errno == EINTR;
        ob->len = 0;
    }
    if (ob->close_stdin) {
        char m = ENGINE_ATTACH_CLOSE_STDIN;
        ssize_t r = send(sock, &m, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (r < 0)
            return errno == EAGAIN || errno == EINTR;
        ob->close_stdin = false;
    }
    return true;
}

/* The signals we take while attached: for a terminal SIGWINCH; proxied
 * to the container otherwise (docker's --sig-proxy: all but SIGCHLD,
 * SIGPIPE, SIGURG and the ones about us: faults, job control).  A
 * foreground run proxies job control too, as it did when it was the
 * container's parent, and takes SIGCHLD and SIGPIPE to drop them. */
static bool proxied(const struct engine_attach_opts *o, int sig)
{
    switch (sig) {
    case SIGCHLD:
    case SIGPIPE:
    case SIGURG:
    case SIGWINCH:
        return false;
    case SIGTTIN:
    case SIGTTOU:
    case SIGTSTP:
        return o->foreground;
    default:
        return o->sig_proxy && (!o->tty || o->foreground);
    }
}

static void attach_signals(const struct engine_attach_opts *o, sigset_t *set)
{
    static const int never[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGKILL, SIGSTOP};
    sigemptyset(set);
    if (o->sig_proxy && (!o->tty || o->foreground)) {
        sigfillset(set);
        for (size_t i = 0; i < ARRAY_SIZE(never); i++)
            sigdelset(set, never[i]);
        for (int sig = 1; sig < NSIG; sig++)
            if (sigismember(set, sig) == 1 && !proxied(o, sig) && !(o->foreground && (sig == SIGCHLD || sig == SIGPIPE)))
                sigdelset(set, sig);
    }
    if (o->tty)
        sigaddset(set, SIGWINCH);
}

int engine_attach_session(const struct engine_attach_opts *o, int sock, int *exit_code, bool *detached,
                          struct hull_error **err)
{
    *detached = false;
    sigset_t set, old;
    attach_signals(o, &set);
    sigprocmask(SIG_BLOCK, &set, &old);
    cleanup_close int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_pipe;
    sigaction(SIGPIPE, &ign, &old_pipe);

    struct termios saved;
    bool raw = o->tty && o->send_stdin && isatty(0) && tcgetattr(0, &saved) == 0;
    if (raw) {
        struct termios t = saved;
        cfmakeraw(&t);
        tcsetattr(0, TCSANOW, &t);
    }
    if (o->tty && isatty(0))
        send_size(sock);

    cleanup_free char *rtroot = engine_runtime_root(o->runroot);
    struct escape esc = {.keys = o->detach_keys, .n_keys = o->n_detach_keys};
    bool reading_stdin = o->send_stdin, got_exit = false, out_broken = false;
    int code = -1;
    static struct outbox ob;
    ob.len = 0;
    ob.close_stdin = false;
    char buf[ATTACH_MSG_MAX + 2];
    for (;;) {
        bool held = ob.len > 0 || ob.close_stdin;
        struct pollfd p[3] = {
            {.fd = sock, .events = POLLIN | (held ? POLLOUT : 0)},
            {.fd = reading_stdin && !held ? 0 : -1, .events = POLLIN},
            {.fd = sfd, .events = POLLIN},
        };
        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[2].revents) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
                if (si.ssi_signo == SIGWINCH) {
                    send_size(sock);
                } else if (proxied(o, (int)si.ssi_signo)) {
                    cleanup_error struct hull_error *e = NULL;
                    container_kill(rtroot, o->id, (int)si.ssi_signo, false, &e);
                }
            }
        }
        if ((p[0].revents & POLLOUT) && !outbox_flush(sock, &ob))
            break;
        if (p[1].revents) {
            /* less than a message: with the detach keys held back before
             * it, what goes on still fits in one */
            ssize_t n = read(0, buf, ATTACH_MSG_MAX - ENGINE_DETACH_KEYS_MAX);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                /* our stdin ended: the foreground run's container's ends too
                 * (docker run -i); an attached one's does not */
                reading_stdin = false;
                ob.close_stdin = o->foreground;
            } else {
                size_t len;
                if (escape_filter(&esc, buf, (size_t)n, ob.msg + 1, &len)) {
                    *detached = true;
                    break;
                }
                if (len > 0) {
                    ob.msg[0] = ENGINE_ATTACH_STDIN;
                    ob.len = len + 1;
                }
            }
            if (!outbox_flush(sock, &ob))
                break;
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = recv(sock, buf, sizeof buf - 1, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            if ((buf[0] == ENGINE_ATTACH_STDOUT || buf[0] == ENGINE_ATTACH_STDERR) && !out_broken) {
                int fd = buf[0] == ENGINE_ATTACH_STDERR && !o->tty ? 2 : 1;
                if (write_all(fd, buf + 1, (size_t)n - 1) < 0 && errno == EPIPE && fd == 1) {
                    /* whoever read our stdout is gone: the container learns
                     * it as it did when it wrote there itself */
                    out_broken = true;
                    if (o->foreground) {
                        cleanup_error struct hull_error *e = NULL;
                        container_kill(rtroot, o->id, SIGPIPE, false, &e);
                    }
                }
            } else if (buf[0] == ENGINE_ATTACH_EXIT) {
                buf[n] = '\0';
                code = atoi(buf + 1);
                got_exit = true;
                if (o->records_exit)
                    break; /* the monitor waits for us: the caller records it */
            }
        }
    }
    if (raw)
        tcsetattr(0, TCSANOW, &saved);
    /* what is pending of the signals we took is dropped: a SIGPIPE of ours
     * must not end us once unblocked */
    struct timespec zero = {0};
    while (sigtimedwait(&set, NULL, &zero) > 0)
        ;
    sigaction(SIGPIPE, &old_pipe, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (*detached)
        return 0;
    if (!got_exit)
        return hull_error_set(err, 0, "container %.12s: its monitor went away", o->id);
    /* The foreground run's monitor closes us once the exit is recorded.
     * Otherwise: the code the record keeps once the monitor's exit command
     * wrote it (what `hull wait` gives); a container removed by --rm
     * meanwhile has only the monitor's word. */
    *exit_code = code;
    if (o->foreground)
        return 0;
    cleanup_error struct hull_error *e = NULL;
    if (engine_container_wait_id(o->root, o->runroot, o->id, exit_code, &e) < 0)
        *exit_code = code;
    return 0;
}

int engine_attach(const struct engine_attach_opts *o, int *exit_code, bool *detached, struct hull_error **err)
{
    cleanup_close int sock = -1;
    if (attach_connect(o, &sock, err) < 0)
        return -1;
    return engine_attach_session(o, sock, exit_code, detached, err);
}

int engine_container_attach(const struct engine_container_attach_opts *o, int *exit_code, struct hull_error **err)
{
    *exit_code = 1;
    cleanup_free char *id = NULL;
    if (engine_container_resolve(o->root, o->container, &id, err) < 0)
        return -1;
    struct engine_attach_opts a = {
        .root = o->root,
        .runroot = o->runroot,
        .id = id,
        .sig_proxy = o->sig_proxy,
    };
    if (engine_detach_keys_parse(o->detach_keys ? o->detach_keys : "ctrl-p,ctrl-q", a.detach_keys,
                                 &a.n_detach_keys, err) < 0) {
        *exit_code = 125; /* a bad flag, as docker says it */
        return -1;
    }
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(o->root, id, &rec, err) < 0)
        return -1;
    a.tty = rec->config.tty;
    /* docker: stdin is attached when the container keeps one open (-i) */
    a.send_stdin = !o->no_stdin && rec->config.open_stdin;
    int code = 0;
    bool detached = false;
    if (engine_attach(&a, &code, &detached, err) < 0)
        return -1;
    *exit_code = detached ? 0 : code;
    return 0;
}
