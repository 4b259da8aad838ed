/* registry_pull: from a name to an image in the store (see registry.h).
 *
 *   1. the name -> candidate sources: unqualified names go to each of
 *      registries.conf's unqualified-search-registries in turn (docker.io when
 *      it lists none, as docker does); a [[registry]] entry may rewrite the
 *      location, add mirrors (tried first) or block the name;
 *   2. per source: GET the manifest (by tag or digest, the digest verified);
 *      an index picks the platform and GETs that manifest by digest; then
 *      the config blob, verified;
 *   3. the layers (fetch.c) into a staging dir of the store, and the commit. */
#include "registry.h"

#include <stdlib.h>
#include <string.h>

#include "image/image_json.h"
#include "image/ingest.h"
#include "image/reference.h"
#include "image/store.h"
#include "util/utils.h"
#include "blob_sources.h"
#include "conf.h"
#include "fetch.h"

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_V1 "application/vnd.docker.distribution.manifest.v1+json"
#define MT_DOCKER_V1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

/* Everything we understand, and schema 1 so that we can say so rather than get
 * a 404 from registries that only have schema 1 of an old image. */
static const char ACCEPT[] = MT_OCI_INDEX ", " MT_OCI_MANIFEST ", " MT_DOCKER_LIST ", " MT_DOCKER_MANIFEST
                             ", " MT_DOCKER_V1_SIGNED ";q=0.1, " MT_DOCKER_V1 ";q=0.1";

void registry_pull_result_clear(struct registry_pull_result *r)
{
    free(r->full_name);
    free(r->stored_name);
    memset(r, 0, sizeof *r);
}

/* One place to pull from. */
struct source {
    char *host;      /* registry host[:port] */
    char *repo;      /* repository path there */
    bool insecure;
    bool mirror;
};

static void sources_free(struct source *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(s[i].host);
        free(s[i].repo);
    }
    free(s);
}

static void source_add(struct source **list, size_t *n, const char *location_name, bool insecure, bool mirror)
{
    *list = xrealloc(*list, (*n + 1) * sizeof **list);
    struct source *s = &(*list)[(*n)++];
    const char *slash = strchr(location_name, '/');
    s->host = slash ? strndup(location_name, (size_t)(slash - location_name)) : xstrdup(location_name);
    if (!s->host)
        abort();
    s->repo = xstrdup(slash ? slash + 1 : "");
    if (!strcmp(s->host, "index.docker.io")) {
        free(s->host);
        s->host = xstrdup(IMAGE_DOCKER_HUB);
    }
    s->insecure = insecure;
    s->mirror = mirror;
}

/* The sources for "domain/path" per registries.conf: mirrors, then the location. */
static int sources_for(const struct registries_conf *conf, const char *domain, const char *path, bool by_digest,
                       bool tls_verify_off, struct source **list, size_t *n, struct hull_error **err)
{
    cleanup_free char *name = xasprintf("%s/%s", domain, path);
    const struct registry_entry *e = registries_conf_find(conf, name);
    if (!e) {
        source_add(list, n, name, tls_verify_off, false);
        return 0;
    }
    if (e->blocked)
        return hull_error_set(err, 0, "registry %s is blocked in %s", domain, conf->path ? conf->path : "registries.conf");
    /* prefix "example.com/team" + location "mirror.local/x": example.com/team/app -> mirror.local/x/app */
    const char *rest = e->prefix[0] == '*' ? "" : name + strlen(e->prefix);
    bool wildcard = e->prefix[0] == '*';
    if (!e->mirror_by_digest_only || by_digest)
        for (size_t i = 0; i < e->n_mirrors; i++) {
            cleanup_free char *m = xasprintf("%s%s", e->mirrors[i].location, wildcard ? strchr(name, '/') : rest);
            source_add(list, n, m, e->mirrors[i].insecure || tls_verify_off, true);
        }
    cleanup_free char *loc = wildcard ? xstrdup(name) : xasprintf("%s%s", e->location, rest);
    source_add(list, n, loc, e->insecure || tls_verify_off, false);
    return 0;
}

