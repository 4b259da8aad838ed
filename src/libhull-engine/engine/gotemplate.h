/* hull: the subset of Go's text/template that docker's --format uses, over
 * json-c values (a record is docker's JSON, so {{.State.Status}} reads it).
 *
 *   text and {{actions}}, {{- and -}} trim the spaces around them
 *   {{.Field.Sub}}  {{.}}  {{$}}  {{$.Field}}   fields of the data
 *   "string" `raw` 42 1.5 true false nil        constants
 *   {{f ARG...}}  {{ARG | f ARG...}}  (ARG...)   calls, pipelines, groups
 *   {{if P}}..{{else if P}}..{{else}}..{{end}}   truth as Go's: false, 0,
 *   {{range P}}..{{else}}..{{end}}                nil, "", empty list/map
 *   {{with P}}..{{else}}..{{end}}                 are false
 * functions: docker's json, join, split, upper, lower, title, truncate, pad,
 * println, and Go's index, len, print, printf (%s %v %d %q %f %%), not,
 * and, or, eq, ne, lt, le, gt, ge.  Values print as Go's %v does: maps as
 * map[k:v ...] with sorted keys, lists as [a b], null as <nil>.
 * A field the data does not have is an error (docker's data are structs),
 * as are unknown functions and bad syntax: one line naming the template. */
#ifndef HULL_ENGINE_GOTEMPLATE_H
#define HULL_ENGINE_GOTEMPLATE_H

#include <stdbool.h>

#include "util/error_internal.h"

struct json_object;
struct gotemplate;

int gotemplate_parse(const char *text, struct gotemplate **out, struct hull_error **err);
/* Runs t on data; *out (owned) gets the text. */
int gotemplate_execute(const struct gotemplate *t, struct json_object *data, char **out, struct hull_error **err);
void gotemplate_free(struct gotemplate *t);
/* Marks obj as a Go map[string]string (an event's Actor.Attributes): a key
 * it lacks reads as "", as in Go, where a missing struct field is an error. */
void gotemplate_mark_map(struct json_object *obj);
void gotemplate_freep(struct gotemplate **t);
#define cleanup_gotemplate __attribute__((cleanup(gotemplate_freep)))

/* docker's "table ..." formats: whether text starts with "table", and the
 * template after it ("table" alone: NULL). */
bool gotemplate_is_table(const char *text, const char **rest);

#endif
