/* A recursive-descent reader of the TOML subset described in toml.h.
 * Tables become json objects, arrays json arrays; a key defined twice, a
 * table header repeated, or a value type outside the subset is an error
 * naming the line. */
#include "toml.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/utils.h"

#define TOML_MAX_DEPTH 16

struct parser {
    const char *p, *end;
    const char *what;
    int line;
    struct hull_error **err;
};

static int fail(struct parser *ps, const char *msg)
{
    return hull_error_set(ps->err, 0, "%s line %d: %s", ps->what, ps->line, msg);
}

static bool at_end(struct parser *ps)
{
    return ps->p >= ps->end;
}

/* Spaces and tabs; with newlines also line breaks and comments (inside arrays). */
static void skip_ws(struct parser *ps, bool newlines)
{
    while (!at_end(ps)) {
        char c = *ps->p;
        if (c == ' ' || c == '\t' || c == '\r') {
            ps->p++;
        } else if (c == '#') {
            while (!at_end(ps) && *ps->p != '\n')
                ps->p++;
        } else if (c == '\n' && newlines) {
            ps->line++;
            ps->p++;
        } else {
            break;
        }
    }
}

/* After a key/value or a header: only a comment may follow on the line. */
static int expect_line_end(struct parser *ps)
{
    skip_ws(ps, false);
    if (at_end(ps))
        return 0;
    if (*ps->p != '\n')
        return fail(ps, "unexpected text after the value");
    ps->p++;
    ps->line++;
    return 0;
}

static void append_utf8(char *out, size_t *n, unsigned long cp)
{
    if (cp < 0x80) {
        out[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*n)++] = (char)(0xc0 | (cp >> 6));
        out[(*n)++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out[(*n)++] = (char)(0xe0 | (cp >> 12));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[(*n)++] = (char)(0x80 | (cp & 0x3f));
    } else {
        out[(*n)++] = (char)(0xf0 | (cp >> 18));
        out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[(*n)++] = (char)(0x80 | (cp & 0x3f));
    }
}

/* "basic" (escapes) or 'literal' string on one line; *out owned by caller. */
static int parse_string(struct parser *ps, char **out)
{
    char quote = *ps->p;
    if (ps->end - ps->p >= 3 && ps->p[1] == quote && ps->p[2] == quote)
        return fail(ps, "multi-line strings are not supported");
    ps->p++;
    cleanup_free char *buf = xmalloc0((size_t)(ps->end - ps->p) * 2 + 8);
    size_t n = 0;
    for (;;) {
        if (at_end(ps) || *ps->p == '\n')
            return fail(ps, "unterminated string");
        char c = *ps->p++;
        if (c == quote)
            break;
        if (c != '\\' || quote == '\'') {
            buf[n++] = c;
            continue;
        }
        if (at_end(ps))
            return fail(ps, "unterminated string");
        char e = *ps->p++;
        static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
        const char *hit = strchr(from, e);
        if (e && hit) {
            buf[n++] = to[hit - from];
        } else if (e == 'u' || e == 'U') {
            int digits = e == 'u' ? 4 : 8;
            if (ps->end - ps->p < digits)
                return fail(ps, "bad \\u escape");
            unsigned long cp = 0;
            for (int i = 0; i < digits; i++) {
                char h = *ps->p++;
                if (!isxdigit((unsigned char)h))
                    return fail(ps, "bad \\u escape");
                cp = cp * 16 + (unsigned long)(isdigit((unsigned char)h) ? h - '0' : (tolower(h) - 'a' + 10));
            }
            if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                return fail(ps, "bad \\u escape");
            append_utf8(buf, &n, cp);
        } else {
            return fail(ps, "unknown escape in a string");
        }
    }
    buf[n] = '\0';
    *out = steal_pointer(&buf);
    return 0;
}

static bool is_bare_key_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* One key component: bare or quoted. */
static int parse_key_part(struct parser *ps, char **out)
{
    skip_ws(ps, false);
    if (at_end(ps))
        return fail(ps, "expected a key");
    if (*ps->p == '"' || *ps->p == '\'')
        return parse_string(ps, out);
    const char *start = ps->p;
    while (!at_end(ps) && is_bare_key_char(*ps->p))
        ps->p++;
    if (ps->p == start)
        return fail(ps, "expected a key");
    *out = strndup(start, (size_t)(ps->p - start));
    if (!*out)
        abort();
    return 0;
}

