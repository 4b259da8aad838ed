/* image_save: see save.h.  The outer tar is written here (ustar: every name in
 * it is short, sizes beyond the octal field use GNU's base-256). */
#include "save.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/utils.h"
#include "oci_write.h"
#include "reference.h"
#include "store.h"
#include "store_internal.h"
#include "tarsplit.h"

#define BLOCK 512

struct out {
    int fd;
    uint64_t written;
    struct hull_error **err;
};

static int out_write(const void *buf, size_t n, void *data)
{
    struct out *o = data;
    if (write_all(o->fd, buf, n) < 0)
        return hull_error_set(o->err, errno, "write the archive");
    o->written += n;
    return 0;
}

static void octal(char *field, size_t len, uint64_t v)
{
    snprintf(field, len, "%0*llo", (int)len - 1, (unsigned long long)v);
}

static int tar_header(struct out *o, const char *name, char type, uint64_t size)
{
    char h[BLOCK] = {0};
    if (strlen(name) > 100)
        return hull_error_set(o->err, 0, "internal error: archive name %s too long", name);
    memcpy(h, name, strlen(name));
    octal(h + 100, 8, type == '5' ? 0755 : 0644);
    octal(h + 108, 8, 0);
    octal(h + 116, 8, 0);
    if (size < 077777777777ULL) {
        octal(h + 124, 12, size);
    } else { /* GNU base-256 */
        h[124] = (char)0x80;
        for (int i = 11; i > 0; i--, size >>= 8)
            h[124 + i] = (char)(size & 0xff);
    }
    octal(h + 136, 12, 0); /* mtime: reproducible archives */
    memset(h + 148, ' ', 8);
    h[156] = type;
    memcpy(h + 257, "ustar\0" "00", 8);
    unsigned sum = 0;
    for (size_t i = 0; i < BLOCK; i++)
        sum += (unsigned char)h[i];
    snprintf(h + 148, 8, "%06o", sum);
    return out_write(h, BLOCK, o);
}

static int tar_pad(struct out *o, uint64_t size)
{
    static const char zero[BLOCK];
    size_t pad = (size_t)((BLOCK - size % BLOCK) % BLOCK);
    return pad ? out_write(zero, pad, o) : 0;
}

static int tar_file(struct out *o, const char *name, const void *data, size_t len)
{
    if (tar_header(o, name, '0', len) < 0 || out_write(data, len, o) < 0)
        return -1;
    return tar_pad(o, len);
}

