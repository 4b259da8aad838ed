/* Unit tests for mkdir_p (util/utils.c): the whole path first, parents only
 * when it is missing (a `hull run` used to make ~160 failing mkdirs walking
 * down from /), and the same results as before for every shape of path. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/utils.h"
#include "../tap.h"

static bool is_dir(const char *path, mode_t *mode)
{
    struct stat st;
    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
        return false;
    if (mode)
        *mode = st.st_mode & 07777;
    return true;
}

int main(void)
{
    char tmpl[] = "/tmp/hull-mkdirp.XXXXXX";
    const char *top = mkdtemp(tmpl);
    if (!top) {
        perror("mkdtemp");
        return 1;
    }
    umask(022);
    struct hull_error *e = NULL;
    cleanup_free char *deep = xasprintf("%s/a/b/c/d", top);
    mode_t mode = 0;
    TAP_CHECK(mkdir_p(deep, 0711, &e) == 0 && is_dir(deep, &mode) && mode == 0711, "four missing levels made, mode 0711");
    cleanup_free char *mid = xasprintf("%s/a/b", top);
    TAP_CHECK(is_dir(mid, &mode) && mode == 0711, "a parent it made has the same mode");
    TAP_CHECK(mkdir_p(deep, 0700, &e) == 0 && is_dir(deep, &mode) && mode == 0711,
              "an existing directory is left as it is");
    cleanup_free char *slashes = xasprintf("%s//x///y/", top);
    cleanup_free char *xy = xasprintf("%s/x/y", top);
    TAP_CHECK(mkdir_p(slashes, 0755, &e) == 0 && is_dir(xy, NULL), "repeated and trailing slashes");
    cleanup_free char *file = xasprintf("%s/file", top);
    FILE *f = fopen(file, "w");
    if (f)
        fclose(f);
    cleanup_free char *under_file = xasprintf("%s/file/sub/dir", top);
    TAP_CHECK(mkdir_p(under_file, 0755, &e) < 0 && e && e->errnum == ENOTDIR && strstr(e->msg, "file/sub"),
              "a file in the way fails with ENOTDIR, naming the path: %s", e ? e->msg : "");
    hull_error_freep(&e);
    TAP_CHECK(chdir(top) == 0 && mkdir_p("rel/sub", 0755, &e) == 0 && is_dir("rel/sub", NULL), "a relative path");
    TAP_CHECK(chdir("/") == 0, "back to /");
    TAP_CHECK(mkdir_p("/", 0755, &e) == 0, "/ exists");
    cleanup_free char *rm = xasprintf("rm -rf %s", top);
    if (system(rm) != 0)
        fprintf(stderr, "# could not remove %s\n", top);
    return TAP_DONE();
}
