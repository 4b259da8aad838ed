/* hull: seccomp profiles in docker's format (seccomp_docker.c). */
#ifndef HULL_ENGINE_SECCOMP_DOCKER_H
#define HULL_ENGINE_SECCOMP_DOCKER_H

#include "util/error_internal.h"

struct hull_seccomp;

/* Reads text, a profile in docker's format or plain OCI, for a container
 * with the capabilities caps (includes/excludes by caps), and checks it as
 * the runtime would.  what names the profile in errors. */
int engine_seccomp_docker_parse(const char *text, const char *what, char *const *caps, struct hull_seccomp **out,
                                struct hull_error **err);

#endif
