/* HTTP to one registry: see client.h. */
#include "client.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "image/image_json.h"
#include "util/utils.h"
#include "conf.h"

#define USER_AGENT "hull/" HULL_VERSION
#define CONNECT_TIMEOUT_S 30L
/* A transfer slower than 1 byte/s for this long is dead (a hung registry). */
#define LOW_SPEED_TIME_S 60L
#define MAX_ATTEMPTS 4
#define TOKEN_MAX (64 * 1024)

struct token {
    char *scope;
    char *value;
};

struct registry_client {
    char *host;     /* as named */
    char *endpoint; /* host[:port] HTTP goes to (registry-1.docker.io for docker.io) */
    char *base;     /* "https://endpoint" once pinged */
    bool verify_tls, allow_http, pinged;
    uint64_t max_recv_speed; /* 0: unlimited */
    uint64_t max_send_speed; /* 0: unlimited */
    struct registry_certs certs;
    struct curl_blob ca_blob;
    struct registry_credentials creds;
    bool has_creds;
    struct registry_challenge challenge;
    struct token *tokens;
    size_t n_tokens;
    /* Connections, DNS answers and TLS sessions shared by every handle of this
     * client: the manifest, config and blob requests of a pull (and a push's
     * HEAD/POST/PUT) reuse one kept-alive connection instead of a TCP (and TLS)
     * handshake each.  Locked: a push uploads from several threads. */
    CURLSH *share;
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
    pthread_mutex_t token_lock; /* tokens, challenge: threads of a push ask for them */
};

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *user)
{
    (void)h;
    (void)access;
    struct registry_client *c = user;
    pthread_mutex_lock(&c->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *user)
{
    (void)h;
    struct registry_client *c = user;
    pthread_mutex_unlock(&c->share_locks[data]);
}

const char *registry_client_host(const struct registry_client *c)
{
    return c->host;
}

uint64_t registry_client_max_recv_speed(const struct registry_client *c)
{
    return c->max_recv_speed;
}

bool registry_client_has_credentials(const struct registry_client *c)
{
    return c->has_creds;
}

int registry_client_new(const struct registry_client_opts *opts, struct registry_client **out,
                        struct hull_error **err)
{
    if (curl_lib_load(err) < 0)
        return -1;
    struct registry_client *c = xmalloc0(sizeof *c);
    c->host = xstrdup(opts->host);
    c->endpoint = xstrdup(!strcmp(opts->host, "docker.io") ? "registry-1.docker.io" : opts->host);
    c->verify_tls = !opts->insecure;
    for (size_t i = 0; i < ARRAY_SIZE(c->share_locks); i++)
        pthread_mutex_init(&c->share_locks[i], NULL);
    pthread_mutex_init(&c->token_lock, NULL);
    c->share = curl.share_init();
    if (c->share) { /* without it every request opens its own connection: slower, not wrong */
        curl.share_setopt(c->share, CURLSHOPT_LOCKFUNC, share_lock);
        curl.share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
        curl.share_setopt(c->share, CURLSHOPT_USERDATA, c);
        curl.share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
        curl.share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        curl.share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }
    /* Bytes per second per transfer: for a shared link, and for tests that must
     * interrupt a pull while it runs. */
    const char *rate = getenv("HULL_PULL_MAX_RECV_SPEED");
    if (rate && *rate && !parse_uint64(rate, &c->max_recv_speed)) {
        registry_client_free(c);
        return hull_error_set(err, 0, "invalid HULL_PULL_MAX_RECV_SPEED \"%s\": want bytes per second", rate);
    }
    rate = getenv("HULL_PUSH_MAX_SEND_SPEED");
    if (rate && *rate && !parse_uint64(rate, &c->max_send_speed)) {
        registry_client_free(c);
        return hull_error_set(err, 0, "invalid HULL_PUSH_MAX_SEND_SPEED \"%s\": want bytes per second", rate);
    }
    c->allow_http = opts->insecure || registry_host_is_local(opts->host);
    if (registry_certs_load(opts->host, &c->certs, err) < 0) {
        registry_client_free(c);
        return hull_error_wrap(err, "registry %s", opts->host);
    }
    if (c->certs.ca_pem) {
        c->ca_blob.data = c->certs.ca_pem;
        c->ca_blob.len = strlen(c->certs.ca_pem);
        c->ca_blob.flags = CURL_BLOB_NOCOPY;
    }
    if (opts->creds) {
        c->creds.username = xstrdup(opts->creds->username);
        c->creds.password = xstrdup(opts->creds->password);
        c->has_creds = true;
    } else if (registry_credentials_find(opts->authfile, opts->host, &c->creds, &c->has_creds, err) < 0) {
        registry_client_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

void registry_client_free(struct registry_client *c)
{
    if (!c)
        return;
    free(c->host);
    free(c->endpoint);
    free(c->base);
    registry_certs_clear(&c->certs);
    registry_credentials_clear(&c->creds);
    registry_challenge_clear(&c->challenge);
    for (size_t i = 0; i < c->n_tokens; i++) {
        free(c->tokens[i].scope);
        explicit_bzero(c->tokens[i].value, strlen(c->tokens[i].value));
        free(c->tokens[i].value);
    }
    free(c->tokens);
    if (c->share)
        curl.share_cleanup(c->share);
    for (size_t i = 0; i < ARRAY_SIZE(c->share_locks); i++)
        pthread_mutex_destroy(&c->share_locks[i]);
    pthread_mutex_destroy(&c->token_lock);
    free(c);
}

void registry_client_freep(struct registry_client **c)
{
    registry_client_free(*c);
    *c = NULL;
}

void registry_response_clear(struct registry_response *r)
{
    free(r->body);
    free(r->content_type);
    free(r->digest);
    free(r->www_authenticate);
    free(r->location);
    free(r->range);
    memset(r, 0, sizeof *r);
}

bool registry_curl_code_is_transient(CURLcode code)
{
    switch (code) {
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

bool registry_status_is_transient(long status)
{
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

/* ---- one request into memory ---- */

struct mem_request {
    struct registry_response *resp;
    size_t max, cap;
    bool too_large;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
    struct mem_request *m = user;
    size_t n = size * nmemb;
    struct registry_response *r = m->resp;
    if (r->len + n > m->max) {
        m->too_large = true;
        return 0;
    }
    if (r->len + n + 1 > m->cap) {
        m->cap = (r->len + n + 1) * 2;
        r->body = xrealloc(r->body, m->cap);
    }
    memcpy(r->body + r->len, data, n);
    r->len += n;
    r->body[r->len] = '\0';
    return n;
}

/* "Name: value\r\n" -> value when the name matches (case-insensitive). */
static char *header_value(const char *line, size_t len, const char *name)
{
    size_t nl = strlen(name);
    if (len <= nl || strncasecmp(line, name, nl) || line[nl] != ':')
        return NULL;
    const char *v = line + nl + 1, *end = line + len;
    while (v < end && isspace((unsigned char)*v))
        v++;
    while (end > v && isspace((unsigned char)end[-1]))
        end--;
    char *s = strndup(v, (size_t)(end - v));
    if (!s)
        abort();
    return s;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *user)
{
    struct registry_response *r = user;
    size_t n = size * nmemb;
    if (n >= 5 && !strncmp(line, "HTTP/", 5)) {
        /* A new response (after a redirect): forget the previous one's headers. */
        free(r->content_type);
        free(r->digest);
        free(r->www_authenticate);
        free(r->location);
        free(r->range);
        r->content_type = r->digest = r->www_authenticate = r->location = r->range = NULL;
        r->chunk_min = 0;
        return n;
    }
    char *v;
    if ((v = header_value(line, n, "Content-Type"))) {
        free(r->content_type);
        r->content_type = v;
    } else if ((v = header_value(line, n, "Docker-Content-Digest"))) {
        free(r->digest);
        r->digest = v;
    } else if ((v = header_value(line, n, "WWW-Authenticate"))) {
        free(r->www_authenticate);
        r->www_authenticate = v;
    } else if ((v = header_value(line, n, "Location"))) {
        free(r->location);
        r->location = v;
    } else if ((v = header_value(line, n, "Range"))) {
        free(r->range);
        r->range = v;
    } else if ((v = header_value(line, n, "OCI-Chunk-Min-Length"))) {
        if (!parse_uint64(v, &r->chunk_min))
            r->chunk_min = 0;
        free(v);
    }
    return n;
}

/* Settings every handle of this client shares: TLS, timeouts, redirects. */
static CURL *easy_new(struct registry_client *c, const char *url, bool https)
{
    CURL *h = curl.easy_init();
    if (!h)
        abort();
    curl.easy_setopt(h, CURLOPT_URL, url);
    curl.easy_setopt(h, CURLOPT_USERAGENT, USER_AGENT);
    curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
    curl.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl.easy_setopt(h, CURLOPT_LOW_SPEED_TIME, LOW_SPEED_TIME_S);
    curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl.easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    /* Blobs are often redirected to storage: never from https down to http. */
    curl.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");
    curl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, c->verify_tls ? 1L : 0L);
    curl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, c->verify_tls ? 2L : 0L);
    if (c->certs.ca_pem)
        curl.easy_setopt(h, CURLOPT_CAINFO_BLOB, &c->ca_blob);
    if (c->max_recv_speed > 0)
        curl.easy_setopt(h, CURLOPT_MAX_RECV_SPEED_LARGE, (curl_off_t)c->max_recv_speed);
    if (c->max_send_speed > 0)
        curl.easy_setopt(h, CURLOPT_MAX_SEND_SPEED_LARGE, (curl_off_t)c->max_send_speed);
    if (c->certs.cert_file) {
        curl.easy_setopt(h, CURLOPT_SSLCERT, c->certs.cert_file);
        curl.easy_setopt(h, CURLOPT_SSLKEY, c->certs.key_file);
    }
    if (c->share)
        curl.easy_setopt(h, CURLOPT_SHARE, c->share);
    return h;
}

/* One attempt; *code is the transfer's result. */
static void perform(CURL *h, struct registry_response *resp, size_t max, bool head, CURLcode *code, bool *too_large,
                    char errbuf[CURL_ERROR_SIZE])
{
    registry_response_clear(resp);
    struct mem_request m = {.resp = resp, .max = max};
    errbuf[0] = '\0';
    curl.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl.easy_setopt(h, CURLOPT_WRITEDATA, &m);
    curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl.easy_setopt(h, CURLOPT_HEADERDATA, resp);
    curl.easy_setopt(h, CURLOPT_NOBODY, head ? 1L : 0L);
    *code = curl.easy_perform(h);
    curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
    if (!resp->body)
        resp->body = xstrdup("");
    *too_large = m.too_large;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

int registry_client_curl_error(struct registry_client *c, CURLcode code, const char *errbuf, const char *what,
                               struct hull_error **err)
{
    const char *detail = errbuf && *errbuf ? errbuf : curl.easy_strerror(code);
    if (!what) /* the first contact: the caller names the image */
        what = "";
    const char *sep = *what ? ": " : "";
    switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
        return hull_error_set(err, 0,
                              "%s%sthe TLS certificate of registry %s is not trusted (%s): put its CA in "
                              "%s/%s/ca.crt, or mark the registry insecure",
                              what, sep, c->host, detail, registry_certs_dir(), c->host);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
        return hull_error_set(err, 0, "%s%scannot reach registry %s: %s", what, sep, c->host, detail);
    case CURLE_WRITE_ERROR:
    case CURLE_ABORTED_BY_CALLBACK:
        return hull_error_set(err, 0, "%s%sregistry %s: the transfer was stopped", what, sep, c->host);
    default:
        return hull_error_set(err, 0, "%s%sregistry %s: %s", what, sep, c->host, detail);
    }
}

/* ---- ping ---- */

int registry_client_ping(struct registry_client *c, struct hull_error **err)
{
    if (c->pinged)
        return 0;
    /* A registry on this machine is tried over plain HTTP first: most are
     * (docker's "localhost is insecure" habit), and a TLS attempt first costs
     * ~30 ms of CPU (libcurl parses the system CA bundle) on every pull.  A
     * local registry that does speak TLS answers plain HTTP with a 400 and is
     * then reached, verified, over HTTPS.  Elsewhere TLS comes first, and plain
     * HTTP only for a registry marked insecure whose TLS handshake failed. */
    bool local_first = c->allow_http && registry_host_is_local(c->host);
    const char *const schemes[] = {local_first ? "http" : "https", local_first ? "https" : "http"};
    struct registry_response resp = {0};
    char errbuf[CURL_ERROR_SIZE];
    CURLcode code = CURLE_OK, tls_code = CURLE_OK;
    char tls_errbuf[CURL_ERROR_SIZE] = "";
    for (size_t i = 0; i < ARRAY_SIZE(schemes); i++) {
        bool https = !strcmp(schemes[i], "https");
        if (!https && !c->allow_http)
            break;
        cleanup_free char *url = xasprintf("%s://%s/v2/", schemes[i], c->endpoint);
        CURL *h = easy_new(c, url, https);
        bool too_large;
        perform(h, &resp, IMAGE_JSON_MAX, false, &code, &too_large, errbuf);
        curl.easy_cleanup(h);
        bool http_found = code == CURLE_OK && (resp.status == 200 || resp.status == 401);
        if (!https && local_first) {
            if (http_found) {
                free(c->base);
                c->base = xasprintf("http://%s", c->endpoint);
                break;
            }
            if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST)
                break; /* nothing listens: TLS will not do better */
            continue;
        }
        if (!https && !http_found) {
            /* Plain HTTP did not find a registry either (a TLS server answers it
             * with 400): the TLS failure is the one that explains. */
            code = tls_code;
            memcpy(errbuf, tls_errbuf, sizeof errbuf);
            break;
        }
        if (code == CURLE_OK) {
            free(c->base);
            c->base = xasprintf("%s://%s", schemes[i], c->endpoint);
            break;
        }
        if (local_first)
            break; /* plain HTTP was tried already: the TLS failure explains */
        tls_code = code;
        memcpy(tls_errbuf, errbuf, sizeof tls_errbuf);
        /* Same host and port over plain HTTP only makes sense when the TLS
         * handshake itself failed (the server does not speak TLS). */
        if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_OPERATION_TIMEDOUT ||
            (code == CURLE_PEER_FAILED_VERIFICATION && c->verify_tls))
            break;
    }
    if (code != CURLE_OK) {
        registry_response_clear(&resp);
        return registry_client_curl_error(c, code, errbuf, NULL, err);
    }
    int ret = 0;
    if (resp.status == 401) {
        registry_challenge_clear(&c->challenge);
        if (!resp.www_authenticate)
            ret = hull_error_set(err, 0, "registry %s answered 401 without a WWW-Authenticate challenge", c->host);
        else if (registry_challenge_parse(resp.www_authenticate, &c->challenge, err) < 0)
            ret = hull_error_wrap(err, "registry %s", c->host);
        else if (strcmp(c->challenge.scheme, "bearer") && strcmp(c->challenge.scheme, "basic"))
            ret = hull_error_set(err, 0, "registry %s wants %s authentication; hull speaks Bearer and Basic", c->host,
                                 c->challenge.scheme);
    } else if (resp.status / 100 != 2) {
        ret = hull_error_set(err, 0, "%s is not a container registry: GET /v2/ answered HTTP %ld", c->host,
                             resp.status);
    }
    registry_response_clear(&resp);
    if (ret == 0)
        c->pinged = true;
    return ret;
}

/* ---- tokens ---- */

static char *url_encode(const char *s)
{
    char *out = xmalloc0(strlen(s) * 3 + 1);
    char *o = out;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (isalnum(ch) || strchr("-_.~:/", ch))
            *o++ = (char)ch;
        else
            o += sprintf(o, "%%%02X", ch);
    }
    return out;
}

static const char *token_cached(struct registry_client *c, const char *scope)
{
    for (size_t i = 0; i < c->n_tokens; i++)
        if (!strcmp(c->tokens[i].scope, scope))
            return c->tokens[i].value;
    return NULL;
}

static void token_forget(struct registry_client *c, const char *scope)
{
    for (size_t i = 0; i < c->n_tokens; i++)
        if (!strcmp(c->tokens[i].scope, scope)) {
            free(c->tokens[i].scope);
            explicit_bzero(c->tokens[i].value, strlen(c->tokens[i].value));
            free(c->tokens[i].value);
            c->tokens[i] = c->tokens[--c->n_tokens];
            return;
        }
}

/* Asks the realm for a token for scope ("" = none), with the credentials when there are some. */
static int token_fetch(struct registry_client *c, const char *scope, struct hull_error **err)
{
    const char *realm = c->challenge.realm;
    if (strncmp(realm, "https://", 8) && strncmp(realm, "http://", 7))
        return hull_error_set(err, 0, "registry %s: the token realm is not an http(s) URL", c->host);
    /* Credentials over plain HTTP only where the registry itself is plain or local. */
    if (!strncmp(realm, "http://", 7) && c->has_creds && strncmp(c->base, "http://", 7)) {
        cleanup_free char *rhost = strndup(realm + 7, strcspn(realm + 7, "/"));
        if (!rhost || !registry_host_is_local(rhost))
            return hull_error_set(err, 0, "registry %s: refusing to send credentials to a plain-HTTP token realm",
                                  c->host);
    }
    cleanup_free char *service = url_encode(c->challenge.service ? c->challenge.service : "");
    /* Several scopes (a push that mounts: "repository:to:pull,push repository:from:pull")
     * are several scope= parameters, as docker sends them. */
    cleanup_free char *scopes = xstrdup("");
    cleanup_free char *scope_copy = xstrdup(scope);
    for (char *save = NULL, *one = strtok_r(scope_copy, " ", &save); one; one = strtok_r(NULL, " ", &save)) {
        cleanup_free char *enc = url_encode(one);
        char *more = xasprintf("%s&scope=%s", scopes, enc);
        free(scopes);
        scopes = more;
    }
    cleanup_free char *url = xasprintf("%s%sservice=%s%s", realm, strchr(realm, '?') ? "&" : "?", service, scopes);
    struct registry_response resp = {0};
    char errbuf[CURL_ERROR_SIZE];
    CURLcode code = CURLE_OK;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        if (attempt)
            sleep_ms(200L << attempt);
        CURL *h = easy_new(c, url, !strncmp(realm, "https://", 8));
        if (c->has_creds) {
            curl.easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
            curl.easy_setopt(h, CURLOPT_USERNAME, c->creds.username);
            curl.easy_setopt(h, CURLOPT_PASSWORD, c->creds.password);
        }
        bool too_large;
        perform(h, &resp, TOKEN_MAX, false, &code, &too_large, errbuf);
        curl.easy_cleanup(h);
        if (!(registry_curl_code_is_transient(code) || (code == CURLE_OK && registry_status_is_transient(resp.status))))
            break;
    }
    if (code != CURLE_OK) {
        registry_response_clear(&resp);
        return registry_client_curl_error(c, code, errbuf, "token request", err);
    }
    int ret = 0;
    if (resp.status == 401 || resp.status == 403) {
        ret = c->has_creds ? hull_error_set(err, 0, "registry %s: login failed for user \"%s\": wrong username or password",
                                            c->host, c->creds.username)
                           : hull_error_set(err, 0, "registry %s refused an anonymous token: run 'hull login %s'",
                                            c->host, c->host);
    } else if (resp.status != 200) {
        ret = hull_error_set(err, 0, "registry %s: the token server answered HTTP %ld", c->host, resp.status);
    } else {
        char *token = registry_token_parse(resp.body, resp.len);
        if (!token) {
            ret = hull_error_set(err, 0, "registry %s: the token server's answer has no token", c->host);
        } else {
            c->tokens = xrealloc(c->tokens, (c->n_tokens + 1) * sizeof *c->tokens);
            c->tokens[c->n_tokens].scope = xstrdup(scope);
            c->tokens[c->n_tokens].value = token;
            c->n_tokens++;
        }
    }
    if (resp.body)
        explicit_bzero(resp.body, resp.len);
    registry_response_clear(&resp);
    return ret;
}

