/* hull: -v, --mount and the image's VOLUMEs (see engine_mounts.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine_flags.h"
#include "engine_mounts.h"
#include "image_config.h"
#include "image/image_rootfs.h"
#include "mount/pathsafe.h"
#include "record.h"
#include "security/security.h"
#include "util/utils.h"
#include "volume.h"

static const char *const propagations[] = {"shared", "slave", "private", "rshared", "rslave", "rprivate"};

static bool is_propagation(const char *s)
{
    for (size_t i = 0; i < ARRAY_SIZE(propagations); i++)
        if (!strcmp(propagations[i], s))
            return true;
    return false;
}

/* Lexically clean, like Go's filepath.Clean, of an absolute path. */
static char *clean_path(const char *path)
{
    char *out = xmalloc0(strlen(path) + 2);
    size_t len = 0;
    cleanup_free char *copy = xstrdup(path);
    for (char *save = NULL, *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (!strcmp(c, "."))
            continue;
        if (!strcmp(c, "..")) {
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--; /* the '/' before it */
            out[len] = '\0';
            continue;
        }
        out[len++] = '/';
        strcpy(out + len, c);
        len += strlen(c);
    }
    if (len == 0)
        strcpy(out, "/");
    return out;
}

/* A host path as given: absolute, or relative to our directory. */
static char *host_path(const char *given)
{
    if (given[0] == '/')
        return clean_path(given);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        strcpy(cwd, "/");
    cleanup_free char *joined = xasprintf("%s/%s", cwd, given);
    return clean_path(joined);
}

void engine_bind_clear(struct engine_bind *b)
{
    free(b->source);
    free(b->destination);
    free(b->volume);
    free(b->propagation);
    free(b->mode);
    free(b->given);
    strv_free(b->volume_opts);
    memset(b, 0, sizeof *b);
}

static int check_destination(const char *flag, const char *text, const char *dest, char **out, struct hull_error **err)
{
    if (dest[0] != '/')
        return hull_error_set(err, 0, "invalid %s \"%s\": the container path \"%s\" must be absolute", flag, text, dest);
    char *clean = clean_path(dest);
    if (!strcmp(clean, "/")) {
        free(clean);
        return hull_error_set(err, 0, "invalid %s \"%s\": cannot mount over the container's /", flag, text);
    }
    *out = clean;
    return 0;
}

/* The source of -v / --mount: a host path (absolute or starting with "."),
 * else a volume name. */
static int set_source(const char *flag, const char *text, const char *src, struct engine_bind *b,
                      struct hull_error **err)
{
    if (src[0] == '/' || src[0] == '.') {
        b->kind = ENGINE_MOUNT_BIND;
        b->source = host_path(src);
        return 0;
    }
    if (!volume_name_valid(src))
        return hull_error_set(err, 0,
                              "invalid %s \"%s\": \"%s\" is not a volume name ([a-zA-Z0-9][a-zA-Z0-9_.-], two "
                              "characters at least); a host directory is an absolute path or starts with \".\"",
                              flag, text, src);
    b->kind = ENGINE_MOUNT_VOLUME;
    b->volume = xstrdup(src);
    return 0;
}

static int parse_bind_options(const char *text, const char *opts, struct engine_bind *b, struct hull_error **err)
{
    int n_rw = 0, n_label = 0;
    cleanup_free char *copy = xstrdup(opts);
    for (char *save = NULL, *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
        if (!strcmp(o, "ro") || !strcmp(o, "rw")) {
            b->read_only = !strcmp(o, "ro");
            n_rw++;
        } else if (!strcmp(o, "z") || !strcmp(o, "Z")) {
            /* SELinux relabeling: nothing to relabel on a host without SELinux
             * in force (the caller says so once); with SELinux, refused
             * rather than ignored, as long as hull writes no labels */
            if (lsm_selinux_enabled())
                return hull_error_set(err, 0,
                                      "invalid -v \"%s\": SELinux relabeling (%s) is not implemented and SELinux is "
                                      "in force on this host",
                                      text, o);
            b->relabel = true;
            n_label++;
        } else if (!strcmp(o, "nocopy")) {
            if (b->kind != ENGINE_MOUNT_VOLUME)
                return hull_error_set(err, 0, "invalid -v \"%s\": nocopy is for volumes, not host paths", text);
            b->nocopy = true;
        } else if (is_propagation(o)) {
            if (b->kind != ENGINE_MOUNT_BIND)
                return hull_error_set(err, 0, "invalid -v \"%s\": propagation \"%s\" is for host paths, not volumes",
                                      text, o);
            free(b->propagation);
            b->propagation = xstrdup(o);
        } else {
            return hull_error_set(err, 0,
                                  "invalid -v \"%s\": unknown option \"%s\" (ro, rw, z, Z, nocopy, shared, slave, "
                                  "private, rshared, rslave, rprivate)",
                                  text, o);
        }
    }
    if (n_rw > 1 || n_label > 1 || !*opts || opts[strlen(opts) - 1] == ',' || strstr(opts, ",,"))
        return hull_error_set(err, 0, "invalid -v \"%s\": bad options \"%s\"", text, opts);
    return 0;
}

