/* hull: the writers of the OCI and docker documents hull makes itself (import,
 * commit, save, push): typed structs in, the document's exact bytes out.  The
 * callers fill structs; only oci_write.c knows JSON.  Key order and formatting
 * are part of the contract: a manifest's bytes are its digest, and `hull save`
 * archives are reproducible.  The structs end in _out: what hull writes, fully
 * known, unlike what the readers take apart (image_json.h). */
#ifndef HULL_IMAGE_OCI_WRITE_H
#define HULL_IMAGE_OCI_WRITE_H

#include <stddef.h>
#include <stdint.h>

#define OCI_MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define OCI_MT_CONFIG "application/vnd.oci.image.config.v1+json"
#define OCI_MT_LAYER "application/vnd.oci.image.layer.v1.tar"

/* An OCI content descriptor: {"mediaType","digest","size"[,"annotations"]}. */
struct oci_descriptor_out {
    const char *media_type;
    const char *digest;
    uint64_t size;
    /* The image's name for an index entry: when set, annotations
     * io.containerd.image.name = full_name and org.opencontainers.image.ref.name = ref_name. */
    const char *ref_name;
    const char *full_name;
};

/* An image manifest (schemaVersion 2, OCI media type). */
struct oci_manifest_out {
    struct oci_descriptor_out config;
    const struct oci_descriptor_out *layers;
    size_t n_layers;
};

/* One entry of an image config's "history". */
struct oci_history_entry {
    const char *created;
    const char *created_by;
    const char *comment; /* NULL: no member */
};

/* A new image config: {"created","architecture","os","config","rootfs","history"}. */
struct oci_image_config {
    const char *created;
    const char *architecture;
    const char *os;
    const char *container_config; /* the "config" member, as JSON text (image_change.h makes it) */
    const char *const *diff_ids;
    size_t n_diff_ids;
    const struct oci_history_entry *history;
    size_t n_history;
};

/* One image in a docker archive's manifest.json. */
struct docker_archive_entry_out {
    const char *config;   /* "<hex>.json" */
    const char *repo_tag; /* NULL: "RepoTags":[] */
    const char *const *layers; /* "<hex>/layer.tar" */
    size_t n_layers;
};

/* Each returns the document's text (malloc'd, no trailing newline). */
char *oci_manifest_to_json(const struct oci_manifest_out *m);
/* index.json of an OCI layout: {"schemaVersion":2,"manifests":[...]}. */
char *oci_index_to_json(const struct oci_descriptor_out *manifests, size_t n);
/* The contents of an OCI layout's oci-layout file. */
const char *oci_layout_json(void);
/* NULL when container_config is not a JSON object (an internal error). */
char *oci_image_config_to_json(const struct oci_image_config *c);
char *docker_archive_manifest_to_json(const struct docker_archive_entry_out *entries, size_t n);
/* The store's layers/<hex>/layer.json: {"diff_id","size"}, pretty-printed. */
char *image_layer_meta_to_json(const char *diff_id, uint64_t size);

/* For image_change.c, the config document's editor: a history entry as a json-c object. */
struct json_object;
struct json_object *oci_history_entry_json(const struct oci_history_entry *h);

#endif
