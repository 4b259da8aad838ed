/* auth.json and WWW-Authenticate: see auth.h. */
#include "auth.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/base64.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/image_json.h"
#include "auth_file.h"
#include "util/utils.h"

void registry_credentials_clear(struct registry_credentials *c)
{
    if (c->password) /* do not leave it in freed heap memory */
        explicit_bzero(c->password, strlen(c->password));
    free(c->username);
    free(c->password);
    c->username = c->password = NULL;
}

char *registry_auth_file_path(const char *authfile)
{
    if (authfile && *authfile)
        return xstrdup(authfile);
    const char *env = getenv("REGISTRY_AUTH_FILE");
    if (env && *env)
        return xstrdup(env);
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (xdg && *xdg)
        return xasprintf("%s/containers/auth.json", xdg);
    return xasprintf("/run/containers/%u/auth.json", (unsigned)getuid());
}

/* The files to read, in order; NULL-terminated, owned by caller. */
static char **auth_files(const char *authfile)
{
    char **files = xmalloc0(4 * sizeof(char *));
    size_t n = 0;
    files[n++] = registry_auth_file_path(authfile);
    if ((authfile && *authfile) || getenv("REGISTRY_AUTH_FILE"))
        return files; /* an explicit file is the only one, as in podman */
    const char *home = getenv("HOME");
    if (home && *home) {
        files[n++] = xasprintf("%s/.config/containers/auth.json", home);
        files[n++] = xasprintf("%s/.docker/config.json", home);
    }
    return files;
}

/* "https://index.docker.io/v1/" -> "index.docker.io"; "host:5000" stays. */
static char *key_host(const char *key)
{
    const char *p = key;
    if (!strncmp(p, "https://", 8))
        p += 8;
    else if (!strncmp(p, "http://", 7))
        p += 7;
    size_t n = strcspn(p, "/");
    char *h = strndup(p, n);
    if (!h)
        abort();
    return h;
}

static bool key_matches(const char *key, const char *host)
{
    cleanup_free char *h = key_host(key);
    if (!strcmp(h, host))
        return true;
    /* Docker Hub is stored under its v1 index URL by docker login. */
    return !strcmp(host, "docker.io") && (!strcmp(h, "index.docker.io") || !strcmp(h, "registry-1.docker.io"));
}

static bool key_matches_host(const char *key, const void *host)
{
    return key_matches(key, host);
}

static int decode_auth(const char *b64, const char *file, const char *host, struct registry_credentials *c,
                       struct hull_error **err)
{
    size_t len = strlen(b64);
    cleanup_free uint8_t *raw = xmalloc0(BASE64_DECODE_LENGTH(len) + 1);
    struct base64_decode_ctx ctx;
    size_t out_len = BASE64_DECODE_LENGTH(len);
    base64_decode_init(&ctx);
    if (!base64_decode_update(&ctx, &out_len, raw, len, b64) || !base64_decode_final(&ctx))
        return hull_error_set(err, 0, "%s: the entry for %s is not valid base64", file, host);
    raw[out_len] = '\0';
    char *colon = strchr((char *)raw, ':');
    if (!colon || colon == (char *)raw) {
        explicit_bzero(raw, out_len);
        return hull_error_set(err, 0, "%s: the entry for %s is not \"user:password\"", file, host);
    }
    *colon = '\0';
    c->username = xstrdup((char *)raw);
    c->password = xstrdup(colon + 1);
    explicit_bzero(raw, out_len);
    return 0;
}

int registry_credentials_find(const char *authfile, const char *host, struct registry_credentials *c, bool *found,
                              struct hull_error **err)
{
    memset(c, 0, sizeof *c);
    *found = false;
    cleanup_strv char **files = auth_files(authfile);
    for (char **f = files; *f; f++) {
        if (access(*f, F_OK) < 0)
            continue;
        cleanup_auth_entries struct auth_entries auths = {0};
        if (auth_file_read(*f, &auths, err) < 0)
            return hull_error_wrap(err, "cannot read credentials");
        for (size_t i = 0; i < auths.n; i++) {
            if (!key_matches(auths.keys[i], host))
                continue;
            const char *b64 = auths.auths[i];
            if (!b64 || !*b64)
                continue; /* a credential-helper entry: not supported, see auth.h */
            if (decode_auth(b64, *f, host, c, err) < 0)
                return -1;
            *found = true;
            return 0;
        }
    }
    return 0;
}

