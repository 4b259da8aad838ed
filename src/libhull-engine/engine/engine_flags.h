/* hull: parsers for the `hull run` flags that need more than a number, each
 * with docker's meaning and format (docker/cli opts, moby's daemon checks,
 * go-units).  Every error names the flag and the value given, e.g.
 *   invalid --ulimit "nofiles=10": unknown limit "nofiles" (core, cpu, ...). */
#ifndef HULL_ENGINE_FLAGS_H
#define HULL_ENGINE_FLAGS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error_internal.h"
#include "engine_spec.h"
#include "hull/hull-engine.h"

/* docker's RAMInBytes: "256m", "1g", "512k", "1024b", "1048576"; errors name flag. */
int engine_parse_size(const char *flag, const char *text, int64_t *bytes, struct hull_error **err);

#endif
