/* hull: the OCI config a `hull run` container gets.
 *
 * The engine never hand-writes a whole config: it starts from the runtime's
 * default (spec_default_json, the same as `hull-runtime spec`) and changes
 * what docker changes -- the image's Entrypoint/Cmd/Env/WorkingDir/User, the
 * run flags, docker's default capability set, no terminal unless -t.  The
 * result is written as the bundle's config.json and parsed with spec_parse,
 * so what runs is exactly what is on disk. */
#ifndef HULL_ENGINE_SPEC_H
#define HULL_ENGINE_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"

struct engine_bind {
    char *source;      /* absolute, resolved host path */
    char *destination; /* absolute path in the container */
    bool read_only;
};

struct engine_run_config {
    char **env;             /* -e K=V (or K: taken from our environment), in order; may be NULL */
    const char *hostname;   /* default: the short id */
    const char *workdir;    /* -w; overrides the image's WorkingDir */
    const char *user;       /* -u UID[:GID] or NAME[:GROUP]; overrides the image's User */
    const char *entrypoint; /* --entrypoint; "" clears the image's */
    char **cmd;             /* arguments after IMAGE; NULL keeps the image's Cmd */
    struct engine_bind *binds;
    size_t n_binds;
    int64_t memory;    /* bytes; 0 = no limit */
    int64_t cpu_quota; /* microseconds per period; 0 = no limit */
    uint64_t cpu_period;
    int64_t pids_limit; /* 0 = no limit */
    bool read_only;
    bool host_network;
    bool tty;
};

/* docker's RAMInBytes: "256m", "1g", "512k", "1024b", "1048576"; at least 6 MiB like docker. */
int engine_parse_memory(const char *text, int64_t *bytes, struct hull_error **err);
/* "--cpus 0.5" -> quota 50000 per period 100000. */
int engine_parse_cpus(const char *text, int64_t *quota, uint64_t *period, struct hull_error **err);
/* "-v HOST:CTR[:ro|rw]": HOST must exist (it is resolved to an absolute path). */
int engine_parse_bind(const char *text, struct engine_bind *out, struct hull_error **err);
void engine_bind_clear(struct engine_bind *b);

/* The config.json text for a container.  image_config_json is the image's
 * config blob; rootfs is the prepared root (names in -u / User are looked up
 * in its /etc/passwd and /etc/group). */
int engine_spec_build(const char *image_config_json, const struct engine_run_config *rc, const char *hostname,
                      const char *rootfs, char **json_out, struct hull_error **err);

#endif
