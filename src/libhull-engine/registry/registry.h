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
#include "hull/hull-engine.h"

/* Pulls into the store at store_root (which it opens and locks itself, see above). */
int registry_pull(const char *store_root, const struct registry_pull_opts *opts,
                  const struct registry_pull_progress *progress, struct registry_pull_result *out,
                  struct hull_error **err);

/* Pushes an image (push.c says how); progress reuses the pull's event type. */
int registry_push(const char *store_root, const struct registry_push_opts *opts,
                  const struct registry_pull_progress *progress, struct registry_push_result *out,
                  struct hull_error **err);

/* The tags of a repository (name without tag or digest), from the registry
 * registries.conf names for it (not a mirror); NULL-terminated, owned by caller. */
int registry_list_tags(const char *name, bool tls_verify_off, const char *authfile, char ***tags,
                       struct hull_error **err);

#endif
