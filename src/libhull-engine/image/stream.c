#include "stream.h"

#include <archive.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/utils.h"
#include "tarsplit.h"

#define STREAM_BUF_SIZE (256 * 1024)

struct blob_stream {
    int fd;
    struct blob_source src; /* src.read NULL: read fd into in_buf */
    struct archive *raw; /* decompressor: format "raw", reads fd */
    struct archive *tar; /* reads raw's output */
    struct digester stored, uncompressed;
    /* Bytes read but not hashed yet: each is hashed at the latest when its
     * buffer is about to be reused, and as much of the two as possible
     * together (digester_update2: two sha256 in the time of one).  The
     * decompressed bytes alternate between two buffers, so that those of the
     * last read can wait for the stored bytes of the next: the decompressor
     * reads its input ahead of its output, and with one buffer the stored
     * bytes it had read ahead were hashed alone each time it read more. */
    const char *stored_pending;
    size_t stored_pending_len;
    struct {
        const char *p;
        size_t len;
    } uncompressed_pending[2]; /* [0] the older (in the buffer to be written next), [1] the newer */
    int out_next;              /* the out_buf read_decompressed writes next */
    bool raw_eof;
    void (*on_bytes)(uint64_t n, void *data);
    void *on_bytes_data;
    struct tar_split_writer *split;
    char in_buf[STREAM_BUF_SIZE];
    char out_buf[2][STREAM_BUF_SIZE];
};