/* moby: "/foo:ro" is DESTINATION:OPTIONS, which has no source: refused. */
static bool looks_like_options(const char *s)
{
    static const char *const words[] = {"ro", "rw", "z", "Z", "nocopy", "shared", "slave", "private", "rshared",
                                        "rslave", "rprivate"};
    cleanup_free char *copy = xstrdup(s);
    for (char *save = NULL, *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        bool known = false;
        for (size_t i = 0; i < ARRAY_SIZE(words); i++)
            known |= !strcmp(words[i], w);
        if (!known)
            return false;
    }
    return true;
}

int engine_parse_bind(const char *text, struct engine_bind *out, struct hull_error **err)
{
    memset(out, 0, sizeof *out);
    /* Split on ':' keeping empty fields ("a::b" is an error, not "a:b"). */
    const char *parts[3] = {NULL};
    size_t lens[3] = {0}, n = 0;
    for (const char *p = text;; n++) {
        if (n == 3)
            return hull_error_set(err, 0, "invalid -v \"%s\": want [SOURCE:]DESTINATION[:OPTIONS]", text);
        parts[n] = p;
        lens[n] = strcspn(p, ":");
        if (lens[n] == 0)
            return hull_error_set(err, 0, "invalid -v \"%s\": want [SOURCE:]DESTINATION[:OPTIONS]", text);
        if (!p[lens[n]]) {
            n++;
            break;
        }
        p += lens[n] + 1;
    }
    cleanup_free char *a = strndup(parts[0], lens[0]);
    cleanup_free char *b = n > 1 ? strndup(parts[1], lens[1]) : NULL;
    cleanup_free char *c = n > 2 ? strndup(parts[2], lens[2]) : NULL;
    int r;
    if (n == 1) {
        out->kind = ENGINE_MOUNT_VOLUME;
        out->anonymous = true;
        r = check_destination("-v", text, a, &out->destination, err);
    } else {
        /* moby: "/foo:ro" is a destination with options and no source: refused. */
        if (n == 2 && looks_like_options(b))
            r = hull_error_set(err, 0, "invalid -v \"%s\": want [SOURCE:]DESTINATION[:OPTIONS] (options need a source)",
                               text);
        else
            r = set_source("-v", text, a, out, err);
        if (r == 0)
            r = check_destination("-v", text, b, &out->destination, err);
    }
    if (r == 0 && c)
        r = parse_bind_options(text, c, out, err);
    if (r < 0) {
        engine_bind_clear(out);
        return -1;
    }
    out->create_source = out->kind == ENGINE_MOUNT_BIND;
    out->mode = xstrdup(c ? c : "");
    out->given = xstrdup(text);
    return 0;
}

/* ---- --mount ---- */

/* encoding/csv's fields, as docker reads --mount: commas split, double
 * quotes protect commas, "" is a quote inside quotes. */
static char **csv_fields(const char *text)
{
    char **fields = NULL;
    size_t len = strlen(text);
    char *cur = xmalloc0(len + 1);
    size_t n = 0;
    bool quoted = false;
    for (const char *p = text;; p++) {
        if (quoted && *p == '"' && p[1] == '"') {
            cur[n++] = '"';
            p++;
        } else if (*p == '"') {
            quoted = !quoted;
        } else if ((*p == ',' && !quoted) || !*p) {
            cur[n] = '\0';
            strv_add(&fields, xstrdup(cur));
            n = 0;
            if (!*p)
                break;
        } else {
            cur[n++] = *p;
        }
    }
    free(cur);
    return fields;
}

