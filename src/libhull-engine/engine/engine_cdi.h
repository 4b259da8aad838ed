/* hull run --device vendor.com/class=name: devices from CDI specs (the
 * Container Device Interface that NVIDIA's container toolkit and others
 * write), as podman and containerd resolve them.
 *
 * Spec files (*.json and *.yaml, read by engine_cdi_spec.h with CDI's
 * rules) are in the spec directories, /etc/cdi then /var/run/cdi (a later
 * directory wins for the same kind and device), or the directories of
 * HULL_CDI_SPEC_DIRS (colon-separated).  The spec's containerEdits and the
 * device's are applied: deviceNodes (a node and its devices cgroup rule, as
 * --device), mounts (binds), env, and hooks (the OCI config's hooks under
 * their hookName).  netDevices, intelRdt and additionalGids are refused. */
#ifndef HULL_ENGINE_CDI_H
#define HULL_ENGINE_CDI_H

#include <stdbool.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

struct engine_run_config;

#endif
