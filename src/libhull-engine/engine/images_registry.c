/* hull: what `hull pull` and `hull push` call (hull-engine-images.h): the
 * registry's transfer (registry/) plus what the engine adds to it, the
 * journal's "pull" event, so that the CLI only parses flags and prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "registry/registry.h"
#include "util/utils.h"

int engine_image_pull(const char *root, const struct registry_pull_opts *opts,
                      const struct registry_pull_progress *progress, struct registry_pull_result *out,
                      struct hull_error **err)
{
    if (registry_pull(root, opts, progress, out, err) < 0)
        return -1;
    struct engine_event_attr attrs[] = {{"name", out->full_name}, {NULL, NULL}};
    engine_event_emit(root, "image", "pull", out->full_name, attrs);
    return 0;
}

int engine_image_pull_all_tags(const char *root, const struct registry_pull_opts *opts,
                               const struct registry_pull_progress *progress, engine_pull_result_fn on_pulled,
                               void *data, struct hull_error **err)
{
    cleanup_strv char **tags = NULL;
    if (registry_list_tags(opts->reference, opts->tls_verify_off, opts->authfile, &tags, err) < 0)
        return -1;
    if (!tags[0])
        return hull_error_set(err, 0, "%s: the repository has no tags", opts->reference);
    /* docker pull -a: each tag in turn; the first failure stops it. */
    for (char **t = tags; *t; t++) {
        cleanup_free char *ref = xasprintf("%s:%s", opts->reference, *t);
        struct registry_pull_opts one = *opts;
        one.reference = ref;
        struct registry_pull_result result;
        if (engine_image_pull(root, &one, progress, &result, err) < 0)
            return -1;
        if (on_pulled)
            on_pulled(&result, data);
        registry_pull_result_clear(&result);
    }
    return 0;
}

int engine_image_push(const char *root, const struct registry_push_opts *opts,
                      const struct registry_pull_progress *progress, struct registry_push_result *out,
                      struct hull_error **err)
{
    /* No journal event: hull has never written one for a push (docker's
     * "push" event would be new behaviour). */
    return registry_push(root, opts, progress, out, err);
}
