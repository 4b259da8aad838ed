/* hull: a container without a mount namespace of its own (config-linux.md:
 * a namespace not listed is inherited from the caller).  Its mounts are made
 * in the caller's namespace, all below the rootfs bound onto itself; they
 * must not outlive the container, so `delete` (and a failed `create`)
 * detaches that bind, with everything below it, when it is still there. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "../util/log.h"
#include "rootfs.h"

struct rootfs_mark rootfs_mark_now(const char *rootfs)
{
    struct rootfs_mark m = {0};
    struct statx stx;
    struct stat ns;
    if (stat("/proc/self/ns/mnt", &ns) < 0)
        return m;
    if (statx(AT_FDCWD, rootfs, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0 || !(stx.stx_mask & STATX_MNT_ID))
        return m;
    m.mnt_id = stx.stx_mnt_id;
    m.mnt_ns = ns.st_ino;
    return m;
}

void rootfs_release_mounts(const char *rootfs, struct rootfs_mark before)
{
    struct rootfs_mark now = rootfs_mark_now(rootfs);
    if (before.mnt_id == 0 || now.mnt_id == 0 || now.mnt_id == before.mnt_id)
        return; /* unknown, or nothing of ours is mounted there */
    if (now.mnt_ns != before.mnt_ns) {
        /* Another namespace's mount at the same path is not ours to touch. */
        log_warn("the container's mounts at %s stay in mount namespace %llu: delete ran in another (%llu)", rootfs,
                 (unsigned long long)before.mnt_ns, (unsigned long long)now.mnt_ns);
        return;
    }
    /* MNT_DETACH: the container's processes may still hold it; the whole
     * subtree (proc, dev, binds) goes with the rootfs bind. */
    if (umount2(rootfs, MNT_DETACH) < 0)
        log_warn("detach the container's mounts at %s: %s", rootfs, strerror(errno));
}
