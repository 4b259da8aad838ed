/* Mounting a container's root filesystem from image layers: overlayfs, or a
 * copy when overlayfs cannot be used (see rootfs.h). */
#include "image_rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"
#include "util/utils.h"

#define KIND_FILE "rootfs.kind"

/* The kernel's own words about a failed fsconfig (the fs context's log). */
static char *fs_context_log(int fsfd)
{
    char line[512], *all = xstrdup("");
    for (;;) {
        ssize_t n = read(fsfd, line, sizeof line - 1);
        if (n <= 0)
            break;
        line[n] = '\0';
        if (n > 2 && line[1] == ' ')
            memmove(line, line + 2, n - 1); /* drop the "e " severity prefix */
        char *joined = xasprintf("%s%s%s", all, *all ? "; " : "", line);
        free(all);
        all = joined;
    }
    return all;
}

static int fsconfig_string(int fsfd, const char *key, const char *value, struct hull_error **err)
{
    if (fsconfig(fsfd, FSCONFIG_SET_STRING, key, value, 0) == 0)
        return 0;
    int saved = errno;
    cleanup_free char *log = fs_context_log(fsfd);
    return hull_error_set(err, saved, "overlay option %s=%s%s%s", key, value, *log ? ": " : "", log);
}

/* Returns 1 when the kernel does not know "lowerdir+" (before 6.8).
 * Linux 6.5 to 6.7 refuse the key; before 6.5 overlay had no fs_context of
 * its own and the legacy one takes it, so only the create fails (EINVAL).
 * That went unnoticed for a while: every container of a 6.1 kernel got a
 * copy of its image (docs/performance.md, "What cgroup v2 changes"). */
static int overlay_fsmount(char *const *layers, size_t n, const char *upper, const char *work, bool read_only,
                           bool joined, int *mfd_out, struct hull_error **err)
{
    cleanup_close int fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
    if (fsfd < 0)
        return hull_error_set(err, errno, "overlayfs is not available");
    if (joined) {
        /* fsconfig takes strings of up to 256 bytes, NUL included */
        char list[256] = "";
        size_t len = 0;
        for (size_t i = n; i-- > 0;) {
            size_t l = strlen(layers[i]);
            if (strpbrk(layers[i], ":,") || len + l + 2 > sizeof list)
                return hull_error_set(err, E2BIG, "the layer list does not fit in one overlay option");
            if (len)
                list[len++] = ':';
            memcpy(list + len, layers[i], l + 1);
            len += l;
        }
        if (fsconfig_string(fsfd, "lowerdir", list, err) < 0)
            return -1;
    }
    for (size_t i = n; !joined && i-- > 0;) {
        if (fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir+", layers[i], 0) < 0) {
            if (errno == EINVAL && i == n - 1) {
                cleanup_free char *log = fs_context_log(fsfd);
                if (strstr(log, "lowerdir+") || !*log)
                    return 1;
            }
            return fsconfig_string(fsfd, "lowerdir+", layers[i], err);
        }
    }
    if (fsconfig_string(fsfd, "upperdir", upper, err) < 0 || fsconfig_string(fsfd, "workdir", work, err) < 0)
        return -1;
    if (running_in_user_namespace() && fsconfig(fsfd, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)
        return hull_error_set(err, errno, "overlay option userxattr");
    if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
        int saved = errno;
        if (saved == EINVAL && fs_context_is_legacy("overlay"))
            return 1;
        cleanup_free char *log = fs_context_log(fsfd);
        return hull_error_set(err, saved, "create the overlay mount%s%s", *log ? ": " : "", log);
    }
    int mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, read_only ? MOUNT_ATTR_RDONLY : 0);
    if (mfd < 0)
        return hull_error_set(err, errno, "fsmount overlay");
    *mfd_out = mfd;
    return 0;
}

int image_overlay_fsmount(char *const *layers, size_t n, const char *upper, const char *work, bool read_only,
                          int *mfd_out, struct hull_error **err)
{
    return overlay_fsmount(layers, n, upper, work, read_only, false, mfd_out, err);
}

int image_overlay_fsmount_short(char *const *layers, size_t n, const char *upper, const char *work, bool read_only,
                                int *mfd_out, struct hull_error **err)
{
    return overlay_fsmount(layers, n, upper, work, read_only, true, mfd_out, err);
}

/* The new mount API: one fsconfig per layer, no length limit. Returns 1 when
 * the kernel does not know "lowerdir+" (before 6.8): the caller uses mount(2). */
