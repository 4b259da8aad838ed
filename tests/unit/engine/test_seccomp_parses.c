/* How often one `hull run` reads its seccomp profile (issue 12).
 *
 * `hull run` builds the profile while it checks its flags (so a bad
 * seccomp=FILE fails before anything exists: the one read), gives the config
 * it builds a copy of the parsed profile (engine_spec_make), writes that
 * config as config.json and creates the container from the struct
 * (container_create with opts.spec: container_create_config, then
 * security_validate and seccomp_prepare), without reading config.json back.
 * This test walks the same steps and counts the reads into struct
 * hull_seccomp (spec_seccomp_parses).  It was five before issue 12, then
 * three, then two (the runtime's read of config.json); `run -d` creates
 * from the struct too (its forked child, which becomes the monitor), and a
 * process that creates from config.json alone (`hull start`, a restart by
 * the policy) reads it once, there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container/container.h"
#include "engine/engine_security.h"
#include "engine/engine_spec.h"
#include "security/security.h"
#include "spec/spec.h"
#include "util/utils.h"
#include "../tap.h"

static const char *IMAGE_CONFIG = "{\"config\":{\"Cmd\":[\"true\"]}}";

/* What container_create does with its config before it makes anything. */
static int create_steps(const struct container_create_opts *o, const char *bundle, struct hull_error **err)
{
    cleanup_spec struct hull_spec *loaded = NULL;
    const struct hull_spec *spec = NULL;
    struct seccomp_prepared *prepared = NULL;
    if (container_create_config(o, bundle, &loaded, &spec, err) < 0 || security_validate(spec, err) < 0 ||
        (spec->linux_.seccomp && seccomp_prepare(spec->linux_.seccomp, &prepared, err) < 0))
        return -1;
    if (prepared)
        seccomp_prepared_free(prepared);
    return 0;
}

/* The steps of one `hull run`; returns the number of profile reads, -1 on failure. */
static long run_steps(struct engine_run_config *rc, const char *what)
{
    cleanup_error struct hull_error *err = NULL;
    unsigned long before = spec_seccomp_parses;
    /* src/hull/cmd_run.c, check_security() */
    if (engine_seccomp_prepare(rc, &err) < 0) {
        TAP_CHECK(false, "%s: engine_seccomp_prepare: %s", what, err->msg);
        return -1;
    }
    unsigned long after_check = spec_seccomp_parses;
    /* make_bundle(): the config, written as config.json */
    cleanup_spec struct hull_spec *spec = NULL;
    if (engine_spec_make(IMAGE_CONFIG, rc, "h", "/nonexistent-rootfs", &spec, &err) < 0) {
        TAP_CHECK(false, "%s: engine_spec_make: %s", what, err->msg);
        return -1;
    }
    TAP_CHECK(spec_seccomp_parses == after_check, "%s: the config is built with the profile already read", what);
    /* engine_run_foreground() -> container_create(), given the struct */
    struct container_create_opts o = {.id = "c", .spec = spec};
    if (create_steps(&o, "/nonexistent-bundle", &err) < 0) {
        TAP_CHECK(false, "%s: create: %s", what, err->msg);
        return -1;
    }
    engine_seccomp_release(rc);
    return (long)(spec_seccomp_parses - before);
}

/* `hull start`, `_monitor-restart`: a process of its own that has only config.json. */
static void from_config_json(void)
{
    cleanup_error struct hull_error *err = NULL;
    struct engine_run_config rc = {0};
    cleanup_spec struct hull_spec *spec = NULL;
    char dir[] = "/tmp/hull-test-seccomp-XXXXXX";
    if (engine_seccomp_prepare(&rc, &err) < 0 ||
        engine_spec_make(IMAGE_CONFIG, &rc, "h", "/nonexistent-rootfs", &spec, &err) < 0 || !mkdtemp(dir)) {
        TAP_CHECK(false, "config.json written (%s)", err ? err->msg : "mkdtemp");
        return;
    }
    engine_seccomp_release(&rc);
    cleanup_free char *path = xasprintf("%s/config.json", dir);
    if (write_file_replace(path, spec->raw_json, strlen(spec->raw_json), 0600, &err) < 0) {
        TAP_CHECK(false, "config.json written (%s)", err->msg);
        return;
    }
    unsigned long before = spec_seccomp_parses;
    struct container_create_opts o = {.id = "c"};
    TAP_CHECK(create_steps(&o, dir, &err) == 0 && spec_seccomp_parses == before + 1,
              "a create from config.json alone reads the profile once");
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    seccomp_cache_set_dir(NULL); /* compile for real, touch no cache */
    struct engine_run_config rc = {0};
    long n = run_steps(&rc, "built-in profile");
    TAP_CHECK(n == 1, "built-in profile: read once per run, got %ld", n);

    char *add[] = {"CAP_SYS_ADMIN", NULL};
    struct engine_run_config user = {
        .cap_add = add,
        .seccomp_profile = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
                           "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13}]}",
    };
    n = run_steps(&user, "--security-opt seccomp=FILE");
    TAP_CHECK(n == 1, "--security-opt seccomp=FILE: read once per run, got %ld", n);

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
    from_config_json();
    return TAP_DONE();
}
