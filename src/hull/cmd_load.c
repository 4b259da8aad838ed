/* hull load, hull import: bringing images into the store. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

static const struct option load_longopts[] = {
    {"input", required_argument, NULL, 'i'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset load_flagset = {"i:qh", load_longopts};

int cmd_load(int argc, char **argv)
{
    const char *input = "-";
    bool quiet = false;
    int c;
    while ((c = engine_next_flag("load", argc, argv, &load_flagset)) != -1) {
        switch (c) {
        case 'i':
            input = optarg;
            break;
        case 'q':
            quiet = engine_flag_bool();
            break;
        case 'h':
            printf("Usage:  hull load [OPTIONS]\n\n"
                   "Load images from an OCI image layout (directory or tar, e.g. from umoci or\n"
                   "`skopeo copy ... oci-archive:`) or a docker-archive (`docker save`), read from\n"
                   "a file or STDIN. The archive may be gzip, zstd, xz or bzip2 compressed.\n\n"
                   "Options:\n"
                   "  -i, --input FILE   read from FILE (or an OCI layout directory) instead of STDIN\n"
                   "  -q, --quiet        no progress display\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind < argc)
        return engine_usage_error("load", "unexpected argument \"%s\"", argv[optind]);

    cleanup_error struct hull_error *err = NULL;
    struct image_progress *progress = engine_progress_new("Loading", quiet);
    struct image_load_result result;
    int r = engine_image_load(g_engine.root, input, progress, &result, &err);
    engine_progress_done(progress);
    if (r < 0)
        return engine_error(err);
    for (char **n = result.names; *n; n++)
        printf("Loaded image: %s\n", *n);
    if (!result.names[0])
        for (char **id = result.ids; *id; id++)
            printf("Loaded image ID: %s\n", *id);
    image_load_result_clear(&result);
    return 0;
}

static const struct option import_longopts[] = {
    {"change", required_argument, NULL, 'c'},
    {"message", required_argument, NULL, 'm'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset import_flagset = {"c:m:qh", import_longopts};

int cmd_import(int argc, char **argv)
{
    cleanup_strv char **changes = xmalloc0(sizeof(char *));
    size_t n_changes = 0;
    const char *message = NULL;
    bool quiet = false;
    int c;
    while ((c = engine_next_flag("import", argc, argv, &import_flagset)) != -1) {
        switch (c) {
        case 'c':
            changes = xrealloc(changes, (n_changes + 2) * sizeof(char *));
            changes[n_changes++] = xstrdup(optarg);
            changes[n_changes] = NULL;
            break;
        case 'm':
            message = optarg;
            break;
        case 'q':
            quiet = engine_flag_bool();
            break;
        case 'h':
            printf("Usage:  hull import [OPTIONS] FILE|- [REPOSITORY[:TAG]]\n\n"
                   "Create a one-layer image from a root filesystem tarball (plain, gzip, zstd, xz\n"
                   "or bzip2), such as `docker export` or `tar -C rootfs -c .` writes.\n\n"
                   "Options:\n"
                   "  -c, --change LINE    apply a Dockerfile instruction to the config: CMD, ENTRYPOINT,\n"
                   "                       ENV, EXPOSE, HEALTHCHECK, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR\n"
                   "  -m, --message TEXT   history comment for the image\n"
                   "  -q, --quiet          no progress display\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind >= argc)
        return engine_usage_error("import", "\"hull import\" requires a FILE (or - for STDIN)");
    if (argc - optind > 2)
        return engine_usage_error("import", "unexpected argument \"%s\"", argv[optind + 2]);
    const char *path = argv[optind];
    const char *reference = argc - optind == 2 ? argv[optind + 1] : NULL;

    cleanup_error struct hull_error *err = NULL;
    struct image_import_opts opts = {.reference = reference, .message = message, .changes = changes};
    struct image_progress *progress = engine_progress_new("Importing", quiet);
    char id[DIGEST_STR_SIZE];
    int r = engine_image_import(g_engine.root, path, &opts, progress, id, &err);
    engine_progress_done(progress);
    if (r < 0)
        return engine_error(err);
    printf("%s\n", id);
    return 0;
}
