/* hull: the few JSON helpers the image code needs on top of json-c: bounded
 * parsing with messages that name the document, typed getters, RFC 3339 times. */
#ifndef HULL_IMAGE_JSON_H
#define HULL_IMAGE_JSON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error_internal.h"
#include "util/json_get.h"
#include "hull/hull-engine.h"

/* The distribution spec lets registries refuse manifests above 4 MiB; configs
 * and indexes are smaller still.  A bigger "JSON" blob is an attack or garbage. */
#define IMAGE_JSON_MAX (4 * 1024 * 1024)

/* image_json_parse and cleanup_json: hull/hull-engine.h */
/* Reads and parses a file (relative to dirfd), refusing files above IMAGE_JSON_MAX. */
int image_json_read_at(int dirfd, const char *path, struct json_object **out, struct hull_error **err);

/* json_get_int64: util/json_get.h; json_get_string/object/array: hull/util.h */

/* Seconds since the epoch of an RFC 3339 time ("2024-01-02T03:04:05.123Z",
 * "...+02:00"); 0 when it cannot be parsed. */
int64_t rfc3339_to_unix(const char *s);

/* Parses text (len bytes) as JSON; what names the document in the error ("index.json"). */
int image_json_parse(const char *text, size_t len, const char *what, struct json_object **out, struct hull_error **err);

/* ---------- OCI and docker documents, read once into structs ----------
 * The readers below only take the documents apart: a member of the wrong type
 * reads as absent (NULL, -1), and the loaders check what they need where they
 * use it, so that each error comes at the same point of a load or pull. */

/* A descriptor (image-spec descriptor.md), with the few annotations and the
 * platform that the loaders read. */
struct oci_descriptor {
    bool is_object;   /* false: the member was absent or not an object */
    char *media_type; /* NULL: absent or not a string */
    char *digest;
    int64_t size;     /* -1: absent or not an integer */
    bool has_platform; /* "platform" is an object */
    char *os, *architecture, *variant;
    char *image_name; /* annotation io.containerd.image.name */
    char *ref_name;   /* annotation org.opencontainers.image.ref.name */
};

/* An image manifest or an index (image-spec manifest.md, image-index.md; the
 * docker v2 schema 2 forms are the same shape). */
struct oci_manifest {
    char *media_type;       /* its own mediaType, NULL when absent */
    int64_t schema_version; /* -1 when absent */
    struct oci_descriptor config;
    bool has_layers; /* "layers" is an array */
    size_t n_layers;
    struct oci_descriptor *layers;
    bool has_manifests; /* "manifests" is an array (an index) */
    size_t n_manifests;
    struct oci_descriptor *manifests;
};

/* Parses text as a manifest or index; what names it in errors (only a
 * document that is not a JSON object fails). */
int oci_manifest_parse(const char *text, size_t len, const char *what, struct oci_manifest *out,
                       struct hull_error **err);
void oci_manifest_clear(struct oci_manifest *m);
#define cleanup_oci_manifest __attribute__((cleanup(oci_manifest_clear)))
/* A descriptor must have a valid digest and a size: "WHAT: ..." */
int oci_descriptor_check(const struct oci_descriptor *d, const char *what, struct hull_error **err);

/* oci-layout: its imageLayoutVersion (NULL when absent) into *version. */
int oci_layout_parse(const char *text, size_t len, char **version, struct hull_error **err);

/* A registry's tag list (distribution spec: {"name": ..., "tags": [...]}): the
 * members of "tags" that are strings, NULL-terminated. */
int registry_tag_list_parse(const char *text, size_t len, char ***tags, struct hull_error **err);

/* One image of a docker-archive's manifest.json. */
struct docker_archive_entry {
    char *config; /* "Config": NULL when absent or not a string */
    bool has_layers; /* "Layers" is an array */
    size_t n_layers;
    char **layers; /* an entry is NULL when it is not a string */
    size_t n_repo_tags;
    char **repo_tags; /* likewise */
};

/* What an image's record takes from its config (image-spec config.md). */
struct image_config_info {
    bool has_diff_ids; /* rootfs.diff_ids is an array */
    size_t n_diff_ids;
    char **diff_ids; /* an entry is NULL when it is not a string */
    char *created, *os, *architecture; /* NULL: absent or not a string */
};

/* Parses a config document; what names it in errors ("config"). */
int image_config_info_parse(const char *text, size_t len, const char *what, struct image_config_info *out,
                            struct hull_error **err);
void image_config_info_clear(struct image_config_info *c);
#define cleanup_image_config_info __attribute__((cleanup(image_config_info_clear)))

/* manifest.json: a non-empty array of entries. */
int docker_archive_manifest_parse(const char *text, size_t len, struct docker_archive_entry **entries, size_t *n,
                                  struct hull_error **err);
void docker_archive_manifest_free(struct docker_archive_entry *entries, size_t n);

void json_object_putp(struct json_object **o);

#define cleanup_json __attribute__((cleanup(json_object_putp)))

#endif
