#include "image_json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/utils.h"

void json_object_putp(struct json_object **o)
{
    if (*o)
        json_object_put(*o);
    *o = NULL;
}

int image_json_parse(const char *text, size_t len, const char *what, struct json_object **out, struct hull_error **err)
{
    struct json_tokener *tok = json_tokener_new();
    struct json_object *o = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!o || jerr != json_tokener_success) {
        if (o)
            json_object_put(o);
        return hull_error_set(err, 0, "%s is not valid JSON: %s", what,
                              jerr == json_tokener_continue ? "unexpected end of data" : json_tokener_error_desc(jerr));
    }
    for (size_t i = used; i < len; i++) {
        if (text[i] != ' ' && text[i] != '\n' && text[i] != '\r' && text[i] != '\t') {
            json_object_put(o);
            return hull_error_set(err, 0, "%s is not valid JSON: trailing data after the document", what);
        }
    }
    if (!json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        return hull_error_set(err, 0, "%s is not a JSON object", what);
    }
    *out = o;
    return 0;
}

int image_json_read_at(int dirfd, const char *path, struct json_object **out, struct hull_error **err)
{
    cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return hull_error_set(err, errno, "open %s", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        return hull_error_set(err, errno, "stat %s", path);
    if (st.st_size > IMAGE_JSON_MAX)
        return hull_error_set(err, 0, "%s is too large (%lld bytes, at most %d)", path, (long long)st.st_size,
                              IMAGE_JSON_MAX);
    cleanup_free char *text = xmalloc0(st.st_size + 1);
    ssize_t n = read_all(fd, text, st.st_size);
    if (n < 0)
        return hull_error_set(err, errno, "read %s", path);
    return image_json_parse(text, n, path, out, err);
}

int64_t rfc3339_to_unix(const char *s)
{
    if (!s)
        return 0;
    struct tm tm = {0};
    const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!p)
        return 0;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    int64_t t = timegm(&tm);
    if (*p == 'Z' || *p == 'z')
        return t;
    if ((*p == '+' || *p == '-') && strlen(p) >= 6) {
        int hours = atoi(p + 1), minutes = atoi(p + 4);
        int64_t off = hours * 3600 + minutes * 60;
        return *p == '+' ? t - off : t + off;
    }
    return t;
}
