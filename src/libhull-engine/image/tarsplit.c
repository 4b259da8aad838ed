/* tar-split recording and reassembly: see tarsplit.h. */
#include "tarsplit.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/utils.h"
#include "unpack.h"

#define BLOCK 512
#define META_BUF (64 * 1024)
/* pax and GNU long-name records are kept in memory to learn the next entry's
 * path and size; bigger ones are still recorded, just not interpreted. */
#define EXT_MAX (1024 * 1024)
#define OUT_BUF (64 * 1024)
#define PATH_MAX_LEN 65535

enum state { ST_HEADER, ST_META_DATA, ST_FILE_DATA };

struct tar_split_writer {
    int fd;
    int error; /* first errno */
    /* Records are small (a few per entry): written out in OUT_BUF pieces, not
     * one system call each. */
    char out[OUT_BUF];
    size_t out_len;
    enum state state;
    unsigned char hdr[BLOCK];
    size_t hdr_len;
    uint64_t remaining;     /* bytes left in the current data region */
    uint64_t pad_after;     /* padding after file data (recorded verbatim) */
    char meta[META_BUF];
    size_t meta_len;
    /* extension records for the next entry */
    char ext_type; /* 'x' or 'L' while collecting, else 0 */
    char *ext;
    size_t ext_len, ext_cap;
    char *next_path; /* from pax path= or GNU 'L' */
    bool next_size_set, next_sparse;
    uint64_t next_size;
};

static void flush_out(struct tar_split_writer *w)
{
    if (!w->error && w->out_len && write_all(w->fd, w->out, w->out_len) < 0)
        w->error = errno ? errno : EIO;
    w->out_len = 0;
}

static void put(struct tar_split_writer *w, const void *buf, size_t n)
{
    if (w->error)
        return;
    if (w->out_len + n > sizeof w->out)
        flush_out(w);
    if (n >= sizeof w->out) {
        if (!w->error && write_all(w->fd, buf, n) < 0)
            w->error = errno ? errno : EIO;
        return;
    }
    memcpy(w->out + w->out_len, buf, n);
    w->out_len += n;
}

static void flush_meta(struct tar_split_writer *w)
{
    if (!w->meta_len)
        return;
    unsigned char rec[5] = {'M'};
    uint32_t len = (uint32_t)w->meta_len;
    memcpy(rec + 1, &len, 4);
    put(w, rec, sizeof rec);
    put(w, w->meta, w->meta_len);
    w->meta_len = 0;
}

static void add_meta(struct tar_split_writer *w, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        size_t take = META_BUF - w->meta_len < n ? META_BUF - w->meta_len : n;
        memcpy(w->meta + w->meta_len, p, take);
        w->meta_len += take;
        p += take;
        n -= take;
        if (w->meta_len == META_BUF)
            flush_meta(w);
    }
}

static void add_file(struct tar_split_writer *w, const char *path, uint64_t size)
{
    flush_meta(w);
    size_t len = strlen(path);
    if (len > PATH_MAX_LEN) {
        w->error = ENAMETOOLONG;
        return;
    }
    unsigned char rec[1 + 8 + 2] = {'F'};
    uint16_t l = (uint16_t)len;
    memcpy(rec + 1, &size, 8);
    memcpy(rec + 9, &l, 2);
    put(w, rec, sizeof rec);
    put(w, path, len);
}

struct tar_split_writer *tar_split_writer_new(int fd)
{
    struct tar_split_writer *w = xmalloc0(sizeof *w);
    w->fd = fd;
    return w;
}

void tar_split_writer_free(struct tar_split_writer *w)
{
    if (!w)
        return;
    free(w->ext);
    free(w->next_path);
    free(w);
}

/* A numeric header field: octal text, or base-256 when the high bit is set. */
static uint64_t tar_number(const unsigned char *f, size_t len)
{
    uint64_t v = 0;
    if (f[0] & 0x80) {
        for (size_t i = 1; i < len; i++)
            v = (v << 8) | f[i];
        return v;
    }
    size_t i = 0;
    while (i < len && (f[i] == ' ' || f[i] == '\0'))
        i++;
    for (; i < len && f[i] >= '0' && f[i] <= '7'; i++)
        v = v * 8 + (uint64_t)(f[i] - '0');
    return v;
}

/* "LEN key=value\n" records of a pax header: path, size, GNU sparse markers. */
static void parse_pax(struct tar_split_writer *w, const char *p, size_t n)
{
    const char *end = p + n;
    while (p < end) {
        char *q;
        unsigned long len = strtoul(p, &q, 10);
        if (q == p || len == 0 || len > (size_t)(end - p) || *q != ' ')
            return;
        const char *rec_end = p + len;
        const char *key = q + 1, *eq = memchr(key, '=', (size_t)(rec_end - key));
        if (!eq || rec_end[-1] != '\n')
            return;
        size_t klen = (size_t)(eq - key), vlen = (size_t)(rec_end - 1 - (eq + 1));
        if (klen == 4 && !memcmp(key, "path", 4)) {
            free(w->next_path);
            w->next_path = strndup(eq + 1, vlen);
        } else if (klen == 4 && !memcmp(key, "size", 4)) {
            char buf[32];
            snprintf(buf, sizeof buf, "%.*s", (int)(vlen < 31 ? vlen : 31), eq + 1);
            w->next_size = strtoull(buf, NULL, 10);
            w->next_size_set = true;
        } else if (klen > 11 && !memcmp(key, "GNU.sparse.", 11)) {
            w->next_sparse = true;
        }
        p = rec_end;
    }
}

