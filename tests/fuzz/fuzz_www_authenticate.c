/* A registry's WWW-Authenticate header (Bearer realm="...",service=...,scope=...):
 * registry_challenge_parse, as the client runs it on every 401. */
#include "fuzz.h"

#include "registry/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    struct registry_challenge c = {0};
    struct hull_error *err = NULL;
    int r = registry_challenge_parse(text, &c, &err);
    fuzz_result(r, &err);
    if (r == 0)
        registry_challenge_clear(&c);
    free(text);
    return 0;
}
