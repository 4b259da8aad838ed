/* hull: image references, NAME[:TAG][@DIGEST], as the distribution spec and
 * docker write them ("busybox", "busybox:1.36", "localhost:5000/team/app:v2",
 * "app@sha256:...").
 *
 * Names are kept as the user wrote them (no "docker.io/library/" prefix is
 * added: hull has no registry to pull from, so the short name is the name).
 * A reference without tag and digest means tag "latest", as in docker. */
#ifndef HULL_IMAGE_REFERENCE_H
#define HULL_IMAGE_REFERENCE_H

#include <stdbool.h>

#include "../util/error.h"

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

/* Grammar pieces, exposed for tests and for the load code (annotations). */
bool image_name_is_valid(const char *name);
bool image_tag_is_valid(const char *tag);

#define cleanup_image_ref __attribute__((cleanup(image_ref_clear)))

#endif
