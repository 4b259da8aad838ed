/* sha256 digests and the double-verifying blob stream. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "image/digest.h"
#include "image/sha256_x2.h"
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

/* A blob_source over memory, in chunks of pseudo-random sizes (1 byte to 300 KiB). */
struct mem_source {
    const char *data;
    size_t len, off;
    unsigned seed;
};

static ssize_t mem_read(void *arg, const void **buf)
{
    struct mem_source *m = arg;
    size_t n = 1 + (size_t)rand_r(&m->seed) % (300 * 1024);
    if (rand_r(&m->seed) % 4 == 0)
        n = 1 + (size_t)rand_r(&m->seed) % 100; /* odd little pieces: partial sha256 blocks */
    if (n > m->len - m->off)
        n = m->len - m->off;
    *buf = m->data + m->off;
    m->off += n;
    return (ssize_t)n;
}

/* A tar of one file of size bytes (random when noisy, else repetitive), compressed with filter. */
static char *big_layer(size_t size, bool noisy, int filter, size_t *tar_len, size_t *blob_len, char **tar_out)
{
    char *content = xmalloc0(size);
    unsigned seed = 7;
    for (size_t i = 0; i < size; i++)
        content[i] = noisy ? (char)rand_r(&seed) : "hull layer "[i % 11];
    size_t cap = size + 65536;
    char *tar = xmalloc0(cap);
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_open_memory(a, tar, cap, tar_len);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, "big");
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)size);
    archive_write_header(a, e);
    archive_write_data(a, content, size);
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
    free(content);
    char *blob = xmalloc0(cap + cap / 8);
    *blob_len = compress(tar, *tar_len, blob, cap + cap / 8, filter);
    *tar_out = tar;
    return blob;
}

/* Streams blob through a mem_source; reads the tar and its one file to the end. */
static int stream_source_digests(const char *blob, size_t len, unsigned seed, struct blob_digests *out)
{
    struct mem_source m = {.data = blob, .len = len, .seed = seed};
    struct blob_source src = {.read = mem_read, .data = &m};
    struct blob_stream *bs;
    if (blob_stream_open_split(-1, &src, NULL, NULL, NULL, &bs, NULL) < 0)
        return -1;
    struct archive_entry *e;
    while (archive_read_next_header(blob_stream_tar(bs), &e) == ARCHIVE_OK) {
        const void *buf;
        size_t size;
        la_int64_t offset;
        while (archive_read_data_block(blob_stream_tar(bs), &buf, &size, &offset) == ARCHIVE_OK)
            ;
    }
    int r = blob_stream_finish(bs, out, NULL);
    blob_stream_free(bs);
    return r;
}

static void test_update2(bool x2)
{
    digester_allow_x2(x2);
    size_t cap = 1 << 20;
    char *a = xmalloc0(cap), *b = xmalloc0(cap);
    unsigned seed = 3;
    for (size_t i = 0; i < cap; i++) {
        a[i] = (char)rand_r(&seed);
        b[i] = (char)rand_r(&seed);
    }
    bool all_same = true;
    for (int round = 0; round < 200; round++) {
        size_t la = (size_t)rand_r(&seed) % cap, lb = (size_t)rand_r(&seed) % cap;
        if (round < 20) { /* small ones: within and around one block */
            la %= 200;
            lb %= 200;
        }
        char want_a[DIGEST_STR_SIZE], want_b[DIGEST_STR_SIZE], got_a[DIGEST_STR_SIZE], got_b[DIGEST_STR_SIZE];
        digest_of(a, la, want_a);
        digest_of(b, lb, want_b);
        struct digester da, db;
        digester_init(&da);
        digester_init(&db);
        size_t oa = 0, ob = 0;
        while (oa < la || ob < lb) { /* in pieces, so partial blocks are carried between calls */
            size_t na = (size_t)rand_r(&seed) % 70000, nb = (size_t)rand_r(&seed) % 70000;
            if (rand_r(&seed) % 3 == 0)
                na %= 70;
            na = na > la - oa ? la - oa : na;
            nb = nb > lb - ob ? lb - ob : nb;
            digester_update2(&da, a + oa, na, &db, b + ob, nb);
            oa += na;
            ob += nb;
        }
        digester_final(&da, got_a);
        digester_final(&db, got_b);
        if (strcmp(got_a, want_a) || strcmp(got_b, want_b) || da.bytes != la || db.bytes != lb)
            all_same = false;
    }
    TAP_CHECK(all_same, "digester_update2 gives sha256 of both inputs, in any pieces (%s)",
              x2 && sha256_x2_available() ? "SHA extensions: interleaved" : "one after the other");
    digester_allow_x2(true);

    if (x2 && sha256_x2_available()) {
        /* The compression function alone, against nettle on whole blocks. */
        struct sha256_ctx na, nb;
        sha256_init(&na);
        sha256_init(&nb);
        sha256_update(&na, 64 * 1000, (const uint8_t *)a);
        sha256_update(&nb, 64 * 1000, (const uint8_t *)b);
        struct sha256_ctx xa, xb;
        sha256_init(&xa);
        sha256_init(&xb);
        sha256_x2_blocks(xa.state, (const uint8_t *)a, xb.state, (const uint8_t *)b, 1000);
        TAP_CHECK(!memcmp(xa.state, na.state, sizeof xa.state) && !memcmp(xb.state, nb.state, sizeof xb.state),
                  "sha256_x2_blocks: the state nettle reaches for both messages");
    } else if (x2) {
        TAP_CHECK(true, "# SKIP no SHA extensions on this CPU: sha256_x2_blocks is not used");
    }
    free(a);
    free(b);
}

static void test_big_layers(void)
{
    static const struct {
        bool noisy;
        int filter;
        const char *name;
    } cases[] = {
        {true, ARCHIVE_FILTER_GZIP, "gzip, incompressible"},
        {false, ARCHIVE_FILTER_GZIP, "gzip, compressible"},
        {false, ARCHIVE_FILTER_ZSTD, "zstd, compressible"},
        {true, ARCHIVE_FILTER_NONE, "uncompressed"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t tar_len, blob_len;
        char *tar;
        char *blob = big_layer(3 * 1024 * 1024 + 777, cases[i].noisy, cases[i].filter, &tar_len, &blob_len, &tar);
        char want_blob[DIGEST_STR_SIZE], want_tar[DIGEST_STR_SIZE];
        digest_of(blob, blob_len, want_blob);
        digest_of(tar, tar_len, want_tar);
        struct blob_digests got;
        bool ok = true;
        for (unsigned seed = 1; seed <= 3; seed++) {
            call_r = stream_source_digests(blob, blob_len, seed, &got);
            ok = ok && call_r == 0 && !strcmp(got.stored, want_blob) && !strcmp(got.uncompressed, want_tar) &&
                 got.stored_size == blob_len && got.uncompressed_size == tar_len;
        }
        TAP_CHECK(ok, "3 MiB layer (%s) from a blob_source in odd pieces: both digests and sizes right",
                  cases[i].name);
        free(blob);
        free(tar);
    }
}

int main(void)
{
    test_update2(true);
    test_update2(false); /* the path of a CPU without SHA-NI, forced */
    test_big_layers();
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
