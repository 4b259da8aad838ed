/* hull fuzz harnesses: what every LLVMFuzzerTestOneInput shares.
 *
 * The parsers under test take C strings; the input is copied and NUL
 * terminated (an embedded NUL simply ends the text, as it would for a file
 * read by spec_load, which refuses it before parsing). */
#ifndef HULL_FUZZ_H
#define HULL_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/error_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* A failure must come with its one-line message (the CLIs print err->msg):
 * r < 0 without an error is a bug the harness reports by aborting. */
static inline void fuzz_result(int r, struct hull_error **err)
{
    if (r < 0 && (!*err || !(*err)->msg))
        abort();
    hull_error_free(*err);
    *err = NULL;
}

#endif
