/* engine/record.c: a name lookup (engine_record_name_in_use, and
 * engine_record_find by name) parses only the records whose text holds the
 * name (bench/idle.sh: parsing every record of a store of 530 cost each
 * `hull run` 11 ms of CPU).  What it skips must never be the record
 * named so: a name that is the end of another (aweb), the start of another
 * (web2), inside another record's path, or written with an escaped slash
 * ("\/web", as other JSON writers do) are all told apart. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../tap.h"
#include "engine/record.h"
#include "hull/hull-engine.h"
#include "util/utils.h"

#define ID_A "aa11111111111111111111111111111111111111111111111111111111111111"
#define ID_B "bb22222222222222222222222222222222222222222222222222222222222222"
#define ID_C "cc33333333333333333333333333333333333333333333333333333333333333"
#define ID_D "dd44444444444444444444444444444444444444444444444444444444444444"

/* A record written by hull (engine_record_write), named name. */
static void named(const char *root, const char *id, const char *name)
{
    cleanup_free char *dir = xasprintf("%s/containers/%s", root, id);
    cleanup_error struct hull_error *err = NULL;
    mkdir_p(dir, 0700, &err);
    cleanup_free char *text =
        xasprintf("{\"Id\":\"%s\",\"Name\":\"/%s\",\"Path\":\"/web\",\"Args\":[\"web\"]}", id, name);
    struct engine_record *rec = NULL;
    TAP_CHECK(engine_record_parse(text, &rec, &err) == 0 && engine_record_write(root, id, rec, &err) == 0,
              "record %s written", name);
    engine_record_free(rec);
}

static char *find(const char *root, const char *text)
{
    char *id = NULL;
    cleanup_error struct hull_error *err = NULL;
    return engine_record_find(root, text, &id, &err) == 0 ? id : xstrdup("none");
}

int main(void)
{
    char root[] = "/tmp/hull-test-name.XXXXXX";
    if (!mkdtemp(root))
        return 1;
    named(root, ID_A, "aweb");
    named(root, ID_B, "web2");
    TAP_CHECK(!engine_record_name_in_use(root, "web"), "web is free beside aweb and web2 (and Path /web)");
    TAP_CHECK(engine_record_name_in_use(root, "aweb") && engine_record_name_in_use(root, "web2"),
              "aweb and web2 are in use");
    cleanup_free char *none = find(root, "web");
    TAP_CHECK(!strcmp(none, "none"), "find web: no such container (%s)", none);

    named(root, ID_C, "web");
    TAP_CHECK(engine_record_name_in_use(root, "web"), "web is in use once a record has it");
    cleanup_free char *c = find(root, "web");
    cleanup_free char *c_slash = find(root, "/web");
    TAP_CHECK(!strcmp(c, ID_C) && !strcmp(c_slash, ID_C), "find web and /web: its record (%.2s, %.2s)", c, c_slash);

    /* another writer's record: the slash escaped, spaced differently */
    cleanup_free char *dir = xasprintf("%s/containers/" ID_D, root);
    cleanup_error struct hull_error *err = NULL;
    mkdir_p(dir, 0700, &err);
    cleanup_free char *path = xasprintf("%s/record.json", dir);
    const char *text = "{ \"Id\" : \"" ID_D "\", \"Name\" : \"\\/db\", \"Path\" : \"sh\", \"Args\" : [] }";
    TAP_CHECK(write_file_replace(path, text, strlen(text), 0600, &err) == 0, "a record with Name \"\\/db\"");
    TAP_CHECK(engine_record_name_in_use(root, "db"), "db is in use");
    cleanup_free char *d = find(root, "db");
    TAP_CHECK(!strcmp(d, ID_D), "find db: its record (%.2s)", d);

    rm_rf(root, &err);
    return TAP_DONE();
}