static bool go_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(s, yes[i]))
            return *out = true, true;
        if (!strcmp(s, no[i]))
            return *out = false, true;
    }
    return false;
}

struct mount_fields {
    const char *type, *source, *target, *propagation, *driver, *tmpfs_size, *tmpfs_mode;
    bool read_only, nocopy;
    char **volume_opts;
};

static int mount_field(const char *text, char *field, struct mount_fields *m, struct hull_error **err)
{
    char *eq = strchr(field, '=');
    if (eq)
        *eq = '\0';
    const char *key = field, *value = eq ? eq + 1 : NULL;
    if (!strcmp(key, "readonly") || !strcmp(key, "ro") || !strcmp(key, "volume-nocopy")) {
        bool *flag = key[0] == 'v' ? &m->nocopy : &m->read_only;
        *flag = true;
        if (value && !go_bool(value, flag))
            return hull_error_set(err, 0, "invalid --mount \"%s\": %s=%s: want true or false", text, key, value);
        return 0;
    }
    if (!value)
        return hull_error_set(err, 0, "invalid --mount \"%s\": \"%s\" wants a value (%s=...)", text, key, key);
    if (!strcmp(key, "type"))
        m->type = value;
    else if (!strcmp(key, "source") || !strcmp(key, "src"))
        m->source = value;
    else if (!strcmp(key, "target") || !strcmp(key, "destination") || !strcmp(key, "dst"))
        m->target = value;
    else if (!strcmp(key, "bind-propagation"))
        m->propagation = value;
    else if (!strcmp(key, "volume-driver"))
        m->driver = value;
    else if (!strcmp(key, "volume-opt"))
        strv_add(&m->volume_opts, xstrdup(value));
    else if (!strcmp(key, "tmpfs-size"))
        m->tmpfs_size = value;
    else if (!strcmp(key, "tmpfs-mode"))
        m->tmpfs_mode = value;
    else if (strcmp(key, "consistency")) /* docker for Mac's; nothing to do on Linux */
        return hull_error_set(err, 0,
                              "invalid --mount \"%s\": unknown key \"%s\" (type, source, target, readonly, "
                              "bind-propagation, volume-nocopy, volume-opt, volume-driver, tmpfs-size, tmpfs-mode)",
                              text, key);
    return 0;
}

static int mount_tmpfs(const char *text, const struct mount_fields *m, struct engine_tmpfs *tmpfs,
                       struct hull_error **err)
{
    if (m->source)
        return hull_error_set(err, 0, "invalid --mount \"%s\": a tmpfs has no source", text);
    cleanup_free char *opts = xstrdup(m->read_only ? "ro" : "rw");
    if (m->tmpfs_size) {
        int64_t bytes;
        if (engine_parse_size("tmpfs-size", m->tmpfs_size, &bytes, err) < 0)
            return hull_error_wrap(err, "invalid --mount \"%s\"", text);
        char *grown = xasprintf("%s,size=%lld", opts, (long long)bytes);
        free(opts);
        opts = grown;
    }
    if (m->tmpfs_mode) {
        if (!*m->tmpfs_mode || strspn(m->tmpfs_mode, "01234567") != strlen(m->tmpfs_mode))
            return hull_error_set(err, 0, "invalid --mount \"%s\": tmpfs-mode \"%s\" is not octal", text, m->tmpfs_mode);
        char *grown = xasprintf("%s,mode=%s", opts, m->tmpfs_mode);
        free(opts);
        opts = grown;
    }
    cleanup_free char *spec = xasprintf("%s:%s", m->target, opts);
    if (engine_parse_tmpfs(spec, tmpfs, err) < 0)
        return hull_error_wrap(err, "invalid --mount \"%s\"", text);
    return 1;
}

