/* hull: loading a filter compiled by seccomp_prepare, in the container
 * process right before execve: one seccomp(2) call, no libseccomp.
 * (Not named seccomp_load: libseccomp exports a function of that name, and
 * ours would interpose it, or clash with it in a static link.) */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../util/utils.h"
#include "seccomp_notify.h"
#include "seccomp_prepared.h"
#include "security.h"

int seccomp_prepared_load(struct seccomp_prepared *p, const char *state_json, struct hull_error **err)
{
    struct sock_fprog prog = {.len = (unsigned short)p->n_insns, .filter = p->insns};
    unsigned long flags = p->flags;
    if (p->notify) {
        flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        /* TSYNC alone returns a thread id on failure, which cannot be told
         * from the listener fd; TSYNC_ESRCH makes it an error instead. */
        if (flags & SECCOMP_FILTER_FLAG_TSYNC)
            flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    if (rc < 0) {
        if (errno == EINVAL && p->flags)
            return hull_error_set(err, errno, "load the seccomp filter (does this kernel support linux.seccomp.flags?)");
        return hull_error_set(err, errno, "load the seccomp filter");
    }
    if (!p->notify)
        return 0;
    cleanup_close int notify_fd = (int)rc;
    cleanup_close int listener = steal_fd(&p->listener_fd);
    return seccomp_listener_send(listener, notify_fd, state_json, p->listener_metadata, err);
}

size_t seccomp_prepared_instructions(const struct seccomp_prepared *p)
{
    return p ? p->n_insns : 0;
}

void seccomp_prepared_free(struct seccomp_prepared *p)
{
    if (!p)
        return;
    free(p->insns);
    free(p->listener_metadata);
    if (p->listener_fd >= 0)
        close(p->listener_fd);
    free(p);
}
