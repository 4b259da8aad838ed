/* registry_push: an image from the store to a registry (distribution spec
 * "push"), layers first, the manifest last.  For each layer:
 *
 *   1. blobs of it the registry is known to have (blob_sources.h: recorded
 *      when it was pulled from, or pushed to, that registry): HEAD in the
 *      destination repository ("Layer already exists"), else a cross-repository
 *      mount from the repository that has it (POST ?mount=&from=: 201 is
 *      "Mounted from REPO"; 202 opens a plain upload, used below).  Nothing is
 *      compressed or sent;
 *   2. otherwise its tar as it came (image/save.h, checked against the
 *      diff_id), gzip-compressed into an unnamed temporary file while hashed;
 *      HEAD that digest; else POST an upload and send it: in chunks (PATCH
 *      with Content-Range, then PUT ?digest=) when it is bigger than a chunk,
 *      so a dropped connection costs one chunk, not the blob; in one PUT when
 *      it is small or the registry refuses chunks.
 *
 * Then the config blob likewise, and an OCI manifest PUT by tag.  The image id
 * (the config's digest) is kept: the registry has the same config, and its
 * diff_ids match the layers once decompressed.  A layer that went up anew gets
 * a new digest (recompressed), as with docker and podman; a mounted or
 * existing one keeps the digest it has in the registry.
 *
 * Nothing is written to the store but the sources hint: the temporary files
 * are O_TMPFILE and go with the process, however it ends. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "image/image_json.h"
#include "image/oci_write.h"
#include "image/reference.h"
#include "image/save.h"
#include "image/store.h"
#include "util/utils.h"
#include "blob_sources.h"
#include "client.h"
#include "conf.h"
#include "registry.h"
#include "upload_session.h"

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

/* Blobs larger than this go up in chunks of this size (HULL_PUSH_CHUNK_SIZE). */
#define DEFAULT_CHUNK_SIZE (16ULL * 1024 * 1024)
/* Recorded sources tried per layer (each is a request). */
#define MAX_SOURCE_TRIES 3
/* Times an upload's position is asked for again after a 416 before giving up. */
#define MAX_RESYNCS 3

struct push_ctx {
    struct registry_client *c;
    const char *store_root;
    const char *host; /* the registry as named: the key of the recorded sources */
    const char *repo;
    const char *scope;
    const char *what;
    const struct registry_pull_progress *progress;
    size_t n_layers;
    uint64_t chunk_size;
    unsigned max_concurrent;
    /* Layers go up from several threads (push_layers): events one at a time,
     * and a failure stops the others' uploads. */
    pthread_mutex_t emit_lock;
    int cancel; /* atomic */
};

static void emit(const struct push_ctx *p, enum registry_pull_event_kind kind, size_t layer, const char *digest,
                 uint64_t done, uint64_t total, const char *detail)
{
    if (!p->progress || !p->progress->fn)
        return;
    struct registry_pull_event ev = {.kind = kind, .layer = layer, .n_layers = p->n_layers, .layer_digest = digest,
                                     .done = done, .total = total, .detail = detail};
    pthread_mutex_lock((pthread_mutex_t *)&p->emit_lock);
    p->progress->fn(&ev, p->progress->data);
    pthread_mutex_unlock((pthread_mutex_t *)&p->emit_lock);
}

/* Bytes of one layer's blob on their way: PUSHING events. */
struct sent_progress {
    const struct push_ctx *p;
    size_t layer;
    const char *digest;
    uint64_t base, total; /* base: where the current request's body starts */
};