int engine_parse_mount(const char *text, struct engine_bind *bind, struct engine_tmpfs *tmpfs, struct hull_error **err)
{
    memset(bind, 0, sizeof *bind);
    struct mount_fields m = {.type = "volume"};
    cleanup_strv char **fields = csv_fields(text);
    int r = 0;
    for (char **f = fields; f && *f && r == 0; f++)
        r = mount_field(text, *f, &m, err);
    cleanup_strv char **volume_opts = m.volume_opts;
    if (r < 0)
        return -1;
    bool is_bind = !strcmp(m.type, "bind"), is_volume = !strcmp(m.type, "volume"), is_tmpfs = !strcmp(m.type, "tmpfs");
    if (!is_bind && !is_volume && !is_tmpfs)
        return hull_error_set(err, 0, "invalid --mount \"%s\": type \"%s\" is not bind, volume or tmpfs", text, m.type);
    if (!m.target)
        return hull_error_set(err, 0, "invalid --mount \"%s\": target is required", text);
    if ((m.propagation && !is_bind) || ((m.nocopy || m.driver || volume_opts) && !is_volume) ||
        ((m.tmpfs_size || m.tmpfs_mode) && !is_tmpfs))
        return hull_error_set(err, 0, "invalid --mount \"%s\": an option of another type than %s", text, m.type);
    if (m.target[0] != '/')
        return hull_error_set(err, 0, "invalid --mount \"%s\": the target \"%s\" must be absolute", text, m.target);
    if (is_tmpfs)
        return mount_tmpfs(text, &m, tmpfs, err);
    if (m.driver && strcmp(m.driver, "local"))
        return hull_error_set(err, 0, "invalid --mount \"%s\": volume driver \"%s\": only local exists", text, m.driver);
    if (m.propagation && !is_propagation(m.propagation))
        return hull_error_set(err, 0, "invalid --mount \"%s\": bind-propagation \"%s\" (shared, slave, private, "
                              "rshared, rslave, rprivate)", text, m.propagation);
    if (is_bind) {
        if (!m.source || !*m.source)
            return hull_error_set(err, 0, "invalid --mount \"%s\": a bind needs a source", text);
        cleanup_free char *src = host_path(m.source);
        struct stat st;
        /* docker: -v makes a missing host path, --mount refuses it. */
        if (stat(src, &st) < 0)
            return hull_error_set(err, 0, "invalid --mount \"%s\": bind source path does not exist: %s", text, src);
    } else if (m.source && *m.source && (m.source[0] == '/' || m.source[0] == '.')) {
        return hull_error_set(err, 0, "invalid --mount \"%s\": a volume source is a name; use type=bind for a host path",
                              text);
    }
    if (m.source && *m.source && set_source("--mount", text, m.source, bind, err) < 0)
        return -1;
    if (!m.source || !*m.source) {
        bind->kind = ENGINE_MOUNT_VOLUME;
        bind->anonymous = true;
    }
    if (check_destination("--mount", text, m.target, &bind->destination, err) < 0) {
        engine_bind_clear(bind);
        return -1;
    }
    bind->read_only = m.read_only;
    bind->nocopy = m.nocopy;
    bind->propagation = m.propagation ? xstrdup(m.propagation) : NULL;
    bind->volume_opts = steal_pointer(&volume_opts);
    bind->mode = xstrdup("");
    return 0;
}

/* ---- making them ---- */

void engine_mounts_made_clear(struct engine_mounts_made *made)
{
    strv_free(made->volumes);
    strv_free(made->dirs);
    made->volumes = made->dirs = NULL;
}

void engine_mounts_undo(const char *root, struct engine_mounts_made *made)
{
    for (char **v = made->volumes; v && *v; v++) {
        cleanup_error struct hull_error *ignored = NULL;
        volume_remove(root, *v, &ignored);
    }
    for (char **d = made->dirs; d && *d; d++) {
        cleanup_error struct hull_error *ignored = NULL;
        rm_rf(*d, &ignored);
    }
    engine_mounts_made_clear(made);
}

/* -v HOST: docker makes a missing HOST (a directory, with its parents). */
static int make_host_dir(const char *path, struct engine_mounts_made *made, struct hull_error **err)
{
    struct stat st;
    if (lstat(path, &st) == 0)
        return 0;
    /* The topmost directory that will be new: what undo removes. */
    cleanup_free char *top = xstrdup(path);
    for (;;) {
        char *slash = strrchr(top, '/');
        if (!slash || slash == top)
            break;
        *slash = '\0';
        if (lstat(top, &st) == 0) {
            *slash = '/';
            break;
        }
    }
    if (mkdir_p(path, 0755, err) < 0)
        return hull_error_wrap(err, "make the -v host directory %s", path);
    strv_add(&made->dirs, steal_pointer(&top));
    return 0;
}

