/* Parent cgroups hull made are shared.
 *
 * A create that finds /a missing for its /a/ID makes /a, and a create racing
 * it for /a/ID2 finds /a there.  Whichever container is deleted first finds /a
 * busy with the other's cgroup; if only the maker could remove it, a maker
 * deleted first would leave /a behind for ever.  So the parents hull makes are
 * recorded, machine-wide (the cgroup tree is one for every --root), in a
 * directory of marks, one per parent: /run/hull/@cgroup-parents for root,
 * $XDG_RUNTIME_DIR/hull/@cgroup-parents otherwise.  A delete walks up from its
 * cgroup and removes each parent that is marked (or that it made itself)
 * until one is busy: the last container out removes them.  A parent somebody
 * else made (a delegated cgroup, kubelet's pod cgroup) is never marked, so
 * never removed.
 *
 * The directory's flock serializes marking+mkdir against rmdir+unmarking, so
 * a parent is never made unmarked (a delete unmarking it between a create's
 * mark and its mkdir) nor removed between a create's mkdir of it and of its
 * child.  The mark is written before the mkdir: a create killed in between
 * leaves a mark of a directory that does not exist, which the next walk
 * through it drops.
 *
 * One parent is kept for good: /hull, where the containers that name no
 * linux.cgroupsPath go (docs/cgroups.md).  It is hull's own, as /docker is
 * docker's and /libpod_parent podman's; making it and removing it again for
 * every container that found no other one there cost ten mkdirs and ten rmdirs
 * of a v1 host, 1.2 ms of a 8.5 ms `run` (docs/performance.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/utils.h"
#include "cgroup_internal.h"

static char *registry_dir(void)
{
    const char *env = getenv("HULL_CGROUP_PARENTS_DIR"); /* tests */
    if (env && env[0])
        return xstrdup(env);
    if (geteuid() == 0)
        return xstrdup("/run/hull/" HULL_PRIVATE_PREFIX "cgroup-parents");
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    return xdg && xdg[0] == '/' ? xasprintf("%s/hull/" HULL_PRIVATE_PREFIX "cgroup-parents", xdg) : NULL;
}

int cgroup_parents_lock(void)
{
    cleanup_free char *dir = registry_dir();
    if (!dir)
        return -1;
    /* The parents 0711 (mkdir_private): made 0700 here first, /run/hull kept
     * a user namespace's init from its exec.fifo below it (podman --uidmap:
     * "open .../exec.fifo: Permission denied"). */
    if (mkdir_private(dir, NULL) < 0)
        return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (flock(fd, LOCK_EX) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The mark's name: the path with '%' and '/' escaped ("/a/b" -> "%2Fa%2Fb"). */
static char *mark_name(const char *dir)
{
    size_t len = strlen(dir);
    char *out = xmalloc0(len * 3 + 1), *o = out;
    for (const char *p = dir; *p; p++) {
        if (*p == '/' || *p == '%') {
            *o++ = '%';
            *o++ = "0123456789ABCDEF"[(unsigned char)*p >> 4];
            *o++ = "0123456789ABCDEF"[*p & 15];
        } else {
            *o++ = *p;
        }
    }
    *o = 0;
    if (strlen(out) > NAME_MAX) {
        free(out);
        return NULL; /* too deep to mark: left to its maker, as before */
    }
    return out;
}

void cgroup_parents_mark(int lock_fd, const char *dir)
{
    cleanup_free char *name = lock_fd >= 0 ? mark_name(dir) : NULL;
    if (!name)
        return;
    int fd = openat(lock_fd, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0)
        close(fd);
}

static bool marked(int lock_fd, const char *dir)
{
    cleanup_free char *name = lock_fd >= 0 ? mark_name(dir) : NULL;
    return name && faccessat(lock_fd, name, F_OK, 0) == 0;
}

static void unmark(int lock_fd, const char *dir)
{
    cleanup_free char *name = lock_fd >= 0 ? mark_name(dir) : NULL;
    if (name)
        unlinkat(lock_fd, name, 0);
}

static bool strv_contains(char **v, const char *s)
{
    for (; v && *v; v++)
        if (!strcmp(*v, s))
            return true;
    return false;
}

bool cgroup_is_hull_parent(const struct cgroup_node *n, const char *dir)
{
    size_t top = strlen(n->h.mountpoint);
    return !strncmp(dir, n->h.mountpoint, top) && !strcmp(dir + top, "/hull");
}

bool cgroup_parents_below_hull_only(const struct cgroup_manager *m)
{
    for (size_t i = 0; i < m->n_nodes; i++) {
        const struct cgroup_node *n = &m->nodes[i];
        cleanup_free char *parent = xstrdup(n->dir);
        char *slash = strrchr(parent, '/');
        if (!slash)
            return false;
        *slash = 0;
        if (!cgroup_is_hull_parent(n, parent))
            return false;
    }
    return true;
}

void cgroup_parents_release(int lock_fd, const struct cgroup_node *n)
{
    cleanup_free char *dir = xstrdup(n->dir);
    size_t top = strlen(n->h.mountpoint);
    for (char *slash; (slash = strrchr(dir, '/')) && (size_t)(slash - dir) > top;) {
        *slash = 0;
        if (cgroup_is_hull_parent(n, dir))
            break; /* kept (see above); nothing but the hierarchy's root is above it */
        if (!marked(lock_fd, dir) && !strv_contains(n->created, dir))
            break; /* somebody else's: stays, and so does everything above it */
        if (rmdir(dir) < 0 && errno != ENOENT)
            break; /* EBUSY/ENOTEMPTY: another container's cgroup is below it */
        unmark(lock_fd, dir);
    }
}
