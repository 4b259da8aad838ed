/* hull: `hull exec` behind the command line -- another process in a running
 * engine container, docker's way (exec.c). */
#ifndef HULL_ENGINE_EXEC_H
#define HULL_ENGINE_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

#endif
