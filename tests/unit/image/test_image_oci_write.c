/* The writers of image/oci_write.h and the config editor of image/image_change.h:
 * the exact bytes of each document (digests and `hull save` archives depend on them). */
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "image/image_change.h"
#include "image/oci_write.h"
#include "util/utils.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static int same(const char *got, const char *want, const char *what)
{
    int ok = got && !strcmp(got, want);
    if (!ok)
        printf("# %s:\n#  got  %s\n#  want %s\n", what, got ? got : "(null)", want);
    return ok;
}

int main(void)
{
    struct oci_descriptor_out layers[] = {{.media_type = OCI_MT_LAYER, .digest = D2, .size = 1024},
                                      {.media_type = "application/vnd.oci.image.layer.v1.tar+gzip", .digest = D1,
                                       .size = 5000000000ULL}};
    struct oci_manifest_out m = {.config = {.media_type = OCI_MT_CONFIG, .digest = D1, .size = 7},
                             .layers = layers,
                             .n_layers = 2};
    cleanup_free char *mt = oci_manifest_to_json(&m);
    TAP_CHECK(same(mt,
                   "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{"
                   "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" D1 "\",\"size\":7},"
                   "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" D2
                   "\",\"size\":1024},{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" D1
                   "\",\"size\":5000000000}]}",
                   "manifest"),
              "manifest: key order, slashes unescaped, sizes above 4 GiB");

    struct oci_manifest_out empty = {.config = {.media_type = OCI_MT_CONFIG, .digest = D1, .size = 2}};
    cleanup_free char *et = oci_manifest_to_json(&empty);
    TAP_CHECK(same(et,
                   "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{"
                   "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" D1 "\",\"size\":2},"
                   "\"layers\":[]}",
                   "empty manifest"),
              "manifest without layers: \"layers\":[]");

    struct oci_descriptor_out idx[] = {{.media_type = OCI_MT_MANIFEST, .digest = D1, .size = 300, .ref_name = "a:1",
                                    .full_name = "docker.io/library/a:1"},
                                   {.media_type = OCI_MT_MANIFEST, .digest = D2, .size = 301}};
    cleanup_free char *it = oci_index_to_json(idx, 2);
    TAP_CHECK(same(it,
                   "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                   "\"digest\":\"" D1 "\",\"size\":300,\"annotations\":{\"io.containerd.image.name\":"
                   "\"docker.io/library/a:1\",\"org.opencontainers.image.ref.name\":\"a:1\"}},{\"mediaType\":"
                   "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D2 "\",\"size\":301}]}",
                   "index"),
              "index: annotations only for a tagged image");
    TAP_CHECK(same(oci_layout_json(), "{\"imageLayoutVersion\":\"1.0.0\"}", "oci-layout"), "oci-layout");

    const char *names[] = {"a/layer.tar", "b/layer.tar"};
    struct docker_archive_entry_out entries[] = {{.config = "c1.json", .repo_tag = "x:1", .layers = names, .n_layers = 2},
                                             {.config = "c2.json", .layers = names, .n_layers = 1}};
    cleanup_free char *dt = docker_archive_manifest_to_json(entries, 2);
    TAP_CHECK(same(dt,
                   "[{\"Config\":\"c1.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"a/layer.tar\",\"b/layer.tar\"]},"
                   "{\"Config\":\"c2.json\",\"RepoTags\":[],\"Layers\":[\"a/layer.tar\"]}]",
                   "docker manifest.json"),
              "docker archive manifest.json: an untagged image has \"RepoTags\":[]");

    const char *diff_ids[] = {D2};
    struct oci_history_entry h = {.created = "2026-01-02T03:04:05Z", .created_by = "hull import", .comment = "c/d"};
    struct oci_image_config c = {.created = "2026-01-02T03:04:05Z", .architecture = "amd64", .os = "linux",
                                 .container_config = "{\"Cmd\":[\"sh\"]}", .diff_ids = diff_ids, .n_diff_ids = 1,
                                 .history = &h, .n_history = 1};
    cleanup_free char *ct = oci_image_config_to_json(&c);
    TAP_CHECK(same(ct,
                   "{\"created\":\"2026-01-02T03:04:05Z\",\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{"
                   "\"Cmd\":[\"sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D2 "\"]},\"history\":[{"
                   "\"created\":\"2026-01-02T03:04:05Z\",\"created_by\":\"hull import\",\"comment\":\"c/d\"}]}",
                   "image config"),
              "new image config: docker's key order");
    c.container_config = "[1]";
    char *bad = oci_image_config_to_json(&c);
    TAP_CHECK(bad == NULL, "a container config that is not an object is refused");
    free(bad);

    cleanup_free char *lt = image_layer_meta_to_json(D1, 12);
    TAP_CHECK(same(lt, "{\n  \"diff_id\":\"" D1 "\",\n  \"size\":12\n}", "layer.json"), "layer.json: pretty");

    /* The editor: --change from nothing (import), and commit's edit of a base config. */
    char *const changes[] = {"CMD [\"a\"]", "ENV A=1 B=2", "ENV A 3", "EXPOSE 80", NULL};
    cleanup_free char *cc = NULL;
    struct hull_error *err = NULL;
    int r = image_changes_config(changes, &cc, &err);
    TAP_CHECK(r == 0 && same(cc, "{\"Cmd\":[\"a\"],\"Env\":[\"A=3\",\"B=2\"],\"ExposedPorts\":{\"80/tcp\":{}}}",
                             "changes"),
              "changes make a container config");
    char *const bad_changes[] = {"FROB x", NULL};
    cleanup_free char *none = NULL;
    r = image_changes_config(bad_changes, &none, &err);
    TAP_CHECK(r < 0 && err && strstr(err->msg, "invalid change \"FROB x\""), "a bad change is refused by name");
    hull_error_free(err);
    err = NULL;

    const char *base = "{\"architecture\":\"arm64\",\"x-unknown\":[1,{\"k\":true}],\"config\":{\"Env\":[\"P=1\"]},"
                       "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\"]},\"os\":\"linux\"}";
    cleanup_image_config_edit struct image_config_edit *e = NULL;
    char *const commit_changes[] = {"ENV Q=2", NULL};
    struct oci_history_entry ch = {.created = "T", .created_by = "hull commit"};
    r = image_config_edit_open(base, strlen(base), &e, &err);
    if (r == 0)
        r = image_config_edit_changes(e, commit_changes, &err);
    if (r == 0)
        r = image_config_edit_add_layer(e, "me", D2, &ch, D1, &err);
    TAP_CHECK(r == 0 && same(image_config_edit_text(e),
                             "{\"architecture\":\"arm64\",\"x-unknown\":[1,{\"k\":true}],\"config\":{\"Env\":[\"P=1\","
                             "\"Q=2\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\",\"" D2 "\"]},"
                             "\"os\":\"linux\",\"created\":\"T\",\"author\":\"me\",\"history\":[{\"created\":\"T\","
                             "\"created_by\":\"hull commit\"}]}",
                             "commit edit"),
              "commit's edit keeps unknown members and their order");
    TAP_CHECK(e && same(image_config_edit_get(e, "architecture"), "arm64", "architecture"), "editor: a member");
    return TAP_DONE();
}
