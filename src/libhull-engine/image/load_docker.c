/* Reading a docker-archive (`docker save`, `podman save`): manifest.json is
 *   [{"Config": "<hex>.json", "RepoTags": ["name:tag"], "Layers": ["<id>/layer.tar", ...]}]
 * (docker 25+ writes "blobs/sha256/<hex>" paths instead).  The archive carries
 * no descriptors, so the checks are: the config's sha256 is its image id and
 * must match the hex in its file name; every layer's uncompressed sha256 must
 * be the config's rootfs.diff_ids[i]; a layer stored under blobs/sha256/<hex>
 * must hash to <hex>. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/utils.h"
#include "image_json.h"
#include "load_internal.h"

/* The 64-hex digest a path names ("<hex>.json", "blobs/sha256/<hex>"), written
 * into out as "sha256:<hex>"; false when the name carries none. */
static bool digest_in_path(const char *path, char out[static DIGEST_STR_SIZE])
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strcspn(base, ".");
    if (len != DIGEST_HEX_LEN)
        return false;
    if (strcmp(base + len, "") && strcmp(base + len, ".json"))
        return false;
    snprintf(out, DIGEST_STR_SIZE, "sha256:%.*s", DIGEST_HEX_LEN, base);
    return digest_is_valid(out);
}

static bool is_blob_path(const char *path)
{
    return !strncmp(path, "blobs/sha256/", 13);
}

/* RepoTags: the names the archive gives the image (none is fine: a bare id). */
static int read_repo_tags(const struct docker_archive_entry *entry, const char *where, char ***tags,
                          struct hull_error **err)
{
    for (size_t i = 0; i < entry->n_repo_tags; i++) {
        if (!entry->repo_tags[i])
            return hull_error_set(err, 0, "%s: RepoTags[%zu] is not a string", where, i);
        if (tags_add(tags, entry->repo_tags[i], where, err) < 0)
            return -1;
    }
    return 0;
}

/* The image config, read whole: its sha256 is the image id (into info->id),
 * and a file name that carries a digest must carry that one. */
static int read_config(int srcfd, const char *config_path, const char *what, struct image_info *info, char **text,
                       size_t *len, struct image_config_info *config, struct hull_error **err)
{
    if (source_read_small(srcfd, config_path, text, len, err) < 0)
        return hull_error_wrap(err, "%s", what);
    digest_of(*text, *len, info->id);
    char named[DIGEST_STR_SIZE];
    if (digest_in_path(config_path, named) && strcmp(named, info->id))
        return hull_error_set(err, 0, "%s: config %s is corrupt: its content has digest %s", what, config_path,
                              info->id);
    if (image_config_info_parse(*text, *len, config_path, config, err) < 0)
        return hull_error_wrap(err, "%s", what);
    return 0;
}

/* Layer i from the archive into the staging store: its uncompressed sha256
 * must be the config's diff_ids[i], and one stored under blobs/sha256/<hex>
 * must hash to <hex> (the archive has no descriptors to check against). */
static int load_layer(struct staging *st, int srcfd, const char *what, size_t i, const char *layer_path,
                      const char *diff_id, struct image_layer_info *l, struct hull_error **err)
{
    cleanup_free char *lwhat = xasprintf("%s: layer %zu (%s)", what, i + 1, layer_path);
    cleanup_close int fd = source_open_file(srcfd, layer_path, err);
    if (fd < 0)
        return hull_error_wrap(err, "%s", what);
    char stored[DIGEST_STR_SIZE] = "";
    if (is_blob_path(layer_path) && !digest_in_path(layer_path, stored))
        return hull_error_set(err, 0, "%s: a blob path without a sha256 digest", lwhat);
    struct stat sb;
    struct layer_expect expect = {
        .digest = stored,
        .diff_id = diff_id,
        .size = UINT64_MAX,
        .size_hint = fstat(fd, &sb) == 0 ? (uint64_t)sb.st_size : 0,
        .what = lwhat,
    };
    if (staging_add_layer(st, fd, &expect, l, err) < 0)
        return -1;
    st->layers_done++;
    staging_report(st, IMAGE_PROGRESS_LAYER_DONE, l->diff_id);
    return 0;
}

/* Every layer of Layers into info->layers; old: the store's record of this
 * image when it already holds it complete, whose layers are reused unread. */
static int load_layers(struct staging *st, int srcfd, const struct docker_archive_entry *entry, const char *where,
                       const char *what, const char **diff_ids, const struct image_info *old, struct image_info *info,
                       struct hull_error **err)
{
    size_t n = entry->n_layers;
    for (size_t i = 0; i < n; i++) {
        const char *p = entry->layers[i];
        if (!p)
            return hull_error_set(err, 0, "%s: Layers[%zu] is not a string", where, i);
        struct image_layer_info *l = &info->layers[i];
        if (old && i < old->n_layers) {
            *l = old->layers[i];
            l->media_type = xstrdup(old->layers[i].media_type);
            st->layers_done++;
            staging_report(st, IMAGE_PROGRESS_LAYER_EXISTS, l->diff_id);
            continue;
        }
        if (load_layer(st, srcfd, what, i, p, diff_ids[i], l, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < n; i++)
        info->size += info->layers[i].size;
    return 0;
}

/* One entry of manifest.json: its config, its layers and its tags staged. */
static int load_one(struct staging *st, int srcfd, const struct docker_archive_entry *entry, size_t index,
                    struct hull_error **err)
{
    cleanup_free char *where = xasprintf("manifest.json[%zu]", index);
    const char *config_path = entry->config;
    if (!config_path || !entry->has_layers)
        return hull_error_set(err, 0, "%s: missing Config or Layers", where);
    cleanup_strv char **owned_tags = xmalloc0(sizeof(char *));
    if (read_repo_tags(entry, where, &owned_tags, err) < 0)
        return -1;
    cleanup_free char *what = xasprintf("image %s", owned_tags[0] ? owned_tags[0] : config_path);

    cleanup_free char *config_text = NULL;
    size_t config_len;
    cleanup_image_info struct image_info *info = xmalloc0(sizeof *info);
    cleanup_image_config_info struct image_config_info config = {0};
    if (read_config(srcfd, config_path, what, info, &config_text, &config_len, &config, err) < 0)
        return -1;
    size_t n = entry->n_layers;
    cleanup_free const char **diff_ids = NULL;
    if (image_info_from_config(info, &config, n, &diff_ids, what, err) < 0)
        return -1;
    st->layers_total += n;
    bool present = store_has_image(st->store, info->id);
    cleanup_image_info struct image_info *old = NULL;
    if (present && image_store_lookup(st->store, info->id, &old, NULL) < 0)
        present = false;
    if (load_layers(st, srcfd, entry, where, what, diff_ids, present ? old : NULL, info, err) < 0)
        return -1;
    if (staging_add_blob(st, config_text, config_len, NULL, err) < 0)
        return -1;
    staging_add_image(st, steal_pointer(&info), steal_pointer(&owned_tags));
    return 0;
}

int load_docker_archive(struct staging *st, int srcfd, struct hull_error **err)
{
    cleanup_free char *text = NULL;
    size_t len;
    if (source_read_small(srcfd, "manifest.json", &text, &len, err) < 0)
        return -1;
    struct docker_archive_entry *entries = NULL;
    size_t n = 0;
    if (docker_archive_manifest_parse(text, len, &entries, &n, err) < 0)
        return -1;
    int ret = 0;
    for (size_t i = 0; i < n && ret == 0; i++)
        ret = load_one(st, srcfd, &entries[i], i, err);
    docker_archive_manifest_free(entries, n);
    return ret;
}
