/* registry/blob_sources.h: the per-layer hints of where a blob is in which
 * registry (read newest first, torn lines ignored, no duplicates, a cap, and
 * nothing written for a layer that is not in the store). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "registry/blob_sources.h"
#include "util/utils.h"

#define DIFF                                                                   \
  "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D1                                                                     \
  "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define D2                                                                     \
  "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static struct blob_source src(const char *host, const char *repo,
                              const char *digest) {
  struct blob_source s = {
      .host = (char *)host,
      .repo = (char *)repo,
      .size = 42,
      .media_type = (char *)"application/vnd.oci.image.layer.v1.tar+gzip"};
  snprintf(s.digest, sizeof s.digest, "%s", digest);
  return s;
}

int main(void) {
  char root[] = "/tmp/hull-blobsrc.XXXXXX";
  if (!mkdtemp(root))
    return 1;
  cleanup_free char *layer = xasprintf("%s/layers/%s", root, &DIFF[7]);
  cleanup_free char *layers = xasprintf("%s/layers", root);
  mkdir(layers, 0755);

  struct blob_source *list;
  size_t n;
  struct blob_source a = src("127.0.0.1:5000", "team/a", D1);
  blob_sources_record(root, DIFF, &a);
  blob_sources_read(root, DIFF, &list, &n);
  TAP_CHECK(n == 0, "a layer not in the store records nothing (%zu)", n);
  blob_sources_free(list, n);

  mkdir(layer, 0755);
  blob_sources_record(root, DIFF, &a);
  blob_sources_record(root, DIFF, &a); /* the same again: not duplicated */
  struct blob_source b = src("127.0.0.1:5000", "team/b", D2);
  blob_sources_record(root, DIFF, &b);
  struct blob_source bad =
      src("h\tx", "r", D1); /* a tab would break the line format */
  blob_sources_record(root, DIFF, &bad);
  /* a torn line, as a crash mid-write would leave */
  cleanup_free char *path = xasprintf("%s/sources", layer);
  int fd = open(path, O_WRONLY | O_APPEND);
  TAP_CHECK(fd >= 0 && write(fd, "docker.io\tlib", 13) == 13,
            "append a torn line");
  close(fd);
  struct blob_source c =
      src("127.0.0.1:5000", "team/c", D1); /* after the torn line: not lost */
  blob_sources_record(root, DIFF, &c);
  blob_sources_read(root, DIFF, &list, &n);
  TAP_CHECK(n == 3,
            "three sources: the line after a torn one is kept, the torn one "
            "dropped (%zu)",
            n);
  TAP_CHECK(n == 3 && !strcmp(list[0].repo, "team/c") &&
                !strcmp(list[1].repo, "team/b") &&
                !strcmp(list[1].digest, D2) &&
                !strcmp(list[2].repo, "team/a") && list[2].size == 42 &&
                !strcmp(list[2].host, "127.0.0.1:5000") &&
                !strcmp(list[2].media_type,
                        "application/vnd.oci.image.layer.v1.tar+gzip"),
            "newest first, every field back");
  blob_sources_free(list, n);

  /* the cap: past BLOB_SOURCES_MAX lines nothing more is appended */
  for (int i = 0; i < BLOB_SOURCES_MAX + 10; i++) {
    cleanup_free char *repo = xasprintf("r%d", i);
    struct blob_source s = src("h", repo, D1);
    blob_sources_record(root, DIFF, &s);
  }
  blob_sources_read(root, DIFF, &list, &n);
  TAP_CHECK(n == BLOB_SOURCES_MAX, "capped at %d (%zu)", BLOB_SOURCES_MAX, n);
  blob_sources_free(list, n);

  cleanup_free char *rm = xasprintf("rm -rf '%s'", root);
  TAP_CHECK(system(rm) == 0, "cleanup");
  return TAP_DONE();
}
