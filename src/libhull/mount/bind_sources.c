/* hull: bind sources opened by the runtime for a container with a user
 * namespace.  The init mounts as the namespace's root, which may not be able
 * to reach the source at all (a directory under a 0700 parent, root-squashed
 * NFS); runc opens the sources before its init enters the namespace, and so do
 * we: open_tree(OPEN_TREE_CLONE) here makes a detached copy of the mount tree
 * at the source, the init inherits the fd across clone() and attaches it with
 * move_mount, without a path lookup of its own. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../util/utils.h"
#include "rootfs.h"

/* The array ends with BIND_TREES_END. */
#define BIND_TREES_END (-2)

void rootfs_close_bind_sources(int *trees)
{
    if (!trees)
        return;
    for (int *t = trees; *t != BIND_TREES_END; t++)
        if (*t >= 0)
            close(*t);
    free(trees);
}

/* A user namespace with the mount's uidMappings/gidMappings, for
 * MOUNT_ATTR_IDMAP: a child clone()d into a new one holds it while we write
 * its maps and open it; the open fd keeps it alive after the child exits. */
static int idmap_userns_open(const struct hull_mount *m, struct hull_error **err)
{
    int hold[2];
    if (pipe2(hold, O_CLOEXEC) < 0)
        return hull_error_set(err, errno, "pipe");
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid == 0) {
        char c;
        close(hold[1]);
        ssize_t n = read(hold[0], &c, 1); /* EOF when the runtime is done */
        _exit(n < 0);
    }
    close(hold[0]);
    if (pid < 0) {
        close(hold[1]);
        return hull_error_set(err, errno, "create a user namespace for the idmapped mount %s", m->destination);
    }
    int fd = -1;
    cleanup_free char *ns = xasprintf("/proc/%d/ns/user", (int)pid);
    const struct {
        const char *file;
        const struct hull_id_mapping *map;
        size_t n;
    } maps[] = {{"uid_map", m->uid_mappings, m->n_uid_mappings}, {"gid_map", m->gid_mappings, m->n_gid_mappings}};
    for (size_t k = 0; k < ARRAY_SIZE(maps); k++) {
        cleanup_free char *text = xstrdup("");
        for (size_t i = 0; i < maps[k].n; i++) {
            char *next = xasprintf("%s%u %u %u\n", text, maps[k].map[i].container_id, maps[k].map[i].host_id,
                                   maps[k].map[i].size);
            free(text);
            text = next;
        }
        cleanup_free char *path = xasprintf("/proc/%d/%s", (int)pid, maps[k].file);
        if (write_file(path, text, strlen(text), err) < 0) {
            hull_error_wrap(err, "%s of the idmapped mount %s", k == 0 ? "uidMappings" : "gidMappings", m->destination);
            goto out;
        }
    }
    fd = open(ns, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        hull_error_set(err, errno, "open %s", ns);
out:
    close(hold[1]);
    waitpid(pid, NULL, 0);
    return fd;
}

/* mount_setattr(MOUNT_ATTR_IDMAP) on a detached tree, before anything can see
 * it. */
static int idmap_tree(int tree, const struct hull_mount *m, struct hull_error **err)
{
    cleanup_close int userns = idmap_userns_open(m, err);
    if (userns < 0)
        return -1;
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
    if (mount_setattr(tree, "", AT_EMPTY_PATH | (m->idmap_recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
        return hull_error_set(err, errno, "idmap the mount %s%s", m->destination,
                              errno == EINVAL ? " (the source's filesystem may not support idmapped mounts)" : "");
    return 0;
}

int rootfs_open_bind_sources(const struct hull_spec *spec, const char *bundle, bool all, int **trees,
                             struct hull_error **err)
{
    int *t = xmalloc0((spec->n_mounts + 1) * sizeof(int));
    for (size_t i = 0; i < spec->n_mounts; i++)
        t[i] = -1;
    t[spec->n_mounts] = BIND_TREES_END;
    for (size_t i = 0; i < spec->n_mounts; i++) {
        const struct hull_mount *m = &spec->mounts[i];
        if (!mount_is_bind(m) || !m->source || (!all && !m->idmap))
            continue;
        cleanup_free char *source = m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", bundle, m->source);
        unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (m->recursive_bind ? AT_RECURSIVE : 0);
        t[i] = open_tree(AT_FDCWD, source, flags);
        if (t[i] >= 0 && m->idmap && idmap_tree(t[i], m, err) < 0) {
            rootfs_close_bind_sources(t);
            return hull_error_wrap(err, "mounts[%zu]", i);
        }
        if (t[i] >= 0)
            continue;
        if (errno == ENOSYS && !m->idmap) {
            /* No new mount API: the init binds by path, as before. */
            break;
        }
        if (errno == EPERM && running_rootless()) {
            /* OPEN_TREE_CLONE needs CAP_SYS_ADMIN over our mount namespace,
             * which a rootless runtime lacks.  Its init is the same user,
             * mapped: it reaches whatever we reach, so it binds by path. */
            break;
        }
        int saved = errno;
        rootfs_close_bind_sources(t);
        return hull_error_set(err, saved, "mounts[%zu] (%s): bind mount source %s", i, m->destination, source);
    }
    *trees = t;
    return 0;
}
