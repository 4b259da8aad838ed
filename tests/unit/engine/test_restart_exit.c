/* engine/restart.h: one "die" event per exit.  A --rm container's exit
 * sends it before the removal (engine_restart_exit_event); when the removal
 * fails, the "exited" record written then must not send a second one
 * (engine_restart_record_exit with die_sent).  Without it, every exit
 * recorded sends exactly one. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tap.h"
#include "record_fixture.h"
#include "engine/events.h"
#include "engine/record.h"
#include "engine/restart.h"
#include "util/utils.h"

#define ID_A "aa11111111111111111111111111111111111111111111111111111111111111"
#define ID_B "bb22222222222222222222222222222222222222222222222222222222222222"

struct dies {
    const char *id;
    int n;
    char code[16];
};

static int count_die(const struct engine_event *ev, void *data)
{
    struct dies *d = data;
    if (ev->action && !strcmp(ev->action, "die") && ev->id && !strcmp(ev->id, d->id)) {
        d->n++;
        const char *code = engine_event_attr_value(ev, "exitCode");
        snprintf(d->code, sizeof d->code, "%s", code ? code : "");
    }
    return 0;
}

static struct dies dies_of(const char *root, const char *id)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct engine_events_query q = {
        .since = 0, .since_given = true, .until = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec + 1};
    struct dies d = {.id = id};
    cleanup_error struct hull_error *err = NULL;
    if (engine_events_read(root, &q, count_die, &d, &err) < 0)
        printf("# read: %s\n", err->msg);
    return d;
}

int main(void)
{
    char root[] = "/tmp/hull-test-restart-exit.XXXXXX";
    if (!mkdtemp(root))
        return 1;
    cleanup_error struct hull_error *err = NULL;

    make_record(root, ID_A);
    engine_restart_exit_event(root, ID_A, 3);
    /* the removal failed: the record says how it ended, no second event */
    TAP_CHECK(engine_restart_record_exit(root, ID_A, 3, false, 0, true, &err) == -1, "no restart policy: exited");
    struct dies d = dies_of(root, ID_A);
    TAP_CHECK(d.n == 1 && !strcmp(d.code, "3"), "a --rm exit whose removal failed: one die event (%d, code %s)", d.n,
              d.code);
    struct engine_record *rec = NULL;
    TAP_CHECK(engine_record_read(root, ID_A, &rec, &err) == 0 && !strcmp(rec->state.status, "exited") &&
                  rec->state.exit_code == 3,
              "its record says exited, code 3");
    engine_record_free(rec);

    make_record(root, ID_B);
    TAP_CHECK(engine_restart_record_exit(root, ID_B, 7, false, 0, false, &err) == -1, "an exit recorded");
    d = dies_of(root, ID_B);
    TAP_CHECK(d.n == 1 && !strcmp(d.code, "7"), "sends its die event once (%d, code %s)", d.n, d.code);

    rm_rf(root, &err);
    return TAP_DONE();
}
