/* hull run and hull create after the flags: the container made from the
 * image and the typed run configuration (intent record, image mark, rootfs,
 * volumes, /etc files, config.json, full record), then run in the
 * foreground or under its monitor.  On any failure before it runs,
 * everything made so far is removed again.  Moved here from the CLI
 * (src/hull/cmd_run.c), which now parses the flags and calls
 * engine_container_run (issue 12). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine_etc.h"
#include "engine/engine_mounts.h"
#include "engine/engine_spec.h"
#include "engine/events.h"
#include "engine/lifecycle.h"
#include "engine/record.h"
#include "engine/rootless.h"
#include "image/image_rootfs.h"
#include "image/init_layer.h"
#include "image/store.h"
#include "spec/spec.h"
#include "util/log.h"
#include "util/utils.h"

/* Record before resource: the intent record (record.h) is on disk, under the
 * records lock that allocates names, before the image is marked, the rootfs
 * mounted or anything started; a `hull run` killed at any point leaves a
 * container that `hull ps -a` shows and `hull rm -f` removes. */
static int save_intent(const struct engine_run_request *r, const char *id, const char *dir, const char *name,
                       const char *image_id, struct hull_error **err)
{
    cleanup_close int lock = -1;
    if (engine_records_lock(r->root, &lock, err) < 0)
        return -1;
    if (engine_record_name_in_use(r->root, name))
        return hull_error_set(err, 0, "the container name \"/%s\" is already in use", name);
    if (mkdir(dir, 0700) < 0)
        return hull_error_set(err, errno, "create %s", dir);
    cleanup_engine_record struct engine_record *rec =
        engine_record_build_intent(id, name, r->image_ref, image_id, r->auto_remove);
    int ret = engine_record_write(r->root, id, rec, err);
    if (ret < 0)
        rmdir(dir);
    return ret;
}

/* Rootfs, volumes, /etc files, config.json, and the full record replacing
 * the intent, all under the records lock: `volume rm` sees the full record
 * or no use of its volume. */
static int make_bundle(const struct engine_run_request *r, struct hull_spec **spec, const char *id, const char *dir,
                       const char *name, const struct image_info *image, char *const *layers, const char *config,
                       struct engine_mounts_made *made, struct hull_error **err)
{
    struct engine_run_config *rc = r->rc;
    struct engine_etc_files etc = {0};
    const char *given_cgroups_path = rc->cgroups_path;
    cleanup_free char *rootfs = NULL;
    cleanup_free char *config_path = xasprintf("%s/config.json", dir);
    cleanup_free char *delegated = engine_rootless_cgroup_parent();
    cleanup_free char *cgroups_path = NULL;
    char short_id[13];
    snprintf(short_id, sizeof short_id, "%.12s", id);
    cleanup_close int lock = -1;
    if (engine_records_lock(r->root, &lock, err) < 0)
        return -1;
    /* HULL_STORAGE_DRIVER=copy: the copy overlayfs falls back to, on purpose
     * (a store on a filesystem overlay mounts but misbehaves on; tests). */
    const char *driver = getenv("HULL_STORAGE_DRIVER");
    struct image_rootfs_opts ro = {.force_copy = driver && !strcmp(driver, "copy")};
    if (image_rootfs_prepare(layers, dir, &ro, &rootfs, NULL, err) < 0)
        return -1;
    if (engine_mounts_prepare(r->root, rc, config, rootfs, made, err) < 0)
        return -1;
    /* docker: with --network host the container is named like the host. */
    char host_name[HOST_NAME_MAX + 1] = "";
    if (!rc->hostname && rc->host_network && gethostname(host_name, sizeof host_name - 1) == 0 && host_name[0])
        rc->hostname = host_name;
    const char *hostname = rc->hostname ? rc->hostname : short_id;
    int ret = -1;
    if (engine_etc_files_write(dir, hostname, name, rc, &etc, err) < 0)
        goto out;
    rc->hostname_path = etc.hostname;
    rc->hosts_path = etc.hosts;
    rc->resolv_conf_path = etc.resolv_conf;
    /* A normal user's containers go under the cgroup delegated to them, if any (docs/rootless.md). */
    if (delegated)
        rc->cgroups_path = cgroups_path = xasprintf("%s/hull-%s", delegated, id);
    /* config.json, like the /etc files, is created in place: the full
     * record, written after it, is what makes `hull start` read it. */
    if (engine_spec_make(config, rc, hostname, rootfs, spec, err) < 0 ||
        write_file_new(config_path, (*spec)->raw_json, strlen((*spec)->raw_json), 0600, err) < 0)
        goto out;
    struct engine_record_input in = {
        .id = id,
        .name = name,
        .image_ref = r->image_ref,
        .image_id = image->id,
        .dir = dir,
        .spec = *spec,
        .image_config = config,
        .rc = rc,
        .detach = r->detach,
        .interactive = r->interactive,
        .auto_remove = r->auto_remove,
        .volumes_from = r->volumes_from,
    };
    struct engine_record *rec = engine_record_build(&in); /* no cleanup attribute: goto out jumps past it */
    /* Still ours until it runs (engine_record_set_running drops it); a
     * `hull create` is done with it here: the container is Created, for
     * `hull start`. */
    if (!r->create_only)
        rec->creating_pid = (int)getpid();
    ret = engine_record_write(r->root, id, rec, err);
    if (ret == 0)
        engine_event_container(r->root, rec, "create", NULL, NULL);
    engine_record_free(rec);
out:
    rc->hostname = NULL; /* host_name is gone after return */
    /* what pointed into etc and cgroups_path, freed here */
    rc->hostname_path = rc->hosts_path = rc->resolv_conf_path = NULL;
    rc->cgroups_path = given_cgroups_path;
    engine_etc_files_clear(&etc);
    return ret;
}

