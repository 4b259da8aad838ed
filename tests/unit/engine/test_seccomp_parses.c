/* How often one `hull run` reads its seccomp profile (issue 12).
 *
 * `hull run` builds the profile while it checks its flags (so a bad
 * seccomp=FILE fails before anything exists), writes it into config.json
 * (engine_spec_build) and creates the container from that config.json
 * (container_create: spec_load, security_validate, seccomp_prepare).  This
 * test walks the same steps and counts the reads into struct hull_seccomp
 * (spec_seccomp_parses): one for the engine's check, one for the runtime's
 * read of config.json.  Before issue 12's step 2 it was three (the engine
 * built the profile twice, each time printing it and parsing it back with a
 * second parser). */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine_security.h"
#include "engine/engine_spec.h"
#include "security/security.h"
#include "spec/spec.h"
#include "util/utils.h"
#include "../tap.h"

static const char *IMAGE_CONFIG = "{\"config\":{\"Cmd\":[\"true\"]}}";

/* The steps of one `hull run`; returns the number of profile reads, -1 on failure. */
static long run_steps(struct engine_run_config *rc, const char *what)
{
    cleanup_error struct hull_error *err = NULL;
    unsigned long before = spec_seccomp_parses;
    /* src/engine/cmd_run.c, check_security() */
    if (engine_seccomp_prepare(rc, &err) < 0) {
        TAP_CHECK(false, "%s: engine_seccomp_prepare: %s", what, err->msg);
        return -1;
    }
    unsigned long after_check = spec_seccomp_parses;
    /* create_container(): config.json */
    cleanup_free char *text = NULL;
    if (engine_spec_build(IMAGE_CONFIG, rc, "h", "/nonexistent-rootfs", &text, &err) < 0) {
        TAP_CHECK(false, "%s: engine_spec_build: %s", what, err->msg);
        return -1;
    }
    TAP_CHECK(spec_seccomp_parses == after_check, "%s: the config is built with the profile already checked", what);
    /* container_create(): spec_load, security_validate, seccomp_prepare */
    cleanup_spec struct hull_spec *spec = NULL;
    struct seccomp_prepared *prepared = NULL;
    if (spec_parse(text, &spec, &err) < 0 || security_validate(spec, &err) < 0 ||
        (spec->linux_.seccomp && seccomp_prepare(spec->linux_.seccomp, &prepared, &err) < 0)) {
        TAP_CHECK(false, "%s: create: %s", what, err->msg);
        return -1;
    }
    if (prepared)
        seccomp_prepared_free(prepared);
    engine_seccomp_release(rc);
    return (long)(spec_seccomp_parses - before);
}

int main(void)
{
    seccomp_cache_set_dir(NULL); /* compile for real, touch no cache */
    struct engine_run_config rc = {0};
    long n = run_steps(&rc, "built-in profile");
    TAP_CHECK(n == 2, "built-in profile: read twice per run (engine check, config.json), got %ld", n);

    char *add[] = {"CAP_SYS_ADMIN", NULL};
    struct engine_run_config user = {
        .cap_add = add,
        .seccomp_profile = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
                           "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13}]}",
    };
    n = run_steps(&user, "--security-opt seccomp=FILE");
    TAP_CHECK(n == 2, "--security-opt seccomp=FILE: read twice per run, got %ld", n);

    /* The kept profile is only handed out for the capabilities it was built for. */
    cleanup_error struct hull_error *err = NULL;
    struct engine_run_config rc2 = {0};
    TAP_CHECK(engine_seccomp_prepare(&rc2, &err) == 0 && rc2.seccomp_built != NULL, "prepare keeps the profile");
    char *admin[] = {"CAP_SYS_ADMIN", NULL};
    rc2.cap_add = admin;
    cleanup_strv char **caps = engine_capabilities(&rc2);
    struct hull_seccomp *oci = NULL;
    unsigned long before = spec_seccomp_parses;
    TAP_CHECK(engine_seccomp(&rc2, caps, &oci, &err) == 0 && oci != rc2.seccomp_built && spec_seccomp_parses == before + 1,
              "other capabilities: the profile is built again for them");
    spec_seccomp_free(oci);
    engine_seccomp_release(&rc2);

    struct engine_run_config priv = {.privileged = true};
    n = run_steps(&priv, "--privileged");
    TAP_CHECK(n == 0, "--privileged: no profile, nothing read, got %ld", n);
    return TAP_DONE();
}
