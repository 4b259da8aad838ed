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

/* Records the real path of the running binary (call first thing in main). */
void engine_self_path_init(void);

/* on: puts the path in the environment, so that it survives a re-exec from a
 * memfd (exe_protect_ensure); off: removes it again. */
void engine_self_path_export(bool on);

/* The real path of the hull binary ("hull" when unknown). */
const char *engine_self_path(void);

/* The path of helper program name ("hull-monitor", "hull-init"); env_var
 * overrides it.  An error says every place that was tried. */
int engine_helper_path(const char *name, const char *env_var, char **out, struct hull_error **err);

#endif
