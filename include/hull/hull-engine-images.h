/* libhull-engine's public interface, part 3 of 3: the images (one call per
 * image command: engine_image_*, engine_container_diff/commit/rootfs, with
 * their typed results), export, cp, and the registries (pull, push, login).  Included by hull-engine.h, which is
 * what front ends include; apart only to keep each file short. */
#ifndef HULL_PUBLIC_HULL_ENGINE_IMAGES_H
#define HULL_PUBLIC_HULL_ENGINE_IMAGES_H

#include "hull-engine.h"

/* ---- images: digests and callback types ---- */

#define DIGEST_HEX_LEN 64
/* "sha256:" + 64 hex + NUL */
#define DIGEST_STR_SIZE (7 + DIGEST_HEX_LEN + 1)

/* What engine_image_remove or engine_image_prune did, one call per event
 * ("Untagged", "Deleted", "Deleted layer"), for the lines rmi and prune print. */
typedef void (*image_remove_event_fn)(const char *what, const char *name, void *data);

/* path is absolute ("/etc/passwd"); a non-zero return stops the walk and is returned. */
typedef int (*image_diff_fn)(char kind, const char *path, void *data);

/* The hex part of a valid digest (s + 7). */
const char *digest_hex(const char *s);

/* ---- images: what the store holds (store.c) ---- */

struct image_store;
struct image_layer_info {
    char diff_id[DIGEST_STR_SIZE]; /* sha256 of the uncompressed tar: the key of layers/ */
    char digest[DIGEST_STR_SIZE];  /* sha256 of the blob as it was shipped (compressed or not) */
    char *media_type;              /* as the manifest said, or derived from the compression */
    uint64_t blob_size;            /* bytes of the shipped blob */
    uint64_t size;                 /* sum of the regular files' sizes once unpacked */
};

struct image_info {
    char id[DIGEST_STR_SIZE];       /* "sha256:<hex>" = digest of the config blob */
    char manifest[DIGEST_STR_SIZE]; /* digest of the manifest blob, "" if none was shipped (docker-archive) */
    char **tags;                    /* "name:tag", sorted, NULL-terminated (may be empty) */
    char *created;                  /* RFC 3339 from the config, may be NULL */
    int64_t created_unix;           /* 0 when unknown */
    char *os, *architecture;
    uint64_t size; /* sum of the layers' sizes */
    size_t n_layers;
    struct image_layer_info *layers; /* base layer first */
};

void image_info_freep(struct image_info **info);

#define cleanup_image_info __attribute__((cleanup(image_info_freep)))

/* ---- images: load and import (load.c, import.c) ---- */

enum image_progress_phase {
    IMAGE_PROGRESS_READ,         /* reading the archive into staging */
    IMAGE_PROGRESS_LAYER,        /* unpacking a layer: bytes of that layer's blob */
    IMAGE_PROGRESS_LAYER_EXISTS, /* the layer is already in the store */
    IMAGE_PROGRESS_LAYER_DONE,
    IMAGE_PROGRESS_COMMIT,
};

struct image_progress_event {
    enum image_progress_phase phase;
    const char *detail;   /* the layer digest, or the file name */
    uint64_t bytes_done;  /* of the current phase */
    uint64_t bytes_total; /* 0 when unknown (stdin) */
    size_t layers_done, layers_total;
};

/* The library never prints; the front end draws whatever it likes from these. */
struct image_progress {
    void (*fn)(const struct image_progress_event *event, void *data);
    void *data;
};

struct image_load_result {
    char **names; /* "name:tag" of every image loaded, in archive order */
    char **ids;   /* "sha256:<hex>" of every image loaded (same order, no duplicates) */
};
void image_load_result_clear(struct image_load_result *r);

struct image_import_opts {
    const char *reference; /* NAME[:TAG] or NULL for an untagged image */
    const char *message;   /* history comment */
    char *const *changes;  /* docker --change lines: CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL, EXPOSE,
                              VOLUME, STOPSIGNAL; NULL-terminated, may be NULL */
};

