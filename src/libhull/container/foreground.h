/* hull: waiting for a container process in the foreground (run, exec, the
 * engine's `hull run`): signals sent to us are the container's, so they are
 * blocked before the process exists and forwarded from a signalfd while we
 * wait -- none is lost between create and wait. */
#ifndef HULL_FOREGROUND_H
#define HULL_FOREGROUND_H

#include <signal.h>
#include <sys/types.h>

/* Blocks every signal worth forwarding (all but the synchronous fault signals,
 * job-control tty signals and SIGWINCH) and fills *fwd with them; *old gets the
 * previous mask when non-NULL. */
void foreground_block_signals(sigset_t *fwd, sigset_t *old);

/* Waits for pid (our child, or a descendant when we are a subreaper),
 * forwarding the signals in *fwd to it.  Returns its exit status the way a
 * shell reports it: the code, 128+N after death by signal N, 255 if it could
 * not be waited for. */
int foreground_wait(pid_t pid, const sigset_t *fwd);

/* foreground_wait with the terminal: when master >= 0 (the pty's master of a
 * process.terminal container), our terminal is proxied to it while we wait,
 * and master is closed after. */
int foreground_wait_terminal(pid_t pid, const sigset_t *fwd, int master);

#endif