void archive_enable_decompressors(struct archive *a)
{
    /* Not archive_read_support_filter_all(): that also registers lrzip, lzop,
     * grzip ... which libarchive implements by running an external program. */
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_zstd(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_lz4(a);
}

/* Hashes stored and uncompressed bytes together as far as both have some
 * pending (the older uncompressed run first); then alone what must go now:
 * all of stored's rest (all_stored), the older uncompressed run (older:
 * its buffer is written next), or both uncompressed runs (all_uncompressed). */
static void hash_pending(struct blob_stream *bs, bool all_stored, bool older, bool all_uncompressed)
{
    for (int i = 0; i < 2 && bs->stored_pending_len > 0; i++) {
        size_t n = bs->stored_pending_len < bs->uncompressed_pending[i].len ? bs->stored_pending_len
                                                                            : bs->uncompressed_pending[i].len;
        if (n == 0)
            continue;
        digester_update2(&bs->stored, bs->stored_pending, n, &bs->uncompressed, bs->uncompressed_pending[i].p, n);
        bs->stored_pending += n;
        bs->stored_pending_len -= n;
        bs->uncompressed_pending[i].p += n;
        bs->uncompressed_pending[i].len -= n;
    }
    if (all_stored && bs->stored_pending_len > 0) {
        digester_update(&bs->stored, bs->stored_pending, bs->stored_pending_len);
        bs->stored_pending_len = 0;
    }
    for (int i = 0; i < (all_uncompressed ? 2 : older ? 1 : 0); i++)
        if (bs->uncompressed_pending[i].len > 0) {
            digester_update(&bs->uncompressed, bs->uncompressed_pending[i].p, bs->uncompressed_pending[i].len);
            bs->uncompressed_pending[i].len = 0;
        }
}

static la_ssize_t read_fd(struct archive *a, void *data, const void **buf)
{
    struct blob_stream *bs = data;
    hash_pending(bs, true, false, false); /* the buffer of the last read is reused or released now */
    ssize_t n;
    const void *got = bs->in_buf;
    if (bs->src.read)
        n = bs->src.read(bs->src.data, &got);
    else
        do
            n = read(bs->fd, bs->in_buf, sizeof bs->in_buf);
        while (n < 0 && errno == EINTR);
    if (n < 0) {
        archive_set_error(a, errno, "read");
        return -1;
    }
    bs->stored_pending = got;
    bs->stored_pending_len = (size_t)n;
    if (bs->on_bytes && n > 0)
        bs->on_bytes(n, bs->on_bytes_data);
    *buf = got;
    return n;
}

static la_ssize_t read_decompressed(struct archive *a, void *data, const void **buf)
{
    struct blob_stream *bs = data;
    if (bs->raw_eof)
        return 0;
    hash_pending(bs, false, true, false); /* out_buf[out_next] is written again now */
    char *out = bs->out_buf[bs->out_next];
    la_ssize_t n = archive_read_data(bs->raw, out, STREAM_BUF_SIZE);
    if (n < 0) {
        archive_set_error(a, archive_errno(bs->raw) > 0 ? archive_errno(bs->raw) : EIO, "%s",
                          archive_error_string(bs->raw) ? archive_error_string(bs->raw) : "decompression failed");
        return -1;
    }
    if (n == 0)
        bs->raw_eof = true;
    /* (the older run is hashed: the newer becomes the older) */
    bs->uncompressed_pending[0] = bs->uncompressed_pending[1];
    bs->uncompressed_pending[1].p = out;
    bs->uncompressed_pending[1].len = (size_t)n;
    bs->out_next = 1 - bs->out_next;
    if (bs->split && n > 0)
        tar_split_feed(bs->split, out, (size_t)n);
    *buf = out;
    return n;
}

int blob_stream_open(int fd, void (*on_bytes)(uint64_t n, void *data), void *data, struct blob_stream **out,
                     struct hull_error **err)
{
    return blob_stream_open_split(fd, NULL, on_bytes, data, NULL, out, err);
}

int blob_stream_open_split(int fd, const struct blob_source *src, void (*on_bytes)(uint64_t n, void *data),
                           void *data, struct tar_split_writer *split, struct blob_stream **out,
                           struct hull_error **err)
{
    struct blob_stream *bs = xmalloc0(sizeof *bs);
    bs->fd = fd;
    if (src)
        bs->src = *src;
    bs->split = split;
    bs->on_bytes = on_bytes;
    bs->on_bytes_data = data;
    digester_init(&bs->stored);
    digester_init(&bs->uncompressed);

    bs->raw = archive_read_new();
    archive_enable_decompressors(bs->raw);
    archive_read_support_format_raw(bs->raw);
    if (archive_read_open(bs->raw, bs, NULL, read_fd, NULL) != ARCHIVE_OK) {
        hull_error_set(err, 0, "cannot read the data: %s", archive_error_string(bs->raw));
        blob_stream_free(bs);
        return -1;
    }
    struct archive_entry *raw_entry;
    int r = archive_read_next_header(bs->raw, &raw_entry);
    if (r == ARCHIVE_EOF) {
        bs->raw_eof = true; /* empty input: the tar reader will report it */
    } else if (r < ARCHIVE_WARN) {
        hull_error_set(err, 0, "cannot decompress the data: %s", archive_error_string(bs->raw));
        blob_stream_free(bs);
        return -1;
    }

    bs->tar = archive_read_new();
    archive_read_support_format_tar(bs->tar);
    archive_read_support_format_gnutar(bs->tar);
    if (archive_read_open(bs->tar, bs, NULL, read_decompressed, NULL) != ARCHIVE_OK) {
        hull_error_set(err, 0, "not a tar archive: %s", archive_error_string(bs->tar));
        blob_stream_free(bs);
        return -1;
    }
    *out = bs;
    return 0;
}

struct archive *blob_stream_tar(struct blob_stream *bs)
{
    return bs->tar;
}

static const char *compression_name(struct archive *raw)
{
    switch (archive_filter_code(raw, 0)) {
    case ARCHIVE_FILTER_GZIP:
        return "gzip";
    case ARCHIVE_FILTER_ZSTD:
        return "zstd";
    case ARCHIVE_FILTER_XZ:
        return "xz";
    case ARCHIVE_FILTER_BZIP2:
        return "bzip2";
    case ARCHIVE_FILTER_LZ4:
        return "lz4";
    default:
        return "none";
    }
}

int blob_stream_finish(struct blob_stream *bs, struct blob_digests *out, struct hull_error **err)
{
    const void *buf;
    while (!bs->raw_eof) {
        la_ssize_t n = read_decompressed(bs->tar, bs, &buf);
        if (n < 0)
            return hull_error_set(err, 0, "cannot decompress the data: %s", archive_error_string(bs->tar));
    }
    /* The decompressor may stop at the end of its stream; whatever follows is
     * part of the blob and of its digest. */
    for (;;) {
        la_ssize_t n = read_fd(bs->raw, bs, &buf);
        if (n < 0)
            return hull_error_set(err, errno, "read");
        if (n == 0)
            break;
    }
    hash_pending(bs, true, true, true);
    out->stored_size = bs->stored.bytes;
    out->uncompressed_size = bs->uncompressed.bytes;
    digester_final(&bs->stored, out->stored);
    digester_final(&bs->uncompressed, out->uncompressed);
    out->compression = compression_name(bs->raw);
    return 0;
}

int blob_stream_stored_digest(struct blob_stream *bs, char out[static DIGEST_STR_SIZE])
{
    const void *buf;
    for (;;) {
        la_ssize_t n = read_fd(bs->raw, bs, &buf);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
    }
    hash_pending(bs, true, true, true);
    digester_final(&bs->stored, out);
    return 0;
}

void blob_stream_free(struct blob_stream *bs)
{
    if (!bs)
        return;
    if (bs->tar)
        archive_read_free(bs->tar);
    if (bs->raw)
        archive_read_free(bs->raw);
    free(bs);
}
