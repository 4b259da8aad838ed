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

/* kind: a short word ("container", "mount", "runtime", "image-mark", "tmp",
 * "staging", "lease"); what: the object and why it is a problem;
 * repaired: whether the repair of it succeeded (false without repair). */
typedef void (*engine_check_report_fn)(const char *kind, const char *what, bool repaired, void *data);

struct engine_check_result {
    size_t problems; /* found */
    size_t repaired; /* of those, fixed */
};

int engine_system_check(const char *root, const char *runroot, bool repair, engine_check_report_fn report,
                        void *data, struct engine_check_result *result, struct hull_error **err);

/* Drops the image marks of containers that have no record (and of images
 * that are gone), under both locks: `hull rmi` calls it first, so a mark left
 * by a killed command never blocks an image.  Added to *result (optional). */
int engine_image_marks_sweep(const char *root, bool repair, engine_check_report_fn report, void *data,
                             struct engine_check_result *result, struct hull_error **err);

#endif
