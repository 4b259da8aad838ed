/* hull: Go's time.ParseDuration, the format docker takes for durations
 * (--health-interval 30s, HEALTHCHECK --timeout=1m30s, --stop-timeout ...). */
#ifndef HULL_DURATION_H
#define HULL_DURATION_H

#include <stdbool.h>
#include <stdint.h>

/* "300ms", "1.5h", "2h45m", "-1s", "0": a sequence of decimal numbers, each
 * with an optional fraction and a unit (ns, us, µs, ms, s, m, h); "0" alone
 * needs no unit.  *ns gets nanoseconds.  False when the text does not parse
 * or overflows. */
bool parse_go_duration(const char *text, int64_t *ns);

#endif
