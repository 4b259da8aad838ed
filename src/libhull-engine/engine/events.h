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
#include "hull/hull-engine.h"

struct json_object;

#define ENGINE_EVENTS_DEFAULT_MAX_SIZE (1024 * 1024)

/* A container event with docker's attributes from its record (image, name,
 * and the Config.Labels), plus one more (extra_key NULL: none): "exitCode"
 * for die, "signal" for kill. */
struct engine_record;

/* ---- reading ---- */

bool engine_events_filter_match(const struct engine_events_filter *f, const struct engine_event *event);

/* A line of the journal (its one parser; engine_event_to_json is its
 * writer): -1 when it is not a JSON object (a damaged line).  Type, Action
 * and Actor.ID are "" when missing, status/id/from/scope NULL.  Free with
 * engine_event_clear. */
int engine_event_parse(const char *line, struct engine_event *out);
void engine_event_clear(struct engine_event *ev);

/* An event about the container of rec, with its record's attributes
 * (engine_event_container_id, hull-engine.h: known by id only). */
void engine_event_container(const char *root, const struct engine_record *rec, const char *action, const char *extra_key,
                            const char *extra_value);

/* Appends an event (type: container, image, network, volume) about id. */
void engine_event_emit(const char *root, const char *type, const char *action, const char *id,
                       const struct engine_event_attr *attrs);

/* An event about a container known by id only: its record is read for the attributes. */
void engine_event_container_id(const char *root, const char *id, const char *action, const char *extra_key,
                               const char *extra_value);

#endif
