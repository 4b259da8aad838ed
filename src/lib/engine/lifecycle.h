/* hull: starting, waiting for and removing engine containers.
 *
 * Whoever calls container_create is the parent of the container's init and so
 * the only one who can learn its exit status.  In the foreground that is
 * `hull run` itself; for `hull run -d` it is a monitor: a double-forked,
 * setsid'ed child with stdout/stderr on the container's ctr.log, which
 * creates and starts the container, tells `hull run` over a pipe that it did
 * (or why it could not), then waits for the init, writes ExitCode and
 * FinishedAt into the record, releases the runtime state and cgroups, and
 * with --rm removes the container.  No daemon, no runtime binary. */
#ifndef HULL_ENGINE_LIFECYCLE_H
#define HULL_ENGINE_LIFECYCLE_H

#include <stdbool.h>

#include "../util/error.h"

struct json_object;

struct engine_lifecycle {
    const char *root;    /* --root: records, bundles, images */
    const char *runroot; /* --runroot: runtime state goes under RUNROOT/engine */
    const char *id;
    bool auto_remove; /* --rm */
    bool tty;         /* -t: the config has process.terminal; foreground only */
};

/* Runs the container in the foreground (stdio inherited, signals forwarded)
 * and stores its exit status (128+N when killed by signal N) in *exit_code. */
int engine_run_foreground(const struct engine_lifecycle *l, int *exit_code, struct hull_error **err);

/* Starts the container under a monitor; returns once it runs. */
int engine_run_detached(const struct engine_lifecycle *l, struct hull_error **err);

/* Removes everything of a container: runtime state, cgroups, rootfs mount,
 * image user mark, its directory.  A running container needs force (it is killed). */
int engine_container_remove(const char *root, const char *runroot, const char *id, bool force, struct hull_error **err);

/* Corrects rec's State when it says running but the init is gone (a monitor
 * that was killed): the record's word is not trusted blindly. */
void engine_record_refresh(const char *runroot, const char *id, struct json_object *rec);

/* Whether the container's init is alive, from the runtime state. */
bool engine_container_running(const char *runroot, const char *id);

#endif
