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

/* Set in the environment of a hull that joined the user namespace, so that a
 * re-executed hull (CVE-2019-5736 protection, hull-monitor's helpers) keeps
 * the rootless defaults although its uid is now 0. Value: the user's uid. */
#define ENGINE_ROOTLESS_ENV "_HULL_ROOTLESS_UID"

/* True for a normal user, or a hull running inside the namespace it joined. */
bool engine_rootless(void);

/* The defaults for a normal user: $XDG_DATA_HOME/hull (else
 * ~/.local/share/hull) and $XDG_RUNTIME_DIR/hull (else /run/user/UID/hull). */
char *engine_rootless_default_root(void);
char *engine_rootless_default_runroot(void);

/* One subordinate range of a user from /etc/subuid or /etc/subgid. */
struct subid_range {
    unsigned long start, count;
};
/* The ranges of user (name) or uid in file; *n_out 0 when there is none
 * (not an error: the caller names the problem).  Ranges of 0 ids are skipped. */
int engine_subid_ranges(const char *file, const char *user, uid_t uid, struct subid_range **out, size_t *n_out,
                        struct hull_error **err);

/* Joins the user's pause process (RUNROOT/@pause.pid), starting it first
 * when there is none: its user namespace, then its mount namespace; the
 * working directory is kept.  Must run while the process is single-threaded
 * (setns(CLONE_NEWUSER) refuses otherwise). */
int engine_rootless_enter(const char *runroot, struct hull_error **err);

/* A normal user's delegated cgroup: the parent of the cgroup hull runs in,
 * when it is the same path in every hierarchy and the user may write it in
 * each (systemd's Delegate=, or an administrator's chown).  Containers then
 * get their cgroup under it (PARENT/hull-<id>); NULL: none (they run without
 * one).  Owned. */
char *engine_rootless_cgroup_parent(void);

/* Rootless, a resource limit (flag names it, NULL: none given) needs a cgroup
 * the user may write where the runtime makes the container's: refused with
 * one line naming the flag when none was delegated. */
int engine_rootless_check_limits(const char *flag, struct hull_error **err);

#endif
