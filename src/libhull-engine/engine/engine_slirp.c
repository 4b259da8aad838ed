/* --network slirp4netns: a network of the container's own without root
 * (docs/rootless.md).  slirp4netns (Debian package slirp4netns) is a user-mode
 * TCP/IP stack: it puts a tap device, tap0, into the container's network
 * namespace (10.0.2.100/24, gateway 10.0.2.2, DNS 10.0.2.3) and turns the
 * container's packets into socket calls of its own in the host's network
 * namespace; -p is its "add_hostfwd" (a listening socket on the host that it
 * forwards into the container).  One slirp4netns per container, started
 * before the container's process runs and stopped by pid when it ends. */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine_network_internal.h"
#include "record.h"
#include "network/network.h"
#include "util/log.h"
#include "util/utils.h"

#define SLIRP_PID "slirp4netns.pid"
#define SLIRP_LOG "slirp4netns.log"
#define SLIRP_SOCK "slirp4netns.sock"
#define SLIRP_READY_SECONDS 20
#define SLIRP_GUEST_IP "10.0.2.100" /* --configure's address of tap0 */

static bool slirp_in_path(void)
{
    const char *path = getenv("PATH");
    cleanup_free char *copy = xstrdup(path && *path ? path : "/usr/bin:/bin");
    char *save = NULL;
    for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        cleanup_free char *p = xasprintf("%s/slirp4netns", d);
        if (access(p, X_OK) == 0)
            return true;
    }
    return false;
}

int engine_slirp_check(struct hull_error **err)
{
    if (!slirp_in_path())
        return hull_error_set(err, 0, "slirp4netns is not installed (Debian package slirp4netns)");
    /* slirp4netns makes tap0 from it; hosts that keep it root's (mode 0600)
     * leave a normal user without: say so now, not after the container exists. */
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return hull_error_set(err, errno, "slirp4netns needs /dev/net/tun, which this user cannot open (the host "
                              "must allow it: mode 0666, as most distributions ship it)");
    close(fd);
    return 0;
}

/* The last line slirp4netns wrote, for an error message. */
static char *log_tail(const char *dir)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, SLIRP_LOG);
    cleanup_free char *text = NULL;
    if (read_file(path, &text, NULL, NULL) < 0 || !*text)
        return xstrdup("no output");
    size_t n = strlen(text);
    while (n > 0 && text[n - 1] == '\n')
        text[--n] = '\0';
    char *nl = strrchr(text, '\n');
    return xstrdup(nl ? nl + 1 : text);
}

/* One request on the API socket (a connection each, as slirp4netns answers
 * one and closes); 0 and the reply, or -1. */
static int api_call(int dirfd, const char *request, char **reply, struct hull_error **err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    /* The container directory's path may be longer than sun_path: go through our fd of it. */
    snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/%s", dirfd, SLIRP_SOCK);
    cleanup_close int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof sa) < 0)
        return hull_error_set(err, errno, "slirp4netns: connect to its API socket");
    if (write_all(s, request, strlen(request)) < 0)
        return hull_error_set(err, errno, "slirp4netns: send a request");
    shutdown(s, SHUT_WR);
    char buf[4096];
    ssize_t n = read_all(s, buf, sizeof buf - 1);
    if (n < 0)
        return hull_error_set(err, errno, "slirp4netns: read its answer");
    buf[n] = '\0';
    *reply = xstrdup(buf);
    return 0;
}

/* A free port of the host for -p's "any port" (slirp4netns needs a number). */
static int free_port(const struct in_addr *ip, int proto)
{
    cleanup_close int s = socket(AF_INET, (proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr = *ip};
    socklen_t len = sizeof sa;
    if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 || getsockname(s, (struct sockaddr *)&sa, &len) < 0)
        return -1;
    return ntohs(sa.sin_port);
}

/* slirp4netns's reply to add_hostfwd: {"return": {}} or {"error": {"desc":
 * ...}}.  True when it failed; *desc then holds its reason, when it gave one. */
static bool hostfwd_failed(const char *reply, char **desc)
{
    struct json_object *j = json_tokener_parse(reply);
    struct json_object *e = NULL, *d = NULL;
    bool failed = !j || json_object_object_get_ex(j, "error", &e);
    if (failed && e && json_object_object_get_ex(e, "desc", &d)) {
        free(*desc);
        *desc = xstrdup(json_object_get_string(d));
    }
    json_object_put(j);
    return failed;
}
/* p through add_hostfwd; *out: the binding in force (the port it got). */
static int publish(int dirfd, const struct network_port *p, struct network_binding *out, struct hull_error **err)
{
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &p->host_ip, ip, sizeof ip);
    unsigned lo = p->host_lo, hi = p->host_hi;
    if (lo == 0) {
        int port = free_port(&p->host_ip, p->proto);
        if (port < 0)
            return hull_error_set(err, errno, "-p %s::%u: no free port on the host", ip, p->ctr_port);
        lo = hi = (unsigned)port;
    }
    cleanup_free char *last = NULL;
    for (unsigned port = lo; port <= hi; port++) {
        cleanup_free char *req =
            xasprintf("{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"%s\", \"host_addr\": \"%s\", "
                      "\"host_port\": %u, \"guest_port\": %u}}",
                      network_proto_name(p->proto), ip, port, p->ctr_port);
        cleanup_free char *reply = NULL;
        if (api_call(dirfd, req, &reply, err) < 0)
            return -1;
        if (!hostfwd_failed(reply, &last)) {
            *out = (struct network_binding){.proto = p->proto, .host_ip = p->host_ip, .host_port = (uint16_t)port,
                                            .ctr_port = p->ctr_port};
            inet_pton(AF_INET, SLIRP_GUEST_IP, &out->ctr_ip);
            return 0;
        }
    }
    return hull_error_set(err, 0, "-p %s:%u:%u/%s: slirp4netns cannot listen there: %s", ip, lo, p->ctr_port,
                          network_proto_name(p->proto), last ? last : "no answer");
}

