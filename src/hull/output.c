/* What the engine prints: one-line errors, docker's human units, tables. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

int engine_error(const struct hull_error *err)
{
    cleanup_free char *text = hull_error_text(err);
    /* One line, always: a message must never spill over like a stack trace. */
    for (char *p = text; *p; p++)
        if (*p == '\n')
            *p = ' ';
    fprintf(stderr, "hull: error: %s\n", text);
    return 1;
}

int engine_error_fmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cleanup_free char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0)
        abort();
    va_end(ap);
    fprintf(stderr, "hull: error: %s\n", msg);
    return 1;
}

int engine_error_status(const struct hull_error *err, int status)
{
    engine_error(err);
    return status;
}

int engine_error_status_fmt(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cleanup_free char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0)
        abort();
    va_end(ap);
    fprintf(stderr, "hull: error: %s\n", msg);
    return status;
}

int engine_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cleanup_free char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0)
        abort();
    va_end(ap);
    if (cmd)
        fprintf(stderr, "hull: error: %s (see 'hull %s --help')\n", msg, cmd);
    else
        fprintf(stderr, "hull: error: %s (see 'hull --help')\n", msg);
    return 125;
}

int engine_next_flag(const char *cmd, int argc, char **argv, const struct engine_flagset *flags)
{
    cleanup_error struct hull_error *err = NULL;
    int c = engine_getopt(argc, argv, flags, &err);
    if (c == '?')
        engine_usage_error(cmd, "%s", err ? err->msg : "bad flag");
    return c;
}

const char *human_size(uint64_t bytes)
{
    static char buf[32];
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    double v = (double)bytes;
    size_t u = 0;
    while (v >= 1000.0 && u < ARRAY_SIZE(units) - 1) {
        v /= 1000.0;
        u++;
    }
    snprintf(buf, sizeof buf, "%.3g%s", v, units[u]);
    return buf;
}

const char *human_since(int64_t t)
{
    static char buf[64];
    if (t <= 0)
        return "N/A";
    int64_t s = (int64_t)time(NULL) - t;
    if (s < 0)
        s = 0;
    int64_t minutes = s / 60, hours = s / 3600;
    /* go-units HumanDuration, as docker prints CREATED. */
    if (s < 1)
        snprintf(buf, sizeof buf, "Less than a second ago");
    else if (s == 1)
        snprintf(buf, sizeof buf, "1 second ago");
    else if (s < 60)
        snprintf(buf, sizeof buf, "%lld seconds ago", (long long)s);
    else if (minutes == 1)
        snprintf(buf, sizeof buf, "About a minute ago");
    else if (minutes < 60)
        snprintf(buf, sizeof buf, "%lld minutes ago", (long long)minutes);
    else if (hours == 1)
        snprintf(buf, sizeof buf, "About an hour ago");
    else if (hours < 48)
        snprintf(buf, sizeof buf, "%lld hours ago", (long long)hours);
    else if (hours < 24 * 7 * 2)
        snprintf(buf, sizeof buf, "%lld days ago", (long long)(hours / 24));
    else if (hours < 24 * 30 * 2)
        snprintf(buf, sizeof buf, "%lld weeks ago", (long long)(hours / 24 / 7));
    else if (hours < 24 * 365 * 2)
        snprintf(buf, sizeof buf, "%lld months ago", (long long)(hours / 24 / 30));
    else
        snprintf(buf, sizeof buf, "%lld years ago", (long long)(hours / 24 / 365));
    return buf;
}

bool engine_parse_stop_time(const char *cmd, const char *value, int *seconds)
{
    int64_t t;
    if (!parse_int64(value, &t) || t < 0 || t > 86400) {
        engine_usage_error(cmd, "invalid --time \"%s\": want seconds", value);
        return false;
    }
    *seconds = (int)t;
    return true;
}

bool parse_format(const char *cmd, const char *value, bool *json)
{
    if (!strcmp(value, "json")) {
        *json = true;
        return true;
    }
    if (!strcmp(value, "table")) {
        *json = false;
        return true;
    }
    engine_usage_error(cmd, "unsupported --format \"%s\": use table or json", value);
    return false;
}

struct table {
    size_t columns, rows;
    char **cells; /* rows * columns, row 0 the headers */
};

struct table *table_new(size_t columns, const char *const *headers)
{
    struct table *t = xmalloc0(sizeof *t);
    t->columns = columns;
    table_add(t, headers);
    return t;
}

