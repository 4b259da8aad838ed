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
#include "hull/hull-engine.h"


/* Adds the devices and their allow rules (after the default deny-all) to the
 * config's linux section; rules: the parsed --device-cgroup-rule rules. */
void engine_spec_add_devices(struct hull_linux *l, const struct engine_device *devices, size_t n,
                             const struct hull_device_rule *rules, size_t n_rules);

/* The record's HostConfig.Devices (docker's shape): *out gets n entries (never NULL). */
void engine_devices_record(const struct engine_device *devices, size_t n, struct record_device **out,
                           size_t *n_out);

#endif
