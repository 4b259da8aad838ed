/* hull: the capabilities and seccomp profile of a `hull run` container
 * (engine_security.c): docker's default capability set tweaked by the flags,
 * and docker's seccomp profile (or the user's) turned into an OCI
 * linux.seccomp object for those capabilities. */
#ifndef HULL_ENGINE_SECURITY_H
#define HULL_ENGINE_SECURITY_H

#include "util/error_internal.h"
#include "engine_spec.h"
#include "hull/hull-engine.h"

struct hull_seccomp;

/* The capability names the container gets: docker's default set tweaked by
 * --cap-add/--cap-drop/--privileged (moby's TweakCapabilities).  NULL-terminated. */
char **engine_capabilities(const struct engine_run_config *rc);

/* The seccomp profile of the container (owned), NULL when it runs unconfined
 * (--privileged, seccomp=unconfined).  caps: engine_capabilities().  A copy of
 * rc->seccomp_built when it was built for these capabilities. */
int engine_seccomp(const struct engine_run_config *rc, char *const *caps, struct hull_seccomp **out,
                   struct hull_error **err);

/* Builds and checks the container's seccomp profile now (so a bad
 * seccomp=FILE fails before anything exists) and keeps it in rc for
 * engine_spec_build: the engine reads the profile once per `hull run`.
 * engine_seccomp_release frees what it kept. */
int engine_seccomp_prepare(struct engine_run_config *rc, struct hull_error **err);

/* Frees the seccomp profile engine_seccomp_prepare kept in rc. */
void engine_seccomp_release(struct engine_run_config *rc);

#endif
