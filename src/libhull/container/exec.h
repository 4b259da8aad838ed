/* hull: `exec` -- another process in a running container. */
#ifndef HULL_EXEC_H
#define HULL_EXEC_H

#include <stdbool.h>
#include <sys/types.h>

#include "../spec/spec.h"
#include "../util/error_internal.h"

struct seccomp_prepared;

struct container_exec_opts {
    const char *root;
    const char *id;
    const struct hull_process *process;
    struct seccomp_prepared *seccomp; /* the container's filter, or NULL */
    const struct hull_linux *linux_;  /* the container's personality and memoryPolicy apply too; may be NULL */
    const char *state_json;           /* for a seccomp notify agent */
    const char *console_socket;
    const char *pid_file;
    bool detach;
    bool ignore_paused;
    int preserve_fds;
    char *const *cgroup_subs; /* exec --cgroup: existing sub-cgroups to join (see cgroup_manager_enter_sub) */
    int *console_master_out; /* foreground with a terminal and no socket */
};

/* Starts the process; *pid_out is its pid as the host sees it.  When not
 * detached the caller is a child subreaper and may waitpid() for it. */
int container_exec(const struct container_exec_opts *o, pid_t *pid_out, struct hull_error **err);

#endif
