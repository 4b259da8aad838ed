/* tar-split: a tar recorded while it is unpacked comes back byte for byte, in
 * every tar dialect layers use (pax with long names and big numbers, GNU long
 * names, ustar prefixes, hard links, empty files, trailing bytes); and a
 * changed file is caught by the caller's digest, not given out silently. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../tap.h"
#include "image/tarsplit.h"
#include "image/unpack.h"
#include "util/utils.h"

static char tarbuf[1 << 21];
static size_t used;

static void build(int format, bool trailing)
{
    struct archive *a = archive_write_new();
    archive_write_set_format(a, format);
    archive_write_open_memory(a, tarbuf, sizeof tarbuf - 1024, &used);
    static char big[70000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 7);
    char longname[300];
    memset(longname, 'n', sizeof longname);
    memcpy(longname, "dir/", 4);
    longname[250] = '\0';
    struct {
        const char *path;
        mode_t type;
        const char *data;
        size_t len;
        const char *link;
    } entries[] = {
        {"dir", AE_IFDIR, NULL, 0, NULL},
        {"dir/small", AE_IFREG, "hello\n", 6, NULL},
        {"dir/empty", AE_IFREG, "", 0, NULL},
        {"dir/big", AE_IFREG, big, sizeof big, NULL},
        {"dir/hard", AE_IFREG, NULL, 0, "dir/small"},
        {"dir/sym", AE_IFLNK, NULL, 0, "small"},
        {"a/very/deep/path/that/needs/the/ustar/prefix/field/because/it/is/longer/than/one/hundred/characters/file",
         AE_IFDIR, NULL, 0, NULL},
        {"a/very/deep/path/that/needs/the/ustar/prefix/field/because/it/is/longer/than/one/hundred/characters/file/x",
         AE_IFREG, "x\n", 2, NULL},
        {longname, AE_IFREG, "long\n", 5, NULL},
    };
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, entries[i].path);
        archive_entry_set_filetype(e, entries[i].type);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_mtime(e, 1000000000, 123);
        archive_entry_set_uid(e, i == 2 ? 3000000 : 0); /* a uid that needs pax (or base-256) */
        if (entries[i].type == AE_IFLNK)
            archive_entry_set_symlink(e, entries[i].link);
        else if (entries[i].link)
            archive_entry_set_hardlink(e, entries[i].link);
        if (entries[i].type == AE_IFREG && !entries[i].link)
            archive_entry_set_size(e, (la_int64_t)entries[i].len);
        archive_write_header(a, e);
        if (entries[i].len)
            archive_write_data(a, entries[i].data, entries[i].len);
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    if (trailing) { /* bytes after the end-of-archive blocks belong to the blob too */
        memcpy(tarbuf + used, "trailing garbage", 16);
        used += 16;
    }
}

static int collect(const void *buf, size_t n, void *data)
{
    struct {
        char *p;
        size_t len;
    } *out = data;
    memcpy(out->p + out->len, buf, n);
    out->len += n;
    return 0;
}

static void round_trip(const char *name, int format, bool trailing)
{
    build(format, trailing);
    char dir[] = "/tmp/hull-tarsplit.XXXXXX";
    if (!mkdtemp(dir)) {
        TAP_CHECK(0, "mkdtemp");
        return;
    }
    int split_fd = memfd_create("split", MFD_CLOEXEC);
    struct tar_split_writer *w = tar_split_writer_new(split_fd);
    /* fed in odd-sized pieces, as a decompressor hands them out */
    for (size_t off = 0; off < used;) {
        size_t n = used - off < 777 ? used - off : 777;
        tar_split_feed(w, tarbuf + off, n);
        off += n;
    }
    cleanup_error struct hull_error *err = NULL;
    int r = tar_split_writer_finish(w, &err);
    tar_split_writer_free(w);
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    archive_read_open_memory(a, tarbuf, used);
    int root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct unpack_opts opts = {.oci_whiteouts = true, .keep_owner = true};
    if (r == 0)
        r = tar_unpack(a, root, &opts, NULL, &err);
    archive_read_free(a);
    TAP_CHECK(r == 0, "%s: recorded and unpacked (%s)", name, err ? err->msg : "ok");
    uint64_t size = 0;
    r = tar_split_size(split_fd, &size, &err);
    TAP_CHECK(r == 0 && size == used, "%s: the split knows the size (%llu of %zu)", name, (unsigned long long)size,
              used);
    struct {
        char *p;
        size_t len;
    } out = {xmalloc0(used + 1), 0};
    r = tar_split_reassemble(split_fd, root, collect, &out, &err);
    TAP_CHECK(r == 0 && out.len == used && !memcmp(out.p, tarbuf, used), "%s: given back byte for byte (%zu/%zu)",
              name, out.len, used);
    /* a changed file gives other bytes: the caller's diff_id check refuses them */
    cleanup_free char *small = xasprintf("%s/dir/small", dir);
    write_file_atomic(small, "HELLO\n", 6, 0644, NULL);
    out.len = 0;
    r = tar_split_reassemble(split_fd, root, collect, &out, &err);
    TAP_CHECK(r == 0 && out.len == used && memcmp(out.p, tarbuf, used), "%s: a changed file changes the bytes", name);
    free(out.p);
    close(split_fd);
    close(root);
    rm_rf(dir, NULL);
}

int main(void)
{
    if (geteuid() != 0) {
        printf("1..0 # skip needs root (the unpacker chowns)\n");
        return 0;
    }
    round_trip("pax", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, false);
    round_trip("pax interchange", ARCHIVE_FORMAT_TAR_PAX_INTERCHANGE, true);
    round_trip("gnutar", ARCHIVE_FORMAT_TAR_GNUTAR, false);
    round_trip("ustar", ARCHIVE_FORMAT_TAR_USTAR, true);
    return TAP_DONE();
}
