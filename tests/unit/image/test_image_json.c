/* The readers of image/image_json.h and the store's repositories.json
 * (image/store_records.h): what each document turns into, members of the
 * wrong type read as absent (the loaders name them where they check), and
 * repositories.json keeps its order through set/del. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "image/image_json.h"
#include "image/store_records.h"
#include "util/utils.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static bool eq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static void manifests(void)
{
    static const char m[] = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"c\",\"digest\":\"" D1 "\",\"size\":7},"
                            "\"layers\":[{\"digest\":\"" D2 "\",\"size\":-3},null,\"x\",{\"size\":\"9\",\"mediaType\":5}]}";
    struct oci_manifest doc;
    struct hull_error *err = NULL;
    TAP_CHECK(oci_manifest_parse(m, strlen(m), "manifest", &doc, &err) == 0, "a manifest parses");
    TAP_CHECK(!doc.media_type && doc.schema_version == 2, "no mediaType; schemaVersion 2");
    TAP_CHECK(doc.config.is_object && eq(doc.config.media_type, "c") && eq(doc.config.digest, D1) &&
                  doc.config.size == 7,
              "the config descriptor");
    TAP_CHECK(doc.has_layers && doc.n_layers == 4 && !doc.has_manifests, "four layers, no manifests");
    TAP_CHECK(doc.layers[0].is_object && doc.layers[0].size == -3 && !doc.layers[0].media_type, "layer 1 as written");
    TAP_CHECK(!doc.layers[1].is_object && !doc.layers[2].is_object, "null and a string are not descriptors");
    TAP_CHECK(doc.layers[3].size == -1 && !doc.layers[3].media_type && !doc.layers[3].digest,
              "members of the wrong type read as absent");
    TAP_CHECK(oci_descriptor_check(&doc.config, "c", &err) == 0, "the config descriptor checks");
    TAP_CHECK(oci_descriptor_check(&doc.layers[0], "layer 1", &err) < 0 &&
                  eq(err->msg, "layer 1: the descriptor has no valid size"),
              "a negative size is refused: %s", err ? err->msg : "");
    hull_error_free(err);
    err = NULL;
    oci_manifest_clear(&doc);

    static const char idx[] = "{\"manifests\":[{\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":"
                              "\"v8\"},\"annotations\":{\"io.containerd.image.name\":\"a:1\",\"org.opencontainers.image"
                              ".ref.name\":\"v1\"}},{\"platform\":[]}],\"layers\":{}}";
    TAP_CHECK(oci_manifest_parse(idx, strlen(idx), "index.json", &doc, &err) == 0, "an index parses");
    TAP_CHECK(doc.has_manifests && doc.n_manifests == 2 && !doc.has_layers && !doc.config.is_object,
              "two entries; layers not an array; no config");
    TAP_CHECK(doc.manifests[0].has_platform && eq(doc.manifests[0].os, "linux") &&
                  eq(doc.manifests[0].architecture, "arm64") && eq(doc.manifests[0].variant, "v8"),
              "the platform");
    TAP_CHECK(eq(doc.manifests[0].image_name, "a:1") && eq(doc.manifests[0].ref_name, "v1"), "the annotations");
    TAP_CHECK(!doc.manifests[1].has_platform, "a platform that is not an object is none");
    oci_manifest_clear(&doc);

    TAP_CHECK(oci_manifest_parse("[1]", 3, "manifest", &doc, &err) < 0 && eq(err->msg, "manifest is not a JSON object"),
              "an array is refused: %s", err ? err->msg : "");
    hull_error_free(err);
}

static void docker_archive(void)
{
    static const char m[] = "[{\"Config\":\"c.json\",\"RepoTags\":[\"a:1\",3],\"Layers\":[\"l.tar\",null]},"
                            "{\"Config\":5,\"Layers\":\"x\"}]";
    struct docker_archive_entry *e = NULL;
    size_t n = 0;
    struct hull_error *err = NULL;
    TAP_CHECK(docker_archive_manifest_parse(m, strlen(m), &e, &n, &err) == 0 && n == 2, "manifest.json parses");
    TAP_CHECK(eq(e[0].config, "c.json") && e[0].has_layers && e[0].n_layers == 2 && eq(e[0].layers[0], "l.tar") &&
                  !e[0].layers[1],
              "entry 1: config and layers, the null layer kept as NULL");
    TAP_CHECK(e[0].n_repo_tags == 2 && eq(e[0].repo_tags[0], "a:1") && !e[0].repo_tags[1], "entry 1: tags");
    TAP_CHECK(!e[1].config && !e[1].has_layers && e[1].n_repo_tags == 0, "entry 2: wrong types read as absent");
    docker_archive_manifest_free(e, n);
    TAP_CHECK(docker_archive_manifest_parse("[]", 2, &e, &n, &err) < 0 &&
                  eq(err->msg, "manifest.json must be a non-empty array of images"),
              "an empty array is refused");
    hull_error_free(err);
}

static void config(void)
{
    static const char c[] = "{\"os\":\"linux\",\"architecture\":3,\"created\":\"2024-01-02T03:04:05Z\","
                            "\"rootfs\":{\"diff_ids\":[\"" D1 "\",7]}}";
    struct image_config_info ci;
    struct hull_error *err = NULL;
    TAP_CHECK(image_config_info_parse(c, strlen(c), "config", &ci, &err) == 0, "a config parses");
    TAP_CHECK(eq(ci.os, "linux") && !ci.architecture && eq(ci.created, "2024-01-02T03:04:05Z"), "os, created");
    TAP_CHECK(ci.has_diff_ids && ci.n_diff_ids == 2 && eq(ci.diff_ids[0], D1) && !ci.diff_ids[1], "diff_ids");
    image_config_info_clear(&ci);
}

static void tags(void)
{
    char dir[] = "/tmp/hull-test-tags-XXXXXX";
    TAP_CHECK(mkdtemp(dir) != NULL, "a temporary dir");
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct store_tags t;
    struct hull_error *err = NULL;
    TAP_CHECK(store_tags_read(dfd, "repositories.json", &t, &err) == 0 && t.n == 0, "no file: no tags");
    store_tags_set(&t, "b:1", D1);
    store_tags_set(&t, "a:1", D2);
    store_tags_set(&t, "c:1", D1);
    store_tags_set(&t, "b:1", D2); /* keeps its place */
    store_tags_del(&t, "a:1");
    store_tags_del(&t, "nope:1");
    cleanup_free char *path = xasprintf("%s/repositories.json", dir);
    TAP_CHECK(store_tags_write(&t, path, &err) == 0, "written");
    store_tags_clear(&t);
    cleanup_free char *text = NULL;
    size_t len;
    TAP_CHECK(read_file(path, &text, &len, &err) == 0 &&
                  eq(text, "{\n  \"tags\":{\n    \"b:1\":\"" D2 "\",\n    \"c:1\":\"" D1 "\"\n  }\n}"),
              "the file keeps the order: %s", text ? text : "");
    TAP_CHECK(store_tags_read(dfd, "repositories.json", &t, &err) == 0 && t.n == 2 && eq(t.names[0], "b:1") &&
                  eq(store_tags_get(&t, "c:1"), D1) && !store_tags_get(&t, "a:1"),
              "read back");
    store_tags_clear(&t);
    close(dfd);
    rm_rf(dir, NULL);
}

int main(void)
{
    manifests();
    docker_archive();
    config();
    tags();
    return TAP_DONE();
}
