/* libhull-engine's public interface (include/hull/hull-engine.h) on its own:
 * this file is built with include/ as its only include path, so the public
 * headers must be self-contained, and the calls below must behave through
 * them alone: an empty root lists no container, image or volume; errors
 * name the container, name or value at fault; a volume made is listed. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hull/hull-engine.h"
#include "hull/util.h"
#include "../tap.h"

static bool error_names(struct hull_error *err, const char *needle)
{
    char *text = err ? hull_error_text(err) : NULL;
    bool found = text && strstr(text, needle);
    if (!found)
        printf("# got: %s\n", text ? text : "(no error)");
    free(text);
    return found;
}

/* engine_name_error_fn: counts the errors, and whether each named its name. */
struct name_errors {
    size_t n;
    bool named;
};

static void collect_error(const char *name, struct hull_error *err, void *data)
{
    struct name_errors *e = data;
    e->named = (e->n == 0 || e->named) && error_names(err, name);
    e->n++;
    hull_error_freep(&err);
}

int main(void)
{
    char root[] = "/tmp/hull-engine-api-test-XXXXXX";
    if (!mkdtemp(root))
        return 1;
    struct hull_error *err = NULL;

    char **ids = NULL;
    TAP_CHECK(engine_record_list(root, &ids, &err) == 0 && ids && !ids[0], "an empty root lists no container");
    strv_free(ids);

    char *id = NULL;
    TAP_CHECK(engine_record_find(root, "nosuch", &id, &err) < 0 && !id && error_names(err, "nosuch"),
              "a container that is not there: the error names it");
    hull_error_freep(&err);

    TAP_CHECK(engine_container_resolve(root, "nosuch", &id, &err) == -ENOENT && !id &&
                  error_names(err, "no such container: nosuch"),
              "resolve: a container that is not there is -ENOENT, and the error names it");
    hull_error_freep(&err);
    struct engine_record *found = NULL;
    TAP_CHECK(engine_container_lookup(root, root, "nosuch", &found, &id, &err) == -ENOENT && !found && !id &&
                  error_names(err, "no such container: nosuch"),
              "lookup: the same");
    hull_error_freep(&err);

    struct engine_record *rec = NULL;
    TAP_CHECK(engine_record_read(root, "0123456789abcdef", &rec, &err) < 0 && !rec, "no record to read");
    hull_error_freep(&err);

    TAP_CHECK(engine_name_check("web-1", &err) == 0, "a docker container name passes");
    TAP_CHECK(engine_name_check("bad name!", &err) < 0 && error_names(err, "bad name!"),
              "a bad container name: the error names it");
    hull_error_freep(&err);

    struct engine_restart_policy policy = {0};
    TAP_CHECK(engine_restart_policy_parse("on-failure:3", &policy, &err) == 0 &&
                  policy.name == ENGINE_RESTART_ON_FAILURE && policy.max_retries == 3,
              "--restart on-failure:3 parses");
    TAP_CHECK(engine_restart_policy_parse("sometimes", &policy, &err) < 0 && error_names(err, "sometimes"),
              "a bad --restart: the error names the value");
    hull_error_freep(&err);

    {
        struct engine_image_list list;
        TAP_CHECK(engine_image_list(root, NULL, &list, &err) == 0 && list.n == 0, "an empty store lists no image");
        engine_image_list_clear(&list);
        hull_error_freep(&err);
        struct engine_image_history history;
        TAP_CHECK(engine_image_history(root, "busybox:nosuch", &history, &err) < 0 &&
                      error_names(err, "busybox:nosuch"),
                  "an image that is not there: the error names it");
        hull_error_freep(&err);
        TAP_CHECK(!engine_image_exists(root, "busybox:nosuch"), "an image that is not there does not exist");
        char *names[] = {"busybox:nosuch", "other:nosuch", NULL};
        struct name_errors e = {0};
        struct json_object *array = NULL;
        TAP_CHECK(engine_image_inspect_json(root, names, &array, collect_error, &e, &err) == 0 &&
                      json_object_array_length(array) == 0 && e.n == 2 && e.named,
                  "image inspect: each missing name is an error naming it, the array is empty");
        json_object_put(array);
        e = (struct name_errors){0};
        TAP_CHECK(engine_image_remove(root, names, false, NULL, NULL, collect_error, &e, &err) == 0 && e.n == 2 &&
                      e.named,
                  "rmi: each missing name is an error naming it, the others are still tried");
        TAP_CHECK(engine_image_tag(root, "busybox:nosuch", "x:1", &err) < 0 && error_names(err, "busybox:nosuch"),
                  "tag: a missing source image is named");
        hull_error_freep(&err);
    }

    char **volumes = NULL;
    char *made = NULL;
    TAP_CHECK(engine_volume_create(root, "data", NULL, NULL, &made, &err) == 0 && made && !strcmp(made, "data") &&
                  volume_exists(root, "data") && volume_list(root, &volumes, &err) == 0 && volumes &&
                  volumes[0] && !strcmp(volumes[0], "data") && !volumes[1],
              "a volume made is listed");
    free(made);
    strv_free(volumes);
    TAP_CHECK(engine_volume_remove(root, "data", &err) == 0 && !volume_exists(root, "data"), "and removed");
    TAP_CHECK(engine_volume_remove(root, "nosuch", &err) < 0 && error_names(err, "nosuch"),
              "a volume that is not there: the error names it");
    hull_error_freep(&err);

    char *cmd = NULL;
    if (asprintf(&cmd, "rm -rf '%s'", root) > 0 && system(cmd) != 0)
        printf("# could not remove %s\n", root);
    free(cmd);
    return TAP_DONE();
}
