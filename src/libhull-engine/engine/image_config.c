/* hull: the process members of an image config (image_config.h). */
#include <json-c/json.h>
#include <string.h>

#include "image_config.h"
#include "util/json_get.h"
#include "util/utils.h"

/* config.KEY, NULL when absent or JSON null. */
static struct json_object *config_member(struct json_object *image, const char *key)
{
    return json_member(json_get_object(image, "config"), key);
}

static char *config_string(struct json_object *image, const char *key)
{
    struct json_object *v = config_member(image, key);
    return v && json_object_is_type(v, json_type_string) ? xstrdup(json_object_get_string(v)) : NULL;
}

static int config_strv(struct json_object *image, const char *key, char ***out, struct hull_error **err)
{
    struct json_object *a = config_member(image, key);
    if (a == NULL || !json_object_is_type(a, json_type_array))
        return 0;
    size_t n = json_object_array_length(a);
    char **v = xmalloc0((n + 1) * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        struct json_object *item = json_object_array_get_idx(a, i);
        if (item == NULL || !json_object_is_type(item, json_type_string)) {
            strv_free(v);
            return hull_error_set(err, 0, "the image config's %s[%zu] is not a string", key, i);
        }
        v[i] = xstrdup(json_object_get_string(item));
    }
    *out = v;
    return 0;
}

/* config.Volumes and ExposedPorts are objects whose keys are the paths or
 * ports ({"/data": {}}, {"80/tcp": {}}). */
static char **config_keys(struct json_object *image, const char *key)
{
    struct json_object *o = config_member(image, key);
    if (o == NULL || !json_object_is_type(o, json_type_object))
        return NULL;
    char **keys = xmalloc0(sizeof *keys);
    json_object_object_foreach(o, k, v)
    {
        (void)v;
        strv_add(&keys, xstrdup(k));
    }
    return keys;
}

int engine_image_config_parse(const char *text, struct engine_image_config *out, struct hull_error **err)
{
    memset(out, 0, sizeof *out);
    struct json_object *image = json_tokener_parse(text);
    if (image == NULL)
        return hull_error_set(err, 0, "image config is not valid JSON");
    int r = -1;
    if (config_strv(image, "Env", &out->env, err) < 0 || config_strv(image, "Entrypoint", &out->entrypoint, err) < 0 ||
        config_strv(image, "Cmd", &out->cmd, err) < 0)
        goto out;
    out->working_dir = config_string(image, "WorkingDir");
    out->user = config_string(image, "User");
    out->volumes = config_keys(image, "Volumes");
    out->exposed_ports = config_keys(image, "ExposedPorts");
    record_map_from_json(config_member(image, "Labels"), &out->labels);
    out->stop_signal = config_string(image, "StopSignal");
    record_healthcheck_from_json(config_member(image, "Healthcheck"), &out->healthcheck);
    r = 0;
out:
    json_object_put(image);
    if (r < 0)
        engine_image_config_clear(out);
    return r;
}

void engine_image_config_clear(struct engine_image_config *c)
{
    strv_free(c->env);
    strv_free(c->entrypoint);
    strv_free(c->cmd);
    free(c->working_dir);
    free(c->user);
    strv_free(c->volumes);
    strv_free(c->exposed_ports);
    strv_free(c->labels);
    free(c->stop_signal);
    record_healthcheck_clear(&c->healthcheck);
    memset(c, 0, sizeof *c);
}
