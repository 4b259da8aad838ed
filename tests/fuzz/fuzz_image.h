/* What the image harnesses share: a private store under a temporary
 * directory (removed at exit), emptied after every load that succeeded so
 * that millions of inputs do not fill it. */
#ifndef HULL_FUZZ_IMAGE_H
#define HULL_FUZZ_IMAGE_H

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"

#include "image/load.h"
#include "image/store.h"
#include "util/utils.h"

static char fuzz_dir[64];
static char *fuzz_store_root;

static void fuzz_image_cleanup(void)
{
    if (fuzz_dir[0])
        rm_rf(fuzz_dir, NULL);
}

static inline void fuzz_image_init(void)
{
    /* tmpfs when there is one: every input makes and removes a few dozen
     * files, which costs 20 ms a run on a loaded disk and a tenth on tmpfs. */
    snprintf(fuzz_dir, sizeof fuzz_dir, "%s/hull-fuzz-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(fuzz_dir))
        abort();
    fuzz_store_root = xasprintf("%s/store", fuzz_dir);
    atexit(fuzz_image_cleanup);
}

/* image_load on path, into a store made for this input. */
static inline void fuzz_image_load(const char *path)
{
    struct image_store *store = NULL;
    struct hull_error *err = NULL;
    if (image_store_open(fuzz_store_root, true, &store, &err) < 0) {
        fprintf(stderr, "fuzz: cannot open the store: %s\n", err->msg);
        abort();
    }
    struct image_load_result res = {0};
    int r = image_load(store, path, NULL, &res, &err);
    fuzz_result(r, &err);
    if (r == 0)
        image_load_result_clear(&res);
    image_store_close(store);
    if (r == 0 && rm_rf(fuzz_store_root, NULL) < 0)
        abort();
}

/* Writes len bytes to dir/name (dir relative to fuzz_dir). */
static inline void fuzz_write(const char *name, const void *data, size_t len)
{
    char *path = xasprintf("%s/%s", fuzz_dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len) || close(fd) < 0)
        abort();
    free(path);
}

#endif
