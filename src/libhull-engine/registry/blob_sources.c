/* Known registry locations of a layer's blobs: see blob_sources.h. */
#include "blob_sources.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/utils.h"

/* "host\trepo\tdigest\tsize\tmedia_type\n": none of the fields may hold a tab
 * or a newline (names and media types cannot). */
static bool field_ok(const char *s) { return s && *s && !strpbrk(s, "\t\n"); }

static char *sources_path(const char *store_root, const char *diff_id) {
  return xasprintf("%s/layers/%s/sources", store_root, digest_hex(diff_id));
}

void blob_sources_free(struct blob_source *list, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(list[i].host);
    free(list[i].repo);
    free(list[i].media_type);
  }
  free(list);
}

static bool parse_line(char *line, struct blob_source *s) {
  char *f[5];
  size_t n = 0;
  for (char *save = NULL, *t = strtok_r(line, "\t", &save); t && n < 5;
       t = strtok_r(NULL, "\t", &save))
    f[n++] = t;
  if (n != 5 || !digest_is_valid(f[2]) || !parse_uint64(f[3], &s->size))
    return false;
  s->host = xstrdup(f[0]);
  s->repo = xstrdup(f[1]);
  snprintf(s->digest, sizeof s->digest, "%s", f[2]);
  s->media_type = xstrdup(f[4]);
  return true;
}

void blob_sources_read(const char *store_root, const char *diff_id,
                       struct blob_source **out, size_t *n) {
  *out = NULL;
  *n = 0;
  cleanup_free char *path = sources_path(store_root, diff_id);
  cleanup_free char *text = NULL;
  if (read_file(path, &text, NULL, NULL) < 0)
    return;
  size_t cap = 0;
  for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    struct blob_source s = {0};
    if (!parse_line(line, &s))
      continue; /* torn by a crash, or not ours */
    if (*n == cap) {
      cap = cap ? cap * 2 : 8;
      *out = xrealloc(*out, cap * sizeof **out);
    }
    (*out)[(*n)++] = s;
  }
  /* newest first: the most recent is the most likely to be still there */
  for (size_t i = 0; i < *n / 2; i++) {
    struct blob_source t = (*out)[i];
    (*out)[i] = (*out)[*n - 1 - i];
    (*out)[*n - 1 - i] = t;
  }
}

void blob_sources_record(const char *store_root, const char *diff_id,
                         const struct blob_source *s) {
  if (!field_ok(s->host) || !field_ok(s->repo) || !field_ok(s->media_type) ||
      !digest_is_valid(s->digest))
    return;
  struct blob_source *list;
  size_t n;
  blob_sources_read(store_root, diff_id, &list, &n);
  bool known = false;
  for (size_t i = 0; i < n && !known; i++)
    known = !strcmp(list[i].host, s->host) && !strcmp(list[i].repo, s->repo) &&
            !strcmp(list[i].digest, s->digest);
  blob_sources_free(list, n);
  if (known || n >= BLOB_SOURCES_MAX)
    return;
  cleanup_free char *path = sources_path(store_root, diff_id);
  cleanup_free char *line =
      xasprintf("%s\t%s\t%s\t%llu\t%s\n", s->host, s->repo, s->digest,
                (unsigned long long)s->size, s->media_type);
  /* No O_CREAT of the directory: a layer removed meanwhile records nothing. */
  cleanup_close int fd =
      open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    return;
  /* A line torn by a crash would swallow this one: end it first. */
  struct stat st;
  char last = '\n';
  if (fstat(fd, &st) == 0 && st.st_size > 0 &&
      pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n') {
    char *fixed = xasprintf("\n%s", line);
    free(line);
    line = fixed;
  }
  (void)write_all(fd, line, strlen(line));
}
