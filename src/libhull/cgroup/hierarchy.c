/* hull: which cgroup hierarchies this host has, and where the container's
 * cgroup goes in each.
 *
 * Layout detection follows runc and systemd: the filesystem magic of
 * /sys/fs/cgroup tells unified (cgroup2) from a tmpfs of v1 mounts, and on a
 * tmpfs a cgroup2 mount at /sys/fs/cgroup/unified makes the host "hybrid".
 * The v1 hierarchies are the cgroup mounts directly below the root in
 * /proc/self/mountinfo, named ones (name=systemd) included. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "../util/mountinfo.h"
#include "../util/utils.h"
#include "cgroup_internal.h"

const char *cgroup_root(void)
{
    const char *env = getenv("HULL_CGROUP_ROOT");
    return env && env[0] == '/' ? env : CGROUP_DEFAULT_ROOT;
}

enum cgroup_layout cgroup_detect_layout(void)
{
    const char *root = cgroup_root();
    struct statfs fs;
    if (statfs(root, &fs) < 0)
        return CGROUP_LAYOUT_UNKNOWN;
    if (fs.f_type == CGROUP2_SUPER_MAGIC)
        return CGROUP_LAYOUT_V2;
    if (fs.f_type != TMPFS_MAGIC)
        return CGROUP_LAYOUT_UNKNOWN;
    cleanup_free char *unified = xasprintf("%s/unified", root);
    if (statfs(unified, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
        return CGROUP_LAYOUT_HYBRID;
    return CGROUP_LAYOUT_V1;
}

const char *cgroup_layout_name(enum cgroup_layout l)
{
    switch (l) {
    case CGROUP_LAYOUT_V1:
        return "v1";
    case CGROUP_LAYOUT_HYBRID:
        return "hybrid";
    case CGROUP_LAYOUT_V2:
        return "v2";
    default:
        return "unknown";
    }
}

void cgroup_hierarchy_clear(struct cgroup_hierarchy *h)
{
    free(h->mountpoint);
    free(h->mount_root);
    free(h->options);
    memset(h, 0, sizeof *h);
}

/* Enabled v1 subsystem names from /proc/cgroups, so mount options such as
 * "rw", "xattr" or "clone_children" are not mistaken for controllers.  Read
 * once per process: the kernel builds the file on every open, and every
 * mount option of every hierarchy is checked against it. */
static bool is_v1_subsystem(const char *name)
{
    static char *subsystems; /* " cpu memory ... ", NULL until read */
    if (!strncmp(name, "name=", 5))
        return true;
    if (!subsystems) {
        cleanup_file FILE *f = fopen("/proc/cgroups", "re");
        if (!f)
            return false;
        cleanup_free char *list = xstrdup(" ");
        char line[256];
        while (fgets(line, sizeof line, f)) {
            char sub[64];
            if (line[0] == '#' || sscanf(line, "%63s", sub) != 1)
                continue;
            char *longer = xasprintf("%s%s ", list, sub);
            free(list);
            list = longer;
        }
        subsystems = steal_pointer(&list);
    }
    cleanup_free char *needle = xasprintf(" %s ", name);
    return strstr(subsystems, needle) != NULL;
}

