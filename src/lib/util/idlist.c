/* hull: "0-3,7" id lists (cpuset(7) "List format"). */
#include "idlist.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORD_BITS (8 * sizeof(unsigned long))

static int parse_id(const char **p, unsigned *out)
{
    if (!isdigit((unsigned char)**p))
        return -1;
    char *end;
    errno = 0;
    unsigned long v = strtoul(*p, &end, 10);
    if (errno || v >= IDLIST_MAX)
        return -1;
    *p = end;
    *out = (unsigned)v;
    return 0;
}

int idlist_parse(const char *text, struct idlist *out)
{
    memset(out, 0, sizeof *out);
    const char *p = text;
    while (*p == ' ')
        p++;
    if (*p == '\0' || *p == '\n')
        return 0;
    for (;;) {
        unsigned lo, hi;
        if (parse_id(&p, &lo) < 0)
            return -1;
        hi = lo;
        if (*p == '-') {
            p++;
            if (parse_id(&p, &hi) < 0 || hi < lo)
                return -1;
        }
        for (unsigned i = lo; i <= hi; i++)
            out->bits[i / WORD_BITS] |= 1UL << (i % WORD_BITS);
        while (*p == ' ')
            p++;
        if (*p == ',') {
            p++;
            while (*p == ' ')
                p++;
            continue;
        }
        return (*p == '\0' || (*p == '\n' && p[1] == '\0')) ? 0 : -1;
    }
}

bool idlist_has(const struct idlist *l, unsigned id)
{
    return id < IDLIST_MAX && (l->bits[id / WORD_BITS] >> (id % WORD_BITS)) & 1;
}

bool idlist_empty(const struct idlist *l)
{
    for (size_t i = 0; i < IDLIST_WORDS; i++)
        if (l->bits[i])
            return false;
    return true;
}

int idlist_first_outside(const struct idlist *l, const struct idlist *host)
{
    for (unsigned i = 0; i < IDLIST_MAX; i++)
        if (idlist_has(l, i) && !idlist_has(host, i))
            return (int)i;
    return -1;
}

int idlist_read_file(const char *path, struct idlist *out)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (idlist_parse(buf, out) < 0) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}