/* ---- manifests ---- */

struct platform {
    char *os, *arch, *variant;
    bool explicit_;
};

static int platform_parse(const char *text, struct platform *p, struct hull_error **err)
{
    memset(p, 0, sizeof *p);
    if (!text) {
        p->os = xstrdup("linux");
        p->arch = xstrdup(image_host_architecture());
        return 0;
    }
    cleanup_free char *copy = xstrdup(text);
    char *save = NULL;
    char *os = strtok_r(copy, "/", &save), *arch = strtok_r(NULL, "/", &save), *variant = strtok_r(NULL, "/", &save);
    if (!os || !arch || strtok_r(NULL, "/", &save) || text[strlen(text) - 1] == '/')
        return hull_error_set(err, 0, "invalid --platform \"%s\": want OS/ARCH[/VARIANT], e.g. linux/arm64", text);
    p->os = xstrdup(os);
    p->arch = xstrdup(arch);
    p->variant = variant ? xstrdup(variant) : NULL;
    p->explicit_ = true;
    return 0;
}

static void platform_clear(struct platform *p)
{
    free(p->os);
    free(p->arch);
    free(p->variant);
}

static char *platform_format(const char *os, const char *arch, const char *variant)
{
    return variant && *variant ? xasprintf("%s/%s/%s", os, arch, variant) : xasprintf("%s/%s", os, arch);
}

/* GETs a manifest and checks it against want_digest (when given) and the
 * registry's Docker-Content-Digest; *digest_out gets its digest. */
static int get_manifest(struct registry_client *c, const char *repo, const char *ref, const char *want_digest,
                        int64_t want_size, const char *what, struct registry_response *resp,
                        char digest_out[static DIGEST_STR_SIZE], struct hull_error **err)
{
    cleanup_free char *path = xasprintf("/v2/%s/manifests/%s", repo, ref);
    cleanup_free char *scope = xasprintf("repository:%s:pull", repo);
    if (registry_client_get(c, path, ACCEPT, scope, IMAGE_JSON_MAX, resp, err) < 0)
        return hull_error_wrap(err, "%s", what);
    if (resp->status != 200)
        return registry_client_status_error(c, resp, what, err);
    digest_of(resp->body, resp->len, digest_out);
    if (want_digest && strcmp(want_digest, digest_out))
        return hull_error_set(err, 0, "%s: registry %s sent a manifest with digest %s, not the %s asked for", what,
                              registry_client_host(c), digest_out, want_digest);
    if (want_size >= 0 && (uint64_t)want_size != resp->len)
        return hull_error_set(err, 0, "%s: registry %s sent a manifest of %zu bytes, the index says %lld", what,
                              registry_client_host(c), resp->len, (long long)want_size);
    if (!want_digest && resp->digest && digest_is_valid(resp->digest) && strcmp(resp->digest, digest_out))
        return hull_error_set(err, 0, "%s: registry %s says the manifest is %s but its content has digest %s", what,
                              registry_client_host(c), resp->digest, digest_out);
    return 0;
}

/* The media type of a manifest: its own mediaType field, else the Content-Type. */
static const char *manifest_media_type(const struct oci_manifest *doc, const struct registry_response *resp)
{
    if (doc->media_type)
        return doc->media_type;
    if (doc->schema_version == 1)
        return MT_DOCKER_V1;
    if (resp->content_type) {
        static __thread char buf[128];
        snprintf(buf, sizeof buf, "%.*s", (int)strcspn(resp->content_type, "; "), resp->content_type);
        return buf;
    }
    /* OCI manifests may omit mediaType: tell index from manifest by their fields. */
    return doc->has_manifests ? MT_OCI_INDEX : MT_OCI_MANIFEST;
}

