/* hull: a subset of Go's text/template for --format (see gotemplate.h). */
#include <ctype.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotemplate.h"
#include "gotemplate_internal.h"
#include "util/utils.h"

/* ---- the tree ---- */

enum arg_kind { ARG_DOT, ARG_ROOT, ARG_GROUP, ARG_STRING, ARG_INT, ARG_FLOAT, ARG_BOOL, ARG_NIL, ARG_FUNC };

struct pipe;

struct arg {
    enum arg_kind kind;
    char *text;         /* ARG_STRING, ARG_FUNC's name */
    long long i;        /* ARG_INT, ARG_BOOL */
    double f;           /* ARG_FLOAT */
    struct pipe *group; /* ARG_GROUP: ( PIPELINE ) */
    char **fields;      /* .A.B after the dot, $, or a group */
};

struct command {
    struct arg *args;
    size_t n;
};

struct pipe {
    struct command *cmds;
    size_t n;
};

enum node_kind { NODE_TEXT, NODE_ACTION, NODE_IF, NODE_RANGE, NODE_WITH };

struct node {
    enum node_kind kind;
    char *text;
    struct pipe *pipe;
    struct node *body, *alt; /* alt: the {{else}} part (an else-if is an NODE_IF in it) */
    struct node *next;
};

struct gotemplate {
    char *source;
    struct node *root;
};

static void pipe_free(struct pipe *p);

static void arg_clear(struct arg *a)
{
    free(a->text);
    pipe_free(a->group);
    strv_free(a->fields);
}

static void pipe_free(struct pipe *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        for (size_t k = 0; k < p->cmds[i].n; k++)
            arg_clear(&p->cmds[i].args[k]);
        free(p->cmds[i].args);
    }
    free(p->cmds);
    free(p);
}

static void nodes_free(struct node *n)
{
    while (n) {
        struct node *next = n->next;
        free(n->text);
        pipe_free(n->pipe);
        nodes_free(n->body);
        nodes_free(n->alt);
        free(n);
        n = next;
    }
}

void gotemplate_free(struct gotemplate *t)
{
    if (!t)
        return;
    nodes_free(t->root);
    free(t->source);
    free(t);
}

void gotemplate_freep(struct gotemplate **t)
{
    gotemplate_free(*t);
}

bool gotemplate_is_table(const char *text, const char **rest)
{
    if (strncmp(text, "table", 5) || (text[5] && !isspace((unsigned char)text[5])))
        return false;
    const char *r = text + 5;
    while (isspace((unsigned char)*r))
        r++;
    *rest = *r ? r : NULL;
    return true;
}

/* ---- parsing ---- */

/* How deep parentheses and {{if}}/{{range}}/{{with}}/{{else if}} may nest.
 * The parser, the evaluator and the free functions recurse once per level,
 * and a --format template is user input: without a bound, ~20,000 "(" in
 * one action overflowed the stack (found by fuzz-gotemplate).  No real
 * template comes near 100; a thousand would still be safe. */
#define GOTMPL_MAX_DEPTH 100

struct parser {
    const char *source;
    const char *p;
    bool trim_next; /* the last action ended with -}} */
    unsigned depth; /* groups "(...)" and blocks open where the parser is */
    struct hull_error **err;
};

static int parse_error(struct parser *ps, const char *what)
{
    return hull_error_set(ps->err, 0, "template \"%s\": %s at offset %zu", ps->source, what,
                          (size_t)(ps->p - ps->source));
}

/* One level deeper (GOTMPL_MAX_DEPTH); the caller calls leave() after. */
static int enter(struct parser *ps)
{
    if (++ps->depth > GOTMPL_MAX_DEPTH)
        return hull_error_set(ps->err, 0, "template: nested deeper than %d levels (parentheses, if, range, with, else if) at offset %zu",
                              GOTMPL_MAX_DEPTH, (size_t)(ps->p - ps->source));
    return 0;
}

static void leave(struct parser *ps)
{
    ps->depth--;
}

static void skip_spaces(struct parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
        ps->p++;
}

