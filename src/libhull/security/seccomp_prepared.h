/* hull: the compiled filter shared by seccomp.c (which builds it with
 * libseccomp) and seccomp_load.c (which loads it without libseccomp). */
#ifndef HULL_SECCOMP_PREPARED_H
#define HULL_SECCOMP_PREPARED_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

struct seccomp_prepared {
    struct sock_filter *insns;
    size_t n_insns;
    unsigned flags;  /* SECCOMP_FILTER_FLAG_* from linux.seccomp.flags */
    bool notify;     /* some rule uses SCMP_ACT_NOTIFY */
    int listener_fd; /* connected to listenerPath, or -1 */
    char *listener_metadata;
};

#endif
