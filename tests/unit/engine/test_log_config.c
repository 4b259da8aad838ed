/* engine/log_config.h: --log-opt max-size / max-file, docker's values and
 * refusals, and the record's HostConfig.LogConfig read back. */
#include <json-c/json.h>
#include <string.h>

#include "../tap.h"
#include "engine/log_config.h"
#include "engine/record.h"
#include "util/utils.h"

static bool refused(const char *text, const char *why)
{
    struct engine_log_config c = {0};
    cleanup_error struct hull_error *err = NULL;
    if (engine_log_opt_parse(text, &c, &err) == 0)
        return false;
    cleanup_free char *quoted = xasprintf("invalid --log-opt \"%s\"", text);
    bool ok = strstr(err->msg, quoted) && strstr(err->msg, why);
    if (!ok)
        printf("# %s: %s\n", text, err->msg);
    return ok;
}

int main(void)
{
    struct engine_log_config c = {0};
    cleanup_error struct hull_error *err = NULL;
    TAP_CHECK(engine_log_opt_parse("max-size=10m", &c, &err) == 0 && c.max_size == 10000000,
              "max-size=10m is 10,000,000 bytes (go-units' decimal FromHumanSize)");
    TAP_CHECK(engine_log_opt_parse("max-size=500k", &c, &err) == 0 && c.max_size == 500000, "500k");
    TAP_CHECK(engine_log_opt_parse("max-size=2KB", &c, &err) == 0 && c.max_size == 2000, "2KB, any case");
    TAP_CHECK(engine_log_opt_parse("max-size=123", &c, &err) == 0 && c.max_size == 123, "bytes");
    TAP_CHECK(engine_log_opt_parse("max-file=3", &c, &err) == 0 && c.max_files == 3, "max-file=3");
    TAP_CHECK(engine_log_config_check(&c, &err) == 0, "max-file with max-size");
    TAP_CHECK(refused("max-size=10x", "want a size"), "a bad size is refused");
    TAP_CHECK(refused("max-size=0", "want a size"), "max-size=0 is refused");
    TAP_CHECK(refused("max-size=-1m", "want a size"), "a negative size is refused");
    TAP_CHECK(refused("max-file=0", "from 1 to 1000"), "max-file=0 is refused");
    TAP_CHECK(refused("max-file=x", "from 1 to 1000"), "max-file=x is refused");
    TAP_CHECK(refused("compress=true", "unknown option \"compress\""), "an option hull lacks is refused");
    TAP_CHECK(refused("max-size", "want KEY=VALUE"), "no value is refused");
    struct engine_log_config only_files = {0};
    TAP_CHECK(engine_log_opt_parse("max-file=2", &only_files, &err) == 0, "max-file alone parses");
    TAP_CHECK(engine_log_config_check(&only_files, &err) < 0 && strstr(err->msg, "max-file needs max-size"),
              "but is refused without max-size, as docker does");
    hull_error_free(err);
    err = NULL;
    struct engine_record rec = {0};
    record_set(&rec.host_config, RH_LOG_CONFIG);
    engine_log_config_record(&c, &rec.host_config.log_config);
    struct json_object *shown = engine_record_to_json(&rec, true);
    struct json_object *host = json_object_object_get(shown, "HostConfig");
    struct engine_log_config back;
    engine_log_config_of(&rec, &back);
    TAP_CHECK(back.max_size == 123, "max-size read back from the record (the last one given)");
    TAP_CHECK(back.max_files == 3, "max-file read back");
    TAP_CHECK(!strcmp(json_object_get_string(json_object_object_get(json_object_object_get(host, "LogConfig"), "Type")),
                      "k8s-file"),
              "LogConfig.Type is k8s-file (the CRI format podman calls so)");
    json_object_put(shown);
    record_config_free(&rec);
    struct engine_record old = {0};
    engine_log_config_of(&old, &back);
    TAP_CHECK(back.max_size == 0 && back.max_files == 1, "a record without LogConfig: no rotation");
    return TAP_DONE();
}
