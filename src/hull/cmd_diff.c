/* hull diff: what a container changed in its root filesystem (engine_container_diff, hull-engine-images.h). */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

static const struct option diff_longopts[] = {
    {"format", required_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset diff_flagset = {"h", diff_longopts};

static int print_change(char kind, const char *path, void *data)
{
    struct json_object *array = data;
    if (array) {
        /* docker's API: Kind 0 modified, 1 added, 2 deleted */
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "Path", json_object_new_string(path));
        json_object_object_add(o, "Kind", json_object_new_int(kind == 'C' ? 0 : kind == 'A' ? 1 : 2));
        json_object_array_add(array, o);
    } else {
        printf("%c %s\n", kind, path);
    }
    return 0;
}

int cmd_diff(int argc, char **argv)
{
    bool json = false;
    int c;
    while ((c = engine_next_flag("diff", argc, argv, &diff_flagset)) != -1) {
        switch (c) {
        case 'f':
            if (!parse_format("diff", optarg, &json))
                return 125;
            break;
        case 'h':
            printf("Usage:  hull diff [OPTIONS] CONTAINER\n\n"
                   "Changes to files or directories on a container's filesystem:\n"
                   "A added, C changed, D deleted\n\n"
                   "Options:\n"
                   "      --format FMT  table (default) or json\n");
            return 0;
        default:
            return 125;
        }
    }
    if (argc - optind != 1)
        return engine_usage_error("diff", "\"hull diff\" requires exactly 1 argument: CONTAINER");
    cleanup_error struct hull_error *err = NULL;
    struct json_object *array = json ? json_object_new_array() : NULL;
    if (engine_container_diff(g_engine.root, argv[optind], print_change, array, &err) < 0) {
        json_object_put(array);
        return engine_error(err);
    }
    if (array) {
        printf("%s\n", json_object_to_json_string_ext(array, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(array);
    }
    return 0;
}
