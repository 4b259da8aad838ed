/* Layer unpacking: path containment (../, absolute names, symlinked parents,
 * hard links), OCI whiteouts turned into overlay whiteouts, ownership, modes,
 * xattrs.  Needs root (chown, mknod, trusted.* xattrs). */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../tap.h"
#include "image/unpack.h"
#include "util/utils.h"

/* TAP_CHECK evaluates its condition twice: calls with side effects go here first. */
static int call_r;

static char tarbuf[1 << 20];

struct builder {
    struct archive *a;
    size_t used;
};

static void tar_begin(struct builder *b)
{
    b->a = archive_write_new();
    archive_write_set_format_pax_restricted(b->a);
    archive_write_open_memory(b->a, tarbuf, sizeof tarbuf, &b->used);
}

static struct archive_entry *entry(const char *path, mode_t type, mode_t perm)
{
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, path);
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, perm);
    archive_entry_set_mtime(e, 1000000000, 0);
    return e;
}

static void add(struct builder *b, struct archive_entry *e, const char *data)
{
    if (data)
        archive_entry_set_size(e, strlen(data));
    archive_write_header(b->a, e);
    if (data)
        archive_write_data(b->a, data, strlen(data));
    archive_entry_free(e);
}

static void add_file(struct builder *b, const char *path, const char *data)
{
    add(b, entry(path, AE_IFREG, 0644), data);
}

static void add_symlink(struct builder *b, const char *path, const char *target)
{
    struct archive_entry *e = entry(path, AE_IFLNK, 0777);
    archive_entry_set_symlink(e, target);
    add(b, e, NULL);
}

static void add_hardlink(struct builder *b, const char *path, const char *target)
{
    struct archive_entry *e = entry(path, AE_IFREG, 0644);
    archive_entry_set_hardlink(e, target);
    archive_entry_set_size(e, 0);
    add(b, e, NULL);
}

/* Unpacks the built tar into dir; returns tar_unpack's result. */
static int tar_end_and_unpack(struct builder *b, const char *dir, bool layer, struct hull_error **err)
{
    archive_write_close(b->a);
    archive_write_free(b->a);
    struct archive *r = archive_read_new();
    archive_read_support_format_tar(r);
    archive_read_open_memory(r, tarbuf, b->used);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct unpack_opts opts = {.oci_whiteouts = layer, .keep_owner = layer};
    int ret = tar_unpack(r, fd, &opts, NULL, err);
    close(fd);
    archive_read_free(r);
    return ret;
}

static bool exists_at(const char *dir, const char *rel)
{
    struct stat st;
    cleanup_free char *p = xasprintf("%s/%s", dir, rel);
    return lstat(p, &st) == 0;
}

