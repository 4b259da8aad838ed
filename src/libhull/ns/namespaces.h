/* hull: namespaces -- which to create, which to join (setns by path), user
 * namespace id maps, time namespace offsets, and which sysctls a container
 * may set. */
#ifndef HULL_NAMESPACES_H
#define HULL_NAMESPACES_H

#include <sys/types.h>

#include "../spec/spec.h"
#include "../util/error_internal.h"

/* Opens every linux.namespaces[].path (fds[type] = fd, or -1), checking that each
 * is a namespace of the declared type. */
int ns_open_paths(const struct hull_spec *spec, int fds[HULL_NS__COUNT], struct hull_error **err);
void ns_close_fds(int fds[HULL_NS__COUNT]);

/* CLONE_NEW* flags of the namespaces to create (no path). */
int ns_new_flags(const struct hull_spec *spec);

/* Writes /proc/PID/{uid,gid}_map from linux.uidMappings/gidMappings.  Not
 * root (rootless): the caller's own id is written directly (setgroups denied
 * for the gid map, as the kernel requires); anything else goes through
 * newuidmap/newgidmap, which check /etc/subuid and /etc/subgid. */
int ns_write_id_maps(pid_t pid, const struct hull_spec *spec, struct hull_error **err);

/* Writes linux.timeOffsets to /proc/self/timens_offsets (after unshare(CLONE_NEWTIME)). */
int ns_write_time_offsets(const struct hull_spec *spec, struct hull_error **err);

/* Sets lo up in the current network namespace (a new one has it down). */
int ns_loopback_up(struct hull_error **err);

/* Every linux.netDevices device exists in the runtime's network namespace. */
int ns_net_devices_validate(const struct hull_spec *spec, struct hull_error **err);
/* Moves (and renames) linux.netDevices into the network namespace of pid, with
 * their permanent global addresses, and sets them up. */
int ns_net_devices_move(const struct hull_spec *spec, pid_t pid, struct hull_error **err);

/* Every linux.sysctl key must belong to a namespace the container owns. */
int ns_validate_sysctl(const struct hull_spec *spec, struct hull_error **err);
/* Writes linux.sysctl under /proc/sys (in the container, after pivot_root),
 * through procfs, a handle from mount/procfs.h. */
int ns_apply_sysctl(const struct hull_spec *spec, int procfs, struct hull_error **err);

#endif
