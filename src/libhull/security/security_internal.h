/* hull: helpers shared by the files of src/libhull/security/ (not for other areas). */
#ifndef HULL_SECURITY_INTERNAL_H
#define HULL_SECURITY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "../spec/spec.h"
#include "../util/error_internal.h"

enum caps_set { CAPS_BOUNDING, CAPS_EFFECTIVE, CAPS_INHERITABLE, CAPS_PERMITTED, CAPS_AMBIENT, CAPS_SET__COUNT };

const char *caps_set_name(enum caps_set set);
char **caps_set_list(const struct hull_capabilities *caps, enum caps_set set);
/* The set as a bit mask; an unknown name is an error naming it and the set. */
int caps_set_mask(const struct hull_capabilities *caps, enum caps_set set, uint64_t *mask, struct hull_error **err);
/* Names known, and a warning (log_warn) for each capability the host cannot grant. */
int caps_validate(const struct hull_capabilities *caps, struct hull_error **err);

/* Checks every field of linux.seccomp without compiling it. */
int seccomp_validate(const struct hull_seccomp *seccomp, struct hull_error **err);
/* Name -> libseccomp value tables; false when the name is unknown. */
bool seccomp_action_parse(const char *name, bool has_errno, unsigned errno_ret, uint32_t *action);
bool seccomp_action_known(const char *name);
bool seccomp_op_parse(const char *name, int *op);
bool seccomp_arch_parse(const char *name, uint32_t *arch);
bool seccomp_flag_parse(const char *name, unsigned *flag);

int lsm_validate(const struct hull_spec *spec, const struct hull_process *process, struct hull_error **err);

#endif
