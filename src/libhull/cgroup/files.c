/* hull: reading and writing cgroup control files.
 *
 * Each value goes out in one write(2): cgroupfs parses one write as one
 * command, so a short or split write would apply half a setting.  Errors
 * name the OCI field, the value and the file, because "Invalid argument"
 * alone tells the user nothing. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/utils.h"
#include "cgroup_internal.h"

int cg_write(const char *dir, const char *file, const char *value, const char *field, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, file);
    cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return hull_error_set(err, 0, "%s: the host cannot enforce it: %s does not exist (controller not "
                                          "mounted/enabled or kernel feature missing)",
                                  field, path);
        return hull_error_set(err, errno, "%s: open %s", field, path);
    }
    size_t len = strlen(value);
    ssize_t w = write(fd, value, len);
    if (w < 0)
        return hull_error_set(err, errno, "%s: write \"%s\" to %s", field, value, path);
    if ((size_t)w != len)
        return hull_error_set(err, EIO, "%s: short write of \"%s\" to %s", field, value, path);
    return 0;
}

int cg_writef(const char *dir, const char *file, const char *field, struct hull_error **err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *value = NULL;
    if (vasprintf(&value, fmt, ap) < 0)
        abort();
    va_end(ap);
    int r = cg_write(dir, file, value, field, err);
    free(value);
    return r;
}

int cg_read(const char *dir, const char *file, char **out, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, file);
    return read_file(path, out, NULL, err);
}

int cg_read_u64(const char *dir, const char *file, uint64_t *out, struct hull_error **err)
{
    cleanup_free char *text = NULL;
    if (cg_read(dir, file, &text, err) < 0)
        return -1;
    text[strcspn(text, " \n")] = '\0';
    if (!strcmp(text, "max")) {
        *out = UINT64_MAX;
        return 0;
    }
    if (!parse_uint64(text, out))
        return hull_error_set(err, 0, "%s/%s: \"%s\" is not a number", dir, file, text);
    return 0;
}

bool cg_read_keyed(const char *dir, const char *file, const char *key, uint64_t *out)
{
    cleanup_free char *text = NULL;
    if (cg_read(dir, file, &text, NULL) < 0)
        return false;
    size_t klen = strlen(key);
    for (char *line = text; line && *line;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (!strncmp(line, key, klen) && line[klen] == ' ')
            return parse_uint64(line + klen + 1, out);
        line = next;
    }
    return false;
}

bool cg_file_exists(const char *dir, const char *file)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, file);
    return access(path, F_OK) == 0;
}