/* The entry of an index for platform p. */
static int pick_platform(const struct oci_manifest *index, const struct platform *p, const char *what,
                         const struct oci_descriptor **out, struct hull_error **err)
{
    cleanup_free char *available = xstrdup("");
    for (size_t i = 0; i < index->n_manifests; i++) {
        const struct oci_descriptor *m = &index->manifests[i];
        const char *os = m->os, *arch = m->architecture, *variant = m->variant;
        if (!os || !arch)
            continue; /* attestations and other non-image entries */
        cleanup_free char *one = platform_format(os, arch, variant);
        char *more = xasprintf("%s%s%s", available, *available ? ", " : "", one);
        free(available);
        available = more;
        if (strcmp(os, p->os) || strcmp(arch, p->arch) || (p->variant && (!variant || strcmp(variant, p->variant))))
            continue;
        cleanup_free char *where = xasprintf("%s: index entry %zu", what, i + 1);
        *out = m;
        return oci_descriptor_check(m, where, err);
    }
    cleanup_free char *want = platform_format(p->os, p->arch, p->variant);
    return hull_error_set(err, 0, "%s has no image for %s (it has: %s)", what, want, *available ? available : "none");
}

/* Everything about the image to pull once its manifest is resolved. */
struct resolved {
    struct registry_response manifest; /* of the platform's image */
    struct oci_manifest manifest_doc;
    char manifest_digest[DIGEST_STR_SIZE];
    char top_digest[DIGEST_STR_SIZE]; /* what the reference resolved to (index or manifest) */
    struct registry_response config;
    struct image_ingest_layer *layers;
    size_t n_layers;
};

static void resolved_clear(struct resolved *r)
{
    registry_response_clear(&r->manifest);
    registry_response_clear(&r->config);
    oci_manifest_clear(&r->manifest_doc);
    free(r->layers);
    memset(r, 0, sizeof *r);
}

static int refuse_schema1(const char *mt, const char *what, struct hull_error **err)
{
    if (!strcmp(mt, MT_DOCKER_V1) || !strcmp(mt, MT_DOCKER_V1_SIGNED))
        return hull_error_set(err, 0,
                              "%s uses the Docker schema 1 manifest format, which hull does not support (deprecated "
                              "since 2017): push it again with a current tool",
                              what);
    return 0;
}

