/* hull run: parse the flags, check everything that can be checked before
 * anything is created, then make the container (record, overlay rootfs,
 * config.json) and hand it to the library to run in the foreground or under
 * a monitor.  On any failure before the container runs, everything made so
 * far is removed again. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "engine/engine_spec.h"
#include "engine/lifecycle.h"
#include "engine/record.h"
#include "image/rootfs.h"
#include "image/store.h"
#include "util/utils.h"

struct run_flags {
    struct engine_run_config rc;
    const char *name;
    bool detach, auto_remove, interactive;
    const char *network;
    const char *memory_text, *cpus_text;
    char **env;
    size_t n_env;
};

static void run_usage(FILE *f)
{
    fprintf(f, "Usage:  hull run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n"
               "Create and run a new container from an image\n\n"
               "Options:\n"
               "      --name NAME          assign a name to the container\n"
               "  -d, --detach             run in the background and print the container id\n"
               "  -t, --tty                allocate a terminal (foreground only)\n"
               "  -i, --interactive        keep stdin open (foreground: ours; -d: open, never written)\n"
               "      --rm                 remove the container when it exits\n"
               "  -e, --env K=V            set an environment variable (repeatable)\n"
               "      --hostname NAME      container host name (default: the short id)\n"
               "  -w, --workdir DIR        working directory inside the container\n"
               "  -u, --user UID[:GID]     user (and group) to run as; names from the image's /etc/passwd\n"
               "      --entrypoint CMD     override the image's ENTRYPOINT\n"
               "  -v, --volume H:C[:ro]    bind mount host path H at container path C\n"
               "  -m, --memory SIZE        memory limit (e.g. 256m, 1g)\n"
               "      --cpus N             number of CPUs (e.g. 0.5)\n"
               "      --pids-limit N       maximum number of processes\n"
               "      --read-only          mount the root filesystem read-only\n"
               "      --network MODE       none (default: loopback only) or host\n");
}

static bool name_valid(const char *n)
{
    if (!n[0] || !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", n[0]))
        return false;
    return strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == strlen(n);
}

/* Everything that does not need the image: checked before anything exists. */
static int check_flags(struct run_flags *f, struct hull_error **err)
{
    if (f->name && !name_valid(f->name))
        return hull_error_set(err, 0, "invalid container name \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
                              f->name);
    if (f->memory_text && engine_parse_memory(f->memory_text, &f->rc.memory, err) < 0)
        return -1;
    if (f->cpus_text && engine_parse_cpus(f->cpus_text, &f->rc.cpu_quota, &f->rc.cpu_period, err) < 0)
        return -1;
    if (f->network && strcmp(f->network, "none") && strcmp(f->network, "host"))
        return hull_error_set(err, 0, "invalid --network \"%s\": only none and host are implemented", f->network);
    f->rc.host_network = f->network && !strcmp(f->network, "host");
    if (f->rc.workdir && f->rc.workdir[0] != '/')
        return hull_error_set(err, 0, "invalid --workdir \"%s\": must be absolute", f->rc.workdir);
    return 0;
}

/* Everything a failed run made, undone in reverse order. */
static void undo_create(const char *root, const char *dir, const char *image_id, const char *id)
{
    cleanup_error struct hull_error *e1 = NULL, *e2 = NULL, *e3 = NULL;
    image_rootfs_release(dir, &e1);
    rm_rf(dir, &e2);
    cleanup_image_store struct image_store *store = NULL;
    if (image_store_open(root, true, &store, &e3) == 0)
        image_store_remove_user(store, image_id, id, &e3);
}

/* Makes the container: record (claiming the name), rootfs, config.json. */
static int create_container(struct run_flags *f, const char *image_ref, char id[ENGINE_ID_LEN + 1],
                            struct hull_error **err)
{
    cleanup_image_info struct image_info *image = NULL;
    cleanup_free char *config = NULL;
    cleanup_strv char **layers = NULL;
    {
        cleanup_image_store struct image_store *store = NULL;
        if (image_store_open(g_engine.root, true, &store, err) < 0 ||
            image_store_lookup(store, image_ref, &image, err) < 0 ||
            image_store_read_config(store, image->id, &config, err) < 0)
            return -1;
        layers = image_store_layer_paths(store, image);
        if (engine_new_id(id, err) < 0 || image_store_add_user(store, image->id, id, err) < 0)
            return -1;
    }
    cleanup_free char *dir = engine_container_dir(g_engine.root, id);
    cleanup_free char *spec_json = NULL;
    cleanup_free char *rootfs = NULL;
    cleanup_free char *config_path = xasprintf("%s/config.json", dir);
    char short_id[13];
    snprintf(short_id, sizeof short_id, "%.12s", id);
    cleanup_free char *default_name = xasprintf("hull_%s", short_id);
    const char *name = f->name ? f->name : default_name;
    cleanup_close int lock = -1;
    if (engine_records_lock(g_engine.root, &lock, err) < 0)
        goto fail;
    if (engine_record_name_in_use(g_engine.root, name)) {
        hull_error_set(err, 0, "the container name \"/%s\" is already in use", name);
        goto fail;
    }
    if (mkdir(dir, 0700) < 0) {
        hull_error_set(err, errno, "create %s", dir);
        goto fail;
    }
    struct image_rootfs_opts ro = {0};
    if (image_rootfs_prepare(layers, dir, &ro, &rootfs, NULL, err) < 0)
        goto fail;
    if (engine_spec_build(config, &f->rc, f->rc.hostname ? f->rc.hostname : short_id, rootfs, &spec_json, err) < 0)
        goto fail;
    if (write_file_atomic(config_path, spec_json, strlen(spec_json), 0600, err) < 0)
        goto fail;
    struct engine_record_input in = {
        .id = id,
        .name = name,
        .image_ref = image_ref,
        .image_id = image->id,
        .dir = dir,
        .spec_json = spec_json,
        .image_config = config,
        .rc = &f->rc,
        .detach = f->detach,
        .auto_remove = f->auto_remove,
    };
    struct json_object *rec = engine_record_build(&in);
    int r = engine_record_save(g_engine.root, id, rec, err);
    json_object_put(rec);
    if (r < 0)
        goto fail;
    return 0;
fail:
    undo_create(g_engine.root, dir, image->id, id);
    return -1;
}

