/* hull: users and groups looked up inside a container (see user.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "user.h"
#include "util/utils.h"

/* Opens PATH under rootfs as if rootfs were /. NULL when it does not exist. */
static FILE *open_in_root(const char *rootfs, const char *path)
{
    cleanup_close int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return NULL;
    struct open_how how = {.flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
    int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "r");
    if (!f)
        close(fd);
    return f;
}

/* One line of passwd/group split at ':' into at most max fields; returns the count. */
static size_t split_fields(char *line, char **fields, size_t max)
{
    line[strcspn(line, "\n")] = '\0';
    size_t n = 0;
    for (char *p = line; p && n < max; n++) {
        fields[n] = p;
        p = strchr(p, ':');
        if (p)
            *p++ = '\0';
    }
    return n;
}

static bool parse_id(const char *text, uint32_t *out)
{
    int64_t v;
    if (!parse_int64(text, &v) || v < 0 || v > UINT32_MAX - 1)
        return false;
    *out = (uint32_t)v;
    return true;
}

struct passwd_entry {
    char *name;
    uint32_t uid, gid;
};

/* The passwd entry whose name (or, when numeric, uid) is key. */
static bool find_passwd(const char *rootfs, const char *key, struct passwd_entry *out)
{
    cleanup_file FILE *f = open_in_root(rootfs, "/etc/passwd");
    cleanup_free char *line = NULL;
    size_t cap = 0;
    uint32_t want = 0;
    bool numeric = parse_id(key, &want);
    while (f && getline(&line, &cap, f) > 0) {
        char *fields[4];
        uint32_t uid, gid;
        if (split_fields(line, fields, 4) < 4 || !parse_id(fields[2], &uid) || !parse_id(fields[3], &gid))
            continue;
        if (numeric ? uid == want : !strcmp(fields[0], key)) {
            out->name = xstrdup(fields[0]);
            out->uid = uid;
            out->gid = gid;
            return true;
        }
    }
    return false;
}

static bool member_of(char *members, const char *user)
{
    char *save = NULL;
    for (char *m = strtok_r(members, ",", &save); m; m = strtok_r(NULL, ",", &save))
        if (!strcmp(m, user))
            return true;
    return false;
}

/* With group: its gid (by name or number).  Without: the groups listing user. */
static int scan_groups(const char *rootfs, const char *group, const char *user, struct engine_user *out,
                       struct hull_error **err)
{
    cleanup_file FILE *f = open_in_root(rootfs, "/etc/group");
    cleanup_free char *line = NULL;
    size_t cap = 0;
    while (f && getline(&line, &cap, f) > 0) {
        char *fields[4] = {NULL};
        uint32_t gid;
        if (split_fields(line, fields, 4) < 3 || !parse_id(fields[2], &gid))
            continue;
        if (group) {
            if (!strcmp(fields[0], group)) {
                out->gid = gid;
                return 0;
            }
            continue;
        }
        if (user && fields[3] && member_of(fields[3], user)) {
            gid_t *g = xrealloc(out->groups, (out->n_groups + 1) * sizeof *g);
            g[out->n_groups++] = gid;
            out->groups = g;
        }
    }
    if (group)
        return hull_error_set(err, 0, "no group \"%s\" in the container's /etc/group", group);
    return 0;
}

int engine_user_resolve(const char *rootfs, const char *spec, struct engine_user *out, struct hull_error **err)
{
    *out = (struct engine_user){0};
    cleanup_free char *copy = xstrdup(spec);
    char *group = strchr(copy, ':');
    if (group)
        *group++ = '\0';
    if (!*copy)
        return hull_error_set(err, 0, "invalid user \"%s\": empty user name", spec);
    struct passwd_entry pw = {0};
    bool known = find_passwd(rootfs, copy, &pw);
    cleanup_free char *name = pw.name;
    uint32_t id;
    if (known) {
        out->uid = pw.uid;
        out->gid = pw.gid;
    } else if (parse_id(copy, &id)) {
        out->uid = id; /* a uid passwd does not know: group 0, like docker */
    } else {
        return hull_error_set(err, 0, "invalid user \"%s\": no user \"%s\" in the container's /etc/passwd", spec,
                              copy);
    }
    if (group && *group) {
        if (parse_id(group, &id)) {
            out->gid = id;
            return 0;
        }
        if (scan_groups(rootfs, group, NULL, out, err) < 0)
            return hull_error_wrap(err, "invalid user \"%s\"", spec);
        return 0;
    }
    /* Supplementary groups only in the implicit form, as libcontainer does. */
    return scan_groups(rootfs, NULL, name, out, err);
}

void engine_user_clear(struct engine_user *u)
{
    free(u->groups);
    *u = (struct engine_user){0};
}
