/* hull images, rmi, tag, image inspect, and the `hull image ...` group. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

static struct json_object *image_list_json(const struct image_info *img)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "Id", json_object_new_string(img->id));
    struct json_object *tags = json_object_new_array();
    for (char **t = img->tags; *t; t++)
        json_object_array_add(tags, json_object_new_string(*t));
    json_object_object_add(o, "RepoTags", tags);
    json_object_object_add(o, "Digest", img->manifest[0] ? json_object_new_string(img->manifest) : NULL);
    json_object_object_add(o, "Created", json_object_new_int64(img->created_unix));
    json_object_object_add(o, "CreatedAt", img->created ? json_object_new_string(img->created) : NULL);
    json_object_object_add(o, "Size", json_object_new_int64((int64_t)img->size));
    json_object_object_add(o, "Layers", json_object_new_int64((int64_t)img->n_layers));
    return o;
}

/* One row of a --format template, in docker's field names (formatter.imageContext). */
static bool format_row(struct engine_format *fmt, const struct image_info *img, const struct engine_image_row *r,
                       const char *id, const char *size)
{
    struct json_object *row = json_object_new_object();
    json_object_object_add(row, "Repository", json_object_new_string(r->repository));
    json_object_object_add(row, "Tag", json_object_new_string(r->tag));
    json_object_object_add(row, "ID", json_object_new_string(id));
    json_object_object_add(row, "CreatedSince", json_object_new_string(human_since(img->created_unix)));
    json_object_object_add(row, "CreatedAt", json_object_new_string(img->created ? img->created : ""));
    json_object_object_add(row, "Size", json_object_new_string(size));
    json_object_object_add(row, "Digest", json_object_new_string(img->manifest[0] ? img->manifest : "<none>"));
    bool ok = engine_format_row(fmt, row);
    json_object_put(row);
    return ok;
}

