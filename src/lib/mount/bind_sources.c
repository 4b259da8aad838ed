/* hull: bind sources opened by the runtime for a container with a user
 * namespace.  The init mounts as the namespace's root, which may not be able
 * to reach the source at all (a directory under a 0700 parent, root-squashed
 * NFS); runc opens the sources before its init enters the namespace, and so do
 * we: open_tree(OPEN_TREE_CLONE) here makes a detached copy of the mount tree
 * at the source, the init inherits the fd across clone() and attaches it with
 * move_mount, without a path lookup of its own. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
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

int rootfs_open_bind_sources(const struct hull_spec *spec, const char *bundle, int **trees, struct hull_error **err)
{
    int *t = xmalloc0((spec->n_mounts + 1) * sizeof(int));
    for (size_t i = 0; i < spec->n_mounts; i++)
        t[i] = -1;
    t[spec->n_mounts] = BIND_TREES_END;
    for (size_t i = 0; i < spec->n_mounts; i++) {
        const struct hull_mount *m = &spec->mounts[i];
        if (!mount_is_bind(m) || !m->source)
            continue;
        cleanup_free char *source = m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", bundle, m->source);
        unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (m->recursive_bind ? AT_RECURSIVE : 0);
        t[i] = open_tree(AT_FDCWD, source, flags);
        if (t[i] >= 0)
            continue;
        if (errno == ENOSYS) {
            /* No new mount API: the init binds by path, as before. */
            break;
        }
        int saved = errno;
        rootfs_close_bind_sources(t);
        return hull_error_set(err, saved, "mounts[%zu] (%s): bind mount source %s", i, m->destination, source);
    }
    *trees = t;
    return 0;
}
