/* hull: the small protocol between the runtime (parent) and the container's
 * init while it is being set up.  A SOCK_SEQPACKET socketpair keeps message
 * boundaries, so each message is one send/recv. */
#ifndef HULL_SYNC_H
#define HULL_SYNC_H

#include <stdint.h>
#include <sys/types.h>

#include "../util/error_internal.h"

enum sync_msg_type {
    SYNC_GO = 1,            /* parent -> child: uid/gid maps are in place (the cgroup: CGROUP_DONE) */
    SYNC_RUN_CREATE_HOOKS,  /* child -> parent: namespaces exist, run prestart + createRuntime */
    SYNC_HOOKS_DONE,        /* parent -> child: go on with createContainer hooks and pivot_root */
    SYNC_READY,             /* child -> parent: set up, now waiting for `start` */
    SYNC_ERROR,             /* child -> parent: setup failed; errnum + text follow */
    SYNC_ABORT,             /* parent -> child: give up, exit */
    SYNC_TERMINAL,          /* child -> parent: the pty master rides along (SCM_RIGHTS) */
    SYNC_STATE_SAVED,       /* parent -> child: state.json names us */
    SYNC_DETACHED,          /* child -> parent: parent-death signal cleared; the runtime may now exit */
    SYNC_CGROUP_DONE,       /* parent -> child: in its cgroups now (GO may come before, see container.c) */
};

struct sync_msg {
    uint32_t type;
    int32_t errnum;
    char text[4000];
};

/* Sends a message with an fd attached. */
int sync_send_fd(int fd, enum sync_msg_type type, int passed_fd);

int sync_send(int fd, enum sync_msg_type type, int errnum, const char *text);
/* Receives one message; returns 0, or -1 with *err set (EOF = peer died).
 * An fd attached to the message is stored in *passed_fd when that is non-NULL
 * (else closed); *passed_fd is -1 when none came. */
int sync_recv(int fd, struct sync_msg *msg, struct hull_error **err);
int sync_recv_with_fd(int fd, struct sync_msg *msg, int *passed_fd, struct hull_error **err);
/* Waits for a message of the given type; an SYNC_ERROR becomes *err. */
int sync_expect(int fd, enum sync_msg_type type, struct hull_error **err);

#endif