static void on_sent(uint64_t sent, void *data)
{
    struct sent_progress *s = data;
    emit(s->p, REGISTRY_PUSH_LAYER_PUSHING, s->layer, s->digest, s->base + sent, s->total, NULL);
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

/* POST an upload.  With from, asks the registry to mount digest from that
 * repository instead: 201 is done (*mounted), 202 is a plain upload session. */
static int upload_start(struct push_ctx *p, const char *digest, const char *from, char **location, bool *mounted,
                        uint64_t *chunk_min, struct hull_error **err)
{
    *location = NULL;
    *mounted = false;
    *chunk_min = 0;
    cleanup_free char *path = from ? xasprintf("/v2/%s/blobs/uploads/?mount=%s&from=%s", p->repo, digest, from)
                                   : xasprintf("/v2/%s/blobs/uploads/", p->repo);
    /* A mount reads the other repository: the token must say so too. */
    cleanup_free char *scope = from ? xasprintf("%s repository:%s:pull", p->scope, from) : xstrdup(p->scope);
    struct registry_response r;
    if (registry_client_send(p->c, "POST", path, scope, NULL, NULL, &r, err) < 0)
        return hull_error_wrap(err, "%s", p->what);
    int ret = 0;
    if (from && r.status == 201) {
        *mounted = true;
    } else if (r.status == 202 && r.location) {
        *location = steal_pointer(&r.location);
        *chunk_min = r.chunk_min;
    } else if (from && (r.status == 401 || r.status == 403 || r.status == 404)) {
        ret = 1; /* no access to the other repository (or it is gone): upload instead */
    } else if (r.status == 202) {
        ret = hull_error_set(err, 0, "%s: registry %s started an upload without a Location", p->what,
                             registry_client_host(p->c));
    } else {
        ret = registry_client_status_error(p->c, &r, p->what, err);
    }
    registry_response_clear(&r);
    return ret;
}

/* An upload session we will not use: the registry may drop it now. */
static void upload_cancel(struct push_ctx *p, const char *location)
{
    struct registry_response r;
    cleanup_error struct hull_error *ignored = NULL;
    if (registry_client_send(p->c, "DELETE", location, p->scope, NULL, NULL, &r, &ignored) == 0)
        registry_response_clear(&r);
}

static char *with_digest(const char *location, const char *digest)
{
    return xasprintf("%s%cdigest=%s", location, strchr(location, '?') ? '&' : '?', digest);
}

/* One PUT with the whole blob (the monolithic upload of the spec). */
static int upload_monolithic(struct push_ctx *p, const char *location, const char *digest,
                             const struct registry_body *body, struct hull_error **err)
{
    cleanup_free char *put = with_digest(location, digest);
    struct registry_response r;
    if (registry_client_send(p->c, "PUT", put, p->scope, "application/octet-stream", body, &r, err) < 0)
        return hull_error_wrap(err, "%s", p->what);
    int ret = r.status == 201 ? 0 : registry_client_status_error(p->c, &r, p->what, err);
    registry_response_clear(&r);
    return ret;
}

/* "0-1023" (or "bytes=0-1023"): the registry has bytes up to 1023, so the next is 1024. */
static bool parse_upload_range(const char *range, uint64_t *next)
{
    if (!range)
        return false;
    if (!strncmp(range, "bytes=", 6))
        range += 6;
    const char *dash = strchr(range, '-');
    uint64_t end;
    if (!dash || !parse_uint64(dash + 1, &end))
        return false;
    *next = end + 1;
    return true;
}

static void take_location(char **location, struct registry_response *r)
{
    if (r->location) {
        free(*location);
        *location = steal_pointer(&r->location);
    }
}

/* Where the registry's copy of an upload ends (GET on the session: 204 + Range). */
static int upload_position(struct push_ctx *p, char **location, uint64_t *next, struct hull_error **err)
{
    struct registry_response r;
    if (registry_client_send(p->c, "GET", *location, p->scope, NULL, NULL, &r, err) < 0)
        return hull_error_wrap(err, "%s", p->what);
    int ret = 0;
    if (r.status == 204 || r.status == 200) {
        take_location(location, &r);
        if (!parse_upload_range(r.range, next))
            *next = 0;
    } else {
        ret = registry_client_status_error(p->c, &r, p->what, err);
    }
    registry_response_clear(&r);
    return ret;
}

/* PATCH the blob in chunks with Content-Range, then PUT ?digest= with no body.
 * A registry that refuses the first PATCH outright (405, 501, 400, 415: it
 * only takes monolithic uploads) sets *refused and the caller starts over. */
static int upload_chunked(struct push_ctx *p, char **location, const char *digest, int fd, uint64_t size,
                          uint64_t chunk, uint64_t start, const char *diff_id, struct sent_progress *sp, bool *refused,
                          struct hull_error **err)
{
    *refused = false;
    uint64_t off = start;
    int resyncs = 0;
    while (off < size) {
        uint64_t n = size - off < chunk ? size - off : chunk;
        cleanup_free char *range = xasprintf("Content-Range: %llu-%llu", (unsigned long long)off,
                                             (unsigned long long)(off + n - 1));
        sp->base = off;
        struct registry_body body = {.fd = fd,
                                     .offset = off,
                                     .len = n,
                                     .header = range,
                                     .on_sent = on_sent,
                                     .sent_data = sp,
                                     .cancel = &p->cancel};
        struct registry_response r;
        if (registry_client_send(p->c, "PATCH", *location, p->scope, "application/octet-stream", &body, &r, err) < 0)
            return hull_error_wrap(err, "%s", p->what);
        long status = r.status;
        if (status == 202) {
            take_location(location, &r);
            uint64_t next = off + n;
            /* The registry says how far it got; trust it when it is within this chunk. */
            uint64_t said;
            if (parse_upload_range(r.range, &said) && said > off && said < next)
                next = said;
            off = next;
            /* Where the next run resumes if this one is killed now. */
            if (diff_id)
                upload_session_save(p->store_root, diff_id, p->host, p->repo, digest, *location);
        } else if (status == 416 && resyncs++ < MAX_RESYNCS) {
            /* A retried chunk the registry had (partly) taken already: ask where it is. */
            take_location(location, &r);
            registry_response_clear(&r);
            if (upload_position(p, location, &off, err) < 0)
                return -1;
            if (off > size)
                return hull_error_set(err, 0, "%s: registry %s says it has %llu bytes of a %llu-byte blob", p->what,
                                      registry_client_host(p->c), (unsigned long long)off,
                                      (unsigned long long)size);
            continue;
        } else if (off == 0 && start == 0 && (status == 400 || status == 405 || status == 415 || status == 501)) {
            registry_response_clear(&r);
            *refused = true;
            return 0;
        } else {
            int ret = registry_client_status_error(p->c, &r, p->what, err);
            registry_response_clear(&r);
            return ret;
        }
        registry_response_clear(&r);
    }
    cleanup_free char *put = with_digest(*location, digest);
    struct registry_response r;
    if (registry_client_send(p->c, "PUT", put, p->scope, "application/octet-stream", NULL, &r, err) < 0)
        return hull_error_wrap(err, "%s", p->what);
    int ret = r.status == 201 ? 0 : registry_client_status_error(p->c, &r, p->what, err);
    registry_response_clear(&r);
    if (ret == 0 && diff_id)
        upload_session_forget(p->store_root, diff_id);
    return ret;
}

static int upload_blob_from(struct push_ctx *p, char **location, uint64_t chunk_min, const char *digest,
                            const struct registry_body *body, uint64_t start, const char *diff_id,
                            struct sent_progress *sp, struct hull_error **err);

/* Uploads a blob into a session (opened here when *location is NULL):
 * chunked when it is bigger than a chunk, else (or when the registry wants
 * that) in one PUT. */
static int upload_blob(struct push_ctx *p, char **location, uint64_t chunk_min, const char *digest,
                       const struct registry_body *body, struct sent_progress *sp, struct hull_error **err)
{
    return upload_blob_from(p, location, chunk_min, digest, body, 0, NULL, sp, err);
}

/* The same, going on at start in *location (a session resumed: chunked
 * whatever the size); diff_id (a layer's, or NULL) keeps the session. */
static int upload_blob_from(struct push_ctx *p, char **location, uint64_t chunk_min, const char *digest,
                            const struct registry_body *body, uint64_t start, const char *diff_id,
                            struct sent_progress *sp, struct hull_error **err)
{
    bool mounted;
    if (!*location && upload_start(p, digest, NULL, location, &mounted, &chunk_min, err) != 0)
        return -1;
    uint64_t chunk = p->chunk_size > chunk_min ? p->chunk_size : chunk_min;
    if (body->fd >= 0 && (body->len > chunk || start > 0)) {
        bool refused;
        if (upload_chunked(p, location, digest, body->fd, body->len, chunk, start, diff_id, sp, &refused, err) < 0)
            return -1;
        if (!refused)
            return 0;
        /* That session may be spoilt: a new one for the whole blob. */
        upload_cancel(p, *location);
        free(*location);
        *location = NULL;
        if (upload_start(p, digest, NULL, location, &mounted, &chunk_min, err) != 0)
            return -1;
    }
    struct registry_body whole = *body;
    whole.cancel = &p->cancel;
    if (sp) {
        sp->base = 0;
        whole.on_sent = on_sent;
        whole.sent_data = sp;
    }
    return upload_monolithic(p, *location, digest, &whole, err);
}

/* A session this layer's blob was left in by a push that did not finish:
 * where the registry has it up to.  Anything but a clear answer forgets it. */
static char *resume_session(struct push_ctx *p, const char *diff_id, const char *digest, uint64_t size,
                            uint64_t *start)
{
    *start = 0;
    char *location = upload_session_find(p->store_root, diff_id, p->host, p->repo, digest);
    if (!location)
        return NULL;
    cleanup_error struct hull_error *ignored = NULL;
    uint64_t off = 0;
    if (upload_position(p, &location, &off, &ignored) < 0 || off == 0 || off > size) {
        free(location);
        upload_session_forget(p->store_root, diff_id);
        return NULL;
    }
    *start = off;
    return location;
}

/* The OCI media type for a recorded blob's, or NULL when it cannot go in an OCI manifest as is. */
static const char *oci_layer_media_type(const char *mt)
{
    static const char *const map[][2] = {
        {"application/vnd.oci.image.layer.v1.tar+gzip", MT_OCI_LAYER_GZIP},
        {"application/vnd.docker.image.rootfs.diff.tar.gzip", MT_OCI_LAYER_GZIP},
        {"application/vnd.oci.image.layer.v1.tar+zstd", "application/vnd.oci.image.layer.v1.tar+zstd"},
        {"application/vnd.docker.image.rootfs.diff.tar.zstd", "application/vnd.oci.image.layer.v1.tar+zstd"},
        {"application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar"},
        {"application/vnd.docker.image.rootfs.diff.tar", "application/vnd.oci.image.layer.v1.tar"},
    };
    for (size_t i = 0; mt && i < ARRAY_SIZE(map); i++)
        if (!strcmp(mt, map[i][0]))
            return map[i][1];
    return NULL;
}

/* The descriptor a pushed layer gets in the manifest. */
struct layer_out {
    const char *media_type; /* static */
    char digest[DIGEST_STR_SIZE];
    uint64_t size;
};

static void set_layer_out(struct layer_out *out, const char *media_type, const char *digest, uint64_t size)
{
    out->media_type = media_type;
    memcpy(out->digest, digest, DIGEST_STR_SIZE);
    out->size = size;
}

/* A blob of this layer the registry has already, in the destination (HEAD) or
 * in another repository it can be mounted from.  *found is the source used,
 * *mounted_from the repository when it was mounted; *session an upload
 * session a mount answered with instead (for the upload that follows). */
static int try_known_blobs(struct push_ctx *p, const struct blob_source *src, size_t n, const struct blob_source **found,
                           const char **mounted_from, char **session, uint64_t *chunk_min, struct hull_error **err)
{
    *found = NULL;
    *mounted_from = NULL;
    int tries = 0;
    /* First the destination itself, then mounts, newest first. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < n && tries < MAX_SOURCE_TRIES; k++) {
            const struct blob_source *s = &src[k];
            bool same_repo = !strcmp(s->repo, p->repo);
            if (strcmp(s->host, p->host) || !oci_layer_media_type(s->media_type) || same_repo != (pass == 0))
                continue;
            tries++;
            if (same_repo) {
                bool exists;
                if (blob_exists(p, s->digest, &exists, err) < 0)
                    return -1;
                if (exists) {
                    *found = s;
                    return 0;
                }
                continue;
            }
            if (*session)
                return 0; /* a mount already fell back to an upload: no more sessions */
            bool mounted;
            int r = upload_start(p, s->digest, s->repo, session, &mounted, chunk_min, err);
            if (r < 0)
                return -1;
            if (mounted) {
                *found = s;
                *mounted_from = s->repo;
                return 0;
            }
        }
    return 0;
}