static void end_extension(struct tar_split_writer *w)
{
    if (w->ext_type == 'x' && w->ext)
        parse_pax(w, w->ext, w->ext_len);
    else if (w->ext_type == 'L' && w->ext) {
        free(w->next_path);
        w->next_path = strndup(w->ext, strnlen(w->ext, w->ext_len));
    }
    free(w->ext);
    w->ext = NULL;
    w->ext_len = 0;
    w->ext_type = 0;
}

static void reset_next(struct tar_split_writer *w)
{
    free(w->next_path);
    w->next_path = NULL;
    w->next_size_set = w->next_sparse = false;
}

static void on_header(struct tar_split_writer *w)
{
    add_meta(w, w->hdr, BLOCK);
    w->hdr_len = 0;
    static const unsigned char zero[BLOCK];
    if (!memcmp(w->hdr, zero, BLOCK))
        return; /* end-of-archive block */
    char type = (char)w->hdr[156];
    uint64_t size = tar_number(w->hdr + 124, 12);
    uint64_t padded = (size + BLOCK - 1) / BLOCK * BLOCK;
    if (type == 'x' || type == 'L' || type == 'K' || type == 'g') {
        /* extension data: recorded, and kept to read the next entry's path/size */
        w->ext_type = (type == 'x' || type == 'L') && size <= EXT_MAX ? type : 0;
        if (w->ext_type) {
            w->ext_cap = padded;
            w->ext = xmalloc0(padded + 1);
            w->ext_len = 0;
        }
        w->state = ST_META_DATA;
        w->remaining = padded;
        w->pad_after = 0;
        if (!padded)
            end_extension(w);
        return;
    }
    if (w->next_size_set)
        size = w->next_size;
    padded = (size + BLOCK - 1) / BLOCK * BLOCK;
    bool regular = type == '0' || type == '\0' || type == '7';
    if (regular && size > 0 && !w->next_sparse) {
        char path[256 + 1 + 155 + 1];
        const char *name = w->next_path;
        if (!name) {
            /* POSIX ustar: prefix "/" name; GNU ("ustar  ") uses the prefix bytes otherwise */
            bool posix = !memcmp(w->hdr + 257, "ustar\0", 6);
            if (posix && w->hdr[345])
                snprintf(path, sizeof path, "%.155s/%.100s", (const char *)w->hdr + 345, (const char *)w->hdr);
            else
                snprintf(path, sizeof path, "%.100s", (const char *)w->hdr);
            name = path;
        }
        cleanup_free char *clean = tar_path_clean(name);
        add_file(w, clean, size);
        w->state = ST_FILE_DATA;
        w->remaining = size;
        w->pad_after = padded - size;
    } else {
        w->state = ST_META_DATA; /* other entries' data (rare), sparse files: verbatim */
        w->remaining = padded;
        w->pad_after = 0;
    }
    reset_next(w);
}

void tar_split_feed(struct tar_split_writer *w, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    while (n > 0 && !w->error) {
        switch (w->state) {
        case ST_HEADER: {
            size_t take = BLOCK - w->hdr_len < n ? BLOCK - w->hdr_len : n;
            memcpy(w->hdr + w->hdr_len, p, take);
            w->hdr_len += take;
            p += take;
            n -= take;
            if (w->hdr_len == BLOCK)
                on_header(w);
            break;
        }
        case ST_META_DATA: {
            size_t take = w->remaining < n ? (size_t)w->remaining : n;
            add_meta(w, p, take);
            if (w->ext_type && w->ext) {
                size_t room = w->ext_cap - w->ext_len, copy = take < room ? take : room;
                memcpy(w->ext + w->ext_len, p, copy);
                w->ext_len += copy;
            }
            p += take;
            n -= take;
            w->remaining -= take;
            if (w->remaining == 0) {
                if (w->ext_type || w->ext)
                    end_extension(w);
                w->state = ST_HEADER;
            }
            break;
        }
        case ST_FILE_DATA: {
            size_t take = w->remaining < n ? (size_t)w->remaining : n;
            p += take; /* the contents: they are in the unpacked file */
            n -= take;
            w->remaining -= take;
            if (w->remaining == 0) {
                w->state = ST_META_DATA; /* the padding, verbatim */
                w->remaining = w->pad_after;
                w->pad_after = 0;
                if (w->remaining == 0)
                    w->state = ST_HEADER;
            }
            break;
        }
        }
    }
}

