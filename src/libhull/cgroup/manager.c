/* hull: the cgroup manager: create the container's cgroup in every hierarchy,
 * put processes in it, list and signal them, and remove it again.
 *
 * Only directories this manager mkdir'ed are ever removed; their list travels
 * through state.json (cgroup_manager_save/load), because create, kill and
 * delete are separate runtime invocations. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


#include "../util/log.h"
#include "../util/utils.h"
#include "cgroup_convert.h"
#include "cgroup_internal.h"

static int remove_created(struct cgroup_manager *m, struct hull_error **err);

static void node_clear(struct cgroup_node *n)
{
    cgroup_hierarchy_clear(&n->h);
    free(n->path);
    free(n->dir);
    strv_free(n->created);
    memset(n, 0, sizeof *n);
}

void cgroup_manager_free(struct cgroup_manager *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_nodes; i++)
        node_clear(&m->nodes[i]);
    free(m->nodes);
    if (m->unified_fd >= 0)
        close(m->unified_fd);
    free(m);
}

void cgroup_manager_freep(struct cgroup_manager **m)
{
    cgroup_manager_free(*m);
    *m = NULL;
}

const struct cgroup_ops *cgroup_ops_for(enum cgroup_layout layout)
{
    switch (layout) {
    case CGROUP_LAYOUT_V1:
        return &cgroup_v1_ops;
    case CGROUP_LAYOUT_V2:
        return &cgroup_v2_ops;
    default:
        return &cgroup_hybrid_ops;
    }
}

static struct cgroup_manager *manager_new(enum cgroup_layout layout)
{
    struct cgroup_manager *m = xmalloc0(sizeof *m);
    m->layout = layout;
    m->ops = cgroup_ops_for(layout);
    m->unified_fd = -1;
    return m;
}

static bool node_created_leaf(const struct cgroup_node *n)
{
    if (!n->created)
        return false;
    for (char **c = n->created; *c; c++)
        if (!strcmp(*c, n->dir))
            return true;
    return false;
}

struct cgroup_node *cgroup_unified_node(struct cgroup_manager *m)
{
    for (size_t i = 0; m && i < m->n_nodes; i++)
        if (m->nodes[i].h.unified)
            return &m->nodes[i];
    return NULL;
}

struct cgroup_node *cgroup_node_lookup(struct cgroup_manager *m, const char *controller)
{
    return m->ops->node_for(m, controller, false);
}

struct cgroup_node *cgroup_node_for(struct cgroup_manager *m, const char *controller)
{
    return m->ops->node_for(m, controller, true);
}

struct cgroup_node *cgroup_require(struct cgroup_manager *m, const char *controller, const char *field,
                                  struct hull_error **err)
{
    struct cgroup_node *n = cgroup_node_for(m, controller);
    if (!n)
        m->ops->no_controller(field, controller, err);
    return n;
}

/* A new v1 cpuset cgroup starts with empty cpus and mems, and the kernel
 * refuses to attach tasks to it or below it (ENOSPC); inherit the parent's,
 * as runc does.  Only when empty: a cpuset someone narrowed stays narrowed. */
static int cpuset_v1_inherit(const char *dir, struct hull_error **err)
{
    cleanup_free char *parent = xstrdup(dir);
    *strrchr(parent, '/') = '\0';
    static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        cleanup_free char *mine = NULL, *theirs = NULL;
        if (cg_read(dir, files[i], &mine, err) < 0)
            return -1;
        if (strspn(mine, " \n") != strlen(mine))
            continue;
        if (cg_read(parent, files[i], &theirs, err) < 0)
            return -1;
        if (cg_write(dir, files[i], theirs, files[i], err) < 0)
            return -1;
    }
    return 0;
}

static bool strv_has(char **v, const char *s)
{
    for (; v && *v; v++)
        if (!strcmp(*v, s))
            return true;
    return false;
}

/* mkdir every missing component below the mount point; remember what we made
 * (cumulative: a retry must not forget a directory the first try made), and
 * mark the parents as hull's (parents.c) before making them, under the marks'
 * lock.  ENOENT means a delete that did not take that lock (an older hull)
 * removed an empty parent we saw a moment ago: start again from the top. */