static int resolve(struct registry_client *c, const char *repo, const struct image_ref *ref,
                   const struct platform *plat, const char *what, struct resolved *out, struct hull_error **err)
{
    memset(out, 0, sizeof *out);
    struct registry_response top = {0};
    char top_digest[DIGEST_STR_SIZE];
    const char *r = ref->digest ? ref->digest : ref->tag;
    if (get_manifest(c, repo, r, ref->digest, -1, what, &top, top_digest, err) < 0) {
        registry_response_clear(&top);
        return -1;
    }
    memcpy(out->top_digest, top_digest, DIGEST_STR_SIZE);
    cleanup_oci_manifest struct oci_manifest doc = {0};
    if (oci_manifest_parse(top.body, top.len, "manifest", &doc, err) < 0) {
        registry_response_clear(&top);
        return hull_error_wrap(err, "%s: registry %s", what, registry_client_host(c));
    }
    const char *mt = manifest_media_type(&doc, &top);
    if (refuse_schema1(mt, what, err) < 0) {
        registry_response_clear(&top);
        return -1;
    }
    if (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST)) {
        const struct oci_descriptor *d = NULL;
        int ret = pick_platform(&doc, plat, what, &d, err);
        cleanup_free char *digest = ret == 0 ? xstrdup(d->digest) : NULL;
        int64_t size = ret == 0 ? d->size : 0;
        registry_response_clear(&top);
        oci_manifest_clear(&doc);
        if (ret < 0)
            return -1;
        if (get_manifest(c, repo, digest, digest, size, what, &out->manifest, out->manifest_digest, err) < 0)
            return -1;
        if (oci_manifest_parse(out->manifest.body, out->manifest.len, "manifest", &doc, err) < 0)
            return hull_error_wrap(err, "%s: registry %s", what, registry_client_host(c));
        mt = manifest_media_type(&doc, &out->manifest);
        if (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST))
            return hull_error_set(err, 0, "%s: an index inside an index is not an image", what);
        if (refuse_schema1(mt, what, err) < 0)
            return -1;
    } else {
        out->manifest = top;
        memcpy(out->manifest_digest, top_digest, DIGEST_STR_SIZE);
    }
    if (strcmp(mt, MT_OCI_MANIFEST) && strcmp(mt, MT_DOCKER_MANIFEST))
        return hull_error_set(err, 0, "%s: unsupported manifest media type \"%s\"", what, mt);
    out->manifest_doc = doc;
    memset(&doc, 0, sizeof doc);

    /* The config. */
    const struct oci_descriptor *cd = &out->manifest_doc.config;
    cleanup_free char *cwhat = xasprintf("%s: manifest config", what);
    if (oci_descriptor_check(cd, cwhat, err) < 0)
        return -1;
    if (cd->media_type && strcmp(cd->media_type, MT_OCI_CONFIG) && strcmp(cd->media_type, MT_DOCKER_CONFIG))
        return hull_error_set(err, 0, "%s is not a container image: its config has media type %s", what,
                              cd->media_type);
    if (cd->size > IMAGE_JSON_MAX)
        return hull_error_set(err, 0, "%s: the config is too large (%lld bytes)", what, (long long)cd->size);
    cleanup_free char *path = xasprintf("/v2/%s/blobs/%s", repo, cd->digest);
    cleanup_free char *scope = xasprintf("repository:%s:pull", repo);
    if (registry_client_get(c, path, NULL, scope, IMAGE_JSON_MAX, &out->config, err) < 0)
        return hull_error_wrap(err, "%s", cwhat);
    if (out->config.status != 200)
        return registry_client_status_error(c, &out->config, cwhat, err);
    char got[DIGEST_STR_SIZE];
    digest_of(out->config.body, out->config.len, got);
    if (strcmp(got, cd->digest) || out->config.len != (size_t)cd->size)
        return hull_error_set(err, 0, "%s: digest mismatch: expected %s (%lld bytes), the blob has %s (%zu bytes)",
                              cwhat, cd->digest, (long long)cd->size, got, out->config.len);

    /* The layers. */
    if (!out->manifest_doc.has_layers)
        return hull_error_set(err, 0, "%s: the manifest has no layers array", what);
    out->n_layers = out->manifest_doc.n_layers;
    out->layers = xmalloc0((out->n_layers + 1) * sizeof *out->layers);
    for (size_t i = 0; i < out->n_layers; i++) {
        const struct oci_descriptor *ld = &out->manifest_doc.layers[i];
        cleanup_free char *lwhat = xasprintf("%s: layer %zu", what, i + 1);
        if (oci_descriptor_check(ld, lwhat, err) < 0)
            return -1;
        if (!image_layer_media_type_supported(ld->media_type))
            return hull_error_set(err, 0, "%s: unsupported layer media type %s", lwhat,
                                  ld->media_type ? ld->media_type : "(none)");
        out->layers[i] = (struct image_ingest_layer){.digest = ld->digest, .media_type = ld->media_type,
                                                     .size = (uint64_t)ld->size};
    }
    return 0;
}

/* The config's platform must be the one asked for with --platform. */
static int check_config_platform(const struct resolved *res, const struct platform *p, const char *what,
                                 struct hull_error **err)
{
    if (!p->explicit_)
        return 0;
    cleanup_image_config_info struct image_config_info cfg = {0};
    if (image_config_info_parse(res->config.body, res->config.len, "config", &cfg, err) < 0)
        return hull_error_wrap(err, "%s", what);
    const char *os = cfg.os, *arch = cfg.architecture;
    if ((os && strcmp(os, p->os)) || (arch && strcmp(arch, p->arch)))
        return hull_error_set(err, 0, "%s is %s/%s, not the %s/%s asked for with --platform", what, os ? os : "?",
                              arch ? arch : "?", p->os, p->arch);
    return 0;
}

