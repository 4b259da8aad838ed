/* hull: helpers shared by container.c (create) and container_ops.c (start,
 * kill, delete...); not part of the library's public API. */
#ifndef HULL_CONTAINER_INTERNAL_H
#define HULL_CONTAINER_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "../spec/spec.h"

/* pidfd_open(2), which glibc 2.36 does not wrap. */
int container_pidfd_open(pid_t pid);

/* Waits up to timeout_ms for pid to exit (works for processes that are not our children). */
bool container_wait_gone(pid_t pid, int timeout_ms);


#endif
