/* hull: `-u USER[:GROUP]` as the container sees it.
 *
 * Names are looked up in the container's own /etc/passwd and /etc/group,
 * never the host's: rootfs is the directory the container sees as / (the
 * bundle's rootfs, or /proc/PID/root of a running container, which also shows
 * what is mounted over /etc).  Files are opened with RESOLVE_IN_ROOT, so a
 * symlinked /etc/passwd in an image cannot point us at the host's.
 *
 * The rules are docker's (libcontainer's GetExecUser): a number that passwd
 * does not know is used as is with group 0; a name passwd does not know is an
 * error; without an explicit GROUP the user's supplementary groups are the
 * /etc/group entries that list the user by name. */
#ifndef HULL_ENGINE_USER_H
#define HULL_ENGINE_USER_H

#include <stddef.h>
#include <sys/types.h>

#include "util/error_internal.h"

struct engine_user {
    uid_t uid;
    gid_t gid;
    gid_t *groups; /* supplementary groups, malloc'ed; NULL when none */
    size_t n_groups;
};

int engine_user_resolve(const char *rootfs, const char *spec, struct engine_user *out, struct hull_error **err);
void engine_user_clear(struct engine_user *u);

#endif
