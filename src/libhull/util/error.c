#include "error_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int error_return_value(int errnum)
{
    return errnum > 0 ? -errnum : -1;
}

int hull_error_set(struct hull_error **err, int errnum, const char *fmt, ...)
{
    if (err == NULL || *err != NULL)
        return error_return_value(errnum);
    struct hull_error *e = calloc(1, sizeof *e);
    if (e == NULL)
        abort();
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&e->msg, fmt, ap) < 0)
        abort();
    va_end(ap);
    e->errnum = errnum;
    *err = e;
    return error_return_value(errnum);
}

int hull_error_wrap(struct hull_error **err, const char *fmt, ...)
{
    if (err == NULL || *err == NULL)
        return -1;
    char *prefix = NULL, *joined = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&prefix, fmt, ap) < 0)
        abort();
    va_end(ap);
    if (asprintf(&joined, "%s: %s", prefix, (*err)->msg) < 0)
        abort();
    free(prefix);
    free((*err)->msg);
    (*err)->msg = joined;
    return error_return_value((*err)->errnum);
}

char *hull_error_text(const struct hull_error *err)
{
    char *text = NULL;
    if (err == NULL)
        return strdup("unknown error");
    if (err->errnum > 0) {
        if (asprintf(&text, "%s: %s", err->msg, strerror(err->errnum)) < 0)
            abort();
    } else {
        text = strdup(err->msg);
    }
    return text;
}

void hull_error_free(struct hull_error *err)
{
    if (err == NULL)
        return;
    free(err->msg);
    free(err);
}

void hull_error_freep(struct hull_error **err)
{
    hull_error_free(*err);
    *err = NULL;
}
