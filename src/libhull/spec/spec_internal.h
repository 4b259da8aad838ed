/* hull: helpers shared by the config.json parser files (not part of the
 * library's interface).
 *
 * Every parse function receives the JSON object it reads and the dotted path
 * of that object inside config.json ("process", "linux.namespaces[2]"), so any
 * error can name the exact field: `process.cwd "tmp" must be an absolute path`.
 * The getters below return 1 when the member is present, 0 when it is absent
 * (a JSON null counts as absent, as Go's encoding/json treats it, which keeps
 * us compatible with what runc accepts) and a negative value with *err set
 * when it has the wrong type or range. */
#ifndef HULL_SPEC_INTERNAL_H
#define HULL_SPEC_INTERNAL_H

#include <json-c/json.h>

#include "spec.h"

/* Long enough for any real path; longer ones are truncated in messages only. */
#define SPEC_FIELD_MAX 256

struct spec_field {
    char s[SPEC_FIELD_MAX];
};

/* "parent.key" (or "key" when parent is empty). */
struct spec_field spec_field_key(const char *parent, const char *key);
/* "parent[index]". */
struct spec_field spec_field_index(const char *parent, size_t index);

/* A short rendering of a JSON value for error messages ("\"yes\"", "12", "{...}"). */
const char *spec_json_repr(struct json_object *value, char *buf, size_t len);

/* The member, or NULL when absent or null. */
struct json_object *spec_member(struct json_object *obj, const char *key);

int spec_error_missing(struct hull_error **err, const char *parent, const char *key);
/* An error "PARENT.KEY WHY" for the first of keys (NULL-terminated) present in obj: spec
 * fields hull knows and cannot apply, refused instead of ignored (issue 11). */
int spec_refuse_members(struct json_object *obj, const char *parent, const char *const *keys, const char *why,
                        struct hull_error **err);
int spec_error_type(struct hull_error **err, const char *field, struct json_object *value, const char *expected);

int spec_get_object(struct json_object *obj, const char *parent, const char *key, struct json_object **out,
                    struct hull_error **err);
int spec_get_array(struct json_object *obj, const char *parent, const char *key, struct json_object **out,
                   struct hull_error **err);
int spec_get_string(struct json_object *obj, const char *parent, const char *key, char **out, struct hull_error **err);
int spec_get_bool(struct json_object *obj, const char *parent, const char *key, bool *out, struct hull_error **err);
/* Integers: JSON numbers without a fraction, within [min, max]. */
int spec_get_int64(struct json_object *obj, const char *parent, const char *key, int64_t min, int64_t max, int64_t *out,
                   struct hull_error **err);
int spec_get_uint64(struct json_object *obj, const char *parent, const char *key, uint64_t max, uint64_t *out,
                    struct hull_error **err);
/* An array of strings as a NULL-terminated vector. */
int spec_get_strv(struct json_object *obj, const char *parent, const char *key, char ***out, struct hull_error **err);
/* An object whose values are all strings ("annotations", "sysctl", "unified"). */
int spec_get_string_map(struct json_object *obj, const char *parent, const char *key, struct hull_keyval **out,
                        size_t *n_out, struct hull_error **err);

/* Value-level conversions used for array items and the getters above. */
int spec_value_string(struct json_object *value, const char *field, char **out, struct hull_error **err);
int spec_value_int64(struct json_object *value, const char *field, int64_t min, int64_t max, int64_t *out,
                     struct hull_error **err);
int spec_value_uint64(struct json_object *value, const char *field, uint64_t max, uint64_t *out,
                      struct hull_error **err);

/* Parse whole JSON text; errors say "malformed JSON at line L, column C: reason". */
int spec_json_parse_text(const char *text, struct json_object **out, struct hull_error **err);

/* The per-section parsers (spec_parse_*.c). `field` is the section's path. */
int spec_parse_process_json(struct json_object *obj, const char *field, struct hull_process *out,
                            struct hull_error **err);
int spec_parse_mounts_json(struct json_object *array, const char *field, struct hull_mount **out, size_t *n_out,
                           struct hull_error **err);
int spec_parse_id_mappings(struct json_object *array, const char *field, struct hull_id_mapping **out, size_t *n_out,
                           struct hull_error **err);
int spec_parse_linux_json(struct json_object *obj, const char *field, struct hull_linux *out, struct hull_error **err);
int spec_parse_resources_at(struct json_object *obj, const char *field, struct hull_resources *out,
                            struct hull_error **err);
int spec_parse_seccomp_json(struct json_object *obj, const char *field, struct hull_seccomp *out,
                            struct hull_error **err);

/* Name <-> value tables shared by the parser and spec_to_json() (NULL-terminated). */
struct spec_flag_name {
    const char *name;
    uint64_t value;
};
extern const struct spec_flag_name spec_sched_flags[];     /* process.scheduler.flags */
extern const struct spec_flag_name spec_propagation_modes[]; /* linux.rootfsPropagation ("" = 0) */
extern const struct spec_flag_name spec_mempolicy_modes[];  /* linux.memoryPolicy.mode */
extern const struct spec_flag_name spec_mempolicy_flags[];  /* linux.memoryPolicy.flags */

/* Freeing helpers shared between spec_free.c and the parsers. */
void spec_process_clear(struct hull_process *p);
void spec_keyvals_free(struct hull_keyval *kv, size_t n);

#endif