/* ---- the pull ---- */

struct pull_ctx {
    const char *store_root;
    const struct registry_pull_opts *opts;
    const struct registry_pull_progress *progress;
    struct registry_pull_result *out;
    struct platform platform;
    struct image_ref ref;
};

static void emit_simple(const struct pull_ctx *ctx, enum registry_pull_event_kind kind, const char *detail)
{
    if (!ctx->progress || !ctx->progress->fn)
        return;
    struct registry_pull_event ev = {.kind = kind, .detail = detail};
    ctx->progress->fn(&ev, ctx->progress->data);
}

static int store_image(struct pull_ctx *ctx, struct registry_client *c, const char *repo, struct resolved *res,
                       const char *what, const char *stored_name, struct hull_error **err)
{
    cleanup_image_store struct image_store *store = NULL;
    cleanup_image_ingest struct image_ingest *ing = NULL;
    if (image_store_open(ctx->store_root, true, &store, err) < 0 || image_ingest_begin(store, &ing, err) < 0)
        return -1;
    if (image_ingest_set_image(ing, res->manifest.body, res->manifest.len, res->config.body, res->config.len,
                               res->layers, res->n_layers, what, err) < 0)
        return -1;
    /* Let other hull commands write the store while we download (ingest.h). */
    image_store_unlock(store);
    cleanup_free char *scope = xasprintf("repository:%s:pull", repo);
    struct fetch_request req = {
        .client = c,
        .repo = repo,
        .scope = scope,
        .ingest = ing,
        .layers = res->layers,
        .n_layers = res->n_layers,
        .max_concurrent = ctx->opts->max_concurrent,
        .progress = ctx->progress,
        .downloaded = &ctx->out->downloaded,
    };
    if (registry_fetch_layers(&req, err) < 0)
        return hull_error_wrap(err, "cannot pull %s", what);
    emit_simple(ctx, REGISTRY_PULL_COMMIT, what);
    if (image_store_relock(store, err) < 0)
        return -1;
    char *tags[] = {(char *)stored_name, NULL};
    memcpy(ctx->out->id, image_ingest_id(ing), DIGEST_STR_SIZE);
    /* (the commit hands the image record, diff_ids included, to the store) */
    char(*diff_ids)[DIGEST_STR_SIZE] = xmalloc0((res->n_layers + 1) * DIGEST_STR_SIZE);
    for (size_t i = 0; i < res->n_layers; i++)
        memcpy(diff_ids[i], image_ingest_diff_id(ing, i), DIGEST_STR_SIZE);
    if (image_ingest_commit(ing, stored_name ? tags : NULL, err) < 0) {
        free(diff_ids);
        return hull_error_wrap(err, "cannot store %s", what);
    }
    /* Where each layer's blob is, for a push to this registry later (blob_sources.h). */
    for (size_t i = 0; i < res->n_layers; i++) {
        struct blob_source s = {.host = (char *)registry_client_host(c), .repo = (char *)repo,
                                .size = res->layers[i].size, .media_type = (char *)res->layers[i].media_type};
        snprintf(s.digest, sizeof s.digest, "%s", res->layers[i].digest);
        blob_sources_record(ctx->store_root, diff_ids[i], &s);
    }
    free(diff_ids);
    return 0;
}