void table_add(struct table *t, const char *const *cells)
{
    t->cells = xrealloc(t->cells, (t->rows + 1) * t->columns * sizeof(char *));
    for (size_t c = 0; c < t->columns; c++)
        t->cells[t->rows * t->columns + c] = xstrdup(cells[c]);
    t->rows++;
}

void table_print(struct table *t)
{
    size_t *width = xmalloc0(t->columns * sizeof(size_t));
    for (size_t r = 0; r < t->rows; r++)
        for (size_t c = 0; c < t->columns; c++) {
            size_t w = strlen(t->cells[r * t->columns + c]);
            if (w > width[c])
                width[c] = w;
        }
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->columns; c++) {
            const char *cell = t->cells[r * t->columns + c];
            if (c + 1 == t->columns)
                printf("%s\n", cell);
            else
                printf("%-*s   ", (int)width[c], cell);
        }
    }
    free(width);
}

void table_free(struct table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->rows * t->columns; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}

bool engine_format_parse(const char *cmd, const char *value, struct json_object *headers, struct engine_format *f)
{
    memset(f, 0, sizeof *f);
    f->cmd = cmd;
    const char *text = value;
    if (!value || !strcmp(value, "table"))
        return true;
    if (!strcmp(value, "json")) {
        f->kind = ENGINE_FORMAT_JSON;
        return true;
    }
    f->kind = ENGINE_FORMAT_TEMPLATE;
    if (gotemplate_is_table(value, &text))
        f->kind = ENGINE_FORMAT_TABLE_TEMPLATE;
    if (!text)
        text = "";
    /* docker's listings (formatter.Context.preFormat): a typed \t or \n is a
     * tab or newline, so 'table {{.ID}}\t{{.Names}}' works from a shell. */
    cleanup_free char *source = xmalloc0(strlen(text) + 1);
    char *o = source;
    for (const char *p = text; *p; p++) {
        if (p[0] == '\\' && (p[1] == 't' || p[1] == 'n')) {
            *o++ = p[1] == 't' ? '\t' : '\n';
            p++;
        } else {
            *o++ = *p;
        }
    }
    cleanup_error struct hull_error *err = NULL;
    if (gotemplate_parse(source, &f->template, &err) < 0) {
        engine_usage_error(cmd, "invalid --format: %s", err->msg);
        return false;
    }
    if (f->kind == ENGINE_FORMAT_TABLE_TEMPLATE) {
        /* docker runs the template on the column titles to make the header. */
        cleanup_free char *header = NULL;
        if (gotemplate_execute(f->template, headers, &header, &err) < 0) {
            engine_usage_error(cmd, "invalid --format: %s", err->msg);
            engine_format_finish(f);
            return false;
        }
        size_t n = 1;
        for (char *p = header; *p; p++)
            n += *p == '\t';
        if (n > 64)
            n = 64; /* engine_format_row's limit */
        const char **cells = xmalloc0((n + 1) * sizeof *cells);
        char *save = header;
        for (size_t i = 0; i < n; i++)
            cells[i] = strsep(&save, "\t");
        f->table = table_new(n, cells);
        free(cells);
    }
    return true;
}

bool engine_format_row(struct engine_format *f, struct json_object *row)
{
    if (f->kind == ENGINE_FORMAT_JSON) {
        printf("%s\n", json_object_to_json_string_ext(row, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        return true;
    }
    cleanup_error struct hull_error *err = NULL;
    cleanup_free char *text = NULL;
    if (gotemplate_execute(f->template, row, &text, &err) < 0) {
        engine_error(err);
        return false;
    }
    if (f->kind == ENGINE_FORMAT_TEMPLATE) {
        printf("%s\n", text);
        return true;
    }
    /* Cells beyond the header's columns are dropped, missing ones are empty. */
    const char *cells[64] = {0};
    char *save = text;
    for (size_t i = 0; i < ARRAY_SIZE(cells) && save; i++)
        cells[i] = strsep(&save, "\t");
    for (size_t i = 0; i < ARRAY_SIZE(cells); i++)
        if (!cells[i])
            cells[i] = "";
    table_add(f->table, cells);
    return true;
}

void engine_format_finish(struct engine_format *f)
{
    if (f->table) {
        table_print(f->table);
        table_free(f->table);
    }
    gotemplate_free(f->template);
    memset(f, 0, sizeof *f);
}
