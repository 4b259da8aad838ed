/* Unit tests for util/json_get.c, the member getters of every (de)serializer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_get.h"
#include "util/utils.h"
#include "../tap.h"

static struct json_object *doc;

static const char *message_of(int rc, struct hull_error *e)
{
    return rc < 0 && e ? e->msg : "(no error)";
}

static void test_lenient(void)
{
    TAP_CHECK(json_member(doc, "absent") == NULL && json_member(doc, "nul") == NULL && json_member(NULL, "s") == NULL,
              "json_member: absent, null and a NULL object read as NULL");
    TAP_CHECK(!strcmp(json_get_string(doc, "s"), "text") && !json_get_string(doc, "n") && !json_get_string(doc, "absent"),
              "json_get_string: the string, or NULL for another type or none");
    TAP_CHECK(json_get_int64(doc, "n") == 42 && json_get_int64(doc, "s") == -1 && json_get_int64(doc, "big") == 5000000000LL,
              "json_get_int64: the number, -1 for a string, int64 kept");
    TAP_CHECK(json_get_bool(doc, "t") && !json_get_bool(doc, "s"), "json_get_bool: true, false for a string");
    TAP_CHECK(json_get_object(doc, "obj") && !json_get_object(doc, "arr") && json_get_array(doc, "arr"),
              "json_get_object / json_get_array: only of that type");
    struct json_object *r = json_member_ref(doc, "arr");
    TAP_CHECK(r && json_object_array_length(r) == 2, "json_member_ref: a new reference to the tree");
    json_object_put(r);
    TAP_CHECK(json_member_of_type(doc, "arr", json_type_object) == NULL &&
                  json_member_of_type(doc, "obj", json_type_object) != NULL,
              "json_member_of_type: only of that type");
}

static void test_strict(void)
{
    struct hull_error *e = NULL;
    const char *s = "unchanged";
    int rc = json_read_str(doc, "n", "cfg", &s, &e);
    TAP_CHECK(rc < 0 && !strcmp(message_of(rc, e), "cfg: \"n\" must be a string"), "wrong type names WHERE and KEY: %s",
              message_of(rc, e));
    hull_error_free(e), e = NULL;
    rc = json_read_str(doc, "absent", NULL, &s, &e);
    TAP_CHECK(rc == 0 && s == NULL, "json_get_str: absent is no error, NULL");
    bool b = false;
    rc = json_read_bool(doc, "s", NULL, &b, &e);
    TAP_CHECK(rc < 0 && !strcmp(message_of(rc, e), "\"s\" must be true or false"), "bool: %s", message_of(rc, e));
    hull_error_free(e), e = NULL;
    int i = 7;
    rc = json_read_int(doc, "big", "x", &i, &e);
    TAP_CHECK(rc < 0 && strstr(message_of(rc, e), "out of range") && i == 7, "int: 5000000000 is out of an int's range: %s",
              message_of(rc, e));
    hull_error_free(e), e = NULL;
    rc = json_read_int(doc, "frac", "x", &i, &e);
    TAP_CHECK(rc < 0 && !strcmp(message_of(rc, e), "x: \"frac\" must be an integer"), "int: 1.5 refused: %s",
              message_of(rc, e));
    hull_error_free(e), e = NULL;
    int64_t n = 0;
    rc = json_read_int64(doc, "huge", "x", &n, &e);
    TAP_CHECK(rc < 0, "int64: 1e30 refused, not saturated: %s", message_of(rc, e));
    hull_error_free(e), e = NULL;
    rc = json_read_int(doc, "n", "x", &i, &e);
    TAP_CHECK(rc == 0 && i == 42, "int: 42");
    char **v = NULL;
    rc = json_read_strv(doc, "arr", "x", &v, &e);
    TAP_CHECK(rc == 0 && strv_length(v) == 2 && !strcmp(v[1], "b"), "strv: two strings");
    rc = json_read_strv(doc, "arr", "x", &v, &e);
    TAP_CHECK(rc == 0 && strv_length(v) == 4, "strv: appended to the list");
    rc = json_read_strv(doc, "mixed", "x", &v, &e);
    TAP_CHECK(rc < 0 && !strcmp(message_of(rc, e), "x: \"mixed\" must be an array of strings") && strv_length(v) == 5,
              "strv: a number inside refused, the list still terminated: %s", message_of(rc, e));
    hull_error_free(e), e = NULL;
    strv_free(v);
    char *d = xstrdup("old");
    rc = json_read_strdup(doc, "s", NULL, &d, &e);
    TAP_CHECK(rc == 0 && !strcmp(d, "text"), "strdup: replaced");
    free(d);
}

static void test_writers(void)
{
    struct json_object *o = json_object_new_object();
    char *list[] = {"a", "b", NULL};
    json_add_str(o, "s", "v");
    json_add_str(o, "none", NULL);
    json_add_int(o, "n", 5000000000LL);
    json_add_bool(o, "b", true);
    json_add_strv(o, "l", list);
    json_add_strv(o, "nol", NULL);
    json_add_tree(o, "t", NULL);
    const char *out = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    TAP_CHECK(!strcmp(out, "{\"s\":\"v\",\"n\":5000000000,\"b\":true,\"l\":[\"a\",\"b\"]}"), "writers skip NULL: %s", out);
    json_object_put(o);
}

int main(void)
{
    doc = json_tokener_parse("{\"s\":\"text\",\"n\":42,\"big\":5000000000,\"frac\":1.5,\"huge\":1e30,\"t\":true,"
                             "\"nul\":null,\"arr\":[\"a\",\"b\"],\"mixed\":[\"a\",1],\"obj\":{}}");
    test_lenient();
    test_strict();
    test_writers();
    json_object_put(doc);
    return TAP_DONE();
}
