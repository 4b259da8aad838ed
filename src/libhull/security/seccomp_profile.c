/* hull: a linux.seccomp object read from a file of its own.
 *
 * The engine ships a default profile (profiles/seccomp-default.json) and lets
 * users pass their own (`--security-opt seccomp=FILE` in Docker's words); both
 * are plain OCI linux.seccomp objects, so the config parser's own code reads
 * them (one parser fills struct hull_seccomp), then seccomp_validate checks
 * them.  Unknown keys are ignored (the OCI schema allows them). */
#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "../util/utils.h"
#include "security.h"
#include "security_internal.h"

int seccomp_profile_parse(const char *json_text, struct hull_seccomp **out, struct hull_error **err)
{
    *out = NULL;
    enum json_tokener_error jerr = json_tokener_success;
    struct json_object *root = json_tokener_parse_verbose(json_text, &jerr);
    if (!root)
        return hull_error_set(err, EINVAL, "seccomp profile is not valid JSON: %s", json_tokener_error_desc(jerr));
    int r = seccomp_profile_parse_object(root, out, err);
    json_object_put(root);
    return r;
}

int seccomp_profile_parse_object(struct json_object *obj, struct hull_seccomp **out, struct hull_error **err)
{
    if (spec_parse_seccomp(obj, "seccomp", out, err) < 0)
        return -1;
    if (seccomp_validate(*out, err) < 0) {
        spec_seccomp_free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

int seccomp_profile_load(const char *path, struct hull_seccomp **out, struct hull_error **err)
{
    cleanup_free char *text = NULL;
    if (read_file(path, &text, NULL, err) < 0)
        return -1;
    if (seccomp_profile_parse(text, out, err) < 0)
        return hull_error_wrap(err, "seccomp profile %s", path);
    return 0;
}
