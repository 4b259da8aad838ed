/* hull: pseudo-terminals for process.terminal, and passing fds over unix
 * sockets (runc's --console-socket protocol: one SCM_RIGHTS message carrying
 * the pty master, with the master's path as payload). */
#ifndef HULL_TERMINAL_H
#define HULL_TERMINAL_H

#include <stdbool.h>

#include "../util/error_internal.h"

/* Opens a new pty pair from /dev/ptmx of the current mount namespace; the slave
 * path (/dev/pts/N) is returned in slave_path (caller frees). */
int terminal_open_pty(int *master, int *slave, char **slave_path, unsigned rows, unsigned cols,
                      struct hull_error **err);

/* Makes fd the controlling terminal and stdin/stdout/stderr of the caller. */
int terminal_become_controlling(int slave, struct hull_error **err);

int send_fd(int sock, int fd, const char *payload, struct hull_error **err);

/* Connects to the unix socket at path (--console-socket). */
int unix_socket_connect(const char *path, struct hull_error **err);

/* Foreground `run` with a terminal: copies between our stdio and master, puts
 * our terminal in raw mode, forwards SIGWINCH; returns when the master hangs up. */
void terminal_proxy_start(int master);
void terminal_proxy_stop(void);

#endif
