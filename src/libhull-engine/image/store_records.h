/* hull: the image store's own files, each read and written in one place
 * (store_records.c); the store's logic (store.c) sees only the structs.
 *   images/<hex>.json   the record of an image (struct image_info)
 *   repositories.json   {"tags": {"name:tag": "sha256:<id>", ...}}
 *   layers/<hex>/layer.json  a layer's size (written by oci_write.c's image_layer_meta_to_json) */
#ifndef HULL_IMAGE_STORE_RECORDS_H
#define HULL_IMAGE_STORE_RECORDS_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

/* The record of an image as JSON (the layer and tag lists are not filled in). */
int store_image_record_json(const struct image_info *info, struct json_object **out);
/* The same as images/<hex>.json's text (malloc'd). */
char *store_image_record_text(const struct image_info *info);
/* Reads images/<hex>.json under rootfd (root names the store in errors); the
 * tags are left empty. */
int store_image_record_read(int rootfd, const char *root, const char *hex, struct image_info **out,
                            struct hull_error **err);

/* repositories.json, in the order of the file (json-c keeps it; a name set
 * again keeps its place, a new one goes last). */
struct store_tags {
    size_t n;
    char **names; /* "name:tag" */
    char **ids;   /* "sha256:<hex>" */
};

/* Reads path under rootfd; no file (or rootfd < 0) is an empty table.  A
 * value that is not a string reads as absent. */
int store_tags_read(int rootfd, const char *path, struct store_tags *out, struct hull_error **err);
int store_tags_write(const struct store_tags *t, const char *path, struct hull_error **err);
void store_tags_clear(struct store_tags *t);
#define cleanup_store_tags __attribute__((cleanup(store_tags_clear)))
/* The id name points at, or NULL. */
const char *store_tags_get(const struct store_tags *t, const char *name);
void store_tags_set(struct store_tags *t, const char *name, const char *id);
void store_tags_del(struct store_tags *t, const char *name);

/* layers/<hex>/layer.json's "size" (the unpacked bytes); -1 when unreadable. */
int64_t store_layer_record_size(int rootfd, const char *path);

#endif
