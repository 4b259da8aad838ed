/* hull: helpers shared by the OCI-layout and docker-archive readers. */
#ifndef HULL_IMAGE_LOAD_INTERNAL_H
#define HULL_IMAGE_LOAD_INTERNAL_H

#include <json-c/json.h>

#include "store_internal.h"

/* An fd for reading relpath inside the source directory srcfd (an unpacked
 * archive or a user's layout dir), resolved without leaving it; regular files only. */
int source_open_file(int srcfd, const char *relpath, struct hull_error **err);
/* Reads a small file of the source (at most IMAGE_JSON_MAX bytes). */
int source_read_small(int srcfd, const char *relpath, char **data, size_t *len, struct hull_error **err);

/* Fills created/os/architecture from a config document, checks rootfs.diff_ids
 * (n_layers of them, all valid digests) and returns them through diff_ids. */
struct image_config_info;
int image_info_from_config(struct image_info *info, const struct image_config_info *config, size_t n_layers,
                           const char ***diff_ids, const char *what, struct hull_error **err);

/* Adds name (a reference) to a NULL-terminated list, normalised to name:tag;
 * an invalid name is an error that quotes where it came from. */
int tags_add(char ***tags, const char *name, const char *where, struct hull_error **err);

/* The image-spec's GOARCH name for this machine ("amd64", "arm64" ...). */
const char *image_host_architecture(void);

int load_oci_layout(struct staging *st, int srcfd, struct hull_error **err);
int load_docker_archive(struct staging *st, int srcfd, struct hull_error **err);

#endif
