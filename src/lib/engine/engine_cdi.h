/* hull run --device vendor.com/class=name: devices from CDI specs (the
 * Container Device Interface that NVIDIA's container toolkit and others
 * write), as podman and containerd resolve them.
 *
 * Spec files are JSON (*.json) in the spec directories, /etc/cdi then
 * /var/run/cdi (a later directory wins for the same kind and device), or
 * the directories of HULL_CDI_SPEC_DIRS (colon-separated).  A spec's
 * "kind" is vendor.com/class; a device's containerEdits and the spec's own
 * are applied: deviceNodes (a node and its devices cgroup rule, as
 * --device), mounts (binds), env, and hooks (the OCI config's hooks under
 * their hookName).  YAML specs are not read yet. */
#ifndef HULL_ENGINE_CDI_H
#define HULL_ENGINE_CDI_H

#include <stdbool.h>

#include "../util/error.h"

struct engine_run_config;

/* Whether text is a CDI name (vendor/class=name) rather than a host path. */
bool engine_cdi_is_name(const char *text);

/* Adds the edits of the CDI device name to rc (devices, binds, hooks) and
 * to *env; an error names the device and why (no spec of that kind, no such
 * device in it, a host node that does not exist). */
int engine_cdi_apply(const char *name, struct engine_run_config *rc, char ***env, struct hull_error **err);

/* docker's --gpus (all, N, count=N|all, device=ID[,ID...], driver=nvidia,
 * capabilities=... as CSV: `--gpus '"device=0,1"'`) as the CDI names the
 * NVIDIA container toolkit writes: nvidia.com/gpu=all, nvidia.com/gpu=0 ...
 * (count=N: the first N indices).  *names gets them (NULL-terminated). */
int engine_gpus_to_cdi(const char *text, char ***names, struct hull_error **err);

#endif
