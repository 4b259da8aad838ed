/* engine_spec: docker's size and cpu units, -v parsing, and the config
 * generated from an image config + run flags (parsed back with spec_parse, so
 * the runtime would accept it). */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "engine/engine_flags.h"
#include "engine/engine_spec.h"
#include "spec/spec.h"
#include "util/utils.h"

static bool memory_is(const char *text, int64_t want)
{
    int64_t got = -1;
    cleanup_error struct hull_error *err = NULL;
    return engine_parse_memory(text, &got, &err) == 0 && got == want;
}

static bool memory_fails(const char *text)
{
    int64_t got;
    cleanup_error struct hull_error *err = NULL;
    return engine_parse_memory(text, &got, &err) < 0 && err && strstr(err->msg, text);
}

static const char *IMAGE_CONFIG =
    "{\"config\":{\"Entrypoint\":[\"/bin/ep\"],\"Cmd\":[\"c1\",\"c2\"],\"Env\":[\"PATH=/img/bin\",\"A=img\"],"
    "\"WorkingDir\":\"/srv\",\"User\":\"7:8\"}}";

static struct hull_spec *build(const struct engine_run_config *rc, struct json_object **json)
{
    cleanup_error struct hull_error *err = NULL;
    cleanup_free char *text = NULL;
    if (engine_spec_build(IMAGE_CONFIG, rc, "shortid", "/nonexistent-rootfs", &text, &err) < 0) {
        printf("# build: %s\n", err->msg);
        return NULL;
    }
    struct hull_spec *spec = NULL;
    if (spec_parse(text, &spec, &err) < 0) {
        printf("# parse: %s\n", err->msg);
        return NULL;
    }
    *json = json_tokener_parse(text);
    return spec;
}

static const char *jstr(struct json_object *o, const char *a, const char *b, const char *c)
{
    struct json_object *v = o;
    const char *keys[] = {a, b, c};
    for (size_t i = 0; i < 3 && keys[i]; i++)
        if (!json_object_object_get_ex(v, keys[i], &v))
            return NULL;
    return json_object_get_string(v);
}

/* The struct engine_spec_make returns is what the runtime would read back
 * from its config.json: `hull run` creates the container from the struct
 * (container_create_opts.spec), so the two must not differ in what the text
 * carries nor in the values the parser derives (mount flags, rlimit numbers). */
static bool same_mount(const struct hull_mount *a, const struct hull_mount *b)
{
    return a->flags == b->flags && a->clear_flags == b->clear_flags && a->propagation == b->propagation &&
           a->bind == b->bind && a->recursive_bind == b->recursive_bind && a->tmpcopyup == b->tmpcopyup &&
           a->rec_attr_set == b->rec_attr_set && a->rec_attr_clr == b->rec_attr_clr && a->idmap == b->idmap &&
           a->idmap_recursive == b->idmap_recursive &&
           ((a->data == NULL && b->data == NULL) || (a->data && b->data && !strcmp(a->data, b->data)));
}

static void built_is_read(const struct engine_run_config *rc, const char *what)
{
    cleanup_error struct hull_error *err = NULL;
    cleanup_spec struct hull_spec *built = NULL, *read = NULL;
    if (engine_spec_make(IMAGE_CONFIG, rc, "shortid", "/nonexistent-rootfs", &built, &err) < 0 ||
        spec_parse(built->raw_json, &read, &err) < 0) {
        TAP_CHECK(false, "%s: built and read back (%s)", what, err->msg);
        return;
    }
    cleanup_free char *again = spec_to_json(read);
    bool same = !strcmp(again, built->raw_json) && read->n_mounts == built->n_mounts &&
                read->process->n_rlimits == built->process->n_rlimits;
    for (size_t i = 0; same && i < read->n_mounts; i++)
        same = same_mount(&read->mounts[i], &built->mounts[i]);
    for (size_t i = 0; same && i < read->process->n_rlimits; i++)
        same = read->process->rlimits[i].resource == built->process->rlimits[i].resource;
    TAP_CHECK(same, "%s: the config built is the config config.json gives back", what);
}

