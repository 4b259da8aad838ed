/* hull: the CDI spec directories (engine_cdi_spec.h): every spec file of
 * them read, the names vendor/class=device they define, and why a name
 * resolves to nothing (a skipped file, a conflict). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine_cdi_spec.h"
#include "util/utils.h"

struct cdi_entry {
    char *name; /* vendor/class=device */
    const struct cdi_spec *spec;
    const struct cdi_device *device;
    size_t priority;
    char *conflict; /* another spec of the same directory defining it; then it is not used */
};

struct cdi_skipped {
    char *kind; /* NULL: not readable */
    char *error;
};

struct cdi_registry {
    char *dirs;
    struct cdi_spec **specs;
    size_t n_specs;
    struct cdi_entry *entries;
    size_t n_entries;
    struct cdi_skipped *skipped;
    size_t n_skipped;
};

static struct cdi_entry *find_entry(const struct cdi_registry *reg, const char *name)
{
    for (size_t i = 0; i < reg->n_entries; i++)
        if (!strcmp(reg->entries[i].name, name))
            return &reg->entries[i];
    return NULL;
}

/* The reference library's cache: a later directory replaces, the same
 * directory conflicts (and the conflict stands even if a later directory
 * defines the device again, as there). */
static void add_spec(struct cdi_registry *reg, struct cdi_spec *spec, size_t priority)
{
    reg->specs = xrealloc(reg->specs, (reg->n_specs + 1) * sizeof *reg->specs);
    reg->specs[reg->n_specs++] = spec;
    for (size_t i = 0; i < spec->n_devices; i++) {
        cleanup_free char *name = xasprintf("%s=%s", spec->kind, spec->devices[i].name);
        struct cdi_entry *e = find_entry(reg, name);
        if (e && e->priority == priority) {
            if (!e->conflict)
                e->conflict = xasprintf("%s and %s", e->spec->path, spec->path);
            continue;
        }
        if (!e) {
            reg->entries = xrealloc(reg->entries, (reg->n_entries + 1) * sizeof *reg->entries);
            e = &reg->entries[reg->n_entries++];
            memset(e, 0, sizeof *e);
            e->name = steal_pointer(&name);
        }
        e->spec = spec;
        e->device = &spec->devices[i];
        e->priority = priority;
    }
}

static bool spec_file_name(const char *name)
{
    size_t len = strlen(name);
    return (len > 5 && !strcmp(name + len - 5, ".json")) || (len > 5 && !strcmp(name + len - 5, ".yaml"));
}

struct cdi_registry *cdi_registry_load(const char *dirs)
{
    struct cdi_registry *reg = xmalloc0(sizeof *reg);
    reg->dirs = xstrdup(dirs);
    cleanup_free char *copy = xstrdup(dirs);
    char *save = NULL;
    size_t priority = 0;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save), priority++) {
        struct dirent **names = NULL;
        int n = scandir(dir, &names, NULL, alphasort);
        for (int i = 0; i < n; i++) {
            cleanup_free char *path = xasprintf("%s/%s", dir, names[i]->d_name);
            struct stat st;
            if (spec_file_name(names[i]->d_name) && stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
                struct cdi_spec *spec = NULL;
                cleanup_error struct hull_error *err = NULL;
                char *kind = NULL;
                if (cdi_spec_read(path, &spec, &kind, &err) == 0) {
                    add_spec(reg, spec, priority);
                } else {
                    reg->skipped = xrealloc(reg->skipped, (reg->n_skipped + 1) * sizeof *reg->skipped);
                    reg->skipped[reg->n_skipped++] = (struct cdi_skipped){kind, hull_error_text(err)};
                }
            }
            free(names[i]);
        }
        free(names);
    }
    return reg;
}

void cdi_registry_free(struct cdi_registry *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->n_entries; i++)
        free(reg->entries[i].name), free(reg->entries[i].conflict);
    for (size_t i = 0; i < reg->n_specs; i++)
        cdi_spec_free(reg->specs[i]);
    for (size_t i = 0; i < reg->n_skipped; i++)
        free(reg->skipped[i].kind), free(reg->skipped[i].error);
    free(reg->entries), free(reg->specs), free(reg->skipped), free(reg->dirs);
    free(reg);
}

int cdi_registry_resolve(const struct cdi_registry *reg, const char *name, const struct cdi_spec **spec,
                         const struct cdi_device **device, struct hull_error **err)
{
    const struct cdi_entry *e = find_entry(reg, name);
    if (e && e->conflict)
        return hull_error_set(err, 0, "invalid --device \"%s\": CDI device %s is defined in both %s (the same "
                              "directory: neither is used)", name, name, e->conflict);
    if (e) {
        *spec = e->spec;
        *device = e->device;
        return 0;
    }
    cleanup_free char *kind = xstrdup(name);
    char *eq = strchr(kind, '=');
    if (eq)
        *eq = '\0';
    const char *dev = eq ? eq + 1 : "";
    bool kind_seen = false;
    for (size_t i = 0; i < reg->n_specs; i++)
        kind_seen |= !strcmp(reg->specs[i]->kind, kind);
    /* A skipped file of that kind is most likely why; else one whose kind
     * could not even be read. */
    const struct cdi_skipped *why = NULL;
    for (size_t i = 0; i < reg->n_skipped && !why; i++)
        if (reg->skipped[i].kind && !strcmp(reg->skipped[i].kind, kind))
            why = &reg->skipped[i];
    for (size_t i = 0; i < reg->n_skipped && !why; i++)
        if (!reg->skipped[i].kind)
            why = &reg->skipped[i];
    cleanup_free char *because = why ? xasprintf(" (skipped %s)", why->error) : xstrdup("");
    if (kind_seen)
        return hull_error_set(err, 0, "invalid --device \"%s\": no device \"%s\" in the CDI specs of %s%s", name,
                              dev, kind, because);
    return hull_error_set(err, 0, "invalid --device \"%s\": no CDI spec of kind %s in %s%s", name, kind, reg->dirs,
                          because);
}
