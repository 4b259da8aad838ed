/* hull: docker's (pflag's) option rules over getopt tables; see engine_getopt.h. */
#include <stdlib.h>
#include <string.h>

#include "engine_getopt.h"
#include "util/utils.h"

/* One option as parsed, handed out by successive engine_getopt calls. */
struct parsed_option {
    int val;
    char *arg;
    int end; /* optind after it, in the permuted argv */
};

/* getopt keeps its state in globals too; a command parses one argv at a time. */
static struct {
    char **argv;
    struct parsed_option *options;
    size_t n, next;
    int end; /* optind once the options are done */
    struct hull_error *error;
} state;

const struct option *engine_flag_find(const struct engine_flagset *flags, const char *name)
{
    for (const struct option *o = flags->longopts; o && o->name; o++)
        if (!strcmp(o->name, name))
            return o;
    return NULL;
}

static const struct option *find_long(const struct engine_flagset *flags, const char *name, size_t len)
{
    for (const struct option *o = flags->longopts; o && o->name; o++)
        if (strlen(o->name) == len && !strncmp(o->name, name, len))
            return o;
    return NULL;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = xmalloc0((lb + 1) * sizeof *row);
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[lb];
    free(row);
    return d;
}

/* "; did you mean --a, --b or --c?" for an unknown long name: the options it
 * abbreviates (what getopt_long would have guessed), else the closest one
 * by edit distance when it is close (a typo).  Empty when nothing fits. */
static char *suggestion(const struct engine_flagset *flags, const char *name, size_t len)
{
    enum { MAX_SHOWN = 3 };
    const char *found[MAX_SHOWN];
    size_t n = 0;
    for (const struct option *o = flags->longopts; o && o->name && n < MAX_SHOWN; o++)
        if (len > 0 && !strncmp(o->name, name, len))
            found[n++] = o->name;
    if (n == 0) {
        cleanup_free char *typed = strndup(name, len);
        size_t best = (size_t)-1;
        for (const struct option *o = flags->longopts; o && o->name; o++) {
            size_t d = edit_distance(typed, o->name);
            if (d < best) {
                best = d;
                found[0] = o->name;
            }
        }
        /* Two edits at most, and fewer than the name's length (else any
         * two-letter word would "match" any other). */
        if (best <= 2 && best < len)
            n = 1;
    }
    if (n == 0)
        return xstrdup("");
    char *text = xstrdup("; did you mean");
    for (size_t i = 0; i < n; i++) {
        const char *sep = i == 0 ? " " : i + 1 == n ? " or " : ", ";
        char *grown = xasprintf("%s%s--%s", text, sep, found[i]);
        free(text);
        text = grown;
    }
    char *grown = xasprintf("%s?", text);
    free(text);
    return grown;
}

/* Go's strconv.ParseBool, which pflag uses for `--flag=VALUE`. */
static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(s, yes[i]))
            return *out = true, 0;
        if (!strcmp(s, no[i]))
            return *out = false, 0;
    }
    return -1;
}

struct parse {
    const struct engine_flagset *flags;
    int argc;
    char **argv;
    char **option_tokens; /* argv entries that are options or their values, in order */
    int n_option_tokens;
};

static void add_option(struct parse *p, int val, char *arg)
{
    state.options[state.n++] = (struct parsed_option){.val = val, .arg = arg, .end = 1 + p->n_option_tokens};
}

/* A boolean's `=VALUE`: NULL for true, "false" for false. */
static int bool_value(const char *shown, char *value, char **arg, struct hull_error **err)
{
    bool on;
    if (parse_bool(value, &on) < 0)
        return hull_error_set(err, 0, "invalid argument \"%s\" for %s: want true or false", value, shown);
    *arg = on ? NULL : (char *)"false";
    return 0;
}

/* argv[*i] = "--name[=value]". */
static int parse_long(struct parse *p, int *i, struct hull_error **err)
{
    char *token = p->argv[*i];
    char *name = token + 2;
    size_t len = strcspn(name, "=");
    if (len == 0 || name[0] == '-')
        return hull_error_set(err, 0, "bad flag syntax: %s", token);
    const struct option *o = find_long(p->flags, name, len);
    if (!o) {
        cleanup_free char *hint = suggestion(p->flags, name, len);
        return hull_error_set(err, 0, "unknown flag: --%.*s%s", (int)len, name, hint);
    }
    char *value = name[len] == '=' ? name + len + 1 : NULL;
    p->option_tokens[p->n_option_tokens++] = token;
    char *arg = NULL;
    if (o->has_arg == required_argument) {
        if (!value) {
            if (*i + 1 >= p->argc)
                return hull_error_set(err, 0, "flag needs an argument: --%s", o->name);
            value = p->argv[++*i];
            p->option_tokens[p->n_option_tokens++] = value;
        }
        arg = value;
    } else if (o->has_arg == optional_argument) {
        arg = value;
    } else if (value) {
        cleanup_free char *shown = xasprintf("--%s", o->name);
        if (bool_value(shown, value, &arg, err) < 0)
            return -1;
    }
    add_option(p, o->val, arg);
    return 0;
}

