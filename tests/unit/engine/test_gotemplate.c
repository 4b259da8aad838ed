/* gotemplate: the text/template subset of docker's --format, against Go's
 * own output for the same templates (expected strings are what `docker
 * inspect -f` / Go's text/template print). */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "engine/gotemplate.h"
#include "util/utils.h"

static const char *data_json =
    "{\"Id\":\"abc123\",\"Name\":\"/web\",\"State\":{\"Status\":\"running\",\"Running\":true,\"Pid\":42,"
    "\"ExitCode\":0,\"Health\":null},\"Config\":{\"Env\":[\"A=1\",\"B=2\"],\"Labels\":{\"z\":\"last\",\"a\":\"first\"},"
    "\"Cmd\":[\"sh\",\"-c\",\"echo hi\"],\"Empty\":[],\"Ratio\":0.5,\"Big\":1000000.0},"
    "\"Mounts\":[{\"Type\":\"volume\",\"Name\":\"data\",\"Destination\":\"/data\"},"
    "{\"Type\":\"bind\",\"Source\":\"/srv\",\"Destination\":\"/srv\"}]}";

static struct json_object *data;

static void expect(const char *tmpl, const char *want)
{
    cleanup_error struct hull_error *err = NULL;
    struct gotemplate *t = NULL;
    cleanup_free char *got = NULL;
    bool ok = gotemplate_parse(tmpl, &t, &err) == 0 && gotemplate_execute(t, data, &got, &err) == 0 &&
              !strcmp(got, want);
    if (!ok)
        printf("# got [%s] error [%s], want [%s]\n", got ? got : "", err ? err->msg : "", want);
    cleanup_free char *shown = xstrdup(tmpl);
    for (char *p = shown; *p; p++)
        if (*p == '\n')
            *p = ' ';
    TAP_CHECK(ok, "%s", shown);
    gotemplate_free(t);
}

static void expect_error(const char *tmpl, const char *want)
{
    cleanup_error struct hull_error *err = NULL;
    struct gotemplate *t = NULL;
    cleanup_free char *got = NULL;
    if (gotemplate_parse(tmpl, &t, &err) == 0)
        gotemplate_execute(t, data, &got, &err);
    bool ok = err && strstr(err->msg, want) && !strchr(err->msg, '\n');
    if (!ok)
        printf("# got [%s] error [%s], want an error with [%s]\n", got ? got : "", err ? err->msg : "", want);
    TAP_CHECK(ok, "%s is refused: %s", tmpl, want);
    gotemplate_free(t);
}

/* A template of n nested levels: open ... close around inner. */
static char *nested(const char *head, const char *open, size_t n, const char *inner, const char *close, const char *tail)
{
    size_t lo = strlen(open), lc = strlen(close);
    char *t = xmalloc0(strlen(head) + n * (lo + lc) + strlen(inner) + strlen(tail) + 1), *p = t;
    p = stpcpy(p, head);
    for (size_t i = 0; i < n; i++)
        p = stpcpy(p, open);
    p = stpcpy(p, inner);
    for (size_t i = 0; i < n; i++)
        p = stpcpy(p, close);
    stpcpy(p, tail);
    return t;
}

/* What the parser returns for a template too large to show in a test's name. */
static bool refused_with(const char *tmpl, const char *want, const char *what)
{
    cleanup_error struct hull_error *err = NULL;
    struct gotemplate *t = NULL;
    bool ok = gotemplate_parse(tmpl, &t, &err) < 0 && err && strstr(err->msg, want) && strlen(err->msg) < 200;
    if (!ok)
        printf("# %s: error [%s], want [%s]\n", what, err ? err->msg : "(none)", want);
    gotemplate_free(t);
    return ok;
}

/* fuzz-gotemplate found ~20,000 "(" in one action overflowing the stack:
 * every kind of nesting stops at 100 levels, with one short line. */
