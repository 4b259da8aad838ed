/* registries.conf (v2 TOML, and v1's [registries.*] tables): the TOML subset
 * parser, registries_conf_parse, and name lookups in what it produced. */
#include "fuzz.h"

#include "registry/conf.h"

static const char *const names[] = {"docker.io/library/busybox", "example.com/team/app", "localhost:5000/x",
                                    "sub.example.com/a/b", "quay.io/x"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct registries_conf *conf = NULL;
    struct hull_error *err = NULL;
    /* Bytes and length as registries_conf_load passes them (read_file's
     * buffer, NUL terminated after len; NULs inside are input too). */
    char *text = fuzz_text(data, size);
    int r = registries_conf_parse(text, size, "fuzz.conf", &conf, &err);
    fuzz_result(r, &err);
    if (r == 0) {
        for (size_t i = 0; i < sizeof names / sizeof *names; i++)
            (void)registries_conf_find(conf, names[i]);
        registries_conf_free(conf);
    }
    free(text);
    return 0;
}
