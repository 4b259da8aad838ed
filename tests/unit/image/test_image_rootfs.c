/* A container rootfs from layers: overlayfs (merged view, whiteouts, opaque
 * directories, writes go to upper, read-only) and the copy fallback (the same
 * merged view).  Needs root; mounts only below its own temp dir. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../tap.h"
#include "image/image_rootfs.h"
#include "util/utils.h"

/* TAP_CHECK evaluates its condition twice: calls with side effects go here first. */
static int call_r;

static char base[] = "/tmp/hull-rootfs-XXXXXX";

static void put(const char *rel, const char *text)
{
    cleanup_free char *p = xasprintf("%s/%s", base, rel);
    cleanup_free char *dir = xstrdup(p);
    *strrchr(dir, '/') = '\0';
    mkdir_p(dir, 0755, NULL);
    cleanup_close int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write_all(fd, text, strlen(text));
}

static char *get(const char *dir, const char *rel)
{
    cleanup_free char *p = xasprintf("%s/%s", dir, rel);
    char *text = NULL;
    if (read_file(p, &text, NULL, NULL) < 0)
        return NULL;
    return text;
}

static bool present(const char *dir, const char *rel)
{
    struct stat st;
    cleanup_free char *p = xasprintf("%s/%s", dir, rel);
    return lstat(p, &st) == 0;
}

/* Two layers as the unpacker would leave them:
 *  l1: a="one", dir/{x,y}, del, keep
 *  l2: a="two", del -> whiteout, dir opaque with z, new */
static void make_layers(char **l1, char **l2)
{
    *l1 = xasprintf("%s/l1", base);
    *l2 = xasprintf("%s/l2", base);
    put("l1/a", "one");
    put("l1/dir/x", "x");
    put("l1/dir/y", "y");
    put("l1/del", "doomed");
    put("l1/keep", "keep");
    cleanup_free char *linkpath = xasprintf("%s/l1/hard", base), *target = xasprintf("%s/l1/keep", base);
    link(target, linkpath);
    put("l2/a", "two");
    put("l2/dir/z", "z");
    put("l2/new", "new");
    cleanup_free char *wh = xasprintf("%s/l2/del", base);
    mknod(wh, S_IFCHR | 0000, makedev(0, 0));
    cleanup_free char *dir = xasprintf("%s/l2/dir", base);
    setxattr(dir, "trusted.overlay.opaque", "y", 1, 0);
}

static void check_merged(const char *rootfs, const char *how)
{
    cleanup_free char *a = get(rootfs, "a"), *keep = get(rootfs, "keep"), *z = get(rootfs, "dir/z");
    TAP_CHECK(a && !strcmp(a, "two"), "%s: the upper layer's file wins", how);
    TAP_CHECK(keep && !strcmp(keep, "keep") && z && !strcmp(z, "z") && present(rootfs, "new"),
              "%s: files of both layers are there", how);
    TAP_CHECK(!present(rootfs, "del"), "%s: a whiteout hides the lower file", how);
    TAP_CHECK(!present(rootfs, "dir/x") && !present(rootfs, "dir/y"),
              "%s: an opaque directory hides the lower directory's content", how);
}

/* Where a copy means a bug, not a host without overlays: as real root, with
 * the overlay module loaded (the attempt loads it) and the layers on a
 * filesystem overlayfs takes as upper.  Linux 6.1 once got a copy here
 * because its legacy fs context took "lowerdir+" and only the create failed. */
static bool overlay_expected(void)
{
    cleanup_free char *fs = NULL;
    struct statfs st;
    if (running_in_user_namespace() || read_file("/proc/filesystems", &fs, NULL, NULL) < 0 ||
        !strstr(fs, "\toverlay\n") || statfs(base, &st) < 0)
        return false;
    return st.f_type == TMPFS_MAGIC || st.f_type == EXT4_SUPER_MAGIC || st.f_type == XFS_SUPER_MAGIC ||
           st.f_type == BTRFS_SUPER_MAGIC;
}

