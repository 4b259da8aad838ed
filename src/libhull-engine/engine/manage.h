/* hull: what the engine does to an existing container besides running and
 * removing it (lifecycle.h): pause, unpause, start again, wait for it.
 *
 * The runtime state (RUNROOT/engine/<id>) says whether the init lives and
 * whether its cgroup is frozen; the record (record.h) is what `inspect` and
 * `ps` show, and is kept in step: State.Status "paused" + Paused true while
 * the cgroup is frozen. */
#ifndef HULL_ENGINE_MANAGE_H
#define HULL_ENGINE_MANAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

/* Makes a stopped container ready to be started again with the same bundle:
 * runtime state a dead waiter left behind is removed, and an overlay rootfs
 * that is no longer mounted (the host rebooted, someone unmounted it) is
 * mounted again over the container's own upper dir, which is never touched:
 * if that fails, the error is returned and the container is left as it was. */
int engine_container_prepare_restart(const char *root, const char *runroot, const char *id, struct hull_error **err);

/* engine_container_wait for a container known by its full id (attach's wait
 * after the container ran): a removed one says so rather than "no such container". */
int engine_container_wait_id(const char *root, const char *runroot, const char *id, int *exit_code,
                             struct hull_error **err);

#endif