int tar_split_writer_finish(struct tar_split_writer *w, struct hull_error **err)
{
    /* A partial header block at the end (trailing garbage) is verbatim too. */
    if (w->state == ST_HEADER && w->hdr_len)
        add_meta(w, w->hdr, w->hdr_len);
    flush_meta(w);
    flush_out(w);
    if (w->error)
        return hull_error_set(err, w->error, "write the layer's tar-split");
    return 0;
}

/* ---- reading ---- */

struct reader {
    int fd;
    struct hull_error **err;
};

static int read_exact(int fd, void *buf, size_t n, struct hull_error **err)
{
    ssize_t r = read_all(fd, buf, n);
    if (r < 0)
        return hull_error_set(err, errno, "read the tar-split");
    if ((size_t)r != n)
        return hull_error_set(err, 0, "the tar-split is truncated");
    return 0;
}

/* Calls on_meta / on_file for each record. */
static int walk(int fd, int (*on_meta)(int fd, uint32_t len, void *data),
                int (*on_file)(const char *path, uint64_t size, void *data), void *data, struct hull_error **err)
{
    if (lseek(fd, 0, SEEK_SET) < 0)
        return hull_error_set(err, errno, "seek the tar-split");
    for (;;) {
        unsigned char tag;
        ssize_t r = read_all(fd, &tag, 1);
        if (r < 0)
            return hull_error_set(err, errno, "read the tar-split");
        if (r == 0)
            return 0;
        if (tag == 'M') {
            uint32_t len;
            if (read_exact(fd, &len, 4, err) < 0)
                return -1;
            int ret = on_meta(fd, len, data);
            if (ret < 0)
                return ret;
        } else if (tag == 'F') {
            unsigned char rec[10];
            if (read_exact(fd, rec, sizeof rec, err) < 0)
                return -1;
            uint64_t size;
            uint16_t len;
            memcpy(&size, rec, 8);
            memcpy(&len, rec + 8, 2);
            char path[PATH_MAX_LEN + 1];
            if (read_exact(fd, path, len, err) < 0)
                return -1;
            path[len] = '\0';
            int ret = on_file(path, size, data);
            if (ret < 0)
                return ret;
        } else {
            return hull_error_set(err, 0, "the tar-split is corrupt (record type 0x%02x)", tag);
        }
    }
}

struct sizer {
    uint64_t total;
    struct hull_error **err;
};

static int size_meta(int fd, uint32_t len, void *data)
{
    struct sizer *s = data;
    s->total += len;
    if (lseek(fd, len, SEEK_CUR) < 0)
        return hull_error_set(s->err, errno, "seek the tar-split");
    return 0;
}

static int size_file(const char *path, uint64_t size, void *data)
{
    ((struct sizer *)data)->total += size;
    return 0;
}

int tar_split_size(int fd, uint64_t *size, struct hull_error **err)
{
    struct sizer s = {.err = err};
    if (walk(fd, size_meta, size_file, &s, err) < 0)
        return -1;
    *size = s.total;
    return lseek(fd, 0, SEEK_SET) < 0 ? hull_error_set(err, errno, "seek the tar-split") : 0;
}

struct assembler {
    int rootfd;
    int (*write_fn)(const void *buf, size_t n, void *data);
    void *data;
    struct hull_error **err;
    char buf[64 * 1024];
};

static int copy_meta(int fd, uint32_t len, void *data)
{
    struct assembler *a = data;
    while (len > 0) {
        size_t take = len < sizeof a->buf ? len : sizeof a->buf;
        if (read_exact(fd, a->buf, take, a->err) < 0)
            return -1;
        int r = a->write_fn(a->buf, take, a->data);
        if (r < 0)
            return r;
        len -= (uint32_t)take;
    }
    return 0;
}

static int copy_file(const char *path, uint64_t size, void *data)
{
    struct assembler *a = data;
    /* Inside the layer tree, never following a symlink out of it. */
    struct open_how how = {
        .flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS,
    };
    cleanup_close int fd = (int)syscall(SYS_openat2, a->rootfd, path, &how, sizeof how);
    if (fd < 0)
        return hull_error_set(a->err, errno, "the layer's file %s is gone", path);
    while (size > 0) {
        size_t want = size < sizeof a->buf ? (size_t)size : sizeof a->buf;
        ssize_t n = read(fd, a->buf, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return hull_error_set(a->err, errno, "read the layer's file %s", path);
        if (n == 0)
            return hull_error_set(a->err, 0, "the layer's file %s is shorter than its tar entry", path);
        int r = a->write_fn(a->buf, (size_t)n, a->data);
        if (r < 0)
            return r;
        size -= (uint64_t)n;
    }
    return 0;
}

int tar_split_reassemble(int fd, int rootfd, int (*write_fn)(const void *buf, size_t n, void *data), void *data,
                         struct hull_error **err)
{
    struct assembler *a = xmalloc0(sizeof *a);
    a->rootfd = rootfd;
    a->write_fn = write_fn;
    a->data = data;
    a->err = err;
    int r = walk(fd, copy_meta, copy_file, a, err);
    free(a);
    return r;
}