static int push_layer(struct push_ctx *p, struct image_store *store, size_t i, const char *diff_id,
                      struct layer_out *out, struct hull_error **err)
{
    emit(p, REGISTRY_PUSH_LAYER_PREPARING, i, diff_id, 0, 0, NULL);
    struct blob_source *src;
    size_t n_src;
    blob_sources_read(p->store_root, diff_id, &src, &n_src);
    cleanup_free char *session = NULL;
    uint64_t chunk_min = 0;
    const struct blob_source *found;
    const char *mounted_from;
    int ret = try_known_blobs(p, src, n_src, &found, &mounted_from, &session, &chunk_min, err);
    if (ret == 0 && found) {
        const char *mt = oci_layer_media_type(found->media_type);
        emit(p, mounted_from ? REGISTRY_PUSH_LAYER_MOUNTED : REGISTRY_PUSH_LAYER_EXISTS, i, found->digest,
             found->size, found->size, mounted_from);
        set_layer_out(out, mt, found->digest, found->size);
        struct blob_source here = {.host = (char *)p->host, .repo = (char *)p->repo, .size = found->size,
                                   .media_type = (char *)mt};
        memcpy(here.digest, found->digest, DIGEST_STR_SIZE);
        blob_sources_record(p->store_root, diff_id, &here);
        blob_sources_free(src, n_src);
        return 0;
    }
    blob_sources_free(src, n_src);
    if (ret < 0)
        return -1;

