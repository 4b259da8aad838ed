/* hull: an image's history (`hull history`), from its config's "history"
 * array (image-spec config.md): one entry per step that built it, newest
 * first; steps that made a layer get that layer's unpacked size. */
#ifndef HULL_IMAGE_HISTORY_H
#define HULL_IMAGE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

struct image_store;
struct image_info;

/* Newest first.  A config without history (some importers write none) gives
 * one entry per layer. */
int image_history(struct image_store *store, const struct image_info *image, struct image_history_entry **out,
                  size_t *n, struct hull_error **err);
void image_history_free(struct image_history_entry *entries, size_t n);

#endif
