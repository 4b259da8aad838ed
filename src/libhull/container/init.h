/* hull: what the runtime hands to the container's init process.  The init is
 * a clone() of the runtime, so it shares this struct's memory image; nothing is
 * re-parsed and no binary is re-executed. */
#ifndef HULL_INIT_H
#define HULL_INIT_H

#include <stdbool.h>

#include "../spec/spec.h"

struct cgroup_manager;
struct seccomp_prepared;

struct init_ctx {
    const struct hull_spec *spec;
    const char *id;
    const char *bundle;  /* absolute */
    const char *rootfs;  /* absolute */
    const char *fifo_path;
    bool no_pivot;
    bool no_new_keyring;
    int preserve_fds;    /* already includes LISTEN_FDS */
    int listen_fds;      /* >0: pass LISTEN_FDS/LISTEN_PID to the process */
    int sync_fd;         /* child's end */
    pid_t runtime_pid;   /* the runtime that cloned us (getppid() while it lives, outside a new pid namespace) */
    int console_sock;    /* --console-socket connection, or -1 */
    bool send_master_over_sync; /* foreground run with a terminal */
    int ns_fds[HULL_NS__COUNT];
    int unshare_flags;   /* namespaces created after clone (see container.c) */
    bool new_userns;
    bool new_cgroupns;
    bool in_userns;
    struct cgroup_manager *cgroup;
    struct seccomp_prepared *seccomp;
    const int *bind_trees; /* see rootfs_open_bind_sources; NULL without a user namespace or idmapped mount */
};

/* Never returns: execs the user process or _exit()s after reporting an error
 * over sync_fd. */
void container_init(struct init_ctx *ctx) __attribute__((noreturn));

/* Looks up args[0] in PATH of the process env, like execvp would. Caller frees.
 * NULL with errno ENOENT when nothing is found, EACCES when a path with a '/'
 * names something that is not an executable regular file (a directory, mode 644). */
char *find_executable(const char *file, char *const *env);

/* Marks every fd above 2+preserve close-on-exec (CVE-2024-21626). */
void close_fds_on_exec(int preserve);

/* The user/caps/seccomp/exec tail, shared with `exec`. Never returns. */
void exec_user_process(const struct hull_process *process, struct seccomp_prepared *seccomp, const char *state_json,
                       int sync_fd, char **extra_env) __attribute__((noreturn));

#endif
