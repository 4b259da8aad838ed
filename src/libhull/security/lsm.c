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

/* The files of /proc/thread-self/attr are opened through a procfs handle of
 * our own (mount/procfs.h): the write happens after pivot_root, and neither a
 * container image that shadows /proc (CVE-2019-16884) nor a file mounted over
 * attr/exec (CVE-2025-52881: the label write redirected into another procfs
 * file such as /proc/sys/kernel/core_pattern) can take it elsewhere.  They are
 * opened early, while the process may still mount a procfs and before a
 * seccomp profile (which may not allow openat2) is loaded; the kernel checks
 * the writer, not the opener, when the label is written. */
static int open_attr(int proc, const char *path, const char *fallback, struct hull_error **err)
{
    int fd = procfs_open_file(proc, path, O_WRONLY, err);
    if (fd < 0 && (*err)->errnum == ENOENT && fallback) {
        hull_error_freep(err);
        fd = procfs_open_file(proc, fallback, O_WRONLY, err);
    }
    return fd;
}

int lsm_open_label_files(const struct hull_process *process, struct lsm_label_files *files, struct hull_error **err)
{
    files->apparmor = files->selinux = -1;
    if (!lsm_process_has_label(process))
        return 0;
    cleanup_close int proc = procfs_handle_open(err);
    if (proc < 0)
        return hull_error_wrap(err, "LSM label");
    if (process->apparmor_profile && *process->apparmor_profile) {
        /* attr/apparmor/exec since Linux 5.8 (LSM stacking); attr/exec before. */
        files->apparmor = open_attr(proc, "thread-self/attr/apparmor/exec", "thread-self/attr/exec", err);
        if (files->apparmor < 0)
            return hull_error_wrap(err, "apply AppArmor profile \"%s\"", process->apparmor_profile);
    }
    if (process->selinux_label && *process->selinux_label) {
        files->selinux = open_attr(proc, "thread-self/attr/exec", NULL, err);
        if (files->selinux < 0) {
            lsm_close_label_files(files);
            return hull_error_wrap(err, "apply SELinux label \"%s\"", process->selinux_label);
        }
    }
    return 0;
}

void lsm_close_label_files(struct lsm_label_files *files)
{
    if (files->apparmor >= 0)
        close(files->apparmor);
    if (files->selinux >= 0)
        close(files->selinux);
    files->apparmor = files->selinux = -1;
}

static int write_label(int fd, const char *text, struct hull_error **err)
{
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len)
        return hull_error_set(err, errno, "write \"%s\" to /proc/thread-self/attr", text);
    return 0;
}

/* Runs in the container process after pivot_root, where the host's /sys is
 * not visible: availability was checked by security_validate in the parent. */
int lsm_apply_process_label(const struct hull_process *process, struct lsm_label_files *files,
                            struct hull_error **err)
{
    int r = 0;
    if (files->apparmor >= 0) {
        cleanup_free char *cmd = xasprintf("exec %s", process->apparmor_profile);
        if (write_label(files->apparmor, cmd, err) < 0)
            r = hull_error_wrap(err, "apply AppArmor profile \"%s\"", process->apparmor_profile);
    }
    if (r == 0 && files->selinux >= 0 && write_label(files->selinux, process->selinux_label, err) < 0)
        r = hull_error_wrap(err, "apply SELinux label \"%s\"", process->selinux_label);
    lsm_close_label_files(files);
    return r;
}
