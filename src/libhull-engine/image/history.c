/* image_history: see history.h. */
#include "history.h"

#include <stdlib.h>
#include <string.h>

#include "util/utils.h"
#include "image_json.h"
#include "store.h"

void image_history_free(struct image_history_entry *entries, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(entries[i].created);
        free(entries[i].created_by);
        free(entries[i].comment);
    }
    free(entries);
}

int image_history(struct image_store *store, const struct image_info *image, struct image_history_entry **out,
                  size_t *n, struct hull_error **err)
{
    cleanup_free char *text = NULL;
    if (image_store_read_config(store, image->id, &text, err) < 0)
        return -1;
    cleanup_json struct json_object *config = NULL;
    if (image_json_parse(text, strlen(text), "config", &config, err) < 0)
        return hull_error_wrap(err, "image %s", image->id);
    struct json_object *history = json_get_array(config, "history");
    size_t count = history ? json_object_array_length(history) : 0;
    bool synthesized = count == 0;
    if (synthesized)
        count = image->n_layers;
    struct image_history_entry *list = xmalloc0((count + 1) * sizeof *list);
    size_t layer = 0;
    for (size_t i = 0; i < count; i++) {
        struct image_history_entry *e = &list[count - 1 - i]; /* newest first */
        if (synthesized) {
            e->created = xstrdup(image->created);
            e->created_unix = image->created_unix;
            e->size = image->layers[i].size;
            continue;
        }
        struct json_object *h = json_object_array_get_idx(history, i);
        struct json_object *empty = NULL;
        e->created = xstrdup(json_get_string(h, "created"));
        e->created_unix = rfc3339_to_unix(e->created);
        e->created_by = xstrdup(json_get_string(h, "created_by"));
        e->comment = xstrdup(json_get_string(h, "comment"));
        e->empty_layer = json_object_object_get_ex(h, "empty_layer", &empty) && json_object_get_boolean(empty);
        if (!e->empty_layer && layer < image->n_layers)
            e->size = image->layers[layer++].size;
    }
    *out = list;
    *n = count;
    return 0;
}
