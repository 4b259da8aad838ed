/* A chunked upload's session kept across runs: see upload_session.h. */
#include "upload_session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/digest.h"
#include "util/utils.h"

#define SESSION_MAX 8192 /* a Location with its _state is well under this */

static char *session_path(const char *store_root, const char *diff_id)
{
    return xasprintf("%s/layers/%s/upload", store_root, digest_hex(diff_id));
}

static bool field_ok(const char *s)
{
    return s && *s && !strpbrk(s, "\t\n");
}

void upload_session_save(const char *store_root, const char *diff_id, const char *host, const char *repo,
                         const char *digest, const char *location)
{
    if (!field_ok(host) || !field_ok(repo) || !field_ok(digest) || !field_ok(location))
        return;
    cleanup_free char *path = session_path(store_root, diff_id);
    /* Per thread: a push may save two sessions of one layer at once (the same
     * layer twice in an image). */
    cleanup_free char *tmp = xasprintf("%s.tmp-%d-%lu", path, getpid(), (unsigned long)gettid());
    cleanup_free char *line = xasprintf("%s\t%s\t%s\t%s\n", host, repo, digest, location);
    cleanup_close int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    if (write_all(fd, line, strlen(line)) < 0 || rename(tmp, path) < 0)
        unlink(tmp);
}

char *upload_session_find(const char *store_root, const char *diff_id, const char *host, const char *repo,
                          const char *digest)
{
    cleanup_free char *path = session_path(store_root, diff_id);
    cleanup_free char *text = NULL;
    size_t len;
    if (read_file(path, &text, &len, NULL) < 0 || len == 0 || len > SESSION_MAX || text[len - 1] != '\n')
        return NULL;
    text[len - 1] = '\0';
    char *f[4];
    size_t n = 0;
    for (char *save = NULL, *t = strtok_r(text, "\t", &save); t && n < 4; t = strtok_r(NULL, "\t", &save))
        f[n++] = t;
    if (n != 4 || strcmp(f[0], host) || strcmp(f[1], repo) || strcmp(f[2], digest))
        return NULL;
    return xstrdup(f[3]);
}

void upload_session_forget(const char *store_root, const char *diff_id)
{
    cleanup_free char *path = session_path(store_root, diff_id);
    unlink(path);
}
