/* hull commit, hull export, hull cp: a container's files out as an image or
 * a tar, or copied to and from the host (engine_container_commit/export/copy,
 * hull-engine-images.h). */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

static const struct option commit_longopts[] = {
    {"author", required_argument, NULL, 'a'},
    {"change", required_argument, NULL, 'c'},
    {"message", required_argument, NULL, 'm'},
    {"pause", no_argument, NULL, 'p'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset commit_flagset = {"a:c:m:pqh", commit_longopts};

int cmd_commit(int argc, char **argv)
{
    struct image_commit_opts opts = {0};
    cleanup_free char **changes = xmalloc0(((size_t)argc + 1) * sizeof(char *));
    size_t n_changes = 0;
    int c;
    while ((c = engine_next_flag("commit", argc, argv, &commit_flagset)) != -1) {
        switch (c) {
        case 'a':
            opts.author = optarg;
            break;
        case 'c':
            changes[n_changes++] = optarg;
            break;
        case 'm':
            opts.message = optarg;
            break;
        case 'p':
        case 'q':
            break; /* the container is not paused (docs/lifecycle.md); the id is all we print */
        case 'h':
            printf("Usage:  hull commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]\n\n"
                   "Create a new image from a container's changes\n\n"
                   "Options:\n"
                   "  -a, --author STRING    author\n"
                   "  -c, --change LINE      apply a Dockerfile instruction (CMD, ENTRYPOINT, ENV, WORKDIR,\n"
                   "                         USER, LABEL, EXPOSE, VOLUME, STOPSIGNAL); repeatable\n"
                   "  -m, --message STRING   commit message (the history comment)\n");
            return 0;
        default:
            return 125;
        }
    }
    if (argc - optind < 1 || argc - optind > 2)
        return engine_usage_error("commit", "\"hull commit\" requires CONTAINER and at most one REPOSITORY[:TAG]");
    opts.changes = changes;
    opts.reference = argc - optind == 2 ? argv[optind + 1] : NULL;
    cleanup_error struct hull_error *err = NULL;
    char new_id[DIGEST_STR_SIZE];
    if (engine_container_commit(g_engine.root, argv[optind], &opts, new_id, &err) < 0)
        return engine_error(err);
    printf("%s\n", new_id);
    return 0;
}

static const struct option export_longopts[] = {
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset export_flagset = {"o:h", export_longopts};

int cmd_export(int argc, char **argv)
{
    const char *output = NULL;
    int c;
    while ((c = engine_next_flag("export", argc, argv, &export_flagset)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 'h':
            printf("Usage:  hull export [OPTIONS] CONTAINER\n\n"
                   "Export a container's filesystem as a tar archive (STDOUT by default)\n\n"
                   "Options:\n"
                   "  -o, --output FILE   write to FILE\n");
            return 0;
        default:
            return 125;
        }
    }
    if (argc - optind != 1)
        return engine_usage_error("export", "\"hull export\" requires exactly 1 argument: CONTAINER");
    if (!output && isatty(STDOUT_FILENO))
        return engine_error_fmt("cowardly refusing to export to a terminal: use -o FILE or redirect");
    cleanup_error struct hull_error *err = NULL;
    if (engine_container_export(g_engine.root, argv[optind], output, &err) < 0)
        return engine_error(err);
    return 0;
}

static const struct option cp_longopts[] = {
    {"archive", no_argument, NULL, 'a'},
    {"follow-link", no_argument, NULL, 'L'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset cp_flagset = {"aLh", cp_longopts};

/* "CONTAINER:PATH" -> container and path; a local path (absolute, ./, or no ':'
 * before the first '/') is not one. */
static bool split_container_arg(const char *arg, char **container, const char **path)
{
    const char *colon = strchr(arg, ':');
    if (!colon || colon == arg || arg[0] == '/' || arg[0] == '.')
        return false;
    const char *slash = strchr(arg, '/');
    if (slash && slash < colon)
        return false;
    *container = strndup(arg, (size_t)(colon - arg));
    if (!*container)
        abort();
    *path = colon + 1;
    return true;
}

int cmd_cp(int argc, char **argv)
{
    bool archive = false, follow = false;
    int c;
    while ((c = engine_next_flag("cp", argc, argv, &cp_flagset)) != -1) {
        switch (c) {
        case 'a':
            archive = engine_flag_bool();
            break;
        case 'L':
            follow = engine_flag_bool();
            break;
        case 'h':
            printf("Usage:  hull cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH\n"
                   "        hull cp [OPTIONS] SRC_PATH CONTAINER:DEST_PATH\n\n"
                   "Copy files between a container and the host (paths in the container are\n"
                   "resolved inside its root; symlinks are copied as symlinks)\n\n"
                   "Options:\n"
                   "  -a, --archive       keep owners (uid/gid), xattrs and devices\n"
                   "  -L, --follow-link   SRC_PATH a symlink: copy what it points to (resolved inside\n"
                   "                      the container's root), under SRC_PATH's name\n");
            return 0;
        default:
            return 125;
        }
    }
    if (argc - optind != 2)
        return engine_usage_error("cp", "\"hull cp\" requires exactly 2 arguments: SRC and DEST");
    cleanup_free char *src_container = NULL, *dst_container = NULL;
    const char *src = argv[optind], *dst = argv[optind + 1];
    bool src_in = split_container_arg(argv[optind], &src_container, &src);
    bool dst_in = split_container_arg(argv[optind + 1], &dst_container, &dst);
    if (src_in == dst_in)
        return engine_usage_error("cp", "exactly one of SRC and DEST must be CONTAINER:PATH");
    if (!strcmp(src, "-") || !strcmp(dst, "-"))
        return engine_usage_error("cp", "copying a tar stream from/to \"-\" is not supported");
    if (!*src || !*dst)
        return engine_usage_error("cp", "an empty path");
    cleanup_error struct hull_error *err = NULL;
    const char *container = src_in ? src_container : dst_container;
    if (engine_container_copy(g_engine.root, container, src, dst, dst_in, archive, follow, &err) < 0)
        return engine_error(err);
    return 0;
}
