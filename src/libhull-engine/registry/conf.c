/* registries.conf and certs.d: see conf.h. */
#include "conf.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/image_json.h"
#include "util/json_get.h"
#include "util/utils.h"
#include "toml.h"

#define DEFAULT_REGISTRIES_CONF "/etc/containers/registries.conf"
#define SYSTEM_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"
/* A config file is a few KB; a bigger one is a mistake. */
#define CONF_MAX (1024 * 1024)

void registries_conf_free(struct registries_conf *conf)
{
    if (!conf)
        return;
    free(conf->path);
    strv_free(conf->search);
    for (size_t i = 0; i < conf->n_entries; i++) {
        struct registry_entry *e = &conf->entries[i];
        free(e->prefix);
        free(e->location);
        for (size_t j = 0; j < e->n_mirrors; j++)
            free(e->mirrors[j].location);
        free(e->mirrors);
    }
    free(conf->entries);
    free(conf);
}

void registries_conf_freep(struct registries_conf **conf)
{
    registries_conf_free(*conf);
    *conf = NULL;
}

static struct registry_entry *add_entry(struct registries_conf *conf, const char *prefix, const char *location)
{
    conf->entries = xrealloc(conf->entries, (conf->n_entries + 1) * sizeof *conf->entries);
    struct registry_entry *e = &conf->entries[conf->n_entries++];
    memset(e, 0, sizeof *e);
    e->prefix = xstrdup(prefix ? prefix : location);
    e->location = xstrdup(location ? location : prefix);
    return e;
}

static int parse_registry(struct registries_conf *conf, struct json_object *r, size_t index, const char *what,
                          struct hull_error **err)
{
    cleanup_free char *where = xasprintf("%s: [[registry]] %zu", what, index + 1);
    if (!json_object_is_type(r, json_type_object))
        return hull_error_set(err, 0, "%s: not a table", where);
    const char *prefix, *location;
    if (json_read_str(r, "prefix", where, &prefix, err) < 0 || json_read_str(r, "location", where, &location, err) < 0)
        return -1;
    if ((!prefix || !*prefix) && (!location || !*location))
        return hull_error_set(err, 0, "%s: needs a prefix or a location", where);
    if (prefix && prefix[0] == '*' && (prefix[1] != '.' || (location && *location)))
        return hull_error_set(err, 0, "%s: a wildcard prefix must look like \"*.example.com\" and have no location",
                              where);
    struct registry_entry *e = add_entry(conf, prefix && *prefix ? prefix : NULL,
                                         location && *location ? location : NULL);
    if (json_read_bool(r, "insecure", where, &e->insecure, err) < 0 || json_read_bool(r, "blocked", where, &e->blocked, err) < 0 ||
        json_read_bool(r, "mirror-by-digest-only", where, &e->mirror_by_digest_only, err) < 0)
        return -1;
    struct json_object *mirrors;
    if (!json_object_object_get_ex(r, "mirror", &mirrors))
        return 0;
    if (!json_object_is_type(mirrors, json_type_array))
        return hull_error_set(err, 0, "%s: \"mirror\" must be an array of tables", where);
    size_t n = json_object_array_length(mirrors);
    e->mirrors = xmalloc0((n + 1) * sizeof *e->mirrors);
    for (size_t i = 0; i < n; i++) {
        struct json_object *m = json_object_array_get_idx(mirrors, i);
        cleanup_free char *mwhere = xasprintf("%s mirror %zu", where, i + 1);
        const char *mloc;
        if (!json_object_is_type(m, json_type_object))
            return hull_error_set(err, 0, "%s: not a table", mwhere);
        if (json_read_str(m, "location", mwhere, &mloc, err) < 0)
            return -1;
        if (!mloc || !*mloc)
            return hull_error_set(err, 0, "%s: needs a location", mwhere);
        /* counted as soon as it owns its location: registries_conf_free
         * frees n_mirrors of them, also after a bad "insecure" below */
        e->mirrors[i].location = xstrdup(mloc);
        e->n_mirrors++;
        if (json_read_bool(m, "insecure", mwhere, &e->mirrors[i].insecure, err) < 0)
            return -1;
    }
    return 0;
}

