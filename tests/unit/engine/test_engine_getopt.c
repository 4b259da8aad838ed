/* engine_getopt: docker's option rules for every `hull` command.  Walks the
 * real command table (src/hull/commands.c and the groups' tables) and
 * feeds every option of every command, in each spelling docker accepts, and
 * every abbreviation, which docker refuses (getopt_long took `--pid` for
 * --pids-limit, `--priv` for --privileged, `--rea` for --read-only). */
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "cli.h"
#include "hull/util.h"

/* Parses argv (NULL-terminated, copied: the parser permutes it) with flags;
 * the options' vals go to vals (0-terminated), their values to args. */
struct result {
    int vals[16];
    const char *args[16];
    int n;
    int end; /* optind after the last option */
    char *argv[16];
    char *error;
};

static void result_clear(struct result *r)
{
    free(r->error);
    memset(r, 0, sizeof *r);
}

static int parse(const struct engine_flagset *flags, const char *const *argv, struct result *r)
{
    result_clear(r);
    int argc = 0;
    while (argv[argc]) {
        r->argv[argc] = (char *)argv[argc];
        argc++;
    }
    optind = 0;
    int c;
    struct hull_error *err = NULL;
    while ((c = engine_getopt(argc, r->argv, flags, &err)) != -1) {
        if (c == '?') {
            r->error = xstrdup(err ? err->msg : "(no message)");
            hull_error_free(err);
            return -1;
        }
        r->vals[r->n] = c;
        r->args[r->n++] = optarg;
    }
    r->end = optind;
    return 0;
}

static bool one_option(const struct result *r, int val, const char *arg)
{
    return r->n == 1 && r->vals[0] == val && ((!arg && !r->args[0]) || (arg && r->args[0] && !strcmp(arg, r->args[0])));
}

static bool error_says(const struct result *r, const char *want)
{
    bool ok = r->error && strstr(r->error, want);
    if (!ok)
        printf("# error: %s (wanted \"%s\")\n", r->error ? r->error : "(none)", want);
    return ok;
}

static bool is_long_name(const struct engine_flagset *flags, const char *name, size_t len)
{
    for (const struct option *o = flags->longopts; o->name; o++)
        if (strlen(o->name) == len && !strncmp(o->name, name, len))
            return true;
    return false;
}

static void check_option(const char *cmd, const struct engine_flagset *flags, const struct option *o)
{
    struct result r = {0};
    bool takes_value = o->has_arg == required_argument;
    cleanup_free char *dashed = xasprintf("--%s", o->name);
    cleanup_free char *with_eq = xasprintf("--%s=VAL", o->name);
    /* --flag VALUE ARG and --flag=VALUE ARG */
    const char *spaced[] = {cmd, dashed, takes_value ? "VAL" : "ARG", takes_value ? "ARG" : NULL, NULL};
    bool ok = parse(flags, spaced, &r) == 0 && one_option(&r, o->val, takes_value ? "VAL" : NULL) &&
              r.argv[r.end] && !strcmp(r.argv[r.end], "ARG");
    TAP_CHECK(ok, "%s %s%s", cmd, dashed, takes_value ? " VALUE" : "");
    if (takes_value) {
        const char *eq[] = {cmd, with_eq, "ARG", NULL};
        TAP_CHECK(parse(flags, eq, &r) == 0 && one_option(&r, o->val, "VAL") && r.end == 2, "%s --%s=VALUE", cmd,
                  o->name);
        const char *missing[] = {cmd, dashed, NULL};
        TAP_CHECK(parse(flags, missing, &r) < 0 && error_says(&r, "flag needs an argument"),
                  "%s --%s without its value is refused", cmd, o->name);
    } else {
        cleanup_free char *off = xasprintf("--%s=false", o->name);
        cleanup_free char *on = xasprintf("--%s=true", o->name);
        cleanup_free char *bad = xasprintf("--%s=maybe", o->name);
        const char *a_off[] = {cmd, off, NULL}, *a_on[] = {cmd, on, NULL}, *a_bad[] = {cmd, bad, NULL};
        TAP_CHECK(parse(flags, a_off, &r) == 0 && one_option(&r, o->val, "false"), "%s %s", cmd, off);
        TAP_CHECK(parse(flags, a_on, &r) == 0 && one_option(&r, o->val, NULL), "%s %s", cmd, on);
        TAP_CHECK(parse(flags, a_bad, &r) < 0 && error_says(&r, "want true or false"), "%s %s is refused", cmd, bad);
    }
    /* Every abbreviation that is not itself an option is an unknown flag. */
    size_t len = strlen(o->name);
    int refused = 0, tried = 0;
    for (size_t n = 1; n < len; n++) {
        if (is_long_name(flags, o->name, n))
            continue;
        cleanup_free char *abbrev = xasprintf("--%.*s", (int)n, o->name);
        const char *a[] = {cmd, abbrev, "VAL", NULL};
        tried++;
        if (parse(flags, a, &r) < 0 && error_says(&r, "unknown flag: ") && strstr(r.error, abbrev))
            refused++;
    }
    TAP_CHECK(refused == tried, "%s: all %d abbreviations of --%s are unknown flags", cmd, tried, o->name);
    result_clear(&r);
}

