/* hull images, rmi, tag, image inspect, and the `hull image ...` group. */
#include <fnmatch.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

static void split_tag(const char *tag, char **repo, char **version)
{
    /* The tag separator is the last ':' after the last '/' (a registry port has a '/' after it). */
    const char *slash = strrchr(tag, '/');
    const char *colon = strrchr(slash ? slash : tag, ':');
    *repo = colon ? strndup(tag, colon - tag) : xstrdup(tag);
    *version = xstrdup(colon ? colon + 1 : "<none>");
}

/* `hull images busybox` matches every tag of busybox; `busybox:1.36` that tag only. */
static bool tag_matches(const char *tag, const char *filter)
{
    if (!filter)
        return true;
    const char *slash = strrchr(filter, '/');
    if (strchr(slash ? slash : filter, ':'))
        return !strcmp(tag, filter);
    cleanup_free char *repo = NULL, *version = NULL;
    split_tag(tag, &repo, &version);
    return !strcmp(repo, filter);
}

static struct json_object *image_list_json(struct image_info *img)
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
static bool format_row(struct engine_format *fmt, const struct image_info *img, const char *repo, const char *tag,
                       const char *id, const char *size)
{
    struct json_object *row = json_object_new_object();
    json_object_object_add(row, "Repository", json_object_new_string(repo));
    json_object_object_add(row, "Tag", json_object_new_string(tag));
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

/* docker's --filter dangling=true|false and reference=PATTERN (a glob on
 * "repo:tag", or on "repo" alone when it has no ':'). */
struct image_filters {
    int dangling; /* -1 any, 0 tagged only, 1 untagged only */
    const char **references;
    size_t n_references;
};

static bool parse_image_filter(struct image_filters *f, const char *text)
{
    if (!strcmp(text, "dangling=true") || !strcmp(text, "dangling=1")) {
        f->dangling = 1;
    } else if (!strcmp(text, "dangling=false") || !strcmp(text, "dangling=0")) {
        f->dangling = 0;
    } else if (!strncmp(text, "reference=", 10) && text[10]) {
        f->references[f->n_references++] = text + 10;
    } else {
        engine_usage_error("images", "invalid --filter \"%s\": want dangling=true|false or reference=PATTERN", text);
        return false;
    }
    return true;
}

static bool reference_matches(const struct image_filters *f, const char *tag)
{
    if (!f->n_references)
        return true;
    cleanup_free char *repo = NULL, *version = NULL;
    split_tag(tag, &repo, &version);
    for (size_t i = 0; i < f->n_references; i++) {
        const char *p = f->references[i];
        const char *slash = strrchr(p, '/');
        if (fnmatch(p, strchr(slash ? slash : p, ':') ? tag : repo, 0) == 0)
            return true;
    }
    return false;
}

int cmd_images(int argc, char **argv)
{
    bool quiet = false, no_trunc = false, json = false;
    const char *format = NULL;
    cleanup_free const char **refs = xmalloc0(((size_t)argc + 1) * sizeof(char *));
    struct image_filters filters = {.dangling = -1, .references = refs};
    int c;
    while ((c = engine_next_flag("images", argc, argv, &images_flagset)) != -1) {
        switch (c) {
        case 'a':
            break; /* no intermediate images exist: everything is listed anyway */
        case 'q':
            quiet = engine_flag_bool();
            break;
        case 'T':
            no_trunc = engine_flag_bool();
            break;
        case 'F':
            format = optarg;
            break;
        case 'f':
            if (!parse_image_filter(&filters, optarg))
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
    const char *filter = optind < argc ? argv[optind] : NULL;
    /* json stays hull's array of images; a template runs once per listed row */
    struct json_object *titles = json_tokener_parse(
        "{\"Repository\":\"REPOSITORY\",\"Tag\":\"TAG\",\"ID\":\"IMAGE ID\",\"CreatedSince\":\"CREATED\","
        "\"CreatedAt\":\"CREATED AT\",\"Size\":\"SIZE\",\"Digest\":\"DIGEST\"}");
    struct engine_format fmt;
    bool format_ok = engine_format_parse("images", format, titles, &fmt);
    json_object_put(titles);
    if (!format_ok)
        return 125;
    json = fmt.kind == ENGINE_FORMAT_JSON;
    bool templated = fmt.kind == ENGINE_FORMAT_TEMPLATE || fmt.kind == ENGINE_FORMAT_TABLE_TEMPLATE;

    cleanup_error struct hull_error *err = NULL;
    cleanup_image_store struct image_store *store = NULL;
    struct image_info **list;
    size_t n;
    if (image_store_open(g_engine.root, false, &store, &err) < 0 || image_store_list(store, &list, &n, &err) < 0) {
        engine_format_finish(&fmt);
        return engine_error(err);
    }
    int ret = 0;

    struct json_object *array = json_object_new_array();
    const char *headers[] = {"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"};
    struct table *table = table_new(5, headers);
    for (size_t i = 0; i < n; i++) {
        struct image_info *img = list[i];
        char id[DIGEST_STR_SIZE];
        snprintf(id, sizeof id, "%s", no_trunc ? img->id : digest_hex(img->id));
        if (!no_trunc)
            id[12] = '\0';
        bool any = false;
        if ((filters.dangling == 1 && img->tags[0]) || (filters.dangling == 0 && !img->tags[0]))
            continue;
        for (char **t = img->tags; *t; t++) {
            if (!tag_matches(*t, filter) || !reference_matches(&filters, *t))
                continue;
            any = true;
            cleanup_free char *repo = NULL, *version = NULL;
            split_tag(*t, &repo, &version);
            char size[32];
            snprintf(size, sizeof size, "%s", human_size(img->size));
            const char *row[] = {repo, version, id, human_since(img->created_unix), size};
            table_add(table, row);
            if (templated && !quiet && !ret && !format_row(&fmt, img, repo, version, id, size))
                ret = 1; /* one error line, not one per row */
            if (quiet)
                break;
        }
        if (!img->tags[0] && !filter && !filters.n_references) {
            any = true;
            char size[32];
            snprintf(size, sizeof size, "%s", human_size(img->size));
            const char *row[] = {"<none>", "<none>", id, human_since(img->created_unix), size};
            table_add(table, row);
            if (templated && !quiet && !ret && !format_row(&fmt, img, "<none>", "<none>", id, size))
                ret = 1;
        }
        if (any && json)
            json_object_array_add(array, image_list_json(img));
        if (any && quiet && !json)
            printf("%s\n", id);
    }
    if (json)
        printf("%s\n", json_object_to_json_string_ext(array, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    else if (!quiet && !templated)
        table_print(table);
    engine_format_finish(&fmt);
    table_free(table);
    json_object_put(array);
    image_info_list_free(list, n);
    return ret;
}

/* The journal's image events (engine/events.h) for image_store_remove's and prune's events. */
void engine_image_event(const char *what, const char *name)
{
    struct engine_event_attr attrs[] = {{"name", name}, {NULL, NULL}};
    if (!strcmp(what, "Untagged"))
        engine_event_emit(g_engine.root, "image", "untag", name, attrs);
    else if (!strcmp(what, "Deleted"))
        engine_event_emit(g_engine.root, "image", "delete", name, attrs);
}

static void print_remove_event(const char *what, const char *name, void *data)
{
    engine_image_event(what, name);
    printf("%s: %s\n", !strcmp(what, "Deleted layer") ? "Deleted" : what, name);
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
    /* Marks of containers that do not exist (left by a killed command before
     * records came first) must not make an image undeletable for good. */
    if (engine_image_marks_sweep(g_engine.root, true, NULL, NULL, NULL, &err) < 0)
        return engine_error(err);
    cleanup_image_store struct image_store *store = NULL;
    if (image_store_open(g_engine.root, true, &store, &err) < 0)
        return engine_error(err);
    int status = 0;
    for (int i = optind; i < argc; i++) {
        if (image_store_remove(store, argv[i], force, print_remove_event, NULL, &err) < 0) {
            status = engine_error(err);
            hull_error_freep(&err);
        }
    }
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
    cleanup_image_store struct image_store *store = NULL;
    if (image_store_open(g_engine.root, true, &store, &err) < 0)
        return engine_error(err);
    if (image_store_tag(store, argv[optind], argv[optind + 1], &err) < 0)
        return engine_error(err);
    cleanup_image_info struct image_info *img = NULL;
    cleanup_error struct hull_error *ignored = NULL;
    struct engine_event_attr attrs[] = {{"name", argv[optind + 1]}, {NULL, NULL}};
    if (image_store_lookup(store, argv[optind + 1], &img, &ignored) == 0)
        engine_event_emit(g_engine.root, "image", "tag", img->id, attrs);
    return 0;
}

/* docker image inspect's shape, plus a "Hull" object with what docker does not show. */
static int image_inspect_json(struct image_store *store, struct image_info *img, struct json_object **out,
                              struct hull_error **err)
{
    cleanup_free char *config_text = NULL;
    if (image_store_read_config(store, img->id, &config_text, err) < 0)
        return -1;
    cleanup_json struct json_object *config = NULL;
    if (image_json_parse(config_text, strlen(config_text), "image config", &config, err) < 0)
        return -1;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "Id", json_object_new_string(img->id));
    struct json_object *tags = json_object_new_array(), *digests = json_object_new_array();
    for (char **t = img->tags; *t; t++) {
        json_object_array_add(tags, json_object_new_string(*t));
        if (img->manifest[0]) {
            cleanup_free char *repo = NULL, *version = NULL;
            split_tag(*t, &repo, &version);
            cleanup_free char *rd = xasprintf("%s@%s", repo, img->manifest);
            bool dup = false;
            for (size_t i = 0; i < json_object_array_length(digests); i++)
                dup |= !strcmp(json_object_get_string(json_object_array_get_idx(digests, i)), rd);
            if (!dup)
                json_object_array_add(digests, json_object_new_string(rd));
        }
    }
    json_object_object_add(o, "RepoTags", tags);
    json_object_object_add(o, "RepoDigests", digests);
    json_object_object_add(o, "Parent", json_object_new_string(""));
    const char *comment = "";
    struct json_object *history = json_get_array(config, "history");
    if (history && json_object_array_length(history) > 0) {
        const char *c =
            json_get_string(json_object_array_get_idx(history, json_object_array_length(history) - 1), "comment");
        comment = c ? c : "";
    }
    json_object_object_add(o, "Comment", json_object_new_string(comment));
    json_object_object_add(o, "Created", json_object_new_string(img->created ? img->created : ""));
    const char *author = json_get_string(config, "author");
    json_object_object_add(o, "Author", json_object_new_string(author ? author : ""));
    struct json_object *cc = json_get_object(config, "config");
    json_object_object_add(o, "Config", cc ? json_object_get(cc) : json_object_new_object());
    json_object_object_add(o, "Architecture", json_object_new_string(img->architecture ? img->architecture : ""));
    const char *variant = json_get_string(config, "variant");
    if (variant)
        json_object_object_add(o, "Variant", json_object_new_string(variant));
    json_object_object_add(o, "Os", json_object_new_string(img->os ? img->os : ""));
    json_object_object_add(o, "Size", json_object_new_int64((int64_t)img->size));

    cleanup_strv char **paths = image_store_layer_paths(store, img);
    struct json_object *driver = json_object_new_object(), *data = json_object_new_object();
    json_object_object_add(driver, "Name", json_object_new_string("overlay"));
    /* overlayfs order: the topmost layer first */
    size_t n = strv_length(paths);
    cleanup_free char *lower = xstrdup("");
    for (size_t i = n; i-- > 0;) {
        char *joined = xasprintf("%s%s%s", lower, *lower ? ":" : "", paths[i]);
        free(lower);
        lower = joined;
    }
    json_object_object_add(data, "LowerDir", json_object_new_string(lower));
    json_object_object_add(driver, "Data", data);
    json_object_object_add(o, "GraphDriver", driver);

    struct json_object *rootfs = json_object_new_object(), *diff_ids = json_object_new_array();
    json_object_object_add(rootfs, "Type", json_object_new_string("layers"));
    struct json_object *layers = json_object_new_array();
    for (size_t i = 0; i < img->n_layers; i++) {
        struct image_layer_info *l = &img->layers[i];
        json_object_array_add(diff_ids, json_object_new_string(l->diff_id));
        struct json_object *lo = json_object_new_object();
        json_object_object_add(lo, "DiffID", json_object_new_string(l->diff_id));
        json_object_object_add(lo, "Digest", json_object_new_string(l->digest));
        json_object_object_add(lo, "MediaType", l->media_type ? json_object_new_string(l->media_type) : NULL);
        json_object_object_add(lo, "BlobSize", json_object_new_int64((int64_t)l->blob_size));
        json_object_object_add(lo, "Size", json_object_new_int64((int64_t)l->size));
        json_object_object_add(lo, "Path", json_object_new_string(paths[i]));
        json_object_array_add(layers, lo);
    }
    json_object_object_add(rootfs, "Layers", diff_ids);
    json_object_object_add(o, "RootFS", rootfs);
    struct json_object *hull = json_object_new_object();
    json_object_object_add(hull, "Manifest", img->manifest[0] ? json_object_new_string(img->manifest) : NULL);
    json_object_object_add(hull, "Layers", layers);
    json_object_object_add(o, "Hull", hull);
    *out = o;
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
    cleanup_image_store struct image_store *store = NULL;
    if (image_store_open(g_engine.root, false, &store, &err) < 0)
        return engine_error(err);
    struct json_object *array = json_object_new_array();
    int status = 0;
    for (int i = optind; i < argc; i++) {
        cleanup_image_info struct image_info *img = NULL;
        struct json_object *o;
        if (image_store_lookup(store, argv[i], &img, &err) < 0 || image_inspect_json(store, img, &o, &err) < 0) {
            status = engine_error(err);
            hull_error_freep(&err);
            continue;
        }
        json_object_array_add(array, o);
    }
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
    engine_image_event(what, name);
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
    cleanup_image_store struct image_store *store = NULL;
    bool header = false;
    uint64_t reclaimed = 0;
    if (image_store_open(g_engine.root, true, &store, &err) < 0 ||
        image_store_prune(store, all, print_prune_event, &header, &reclaimed, &err) < 0)
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