static void test_clean(void)
{
    static const char *const cases[][2] = {
        {"a/b", "a/b"},
        {"/a/b", "a/b"},
        {"./a//b/", "a/b"},
        {"../../etc/passwd", "etc/passwd"},
        {"a/../../b", "b"},
        {"a/./b/../c", "a/c"},
        {"..", ""},
        {"/", ""},
        {"./", ""},
        {"a/b/../../..", ""},
        {".wh..wh..opq", ".wh..wh..opq"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        cleanup_free char *c = tar_path_clean(cases[i][0]);
        TAP_CHECK(!strcmp(c, cases[i][1]), "clean \"%s\" -> \"%s\" (got \"%s\")", cases[i][0], cases[i][1], c);
    }
}

static void test_containment(const char *base)
{
    cleanup_free char *root = xasprintf("%s/contain/root", base);
    cleanup_free char *outside = xasprintf("%s/contain", base);
    mkdir_p(root, 0755, NULL);
    struct builder b;
    tar_begin(&b);
    add(&b, entry("etc", AE_IFDIR, 0755), NULL);
    add_file(&b, "etc/passwd", "root:x:0:0::/:/bin/sh\n");
    add_file(&b, "../escape-dotdot", "x");                  /* ../ at the root stays at the root */
    add_file(&b, "/absolute-name", "x");                    /* a leading / is relative to the root */
    add_file(&b, "sub/../../../escape-deep", "x");          /* deeper ../ chains too */
    add_symlink(&b, "up", "../../..");                      /* a relative symlink climbing out ... */
    add_file(&b, "up/escape-via-relative-link", "x");       /* ... is followed inside the root */
    add_symlink(&b, "etclink", "/etc");                     /* an absolute symlink ... */
    add_file(&b, "etclink/escape-via-absolute-link", "x");  /* ... means the root's /etc */
    add_hardlink(&b, "hardlink", "../../../../etc/passwd"); /* links the layer's etc/passwd, not the host's */
    cleanup_error struct hull_error *err = NULL;
    int r = tar_end_and_unpack(&b, root, true, &err);
    TAP_CHECK(r == 0, "a layer with escape attempts unpacks (%s)", err ? err->msg : "ok");
    TAP_CHECK(exists_at(root, "escape-dotdot") && !exists_at(outside, "escape-dotdot"),
              "../name lands inside the root");
    TAP_CHECK(exists_at(root, "absolute-name") && access("/absolute-name", F_OK) != 0,
              "/name lands inside the root, not at the host's /");
    TAP_CHECK(exists_at(root, "escape-deep") && !exists_at(base, "escape-deep"), "a/../../../name stays inside");
    TAP_CHECK(exists_at(root, "escape-via-relative-link") && !exists_at(outside, "escape-via-relative-link") &&
                  !exists_at(base, "escape-via-relative-link"),
              "a file under a symlink to ../../.. is written inside the root");
    TAP_CHECK(exists_at(root, "etc/escape-via-absolute-link") && access("/etc/escape-via-absolute-link", F_OK) != 0,
              "a file under a symlink to /etc goes to the root's etc, not the host's");
    struct stat in_layer, linked, host;
    cleanup_free char *p1 = xasprintf("%s/etc/passwd", root), *p2 = xasprintf("%s/hardlink", root);
    stat(p1, &in_layer);
    stat(p2, &linked);
    stat("/etc/passwd", &host);
    TAP_CHECK(in_layer.st_ino == linked.st_ino && linked.st_ino != host.st_ino,
              "a hard link to ../../../../etc/passwd links the layer's file, never the host's");

    /* A hard link to something the layer does not have is refused, not pointed outside. */
    cleanup_free char *root2 = xasprintf("%s/contain/root2", base);
    mkdir_p(root2, 0755, NULL);
    tar_begin(&b);
    add_hardlink(&b, "shadow", "/etc/shadow");
    hull_error_freep(&err);
    r = tar_end_and_unpack(&b, root2, true, &err);
    TAP_CHECK(r < 0 && !exists_at(root2, "shadow"), "a hard link to a file outside the layer is refused (%s)",
              err ? err->msg : "accepted");
}

static void test_whiteouts(const char *base)
{
    cleanup_free char *root = xasprintf("%s/whiteout", base);
    mkdir_p(root, 0755, NULL);
    struct builder b;
    tar_begin(&b);
    add_file(&b, ".wh.gone", "");
    add(&b, entry("dir", AE_IFDIR, 0755), NULL);
    add_file(&b, "dir/.wh..wh..opq", "");
    add_file(&b, "dir/kept", "k");
    add_file(&b, ".wh..wh.plnk", "");
    add_file(&b, "same", "s");
    add_file(&b, ".wh.same", ""); /* a whiteout does not hide a file of its own layer */
    add_file(&b, "sub/.wh.deep", "");
    struct archive_entry *e = entry("forged", AE_IFDIR, 0755);
    archive_entry_xattr_add_entry(e, "trusted.overlay.opaque", "y", 1);
    archive_entry_xattr_add_entry(e, "user.kept", "v", 1);
    add(&b, e, NULL);
    cleanup_error struct hull_error *err = NULL;
    int r = tar_end_and_unpack(&b, root, true, &err);
    TAP_CHECK(r == 0, "a layer with whiteouts unpacks (%s)", err ? err->msg : "ok");
    struct stat st;
    cleanup_free char *gone = xasprintf("%s/gone", root);
    TAP_CHECK(lstat(gone, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0),
              ".wh.gone became an overlay whiteout: character device 0/0 named gone");
    TAP_CHECK(!exists_at(root, ".wh.gone"), "the .wh. file itself is not written");
    cleanup_free char *dir = xasprintf("%s/dir", root);
    char v[4] = "";
    ssize_t n = getxattr(dir, "trusted.overlay.opaque", v, sizeof v);
    TAP_CHECK(n == 1 && v[0] == 'y', ".wh..wh..opq set trusted.overlay.opaque=y on dir");
    TAP_CHECK(!exists_at(root, "dir/.wh..wh..opq") && exists_at(root, "dir/kept"),
              "the opaque marker is not written, its siblings are");
    TAP_CHECK(!exists_at(root, ".wh..wh.plnk") && !exists_at(root, "plnk"), "aufs metadata is dropped");
    cleanup_free char *same = xasprintf("%s/same", root);
    TAP_CHECK(lstat(same, &st) == 0 && S_ISREG(st.st_mode), "a whiteout leaves a file of the same layer alone");
    cleanup_free char *deep = xasprintf("%s/sub/deep", root);
    TAP_CHECK(lstat(deep, &st) == 0 && S_ISCHR(st.st_mode), "a whiteout in a directory not listed before works");
    cleanup_free char *forged = xasprintf("%s/forged", root);
    TAP_CHECK(getxattr(forged, "trusted.overlay.opaque", v, sizeof v) < 0,
              "a trusted.overlay.* xattr from the archive is dropped");
    n = getxattr(forged, "user.kept", v, sizeof v);
    TAP_CHECK(n == 1 && v[0] == 'v', "other xattrs are kept");

    tar_begin(&b);
    add_file(&b, "x/.wh.", "");
    hull_error_freep(&err);
    cleanup_free char *root2 = xasprintf("%s/whiteout2", base);
    mkdir_p(root2, 0755, NULL);
    call_r = tar_end_and_unpack(&b, root2, true, &err);
    TAP_CHECK(call_r < 0, "a .wh. entry without a name is an error (%s)", err ? err->msg : "accepted");
}

static void test_metadata(const char *base)
{
    cleanup_free char *root = xasprintf("%s/meta", base);
    mkdir_p(root, 0755, NULL);
    struct builder b;
    tar_begin(&b);
    struct archive_entry *e = entry("suid", AE_IFREG, 04755);
    archive_entry_set_uid(e, 1234);
    archive_entry_set_gid(e, 5678);
    add(&b, e, "#!/bin/sh\n");
    e = entry("dev/null", AE_IFCHR, 0666);
    archive_entry_set_rdev(e, makedev(1, 3));
    add(&b, e, NULL);
    add(&b, entry("fifo", AE_IFIFO, 0600), NULL);
    add(&b, entry("d", AE_IFDIR, 0700), NULL);
    add_file(&b, "d/f", "data");
    e = entry("lnk", AE_IFLNK, 0777);
    archive_entry_set_symlink(e, "d/f");
    archive_entry_set_uid(e, 42);
    add(&b, e, NULL);
    add_file(&b, "replaced", "first");
    add_file(&b, "replaced", "second");
    cleanup_error struct hull_error *err = NULL;
    call_r = tar_end_and_unpack(&b, root, true, &err);
    TAP_CHECK(call_r == 0, "metadata layer unpacks (%s)", err ? err->msg : "ok");
    struct stat st;
    cleanup_free char *p = xasprintf("%s/suid", root);
    TAP_CHECK(lstat(p, &st) == 0 && st.st_uid == 1234 && st.st_gid == 5678 && (st.st_mode & 07777) == 04755,
              "owner 1234:5678 and mode 4755 (set-uid survives the chown)");
    free(p);
    p = xasprintf("%s/dev/null", root);
    TAP_CHECK(lstat(p, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3), "device node 1:3");
    free(p);
    p = xasprintf("%s/fifo", root);
    TAP_CHECK(lstat(p, &st) == 0 && S_ISFIFO(st.st_mode), "fifo");
    free(p);
    p = xasprintf("%s/d", root);
    TAP_CHECK(lstat(p, &st) == 0 && st.st_mtim.tv_sec == 1000000000 && (st.st_mode & 0777) == 0700,
              "directory mode and mtime are set after its children");
    free(p);
    p = xasprintf("%s/lnk", root);
    char target[64] = "";
    readlink(p, target, sizeof target - 1);
    TAP_CHECK(lstat(p, &st) == 0 && S_ISLNK(st.st_mode) && st.st_uid == 42 && !strcmp(target, "d/f"),
              "symlink target and owner (lchown)");
    free(p);
    p = xasprintf("%s/replaced", root);
    cleanup_free char *text = NULL;
    read_file(p, &text, NULL, NULL);
    TAP_CHECK(text && !strcmp(text, "second"), "a name repeated in the archive: the last entry wins");
    free(p);

    /* Outer archives (keep_owner = false) never create devices or chown. */
    cleanup_free char *plain = xasprintf("%s/plain", base);
    mkdir_p(plain, 0755, NULL);
    tar_begin(&b);
    e = entry("dev", AE_IFCHR, 0666);
    archive_entry_set_rdev(e, makedev(1, 3));
    add(&b, e, NULL);
    e = entry("f", AE_IFREG, 0644);
    archive_entry_set_uid(e, 1234);
    add(&b, e, "x");
    add_file(&b, ".wh.x", "");
    hull_error_freep(&err);
    call_r = tar_end_and_unpack(&b, plain, false, &err);
    TAP_CHECK(call_r == 0, "outer archive unpacks");
    p = xasprintf("%s/f", plain);
    TAP_CHECK(!exists_at(plain, "dev") && lstat(p, &st) == 0 && st.st_uid == getuid() && exists_at(plain, ".wh.x"),
              "outer archives: no devices, no chown, no whiteout conversion");
}

static void test_malformed(const char *base)
{
    cleanup_free char *root = xasprintf("%s/malformed", base);
    mkdir_p(root, 0755, NULL);
    struct builder b;
    tar_begin(&b);
    add_file(&b, "a", "0123456789");
    archive_write_close(b.a);
    archive_write_free(b.a);
    tarbuf[0] ^= 0xff; /* break the first header's checksum */
    struct archive *r = archive_read_new();
    archive_read_support_format_tar(r);
    archive_read_open_memory(r, tarbuf, b.used);
    int fd = open(root, O_RDONLY | O_DIRECTORY);
    struct unpack_opts opts = {.oci_whiteouts = true, .keep_owner = true};
    cleanup_error struct hull_error *err = NULL;
    int ret = tar_unpack(r, fd, &opts, NULL, &err);
    close(fd);
    archive_read_free(r);
    TAP_CHECK(ret < 0 && err && strstr(err->msg, "malformed"), "a damaged header is a clear error (%s)",
              err ? err->msg : "accepted");
}

static mode_t mode_of(const char *dir, const char *rel, mode_t *type, gid_t *gid)
{
    struct stat st;
    cleanup_free char *p = xasprintf("%s/%s", dir, rel);
    if (lstat(p, &st) < 0)
        return (mode_t)-1;
    if (type)
        *type = st.st_mode & S_IFMT;
    if (gid)
        *gid = st.st_gid;
    return st.st_mode & 07777;
}

/* Entries are created first and cleared only when their name is taken; files
 * get their final mode at creation when the umask allows (no fchmod) and keep
 * their owner without a chown when it is ours: every other case must come out
 * the same as before. */
static void test_replace_and_modes(const char *base)
{
    cleanup_free char *root = xasprintf("%s/replace", base);
    mkdir_p(root, 0755, NULL);
    struct builder b;
    tar_begin(&b);
    add_file(&b, "f2d", "file");
    add(&b, entry("f2d", AE_IFDIR, 0750), NULL);
    add(&b, entry("d2f", AE_IFDIR, 0755), NULL);
    add_file(&b, "d2f/child", "child");
    add_file(&b, "d2f", "now a file");
    add_file(&b, "f2l", "file");
    add_symlink(&b, "f2l", "target");
    add_symlink(&b, "l2f", "/etc/passwd");
    add_file(&b, "l2f", "a file, not written through the link");
    add_file(&b, "src", "linked");
    add_file(&b, "f2h", "file");
    add_hardlink(&b, "f2h", "src");
    add_file(&b, "f2p", "file");
    add(&b, entry("f2p", AE_IFIFO, 0644), NULL);
    static const mode_t modes[] = {0644, 0755, 0777, 0444, 0000, 0600, 0640, 02755, 01777};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        cleanup_free char *name = xasprintf("mode%04o", (unsigned)modes[i]);
        add(&b, entry(name, AE_IFREG, modes[i]), "x");
    }
    /* Ours (0:0) by the archive, in a set-gid directory of another group:
     * the file must not keep the group it inherits from the directory. */
    struct archive_entry *e = entry("sgid", AE_IFDIR, 02775);
    archive_entry_set_gid(e, 5678);
    add(&b, e, NULL);
    add_file(&b, "sgid/ours", "root's");
    add_file(&b, "empty", "");
    cleanup_error struct hull_error *err = NULL;
    call_r = tar_end_and_unpack(&b, root, true, &err);
    TAP_CHECK(call_r == 0, "a layer that replaces names unpacks (%s)", err ? err->msg : "ok");
    mode_t type;
    gid_t gid;
    TAP_CHECK(mode_of(root, "f2d", &type, NULL) == 0750 && type == S_IFDIR, "a file replaced by a directory");
    cleanup_free char *text = NULL;
    cleanup_free char *p = xasprintf("%s/d2f", root);
    read_file(p, &text, NULL, NULL);
    TAP_CHECK(text && !strcmp(text, "now a file"), "a directory (with a child) replaced by a file");
    char target[64] = "";
    free(p);
    p = xasprintf("%s/f2l", root);
    readlink(p, target, sizeof target - 1);
    TAP_CHECK(!strcmp(target, "target"), "a file replaced by a symlink");
    free(p);
    free(text);
    text = NULL;
    p = xasprintf("%s/l2f", root);
    read_file(p, &text, NULL, NULL);
    mode_of(root, "l2f", &type, NULL);
    TAP_CHECK(type == S_IFREG && text && !strcmp(text, "a file, not written through the link"),
              "a symlink replaced by a file (the link is not followed)");
    struct stat a, c;
    cleanup_free char *pa = xasprintf("%s/src", root), *pc = xasprintf("%s/f2h", root);
    TAP_CHECK(lstat(pa, &a) == 0 && lstat(pc, &c) == 0 && a.st_ino == c.st_ino, "a file replaced by a hard link");
    mode_of(root, "f2p", &type, NULL);
    TAP_CHECK(type == S_IFIFO, "a file replaced by a fifo");
    bool modes_ok = true;
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        cleanup_free char *name = xasprintf("mode%04o", (unsigned)modes[i]);
        mode_t m = mode_of(root, name, NULL, NULL);
        if (m != modes[i]) {
            printf("# %s is %04o\n", name, (unsigned)m);
            modes_ok = false;
        }
    }
    TAP_CHECK(modes_ok, "file modes are the archive's whatever the umask (022 here): 644 755 777 444 0 600 640 2755 1777");
    TAP_CHECK(mode_of(root, "sgid/ours", NULL, &gid) == 0644 && gid == 0,
              "a file of ours in a set-gid directory of group 5678 gets the archive's group 0");
    struct stat st;
    cleanup_free char *pe = xasprintf("%s/empty", root);
    TAP_CHECK(lstat(pe, &st) == 0 && st.st_size == 0 && st.st_mtim.tv_sec == 1000000000, "an empty file");
}

