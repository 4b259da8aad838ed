/* engine/restart.h: --restart parsing (docker's values and refusals) and the
 * decision of moby's restart manager (which exits restart, the backoff). */
#include <json-c/json.h>
#include <string.h>

#include "../tap.h"
#include "engine/record.h"
#include "engine/restart.h"
#include "util/utils.h"

static bool parses(const char *text, enum engine_restart_name name, int max)
{
    struct engine_restart_policy p = {.name = ENGINE_RESTART_ALWAYS, .max_retries = 99};
    cleanup_error struct hull_error *err = NULL;
    if (engine_restart_policy_parse(text, &p, &err) < 0) {
        printf("# %s: %s\n", text, err->msg);
        return false;
    }
    return p.name == name && p.max_retries == max;
}

/* Refused with one message that names the value as given. */
static bool refused(const char *text, const char *why)
{
    struct engine_restart_policy p = {0};
    cleanup_error struct hull_error *err = NULL;
    if (engine_restart_policy_parse(text, &p, &err) == 0)
        return false;
    cleanup_free char *quoted = xasprintf("invalid --restart \"%s\"", text);
    bool ok = strstr(err->msg, quoted) && strstr(err->msg, why) && !strchr(err->msg, '\n');
    if (!ok)
        printf("# %s: %s\n", text, err->msg);
    return ok;
}

static void test_parse(void)
{
    TAP_CHECK(parses("no", ENGINE_RESTART_NO, 0), "no");
    TAP_CHECK(parses("always", ENGINE_RESTART_ALWAYS, 0), "always");
    TAP_CHECK(parses("unless-stopped", ENGINE_RESTART_UNLESS_STOPPED, 0), "unless-stopped");
    TAP_CHECK(parses("on-failure", ENGINE_RESTART_ON_FAILURE, 0), "on-failure: no limit");
    TAP_CHECK(parses("on-failure:3", ENGINE_RESTART_ON_FAILURE, 3), "on-failure:3");
    TAP_CHECK(parses("on-failure:0", ENGINE_RESTART_ON_FAILURE, 0), "on-failure:0 is no limit, as in docker");
    TAP_CHECK(refused("sometimes", "unknown policy \"sometimes\""), "an unknown policy is refused");
    TAP_CHECK(refused("", "unknown policy"), "an empty policy is refused");
    TAP_CHECK(refused("Always", "unknown policy"), "names are case-sensitive, as in docker");
    TAP_CHECK(refused("on-fail", "unknown policy"), "no abbreviations");
    TAP_CHECK(refused("on-failure:-1", "cannot be negative"), "on-failure:-1 is refused");
    TAP_CHECK(refused("on-failure:x", "must be an integer"), "on-failure:x is refused");
    TAP_CHECK(refused("on-failure:", "must be an integer"), "on-failure: without a count is refused");
    TAP_CHECK(refused("always:3", "only with on-failure"), "a count with always is refused");
    TAP_CHECK(refused(":3", "unknown policy"), "a count without a policy is refused");
    TAP_CHECK(refused("on-failure:99999999999", "too large"), "a count beyond int is refused");
}

static void test_decide(void)
{
    struct engine_restart_policy no = {ENGINE_RESTART_NO, 0}, always = {ENGINE_RESTART_ALWAYS, 0},
                                 unless = {ENGINE_RESTART_UNLESS_STOPPED, 0}, onf = {ENGINE_RESTART_ON_FAILURE, 0},
                                 onf2 = {ENGINE_RESTART_ON_FAILURE, 2};
    int64_t d = 0;
    TAP_CHECK(!engine_restart_decide(&no, 1, false, 0, 0, &d), "no: never");
    d = 0;
    TAP_CHECK(engine_restart_decide(&always, 0, false, 0, 0, &d) && d == 100, "always: exit 0 too, after 100 ms");
    TAP_CHECK(engine_restart_decide(&always, 0, false, 1, 0, &d) && d == 200, "the delay doubles");
    TAP_CHECK(engine_restart_decide(&always, 0, false, 2, 0, &d) && d == 400, "and doubles again");
    d = 40000;
    TAP_CHECK(engine_restart_decide(&always, 0, false, 9, 0, &d) && d == 60000, "up to one minute");
    TAP_CHECK(engine_restart_decide(&always, 0, false, 10, 0, &d) && d == 60000, "and stays there");
    TAP_CHECK(engine_restart_decide(&always, 0, false, 11, 10000, &d) && d == 100,
              "a container that ran 10 s starts the backoff again");
    d = 0;
    TAP_CHECK(!engine_restart_decide(&always, 0, true, 0, 0, &d), "always: not after hull stop");
    TAP_CHECK(engine_restart_decide(&unless, 1, false, 0, 0, &d), "unless-stopped restarts");
    TAP_CHECK(!engine_restart_decide(&unless, 1, true, 0, 0, &d), "unless-stopped: not after hull stop");
    TAP_CHECK(!engine_restart_decide(&onf, 0, false, 0, 0, &d), "on-failure: not after exit 0");
    TAP_CHECK(engine_restart_decide(&onf, 3, false, 1000, 0, &d), "on-failure without a count: no limit");
    TAP_CHECK(engine_restart_decide(&onf2, 1, false, 0, 0, &d), "on-failure:2: first restart");
    TAP_CHECK(engine_restart_decide(&onf2, 1, false, 1, 0, &d), "on-failure:2: second restart");
    TAP_CHECK(!engine_restart_decide(&onf2, 1, false, 2, 0, &d), "on-failure:2: no third");
    TAP_CHECK(!engine_restart_decide(&onf2, 137, true, 0, 0, &d), "on-failure: not after hull stop");
}

static void test_record_json(void)
{
    struct engine_restart_policy p = {ENGINE_RESTART_ON_FAILURE, 5}, back;
    struct engine_record rec = {0};
    record_set(&rec.host_config, RH_RESTART_POLICY);
    engine_restart_policy_record(&p, &rec.host_config.restart_policy);
    engine_restart_policy_of(&rec, &back);
    TAP_CHECK(back.name == ENGINE_RESTART_ON_FAILURE && back.max_retries == 5, "HostConfig.RestartPolicy round-trips");
    struct json_object *shown = engine_record_to_json(&rec, true);
    struct json_object *shape = json_object_object_get(json_object_object_get(shown, "HostConfig"), "RestartPolicy");
    TAP_CHECK(!strcmp(json_object_to_json_string_ext(shape, JSON_C_TO_STRING_PLAIN),
                      "{\"Name\":\"on-failure\",\"MaximumRetryCount\":5}"),
              "docker's shape");
    json_object_put(shown);
    record_config_free(&rec);
    struct engine_record old = {0};
    engine_restart_policy_of(&old, &back);
    TAP_CHECK(back.name == ENGINE_RESTART_NO, "a record without RestartPolicy (made before --restart) means no");
}

int main(void)
{
    test_parse();
    test_decide();
    test_record_json();
    return TAP_DONE();
}
