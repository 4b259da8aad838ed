/* image_rootfs_diff: see diff.h. */
#include "diff.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "util/utils.h"

/* Directory walks go this deep at most: a deeper tree is an attack on the walker. */
#define MAX_DEPTH 256

static bool is_whiteout(const struct stat *st)
{
    return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static bool is_opaque(const char *path)
{
    char v[2];
    return lgetxattr(path, "trusted.overlay.opaque", v, sizeof v) == 1 && v[0] == 'y';
}

/* Whether rel ("etc/passwd") exists in the image: the topmost layer that says
 * anything about it decides. */
static bool in_layers(char *const *layers, size_t n, const char *rel, struct stat *found)
{
    for (size_t i = n; i-- > 0;) {
        cleanup_free char *path = xasprintf("%s/%s", layers[i], rel);
        struct stat st;
        if (lstat(path, &st) == 0) {
            if (found)
                *found = st;
            return !is_whiteout(&st);
        }
        /* An opaque directory above rel in this layer hides every layer below. */
        cleanup_free char *parent = xstrdup(rel);
        char *slash;
        while ((slash = strrchr(parent, '/'))) {
            *slash = '\0';
            cleanup_free char *p = xasprintf("%s/%s", layers[i], parent);
            if (is_opaque(p))
                return false;
        }
    }
    return false;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct walk {
    char *const *layers;
    size_t n_layers;
    const char *const *ignore;
    image_diff_fn fn;
    void *data;
    struct hull_error **err;
    /* Changed directories not reported yet: they are, before their first
     * reported child, or at their end if their own metadata changed. */
    char **pending;
    size_t n_pending;
};

static int report(struct walk *w, char kind, const char *path)
{
    for (size_t i = 0; i < w->n_pending; i++) {
        int r = w->fn('C', w->pending[i], w->data);
        free(w->pending[i]);
        w->pending[i] = NULL;
        if (r != 0) {
            for (size_t k = i + 1; k < w->n_pending; k++)
                free(w->pending[k]);
            w->n_pending = 0;
            return r;
        }
    }
    w->n_pending = 0;
    return w->fn(kind, path, w->data);
}

static bool ignored(struct walk *w, const char *path)
{
    for (const char *const *p = w->ignore; p && *p; p++)
        if (!strcmp(*p, path))
            return true;
    return false;
}

/* rel: "" for the root, else "a/b"; added: the parent was added. */
static int walk_dir(struct walk *w, const char *upper, const char *rel, bool added, int depth)
{
    if (depth > MAX_DEPTH)
        return hull_error_set(w->err, 0, "%s: directories nested deeper than %d", upper, MAX_DEPTH);
    cleanup_free char *dir = *rel ? xasprintf("%s/%s", upper, rel) : xstrdup(upper);
    cleanup_dir DIR *d = opendir(dir);
    if (!d)
        return hull_error_set(w->err, errno, "open %s", dir);
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        names = xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = xstrdup(de->d_name);
    }
    if (n)
        qsort(names, n, sizeof *names, compare_names);
    int ret = 0;
    for (size_t i = 0; i < n && ret == 0; i++) {
        cleanup_free char *child = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
        cleanup_free char *path = xasprintf("%s/%s", upper, child);
        cleanup_free char *shown = xasprintf("/%s", child);
        struct stat st;
        if (lstat(path, &st) < 0) {
            ret = hull_error_set(w->err, errno, "stat %s", path);
            break;
        }
        if (is_whiteout(&st)) {
            ret = report(w, 'D', shown);
            continue;
        }
        struct stat lower;
        bool below = !added && in_layers(w->layers, w->n_layers, child, &lower);
        if (!below && ignored(w, shown))
            continue;
        if (!S_ISDIR(st.st_mode)) {
            ret = report(w, below ? 'C' : 'A', shown);
            continue;
        }
        if (!below) {
            ret = report(w, 'A', shown);
            if (ret == 0)
                ret = walk_dir(w, upper, child, true, depth + 1);
            continue;
        }
        w->pending = xrealloc(w->pending, (w->n_pending + 1) * sizeof *w->pending);
        size_t mine = w->n_pending;
        w->pending[w->n_pending++] = xstrdup(shown);
        ret = walk_dir(w, upper, child, false, depth + 1);
        if (ret == 0 && w->n_pending > mine) {
            /* Nothing below was reported: the directory itself, if its own metadata changed. */
            bool changed = st.st_mode != lower.st_mode || st.st_uid != lower.st_uid || st.st_gid != lower.st_gid;
            for (size_t k = mine; k < w->n_pending; k++)
                free(w->pending[k]);
            w->n_pending = mine;
            if (changed)
                ret = report(w, 'C', shown); /* after its own pending parents */
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return ret;
}

int image_rootfs_diff(char *const *layers, const char *container_dir, const char *const *ignore, image_diff_fn fn,
                      void *data, struct hull_error **err)
{
    cleanup_free char *kind_path = xasprintf("%s/rootfs.kind", container_dir);
    cleanup_free char *kind = NULL;
    if (read_file(kind_path, &kind, NULL, NULL) == 0 && !strncmp(kind, "copy", 4))
        return hull_error_set(err, 0, "the container has a copied root filesystem (no overlayfs): no record of "
                                      "its changes");
    cleanup_free char *upper = xasprintf("%s/upper", container_dir);
    if (access(upper, F_OK) < 0)
        return hull_error_set(err, errno, "the container has no upper dir %s", upper);
    struct walk w = {
        .layers = layers, .n_layers = strv_length(layers), .ignore = ignore, .fn = fn, .data = data, .err = err};
    int ret = walk_dir(&w, upper, "", false, 0);
    for (size_t i = 0; i < w.n_pending; i++)
        free(w.pending[i]);
    free(w.pending);
    return ret;
}
