/* engine/health.h and util/duration.h: the --health-* flags (docker's
 * checks), their merge with the image's HEALTHCHECK, the settings with
 * docker's defaults, and how results move State.Health (moby's
 * handleProbeResult: retries, start period, the last 5 log entries). */
#include <json-c/json.h>
#include <string.h>

#include "../tap.h"
#include "engine/health.h"
#include "engine/record.h"
#include "util/duration.h"
#include "util/utils.h"

static bool dur(const char *text, int64_t want)
{
    int64_t ns = -12345;
    bool ok = parse_go_duration(text, &ns);
    if (!ok || ns != want)
        printf("# %s: ok=%d ns=%lld want %lld\n", text, ok, (long long)ns, (long long)want);
    return ok && ns == want;
}

static void test_duration(void)
{
    TAP_CHECK(dur("30s", 30000000000LL), "30s");
    TAP_CHECK(dur("1m30s", 90000000000LL), "1m30s");
    TAP_CHECK(dur("500ms", 500000000LL), "500ms");
    TAP_CHECK(dur("1.5h", 5400000000000LL), "1.5h");
    TAP_CHECK(dur("2h45m", 9900000000000LL), "2h45m");
    TAP_CHECK(dur("10us", 10000), "10us");
    TAP_CHECK(dur("10\xc2\xb5s", 10000), "10µs");
    TAP_CHECK(dur("7ns", 7), "7ns");
    TAP_CHECK(dur("0", 0), "0 needs no unit");
    TAP_CHECK(dur("-1s", -1000000000LL), "-1s parses (the caller refuses it)");
    int64_t ns;
    TAP_CHECK(!parse_go_duration("10", &ns), "a number without a unit is refused");
    TAP_CHECK(!parse_go_duration("", &ns), "empty is refused");
    TAP_CHECK(!parse_go_duration("1x", &ns), "an unknown unit is refused");
    TAP_CHECK(!parse_go_duration("s", &ns), "a unit without a number is refused");
    TAP_CHECK(!parse_go_duration("1s ", &ns), "trailing text is refused");
    TAP_CHECK(!parse_go_duration("9999999999h", &ns), "an overflow is refused");
}

static bool flag_error(struct engine_health_flags f, const char *want)
{
    struct record_healthcheck out;
    cleanup_error struct hull_error *err = NULL;
    if (engine_health_flags_parse(&f, &out, &err) == 0) {
        record_healthcheck_clear(&out);
        printf("# accepted, wanted \"%s\"\n", want);
        return false;
    }
    bool ok = strstr(err->msg, want) != NULL;
    if (!ok)
        printf("# %s (wanted \"%s\")\n", err->msg, want);
    return ok;
}

static char *flags_json(struct engine_health_flags f)
{
    struct record_healthcheck hc;
    cleanup_error struct hull_error *err = NULL;
    if (engine_health_flags_parse(&f, &hc, &err) < 0)
        return xasprintf("error: %s", err->msg);
    struct json_object *out = record_healthcheck_to_json(&hc);
    char *s = xstrdup(out ? json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN) : "null");
    json_object_put(out);
    record_healthcheck_clear(&hc);
    return s;
}

