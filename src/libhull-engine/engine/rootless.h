/* Rootless hull: the engine run by a normal user (docs/rootless.md).
 *
 * A normal user cannot chown files to other users, mount overlayfs or create
 * namespaces the way root does.  As podman does, hull keeps one user namespace
 * per user (and per runroot), held open by a tiny "pause" process: container
 * root is the user, container ids 1..N are the user's subordinate range from
 * /etc/subuid and /etc/subgid (written by newuidmap/newgidmap, package
 * uidmap).  Every `hull` command run by the user joins that namespace and its
 * mount namespace before doing anything else, and from then on works as
 * "root" there: layers are unpacked with their own owners (mapped ids),
 * overlayfs is mounted in the user namespace, and the runtime library sees a
 * rootless caller (running_rootless()) and only uses delegated cgroups. */
#ifndef HULL_ENGINE_ROOTLESS_H
#define HULL_ENGINE_ROOTLESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

/* Set in the environment of a hull that joined the user namespace, so that a
 * re-executed hull (CVE-2019-5736 protection, hull-monitor's helpers) keeps
 * the rootless defaults although its uid is now 0. Value: the user's uid. */
#define ENGINE_ROOTLESS_ENV "_HULL_ROOTLESS_UID"

/* One subordinate range of a user from /etc/subuid or /etc/subgid. */
struct subid_range {
    unsigned long start, count;
};
/* The ranges of user (name) or uid in file; *n_out 0 when there is none
 * (not an error: the caller names the problem).  Ranges of 0 ids are skipped. */
int engine_subid_ranges(const char *file, const char *user, uid_t uid, struct subid_range **out, size_t *n_out,
                        struct hull_error **err);

/* A normal user's delegated cgroup: the parent of the cgroup hull runs in,
 * when it is the same path in every hierarchy and the user may write it in
 * each (systemd's Delegate=, or an administrator's chown).  Containers then
 * get their cgroup under it (PARENT/hull-<id>); NULL: none (they run without
 * one).  Owned. */
char *engine_rootless_cgroup_parent(void);

#endif
