#include "digest.h"

#include <stdio.h>
#include <string.h>

#include "sha256_x2.h"

void digester_init(struct digester *d)
{
    sha256_init(&d->ctx);
    d->bytes = 0;
}

void digester_update(struct digester *d, const void *data, size_t len)
{
    sha256_update(&d->ctx, len, data);
    d->bytes += len;
}

/* -1: not checked yet; atomics: several unpacking threads may ask first at once. */
static int sha_x2 = -1;

static bool x2_available(void)
{
    int v = __atomic_load_n(&sha_x2, __ATOMIC_RELAXED);
    if (v < 0) {
        v = sha256_x2_available() ? 1 : 0;
        __atomic_store_n(&sha_x2, v, __ATOMIC_RELAXED);
    }
    return v;
}

void digester_allow_x2(bool allow)
{
    __atomic_store_n(&sha_x2, allow ? (sha256_x2_available() ? 1 : 0) : 0, __ATOMIC_RELAXED);
}

/* Brings the partial block nettle buffers to its end, so that whole blocks
 * can go to the compression function directly. */
static void fill_partial_block(struct digester *d, const uint8_t **p, size_t *len)
{
    if (d->ctx.index == 0)
        return;
    size_t n = SHA256_BLOCK_SIZE - d->ctx.index;
    if (n > *len)
        n = *len;
    digester_update(d, *p, n);
    *p += n;
    *len -= n;
}

void digester_update2(struct digester *a, const void *data_a, size_t len_a, struct digester *b, const void *data_b,
                      size_t len_b)
{
    const uint8_t *pa = data_a, *pb = data_b;
    if (x2_available()) {
        fill_partial_block(a, &pa, &len_a);
        fill_partial_block(b, &pb, &len_b);
        if (a->ctx.index == 0 && b->ctx.index == 0) {
            size_t blocks = (len_a < len_b ? len_a : len_b) / SHA256_BLOCK_SIZE;
            size_t n = blocks * SHA256_BLOCK_SIZE;
            sha256_x2_blocks(a->ctx.state, pa, b->ctx.state, pb, blocks);
            /* nettle's ctx: count is in blocks, index the bytes buffered (nettle/sha2.h) */
            a->ctx.count += blocks;
            b->ctx.count += blocks;
            a->bytes += n;
            b->bytes += n;
            pa += n, len_a -= n;
            pb += n, len_b -= n;
        }
    }
    digester_update(a, pa, len_a);
    digester_update(b, pb, len_b);
}

void digester_final(struct digester *d, char out[static DIGEST_STR_SIZE])
{
    static const char hexdigits[] = "0123456789abcdef";
    uint8_t raw[SHA256_DIGEST_SIZE];
    sha256_digest(&d->ctx, sizeof raw, raw);
    memcpy(out, "sha256:", 7);
    for (size_t i = 0; i < sizeof raw; i++) {
        out[7 + 2 * i] = hexdigits[raw[i] >> 4];
        out[7 + 2 * i + 1] = hexdigits[raw[i] & 0xf];
    }
    out[7 + DIGEST_HEX_LEN] = '\0';
}

void digest_of(const void *data, size_t len, char out[static DIGEST_STR_SIZE])
{
    struct digester d;
    digester_init(&d);
    digester_update(&d, data, len);
    digester_final(&d, out);
}

bool digest_is_valid(const char *s)
{
    if (!s || strncmp(s, "sha256:", 7) != 0 || strlen(s) != 7 + DIGEST_HEX_LEN)
        return false;
    for (const char *p = s + 7; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

const char *digest_hex(const char *s)
{
    return s + 7;
}

int digest_check_syntax(const char *s, const char *where, struct hull_error **err)
{
    if (digest_is_valid(s))
        return 0;
    if (!s)
        return hull_error_set(err, 0, "%s: missing digest", where);
    const char *colon = strchr(s, ':');
    if (colon && strncmp(s, "sha256:", 7) != 0)
        return hull_error_set(err, 0, "%s: unsupported digest algorithm in \"%s\" (hull supports sha256)", where, s);
    return hull_error_set(err, 0, "%s: malformed digest \"%s\" (want sha256: and 64 lowercase hex digits)", where, s);
}
