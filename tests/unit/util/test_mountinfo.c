/* Unit tests for util/mountinfo.c, the one parser of /proc/PID/mountinfo. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/mountinfo.h"
#include "util/utils.h"
#include "../tap.h"

static bool parse(const char *text, struct mountinfo_entry *e, char **keep)
{
    *keep = xstrdup(text);
    return mountinfo_parse_line(*keep, e);
}

static void test_lines(void)
{
    struct mountinfo_entry e;
    cleanup_free char *l1 = NULL, *l2 = NULL, *l3 = NULL, *l4 = NULL, *l5 = NULL, *l6 = NULL;
    /* proc(5)'s example */
    TAP_CHECK(parse("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n", &e, &l1) &&
                  !strcmp(e.devno, "98:0") && !strcmp(e.root, "/mnt1") && !strcmp(e.mountpoint, "/mnt2") &&
                  !strcmp(e.options, "rw,noatime") && !strcmp(e.fstype, "ext3") && !strcmp(e.source, "/dev/root") &&
                  !strcmp(e.super_options, "rw,errors=continue"),
              "proc(5)'s example line: every field");
    TAP_CHECK(parse("25 1 0:22 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate", &e, &l2) &&
                  !strcmp(e.fstype, "cgroup2") && !strcmp(e.mountpoint, "/sys/fs/cgroup"),
              "no optional fields");
    TAP_CHECK(parse("40 25 0:33 /a\\040b /mnt/with\\040space\\011tab\\134 rw shared:3 master:1 - tmpfs my\\040src rw",
                    &e, &l3) &&
                  !strcmp(e.root, "/a b") && !strcmp(e.mountpoint, "/mnt/with space\ttab\\") &&
                  !strcmp(e.source, "my src"),
              "\\ooo escapes undone in root, mount point and source; several optional fields");
    TAP_CHECK(parse("41 25 0:34 / /x rw - fuse.sshfs host:/dir", &e, &l4) && !strcmp(e.super_options, ""),
              "no super options: empty");
    TAP_CHECK(!parse("41 25 0:34 / /x rw shared:1 fuse host rw", &e, &l5), "no \"-\" separator: refused");
    TAP_CHECK(!parse("41 25 0:34 / /x", &e, &l6), "too few fields: refused");
    cleanup_free char *u = mountinfo_unescape("lowerdir=/a\\072b/c\\040d");
    TAP_CHECK(!strcmp(u, "lowerdir=/a:b/c d"), "mountinfo_unescape: %s", u);
}

struct seen {
    int n;
    bool saw_proc;
};

static bool count(const struct mountinfo_entry *e, void *data)
{
    struct seen *s = data;
    s->n++;
    s->saw_proc |= !strcmp(e->fstype, "proc");
    return s->n == 2; /* stop after the second */
}

static void test_foreach(void)
{
    char path[] = "/tmp/hull-test-mountinfo-XXXXXX";
    int fd = mkstemp(path);
    const char *text = "1 0 0:1 / / rw - ext4 /dev/sda1 rw\n"
                       "garbage line\n"
                       "2 1 0:2 / /proc rw - proc proc rw\n"
                       "3 1 0:3 / /sys rw - sysfs sysfs rw\n";
    TAP_CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text), "write %s", path);
    close(fd);
    struct seen s = {0};
    cleanup_error struct hull_error *err = NULL;
    TAP_CHECK(mountinfo_foreach(path, count, &s, &err) == 0 && s.n == 2 && s.saw_proc,
              "foreach: a bad line skipped, stops when fn says so (%d)", s.n);
    unlink(path);
    TAP_CHECK(mountinfo_foreach(path, count, &s, &err) < 0 && err != NULL, "foreach: a missing file is an error");
    struct seen self = {0};
    cleanup_error struct hull_error *err2 = NULL;
    TAP_CHECK(mountinfo_foreach("/proc/self/mountinfo", count, &self, &err2) == 0 && self.n >= 1,
              "foreach: /proc/self/mountinfo parses");
}

int main(void)
{
    test_lines();
    test_foreach();
    return TAP_DONE();
}
