/* hull: a layer's tar stream, kept so it can be given back byte for byte.
 *
 * The store keeps layers unpacked (layers/<hex>/diff), not as the tar they
 * came in.  Saving or pushing an image needs that tar again, with exactly the
 * digest the config names (rootfs.diff_ids): a different byte anywhere is a
 * different image.  So, like containers/storage's and docker's "tar-split",
 * everything of the uncompressed tar except the regular files' contents --
 * headers, pax and GNU long-name records, padding, the end-of-archive blocks,
 * trailing bytes -- is recorded while the layer is unpacked
 * (layers/<hex>/tar-split); the contents come back from the unpacked files.
 *
 * Recording follows the tar format itself (POSIX ustar/pax, GNU), not
 * libarchive's view of it, so every byte is accounted for.  File contents that
 * cannot be found again the same way (GNU sparse files) are recorded verbatim.
 * Reassembly does not trust the result: callers hash it and compare with the
 * diff_id (a layer whose files changed since, e.g. the same name written twice
 * in one tar, is refused, never given out wrong).
 *
 * The file is a sequence of records:
 *   'M' u32 length, bytes       verbatim tar bytes
 *   'F' u64 size, u16 length, path   size bytes of the unpacked file at path */
#ifndef HULL_IMAGE_TARSPLIT_H
#define HULL_IMAGE_TARSPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "util/error_internal.h"

struct tar_split_writer;

/* Records into fd (owned by the caller, must stay open until finish). */
struct tar_split_writer *tar_split_writer_new(int fd);
/* The next bytes of the uncompressed tar stream; errors are kept for finish. */
void tar_split_feed(struct tar_split_writer *w, const void *buf, size_t n);
/* Flushes; the first write error if there was one. */
int tar_split_writer_finish(struct tar_split_writer *w, struct hull_error **err);
void tar_split_writer_free(struct tar_split_writer *w);

/* The size of the tar the split at fd gives back (fd's offset is left at 0). */
int tar_split_size(int fd, uint64_t *size, struct hull_error **err);
/* Writes the tar of the split at fd, file contents from the layer tree rootfd,
 * through write_fn (a negative return stops and is returned). */
int tar_split_reassemble(int fd, int rootfd, int (*write_fn)(const void *buf, size_t n, void *data), void *data,
                         struct hull_error **err);

#endif
