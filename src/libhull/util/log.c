#include "log.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "utils.h"

static int log_fd = 2;
static bool log_json = false;
static bool log_debug_enabled = false;
static bool log_file_given = false;

int hull_log_init(const char *path, bool json, bool debug)
{
    log_json = json;
    log_debug_enabled = debug || getenv("HULL_DEBUG") != NULL;
    if (path && *path) {
        int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0)
            return -1;
        log_fd = fd;
        log_file_given = true;
    } else if (log_debug_enabled) {
        /* The container's init logs its steps too, and it makes a terminal its
         * fd 2: a private copy of our stderr keeps debug lines out of the
         * container's terminal.  F_DUPFD never takes a --preserve-fds number
         * (those are open, so taken). */
        int fd = fcntl(2, F_DUPFD_CLOEXEC, 3);
        if (fd >= 0)
            log_fd = fd;
    }
    return 0;
}

bool hull_log_debug_enabled(void)
{
    return log_debug_enabled;
}

/* logrus's text format quotes msg: escape what would end or break the line. */
static char *text_quote(const char *msg)
{
    size_t n = 0;
    for (const char *p = msg; *p; p++)
        n += (*p == '"' || *p == '\\' || *p == '\n') ? 2 : 1;
    char *out = xmalloc0(n + 1), *q = out;
    for (const char *p = msg; *p; p++) {
        if (*p == '"' || *p == '\\') {
            *q++ = '\\';
            *q++ = *p;
        } else if (*p == '\n') {
            *q++ = '\\';
            *q++ = 'n';
        } else {
            *q++ = *p;
        }
    }
    return out;
}

bool hull_log_to_stderr(void)
{
    return !log_file_given;
}

static const char *level_name(enum hull_log_level l)
{
    switch (l) {
    case HULL_LOG_DEBUG:
        return "debug";
    case HULL_LOG_INFO:
        return "info";
    case HULL_LOG_WARN:
        return "warning";
    default:
        return "error";
    }
}

void hull_log(enum hull_log_level level, const char *fmt, ...)
{
    if (level == HULL_LOG_DEBUG && !log_debug_enabled)
        return;
    cleanup_free char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        abort();
    va_end(ap);

    cleanup_free char *now = rfc3339_now();
    cleanup_free char *line = NULL;
    if (log_json) {
        /* --log-format json holds for stderr too, as with runc: a client that
         * asked for json parses whatever comes. */
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "level", json_object_new_string(level_name(level)));
        json_object_object_add(o, "msg", json_object_new_string(msg));
        json_object_object_add(o, "time", json_object_new_string(now));
        line = xasprintf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
    } else if (!log_file_given) {
        /* Plain stderr for people: "hull-runtime: error: ..." style is printed by the CLI;
         * here warnings and debug lines. */
        line = xasprintf("%s: %s\n", level_name(level), msg);
    } else {
        cleanup_free char *quoted = text_quote(msg);
        line = xasprintf("time=\"%s\" level=%s msg=\"%s\"\n", now, level_name(level), quoted);
    }
    write_all(log_fd, line, strlen(line));
}
