/* hull: the runtime's log, in runc's two formats.
 *
 * `--log FILE --log-format json` writes one object per line with "level",
 * "msg" and "time" (conmon and containerd parse exactly that); text format
 * writes `time="..." level=error msg="..."` like logrus.  Without --log,
 * messages go to stderr, as plain text or (--log-format json) json lines.
 * --debug adds a line per main step of each command (log_debug). */
#ifndef HULL_LOG_H
#define HULL_LOG_H

#include <stdbool.h>
#include "hull/util.h"

/* --debug (or HULL_DEBUG in the environment): debug lines are written. */
bool hull_log_debug_enabled(void);

#define log_debug(...) hull_log(HULL_LOG_DEBUG, __VA_ARGS__)
#define log_info(...) hull_log(HULL_LOG_INFO, __VA_ARGS__)
#define log_warn(...) hull_log(HULL_LOG_WARN, __VA_ARGS__)
#define log_error(...) hull_log(HULL_LOG_ERROR, __VA_ARGS__)

#endif