static char *v1_controllers_from_options(const char *superopts)
{
    cleanup_free char *copy = xstrdup(superopts);
    cleanup_free char *out = xstrdup("");
    char *save = NULL;
    for (char *opt = strtok_r(copy, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
        if (!is_v1_subsystem(opt))
            continue;
        char *joined = xasprintf("%s%s%s", out, out[0] ? "," : "", opt);
        free(out);
        out = joined;
    }
    return steal_pointer(&out);
}

static bool parent_is(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return !strncmp(path, dir, n) && path[n] == '/' && path[n + 1] && !strchr(path + n + 1, '/');
}

struct cgroup_mounts_ctx {
    bool (*fn)(const struct mountinfo_entry *e, void *data);
    void *data;
};

static bool if_cgroup_mount(const struct mountinfo_entry *e, void *data)
{
    struct cgroup_mounts_ctx *c = data;
    if (strcmp(e->fstype, "cgroup") != 0 && strcmp(e->fstype, "cgroup2") != 0)
        return false;
    return c->fn(e, c->data);
}

/* Calls fn for every cgroup/cgroup2 entry of /proc/self/mountinfo. */
static int for_each_cgroup_mount(bool (*fn)(const struct mountinfo_entry *e, void *data), void *data,
                                 struct hull_error **err)
{
    struct cgroup_mounts_ctx c = {fn, data};
    return mountinfo_foreach("/proc/self/mountinfo", if_cgroup_mount, &c, err);
}

struct list_ctx {
    const char *root;
    enum cgroup_layout layout;
    struct cgroup_hierarchy *v;
    size_t n;
    char **seen_dev; /* one mount per hierarchy: a bind of the same one is skipped */
    size_t n_seen;
    char *unified_root; /* mount root of the v2 mount, when found */
};

static bool collect_mount(const struct mountinfo_entry *e, void *data)
{
    struct list_ctx *c = data;
    bool v2 = !strcmp(e->fstype, "cgroup2");
    if (v2) {
        cleanup_free char *want = c->layout == CGROUP_LAYOUT_V2 ? xstrdup(c->root) : xasprintf("%s/unified", c->root);
        if (!strcmp(e->mountpoint, want) && !c->unified_root)
            c->unified_root = xstrdup(e->root);
        return false;
    }
    if (c->layout == CGROUP_LAYOUT_V2 || !parent_is(e->mountpoint, c->root))
        return false;
    for (size_t i = 0; i < c->n_seen; i++)
        if (!strcmp(c->seen_dev[i], e->devno))
            return false;
    cleanup_free char *controllers = v1_controllers_from_options(e->super_options);
    if (!controllers[0])
        return false;
    c->seen_dev = xrealloc(c->seen_dev, (c->n_seen + 1) * sizeof(char *));
    c->v = xrealloc(c->v, (c->n + 2) * sizeof *c->v);
    c->seen_dev[c->n_seen++] = xstrdup(e->devno);
    c->v[c->n++] = (struct cgroup_hierarchy){
        .mountpoint = xstrdup(e->mountpoint),
        .mount_root = xstrdup(e->root),
        .options = steal_pointer(&controllers),
        .unified = false,
    };
    return false;
}

int cgroup_list_hierarchies(enum cgroup_layout layout, struct cgroup_hierarchy **out, size_t *n,
                            struct hull_error **err)
{
    struct list_ctx c = {.root = cgroup_root(), .layout = layout};
    if (layout == CGROUP_LAYOUT_UNKNOWN)
        return hull_error_set(err, 0, "cannot recognise the cgroup layout at %s (neither a cgroup2 mount nor a "
                                      "tmpfs of cgroup v1 mounts)",
                              c.root);
    int r = for_each_cgroup_mount(collect_mount, &c, err);
    for (size_t i = 0; i < c.n_seen; i++)
        free(c.seen_dev[i]);
    free(c.seen_dev);
    if (r < 0) {
        for (size_t i = 0; i < c.n; i++)
            cgroup_hierarchy_clear(&c.v[i]);
        free(c.v);
        free(c.unified_root);
        return -1;
    }
    if (layout == CGROUP_LAYOUT_V2 || layout == CGROUP_LAYOUT_HYBRID) {
        c.v = xrealloc(c.v, (c.n + 1) * sizeof *c.v);
        /* HULL_CGROUP_ROOT may point below a mount point (tests): then the
         * directory itself acts as the hierarchy's root. */
        c.v[c.n++] = (struct cgroup_hierarchy){
            .mountpoint = layout == CGROUP_LAYOUT_V2 ? xstrdup(c.root) : xasprintf("%s/unified", c.root),
            .mount_root = c.unified_root ? steal_pointer(&c.unified_root) : xstrdup("/"),
            .options = xstrdup(""),
            .unified = true,
        };
    }
    free(c.unified_root);
    if (layout == CGROUP_LAYOUT_V1 && c.n == 0)
        return hull_error_set(err, 0, "no cgroup v1 hierarchy is mounted below %s", c.root);
    *out = c.v;
    *n = c.n;
    return 0;
}

bool cgroup_hierarchy_has(const struct cgroup_hierarchy *h, const char *name)
{
    if (h->unified)
        return false;
    size_t len = strlen(name);
    for (const char *p = h->options; *p;) {
        const char *comma = strchr(p, ',');
        size_t item = comma ? (size_t)(comma - p) : strlen(p);
        if (item == len && !strncmp(p, name, len))
            return true;
        if (!comma)
            break;
        p = comma + 1;
    }
    return false;
}

/* True when every item of the comma list a is in the v1 hierarchy h and vice versa. */
static bool same_controller_set(const struct cgroup_hierarchy *h, const char *list)
{
    cleanup_free char *copy = xstrdup(list);
    size_t count = 0;
    char *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save), count++)
        if (!cgroup_hierarchy_has(h, item))
            return false;
    size_t mine = 1;
    for (const char *p = h->options; *p; p++)
        mine += *p == ',';
    return count == mine;
}

