/* The runtime <-> init protocol (sync.c): an init that exits with one of our
 * messages unread (it failed before reading CGROUP_DONE) still gets its error
 * through.  The kernel reports ECONNRESET ahead of the messages queued for us;
 * the runtime used to stop there and print "read from container init:
 * Connection reset by peer" instead of why the container could not start. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "container/sync.h"
#include "util/error_internal.h"
#include "../tap.h"

int main(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return 1;
    /* the runtime's GO and CGROUP_DONE, then the init's error; the init exits unread */
    sync_send(sv[0], SYNC_GO, 0, NULL);
    sync_send(sv[0], SYNC_CGROUP_DONE, 0, NULL);
    sync_send(sv[1], SYNC_ERROR, EINVAL, "mounts[7] (/mnt): mount tmpfs: Invalid argument");
    close(sv[1]);

    struct sync_msg msg;
    struct hull_error *err = NULL;
    int r = sync_recv(sv[0], &msg, &err);
    TAP_CHECK(r == 0, "the init's error is read although it exited with our messages unread");
    TAP_CHECK(r == 0 && msg.type == SYNC_ERROR && msg.errnum == EINVAL && strstr(msg.text, "/mnt"),
              "it is the init's message, whole");
    hull_error_free(err);
    err = NULL;
    r = sync_recv(sv[0], &msg, &err);
    TAP_CHECK(r < 0 && err && strstr(err->msg, "exited"), "then EOF: the init exited during setup");
    hull_error_free(err);

    /* a reset with nothing queued is still an error, not a loop */
    int sv2[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv2) < 0)
        return 1;
    sync_send(sv2[0], SYNC_GO, 0, NULL);
    close(sv2[1]);
    err = NULL;
    r = sync_recv(sv2[0], &msg, &err);
    TAP_CHECK(r < 0 && err, "a peer gone with nothing for us: an error");
    hull_error_free(err);
    close(sv[0]);
    close(sv2[0]);
    return TAP_DONE();
}
