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

#endif