/* The mount points every container gets: the generated /etc files
 * (engine_spec.c's set_mounts) and the tops of the default mounts
 * (spec_default.c).  Made once per image, in its init layer
 * (image/init_layer.h), where the image lacks them, instead of by the
 * runtime in each container's upper dir: 4 new inodes and a copy-up of /etc
 * per run of busybox (docs/performance.md). */
static const struct image_init_entry init_layer_entries[] = {
    {"/etc/hostname", false}, {"/etc/hosts", false}, {"/etc/resolv.conf", false},
    {"/proc", true},          {"/dev", true},        {"/sys", true},
};

/* Makes the container: intent record (claiming the name), image mark,
 * rootfs, config.json, full record.  On failure everything is removed again
 * by the same path as `hull rm -f`, the record last. */
static int create_container(const struct engine_run_request *r, struct hull_spec **spec, char id[ENGINE_ID_LEN + 1],
                            struct hull_error **err)
{
    cleanup_image_info struct image_info *image = NULL;
    cleanup_free char *config = NULL;
    cleanup_strv char **layers = NULL;
    {
        cleanup_image_store struct image_store *store = NULL;
        if (image_store_open(r->root, false, &store, err) < 0 ||
            image_store_lookup(store, r->image_ref, &image, err) < 0 ||
            image_store_read_config(store, image->id, &config, err) < 0)
            return -1;
    }
    if (engine_new_id(id, err) < 0)
        return -1;
    cleanup_free char *dir = engine_container_dir(r->root, id);
    char short_id[13];
    snprintf(short_id, sizeof short_id, "%.12s", id);
    cleanup_free char *default_name = xasprintf("hull_%s", short_id);
    const char *name = r->name ? r->name : default_name;
    if (save_intent(r, id, dir, name, image->id, err) < 0)
        return -1;
    struct engine_mounts_made made = {0};
    {
        /* The image may have been removed since the lookup: the mark is made
         * under the store lock only if the image is still there. */
        cleanup_image_store struct image_store *store = NULL;
        cleanup_image_info struct image_info *again = NULL;
        if (image_store_open(r->root, true, &store, err) < 0 ||
            image_store_lookup(store, image->id, &again, err) < 0 ||
            image_store_add_user(store, image->id, id, err) < 0)
            goto fail;
        cleanup_error struct hull_error *no_init = NULL;
        if (image_store_make_init_layer(store, again, init_layer_entries, ARRAY_SIZE(init_layer_entries), &no_init) <
            0) {
            cleanup_free char *why = hull_error_text(no_init);
            log_debug("%s: the container's mount points go into its own upper dir", why);
        }
        layers = image_store_rootfs_layers(store, again);
    }
    if (make_bundle(r, spec, id, dir, name, image, layers, config, &made, err) < 0)
        goto fail;
    engine_mounts_made_clear(&made);
    return 0;
fail:;
    cleanup_error struct hull_error *e2 = NULL;
    engine_container_remove_id(r->root, r->runroot, id, image->id, &e2);
    engine_mounts_undo(r->root, &made);
    return -1;
}

/* docker's run: 127/126 when the program is missing or cannot run, else 125. */
static int run_failure_status(const struct hull_error *err)
{
    int status = engine_start_failure_status(err);
    return status ? status : 125;
}

/* After a failed start: the container goes, with its anonymous volumes. */
static int start_failed(const struct engine_run_request *r, const char *id, int *exit_code, struct hull_error **err)
{
    cleanup_error struct hull_error *e2 = NULL;
    engine_container_remove_with_volumes(r->root, r->runroot, id, true, &e2);
    *exit_code = run_failure_status(*err);
    return -1;
}

int engine_container_run(const struct engine_run_request *r, char id[ENGINE_ID_LEN + 1], int *exit_code,
                         struct hull_error **err)
{
    cleanup_spec struct hull_spec *spec = NULL;
    *exit_code = 125;
    if (create_container(r, &spec, id, err) < 0)
        return -1;
    *exit_code = 0;
    if (r->create_only)
        return 0;
    struct engine_lifecycle l = {
        .root = r->root,
        .runroot = r->runroot,
        .id = id,
        .auto_remove = r->auto_remove,
        .tty = r->rc->tty,
        .interactive = r->interactive,
        /* in this process: created from the config built, not config.json read back */
        .spec = spec,
    };
    if (r->detach)
        return engine_run_detached(&l, err) < 0 ? start_failed(r, id, exit_code, err) : 0;
    int ret = engine_run_foreground(&l, exit_code, err);
    if (ret < 0)
        return start_failed(r, id, exit_code, err);
    if (ret > 0) /* started, and its monitor went away: the container is its own now */
        *exit_code = 125;
    return ret;
}
