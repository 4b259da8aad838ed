/* engine_parse_time_arg (time_arg.c): docker's --since/--until of hull
 * events and hull logs, each form docker takes and the refusals. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tap.h"
#include "hull/hull-engine.h"
#include "util/utils.h"

#define S 1000000000LL
static const int64_t now = 1700000000LL * S; /* 2023-11-14T22:13:20Z */

/* The time TEXT gives, or -1 when refused. */
static int64_t parsed(const char *text)
{
    int64_t t = 0;
    cleanup_error struct hull_error *err = NULL;
    if (engine_parse_time_arg("--since", text, now, &t, &err) < 0)
        return -1;
    return t;
}

/* Refused with one message naming the flag and the value. */
static bool refused(const char *flag, const char *text)
{
    int64_t t = 0;
    cleanup_error struct hull_error *err = NULL;
    if (engine_parse_time_arg(flag, text, now, &t, &err) == 0)
        return false;
    cleanup_free char *quoted = xasprintf("invalid %s \"%s\"", flag, text);
    bool ok = strstr(err->msg, quoted) && !strchr(err->msg, '\n');
    if (!ok)
        printf("# %s: %s\n", text, err->msg);
    return ok;
}

int main(void)
{
    /* a zone two hours east of UTC for the forms without one: local time */
    setenv("TZ", "XXX-2", 1);
    tzset();

    TAP_CHECK(parsed("1700000000") == now, "Unix seconds");
    TAP_CHECK(parsed("1700000000.5") == now + S / 2, "Unix seconds with a fraction");
    TAP_CHECK(parsed("1700000000.000000001") == now + 1, "a fraction to the nanosecond");
    TAP_CHECK(parsed("0") == 0, "0 is the epoch, not a duration (docker)");
    /* an int64 of nanoseconds ends in 1677 and 2262: beyond, the ends of time
     * (the multiplication overflowed: fuzz-time-arg) */
    TAP_CHECK(parsed("0206-01-02") == INT64_MIN, "a date before 1677 is the beginning of time");
    TAP_CHECK(parsed("9999-12-31T23:59:59Z") == INT64_MAX, "a date after 2262 is the end of time");
    TAP_CHECK(parsed("2262-04-11T00:00:00Z") == 9223286400LL * S, "2262-04-11 still fits");
    TAP_CHECK(parsed("10m") == now - 600 * S, "a duration before now");
    TAP_CHECK(parsed("1h30m") == now - 5400 * S, "a compound duration");
    TAP_CHECK(parsed("1.5s") == now - S - S / 2, "a duration with a fraction");
    TAP_CHECK(parsed("42m") == now - 42 * 60 * S, "docker's example: 42m");
    TAP_CHECK(parsed("2023-11-14T22:13:20Z") == now, "RFC 3339 in UTC");
    TAP_CHECK(parsed("2023-11-14T22:13:20.25Z") == now + S / 4, "RFC 3339 with a fraction");
    TAP_CHECK(parsed("2023-11-14T22:13:20.123456789Z") == now + 123456789, "RFC 3339 to the nanosecond");
    TAP_CHECK(parsed("2023-11-15T00:13:20.25+02:00") == now + S / 4, "RFC 3339 with an offset and a fraction");
    TAP_CHECK(parsed("2023-11-14T17:13:20-05:00") == now, "RFC 3339 with a negative offset");
    TAP_CHECK(parsed("2023-11-15T00:13:20") == now, "no zone: local time");
    TAP_CHECK(parsed("2023-11-15T00:13:20.5") == now + S / 2, "no zone, a fraction: local time");
    TAP_CHECK(parsed("2023-11-14T22:13Z") == now - 20 * S, "to the minute");
    TAP_CHECK(parsed("2023-11-14T22Z") == now - 13 * 60 * S - 20 * S, "to the hour");
    TAP_CHECK(parsed("2023-11-14T22:13") == now - 20 * S - 2 * 3600 * S, "to the minute, local time");
    TAP_CHECK(parsed("2023-11-14") == 1699912800LL * S, "a date alone: local midnight");
    TAP_CHECK(parsed("2023-11-14Z") == 1699920000LL * S, "a date with a zone");
    TAP_CHECK(parsed("2013-01-02T13:23:37Z") == 1357133017LL * S, "docker's example: 2013-01-02T13:23:37Z");

    TAP_CHECK(refused("--since", "abc"), "a word is refused, naming the flag and the value");
    TAP_CHECK(refused("--until", "yesterday"), "--until is named too");
    TAP_CHECK(refused("--since", ""), "empty");
    TAP_CHECK(refused("--since", "-5m"), "a negative duration (a time to come)");
    TAP_CHECK(refused("--since", "1.2.3"), "two dots");
    TAP_CHECK(refused("--since", "10x"), "an unknown unit");
    TAP_CHECK(refused("--since", "2023-11-14T22:13:20.Z"), "a dot without digits");
    TAP_CHECK(refused("--since", "2023-11-14T22:13:20+0200"), "an offset without its colon");
    TAP_CHECK(refused("--since", "2023-11-14 22:13:20"), "a blank for the T");
    TAP_CHECK(refused("--since", "2023-11-14T22:13:20Zjunk"), "something after the zone");
    TAP_CHECK(refused("--since", "99999999999999999999"), "Unix seconds out of range");
    return TAP_DONE();
}
