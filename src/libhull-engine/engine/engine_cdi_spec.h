/* CDI spec files (the Container Device Interface's JSON and YAML, as the
 * NVIDIA container toolkit and others write them to /etc/cdi and
 * /var/run/cdi) read into typed structs, and the set of devices a list of
 * spec directories defines.  Nothing here touches an OCI config: applying a
 * device's edits is engine_cdi.c's.
 *
 * The rules are the CDI reference library's (tags.cncf.io/container-device-
 * interface, pkg/cdi), so a spec podman or containerd accepts is accepted
 * here and one they skip is skipped:
 * - both .json and .yaml files are YAML documents to it (JSON is YAML), read
 *   strictly: an unknown field, a duplicate key or a value of the wrong type
 *   makes the file invalid.  Anchors, aliases and merge keys (<<) are YAML's.
 * - cdiVersion is a known version and at least the one the fields used need
 *   (annotations 0.6.0, hostPath 0.5.0 ...); kind is vendor/class; there is
 *   at least one device, every device has edits, and no name is defined twice
 *   in one spec (the whole spec is invalid then).
 * - directories are given lowest priority first: a device defined in a later
 *   directory replaces an earlier one; defined twice in the same directory
 *   (say foo.json and foo.yaml) it is a conflict, and neither is used.
 * - an invalid file is skipped, the others still count; its error is kept so
 *   that a device that cannot be resolved can say why. */
#ifndef HULL_ENGINE_CDI_SPEC_H
#define HULL_ENGINE_CDI_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error_internal.h"

struct cdi_device_node {
    char *path;        /* in the container */
    char *host_path;   /* NULL: path */
    char *type;        /* "", b, c, u or p */
    int64_t major, minor;
    bool has_file_mode, has_uid, has_gid;
    uint32_t file_mode, uid, gid;
    char *permissions; /* "", "none" or some of rwm */
};

struct cdi_mount {
    char *host_path, *container_path, *type;
    char **options; /* NULL-terminated; may be NULL */
};

struct cdi_hook {
    char *hook_name, *path;
    char **args, **env; /* may be NULL */
    bool has_timeout;
    int64_t timeout;
};

struct cdi_net_device {
    char *host_interface_name, *name;
};

struct cdi_edits {
    char **env; /* VAR=value; may be NULL */
    struct cdi_device_node *device_nodes;
    size_t n_device_nodes;
    struct cdi_mount *mounts;
    size_t n_mounts;
    struct cdi_hook *hooks;
    size_t n_hooks;
    struct cdi_net_device *net_devices;
    size_t n_net_devices;
    uint32_t *additional_gids;
    size_t n_additional_gids;
    bool has_intel_rdt; /* intelRdt given (its fields are read and checked, not kept) */
};

struct cdi_device {
    char *name;
    char **annotations; /* key, value, key, value ...; may be NULL */
    struct cdi_edits edits;
};

struct cdi_spec {
    char *path;
    char *version, *kind; /* kind is vendor/class */
    char **annotations;
    struct cdi_device *devices;
    size_t n_devices;
    struct cdi_edits edits; /* applied once when any of the devices is */
};

/* Parses and checks one spec's text; errors read "PATH: line N: what". */
int cdi_spec_parse(const char *path, const char *text, size_t len, struct cdi_spec **out, struct hull_error **err);
/* *kind (if not NULL) gets the spec's kind when it could be read, even if
 * the spec then fails its checks. */
int cdi_spec_read(const char *path, struct cdi_spec **out, char **kind, struct hull_error **err);
void cdi_spec_free(struct cdi_spec *spec);

/* The CDI names (vendor/class=name) of the specs in dirs (engine_cdi_registry.c). */
struct cdi_registry;

/* dirs: colon-separated, lowest priority first.  A directory that does not
 * exist is no error (CDI's defaults rarely both exist). */
struct cdi_registry *cdi_registry_load(const char *dirs);
void cdi_registry_free(struct cdi_registry *reg);

/* The spec and device of the CDI name, or an error saying why not: no spec
 * of that kind, no such device, a conflict, with the error of a skipped file
 * that may be the reason. */
int cdi_registry_resolve(const struct cdi_registry *reg, const char *name, const struct cdi_spec **spec,
                         const struct cdi_device **device, struct hull_error **err);

#endif
