#include "digest.h"

#include <stdio.h>
#include <string.h>

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
