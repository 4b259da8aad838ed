/* hull: state.json and intent.json <-> struct hull_state (state.h), and the
 * two OCI state documents built from it: the one `state`/`list` print and the
 * one hooks read.  The only place the runtime's saved state meets JSON.
 *
 * The keys are those hull has always written, so a container created by an
 * earlier hull is still seen, killed and deleted after an upgrade; every key
 * is optional (a missing one reads as zero/NULL/false, as the old getters had
 * it), a key of the wrong type is an error that names it. */
#include "state.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "../util/json_get.h"
#include "../util/utils.h"

const char *spec_version_default = "1.2.0";

void hull_state_free(struct hull_state *s)
{
    if (!s)
        return;
    free(s->oci_version);
    free(s->id);
    free(s->bundle);
    free(s->rootfs);
    free(s->created);
    free(s->owner);
    for (size_t i = 0; i < s->n_annotations; i++) {
        free(s->annotations[i].key);
        free(s->annotations[i].value);
    }
    free(s->annotations);
    cgroup_record_clear(&s->cgroup);
    free(s);
}

void hull_state_freep(struct hull_state **s)
{
    hull_state_free(*s);
    *s = NULL;
}

/* ---------- writing ---------- */


static struct json_object *cgroup_to_json(const struct cgroup_record *r)
{
    struct json_object *o = json_object_new_object();
    json_add_str(o, "layout", r->layout);
    struct json_object *nodes = json_object_new_array();
    for (size_t i = 0; i < r->n_nodes; i++) {
        const struct cgroup_record_node *n = &r->nodes[i];
        struct json_object *jn = json_object_new_object();
        json_add_str(jn, "mountpoint", n->mountpoint);
        json_add_str(jn, "mount_root", n->mount_root);
        json_add_str(jn, "controllers", n->controllers);
        json_object_object_add(jn, "unified", json_object_new_boolean(n->unified));
        json_add_str(jn, "path", n->path);
        json_add_str(jn, "dir", n->dir);
        struct json_object *created = json_object_new_array();
        for (char **c = n->created; c && *c; c++)
            json_object_array_add(created, json_object_new_string(*c));
        json_object_object_add(jn, "created", created);
        json_object_array_add(nodes, jn);
    }
    json_object_object_add(o, "nodes", nodes);
    return o;
}

static struct json_object *annotations_to_json(const struct hull_keyval *kv, size_t n)
{
    struct json_object *o = json_object_new_object();
    for (size_t i = 0; i < n; i++)
        json_object_object_add(o, kv[i].key, json_object_new_string(kv[i].value));
    return o;
}

/* The keys in the order hull has always written them. */
char *hull_state_to_json(const struct hull_state *s)
{
    struct json_object *o = json_object_new_object();
    json_add_str(o, "ociVersion", s->oci_version);
    json_add_str(o, "id", s->id);
    if (!s->complete && s->creator_pid > 0)
        json_object_object_add(o, "creator_pid", json_object_new_int(s->creator_pid));
    if (s->pid > 0) {
        json_object_object_add(o, "pid", json_object_new_int(s->pid));
        json_object_object_add(o, "init_start_time", json_object_new_int64((int64_t)s->init_start_time));
    }
    json_add_str(o, "bundle", s->bundle);
    json_add_str(o, "rootfs", s->rootfs);
    json_add_str(o, "created", s->created);
    json_add_str(o, "owner", s->owner);
    if (s->complete)
        json_object_object_add(o, "annotations", annotations_to_json(s->annotations, s->n_annotations));
    if (s->has_rootfs_mark) {
        json_object_object_add(o, "rootfs_mount_before", json_object_new_int64((int64_t)s->rootfs_before.mnt_id));
        json_object_object_add(o, "rootfs_mount_ns", json_object_new_int64((int64_t)s->rootfs_before.mnt_ns));
    }
    if (s->complete) {
        json_object_object_add(o, "has_poststart", json_object_new_boolean(s->has_poststart));
        json_object_object_add(o, "has_poststop", json_object_new_boolean(s->has_poststop));
    }
    if (s->cgroup.present)
        json_object_object_add(o, "cgroup", cgroup_to_json(&s->cgroup));
    char *text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    return text;
}

