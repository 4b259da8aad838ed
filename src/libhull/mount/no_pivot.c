/* hull: --no-pivot.  Without pivot_root the rootfs is moved onto / and the
 * init chroots into it; the host's tree is still attached below, in the
 * container's mount namespace.  The kernel lets a user namespace mount a new
 * procfs or sysfs only where one is already fully visible in the mount
 * namespace (mount_too_revealing), and the host's bare /proc and /sys would
 * count although no path reaches them.  runc's msMoveRoot detaches every full
 * proc and sysfs mount outside the rootfs first (or covers it with a tmpfs
 * where it may not unmount); so do we. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "../util/mountinfo.h"
#include "../util/utils.h"
#include "rootfs.h"

static bool is_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

int rootfs_hide_host_proc_sys(const char *rootfs, struct hull_error **err)
{
    cleanup_free char *text = NULL;
    if (read_file("/proc/self/mountinfo", &text, NULL, err) < 0)
        return hull_error_wrap(err, "--no-pivot: list the mounts to hide");
    /* Collect first: detaching changes mountinfo under us. */
    size_t n = 0, cap = 8;
    cleanup_strv char **targets = xmalloc0(cap * sizeof(char *));
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        struct mountinfo_entry e;
        if (!mountinfo_parse_line(line, &e))
            continue;
        if (strcmp(e.root, "/") != 0 || (strcmp(e.fstype, "proc") != 0 && strcmp(e.fstype, "sysfs") != 0))
            continue;
        if (is_under(e.mountpoint, rootfs))
            continue;
        if (n + 2 > cap) {
            cap *= 2;
            targets = xrealloc(targets, cap * sizeof(char *));
        }
        targets[n++] = xstrdup(e.mountpoint);
        targets[n] = NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const char *t = targets[i];
        /* Our unmount must never propagate to the host. */
        if (mount(NULL, t, NULL, MS_SLAVE | MS_REC, NULL) < 0) {
            if (errno == ENOENT)
                continue; /* already gone with a parent we detached */
            return hull_error_set(err, errno, "--no-pivot: make %s a slave before hiding it", t);
        }
        if (umount2(t, MNT_DETACH) == 0)
            continue;
        if (errno != EINVAL && errno != EPERM)
            return hull_error_set(err, errno, "--no-pivot: detach the host's %s", t);
        if (mount("tmpfs", t, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
            return hull_error_set(err, errno, "--no-pivot: cover the host's %s", t);
    }
    return 0;
}
