/* auth.json: see auth_file.h. */
#include "auth_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/image_json.h"
#include "util/utils.h"

int auth_file_read(const char *path, struct auth_entries *out, struct hull_error **err)
{
    memset(out, 0, sizeof *out);
    cleanup_json struct json_object *doc = NULL;
    if (image_json_read_at(AT_FDCWD, path, &doc, err) < 0)
        return -1;
    struct json_object *auths = json_get_object(doc, "auths");
    size_t cap = auths ? (size_t)json_object_object_length(auths) : 0;
    out->keys = xmalloc0((cap + 1) * sizeof(char *));
    out->auths = xmalloc0((cap + 1) * sizeof(char *));
    json_object_object_foreach(auths, key, entry)
    {
        const char *auth = json_get_string(entry, "auth");
        out->keys[out->n] = xstrdup(key);
        out->auths[out->n++] = auth ? xstrdup(auth) : NULL;
    }
    return 0;
}

void auth_entries_clear(struct auth_entries *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->keys[i]);
        if (e->auths[i]) /* do not leave credentials in freed heap memory */
            explicit_bzero(e->auths[i], strlen(e->auths[i]));
        free(e->auths[i]);
    }
    free(e->keys);
    free(e->auths);
    memset(e, 0, sizeof *e);
}

int auth_file_update(const char *path, bool (*drop)(const char *key, const void *data), const void *data,
                     const char *host, const char *auth, bool *removed, struct hull_error **err)
{
    cleanup_json struct json_object *doc = NULL;
    if (access(path, F_OK) == 0) {
        if (image_json_read_at(AT_FDCWD, path, &doc, err) < 0)
            return -1;
    } else {
        doc = json_object_new_object();
    }
    struct json_object *auths = json_get_object(doc, "auths");
    if (!auths) {
        auths = json_object_new_object();
        json_object_object_add(doc, "auths", auths);
    }
    *removed = false;
    bool again = true;
    while (again) {
        again = false;
        json_object_object_foreach(auths, key, entry)
        {
            (void)entry;
            if (drop(key, data)) {
                json_object_object_del(auths, key);
                *removed = again = true;
                break;
            }
        }
    }
    if (!auth && !*removed)
        return 0;
    if (auth) {
        struct json_object *entry = json_object_new_object();
        json_object_object_add(entry, "auth", json_object_new_string(auth));
        json_object_object_add(auths, host, entry);
    }
    cleanup_free char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (mkdir_p(dir, 0700, err) < 0)
            return -1;
    }
    const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    return write_file_atomic(path, text, strlen(text), 0600, err);
}