/* "Authorization: ..." for scope, or NULL when the registry wants none (or we have nothing to give).
 * Under token_lock (auth_header). */
static int auth_header_unlocked(struct registry_client *c, const char *scope, char **out, struct hull_error **err)
{
    *out = NULL;
    if (!c->challenge.scheme)
        return 0;
    if (!strcmp(c->challenge.scheme, "basic")) {
        if (c->has_creds) {
            cleanup_free char *b64 = registry_basic_token(c->creds.username, c->creds.password);
            *out = xasprintf("Authorization: Basic %s", b64);
            explicit_bzero(b64, strlen(b64));
        }
        return 0;
    }
    const char *token = token_cached(c, scope);
    if (!token) {
        if (token_fetch(c, scope, err) < 0)
            return -1;
        token = token_cached(c, scope);
    }
    *out = xasprintf("Authorization: Bearer %s", token);
    return 0;
}

/* The token cache is shared by a push's upload threads: one asks the token
 * server, the others wait for its answer. */
static int auth_header(struct registry_client *c, const char *scope, char **out, struct hull_error **err)
{
    pthread_mutex_lock(&c->token_lock);
    int r = auth_header_unlocked(c, scope, out, err);
    pthread_mutex_unlock(&c->token_lock);
    return r;
}

/* A 401 with a cached token: the token expired; forget it (true) so the retry asks for a new one. */
static bool token_expired(struct registry_client *c, const char *scope)
{
    if (!c->challenge.scheme || strcmp(c->challenge.scheme, "bearer"))
        return false;
    pthread_mutex_lock(&c->token_lock);
    bool had = token_cached(c, scope) != NULL;
    if (had)
        token_forget(c, scope);
    pthread_mutex_unlock(&c->token_lock);
    return had;
}

