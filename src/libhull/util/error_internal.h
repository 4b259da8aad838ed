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

/* struct hull_error, hull_error_wrap/text/free and cleanup_error are public. */
#include "hull/error.h"

/* Sets *err (if err is non-NULL and *err is NULL) and returns -1 (or -errnum
 * when errnum != 0) so one can write `return hull_error_set(err, errno, "...")`. */
int hull_error_set(struct hull_error **err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