    /* Nothing known: compress it and send it, unless the registry has these very bytes. */
    char digest[DIGEST_STR_SIZE] = "";
    uint64_t size = 0;
    cleanup_close int fd = -1;
    bool exists = false;
    if (compress_layer(store, p->store_root, diff_id, &fd, digest, &size, err) < 0 ||
        blob_exists(p, digest, &exists, err) < 0)
        return -1;
    if (exists) {
        if (session)
            upload_cancel(p, session);
        emit(p, REGISTRY_PUSH_LAYER_EXISTS, i, digest, size, size, NULL);
    } else {
        uint64_t start = 0;
        if (!session)
            session = resume_session(p, diff_id, digest, size, &start);
        emit(p, REGISTRY_PUSH_LAYER_PUSHING, i, digest, start, size, NULL);
        struct sent_progress sp = {.p = p, .layer = i, .digest = digest, .total = size};
        struct registry_body body = {.fd = fd, .len = size};
        if (upload_blob_from(p, &session, chunk_min, digest, &body, start, diff_id, &sp, err) < 0)
            return -1;
        emit(p, REGISTRY_PUSH_LAYER_PUSHED, i, digest, size, size, NULL);
    }
    set_layer_out(out, MT_OCI_LAYER_GZIP, digest, size);
    struct blob_source here = {.host = (char *)p->host, .repo = (char *)p->repo, .size = size,
                               .media_type = MT_OCI_LAYER_GZIP};
    memcpy(here.digest, digest, DIGEST_STR_SIZE);
    blob_sources_record(p->store_root, diff_id, &here);
    return 0;
}