static void header_free(char *h)
{
    if (h) {
        explicit_bzero(h, strlen(h));
        free(h);
    }
}

int registry_client_check_login(struct registry_client *c, struct hull_error **err)
{
    if (registry_client_ping(c, err) < 0)
        return -1;
    if (!c->challenge.scheme)
        return 0; /* the registry wants no credentials: nothing to check */
    if (!strcmp(c->challenge.scheme, "bearer"))
        return token_fetch(c, "", err);
    struct registry_response resp = {0};
    if (registry_client_get(c, "/v2/", NULL, "", IMAGE_JSON_MAX, &resp, err) < 0)
        return -1;
    int ret = 0;
    if (resp.status == 401)
        ret = hull_error_set(err, 0, "registry %s: login failed for user \"%s\": wrong username or password", c->host,
                             c->creds.username);
    else if (resp.status / 100 != 2)
        ret = hull_error_set(err, 0, "registry %s: GET /v2/ answered HTTP %ld", c->host, resp.status);
    registry_response_clear(&resp);
    return ret;
}

/* ---- requests ---- */

int registry_client_easy(struct registry_client *c, const char *path, const char *scope, CURL **out,
                         struct curl_slist **headers, struct hull_error **err)
{
    if (registry_client_ping(c, err) < 0)
        return -1;
    char *auth = NULL;
    if (auth_header(c, scope, &auth, err) < 0)
        return -1;
    cleanup_free char *url = xasprintf("%s%s", c->base, path);
    CURL *h = easy_new(c, url, !strncmp(c->base, "https://", 8));
    *headers = NULL;
    if (auth) {
        *headers = curl.slist_append(NULL, auth);
        header_free(auth);
        curl.easy_setopt(h, CURLOPT_HTTPHEADER, *headers);
    }
    *out = h;
    return 0;
}

