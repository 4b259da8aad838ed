/* hull: reading and writing members of json-c objects, for every
 * (de)serializer of the two libraries.
 *
 * Two kinds of reader, because there are two kinds of file:
 *   - json_read_*: a file a user or another program wrote (config.json pieces,
 *     registries.conf, state written by an older hull).  A member of the
 *     wrong type is an error naming it ("WHERE: \"KEY\" must be a string");
 *     an absent or null member is not an error and leaves the default.
 *   - json_member* and json_get_*: a file hull wrote itself and reads back
 *     (records, the image store), or a document whose checks come later.  A
 *     wrong type reads as absent; nothing fails.
 * Writers skip NULL strings, so an unset member stays out of the file. */
#ifndef HULL_UTIL_JSON_GET_H
#define HULL_UTIL_JSON_GET_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "error_internal.h"
#include "hull/util.h"

/* ---------- lenient: hull's own files ---------- */

/* o's member key, borrowed; NULL when o is NULL, the member is absent or null. */
struct json_object *json_member(struct json_object *o, const char *key);
/* The member when it has type want, else NULL. */
struct json_object *json_member_of_type(struct json_object *o, const char *key, enum json_type want);
/* json_get_string, json_get_object, json_get_array: hull/util.h (front ends read JSON to print it). */
/* An integer member; -1 when absent or not an integer. */
int64_t json_get_int64(struct json_object *o, const char *key);
/* A boolean member; false when absent or not a boolean. */
bool json_get_bool(struct json_object *o, const char *key);
/* A new reference to a member kept as a tree; NULL when absent or null. */
struct json_object *json_member_ref(struct json_object *o, const char *key);

/* ---------- strict: input from outside ---------- */

/* *out = the member of type want (borrowed), or NULL when absent or null;
 * another type is an error: "WHERE: \"KEY\" must be a string" (WHERE NULL:
 * the message starts at the key).  Returns 0 or -1. */
int json_read_typed(struct json_object *o, const char *key, enum json_type want, const char *where,
                   struct json_object **out, struct hull_error **err);
/* A string member, borrowed (*out NULL when absent). */
int json_read_str(struct json_object *o, const char *key, const char *where, const char **out,
                 struct hull_error **err);
/* A string member copied into *dst (freeing what was there); absent leaves *dst. */
int json_read_strdup(struct json_object *o, const char *key, const char *where, char **dst, struct hull_error **err);
/* A boolean / an integer that fits int64 / one that fits int; absent leaves *out. */
int json_read_bool(struct json_object *o, const char *key, const char *where, bool *out, struct hull_error **err);
int json_read_int64(struct json_object *o, const char *key, const char *where, int64_t *out, struct hull_error **err);
int json_read_int(struct json_object *o, const char *key, const char *where, int *out, struct hull_error **err);
/* An array of strings, appended to the NULL-terminated *list (made when NULL). */
int json_read_strv(struct json_object *o, const char *key, const char *where, char ***list, struct hull_error **err);

/* ---------- writing ---------- */

/* o[key] = v; nothing when v is NULL. */
void json_add_str(struct json_object *o, const char *key, const char *v);
void json_add_int(struct json_object *o, const char *key, int64_t v);
void json_add_bool(struct json_object *o, const char *key, bool v);
/* o[key] = v (takes the reference); nothing when v is NULL. */
void json_add_tree(struct json_object *o, const char *key, struct json_object *v);
/* o[key] = [v...]; nothing when v is NULL. */
void json_add_strv(struct json_object *o, const char *key, char *const *v);

#endif
