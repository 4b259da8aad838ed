/* hull history: the steps that built an image (engine_image_history, hull-engine-images.h). */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

static const struct option history_longopts[] = {
    {"no-trunc", no_argument, NULL, 'T'},
    {"quiet", no_argument, NULL, 'q'},
    {"format", required_argument, NULL, 'f'},
    {"human", no_argument, NULL, 'H'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset history_flagset = {"qHh", history_longopts};

/* docker truncates CREATED BY to 45 columns with an ellipsis. */
static char *shorten(const char *s, bool no_trunc)
{
    if (!s)
        return xstrdup("");
    size_t len = strlen(s);
    if (no_trunc || len <= 45)
        return xstrdup(s);
    return xasprintf("%.44s…", s);
}

static void print_json(const struct engine_image_history *h)
{
    struct json_object *array = json_object_new_array();
    for (size_t i = 0; i < h->n; i++) {
        const struct image_history_entry *e = &h->entries[i];
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_string(i == 0 ? h->id : "<missing>"));
        json_object_object_add(o, "created", e->created ? json_object_new_string(e->created) : NULL);
        json_object_object_add(o, "created_by", json_object_new_string(e->created_by ? e->created_by : ""));
        json_object_object_add(o, "size", json_object_new_int64((int64_t)e->size));
        json_object_object_add(o, "comment", json_object_new_string(e->comment ? e->comment : ""));
        json_object_object_add(o, "empty_layer", json_object_new_boolean(e->empty_layer));
        json_object_array_add(array, o);
    }
    printf("%s\n", json_object_to_json_string_ext(array, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(array);
}

static void print_table(const struct engine_image_history *h, const char *id, bool no_trunc)
{
    const char *headers[] = {"IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"};
    struct table *table = table_new(5, headers);
    for (size_t i = 0; i < h->n; i++) {
        const struct image_history_entry *e = &h->entries[i];
        cleanup_free char *by = shorten(e->created_by, no_trunc);
        char size[32], created[64];
        snprintf(size, sizeof size, "%s", human_size(e->size));
        snprintf(created, sizeof created, "%s", human_since(e->created_unix));
        const char *row[] = {i == 0 ? id : "<missing>", created, by, size, e->comment ? e->comment : ""};
        table_add(table, row);
    }
    table_print(table);
    table_free(table);
}

int cmd_history(int argc, char **argv)
{
    bool no_trunc = false, quiet = false, json = false;
    int c;
    while ((c = engine_next_flag("history", argc, argv, &history_flagset)) != -1) {
        switch (c) {
        case 'T':
            no_trunc = engine_flag_bool();
            break;
        case 'q':
            quiet = engine_flag_bool();
            break;
        case 'f':
            if (!parse_format("history", optarg, &json))
                return 125;
            break;
        case 'H':
            break; /* sizes and dates are always human-readable */
        case 'h':
            printf("Usage:  hull history [OPTIONS] IMAGE\n\n"
                   "Show the history of an image (newest step first)\n\n"
                   "Options:\n"
                   "      --format FMT  table (default) or json\n"
                   "      --no-trunc    do not truncate CREATED BY\n"
                   "  -q, --quiet       only image ids\n");
            return 0;
        default:
            return 125;
        }
    }
    if (argc - optind != 1)
        return engine_usage_error("history", "\"hull history\" requires exactly 1 argument: IMAGE");
    cleanup_error struct hull_error *err = NULL;
    struct engine_image_history h;
    if (engine_image_history(g_engine.root, argv[optind], &h, &err) < 0)
        return engine_error(err);
    char id[DIGEST_STR_SIZE];
    snprintf(id, sizeof id, "%s", no_trunc ? h.id : digest_hex(h.id));
    if (!no_trunc)
        id[12] = '\0';
    /* Only the newest step is the image itself: docker has no ids for the others. */
    if (json)
        print_json(&h);
    else if (quiet)
        for (size_t i = 0; i < h.n; i++)
            printf("%s\n", i == 0 ? id : "<missing>");
    else
        print_table(&h, id, no_trunc);
    engine_image_history_clear(&h);
    return 0;
}
