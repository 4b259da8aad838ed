/* hull: where the engine finds its own programs.
 *
 * `hull` runs two small programs of its own: hull-monitor (the per-container
 * monitor, kept apart for its tiny footprint) and hull-init (`run --init`,
 * static so it runs in any image).  They are looked for, in order:
 *   1. $HULL_MONITOR / $HULL_INIT (tests, packagers);
 *   2. next to the running hull binary, by its real path (the build tree and
 *      a self-contained install: build/src/hull/hull + hull-monitor);
 *   3. HULL_LIBEXECDIR (the installed layout: /usr/local/libexec/hull).
 * The running binary's path is taken once at startup, before hull may
 * re-execute itself from a sealed memfd (CVE-2019-5736 protection), after
 * which /proc/self/exe no longer names the file. */
#ifndef HULL_ENGINE_HELPER_PATH_H
#define HULL_ENGINE_HELPER_PATH_H

#include <stdbool.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

/* The real path of the hull binary ("hull" when unknown). */
const char *engine_self_path(void);

#endif