static void test_depth(void)
{
    const char *want = "nested deeper than 100 levels";
    cleanup_free char *parens100 = nested("{{", "(", 100, ".Name", ")", "}}");
    expect(parens100, "/web");
    cleanup_free char *parens101 = nested("{{", "(", 101, ".Name", ")", "}}");
    TAP_CHECK(refused_with(parens101, want, "101 levels of ()"), "101 levels of parentheses are refused");
    cleanup_free char *parens = nested("{{", "(", 20000, "", "", "");
    TAP_CHECK(refused_with(parens, want, "20000 unclosed ("), "20,000 unclosed parentheses are refused, no crash");
    cleanup_free char *ifs100 = nested("", "{{if true}}", 100, "x", "{{end}}", "");
    expect(ifs100, "x");
    cleanup_free char *ifs = nested("", "{{with .}}", 20000, "x", "{{end}}", "");
    TAP_CHECK(refused_with(ifs, want, "20000 with"), "20,000 nested {{with}} are refused");
    cleanup_free char *elifs = nested("{{if false}}", "{{else if false}}", 20000, "", "", "{{end}}");
    TAP_CHECK(refused_with(elifs, want, "20000 else if"), "a chain of 20,000 {{else if}} is refused");
    cleanup_free char *flat = nested("", "{{.Name}}", 20000, "", "", "");
    cleanup_error struct hull_error *err = NULL;
    struct gotemplate *t = NULL;
    cleanup_free char *got = NULL;
    TAP_CHECK(gotemplate_parse(flat, &t, &err) == 0 && gotemplate_execute(t, data, &got, &err) == 0 &&
                  strlen(got) == 20000 * strlen("/web"),
              "20,000 actions one after another are no nesting: they run");
    gotemplate_free(t);
}