int cmd_run(int argc, char **argv)
{
    enum { OPT_NAME = 1000, OPT_RM, OPT_HOSTNAME, OPT_ENTRYPOINT, OPT_CPUS, OPT_PIDS, OPT_READ_ONLY, OPT_NETWORK };
    static const struct option longopts[] = {
        {"name", required_argument, NULL, OPT_NAME},
        {"detach", no_argument, NULL, 'd'},
        {"tty", no_argument, NULL, 't'},
        {"interactive", no_argument, NULL, 'i'},
        {"rm", no_argument, NULL, OPT_RM},
        {"env", required_argument, NULL, 'e'},
        {"hostname", required_argument, NULL, OPT_HOSTNAME},
        {"workdir", required_argument, NULL, 'w'},
        {"user", required_argument, NULL, 'u'},
        {"entrypoint", required_argument, NULL, OPT_ENTRYPOINT},
        {"volume", required_argument, NULL, 'v'},
        {"memory", required_argument, NULL, 'm'},
        {"cpus", required_argument, NULL, OPT_CPUS},
        {"pids-limit", required_argument, NULL, OPT_PIDS},
        {"read-only", no_argument, NULL, OPT_READ_ONLY},
        {"network", required_argument, NULL, OPT_NETWORK},
        {"net", required_argument, NULL, OPT_NETWORK},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct run_flags f = {0};
    cleanup_free char **env = xmalloc0((size_t)argc * sizeof *env);
    struct engine_bind *binds = xmalloc0((size_t)argc * sizeof *binds);
    f.rc.env = env;
    f.rc.binds = binds;
    int ret = 125;
    cleanup_error struct hull_error *err = NULL;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+dtie:w:u:v:m:h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_NAME:
            f.name = optarg;
            break;
        case 'd':
            f.detach = true;
            break;
        case 't':
            f.rc.tty = true;
            break;
        case 'i':
            f.interactive = true;
            break;
        case OPT_RM:
            f.auto_remove = true;
            break;
        case 'e':
            env[f.n_env++] = optarg;
            break;
        case OPT_HOSTNAME:
            f.rc.hostname = optarg;
            break;
        case 'w':
            f.rc.workdir = optarg;
            break;
        case 'u':
            f.rc.user = optarg;
            break;
        case OPT_ENTRYPOINT:
            f.rc.entrypoint = optarg;
            break;
        case 'v':
            if (engine_parse_bind(optarg, &binds[f.rc.n_binds], &err) < 0) {
                ret = engine_error(err);
                goto out;
            }
            f.rc.n_binds++;
            break;
        case 'm':
            f.memory_text = optarg;
            break;
        case OPT_CPUS:
            f.cpus_text = optarg;
            break;
        case OPT_PIDS: {
            int64_t n;
            if (!parse_int64(optarg, &n) || n == 0 || n < -1) {
                ret = engine_error_fmt("invalid --pids-limit \"%s\": want a positive number (or -1)", optarg);
                goto out;
            }
            f.rc.pids_limit = n < 0 ? 0 : n;
            break;
        }
        case OPT_READ_ONLY:
            f.rc.read_only = true;
            break;
        case OPT_NETWORK:
            f.network = optarg;
            break;
        case 'h':
            run_usage(stdout);
            ret = 0;
            goto out;
        default:
            ret = engine_usage_error("run", "unknown option \"%s\"", argv[optind - 1]);
            goto out;
        }
    }
    if (optind >= argc) {
        ret = engine_usage_error("run", "requires at least 1 argument: IMAGE");
        goto out;
    }
    const char *image_ref = argv[optind];
    f.rc.cmd = argv + optind + 1;
    if (check_flags(&f, &err) < 0) {
        ret = engine_error(err);
        goto out;
    }
    char id[ENGINE_ID_LEN + 1];
    if (create_container(&f, image_ref, id, &err) < 0) {
        ret = engine_error(err);
        goto out;
    }
    struct engine_lifecycle l = {
        .root = g_engine.root,
        .runroot = g_engine.runroot,
        .id = id,
        .auto_remove = f.auto_remove,
        .tty = f.rc.tty,
        .interactive = f.interactive,
    };
    if (f.detach) {
        if (engine_run_detached(&l, &err) < 0) {
            cleanup_error struct hull_error *e2 = NULL;
            engine_container_remove(g_engine.root, g_engine.runroot, id, true, &e2);
            ret = engine_error(err);
            goto out;
        }
        printf("%s\n", id);
        ret = 0;
        goto out;
    }
    int code = 0;
    if (engine_run_foreground(&l, &code, &err) < 0) {
        cleanup_error struct hull_error *e2 = NULL;
        engine_container_remove(g_engine.root, g_engine.runroot, id, true, &e2);
        ret = engine_error(err);
        goto out;
    }
    ret = code;
out:
    for (size_t i = 0; i < f.rc.n_binds; i++)
        engine_bind_clear(&binds[i]);
    free(binds);
    return ret;
}
