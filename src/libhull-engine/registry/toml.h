/* hull: the subset of TOML (v1.0) that containers' config files use, parsed
 * into a json-c tree so the rest of the code reads it like any other document.
 *
 * Debian has no C TOML library (only C++, Go, Perl and Python ones), and the
 * files hull reads (registries.conf) use a small part of the language:
 * comments, bare/quoted/dotted keys, basic and literal strings, integers,
 * booleans, arrays (over several lines, trailing comma), inline tables,
 * [tables] and [[arrays of tables]], including [[registry.mirror]] which
 * appends to the last [[registry]].  Anything else (floats, dates, multi-line
 * strings) is refused with the line number: a config file is never half-read. */
#ifndef HULL_REGISTRY_TOML_H
#define HULL_REGISTRY_TOML_H

#include <json-c/json.h>
#include <stddef.h>

#include "util/error_internal.h"

/* what names the document in errors ("/etc/containers/registries.conf"). */
int toml_parse(const char *text, size_t len, const char *what, struct json_object **out, struct hull_error **err);

#endif
