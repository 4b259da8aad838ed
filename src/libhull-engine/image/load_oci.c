/* Reading an OCI image layout (image-spec image-layout.md): oci-layout,
 * index.json, and blobs/sha256/<hex> for every manifest, config and layer.
 * Every blob is checked against the descriptor that names it (digest and
 * size) before it is used. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/utils.h"
#include "image_json.h"
#include "load_internal.h"
#include "ingest.h"
#include "reference.h"

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"

/* Index nesting deeper than this is a loop or an attack. */
#define MAX_INDEX_DEPTH 4

/* load_oci's descriptors must be objects (a registry pull checks only digest and size). */
static int descriptor_check(const struct oci_descriptor *d, const char *what, struct hull_error **err)
{
    if (!d->is_object)
        return hull_error_set(err, 0, "%s: not a descriptor object", what);
    return oci_descriptor_check(d, what, err);
}

/* Reads a manifest/config/index blob and checks it is exactly what d describes. */
static int read_verified_blob(int srcfd, const struct oci_descriptor *d, const char *what, char **data, size_t *len,
                              struct hull_error **err)
{
    if ((uint64_t)d->size > IMAGE_JSON_MAX)
        return hull_error_set(err, 0, "%s: %llu bytes is too large", what, (unsigned long long)d->size);
    cleanup_free char *path = xasprintf("blobs/sha256/%s", digest_hex(d->digest));
    cleanup_free char *buf = NULL;
    size_t n;
    if (source_read_small(srcfd, path, &buf, &n, err) < 0)
        return hull_error_wrap(err, "%s %s", what, d->digest);
    if (n != (uint64_t)d->size)
        return hull_error_set(err, 0, "%s %s: size mismatch: the descriptor says %llu bytes, the blob has %zu", what,
                              d->digest, (unsigned long long)d->size, n);
    char actual[DIGEST_STR_SIZE];
    digest_of(buf, n, actual);
    if (strcmp(actual, d->digest))
        return hull_error_set(err, 0, "%s %s: digest mismatch: the blob's content has digest %s", what, d->digest,
                              actual);
    *data = steal_pointer(&buf);
    *len = n;
    return 0;
}

bool image_layer_media_type_supported(const char *mt)
{
    static const char *const ok[] = {
        "application/vnd.oci.image.layer.v1.tar",
        "application/vnd.oci.image.layer.v1.tar+gzip",
        "application/vnd.oci.image.layer.v1.tar+zstd",
        "application/vnd.oci.image.layer.nondistributable.v1.tar",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
        "application/vnd.docker.image.rootfs.diff.tar",
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    };
    if (!mt)
        return false;
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
        if (!strcmp(mt, ok[i]))
            return true;
    return false;
}

/* Names for an image from its index descriptor's annotations.
 * io.containerd.image.name (docker/containerd exports) is a full reference;
 * org.opencontainers.image.ref.name is, per the spec, usually just a tag
 * ("latest", from umoci) but skopeo writes a full "name:tag": a value that is
 * a valid reference is used as one (a bare word becomes WORD:latest). */
static int names_from_annotations(const struct oci_descriptor *desc, char ***tags, struct hull_error **err)
{
    const char *full = desc->image_name, *ref = desc->ref_name;
    if (full)
        return tags_add(tags, full, "annotation io.containerd.image.name", err);
    if (ref)
        return tags_add(tags, ref, "annotation org.opencontainers.image.ref.name", err);
    return 0;
}

static int load_image_manifest(struct staging *st, int srcfd, const struct oci_descriptor *md, char **tags,
                               struct hull_error **err)
{
    cleanup_strv char **owned_tags = tags;
    cleanup_free char *what = xasprintf("image %s", tags && tags[0] ? tags[0] : md->digest);
    cleanup_free char *manifest_text = NULL;
    size_t manifest_len;
    if (read_verified_blob(srcfd, md, "manifest", &manifest_text, &manifest_len, err) < 0)
        return hull_error_wrap(err, "%s", what);
    cleanup_oci_manifest struct oci_manifest manifest = {0};
    if (oci_manifest_parse(manifest_text, manifest_len, "manifest", &manifest, err) < 0)
        return hull_error_wrap(err, "%s", what);