/* The open tar-split and layer tree of diff_id. */
static int open_layer(struct image_store *store, const char *diff_id, int *split, int *root, struct hull_error **err)
{
    const char *hex = digest_hex(diff_id);
    cleanup_free char *split_path = xasprintf("layers/%s/" LAYER_TAR_SPLIT, hex);
    cleanup_free char *diff_path = xasprintf("layers/%s/diff", hex);
    *split = openat(store->rootfd, split_path, O_RDONLY | O_CLOEXEC);
    if (*split < 0 && errno == ENOENT)
        return hull_error_set(err, 0,
                              "layer %s was stored before hull kept the tar of each layer: remove the image and "
                              "pull or load it again",
                              diff_id);
    if (*split < 0)
        return hull_error_set(err, errno, "open %s/%s", store->root, split_path);
    *root = openat(store->rootfd, diff_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (*root < 0) {
        closep(split);
        return hull_error_set(err, errno, "open %s/%s", store->root, diff_path);
    }
    return 0;
}

int image_layer_tar_size(struct image_store *store, const char *diff_id, uint64_t *size, struct hull_error **err)
{
    cleanup_close int split = -1, root = -1;
    if (open_layer(store, diff_id, &split, &root, err) < 0)
        return -1;
    if (tar_split_size(split, size, err) < 0)
        return hull_error_wrap(err, "layer %s", diff_id);
    return 0;
}

struct hashing {
    int (*write_fn)(const void *buf, size_t n, void *data);
    void *data;
    struct digester hash;
};

static int hash_and_write(const void *buf, size_t n, void *data)
{
    struct hashing *h = data;
    digester_update(&h->hash, buf, n);
    return h->write_fn(buf, n, h->data);
}

int image_layer_tar(struct image_store *store, const char *diff_id, int (*write_fn)(const void *buf, size_t n, void *data),
                    void *data, struct hull_error **err)
{
    cleanup_close int split = -1, root = -1;
    if (open_layer(store, diff_id, &split, &root, err) < 0)
        return -1;
    struct hashing h = {.write_fn = write_fn, .data = data};
    digester_init(&h.hash);
    if (tar_split_reassemble(split, root, hash_and_write, &h, err) < 0)
        return hull_error_wrap(err, "layer %s", diff_id);
    char got[DIGEST_STR_SIZE];
    digester_final(&h.hash, got);
    if (strcmp(got, diff_id))
        return hull_error_set(err, 0,
                              "layer %s cannot be given back as it came: its files differ from its tar (%s)", diff_id,
                              got);
    return 0;
}

/* A layer's tar as an archive member, checked against its diff_id. */
static int tar_layer(struct out *o, struct image_store *store, const char *name, const char *diff_id,
                     uint64_t *size_out)
{
    uint64_t size;
    if (image_layer_tar_size(store, diff_id, &size, o->err) < 0 || tar_header(o, name, '0', size) < 0)
        return -1;
    uint64_t before = o->written;
    if (image_layer_tar(store, diff_id, out_write, o, o->err) < 0)
        return -1;
    if (o->written - before != size)
        return hull_error_set(o->err, 0, "layer %s: its tar-split is inconsistent", diff_id);
    if (size_out)
        *size_out = size;
    return tar_pad(o, size);
}

/* The tag name refers to, when it is one of the image's tags ("busybox" ->
 * "busybox:latest"); NULL for an id. */
static char *tag_of(const struct image_info *img, const char *name)
{
    struct image_ref ref;
    if (image_ref_parse(name, &ref, NULL) < 0)
        return NULL;
    char *found = NULL;
    if (ref.tag) {
        cleanup_free char *domain = NULL, *path = NULL;
        bool qualified;
        image_name_split(ref.name, &domain, &path, &qualified);
        cleanup_free char *familiar = image_name_familiar(domain, path);
        cleanup_free char *key = xasprintf("%s:%s", familiar, ref.tag);
        cleanup_free char *asis = image_ref_format(&ref);
        for (char **t = img->tags; *t && !found; t++)
            if (!strcmp(*t, key) || !strcmp(*t, asis))
                found = xstrdup(*t);
    }
    image_ref_clear(&ref);
    return found;
}

/* "busybox:latest" -> "docker.io/library/busybox:latest" */
static char *full_name(const char *tag)
{
    const char *colon = strrchr(tag, ':');
    cleanup_free char *name = strndup(tag, (size_t)(colon - tag));
    cleanup_free char *domain = NULL, *path = NULL;
    bool qualified;
    image_name_split(name, &domain, &path, &qualified);
    return xasprintf("%s/%s%s", domain, path, colon);
}

struct saved {
    char **layers; /* diff_ids already in the archive */
    size_t n;
    uint64_t *sizes;
    /* The top document: manifest.json's entries, or index.json's manifests. */
    struct docker_archive_entry_out *entries;
    struct oci_descriptor_out *manifests;
    size_t n_images;
    char **strings; /* what entries and manifests point to */
    size_t n_strings;
};

/* Keeps s (malloc'd) until the end of the save; returns it. */
static char *keep(struct saved *saved, char *s)
{
    saved->strings = xrealloc(saved->strings, (saved->n_strings + 1) * sizeof *saved->strings);
    saved->strings[saved->n_strings++] = s;
    return s;
}

static bool already(struct saved *s, const char *diff_id, uint64_t *size)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->layers[i], diff_id)) {
            *size = s->sizes[i];
            return true;
        }
    return false;
}

static void remember(struct saved *s, const char *diff_id, uint64_t size)
{
    s->layers = xrealloc(s->layers, (s->n + 1) * sizeof *s->layers);
    s->sizes = xrealloc(s->sizes, (s->n + 1) * sizeof *s->sizes);
    s->layers[s->n] = xstrdup(diff_id);
    s->sizes[s->n++] = size;
}