/* argv[*i] = "-abc", "-eVALUE", "-e=VALUE" or "-e" followed by VALUE. */
static int parse_short(struct parse *p, int *i, const char *shortopts, struct hull_error **err)
{
    char *token = p->argv[*i];
    p->option_tokens[p->n_option_tokens++] = token;
    for (char *c = token + 1; *c; c++) {
        const char *spec = *c == ':' ? NULL : strchr(shortopts, *c);
        if (!spec)
            return hull_error_set(err, 0, "unknown shorthand flag: '%c' in %s", *c, token);
        char *arg = NULL;
        if (spec[1] == ':') {
            /* pflag: "-e=VALUE" drops the '=', "-eVALUE", else the next argument. */
            if (c[1] == '=' && c[2])
                arg = c + 2;
            else if (c[1])
                arg = c + 1;
            else if (*i + 1 < p->argc)
                arg = p->option_tokens[p->n_option_tokens++] = p->argv[++*i];
            else
                return hull_error_set(err, 0, "flag needs an argument: '%c' in %s", *c, token);
            add_option(p, *c, arg);
            return 0;
        }
        if (c[1] == '=' && c[2]) {
            char shown[3] = {'-', *c, '\0'};
            if (bool_value(shown, c + 2, &arg, err) < 0)
                return -1;
            add_option(p, *c, arg);
            return 0;
        }
        add_option(p, *c, NULL);
    }
    return 0;
}

/* Parses the whole argv into state, and permutes argv: options first (in
 * their order), then the arguments (in theirs). */
static void parse_all(int argc, char **argv, const struct engine_flagset *flags)
{
    free(state.options);
    hull_error_free(state.error);
    memset(&state, 0, sizeof state);
    state.argv = argv;
    /* One option per character at most: "-itd" is three of them in one
     * argument (sized by argc alone, `hull run -itttt...` wrote past the end). */
    size_t max_options = 1;
    for (int i = 1; i < argc; i++)
        max_options += strlen(argv[i]);
    state.options = xmalloc0(max_options * sizeof *state.options);
    const char *shortopts = flags->shortopts ? flags->shortopts : "";
    bool stop_at_argument = shortopts[0] == '+';
    if (stop_at_argument)
        shortopts++;
    cleanup_free char **arguments = xmalloc0((size_t)(argc + 1) * sizeof *arguments);
    cleanup_free char **option_tokens = xmalloc0((size_t)(argc + 1) * sizeof *option_tokens);
    struct parse p = {.flags = flags, .argc = argc, .argv = argv, .option_tokens = option_tokens};
    int n_arguments = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (!strcmp(a, "--")) {
            option_tokens[p.n_option_tokens++] = a;
            while (++i < argc)
                arguments[n_arguments++] = argv[i];
            break;
        }
        if (a[0] != '-' || a[1] == '\0') { /* "-" is an argument: stdin */
            if (!stop_at_argument) {
                arguments[n_arguments++] = a;
                continue;
            }
            while (i < argc)
                arguments[n_arguments++] = argv[i++];
            break;
        }
        int r = a[1] == '-' ? parse_long(&p, &i, &state.error) : parse_short(&p, &i, shortopts, &state.error);
        if (r < 0)
            return; /* argv stays as it was */
    }
    for (int k = 0; k < p.n_option_tokens; k++)
        argv[1 + k] = option_tokens[k];
    for (int k = 0; k < n_arguments; k++)
        argv[1 + p.n_option_tokens + k] = arguments[k];
    state.end = 1 + p.n_option_tokens;
}

int engine_getopt(int argc, char **argv, const struct engine_flagset *flags, struct hull_error **err)
{
    if (optind == 0 || state.argv != argv || !state.options)
        parse_all(argc, argv, flags);
    optarg = NULL;
    if (state.error) {
        /* Reported once; the parse is over. */
        if (err && !*err)
            *err = state.error;
        else
            hull_error_free(state.error);
        state.error = NULL;
        state.next = state.n = 0;
        optind = argc;
        return '?';
    }
    if (state.next >= state.n) {
        optind = state.end ? state.end : argc;
        return -1;
    }
    struct parsed_option *o = &state.options[state.next++];
    optarg = o->arg;
    optind = o->end;
    return o->val;
}