static void test_overlay(char *const *layers, bool *overlay_ok)
{
    cleanup_free char *cdir = xasprintf("%s/c1", base);
    mkdir(cdir, 0700);
    struct image_rootfs_opts opts = {0};
    cleanup_free char *rootfs = NULL;
    enum image_rootfs_kind kind;
    cleanup_error struct hull_error *err = NULL;
    int r = image_rootfs_prepare(layers, cdir, &opts, &rootfs, &kind, &err);
    *overlay_ok = r == 0 && kind == IMAGE_ROOTFS_OVERLAY;
    if (!*overlay_ok && overlay_expected()) {
        TAP_CHECK(false, "overlayfs is loaded and %s can carry an upper dir, yet the rootfs is a copy (%s)", base,
                  err ? err->msg : "fell back to copy");
        if (r == 0)
            image_rootfs_release(cdir, NULL);
        return;
    }
    if (!*overlay_ok) {
        printf("ok %d # SKIP overlayfs is not usable here (%s)\n", ++tap_n, err ? err->msg : "fell back to copy");
        if (r == 0)
            image_rootfs_release(cdir, NULL);
        return;
    }
    check_merged(rootfs, "overlay");
    put("c1/rootfs/written", "w");
    TAP_CHECK(present(cdir, "upper/written") && !present(base, "l1/written") && !present(base, "l2/written"),
              "overlay: writes go to the container's upper dir, never into a layer");
    cleanup_free char *del = xasprintf("%s/a", rootfs);
    unlink(del);
    TAP_CHECK(present(base, "l2/a") && !present(rootfs, "a"), "overlay: deleting a file leaves the layer intact");
    cleanup_free char *kindtxt = get(cdir, "rootfs.kind");
    TAP_CHECK(kindtxt && !strcmp(kindtxt, "overlay\n"), "the kind is recorded for release");
    call_r = image_rootfs_release(cdir, &err);
    TAP_CHECK(call_r == 0 && !present(cdir, "rootfs") && !present(cdir, "upper"),
              "release unmounts and removes rootfs/upper/work (%s)", err ? err->msg : "ok");
    call_r = image_rootfs_release(cdir, &err);
    TAP_CHECK(call_r == 0, "release is idempotent");

    /* read-only */
    struct image_rootfs_opts ro = {.read_only = true};
    free(rootfs);
    rootfs = NULL;
    r = image_rootfs_prepare(layers, cdir, &ro, &rootfs, &kind, &err);
    cleanup_free char *target = xasprintf("%s/newfile", rootfs ? rootfs : base);
    int fd = r == 0 ? open(target, O_WRONLY | O_CREAT, 0644) : -1;
    int saved = errno;
    if (fd >= 0)
        close(fd);
    TAP_CHECK(r == 0 && fd < 0 && saved == EROFS, "read-only overlay refuses writes with EROFS");
    cleanup_free char *a = rootfs ? get(rootfs, "a") : NULL;
    TAP_CHECK(a && !strcmp(a, "two"), "read-only overlay still shows the merged view");
    image_rootfs_release(cdir, NULL);
}

/* The detached overlay (the init layer's): the merged view through its fd,
 * with "lowerdir+" and with the one "lowerdir" string of kernels before 6.8
 * (which this kernel takes too), and a list too long for that string. */
