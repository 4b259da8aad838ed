/* hull: pause, unpause, start again, wait (see manage.h). */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "container/container.h"
#include "image/store.h"
#include "lifecycle.h"
#include "manage.h"
#include "record.h"
#include "util/utils.h"

/* ---- pause / unpause ---- */

int engine_container_pause(const char *root, const char *runroot, const char *id, bool pause, struct hull_error **err)
{
    cleanup_free char *rtroot = engine_runtime_root(runroot);
    cleanup_close int lock = -1;
    /* No runtime state at all: the container has exited (its waiter deleted it). */
    cleanup_error struct hull_error *no_state = NULL;
    if (state_dir_lock(rtroot, id, &lock, &no_state) < 0)
        return hull_error_set(err, 0, "container %.12s is not %s", id, pause ? "running" : "paused");
    struct json_object *saved = NULL;
    enum container_status st;
    if (container_state(rtroot, id, &saved, &st, err) < 0)
        return -1;
    int ret = -1;
    cleanup_cgroup_manager struct cgroup_manager *cg = NULL;
    if (pause && st == STATUS_PAUSED) {
        hull_error_set(err, 0, "container %.12s is already paused", id);
        goto out;
    }
    if (pause && st != STATUS_RUNNING) {
        hull_error_set(err, 0, "container %.12s is not running", id);
        goto out;
    }
    if (!pause && st != STATUS_PAUSED) {
        hull_error_set(err, 0, "container %.12s is not paused", id);
        goto out;
    }
    if (cgroup_manager_load(saved, &cg, err) < 0 || cgroup_manager_freeze(cg, pause, err) < 0)
        goto out;
    if (engine_record_set_paused(root, id, pause, err) < 0) {
        /* What the record cannot say must not be true: undo the freeze/thaw. */
        cleanup_error struct hull_error *ignored = NULL;
        cgroup_manager_freeze(cg, !pause, &ignored);
        goto out;
    }
    ret = 0;
out:
    json_object_put(saved);
    return ret;
}

/* ---- start again ---- */

static bool is_mount_point(const char *path)
{
    struct stat st, parent;
    cleanup_free char *up = xasprintf("%s/..", path);
    return lstat(path, &st) == 0 && stat(up, &parent) == 0 && st.st_dev != parent.st_dev;
}

/* mount(2) with the option string, for kernels before 6.8 (no "lowerdir+"):
 * the whole list must fit in a page. */
static int remount_overlay_legacy(char *const *layers, size_t n, const char *upper, const char *work,
                                  const char *rootfs, struct hull_error **err)
{
    size_t len = 64 + strlen(upper) + strlen(work);
    for (size_t i = 0; i < n; i++) {
        if (strpbrk(layers[i], ":,"))
            return hull_error_set(err, EINVAL, "layer path %s has a ':' or ',' overlayfs cannot take", layers[i]);
        len += strlen(layers[i]) + 1;
    }
    cleanup_free char *data = xmalloc0(len);
    strcpy(data, "lowerdir=");
    for (size_t i = n; i-- > 0;) {
        strcat(data, layers[i]);
        if (i > 0)
            strcat(data, ":");
    }
    sprintf(data + strlen(data), ",upperdir=%s,workdir=%s", upper, work);
    if (strlen(data) >= (size_t)sysconf(_SC_PAGESIZE))
        return hull_error_set(err, E2BIG, "too many layers (%zu) for this kernel's overlay mount options", n);
    if (mount("overlay", rootfs, "overlay", 0, data) < 0)
        return hull_error_set(err, errno, "mount the overlay at %s (upper %s)", rootfs, upper);
    return 0;
}

/* The overlay again, over the existing upper and work dirs.  Unlike
 * image_rootfs_prepare this never falls back to a copy or removes anything
 * on failure: the upper dir is the container's data. */
