/* hull: which registry a name is pulled from, and how to talk to it.
 *
 * registries.conf (containers-registries.conf(5), version 2, the file podman
 * users already have) is read from $HULL_REGISTRIES_CONF, else
 * $CONTAINERS_REGISTRIES_CONF, else /etc/containers/registries.conf (a missing
 * file = no settings).  Understood:
 *   unqualified-search-registries = ["docker.io", "quay.io"]
 *   [[registry]] prefix, location, insecure, blocked, mirror-by-digest-only
 *   [[registry.mirror]] location, insecure
 * and the old version 1 tables [registries.search|insecure|block] registries=[].
 * Other keys are accepted and ignored (short-name-mode, aliases ...).
 *
 * TLS material per host:port (docker's certs.d layout): *.crt are CAs added to
 * the system's, NAME.cert + NAME.key a client certificate.  Looked up in
 * $HULL_CERTS_DIR when set (tests), else /etc/containers/certs.d and
 * /etc/docker/certs.d. */
#ifndef HULL_REGISTRY_CONF_H
#define HULL_REGISTRY_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error_internal.h"

struct registry_mirror {
    char *location;
    bool insecure;
};

struct registry_entry {
    char *prefix;   /* what names it applies to: "example.com/team", "*.example.com" */
    char *location; /* where they are fetched: prefix replaced by location */
    bool insecure, blocked, mirror_by_digest_only;
    struct registry_mirror *mirrors;
    size_t n_mirrors;
};

struct registries_conf {
    char *path; /* the file read, or NULL when there was none */
    char **search; /* unqualified-search-registries, NULL-terminated (may be empty) */
    struct registry_entry *entries;
    size_t n_entries;
};

int registries_conf_load(struct registries_conf **out, struct hull_error **err);
/* Parses text (exposed for the unit test). */
int registries_conf_parse(const char *text, size_t len, const char *what, struct registries_conf **out,
                          struct hull_error **err);
void registries_conf_free(struct registries_conf *conf);
void registries_conf_freep(struct registries_conf **conf);
#define cleanup_registries_conf __attribute__((cleanup(registries_conf_freep)))

/* The entry whose prefix matches "domain/path" best (longest), or NULL. */
const struct registry_entry *registries_conf_find(const struct registries_conf *conf, const char *name);

/* True when host (with optional :port) is this machine: localhost, 127.0.0.0/8, ::1. */
bool registry_host_is_local(const char *host);

/* TLS material of host[:port] from certs.d. */
struct registry_certs {
    char *ca_pem;   /* the system CAs followed by every certs.d *.crt, or NULL when certs.d has none */
    char *cert_file, *key_file; /* client certificate, or NULL */
};
/* Where a user should put them: $HULL_CERTS_DIR or /etc/containers/certs.d. */
const char *registry_certs_dir(void);
int registry_certs_load(const char *host, struct registry_certs *out, struct hull_error **err);
void registry_certs_clear(struct registry_certs *c);

#endif
