/* hull-runtime: how errors reach the user and the client.
 * A person reads stderr; conmon and containerd read the --log file, where the
 * same message is written as a json line {"level":"error","msg":...,"time":...}. */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "hull/util.h"

void report_error_text(const char *text)
{
    fprintf(stderr, "hull-runtime: %s\n", text);
    if (!hull_log_to_stderr())
        hull_log(HULL_LOG_ERROR, "%s", text);
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

/* Does the flag in arg ("-x", "--name", "-name") take its value from the next
 * argument?  Only when it is a known flag with a required value and no "=". */
static bool flag_wants_next(const char *arg, const char *shortopts, const struct option *longopts)
{
    const char *name = arg + 1;
    if (*name == '-')
        name++;
    if (strchr(name, '='))
        return false;
    if (name[0] && !name[1] && name[0] != ':' && name[0] != '+') {
        const char *p = strchr(shortopts, name[0]);
        if (p)
            return p[1] == ':';
    }
    for (const struct option *o = longopts; o->name; o++)
        if (!strcmp(o->name, name))
            return o->has_arg == required_argument;
    return false;
}

void cli_reorder_args(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
    if (argc < 3)
        return;
    cleanup_free char **flags = xmalloc0((size_t)argc * sizeof(char *));
    cleanup_free char **rest = xmalloc0((size_t)argc * sizeof(char *));
    int nf = 0, nr = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            /* Everything after "--" is an argument, even if it starts with '-'. */
            while (i < argc)
                rest[nr++] = argv[i++];
            break;
        }
        if (a[0] == '-' && a[1]) {
            flags[nf++] = argv[i];
            if (flag_wants_next(a, shortopts, longopts) && i + 1 < argc)
                flags[nf++] = argv[++i];
        } else {
            rest[nr++] = argv[i];
        }
    }
    memcpy(argv + 1, flags, (size_t)nf * sizeof(char *));
    memcpy(argv + 1 + nf, rest, (size_t)nr * sizeof(char *));
}
