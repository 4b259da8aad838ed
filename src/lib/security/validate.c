/* hull: security_validate, run on the parsed config before anything is
 * created, so a bad capability name or seccomp action fails `create` with a
 * message that names the field instead of a half-built container. */
#include "../util/utils.h"
#include "security.h"
#include "security_internal.h"

int security_validate_process(const struct hull_process *process, struct hull_error **err)
{
    if (!process)
        return 0;
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
    return seccomp_validate(spec->linux_.seccomp, err);
}
