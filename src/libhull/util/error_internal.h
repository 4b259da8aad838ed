/* hull: the one error type of the library.
 *
 * Every fallible function returns a negative value and fills *err.  The error
 * carries the errno that caused it (0 if none) and a human sentence that says
 * what failed on which object.  Callers either hand it up untouched, or wrap it
 * with more context (hull_error_wrap) so the final message reads like
 *   "cannot apply memory limit: write memory.max in /sys/fs/cgroup/x: Device or resource busy".
 * Only the command-line front ends print errors. */
#ifndef HULL_ERROR_INTERNAL_H
#define HULL_ERROR_INTERNAL_H

#include <errno.h>
#include <stdarg.h>

/* struct hull_error, hull_error_set/wrap/text/free and cleanup_error are public. */
#include "hull/error.h"

#endif