/* ---------- reading ---------- */





static int read_cgroup_node(struct json_object *jn, size_t i, struct cgroup_record_node *n, struct hull_error **err)
{
    if (!json_object_is_type(jn, json_type_object))
        return hull_error_set(err, 0, "cgroup node %zu is not an object", i);
    struct json_object *created;
    if (json_read_strdup(jn, "mountpoint", NULL, &n->mountpoint, err) < 0 || json_read_strdup(jn, "mount_root", NULL, &n->mount_root, err) < 0 ||
        json_read_strdup(jn, "controllers", NULL, &n->controllers, err) < 0 || json_read_bool(jn, "unified", NULL, &n->unified, err) < 0 ||
        json_read_strdup(jn, "path", NULL, &n->path, err) < 0 || json_read_strdup(jn, "dir", NULL, &n->dir, err) < 0 ||
        json_read_typed(jn, "created", json_type_array, NULL, &created, err) < 0)
        return hull_error_wrap(err, "cgroup node %zu", i);
    if (!n->mountpoint || !n->path || !n->dir)
        return hull_error_set(err, 0, "cgroup node %zu lacks mountpoint/path/dir", i);
    for (size_t j = 0; created && j < json_object_array_length(created); j++) {
        struct json_object *c = json_object_array_get_idx(created, j);
        if (json_object_is_type(c, json_type_string))
            strv_add(&n->created, xstrdup(json_object_get_string(c)));
    }
    return 0;
}

static int read_cgroup(struct json_object *o, struct cgroup_record *r, struct hull_error **err)
{
    struct json_object *cg, *nodes;
    if (json_read_typed(o, "cgroup", json_type_object, NULL, &cg, err) < 0)
        return -1;
    if (!cg) /* made without cgroups, or by an older hull */
        return 0;
    r->present = true;
    if (json_read_strdup(cg, "layout", NULL, &r->layout, err) < 0)
        return hull_error_wrap(err, "\"cgroup\"");
    if (json_read_typed(cg, "nodes", json_type_array, NULL, &nodes, err) < 0 || !nodes) {
        hull_error_freep(err);
        return hull_error_set(err, 0, "\"cgroup\" has no \"nodes\" array");
    }
    size_t count = json_object_array_length(nodes);
    r->nodes = xmalloc0((count + 1) * sizeof *r->nodes);
    for (size_t i = 0; i < count; i++) {
        r->n_nodes = i + 1; /* a node read half way is cleared with the rest */
        if (read_cgroup_node(json_object_array_get_idx(nodes, i), i, &r->nodes[i], err) < 0)
            return -1;
    }
    return 0;
}

static int read_annotations(struct json_object *o, struct hull_state *s, struct hull_error **err)
{
    struct json_object *ann;
    if (json_read_typed(o, "annotations", json_type_object, NULL, &ann, err) < 0)
        return -1;
    if (!ann)
        return 0;
    s->annotations = xmalloc0((json_object_object_length(ann) + 1) * sizeof *s->annotations);
    json_object_object_foreach(ann, key, val)
    {
        if (!json_object_is_type(val, json_type_string))
            return hull_error_set(err, 0, "annotation \"%s\" is not a string", key);
        s->annotations[s->n_annotations].key = xstrdup(key);
        s->annotations[s->n_annotations++].value = xstrdup(json_object_get_string(val));
    }
    return 0;
}

