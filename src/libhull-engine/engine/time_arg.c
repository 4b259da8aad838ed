/* hull: docker's time arguments (--since, --until of hull events and hull
 * logs), parsed once into nanoseconds since the epoch (hull-engine.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/duration.h"
#include "util/error_internal.h"
#include "util/utils.h"
#include "hull/hull-engine.h"
#include "hull/util.h"

/* Nanoseconds of a fraction's digits (".5" -> 500000000); digits past the
 * ninth are dropped, as Go does. */
static int64_t fraction_nanos(const char **p)
{
    int64_t frac = 0, scale = 100000000;
    for (; **p >= '0' && **p <= '9'; (*p)++, scale /= 10)
        frac += (**p - '0') * scale;
    return frac;
}

/* "1700000000" or "1700000000.5": what docker passes on as it is. */
static bool parse_unix_time(const char *text, int64_t *nanos)
{
    if (!*text || strspn(text, "0123456789.") != strlen(text) || strchr(text, '.') != strrchr(text, '.') ||
        *text == '.')
        return false;
    char *end;
    errno = 0;
    long long secs = strtoll(text, &end, 10);
    if (errno || secs > INT64_MAX / 1000000000LL - 1)
        return false;
    const char *p = *end == '.' ? end + 1 : end;
    *nanos = (int64_t)secs * 1000000000LL + fraction_nanos(&p);
    return true;
}

/* Seconds and nanoseconds to nanoseconds since the epoch, saturating: an
 * int64 of nanoseconds holds 1677-09-21 to 2262-04-11, and a date outside is
 * as good as the beginning or the end of time for --since and --until (it
 * overflowed before: fuzz-time-arg, "0206-01-02"). */
static int64_t secs_to_nanos(int64_t secs, int64_t frac)
{
    if (secs > INT64_MAX / 1000000000LL - 1)
        return INT64_MAX;
    if (secs < INT64_MIN / 1000000000LL + 1)
        return INT64_MIN;
    return secs * 1000000000LL + frac;
}

/* The forms docker's GetTimestamp takes, longest first: a date and a time
 * to the second (maybe a fraction), to the minute, to the hour, or a date
 * alone; each in local time, or with Z or an offset +07:00. */
static bool parse_date_time(const char *text, int64_t *nanos)
{
    static const char *const formats[] = {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H", "%Y-%m-%d"};
    struct tm tm;
    const char *rest = NULL;
    size_t f = 0;
    for (; f < ARRAY_SIZE(formats); f++) {
        memset(&tm, 0, sizeof tm);
        if ((rest = strptime(text, formats[f], &tm)))
            break;
    }
    if (!rest)
        return false;
    int64_t frac = 0;
    if (*rest == '.' && f == 0) { /* a fraction only after the seconds, as RFC 3339 */
        rest++;
        if (*rest < '0' || *rest > '9')
            return false;
        frac = fraction_nanos(&rest);
    }
    time_t secs;
    if (!*rest) {
        tm.tm_isdst = -1; /* no zone: local time, as docker reads it */
        secs = mktime(&tm);
    } else if (!strcmp(rest, "Z")) {
        secs = timegm(&tm);
    } else if ((rest[0] == '+' || rest[0] == '-') && strlen(rest) == 6 && strspn(rest + 1, "0123456789") == 2 &&
               rest[3] == ':' && strspn(rest + 4, "0123456789") == 2) {
        int offset = atoi(rest + 1) * 3600 + atoi(rest + 4) * 60;
        secs = timegm(&tm) - (rest[0] == '-' ? -offset : offset);
    } else {
        return false;
    }
    *nanos = secs_to_nanos((int64_t)secs, frac);
    return true;
}

int engine_parse_time_arg(const char *flag, const char *text, int64_t now, int64_t *nanos, struct hull_error **err)
{
    int64_t d;
    if (parse_unix_time(text, nanos) || parse_date_time(text, nanos))
        return 0;
    /* a duration before now; a negative one (a time to come) is refused */
    if (*text != '-' && parse_go_duration(text, &d)) {
        *nanos = now - d;
        return 0;
    }
    return hull_error_set(err, 0,
                          "invalid %s \"%s\": want a Unix time (1700000000.5), an RFC 3339 date "
                          "(2006-01-02T15:04:05Z, 2006-01-02) or a duration before now (10m, 1h30m)",
                          flag, text);
}
