/* A token server's answer (distribution spec token.md): registry_token_parse,
 * on the body as libcurl handed it over (a length, not a C string). */
#include "fuzz.h"

#include "registry/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *body = fuzz_text(data, size);
    char *token = registry_token_parse(body, size);
    if (token && !*token)
        abort(); /* an empty token would be sent as "Bearer " */
    free(token);
    free(body);
    return 0;
}
