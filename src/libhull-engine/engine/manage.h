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

/* Freezes (pause) or thaws the cgroup of a running container and records it.
 * Pausing needs a running container, unpausing a paused one; otherwise the
 * error says which state it is in and nothing changes. */
int engine_container_pause(const char *root, const char *runroot, const char *id, bool pause,
                           struct hull_error **err);

/* Makes a stopped container ready to be started again with the same bundle:
 * runtime state a dead waiter left behind is removed, and an overlay rootfs
 * that is no longer mounted (the host rebooted, someone unmounted it) is
 * mounted again over the container's own upper dir, which is never touched:
 * if that fails, the error is returned and the container is left as it was. */
int engine_container_prepare_restart(const char *root, const char *runroot, const char *id, struct hull_error **err);

/* Blocks until the container is not running (paused counts as running), then
 * gives the exit code its waiter recorded.  Woken by inotify on the container
 * directory (the record is replaced by rename) and by a pidfd of the init, so
 * it also sees a foreground `hull run` in another shell end.  Fails when the
 * container is removed before its exit code could be read. */
int engine_container_wait(const char *root, const char *runroot, const char *id, int *exit_code,
                          struct hull_error **err);

/* docker rename: a new name (engine_name_valid, not in use, not the current
 * one) for the container whose id is given, under the records lock, then the
 * hosts files where its name resolves are rewritten. */
int engine_container_rename(const char *root, const char *id, const char *name, struct hull_error **err);

#endif