/* Push by digest: the blob the image's own manifest names (want), byte for
 * byte, or nothing.  Already in the destination (HEAD), mounted from a
 * repository of this registry it was pulled from or pushed to, or compressed
 * here again when that gives the very same bytes (a layer hull itself pushed:
 * same tar, same zlib); otherwise the push is refused: hull keeps layers
 * unpacked, not the blob as the registry shipped it. */
static int push_layer_exact(struct push_ctx *p, struct image_store *store, size_t i, const char *diff_id,
                            const char *want, const char *media_type, struct hull_error **err)
{
    emit(p, REGISTRY_PUSH_LAYER_PREPARING, i, diff_id, 0, 0, NULL);
    bool exists;
    if (blob_exists(p, want, &exists, err) < 0)
        return -1;
    struct blob_source here = {.host = (char *)p->host, .repo = (char *)p->repo, .media_type = (char *)media_type};
    memcpy(here.digest, want, DIGEST_STR_SIZE);
    if (exists) {
        emit(p, REGISTRY_PUSH_LAYER_EXISTS, i, want, 0, 0, NULL);
        blob_sources_record(p->store_root, diff_id, &here);
        return 0;
    }
    struct blob_source *src;
    size_t n_src;
    blob_sources_read(p->store_root, diff_id, &src, &n_src);
    cleanup_free char *session = NULL;
    uint64_t chunk_min = 0;
    int tries = 0;
    for (size_t k = 0; k < n_src && tries < MAX_SOURCE_TRIES && !session; k++) {
        const struct blob_source *s = &src[k];
        if (strcmp(s->host, p->host) || strcmp(s->digest, want) || !strcmp(s->repo, p->repo))
            continue;
        tries++;
        bool mounted;
        int r = upload_start(p, want, s->repo, &session, &mounted, &chunk_min, err);
        if (r < 0) {
            blob_sources_free(src, n_src);
            return -1;
        }
        if (mounted) {
            emit(p, REGISTRY_PUSH_LAYER_MOUNTED, i, want, 0, 0, s->repo);
            here.size = s->size;
            blob_sources_record(p->store_root, diff_id, &here);
            blob_sources_free(src, n_src);
            return 0;
        }
    }
    blob_sources_free(src, n_src);
    char digest[DIGEST_STR_SIZE] = "";
    uint64_t size = 0;
    cleanup_close int fd = -1;
    if (compress_layer(store, p->store_root, diff_id, &fd, digest, &size, err) < 0)
        return -1;
    if (strcmp(digest, want)) {
        if (session)
            upload_cancel(p, session);
        return hull_error_set(err, 0,
                              "%s: layer %zu (%s) is not in registry %s and hull cannot re-create its exact bytes "
                              "(layers are kept unpacked; compressed again it is %s): push by tag instead",
                              p->what, i + 1, want, registry_client_host(p->c), digest);
    }
    uint64_t start = 0;
    if (!session)
        session = resume_session(p, diff_id, digest, size, &start);
    emit(p, REGISTRY_PUSH_LAYER_PUSHING, i, digest, start, size, NULL);
    struct sent_progress sp = {.p = p, .layer = i, .digest = digest, .total = size};
    struct registry_body body = {.fd = fd, .len = size};
    if (upload_blob_from(p, &session, chunk_min, digest, &body, start, diff_id, &sp, err) < 0)
        return -1;
    emit(p, REGISTRY_PUSH_LAYER_PUSHED, i, digest, size, size, NULL);
    here.size = size;
    blob_sources_record(p->store_root, diff_id, &here);
    return 0;
}