int cgroup_own_path_in(const char *proc_self_cgroup, const struct cgroup_hierarchy *h, char **out,
                       struct hull_error **err)
{
    for (const char *p = proc_self_cgroup; p && *p;) {
        const char *eol = strchrnul(p, '\n');
        cleanup_free char *line = xstrndup(p, (size_t)(eol - p));
        p = *eol ? eol + 1 : eol;
        /* hierarchy-id:controller-list:path */
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        const char *controllers = c1 + 1, *path = c2 + 1;
        bool match = h->unified ? (!strncmp(line, "0:", 2) && !controllers[0])
                                : (controllers[0] && same_controller_set(h, controllers));
        if (!match)
            continue;
        /* The path is relative to the hierarchy's root; the mount may show a subtree. */
        size_t rl = strlen(h->mount_root);
        if (strcmp(h->mount_root, "/")) {
            if (strncmp(path, h->mount_root, rl) || (path[rl] && path[rl] != '/'))
                return hull_error_set(err, 0, "our own cgroup %s is outside the mount of %s (root %s)", path,
                                      h->mountpoint, h->mount_root);
            path += rl;
        }
        *out = xstrdup(path[0] ? path : "/");
        return 0;
    }
    return hull_error_set(err, 0, "cannot find our own cgroup for %s in /proc/self/cgroup",
                          h->unified ? "the unified hierarchy" : h->options);
}

int cgroup_own_path(const struct cgroup_hierarchy *h, char **out, struct hull_error **err)
{
    cleanup_free char *text = NULL;
    if (read_file_at(AT_FDCWD, "/proc/self/cgroup", &text, NULL, err) < 0)
        return -1;
    return cgroup_own_path_in(text, h, out, err);
}

int cgroup_validate_path(const char *p, struct hull_error **err)
{
    if (!p || !p[0])
        return 0;
    if (p[0] != '/') {
        const char *c1 = strchr(p, ':');
        if (c1 && strchr(c1 + 1, ':') && !strchr(p, '/'))
            return hull_error_set(err, 0,
                                  "linux.cgroupsPath \"%s\" is in systemd's \"slice:prefix:name\" form, which hull "
                                  "does not support (it has no systemd cgroup driver); use a path such as /hull/NAME",
                                  p);
    }
    cleanup_free char *copy = xstrdup(p);
    char *save = NULL;
    size_t parts = 0;
    for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save), parts++)
        if (!strcmp(c, "..") || !strcmp(c, "."))
            return hull_error_set(err, 0, "linux.cgroupsPath \"%s\": \".\" and \"..\" components are not allowed", p);
    if (parts == 0)
        return hull_error_set(err, 0,
                              "linux.cgroupsPath \"%s\" names the root cgroup; a container needs a cgroup of its own",
                              p);
    return 0;
}

/* "/a//b/" -> "/a/b" */
static char *normalize(const char *p)
{
    char *out = xmalloc0(strlen(p) + 2);
    char *w = out;
    for (const char *r = p; *r; r++) {
        if (*r == '/' && w > out && w[-1] == '/')
            continue;
        *w++ = *r;
    }
    while (w > out + 1 && w[-1] == '/')
        w--;
    *w = '\0';
    return out;
}

int cgroup_resolve_path(const struct cgroup_hierarchy *h, const char *id, const char *cgroups_path, char **out,
                        struct hull_error **err)
{
    if (cgroup_validate_path(cgroups_path, err) < 0)
        return -1;
    if (!cgroups_path || !cgroups_path[0]) {
        *out = xasprintf("/hull/%s", id);
        return 0;
    }
    if (cgroups_path[0] == '/') {
        *out = normalize(cgroups_path);
        return 0;
    }
    /* Relative: below the cgroup the runtime itself runs in (runc does the same). */
    cleanup_free char *own = NULL;
    if (cgroup_own_path(h, &own, err) < 0)
        return hull_error_wrap(err, "resolve relative linux.cgroupsPath \"%s\"", cgroups_path);
    cleanup_free char *joined = xasprintf("%s/%s", own, cgroups_path);
    *out = normalize(joined);
    return 0;
}
