#include "sync.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <stddef.h>
#include <sys/socket.h>
#include <unistd.h>

int sync_send(int fd, enum sync_msg_type type, int errnum, const char *text)
{
    struct sync_msg msg = {.type = type, .errnum = errnum};
    size_t len = offsetof(struct sync_msg, text);
    if (text) {
        size_t tl = strnlen(text, sizeof msg.text - 1);
        memcpy(msg.text, text, tl);
        len += tl + 1;
    }
    ssize_t r;
    do
        r = send(fd, &msg, len, MSG_NOSIGNAL);
    while (r < 0 && errno == EINTR);
    return r < 0 ? -1 : 0;
}

int sync_send_fd(int fd, enum sync_msg_type type, int passed_fd)
{
    struct sync_msg msg = {.type = type};
    struct iovec iov = {.iov_base = &msg, .iov_len = offsetof(struct sync_msg, text)};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &passed_fd, sizeof(int));
    ssize_t r;
    do
        r = sendmsg(fd, &mh, MSG_NOSIGNAL);
    while (r < 0 && errno == EINTR);
    return r < 0 ? -1 : 0;
}

int sync_recv(int fd, struct sync_msg *msg, struct hull_error **err)
{
    return sync_recv_with_fd(fd, msg, NULL, err);
}

int sync_recv_with_fd(int fd, struct sync_msg *msg, int *passed_fd, struct hull_error **err)
{
    memset(msg, 0, sizeof *msg);
    if (passed_fd)
        *passed_fd = -1;
    struct iovec iov = {.iov_base = msg, .iov_len = sizeof *msg - 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    ssize_t r;
    bool reset_seen = false;
    for (;;) {
        r = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
        if (r < 0 && errno == EINTR)
            continue;
        /* The peer exited with a message of ours unread (an init that failed
         * before reading CGROUP_DONE): the kernel reports ECONNRESET before
         * the messages still queued for us, its error among them, and
         * clears it as it does.  So read on: the queue, then EOF. */
        if (r < 0 && errno == ECONNRESET && !reset_seen) {
            reset_seen = true;
            continue;
        }
        break;
    }
    struct cmsghdr *c = r > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
    if (c && c->cmsg_type == SCM_RIGHTS) {
        int got;
        memcpy(&got, CMSG_DATA(c), sizeof got);
        if (passed_fd)
            *passed_fd = got;
        else
            close(got);
    }
    if (r < 0)
        return hull_error_set(err, errno, "read from container init");
    if (r == 0)
        return hull_error_set(err, 0, "container init exited during setup");
    return 0;
}

int sync_expect(int fd, enum sync_msg_type type, struct hull_error **err)
{
    struct sync_msg msg;
    if (sync_recv(fd, &msg, err) < 0)
        return -1;
    if (msg.type == SYNC_ERROR)
        return hull_error_set(err, msg.errnum, "%s", msg.text);
    if (msg.type == SYNC_ABORT)
        return hull_error_set(err, 0, "setup aborted");
    if (msg.type != type)
        return hull_error_set(err, 0, "protocol error: expected message %d, got %u", type, msg.type);
    return 0;
}