static bool dir_empty(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return false;
    bool empty = true;
    for (struct dirent *e; empty && (e = readdir(d));)
        empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
    closedir(d);
    return empty;
}

/* docker's copy-up: an empty volume gets what the image has at its path,
 * owner and mode of the directory included.  The path is resolved inside
 * the rootfs: an image's symlink must not lead to a host directory. */
static int copy_up(const char *rootfs, const char *dest, const char *volume_dir, struct hull_error **err)
{
    if (!dir_empty(volume_dir))
        return 0;
    cleanup_close int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return hull_error_set(err, errno, "open %s", rootfs);
    cleanup_error struct hull_error *missing = NULL;
    cleanup_close int fd = path_open_in_root(rootfd, dest, PATH_NO_CREATE, &missing);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
        return 0; /* nothing there in the image */
    char buf[32];
    char *layers[] = {(char *)fd_path(fd, buf), NULL};
    if (image_rootfs_flatten(layers, volume_dir, err) < 0)
        return hull_error_wrap(err, "copy the image's %s into the volume", dest);
    if (chown(volume_dir, st.st_uid, st.st_gid) < 0 || chmod(volume_dir, st.st_mode & 07777) < 0)
        return hull_error_set(err, errno, "copy the image's %s into the volume: owner and mode of %s", dest,
                              volume_dir);
    return 0;
}

static bool destination_used(const struct engine_run_config *rc, const char *dest)
{
    for (size_t i = 0; i < rc->n_binds; i++)
        if (!strcmp(rc->binds[i].destination, dest))
            return true;
    for (size_t i = 0; i < rc->n_tmpfs; i++)
        if (!strcmp(rc->tmpfs[i].destination, dest))
            return true;
    return false;
}

/* The image's VOLUMEs that no mount covers become anonymous volumes. */
static int add_image_volumes(struct engine_run_config *rc, const char *image_config_json, struct hull_error **err)
{
    struct engine_image_config img;
    if (engine_image_config_parse(image_config_json, &img, err) < 0)
        return -1;
    size_t extra = strv_length(img.volumes);
    rc->binds = xrealloc(rc->binds, (rc->n_binds + extra + 1) * sizeof *rc->binds);
    for (char **path = img.volumes; path && *path; path++) {
        if ((*path)[0] != '/')
            continue; /* docker refuses such an image at build time */
        cleanup_free char *dest = clean_path(*path);
        if (!strcmp(dest, "/") || destination_used(rc, dest))
            continue;
        struct engine_bind *b = &rc->binds[rc->n_binds++];
        memset(b, 0, sizeof *b);
        b->kind = ENGINE_MOUNT_VOLUME;
        b->anonymous = true;
        b->destination = steal_pointer(&dest); /* no mode: not the user's */
    }
    engine_image_config_clear(&img);
    return 0;
}

int engine_mounts_prepare(const char *root, struct engine_run_config *rc, const char *image_config_json,
                          const char *rootfs, struct engine_mounts_made *made, struct hull_error **err)
{
    if (add_image_volumes(rc, image_config_json, err) < 0)
        return -1;
    for (size_t i = 0; i < rc->n_binds; i++) {
        struct engine_bind *b = &rc->binds[i];
        if (b->kind == ENGINE_MOUNT_BIND) {
            struct stat st;
            if (b->create_source) {
                if (make_host_dir(b->source, made, err) < 0)
                    return -1;
            } else if (stat(b->source, &st) < 0) {
                return hull_error_set(err, errno, "bind source %s", b->source);
            }
            continue;
        }
        bool created = false;
        char *name = NULL;
        if (b->anonymous || !volume_exists(root, b->volume)) {
            if (volume_create(root, b->volume, b->volume_opts, NULL, b->anonymous, &name, &created, err) < 0)
                return -1;
            free(b->volume);
            b->volume = name;
        }
        if (created)
            strv_add(&made->volumes, xstrdup(b->volume));
        free(b->source);
        b->source = NULL;
        if (volume_mount_source(root, b->volume, &b->source, err) < 0)
            return -1;
        if (!b->nocopy && copy_up(rootfs, b->destination, b->source, err) < 0)
            return hull_error_wrap(err, "volume %s", b->volume);
    }
    return 0;
}