static void check_short(const char *cmd, const struct engine_flagset *flags, const char *spec)
{
    struct result r = {0};
    char dashed[3] = {'-', spec[0], '\0'};
    const struct option *long_form = NULL;
    for (const struct option *o = flags->longopts; o->name; o++)
        if (o->val == spec[0])
            long_form = o;
    /* docker: every shorthand belongs to a long flag, and takes a value exactly when it does. */
    TAP_CHECK(long_form && (long_form->has_arg == required_argument) == (spec[1] == ':'),
              "%s -%c is the short form of a long option", cmd, spec[0]);
    if (spec[1] == ':') {
        char glued[16], eq[16];
        snprintf(glued, sizeof glued, "-%cVAL", spec[0]);
        snprintf(eq, sizeof eq, "-%c=VAL", spec[0]);
        const char *a1[] = {cmd, dashed, "VAL", NULL}, *a2[] = {cmd, glued, NULL}, *a3[] = {cmd, eq, NULL};
        TAP_CHECK(parse(flags, a1, &r) == 0 && one_option(&r, spec[0], "VAL"), "%s -%c VALUE", cmd, spec[0]);
        TAP_CHECK(parse(flags, a2, &r) == 0 && one_option(&r, spec[0], "VAL"), "%s -%cVALUE", cmd, spec[0]);
        TAP_CHECK(parse(flags, a3, &r) == 0 && one_option(&r, spec[0], "VAL"), "%s -%c=VALUE", cmd, spec[0]);
    } else {
        const char *a[] = {cmd, dashed, NULL};
        TAP_CHECK(parse(flags, a, &r) == 0 && one_option(&r, spec[0], NULL), "%s -%c", cmd, spec[0]);
    }
    result_clear(&r);
}

static void check_flagset(const char *cmd, const struct engine_flagset *flags)
{
    bool has_help = false, unique = true;
    for (const struct option *o = flags->longopts; o->name; o++) {
        TAP_CHECK(o->flag == NULL && o->has_arg != optional_argument, "%s --%s: a boolean or a value", cmd, o->name);
        has_help |= !strcmp(o->name, "help");
        for (const struct option *p = o + 1; p->name; p++)
            unique &= strcmp(o->name, p->name) != 0;
        check_option(cmd, flags, o);
    }
    TAP_CHECK(has_help && unique, "%s: --help, and no long name twice", cmd);
    for (const char *s = flags->shortopts + (flags->shortopts[0] == '+'); *s; s++)
        if (*s != ':')
            check_short(cmd, flags, s);
}

static void walk(const char *prefix, const struct engine_command *table)
{
    for (const struct engine_command *c = table; c->name; c++) {
        if (c->name[0] == '-' || c->name[0] == '_')
            continue; /* a group's --help, the monitor's internal commands */
        cleanup_free char *cmd = prefix ? xasprintf("%s %s", prefix, c->name) : xstrdup(c->name);
        if (c->subcommands) {
            walk(cmd, c->subcommands);
            continue;
        }
        TAP_CHECK(c->flags != NULL, "hull %s has an option table", cmd);
        if (c->flags)
            check_flagset(cmd, c->flags);
    }
}