static void test_built_is_read(void)
{
    struct engine_run_config plain = {0};
    built_is_read(&plain, "no flags");
    char *tmpfs_opts[] = {"rw", "nosuid", "nodev", "noexec", "size=65536k", NULL};
    struct engine_tmpfs tmpfs[] = {{.destination = "/run", .options = tmpfs_opts}};
    struct engine_bind binds[] = {{.source = "/tmp", .destination = "/data", .read_only = true},
                                  {.source = "/tmp", .destination = "/data/sub", .propagation = "rslave"}};
    struct engine_ulimit ulimits[] = {{.name = "nofile", .rlimit = "RLIMIT_NOFILE", .soft = 10, .hard = 20},
                                      {.name = "core", .rlimit = "RLIMIT_CORE", .soft = -1, .hard = -1}};
    struct engine_device devices[] = {{.host = "/dev/null", .container = "/dev/n", .perms = "rw", .type = 'c',
                                       .major = 1, .minor = 3, .mode = 0666}};
    struct hull_device_rule rules[] = {{.allow = true, .type = 'b', .major = -1, .minor = -1, .access = "m"}};
    struct engine_run_config many = {
        .tty = true, .read_only = true, .binds = binds, .n_binds = 2, .tmpfs = tmpfs, .n_tmpfs = 1,
        .ulimits = ulimits, .n_ulimits = 2, .devices = devices, .n_devices = 1, .device_rules = rules,
        .n_device_rules = 1, .init_path = "/usr/libexec/hull/hull-init", .hosts_path = "/c/hosts",
        .memory = 1 << 26, .memory_swap = 1 << 27, .cpu_quota = 50000, .cpu_period = 100000, .pids_limit = 9,
        .systempaths_unconfined = true, .no_new_privileges = true, .domainname = "example.org"};
    built_is_read(&many, "mounts, tmpfs, --init, ulimits, devices, resources, systempaths");
    struct engine_run_config priv = {.privileged = true, .host_network = true};
    built_is_read(&priv, "--privileged --network host");
}

