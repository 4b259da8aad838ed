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
    }
    return 0;
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
    if (!log_file_given) {
        /* Plain stderr for people: "hull-runtime: error: ..." style is printed by the CLI;
         * here warnings and debug lines. */
        line = xasprintf("%s: %s\n", level_name(level), msg);
    } else if (log_json) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "level", json_object_new_string(level_name(level)));
        json_object_object_add(o, "msg", json_object_new_string(msg));
        json_object_object_add(o, "time", json_object_new_string(now));
        line = xasprintf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
        json_object_put(o);
    } else {
        line = xasprintf("time=\"%s\" level=%s msg=\"%s\"\n", now, level_name(level), msg);
    }
    write_all(log_fd, line, strlen(line));
}