int registry_client_get(struct registry_client *c, const char *path, const char *accept, const char *scope,
                        size_t max, struct registry_response *out, struct hull_error **err)
{
    memset(out, 0, sizeof *out);
    char errbuf[CURL_ERROR_SIZE];
    CURLcode code = CURLE_OK;
    bool reauthed = false, too_large = false;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        if (attempt)
            sleep_ms(200L << attempt);
        CURL *h;
        struct curl_slist *headers;
        if (registry_client_easy(c, path, scope, &h, &headers, err) < 0)
            return -1;
        if (accept) {
            cleanup_free char *a = xasprintf("Accept: %s", accept);
            headers = curl.slist_append(headers, a);
            curl.easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        }
        perform(h, out, max, false, &code, &too_large, errbuf);
        curl.easy_cleanup(h);
        curl.slist_free_all(headers);
        if (code == CURLE_OK && out->status == 401 && !reauthed && token_expired(c, scope)) {
            /* The token expired during a long pull: ask for a new one, once. */
            reauthed = true;
            attempt--;
            continue;
        }
        if (!(registry_curl_code_is_transient(code) || (code == CURLE_OK && registry_status_is_transient(out->status))))
            break;
    }
    if (too_large)
        return hull_error_set(err, 0, "registry %s: %s is larger than %zu bytes", c->host, path, max);
    if (code != CURLE_OK) {
        registry_response_clear(out);
        return registry_client_curl_error(c, code, errbuf, path, err);
    }
    return 0;
}

