/* engine/events: docker's event filters and the
 * journal: appends, rotation at the size limit, reading across the rotated
 * file, since/until bounds. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../tap.h"
#include "engine/events.h"
#include "engine/gotemplate.h"
#include "util/utils.h"

static struct json_object *event(const char *json)
{
    return json_tokener_parse(json);
}

static bool matches(const char *const *filters, const char *json)
{
    struct engine_events_filter f = {0};
    for (const char *const *p = filters; *p; p++) {
        cleanup_error struct hull_error *err = NULL;
        if (engine_events_filter_add(&f, *p, &err) < 0) {
            printf("# filter %s: %s\n", *p, err->msg);
            return false;
        }
    }
    struct engine_event ev = {0};
    bool m = engine_event_parse(json, &ev) == 0 && engine_events_filter_match(&f, &ev);
    engine_event_clear(&ev);
    engine_events_filter_clear(&f);
    return m;
}

static bool bad_filter(const char *text, const char *want)
{
    struct engine_events_filter f = {0};
    cleanup_error struct hull_error *err = NULL;
    bool failed = engine_events_filter_add(&f, text, &err) < 0 && strstr(err->msg, want);
    if (!failed)
        printf("# %s: %s\n", text, err ? err->msg : "accepted");
    engine_events_filter_clear(&f);
    return failed;
}

static int collected;
static char collected_actions[4096];

static int collect(const struct engine_event *ev, void *data)
{
    (void)data;
    collected++;
    strcat(collected_actions, ev->action);
    strcat(collected_actions, " ");
    return 0;
}

/* until 0: up to now (a query without --until would follow forever) */
static void read_journal(const char *root, int64_t since, int64_t until)
{
    if (!until) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        until = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
    }
    collected = 0;
    collected_actions[0] = '\0';
    struct engine_events_query q = {.since = since, .since_given = true, .until = until};
    cleanup_error struct hull_error *err = NULL;
    if (engine_events_read(root, &q, collect, NULL, &err) < 0)
        printf("# read: %s\n", err->msg);
}