    const struct oci_descriptor *cd = &manifest.config;
    cleanup_free char *cwhat = xasprintf("%s: manifest config", what);
    if (descriptor_check(cd, cwhat, err) < 0)
        return -1;
    if (cd->media_type && strcmp(cd->media_type, MT_OCI_CONFIG) && strcmp(cd->media_type, MT_DOCKER_CONFIG))
        return hull_error_set(err, 0, "%s is not a container image: its config has media type %s", what,
                              cd->media_type);
    cleanup_free char *config_text = NULL;
    size_t config_len;
    if (read_verified_blob(srcfd, cd, "config", &config_text, &config_len, err) < 0)
        return hull_error_wrap(err, "%s", what);
    cleanup_image_config_info struct image_config_info config = {0};
    if (image_config_info_parse(config_text, config_len, "config", &config, err) < 0)
        return hull_error_wrap(err, "%s", what);

    if (!manifest.has_layers)
        return hull_error_set(err, 0, "%s: the manifest has no layers array", what);
    size_t n = manifest.n_layers;
    cleanup_image_info struct image_info *info = xmalloc0(sizeof *info);
    memcpy(info->id, cd->digest, DIGEST_STR_SIZE);
    memcpy(info->manifest, md->digest, DIGEST_STR_SIZE);
    cleanup_free const char **diff_ids = NULL;
    if (image_info_from_config(info, &config, n, &diff_ids, what, err) < 0)
        return -1;

    /* An image already in the store is complete: its layers need not be read again. */
    bool present = store_has_image(st->store, info->id);
    st->layers_total += n;
    for (size_t i = 0; i < n; i++) {
        const struct oci_descriptor *ld = &manifest.layers[i];
        cleanup_free char *lwhat = xasprintf("%s: layer %zu", what, i + 1);
        if (descriptor_check(ld, lwhat, err) < 0)
            return -1;
        if (!image_layer_media_type_supported(ld->media_type))
            return hull_error_set(err, 0, "%s: unsupported layer media type %s", lwhat,
                                  ld->media_type ? ld->media_type : "(none)");
        struct image_layer_info *l = &info->layers[i];
        l->media_type = xstrdup(ld->media_type);
        if (present) {
            memcpy(l->diff_id, diff_ids[i], DIGEST_STR_SIZE);
            memcpy(l->digest, ld->digest, DIGEST_STR_SIZE);
            l->blob_size = (uint64_t)ld->size;
            st->layers_done++;
            staging_report(st, IMAGE_PROGRESS_LAYER_EXISTS, l->diff_id);
            continue;
        }
        cleanup_free char *path = xasprintf("blobs/sha256/%s", digest_hex(ld->digest));
        cleanup_close int fd = source_open_file(srcfd, path, err);
        if (fd < 0)
            return hull_error_wrap(err, "%s", lwhat);
        struct layer_expect expect = {.digest = ld->digest, .diff_id = diff_ids[i], .size = (uint64_t)ld->size, .what = lwhat};
        if (staging_add_layer(st, fd, &expect, l, err) < 0)
            return -1;
        st->layers_done++;
        staging_report(st, IMAGE_PROGRESS_LAYER_DONE, l->diff_id);
    }
    if (present) {
        /* Keep the layer sizes the store already knows. */
        cleanup_image_info struct image_info *old = NULL;
        if (image_store_lookup(st->store, info->id, &old, NULL) == 0)
            for (size_t i = 0; i < n && i < old->n_layers; i++)
                info->layers[i].size = old->layers[i].size;
    }
    for (size_t i = 0; i < n; i++)
        info->size += info->layers[i].size;
    if (staging_add_blob(st, config_text, config_len, NULL, err) < 0 ||
        staging_add_blob(st, manifest_text, manifest_len, NULL, err) < 0)
        return -1;
    staging_add_image(st, steal_pointer(&info), steal_pointer(&owned_tags));
    return 0;
}

