/* hull: Linux security modules: process.apparmorProfile, process.selinuxLabel
 * and linux.mountLabel.
 *
 * Both labels are set "on exec": the kernel switches the process to the
 * profile/label at the next execve, so the runtime's own setup is unaffected.
 *
 * When a label is requested but its LSM is not enabled, hull refuses the
 * config (at create, from security_validate), like runc 1.1 does for both:
 * runc fails with "selinux label is specified in config, but selinux is
 * disabled or not supported" and, for AppArmor, with the EINVAL of the write
 * to /proc/self/attr/exec.  Running a container unconfined when the config
 * asked for confinement would be a silent downgrade.  Engines (Docker, hull)
 * only put a profile in the config when the host has the LSM. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "../mount/procfs.h"
#include "../util/utils.h"
#include "security.h"
#include "security_internal.h"

bool lsm_apparmor_enabled(void)
{
    /* runc's apparmor.IsEnabled(): the securityfs directory exists and the
     * module parameter says Y. */
    if (access("/sys/kernel/security/apparmor", F_OK) < 0)
        return false;
    char buf[4] = "";
    cleanup_close int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
    return fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 && buf[0] == 'Y';
}

bool lsm_selinux_enabled(void)
{
    /* selinuxfs is mounted (at /sys/fs/selinux) exactly when SELinux is on. */
    struct statfs st;
    return statfs("/sys/fs/selinux", &st) == 0 && st.f_type == SELINUX_MAGIC;
}

int lsm_validate(const struct hull_spec *spec, const struct hull_process *process, struct hull_error **err)
{
    if (process && process->apparmor_profile && *process->apparmor_profile && !lsm_apparmor_enabled())
        return hull_error_set(err, EINVAL,
                              "process.apparmorProfile \"%s\" is set but AppArmor is not enabled on this host",
                              process->apparmor_profile);
    if (process && process->selinux_label && *process->selinux_label && !lsm_selinux_enabled())
        return hull_error_set(err, EINVAL, "process.selinuxLabel \"%s\" is set but SELinux is not enabled on this host",
                              process->selinux_label);
    if (spec && spec->linux_.mount_label && *spec->linux_.mount_label && !lsm_selinux_enabled())
        return hull_error_set(err, EINVAL, "linux.mountLabel \"%s\" is set but SELinux is not enabled on this host",
                              spec->linux_.mount_label);
    return 0;
}

bool lsm_process_has_label(const struct hull_process *process)
{
    return process && ((process->apparmor_profile && *process->apparmor_profile) ||
                       (process->selinux_label && *process->selinux_label));
}

/* Writes to a file of /proc/thread-self/attr through the runtime's own procfs
 * handle (mount/procfs.h): the write happens after pivot_root, and neither a
 * container image that shadows /proc (CVE-2019-16884) nor a file mounted over
 * attr/exec (CVE-2025-52881: the label write redirected into another procfs
 * file such as /proc/sys/kernel/core_pattern) can take it elsewhere. */
static int write_proc_attr(int proc, const char *path, const char *fallback, const char *text,
                           struct hull_error **err)
{
    cleanup_close int fd = procfs_open_file(proc, path, O_WRONLY, err);
    if (fd < 0 && (*err)->errnum == ENOENT && fallback) {
        hull_error_freep(err);
        path = fallback;
        fd = procfs_open_file(proc, path, O_WRONLY, err);
    }
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len)
        return hull_error_set(err, errno, "write \"%s\" to /proc/%s", text, path);
    return 0;
}

/* Runs in the container process after pivot_root, where the host's /sys is
 * not visible: availability was checked by security_validate in the parent.
 * proc is a handle from procfs_handle_open, taken while the process still had
 * the privileges to mount one. */
int lsm_apply_process_label(const struct hull_process *process, int proc, struct hull_error **err)
{
    if (!lsm_process_has_label(process))
        return 0;
    if (process->apparmor_profile && *process->apparmor_profile) {
        cleanup_free char *cmd = xasprintf("exec %s", process->apparmor_profile);
        /* attr/apparmor/exec since Linux 5.8 (LSM stacking); attr/exec before. */
        if (write_proc_attr(proc, "thread-self/attr/apparmor/exec", "thread-self/attr/exec", cmd, err) < 0)
            return hull_error_wrap(err, "apply AppArmor profile \"%s\"", process->apparmor_profile);
    }
    if (process->selinux_label && *process->selinux_label) {
        if (write_proc_attr(proc, "thread-self/attr/exec", NULL, process->selinux_label, err) < 0)
            return hull_error_wrap(err, "apply SELinux label \"%s\"", process->selinux_label);
    }
    return 0;
}
