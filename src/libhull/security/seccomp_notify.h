/* hull: handing a seccomp notify fd to the agent at linux.seccomp.listenerPath. */
#ifndef HULL_SECCOMP_NOTIFY_H
#define HULL_SECCOMP_NOTIFY_H

#include "../util/error_internal.h"

/* Connects an AF_UNIX SOCK_STREAM socket to path; returns the fd (CLOEXEC). */
int seccomp_listener_connect(const char *path, struct hull_error **err);
/* Sends the container process state (built around state_json, the runtime
 * state of the container) with notify_fd in SCM_RIGHTS, as one message. */
int seccomp_listener_send(int sock, int notify_fd, const char *state_json, const char *metadata,
                          struct hull_error **err);
/* The container process state JSON text (owned); exposed for tests. */
char *seccomp_process_state_json(const char *state_json, const char *metadata);

#endif