static int remount_overlay(char *const *layers, const char *dir, struct hull_error **err)
{
    cleanup_free char *upper = xasprintf("%s/upper", dir);
    cleanup_free char *work = xasprintf("%s/work", dir);
    cleanup_free char *rootfs = xasprintf("%s/rootfs", dir);
    size_t n = strv_length(layers);
    if (n == 0)
        return hull_error_set(err, 0, "the image has no layers");
    if (mkdir(work, 0700) < 0 && errno != EEXIST)
        return hull_error_set(err, errno, "create %s", work);
    cleanup_close int fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
    if (fsfd < 0)
        return hull_error_set(err, errno, "overlayfs is not available to mount %s", rootfs);
    /* lowerdir+ (Linux 6.8) takes one layer at a time, topmost first, with no
     * page-size limit on the list; an older kernel refuses the first one. */
    for (size_t i = n; i-- > 0;) {
        if (fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir+", layers[i], 0) == 0)
            continue;
        if (errno == EINVAL && i == n - 1)
            return remount_overlay_legacy(layers, n, upper, work, rootfs, err);
        return hull_error_set(err, errno, "overlay layer %s", layers[i]);
    }
    if (fsconfig(fsfd, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
        fsconfig(fsfd, FSCONFIG_SET_STRING, "workdir", work, 0) < 0 ||
        fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return hull_error_set(err, errno, "create the overlay for %s (upper %s)", rootfs, upper);
    cleanup_close int mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
    if (mfd < 0)
        return hull_error_set(err, errno, "fsmount the overlay for %s", rootfs);
    if (move_mount(mfd, "", AT_FDCWD, rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return hull_error_set(err, errno, "attach the overlay at %s", rootfs);
    return 0;
}

static int ensure_rootfs(const char *root, const char *id, struct hull_error **err)
{
    cleanup_free char *dir = engine_container_dir(root, id);
    cleanup_free char *kind_path = xasprintf("%s/rootfs.kind", dir);
    cleanup_free char *rootfs = xasprintf("%s/rootfs", dir);
    cleanup_free char *kind = NULL;
    /* A copied rootfs is a plain directory that outlives everything. */
    if (read_file(kind_path, &kind, NULL, NULL) < 0 || strncmp(kind, "overlay", 7) || is_mount_point(rootfs))
        return 0;
    struct json_object *rec = NULL;
    if (engine_record_load(root, id, &rec, err) < 0)
        return -1;
    cleanup_free char *image_id = xstrdup(engine_json_str(rec, "Image"));
    json_object_put(rec);
    cleanup_image_store struct image_store *store = NULL;
    cleanup_image_info struct image_info *image = NULL;
    if (image_store_open(root, false, &store, err) < 0 || image_store_lookup(store, image_id, &image, err) < 0)
        return hull_error_wrap(err, "mount the root filesystem of container %.12s again", id);
    cleanup_strv char **layers = image_store_layer_paths(store, image);
    if (remount_overlay(layers, dir, err) < 0)
        return hull_error_wrap(err, "mount the root filesystem of container %.12s again", id);
    return 0;
}

int engine_container_prepare_restart(const char *root, const char *runroot, const char *id, struct hull_error **err)
{
    if (engine_container_running(runroot, id))
        return hull_error_set(err, 0, "container %.12s is running", id);
    /* Normally the init's waiter deleted the runtime state; a waiter that was
     * killed leaves it, and container_create would refuse the id. */
    cleanup_free char *rtroot = engine_runtime_root(runroot);
    cleanup_error struct hull_error *ignored = NULL;
    container_delete(rtroot, id, true, &ignored);
    return ensure_rootfs(root, id, err);
}

/* ---- wait ---- */

/* How long a record may still say running after the init is gone before we
 * conclude its waiter died and will never write the exit code. */
#define WAITER_GRACE_MS 5000

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int engine_container_wait(const char *root, const char *runroot, const char *id, int *exit_code,
                          struct hull_error **err)
{
    cleanup_free char *dir = engine_container_dir(root, id);
    cleanup_close int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (ino >= 0)
        inotify_add_watch(ino, dir, IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE | IN_DELETE_SELF);
    cleanup_close int pidfd = -1;
    pid_t watched = 0;
    long init_gone_at = 0;
    for (;;) {
        struct json_object *rec = NULL;
        if (engine_record_load(root, id, &rec, NULL) < 0)
            return hull_error_set(err, 0, "container %.12s was removed before its exit code could be read", id);
        struct json_object *state = engine_json_path(rec, "State", NULL);
        const char *status = engine_json_str(state, "Status");
        bool says_live = !strcmp(status, "running") || !strcmp(status, "paused");
        bool runtime_live = engine_container_running(runroot, id);
        int code = json_object_get_int(engine_json_path(state, "ExitCode", NULL));
        pid_t pid = json_object_get_int(engine_json_path(state, "Pid", NULL));
        json_object_put(rec);
        /* "created" with live runtime state is a start under way. */
        if (!says_live && !(runtime_live && !strcmp(status, "created"))) {
            *exit_code = code;
            return 0;
        }
        if (says_live && !runtime_live) {
            if (!init_gone_at)
                init_gone_at = now_ms();
            else if (now_ms() - init_gone_at > WAITER_GRACE_MS) {
                *exit_code = code; /* what engine_record_refresh would show */
                return 0;
            }
        } else {
            init_gone_at = 0;
        }
        if (pid > 0 && pid != watched) {
            if (pidfd >= 0)
                close(pidfd);
            pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
            watched = pid;
        }
        struct pollfd fds[2] = {{.fd = ino, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
        /* Short polls once the init is gone: the record is due any moment. */
        int r = poll(fds, 2, init_gone_at ? 50 : 1000);
        if (r > 0 && (fds[1].revents & POLLIN)) {
            close(pidfd);
            pidfd = -1; /* readable for good once the process is gone */
        }
        char buf[4096];
        while (ino >= 0 && read(ino, buf, sizeof buf) > 0)
            ;
    }
}