/* ---- images: save (save.c) ---- */

enum image_save_format {
    IMAGE_SAVE_DOCKER_ARCHIVE,
    IMAGE_SAVE_OCI_ARCHIVE,
};

/* ---- images: commit (commit.c) ---- */

struct image_commit_opts {
    const char *reference;      /* NAME[:TAG] for the new image, or NULL */
    const char *message;        /* history comment */
    const char *author;         /* config "author" */
    char *const *changes;       /* docker --change lines, NULL-terminated, may be NULL */
    const char *const *ignore;  /* paths ("/etc/hosts") the engine made: left out when the image lacks them */
    const char *created_by;     /* history created_by; "hull commit" when NULL */
};

/* ---- images: history (history.c) ---- */

struct image_history_entry {
    char *created; /* RFC 3339, may be NULL */
    int64_t created_unix;
    char *created_by; /* may be NULL */
    char *comment;    /* may be NULL */
    bool empty_layer;
    uint64_t size; /* of its layer; 0 for an empty_layer step */
};

/* ---- images: what the image commands call (engine/images.c) ----
 * Each opens the store at root itself (locked when it writes) and closes it
 * before returning; the journal gets docker's image events. */

/* hull images' selection: the REPOSITORY[:TAG] argument and docker's
 * --filter dangling= and reference=. */
struct engine_image_filters {
    const char *name;              /* "busybox": every tag of it; "busybox:1.36": that tag; NULL: all */
    int dangling;                  /* -1 any, 0 tagged images only, 1 untagged only */
    /* globs on "repo:tag" (on "repo" when a glob has no ':'); NULL-terminated, may be NULL */
    const char *const *references;
};

/* One line of `hull images`: a tag split at its last ':' after the last '/'. */
struct engine_image_row {
    char *repository; /* "<none>" for an untagged image */
    char *tag;        /* "<none>" for an untagged image or a tag without ':' */
};

struct engine_image_listed {
    struct image_info *info;      /* the whole image, every tag in info->tags */
    struct engine_image_row *rows; /* the tags the filters kept, in info->tags order (one <none> row when untagged) */
    size_t n_rows;                 /* at least 1 */
};

struct engine_image_list {
    struct engine_image_listed *images; /* newest first, only images with a row */
    size_t n;
};
void engine_image_list_clear(struct engine_image_list *list);

/* hull images: the images the filters keep (filters may be NULL). */
int engine_image_list(const char *root, const struct engine_image_filters *filters, struct engine_image_list *out,
                      struct hull_error **err);

/* hull rmi: image_store_remove's rules for each name, after the marks of
 * containers that no longer exist are swept (they must not keep an image for
 * good); on_event gets what was untagged and deleted (also "Deleted layer"),
 * on_error each name that failed.  -1 (err) only when nothing could be tried. */
int engine_image_remove(const char *root, char *const *names, bool force, image_remove_event_fn on_event, void *data,
                        engine_name_error_fn on_error, void *error_data, struct hull_error **err);

/* hull image prune / system prune: image_store_prune (below) with the journal's events. */
int engine_image_prune(const char *root, bool all, image_remove_event_fn on_event, void *data, uint64_t *reclaimed,
                       struct hull_error **err);

/* hull tag: dst (NAME[:TAG]) names the image src names. */
int engine_image_tag(const char *root, const char *src, const char *dst, struct hull_error **err);

/* run/create --pull POLICY ("missing" when NULL, "always", "never"):
 * whether reference is to be pulled before the container is made, and why
 * (the store lacks it, or always).  Another policy is an error naming it:
 * invalid --pull "P": want missing, always or never. */
enum engine_pull_need { ENGINE_PULL_NO, ENGINE_PULL_MISSING, ENGINE_PULL_ALWAYS };
int engine_image_pull_wanted(const char *root, const char *policy, const char *reference,
                             enum engine_pull_need *need, struct hull_error **err);

/* docker image inspect's JSON array for names (plus a "Hull" object with
 * the manifest digest and the layers); a name that fails is left out and
 * given to on_error.  The one producer of that JSON (images_inspect.c). */
