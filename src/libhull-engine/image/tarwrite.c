/* The pax writer: see tarwrite.h. */
#include "tarwrite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util/utils.h"

#define BLOCK 512
#define OCTAL_12_MAX 077777777777ULL /* 8 GiB - 1 */
#define OCTAL_8_MAX 07777777ULL

struct tar_writer {
    int fd;
};

struct tar_writer *tar_writer_new(int fd)
{
    struct tar_writer *w = xmalloc0(sizeof *w);
    w->fd = fd;
    return w;
}

void tar_writer_free(struct tar_writer *w)
{
    free(w);
}

static int put(struct tar_writer *w, const void *buf, size_t n, struct hull_error **err)
{
    if (write_all(w->fd, buf, n) < 0)
        return hull_error_set(err, errno, "write the tar archive");
    return 0;
}

static int pad(struct tar_writer *w, uint64_t size, struct hull_error **err)
{
    static const char zero[BLOCK];
    size_t n = (size_t)((BLOCK - size % BLOCK) % BLOCK);
    return n ? put(w, zero, n, err) : 0;
}

/* len-1 octal digits, zero-padded, then NUL (values that do not fit were moved to pax). */
static void octal(char *field, size_t len, uint64_t v)
{
    field[len - 1] = '\0';
    for (size_t i = len - 1; i-- > 0; v >>= 3)
        field[i] = (char)('0' + (v & 7));
}

/* One "LEN key=value\n" record; LEN counts itself. */
static void pax_add(char **buf, size_t *len, const char *key, const void *value, size_t vlen)
{
    size_t body = 1 + strlen(key) + 1 + vlen + 1; /* " key=value\n" */
    size_t digits = 1, total;
    for (;;) {
        total = body + digits;
        size_t d = 1;
        for (size_t t = total; t >= 10; t /= 10)
            d++;
        if (d == digits)
            break;
        digits = d;
    }
    *buf = xrealloc(*buf, *len + total + 1);
    char *p = *buf + *len;
    int n = sprintf(p, "%zu %s=", total, key);
    memcpy(p + n, value, vlen);
    p[n + vlen] = '\n';
    *len += total;
}

static void pax_add_str(char **buf, size_t *len, const char *key, const char *value)
{
    pax_add(buf, len, key, value, strlen(value));
}

static void pax_add_num(char **buf, size_t *len, const char *key, uint64_t v)
{
    char s[32];
    snprintf(s, sizeof s, "%llu", (unsigned long long)v);
    pax_add_str(buf, len, key, s);
}

static int write_block(struct tar_writer *w, char h[BLOCK], struct hull_error **err)
{
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (size_t i = 0; i < BLOCK; i++)
        sum += (unsigned char)h[i];
    snprintf(h + 148, 8, "%06o", sum);
    return put(w, h, BLOCK, err);
}

static char type_of(const struct stat *st, int hardlink)
{
    if (hardlink)
        return '1';
    switch (st->st_mode & S_IFMT) {
    case S_IFLNK:
        return '2';
    case S_IFCHR:
        return '3';
    case S_IFBLK:
        return '4';
    case S_IFDIR:
        return '5';
    case S_IFIFO:
        return '6';
    default:
        return '0';
    }
}

int tar_write_header(struct tar_writer *w, const char *name, const struct stat *st, const char *link, int hardlink,
                     const struct tar_xattr *xattrs, size_t n_xattrs, struct hull_error **err)
{
    char type = type_of(st, hardlink);
    cleanup_free char *full = type == '5' && name[strlen(name) - 1] != '/' ? xasprintf("%s/", name) : xstrdup(name);
    uint64_t size = type == '0' ? (uint64_t)st->st_size : 0;
    cleanup_free char *pax = NULL;
    size_t pax_len = 0;
    if (strlen(full) > 100)
        pax_add_str(&pax, &pax_len, "path", full);
    if (link && strlen(link) > 100)
        pax_add_str(&pax, &pax_len, "linkpath", link);
    if (size > OCTAL_12_MAX)
        pax_add_num(&pax, &pax_len, "size", size);
    if ((uint64_t)st->st_uid > OCTAL_8_MAX)
        pax_add_num(&pax, &pax_len, "uid", st->st_uid);
    if ((uint64_t)st->st_gid > OCTAL_8_MAX)
        pax_add_num(&pax, &pax_len, "gid", st->st_gid);
    for (size_t i = 0; i < n_xattrs; i++) {
        cleanup_free char *key = xasprintf("SCHILY.xattr.%s", xattrs[i].name);
        pax_add(&pax, &pax_len, key, xattrs[i].value, xattrs[i].size);
    }
    char h[BLOCK];
    if (pax_len) {
        memset(h, 0, sizeof h);
        snprintf(h, 100, "PaxHeaders/%.80s", full);
        octal(h + 100, 8, 0644);
        octal(h + 108, 8, 0);
        octal(h + 116, 8, 0);
        octal(h + 124, 12, pax_len);
        octal(h + 136, 12, (uint64_t)st->st_mtim.tv_sec);
        h[156] = 'x';
        memcpy(h + 257, "ustar\0" "00", 8);
        if (write_block(w, h, err) < 0 || put(w, pax, pax_len, err) < 0 || pad(w, pax_len, err) < 0)
            return -1;
    }
    memset(h, 0, sizeof h);
    memcpy(h, full, strlen(full) > 100 ? 100 : strlen(full));
    octal(h + 100, 8, st->st_mode & 07777);
    octal(h + 108, 8, (uint64_t)st->st_uid > OCTAL_8_MAX ? 0 : st->st_uid);
    octal(h + 116, 8, (uint64_t)st->st_gid > OCTAL_8_MAX ? 0 : st->st_gid);
    octal(h + 124, 12, size > OCTAL_12_MAX ? 0 : size);
    octal(h + 136, 12, st->st_mtim.tv_sec > 0 ? (uint64_t)st->st_mtim.tv_sec : 0);
    h[156] = type;
    if (link)
        memcpy(h + 157, link, strlen(link) > 100 ? 100 : strlen(link));
    memcpy(h + 257, "ustar\0" "00", 8);
    if (type == '3' || type == '4') {
        octal(h + 329, 8, major(st->st_rdev));
        octal(h + 337, 8, minor(st->st_rdev));
    }
    return write_block(w, h, err);
}

int tar_write_file_data(struct tar_writer *w, int fd, uint64_t size, struct hull_error **err)
{
    char buf[64 * 1024];
    uint64_t left = size;
    while (left > 0) {
        ssize_t n = read(fd, buf, left < sizeof buf ? (size_t)left : sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return hull_error_set(err, errno, "read");
        if (n == 0) /* the file shrank while we read it: pad with zeros, the header is written */
            return hull_error_set(err, 0, "the file shrank while it was archived");
        if (put(w, buf, (size_t)n, err) < 0)
            return -1;
        left -= (uint64_t)n;
    }
    return pad(w, size, err);
}

int tar_writer_finish(struct tar_writer *w, struct hull_error **err)
{
    static const char zero[2 * BLOCK];
    return put(w, zero, sizeof zero, err);
}
