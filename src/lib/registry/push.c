/* registry_push: an image from the store to a registry (distribution spec
 * "push"), layers first, the manifest last:
 *
 *   for each layer: its tar as it came (image/save.h, checked against the
 *     diff_id), gzip-compressed into an unnamed temporary file while hashed;
 *     HEAD the blob: there already ("Layer already exists"), else POST an
 *     upload and PUT the file to its Location with ?digest= (monolithic);
 *   the config blob likewise; then PUT an OCI manifest by tag.
 *
 * The image id (the config's digest) is kept: the registry has the same
 * config, and its diff_ids match the layers once decompressed.  The layer and
 * manifest digests are new (recompressed), as with docker and podman. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../image/image_json.h"
#include "../image/reference.h"
#include "../image/save.h"
#include "../image/store.h"
#include "../util/utils.h"
#include "client.h"
#include "conf.h"
#include "registry.h"

#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"

void registry_push_result_clear(struct registry_push_result *r)
{
    free(r->full_name);
    memset(r, 0, sizeof *r);
}

/* ---- compressing a layer into a temporary file ---- */

struct gz {
    z_stream z;
    int fd;
    struct digester hash;
    uint64_t size;
    unsigned char out[64 * 1024];
    struct hull_error **err;
};

static int gz_drain(struct gz *g, int flush)
{
    do {
        g->z.next_out = g->out;
        g->z.avail_out = sizeof g->out;
        int r = deflate(&g->z, flush);
        if (r == Z_STREAM_ERROR)
            return hull_error_set(g->err, 0, "gzip failed");
        size_t n = sizeof g->out - g->z.avail_out;
        if (n && write_all(g->fd, g->out, n) < 0)
            return hull_error_set(g->err, errno, "write the compressed layer");
        digester_update(&g->hash, g->out, n);
        g->size += n;
    } while (g->z.avail_out == 0);
    return 0;
}

static int gz_write(const void *buf, size_t n, void *data)
{
    struct gz *g = data;
    g->z.next_in = (unsigned char *)buf;
    g->z.avail_in = (uInt)n;
    return gz_drain(g, Z_NO_FLUSH);
}

/* An unnamed file in the store's tmp/ (gone when closed, whatever happens). */
static int temp_file(const char *store_root, struct hull_error **err)
{
    cleanup_free char *dir = xasprintf("%s/tmp", store_root);
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0)
        fd = open("/var/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0)
        return hull_error_set(err, errno, "create a temporary file in %s", dir);
    return fd;
}