int engine_image_inspect_json(const char *root, char *const *names, struct json_object **out,
                              engine_name_error_fn on_error, void *error_data, struct hull_error **err);

struct engine_image_history {
    char id[DIGEST_STR_SIZE]; /* the image's: the newest step's id (docker has none for the others) */
    struct image_history_entry *entries; /* newest first */
    size_t n;
};
void engine_image_history_clear(struct engine_image_history *h);

/* hull history NAME. */
int engine_image_history(const char *root, const char *name, struct engine_image_history *out,
                         struct hull_error **err);

/* hull save: image_save of names to fd. */
int engine_image_save(const char *root, char *const *names, enum image_save_format format, int fd,
                      struct hull_error **err);

/* hull load: image_load into the store, a "load" event per name loaded. */
int engine_image_load(const char *root, const char *path, const struct image_progress *progress,
                      struct image_load_result *out, struct hull_error **err);

/* hull import: image_import into the store, an "import" event. */
int engine_image_import(const char *root, const char *path, const struct image_import_opts *opts,
                        const struct image_progress *progress, char id_out[static DIGEST_STR_SIZE],
                        struct hull_error **err);

/* hull diff: what the container TEXT names (a name, id or unique prefix;
 * "no such container: TEXT" otherwise) changed against its image (hull's own
 * /etc files left out, as docker does); fn as image_rootfs_diff's. */
int engine_container_diff(const char *root, const char *text, image_diff_fn fn, void *data, struct hull_error **err);

/* hull commit: a new image from the changes of the container TEXT names (as
 * engine_container_diff's); opts->ignore is set by the call: hull's own /etc
 * files; a "commit" event. */
int engine_container_commit(const char *root, const char *text, const struct image_commit_opts *opts,
                            char id_out[static DIGEST_STR_SIZE], struct hull_error **err);

/* hull export and cp: container id's root filesystem, mounted again when a
 * stopped container's overlay is not (after a reboot); *rootfs: its path. */
int engine_container_rootfs(const char *root, const char *id, char **rootfs, struct hull_error **err);

/* hull export: the root filesystem (engine_container_rootfs) of the
 * container text names (name, id or unique prefix) as a tar stream (no
 * whiteouts: a merged view has none) into output, written under a
 * temporary name and renamed when complete, or on stdout when output is
 * NULL.  The container is looked up before output is created. */
int engine_container_export(const char *root, const char *text, const char *output, struct hull_error **err);

/* hull cp: container_copy (image/cp.h) in the root filesystem of the
 * container text names (name, id or unique prefix).
 * into_container: host src -> container dest; else container src -> host
 * dest.  Relative host paths are relative to the current directory. */
int engine_container_copy(const char *root, const char *text, const char *src, const char *dest, bool into_container,
                          bool archive, bool follow, struct hull_error **err);

/* ---- registries: pull, push, login (registry/) ---- */

#define REGISTRY_DEFAULT_MAX_CONCURRENT 3
/* Layers uploaded at once by a push, as docker's max-concurrent-uploads. */
#define REGISTRY_DEFAULT_PUSH_CONCURRENT 5
/* --max-concurrent accepts 1 to this. */
#define REGISTRY_MAX_CONCURRENT_LIMIT 64

struct registry_pull_opts {
    const char *reference;   /* as the user typed it: "busybox", "127.0.0.1:5000/x@sha256:..." */
    const char *platform;    /* "os/arch[/variant]"; NULL: this machine's */
    bool tls_verify_off;     /* --tls-verify=false: no TLS verification, plain HTTP allowed */
    unsigned max_concurrent; /* layers downloaded at once; 0: REGISTRY_DEFAULT_MAX_CONCURRENT */
    const char *authfile;    /* NULL: the default credential files (auth.h) */
};