static int save_one(struct out *o, struct image_store *store, const char *name, enum image_save_format format,
                    struct saved *saved)
{
    cleanup_image_info struct image_info *img = NULL;
    cleanup_free char *config = NULL;
    size_t config_len;
    if (image_store_lookup(store, name, &img, o->err) < 0 ||
        image_store_read_blob(store, img->id, &config, &config_len, o->err) < 0)
        return -1;
    char *tag = keep(saved, tag_of(img, name));
    const char *hex = digest_hex(img->id);
    bool docker = format == IMAGE_SAVE_DOCKER_ARCHIVE;
    char *config_name = keep(saved, docker ? xasprintf("%s.json", hex) : xasprintf("blobs/sha256/%s", hex));
    if (tar_file(o, config_name, config, config_len) < 0)
        return -1;
    /* docker: the layers' names; OCI: their descriptors. */
    const char **names = xmalloc0((img->n_layers + 1) * sizeof *names);
    keep(saved, (char *)names);
    cleanup_free struct oci_descriptor_out *layers = xmalloc0((img->n_layers + 1) * sizeof *layers);
    for (size_t i = 0; i < img->n_layers; i++) {
        const char *diff_id = img->layers[i].diff_id;
        const char *lhex = digest_hex(diff_id);
        uint64_t size = 0;
        if (!already(saved, diff_id, &size)) {
            if (docker) {
                cleanup_free char *dir = xasprintf("%s/", lhex);
                if (tar_header(o, dir, '5', 0) < 0)
                    return -1;
            }
            cleanup_free char *lname = docker ? xasprintf("%s/layer.tar", lhex) : xasprintf("blobs/sha256/%s", lhex);
            if (tar_layer(o, store, lname, diff_id, &size) < 0)
                return -1;
            remember(saved, diff_id, size);
        }
        if (docker)
            names[i] = keep(saved, xasprintf("%s/layer.tar", lhex));
        else
            layers[i] = (struct oci_descriptor_out){.media_type = OCI_MT_LAYER, .digest = diff_id, .size = size};
    }
    size_t n = saved->n_images;
    if (docker) {
        saved->entries = xrealloc(saved->entries, (n + 1) * sizeof *saved->entries);
        saved->entries[n] = (struct docker_archive_entry_out){
            .config = config_name, .repo_tag = tag, .layers = names, .n_layers = img->n_layers};
        saved->n_images++;
        return 0;
    }
    /* OCI: a manifest of our own (uncompressed layers: their digests are the diff_ids). */
    struct oci_manifest_out m = {.config = {.media_type = OCI_MT_CONFIG, .digest = img->id, .size = config_len},
                             .layers = layers,
                             .n_layers = img->n_layers};
    cleanup_free char *mtext = oci_manifest_to_json(&m);
    size_t mlen = strlen(mtext);
    char *mdigest = keep(saved, xmalloc0(DIGEST_STR_SIZE));
    digest_of(mtext, mlen, mdigest);
    cleanup_free char *mname = xasprintf("blobs/sha256/%s", digest_hex(mdigest));
    if (tar_file(o, mname, mtext, mlen) < 0)
        return -1;
    saved->manifests = xrealloc(saved->manifests, (n + 1) * sizeof *saved->manifests);
    saved->manifests[n] = (struct oci_descriptor_out){.media_type = OCI_MT_MANIFEST,
                                                  .digest = mdigest,
                                                  .size = mlen,
                                                  .ref_name = tag,
                                                  .full_name = tag ? keep(saved, full_name(tag)) : NULL};
    saved->n_images++;
    return 0;
}

int image_save(struct image_store *store, char *const *names, enum image_save_format format, int out_fd,
               struct hull_error **err)
{
    if (!names || !names[0])
        return hull_error_set(err, 0, "no image to save");
    struct out o = {.fd = out_fd, .err = err};
    struct saved saved = {0};
    bool docker = format == IMAGE_SAVE_DOCKER_ARCHIVE;
    int r = 0;
    if (!docker) {
        const char *layout = oci_layout_json();
        r = tar_file(&o, "oci-layout", layout, strlen(layout));
        if (r == 0)
            r = tar_header(&o, "blobs/", '5', 0);
        if (r == 0)
            r = tar_header(&o, "blobs/sha256/", '5', 0);
    }
    for (char *const *n = names; r == 0 && *n; n++)
        r = save_one(&o, store, *n, format, &saved);
    if (r == 0) {
        cleanup_free char *text = docker ? docker_archive_manifest_to_json(saved.entries, saved.n_images)
                                         : oci_index_to_json(saved.manifests, saved.n_images);
        r = tar_file(&o, docker ? "manifest.json" : "index.json", text, strlen(text));
    }
    if (r == 0) {
        static const char zero[2 * BLOCK];
        r = out_write(zero, sizeof zero, &o);
    }
    for (size_t i = 0; i < saved.n; i++)
        free(saved.layers[i]);
    free(saved.layers);
    free(saved.sizes);
    for (size_t i = 0; i < saved.n_strings; i++)
        free(saved.strings[i]);
    free(saved.strings);
    free(saved.entries);
    free(saved.manifests);
    return r;
}