/* a.b."c" -> {"a","b","c",NULL} */
static int parse_key(struct parser *ps, char ***out)
{
    cleanup_strv char **parts = xmalloc0(sizeof(char *));
    size_t n = 0;
    for (;;) {
        char *part;
        if (parse_key_part(ps, &part) < 0)
            return -1;
        parts = xrealloc(parts, (n + 2) * sizeof(char *));
        parts[n++] = part;
        parts[n] = NULL;
        skip_ws(ps, false);
        if (at_end(ps) || *ps->p != '.')
            break;
        ps->p++;
    }
    *out = steal_pointer(&parts);
    return 0;
}

static int parse_value(struct parser *ps, int depth, struct json_object **out);

static int parse_array(struct parser *ps, int depth, struct json_object **out)
{
    ps->p++; /* [ */
    struct json_object *arr = json_object_new_array();
    for (;;) {
        skip_ws(ps, true);
        if (at_end(ps)) {
            json_object_put(arr);
            return fail(ps, "unterminated array");
        }
        if (*ps->p == ']') {
            ps->p++;
            break;
        }
        struct json_object *v;
        if (parse_value(ps, depth + 1, &v) < 0) {
            json_object_put(arr);
            return -1;
        }
        json_object_array_add(arr, v);
        skip_ws(ps, true);
        if (!at_end(ps) && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (!at_end(ps) && *ps->p == ']') {
            ps->p++;
            break;
        }
        json_object_put(arr);
        return fail(ps, "expected ',' or ']' in an array");
    }
    *out = arr;
    return 0;
}

/* Walks/creates the objects of keys[0..n-1] under table for a dotted key. */
static int descend(struct parser *ps, struct json_object *table, char **keys, size_t n, struct json_object **out)
{
    for (size_t i = 0; i < n; i++) {
        struct json_object *next = NULL;
        if (!json_object_object_get_ex(table, keys[i], &next)) {
            next = json_object_new_object();
            json_object_object_add(table, keys[i], next);
        } else if (!json_object_is_type(next, json_type_object)) {
            return fail(ps, "a dotted key goes through a value that is not a table");
        }
        table = next;
    }
    *out = table;
    return 0;
}

/* key = value into table. */
static int parse_keyval(struct parser *ps, struct json_object *table, int depth)
{
    cleanup_strv char **keys = NULL;
    if (parse_key(ps, &keys) < 0)
        return -1;
    skip_ws(ps, false);
    if (at_end(ps) || *ps->p != '=')
        return fail(ps, "expected '=' after the key");
    ps->p++;
    skip_ws(ps, false);
    size_t n = strv_length(keys);
    struct json_object *target = NULL;
    if (descend(ps, table, keys, n - 1, &target) < 0)
        return -1;
    if (json_object_object_get_ex(target, keys[n - 1], NULL)) {
        cleanup_free char *msg = xasprintf("key \"%s\" is defined twice", keys[n - 1]);
        return fail(ps, msg);
    }
    struct json_object *v;
    if (parse_value(ps, depth, &v) < 0)
        return -1;
    json_object_object_add(target, keys[n - 1], v);
    return 0;
}

static int parse_inline_table(struct parser *ps, int depth, struct json_object **out)
{
    ps->p++; /* { */
    struct json_object *t = json_object_new_object();
    skip_ws(ps, false);
    if (!at_end(ps) && *ps->p == '}') {
        ps->p++;
        *out = t;
        return 0;
    }
    for (;;) {
        if (parse_keyval(ps, t, depth + 1) < 0) {
            json_object_put(t);
            return -1;
        }
        skip_ws(ps, false);
        if (!at_end(ps) && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (!at_end(ps) && *ps->p == '}') {
            ps->p++;
            break;
        }
        json_object_put(t);
        return fail(ps, "expected ',' or '}' in an inline table");
    }
    *out = t;
    return 0;
}

static int parse_value(struct parser *ps, int depth, struct json_object **out)
{
    if (depth > TOML_MAX_DEPTH)
        return fail(ps, "values nested too deep");
    if (at_end(ps))
        return fail(ps, "expected a value");
    char c = *ps->p;
    if (c == '"' || c == '\'') {
        cleanup_free char *s = NULL;
        if (parse_string(ps, &s) < 0)
            return -1;
        *out = json_object_new_string(s);
        return 0;
    }
    if (c == '[')
        return parse_array(ps, depth, out);
    if (c == '{')
        return parse_inline_table(ps, depth, out);
    const char *start = ps->p;
    while (!at_end(ps) && (isalnum((unsigned char)*ps->p) || strchr("+-_.:", *ps->p)))
        ps->p++;
    size_t len = (size_t)(ps->p - start);
    if (len == 4 && !strncmp(start, "true", 4)) {
        *out = json_object_new_boolean(1);
        return 0;
    }
    if (len == 5 && !strncmp(start, "false", 5)) {
        *out = json_object_new_boolean(0);
        return 0;
    }
    /* Decimal integers (underscores between digits allowed). */
    char digits[32];
    size_t nd = 0;
    bool ok = len > 0 && len < sizeof digits;
    for (size_t i = 0; ok && i < len; i++) {
        char d = start[i];
        if (d == '_' && i > 0 && isdigit((unsigned char)start[i - 1]) && i + 1 < len &&
            isdigit((unsigned char)start[i + 1]))
            continue;
        if (isdigit((unsigned char)d) || (i == 0 && (d == '+' || d == '-')))
            digits[nd++] = d;
        else
            ok = false;
    }
    digits[nd] = '\0';
    int64_t v;
    if (ok && parse_int64(digits, &v)) {
        *out = json_object_new_int64(v);
        return 0;
    }
    if (len == 0)
        return fail(ps, "expected a value");
    return fail(ps, "unsupported value (only strings, integers, booleans, arrays and inline tables)");
}

/* [a.b] or [[a.b]]: the table later key/values go into. */
static int parse_header(struct parser *ps, struct json_object *root, struct json_object **current)
{
    bool array = ps->end - ps->p >= 2 && ps->p[1] == '[';
    ps->p += array ? 2 : 1;
    cleanup_strv char **keys = NULL;
    if (parse_key(ps, &keys) < 0)
        return -1;
    skip_ws(ps, false);
    if (ps->end - ps->p < (array ? 2 : 1) || ps->p[0] != ']' || (array && ps->p[1] != ']'))
        return fail(ps, array ? "expected ']]' to close the table header" : "expected ']' to close the table header");
    ps->p += array ? 2 : 1;
    size_t n = strv_length(keys);
    struct json_object *t = root;
    for (size_t i = 0; i < n; i++) {
        bool last = i + 1 == n;
        struct json_object *next = NULL;
        bool exists = json_object_object_get_ex(t, keys[i], &next);
        if (last && array) {
            if (!exists) {
                next = json_object_new_array();
                json_object_object_add(t, keys[i], next);
            } else if (!json_object_is_type(next, json_type_array)) {
                return fail(ps, "[[table]] names a key that is not an array of tables");
            }
            struct json_object *elem = json_object_new_object();
            json_object_array_add(next, elem);
            t = elem;
            break;
        }
        if (!exists) {
            next = json_object_new_object();
            json_object_object_add(t, keys[i], next);
        } else if (json_object_is_type(next, json_type_array)) {
            /* [[registry.mirror]] after [[registry]]: the last element. */
            size_t len = json_object_array_length(next);
            if (last || len == 0)
                return fail(ps, "table header names an array");
            next = json_object_array_get_idx(next, len - 1);
            if (!json_object_is_type(next, json_type_object))
                return fail(ps, "table header names an array of values");
        } else if (!json_object_is_type(next, json_type_object)) {
            return fail(ps, "table header names a key that is not a table");
        } else if (last && json_object_object_length(next) > 0) {
            return fail(ps, "table defined twice");
        }
        t = next;
    }
    *current = t;
    return expect_line_end(ps);
}

int toml_parse(const char *text, size_t len, const char *what, struct json_object **out, struct hull_error **err)
{
    struct parser ps = {.p = text, .end = text + len, .what = what, .line = 1, .err = err};
    struct json_object *root = json_object_new_object();
    struct json_object *current = root;
    for (;;) {
        skip_ws(&ps, true);
        if (at_end(&ps))
            break;
        int r;
        if (*ps.p == '[')
            r = parse_header(&ps, root, &current);
        else if ((r = parse_keyval(&ps, current, 0)) == 0)
            r = expect_line_end(&ps);
        if (r < 0) {
            json_object_put(root);
            return -1;
        }
    }
    *out = root;
    return 0;
}
