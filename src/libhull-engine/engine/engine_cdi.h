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

/* Whether text is a CDI name (vendor/class=name) rather than a host path. */
bool engine_cdi_is_name(const char *text);

/* Adds the edits of the CDI devices names (NULL-terminated) to rc (devices,
 * binds, hooks) and to *env, a spec's own edits once however many of its
 * devices are named; an error names the device and why (no spec of that
 * kind, no such device in it, a skipped spec file, a host node that does not
 * exist), and *failed is the index of that name. */
int engine_cdi_apply(char *const *names, struct engine_run_config *rc, char ***env, size_t *failed,
                     struct hull_error **err);

/* docker's --gpus (all, N, count=N|all, device=ID[,ID...], driver=nvidia,
 * capabilities=... as CSV: `--gpus '"device=0,1"'`) as the CDI names the
 * NVIDIA container toolkit writes: nvidia.com/gpu=all, nvidia.com/gpu=0 ...
 * (count=N: the first N indices).  *names gets them (NULL-terminated). */
int engine_gpus_to_cdi(const char *text, char ***names, struct hull_error **err);

#endif
