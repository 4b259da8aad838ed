/* hull: reading a layer blob in one pass while verifying it twice.
 *
 * An OCI layer is named by two digests: the descriptor's `digest` (of the bytes
 * as stored, usually gzip or zstd) and the config's `rootfs.diff_ids[i]` (of the
 * uncompressed tar).  A blob_stream chains three readers so both come out of the
 * single read that unpacks the layer:
 *
 *   fd --(hash: stored digest)--> decompressor (libarchive "raw" format, any
 *   supported filter) --(hash: diff_id)--> tar reader handed to the caller.
 *
 * After the caller has read the tar to its end, blob_stream_finish() drains
 * what the tar reader did not need (end-of-archive padding, trailing bytes) so
 * the digests cover every byte -- an appended byte is a mismatch, not ignored. */
#ifndef HULL_IMAGE_STREAM_H
#define HULL_IMAGE_STREAM_H

#include <stdint.h>
#include <sys/types.h>

#include "util/error_internal.h"
#include "digest.h"

struct archive;
struct blob_stream;

struct blob_digests {
    char stored[DIGEST_STR_SIZE]; /* sha256 of the bytes read from the fd */
    uint64_t stored_size;
    char uncompressed[DIGEST_STR_SIZE]; /* sha256 of the decompressed stream (the diff_id) */
    uint64_t uncompressed_size;
    const char *compression; /* "none", "gzip", "zstd", "xz", "bzip2" ... (static) */
};

/* Bytes handed over in place instead of read from an fd (chunk_queue.h):
 * read() gives the next chunk, valid until the next call; 0 at the end, -1
 * with errno set on an error. */
struct blob_source {
    ssize_t (*read)(void *data, const void **buf);
    void *data;
};

/* on_bytes (optional) is called with the number of new stored bytes read. */
int blob_stream_open(int fd, void (*on_bytes)(uint64_t n, void *data), void *data, struct blob_stream **out,
                     struct hull_error **err);
/* The same, recording the decompressed stream's tar-split (tarsplit.h) from
 * its first byte (opening already reads ahead to detect the format), from
 * src when it is not NULL (fd is then unused). */
struct tar_split_writer;
int blob_stream_open_split(int fd, const struct blob_source *src, void (*on_bytes)(uint64_t n, void *data), void *data,
                           struct tar_split_writer *split, struct blob_stream **out, struct hull_error **err);
/* The tar reader over the decompressed bytes. */
struct archive *blob_stream_tar(struct blob_stream *bs);
/* Reads what is left of the input and computes both digests. */
int blob_stream_finish(struct blob_stream *bs, struct blob_digests *out, struct hull_error **err);
/* After a failure: reads the rest of the input and gives the digest of
 * everything read, so the caller can tell "corrupted blob" from "bad tar". */
int blob_stream_stored_digest(struct blob_stream *bs, char out[static DIGEST_STR_SIZE]);
void blob_stream_free(struct blob_stream *bs);

/* Enables the decompressors hull accepts (all run in-process, none spawns a helper program). */
void archive_enable_decompressors(struct archive *a);

#endif
