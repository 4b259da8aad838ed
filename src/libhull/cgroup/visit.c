/* hull: on cgroup v1, the creating thread steps into the container's cgroups
 * for the moment of the clone, so that the init is born there.
 *
 * Why.  A process is moved into a v1 cgroup by writing its pid to
 * cgroup.procs (or tasks), and the kernel takes its global
 * cgroup_threadgroup_rwsem for writing to do that.  The first such write after
 * a quiet spell waits for an RCU grace period: ~10 ms on an idle machine of
 * ours, 5-17 ms under load, most of the time a container takes to start
 * (docs/performance.md).  crun and runc pay it on every start.  Writing "0" to a
 * v1 "tasks" file moves the calling thread alone, and for that the kernel takes
 * no global lock (kernel/cgroup/cgroup.c, cgroup_procs_write_start: "If we
 * migrate a single thread, we don't care about threadgroup stability").  A
 * child starts in the cgroups of the thread that cloned it.  So: step in ("0"
 * to the container's tasks in every v1 hierarchy), clone, step back ("0" to the
 * tasks of our own cgroups), with every file opened beforehand.  On a hybrid
 * host the unified hierarchy has no tasks file; clone3(CLONE_INTO_CGROUP) with
 * cgroup_visit_clone_fd() places the child there, keeping the thread's v1
 * cgroups (the kernel's find_css_set replaces only the default hierarchy's).
 *
 * For the few microseconds between the steps the runtime's thread counts in
 * the container's cgroups and opens no file there.  A live container (exec)
 * must have room for it: a pids limit with fewer than three free, or a memory
 * limit with less than 16 MiB free (a fork charged there could wake the
 * cgroup's OOM killer with us among its tasks), and it is not done (a clone
 * refused all the same, EAGAIN: the caller steps back and clones the old way).  Whatever cannot be done (a hierarchy we may not write, a
 * cpuset without cpus, our own cgroup outside the mount we see) makes
 * cgroup_visit_enter fail with nothing moved, and the caller moves the init
 * after the clone as before. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/log.h"
#include "../util/utils.h"
#include "cgroup_internal.h"

struct cgroup_visit {
    size_t n;
    int *into;     /* the container's tasks file, per v1 node */
    int *back;     /* our own cgroup's tasks file, per v1 node */
    char **back_dir; /* for messages */
    int unified_fd;  /* the container's unified cgroup (hybrid), or -1; owned by the manager */
    size_t entered;  /* how many hierarchies we are in */
};

static void visit_free(struct cgroup_visit *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        if (v->into[i] >= 0)
            close(v->into[i]);
        if (v->back[i] >= 0)
            close(v->back[i]);
        free(v->back_dir[i]);
    }
    free(v->into);
    free(v->back);
    free(v->back_dir);
    free(v);
}

static int write_zero(int fd)
{
    ssize_t r;
    do
        r = write(fd, "0", 1);
    while (r < 0 && errno == EINTR);
    return r == 1 ? 0 : -1;
}

/* Back where we came from in the first `count` hierarchies; the first errno, or 0. */
static int step_back(struct cgroup_visit *v, size_t count, size_t *failed)
{
    int first = 0;
    for (size_t i = 0; i < count; i++)
        if (write_zero(v->back[i]) < 0 && !first) {
            first = errno ? errno : EIO;
            *failed = i;
        }
    return first;
}

static int open_tasks(const char *dir, const char *what, int *fd, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("%s/tasks", dir);
    *fd = open(path, O_WRONLY | O_CLOEXEC);
    if (*fd < 0)
        return hull_error_set(err, errno, "open %s (%s)", path, what);
    return 0;
}

/* Room in the cgroup for our thread and what it forks, checked beforehand:
 * a live container (exec) may be at its pids limit, where the fork would be
 * refused, or at its memory limit, where the fork's charge would wake the
 * cgroup's OOM killer while we count among its tasks. */
#define VISIT_PIDS_ROOM 3
#define VISIT_MEMORY_ROOM (16ULL << 20)

