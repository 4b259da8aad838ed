/* hull: security_validate, run on the parsed config before anything is
 * created, so a bad capability name or seccomp action fails `create` with a
 * message that names the field instead of a half-built container. */
#include <errno.h>

#include "../util/utils.h"
#include "security.h"
#include "security_internal.h"

/* Fields the parser reads that nothing applies: refused, never accepted
 * and ignored (issue 11). tests/security/accepted-fields.bats checks each
 * field for its effect or its refusal. */
static int refuse_unapplied_process(const struct hull_process *p, struct hull_error **err)
{
    if (p->user.username && p->user.username[0])
        return hull_error_set(err, EINVAL,
                              "process.user.username \"%s\" is a Windows field; a Linux container takes uid and gid",
                              p->user.username);
    return 0;
}

int security_validate_process(const struct hull_process *process, struct hull_error **err)
{
    if (!process)
        return 0;
    if (refuse_unapplied_process(process, err) < 0)
        return -1;
    if (caps_validate(process->capabilities, err) < 0)
        return -1;
    return lsm_validate(NULL, process, err);
}

int security_validate(const struct hull_spec *spec, struct hull_error **err)
{
    if (security_validate_process(spec->process, err) < 0)
        return -1;
    if (lsm_validate(spec, NULL, err) < 0)
        return -1;
    /* lsm_validate refuses a mountLabel without SELinux; with it, no mount
     * would get the label either. */
    if (spec->linux_.mount_label && spec->linux_.mount_label[0])
        return hull_error_set(err, ENOTSUP, "linux.mountLabel is not supported by hull yet (no mount would get it)");
    return seccomp_validate(spec->linux_.seccomp, err);
}
