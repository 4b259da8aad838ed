/* hull attach: a terminal (or pipes) joined to a running container; and
 * the foreground `hull run`, which is the same client of the monitor.
 *
 * hull-monitor (src/hull-monitor/hull_monitor.c) holds the container's stdio; with
 * --attach it also listens on ROOT/containers/ID/attach, a SOCK_SEQPACKET
 * socket (podman's conmon has the same in its runroot).  One message per
 * chunk, its first byte says what it carries:
 *   monitor -> client  1 stdout bytes, 2 stderr bytes, 3 the exit code
 *                      (decimal) once the init is gone, then EOF
 *   client -> monitor  0 bytes for the container's stdin (ignored unless it
 *                      was started with -i), 4 "ROWS COLS" (resize its pty),
 *                      5 close the container's stdin (a pipe's; a pty's stays),
 *                      6 the exit is recorded (the foreground run that
 *                      records it itself, after 3: the monitor then exits)
 * The socket exists while the container runs; the monitor removes it when the
 * init has exited, before the record is written. */
#ifndef HULL_ENGINE_ATTACH_H
#define HULL_ENGINE_ATTACH_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

#define ENGINE_DETACH_KEYS_MAX 16

struct engine_attach_opts {
    const char *root;
    const char *runroot;
    const char *id;
    bool send_stdin; /* our stdin goes to the container's (it must have been started with -i) */
    bool tty;        /* the container has a terminal: ours goes raw, its size follows ours */
    bool sig_proxy;  /* without a terminal: the signals we get are sent to the container */
    /* the foreground `hull run`: signals proxied with a terminal too, the
     * end of our stdin closes the container's, the exit code is the
     * monitor's (its socket closes once the exit is recorded) */
    bool foreground;
    /* the foreground run records the exit itself: the session ends at the
     * exit code, not at the monitor's EOF (the caller sends 6 when done) */
    bool records_exit;
    /* what ends the attachment and leaves the container running, read in our stdin */
    char detach_keys[ENGINE_DETACH_KEYS_MAX];
    size_t n_detach_keys;
};

/* docker's --detach-keys: "ctrl-p,ctrl-q" (the default), each key a single
 * character or ctrl-X with X one of a-z @ [ \ ] ^ _.  An error names the value. */
int engine_detach_keys_parse(const char *text, char *keys, size_t *n, struct hull_error **err);

/* Binds and listens on DIR/attach (the monitor's socket, the protocol
 * below) and returns the socket, or -1 if that failed (the container then
 * runs unattachable, as with a monitor that cannot bind).  Done by the
 * process that starts the container before it reports the start, and handed
 * to the monitor (--attach-fd): once `hull run -d` returns, `hull attach`
 * connects (the connection waits in the backlog until the monitor, exec'd
 * meanwhile, accepts it).  hull-monitor binds the same way itself for a
 * restart by the policy. */
#define ENGINE_ATTACH_BACKLOG 16 /* hull-monitor's MAX_CLIENTS */
int engine_attach_listen(const char *dir);

/* Connects to the container's monitor and copies until the container exits
 * (*exit_code: its recorded exit code, *detached false) or the detach keys
 * are read (*detached true).  A container that is not running (or has no
 * monitor yet: it is being started) is an error saying so. */
int engine_attach(const struct engine_attach_opts *o, int *exit_code, bool *detached, struct hull_error **err);

enum {
    ENGINE_ATTACH_STDIN,
    ENGINE_ATTACH_STDOUT,
    ENGINE_ATTACH_STDERR,
    ENGINE_ATTACH_EXIT,
    ENGINE_ATTACH_RESIZE,
    ENGINE_ATTACH_CLOSE_STDIN,
    ENGINE_ATTACH_RECORDED,
};

/* engine_attach on a socket connected to the monitor already (the
 * foreground run's end of the socketpair it gave its monitor). */
int engine_attach_session(const struct engine_attach_opts *o, int sock, int *exit_code, bool *detached,
                          struct hull_error **err);

#endif