/* fork, setsid, fork: slirp4netns belongs to nobody of ours (a `hull run -d`
 * exits at once); its pid comes back through a pipe. */
static pid_t spawn(const char *dir, int pid, int ready_w, struct hull_error **err)
{
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) < 0)
        return hull_error_set(err, errno, "pipe");
    pid_t mid = fork();
    if (mid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return hull_error_set(err, errno, "fork");
    }
    if (mid == 0) {
        close(pfd[0]);
        setsid();
        pid_t child = fork();
        if (child != 0) {
            if (child > 0 && write(pfd[1], &child, sizeof child) != sizeof child)
                _exit(1);
            _exit(child < 0);
        }
        if (chdir(dir) < 0)
            _exit(127);
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        int log = open(SLIRP_LOG, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (null < 0 || log < 0 || dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0 ||
            dup2(ready_w, 3) < 0)
            _exit(127);
        syscall(SYS_close_range, 4U, ~0U, 0U);
        char target[32];
        snprintf(target, sizeof target, "%d", pid);
        /* --disable-host-loopback: the container does not reach the host's 127.0.0.1 */
        execlp("slirp4netns", "slirp4netns", "--configure", "--mtu=65520", "--disable-host-loopback",
               "--api-socket", SLIRP_SOCK, "--ready-fd=3", target, "tap0", (char *)NULL);
        dprintf(2, "exec slirp4netns: %s\n", strerror(errno));
        _exit(127);
    }
    close(pfd[1]);
    pid_t child = -1;
    ssize_t n = read_all(pfd[0], &child, sizeof child);
    close(pfd[0]);
    int status;
    while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
        ;
    if (n != sizeof child || child <= 0)
        return hull_error_set(err, 0, "slirp4netns: could not be started");
    return child;
}

int engine_slirp_start(const char *root, const char *id, int pid, const struct network_port *ports, size_t n,
                       struct hull_error **err)
{
    cleanup_free char *dir = engine_container_dir(root, id);
    cleanup_close int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return hull_error_set(err, errno, "open %s", dir);
    unlinkat(dirfd, SLIRP_SOCK, 0);
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) < 0)
        return hull_error_set(err, errno, "pipe");
    pid_t child = spawn(dir, pid, ready[1], err);
    close(ready[1]);
    cleanup_close int ready_r = ready[0];
    if (child < 0)
        return -1;
    cleanup_free char *text = xasprintf("%d %llu\n", (int)child, process_start_time(child));
    cleanup_free char *pidfile = xasprintf("%s/%s", dir, SLIRP_PID);
    if (write_file_atomic(pidfile, text, strlen(text), 0600, err) < 0) {
        kill(child, SIGKILL);
        return -1;
    }
    /* "1" on the ready fd once tap0 is up and configured; EOF if it died. */
    struct pollfd pfd = {.fd = ready_r, .events = POLLIN};
    char c = 0;
    int r;
    while ((r = poll(&pfd, 1, SLIRP_READY_SECONDS * 1000)) < 0 && errno == EINTR)
        ;
    if (r <= 0 || read(ready_r, &c, 1) != 1 || c != '1') {
        cleanup_free char *why = log_tail(dir);
        engine_slirp_stop(root, id);
        return hull_error_set(err, 0, "slirp4netns did not come up%s: %s", r == 0 ? " in time" : "", why);
    }
    cleanup_free struct network_binding *bindings = xmalloc0((n + 1) * sizeof *bindings);
    for (size_t i = 0; i < n; i++) {
        if (publish(dirfd, &ports[i], &bindings[i], err) < 0) {
            engine_slirp_stop(root, id);
            return -1;
        }
        snprintf(bindings[i].id, sizeof bindings[i].id, "%s", id);
    }
    /* what `hull port`, `ps` and inspect show, as for a bridge network */
    if (engine_network_settings_ports(root, id, bindings, n, pid, err) < 0) {
        engine_slirp_stop(root, id);
        return hull_error_wrap(err, "slirp4netns: record the published ports");
    }
    log_debug("slirp4netns %d for %s: up, %zu port(s)", (int)child, id, n);
    return 0;
}

bool engine_slirp_stop(const char *root, const char *id)
{
    cleanup_free char *dir = engine_container_dir(root, id);
    cleanup_free char *pidfile = xasprintf("%s/%s", dir, SLIRP_PID);
    cleanup_free char *text = NULL;
    if (read_file(pidfile, &text, NULL, NULL) < 0)
        return false;
    int pid;
    unsigned long long start;
    /* the start time guards against a pid reused since */
    if (sscanf(text, "%d %llu", &pid, &start) == 2 && pid > 0 && process_start_time(pid) == start)
        kill(pid, SIGKILL);
    unlink(pidfile);
    cleanup_free char *sock = xasprintf("%s/%s", dir, SLIRP_SOCK);
    unlink(sock);
    return true;
}
