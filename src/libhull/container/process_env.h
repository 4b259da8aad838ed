/* hull: the environment a container process starts with.  runc (and crun) add
 * HOME from the container's /etc/passwd when process.env has none: Docker 20.10
 * sends only PATH, HOSTNAME and -e variables and relies on it. */
#ifndef HULL_PROCESS_ENV_H
#define HULL_PROCESS_ENV_H

#include <stdio.h>
#include <sys/types.h>

/* The home directory of uid in a passwd(5) file: the first entry with that
 * uid, or "/" when there is none (what runc uses).  Caller frees. */
char *passwd_home(FILE *passwd, uid_t uid);

/* A copy of env + extra (free with strv_free), with an empty HOME dropped and
 * HOME=<home of uid in the current root's /etc/passwd> appended when no
 * non-empty HOME is set. */
char **process_env_build(char *const *env, char *const *extra, uid_t uid);

#endif