static int node_mkdir(struct cgroup_node *n, int marks, struct hull_error **err)
{
    bool cpuset_v1 = !n->h.unified && cgroup_hierarchy_has(&n->h, "cpuset");
    for (int attempt = 0;; attempt++) {
        cleanup_free char *cur = xstrdup(n->h.mountpoint);
        cleanup_free char *rest = xstrdup(n->path);
        char *save = NULL;
        bool retry = false;
        for (char *comp = strtok_r(rest, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
            char *next = xasprintf("%s/%s", cur, comp);
            free(cur);
            cur = next;
            if (strcmp(cur, n->dir) && !cgroup_is_hull_parent(n, cur) && access(cur, F_OK) < 0 && errno == ENOENT)
                cgroup_parents_mark(marks, cur);
            if (mkdir(cur, 0755) == 0) {
                if (!strv_has(n->created, cur))
                    strv_add(&n->created, xstrdup(cur));
            } else if (errno == ENOENT && attempt < 5) {
                retry = true;
                break;
            } else if (errno != EEXIST) {
                return hull_error_set(err, errno, "create cgroup %s", cur);
            } else if (n->adopt_leaf && !strcmp(cur, n->dir) && cgroup_is_empty(cur) &&
                       !strv_has(n->created, cur)) {
                strv_add(&n->created, xstrdup(cur));
            }
            /* Every ancestor, also one that already existed: a parent made by hand
             * (or by a tool that left cpus/mems empty), or one a concurrent create
             * made a moment ago and has not filled in yet, would make our attach
             * fail with ENOSPC.  Top-down, so each copies a filled-in parent. */
            if (cpuset_v1 && cpuset_v1_inherit(cur, err) < 0)
                return hull_error_wrap(err, "initialise cpuset of %s", cur);
        }
        if (!retry)
            return 0;
    }
}

static bool has_processes(const char *dir)
{
    cleanup_free char *procs = NULL;
    if (cg_read(dir, "cgroup.procs", &procs, NULL) < 0)
        return false;
    return strspn(procs, " \n") != strlen(procs);
}

/* No process and no child cgroup: nothing anybody could still be using. */
bool cgroup_is_empty(const char *dir)
{
    if (has_processes(dir))
        return false;
    cleanup_dir DIR *d = opendir(dir);
    if (!d)
        return false;
    for (struct dirent *de; (de = readdir(d));)
        if (de->d_type == DT_DIR && de->d_name[0] != '.')
            return false;
    return true;
}

/* The device rules every container gets: the user's in order, then runc's
 * default list (appended, so it holds whatever the user's rules deny). Nodes
 * created from linux.devices get no rule of their own: creating a node is not
 * a permission (runc and crun agree), so a config that denies everything and
 * creates /dev/kmsg still cannot open it (issue 11). */
static struct hull_device_rule *collect_device_rules(const struct hull_resources *r, size_t *n_out)
{
    size_t n_default;
    const struct hull_device_rule *defaults = cgroup_default_device_rules(&n_default);
    size_t n_user = r ? r->n_devices : 0;
    struct hull_device_rule *v = xmalloc0((n_user + n_default + 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < n_user; i++)
        v[n++] = r->devices[i];
    for (size_t i = 0; i < n_default; i++)
        v[n++] = defaults[i];
    *n_out = n;
    return v;
}

static int apply_devices(struct cgroup_manager *m, const struct hull_resources *r, struct hull_error **err)
{
    /* Rootless (in a cgroup delegated to us): devices.deny needs CAP_SYS_ADMIN
     * and the v2 BPF filter CAP_BPF in the initial user namespace.  Its container
     * is in a user namespace, where no device node can be made and the ones
     * bound in from the host keep the host's permissions; runc skips them too. */
    if (running_rootless()) {
        log_debug("cgroup: rootless, device rules left to the user namespace");
        return 0;
    }
    size_t n;
    cleanup_free struct hull_device_rule *rules = collect_device_rules(r, &n);
    return m->ops->apply_devices(m, rules, n, r && r->n_devices > 0, err);
}

/* The directories of n's path that do not exist yet, parents first: what
 * setup will create, claimed in the container's record before they exist.
 * A leaf at hull's default path (/hull/ID) that exists but is empty was left
 * by a create that died before it could record it (an older hull, another
 * runtime): it is claimed too, so that the next delete removes it, instead of
 * being taken as somebody else's for ever.  A leaf named by
 * linux.cgroupsPath may have been made on purpose by the caller (a
 * delegated cgroup): never claimed. */
static void node_claim(struct cgroup_node *n, bool default_path)
{
    cleanup_free char *cur = xstrdup(n->h.mountpoint);
    cleanup_free char *rest = xstrdup(n->path);
    char *save = NULL;
    bool missing = false;
    for (char *comp = strtok_r(rest, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
        char *next = xasprintf("%s/%s", cur, comp);
        free(cur);
        cur = next;
        if (!missing && access(cur, F_OK) < 0 && errno == ENOENT)
            missing = true;
        if (missing)
            strv_add(&n->created, xstrdup(cur));
    }
    n->adopt_leaf = !missing && default_path && cgroup_is_empty(n->dir);
    if (n->adopt_leaf)
        strv_add(&n->created, xstrdup(n->dir));
}

int cgroup_manager_plan(const char *id, const char *cgroups_path, struct cgroup_manager **out,
                        struct hull_error **err)
{
    enum cgroup_layout layout = cgroup_detect_layout();
    struct cgroup_hierarchy *hs = NULL;
    size_t n_hs = 0;
    if (cgroup_list_hierarchies(layout, &hs, &n_hs, err) < 0)
        return -1;
    cleanup_cgroup_manager struct cgroup_manager *m = manager_new(layout);
    m->nodes = xmalloc0(n_hs * sizeof *m->nodes);
    int ret = 0;
    for (size_t i = 0; i < n_hs; i++) {
        struct cgroup_node *n = &m->nodes[m->n_nodes++];
        n->h = hs[i];
        if (ret < 0)
            continue; /* only take ownership of the rest, to free them */
        if (cgroup_resolve_path(&n->h, id, cgroups_path, &n->path, err) < 0) {
            ret = -1;
            continue;
        }
        n->dir = xasprintf("%s%s", n->h.mountpoint, n->path);
        node_claim(n, !cgroups_path || !cgroups_path[0]);
    }
    free(hs);
    if (ret < 0)
        return -1;
    *out = steal_pointer(&m);
    return 0;
}

static bool strv_equal(char **a, char **b)
{
    for (; a && *a && b && *b; a++, b++)
        if (strcmp(*a, *b))
            return false;
    return !(a && *a) && !(b && *b);
}

int cgroup_manager_setup(struct cgroup_manager *m, const struct hull_resources *r, bool *as_planned,
                         struct hull_error **err)
{
    /* From here on the list holds what we really made; the plan's is kept
     * until then, to tell the caller whether its record of it still holds. */
    cleanup_free char ***planned = xmalloc0((m->n_nodes + 1) * sizeof *planned);
    for (size_t i = 0; i < m->n_nodes; i++) {
        planned[i] = m->nodes[i].created;
        m->nodes[i].created = NULL;
    }
    /* One lock of the parents' marks for every hierarchy (parents.c); let go
     * once the directories exist, and before remove_created takes it again.
     * Not needed below the hull parent alone: nobody removes that one. */
    cleanup_close int marks = cgroup_parents_below_hull_only(m) ? -1 : cgroup_parents_lock();
    for (size_t i = 0; i < m->n_nodes; i++) {
        struct cgroup_node *n = &m->nodes[i];
        if (node_mkdir(n, marks, err) < 0)
            goto fail;
        /* Spec: a runtime MAY refuse a cgroup that is unfit for create, e.g.
         * one with processes in it: they would share our limits, freezes and kills. */
        if (!node_created_leaf(n) && has_processes(n->dir)) {
            hull_error_set(err, 0, "cgroup %s already has processes; a new container needs an empty cgroup "
                                   "(linux.cgroupsPath)",
                           n->dir);
            goto fail;
        }
    }
    closep(&marks);
    marks = -1;
    if (as_planned)
        *as_planned = true;
    for (size_t i = 0; i < m->n_nodes; i++) {
        if (as_planned && !strv_equal(planned[i], m->nodes[i].created))
            *as_planned = false; /* a concurrent create made a parent in between */
        strv_free(steal_pointer(&planned[i]));
    }
    /* Spec's other example of an unfit cgroup: a frozen one (or one below a
     * frozen parent) would stop the init before it could report back. */
    if (cgroup_manager_is_frozen(m)) {
        hull_error_set(err, 0, "the container's cgroup (%s) is frozen; thaw it or choose another linux.cgroupsPath",
                       m->nodes[0].dir);
        goto fail;
    }
    if (m->ops->prepare)
        m->ops->prepare(m);
    if (r && cgroup_apply_resources(m, r, false, err) < 0)
        goto fail;
    if (apply_devices(m, r, err) < 0)
        goto fail;
    for (size_t i = 0; i < m->n_nodes; i++)
        log_debug("cgroup: %s (%s)", m->nodes[i].dir, node_created_leaf(&m->nodes[i]) ? "created" : "existed");
    return 0;

fail:;
    closep(&marks);
    marks = -1;
    for (size_t i = 0; i < m->n_nodes; i++)
        strv_free(steal_pointer(&planned[i]));
    /* Nothing of ours runs in it yet: remove what we created, kill nobody
     * (a pre-existing cgroup may hold somebody else's processes). */
    struct hull_error *e = NULL;
    if (remove_created(m, &e) < 0) {
        cleanup_free char *t = hull_error_text(e);
        log_warn("cleanup after failed cgroup setup: %s", t);
        hull_error_free(e);
    }
    return -1;
}

int cgroup_manager_create(const char *id, const char *cgroups_path, const struct hull_resources *r,
                          struct cgroup_manager **out, struct hull_error **err)
{
    cleanup_cgroup_manager struct cgroup_manager *m = NULL;
    if (cgroup_manager_plan(id, cgroups_path, &m, err) < 0 || cgroup_manager_setup(m, r, NULL, err) < 0)
        return -1;
    *out = steal_pointer(&m);
    return 0;
}

int cgroup_manager_clone_fd(struct cgroup_manager *m)
{
    /* Only with one hierarchy: on v1 and hybrid, CLONE_INTO_CGROUP would
     * place the child in the unified hierarchy alone, not in the v1 controllers. */
    if (!m || !m->ops->single_hierarchy)
        return -1;
    if (m->unified_fd >= 0)
        return m->unified_fd;
    struct cgroup_node *u = cgroup_unified_node(m);
    if (!u)
        return -1;
    m->unified_fd = open(u->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return m->unified_fd;
}

int cgroup_manager_add_pid(struct cgroup_manager *m, pid_t pid, struct hull_error **err)
{
    for (size_t i = 0; m && i < m->n_nodes; i++) {
        struct cgroup_node *n = &m->nodes[i];
        char buf[24];
        snprintf(buf, sizeof buf, "%d", (int)pid);
        cleanup_free char *path = xasprintf("%s/cgroup.procs", n->dir);
        if (write_file(path, buf, strlen(buf), NULL) < 0)
            return hull_error_set(err, errno, "move pid %d into cgroup %s", (int)pid, n->dir);
    }
    return 0;
}

static void pids_push(pid_t **v, size_t *n, size_t *cap, pid_t p)
{
    for (size_t i = 0; i < *n; i++)
        if ((*v)[i] == p)
            return;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *v = xrealloc(*v, *cap * sizeof(pid_t));
    }
    (*v)[(*n)++] = p;
}

static int collect_pids(const char *dir, pid_t **v, size_t *n, size_t *cap, struct hull_error **err)
{
    cleanup_free char *procs = NULL;
    if (cg_read(dir, "cgroup.procs", &procs, NULL) < 0) {
        if (errno == ENOENT)
            return 0;
        return hull_error_set(err, errno, "read %s/cgroup.procs", dir);
    }
    char *save = NULL;
    for (char *t = strtok_r(procs, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
        int64_t p;
        if (parse_int64(t, &p) && p > 0)
            pids_push(v, n, cap, (pid_t)p);
    }
    /* cgroupfs (kernfs) counts a directory's links as 2 + its subdirectories:
     * 2 is a cgroup without children, whose directory need not be read
     * (an open, two getdents of its control files and a close, for each
     * hierarchy: ten on v1, at every delete). */
    struct stat st;
    if (stat(dir, &st) == 0 && st.st_nlink == 2)
        return 0;
    cleanup_dir DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_type != DT_DIR || de->d_name[0] == '.')
            continue;
        cleanup_free char *sub = xasprintf("%s/%s", dir, de->d_name);
        if (collect_pids(sub, v, n, cap, err) < 0)
            return -1;
    }
    return 0;
}

/* The node whose cgroup.procs lists the container best: the unified one when
 * present (every process joins it), else the first v1 hierarchy. */
static struct cgroup_node *procs_node(struct cgroup_manager *m)
{
    struct cgroup_node *u = cgroup_unified_node(m);
    if (u)
        return u;
    struct cgroup_node *f = cgroup_node_lookup(m, "freezer");
    return f ? f : (m->n_nodes ? &m->nodes[0] : NULL);
}

int cgroup_manager_pids(struct cgroup_manager *m, pid_t **pids, size_t *n, struct hull_error **err)
{
    *pids = NULL;
    *n = 0;
    size_t cap = 0;
    /* Every hierarchy: a process could have been moved out of one of them. */
    for (size_t i = 0; m && i < m->n_nodes; i++) {
        if (collect_pids(m->nodes[i].dir, pids, n, &cap, err) < 0) {
            free(*pids);
            *pids = NULL;
            *n = 0;
            return -1;
        }
    }
    return 0;
}

int cgroup_signal_pids(struct cgroup_manager *m, int sig, struct hull_error **err)
{
    cleanup_free pid_t *pids = NULL;
    size_t n = 0;
    if (cgroup_manager_pids(m, &pids, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (pids[i] == getpid())
            continue;
        if (kill(pids[i], sig) < 0 && errno != ESRCH)
            return hull_error_set(err, errno, "send signal %d to pid %d", sig, (int)pids[i]);
    }
    return 0;
}

void cgroup_thaw_if_frozen(struct cgroup_manager *m)
{
    struct hull_error *ignored = NULL;
    if (m->ops->is_frozen(m))
        m->ops->freeze(m, false, &ignored);
    hull_error_freep(&ignored);
}

int cgroup_kill_frozen(struct cgroup_manager *m, struct hull_error **err)
{
    /* Without cgroup.kill a fork bomb could outrun a pid-by-pid kill:
     * freeze first so nobody forks while we go through the list. */
    struct hull_error *ignored = NULL;
    m->ops->freeze(m, true, &ignored);
    hull_error_freep(&ignored);
    int r = cgroup_signal_pids(m, SIGKILL, err);
    /* A v1-frozen task never sees its SIGKILL: thaw. */
    m->ops->freeze(m, false, &ignored);
    hull_error_freep(&ignored);
    return r;
}

int cgroup_manager_kill_all(struct cgroup_manager *m, int sig, struct hull_error **err)
{
    if (!m || m->n_nodes == 0)
        return 0;
    if (sig != SIGKILL)
        return cgroup_signal_pids(m, sig, err);
    return m->ops->kill(m, err);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Removes dir and every cgroup below it (the container may have made its own
 * sub-cgroups), retrying EBUSY: a killed task leaves its cgroup a little
 * after it is reaped. */
static int remove_cgroup_tree(const char *dir, struct hull_error **err)
{
    /* The common case first: a leaf the container made nothing below, whose
     * tasks are gone.  Reading the directory costs an open, two getdents of
     * some thirty control files and a close per hierarchy (ten on v1). */
    if (rmdir(dir) == 0 || errno == ENOENT)
        return 0;
    cleanup_dir DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : hull_error_set(err, errno, "open cgroup %s", dir);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_type != DT_DIR || de->d_name[0] == '.')
            continue;
        cleanup_free char *sub = xasprintf("%s/%s", dir, de->d_name);
        if (remove_cgroup_tree(sub, err) < 0)
            return -1;
    }
    for (int attempt = 0;; attempt++) {
        if (rmdir(dir) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY || attempt >= 100)
            return hull_error_set(err, errno, "remove cgroup %s", dir);
        sleep_ms(attempt < 10 ? 5 : 20);
    }
}

static bool any_process_left(struct cgroup_manager *m)
{
    cleanup_free pid_t *pids = NULL;
    size_t n = 0;
    if (cgroup_manager_pids(m, &pids, &n, NULL) < 0)
        return false;
    return n > 0;
}

static int remove_created(struct cgroup_manager *m, struct hull_error **err)
{
    int ret = 0;
    cleanup_close int marks = cgroup_parents_below_hull_only(m) ? -1 : cgroup_parents_lock();
    for (size_t i = 0; i < m->n_nodes; i++) {
        struct cgroup_node *n = &m->nodes[i];
        struct hull_error *e = NULL;
        if (node_created_leaf(n) && remove_cgroup_tree(n->dir, &e) < 0) {
            if (ret == 0) {
                *err = e;
                ret = -1;
            } else {
                hull_error_free(e);
            }
        }
        /* Then the parents hull made, shared with other containers (parents.c). */
        cgroup_parents_release(marks, n);
    }
    return ret < 0 ? -1 : 0;
}

int cgroup_manager_destroy(struct cgroup_manager *m, struct hull_error **err)
{
    if (!m)
        return 0;
    if (any_process_left(m)) {
        struct hull_error *e = NULL;
        if (cgroup_manager_kill_all(m, SIGKILL, &e) < 0) {
            cleanup_free char *t = hull_error_text(e);
            log_warn("kill the processes left in the container's cgroup: %s", t);
            hull_error_free(e);
        }
        for (int i = 0; i < 200 && any_process_left(m); i++)
            sleep_ms(10);
    }
    return remove_created(m, err);
}

/* ---- state.json's record ---- */

void cgroup_record_clear(struct cgroup_record *r)
{
    for (size_t i = 0; i < r->n_nodes; i++) {
        struct cgroup_record_node *n = &r->nodes[i];
        free(n->mountpoint);
        free(n->mount_root);
        free(n->controllers);
        free(n->path);
        free(n->dir);
        strv_free(n->created);
    }
    free(r->nodes);
    free(r->layout);
    *r = (struct cgroup_record){0};
}

void cgroup_manager_save(struct cgroup_manager *m, struct cgroup_record *out)
{
    cgroup_record_clear(out);
    if (!m)
        return;
    out->present = true;
    out->layout = xstrdup(cgroup_layout_name(m->layout));
    out->nodes = xmalloc0((m->n_nodes + 1) * sizeof *out->nodes);
    out->n_nodes = m->n_nodes;
    for (size_t i = 0; i < m->n_nodes; i++) {
        const struct cgroup_node *n = &m->nodes[i];
        struct cgroup_record_node *rn = &out->nodes[i];
        rn->mountpoint = xstrdup(n->h.mountpoint);
        rn->mount_root = xstrdup(n->h.mount_root);
        rn->controllers = xstrdup(n->h.options);
        rn->unified = n->h.unified;
        rn->path = xstrdup(n->path);
        rn->dir = xstrdup(n->dir);
        for (char **c = n->created; c && *c; c++)
            strv_add(&rn->created, xstrdup(*c));
    }
}

int cgroup_manager_load(const struct cgroup_record *rec, struct cgroup_manager **out, struct hull_error **err)
{
    if (!rec || !rec->present) {
        /* A container made without cgroups (or by an older hull): an empty
         * manager whose operations do nothing. */
        *out = manager_new(CGROUP_LAYOUT_UNKNOWN);
        return 0;
    }
    cleanup_cgroup_manager struct cgroup_manager *m = manager_new(CGROUP_LAYOUT_UNKNOWN);
    for (enum cgroup_layout l = CGROUP_LAYOUT_V1; l <= CGROUP_LAYOUT_V2; l++)
        if (rec->layout && !strcmp(rec->layout, cgroup_layout_name(l))) {
            m->layout = l;
            m->ops = cgroup_ops_for(l);
        }
    m->nodes = xmalloc0((rec->n_nodes + 1) * sizeof *m->nodes);
    for (size_t i = 0; i < rec->n_nodes; i++) {
        const struct cgroup_record_node *rn = &rec->nodes[i];
        if (!rn->mountpoint || !rn->path || !rn->dir)
            return hull_error_set(err, 0, "state.json: cgroup node %zu lacks mountpoint/path/dir", i);
        struct cgroup_node *n = &m->nodes[m->n_nodes++];
        n->h.mountpoint = xstrdup(rn->mountpoint);
        n->h.mount_root = xstrdup(rn->mount_root ? rn->mount_root : "/");
        n->h.options = xstrdup(rn->controllers ? rn->controllers : "");
        n->h.unified = rn->unified;
        n->path = xstrdup(rn->path);
        n->dir = xstrdup(rn->dir);
        /* Only ever remove what lies in this node's hierarchy. */
        size_t ml = strlen(rn->mountpoint);
        for (char **c = rn->created; c && *c; c++)
            if (!strncmp(*c, rn->mountpoint, ml) && (*c)[ml] == '/' && !strstr(*c, "/../"))
                strv_add(&n->created, xstrdup(*c));
    }
    *out = steal_pointer(&m);
    return 0;
}

int cgroup_manager_update(struct cgroup_manager *m, const struct hull_resources *r, struct hull_error **err)
{
    if (!m || m->n_nodes == 0)
        return hull_error_set(err, 0, "the container has no cgroup to update");
    if (!r)
        return 0;
    if (cgroup_apply_resources(m, r, true, err) < 0)
        return -1;
    /* Device rules are replaced only when given (runc's update never touches them). */
    if (r->n_devices > 0 && apply_devices(m, r, err) < 0)
        return -1;
    return 0;
}

const char *cgroup_manager_dir(struct cgroup_manager *m, const char *controller)
{
    if (!m)
        return NULL;
    if (!controller) {
        struct cgroup_node *n = procs_node(m);
        return n ? n->dir : NULL;
    }
    struct cgroup_node *n = cgroup_node_lookup(m, controller);
    return n ? n->dir : NULL;
}