static int read_state(struct json_object *o, struct hull_state *s, struct hull_error **err)
{
    int64_t pid = 0, creator = 0, start = 0, mnt_id = 0, mnt_ns = 0;
    struct json_object *mark;
    if (json_read_strdup(o, "ociVersion", NULL, &s->oci_version, err) < 0 || json_read_strdup(o, "id", NULL, &s->id, err) < 0 ||
        json_read_int64(o, "creator_pid", NULL, &creator, err) < 0 || json_read_int64(o, "pid", NULL, &pid, err) < 0 ||
        json_read_int64(o, "init_start_time", NULL, &start, err) < 0 || json_read_strdup(o, "bundle", NULL, &s->bundle, err) < 0 ||
        json_read_strdup(o, "rootfs", NULL, &s->rootfs, err) < 0 || json_read_strdup(o, "created", NULL, &s->created, err) < 0 ||
        json_read_strdup(o, "owner", NULL, &s->owner, err) < 0 || read_annotations(o, s, err) < 0 ||
        json_read_int64(o, "rootfs_mount_before", NULL, &mnt_id, err) < 0 || json_read_int64(o, "rootfs_mount_ns", NULL, &mnt_ns, err) < 0 ||
        json_read_bool(o, "has_poststart", NULL, &s->has_poststart, err) < 0 ||
        json_read_bool(o, "has_poststop", NULL, &s->has_poststop, err) < 0 || read_cgroup(o, &s->cgroup, err) < 0)
        return -1;
    if (pid < 0 || pid > INT32_MAX || creator < 0 || creator > INT32_MAX)
        return hull_error_set(err, 0, "\"pid\" or \"creator_pid\" out of range");
    s->pid = (pid_t)pid;
    s->creator_pid = (pid_t)creator;
    s->init_start_time = (uint64_t)start;
    /* Both marks, and the rootfs they belong to, or none (delete then
     * leaves the mounts alone, as before). */
    s->has_rootfs_mark = json_object_object_get_ex(o, "rootfs_mount_before", &mark) &&
                         json_object_object_get_ex(o, "rootfs_mount_ns", &mark) && s->rootfs;
    s->rootfs_before = (struct rootfs_mark){.mnt_id = (uint64_t)mnt_id, .mnt_ns = (uint64_t)mnt_ns};
    s->complete = s->oci_version != NULL;
    return 0;
}

int hull_state_from_json(const char *text, struct hull_state **out, struct hull_error **err)
{
    struct json_object *o = json_tokener_parse(text);
    if (o == NULL || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        return hull_error_set(err, 0, "not a JSON object");
    }
    struct hull_state *s = xmalloc0(sizeof *s);
    int r = read_state(o, s, err);
    json_object_put(o);
    if (r < 0) {
        hull_state_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

/* ---------- the OCI state documents ---------- */

static struct json_object *oci_state(const struct hull_state *s, enum container_status status)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "ociVersion", json_object_new_string(s->oci_version ?: spec_version_default));
    json_object_object_add(o, "id", json_object_new_string(s->id ?: ""));
    json_object_object_add(o, "status", json_object_new_string(container_status_name(status)));
    pid_t pid = status == STATUS_STOPPED ? 0 : state_live_pid(s);
    json_object_object_add(o, "pid", json_object_new_int(pid));
    json_object_object_add(o, "bundle", json_object_new_string(s->bundle ?: ""));
    json_object_object_add(o, "rootfs", json_object_new_string(s->rootfs ?: ""));
    json_object_object_add(o, "created", json_object_new_string(s->created ?: ""));
    json_object_object_add(o, "owner", json_object_new_string(s->owner ?: ""));
    json_object_object_add(o, "annotations", annotations_to_json(s->annotations, s->n_annotations));
    return o;
}

char *state_oci_json(const struct hull_state *s, enum container_status status)
{
    struct json_object *o = oci_state(s, status);
    char *text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return text;
}

char *state_oci_json_list(struct hull_state *const *states, const enum container_status *status, size_t n)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(arr, oci_state(states[i], status[i]));
    char *text = xstrdup(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(arr);
    return text;
}

char *state_hook_json(const struct hull_spec *spec, const char *id, pid_t pid, const char *bundle, const char *status)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "ociVersion", json_object_new_string(spec->oci_version));
    json_object_object_add(o, "id", json_object_new_string(id));
    json_object_object_add(o, "status", json_object_new_string(status));
    /* runc leaves "pid" out of a stopped container's state (poststop). */
    if (pid > 0)
        json_object_object_add(o, "pid", json_object_new_int(pid));
    json_object_object_add(o, "bundle", json_object_new_string(bundle ?: ""));
    json_object_object_add(o, "annotations", annotations_to_json(spec->annotations, spec->n_annotations));
    char *text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    return text;
}
