/* hull: `hull system check [--repair]` (podman 5's `podman system check`).
 *
 * Walks the engine's store and runtime state for what a killed command left:
 *  - containers left half-made by a killed `hull run` (an intent record whose
 *    creator is dead, record.h), container directories without a record
 *    (a removal or creation killed before/after the record), records that
 *    are not JSON, and `--rm` containers whose init is gone;
 *  - overlay mounts under those containers' directories;
 *  - runtime state (cgroups, processes) of containers that have no record;
 *  - image marks (ROOT/users/...) naming a container without a record or an
 *    image that is gone (they made `hull rmi` fail for good);
 *  - temp files of atomic writes (NAME.tmp-PID) whose writer is dead;
 *  - staging dirs of a killed `hull load`, `import`, `commit` or pull;
 *  - network leases and published ports of containers that do not run.
 * Each problem is reported through report(); with repair it is also fixed,
 * each repair by the ordinary removal path (engine_container_remove_id).
 * Locks: the records lock, then the image store's (that order everywhere). */
#ifndef HULL_ENGINE_CHECK_H
#define HULL_ENGINE_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

#endif
