/* hull: the functions of --format templates: docker's (json, join, split,
 * upper, lower, title, truncate, pad, println) and Go's (index, len, print,
 * printf, not, and, or, eq, ne, lt, le, gt, ge).  See gotemplate.h. */
#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotemplate_internal.h"
#include "util/utils.h"

static bool is_number(struct json_object *v)
{
    return v && (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double));
}

/* eq/lt & co: -2 when the two cannot be compared, else <0, 0, >0. */
static int compare(struct json_object *a, struct json_object *b)
{
    if (is_number(a) && is_number(b)) {
        double x = json_object_get_double(a), y = json_object_get_double(b);
        return x < y ? -1 : x > y;
    }
    if (!a || !b)
        return a == b ? 0 : -2;
    if (json_object_get_type(a) != json_object_get_type(b))
        return -2;
    if (json_object_is_type(a, json_type_string))
        return strcmp(json_object_get_string(a), json_object_get_string(b));
    if (json_object_is_type(a, json_type_boolean))
        return json_object_get_boolean(a) == json_object_get_boolean(b) ? 0 : 1;
    return -2;
}

/* Go's fmt.Sprint: a space between operands when neither is a string. */
static void sprint(struct gotmpl_buf *b, struct json_object **args, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool str = args[i] && json_object_is_type(args[i], json_type_string);
        bool prev_str = i > 0 && args[i - 1] && json_object_is_type(args[i - 1], json_type_string);
        if (i > 0 && !str && !prev_str)
            gotmpl_buf_str(b, " ");
        gotmpl_print(b, args[i]);
    }
}

/* The widest pad or printf field a template may ask for: far wider than any
 * column, small enough that no template can make us allocate or loop for long. */
#define GOTMPL_MAX_WIDTH 4096 /* the messages below say it too */

