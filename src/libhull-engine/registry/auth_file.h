/* hull: auth.json (and docker's config.json), the one reader and writer of
 * the file: {"auths": {"HOST[:PORT]": {"auth": base64("user:password")}}}.
 * Which entry belongs to which registry is auth.c's business. */
#ifndef HULL_REGISTRY_AUTH_FILE_H
#define HULL_REGISTRY_AUTH_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error_internal.h"

/* "auths", in the order of the file. */
struct auth_entries {
    size_t n;
    char **keys;  /* as written: "host:port", "https://index.docker.io/v1/" */
    char **auths; /* the entry's "auth"; NULL when absent or not a string (a credential helper's entry) */
};

/* Reads path (IMAGE_JSON_MAX at most); no "auths" object is an empty list. */
int auth_file_read(const char *path, struct auth_entries *out, struct hull_error **err);
void auth_entries_clear(struct auth_entries *e);
#define cleanup_auth_entries __attribute__((cleanup(auth_entries_clear)))

/* Rewrites path (0600, its directory made 0700), keeping every other member:
 * removes each entry whose key drop() accepts (*removed says whether one was),
 * then adds host -> {"auth": auth} when auth is not NULL.  A missing file
 * starts empty; when nothing was removed and nothing is added, nothing is
 * written. */
int auth_file_update(const char *path, bool (*drop)(const char *key, const void *data), const void *data,
                     const char *host, const char *auth, bool *removed, struct hull_error **err);

#endif