/* What issue 15 found, and docker's other rules, on the real tables. */
static void check_docker_rules(void)
{
    struct result r = {0};
    const char *pid[] = {"run", "--pid", "host", "img", NULL};
    TAP_CHECK(parse(&run_flagset, pid, &r) < 0 && error_says(&r, "unknown flag: --pid; did you mean --pids-limit?"),
              "run --pid host: unknown flag, --pids-limit suggested (was taken as --pids-limit)");
    const char *priv[] = {"run", "--priv", "img", NULL};
    TAP_CHECK(parse(&run_flagset, priv, &r) < 0 && error_says(&r, "unknown flag: --priv; did you mean --privileged?"),
              "run --priv: refused (it granted --privileged)");
    const char *rea[] = {"run", "--rea", "img", NULL};
    TAP_CHECK(parse(&run_flagset, rea, &r) < 0 && error_says(&r, "did you mean --read-only?"),
              "run --rea: refused (it meant --read-only)");
    const char *typo[] = {"run", "--hostnmae", "h", "img", NULL};
    TAP_CHECK(parse(&run_flagset, typo, &r) < 0 && error_says(&r, "did you mean --hostname?"),
              "a typo gets the closest name");
    const char *far[] = {"run", "--zzzzzz", "img", NULL};
    TAP_CHECK(parse(&run_flagset, far, &r) < 0 && error_says(&r, "unknown flag: --zzzzzz") &&
                  !strstr(r.error, "did you mean"),
              "nothing close: no suggestion");
    const char *late_bad[] = {"run", "--help", "--priv", "img", NULL};
    TAP_CHECK(parse(&run_flagset, late_bad, &r) < 0 && r.n == 0,
              "a bad flag anywhere fails before any option is returned");

    const char *itd[] = {"run", "-itd", "-e", "A=1", "img", "-x", "--rm", NULL};
    TAP_CHECK(parse(&run_flagset, itd, &r) == 0 && r.n == 4 && r.vals[0] == 'i' && r.vals[1] == 't' &&
                  r.vals[2] == 'd' && r.vals[3] == 'e' && !strcmp(r.args[3], "A=1") && r.end == 4 &&
                  !strcmp(r.argv[4], "img") && !strcmp(r.argv[5], "-x"),
              "run -itd -e A=1 IMAGE -x --rm: options end at the image, the rest is the command's");
    /* More options than arguments: the table was sized by argc (fuzz-engine-getopt, heap overflow). */
    const char *many[] = {"run", "-ittttttttttttt", "img", NULL};
    TAP_CHECK(parse(&run_flagset, many, &r) == 0 && r.n == 14 && r.vals[13] == 't' && r.end == 2,
              "run -ittttttttttttt: one option per letter, however many");
    const char *glued[] = {"run", "-ite", "A=1", "img", NULL};
    TAP_CHECK(parse(&run_flagset, glued, &r) == 0 && r.n == 3 && r.vals[2] == 'e' && !strcmp(r.args[2], "A=1"),
              "-ite VALUE: the last of a group takes the value");
    const char *dashdash[] = {"rm", "-f", "--", "-x", "--force", NULL};
    TAP_CHECK(parse(&rm_flagset, dashdash, &r) == 0 && r.n == 1 && r.end == 3 && !strcmp(r.argv[3], "-x") &&
                  !strcmp(r.argv[4], "--force"),
              "-- ends the options");
    const char *mixed[] = {"rm", "a", "-f", "b", "--force=false", "c", NULL};
    TAP_CHECK(parse(&rm_flagset, mixed, &r) == 0 && r.n == 2 && r.vals[0] == 'f' && r.args[1] &&
                  !strcmp(r.args[1], "false") && r.end == 3 && !strcmp(r.argv[3], "a") &&
                  !strcmp(r.argv[4], "b") && !strcmp(r.argv[5], "c"),
              "rm NAME -f NAME: flags after arguments (docker's interspersed flags), arguments keep their order");
    const char *dash[] = {"load", "-i", "-", NULL};
    TAP_CHECK(parse(&load_flagset, dash, &r) == 0 && one_option(&r, 'i', "-"), "\"-\" is a value (stdin)");
    const char *unknown_short[] = {"ps", "-aZ", NULL};
    TAP_CHECK(parse(&ps_flagset, unknown_short, &r) < 0 && error_says(&r, "unknown shorthand flag: 'Z' in -aZ"),
              "an unknown letter in a group is named");
    const char *syntax[] = {"ps", "---all", NULL};
    TAP_CHECK(parse(&ps_flagset, syntax, &r) < 0 && error_says(&r, "bad flag syntax: ---all"), "---all is bad syntax");
    const char *global[] = {"hull", "--root", "/r", "--debug", "run", "--rm", NULL};
    TAP_CHECK(parse(&engine_global_flagset, global, &r) == 0 && r.n == 2 && r.end == 4,
              "global options end at the command");
    const char *global_abbrev[] = {"hull", "--run", "/r", "ps", NULL};
    TAP_CHECK(parse(&engine_global_flagset, global_abbrev, &r) < 0 && error_says(&r, "did you mean --runroot?"),
              "hull --run: refused (it was --runroot)");
    result_clear(&r);
}

int main(void)
{
    check_flagset("hull", &engine_global_flagset);
    walk(NULL, engine_commands);
    check_docker_rules();
    return TAP_DONE();
}