/* ---- --volumes-from ---- */

int engine_volumes_from(const char *root, const char *text, struct engine_run_config *rc, struct hull_error **err)
{
    cleanup_free char *name = xstrdup(text);
    int mode = -1; /* -1: as the source has it, 0: rw, 1: ro */
    char *colon = strrchr(name, ':');
    if (colon) {
        if (!strcmp(colon + 1, "ro"))
            mode = 1;
        else if (!strcmp(colon + 1, "rw"))
            mode = 0;
        else
            return hull_error_set(err, 0, "invalid --volumes-from \"%s\": the mode \"%s\" is not ro or rw", text,
                                  colon + 1);
        *colon = '\0';
    }
    cleanup_free char *id = NULL;
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_find(root, name, &id, err) < 0 || engine_record_read(root, id, &rec, err) < 0)
        return hull_error_wrap(err, "--volumes-from");
    size_t n = rec->n_mounts;
    rc->binds = xrealloc(rc->binds, (rc->n_binds + n + 1) * sizeof *rc->binds);
    for (size_t i = 0; i < n; i++) {
        const struct record_mount *m = &rec->mounts[i];
        const char *type = record_str(m->type), *dest = record_str(m->destination);
        bool volume = !strcmp(type, "volume");
        if ((!volume && strcmp(type, "bind")) || dest[0] != '/' || destination_used(rc, dest))
            continue;
        struct engine_bind *b = &rc->binds[rc->n_binds++];
        memset(b, 0, sizeof *b);
        b->kind = volume ? ENGINE_MOUNT_VOLUME : ENGINE_MOUNT_BIND;
        b->destination = xstrdup(dest);
        b->source = xstrdup(record_str(m->source));
        if (volume)
            b->volume = xstrdup(record_str(m->name));
        b->nocopy = true; /* the volume has its content: it is the other container's */
        b->read_only = mode < 0 ? !m->rw : mode == 1;
        const char *propagation = record_str(m->propagation);
        if (!volume && *propagation)
            b->propagation = xstrdup(propagation);
    }
    return 0;
}

/* ---- who uses a volume ---- */

static bool record_uses(const struct engine_record *rec, const char *name)
{
    for (size_t i = 0; i < rec->n_mounts; i++) {
        const struct record_mount *m = &rec->mounts[i];
        if (!strcmp(record_str(m->type), "volume") && !strcmp(record_str(m->name), name))
            return true;
    }
    return false;
}

int engine_volume_users(const char *root, const char *name, char ***ids, struct hull_error **err)
{
    cleanup_strv char **all = NULL;
    if (engine_record_list(root, &all, err) < 0)
        return -1;
    char **users = xmalloc0(sizeof *users);
    for (char **id = all; *id; id++) {
        cleanup_engine_record struct engine_record *rec = NULL;
        if (engine_record_read(root, *id, &rec, NULL) < 0)
            continue;
        if (record_uses(rec, name))
            strv_add(&users, xstrdup(*id));
    }
    *ids = users;
    return 0;
}

/* ---- volume ls ---- */

/* One --filter (dangling=true|false, name=SUBSTRING, label=KEY[=VALUE]:
 * docker's keys): 1 when v matches, 0 when not, -1 (err) when f is none of
 * those or cannot be checked. */
static int volume_filter(const char *root, const struct volume *v, const char *f, struct hull_error **err)
{
    const char *eq = strchr(f, '=');
    const char *value = eq ? eq + 1 : "";
    if (!strncmp(f, "dangling=", 9)) {
        bool want = !strcmp(value, "true") || !strcmp(value, "1");
        if (!want && strcmp(value, "false") && strcmp(value, "0"))
            return hull_error_set(err, 0, "invalid --filter \"%s\": dangling is true or false", f);
        cleanup_strv char **users = NULL;
        if (engine_volume_users(root, v->name, &users, err) < 0)
            return -1;
        return (users[0] == NULL) == want;
    }
    if (!strncmp(f, "name=", 5))
        return strstr(v->name, value) != NULL;
    if (!strncmp(f, "label=", 6)) {
        const char *keq = strchr(value, '=');
        cleanup_free char *key = keq ? xstrndup(value, (size_t)(keq - value)) : xstrdup(value);
        const char *have = volume_label(v, key);
        return have && (!keq || !strcmp(have, keq + 1));
    }
    return hull_error_set(err, 0, "invalid --filter \"%s\": dangling=, name= or label=", f);
}