/* Tries one source. */
static int pull_from(struct pull_ctx *ctx, const struct source *src, const char *domain, const char *path,
                     struct hull_error **err)
{
    struct registry_client_opts co = {.host = src->host, .insecure = src->insecure, .authfile = ctx->opts->authfile};
    cleanup_registry_client struct registry_client *c = NULL;
    if (registry_client_new(&co, &c, err) < 0)
        return -1;
    cleanup_free char *full = ctx->ref.digest ? xasprintf("%s/%s@%s", domain, path, ctx->ref.digest)
                                              : xasprintf("%s/%s:%s", domain, path, ctx->ref.tag);
    cleanup_free char *what = xasprintf("image %s", full);
    struct resolved res;
    int r = resolve(c, src->repo, &ctx->ref, &ctx->platform, what, &res, err);
    if (r == 0)
        r = check_config_platform(&res, &ctx->platform, what, err);
    if (r == 0) {
        emit_simple(ctx, REGISTRY_PULL_RESOLVED, full);
        cleanup_free char *familiar = image_name_familiar(domain, path);
        cleanup_free char *stored = ctx->ref.tag ? xasprintf("%s:%s", familiar, ctx->ref.tag) : NULL;
        r = store_image(ctx, c, src->repo, &res, what, stored, err);
        if (r == 0) {
            ctx->out->full_name = steal_pointer(&full);
            ctx->out->stored_name = steal_pointer(&stored);
            memcpy(ctx->out->digest, res.top_digest, DIGEST_STR_SIZE);
        }
    }
    resolved_clear(&res);
    return r;
}

int registry_pull(const char *store_root, const struct registry_pull_opts *opts,
                  const struct registry_pull_progress *progress, struct registry_pull_result *out,
                  struct hull_error **err)
{
    memset(out, 0, sizeof *out);
    struct pull_ctx ctx = {.store_root = store_root, .opts = opts, .progress = progress, .out = out};
    if (image_ref_parse(opts->reference, &ctx.ref, err) < 0)
        return -1;
    int ret = platform_parse(opts->platform, &ctx.platform, err);
    cleanup_registries_conf struct registries_conf *conf = NULL;
    if (ret == 0)
        ret = registries_conf_load(&conf, err);
    char *domain = NULL, *path = NULL;
    bool qualified = false;
    if (ret == 0)
        image_name_split(ctx.ref.name, &domain, &path, &qualified);
    /* The names to try: the one given, or each search registry for a short name. */
    size_t n_names = 0;
    char **domains = xmalloc0((strv_length(conf ? conf->search : NULL) + 2) * sizeof(char *));
    if (ret == 0) {
        if (qualified || !conf->search[0])
            domains[n_names++] = xstrdup(domain);
        else
            for (char **s = conf->search; *s; s++)
                domains[n_names++] = xstrdup(*s);
    }
    for (size_t i = 0; ret == 0 && i < n_names; i++) {
        /* library/ only belongs to docker.io: "busybox" on quay.io is quay.io/busybox. */
        const char *p = path;
        if (!qualified && strcmp(domains[i], IMAGE_DOCKER_HUB))
            p = ctx.ref.name;
        struct source *sources = NULL;
        size_t n_sources = 0;
        ret = sources_for(conf, domains[i], p, ctx.ref.digest != NULL, opts->tls_verify_off, &sources, &n_sources,
                          err);
        bool done = false;
        for (size_t k = 0; ret == 0 && k < n_sources && !done; k++) {
            struct hull_error *one = NULL;
            if (pull_from(&ctx, &sources[k], domains[i], p, &one) == 0) {
                done = true;
                hull_error_freep(err);
            } else if (k + 1 < n_sources || i + 1 < n_names) {
                /* A mirror or search registry that failed: the next one may have it.  The
                 * first failure is kept, it is about the name the user asked for. */
                if (err && !*err)
                    *err = one;
                else
                    hull_error_free(one);
            } else {
                if (err && !*err)
                    *err = one;
                else
                    hull_error_free(one);
                ret = -1;
            }
        }
        sources_free(sources, n_sources);
        if (done) {
            ret = 0;
            break;
        }
    }
    strv_free(domains);
    free(domain);
    free(path);
    platform_clear(&ctx.platform);
    image_ref_clear(&ctx.ref);
    if (ret < 0)
        registry_pull_result_clear(out);
    return ret;
}

