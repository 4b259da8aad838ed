/* hull: image references, NAME[:TAG][@DIGEST], as the distribution spec and
 * docker write them ("busybox", "busybox:1.36", "localhost:5000/team/app:v2",
 * "app@sha256:...").
 *
 * Names are kept in the store in docker's "familiar" form: what was pulled as
 * docker.io/library/busybox is "busybox", docker.io/team/app is "team/app",
 * any other registry's names keep their domain ("quay.io/x/y").  A reference
 * without tag and digest means tag "latest", as in docker. */
#ifndef HULL_IMAGE_REFERENCE_H
#define HULL_IMAGE_REFERENCE_H

#include <stdbool.h>

#include "util/error_internal.h"

struct image_ref {
    char *name;   /* "localhost:5000/team/app" */
    char *tag;    /* "v2"; "latest" when the text had neither tag nor digest; NULL with a digest only */
    char *digest; /* "sha256:..." or NULL */
};

/* Parses and validates text; on error *ref is left empty and the error quotes the text. */
int image_ref_parse(const char *text, struct image_ref *ref, struct hull_error **err);
void image_ref_clear(struct image_ref *ref);
/* "name:tag" (or "name@digest" when there is no tag). Owned by caller. */
char *image_ref_format(const struct image_ref *ref);

/* Docker Hub, as references name it; the host its API answers on. */
#define IMAGE_DOCKER_HUB "docker.io"
#define IMAGE_DOCKER_HUB_API "registry-1.docker.io"

/* Splits a valid name into registry domain and repository path, as docker
 * reads it: the first component is a domain when it has '.' or ':' or is
 * "localhost"; otherwise the domain is docker.io, where a one-component path
 * gets "library/" ("busybox" -> docker.io + library/busybox).  index.docker.io
 * is docker.io.  *qualified tells whether the name gave the domain. */
void image_name_split(const char *name, char **domain, char **path, bool *qualified);
/* The familiar name of domain/path (see above). Owned by caller. */
char *image_name_familiar(const char *domain, const char *path);

/* Grammar pieces, exposed for tests and for the load code (annotations). */
bool image_name_is_valid(const char *name);
bool image_tag_is_valid(const char *tag);

#define cleanup_image_ref __attribute__((cleanup(image_ref_clear)))

#endif
