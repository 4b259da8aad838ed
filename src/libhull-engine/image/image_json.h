/* hull: the few JSON helpers the image code needs on top of json-c: bounded
 * parsing with messages that name the document, typed getters, RFC 3339 times. */
#ifndef HULL_IMAGE_JSON_H
#define HULL_IMAGE_JSON_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error_internal.h"
#include "util/json_get.h"
#include "hull/hull-engine.h"

/* The distribution spec lets registries refuse manifests above 4 MiB; configs
 * and indexes are smaller still.  A bigger "JSON" blob is an attack or garbage. */
#define IMAGE_JSON_MAX (4 * 1024 * 1024)

/* image_json_parse and cleanup_json: hull/hull-engine.h */
/* Reads and parses a file (relative to dirfd), refusing files above IMAGE_JSON_MAX. */
int image_json_read_at(int dirfd, const char *path, struct json_object **out, struct hull_error **err);

/* json_get_int64: util/json_get.h; json_get_string/object/array: hull/util.h */

/* Seconds since the epoch of an RFC 3339 time ("2024-01-02T03:04:05.123Z",
 * "...+02:00"); 0 when it cannot be parsed. */
int64_t rfc3339_to_unix(const char *s);

/* Parses text (len bytes) as JSON; what names the document in the error ("index.json"). */
int image_json_parse(const char *text, size_t len, const char *what, struct json_object **out, struct hull_error **err);

void json_object_putp(struct json_object **o);

#define cleanup_json __attribute__((cleanup(json_object_putp)))

#endif
