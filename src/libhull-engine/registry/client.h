/* hull: talking HTTP to one registry (distribution-spec /v2/ API) over libcurl.
 *
 * A client is made per registry host and remembers what it learnt: the
 * scheme (https, or http for a registry allowed to be plain: marked insecure,
 * or on this machine -- see registry_client_ping), the auth challenge, and a
 * token per scope ("repository:library/busybox:pull"), so a pull asks the
 * token server once.
 *
 * Errors name the registry and say what to do; they never contain a password
 * or a token.  Once pinged, a client may be used from several threads at once
 * (a push uploads layers in parallel): the token cache and the shared
 * connection cache are locked. */
#ifndef HULL_REGISTRY_CLIENT_H
#define HULL_REGISTRY_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error_internal.h"
#include "auth.h"
#include "curl_lib.h"

struct registry_client_opts {
    const char *host;     /* as in the image name: "docker.io", "127.0.0.1:5000" */
    bool insecure;        /* no TLS verification, plain HTTP allowed (registries.conf insecure, --tls-verify=false) */
    const char *authfile; /* --authfile, or NULL for the default files (auth.h) */
    const struct registry_credentials *creds; /* explicit (hull login); NULL: from the auth files */
};

struct registry_client;

int registry_client_new(const struct registry_client_opts *opts, struct registry_client **out,
                        struct hull_error **err);
void registry_client_free(struct registry_client *c);
void registry_client_freep(struct registry_client **c);
#define cleanup_registry_client __attribute__((cleanup(registry_client_freep)))

/* The host as the user named it. */
const char *registry_client_host(const struct registry_client *c);
/* Bytes per second per transfer (HULL_PULL_MAX_RECV_SPEED), 0: unlimited. */
uint64_t registry_client_max_recv_speed(const struct registry_client *c);
/* True when credentials were found or given. */
bool registry_client_has_credentials(const struct registry_client *c);

/* GET /v2/: picks the scheme and learns the auth challenge. */
int registry_client_ping(struct registry_client *c, struct hull_error **err);
/* For hull login: checks the credentials are accepted (basic: /v2/ with them;
 * bearer: a token for no scope). */
int registry_client_check_login(struct registry_client *c, struct hull_error **err);

struct registry_response {
    long status;
    char *body; /* NUL-terminated */
    size_t len;
    char *content_type;
    char *digest;           /* Docker-Content-Digest, or NULL */
    char *www_authenticate; /* or NULL */
    char *location;         /* Location, or NULL */
    char *range;            /* Range of an upload's status ("0-1023"), or NULL */
    uint64_t chunk_min;     /* OCI-Chunk-Min-Length of an upload, 0 if none */
};
void registry_response_clear(struct registry_response *r);

/* GET (or HEAD) base + path into memory, at most max bytes, with the
 * Authorization for scope.  Transient failures (5xx, 429, a dropped
 * connection) are retried with backoff; any status is returned, the caller
 * maps it (registry_client_status_error). */
int registry_client_get(struct registry_client *c, const char *path, const char *accept, const char *scope,
                        size_t max, struct registry_response *out, struct hull_error **err);

/* A request body: data/len, or len bytes of fd from offset (read with pread,
 * so a retry starts over). */
struct registry_body {
    const char *data;
    int fd;
    uint64_t offset; /* into fd */
    uint64_t len;
    const char *header; /* one more request header ("Content-Range: 0-1023"), or NULL */
    /* Called as curl takes the bytes: sent of len so far (a push's progress). */
    void (*on_sent)(uint64_t sent, void *data);
    void *sent_data;
    const int *cancel; /* read atomically: non-zero stops the upload (a parallel one failed); may be NULL */
};

/* method ("HEAD", "GET", "POST", "PUT", "PATCH", "DELETE") to base + path, or to url when it is absolute
 * (an upload's Location), with the Authorization for scope; body may be NULL.
 * Retried like registry_client_get. */
int registry_client_send(struct registry_client *c, const char *method, const char *path_or_url, const char *scope,
                         const char *content_type, const struct registry_body *body, struct registry_response *out,
                         struct hull_error **err);

/* The error for a non-2xx answer about what ("image 127.0.0.1:5000/x:latest"). */
int registry_client_status_error(struct registry_client *c, const struct registry_response *r, const char *what,
                                 struct hull_error **err);

/* A curl easy handle for GET base + path: TLS settings, redirects, timeouts
 * and Authorization for scope.  *headers must be freed (slist) after the
 * handle.  For the streaming blob fetches of fetch.c. */
int registry_client_easy(struct registry_client *c, const char *path, const char *scope, CURL **out,
                         struct curl_slist **headers, struct hull_error **err);

/* An error for a curl failure talking to this registry. */
int registry_client_curl_error(struct registry_client *c, CURLcode code, const char *errbuf, const char *what,
                               struct hull_error **err);

/* Transient: worth retrying. */
bool registry_curl_code_is_transient(CURLcode code);
bool registry_status_is_transient(long status);

#endif