/* Version 1: [registries.search] registries = [...], likewise insecure and block. */
static int parse_v1(struct registries_conf *conf, struct json_object *v1, const char *what, struct hull_error **err)
{
    static const char *const tables[] = {"search", "insecure", "block"};
    for (size_t t = 0; t < ARRAY_SIZE(tables); t++) {
        struct json_object *table;
        if (!json_object_object_get_ex(v1, tables[t], &table))
            continue;
        cleanup_free char *where = xasprintf("%s: [registries.%s]", what, tables[t]);
        cleanup_strv char **list = xmalloc0(sizeof(char *));
        if (json_read_strv(table, "registries", where, &list, err) < 0)
            return -1;
        for (char **h = list; *h; h++) {
            if (t == 0) {
                size_t have = strv_length(conf->search);
                conf->search = xrealloc(conf->search, (have + 2) * sizeof(char *));
                conf->search[have] = xstrdup(*h);
                conf->search[have + 1] = NULL;
            } else {
                struct registry_entry *e = add_entry(conf, *h, NULL);
                e->insecure = t == 1;
                e->blocked = t == 2;
            }
        }
    }
    return 0;
}

int registries_conf_parse(const char *text, size_t len, const char *what, struct registries_conf **out,
                          struct hull_error **err)
{
    cleanup_json struct json_object *doc = NULL;
    if (toml_parse(text, len, what, &doc, err) < 0)
        return -1;
    struct registries_conf *conf = xmalloc0(sizeof *conf);
    conf->search = xmalloc0(sizeof(char *));
    int r = json_read_strv(doc, "unqualified-search-registries", what, &conf->search, err);
    struct json_object *regs;
    if (r == 0 && json_object_object_get_ex(doc, "registry", &regs)) {
        if (!json_object_is_type(regs, json_type_array))
            r = hull_error_set(err, 0, "%s: \"registry\" must be written [[registry]]", what);
        for (size_t i = 0; r == 0 && i < json_object_array_length(regs); i++)
            r = parse_registry(conf, json_object_array_get_idx(regs, i), i, what, err);
    }
    struct json_object *v1;
    if (r == 0 && json_object_object_get_ex(doc, "registries", &v1) && json_object_is_type(v1, json_type_object))
        r = parse_v1(conf, v1, what, err);
    if (r < 0) {
        registries_conf_free(conf);
        return -1;
    }
    *out = conf;
    return 0;
}

int registries_conf_load(struct registries_conf **out, struct hull_error **err)
{
    const char *path = getenv("HULL_REGISTRIES_CONF");
    if (!path || !*path)
        path = getenv("CONTAINERS_REGISTRIES_CONF");
    if (!path || !*path)
        path = DEFAULT_REGISTRIES_CONF;
    cleanup_free char *text = NULL;
    size_t len;
    if (access(path, F_OK) < 0 && errno == ENOENT) {
        struct registries_conf *conf = xmalloc0(sizeof *conf);
        conf->search = xmalloc0(sizeof(char *));
        *out = conf;
        return 0;
    }
    if (read_file(path, &text, &len, err) < 0)
        return hull_error_wrap(err, "cannot read the registries configuration");
    if (len > CONF_MAX)
        return hull_error_set(err, 0, "%s: too large (%zu bytes)", path, len);
    if (registries_conf_parse(text, len, path, out, err) < 0)
        return -1;
    (*out)->path = xstrdup(path);
    return 0;
}

/* The domain part of a name: up to the first '/'. */
static size_t domain_len(const char *name)
{
    const char *slash = strchr(name, '/');
    return slash ? (size_t)(slash - name) : strlen(name);
}

static bool prefix_matches(const char *prefix, const char *name)
{
    if (prefix[0] == '*') { /* "*.example.com": any subdomain, on the domain part only */
        size_t dl = domain_len(name), pl = strlen(prefix + 1);
        return dl > pl && !strncmp(name + dl - pl, prefix + 1, pl);
    }
    size_t pl = strlen(prefix);
    return !strncmp(name, prefix, pl) && (name[pl] == '\0' || name[pl] == '/');
}