/* ---- tags ---- */

int registry_list_tags(const char *name, bool tls_verify_off, const char *authfile, char ***out,
                       struct hull_error **err)
{
    *out = NULL;
    cleanup_image_ref struct image_ref ref = {0};
    if (image_ref_parse(name, &ref, err) < 0)
        return -1;
    const char *last = strrchr(name, '/');
    if (strchr(name, '@') || strchr(last ? last : name, ':'))
        return hull_error_set(err, 0, "\"%s\": a tag or digest cannot be used with --all-tags", name);
    cleanup_registries_conf struct registries_conf *conf = NULL;
    if (registries_conf_load(&conf, err) < 0)
        return -1;
    cleanup_free char *domain = NULL, *path = NULL;
    bool qualified;
    image_name_split(ref.name, &domain, &path, &qualified);
    struct source *sources = NULL;
    size_t n_sources = 0;
    if (sources_for(conf, domain, path, false, tls_verify_off, &sources, &n_sources, err) < 0)
        return -1;
    const struct source *src = &sources[n_sources - 1]; /* the location itself, not a mirror */
    struct registry_client_opts co = {.host = src->host, .insecure = src->insecure, .authfile = authfile};
    cleanup_registry_client struct registry_client *c = NULL;
    cleanup_free char *what = xasprintf("tags of %s/%s", domain, path);
    cleanup_free char *req = xasprintf("/v2/%s/tags/list?n=10000", src->repo);
    cleanup_free char *scope = xasprintf("repository:%s:pull", src->repo);
    struct registry_response resp = {0};
    int ret = registry_client_new(&co, &c, err);
    if (ret == 0 && (ret = registry_client_get(c, req, "application/json", scope, IMAGE_JSON_MAX, &resp, err)) < 0)
        hull_error_wrap(err, "%s", what);
    sources_free(sources, n_sources);
    if (ret < 0)
        return -1;
    if (resp.status != 200) {
        ret = registry_client_status_error(c, &resp, what, err);
        registry_response_clear(&resp);
        return ret;
    }
    cleanup_strv char **tags = NULL;
    ret = registry_tag_list_parse(resp.body, resp.len, &tags, err);
    registry_response_clear(&resp);
    if (ret < 0)
        return hull_error_wrap(err, "%s", what);
    size_t k = 0;
    for (size_t i = 0; tags[i]; i++) {
        if (image_tag_is_valid(tags[i])) /* a registry's word is not trusted into a name */
            tags[k++] = tags[i];
        else
            free(tags[i]);
    }
    tags[k] = NULL;
    *out = steal_pointer(&tags);
    return 0;
}

/* ---- login / logout ---- */

int registry_login(const char *host, const char *username, const char *password, const char *authfile,
                   bool tls_verify_off, struct hull_error **err)
{
    if (!username || !*username || !password || !*password)
        return hull_error_set(err, 0, "login to %s: a username and a password are needed", host);
    if (strchr(username, ':'))
        return hull_error_set(err, 0, "login to %s: a username cannot contain ':'", host);
    cleanup_registries_conf struct registries_conf *conf = NULL;
    if (registries_conf_load(&conf, err) < 0)
        return -1;
    const struct registry_entry *e = registries_conf_find(conf, host);
    struct registry_credentials creds = {.username = (char *)username, .password = (char *)password};
    struct registry_client_opts co = {
        .host = host, .insecure = tls_verify_off || (e && e->insecure), .authfile = authfile, .creds = &creds};
    cleanup_registry_client struct registry_client *c = NULL;
    if (registry_client_new(&co, &c, err) < 0 || registry_client_check_login(c, err) < 0)
        return -1;
    return registry_credentials_store(authfile, host, username, password, NULL, err);
}

int registry_logout(const char *host, const char *authfile, bool *removed, struct hull_error **err)
{
    return registry_credentials_store(authfile, host, NULL, NULL, removed, err);
}