/* Files of 1 MiB and more get their blocks ahead of the writes on ext4
 * (unpack.c: preallocate), a window at a time: the content must be the same,
 * and a header must not take much more disk than the bytes behind it. */
static void test_big_files(const char *base)
{
    size_t size = 3 * 1024 * 1024 + 4321, cap = 24 * 1024 * 1024;
    char *data = xmalloc0(size), *buf = xmalloc0(cap);
    unsigned seed = 11;
    for (size_t i = 0; i < size; i++)
        data[i] = (char)rand_r(&seed);
    size_t used = 0;
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_open_memory(a, buf, cap, &used);
    struct archive_entry *e = entry("big", AE_IFREG, 0644);
    archive_entry_set_size(e, (la_int64_t)size);
    archive_write_header(a, e);
    archive_write_data(a, data, size);
    archive_entry_free(e);
    /* A header that says 20 MiB, of which only the first 2 MiB will be there. */
    size_t claimed = 20 * 1024 * 1024, cut;
    e = entry("claims-more", AE_IFREG, 0644);
    archive_entry_set_size(e, (la_int64_t)claimed);
    archive_write_header(a, e);
    cut = used + 2 * 1024 * 1024;
    for (size_t off = 0; off < claimed; off += size)
        archive_write_data(a, data, claimed - off < size ? claimed - off : size);
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);

    cleanup_free char *root = xasprintf("%s/big", base);
    mkdir(root, 0755);
    struct archive *r = archive_read_new();
    archive_read_support_format_tar(r);
    archive_read_open_memory(r, buf, cut);
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct unpack_opts opts = {.oci_whiteouts = true, .keep_owner = true};
    struct hull_error *err = NULL;
    call_r = tar_unpack(r, fd, &opts, NULL, &err);
    close(fd);
    archive_read_free(r);
    TAP_CHECK(call_r < 0, "an archive cut inside a file's data is an error (%s)", err ? err->msg : "accepted");
    hull_error_free(err);
    cleanup_free char *p = xasprintf("%s/big", root);
    size_t got_len = 0;
    cleanup_free char *got = NULL;
    call_r = read_file_at(AT_FDCWD, p, &got, &got_len, NULL);
    TAP_CHECK(call_r == 0 && got_len == size && !memcmp(got, data, size), "a 3 MiB file is unpacked byte for byte");
    struct stat st;
    cleanup_free char *pc = xasprintf("%s/claims-more", root);
    call_r = stat(pc, &st);
    TAP_CHECK(call_r == 0 && st.st_size <= 2 * 1024 * 1024 && (uint64_t)st.st_blocks * 512 <= 11 * 1024 * 1024,
              "a header's size takes at most its bytes and one 8 MiB window of disk (%lld bytes, %lld allocated)",
              (long long)st.st_size, (long long)st.st_blocks * 512);
    free(data);
    free(buf);
}

int main(void)
{
    if (getuid() != 0) {
        printf("ok 1 # SKIP unpacking layers needs root (chown, mknod, trusted.* xattrs)\n1..1\n");
        return 0;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    umask(022); /* before the first unpack: the unpacker reads it once */
    char base[] = "/tmp/hull-unpack-XXXXXX";
    if (!mkdtemp(base))
        return 1;
    test_clean();
    test_containment(base);
    test_whiteouts(base);
    test_metadata(base);
    test_replace_and_modes(base);
    test_malformed(base);
    test_big_files(base);
    rm_rf(base, NULL);
    return TAP_DONE();
}
