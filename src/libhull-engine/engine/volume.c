/* hull: volumes of docker's local driver (see volume.h). */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "events.h"
#include "record.h"
#include "util/utils.h"
#include "volume.h"

bool volume_name_valid(const char *name)
{
    static const char first[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    size_t len = strlen(name);
    return len >= 2 && strchr(first, name[0]) && name[0] &&
           strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == len;
}

static char *volumes_dir(const char *root)
{
    return xasprintf("%s/volumes", root);
}

static char *volume_dir(const char *root, const char *name)
{
    return xasprintf("%s/volumes/%s", root, name);
}

char *volume_mountpoint(const char *root, const char *name)
{
    return xasprintf("%s/volumes/%s/_data", root, name);
}

bool volume_exists(const char *root, const char *name)
{
    if (!volume_name_valid(name))
        return false;
    cleanup_free char *path = xasprintf("%s/volumes/%s/volume.json", root, name);
    return access(path, F_OK) == 0;
}

/* ---- the local driver's options ---- */

/* tmpfs(5) words in o=: mount flags, and the data options passed on. */
static const struct {
    const char *name;
    unsigned long set, clear;
} mount_flags[] = {
    {"ro", MS_RDONLY, 0},        {"rw", 0, MS_RDONLY},           {"nosuid", MS_NOSUID, 0},
    {"suid", 0, MS_NOSUID},      {"nodev", MS_NODEV, 0},         {"dev", 0, MS_NODEV},
    {"noexec", MS_NOEXEC, 0},    {"exec", 0, MS_NOEXEC},         {"sync", MS_SYNCHRONOUS, 0},
    {"async", 0, MS_SYNCHRONOUS}, {"noatime", MS_NOATIME, 0},    {"atime", 0, MS_NOATIME},
    {"nodiratime", MS_NODIRATIME, 0}, {"relatime", MS_RELATIME, 0}, {"strictatime", MS_STRICTATIME, 0},
};
static const char *const tmpfs_data_keys[] = {"size", "mode", "uid", "gid", "nr_inodes", "nr_blocks", "huge", "mpol"};

/* o= of a tmpfs volume into mount flags and the data string (owned). */
static int tmpfs_options(const char *o, unsigned long *flags, char **data, struct hull_error **err)
{
    *flags = 0;
    cleanup_free char *copy = xstrdup(o ? o : "");
    cleanup_free char *out = xstrdup("");
    for (char *save = NULL, *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(w, '=');
        bool known = false;
        if (!eq) {
            for (size_t i = 0; i < ARRAY_SIZE(mount_flags); i++) {
                if (!strcmp(mount_flags[i].name, w)) {
                    *flags = (*flags | mount_flags[i].set) & ~mount_flags[i].clear;
                    known = true;
                }
            }
        } else {
            for (size_t i = 0; i < ARRAY_SIZE(tmpfs_data_keys); i++)
                known |= (size_t)(eq - w) == strlen(tmpfs_data_keys[i]) && !strncmp(w, tmpfs_data_keys[i], (size_t)(eq - w));
            if (known) {
                char *grown = xasprintf("%s%s%s", out, *out ? "," : "", w);
                free(out);
                out = grown;
            }
        }
        if (!known)
            return hull_error_set(err, 0,
                                  "unknown tmpfs option \"%s\" in o= (size, mode, uid, gid, nr_inodes, ro, nosuid, "
                                  "nodev, noexec ...)",
                                  w);
    }
    *data = steal_pointer(&out);
    return 0;
}

static bool o_has_bind(const char *o)
{
    cleanup_free char *copy = xstrdup(o ? o : "");
    for (char *save = NULL, *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
        if (!strcmp(w, "bind") || !strcmp(w, "rbind"))
            return true;
    return false;
}

/* opts ("K=V") into the volume's type, device and o, checked as the local
 * driver would. */
static int parse_options(char *const *opts, struct volume *v, struct hull_error **err)
{
    for (char *const *p = opts; p && *p; p++) {
        const char *eq = strchr(*p, '=');
        cleanup_free char *key = eq ? strndup(*p, (size_t)(eq - *p)) : xstrdup(*p);
        char **field = !strcmp(key, "type") ? &v->type : !strcmp(key, "device") ? &v->device
                       : !strcmp(key, "o")  ? &v->o
                                            : NULL;
        if (!field)
            return hull_error_set(err, 0, "invalid option \"%s\": the local driver takes type, device and o", *p);
        free(*field);
        *field = xstrdup(eq ? eq + 1 : "");
    }
    const char *type = v->type ? v->type : "", *device = v->device ? v->device : "";
    if (!v->type && !v->device && !v->o)
        return 0; /* a plain directory */
    if (!*device)
        return hull_error_set(err, 0, "missing required option \"device\" (with type and o, as for mount(8))");
    if (!*type)
        return hull_error_set(err, 0, "missing required option \"type\" (tmpfs, or none with o=bind)");
    if (!strcmp(type, "tmpfs")) {
        unsigned long flags;
        cleanup_free char *data = NULL;
        return tmpfs_options(v->o, &flags, &data, err);
    }
    if (!strcmp(type, "none") || o_has_bind(v->o)) {
        struct stat st;
        if (!o_has_bind(v->o))
            return hull_error_set(err, 0, "type=none needs o=bind (a bind volume of device %s)", device);
        if (device[0] != '/')
            return hull_error_set(err, 0, "device \"%s\" of a bind volume must be an absolute path", device);
        if (stat(device, &st) < 0)
            return hull_error_set(err, errno, "device %s of a bind volume", device);
        if (!S_ISDIR(st.st_mode))
            return hull_error_set(err, 0, "device %s of a bind volume is not a directory", device);
        return 0;
    }
    return hull_error_set(err, 0,
                          "type \"%s\" is not implemented: the local driver of hull mounts tmpfs, and host "
                          "directories with type=none o=bind",
                          type);
}

/* ---- the store ---- */

const char *volume_label(const struct volume *v, const char *key)
{
    for (size_t i = 0; i < v->n_labels; i++)
        if (!strcmp(v->labels[i].key, key))
            return v->labels[i].value;
    return NULL;
}

/* label key=value, replacing the value of a key given before */
static void set_label(struct volume *v, const char *key, const char *value)
{
    for (size_t i = 0; i < v->n_labels; i++) {
        if (!strcmp(v->labels[i].key, key)) {
            free(v->labels[i].value);
            v->labels[i].value = xstrdup(value);
            return;
        }
    }
    v->labels = xrealloc(v->labels, (v->n_labels + 1) * sizeof *v->labels);
    v->labels[v->n_labels++] = (struct volume_label){xstrdup(key), xstrdup(value)};
}

int volume_read(const char *root, const char *name, struct volume **out, struct hull_error **err)
{
    cleanup_free char *path = xasprintf("%s/volumes/%s/volume.json", root, name);
    cleanup_free char *text = NULL;
    if (!volume_name_valid(name) || read_file(path, &text, NULL, NULL) < 0)
        return hull_error_set(err, 0, "no such volume: %s", name);
    if (volume_parse(text, out) < 0)
        return hull_error_set(err, 0, "volume %s: %s is not valid JSON", name, path);
    return 0;
}

static bool same_str(const char *a, const char *b)
{
    return a ? b && !strcmp(a, b) : !b;
}

int volume_create(const char *root, const char *name, char *const *opts, char *const *labels, bool anonymous,
                  char **name_out, bool *created, struct hull_error **err)
{
    char random_name[ENGINE_ID_LEN + 1];
    if (created)
        *created = false;
    if (!name) {
        if (engine_new_id(random_name, err) < 0)
            return -1;
        name = random_name;
    }
    if (!volume_name_valid(name))
        return hull_error_set(err, 0,
                              "invalid volume name \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed, at least two "
                              "characters (a host directory needs an absolute path or one starting with .)",
                              name);
    cleanup_volume struct volume *v = xmalloc0(sizeof *v);
    if (parse_options(opts, v, err) < 0)
        return hull_error_wrap(err, "volume %s", name);
    if (volume_exists(root, name)) {
        cleanup_volume struct volume *have = NULL;
        bool any = v->type || v->device || v->o;
        bool same = volume_read(root, name, &have, err) == 0 &&
                    (!any || (same_str(v->type, have->type) && same_str(v->device, have->device) &&
                              same_str(v->o, have->o)));
        if (!same)
            return hull_error_set(err, 0, "volume %s already exists with other options", name);
        if (name_out)
            *name_out = xstrdup(name);
        return 0;
    }
    for (char *const *l = labels; l && *l; l++) {
        const char *eq = strchr(*l, '=');
        cleanup_free char *k = eq ? strndup(*l, (size_t)(eq - *l)) : xstrdup(*l);
        set_label(v, k, eq ? eq + 1 : "");
    }
    if (anonymous)
        set_label(v, VOLUME_ANONYMOUS_LABEL, "");
    cleanup_free char *top = volumes_dir(root);
    cleanup_free char *dir = volume_dir(root, name);
    v->name = xstrdup(name);
    v->driver = xstrdup("local");
    v->scope = xstrdup("local");
    v->mountpoint = volume_mountpoint(root, name);
    v->created_at = rfc3339_now();
    const char *data = v->mountpoint;
    cleanup_free char *text = volume_to_text(v);
    cleanup_free char *json_path = xasprintf("%s/volume.json", dir);
    if (mkdir_p(top, 0700, err) < 0)
        return -1;
    if (mkdir(dir, 0700) < 0)
        return hull_error_set(err, errno, "create volume %s: %s", name, dir);
    /* _data is 0755 like docker's, so a container's non-root user can reach it. */
    if (mkdir(data, 0755) < 0 || chmod(data, 0755) < 0 ||
        write_file_atomic(json_path, text, strlen(text), 0600, err) < 0) {
        hull_error_set(err, errno, "create volume %s: %s", name, data);
        cleanup_error struct hull_error *ignored = NULL;
        rm_rf(dir, &ignored);
        return -1;
    }
    if (created)
        *created = true;
    if (name_out)
        *name_out = xstrdup(name);
    struct engine_event_attr attrs[] = {{"driver", "local"}, {NULL, NULL}};
    engine_event_emit(root, "volume", "create", name, attrs);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int volume_list(const char *root, char ***names, struct hull_error **err)
{
    cleanup_free char *top = volumes_dir(root);
    size_t n = 0, cap = 8;
    char **v = xmalloc0(cap * sizeof *v);
    DIR *d = opendir(top);
    if (!d && errno != ENOENT) {
        free(v);
        return hull_error_set(err, errno, "read %s", top);
    }
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!volume_exists(root, e->d_name))
            continue; /* ".", "..", or one half made */
        if (n + 2 > cap)
            v = xrealloc(v, (cap *= 2) * sizeof *v);
        v[n++] = xstrdup(e->d_name);
    }
    if (d)
        closedir(d);
    v[n] = NULL;
    qsort(v, n, sizeof *v, cmp_str);
    *names = v;
    return 0;
}

bool volume_is_anonymous(const char *root, const char *name)
{
    cleanup_volume struct volume *v = NULL;
    return volume_read(root, name, &v, NULL) == 0 && volume_label(v, VOLUME_ANONYMOUS_LABEL);
}

static bool is_mountpoint(const char *path)
{
    struct stat a, b;
    cleanup_free char *parent = xasprintf("%s/..", path);
    return stat(path, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev;
}

int volume_mount_source(const char *root, const char *name, char **source, struct hull_error **err)
{
    cleanup_volume struct volume *v = NULL;
    if (volume_read(root, name, &v, err) < 0)
        return -1;
    const char *type = v->type ? v->type : "", *mopts = v->o ? v->o : "";
    cleanup_free char *device = xstrdup(v->device ? v->device : "");
    cleanup_free char *data = volume_mountpoint(root, name);
    if (!strcmp(type, "tmpfs")) {
        /* Mounted once and shared by every container of the volume, as
         * docker's local driver does; it stays until the volume is removed. */
        if (!is_mountpoint(data)) {
            unsigned long flags;
            cleanup_free char *mdata = NULL;
            if (tmpfs_options(mopts, &flags, &mdata, err) < 0)
                return hull_error_wrap(err, "volume %s", name);
            if (mount(device, data, "tmpfs", flags, mdata) < 0)
                return hull_error_set(err, errno, "volume %s: mount tmpfs on %s (o=%s)", name, data, mopts);
        }
    } else if (*type) {
        *source = steal_pointer(&device); /* a bind volume: the host directory itself */
        return 0;
    }
    *source = steal_pointer(&data);
    return 0;
}

int volume_remove(const char *root, const char *name, struct hull_error **err)
{
    if (!volume_exists(root, name))
        return hull_error_set(err, 0, "no such volume: %s", name);
    cleanup_free char *dir = volume_dir(root, name);
    cleanup_free char *data = volume_mountpoint(root, name);
    cleanup_free char *json_path = xasprintf("%s/volume.json", dir);
    if (is_mountpoint(data) && umount2(data, MNT_DETACH) < 0)
        return hull_error_set(err, errno, "remove volume %s: unmount %s", name, data);
    /* The description goes first: a half-removed volume is no volume. */
    if (unlink(json_path) < 0)
        return hull_error_set(err, errno, "remove volume %s: %s", name, json_path);
    if (rm_rf(dir, err) < 0)
        return hull_error_wrap(err, "remove volume %s", name);
    struct engine_event_attr attrs[] = {{"driver", "local"}, {NULL, NULL}};
    engine_event_emit(root, "volume", "destroy", name, attrs);
    return 0;
}

static unsigned long long size_total;

static int add_size(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)path;
    (void)ftw;
    if (flag == FTW_F && S_ISREG(st->st_mode))
        size_total += (unsigned long long)st->st_size;
    return 0;
}

unsigned long long volume_size(const char *root, const char *name)
{
    cleanup_free char *source = NULL;
    cleanup_volume struct volume *v = NULL;
    if (volume_read(root, name, &v, NULL) < 0 || (v->type && *v->type && strcmp(v->type, "tmpfs")))
        return 0; /* gone, or a bind volume */
    cleanup_free char *data = volume_mountpoint(root, name);
    size_total = 0;
    nftw(data, add_size, 16, FTW_PHYS | FTW_MOUNT);
    return size_total;
}