static int compress_layer(struct image_store *store, const char *store_root, const char *diff_id, int *fd_out,
                          char digest[static DIGEST_STR_SIZE], uint64_t *size, struct hull_error **err)
{
    struct gz *g = xmalloc0(sizeof *g);
    g->err = err;
    g->fd = temp_file(store_root, err);
    if (g->fd < 0) {
        free(g);
        return -1;
    }
    digester_init(&g->hash);
    /* windowBits 16+15: a gzip header, as layer media type +gzip means */
    if (deflateInit2(&g->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        close(g->fd);
        free(g);
        return hull_error_set(err, 0, "gzip init failed");
    }
    int r = image_layer_tar(store, diff_id, gz_write, g, err);
    if (r == 0) {
        g->z.avail_in = 0;
        r = gz_drain(g, Z_FINISH);
    }
    deflateEnd(&g->z);
    if (r < 0) {
        close(g->fd);
        free(g);
        return -1;
    }
    digester_final(&g->hash, digest);
    *size = g->size;
    *fd_out = g->fd;
    free(g);
    return 0;
}

/* ---- uploads ---- */

struct push_ctx {
    struct registry_client *c;
    const char *repo;
    const char *scope;
    const char *what;
    const struct registry_pull_progress *progress;
    size_t n_layers;
};

static void emit(const struct push_ctx *p, enum registry_pull_event_kind kind, size_t layer, const char *digest,
                 uint64_t done, uint64_t total)
{
    if (!p->progress || !p->progress->fn)
        return;
    struct registry_pull_event ev = {
        .kind = kind, .layer = layer, .n_layers = p->n_layers, .layer_digest = digest, .done = done, .total = total};
    p->progress->fn(&ev, p->progress->data);
}

/* HEAD: does the repository have this blob? */
static int blob_exists(struct push_ctx *p, const char *digest, bool *exists, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("/v2/%s/blobs/%s", p->repo, digest);
    struct registry_response r;
    if (registry_client_send(p->c, "HEAD", path, p->scope, NULL, NULL, &r, err) < 0)
        return hull_error_wrap(err, "%s", p->what);
    int ret = 0;
    *exists = r.status == 200;
    if (r.status != 200 && r.status != 404)
        ret = registry_client_status_error(p->c, &r, p->what, err);
    registry_response_clear(&r);
    return ret;
}

static int upload_blob(struct push_ctx *p, const char *digest, const struct registry_body *body,
                       struct hull_error **err)
{
    cleanup_free char *start = xasprintf("/v2/%s/blobs/uploads/", p->repo);
    struct registry_response r;
    if (registry_client_send(p->c, "POST", start, p->scope, NULL, NULL, &r, err) < 0)
        return hull_error_wrap(err, "%s", p->what);
    if (r.status != 202 || !r.location) {
        int ret = r.status == 202 ? hull_error_set(err, 0, "%s: registry %s started an upload without a Location",
                                                   p->what, registry_client_host(p->c))
                                  : registry_client_status_error(p->c, &r, p->what, err);
        registry_response_clear(&r);
        return ret;
    }
    cleanup_free char *location = steal_pointer(&r.location);
    registry_response_clear(&r);
    cleanup_free char *put = xasprintf("%s%cdigest=%s", location, strchr(location, '?') ? '&' : '?', digest);
    if (registry_client_send(p->c, "PUT", put, p->scope, "application/octet-stream", body, &r, err) < 0)
        return hull_error_wrap(err, "%s", p->what);
    int ret = r.status == 201 ? 0 : registry_client_status_error(p->c, &r, p->what, err);
    registry_response_clear(&r);
    return ret;
}

int registry_push(const char *store_root, const struct registry_push_opts *opts,
                  const struct registry_pull_progress *progress, struct registry_push_result *out,
                  struct hull_error **err)
{
    memset(out, 0, sizeof *out);
    const char *dest_text = opts->destination ? opts->destination : opts->source;
    cleanup_image_ref struct image_ref dest = {0};
    if (image_ref_parse(dest_text, &dest, err) < 0)
        return -1;
    if (!dest.tag)
        return hull_error_set(err, 0, "cannot push to a digest reference \"%s\": give NAME[:TAG]", dest_text);
    cleanup_free char *domain = NULL, *repo = NULL;
    bool qualified;
    image_name_split(dest.name, &domain, &repo, &qualified);
    cleanup_free char *full = xasprintf("%s/%s:%s", domain, repo, dest.tag);
    cleanup_free char *what = xasprintf("push of %s", full);

    cleanup_registries_conf struct registries_conf *conf = NULL;
    if (registries_conf_load(&conf, err) < 0)
        return -1;
    cleanup_free char *name = xasprintf("%s/%s", domain, repo);
    const struct registry_entry *e = registries_conf_find(conf, name);
    if (e && e->blocked)
        return hull_error_set(err, 0, "registry %s is blocked in %s", domain, conf->path ? conf->path : "registries.conf");

    cleanup_image_store struct image_store *store = NULL;
    cleanup_image_info struct image_info *img = NULL;
    cleanup_free char *config = NULL;
    size_t config_len;
    if (image_store_open(store_root, false, &store, err) < 0 || image_store_lookup(store, opts->source, &img, err) < 0 ||
        image_store_read_blob(store, img->id, &config, &config_len, err) < 0)
        return -1;

    struct registry_client_opts co = {
        .host = domain, .insecure = opts->tls_verify_off || (e && e->insecure), .authfile = opts->authfile};
    cleanup_registry_client struct registry_client *c = NULL;
    if (registry_client_new(&co, &c, err) < 0)
        return -1;
    cleanup_free char *scope = xasprintf("repository:%s:pull,push", repo);
    struct push_ctx p = {.c = c, .repo = repo, .scope = scope, .what = what, .progress = progress,
                         .n_layers = img->n_layers};
    if (progress && progress->fn) {
        cleanup_free char *repo_name = xasprintf("%s/%s", domain, repo);
        struct registry_pull_event ev = {.kind = REGISTRY_PUSH_START, .detail = repo_name};
        progress->fn(&ev, progress->data);
    }

    struct json_object *layers = json_object_new_array();
    int ret = 0;
    for (size_t i = 0; ret == 0 && i < img->n_layers; i++) {
        const char *diff_id = img->layers[i].diff_id;
        emit(&p, REGISTRY_PUSH_LAYER_PREPARING, i, diff_id, 0, 0);
        char digest[DIGEST_STR_SIZE] = "";
        uint64_t size = 0;
        int fd = -1;
        ret = compress_layer(store, store_root, diff_id, &fd, digest, &size, err);
        bool exists = false;
        if (ret == 0)
            ret = blob_exists(&p, digest, &exists, err);
        if (ret == 0 && exists) {
            emit(&p, REGISTRY_PUSH_LAYER_EXISTS, i, digest, size, size);
        } else if (ret == 0) {
            emit(&p, REGISTRY_PUSH_LAYER_PUSHING, i, digest, 0, size);
            struct registry_body body = {.fd = fd, .len = size};
            ret = upload_blob(&p, digest, &body, err);
            if (ret == 0)
                emit(&p, REGISTRY_PUSH_LAYER_PUSHED, i, digest, size, size);
        }
        if (fd >= 0)
            close(fd);
        if (ret == 0) {
            struct json_object *d = json_object_new_object();
            json_object_object_add(d, "mediaType", json_object_new_string(MT_OCI_LAYER_GZIP));
            json_object_object_add(d, "digest", json_object_new_string(digest));
            json_object_object_add(d, "size", json_object_new_int64((int64_t)size));
            json_object_array_add(layers, d);
        }
    }
    bool exists = false;
    if (ret == 0)
        ret = blob_exists(&p, img->id, &exists, err);
    if (ret == 0 && !exists) {
        struct registry_body body = {.data = config, .fd = -1, .len = config_len};
        ret = upload_blob(&p, img->id, &body, err);
    }
    if (ret < 0) {
        json_object_put(layers);
        return -1;
    }
    struct json_object *m = json_object_new_object();
    json_object_object_add(m, "schemaVersion", json_object_new_int(2));
    json_object_object_add(m, "mediaType", json_object_new_string(MT_OCI_MANIFEST));
    struct json_object *cd = json_object_new_object();
    json_object_object_add(cd, "mediaType", json_object_new_string(MT_OCI_CONFIG));
    json_object_object_add(cd, "digest", json_object_new_string(img->id));
    json_object_object_add(cd, "size", json_object_new_int64((int64_t)config_len));
    json_object_object_add(m, "config", cd);
    json_object_object_add(m, "layers", layers);
    const char *text = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    struct registry_body body = {.data = text, .fd = -1, .len = strlen(text)};
    digest_of(text, strlen(text), out->digest);
    out->size = strlen(text);
    cleanup_free char *path = xasprintf("/v2/%s/manifests/%s", repo, dest.tag);
    struct registry_response r;
    ret = registry_client_send(c, "PUT", path, scope, MT_OCI_MANIFEST, &body, &r, err);
    json_object_put(m);
    if (ret < 0)
        return hull_error_wrap(err, "%s", what);
    if (r.status != 201)
        ret = registry_client_status_error(c, &r, what, err);
    registry_response_clear(&r);
    if (ret == 0)
        out->full_name = steal_pointer(&full);
    return ret;
}
