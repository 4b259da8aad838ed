/* hull: `exec --cgroup`: run an exec'd process in a sub-cgroup of the
 * container's cgroup (runc 1.1+).
 *
 * Each argument is "[CONTROLLER[,CONTROLLER...]:]PATH", PATH relative to the
 * container's cgroup.  Without a controller (then it must be the only one) the
 * process joins PATH in every hierarchy, the unified one included; with
 * controllers it joins PATH in the v1 hierarchies carrying them and stays in
 * the container's own cgroup elsewhere.  The sub-cgroups must exist: like runc,
 * hull never creates them (whoever made them owns them). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/utils.h"
#include "cgroup_internal.h"

/* PATH stays below the container's cgroup: no "..", nothing empty. */
static int check_sub_path(const char *arg, const char *path, struct hull_error **err)
{
    const char *p = path;
    while (*p == '/')
        p++;
    if (!*p)
        return hull_error_set(err, 0, "--cgroup \"%s\": the sub-cgroup path is empty", arg);
    cleanup_free char *copy = xstrdup(p);
    char *save = NULL;
    for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save))
        if (!strcmp(c, ".."))
            return hull_error_set(err, 0, "--cgroup \"%s\": %s is not a sub-cgroup of the container's cgroup", arg,
                                  path);
    return 0;
}

/* Points node n at its sub-cgroup rel; fails when that does not exist. */
static int node_enter(struct cgroup_node *n, const char *arg, const char *rel, struct hull_error **err)
{
    while (*rel == '/')
        rel++;
    cleanup_free char *dir = xasprintf("%s/%s", n->dir, rel);
    cleanup_free char *procs = xasprintf("%s/cgroup.procs", dir);
    if (access(procs, F_OK) < 0)
        return hull_error_set(err, errno, "--cgroup \"%s\": sub-cgroup %s does not exist (create it first)", arg,
                              dir);
    char *path = xasprintf("%s/%s", n->path, rel);
    free(n->path);
    n->path = path;
    free(n->dir);
    n->dir = dir;
    dir = NULL;
    return 0;
}

static int enter_controllers(struct cgroup_manager *m, bool *entered, const char *arg, struct hull_error **err)
{
    const char *colon = strchr(arg, ':');
    cleanup_free char *ctrls = xstrndup(arg, (size_t)(colon - arg));
    if (!ctrls)
        abort();
    const char *rel = colon + 1;
    if (strchr(rel, ':') || !*ctrls)
        return hull_error_set(err, 0, "invalid --cgroup \"%s\": expected [CONTROLLER[,CONTROLLER]:]PATH", arg);
    if (check_sub_path(arg, rel, err) < 0)
        return -1;
    if (m->ops->single_hierarchy)
        return hull_error_set(err, 0,
                              "--cgroup \"%s\": on cgroup v2 there is one hierarchy; give the path without a "
                              "controller",
                              arg);
    char *save = NULL;
    for (char *c = strtok_r(ctrls, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < m->n_nodes && !cgroup_hierarchy_has(&m->nodes[i].h, c))
            i++;
        if (i == m->n_nodes)
            return hull_error_set(err, 0,
                                  "--cgroup \"%s\": unknown controller \"%s\" (no v1 hierarchy of this container "
                                  "carries it)",
                                  arg, c);
        if (entered[i]) {
            /* "cpu,cpuacct:x" on a host that mounts them together names one hierarchy twice. */
            const char *want = rel;
            while (*want == '/')
                want++;
            size_t plen = strlen(m->nodes[i].dir), wlen = strlen(want);
            if (plen > wlen && m->nodes[i].dir[plen - wlen - 1] == '/' && !strcmp(m->nodes[i].dir + plen - wlen, want))
                continue;
            return hull_error_set(err, 0, "--cgroup \"%s\": hierarchy %s is given two different sub-cgroups", arg,
                                  m->nodes[i].h.mountpoint);
        }
        if (node_enter(&m->nodes[i], arg, rel, err) < 0)
            return -1;
        entered[i] = true;
    }
    return 0;
}

int cgroup_manager_enter_sub(struct cgroup_manager *m, char *const *args, struct hull_error **err)
{
    size_t n = 0;
    for (char *const *a = args; a && *a; a++)
        n++;
    if (n == 0)
        return 0;
    if (!m || m->n_nodes == 0)
        return hull_error_set(err, 0, "--cgroup \"%s\": the container has no cgroup", args[0]);
    cleanup_free bool *entered = xmalloc0(m->n_nodes * sizeof(bool));
    for (char *const *a = args; *a; a++) {
        if (!strchr(*a, ':')) {
            if (n != 1)
                return hull_error_set(err, 0, "--cgroup \"%s\": give CONTROLLER:PATH when --cgroup is repeated",
                                      *a);
            if (check_sub_path(*a, *a, err) < 0)
                return -1;
            for (size_t i = 0; i < m->n_nodes; i++)
                if (node_enter(&m->nodes[i], *a, *a, err) < 0)
                    return -1;
            return 0;
        }
        if (enter_controllers(m, entered, *a, err) < 0)
            return -1;
    }
    return 0;
}
