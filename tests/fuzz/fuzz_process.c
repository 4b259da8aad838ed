/* process.json (`hull-runtime exec --process FILE`): spec_parse_process and
 * the checks exec runs on it before joining the container. */
#include "fuzz.h"

#include "container/process_attrs.h"
#include "security/security.h"
#include "spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    struct hull_process *p = NULL;
    struct hull_error *err = NULL;
    int r = spec_parse_process(text, &p, &err);
    fuzz_result(r, &err);
    if (r == 0) {
        fuzz_result(security_validate_process(p, &err), &err);
        fuzz_result(process_attrs_validate(p, &err), &err);
        spec_process_free(p);
    }
    free(text);
    return 0;
}