/* At "}}" or " -}}" (spaces skipped): the action's end. */
static bool at_action_end(struct parser *ps)
{
    return !strncmp(ps->p, "}}", 2) || !strncmp(ps->p, "-}}", 3);
}

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static char *take_ident(struct parser *ps)
{
    const char *start = ps->p;
    while (ident_char(*ps->p))
        ps->p++;
    return xstrndup(start, (size_t)(ps->p - start));
}

/* ".A.B" after a value: the field names. */
static int parse_fields(struct parser *ps, char ***fields)
{
    while (*ps->p == '.' && ident_char(ps->p[1])) {
        ps->p++;
        char *name = take_ident(ps);
        size_t n = strv_length(*fields);
        char **grown = xrealloc(*fields, (n + 2) * sizeof *grown);
        grown[n] = name;
        grown[n + 1] = NULL;
        *fields = grown;
    }
    return 0;
}

static int parse_pipe(struct parser *ps, bool in_group, struct pipe **out);

static int parse_string(struct parser *ps, struct arg *a)
{
    char quote = *ps->p++;
    size_t cap = strlen(ps->p) + 1, n = 0;
    char *s = xmalloc0(cap);
    while (*ps->p && *ps->p != quote) {
        char c = *ps->p++;
        if (quote == '"' && c == '\\') {
            char e = *ps->p++;
            c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == '0' ? '\0' : e;
            if (!e) {
                free(s);
                return parse_error(ps, "unterminated string");
            }
        }
        s[n++] = c;
    }
    if (*ps->p != quote) {
        free(s);
        return parse_error(ps, "unterminated string");
    }
    ps->p++;
    a->kind = ARG_STRING;
    a->text = s;
    return 0;
}

static int parse_number(struct parser *ps, struct arg *a)
{
    char *end = NULL;
    long long i = strtoll(ps->p, &end, 0);
    if (end && (*end == '.' || *end == 'e' || *end == 'E')) {
        a->kind = ARG_FLOAT;
        a->f = strtod(ps->p, &end);
    } else {
        a->kind = ARG_INT;
        a->i = i;
    }
    if (end == ps->p || ident_char(*end))
        return parse_error(ps, "bad number");
    ps->p = end;
    return 0;
}

static int parse_arg(struct parser *ps, struct arg *a)
{
    memset(a, 0, sizeof *a);
    char c = *ps->p;
    if (c == '(') {
        ps->p++;
        a->kind = ARG_GROUP;
        if (enter(ps) < 0)
            return -1;
        int r = parse_pipe(ps, true, &a->group);
        leave(ps);
        if (r < 0)
            return -1;
        return parse_fields(ps, &a->fields);
    }
    if (c == '"' || c == '`')
        return parse_string(ps, a);
    if (isdigit((unsigned char)c) || ((c == '-' || c == '+') && isdigit((unsigned char)ps->p[1])))
        return parse_number(ps, a);
    if (c == '.') {
        a->kind = ARG_DOT;
        if (!ident_char(ps->p[1])) {
            ps->p++;
            return 0;
        }
        return parse_fields(ps, &a->fields);
    }
    if (c == '$') {
        ps->p++;
        if (ident_char(*ps->p))
            return parse_error(ps, "variables other than $ are not supported");
        a->kind = ARG_ROOT;
        return parse_fields(ps, &a->fields);
    }
    if (isalpha((unsigned char)c) || c == '_') {
        char *name = take_ident(ps);
        if (!strcmp(name, "true") || !strcmp(name, "false")) {
            a->kind = ARG_BOOL;
            a->i = name[0] == 't';
            free(name);
        } else if (!strcmp(name, "nil")) {
            a->kind = ARG_NIL;
            free(name);
        } else {
            a->kind = ARG_FUNC;
            a->text = name;
        }
        return 0;
    }
    return parse_error(ps, "unexpected character in action");
}

