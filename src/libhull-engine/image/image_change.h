/* hull: the image config's editor (image_change.c): docker's --change
 * instructions and commit's edit of its base image's config. */
#ifndef HULL_IMAGE_CHANGE_H
#define HULL_IMAGE_CHANGE_H

#include <stddef.h>

#include "util/error_internal.h"
#include "oci_write.h"

/* Applies one docker --change line ("CMD [\"sh\"]", "ENV A=b") to a config's
 * "config" object.  Exposed for tests. */
struct json_object;
int image_config_apply_change(struct json_object *config, const char *change, struct hull_error **err);

/* The container config (an image config's "config") that changes make from
 * nothing, as JSON text (import's). */
int image_changes_config(char *const *changes, char **text_out, struct hull_error **err);

/* A parsed image config being edited (commit's: its base image's config). */
struct image_config_edit;
/* Parse errors name the document "config". */
int image_config_edit_open(const char *text, size_t len, struct image_config_edit **out, struct hull_error **err);
/* Applies changes to the "config" member (made when missing). */
int image_config_edit_changes(struct image_config_edit *e, char *const *changes, struct hull_error **err);
/* A new layer on top: "created" (h->created), "author" when set, diff_id at the
 * end of rootfs.diff_ids, h at the end of "history".  image_id names the image
 * in the error of a config without rootfs.diff_ids. */
int image_config_edit_add_layer(struct image_config_edit *e, const char *author, const char *diff_id,
                                const struct oci_history_entry *h, const char *image_id, struct hull_error **err);
/* The document's text; valid until the next edit or the free. */
const char *image_config_edit_text(struct image_config_edit *e);
/* A top-level string member ("os", "architecture"), or NULL. */
const char *image_config_edit_get(struct image_config_edit *e, const char *key);
void image_config_edit_free(struct image_config_edit *e);
void image_config_edit_freep(struct image_config_edit **e);
#define cleanup_image_config_edit __attribute__((cleanup(image_config_edit_freep)))

#endif
