/* hull: the event journal (`hull events`).
 *
 * There is no daemon to broadcast events, so every command that changes
 * something appends one line to ROOT/events/events.log (podman's "file"
 * events backend is the model): a JSON object in the shape of docker's
 * events API message,
 *   {"status":"start","id":ID,"from":IMAGE,"Type":"container","Action":"start",
 *    "Actor":{"ID":ID,"Attributes":{"image":..,"name":..}},"scope":"local",
 *    "time":SECONDS,"timeNano":NANOSECONDS}
 * Appends are one write(2) of a whole line under ROOT/events/.lock (flock),
 * and the file is bounded: once a line would take it past the limit
 * ($HULL_EVENTS_MAX_SIZE bytes, default 1 MiB) it is renamed to
 * events.log.1 (replacing the previous one) and a new file is begun, so the
 * journal never holds more than twice the limit.  Readers read events.log.1
 * then events.log, and a follower that sees the file replaced finishes the
 * old one first: no event is lost to a rotation.
 *
 * Recording an event never fails the command that does it: the journal is a
 * record of what happened, not a condition for it. */
#ifndef HULL_ENGINE_EVENTS_H
#define HULL_ENGINE_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error_internal.h"

struct json_object;

#define ENGINE_EVENTS_DEFAULT_MAX_SIZE (1024 * 1024)

/* Attributes of an event: key/value pairs, a NULL key ends them. */
struct engine_event_attr {
    const char *key, *value;
};

/* Appends an event (type: container, image, network, volume) about id. */
void engine_event_emit(const char *root, const char *type, const char *action, const char *id,
                       const struct engine_event_attr *attrs);

/* A container event with docker's attributes from its record (image, name,
 * and the Config.Labels), plus one more (extra_key NULL: none): "exitCode"
 * for die, "signal" for kill. */
struct engine_record;
void engine_event_container(const char *root, const struct engine_record *rec, const char *action, const char *extra_key,
                            const char *extra_value);
/* The same for a container known by id only: its record is read. */
void engine_event_container_id(const char *root, const char *id, const char *action, const char *extra_key,
                               const char *extra_value);

/* ---- reading ---- */

/* docker's --filter for events: KEY=VALUE with KEY one of container, event,
 * image, label, network, type, volume.  Values of one key are alternatives,
 * different keys must all match. */
struct engine_events_filter {
    char **keys, **values; /* parallel, NULL-terminated */
};
int engine_events_filter_add(struct engine_events_filter *f, const char *text, struct hull_error **err);
bool engine_events_filter_match(const struct engine_events_filter *f, struct json_object *event);
void engine_events_filter_clear(struct engine_events_filter *f);

/* docker's --since/--until: a Unix time (seconds, fractions allowed), an
 * RFC 3339 date-time (2006-01-02T15:04:05[.999][Z|+07:00], local time
 * without a zone; 2006-01-02 alone), or a Go duration before now ("10m",
 * "1h30m", "1.5s").  *nanos: nanoseconds since the epoch. */
int engine_events_parse_time(const char *flag, const char *text, int64_t now_nanos, int64_t *nanos,
                             struct hull_error **err);

/* Calls fn on each event in the journal with since <= timeNano (since 0: none
 * of the past ones; docker shows only new events unless --since is given)
 * that the filter matches, oldest first; then, when follow, waits for new
 * ones until until (0: forever; also the end of the past ones), or until fn
 * returns non-zero.  Returns 0, or -1 with *err. */
struct engine_events_query {
    int64_t since, until; /* nanoseconds since the epoch; 0: not given */
    bool since_given;
    const struct engine_events_filter *filter;
};
int engine_events_read(const char *root, const struct engine_events_query *q,
                       int (*fn)(struct json_object *event, void *data), void *data, struct hull_error **err);

#endif
