/* hull: the "cgroup" mount inside the container (/sys/fs/cgroup).
 *
 * v2: one cgroup2 mount.  v1 and hybrid: a tmpfs with one mount per
 * hierarchy, named like the host's (cpu, memory, systemd, unified ...), and a
 * symlink per co-mounted controller (cpu -> cpu,cpuacct) as the host has.
 * With a cgroup namespace each mount is a fresh cgroup/cgroup2 mount, whose
 * root the kernel sets to the namespace's root, i.e. the container's cgroup;
 * without one (or when the kernel refuses, e.g. v1 in a user namespace), the
 * container's own cgroup directories are bind-mounted, as runc does, so the
 * container never sees its siblings.
 *
 * Everything goes through the new mount API (fsopen/fsmount/open_tree/
 * move_mount) onto fds: dest_fd was resolved inside the rootfs by the mount
 * code, and once the tmpfs is attached its mount fd is our only safe handle
 * into it (an fd opened before a mount keeps pointing below it). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/utils.h"
#include "cgroup_internal.h"

#define CGROUP_MOUNT_ATTRS (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

/* A new filesystem instance as a detached mount fd. options: "key" flags or "key=value". */
static int new_fs_mount(const char *fstype, const char *const *options, size_t n_options, unsigned attrs,
                        struct hull_error **err)
{
    cleanup_close int fs = fsopen(fstype, FSOPEN_CLOEXEC);
    if (fs < 0)
        return hull_error_set(err, errno, "fsopen %s", fstype);
    for (size_t i = 0; i < n_options; i++) {
        const char *eq = strchr(options[i], '=');
        int r;
        if (eq) {
            cleanup_free char *key = xstrndup(options[i], (size_t)(eq - options[i]));
            r = fsconfig(fs, FSCONFIG_SET_STRING, key, eq + 1, 0);
        } else {
            r = fsconfig(fs, FSCONFIG_SET_FLAG, options[i], NULL, 0);
        }
        if (r < 0)
            return hull_error_set(err, errno, "%s mount option \"%s\"", fstype, options[i]);
    }
    if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return hull_error_set(err, errno, "create a %s filesystem", fstype);
    int mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
    if (mnt < 0)
        return hull_error_set(err, errno, "fsmount %s", fstype);
    return mnt;
}

static int bind_tree(const char *source, unsigned attrs, struct hull_error **err)
{
    int tree = open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (tree < 0)
        return hull_error_set(err, errno, "open_tree %s", source);
    struct mount_attr attr = {.attr_set = attrs};
    if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0) {
        int e = errno;
        close(tree);
        return hull_error_set(err, e, "set mount flags on the bind of %s", source);
    }
    return tree;
}

static int attach(int mnt, int target_fd, const char *what, struct hull_error **err)
{
    if (move_mount(mnt, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return hull_error_set(err, errno, "attach %s", what);
    return 0;
}

/* The node's own mount: a fresh cgroup fs in a cgroupns, otherwise (or when
 * refused) a bind of the container's directory. */
static int hierarchy_mount(const struct cgroup_node *n, bool have_cgroupns, unsigned attrs, struct hull_error **err)
{
    if (have_cgroupns) {
        const char *opts[16];
        size_t n_opts = 0;
        cleanup_free char *copy = xstrdup(n->h.options);
        if (!n->h.unified) {
            char *save = NULL;
            bool named_only = true;
            for (char *o = strtok_r(copy, ",", &save); o && n_opts < 14; o = strtok_r(NULL, ",", &save)) {
                opts[n_opts++] = o;
                named_only &= !strncmp(o, "name=", 5);
            }
            if (named_only)
                opts[n_opts++] = "none"; /* a named hierarchy without controllers */
        }
        struct hull_error *e = NULL;
        int fd = new_fs_mount(n->h.unified ? "cgroup2" : "cgroup", opts, n_opts, attrs, &e);
        if (fd >= 0)
            return fd;
        /* EPERM: e.g. v1 hierarchies cannot be mounted from a user namespace. */
        hull_error_free(e);
    }
    return bind_tree(n->dir, attrs, err);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* v1 and hybrid: a tmpfs holding one mount per hierarchy (and the unified
 * one on hybrid), as runc lays it out. */
int cgroup_mount_v1_tree(struct cgroup_manager *m, int dest_fd, const char *dest_path, bool readonly,
                         bool have_cgroupns, struct hull_error **err)
{
    const char *tmpfs_opts[] = {"mode=755"};
    cleanup_close int tmp = new_fs_mount("tmpfs", tmpfs_opts, 1, CGROUP_MOUNT_ATTRS, err);
    if (tmp < 0 || attach(tmp, dest_fd, "tmpfs", err) < 0)
        return hull_error_wrap(err, "cgroup mount at %s", dest_path);
    unsigned attrs = CGROUP_MOUNT_ATTRS | (readonly ? MOUNT_ATTR_RDONLY : 0);
    for (size_t i = 0; i < m->n_nodes; i++) {
        const struct cgroup_node *n = &m->nodes[i];
        const char *name = base_name(n->h.mountpoint);
        if (!name[0] || name[0] == '.' || mkdirat(tmp, name, 0755) < 0)
            return hull_error_set(err, errno, "cgroup mount at %s: mkdir %s", dest_path, name);
        cleanup_close int target = openat(tmp, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (target < 0)
            return hull_error_set(err, errno, "cgroup mount at %s: open %s", dest_path, name);
        cleanup_close int mnt = hierarchy_mount(n, have_cgroupns, attrs, err);
        if (mnt < 0 || attach(mnt, target, name, err) < 0)
            return hull_error_wrap(err, "cgroup mount at %s/%s", dest_path, name);
        /* Co-mounted controllers: "cpu" and "cpuacct" -> "cpu,cpuacct". */
        if (!n->h.unified && strchr(n->h.options, ',')) {
            cleanup_free char *copy = xstrdup(n->h.options);
            char *save = NULL;
            for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
                if (!strcmp(c, name) || !strncmp(c, "name=", 5))
                    continue;
                if (symlinkat(name, tmp, c) < 0 && errno != EEXIST)
                    return hull_error_set(err, errno, "cgroup mount at %s: symlink %s -> %s", dest_path, c, name);
            }
        }
    }
    if (readonly) {
        struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
        if (mount_setattr(tmp, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
            return hull_error_set(err, errno, "cgroup mount at %s: make the tmpfs read-only", dest_path);
    }
    return 0;
}

/* v2: the container's own cgroup, as the root of a fresh cgroup2 mount. */
int cgroup_mount_unified(struct cgroup_manager *m, int dest_fd, const char *dest_path, bool readonly,
                         bool have_cgroupns, struct hull_error **err)
{
    struct cgroup_node *u = cgroup_unified_node(m);
    unsigned attrs = CGROUP_MOUNT_ATTRS | (readonly ? MOUNT_ATTR_RDONLY : 0);
    cleanup_close int mnt = hierarchy_mount(u, have_cgroupns, attrs, err);
    if (mnt < 0 || attach(mnt, dest_fd, "cgroup2", err) < 0)
        return hull_error_wrap(err, "cgroup mount at %s", dest_path);
    return 0;
}

int cgroup_mount_in_container(struct cgroup_manager *m, int dest_fd, const char *dest_path, bool readonly,
                              bool have_cgroupns, struct hull_error **err)
{
    if (!m || m->n_nodes == 0)
        return hull_error_set(err, 0, "cgroup mount at %s: the container has no cgroup", dest_path);
    return m->ops->mount(m, dest_fd, dest_path, readonly, have_cgroupns, err);
}