static int parse_command(struct parser *ps, bool in_group, struct command *cmd)
{
    memset(cmd, 0, sizeof *cmd);
    for (;;) {
        skip_spaces(ps);
        if (!*ps->p)
            return parse_error(ps, "unclosed action");
        if (*ps->p == '|' || (in_group && *ps->p == ')') || (!in_group && at_action_end(ps)))
            break;
        if (!in_group && *ps->p == ')')
            return parse_error(ps, "unexpected )");
        cmd->args = xrealloc(cmd->args, (cmd->n + 1) * sizeof *cmd->args);
        if (parse_arg(ps, &cmd->args[cmd->n]) < 0) {
            arg_clear(&cmd->args[cmd->n]);
            return -1;
        }
        cmd->n++;
        if (*ps->p && !strchr(" \t\r\n|)", *ps->p) && !at_action_end(ps))
            return parse_error(ps, "unexpected character after an operand");
    }
    if (cmd->n == 0)
        return parse_error(ps, "missing value for command");
    if (cmd->n > 1 && cmd->args[0].kind != ARG_FUNC)
        return parse_error(ps, "only a function takes arguments");
    return 0;
}

static int parse_pipe(struct parser *ps, bool in_group, struct pipe **out)
{
    struct pipe *p = xmalloc0(sizeof *p);
    for (;;) {
        p->cmds = xrealloc(p->cmds, (p->n + 1) * sizeof *p->cmds);
        p->n++;
        if (parse_command(ps, in_group, &p->cmds[p->n - 1]) < 0) {
            pipe_free(p);
            return -1;
        }
        if (*ps->p != '|')
            break;
        ps->p++;
    }
    if (in_group)
        ps->p++; /* ')' */
    *out = p;
    return 0;
}

enum list_end { END_EOF, END_END, END_ELSE, END_ELSE_IF };

/* "}}" or "-}}" after an action. */
static int close_action(struct parser *ps)
{
    skip_spaces(ps);
    if (!strncmp(ps->p, "-}}", 3)) {
        ps->trim_next = true;
        ps->p += 3;
        return 0;
    }
    if (!strncmp(ps->p, "}}", 2)) {
        ps->p += 2;
        return 0;
    }
    return parse_error(ps, "unclosed action");
}

static bool keyword(struct parser *ps, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(ps->p, word, n) || ident_char(ps->p[n]))
        return false;
    ps->p += n;
    return true;
}

static int parse_list(struct parser *ps, struct node **out, enum list_end *end);

/* {{if P}} / {{range P}} / {{with P}} ... {{end}}, the keyword read. */
static int parse_block(struct parser *ps, enum node_kind kind, struct node *n);

static int parse_block_at(struct parser *ps, enum node_kind kind, struct node *n)
{
    n->kind = kind;
    skip_spaces(ps);
    if (parse_pipe(ps, false, &n->pipe) < 0 || close_action(ps) < 0)
        return -1;
    enum list_end end;
    if (parse_list(ps, &n->body, &end) < 0)
        return -1;
    if (end == END_ELSE_IF) {
        if (kind != NODE_IF)
            return parse_error(ps, "else if inside range or with");
        n->alt = xmalloc0(sizeof *n->alt);
        return parse_block(ps, NODE_IF, n->alt); /* it takes the {{end}} too */
    }
    if (end == END_ELSE && parse_list(ps, &n->alt, &end) < 0)
        return -1;
    if (end != END_END)
        return parse_error(ps, end == END_EOF ? "missing {{end}}" : "a second {{else}}");
    return 0;
}

static int parse_block(struct parser *ps, enum node_kind kind, struct node *n)
{
    n->kind = kind;
    if (enter(ps) < 0)
        return -1;
    int r = parse_block_at(ps, kind, n);
    leave(ps);
    return r;
}

static void add_node(struct node ***tail, struct node *n)
{
    **tail = n;
    *tail = &n->next;
}

