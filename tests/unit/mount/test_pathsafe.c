/* Unit tests for src/libhull/mount/pathsafe.c: a path inside a root filesystem is
 * resolved as if that root were "/", by openat2(RESOLVE_IN_ROOT) and by the
 * component walk that kernels without openat2 (before 5.6) get.  The walk is
 * forced with pathsafe_force_fallback so it is tested on every kernel. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mount/pathsafe.h"
#include "util/utils.h"
#include "../tap.h"

static char root[] = "/tmp/hull-test-pathsafe-XXXXXX";

static void make_tree(void)
{
    char *paths[] = {"etc", "d", "inroot-only", NULL};
    for (char **p = paths; *p; p++) {
        cleanup_free char *dir = xasprintf("%s/%s", root, *p);
        mkdir(dir, 0755);
    }
    cleanup_free char *passwd = xasprintf("%s/etc/passwd", root);
    close(open(passwd, O_CREAT | O_WRONLY, 0644));
    const char *links[][2] = {
        {"/etc", "abs"},                   /* absolute: the root's /etc, not the host's */
        {"../../../../../etc", "rel"},     /* climbs past the root: stops at it */
        {"/inroot-only", "abs-new"},       /* exists only in the root */
        {"loop2", "loop1"},                /* a loop */
        {"loop1", "loop2"},
        {"passwd", "etc/alias"},           /* relative, same directory */
        {"../etc", "d/up"},                /* relative, climbing out of its own directory */
    };
    for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
        cleanup_free char *at = xasprintf("%s/%s", root, links[i][1]);
        if (symlink(links[i][0], at) < 0)
            TAP_CHECK(false, "symlink %s", at);
    }
}

static ino_t inode_of(const char *rel)
{
    cleanup_free char *p = xasprintf("%s/%s", root, rel);
    struct stat st;
    return stat(p, &st) == 0 ? st.st_ino : 0;
}

/* path resolves (inside the root) to the root's `want`. */
static void expect_resolves(int rootfd, const char *mode, const char *path, const char *want)
{
    cleanup_error struct hull_error *err = NULL;
    cleanup_close int fd = path_open_in_root(rootfd, path, PATH_NO_CREATE, &err);
    struct stat st;
    bool ok = fd >= 0 && fstat(fd, &st) == 0 && st.st_ino == inode_of(want);
    TAP_CHECK(ok, "%s: %s resolves to the root's %s", mode, path, want);
    if (fd < 0)
        printf("# %s\n", err->msg);
}

static void run_checks(int rootfd, const char *mode)
{
    expect_resolves(rootfd, mode, "/etc/passwd", "etc/passwd");
    expect_resolves(rootfd, mode, "/abs/passwd", "etc/passwd");
    expect_resolves(rootfd, mode, "/rel/passwd", "etc/passwd");
    expect_resolves(rootfd, mode, "../../../etc/passwd", "etc/passwd");
    expect_resolves(rootfd, mode, "/d/../../etc/./passwd", "etc/passwd");
    expect_resolves(rootfd, mode, "/etc/alias", "etc/passwd");

    cleanup_error struct hull_error *err = NULL;
    /* The walk's one known difference (pathsafe.c): a relative link's ".."
     * stops at the link's directory, stricter than the kernel, never looser.
     * It also shows which of the two resolved. */
    int fd = path_open_in_root(rootfd, "/d/up/passwd", PATH_NO_CREATE, &err);
    if (strcmp(mode, "openat2") == 0)
        TAP_CHECK(fd >= 0, "%s: a relative link may climb to the root's /etc", mode);
    else
        TAP_CHECK(fd < 0 && err && err->errnum == ENOENT, "%s: a relative link's \"..\" stops at its directory", mode);
    if (fd >= 0)
        close(fd);
    hull_error_free(err);
    err = NULL;
    fd = path_open_in_root(rootfd, "/loop1", PATH_NO_CREATE, &err);
    TAP_CHECK(fd < 0 && err && err->errnum == ELOOP, "%s: a symlink loop fails with ELOOP", mode);
    hull_error_free(err);
    err = NULL;
    fd = path_open_in_root(rootfd, "/etc/missing", PATH_NO_CREATE, &err);
    TAP_CHECK(fd < 0 && err && err->errnum == ENOENT && strstr(err->msg, "/etc/missing"),
              "%s: a missing path fails with ENOENT, named", mode);
    hull_error_free(err);
    err = NULL;

    /* Creation follows the same resolution: through an absolute link, inside the root. */
    cleanup_free char *made = xasprintf("abs-new/made-%s/sub", mode);
    fd = path_open_in_root(rootfd, made, PATH_MKDIR, &err);
    cleanup_free char *want = xasprintf("inroot-only/made-%s/sub", mode);
    struct stat st;
    TAP_CHECK(fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_ino == inode_of(want),
              "%s: PATH_MKDIR through an absolute link creates inside the root", mode);
    if (fd >= 0)
        close(fd);
    cleanup_free char *file = xasprintf("abs/file-%s", mode);
    fd = path_open_in_root(rootfd, file, PATH_MKFILE, &err);
    cleanup_free char *want_file = xasprintf("etc/file-%s", mode);
    TAP_CHECK(fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_ino == inode_of(want_file),
              "%s: PATH_MKFILE through an absolute link creates inside the root", mode);
    if (fd >= 0)
        close(fd);
}

int main(void)
{
    if (mkdtemp(root) == NULL) {
        TAP_CHECK(false, "mkdtemp");
        return TAP_DONE();
    }
    make_tree();
    int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT};
    int probe = (int)syscall(SYS_openat2, rootfd, "etc", &how, sizeof how);
    if (probe < 0 && errno == ENOSYS)
        printf("ok %d - # SKIP this kernel has no openat2 (before 5.6): only the fallback is tested\n", ++tap_n);
    else
        run_checks(rootfd, "openat2");
    if (probe >= 0)
        close(probe);
    pathsafe_force_fallback(1);
    run_checks(rootfd, "fallback");
    pathsafe_force_fallback(0);
    close(rootfd);
    cleanup_free char *rm = xasprintf("rm -rf '%s'", root);
    TAP_CHECK(system(rm) == 0, "remove %s", root);
    return TAP_DONE();
}
