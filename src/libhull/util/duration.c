/* hull: Go durations (see duration.h). */
#include <stdint.h>
#include <string.h>

#include "duration.h"

static const struct {
    const char *unit;
    int64_t ns;
} units[] = {
    /* longest first where one is a prefix of another: "ms" before "m" */
    {"ns", 1}, {"us", 1000}, {"\xc2\xb5s", 1000}, {"\xce\xbcs", 1000}, {"ms", 1000000},
    {"s", 1000000000LL}, {"m", 60LL * 1000000000LL}, {"h", 3600LL * 1000000000LL},
};

bool parse_go_duration(const char *text, int64_t *ns)
{
    const char *p = text;
    bool negative = false;
    if (*p == '-' || *p == '+')
        negative = *p++ == '-';
    if (!strcmp(p, "0")) {
        *ns = 0;
        return true;
    }
    if (!*p)
        return false;
    /* Go accumulates in uint64 and refuses what does not fit an int64. */
    long double total = 0;
    while (*p) {
        long double value = 0, scale = 1;
        bool digits = false;
        for (; *p >= '0' && *p <= '9'; p++, digits = true)
            value = value * 10 + (*p - '0');
        if (*p == '.') {
            p++;
            for (; *p >= '0' && *p <= '9'; p++, digits = true) {
                scale /= 10;
                value += (*p - '0') * scale;
            }
        }
        if (!digits)
            return false;
        size_t k = 0;
        for (; k < sizeof units / sizeof units[0]; k++)
            if (!strncmp(p, units[k].unit, strlen(units[k].unit)))
                break;
        if (k == sizeof units / sizeof units[0])
            return false; /* a missing or unknown unit */
        p += strlen(units[k].unit);
        total += value * (long double)units[k].ns;
        if (total > (long double)INT64_MAX)
            return false;
    }
    *ns = (int64_t)total * (negative ? -1 : 1);
    return true;
}