int engine_volume_list(const char *root, char *const *filters, struct volume ***out, struct hull_error **err)
{
    cleanup_strv char **names = NULL;
    if (volume_list(root, &names, err) < 0)
        return -1;
    struct volume **list = xmalloc0((strv_length(names) + 1) * sizeof *list);
    size_t n = 0;
    for (char **name = names; *name; name++) {
        struct volume *v = NULL;
        if (volume_read(root, *name, &v, NULL) < 0)
            continue; /* removed meanwhile */
        engine_record_set_str(&v->name, *name);
        int match = 1;
        for (char *const *f = filters; match == 1 && f && *f; f++)
            match = volume_filter(root, v, *f, err);
        if (match < 0) {
            volume_free(v);
            volume_list_free(list);
            return ENGINE_VOLUME_LIST_BAD_FILTER;
        }
        if (match)
            list[n++] = v;
        else
            volume_free(v);
    }
    *out = list;
    return 0;
}

int engine_volume_create(const char *root, const char *name, char *const *opts, char *const *labels, char **name_out,
                         struct hull_error **err)
{
    cleanup_close int lock = -1;
    if (engine_records_lock(root, &lock, err) < 0)
        return -1;
    return volume_create(root, name, opts, labels, false, name_out, NULL, err);
}

int engine_volume_remove(const char *root, const char *name, bool force, bool *removed, struct hull_error **err)
{
    if (removed)
        *removed = false;
    cleanup_close int lock = -1;
    if (engine_records_lock(root, &lock, err) < 0)
        return -1;
    if (!volume_exists(root, name))
        return force ? 0 : hull_error_set(err, 0, "no such volume: %s", name);
    cleanup_strv char **users = NULL;
    if (engine_volume_users(root, name, &users, err) < 0)
        return -1;
    if (users[0]) {
        cleanup_free char *list = xstrdup("");
        for (char **u = users; *u; u++) {
            char *grown = xasprintf("%s%s%.12s", list, u == users ? "" : ", ", *u);
            free(list);
            list = grown;
        }
        return hull_error_set(err, 0, "remove %s: volume is in use - [%s]", name, list);
    }
    if (volume_remove(root, name, err) < 0)
        return -1;
    if (removed)
        *removed = true;
    return 0;
}

int engine_volume_prune(const char *root, bool all, char ***removed, unsigned long long *reclaimed,
                        struct hull_error **err)
{
    *removed = xmalloc0(sizeof **removed);
    *reclaimed = 0;
    cleanup_close int lock = -1;
    cleanup_strv char **names = NULL;
    if (engine_records_lock(root, &lock, err) < 0 || volume_list(root, &names, err) < 0)
        return -1;
    for (char **n = names; *n; n++) {
        cleanup_strv char **users = NULL;
        if ((!all && !volume_is_anonymous(root, *n)) || engine_volume_users(root, *n, &users, err) < 0 || users[0])
            continue;
        unsigned long long size = volume_size(root, *n);
        if (volume_remove(root, *n, err) < 0)
            return -1;
        *reclaimed += size;
        strv_add(removed, xstrdup(*n));
    }
    return 0;
}

void engine_remove_anonymous_volumes(const char *root, const struct engine_record *rec, const char *except_id)
{
    for (size_t i = 0; i < rec->n_mounts; i++) {
        const struct record_mount *m = &rec->mounts[i];
        const char *name = record_str(m->name);
        if (strcmp(record_str(m->type), "volume") || !volume_is_anonymous(root, name))
            continue;
        cleanup_strv char **users = NULL;
        if (engine_volume_users(root, name, &users, NULL) < 0)
            continue;
        bool others = false;
        for (char **u = users; *u; u++)
            others |= !except_id || strcmp(*u, except_id) != 0;
        cleanup_error struct hull_error *ignored = NULL;
        if (!others)
            volume_remove(root, name, &ignored);
    }
}