/* The "errors" array of a distribution-spec error body: the first code and message. */
static void error_body(const struct registry_response *r, const char **code, const char **message,
                       struct json_object **doc)
{
    *code = *message = NULL;
    *doc = NULL;
    if (!r->body || r->len == 0 || image_json_parse(r->body, r->len, "error", doc, NULL) < 0)
        return;
    struct json_object *errors = json_get_array(*doc, "errors");
    struct json_object *first = errors ? json_object_array_get_idx(errors, 0) : NULL;
    *code = json_get_string(first, "code");
    *message = json_get_string(first, "message");
}

int registry_client_status_error(struct registry_client *c, const struct registry_response *r, const char *what,
                                 struct hull_error **err)
{
    const char *code, *message;
    cleanup_json struct json_object *doc = NULL;
    error_body(r, &code, &message, &doc);
    const char *why = message ? message : code;
    switch (r->status) {
    case 401:
        if (c->has_creds)
            return hull_error_set(err, 0, "%s: registry %s denied access to user \"%s\"%s%s%s", what, c->host,
                                  c->creds.username, why ? " (" : "", why ? why : "", why ? ")" : "");
        return hull_error_set(err, 0,
                              "%s: registry %s requires authentication, or the repository does not exist: run "
                              "'hull login %s'",
                              what, c->host, c->host);
    case 403:
        return hull_error_set(err, 0, "%s: registry %s denied access%s%s%s", what, c->host, why ? " (" : "",
                              why ? why : "", why ? ")" : "");
    case 404:
        return hull_error_set(err, 0, "%s: not found in registry %s%s%s%s", what, c->host, why ? " (" : "",
                              why ? why : "", why ? ")" : "");
    case 429:
        return hull_error_set(err, 0, "%s: registry %s: too many requests (rate limited), try again later", what,
                              c->host);
    default:
        return hull_error_set(err, 0, "%s: registry %s answered HTTP %ld%s%s%s", what, c->host, r->status,
                              why ? " (" : "", why ? why : "", why ? ")" : "");
    }
}

