/* hull: OCI hooks (config.md "POSIX-platform Hooks").
 * Each hook gets the container state JSON on stdin, its own args and env, and
 * is killed when its timeout passes. */
#ifndef HULL_HOOKS_H
#define HULL_HOOKS_H

#include <sys/types.h>

#include "../spec/spec.h"
#include "../util/error_internal.h"

/* Runs the hooks in order; stops at the first failure. which names the list
 * ("prestart", ...) in error messages. */
int hooks_run(const struct hull_hook_list *list, const char *which, const char *state_json, struct hull_error **err);

/* The state JSON with "status" and "pid" replaced (pid <= 0: no "pid", as for
 * a stopped container).  Hooks in the container's namespaces see the pid as
 * the container sees it (runtime.md "State").  Caller frees. */
char *hook_state_rewrite(const char *state_json, const char *status, pid_t pid);

/* Runs every hook; failures are logged as warnings (poststart, poststop). */
void hooks_run_warn(const struct hull_hook_list *list, const char *which, const char *state_json);

#endif
