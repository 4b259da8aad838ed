/* A seccomp profile (`hull run --security-opt seccomp=FILE`, docker's format):
 * seccomp_profile_parse, then compiled to BPF as create would (without
 * loading it, and without the on-disk cache). */
#include "fuzz.h"

#include "security/security.h"
#include "spec/spec.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    seccomp_cache_set_dir(NULL); /* no cache: every input compiled, nothing written */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    struct hull_seccomp *s = NULL;
    struct hull_error *err = NULL;
    int r = seccomp_profile_parse(text, &s, &err);
    fuzz_result(r, &err);
    if (r == 0) {
        struct seccomp_prepared *p = NULL;
        r = seccomp_prepare(s, &p, &err);
        fuzz_result(r, &err);
        if (r == 0)
            seccomp_prepared_free(p);
        spec_seccomp_free(s);
    }
    free(text);
    return 0;
}
