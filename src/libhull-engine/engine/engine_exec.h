/* hull: `hull exec` behind the command line -- another process in a running
 * engine container, docker's way (exec.c). */
#ifndef HULL_ENGINE_EXEC_H
#define HULL_ENGINE_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error_internal.h"

struct engine_exec_opts {
    const char *root;    /* the engine's store root (container dirs) */
    const char *runroot; /* the engine's runroot (its runtime state is RUNROOT/@engine) */
    const char *id;      /* full container id */
    pid_t init;          /* the container's init, as its record says */
    char *const *args;   /* the command, NULL-terminated */
    bool interactive;    /* -i: our stdin is the process's; else /dev/null */
    bool tty;            /* -t */
    bool detach;         /* -d: nothing of ours, not waited for */
    bool privileged;     /* every capability of our bounding set */
    const char *user;    /* -u NAME|UID[:GROUP|GID], looked up in the container */
    const char *workdir; /* -w, absolute */
    char *const *env;    /* -e KEY=VALUE, or KEY alone (our value, if we have one) */
};

/* Runs the command in the container; in the foreground waits for it, with
 * signals forwarded and the terminal proxied, and *exit_code is its status.
 * On failure returns -1 with *err set and *exit_code the status docker gives:
 * 125 for bad flags or a broken container, 126 when the command cannot be
 * run (or the user does not exist), 127 when it is not found. */
int engine_exec(const struct engine_exec_opts *o, int *exit_code, struct hull_error **err);

#endif
