/* engine/rootless.h: the subordinate ranges read from /etc/subuid-style files
 * (by name or uid, comments and empty ranges skipped, every range kept in
 * order) and the default store / runroot of a normal user. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "engine/rootless.h"
#include "util/utils.h"

static char *write_tmp(const char *text)
{
    char *path = xstrdup("/tmp/hull-test-subid.XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
        abort();
    close(fd);
    return path;
}

int main(void)
{
    cleanup_free char *f = write_tmp("# comment\n"
                                     "alice:100000:65536\n"
                                     "bob:200000:65536\n"
                                     "1001:300000:1000\n"
                                     "alice:400000:0\n"
                                     "alice:500000:10\n"
                                     "garbage line\n");
    struct subid_range *r = NULL;
    size_t n = 0;
    cleanup_error struct hull_error *err = NULL;
    TAP_CHECK(engine_subid_ranges(f, "alice", 1000, &r, &n, &err) == 0 && n == 2 && r[0].start == 100000 &&
                  r[0].count == 65536 && r[1].start == 500000 && r[1].count == 10,
              "alice: her two ranges in order, the empty one skipped");
    free(r);
    TAP_CHECK(engine_subid_ranges(f, "carol", 1001, &r, &n, &err) == 0 && n == 1 && r[0].start == 300000,
              "a line by uid matches the user's uid");
    free(r);
    TAP_CHECK(engine_subid_ranges(f, "dave", 1002, &r, &n, &err) == 0 && n == 0 && !r,
              "no range: 0 ranges, not an error (the caller names the problem)");
    TAP_CHECK(engine_subid_ranges(f, "al", 1000, &r, &n, &err) == 0 && n == 0, "a prefix of a name is not the name");
    TAP_CHECK(engine_subid_ranges("/nonexistent/subuid", "alice", 1000, &r, &n, &err) == 0 && n == 0,
              "a missing file: no ranges");
    unlink(f);

    setenv("XDG_DATA_HOME", "/x/data", 1);
    setenv("XDG_RUNTIME_DIR", "/x/run", 1);
    cleanup_free char *root = engine_rootless_default_root();
    cleanup_free char *runroot = engine_rootless_default_runroot();
    TAP_CHECK(!strcmp(root, "/x/data/hull") && !strcmp(runroot, "/x/run/hull"), "XDG_DATA_HOME, XDG_RUNTIME_DIR");
    setenv("XDG_DATA_HOME", "relative", 1);
    unsetenv("XDG_RUNTIME_DIR");
    setenv("HOME", "/home/u", 1);
    cleanup_free char *root2 = engine_rootless_default_root();
    cleanup_free char *runroot2 = engine_rootless_default_runroot();
    cleanup_free char *want_run = xasprintf("/run/user/%u/hull", (unsigned)geteuid());
    TAP_CHECK(!strcmp(root2, "/home/u/.local/share/hull") && !strcmp(runroot2, want_run),
              "a relative XDG_DATA_HOME is ignored (~/.local/share/hull); no XDG_RUNTIME_DIR: /run/user/UID/hull");
    return TAP_DONE();
}
