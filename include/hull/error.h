/* libhull's one error type, public: every fallible function of hull.h and
 * hull-engine.h returns a negative value and fills *err with it.  It carries
 * the errno that caused it (0 if none) and a sentence naming what failed on
 * which object, already wrapped with context on its way up, e.g.
 *   "cannot apply memory limit: write memory.max in /sys/fs/cgroup/x: Device or resource busy".
 * Only the front ends print it. */
#ifndef HULL_PUBLIC_ERROR_H
#define HULL_PUBLIC_ERROR_H

struct hull_error {
    int errnum; /* errno value, 0 when the failure is not a system call's */
    char *msg;  /* owned, never NULL */
};

/* Sets *err (if err is non-NULL and *err is NULL) and returns -1 (or -errnum
 * when errnum != 0) so one can write `return hull_error_set(err, errno, "...")`. */
int hull_error_set(struct hull_error **err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the message of *err with "context: ". Returns -1 (or -errnum when
 * errnum != 0), so one can write `return hull_error_wrap(err, "...")`. */
int hull_error_wrap(struct hull_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The full text: msg, plus ": strerror(errnum)" when errnum != 0. Owned by caller. */
char *hull_error_text(const struct hull_error *err);

void hull_error_free(struct hull_error *err);
void hull_error_freep(struct hull_error **err);
#define cleanup_error __attribute__((cleanup(hull_error_freep)))

#endif
