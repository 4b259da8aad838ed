/* hull: what files a container sees -- its root filesystem, its mounts, and
 * the paths hidden (masked) or made read-only -- read back from
 * /proc/PID/mountinfo, the kernel's list of the mounts of the container's own
 * mount namespace (proc(5): "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS
 * [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTIONS", with mount points shown
 * relative to the process's root, i.e. as the container sees them). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mount/pathsafe.h"
#include "util/mountinfo.h"
#include "util/utils.h"
#include "isolation.h"

static bool has_option(const char *options, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = options; p && *p;) {
        size_t n = strcspn(p, ",");
        if (n == len && !strncmp(p, word, len))
            return true;
        p += n + (p[n] == ',');
    }
    return false;
}

struct mounts_ctx {
    struct isolation_mount *v;
    size_t n, cap;
};

static bool collect_mount(const struct mountinfo_entry *e, void *data)
{
    struct mounts_ctx *c = data;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->v = xrealloc(c->v, c->cap * sizeof *c->v);
    }
    struct isolation_mount *m = &c->v[c->n++];
    *m = (struct isolation_mount){
        .root = xstrdup(e->root),
        .destination = xstrdup(e->mountpoint),
        .options = xstrdup(e->options),
        .type = xstrdup(e->fstype),
        .source = xstrdup(e->source),
        .super_options = xstrdup(e->super_options),
    };
    m->read_only = has_option(m->options, "ro") || has_option(m->super_options, "ro");
    return false;
}

int isolation_read_mounts(const char *mountinfo_path, struct isolation_mount **out, size_t *n, struct hull_error **err)
{
    struct mounts_ctx c = {0};
    if (mountinfo_foreach(mountinfo_path, collect_mount, &c, err) < 0) {
        isolation_mounts_free(c.v, c.n);
        return -1;
    }
    *out = c.v ? c.v : xmalloc0(sizeof *c.v);
    *n = c.n;
    return 0;
}

void isolation_mounts_free(struct isolation_mount *m, size_t n)
{
    for (size_t i = 0; m && i < n; i++) {
        free(m[i].destination);
        free(m[i].type);
        free(m[i].source);
        free(m[i].root);
        free(m[i].options);
        free(m[i].super_options);
    }
    free(m);
}

/* overlay's super options: "lowerdir=/a:/b" (mount(2)) or one "lowerdir+=/a"
 * per layer (fsconfig, kernel 6.8+), topmost first either way. */
static void overlay_dirs(const char *super_options, struct isolation_rootfs *rootfs)
{
    size_t cap = 1;
    for (const char *p = super_options; *p; p++)
        cap += *p == ',' || *p == ':';
    rootfs->lowerdirs = xmalloc0((cap + 1) * sizeof *rootfs->lowerdirs);
    size_t n = 0;
    for (const char *p = super_options; *p;) {
        size_t len = strcspn(p, ",");
        cleanup_free char *opt = strndup(p, len);
        p += len + (p[len] == ',');
        if (!strncmp(opt, "lowerdir+=", 10)) {
            rootfs->lowerdirs[n++] = mountinfo_unescape(opt + 10);
        } else if (!strncmp(opt, "lowerdir=", 9)) {
            for (const char *d = opt + 9; *d;) {
                size_t dl = strcspn(d, ":");
                cleanup_free char *dir = strndup(d, dl);
                rootfs->lowerdirs[n++] = mountinfo_unescape(dir);
                d += dl + (d[dl] == ':');
            }
        } else if (!strncmp(opt, "upperdir=", 9)) {
            free(rootfs->upperdir);
            rootfs->upperdir = mountinfo_unescape(opt + 9);
        } else if (!strncmp(opt, "workdir=", 8)) {
            free(rootfs->workdir);
            rootfs->workdir = mountinfo_unescape(opt + 8);
        }
    }
}

/* The mount that is "/" for the container: the last one listed at "/"
 * (a later mount over "/" hides the earlier). */
static void rootfs_from_mounts(const struct isolation_mount *mounts, size_t n, struct isolation_rootfs *rootfs)
{
    for (size_t i = n; i-- > 0;) {
        if (strcmp(mounts[i].destination, "/"))
            continue;
        rootfs->type = xstrdup(mounts[i].type);
        rootfs->read_only = mounts[i].read_only;
        if (!strcmp(mounts[i].type, "overlay"))
            overlay_dirs(mounts[i].super_options, rootfs);
        return;
    }
}

static const struct isolation_mount *mount_at(const struct isolation_mount *mounts, size_t n, const char *path)
{
    for (size_t i = n; i-- > 0;)
        if (!strcmp(mounts[i].destination, path))
            return &mounts[i];
    return NULL;
}

/* Whether path exists in the container, resolved inside its root (an image
 * symlink must not make us look at the host's files), and its stat. */
static bool stat_in_container(int rootfd, const char *path, struct stat *st)
{
    cleanup_error struct hull_error *ignored = NULL;
    cleanup_close int fd = path_open_in_root(rootfd, path, PATH_NO_CREATE, &ignored);
    return fd >= 0 && fstat(fd, st) == 0;
}