/* ---- requests with a method and a body (push) ---- */

struct body_reader {
    const struct registry_body *body;
    uint64_t offset;
};

static size_t on_read(char *buf, size_t size, size_t nmemb, void *user)
{
    struct body_reader *r = user;
    size_t want = size * nmemb;
    uint64_t left = r->body->len - r->offset;
    if (want > left)
        want = (size_t)left;
    if (want == 0)
        return 0;
    if (r->body->cancel && __atomic_load_n(r->body->cancel, __ATOMIC_RELAXED))
        return CURL_READFUNC_ABORT; /* another upload of this push failed */
    if (r->body->data) {
        memcpy(buf, r->body->data + r->offset, want);
    } else {
        ssize_t n;
        do
            n = pread(r->body->fd, buf, want, (off_t)(r->body->offset + r->offset));
        while (n < 0 && errno == EINTR);
        if (n <= 0)
            return CURL_READFUNC_ABORT;
        want = (size_t)n;
    }
    r->offset += want;
    if (r->body->on_sent)
        r->body->on_sent(r->offset, r->body->sent_data);
    return want;
}

int registry_client_send(struct registry_client *c, const char *method, const char *path_or_url, const char *scope,
                         const char *content_type, const struct registry_body *body, struct registry_response *out,
                         struct hull_error **err)
{
    memset(out, 0, sizeof *out);
    if (registry_client_ping(c, err) < 0)
        return -1;
    bool absolute = !strncmp(path_or_url, "https://", 8) || !strncmp(path_or_url, "http://", 7);
    /* An upload URL must stay on the registry: never send our token elsewhere. */
    if (absolute && strncmp(path_or_url, c->base, strlen(c->base)))
        return hull_error_set(err, 0, "registry %s sent an upload location on another host", c->host);
    cleanup_free char *url = absolute ? xstrdup(path_or_url) : xasprintf("%s%s", c->base, path_or_url);
    char errbuf[CURL_ERROR_SIZE];
    CURLcode code = CURLE_OK;
    bool reauthed = false, too_large = false;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        if (attempt)
            sleep_ms(200L << attempt);
        char *auth = NULL;
        if (auth_header(c, scope, &auth, err) < 0)
            return -1;
        CURL *h = easy_new(c, url, !strncmp(url, "https://", 8));
        struct curl_slist *headers = NULL;
        if (auth) {
            headers = curl.slist_append(headers, auth);
            header_free(auth);
        }
        if (content_type) {
            cleanup_free char *ct = xasprintf("Content-Type: %s", content_type);
            headers = curl.slist_append(headers, ct);
        }
        if (body && body->header)
            headers = curl.slist_append(headers, body->header);
        struct body_reader reader = {.body = body};
        bool patch = !strcmp(method, "PATCH");
        if (!strcmp(method, "PUT") || patch) {
            curl.easy_setopt(h, CURLOPT_UPLOAD, 1L);
            if (patch)
                curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PATCH");
            curl.easy_setopt(h, CURLOPT_READFUNCTION, on_read);
            curl.easy_setopt(h, CURLOPT_READDATA, &reader);
            curl.easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)(body ? body->len : 0));
            static struct registry_body empty;
            if (!body)
                reader.body = &empty;
            headers = curl.slist_append(headers, "Expect:"); /* no 100-continue round trip */
        } else if (!strcmp(method, "POST")) {
            curl.easy_setopt(h, CURLOPT_POST, 1L);
            curl.easy_setopt(h, CURLOPT_POSTFIELDS, body && body->data ? body->data : "");
            curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? body->len : 0));
        } else if (strcmp(method, "HEAD")) {
            curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
        }
        curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); /* a 202's Location is not a redirect to follow */
        if (headers)
            curl.easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        perform(h, out, IMAGE_JSON_MAX, !strcmp(method, "HEAD"), &code, &too_large, errbuf);
        curl.easy_cleanup(h);
        curl.slist_free_all(headers);
        if (code == CURLE_OK && out->status == 401 && !reauthed && token_expired(c, scope)) {
            reauthed = true;
            attempt--;
            continue;
        }
        if (!(registry_curl_code_is_transient(code) || (code == CURLE_OK && registry_status_is_transient(out->status))))
            break;
    }
    if (code != CURLE_OK) {
        registry_response_clear(out);
        return registry_client_curl_error(c, code, errbuf, NULL, err);
    }
    return 0;
}
