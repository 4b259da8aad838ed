/* hull: "0-3,7" id lists (cpuset(7) "List format"). */
#include "idlist.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORD_BITS (8 * sizeof(unsigned long))

static void skip_blanks(const char **p)
{
    while (**p == ' ' || **p == '\n')
        (*p)++;
}

int idlist_parse_err(const char *text, struct idlist *out, struct hull_error **err)
{
    memset(out, 0, sizeof *out);
    const char *p = text;
    skip_blanks(&p);
    if (!*p)
        return 0;
    for (;;) {
        char *end;
        if (!isdigit((unsigned char)*p))
            return hull_error_set(err, 0, "bad cpu/node list \"%s\": expected a number at \"%s\"", text, p);
        errno = 0;
        unsigned long lo = strtoul(p, &end, 10), hi = lo;
        p = end;
        if (*p == '-') {
            p++;
            if (!isdigit((unsigned char)*p))
                return hull_error_set(err, 0, "bad cpu/node list \"%s\": range without an end", text);
            hi = strtoul(p, &end, 10);
            p = end;
        }
        if (errno || hi >= IDLIST_MAX || lo >= IDLIST_MAX)
            return hull_error_set(err, 0, "bad cpu/node list \"%s\": %lu is too large", text, hi > lo ? hi : lo);
        if (hi < lo)
            return hull_error_set(err, 0, "bad cpu/node list \"%s\": range %lu-%lu goes backwards", text, lo, hi);
        for (unsigned long i = lo; i <= hi; i++)
            out->bits[i / WORD_BITS] |= 1UL << (i % WORD_BITS);
        skip_blanks(&p);
        if (!*p)
            return 0;
        if (*p != ',')
            return hull_error_set(err, 0, "bad cpu/node list \"%s\": unexpected \"%c\"", text, *p);
        p++;
        skip_blanks(&p);
    }
}

int idlist_parse(const char *text, struct idlist *out)
{
    return idlist_parse_err(text, out, NULL);
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
