/* hull: what `list`, `ps` and `spec` show, for include/hull/hull.h: the
 * containers under a root with their live status (typed for the table, the
 * OCI states for --format json), a container's pids, the default config. */
#include <json-c/json.h>
#include <stdlib.h>

#include "hull/hull.h"

#include "../util/utils.h"
#include "container.h"

/* The OCI state of every container under root, sorted by id; one deleted
 * meanwhile is skipped. */
static int oci_states(const char *root, struct json_object **out, struct hull_error **err)
{
    cleanup_strv char **ids = NULL;
    if (container_list_ids(root, &ids, err) < 0)
        return -1;
    struct json_object *arr = json_object_new_array();
    for (char **id = ids; *id; id++) {
        struct json_object *saved = NULL;
        enum container_status st;
        cleanup_error struct hull_error *e = NULL;
        if (container_state(root, *id, &saved, &st, &e) < 0)
            continue;
        json_object_array_add(arr, container_oci_state(saved, st));
        json_object_put(saved);
    }
    *out = arr;
    return 0;
}

int hull_container_list_json(const char *root, char **json, struct hull_error **err)
{
    struct json_object *arr = NULL;
    if (oci_states(root, &arr, err) < 0)
        return -1;
    *json = xstrdup(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(arr);
    return 0;
}

static char *member(struct json_object *o, const char *key)
{
    struct json_object *v;
    return xstrdup(json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "");
}

int hull_container_list_info(const char *root, struct hull_container_info **out, size_t *n, struct hull_error **err)
{
    struct json_object *arr = NULL;
    if (oci_states(root, &arr, err) < 0)
        return -1;
    *n = json_object_array_length(arr);
    *out = xmalloc0((*n ? *n : 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        struct json_object *o = json_object_array_get_idx(arr, i), *pid;
        struct hull_container_info *c = &(*out)[i];
        c->id = member(o, "id");
        c->status = member(o, "status");
        c->bundle = member(o, "bundle");
        c->created = member(o, "created");
        c->owner = member(o, "owner");
        c->pid = json_object_object_get_ex(o, "pid", &pid) ? (pid_t)json_object_get_int(pid) : 0;
    }
    json_object_put(arr);
    return 0;
}

void hull_container_info_free(struct hull_container_info *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].id);
        free(v[i].status);
        free(v[i].bundle);
        free(v[i].created);
        free(v[i].owner);
    }
    free(v);
}

int hull_container_pids(const char *root, const char *id, pid_t **pids, size_t *n, struct hull_error **err)
{
    return container_pids(root, id, pids, n, err);
}

char *hull_spec_default_json(bool rootless)
{
    return spec_default_json(rootless);
}
