/* hull: images from registries (OCI distribution spec, Docker Registry HTTP API v2).
 *
 * registry_pull resolves a name the way docker does (image/reference.h) and
 * registries.conf says (conf.h), fetches the manifest (OCI index or manifest,
 * Docker schema 2 list or manifest; schema 1 is refused), picks the platform
 * from an index, and streams every layer the store does not have yet: up to
 * max_concurrent at once over one curl multi handle, each decompressed,
 * hashed and unpacked by its own thread while its bytes arrive (fetch.c,
 * image/ingest.h).  Nothing reaches the store until every layer is in and
 * verified; the store lock is held only for that final commit, so other hull
 * commands are not blocked by a long download.
 *
 * The library never prints: progress is reported through events. */
#ifndef HULL_REGISTRY_H
#define HULL_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/digest.h"
#include "util/error_internal.h"

#define REGISTRY_DEFAULT_MAX_CONCURRENT 3
/* Layers uploaded at once by a push, as docker's max-concurrent-uploads. */
#define REGISTRY_DEFAULT_PUSH_CONCURRENT 5
/* --max-concurrent accepts 1 to this. */
#define REGISTRY_MAX_CONCURRENT_LIMIT 64

struct registry_pull_opts {
    const char *reference;   /* as the user typed it: "busybox", "127.0.0.1:5000/x@sha256:..." */
    const char *platform;    /* "os/arch[/variant]"; NULL: this machine's */
    bool tls_verify_off;     /* --tls-verify=false: no TLS verification, plain HTTP allowed */
    unsigned max_concurrent; /* layers downloaded at once; 0: REGISTRY_DEFAULT_MAX_CONCURRENT */
    const char *authfile;    /* NULL: the default credential files (auth.h) */
};

enum registry_pull_event_kind {
    REGISTRY_PULL_RESOLVED,     /* detail: the full reference being pulled (registry/repo:tag) */
    REGISTRY_PULL_LAYER_EXISTS, /* the store has this layer */
    REGISTRY_PULL_LAYER_WAITING,
    REGISTRY_PULL_LAYER_BYTES,      /* done/total of this layer's blob */
    REGISTRY_PULL_LAYER_RETRY,      /* a dropped connection, resuming */
    REGISTRY_PULL_LAYER_DOWNLOADED, /* every byte is in */
    REGISTRY_PULL_LAYER_DONE,       /* unpacked and verified */
    REGISTRY_PULL_COMMIT,
    /* push */
    REGISTRY_PUSH_START,           /* detail: the repository */
    REGISTRY_PUSH_LAYER_PREPARING, /* compressing */
    REGISTRY_PUSH_LAYER_EXISTS,    /* the registry has the blob */
    REGISTRY_PUSH_LAYER_MOUNTED,   /* detail: the repository it was mounted from */
    REGISTRY_PUSH_LAYER_PUSHING,   /* done/total bytes sent */
    REGISTRY_PUSH_LAYER_PUSHED,
};

struct registry_pull_event {
    enum registry_pull_event_kind kind;
    const char *detail;
    size_t layer, n_layers;
    const char *layer_digest; /* "sha256:..." of the blob */
    uint64_t done, total;
};

struct registry_pull_progress {
    void (*fn)(const struct registry_pull_event *event, void *data);
    void *data;
};

struct registry_pull_result {
    char *full_name;   /* "docker.io/library/busybox:latest" (or NAME@DIGEST) */
    char *stored_name; /* the tag in the store: "busybox:latest"; NULL for a pull by digest */
    char id[DIGEST_STR_SIZE];     /* image id (config digest) */
    char digest[DIGEST_STR_SIZE]; /* what the registry calls it: the manifest or index digest */
    bool downloaded;              /* false: the store already had every layer */
};
void registry_pull_result_clear(struct registry_pull_result *r);

/* Pulls into the store at store_root (which it opens and locks itself, see above). */
int registry_pull(const char *store_root, const struct registry_pull_opts *opts,
                  const struct registry_pull_progress *progress, struct registry_pull_result *out,
                  struct hull_error **err);

struct registry_push_opts {
    const char *source;      /* the image in the store */
    const char *destination; /* NAME:TAG (or NAME@DIGEST) to push to; NULL: source */
    bool tls_verify_off;
    unsigned max_concurrent; /* layers uploaded at once; 0: REGISTRY_DEFAULT_PUSH_CONCURRENT */
    const char *authfile;
};

struct registry_push_result {
    char *full_name;              /* "127.0.0.1:5000/team/app:v1" */
    char digest[DIGEST_STR_SIZE]; /* of the manifest pushed */
    uint64_t size;                /* of the manifest */
};
void registry_push_result_clear(struct registry_push_result *r);

/* Pushes an image (push.c says how); progress reuses the pull's event type. */
int registry_push(const char *store_root, const struct registry_push_opts *opts,
                  const struct registry_pull_progress *progress, struct registry_push_result *out,
                  struct hull_error **err);

/* The tags of a repository (name without tag or digest), from the registry
 * registries.conf names for it (not a mirror); NULL-terminated, owned by caller. */
int registry_list_tags(const char *name, bool tls_verify_off, const char *authfile, char ***tags,
                       struct hull_error **err);

/* hull login: checks the credentials against host, then stores them. */
int registry_login(const char *host, const char *username, const char *password, const char *authfile,
                   bool tls_verify_off, struct hull_error **err);
/* hull logout: *removed tells whether there was anything stored. */
int registry_logout(const char *host, const char *authfile, bool *removed, struct hull_error **err);

#endif
