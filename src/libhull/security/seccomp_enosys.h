/* hull: the ENOSYS stub prepended to compiled seccomp programs (see seccomp_enosys.c). */
#ifndef HULL_SECCOMP_ENOSYS_H
#define HULL_SECCOMP_ENOSYS_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../spec/spec.h"
#include "../util/error_internal.h"

/* One kernel architecture (AUDIT_ARCH_*) of a filter and the highest syscall
 * number its profile names; x32 is a mode of AUDIT_ARCH_X86_64 with its own. */
struct seccomp_arch_max {
    uint32_t audit_arch;
    bool has_max, has_x32_max;
    uint32_t max, x32_max;
};

/* True when the profile's default action would answer a syscall newer than
 * the profile with something other than ENOSYS or "allowed". */
bool seccomp_enosys_wanted(const struct hull_seccomp *s);

/* The stub alone (pure: for the unit tests): *out is NULL and *n_out 0 when
 * no architecture has a maximum. -1 if it cannot be encoded. */
int seccomp_enosys_stub(const struct seccomp_arch_max *archs, size_t n_archs, struct sock_filter **out,
                        size_t *n_out);

/* Prepends the stub for s to the program in *insns (replacing it). */
int seccomp_enosys_patch(const struct hull_seccomp *s, struct sock_filter **insns, size_t *n_insns,
                         struct hull_error **err);

#endif
