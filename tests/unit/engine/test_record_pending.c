/* engine/record.h: engine_record_edit_with_next.  An edit left for the next
 * write of a record is applied by the next engine_record_edit of that
 * container, before its own edit and in the same write (one rename of
 * record.json, not two); an edit whose fn fails writes nothing and leaves it
 * waiting; other containers' edits do not take it; engine_record_delete
 * drops it (and frees its data). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "record_fixture.h"
#include "engine/record.h"
#include "util/utils.h"

#define ID_A "aa11111111111111111111111111111111111111111111111111111111111111"
#define ID_B "bb22222222222222222222222222222222222222222222222222222222222222"

static int freed;

static void count_free(void *data)
{
    free(data);
    freed++;
}

/* Sets Path to data. */
static int set_path(struct engine_record *rec, void *data, struct hull_error **err)
{
    (void)err;
    engine_record_set_str(&rec->path, data);
    return 0;
}

/* Sets Args[0] to data, having seen Path (what a waiting edit set). */
static int set_arg_seeing_path(struct engine_record *rec, void *data, struct hull_error **err)
{
    (void)err;
    if (!rec->args || !rec->args[0])
        return hull_error_set(err, 0, "no Args");
    free(rec->args[0]);
    rec->args[0] = xasprintf("%s after %s", (const char *)data, rec->path);
    return 0;
}

static int fail(struct engine_record *rec, void *data, struct hull_error **err)
{
    (void)rec, (void)data;
    return hull_error_set(err, 0, "refused");
}

static int unchanged(struct engine_record *rec, void *data, struct hull_error **err)
{
    (void)rec, (void)data, (void)err;
    return ENGINE_RECORD_UNCHANGED;
}

static char *path_of(const char *root, const char *id)
{
    struct engine_record *rec = NULL;
    if (engine_record_read(root, id, &rec, NULL) < 0)
        return xstrdup("(none)");
    char *p = xasprintf("%s|%s", rec->path, rec->args && rec->args[0] ? rec->args[0] : "");
    engine_record_free(rec);
    return p;
}

int main(void)
{
    char root[] = "/tmp/hull-test-pending.XXXXXX";
    if (!mkdtemp(root))
        return 1;
    make_record(root, ID_A);
    make_record(root, ID_B);
    cleanup_error struct hull_error *err = NULL;

    engine_record_edit_with_next(ID_A, set_path, xstrdup("later"), count_free);
    char *p = path_of(root, ID_A);
    TAP_CHECK(!strcmp(p, "sh|x"), "an edit left for the next write is not written by itself (%s)", p);
    free(p);

    TAP_CHECK(engine_record_edit(root, ID_B, set_path, "b", &err) == 0, "another container's edit");
    p = path_of(root, ID_A);
    TAP_CHECK(!strcmp(p, "sh|x") && freed == 0, "does not take it (%s)", p);
    free(p);

    TAP_CHECK(engine_record_edit(root, ID_A, fail, NULL, &err) < 0, "an edit that fails");
    hull_error_freep(&err);
    p = path_of(root, ID_A);
    TAP_CHECK(!strcmp(p, "sh|x") && freed == 0, "writes nothing and leaves it waiting (%s)", p);
    free(p);

    TAP_CHECK(engine_record_edit(root, ID_A, set_arg_seeing_path, "now", &err) == 0, "the next edit of that record");
    p = path_of(root, ID_A);
    TAP_CHECK(!strcmp(p, "later|now after later") && freed == 1, "applies it first, in the same write (%s)", p);
    free(p);

    TAP_CHECK(engine_record_edit(root, ID_A, set_path, "again", &err) == 0, "an edit after that");
    p = path_of(root, ID_A);
    TAP_CHECK(!strcmp(p, "again|now after later") && freed == 1, "does not apply it twice (%s)", p);
    free(p);

    engine_record_edit_with_next(ID_A, set_path, xstrdup("waiting"), count_free);
    TAP_CHECK(engine_record_edit(root, ID_A, unchanged, NULL, &err) == ENGINE_RECORD_UNCHANGED,
              "an edit that changes nothing");
    p = path_of(root, ID_A);
    TAP_CHECK(!strcmp(p, "waiting|now after later") && freed == 2, "still writes the waiting one (%s)", p);
    free(p);

    engine_record_edit_with_next(ID_B, set_path, xstrdup("never"), count_free);
    TAP_CHECK(engine_record_delete(root, ID_B, &err) == 0 && freed == 3, "a record removed drops its waiting edit");
    make_record(root, ID_B);
    TAP_CHECK(engine_record_edit(root, ID_B, unchanged, NULL, &err) == ENGINE_RECORD_UNCHANGED, "a new record");
    p = path_of(root, ID_B);
    TAP_CHECK(!strcmp(p, "sh|x"), "of the same id never sees it (%s)", p);
    free(p);

    rm_rf(root, &err);
    return TAP_DONE();
}