int main(void)
{
    test_built_is_read();
    TAP_CHECK(memory_is("256m", 256LL << 20), "256m");
    TAP_CHECK(memory_is("1g", 1LL << 30), "1g");
    TAP_CHECK(memory_is("1.5G", 3LL << 29), "1.5G");
    TAP_CHECK(memory_is("8192k", 8LL << 20), "8192k");
    TAP_CHECK(memory_is("64MiB", 64LL << 20), "64MiB");
    TAP_CHECK(memory_is("10485760", 10485760), "bytes without unit");
    TAP_CHECK(memory_fails("10x"), "unknown unit x");
    TAP_CHECK(memory_fails("m"), "no number");
    TAP_CHECK(memory_fails("-5m"), "negative");
    TAP_CHECK(memory_fails("1k"), "below 6m");
    TAP_CHECK(memory_fails("10mx"), "trailing junk");

    int64_t q = 0;
    uint64_t p = 0;
    cleanup_error struct hull_error *err = NULL;
    TAP_CHECK(engine_parse_cpus("0.5", &q, &p, &err) == 0 && q == 50000 && p == 100000, "--cpus 0.5");
    TAP_CHECK(engine_parse_cpus("2", &q, &p, &err) == 0 && q == 200000, "--cpus 2");
    TAP_CHECK(engine_parse_cpus("-1", &q, &p, &err) < 0, "--cpus -1 refused");
    hull_error_free(err);
    err = NULL;
    TAP_CHECK(engine_parse_cpus("0", &q, &p, &err) < 0, "--cpus 0 refused");
    hull_error_free(err);
    err = NULL;
    TAP_CHECK(engine_parse_cpus("1x", &q, &p, &err) < 0, "--cpus 1x refused");
    hull_error_free(err);
    err = NULL;

    /* -v and --mount: test_engine_mounts.c */

    /* The image alone. */
    struct engine_run_config rc = {0};
    struct json_object *j = NULL;
    struct hull_spec *s = build(&rc, &j);
    TAP_CHECK(s != NULL, "image config -> valid spec");
    if (s) {
        TAP_CHECK(strv_length(s->process->args) == 3 && !strcmp(s->process->args[0], "/bin/ep") &&
                      !strcmp(s->process->args[2], "c2"),
                  "args = Entrypoint + Cmd");
        TAP_CHECK(!strcmp(s->process->cwd, "/srv"), "cwd = WorkingDir");
        TAP_CHECK(s->process->user.uid == 7 && s->process->user.gid == 8, "user = image User 7:8");
        TAP_CHECK(!s->process->terminal, "no terminal without -t");
        TAP_CHECK(!strcmp(s->hostname, "shortid"), "hostname");
        TAP_CHECK(!s->root_readonly, "root writable by default");
        TAP_CHECK(s->linux_.namespaces[HULL_NS_NET].present, "own network namespace (none)");
        const char *env = json_object_to_json_string_ext(
            json_object_object_get(json_object_object_get(j, "process"), "env"), JSON_C_TO_STRING_NOSLASHESCAPE);
        TAP_CHECK(strstr(env, "PATH=/img/bin") && strstr(env, "A=img") && strstr(env, "HOSTNAME=shortid"),
                  "env from image + HOSTNAME");
        json_object_put(j);
        spec_free(s);
    }

    /* Flags override. */
    char *env[] = {"A=flag", "B=2", NULL};
    char *cmd[] = {"x", "y", NULL};
    struct engine_bind binds[] = {{.source = "/tmp", .destination = "/mnt", .read_only = true}};
    struct engine_run_config rc2 = {
        .env = env,
        .workdir = "/w",
        .user = "0:0",
        .entrypoint = "",
        .cmd = cmd,
        .binds = binds,
        .n_binds = 1,
        .memory = 64 << 20,
        .cpu_quota = 50000,
        .cpu_period = 100000,
        .pids_limit = 9,
        .read_only = true,
        .host_network = true,
        .tty = true,
    };
    s = build(&rc2, &j);
    TAP_CHECK(s != NULL, "flags -> valid spec");
    if (s) {
        TAP_CHECK(strv_length(s->process->args) == 2 && !strcmp(s->process->args[0], "x"),
                  "--entrypoint \"\" + CMD: args are the command alone");
        TAP_CHECK(!strcmp(s->process->cwd, "/w") && s->process->user.uid == 0, "-w and -u override");
        TAP_CHECK(s->process->terminal, "-t sets terminal");
        TAP_CHECK(s->root_readonly, "--read-only");
        TAP_CHECK(!s->linux_.namespaces[HULL_NS_NET].present, "--network host drops the network namespace");
        const char *env_s = json_object_to_json_string_ext(
            json_object_object_get(json_object_object_get(j, "process"), "env"), JSON_C_TO_STRING_NOSLASHESCAPE);
        TAP_CHECK(strstr(env_s, "A=flag") && !strstr(env_s, "A=img") && strstr(env_s, "B=2"), "-e overrides image env");
        struct json_object *res = json_object_object_get(json_object_object_get(j, "linux"), "resources");
        TAP_CHECK(json_object_get_int64(json_object_object_get(json_object_object_get(res, "memory"), "limit")) ==
                      64 << 20,
                  "memory.limit");
        TAP_CHECK(json_object_get_int64(json_object_object_get(json_object_object_get(res, "cpu"), "quota")) == 50000,
                  "cpu.quota");
        TAP_CHECK(json_object_get_int64(json_object_object_get(json_object_object_get(res, "pids"), "limit")) == 9,
                  "pids.limit");
        struct json_object *mounts = json_object_object_get(j, "mounts");
        struct json_object *last = json_object_array_get_idx(mounts, json_object_array_length(mounts) - 1);
        TAP_CHECK(!strcmp(jstr(last, "destination", NULL, NULL), "/mnt") &&
                      !strcmp(jstr(last, "type", NULL, NULL), "bind") &&
                      strstr(json_object_to_json_string(last), "\"ro\""),
                  "-v becomes a read-only rbind mount");
        TAP_CHECK(strstr(json_object_to_json_string(json_object_object_get(j, "process")), "CAP_NET_RAW") != NULL,
                  "docker's default capabilities");
        json_object_put(j);
        spec_free(s);
    }

    /* A user name needs the image's /etc/passwd. */
    struct engine_run_config rc3 = {.user = "nobody"};
    cleanup_free char *text = NULL;
    TAP_CHECK(engine_spec_build(IMAGE_CONFIG, &rc3, "h", "/nonexistent-rootfs", &text, &err) < 0 &&
                  strstr(err->msg, "nobody"),
              "unknown user name refused, named");
    hull_error_free(err);
    err = NULL;
    /* No Entrypoint and no Cmd anywhere: nothing to run. */
    struct engine_run_config rc4 = {0};
    TAP_CHECK(engine_spec_build("{\"config\":{}}", &rc4, "h", "/", &text, &err) < 0 && strstr(err->msg, "no command"),
              "no command refused");
    return TAP_DONE();
}