static void test_flags(void)
{
    cleanup_free char *none = flags_json((struct engine_health_flags){0});
    TAP_CHECK(!strcmp(none, "null"), "no flag: no HealthConfig");
    cleanup_free char *cmd = flags_json((struct engine_health_flags){.cmd = "test -e /ok", .interval = "2s", .retries = "4"});
    TAP_CHECK(!strcmp(cmd, "{\"Interval\":2000000000,\"Retries\":4,\"Test\":[\"CMD-SHELL\",\"test -e \\/ok\"]}"),
              "--health-cmd is CMD-SHELL, durations in ns: %s", cmd);
    cleanup_free char *off = flags_json((struct engine_health_flags){.none = true});
    TAP_CHECK(!strcmp(off, "{\"Test\":[\"NONE\"]}"), "--no-healthcheck is Test [NONE]");
    TAP_CHECK(flag_error((struct engine_health_flags){.none = true, .cmd = "true"}, "--no-healthcheck conflicts"),
              "--no-healthcheck with --health-cmd is refused");
    TAP_CHECK(flag_error((struct engine_health_flags){.interval = "-1s"}, "invalid --health-interval \"-1s\": cannot be negative"),
              "a negative interval is refused");
    TAP_CHECK(flag_error((struct engine_health_flags){.timeout = "10"}, "invalid --health-timeout \"10\""),
              "a duration without a unit is refused");
    TAP_CHECK(flag_error((struct engine_health_flags){.start_period = "10us"}, "less than 1ms"),
              "less than 1 ms is refused");
    TAP_CHECK(flag_error((struct engine_health_flags){.retries = "-2"}, "invalid --health-retries \"-2\""),
              "negative retries are refused");
    TAP_CHECK(flag_error((struct engine_health_flags){.cmd = ""}, "invalid --health-cmd \"\""),
              "an empty command is refused");
}

/* A HealthConfig as the image config or the flags give it. */
static struct record_healthcheck hc_of(const char *json)
{
    struct record_healthcheck hc = {0};
    struct json_object *j = json_tokener_parse(json);
    record_healthcheck_from_json(j, &hc);
    json_object_put(j);
    return hc;
}

/* The record's Config.Healthcheck: the merge of flags and image. */
static void set_healthcheck(struct engine_record *r, const struct record_healthcheck *flags,
                            const struct record_healthcheck *image)
{
    record_config_free(r);
    *r = (struct engine_record){0};
    engine_health_config_merge(flags, image, &r->config.healthcheck);
    if (r->config.healthcheck.keep.seen)
        record_set(&r->config, RC_HEALTHCHECK);
}

static void test_merge_and_settings(void)
{
    struct record_healthcheck image =
        hc_of("{\"Test\":[\"CMD\",\"/bin/check\",\"x\"],\"Interval\":5000000000,\"Timeout\":2000000000,\"Retries\":7}");
    struct record_healthcheck flags = hc_of("{\"Interval\":1000000000}"), unset = {0};
    struct engine_record r = {0};
    const struct engine_record *rec = &r;
    set_healthcheck(&r, &flags, &image);
    struct engine_health_settings s;
    TAP_CHECK(engine_health_settings_of(rec, &s), "merged: has a check");
    TAP_CHECK(s.interval_ms == 1000 && s.timeout_ms == 2000 && s.retries == 7 && s.start_period_ms == 0,
              "the flag's interval, the image's timeout and retries");
    TAP_CHECK(s.start_interval_ms == ENGINE_HEALTH_DEFAULT_START_INTERVAL_MS, "StartInterval defaults to 5 s");
    TAP_CHECK(s.test && !strcmp(s.test[0], "/bin/check") && !strcmp(s.test[1], "x") && !s.test[2],
              "CMD: the arguments as they are");
    engine_health_settings_clear(&s);
    struct record_healthcheck shell = hc_of("{\"Test\":[\"CMD-SHELL\",\"exit 1\"]}");
    set_healthcheck(&r, &unset, &shell);
    TAP_CHECK(engine_health_settings_of(rec, &s), "CMD-SHELL");
    TAP_CHECK(!strcmp(s.test[0], "/bin/sh") && !strcmp(s.test[1], "-c") && !strcmp(s.test[2], "exit 1"),
              "CMD-SHELL runs /bin/sh -c");
    TAP_CHECK(s.interval_ms == 30000 && s.timeout_ms == 30000 && s.retries == 3, "docker's defaults: 30s, 30s, 3");
    engine_health_settings_clear(&s);
    struct record_healthcheck off = hc_of("{\"Test\":[\"NONE\"]}");
    set_healthcheck(&r, &off, &unset);
    TAP_CHECK(!engine_health_settings_of(rec, &s), "NONE: no check");
    set_healthcheck(&r, &unset, &unset);
    TAP_CHECK(!engine_health_settings_of(rec, &s), "neither flags nor image: no check");
    set_healthcheck(&r, &off, &image);
    TAP_CHECK(!engine_health_settings_of(rec, &s), "--no-healthcheck wins over the image's");
    record_config_free(&r);
    record_healthcheck_clear(&off);
    record_healthcheck_clear(&shell);
    record_healthcheck_clear(&flags);
    record_healthcheck_clear(&image);
}