static void test_fsmount(char *const *layers)
{
    for (int joined = 0; joined < 2; joined++) {
        const char *how = joined ? "fsmount, one lowerdir string" : "fsmount, lowerdir+";
        cleanup_free char *upper = xasprintf("%s/f%d-upper", base, joined);
        cleanup_free char *work = xasprintf("%s/f%d-work", base, joined);
        mkdir(upper, 0755);
        mkdir(work, 0700);
        cleanup_close int mfd = -1;
        cleanup_error struct hull_error *err = NULL;
        call_r = joined ? image_overlay_fsmount_short(layers, 2, upper, work, false, &mfd, &err)
                        : image_overlay_fsmount(layers, 2, upper, work, false, &mfd, &err);
        if (call_r == 1) { /* a kernel before 6.8 */
            printf("ok %d # SKIP %s: this kernel has no \"lowerdir+\"\n", ++tap_n, how);
            continue;
        }
        TAP_CHECK(call_r == 0 && mfd >= 0, "%s: mounted (%s)", how, err ? err->msg : "ok");
        if (call_r != 0)
            continue;
        char fdp[32];
        snprintf(fdp, sizeof fdp, "/proc/self/fd/%d", mfd);
        check_merged(fdp, how);
        cleanup_close int f = openat(mfd, "made", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        TAP_CHECK(f >= 0 && present(upper, "made"), "%s: a file made through the fd lands in the upper dir", how);
    }
    char *many[12];
    cleanup_free char *long_layer = xasprintf("%s/%0200d", base, 0);
    for (int i = 0; i < 11; i++)
        many[i] = i % 2 ? layers[0] : long_layer;
    many[11] = NULL;
    cleanup_close int mfd = -1;
    cleanup_error struct hull_error *err = NULL;
    call_r = image_overlay_fsmount_short(many, 11, base, base, false, &mfd, &err);
    TAP_CHECK(call_r < 0 && err && err->errnum == E2BIG && mfd < 0,
              "fsmount, one lowerdir string: a list longer than fsconfig takes is refused (%s)",
              err ? err->msg : "accepted");
}

static void test_copy(char *const *layers)
{
    cleanup_free char *cdir = xasprintf("%s/c2", base);
    mkdir(cdir, 0700);
    struct image_rootfs_opts opts = {.force_copy = true};
    cleanup_free char *rootfs = NULL;
    enum image_rootfs_kind kind;
    cleanup_error struct hull_error *err = NULL;
    int r = image_rootfs_prepare(layers, cdir, &opts, &rootfs, &kind, &err);
    TAP_CHECK(r == 0 && kind == IMAGE_ROOTFS_COPY, "copy fallback prepares (%s)", err ? err->msg : "ok");
    if (r < 0)
        return;
    check_merged(rootfs, "copy");
    struct stat s1, s2;
    cleanup_free char *h1 = xasprintf("%s/keep", rootfs), *h2 = xasprintf("%s/hard", rootfs);
    TAP_CHECK(stat(h1, &s1) == 0 && stat(h2, &s2) == 0 && s1.st_ino == s2.st_ino, "copy: hard links stay hard links");
    cleanup_free char *dir = xasprintf("%s/dir", rootfs);
    char v[2];
    TAP_CHECK(getxattr(dir, "trusted.overlay.opaque", v, sizeof v) < 0,
              "copy: overlay xattrs are not carried into the plain tree");
    put("c2/rootfs/written", "w");
    TAP_CHECK(!present(base, "l2/written"), "copy: writes never reach a layer");
    call_r = image_rootfs_release(cdir, &err);
    TAP_CHECK(call_r == 0 && !present(cdir, "rootfs"), "copy: release removes it");

    /* read-only copy: a read-only bind mount of itself */
    struct image_rootfs_opts ro = {.force_copy = true, .read_only = true};
    free(rootfs);
    rootfs = NULL;
    r = image_rootfs_prepare(layers, cdir, &ro, &rootfs, &kind, &err);
    cleanup_free char *target = xasprintf("%s/newfile", rootfs ? rootfs : base);
    int fd = r == 0 ? open(target, O_WRONLY | O_CREAT, 0644) : -1;
    int saved = errno;
    if (fd >= 0)
        close(fd);
    TAP_CHECK(r == 0 && fd < 0 && saved == EROFS, "read-only copy refuses writes with EROFS");
    call_r = image_rootfs_release(cdir, &err);
    TAP_CHECK(call_r == 0 && !present(cdir, "rootfs"), "read-only copy: release unmounts and removes");
}

int main(void)
{
    if (getuid() != 0) {
        printf("ok 1 # SKIP mounting overlays needs root\n1..1\n");
        return 0;
    }
    if (!mkdtemp(base))
        return 1;
    char *l1, *l2;
    make_layers(&l1, &l2);
    char *layers[] = {l1, l2, NULL};
    bool overlay_ok;
    test_overlay(layers, &overlay_ok);
    if (overlay_ok)
        test_fsmount(layers);
    test_copy(layers);

    cleanup_error struct hull_error *err = NULL;
    char *none[] = {NULL};
    cleanup_free char *cdir = xasprintf("%s/c3", base);
    mkdir(cdir, 0700);
    struct image_rootfs_opts opts = {0};
    call_r = image_rootfs_prepare(none, cdir, &opts, NULL, NULL, &err);
    TAP_CHECK(call_r < 0 && !present(cdir, "rootfs"), "no layers: a clear error, nothing created (%s)",
              err ? err->msg : "accepted");
    char *relative[] = {"layers/x", NULL};
    hull_error_freep(&err);
    call_r = image_rootfs_prepare(relative, cdir, &opts, NULL, NULL, &err);
    TAP_CHECK(call_r < 0 && !present(cdir, "rootfs"), "a relative layer path is refused");
    char *missing_layer = xasprintf("%s/missing", base);
    char *missing[] = {missing_layer, NULL};
    hull_error_freep(&err);
    int r = image_rootfs_prepare(missing, cdir, &opts, NULL, NULL, &err);
    TAP_CHECK(r < 0 && !present(cdir, "rootfs") && !present(cdir, "upper"),
              "a missing layer dir fails and leaves nothing (%s)", err ? err->msg : "accepted");
    free(missing_layer);

    /* leave no mounts behind whatever happened */
    static const char *const containers[] = {"c1", "c2", "c3"};
    for (size_t i = 0; i < ARRAY_SIZE(containers); i++) {
        cleanup_free char *m = xasprintf("%s/%s/rootfs", base, containers[i]);
        umount2(m, MNT_DETACH);
    }
    rm_rf(base, NULL);
    free(l1);
    free(l2);
    return TAP_DONE();
}
