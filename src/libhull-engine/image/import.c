/* image_import: a root filesystem tarball becomes a one-layer image, as
 * `docker import` does.  The tarball is streamed once: unpacked into staging
 * while its two digests are computed; the config and an OCI manifest are then
 * generated around the layer. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/utils.h"
#include "image_change.h"
#include "image_json.h"
#include "load_internal.h"
#include "oci_write.h"
#include "reference.h"

static const char *oci_layer_media_type(const char *mt)
{
    return mt ? mt : OCI_MT_LAYER;
}

int image_import(struct image_store *store, const char *path, const struct image_import_opts *opts,
                 const struct image_progress *progress, char id_out[static DIGEST_STR_SIZE], struct hull_error **err)
{
    cleanup_strv char **tags = xmalloc0(sizeof(char *));
    if (opts->reference && tags_add(&tags, opts->reference, "image name", err) < 0)
        return -1;
    /* Validate the changes before reading a possibly big tarball. */
    cleanup_free char *container_config = NULL;
    if (image_changes_config(opts->changes, &container_config, err) < 0)
        return -1;

    bool from_stdin = !strcmp(path, "-");
    const char *name = from_stdin ? "standard input" : path;
    cleanup_close int fd = from_stdin ? fcntl(0, F_DUPFD_CLOEXEC, 3) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return hull_error_set(err, errno, "open %s", name);
    struct stat sb;
    if (fstat(fd, &sb) < 0)
        return hull_error_set(err, errno, "stat %s", name);
    if (S_ISDIR(sb.st_mode))
        return hull_error_set(err, 0, "%s is a directory: import wants a tarball (tar -C DIR -c .)", name);
    if (from_stdin && isatty(fd))
        return hull_error_set(err, 0, "refusing to read a tarball from a terminal: give a FILE or a pipe");

    cleanup_staging struct staging *st = NULL;
    if (staging_begin(store, progress, &st, err) < 0)
        return -1;
    st->layers_total = 1;
    cleanup_free char *what = xasprintf("rootfs tarball %s", name);
    struct image_layer_info layer = {0};
    struct layer_expect expect = {
        .size = UINT64_MAX,
        .size_hint = S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0,
        .what = what,
    };
    if (staging_add_layer(st, fd, &expect, &layer, err) < 0) {
        free(layer.media_type);
        return -1;
    }
    st->layers_done = 1;
    staging_report(st, IMAGE_PROGRESS_LAYER_DONE, layer.diff_id);

    cleanup_free char *now = rfc3339_now();
    const char *arch = image_host_architecture();
    cleanup_free char *comment = opts->message ? xstrdup(opts->message) : xasprintf("imported from %s", name);
    const char *diff_ids[] = {layer.diff_id};
    struct oci_history_entry history = {.created = now, .created_by = "hull import", .comment = comment};
    struct oci_image_config config = {.created = now,
                                      .architecture = arch,
                                      .os = "linux",
                                      .container_config = container_config,
                                      .diff_ids = diff_ids,
                                      .n_diff_ids = 1,
                                      .history = &history,
                                      .n_history = 1};
    cleanup_free char *config_text = oci_image_config_to_json(&config);
    if (!config_text) {
        free(layer.media_type);
        return hull_error_set(err, 0, "internal error: the changes made no config object");
    }

    cleanup_image_info struct image_info *info = xmalloc0(sizeof *info);
    if (staging_add_blob(st, config_text, strlen(config_text), info->id, err) < 0) {
        free(layer.media_type);
        return -1;
    }

    /* An OCI manifest around it, so the image has the same digests it would have if saved. */
    struct oci_descriptor_out layer_desc = {
        .media_type = oci_layer_media_type(layer.media_type), .digest = layer.digest, .size = layer.blob_size};
    struct oci_manifest_out manifest = {
        .config = {.media_type = OCI_MT_CONFIG, .digest = info->id, .size = strlen(config_text)},
        .layers = &layer_desc,
        .n_layers = 1};
    cleanup_free char *manifest_text = oci_manifest_to_json(&manifest);
    if (staging_add_blob(st, manifest_text, strlen(manifest_text), info->manifest, err) < 0) {
        free(layer.media_type);
        return -1;
    }

    info->created = steal_pointer(&now);
    info->created_unix = rfc3339_to_unix(info->created);
    info->os = xstrdup("linux");
    info->architecture = xstrdup(arch);
    info->n_layers = 1;
    info->layers = xmalloc0(2 * sizeof *info->layers);
    info->layers[0] = layer;
    info->size = layer.size;
    memcpy(id_out, info->id, DIGEST_STR_SIZE);
    staging_add_image(st, steal_pointer(&info), steal_pointer(&tags));
    return staging_commit(st, err);
}