const struct registry_entry *registries_conf_find(const struct registries_conf *conf, const char *name)
{
    const struct registry_entry *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; conf && i < conf->n_entries; i++) {
        const struct registry_entry *e = &conf->entries[i];
        /* A wildcard is weaker than any exact prefix of the same host. */
        size_t len = e->prefix[0] == '*' ? 1 : strlen(e->prefix) + 1;
        if (prefix_matches(e->prefix, name) && len > best_len) {
            best = e;
            best_len = len;
        }
    }
    return best;
}

bool registry_host_is_local(const char *host)
{
    cleanup_free char *h = NULL;
    if (host[0] == '[') { /* [::1]:5000 */
        const char *end = strchr(host, ']');
        h = end ? strndup(host + 1, (size_t)(end - host - 1)) : xstrdup(host);
    } else {
        const char *colon = strchr(host, ':');
        h = colon ? strndup(host, (size_t)(colon - host)) : xstrdup(host);
    }
    if (!h)
        abort();
    if (!strcmp(h, "localhost") || !strcmp(h, "::1"))
        return true;
    struct in_addr a;
    return inet_pton(AF_INET, h, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

void registry_certs_clear(struct registry_certs *c)
{
    free(c->ca_pem);
    free(c->cert_file);
    free(c->key_file);
    memset(c, 0, sizeof *c);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && !strcmp(s + n - m, suffix);
}

/* Adds dir's *.crt to *pem and takes its first NAME.cert/NAME.key pair. */
static int scan_certs_dir(const char *dir, char **pem, size_t *pem_len, struct registry_certs *out,
                          struct hull_error **err)
{
    cleanup_dir DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : hull_error_set(err, errno, "open %s", dir);
    struct dirent *de;
    while ((de = readdir(d))) {
        cleanup_free char *path = xasprintf("%s/%s", dir, de->d_name);
        if (has_suffix(de->d_name, ".crt")) {
            cleanup_free char *text = NULL;
            size_t len;
            if (read_file(path, &text, &len, err) < 0)
                return -1;
            *pem = xrealloc(*pem, *pem_len + len + 2);
            memcpy(*pem + *pem_len, text, len);
            *pem_len += len;
            (*pem)[(*pem_len)++] = '\n';
            (*pem)[*pem_len] = '\0';
        } else if (has_suffix(de->d_name, ".cert") && !out->cert_file) {
            cleanup_free char *key = xasprintf("%.*s.key", (int)(strlen(path) - 5), path);
            if (access(key, R_OK) < 0)
                return hull_error_set(err, 0, "client certificate %s has no key %s", path, key);
            out->cert_file = steal_pointer(&path);
            out->key_file = steal_pointer(&key);
        }
    }
    return 0;
}

const char *registry_certs_dir(void)
{
    const char *override = getenv("HULL_CERTS_DIR");
    return override && *override ? override : "/etc/containers/certs.d";
}

int registry_certs_load(const char *host, struct registry_certs *out, struct hull_error **err)
{
    memset(out, 0, sizeof *out);
    if (strchr(host, '/') || !strcmp(host, "..") || !strcmp(host, "."))
        return hull_error_set(err, 0, "bad registry host \"%s\"", host);
    const char *override = getenv("HULL_CERTS_DIR");
    const char *roots[] = {"/etc/containers/certs.d", "/etc/docker/certs.d"};
    size_t n_roots = ARRAY_SIZE(roots);
    if (override && *override) {
        roots[0] = override;
        n_roots = 1;
    }
    cleanup_free char *pem = NULL;
    size_t pem_len = 0;
    for (size_t i = 0; i < n_roots; i++) {
        cleanup_free char *dir = xasprintf("%s/%s", roots[i], host);
        if (scan_certs_dir(dir, &pem, &pem_len, out, err) < 0) {
            registry_certs_clear(out);
            return -1;
        }
    }
    if (pem) {
        /* docker adds certs.d CAs to the system pool rather than replacing it. */
        cleanup_free char *system = NULL;
        size_t len = 0;
        if (read_file(SYSTEM_CA_BUNDLE, &system, &len, NULL) == 0) {
            out->ca_pem = xasprintf("%s\n%s", system, pem);
        } else {
            out->ca_pem = steal_pointer(&pem);
        }
    }
    return 0;
}