int main(void)
{
    const char *start = "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"abcdef0123\","
                        "\"Attributes\":{\"name\":\"web\",\"image\":\"busybox:latest\",\"tier\":\"front\"}}}";
    const char *exec = "{\"Type\":\"container\",\"Action\":\"exec_start: sh -c x\",\"Actor\":{\"ID\":\"abcdef0123\","
                       "\"Attributes\":{\"name\":\"web\"}}}";
    const char *vol = "{\"Type\":\"volume\",\"Action\":\"create\",\"Actor\":{\"ID\":\"data\",\"Attributes\":{}}}";
    const char *img = "{\"Type\":\"image\",\"Action\":\"tag\",\"Actor\":{\"ID\":\"sha256:1234\","
                      "\"Attributes\":{\"name\":\"busybox:1.36\"}}}";
    TAP_CHECK(matches((const char *[]){NULL}, start), "no filter: everything");
    TAP_CHECK(matches((const char *[]){"type=container", NULL}, start), "type=container");
    TAP_CHECK(!matches((const char *[]){"type=volume", NULL}, start), "type=volume does not match a container event");
    TAP_CHECK(matches((const char *[]){"type=volume", "type=container", NULL}, start), "values of one key: any");
    TAP_CHECK(!matches((const char *[]){"type=container", "event=stop", NULL}, start), "different keys: all");
    TAP_CHECK(matches((const char *[]){"container=web", NULL}, start), "container=NAME");
    TAP_CHECK(matches((const char *[]){"container=abcd", NULL}, start), "container=ID prefix");
    TAP_CHECK(!matches((const char *[]){"container=db", NULL}, start), "container=other");
    TAP_CHECK(matches((const char *[]){"event=exec_start", NULL}, exec), "event=ACTION before the colon");
    TAP_CHECK(!matches((const char *[]){"event=exec", NULL}, exec), "event= is not a prefix match");
    TAP_CHECK(matches((const char *[]){"image=busybox", NULL}, start), "image= without the tag");
    TAP_CHECK(matches((const char *[]){"image=busybox:latest", NULL}, start), "image= with the tag");
    TAP_CHECK(matches((const char *[]){"image=busybox:1.36", NULL}, img), "image= on an image event: its name");
    TAP_CHECK(matches((const char *[]){"label=tier", NULL}, start), "label=KEY");
    TAP_CHECK(matches((const char *[]){"label=tier=front", NULL}, start), "label=KEY=VALUE");
    TAP_CHECK(!matches((const char *[]){"label=tier=front", "label=other", NULL}, start), "labels: all must match");
    TAP_CHECK(matches((const char *[]){"volume=data", NULL}, vol), "volume=NAME");
    TAP_CHECK(bad_filter("nokey", "want KEY=VALUE"), "a filter without =");
    TAP_CHECK(bad_filter("colour=red", "unknown key \"colour\""), "an unknown key");
    TAP_CHECK(bad_filter("type=plugin", "container, image, network or volume"), "an unknown type");
    TAP_CHECK(bad_filter("type=", "want KEY=VALUE"), "an empty value");

    /* an event's Attributes is a Go map: a missing key is "", a missing struct field an error */
    {
        struct json_object *ev = event(start);
        struct json_object *attrs = json_object_object_get(json_object_object_get(ev, "Actor"), "Attributes");
        gotemplate_mark_map(attrs);
        struct gotemplate *tp = NULL;
        cleanup_free char *out = NULL;
        cleanup_error struct hull_error *terr = NULL;
        bool ok = gotemplate_parse("[{{.Actor.Attributes.exitCode}}] {{.Actor.Attributes.name}}", &tp, &terr) == 0 &&
                  gotemplate_execute(tp, ev, &out, &terr) == 0 && !strcmp(out, "[] web");
        TAP_CHECK(ok, "a map's missing key is empty (%s)", out ? out : terr ? terr->msg : "");
        gotemplate_free(tp);
        tp = NULL;
        cleanup_free char *out2 = NULL;
        cleanup_error struct hull_error *terr2 = NULL;
        TAP_CHECK(gotemplate_parse("{{.Actor.Nope}}", &tp, &terr2) == 0 &&
                      gotemplate_execute(tp, ev, &out2, &terr2) < 0 && strstr(terr2->msg, "no field"),
                  "a missing field of an unmarked object is still an error");
        gotemplate_free(tp);
        json_object_put(ev);
    }

    /* the journal: 40 events with a limit that rotates it several times */
    char root[] = "/tmp/hull-events-XXXXXX";
    if (!mkdtemp(root))
        return 1;
    setenv("HULL_EVENTS_MAX_SIZE", "2000", 1);
    for (int i = 0; i < 40; i++) {
        char action[16];
        snprintf(action, sizeof action, "a%d", i);
        struct engine_event_attr attrs[] = {{"name", "n"}, {NULL, NULL}};
        engine_event_emit(root, "volume", action, "vol", attrs);
    }
    cleanup_free char *log = xasprintf("%s/events/events.log", root), *old = xasprintf("%s/events/events.log.1", root);
    cleanup_free char *text = NULL, *old_text = NULL;
    size_t len = 0, old_len = 0;
    read_file(log, &text, &len, NULL);
    read_file(old, &old_text, &old_len, NULL);
    TAP_CHECK(text && old_text && len <= 2000 && old_len <= 2000, "rotated: both files within the limit (%zu, %zu)",
              len, old_len);
    {
        /* the line's one parser and one serializer give back the line the writer wrote */
        char *nl = text ? strchr(text, '\n') : NULL;
        cleanup_free char *line = nl ? xstrndup(text, (size_t)(nl - text)) : NULL;
        struct engine_event ev = {0};
        bool parsed = line && engine_event_parse(line, &ev) == 0;
        struct json_object *o = parsed ? engine_event_to_json(&ev, false) : NULL;
        int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
        const char *again = o ? json_object_to_json_string_ext(o, flags) : "";
        TAP_CHECK(parsed && !strcmp(again, line), "a journal line round-trips (%s)", again);
        json_object_put(o);
        o = parsed ? engine_event_to_json(&ev, true) : NULL;
        again = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : "";
        TAP_CHECK(parsed && strstr(again, "{\"Status\":\"\",\"ID\":\"\",\"From\":\"\",\"Type\":\"volume\"") &&
                      strstr(again, "\"Actor\":{\"ID\":\"vol\",\"Attributes\":{\"name\":\"n\"}},\"Scope\":\"local\""),
                  "a template's data: Go's field names, \"\" for the absent ones (%s)", again);
        json_object_put(o);
        engine_event_clear(&ev);
        TAP_CHECK(engine_event_parse("{\"Type\":", &ev) < 0, "a damaged line does not parse");
        engine_event_clear(&ev);
    }
    read_journal(root, 1, 0);
    TAP_CHECK(collected > 0 && strstr(collected_actions, "a39 ") &&
                  strstr(collected_actions, "a39 ") == collected_actions + strlen(collected_actions) - 4,
              "read: the rotated file, then the current one, oldest first (%d events)", collected);
    int all = collected;
    read_journal(root, INT64_MAX - 1, 0);
    TAP_CHECK(collected == 0, "since after the last event: none");
    read_journal(root, 1, 2);
    TAP_CHECK(collected == 0, "until before the first event: none");
    /* the rotated file was full: at least a limit's worth, less one line, is kept */
    TAP_CHECK(old_len + 300 >= 2000 && all >= 10, "at least the last limit's worth of events is kept (%d)", all);
    cleanup_error struct hull_error *ignored = NULL;
    rm_rf(root, &ignored);
    return TAP_DONE();
}
