/* hull: SCMP_ACT_NOTIFY.  config-linux.md "The Container Process State": the
 * runtime connects to listenerPath (AF_UNIX, SOCK_STREAM), sends exactly one
 * container process state as JSON with the seccomp fd in SCM_RIGHTS (named
 * "seccompFd" in the fds array), and closes the connection. */
#include "seccomp_notify.h"

#include <errno.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../util/utils.h"

/* The spec version whose container process state we write. */
#define PROCESS_STATE_OCI_VERSION "1.0.2"

int seccomp_listener_connect(const char *path, struct hull_error **err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(addr.sun_path))
        return hull_error_set(err, ENAMETOOLONG, "linux.seccomp.listenerPath %s is too long for a unix socket", path);
    strcpy(addr.sun_path, path);
    cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return hull_error_set(err, errno, "create a socket for linux.seccomp.listenerPath");
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        return hull_error_set(err, errno, "connect to linux.seccomp.listenerPath %s", path);
    return steal_fd(&fd);
}

static void json_putp(struct json_object **o)
{
    if (*o)
        json_object_put(*o);
}

char *seccomp_process_state_json(const char *state_json, const char *metadata)
{
    __attribute__((cleanup(json_putp))) struct json_object *state = state_json ? json_tokener_parse(state_json) : NULL;
    if (!state || !json_object_is_type(state, json_type_object)) {
        json_putp(&state);
        state = json_object_new_object();
    }
    /* "the container process ID, as seen by the runtime": inside the pid
     * namespace getpid() says 1, the runtime's state has the host's view. */
    int pid = 0;
    struct json_object *v;
    if (json_object_object_get_ex(state, "pid", &v))
        pid = json_object_get_int(v);
    if (pid <= 0)
        pid = getpid();

    __attribute__((cleanup(json_putp))) struct json_object *msg = json_object_new_object();
    json_object_object_add(msg, "ociVersion", json_object_new_string(PROCESS_STATE_OCI_VERSION));
    struct json_object *fds = json_object_new_array();
    json_object_array_add(fds, json_object_new_string("seccompFd"));
    json_object_object_add(msg, "fds", fds);
    json_object_object_add(msg, "pid", json_object_new_int(pid));
    if (metadata)
        json_object_object_add(msg, "metadata", json_object_new_string(metadata));
    json_object_object_add(msg, "state", json_object_get(state));
    return xstrdup(json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

int seccomp_listener_send(int sock, int notify_fd, const char *state_json, const char *metadata,
                          struct hull_error **err)
{
    if (sock < 0)
        return hull_error_set(err, EBADF, "no connection to linux.seccomp.listenerPath");
    cleanup_free char *text = seccomp_process_state_json(state_json, metadata);
    size_t len = strlen(text), off = 0;

    /* The fd travels with the first sendmsg only, as the spec requires. */
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof(control));
    struct iovec iov = {.iov_base = text, .iov_len = len};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                        .msg_controllen = sizeof(control.buf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &notify_fd, sizeof(int));

    while (off < len) {
        ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return hull_error_set(err, errno, "send the seccomp notify fd to linux.seccomp.listenerPath");
        off += (size_t)n;
        iov.iov_base = text + off;
        iov.iov_len = len - off;
        mh.msg_control = NULL;
        mh.msg_controllen = 0;
    }
    return 0;
}