static int parse_list(struct parser *ps, struct node **out, enum list_end *end)
{
    struct node **tail = out;
    *out = NULL;
    for (;;) {
        const char *open = strstr(ps->p, "{{");
        const char *text_end = open ? open : ps->p + strlen(ps->p);
        const char *text = ps->p;
        if (ps->trim_next) {
            while (text < text_end && isspace((unsigned char)*text))
                text++;
            ps->trim_next = false;
        }
        const char *stop = text_end;
        if (open && open[2] == '-' && isspace((unsigned char)open[3]))
            while (stop > text && isspace((unsigned char)stop[-1]))
                stop--;
        if (stop > text) {
            struct node *t = xmalloc0(sizeof *t);
            t->kind = NODE_TEXT;
            t->text = xstrndup(text, (size_t)(stop - text));
            add_node(&tail, t);
        }
        if (!open) {
            ps->p = text_end;
            *end = END_EOF;
            return 0;
        }
        ps->p = open + 2;
        if (*ps->p == '-' && isspace((unsigned char)ps->p[1]))
            ps->p++;
        skip_spaces(ps);
        if (!strncmp(ps->p, "/*", 2)) {
            const char *close = strstr(ps->p, "*/");
            if (!close)
                return parse_error(ps, "unclosed comment");
            ps->p = close + 2;
            if (close_action(ps) < 0)
                return -1;
            continue;
        }
        if (keyword(ps, "end")) {
            *end = END_END;
            return close_action(ps);
        }
        if (keyword(ps, "else")) {
            skip_spaces(ps);
            if (keyword(ps, "if")) {
                *end = END_ELSE_IF;
                return 0;
            }
            *end = END_ELSE;
            return close_action(ps);
        }
        struct node *n = xmalloc0(sizeof *n);
        add_node(&tail, n);
        int r;
        if (keyword(ps, "if"))
            r = parse_block(ps, NODE_IF, n);
        else if (keyword(ps, "range"))
            r = parse_block(ps, NODE_RANGE, n);
        else if (keyword(ps, "with"))
            r = parse_block(ps, NODE_WITH, n);
        else if (keyword(ps, "define") || keyword(ps, "template") || keyword(ps, "block"))
            r = parse_error(ps, "define/template/block are not supported");
        else
            r = (n->kind = NODE_ACTION, parse_pipe(ps, false, &n->pipe) < 0 ? -1 : close_action(ps));
        if (r < 0)
            return -1;
    }
}

int gotemplate_parse(const char *text, struct gotemplate **out, struct hull_error **err)
{
    struct gotemplate *t = xmalloc0(sizeof *t);
    t->source = xstrdup(text);
    struct parser ps = {.source = t->source, .p = t->source, .err = err};
    enum list_end end;
    if (parse_list(&ps, &t->root, &end) < 0 ||
        (end != END_EOF && parse_error(&ps, end == END_END ? "unexpected {{end}}" : "unexpected {{else}}") < 0)) {
        gotemplate_free(t);
        return -1;
    }
    *out = t;
    return 0;
}

/* ---- running ---- */


void gotmpl_buf_add(struct gotmpl_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void gotmpl_buf_str(struct gotmpl_buf *b, const char *s)
{
    gotmpl_buf_add(b, s, strlen(s));
}

/* Go's strconv.FormatFloat(f, 'g', -1, 64) for %v: the shortest text that reads back. */
static void print_float(struct gotmpl_buf *b, double f)
{
    char buf[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, f);
        if (strtod(buf, NULL) == f)
            break;
    }
    gotmpl_buf_str(b, buf);
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted keys of an object (borrowed strings), NULL-terminated; free the array. */
const char **gotmpl_sorted_keys(struct json_object *o)
{
    size_t n = (size_t)json_object_object_length(o), i = 0;
    const char **keys = xmalloc0((n + 1) * sizeof *keys);
    json_object_object_foreach(o, k, v)
    {
        (void)v;
        keys[i++] = k;
    }
    qsort(keys, i, sizeof *keys, cmp_keys);
    return keys;
}

/* Go's %v. */
void gotmpl_print(struct gotmpl_buf *b, struct json_object *v)
{
    switch (v ? json_object_get_type(v) : json_type_null) {
    case json_type_null:
        gotmpl_buf_str(b, "<nil>");
        break;
    case json_type_boolean:
        gotmpl_buf_str(b, json_object_get_boolean(v) ? "true" : "false");
        break;
    case json_type_int: {
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", (long long)json_object_get_int64(v));
        gotmpl_buf_str(b, buf);
        break;
    }
    case json_type_double:
        print_float(b, json_object_get_double(v));
        break;
    case json_type_string:
        gotmpl_buf_add(b, json_object_get_string(v), (size_t)json_object_get_string_len(v));
        break;
    case json_type_array:
        gotmpl_buf_str(b, "[");
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            if (i)
                gotmpl_buf_str(b, " ");
            gotmpl_print(b, json_object_array_get_idx(v, i));
        }
        gotmpl_buf_str(b, "]");
        break;
    case json_type_object: {
        cleanup_free const char **keys = gotmpl_sorted_keys(v);
        gotmpl_buf_str(b, "map[");
        for (size_t i = 0; keys[i]; i++) {
            if (i)
                gotmpl_buf_str(b, " ");
            gotmpl_buf_str(b, keys[i]);
            gotmpl_buf_str(b, ":");
            gotmpl_print(b, json_object_object_get(v, keys[i]));
        }
        gotmpl_buf_str(b, "]");
        break;
    }
    }
}