/* The manifest an image came with, when it can be pushed as it is under want
 * (its digest): its bytes and media type; each layer's descriptor in *layers. */
static int exact_manifest(struct image_store *store, const struct image_info *img, const char *want, const char *what,
                          char **text, size_t *len, struct oci_manifest *doc, struct hull_error **err)
{
    if (!img->manifest[0])
        return hull_error_set(err, 0,
                              "cannot push %s: the image came with no registry manifest (loaded from a docker "
                              "archive, or made here), so it has no digest to push by: push it by tag",
                              what);
    if (strcmp(img->manifest, want))
        return hull_error_set(err, 0,
                              "cannot push %s: the image's manifest is %s; a push by digest sends the manifest the "
                              "image came with, whose digest cannot change",
                              what, img->manifest);
    if (image_store_read_blob(store, img->manifest, text, len, err) < 0 ||
        oci_manifest_parse(*text, *len, "manifest", doc, err) < 0)
        return hull_error_wrap(err, "cannot push %s", what);
    const char *config_digest = doc->config.digest;
    if (!doc->has_layers || doc->n_layers != img->n_layers || !config_digest || strcmp(config_digest, img->id))
        return hull_error_set(err, 0, "cannot push %s: the stored manifest %s does not describe this image", what,
                              img->manifest);
    for (size_t i = 0; i < img->n_layers; i++) {
        const char *d = doc->layers[i].digest;
        if (!d || !digest_is_valid(d))
            return hull_error_set(err, 0, "cannot push %s: layer %zu of the stored manifest has no valid digest", what,
                                  i + 1);
    }
    return 0;
}