static const char *health_status(const struct engine_health_state *h)
{
    return h->status ? h->status : "";
}

static void test_apply(void)
{
    struct engine_record *rec = NULL;
    TAP_CHECK(engine_record_parse("{\"Config\":{\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"x\"]}},\"State\":{}}",
                                  &rec, NULL) == 0,
              "a record parses");
    struct engine_health_state *state = &rec->state.health;
    TAP_CHECK(state->status == NULL, "no Health before the first start");
    engine_health_reset(rec);
    TAP_CHECK(!strcmp(health_status(state), "starting") && state->failing_streak == 0, "a start: starting, streak 0");
    struct engine_health_settings s = {.retries = 2, .start_period_ms = 1000};
    int64_t started = 1000000;
    struct engine_health_result fail = {.start_ms = started + 10, .end_ms = started + 20, .exit_code = 1, .output = "no"};
    engine_health_apply(state, &fail, &s, started);
    TAP_CHECK(!strcmp(health_status(state), "starting") && state->failing_streak == 0,
              "a failure within the start period does not count while starting");
    fail.start_ms = started + 2000;
    engine_health_apply(state, &fail, &s, started);
    TAP_CHECK(!strcmp(health_status(state), "starting") && state->failing_streak == 1,
              "after it: streak 1, still starting");
    engine_health_apply(state, &fail, &s, started);
    TAP_CHECK(!strcmp(health_status(state), "unhealthy") && state->failing_streak == 2, "retries failures: unhealthy");
    struct engine_health_result ok = {.start_ms = started + 3000, .end_ms = started + 3001, .exit_code = 0, .output = "fine\n"};
    engine_health_apply(state, &ok, &s, started);
    TAP_CHECK(!strcmp(health_status(state), "healthy") && state->failing_streak == 0, "one success: healthy, streak 0");
    fail.start_ms = started + 500; /* in the start period, but no longer starting: counts */
    engine_health_apply(state, &fail, &s, started);
    TAP_CHECK(!strcmp(health_status(state), "healthy") && state->failing_streak == 1, "a failure after healthy counts");
    for (int i = 0; i < 4; i++)
        engine_health_apply(state, &ok, &s, started);
    TAP_CHECK(state->n_log == 5, "the log keeps the last 5 results");
    const struct engine_health_log_entry *last = &state->log[4];
    TAP_CHECK(last->exit_code == 0 && !strcmp(last->output, "fine\n") && strstr(last->start, "T") != NULL,
              "an entry: Start, End, ExitCode, Output");
    struct json_object *j = engine_record_to_json(rec, true);
    struct json_object *health = json_object_object_get(json_object_object_get(j, "State"), "Health");
    TAP_CHECK(json_object_array_length(json_object_object_get(health, "Log")) == 5 &&
                  !strcmp(json_object_get_string(json_object_object_get(health, "Status")), "healthy"),
              "State.Health in docker's shape");
    json_object_put(j);
    engine_health_reset(rec);
    TAP_CHECK(!strcmp(health_status(state), "starting") && state->failing_streak == 0 && state->n_log == 5,
              "a restart: starting again, the log kept");
    engine_record_free(rec);
}

int main(void)
{
    test_duration();
    test_flags();
    test_merge_and_settings();
    test_apply();
    return TAP_DONE();
}