static int sprintf_go(struct gotmpl_exec *x, struct json_object **args, size_t n, struct gotmpl_buf *b)
{
    const char *f = json_object_get_string(args[0]);
    size_t next = 1;
    for (; *f; f++) {
        if (*f != '%') {
            gotmpl_buf_add(b, f, 1);
            continue;
        }
        char spec[16] = "%";
        size_t k = 1;
        while (f[1] && strchr("-+ 0#123456789.", f[1]) && k < sizeof spec - 3)
            spec[k++] = *++f;
        char verb = *++f;
        if (!verb)
            return gotmpl_error(x, "%s", "printf: a format ending in %");
        /* snprintf below truncates at 512 bytes, but would still count out a
         * width of 99999999999 space by space: refuse it. */
        for (const char *d = spec + 1; *d; d++) {
            if (*d >= '1' && *d <= '9') {
                unsigned long w = strtoul(d, (char **)&d, 10);
                if (w > GOTMPL_MAX_WIDTH) {
                    char what[32];
                    snprintf(what, sizeof what, "%lu", w);
                    return gotmpl_error(x, "printf: width or precision %s is too large (at most 4096)", what);
                }
                if (!*d)
                    break;
            }
        }
        if (verb == '%') {
            gotmpl_buf_str(b, "%");
            continue;
        }
        if (next >= n)
            return gotmpl_error(x, "printf: missing argument for %%%s", (char[]){verb, 0});
        struct json_object *a = args[next++];
        char buf[512];
        if (verb == 'd' && is_number(a)) {
            spec[k++] = 'l';
            spec[k++] = 'l';
            spec[k++] = 'd';
            snprintf(buf, sizeof buf, spec, (long long)json_object_get_int64(a));
            gotmpl_buf_str(b, buf);
        } else if ((verb == 'f' || verb == 'g' || verb == 'e') && is_number(a)) {
            spec[k++] = verb;
            snprintf(buf, sizeof buf, spec, json_object_get_double(a));
            gotmpl_buf_str(b, buf);
        } else if (verb == 's' || verb == 'v' || verb == 'q' || verb == 'd') {
            cleanup_free char *text = gotmpl_text(a);
            if (verb == 'q') {
                struct json_object *quoted = json_object_new_string(text);
                gotmpl_buf_str(b, json_object_to_json_string_ext(quoted, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
                json_object_put(quoted);
            }
            spec[k++] = 's';
            snprintf(buf, sizeof buf, spec, text);
            if (verb != 'q')
                gotmpl_buf_str(b, buf);
        } else {
            return gotmpl_error(x, "printf: verb %%%s is not supported (s, v, q, d, f, g, e)", (char[]){verb, 0});
        }
    }
    return 0;
}

static struct json_object *new_text(struct gotmpl_buf *b)
{
    struct json_object *s = json_object_new_string(b->s ? b->s : "");
    free(b->s);
    return s;
}

/* The functions a template calls: each takes the evaluated arguments (as
 * many as its table entry allows) and sets *out to a new reference. */
typedef int (*gotmpl_fn)(struct gotmpl_exec *x, const char *name, struct json_object **args, size_t n,
                         struct json_object **out);

static int fn_json(struct gotmpl_exec *x, const char *name, struct json_object **args, size_t n, struct json_object **out)
{
    *out = json_object_new_string(args[0] ? json_object_to_json_string_ext(args[0], JSON_C_TO_STRING_PLAIN |
                                                                                         JSON_C_TO_STRING_NOSLASHESCAPE)
                                          : "null");
    return 0;
}

static int fn_join(struct gotmpl_exec *x, const char *name, struct json_object **args, size_t n, struct json_object **out)
{
    if (args[0] && !json_object_is_type(args[0], json_type_array))
        return gotmpl_error(x, "%s", "join: the first argument is not a list");
    struct gotmpl_buf b = {0};
    cleanup_free char *sep = gotmpl_text(args[1]);
    for (size_t i = 0; args[0] && i < json_object_array_length(args[0]); i++) {
        if (i)
            gotmpl_buf_str(&b, sep);
        gotmpl_print(&b, json_object_array_get_idx(args[0], i));
    }
    *out = new_text(&b);
    return 0;
}

static int fn_split(struct gotmpl_exec *x, const char *name, struct json_object **args, size_t n, struct json_object **out)
{
    cleanup_free char *s = gotmpl_text(args[0]);
    cleanup_free char *sep = gotmpl_text(args[1]);
    struct json_object *list = json_object_new_array();
    char *p = s;
    for (char *hit; *sep && (hit = strstr(p, sep)); p = hit + strlen(sep))
        json_object_array_add(list, json_object_new_string_len(p, (int)(hit - p)));
    json_object_array_add(list, json_object_new_string(p));
    *out = list;
    return 0;
}

/* upper, lower, title */
static int fn_case(struct gotmpl_exec *x, const char *name, struct json_object **args, size_t n, struct json_object **out)
{
    cleanup_free char *s = gotmpl_text(args[0]);
    for (char *p = s; *p; p++) {
        bool word_start = p == s || isspace((unsigned char)p[-1]);
        if (name[0] == 'u' || (name[0] == 't' && word_start))
            *p = (char)toupper((unsigned char)*p);
        else if (name[0] == 'l')
            *p = (char)tolower((unsigned char)*p);
    }
    *out = json_object_new_string(s);
    return 0;
}

static int fn_truncate(struct gotmpl_exec *x, const char *name, struct json_object **args, size_t n,
                       struct json_object **out)
{
    if (!is_number(args[1]))
        return gotmpl_error(x, "%s: want numbers", name);
    cleanup_free char *s = gotmpl_text(args[0]);
    long long a = json_object_get_int64(args[1]);
    if (a >= 0 && (size_t)a < strlen(s))
        s[a] = '\0';
    *out = json_object_new_string(s);
    return 0;
}

static int fn_pad(struct gotmpl_exec *x, const char *name, struct json_object **args, size_t n, struct json_object **out)
{
    if (!is_number(args[1]) || !is_number(args[2]))
        return gotmpl_error(x, "%s: want numbers", name);
    long long before = json_object_get_int64(args[1]), after = json_object_get_int64(args[2]);
    /* Go would allocate whatever is asked (and die of it): `pad .Names
     * 99999999999 0` must not take the machine's memory. */
    if (before > GOTMPL_MAX_WIDTH || after > GOTMPL_MAX_WIDTH) {
        char what[32];
        snprintf(what, sizeof what, "%lld", before > GOTMPL_MAX_WIDTH ? before : after);
        return gotmpl_error(x, "pad: %s is too wide (at most 4096)", what);
    }
    cleanup_free char *s = gotmpl_text(args[0]);
    struct gotmpl_buf b = {0};
    for (long long i = 0; i < before; i++)
        gotmpl_buf_str(&b, " ");
    gotmpl_buf_str(&b, s);
    for (long long i = 0; i < after; i++)
        gotmpl_buf_str(&b, " ");
    *out = new_text(&b);
    return 0;
}

/* print, println (Go's Sprintln: spaces between every operand) */
static int fn_print(struct gotmpl_exec *x, const char *name, struct json_object **args, size_t n, struct json_object **out)
{
    struct gotmpl_buf b = {0};
    if (name[5]) {
        for (size_t i = 0; i < n; i++) {
            if (i)
                gotmpl_buf_str(&b, " ");
            gotmpl_print(&b, args[i]);
        }
        gotmpl_buf_str(&b, "\n");
    } else {
        sprint(&b, args, n);
    }
    *out = new_text(&b);
    return 0;
}

static int fn_printf(struct gotmpl_exec *x, const char *name, struct json_object **args, size_t n,
                     struct json_object **out)
{
    if (!args[0] || !json_object_is_type(args[0], json_type_string))
        return gotmpl_error(x, "%s", "printf: the format is not a string");
    struct gotmpl_buf b = {0};
    if (sprintf_go(x, args, n, &b) < 0) {
        free(b.s);
        return -1;
    }
    *out = new_text(&b);
    return 0;
}

static int fn_index(struct gotmpl_exec *x, const char *name, struct json_object **args, size_t n, struct json_object **out)
{
    struct json_object *v = args[0];
    for (size_t i = 1; i < n; i++) {
        if (v && json_object_is_type(v, json_type_array) && is_number(args[i])) {
            int64_t k = json_object_get_int64(args[i]);
            if (k < 0 || (size_t)k >= json_object_array_length(v))
                return gotmpl_error(x, "%s", "index out of range");
            v = json_object_array_get_idx(v, (size_t)k);
        } else if (v && json_object_is_type(v, json_type_object) && args[i] &&
                   json_object_is_type(args[i], json_type_string)) {
            struct json_object *next = NULL;
            /* Go: a missing key gives the map's zero value; docker's maps hold strings. */
            v = json_object_object_get_ex(v, json_object_get_string(args[i]), &next) ? next : NULL;
            if (!next && i + 1 == n) {
                *out = json_object_new_string("");
                return 0;
            }
        } else {
            return gotmpl_error(x, "%s", "index of something that is not a list or a map, or a bad key");
        }
    }
    *out = json_object_get(v);
    return 0;
}

static int fn_len(struct gotmpl_exec *x, const char *name, struct json_object **args, size_t n, struct json_object **out)
{
    struct json_object *v = args[0];
    if (v && json_object_is_type(v, json_type_string))
        *out = json_object_new_int64(json_object_get_string_len(v));
    else if (v && json_object_is_type(v, json_type_array))
        *out = json_object_new_int64((int64_t)json_object_array_length(v));
    else if (v && json_object_is_type(v, json_type_object))
        *out = json_object_new_int64(json_object_object_length(v));
    else
        return gotmpl_error(x, "%s", "len of something that is not a string, list or map");
    return 0;
}

static int fn_not(struct gotmpl_exec *x, const char *name, struct json_object **args, size_t n, struct json_object **out)
{
    *out = json_object_new_boolean(!gotmpl_truth(args[0]));
    return 0;
}

/* and, or: the first operand that decides, as Go returns it */
static int fn_and_or(struct gotmpl_exec *x, const char *name, struct json_object **args, size_t n,
                     struct json_object **out)
{
    size_t i = 0;
    while (i + 1 < n && gotmpl_truth(args[i]) == (name[0] == 'a'))
        i++;
    *out = json_object_get(args[i]);
    return 0;
}

/* eq (against any of the rest, as Go's), ne, lt, le, gt, ge */
static int fn_compare(struct gotmpl_exec *x, const char *name, struct json_object **args, size_t n,
                      struct json_object **out)
{
    int c = compare(args[0], args[1]);
    if (!strcmp(name, "eq")) {
        bool any = c == 0;
        for (size_t i = 2; i < n && !any; i++)
            any = compare(args[0], args[i]) == 0;
        *out = json_object_new_boolean(any);
        return 0;
    }
    if (c == -2 && strcmp(name, "ne"))
        return gotmpl_error(x, "%s: incompatible types for comparison", name);
    bool r = !strcmp(name, "ne") ? c != 0 : !strcmp(name, "lt") ? c < 0 : !strcmp(name, "le") ? c <= 0
             : !strcmp(name, "gt") ? c > 0 : c >= 0;
    *out = json_object_new_boolean(r);
    return 0;
}

int gotmpl_call(struct gotmpl_exec *x, const char *name, struct json_object **args, size_t n, struct json_object **out)
{
    static const struct {
        const char *name;
        int min, max; /* number of arguments; max -1: any */
        gotmpl_fn fn;
    } funcs[] = {
        {"json", 1, 1, fn_json},         {"join", 2, 2, fn_join},       {"split", 2, 2, fn_split},
        {"upper", 1, 1, fn_case},        {"lower", 1, 1, fn_case},      {"title", 1, 1, fn_case},
        {"truncate", 2, 2, fn_truncate}, {"pad", 3, 3, fn_pad},         {"println", 0, -1, fn_print},
        {"print", 0, -1, fn_print},      {"printf", 1, -1, fn_printf},  {"index", 1, -1, fn_index},
        {"len", 1, 1, fn_len},           {"not", 1, 1, fn_not},         {"and", 1, -1, fn_and_or},
        {"or", 1, -1, fn_and_or},        {"eq", 2, -1, fn_compare},     {"ne", 2, 2, fn_compare},
        {"lt", 2, 2, fn_compare},        {"le", 2, 2, fn_compare},      {"gt", 2, 2, fn_compare},
        {"ge", 2, 2, fn_compare},
    };
    for (size_t f = 0; f < ARRAY_SIZE(funcs); f++) {
        if (strcmp(funcs[f].name, name))
            continue;
        if ((int)n < funcs[f].min || (funcs[f].max >= 0 && (int)n > funcs[f].max))
            return gotmpl_error(x, "wrong number of arguments for %s", name);
        return funcs[f].fn(x, name, args, n, out);
    }
    return gotmpl_error(x, "function \"%s\" is not defined", name);
}
