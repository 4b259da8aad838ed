/* hull: sha256 content digests, the keys of the image store.
 *
 * Every blob an image is made of (manifest, config, layer) is named by the
 * sha256 of its bytes (OCI image-spec, descriptor.md "Digests").  Digests are
 * computed while the bytes stream past, so a blob is verified in the same read
 * that stores or unpacks it -- never trusted first and checked later.
 * Only sha256 is accepted: it is the one algorithm the spec requires, and
 * sha512 images do not exist in practice. */
#ifndef HULL_IMAGE_DIGEST_H
#define HULL_IMAGE_DIGEST_H

#include <nettle/sha2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

struct digester {
    struct sha256_ctx ctx;
    uint64_t bytes; /* how many bytes went through */
};

void digester_init(struct digester *d);
void digester_update(struct digester *d, const void *data, size_t len);
/* The same as digester_update(a, ...) then digester_update(b, ...), in about
 * the time of the longer one alone on CPUs with the SHA extensions
 * (sha256_x2.h): the common length of the two is hashed interleaved. */
void digester_update2(struct digester *a, const void *data_a, size_t len_a, struct digester *b, const void *data_b,
                      size_t len_b);
/* For tests: false makes digester_update2 hash one input after the other,
 * as on a CPU without the SHA extensions, so that path is tested on every
 * machine (true: back to what the CPU allows). */
void digester_allow_x2(bool allow);
/* Writes "sha256:<hex>" into out. The digester must be re-initialised to be reused. */
void digester_final(struct digester *d, char out[static DIGEST_STR_SIZE]);

/* The digest of a buffer, as "sha256:<hex>". */
void digest_of(const void *data, size_t len, char out[static DIGEST_STR_SIZE]);

/* True when s is exactly "sha256:" followed by 64 lowercase hex digits.
 * (The spec's grammar allows other algorithms; hull refuses them with a clear error.) */
bool digest_is_valid(const char *s);

/* Validates a digest taken from a manifest/index/config; the error names where it came from. */
int digest_check_syntax(const char *s, const char *where, struct hull_error **err);

#endif
