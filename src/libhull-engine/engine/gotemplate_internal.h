/* hull: what gotemplate.c and gotemplate_funcs.c share (not an API). */
#ifndef HULL_ENGINE_GOTEMPLATE_INTERNAL_H
#define HULL_ENGINE_GOTEMPLATE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error_internal.h"

struct json_object;

struct gotmpl_buf {
    char *s;
    size_t len, cap;
};
void gotmpl_buf_add(struct gotmpl_buf *b, const char *s, size_t n);
void gotmpl_buf_str(struct gotmpl_buf *b, const char *s);

/* A running template: its text (for messages), the data, the error out. */
struct gotmpl_exec {
    const char *source;
    struct json_object *root;
    struct hull_error **err;
};
/* "template \"TEXT\": " + fmt with what in its one %s. Returns -1. */
int gotmpl_error(struct gotmpl_exec *x, const char *fmt, const char *what);

/* Go's %v of a value (NULL: nil); gotmpl_text returns it (owned). */
void gotmpl_print(struct gotmpl_buf *b, struct json_object *v);
char *gotmpl_text(struct json_object *v);
/* Go's gotmpl_truth: false, 0, nil, "", empty list or map are false. */
bool gotmpl_truth(struct json_object *v);
/* An object's keys sorted (borrowed), NULL-terminated; free the array. */
const char **gotmpl_sorted_keys(struct json_object *o);

/* Calls function name with n arguments (references borrowed); *out owned. */
int gotmpl_call(struct gotmpl_exec *x, const char *name, struct json_object **args, size_t n, struct json_object **out);

#endif
