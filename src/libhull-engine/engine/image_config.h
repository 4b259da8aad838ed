/* hull: the members of an image's config blob (the OCI image config's
 * "config" object) that decide a container's process and mounts: Env,
 * Entrypoint, Cmd, WorkingDir, User, Volumes (and Labels, StopSignal, Healthcheck for the record).  Read once, into a struct, so building the container's
 * config never walks JSON (issue 12). */
#ifndef HULL_ENGINE_IMAGE_CONFIG_H
#define HULL_ENGINE_IMAGE_CONFIG_H

#include "record_config.h"
#include "util/error_internal.h"

struct engine_image_config {
    char **env;        /* NULL-terminated; NULL when absent */
    char **entrypoint; /* NULL when absent or not an array */
    char **cmd;        /* NULL when absent or not an array */
    char *working_dir; /* NULL when absent or not a string */
    char *user;        /* NULL when absent or not a string */
    char **volumes;    /* the keys of Volumes, in order; NULL when absent or not an object */
    char **exposed_ports; /* the keys of ExposedPorts ("80/tcp"), in order; NULL when absent or not an object */
    /* what the container's record shows of the image */
    record_map labels;                     /* NULL when absent or not strings */
    char *stop_signal;                     /* NULL when absent or not a string */
    struct record_healthcheck healthcheck; /* HEALTHCHECK; keep.seen false when absent */
};

/* Members of the wrong type are skipped, as docker does; text that is not
 * JSON, or an Env/Entrypoint/Cmd entry that is not a string, is an error. */
int engine_image_config_parse(const char *text, struct engine_image_config *out, struct hull_error **err);
void engine_image_config_clear(struct engine_image_config *c);

#endif