enum registry_pull_event_kind {
    REGISTRY_PULL_RESOLVED,     /* detail: the full reference being pulled (registry/repo:tag) */
    REGISTRY_PULL_LAYER_EXISTS, /* the store has this layer */
    REGISTRY_PULL_LAYER_WAITING,
    REGISTRY_PULL_LAYER_BYTES,      /* done/total of this layer's blob */
    REGISTRY_PULL_LAYER_RETRY,      /* a dropped connection, resuming */
    REGISTRY_PULL_LAYER_DOWNLOADED, /* every byte is in */
    REGISTRY_PULL_LAYER_DONE,       /* unpacked and verified */
    REGISTRY_PULL_COMMIT,
    /* push */
    REGISTRY_PUSH_START,           /* detail: the repository */
    REGISTRY_PUSH_LAYER_PREPARING, /* compressing */
    REGISTRY_PUSH_LAYER_EXISTS,    /* the registry has the blob */
    REGISTRY_PUSH_LAYER_MOUNTED,   /* detail: the repository it was mounted from */
    REGISTRY_PUSH_LAYER_PUSHING,   /* done/total bytes sent */
    REGISTRY_PUSH_LAYER_PUSHED,
};

struct registry_pull_event {
    enum registry_pull_event_kind kind;
    const char *detail;
    size_t layer, n_layers;
    const char *layer_digest; /* "sha256:..." of the blob */
    uint64_t done, total;
};

struct registry_pull_progress {
    void (*fn)(const struct registry_pull_event *event, void *data);
    void *data;
};

struct registry_pull_result {
    char *full_name;   /* "docker.io/library/busybox:latest" (or NAME@DIGEST) */
    char *stored_name; /* the tag in the store: "busybox:latest"; NULL for a pull by digest */
    char id[DIGEST_STR_SIZE];     /* image id (config digest) */
    char digest[DIGEST_STR_SIZE]; /* what the registry calls it: the manifest or index digest */
    bool downloaded;              /* false: the store already had every layer */
};
void registry_pull_result_clear(struct registry_pull_result *r);

/* hull pull: the image into the store at root (which the pull opens and locks
 * itself: registry/registry.h says how), then the journal's "pull" event. */
int engine_image_pull(const char *root, const struct registry_pull_opts *opts,
                      const struct registry_pull_progress *progress, struct registry_pull_result *out,
                      struct hull_error **err);

/* hull pull -a: engine_image_pull of each tag of opts->reference (a repository
 * without tag), as the registry lists them; on_pulled gets each result (to
 * print) before the next pull starts.  The first failure stops it; a
 * repository without tags is an error ("NAME: the repository has no tags"). */
typedef void (*engine_pull_result_fn)(const struct registry_pull_result *result, void *data);
int engine_image_pull_all_tags(const char *root, const struct registry_pull_opts *opts,
                               const struct registry_pull_progress *progress, engine_pull_result_fn on_pulled,
                               void *data, struct hull_error **err);

struct registry_push_opts {
    const char *source;      /* the image in the store */
    const char *destination; /* NAME:TAG (or NAME@DIGEST) to push to; NULL: source */
    bool tls_verify_off;
    unsigned max_concurrent; /* layers uploaded at once; 0: REGISTRY_DEFAULT_PUSH_CONCURRENT */
    const char *authfile;
};

struct registry_push_result {
    char *full_name;              /* "127.0.0.1:5000/team/app:v1" */
    char digest[DIGEST_STR_SIZE]; /* of the manifest pushed */
    uint64_t size;                /* of the manifest */
};
void registry_push_result_clear(struct registry_push_result *r);

/* hull push: an image of the store at root to a registry (registry/push.c
 * says how); progress reuses the pull's event type. */
int engine_image_push(const char *root, const struct registry_push_opts *opts,
                      const struct registry_pull_progress *progress, struct registry_push_result *out,
                      struct hull_error **err);


/* hull login: checks the credentials against host, then stores them. */
int registry_login(const char *host, const char *username, const char *password, const char *authfile,
                   bool tls_verify_off, struct hull_error **err);
/* hull logout: *removed tells whether there was anything stored. */
int registry_logout(const char *host, const char *authfile, bool *removed, struct hull_error **err);

#endif
