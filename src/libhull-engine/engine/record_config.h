/* hull: the (de)serializer and the builders' helpers of the typed Config,
 * HostConfig, Mounts and GraphDriver of a container record (the types:
 * hull/record-config.h).
 *
 * engine_record_build (record_build.c) fills them from the flags, the image
 * config and the generated OCI config; record_config_json.c is their one
 * deserializer and serializer (record.json, and `hull inspect` through
 * engine_record_to_json). */
#ifndef HULL_ENGINE_RECORD_CONFIG_H
#define HULL_ENGINE_RECORD_CONFIG_H

#include "hull/record-config.h"

/* Marks members as there (builders). */
#define record_set(obj, ...) record_mark(&(obj)->keep, __VA_ARGS__, -1)
void record_mark(struct record_keep *keep, ...);

/* Sets key (a later one replaces an earlier one, keeping its place). */
void record_map_set(record_map *map, const char *key, const char *value);

/* docker's HealthConfig (the image's HEALTHCHECK) and a map of strings
 * (the image's Labels) from JSON; false when not of that shape. */
bool record_healthcheck_from_json(struct json_object *hc, struct record_healthcheck *out);
bool record_map_from_json(struct json_object *map, record_map *out);
/* A HealthConfig alone (NULL when unset), a deep copy; its memory:
 * record_healthcheck_clear, hull/record-config.h. */
struct json_object *record_healthcheck_to_json(const struct record_healthcheck *hc);
void record_healthcheck_copy(const struct record_healthcheck *from, struct record_healthcheck *to);

struct engine_record;
/* record_config_json.c, called by engine_record_from_json/to_json only:
 * reads the four members of record.json j into rec; adds rec's to o. */
void record_config_from_json(struct json_object *j, struct engine_record *rec);
void record_config_to_json(const struct engine_record *rec, struct json_object *o);
void record_config_free(struct engine_record *rec);

#endif