static int load_descriptor(struct staging *st, int srcfd, const struct oci_descriptor *d, char **tags, int depth,
                           const char *what, struct hull_error **err);

/* A nested index (multi-platform image): the entry for this machine. */
static int load_nested_index(struct staging *st, int srcfd, const struct oci_descriptor *d, char **tags, int depth,
                             const char *what, struct hull_error **err)
{
    cleanup_strv char **owned_tags = tags;
    if (depth >= MAX_INDEX_DEPTH)
        return hull_error_set(err, 0, "%s: image indexes nested more than %d deep", what, MAX_INDEX_DEPTH);
    cleanup_free char *text = NULL;
    size_t len;
    if (read_verified_blob(srcfd, d, "image index", &text, &len, err) < 0)
        return hull_error_wrap(err, "%s", what);
    cleanup_oci_manifest struct oci_manifest index = {0};
    if (oci_manifest_parse(text, len, "image index", &index, err) < 0)
        return hull_error_wrap(err, "%s", what);
    const char *arch = image_host_architecture();
    for (size_t i = 0; i < index.n_manifests; i++) {
        const struct oci_descriptor *m = &index.manifests[i];
        const char *os = m->os, *march = m->architecture;
        if (m->has_platform && (!os || strcmp(os, "linux") || !march || strcmp(march, arch)))
            continue;
        return load_descriptor(st, srcfd, m, steal_pointer(&owned_tags), depth + 1, what, err);
    }
    return hull_error_set(err, 0, "%s: the image index has no image for linux/%s", what, arch);
}

static int load_descriptor(struct staging *st, int srcfd, const struct oci_descriptor *d, char **tags, int depth,
                           const char *what, struct hull_error **err)
{
    cleanup_strv char **owned_tags = tags;
    if (descriptor_check(d, what, err) < 0)
        return -1;
    const char *mt = d->media_type ? d->media_type : "";
    if (!strcmp(mt, MT_OCI_MANIFEST) || !strcmp(mt, MT_DOCKER_MANIFEST))
        return load_image_manifest(st, srcfd, d, steal_pointer(&owned_tags), err);
    if (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST))
        return load_nested_index(st, srcfd, d, steal_pointer(&owned_tags), depth, what, err);
    return hull_error_set(err, 0, "%s: unsupported media type \"%s\" (want an image manifest or index)", what, mt);
}

int load_oci_layout(struct staging *st, int srcfd, struct hull_error **err)
{
    cleanup_free char *layout_text = NULL;
    size_t len;
    if (source_read_small(srcfd, "oci-layout", &layout_text, &len, err) < 0)
        return hull_error_wrap(err, "not an OCI image layout");
    cleanup_free char *version = NULL;
    if (oci_layout_parse(layout_text, len, &version, err) < 0)
        return -1;
    if (!version || strncmp(version, "1.", 2))
        return hull_error_set(err, 0, "unsupported OCI image layout version \"%s\" (want 1.x)",
                              version ? version : "(missing)");

    cleanup_free char *index_text = NULL;
    if (source_read_small(srcfd, "index.json", &index_text, &len, err) < 0)
        return -1;
    cleanup_oci_manifest struct oci_manifest index = {0};
    if (oci_manifest_parse(index_text, len, "index.json", &index, err) < 0)
        return -1;
    if (index.n_manifests == 0)
        return hull_error_set(err, 0, "index.json lists no images");
    for (size_t i = 0; i < index.n_manifests; i++) {
        const struct oci_descriptor *desc = &index.manifests[i];
        char **tags = xmalloc0(sizeof(char *));
        if (names_from_annotations(desc, &tags, err) < 0) {
            strv_free(tags);
            return hull_error_wrap(err, "index.json manifests[%zu]", i);
        }
        cleanup_free char *what = xasprintf("index.json manifests[%zu]", i);
        if (load_descriptor(st, srcfd, desc, tags, 0, what, err) < 0)
            return -1;
    }
    return 0;
}
