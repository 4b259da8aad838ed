/* hull: the local image store (default /var/lib/hull).
 *
 * Layout under the store root:
 *   blobs/sha256/<hex>     manifests and configs, named by the sha256 of their bytes
 *   layers/<hex>/diff/     an unpacked layer, named by its diff_id (the sha256 of
 *                          its uncompressed tar); shared by every image that has it
 *   layers/<hex>/layer.json   {diff_id, size}
 *   images/<hex>.json      one record per image; <hex> is the image id, which is the
 *                          config's digest as in docker
 *   repositories.json      {"tags": {"name:tag": "sha256:<image id>"}}
 *   init/<hex>/            an image's init layer (init_layer.h), made by its first container
 *   tmp/                   staging for loads and imports
 *   lock                   flock(2)ed exclusively by every writer
 *
 * Why it cannot be left half-written: a writer builds everything under tmp/,
 * verifies every digest, then moves finished layers and blobs into place with
 * rename(2), writes the image record, and only then the tag.  A reader only
 * trusts an image whose record exists, and a record is written after its
 * layers.  A writer that dies leaves at most a staging dir (wiped by the next
 * writer, who holds the lock, so no one else can be using it) or a complete
 * but untagged/unreferenced layer (reused by the next load, or removed by rmi's
 * garbage collection). */
#ifndef HULL_IMAGE_STORE_H
#define HULL_IMAGE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error_internal.h"
#include "digest.h"
#include "hull/hull-engine.h"

struct image_store;

void image_info_list_free(struct image_info **list, size_t n);

/* Opens (and, when writable, creates) the store.  A writable store holds the
 * exclusive lock until image_store_close; the first one a process opens
 * (per root) wipes stale staging dirs and temp files. */
int image_store_open(const char *root, bool writable, struct image_store **out, struct hull_error **err);

void image_store_closep(struct image_store **store);

#define cleanup_image_store __attribute__((cleanup(image_store_closep)))

/* Every image, newest first. */
int image_store_list(struct image_store *store, struct image_info ***out, size_t *n, struct hull_error **err);

void image_info_free(struct image_info *info);

/* A writable (locked) handle that leaves stale staging dirs and temp files
 * alone, for `hull system check` to report them first. */
int image_store_open_unswept(const char *root, struct image_store **out, struct hull_error **err);
/* Staging dirs under tmp/ whose load or pull is gone (no one holds their
 * lock; needs the store lock): found for each, removed with remove. */
int image_store_stale_staging(struct image_store *store, bool remove, void (*found)(const char *path, void *data),
                              void *data, struct hull_error **err);
/* Layers no image lists and blobs that are no image's config or manifest:
 * what a pull, load or commit killed between moving its layers and blobs into
 * place and writing the image record leaves behind (needs the store lock, so
 * no writer is between the two), and init layers (init_layer.h) of images
 * that are gone.  found for each (kind "layer", "blob" or "init");
 * removed with remove. */
int image_store_unreferenced(struct image_store *store, bool remove,
                             void (*found)(const char *kind, const char *path, void *data), void *data,
                             struct hull_error **err);
/* Every user mark (see image_store_add_user), as two parallel vectors:
 * image ids ("sha256:<hex>") and users.  Both NULL when there are none. */
int image_store_users(struct image_store *store, char ***image_ids, char ***users, struct hull_error **err);
/* True when the store has a record for image id. */
bool image_store_has_image(struct image_store *store, const char *id);
/* A writable handle may let go of the lock while it does something long that
 * needs no store writes (a pull downloading into its own locked staging dir,
 * see image/ingest.h) and take it back before committing.  While unlocked the
 * handle only reads. */
int image_store_unlock(struct image_store *store);
/* The temp files of atomic writes whose writer died (stale_tmp_files) in the
 * store's own dirs; a writable open removes them. */
void image_store_sweep_tmp(const char *root, bool remove, void (*found)(const char *path, void *data), void *data);
int image_store_relock(struct image_store *store, struct hull_error **err);
void image_store_close(struct image_store *store);
const char *image_store_root(const struct image_store *store);

/* Any blob, verified against its digest. */
int image_store_read_blob(struct image_store *store, const char *digest, char **data, size_t *len,
                          struct hull_error **err);

/* Absolute path of the unpacked tree of a layer (owned by caller). */
char *image_store_layer_path(struct image_store *store, const char *diff_id);

int image_store_remove_user(struct image_store *store, const char *id, const char *user, struct hull_error **err);

/* Containers using an image (`hull run`) register here; rmi refuses to delete
 * an image while a user is registered (with force it only untags it).
 * user is a container id; the markers live in users/<image hex>/<user>. */
int image_store_add_user(struct image_store *store, const char *id, const char *user, struct hull_error **err);

/* Finds an image by reference ("busybox", "busybox:1.36"), full id
 * ("sha256:<hex>" or "<hex>") or unique id prefix, as docker does: a name
 * that is a tag in the store wins over an id prefix.
 * Fails with "no such image: TEXT" when nothing matches. */
int image_store_lookup(struct image_store *store, const char *text, struct image_info **out, struct hull_error **err);

/* The config JSON text of an image (verified against its digest). */
int image_store_read_config(struct image_store *store, const char *id, char **json, struct hull_error **err);

/* Absolute paths of an image's unpacked layers, base first, NULL-terminated. */
char **image_store_layer_paths(struct image_store *store, const struct image_info *image);

/* Points the tag dst (NAME[:TAG]) at the image src names. Needs a writable store. */
int image_store_tag(struct image_store *store, const char *src, const char *dst, struct hull_error **err);

/* docker rmi semantics: a reference that is one of several tags only untags;
 * the last tag (or an id) deletes the image; an id of an image with several
 * tags needs force.  Layers no other image uses are removed too. */
int image_store_remove(struct image_store *store, const char *text, bool force, image_remove_event_fn on_event,
                       void *data, struct hull_error **err);

/* docker image prune: deletes every image no container uses that has no tag
 * (with all: every image no container uses), then the layers no image has
 * left; *reclaimed: the unpacked bytes of those layers.  Events as above. */
int image_store_prune(struct image_store *store, bool all, image_remove_event_fn on_event, void *data,
                      uint64_t *reclaimed, struct hull_error **err);

#endif
