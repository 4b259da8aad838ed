/* config.json: spec_parse and the validation `hull-runtime create` runs on
 * the parsed spec before touching the host (security: capabilities, seccomp,
 * LSM labels; the cgroup path; sysctls, process and linux attributes).  The
 * cgroup values are checked inside spec_parse (spec_check_resources). */
#include "fuzz.h"

#include "cgroup/cgroup_internal.h"
#include "container/process_attrs.h"
#include "ns/namespaces.h"
#include "security/security.h"
#include "spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    struct hull_spec *spec = NULL;
    struct hull_error *err = NULL;
    int r = spec_parse(text, &spec, &err);
    fuzz_result(r, &err);
    if (r == 0) {
        if (spec->process) {
            fuzz_result(security_validate(spec, &err), &err);
            fuzz_result(process_attrs_validate(spec->process, &err), &err);
        }
        fuzz_result(linux_attrs_validate(spec, &err), &err);
        fuzz_result(ns_validate_sysctl(spec, &err), &err);
        fuzz_result(ns_net_devices_validate(spec, &err), &err);
        if (spec->linux_.cgroups_path)
            fuzz_result(cgroup_validate_path(spec->linux_.cgroups_path, &err), &err);
        spec_free(spec);
    }
    free(text);
    return 0;
}
