/* CDI spec files, JSON and YAML (engine_cdi_spec.c): libyaml's document,
 * anchors, aliases and merge keys, then the typed decoding and the checks.
 * The spec directories hold files any package may drop there. */
#include "fuzz.h"

#include "engine/engine_cdi_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cdi_spec *spec = NULL;
    struct hull_error *err = NULL;
    int r = cdi_spec_parse("fuzz.yaml", (const char *)data, size, &spec, &err);
    fuzz_result(r, &err);
    if (r == 0 && (!spec || !spec->kind || !spec->n_devices))
        abort();
    cdi_spec_free(spec);
    return 0;
}
