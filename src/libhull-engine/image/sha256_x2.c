/* Two interleaved SHA-NI sha256 compressions: see sha256_x2.h.
 *
 * The round structure is the one of Intel's SHA extensions white paper
 * (Gulley et al., 2013): the state kept as ABEF/CDGH, four rounds per group
 * (two sha256rnds2), the message schedule with sha256msg1/sha256msg2.  Every
 * step is done for message a then for message b, so the two dependency chains
 * overlap.  Checked against nettle in tests/unit/image/test_image_digest.c. */
#include "sha256_x2.h"

#if defined(__x86_64__) || defined(__i386__)

#include <cpuid.h>
#include <immintrin.h>

static const uint32_t round_constants[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

bool sha256_x2_available(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3))
        return false;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}

/* A..H (nettle's order) to the ABEF/CDGH pair the instructions work on, and back. */
SHA_TARGET static inline void state_load(const uint32_t s[8], __m128i *abef, __m128i *cdgh)
{
    __m128i dcba = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&s[0]), 0xB1);
    __m128i efgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&s[4]), 0x1B);
    *abef = _mm_alignr_epi8(dcba, efgh, 8);
    *cdgh = _mm_blend_epi16(efgh, dcba, 0xF0);
}

SHA_TARGET static inline void state_store(uint32_t s[8], __m128i abef, __m128i cdgh)
{
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&s[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&s[4], _mm_alignr_epi8(dchg, feba, 8));
}

/* Words 4g..4g+3 of the schedule from the four groups before them (w[g & 3] is group g-4). */
SHA_TARGET static inline __m128i schedule(__m128i w[4], int g)
{
    __m128i t = _mm_add_epi32(_mm_sha256msg1_epu32(w[g & 3], w[(g - 3) & 3]),
                              _mm_alignr_epi8(w[(g - 1) & 3], w[(g - 2) & 3], 4));
    return _mm_sha256msg2_epu32(t, w[(g - 1) & 3]);
}

SHA_TARGET void sha256_x2_blocks(uint32_t state_a[8], const uint8_t *a, uint32_t state_b[8], const uint8_t *b,
                                 size_t n)
{
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i abef_a, cdgh_a, abef_b, cdgh_b;
    state_load(state_a, &abef_a, &cdgh_a);
    state_load(state_b, &abef_b, &cdgh_b);
    for (; n > 0; n--, a += 64, b += 64) {
        __m128i saved_abef_a = abef_a, saved_cdgh_a = cdgh_a, saved_abef_b = abef_b, saved_cdgh_b = cdgh_b;
        __m128i wa[4], wb[4];
#pragma GCC unroll 16
        for (int g = 0; g < 16; g++) {
            if (g < 4) {
                wa[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(a + 16 * g)), byteswap);
                wb[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(b + 16 * g)), byteswap);
            } else {
                wa[g & 3] = schedule(wa, g);
                wb[g & 3] = schedule(wb, g);
            }
            __m128i k = _mm_load_si128((const __m128i *)&round_constants[4 * g]);
            __m128i ka = _mm_add_epi32(wa[g & 3], k), kb = _mm_add_epi32(wb[g & 3], k);
            cdgh_a = _mm_sha256rnds2_epu32(cdgh_a, abef_a, ka);
            cdgh_b = _mm_sha256rnds2_epu32(cdgh_b, abef_b, kb);
            abef_a = _mm_sha256rnds2_epu32(abef_a, cdgh_a, _mm_shuffle_epi32(ka, 0x0E));
            abef_b = _mm_sha256rnds2_epu32(abef_b, cdgh_b, _mm_shuffle_epi32(kb, 0x0E));
        }
        abef_a = _mm_add_epi32(abef_a, saved_abef_a);
        cdgh_a = _mm_add_epi32(cdgh_a, saved_cdgh_a);
        abef_b = _mm_add_epi32(abef_b, saved_abef_b);
        cdgh_b = _mm_add_epi32(cdgh_b, saved_cdgh_b);
    }
    state_store(state_a, abef_a, cdgh_a);
    state_store(state_b, abef_b, cdgh_b);
}

#else

bool sha256_x2_available(void)
{
    return false;
}

void sha256_x2_blocks(uint32_t state_a[8], const uint8_t *a, uint32_t state_b[8], const uint8_t *b, size_t n)
{
    (void)state_a, (void)a, (void)state_b, (void)b, (void)n;
}

#endif
