#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "../util/utils.h"

int terminal_open_pty(int *master, int *slave, char **slave_path, unsigned rows, unsigned cols,
                      struct hull_error **err)
{
    cleanup_close int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0)
        return hull_error_set(err, errno, "open /dev/ptmx");
    int unlock = 0;
    if (ioctl(m, TIOCSPTLCK, &unlock) < 0)
        return hull_error_set(err, errno, "unlock pty");
    /* TIOCGPTPEER opens the slave through the master, so no path lookup can be
     * redirected by the container (CVE-2016-9962 class). */
    int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s < 0)
        return hull_error_set(err, errno, "open pty slave");
    int n;
    if (ioctl(m, TIOCGPTN, &n) < 0) {
        close(s);
        return hull_error_set(err, errno, "get pty number");
    }
    if (rows && cols) {
        struct winsize ws = {.ws_row = rows, .ws_col = cols};
        ioctl(m, TIOCSWINSZ, &ws);
    }
    *slave_path = xasprintf("/dev/pts/%d", n);
    *slave = s;
    *master = steal_fd(&m);
    return 0;
}

int terminal_become_controlling(int slave, struct hull_error **err)
{
    /* The container's processes already lead their own session (init.c). */
    if (getsid(0) != getpid() && setsid() < 0)
        return hull_error_set(err, errno, "setsid");
    if (ioctl(slave, TIOCSCTTY, 0) < 0)
        return hull_error_set(err, errno, "set controlling terminal");
    for (int i = 0; i < 3; i++)
        if (dup2(slave, i) < 0)
            return hull_error_set(err, errno, "dup2 pty onto %d", i);
    return 0;
}

int send_fd(int sock, int fd, const char *payload, struct hull_error **err)
{
    char data[256];
    size_t len = payload ? strnlen(payload, sizeof data - 1) : 0;
    memcpy(data, payload ? payload : "", len);
    if (len == 0)
        data[len++] = '\0';
    struct iovec iov = {.iov_base = data, .iov_len = len};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    ssize_t r;
    do
        r = sendmsg(sock, &msg, MSG_NOSIGNAL);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return hull_error_set(err, errno, "send file descriptor");
    return 0;
}

int unix_socket_connect(const char *path, struct hull_error **err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path)
        return hull_error_set(err, ENAMETOOLONG, "socket path %s", path);
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return hull_error_set(err, errno, "socket");
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int saved = errno;
        close(fd);
        return hull_error_set(err, saved, "connect to console socket %s", path);
    }
    return fd;
}

/* ---- foreground proxy ---- */

static struct termios saved_termios;
static bool termios_saved = false;
static int proxy_master = -1;
static pthread_t proxy_thread;
static bool proxy_running = false;

static void copy_winsize(void)
{
    struct winsize ws;
    if (proxy_master >= 0 && ioctl(0, TIOCGWINSZ, &ws) == 0)
        ioctl(proxy_master, TIOCSWINSZ, &ws);
}

static void on_winch(int sig)
{
    (void)sig;
    copy_winsize();
}

static void *proxy_loop(void *arg)
{
    (void)arg;
    struct pollfd fds[2] = {{.fd = 0, .events = POLLIN}, {.fd = proxy_master, .events = POLLIN}};
    char buf[8192];
    for (;;) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[1].revents & (POLLIN | POLLHUP)) {
            ssize_t n = read(proxy_master, buf, sizeof buf);
            if (n <= 0)
                break;
            write_all(1, buf, n);
        }
        if (fds[0].revents & POLLIN) {
            ssize_t n = read(0, buf, sizeof buf);
            if (n <= 0)
                fds[0].fd = -1; /* stdin closed: keep copying output */
            else
                write_all(proxy_master, buf, n);
        } else if (fds[0].revents & (POLLHUP | POLLERR)) {
            fds[0].fd = -1;
        }
    }
    return NULL;
}

void terminal_proxy_start(int master)
{
    proxy_master = master;
    if (isatty(0) && tcgetattr(0, &saved_termios) == 0) {
        termios_saved = true;
        struct termios raw = saved_termios;
        cfmakeraw(&raw);
        tcsetattr(0, TCSANOW, &raw);
        copy_winsize();
        struct sigaction sa = {.sa_handler = on_winch, .sa_flags = SA_RESTART};
        sigaction(SIGWINCH, &sa, NULL);
    }
    if (pthread_create(&proxy_thread, NULL, proxy_loop, NULL) == 0)
        proxy_running = true;
}

void terminal_proxy_stop(void)
{
    if (proxy_running) {
        /* The container is gone; drain what the master still holds, then stop. */
        pthread_join(proxy_thread, NULL);
        proxy_running = false;
    }
    if (termios_saved)
        tcsetattr(0, TCSANOW, &saved_termios);
    termios_saved = false;
}
