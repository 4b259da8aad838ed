/* hull: starting, waiting for and removing engine containers.
 *
 * Only the parent (or a subreaper ancestor) of the container's init can learn
 * its exit status: for every container, foreground ones too, that is
 * hull-monitor (src/hull-monitor/hull_monitor.c): a small
 * static program, double-forked and setsid'ed, a child subreaper, which holds
 * the container's stdout/stderr and writes them to ctr.log with timestamps
 * and stream tags.  It runs `hull _monitor-start ID` (engine_monitor_start:
 * create + start through the library, the init's pid and pty master sent
 * to the monitor, OK or the error reported to `hull run -d` over a pipe),
 * inherits the init when that command exits, and once the init is gone
 * replaces itself with `hull _monitor-exit ID CODE`
 * (engine_container_finish: ExitCode, OOMKilled, FinishedAt, cgroups and
 * runtime state released, --rm).  A foreground `hull run` (and `start -a`)
 * forks the child that starts the container and execs hull-monitor on it
 * (engine_run_foreground), and stays attached to it as `hull attach` would.
 * No daemon, no runtime binary. */
#ifndef HULL_ENGINE_LIFECYCLE_H
#define HULL_ENGINE_LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

struct json_object;

/* Corrects rec's State when it says running but the init is gone (a monitor
 * that was killed): the record's word is not trusted blindly. */
struct engine_record;

/* The removal itself, for a container whose record may be gone or unreadable
 * (`hull system check --repair`): runtime state and cgroups (the runtime's
 * delete --force), network, rootfs mount, files, the image mark of image_id
 * (NULL: none), and the record last. */
int engine_container_remove_id(const char *root, const char *runroot, const char *id, const char *image_id,
                               struct hull_error **err);

#endif