static int mount_overlay_fsapi(char *const *layers, size_t n, const char *upper, const char *work, const char *target,
                               bool read_only, struct hull_error **err)
{
    cleanup_close int mfd = -1;
    int r = image_overlay_fsmount(layers, n, upper, work, read_only, &mfd, err);
    if (r != 0)
        return r;
    if (move_mount(mfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return hull_error_set(err, errno, "attach the overlay at %s", target);
    return 0;
}

/* Classic mount(2): the whole option string must fit in a page. */
static int mount_overlay_legacy(char *const *layers, size_t n, const char *upper, const char *work, const char *target,
                                bool read_only, struct hull_error **err)
{
    size_t len = 80 + strlen(upper) + strlen(work);
    for (size_t i = 0; i < n; i++) {
        if (strpbrk(layers[i], ":,"))
            return hull_error_set(err, EINVAL, "layer path %s has a ':' or ',' overlayfs cannot take", layers[i]);
        len += strlen(layers[i]) + 1;
    }
    cleanup_free char *data = xmalloc0(len);
    strcpy(data, "lowerdir=");
    for (size_t i = n; i-- > 0;) {
        strcat(data, layers[i]);
        if (i > 0)
            strcat(data, ":");
    }
    char *p = data + strlen(data);
    sprintf(p, ",upperdir=%s,workdir=%s%s", upper, work, running_in_user_namespace() ? ",userxattr" : "");
    if (strlen(data) >= (size_t)sysconf(_SC_PAGESIZE))
        return hull_error_set(err, E2BIG, "too many layers (%zu) for this kernel's overlay mount options", n);
    if (mount("overlay", target, "overlay", read_only ? MS_RDONLY : 0, data) < 0)
        return hull_error_set(err, errno, "mount overlay at %s", target);
    return 0;
}

const char *image_overlay_opaque_xattr(void)
{
    return running_in_user_namespace() ? "user.overlay.opaque" : "trusted.overlay.opaque";
}

/* Created in place: the container dir is new and its record, written after
 * this, is what makes anyone look at it. */
static int write_kind(const char *container_dir, enum image_rootfs_kind kind, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("%s/%s", container_dir, KIND_FILE);
    const char *text = kind == IMAGE_ROOTFS_OVERLAY ? "overlay\n" : "copy\n";
    return write_file_new(path, text, strlen(text), 0600, err);
}

static void remove_partial(const char *container_dir)
{
    static const char *const parts[] = {"upper", "work", "rootfs", KIND_FILE};
    for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
        cleanup_free char *p = xasprintf("%s/%s", container_dir, parts[i]);
        rm_rf(p, NULL);
    }
}

static int try_overlay(char *const *layers, size_t n, const char *container_dir, const char *rootfs, bool read_only,
                       struct hull_error **err)
{
    cleanup_free char *upper = xasprintf("%s/upper", container_dir);
    cleanup_free char *work = xasprintf("%s/work", container_dir);
    if (mkdir(upper, 0755) < 0 && errno != EEXIST)
        return hull_error_set(err, errno, "mkdir %s", upper);
    if (mkdir(work, 0700) < 0 && errno != EEXIST)
        return hull_error_set(err, errno, "mkdir %s", work);
    int r = mount_overlay_fsapi(layers, n, upper, work, rootfs, read_only, err);
    if (r == 1)
        r = mount_overlay_legacy(layers, n, upper, work, rootfs, read_only, err);
    return r;
}

bool image_rootfs_overlay_works(const char *dir)
{
    cleanup_free char *probe = xasprintf("%s/overlay-probe.XXXXXX", dir);
    if (mkdir_p(dir, 0700, NULL) < 0 || !mkdtemp(probe))
        return false;
    cleanup_free char *lower = xasprintf("%s/lower", probe);
    cleanup_free char *target = xasprintf("%s/rootfs", probe);
    char *layers[] = {lower, NULL};
    bool works = mkdir(lower, 0755) == 0 && mkdir(target, 0755) == 0 &&
                 try_overlay(layers, 1, probe, target, false, NULL) == 0;
    if (works)
        umount2(target, MNT_DETACH);
    rm_rf(probe, NULL);
    return works;
}

/* The failures that mean "no overlayfs here" rather than "something is wrong":
 * no such filesystem type (module missing), the upper/work filesystem or a
 * layer's filesystem is refused (EINVAL, EOPNOTSUPP: e.g. overlay on overlay,
 * NFS upper), or no permission to mount it (EPERM in some user namespaces). */
static bool overlay_unavailable(int errnum)
{
    return errnum == ENODEV || errnum == EINVAL || errnum == EOPNOTSUPP || errnum == EPERM;
}

int image_rootfs_prepare(char *const *layers, const char *container_dir, const struct image_rootfs_opts *opts,
                         char **rootfs_out, enum image_rootfs_kind *kind_out, struct hull_error **err)
{
    size_t n = strv_length(layers);
    if (n == 0)
        return hull_error_set(err, EINVAL, "the image has no layers");
    for (size_t i = 0; i < n; i++)
        if (layers[i][0] != '/')
            return hull_error_set(err, EINVAL, "layer path %s is not absolute", layers[i]);
    cleanup_free char *rootfs = xasprintf("%s/rootfs", container_dir);
    if (mkdir(rootfs, 0755) < 0)
        return hull_error_set(err, errno, "mkdir %s", rootfs);

    enum image_rootfs_kind kind = IMAGE_ROOTFS_OVERLAY;
    struct hull_error *overlay_err = NULL;
    if (opts->force_copy || try_overlay(layers, n, container_dir, rootfs, opts->read_only, &overlay_err) < 0) {
        if (overlay_err && !overlay_unavailable(overlay_err->errnum)) {
            /* A missing layer or a full disk: copying would fail the same way. */
            remove_partial(container_dir);
            if (!err || *err) {
                hull_error_free(overlay_err);
                return -1;
            }
            *err = overlay_err;
            return hull_error_wrap(err, "cannot mount the container's root filesystem");
        }
        if (overlay_err) {
            cleanup_free char *why = hull_error_text(overlay_err);
            log_warn("overlayfs cannot be used (%s): copying the image's layers into %s instead", why, rootfs);
            hull_error_free(overlay_err);
        }
        kind = IMAGE_ROOTFS_COPY;
        cleanup_free char *upper = xasprintf("%s/upper", container_dir);
        cleanup_free char *work = xasprintf("%s/work", container_dir);
        rm_rf(upper, NULL);
        rm_rf(work, NULL);
        if (image_rootfs_flatten(layers, rootfs, err) < 0) {
            remove_partial(container_dir);
            return hull_error_wrap(err, "cannot copy the image into %s", rootfs);
        }
        if (opts->read_only && mount(rootfs, rootfs, NULL, MS_BIND, NULL) == 0 &&
            mount(NULL, rootfs, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0) {
            int saved = errno;
            umount2(rootfs, MNT_DETACH);
            remove_partial(container_dir);
            return hull_error_set(err, saved, "make %s read-only", rootfs);
        }
    }
    if (write_kind(container_dir, kind, err) < 0) {
        umount2(rootfs, MNT_DETACH);
        remove_partial(container_dir);
        return -1;
    }
    if (kind_out)
        *kind_out = kind;
    if (rootfs_out)
        *rootfs_out = steal_pointer(&rootfs);
    return 0;
}

static bool is_mount_point(const char *path)
{
    struct stat st, parent;
    cleanup_free char *up = xasprintf("%s/..", path);
    if (lstat(path, &st) < 0 || stat(up, &parent) < 0)
        return false;
    return st.st_dev != parent.st_dev;
}

int image_rootfs_remount(char *const *layers, const char *container_dir, struct hull_error **err)
{
    cleanup_free char *kind_path = xasprintf("%s/%s", container_dir, KIND_FILE);
    cleanup_free char *rootfs = xasprintf("%s/rootfs", container_dir);
    cleanup_free char *kind = NULL;
    /* A copied rootfs is a plain directory that outlives everything. */
    if (read_file(kind_path, &kind, NULL, NULL) < 0 || strncmp(kind, "overlay", 7) || is_mount_point(rootfs))
        return 0;
    size_t n = strv_length(layers);
    if (n == 0)
        return hull_error_set(err, 0, "the image has no layers");
    cleanup_free char *upper = xasprintf("%s/upper", container_dir);
    cleanup_free char *work = xasprintf("%s/work", container_dir);
    /* Unlike prepare: no fallback to a copy, nothing removed on failure --
     * the upper dir is the container's data. */
    if (mkdir(work, 0700) < 0 && errno != EEXIST)
        return hull_error_set(err, errno, "mkdir %s", work);
    int r = mount_overlay_fsapi(layers, n, upper, work, rootfs, false, err);
    if (r == 1)
        r = mount_overlay_legacy(layers, n, upper, work, rootfs, false, err);
    return r;
}

int image_rootfs_release(const char *container_dir, struct hull_error **err)
{
    cleanup_free char *rootfs = xasprintf("%s/rootfs", container_dir);
    /* An overlay and a bind mount of itself have another st_dev than their
     * parent; a read-only copy is a bind of the same fs, so try unmounting always. */
    for (int i = 0; i < 8; i++) {
        if (umount2(rootfs, UMOUNT_NOFOLLOW) == 0)
            continue;
        if (errno == EBUSY) {
            if (umount2(rootfs, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
                continue;
        }
        break;
    }
    if (is_mount_point(rootfs))
        return hull_error_set(err, EBUSY, "cannot unmount %s", rootfs);
    static const char *const parts[] = {"rootfs", "upper", "work", KIND_FILE};
    for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
        cleanup_free char *p = xasprintf("%s/%s", container_dir, parts[i]);
        if (rm_rf(p, err) < 0)
            return hull_error_wrap(err, "cannot remove the container's root filesystem");
    }
    return 0;
}
