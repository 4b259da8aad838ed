/* hull: the OCI config a `hull run` container gets.
 *
 * The engine never hand-writes a whole config: it starts from the runtime's
 * default (spec_default, the same as `hull-runtime spec`) as a struct
 * hull_spec and changes what docker changes -- the image's
 * Entrypoint/Cmd/Env/WorkingDir/User, the run flags, docker's default
 * capability set, no terminal unless -t.  No JSON is edited: the struct is
 * written once, with spec_to_json, as the bundle's config.json. */
#ifndef HULL_ENGINE_SPEC_H
#define HULL_ENGINE_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec/spec.h"
#include "util/error_internal.h"
#include "engine_devices.h"
#include "log_config.h"
#include "restart.h"
#include "hull/hull-engine.h"

struct json_object;
struct engine_net_flags;

/* Where --init's hull-init appears in the container. */
#define ENGINE_INIT_PATH "/dev/init"

/* Flag parsers: engine_flags.h; -v and --mount: engine_mounts.h; capabilities
 * and the seccomp profile: engine_security.h. */

/* The same, only the config.json text. */
int engine_spec_build(const char *image_config_json, const struct engine_run_config *rc, const char *hostname,
                      const char *rootfs, char **json_out, struct hull_error **err);

/* The config of a container.  image_config_json is the image's config blob;
 * rootfs is the prepared root (names in -u / User are looked up in its
 * /etc/passwd and /etc/group).  (*out)->raw_json is its config.json text. */
int engine_spec_make(const char *image_config_json, const struct engine_run_config *rc, const char *hostname,
                     const char *rootfs, struct hull_spec **out, struct hull_error **err);

#endif
