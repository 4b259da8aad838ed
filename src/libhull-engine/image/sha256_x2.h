/* hull: two sha256 computations at once, for the two digests of a layer.
 *
 * A layer is hashed twice as it streams (stream.h): its bytes as shipped and
 * its uncompressed tar.  The x86 SHA extensions (SHA-NI) run one sha256 at
 * the speed the latency of the round instruction allows, and the CPU has room
 * for a second, independent one beside it: interleaving the rounds of two
 * messages hashes both in about the time of one (measured on this session's
 * AMD EPYC: 1.4 GB/s for nettle's SHA-NI code, 2.8 GB/s for the two streams
 * interleaved; the same interleaving Linux uses for dm-verity,
 * sha256_ni_finup2x).  Only the compression function is here; padding,
 * partial blocks and the final digest stay nettle's (digest.c). */
#ifndef HULL_IMAGE_SHA256_X2_H
#define HULL_IMAGE_SHA256_X2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when this CPU has the SHA extensions (and the SSE4.1/SSSE3 they come with). */
bool sha256_x2_available(void);
/* Runs the compression function over n 64-byte blocks of a into state_a and
 * of b into state_b (the 8 words of nettle's sha256_ctx.state).  Only when
 * sha256_x2_available(). */
void sha256_x2_blocks(uint32_t state_a[8], const uint8_t *a, uint32_t state_b[8], const uint8_t *b, size_t n);

#endif
