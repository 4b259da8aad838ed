/* hull save: images out as a docker-archive or an oci-archive (src/libhull-engine/image/save.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

enum { OPT_FORMAT = 1000 };
static const struct option save_longopts[] = {
    {"output", required_argument, NULL, 'o'},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset save_flagset = {"o:h", save_longopts};

int cmd_save(int argc, char **argv)
{
    const char *output = NULL;
    enum image_save_format format = IMAGE_SAVE_DOCKER_ARCHIVE;
    int c;
    while ((c = engine_next_flag("save", argc, argv, &save_flagset)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "docker-archive"))
                format = IMAGE_SAVE_DOCKER_ARCHIVE;
            else if (!strcmp(optarg, "oci-archive"))
                format = IMAGE_SAVE_OCI_ARCHIVE;
            else
                return engine_usage_error("save", "invalid --format \"%s\": want docker-archive or oci-archive",
                                          optarg);
            break;
        case 'h':
            printf("Usage:  hull save [OPTIONS] IMAGE [IMAGE...]\n\n"
                   "Save images to a tar archive (STDOUT by default), loadable by hull load,\n"
                   "docker load, podman load and skopeo\n\n"
                   "Options:\n"
                   "      --format FMT    docker-archive (default) or oci-archive\n"
                   "  -o, --output FILE   write to FILE instead of STDOUT\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind >= argc)
        return engine_usage_error("save", "\"hull save\" requires at least 1 argument: IMAGE");
    if (!output && isatty(STDOUT_FILENO))
        return engine_error_fmt("cowardly refusing to save to a terminal: use -o FILE or redirect");
    cleanup_error struct hull_error *err = NULL;
    /* To FILE.tmp-PID, renamed at the end: a failed save leaves no half archive. */
    cleanup_free char *tmp = output ? xasprintf("%s.tmp-%d", output, getpid()) : NULL;
    cleanup_close int fd = output ? open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : dup(STDOUT_FILENO);
    if (fd < 0)
        return engine_error_fmt("cannot create %s: %s", output ? output : "stdout", strerror(errno));
    if (engine_image_save(g_engine.root, argv + optind, format, fd, &err) < 0 || (output && fsync(fd) < 0)) {
        if (tmp)
            unlink(tmp);
        if (!err)
            return engine_error_fmt("write %s: %s", output, strerror(errno));
        return engine_error(err);
    }
    if (output && rename(tmp, output) < 0) {
        int e = errno;
        unlink(tmp);
        return engine_error_fmt("rename %s to %s: %s", tmp, output, strerror(e));
    }
    return 0;
}
