/* Manifest, index and config documents as `hull load` reads them from an OCI
 * layout or a docker-archive directory.  The harness writes the input as one
 * document and makes the rest of a valid layout around it, digests included,
 * so that mutations reach the document's parser instead of failing the
 * digest check.  The input's first byte picks the document:
 *   0 index.json            1 an image manifest (blob named by its digest)
 *   2 an image config       3 docker-archive manifest.json
 *   4 docker-archive config */
#include <sys/stat.h>

#include "fuzz_image.h"

#include "image/digest.h"

static void write_blob(const char *layout, const void *data, size_t len, char digest[static DIGEST_STR_SIZE])
{
    digest_of(data, len, digest);
    char *name = xasprintf("%s/blobs/sha256/%s", layout, digest_hex(digest));
    fuzz_write(name, data, len);
    free(name);
}

static void write_index(const char *layout, const char *manifest_digest, size_t manifest_len)
{
    char *index = xasprintf("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                            "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":%zu,"
                            "\"annotations\":{\"io.containerd.image.name\":\"fuzz:latest\"}}]}",
                            manifest_digest, manifest_len);
    char *name = xasprintf("%s/index.json", layout);
    fuzz_write(name, index, strlen(index));
    free(name);
    free(index);
}

static const char empty_config[] = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                                   "\"diff_ids\":[]},\"config\":{\"Cmd\":[\"sh\"]}}";

static void oci_layout(const char *layout, int mode, const uint8_t *doc, size_t len)
{
    static const char oci_layout_file[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
    char *name = xasprintf("%s/oci-layout", layout);
    fuzz_write(name, oci_layout_file, strlen(oci_layout_file));
    free(name);
    char *index_name = xasprintf("%s/index.json", layout);
    char manifest_digest[DIGEST_STR_SIZE], config_digest[DIGEST_STR_SIZE];
    if (mode == 0) {
        fuzz_write(index_name, doc, len);
    } else if (mode == 1) {
        write_blob(layout, doc, len, manifest_digest);
        write_index(layout, manifest_digest, len);
    } else {
        write_blob(layout, doc, len, config_digest);
        char *manifest = xasprintf("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                                   "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                                   "\"digest\":\"%s\",\"size\":%zu},\"layers\":[]}",
                                   config_digest, len);
        write_blob(layout, manifest, strlen(manifest), manifest_digest);
        write_index(layout, manifest_digest, strlen(manifest));
        free(manifest);
    }
    free(index_name);
}

static void docker_archive(const char *dir, int mode, const uint8_t *doc, size_t len)
{
    char *manifest_name = xasprintf("%s/manifest.json", dir), *config_name = xasprintf("%s/c.json", dir);
    static const char manifest[] = "[{\"Config\":\"c.json\",\"RepoTags\":[\"fuzz:latest\"],\"Layers\":[]}]";
    if (mode == 3) {
        fuzz_write(manifest_name, doc, len);
        fuzz_write(config_name, empty_config, strlen(empty_config));
    } else {
        fuzz_write(manifest_name, manifest, strlen(manifest));
        fuzz_write(config_name, doc, len);
    }
    free(manifest_name);
    free(config_name);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_image_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int mode = data[0] % 5;
    char *dir = xasprintf("%s/layout", fuzz_dir);
    rm_rf(dir, NULL);
    char *blobs = xasprintf("%s/blobs/sha256", dir);
    if (mkdir_p(blobs, 0700, NULL) < 0)
        abort();
    if (mode <= 2)
        oci_layout("layout", mode, data + 1, size - 1);
    else
        docker_archive("layout", mode, data + 1, size - 1);
    fuzz_image_load(dir);
    free(blobs);
    free(dir);
    return 0;
}