/* ---- layers in parallel ---- */

struct push_worker {
    struct push_ctx *p;
    struct image_store *store;
    const struct image_info *img;
    const struct oci_descriptor *exact_layers; /* a push by digest: the stored manifest's */
    struct layer_out *outs;
    size_t *next; /* atomic: the next layer to take */
    size_t *first_failed; /* atomic: the layer that failed first (SIZE_MAX: none) */
    struct hull_error **errs; /* per layer */
};

static void *push_worker_main(void *arg)
{
    struct push_worker *w = arg;
    for (;;) {
        size_t i = __atomic_fetch_add(w->next, 1, __ATOMIC_RELAXED);
        if (i >= w->img->n_layers || __atomic_load_n(&w->p->cancel, __ATOMIC_RELAXED))
            break;
        const char *diff_id = w->img->layers[i].diff_id;
        int r;
        if (w->exact_layers) {
            const struct oci_descriptor *d = &w->exact_layers[i];
            const char *mt = d->media_type ? d->media_type : MT_OCI_LAYER_GZIP;
            r = push_layer_exact(w->p, w->store, i, diff_id, d->digest, mt, &w->errs[i]);
        } else {
            r = push_layer(w->p, w->store, i, diff_id, &w->outs[i], &w->errs[i]);
        }
        if (r < 0) {
            /* The first to fail explains; the uploads it stops fail after it. */
            size_t none = SIZE_MAX;
            __atomic_compare_exchange_n(w->first_failed, &none, i, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
            __atomic_store_n(&w->p->cancel, 1, __ATOMIC_RELAXED);
        }
    }
    return NULL;
}

/* Up to max_concurrent layers at once (docker's max-concurrent-uploads, 5):
 * compressing one layer and sending another overlap, and several uploads
 * share the link.  The first failure is the one reported; it stops the
 * uploads still running (their read callback aborts) and no more start. */
static int push_layers(struct push_ctx *p, struct image_store *store, const struct image_info *img,
                       const struct oci_descriptor *exact_layers, struct layer_out *outs, struct hull_error **err)
{
    size_t next = 0, first_failed = SIZE_MAX;
    struct hull_error **errs = xmalloc0((img->n_layers + 1) * sizeof *errs);
    struct push_worker w = {.p = p, .store = store, .img = img, .exact_layers = exact_layers, .outs = outs,
                            .next = &next, .first_failed = &first_failed, .errs = errs};
    unsigned n_threads = p->max_concurrent;
    if (n_threads > img->n_layers)
        n_threads = (unsigned)img->n_layers;
    pthread_t threads[REGISTRY_MAX_CONCURRENT_LIMIT];
    unsigned started = 0;
    for (; started < n_threads; started++)
        if (pthread_create(&threads[started], NULL, push_worker_main, &w) != 0)
            break;
    if (started == 0 && img->n_layers > 0)
        push_worker_main(&w); /* no thread at all: do it here */
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    int ret = 0;
    if (first_failed != SIZE_MAX) {
        *err = steal_pointer(&errs[first_failed]);
        ret = -1;
    }
    for (size_t i = 0; i < img->n_layers; i++)
        hull_error_free(errs[i]);
    free(errs);
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
    /* NAME@sha256:... pushes by digest: the image's own manifest, PUT under
     * that digest and no tag (a tag given with it is ignored, as docker does). */
    bool by_digest = dest.digest != NULL;
    cleanup_free char *domain = NULL, *repo = NULL;
    bool qualified;
    image_name_split(dest.name, &domain, &repo, &qualified);
    cleanup_free char *full = by_digest ? xasprintf("%s/%s@%s", domain, repo, dest.digest)
                                        : xasprintf("%s/%s:%s", domain, repo, dest.tag);
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
    cleanup_free char *exact = NULL;
    size_t exact_len = 0;
    cleanup_oci_manifest struct oci_manifest exact_doc = {0};
    if (by_digest && exact_manifest(store, img, dest.digest, full, &exact, &exact_len, &exact_doc, err) < 0)
        return -1;

    struct registry_client_opts co = {
        .host = domain, .insecure = opts->tls_verify_off || (e && e->insecure), .authfile = opts->authfile};
    cleanup_registry_client struct registry_client *c = NULL;
    if (registry_client_new(&co, &c, err) < 0)
        return -1;
    cleanup_free char *scope = xasprintf("repository:%s:pull,push", repo);
    uint64_t chunk_size = DEFAULT_CHUNK_SIZE;
    const char *chunk_env = getenv("HULL_PUSH_CHUNK_SIZE");
    if (chunk_env && *chunk_env && (!parse_uint64(chunk_env, &chunk_size) || chunk_size == 0))
        return hull_error_set(err, 0, "invalid HULL_PUSH_CHUNK_SIZE \"%s\": want a number of bytes", chunk_env);
    struct push_ctx p = {.c = c,
                         .store_root = store_root,
                         .host = domain,
                         .repo = repo,
                         .scope = scope,
                         .what = what,
                         .progress = progress,
                         .n_layers = img->n_layers,
                         .chunk_size = chunk_size,
                         .max_concurrent = opts->max_concurrent ? opts->max_concurrent
                                                                : REGISTRY_DEFAULT_PUSH_CONCURRENT,
                         .emit_lock = PTHREAD_MUTEX_INITIALIZER};
    if (progress && progress->fn) {
        cleanup_free char *repo_name = xasprintf("%s/%s", domain, repo);
        struct registry_pull_event ev = {.kind = REGISTRY_PUSH_START, .detail = repo_name};
        progress->fn(&ev, progress->data);
    }

    int ret = registry_client_ping(c, err) < 0 ? hull_error_wrap(err, "%s", what) : 0;
    const struct oci_descriptor *exact_layers = exact ? exact_doc.layers : NULL;
    cleanup_free struct layer_out *outs = xmalloc0((img->n_layers + 1) * sizeof *outs);
    if (ret == 0)
        ret = push_layers(&p, store, img, exact_layers, outs, err);
    cleanup_free struct oci_descriptor_out *layers = xmalloc0((img->n_layers + 1) * sizeof *layers);
    for (size_t i = 0; ret == 0 && !exact && i < img->n_layers; i++)
        layers[i] = (struct oci_descriptor_out){
            .media_type = outs[i].media_type, .digest = outs[i].digest, .size = outs[i].size};
    bool exists = false;
    if (ret == 0)
        ret = blob_exists(&p, img->id, &exists, err);
    if (ret == 0 && !exists) {
        struct registry_body body = {.data = config, .fd = -1, .len = config_len};
        char *session = NULL;
        ret = upload_blob(&p, &session, 0, img->id, &body, NULL, err);
        free(session);
    }
    if (ret < 0)
        return -1;
    cleanup_free char *ours = NULL;
    const char *text, *media_type = OCI_MT_MANIFEST;
    size_t text_len;
    if (exact) {
        text = exact;
        text_len = exact_len;
        if (exact_doc.media_type)
            media_type = exact_doc.media_type;
    } else {
        struct oci_manifest_out m = {.config = {.media_type = OCI_MT_CONFIG, .digest = img->id, .size = config_len},
                                 .layers = layers,
                                 .n_layers = img->n_layers};
        text = ours = oci_manifest_to_json(&m);
        text_len = strlen(text);
    }
    struct registry_body body = {.data = text, .fd = -1, .len = text_len};
    digest_of(text, text_len, out->digest);
    out->size = text_len;
    cleanup_free char *path = xasprintf("/v2/%s/manifests/%s", repo, by_digest ? dest.digest : dest.tag);
    struct registry_response r;
    ret = registry_client_send(c, "PUT", path, scope, media_type, &body, &r, err);
    if (ret < 0)
        return hull_error_wrap(err, "%s", what);
    if (r.status != 201)
        ret = registry_client_status_error(c, &r, what, err);
    registry_response_clear(&r);
    if (ret == 0)
        out->full_name = steal_pointer(&full);
    return ret;
}
