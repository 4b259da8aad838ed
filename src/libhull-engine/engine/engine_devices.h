/* hull run --device HOST[:CONTAINER][:PERMS] and --device-cgroup-rule RULE:
 * host device nodes made in the container (linux.devices) and the devices
 * cgroup rules that let it use them (linux.resources.devices), as docker
 * does.  Everything is checked when the flags are read: a device that does
 * not exist or is not a device node, a relative container path, permissions
 * other than r, w, m, or a rule that does not parse is one line naming it. */
#ifndef HULL_ENGINE_DEVICES_H
#define HULL_ENGINE_DEVICES_H

#include <stdint.h>

#include "spec/spec.h"
#include "record_config.h"
#include "util/error_internal.h"


struct engine_device {
    char *host;      /* PathOnHost */
    char *container; /* PathInContainer (default: the host path) */
    char *perms;     /* CgroupPermissions: some of "rwm" (default "rwm") */
    char type;       /* 'c' or 'b' */
    int64_t major, minor;
    uint32_t mode; /* the host node's permission bits */
    uint32_t uid, gid; /* the node's owner in the container: 0 (docker), or a CDI deviceNode's uid/gid */
};

/* docker's forms: HOST, HOST:CONTAINER, HOST:PERMS, HOST:CONTAINER:PERMS. */
int engine_parse_device(const char *text, struct engine_device *out, struct hull_error **err);
void engine_device_clear(struct engine_device *d);

/* "TYPE MAJOR:MINOR ACCESS" (type a, b or c; '*' for any major or minor;
 * access some of rwm): *rule_out gets the OCI allow rule. */
int engine_parse_device_cgroup_rule(const char *text, struct hull_device_rule *rule_out, struct hull_error **err);

/* Adds the devices and their allow rules (after the default deny-all) to the
 * config's linux section; rules: the parsed --device-cgroup-rule rules. */
void engine_spec_add_devices(struct hull_linux *l, const struct engine_device *devices, size_t n,
                             const struct hull_device_rule *rules, size_t n_rules);

/* The record's HostConfig.Devices (docker's shape): *out gets n entries (never NULL). */
void engine_devices_record(const struct engine_device *devices, size_t n, struct record_device **out,
                           size_t *n_out);

#endif
