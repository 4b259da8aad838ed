/* sha256 digests and the double-verifying blob stream. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "image/digest.h"
#include "image/stream.h"
#include "util/utils.h"

/* TAP_CHECK evaluates its condition twice: calls with side effects go here first. */
static int call_r;

/* A small tar in memory. */
static size_t make_tar(char *buf, size_t cap)
{
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    size_t used = 0;
    archive_write_open_memory(a, buf, cap, &used);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, "hello.txt");
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, 6);
    archive_write_header(a, e);
    archive_write_data(a, "hello\n", 6);
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
    return used;
}

/* Compresses data with libarchive's "raw" format and a filter. */
static size_t compress(const char *in, size_t len, char *out, size_t cap, int filter)
{
    struct archive *a = archive_write_new();
    archive_write_set_format_raw(a);
    archive_write_add_filter(a, filter);
    size_t used = 0;
    archive_write_open_memory(a, out, cap, &used);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_filetype(e, AE_IFREG);
    archive_write_header(a, e);
    archive_write_data(a, in, len);
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
    return used;
}

/* Runs a blob through blob_stream from a temp file; reads the tar to its end. */
static int stream_digests(const char *data, size_t len, struct blob_digests *out, int *entries)
{
    char path[] = "/tmp/hull-digest-XXXXXX";
    int fd = mkstemp(path);
    unlink(path);
    write_all(fd, data, len);
    lseek(fd, 0, SEEK_SET);
    struct blob_stream *bs;
    if (blob_stream_open(fd, NULL, NULL, &bs, NULL) < 0) {
        close(fd);
        return -1;
    }
    struct archive_entry *e;
    *entries = 0;
    while (archive_read_next_header(blob_stream_tar(bs), &e) == ARCHIVE_OK)
        (*entries)++;
    int r = blob_stream_finish(bs, out, NULL);
    blob_stream_free(bs);
    close(fd);
    return r;
}

int main(void)
{
    char d[DIGEST_STR_SIZE];
    digest_of("abc", 3, d);
    TAP_CHECK(!strcmp(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
              "sha256(\"abc\") matches FIPS 180-2");
    digest_of("", 0, d);
    TAP_CHECK(!strcmp(d, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
              "sha256(\"\") matches the known value");
    struct digester g;
    digester_init(&g);
    digester_update(&g, "a", 1);
    digester_update(&g, "bc", 2);
    digester_final(&g, d);
    TAP_CHECK(!strcmp(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") && g.bytes == 3,
              "incremental updates give the same digest and count bytes");

    TAP_CHECK(digest_is_valid("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
              "a valid digest is accepted");
    TAP_CHECK(!digest_is_valid("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"),
              "upper-case hex is refused");
    TAP_CHECK(!digest_is_valid("sha256:ba7816bf"), "a short digest is refused");
    TAP_CHECK(!digest_is_valid("sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
              "another algorithm is refused");
    cleanup_error struct hull_error *err = NULL;
    digest_check_syntax("sha512:abcd", "layer 1", &err);
    TAP_CHECK(err && strstr(err->msg, "unsupported digest algorithm") && strstr(err->msg, "layer 1"),
              "the syntax error names the algorithm and where: %s", err ? err->msg : "");

    static char tar[65536], gz[65536], zst[65536], padded[65536 + 1];
    size_t tar_len = make_tar(tar, sizeof tar);
    char want_tar[DIGEST_STR_SIZE];
    digest_of(tar, tar_len, want_tar);

    struct blob_digests got;
    int entries;
    call_r = stream_digests(tar, tar_len, &got, &entries);
    TAP_CHECK(call_r == 0 && entries == 1 && !strcmp(got.stored, want_tar) && !strcmp(got.uncompressed, want_tar) &&
                  !strcmp(got.compression, "none") && got.stored_size == tar_len,
              "plain tar: stored digest == diff_id == sha256 of the file");

    size_t gz_len = compress(tar, tar_len, gz, sizeof gz, ARCHIVE_FILTER_GZIP);
    char want_gz[DIGEST_STR_SIZE];
    digest_of(gz, gz_len, want_gz);
    call_r = stream_digests(gz, gz_len, &got, &entries);
    TAP_CHECK(call_r == 0 && entries == 1 && !strcmp(got.stored, want_gz) && !strcmp(got.uncompressed, want_tar) &&
                  !strcmp(got.compression, "gzip") && got.uncompressed_size == tar_len,
              "gzip layer: digest of the gzip bytes, diff_id of the tar inside");

    size_t zst_len = compress(tar, tar_len, zst, sizeof zst, ARCHIVE_FILTER_ZSTD);
    char want_zst[DIGEST_STR_SIZE];
    digest_of(zst, zst_len, want_zst);
    call_r = stream_digests(zst, zst_len, &got, &entries);
    TAP_CHECK(call_r == 0 && !strcmp(got.stored, want_zst) && !strcmp(got.uncompressed, want_tar) &&
                  !strcmp(got.compression, "zstd"),
              "zstd layer: both digests right");

    /* A byte appended after the gzip stream is part of the blob: the digest must change. */
    memcpy(padded, gz, gz_len);
    padded[gz_len] = 'X';
    call_r = stream_digests(padded, gz_len + 1, &got, &entries);
    TAP_CHECK(call_r == 0 && strcmp(got.stored, want_gz) && got.stored_size == gz_len + 1,
              "trailing bytes after the compressed stream are hashed too");

    /* A flipped byte in the middle of the gzip data: refused by the decompressor or the digest. */
    memcpy(padded, gz, gz_len);
    padded[gz_len / 2] ^= 0x55;
    int r = stream_digests(padded, gz_len, &got, &entries);
    TAP_CHECK(r < 0 || strcmp(got.stored, want_gz), "a corrupted blob never passes as the original");
    return TAP_DONE();
}