char *gotmpl_text(struct json_object *v)
{
    struct gotmpl_buf b = {0};
    gotmpl_print(&b, v);
    return b.s ? b.s : xstrdup("");
}

bool gotmpl_truth(struct json_object *v)
{
    switch (v ? json_object_get_type(v) : json_type_null) {
    case json_type_null:
        return false;
    case json_type_boolean:
        return json_object_get_boolean(v);
    case json_type_int:
        return json_object_get_int64(v) != 0;
    case json_type_double:
        return json_object_get_double(v) != 0;
    case json_type_string:
        return json_object_get_string_len(v) > 0;
    case json_type_array:
        return json_object_array_length(v) > 0;
    case json_type_object:
        return json_object_object_length(v) > 0;
    }
    return false;
}


int gotmpl_error(struct gotmpl_exec *x, const char *fmt, const char *what)
{
    char msg[512];
    snprintf(msg, sizeof msg, fmt, what);
    return hull_error_set(x->err, 0, "template \"%s\": %s", x->source, msg);
}

static char go_map_marker;

void gotemplate_mark_map(struct json_object *obj)
{
    if (obj && json_object_is_type(obj, json_type_object))
        json_object_set_userdata(obj, &go_map_marker, NULL);
}

/* base.A.B: a new reference, or -1 for a field the data does not have. */
static int follow_fields(struct gotmpl_exec *x, struct json_object *base, char *const *fields, struct json_object **out)
{
    struct json_object *v = base;
    for (char *const *f = fields; f && *f; f++) {
        struct json_object *next = NULL;
        /* Go: a map[string]string's missing key is its zero value, "" */
        if (v && json_object_is_type(v, json_type_object) && json_object_get_userdata(v) == &go_map_marker &&
            !json_object_object_get_ex(v, *f, NULL) && !f[1]) {
            *out = json_object_new_string("");
            return 0;
        }
        if (!v || !json_object_is_type(v, json_type_object) || !json_object_object_get_ex(v, *f, &next))
            return gotmpl_error(x, v && json_object_is_type(v, json_type_object) ? "no field \"%s\" in the data"
                                                                                : "field \"%s\" of something that is not an object",
                              *f);
        v = next;
    }
    *out = json_object_get(v);
    return 0;
}

static int eval_pipe(struct gotmpl_exec *x, const struct pipe *p, struct json_object *dot, struct json_object **out);

static int eval_arg(struct gotmpl_exec *x, const struct arg *a, struct json_object *dot, struct json_object **out)
{
    switch (a->kind) {
    case ARG_DOT:
        return follow_fields(x, dot, a->fields, out);
    case ARG_ROOT:
        return follow_fields(x, x->root, a->fields, out);
    case ARG_GROUP: {
        struct json_object *v = NULL;
        if (eval_pipe(x, a->group, dot, &v) < 0)
            return -1;
        int r = follow_fields(x, v, a->fields, out);
        json_object_put(v);
        return r;
    }
    case ARG_STRING:
        *out = json_object_new_string(a->text);
        return 0;
    case ARG_INT:
        *out = json_object_new_int64(a->i);
        return 0;
    case ARG_FLOAT:
        *out = json_object_new_double(a->f);
        return 0;
    case ARG_BOOL:
        *out = json_object_new_boolean((json_bool)a->i);
        return 0;
    case ARG_NIL:
        *out = NULL;
        return 0;
    case ARG_FUNC:
        return gotmpl_call(x, a->text, NULL, 0, out);
    }
    return -1;
}