static const struct option images_longopts[] = {
    {"all", no_argument, NULL, 'a'},      {"quiet", no_argument, NULL, 'q'},
    {"no-trunc", no_argument, NULL, 'T'}, {"format", required_argument, NULL, 'F'},
    {"filter", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset images_flagset = {"af:qh", images_longopts};

/* docker's --filter dangling=true|false and reference=PATTERN (engine_image_filters). */
static bool parse_image_filter(struct engine_image_filters *f, const char **references, size_t *n, const char *text)
{
    if (!strcmp(text, "dangling=true") || !strcmp(text, "dangling=1")) {
        f->dangling = 1;
    } else if (!strcmp(text, "dangling=false") || !strcmp(text, "dangling=0")) {
        f->dangling = 0;
    } else if (!strncmp(text, "reference=", 10) && text[10]) {
        references[(*n)++] = text + 10;
    } else {
        engine_usage_error("images", "invalid --filter \"%s\": want dangling=true|false or reference=PATTERN", text);
        return false;
    }
    return true;
}

struct images_output {
    bool quiet, no_trunc, json, templated;
    struct engine_format fmt;
};

/* The table, the template rows, the json array or the ids; 1 after a template error. */
static int print_images(struct images_output *o, const struct engine_image_list *list)
{
    int ret = 0;
    struct json_object *array = json_object_new_array();
    const char *headers[] = {"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"};
    struct table *table = table_new(5, headers);
    for (size_t i = 0; i < list->n; i++) {
        const struct image_info *img = list->images[i].info;
        char id[DIGEST_STR_SIZE], size[32];
        snprintf(id, sizeof id, "%s", o->no_trunc ? img->id : digest_hex(img->id));
        if (!o->no_trunc)
            id[12] = '\0';
        snprintf(size, sizeof size, "%s", human_size(img->size));
        for (size_t r = 0; r < list->images[i].n_rows; r++) {
            const struct engine_image_row *row = &list->images[i].rows[r];
            const char *cells[] = {row->repository, row->tag, id, human_since(img->created_unix), size};
            table_add(table, cells);
            if (o->templated && !o->quiet && !ret && !format_row(&o->fmt, img, row, id, size))
                ret = 1; /* one error line, not one per row */
        }
        if (o->json)
            json_object_array_add(array, image_list_json(img));
        else if (o->quiet)
            printf("%s\n", id);
    }
    if (o->json)
        printf("%s\n", json_object_to_json_string_ext(array, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    else if (!o->quiet && !o->templated)
        table_print(table);
    table_free(table);
    json_object_put(array);
    return ret;
}

/* --format: json stays hull's array of images; a template runs once per listed row. */
static bool parse_images_format(struct images_output *o, const char *format)
{
    struct json_object *titles = json_tokener_parse(
        "{\"Repository\":\"REPOSITORY\",\"Tag\":\"TAG\",\"ID\":\"IMAGE ID\",\"CreatedSince\":\"CREATED\","
        "\"CreatedAt\":\"CREATED AT\",\"Size\":\"SIZE\",\"Digest\":\"DIGEST\"}");
    bool ok = engine_format_parse("images", format, titles, &o->fmt);
    json_object_put(titles);
    o->json = o->fmt.kind == ENGINE_FORMAT_JSON;
    o->templated = o->fmt.kind == ENGINE_FORMAT_TEMPLATE || o->fmt.kind == ENGINE_FORMAT_TABLE_TEMPLATE;
    return ok;
}

int cmd_images(int argc, char **argv)
{
    struct images_output o = {0};
    const char *format = NULL;
    cleanup_free const char **refs = xmalloc0(((size_t)argc + 1) * sizeof(char *));
    size_t n_refs = 0;
    struct engine_image_filters filters = {.dangling = -1, .references = refs};
    int c;
    while ((c = engine_next_flag("images", argc, argv, &images_flagset)) != -1) {
        switch (c) {
        case 'a':
            break; /* no intermediate images exist: everything is listed anyway */
        case 'q':
            o.quiet = engine_flag_bool();
            break;
        case 'T':
            o.no_trunc = engine_flag_bool();
            break;
        case 'F':
            format = optarg;
            break;
        case 'f':
            if (!parse_image_filter(&filters, refs, &n_refs, optarg))
                return 125;
            break;
        case 'h':
            printf("Usage:  hull images [OPTIONS] [REPOSITORY[:TAG]]\n\n"
                   "List images\n\n"
                   "Options:\n"
                   "  -a, --all         accepted for docker compatibility\n"
                   "  -f, --filter F    dangling=true|false, reference=PATTERN (a glob); repeatable\n"
                   "      --format FMT  table (default), json, or a Go template on docker's fields\n"
                   "                    ({{.Repository}}:{{.Tag}}; 'table {{.ID}}\\t{{.Size}}')\n"
                   "      --no-trunc    print full image ids\n"
                   "  -q, --quiet       only image ids\n");
            return 0;
        default:
            return 125;
        }
    }
    if (argc - optind > 1)
        return engine_usage_error("images", "too many arguments");
    filters.name = optind < argc ? argv[optind] : NULL;
    if (!parse_images_format(&o, format))
        return 125;
    cleanup_error struct hull_error *err = NULL;
    struct engine_image_list list;
    int listed = engine_image_list(g_engine.root, &filters, &list, &err);
    int ret = listed < 0 ? 0 : print_images(&o, &list);
    engine_format_finish(&o.fmt);
    if (listed < 0)
        ret = engine_error(err);
    engine_image_list_clear(&list);
    return ret;
}

static void print_remove_event(const char *what, const char *name, void *data)
{
    printf("%s: %s\n", !strcmp(what, "Deleted layer") ? "Deleted" : what, name);
}

/* A name rmi or image inspect could not do: its error printed, the exit status kept. */
static void print_name_error(const char *name, struct hull_error *err, void *data)
{
    int *status = data;
    *status = engine_error(err);
    hull_error_freep(&err);
}

static const struct option rmi_longopts[] = {
    {"force", no_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset rmi_flagset = {"fh", rmi_longopts};

int cmd_rmi(int argc, char **argv)
{
    bool force = false;
    int c;
    while ((c = engine_next_flag("rmi", argc, argv, &rmi_flagset)) != -1) {
        switch (c) {
        case 'f':
            force = engine_flag_bool();
            break;
        case 'h':
            printf("Usage:  hull rmi [OPTIONS] IMAGE [IMAGE...]\n\n"
                   "Remove one or more images (a tag of several only untags)\n\n"
                   "Options:\n"
                   "  -f, --force   remove the image even if it has several tags or is in use\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind >= argc)
        return engine_usage_error("rmi", "\"hull rmi\" requires at least one IMAGE");
    cleanup_error struct hull_error *err = NULL;
    int status = 0;
    if (engine_image_remove(g_engine.root, argv + optind, force, print_remove_event, NULL, print_name_error, &status,
                            &err) < 0)
        return engine_error(err);
    return status;
}

static const struct option tag_longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset tag_flagset = {"h", tag_longopts};

int cmd_tag(int argc, char **argv)
{
    int c;
    while ((c = engine_next_flag("tag", argc, argv, &tag_flagset)) != -1) {
        if (c != 'h')
            return 125;
        printf("Usage:  hull tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\n"
               "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n");
        return 0;
    }
    if (argc - optind != 2)
        return engine_usage_error("tag", "\"hull tag\" requires exactly 2 arguments: SOURCE_IMAGE TARGET_IMAGE");
    cleanup_error struct hull_error *err = NULL;
    if (engine_image_tag(g_engine.root, argv[optind], argv[optind + 1], &err) < 0)
        return engine_error(err);
    return 0;
}

static const struct option image_inspect_longopts[] = {
    {"format", required_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset image_inspect_flagset = {"f:h", image_inspect_longopts};

int cmd_image_inspect(int argc, char **argv)
{
    int c;
    bool json = true;
    while ((c = engine_next_flag("image inspect", argc, argv, &image_inspect_flagset)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "json"))
                return engine_usage_error("image inspect", "unsupported --format \"%s\": inspect prints json", optarg);
            break;
        case 'h':
            printf("Usage:  hull image inspect IMAGE [IMAGE...]\n\n"
                   "Display detailed information on one or more images (a JSON array)\n");
            return 0;
        default:
            return 125;
        }
    }
    (void)json;
    if (optind >= argc)
        return engine_usage_error("image inspect", "\"hull image inspect\" requires at least one IMAGE");
    cleanup_error struct hull_error *err = NULL;
    struct json_object *array;
    int status = 0;
    if (engine_image_inspect_json(g_engine.root, argv + optind, &array, print_name_error, &status, &err) < 0)
        return engine_error(err);
    printf("%s\n", json_object_to_json_string_ext(array, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(array);
    return status;
}

static const struct option image_prune_longopts[] = {
    {"all", no_argument, NULL, 'a'},
    {"force", no_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset image_prune_flagset = {"afh", image_prune_longopts};

static void print_prune_event(const char *what, const char *name, void *data)
{
    bool *header = data;
    if (!strcmp(what, "Deleted layer"))
        return; /* docker lists images, not layers */
    if (!*header) {
        printf("Deleted Images:\n");
        *header = true;
    }
    printf("%s: %s\n", !strcmp(what, "Untagged") ? "untagged" : "deleted", name);
}

int cmd_image_prune(int argc, char **argv)
{
    bool all = false;
    int c;
    while ((c = engine_next_flag("image prune", argc, argv, &image_prune_flagset)) != -1) {
        switch (c) {
        case 'a':
            all = engine_flag_bool();
            break;
        case 'f':
            break; /* never asks: there is nothing to confirm on a terminal-less engine */
        case 'h':
            printf("Usage:  hull image prune [OPTIONS]\n\n"
                   "Remove images no container uses: untagged ones, or with -a all of them\n\n"
                   "Options:\n"
                   "  -a, --all     every image no container uses, not only untagged ones\n"
                   "  -f, --force   accepted for docker compatibility (hull never asks)\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind < argc)
        return engine_usage_error("image prune", "unexpected argument \"%s\"", argv[optind]);
    cleanup_error struct hull_error *err = NULL;
    bool header = false;
    uint64_t reclaimed = 0;
    if (engine_image_prune(g_engine.root, all, print_prune_event, &header, &reclaimed, &err) < 0)
        return engine_error(err);
    if (header)
        printf("\n");
    printf("Total reclaimed space: %s\n", human_size(reclaimed));
    return 0;
}

const struct engine_command image_commands[] = {
    {"history", cmd_history, "show the history of an image", &history_flagset},
    {"import", cmd_import, "create an image from a root filesystem tarball", &import_flagset},
    {"inspect", cmd_image_inspect, "display detailed information on one or more images", &image_inspect_flagset},
    {"list", cmd_images, "list images", &images_flagset},
    {"load", cmd_load, "load images from an archive", &load_flagset},
    {"ls", cmd_images, "list images", &images_flagset},
    {"remove", cmd_rmi, "remove one or more images", &rmi_flagset},
    {"prune", cmd_image_prune, "remove unused images", &image_prune_flagset},
    {"pull", cmd_pull, "download an image from a registry", &pull_flagset},
    {"push", cmd_push, "upload an image to a registry", &push_flagset},
    {"rm", cmd_rmi, "remove one or more images", &rmi_flagset},
    {"save", cmd_save, "save images to a tar archive", &save_flagset},
    {"tag", cmd_tag, "create a tag TARGET_IMAGE that refers to SOURCE_IMAGE", &tag_flagset},
    {NULL, NULL, NULL},
};

int cmd_image(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        FILE *f = argc < 2 ? stderr : stdout;
        fprintf(f, "Usage:  hull image COMMAND\n\nManage images\n\nCommands:\n");
        for (const struct engine_command *c = image_commands; c->name; c++)
            fprintf(f, "  %-8s %s\n", c->name, c->help);
        return argc < 2 ? 125 : 0;
    }
    return engine_dispatch(image_commands, "image", argc - 1, argv + 1);
}
