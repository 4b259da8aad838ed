/* hull: `hull container prune` and the containers of `hull system prune`
 * (engine_container_prune, hull-engine.h). */
#include <stdint.h>
#include <stdlib.h>

#include "hull/hull-engine.h"
#include "lifecycle.h"
#include "record.h"
#include "util/utils.h"

/* The init has just died and its monitor has yet to record it (and ask the
 * restart policy): the record says running, and is trusted while the
 * monitor lives. */
static bool exit_pending(const char *root, const char *id)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    return engine_record_read(root, id, &rec, NULL) == 0 && engine_record_exit_pending(rec);
}

int engine_container_prune(const char *root, const char *runroot, void (*removed)(const char *id, void *data),
                           engine_name_error_fn on_error, void *data, uint64_t *reclaimed, struct hull_error **err)
{
    cleanup_strv char **ids = NULL;
    if (engine_record_list(root, &ids, err) < 0)
        return -1;
    for (char **id = ids; *id; id++) {
        if (engine_container_running(runroot, *id) || engine_record_being_created(root, *id) ||
            engine_restart_pending(root, *id) || exit_pending(root, *id))
            continue;
        uint64_t size = engine_container_size(root, *id);
        struct hull_error *e = NULL;
        /* Not forced: a container that started meanwhile is refused, not killed. */
        if (engine_container_remove(root, runroot, *id, false, &e) < 0) {
            on_error(*id, e, data);
            continue;
        }
        removed(*id, data);
        *reclaimed += size;
    }
    return 0;
}