static int eval_command(struct gotmpl_exec *x, const struct command *c, struct json_object *dot, bool piped,
                        struct json_object *prev, struct json_object **out)
{
    if (c->args[0].kind != ARG_FUNC) {
        if (piped)
            return gotmpl_error(x, "%s", "a value cannot be piped into something that is not a function");
        return eval_arg(x, &c->args[0], dot, out);
    }
    size_t n = c->n - 1 + (piped ? 1 : 0);
    struct json_object **args = xmalloc0((n + 1) * sizeof *args);
    int r = 0;
    for (size_t i = 1; i < c->n && r == 0; i++)
        r = eval_arg(x, &c->args[i], dot, &args[i - 1]);
    if (piped)
        args[n - 1] = json_object_get(prev);
    if (r == 0)
        r = gotmpl_call(x, c->args[0].text, args, n, out);
    for (size_t i = 0; i < n; i++)
        json_object_put(args[i]);
    free(args);
    return r;
}

static int eval_pipe(struct gotmpl_exec *x, const struct pipe *p, struct json_object *dot, struct json_object **out)
{
    struct json_object *v = NULL;
    for (size_t i = 0; i < p->n; i++) {
        struct json_object *next = NULL;
        int r = eval_command(x, &p->cmds[i], dot, i > 0, v, &next);
        json_object_put(v);
        if (r < 0)
            return -1;
        v = next;
    }
    *out = v;
    return 0;
}

static int run_nodes(struct gotmpl_exec *x, const struct node *n, struct json_object *dot, struct gotmpl_buf *b);

static int run_node(struct gotmpl_exec *x, const struct node *n, struct json_object *dot, struct gotmpl_buf *b)
{
    if (n->kind == NODE_TEXT) {
        gotmpl_buf_str(b, n->text);
        return 0;
    }
    struct json_object *v = NULL;
    if (eval_pipe(x, n->pipe, dot, &v) < 0)
        return -1;
    int r = 0;
    switch (n->kind) {
    case NODE_ACTION:
        gotmpl_print(b, v);
        break;
    case NODE_IF:
        r = run_nodes(x, gotmpl_truth(v) ? n->body : n->alt, dot, b);
        break;
    case NODE_WITH:
        r = run_nodes(x, gotmpl_truth(v) ? n->body : n->alt, gotmpl_truth(v) ? v : dot, b);
        break;
    case NODE_RANGE:
        if (!gotmpl_truth(v)) {
            r = run_nodes(x, n->alt, dot, b);
        } else if (json_object_is_type(v, json_type_array)) {
            for (size_t i = 0; i < json_object_array_length(v) && r == 0; i++)
                r = run_nodes(x, n->body, json_object_array_get_idx(v, i), b);
        } else if (json_object_is_type(v, json_type_object)) {
            cleanup_free const char **keys = gotmpl_sorted_keys(v);
            for (size_t i = 0; keys[i] && r == 0; i++)
                r = run_nodes(x, n->body, json_object_object_get(v, keys[i]), b);
        } else {
            r = gotmpl_error(x, "%s", "range over something that is not a list or a map");
        }
        break;
    case NODE_TEXT:
        break;
    }
    json_object_put(v);
    return r;
}

static int run_nodes(struct gotmpl_exec *x, const struct node *n, struct json_object *dot, struct gotmpl_buf *b)
{
    for (; n; n = n->next)
        if (run_node(x, n, dot, b) < 0)
            return -1;
    return 0;
}

int gotemplate_execute(const struct gotemplate *t, struct json_object *data, char **out, struct hull_error **err)
{
    struct gotmpl_exec x = {.source = t->source, .root = data, .err = err};
    struct gotmpl_buf b = {0};
    if (run_nodes(&x, t->root, data, &b) < 0) {
        free(b.s);
        return -1;
    }
    *out = b.s ? b.s : xstrdup("");
    return 0;
}

