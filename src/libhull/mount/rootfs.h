/* hull: building the container's filesystem view inside its new mount
 * namespace: the rootfs, config mounts in order, /dev, pivot_root, masked and
 * read-only paths.  Runs in the container's init before exec; every path inside
 * the rootfs goes through pathsafe.h. */
#ifndef HULL_ROOTFS_H
#define HULL_ROOTFS_H

#include <stdbool.h>
#include <stdint.h>

#include "../spec/spec.h"
#include "../util/error_internal.h"

struct cgroup_manager;

struct rootfs_ctx {
    const struct hull_spec *spec;
    const char *rootfs;   /* absolute host path */
    const char *bundle;   /* absolute, for relative bind sources */
    struct cgroup_manager *cgroup;
    bool in_userns;       /* mknod is impossible: bind devices from the host */
    bool new_cgroupns;
    bool no_pivot;
    bool own_mount_ns;    /* false: the caller's mount namespace (no "mount" in the config) */
    const int *bind_trees; /* per spec->mounts entry: a detached tree of its bind source, or -1; may be NULL */
};

/* Before the createRuntime hooks: propagation, rootfs bind, every config mount, /dev. */
int rootfs_prepare(const struct rootfs_ctx *ctx, struct hull_error **err);
/* After createContainer hooks: pivot_root (or MS_MOVE + chroot with --no-pivot). */
int rootfs_pivot(const struct rootfs_ctx *ctx, struct hull_error **err);
/* After pivot: masked paths, read-only paths, read-only root, rootfsPropagation. */
int rootfs_finalize(const struct rootfs_ctx *ctx, struct hull_error **err);

/* Binds the pty slave fd (checked to be one) onto /dev/console inside rootfd. */
int rootfs_mount_console(int rootfd, int slave, struct hull_error **err);

/* --no-pivot: the host's tree stays in the container's mount namespace below
 * the moved rootfs; detach (or cover) every full proc and sysfs mount of it
 * first, as runc's msMoveRoot does (no_pivot.c). */
int rootfs_hide_host_proc_sys(const char *rootfs, struct hull_error **err);

/* Without a mount namespace of its own the container's mounts live in the
 * caller's namespace, all below the bind of the rootfs onto itself
 * (caller_ns.c).  The mark is the mount at rootfs (and the namespace) before
 * create; rootfs_release_mounts detaches the rootfs bind and everything below
 * it when, in that same namespace, the mount there is no longer that one. */
struct rootfs_mark {
    uint64_t mnt_id; /* 0: unknown, never release */
    uint64_t mnt_ns; /* inode of /proc/self/ns/mnt */
};
struct rootfs_mark rootfs_mark_now(const char *rootfs);
void rootfs_release_mounts(const char *rootfs, struct rootfs_mark before);

/* "bind" or "rbind" (by type or option). */
bool mount_is_bind(const struct hull_mount *m);

/* With a user namespace the container's root may not be able to reach a bind
 * source the runtime can: runc opens them before the init enters it.  For each
 * bind entry, a detached copy (open_tree OPEN_TREE_CLONE) of its source, made
 * by the runtime in its own namespaces; *trees has one fd (or -1) per mounts
 * entry.  Errors name the entry.  rootfs_close_bind_sources frees them.
 * all: every bind entry (a user namespace); otherwise only idmapped ones,
 * which get MOUNT_ATTR_IDMAP with their uidMappings/gidMappings here. */
int rootfs_open_bind_sources(const struct hull_spec *spec, const char *bundle, bool all, int **trees,
                             struct hull_error **err);
void rootfs_close_bind_sources(int *trees);

/* Creates /dev/null etc. and linux.devices in the directory fd devfd. */
int dev_populate(int rootfd, const struct rootfs_ctx *ctx, struct hull_error **err);

#endif