static void check_path(int rootfd, const struct isolation_mount *mounts, size_t n, bool masked,
                       struct isolation_path *p)
{
    const struct isolation_mount *m = mount_at(mounts, n, p->path);
    struct stat st;
    bool exists = stat_in_container(rootfd, p->path, &st);
    if (masked && exists && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) {
        /* runc's way for files: /dev/null bound over them reads as empty */
        p->state = ISOLATION_PATH_APPLIED;
        p->how = xstrdup("/dev/null is bound over it: reads are empty, writes vanish");
    } else if (masked && m && !strcmp(m->type, "tmpfs") && m->read_only) {
        p->state = ISOLATION_PATH_APPLIED;
        p->how = xstrdup("an empty read-only tmpfs covers it");
    } else if (!masked && m && m->read_only) {
        p->state = ISOLATION_PATH_APPLIED;
        p->how = xasprintf("read-only %s mount", m->type);
    } else if (!exists && !m) {
        p->state = ISOLATION_PATH_ABSENT;
        p->how = xstrdup("not present in the container: nothing to cover");
    } else {
        p->state = ISOLATION_PATH_NOT_APPLIED;
        p->how = m ? xasprintf("NOT covered: %s mount, %s", m->type, m->read_only ? "read-only" : "writable")
                   : xstrdup("NOT covered: no mount on it");
    }
}

static void paths_from_config(char **list, struct isolation_path **out, size_t *n)
{
    *n = strv_length(list);
    *out = xmalloc0((*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        (*out)[i].path = xstrdup(list[i]);
        (*out)[i].state = ISOLATION_PATH_CONFIGURED;
    }
}

int isolation_read_filesystem(pid_t pid, const struct hull_spec *spec, struct isolation_report *r,
                              struct hull_error **err)
{
    cleanup_free char *mountinfo = xasprintf("/proc/%d/mountinfo", pid);
    if (isolation_read_mounts(mountinfo, &r->mounts, &r->n_mounts, err) < 0)
        return -1;
    rootfs_from_mounts(r->mounts, r->n_mounts, &r->rootfs);
    r->rootfs.path = xstrdup(spec->root_path ? spec->root_path : "");
    paths_from_config(spec->linux_.masked_paths, &r->masked, &r->n_masked);
    paths_from_config(spec->linux_.readonly_paths, &r->readonly, &r->n_readonly);
    cleanup_free char *root_path = xasprintf("/proc/%d/root", pid);
    cleanup_close int rootfd = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return hull_error_set(err, errno, "open %s", root_path);
    for (size_t i = 0; i < r->n_masked; i++)
        check_path(rootfd, r->mounts, r->n_mounts, true, &r->masked[i]);
    for (size_t i = 0; i < r->n_readonly; i++)
        check_path(rootfd, r->mounts, r->n_mounts, false, &r->readonly[i]);
    return 0;
}

static char *join_options(char **options)
{
    size_t len = 1;
    for (char **o = options; o && *o; o++)
        len += strlen(*o) + 1;
    char *s = xmalloc0(len);
    for (char **o = options; o && *o; o++) {
        if (*s)
            strcat(s, ",");
        strcat(s, *o);
    }
    return s;
}

int isolation_filesystem_from_config(const char *bundle_dir, const struct hull_spec *spec, struct isolation_report *r,
                                     struct hull_error **err)
{
    r->rootfs.path = xstrdup(spec->root_path ? spec->root_path : "");
    r->rootfs.read_only = spec->root_readonly;
    /* The engine's rootfs overlay stays mounted on the host between runs:
     * when it is there, show its layers like for a running container. */
    cleanup_free char *rootfs_dir = spec->root_path && spec->root_path[0] == '/'
                                        ? xstrdup(spec->root_path)
                                        : xasprintf("%s/%s", bundle_dir, spec->root_path ? spec->root_path : "rootfs");
    cleanup_free char *real = realpath(rootfs_dir, NULL);
    struct isolation_mount *host = NULL;
    size_t n_host = 0;
    if (real && isolation_read_mounts("/proc/self/mountinfo", &host, &n_host, err) < 0)
        return -1;
    const struct isolation_mount *m = real ? mount_at(host, n_host, real) : NULL;
    if (m) {
        r->rootfs.type = xstrdup(m->type);
        if (!strcmp(m->type, "overlay"))
            overlay_dirs(m->super_options, &r->rootfs);
    }
    isolation_mounts_free(host, n_host);

    r->n_mounts = spec->n_mounts;
    r->mounts = xmalloc0((spec->n_mounts + 1) * sizeof *r->mounts);
    for (size_t i = 0; i < spec->n_mounts; i++) {
        const struct hull_mount *sm = &spec->mounts[i];
        struct isolation_mount *im = &r->mounts[i];
        im->destination = xstrdup(sm->destination);
        im->type = xstrdup(sm->type ? sm->type : (sm->bind ? "bind" : "none"));
        im->source = xstrdup(sm->source ? sm->source : "");
        im->root = xstrdup("/");
        im->options = join_options(sm->options);
        im->super_options = xstrdup(sm->data ? sm->data : "");
        im->read_only = (sm->flags & MS_RDONLY) != 0;
    }
    paths_from_config(spec->linux_.masked_paths, &r->masked, &r->n_masked);
    paths_from_config(spec->linux_.readonly_paths, &r->readonly, &r->n_readonly);
    return 0;
}
