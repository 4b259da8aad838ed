/* docker's --format templates (Go text/template subset): gotemplate_parse,
 * then executed on an inspect-like document (the unit test's data). */
#include <json-c/json.h>

#include "fuzz.h"

#include "engine/gotemplate.h"

static const char *data_json =
    "{\"Id\":\"abc123\",\"Name\":\"/web\",\"State\":{\"Status\":\"running\",\"Running\":true,\"Pid\":42,"
    "\"ExitCode\":0,\"Health\":null},\"Config\":{\"Env\":[\"A=1\",\"B=2\"],\"Labels\":{\"z\":\"last\",\"a\":\"first\"},"
    "\"Cmd\":[\"sh\",\"-c\",\"echo hi\"],\"Empty\":[],\"Ratio\":0.5,\"Big\":1000000.0},"
    "\"Mounts\":[{\"Type\":\"volume\",\"Name\":\"data\",\"Destination\":\"/data\"},"
    "{\"Type\":\"bind\",\"Source\":\"/srv\",\"Destination\":\"/srv\"}]}";
static struct json_object *doc;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    doc = json_tokener_parse(data_json);
    return doc ? 0 : 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    struct gotemplate *t = NULL;
    struct hull_error *err = NULL;
    int r = gotemplate_parse(text, &t, &err);
    fuzz_result(r, &err);
    if (r == 0) {
        char *out = NULL;
        fuzz_result(gotemplate_execute(t, doc, &out, &err), &err);
        free(out);
        gotemplate_free(t);
    }
    const char *rest;
    (void)gotemplate_is_table(text, &rest);
    free(text);
    return 0;
}
