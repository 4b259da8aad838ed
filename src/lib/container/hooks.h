/* hull: OCI hooks (config.md "POSIX-platform Hooks").
 * Each hook gets the container state JSON on stdin, its own args and env, and
 * is killed when its timeout passes. */
#ifndef HULL_HOOKS_H
#define HULL_HOOKS_H

#include "../spec/spec.h"
#include "../util/error.h"

/* Runs the hooks in order; stops at the first failure. which names the list
 * ("prestart", ...) in error messages. */
int hooks_run(const struct hull_hook_list *list, const char *which, const char *state_json, struct hull_error **err);

/* Runs every hook; failures are logged as warnings (poststart, poststop). */
void hooks_run_warn(const struct hull_hook_list *list, const char *which, const char *state_json);

#endif
