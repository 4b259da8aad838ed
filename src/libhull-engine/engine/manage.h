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

#endif