char *registry_basic_token(const char *username, const char *password)
{
    cleanup_free char *plain = xasprintf("%s:%s", username, password);
    size_t len = strlen(plain);
    char *out = xmalloc0(BASE64_ENCODE_RAW_LENGTH(len) + 1);
    base64_encode_raw(out, len, (const uint8_t *)plain);
    explicit_bzero(plain, len);
    return out;
}

int registry_credentials_store(const char *authfile, const char *host, const char *username, const char *password,
                               bool *removed, struct hull_error **err)
{
    cleanup_free char *path = registry_auth_file_path(authfile);
    /* Every key naming the host goes (a login replaces them too). */
    cleanup_free char *token = password ? registry_basic_token(username, password) : NULL;
    bool dropped = false;
    int ret = auth_file_update(path, key_matches_host, host, host, token, &dropped, err);
    if (token)
        explicit_bzero(token, strlen(token));
    if (removed)
        *removed = dropped;
    return ret;
}

/* ---- WWW-Authenticate ---- */

void registry_challenge_clear(struct registry_challenge *c)
{
    free(c->scheme);
    free(c->realm);
    free(c->service);
    free(c->scope);
    memset(c, 0, sizeof *c);
}

char *registry_token_parse(const char *body, size_t len)
{
    cleanup_json struct json_object *doc = NULL;
    if (image_json_parse(body, len, "token response", &doc, NULL) < 0)
        return NULL;
    const char *token = json_get_string(doc, "token");
    if (!token || !*token)
        token = json_get_string(doc, "access_token");
    return token && *token ? xstrdup(token) : NULL;
}

/* Bearer realm="https://auth.example/token",service="registry",scope="repository:x:pull" */
int registry_challenge_parse(const char *header, struct registry_challenge *out, struct hull_error **err)
{
    memset(out, 0, sizeof *out);
    const char *p = header;
    while (isspace((unsigned char)*p))
        p++;
    size_t n = strcspn(p, " \t");
    if (n == 0)
        return hull_error_set(err, 0, "empty WWW-Authenticate challenge");
    out->scheme = strndup(p, n);
    if (!out->scheme)
        abort();
    for (char *s = out->scheme; *s; s++)
        *s = (char)tolower((unsigned char)*s);
    p += n;
    while (*p) {
        while (isspace((unsigned char)*p) || *p == ',')
            p++;
        if (!*p)
            break;
        size_t kl = strcspn(p, "= \t,");
        cleanup_free char *key = strndup(p, kl);
        if (!key)
            abort();
        p += kl;
        while (isspace((unsigned char)*p))
            p++;
        if (*p != '=')
            break; /* a token68 or another challenge: nothing we use */
        p++;
        while (isspace((unsigned char)*p))
            p++;
        cleanup_free char *value = xmalloc0(strlen(p) + 1);
        size_t vl = 0;
        if (*p == '"') {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                value[vl++] = *p++;
            }
            if (*p == '"')
                p++;
        } else {
            while (*p && *p != ',' && !isspace((unsigned char)*p))
                value[vl++] = *p++;
        }
        char **slot = !strcasecmp(key, "realm")     ? &out->realm
                      : !strcasecmp(key, "service") ? &out->service
                      : !strcasecmp(key, "scope")   ? &out->scope
                                                    : NULL;
        if (slot && !*slot)
            *slot = steal_pointer(&value);
    }
    if (!strcmp(out->scheme, "bearer") && (!out->realm || !*out->realm)) {
        registry_challenge_clear(out);
        return hull_error_set(err, 0, "the Bearer challenge has no realm");
    }
    return 0;
}
