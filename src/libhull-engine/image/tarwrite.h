/* hull: writing tar archives (POSIX pax) of file trees: `hull commit`'s new
 * layer, `hull export`'s root filesystem.
 *
 * Why not libarchive's writer: hull links libarchive statically, and its write
 * side drags in libxml2 and ICU (see meson.build), which every exec of `hull`
 * would then map.  The format needed here is small: ustar headers, with a pax
 * extended header when a value does not fit (names and link targets over 100
 * bytes, sizes of 8 GiB and more, big uids) or for xattrs
 * (SCHILY.xattr.NAME, as GNU tar and containers/storage write them). */
#ifndef HULL_IMAGE_TARWRITE_H
#define HULL_IMAGE_TARWRITE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "util/error_internal.h"

struct tar_writer;

struct tar_xattr {
    const char *name;
    const void *value;
    size_t size;
};

/* Writes to fd (owned by the caller). */
struct tar_writer *tar_writer_new(int fd);
void tar_writer_free(struct tar_writer *w);

/* The header(s) of one entry.  name: relative, without a leading "/" (a
 * directory gets its trailing "/" here).  link: the target of a symlink, or
 * of a hard link when hardlink is true.  st gives type, mode, owner, mtime,
 * device numbers and, for regular files, the size of the data that follows. */
int tar_write_header(struct tar_writer *w, const char *name, const struct stat *st, const char *link, int hardlink,
                     const struct tar_xattr *xattrs, size_t n_xattrs, struct hull_error **err);
/* The data of a regular file: exactly st.st_size bytes read from fd, padded. */
int tar_write_file_data(struct tar_writer *w, int fd, uint64_t size, struct hull_error **err);
/* The end-of-archive blocks. */
int tar_writer_finish(struct tar_writer *w, struct hull_error **err);

#endif
