/* hull-runtime: how errors reach the user and the client.
 * A person reads stderr; conmon and containerd read the --log file, where the
 * same message is written as a json line {"level":"error","msg":...,"time":...}. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "util/log.h"
#include "util/utils.h"

void report_error_text(const char *text)
{
    fprintf(stderr, "hull-runtime: %s\n", text);
    if (!hull_log_to_stderr())
        log_error("%s", text);
}

void report_error_text_fmt(const char *fmt, ...)
{
    cleanup_free char *text = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&text, fmt, ap) < 0)
        abort();
    va_end(ap);
    report_error_text(text);
}

void report_error(const struct hull_error *err)
{
    cleanup_free char *text = hull_error_text(err);
    report_error_text(text);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
    cleanup_free char *text = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&text, fmt, ap) < 0)
        abort();
    va_end(ap);
    report_error_text_fmt("%s: %s (see hull-runtime %s --help)", cmd, text, cmd);
    return 1;
}
