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
#include "hull/hull-engine.h"

struct json_object;
struct gotemplate;

#endif