static int room_for_us(struct cgroup_manager *m, struct hull_error **err)
{
    uint64_t max, cur;
    struct cgroup_node *p = cgroup_node_lookup(m, "pids");
    if (p && !p->h.unified && cg_read_u64(p->dir, "pids.max", &max, NULL) == 0 &&
        cg_read_u64(p->dir, "pids.current", &cur, NULL) == 0 && max != UINT64_MAX && cur + VISIT_PIDS_ROOM > max)
        return hull_error_set(err, 0, "the pids limit (%llu, %llu in use) has no room for our thread",
                              (unsigned long long)max, (unsigned long long)cur);
    struct cgroup_node *mem = cgroup_node_lookup(m, "memory");
    if (mem && !mem->h.unified && cg_read_u64(mem->dir, "memory.limit_in_bytes", &max, NULL) == 0 &&
        cg_read_u64(mem->dir, "memory.usage_in_bytes", &cur, NULL) == 0 && cur + VISIT_MEMORY_ROOM > max)
        return hull_error_set(err, 0, "the memory limit has less than %llu MiB of room",
                              (unsigned long long)(VISIT_MEMORY_ROOM >> 20));
    return 0;
}

int cgroup_visit_enter(struct cgroup_manager *m, struct cgroup_visit **out, struct hull_error **err)
{
    *out = NULL;
    if (!m || m->ops->single_hierarchy)
        return hull_error_set(err, 0, "no v1 hierarchy: nothing to step into");
    if (room_for_us(m, err) < 0)
        return -1;
    /* the calling thread's own cgroups, which in v1 may differ from its process leader's */
    cleanup_free char *own = NULL;
    if (read_file_at(AT_FDCWD, "/proc/thread-self/cgroup", &own, NULL, err) < 0)
        return -1;
    struct cgroup_visit *v = xmalloc0(sizeof *v);
    v->into = xmalloc0(m->n_nodes * sizeof(int));
    v->back = xmalloc0(m->n_nodes * sizeof(int));
    v->back_dir = xmalloc0(m->n_nodes * sizeof(char *));
    v->unified_fd = -1;
    int r = 0;
    for (size_t i = 0; i < m->n_nodes && r == 0; i++) {
        const struct cgroup_node *n = &m->nodes[i];
        if (n->h.unified)
            continue;
        size_t k = v->n++;
        v->into[k] = v->back[k] = -1;
        cleanup_free char *path = NULL;
        if (cgroup_own_path_in(own, &n->h, &path, err) < 0) {
            r = -1;
            break;
        }
        v->back_dir[k] = xasprintf("%s%s", n->h.mountpoint, strcmp(path, "/") ? path : "");
        r = open_tasks(n->dir, "the container's cgroup", &v->into[k], err);
        if (r == 0)
            r = open_tasks(v->back_dir[k], "our own cgroup", &v->back[k], err);
    }
    if (r == 0 && cgroup_unified_node(m)) {
        /* borrows the manager's fd, as clone3 will (cgroup_manager_clone_fd is -1 off v2) */
        struct cgroup_node *u = cgroup_unified_node(m);
        if (m->unified_fd < 0)
            m->unified_fd = open(u->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        v->unified_fd = m->unified_fd;
        if (v->unified_fd < 0)
            r = hull_error_set(err, errno, "open %s", u->dir);
    }
    if (r == 0 && v->n == 0)
        r = hull_error_set(err, 0, "no v1 hierarchy: nothing to step into");
    for (size_t i = 0; r == 0 && i < v->n; i++) {
        if (write_zero(v->into[i]) == 0) {
            v->entered = i + 1;
            continue;
        }
        r = hull_error_set(err, errno, "step into the container's cgroup (%zu of %zu hierarchies)", i + 1, v->n);
        size_t failed = 0;
        int back_errno = step_back(v, v->entered, &failed);
        if (back_errno) {
            /* Cannot happen short of our own cgroup vanishing; say so loudly. */
            log_warn("cgroup: cannot step back into %s: %s", v->back_dir[failed], strerror(back_errno));
        }
    }
    if (r < 0) {
        visit_free(v);
        return -1;
    }
    *out = v;
    return 0;
}

int cgroup_visit_clone_fd(const struct cgroup_visit *v)
{
    return v ? v->unified_fd : -1;
}

int cgroup_visit_leave(struct cgroup_visit *v, struct hull_error **err)
{
    if (!v)
        return 0;
    size_t failed = 0;
    int back_errno = step_back(v, v->entered, &failed);
    int r = 0;
    if (back_errno)
        r = hull_error_set(err, back_errno, "step back into our own cgroup %s", v->back_dir[failed]);
    visit_free(v);
    return r;
}

void cgroup_visit_forget(struct cgroup_visit *v)
{
    visit_free(v);
}