int main(void)
{
    data = json_tokener_parse(data_json);
    expect("{{.State.Status}}", "running");
    expect("plain text", "plain text");
    expect("{{.Name}} is {{.State.Status}} (pid {{.State.Pid}})", "/web is running (pid 42)");
    expect("{{.State.Running}} {{.State.ExitCode}} {{.Config.Ratio}} {{.Config.Big}}", "true 0 0.5 1e+06");
    expect("{{.State.Health}}", "<nil>");
    expect("{{.Config.Env}}", "[A=1 B=2]");
    expect("{{.Config.Labels}}", "map[a:first z:last]");
    expect("{{json .Config.Labels}}", "{\"z\":\"last\",\"a\":\"first\"}");
    expect("{{json .State.Status}}", "\"running\"");
    expect("{{json .Config.Env}}", "[\"A=1\",\"B=2\"]");
    expect("{{join .Config.Cmd \" \"}}", "sh -c echo hi");
    expect("{{index .Config.Labels \"a\"}}", "first");
    expect("{{index .Config.Labels \"missing\"}}", "");
    expect("{{index .Config.Env 1}}", "B=2");
    expect("{{(index .Mounts 0).Name}}", "data");
    expect("{{range .Mounts}}{{.Type}}:{{.Destination}} {{end}}", "volume:/data bind:/srv ");
    expect("{{range .Config.Labels}}{{.}},{{end}}", "first,last,");
    expect("{{range .Config.Empty}}x{{else}}none{{end}}", "none");
    expect("{{if .State.Running}}up{{else}}down{{end}}", "up");
    expect("{{if eq .State.Status \"exited\"}}e{{else if eq .State.Status \"running\"}}r{{else}}?{{end}}", "r");
    expect("{{if not .Config.Empty}}empty{{end}}", "empty");
    expect("{{if and .State.Running (eq .State.Pid 42)}}yes{{end}}", "yes");
    expect("{{if or .Config.Empty .Name}}or{{end}}", "or");
    expect("{{if eq .State.Pid 1 2 42}}any{{end}}", "any");
    expect("{{if gt .State.Pid 10}}big{{end}}{{if lt .Config.Ratio 1}} small{{end}}", "big small");
    expect("{{with .State}}{{.Status}}{{end}}", "running");
    expect("{{with .Config.Empty}}x{{else}}no{{end}}", "no");
    expect("{{.Name | upper}} {{lower \"ABC\"}} {{title \"hello world\"}}", "/WEB abc Hello World");
    expect("{{len .Config.Env}} {{len .Name}} {{len .Config.Labels}}", "2 4 2");
    expect("{{join (split \"a,b,c\" \",\") \"-\"}}", "a-b-c");
    expect("{{printf \"%s=%d %q %v%%\" .Name .State.Pid \"x\" .State.Running}}", "/web=42 \"x\" true%");
    expect("{{printf \"%5.2f\" .Config.Ratio}}", " 0.50");
    expect("{{truncate .Id 3}}", "abc");
    expect("{{println .Name 1}}", "/web 1\n");
    expect("{{print \"a\" \"b\" 1 2}}", "ab1 2");
    expect("a  {{- .Name -}}  b\n{{- /* a comment */ -}}\n c", "a/webbc");
    expect("{{$.Name}}{{range .Mounts}}{{$.Id}}{{end}}", "/webabc123abc123");
    expect("{{.}}", "map[Config:map[Big:1e+06 Cmd:[sh -c echo hi] Empty:[] Env:[A=1 B=2] Labels:map[a:first "
                    "z:last] Ratio:0.5] Id:abc123 Mounts:[map[Destination:/data Name:data Type:volume] "
                    "map[Destination:/srv Source:/srv Type:bind]] Name:/web State:map[ExitCode:0 Health:<nil> Pid:42 "
                    "Running:true Status:running]]");
    expect("{{\"}}\"}}", "}}");

    /* fuzz-gotemplate found `pad nil 22222222222 -6`: 22 GB of spaces */
    expect("{{pad .Id 2 1}}|", "  abc123 |");
    test_depth();
    expect("{{pad .Id 4096 0 | len}}", "4102");
    expect_error("{{pad .Id 22222222222 -6}}", "pad: 22222222222 is too wide (at most 4096)");
    expect_error("{{pad .Id 0 4097}}", "pad: 4097 is too wide");
    expect("{{printf \"%5d|%-4s|\" 42 .Id}}", "   42|abc123|");
    expect_error("{{printf \"%99999999999d\" 1}}", "printf: width or precision 99999999999 is too large");
    expect_error("{{printf \"%.5000s\" .Id}}", "width or precision 5000 is too large");
    expect_error("{{.State.Nope}}", "no field \"Nope\"");
    expect_error("{{.Name.Sub}}", "not an object");
    expect_error("{{nosuchfunc .Name}}", "function \"nosuchfunc\" is not defined");
    expect_error("{{.Name", "unclosed action");
    expect_error("{{if .Name}}x", "missing {{end}}");
    expect_error("{{end}}", "unexpected {{end}}");
    expect_error("{{.Name .Id}}", "only a function takes arguments");
    expect_error("{{join .Name}}", "wrong number of arguments");
    expect_error("{{index .Config.Env 5}}", "index out of range");
    expect_error("{{range .Name}}{{end}}", "range over something");
    expect_error("{{$x := .Name}}", "variables other than $");
    expect_error("{{template \"x\"}}", "not supported");
    expect_error("{{\"open}}", "unterminated string");
    expect_error("{{lt .Name 3}}", "incompatible types");

    const char *rest = NULL;
    TAP_CHECK(gotemplate_is_table("table {{.ID}}\t{{.Names}}", &rest) && !strcmp(rest, "{{.ID}}\t{{.Names}}"),
              "table FORMAT");
    TAP_CHECK(gotemplate_is_table("table", &rest) && rest == NULL, "table alone");
    TAP_CHECK(!gotemplate_is_table("tables {{.X}}", &rest) && !gotemplate_is_table("{{.X}}", &rest),
              "not a table");
    json_object_put(data);
    return TAP_DONE();
}
