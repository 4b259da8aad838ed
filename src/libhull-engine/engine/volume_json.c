/* hull: volume.json (see volume.h): the one serializer and the one
 * deserializer of a volume; what `hull volume inspect` shows is the same
 * object (engine_volume_inspect_json); `volume ls --format`'s row. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_get.h"
#include "util/utils.h"
#include "volume.h"

static const char *const known_keys[] = {"CreatedAt", "Driver", "Labels", "Mountpoint", "Name", "Options", "Scope"};

static char *str_or(struct json_object *j, const char *key, const char *fallback)
{
    const char *s = json_get_string(j, key);
    return s ? xstrdup(s) : fallback ? xstrdup(fallback) : NULL;
}

int volume_from_json(struct json_object *j, struct volume **out)
{
    if (!json_object_is_type(j, json_type_object))
        return -1;
    struct volume *v = xmalloc0(sizeof *v);
    v->name = str_or(j, "Name", "");
    v->driver = str_or(j, "Driver", "local");
    v->mountpoint = str_or(j, "Mountpoint", "");
    v->created_at = str_or(j, "CreatedAt", "");
    v->scope = str_or(j, "Scope", "local");
    struct json_object *labels = json_get_object(j, "Labels");
    if (labels) {
        v->labels = xmalloc0((json_object_object_length(labels) + 1) * sizeof *v->labels);
        json_object_object_foreach(labels, key, value)
        {
            const char *text = json_object_get_string(value);
            v->labels[v->n_labels++] = (struct volume_label){xstrdup(key), xstrdup(text ? text : "")};
        }
    }
    struct json_object *options = json_get_object(j, "Options");
    v->type = str_or(options, "type", NULL);
    v->device = str_or(options, "device", NULL);
    v->o = str_or(options, "o", NULL);
    json_object_object_foreach(j, key, value)
    {
        bool known = false;
        for (size_t i = 0; i < ARRAY_SIZE(known_keys); i++)
            known |= !strcmp(known_keys[i], key);
        if (known)
            continue;
        if (!v->other)
            v->other = json_object_new_object();
        json_object_object_add(v->other, key, json_object_get(value));
    }
    *out = v;
    return 0;
}

static struct json_object *volume_labels_to_json(const struct volume *v)
{
    struct json_object *labels = json_object_new_object();
    for (size_t i = 0; i < v->n_labels; i++)
        json_add_str(labels, v->labels[i].key, v->labels[i].value);
    return labels;
}

struct json_object *volume_to_json(const struct volume *v)
{
    struct json_object *o = json_object_new_object();
    json_add_str(o, "CreatedAt", v->created_at);
    json_add_str(o, "Driver", v->driver);
    json_add_tree(o, "Labels", volume_labels_to_json(v));
    json_add_str(o, "Mountpoint", v->mountpoint);
    json_add_str(o, "Name", v->name);
    struct json_object *options = json_object_new_object();
    json_add_str(options, "type", v->type);
    json_add_str(options, "device", v->device);
    json_add_str(options, "o", v->o);
    json_add_tree(o, "Options", options);
    json_add_str(o, "Scope", v->scope);
    if (v->other) {
        json_object_object_foreach(v->other, key, value) json_object_object_add(o, key, json_object_get(value));
    }
    return o;
}

int engine_volume_inspect_json(const char *root, char *const *names, engine_volume_json_fn on_volume,
                               engine_name_error_fn on_error, void *data)
{
    for (char *const *n = names; *n; n++) {
        struct hull_error *err = NULL;
        cleanup_volume struct volume *v = NULL;
        if (volume_read(root, *n, &v, &err) < 0) {
            on_error(*n, err, data);
            continue;
        }
        struct json_object *j = volume_to_json(v);
        int r = on_volume(j, data);
        json_object_put(j);
        if (r)
            return r;
    }
    return 0;
}

struct json_object *volume_ls_row_json(const struct volume *v)
{
    struct json_object *o = json_object_new_object();
    json_add_str(o, "Driver", "local");
    json_add_tree(o, "Labels", volume_labels_to_json(v));
    json_add_str(o, "Mountpoint", v->mountpoint);
    json_add_str(o, "Name", v->name);
    json_add_str(o, "Scope", "local");
    return o;
}

struct json_object *volume_ls_titles_json(void)
{
    static const char *const titles[][2] = {
        {"Driver", "DRIVER"}, {"Name", "VOLUME NAME"}, {"Mountpoint", "MOUNTPOINT"}, {"Scope", "SCOPE"},
        {"Labels", "LABELS"},
    };
    struct json_object *o = json_object_new_object();
    for (size_t i = 0; i < ARRAY_SIZE(titles); i++)
        json_add_str(o, titles[i][0], titles[i][1]);
    return o;
}

char *volume_to_text(const struct volume *v)
{
    struct json_object *j = volume_to_json(v);
    char *text = xstrdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(j);
    return text;
}

int volume_parse(const char *text, struct volume **out)
{
    struct json_object *j = json_tokener_parse(text);
    int r = volume_from_json(j, out);
    json_object_put(j);
    return r;
}

void volume_free(struct volume *v)
{
    if (!v)
        return;
    char *strs[] = {v->name, v->driver, v->mountpoint, v->created_at, v->scope, v->type, v->device, v->o};
    for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
        free(strs[i]);
    for (size_t i = 0; i < v->n_labels; i++) {
        free(v->labels[i].key);
        free(v->labels[i].value);
    }
    free(v->labels);
    json_object_put(v->other);
    free(v);
}

void volume_freep(struct volume **v)
{
    volume_free(*v);
}

void volume_list_free(struct volume **list)
{
    for (size_t i = 0; list && list[i]; i++)
        volume_free(list[i]);
    free(list);
}

