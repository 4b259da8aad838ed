/* A minimal container record (Id, Name, Path, Args) written into a private
 * store's containers/<id>/, for the unit tests of record.c and restart.c. */
#ifndef HULL_TEST_RECORD_FIXTURE_H
#define HULL_TEST_RECORD_FIXTURE_H

#include "../tap.h"
#include "engine/record.h"
#include "util/utils.h"

static inline void make_record(const char *root, const char *id)
{
    cleanup_free char *dir = xasprintf("%s/containers/%s", root, id);
    cleanup_error struct hull_error *err = NULL;
    mkdir_p(dir, 0700, &err);
    cleanup_free char *text = xasprintf("{\"Id\":\"%s\",\"Name\":\"/n\",\"Path\":\"sh\",\"Args\":[\"x\"]}", id);
    struct engine_record *rec = NULL;
    TAP_CHECK(engine_record_parse(text, &rec, &err) == 0 && engine_record_write(root, id, rec, &err) == 0,
              "record %.2s written", id);
    engine_record_free(rec);
}

#endif
