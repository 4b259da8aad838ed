#include "process_env.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/utils.h"

char *passwd_home(FILE *passwd, uid_t uid)
{
    cleanup_free char *line = NULL;
    size_t cap = 0;
    while (passwd && getline(&line, &cap, passwd) >= 0) {
        /* name:password:uid:gid:gecos:home:shell */
        char *fields[7] = {0};
        char *p = line;
        size_t n = 0;
        for (; n < ARRAY_SIZE(fields) && p; n++) {
            fields[n] = p;
            p = strchr(p, ':');
            if (p)
                *p++ = '\0';
        }
        if (n < 6)
            continue;
        fields[5][strcspn(fields[5], "\n")] = '\0';
        uint64_t id;
        if (!parse_uint64(fields[2], &id) || id != (uint64_t)uid)
            continue;
        return xstrdup(fields[5]);
    }
    return xstrdup("/");
}

/* The container's /etc/passwd, opened inside its root: O_NONBLOCK and the
 * S_ISREG check, so a FIFO planted there cannot block the runtime. */
static FILE *open_passwd(void)
{
    int fd = open("/etc/passwd", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return NULL;
    }
    FILE *f = fdopen(fd, "r");
    if (!f)
        close(fd);
    return f;
}

static bool is_home(const char *kv)
{
    return !strncmp(kv, "HOME=", 5);
}

char **process_env_build(char *const *env, char *const *extra, uid_t uid)
{
    size_t n_env = strv_length(env), n_extra = strv_length(extra), n = 0;
    char **out = xmalloc0((n_env + n_extra + 2) * sizeof(char *));
    bool home_set = false;
    for (size_t pass = 0; pass < 2; pass++) {
        char *const *v = pass == 0 ? env : extra;
        for (size_t i = 0; v && v[i]; i++) {
            if (is_home(v[i])) {
                /* runc: an empty HOME counts as none and is dropped. */
                if (!v[i][5])
                    continue;
                home_set = true;
            }
            out[n++] = xstrdup(v[i]);
        }
    }
    if (!home_set) {
        cleanup_file FILE *f = open_passwd();
        cleanup_free char *home = passwd_home(f, uid);
        out[n++] = xasprintf("HOME=%s", home);
    }
    return out;
}
