/* The grammar is distribution/reference's (reference.go):
 *   name            := [domain '/'] path-component ['/' path-component]*
 *   domain          := domain-component ['.' domain-component]* [':' port]
 *   path-component  := alnum+ (separator alnum+)*     alnum := [a-z0-9]
 *   separator       := '.' | '_' | '__' | '-'+
 *   tag             := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 * and a name is at most 255 characters. */
#include "reference.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/utils.h"
#include "digest.h"

#define NAME_MAX_LEN 255
#define TAG_MAX_LEN 128

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* over s[0..len) */
static bool path_component_is_valid(const char *s, size_t len)
{
    size_t i = 0;
    if (len == 0 || !is_lower_alnum(s[0]))
        return false;
    while (i < len) {
        while (i < len && is_lower_alnum(s[i]))
            i++;
        if (i == len)
            return true;
        size_t sep_start = i;
        if (s[i] == '.') {
            i++;
        } else if (s[i] == '_') {
            i++;
            if (i < len && s[i] == '_')
                i++;
        } else if (s[i] == '-') {
            while (i < len && s[i] == '-')
                i++;
        } else {
            return false;
        }
        if (i == len || !is_lower_alnum(s[i]) || i == sep_start)
            return false;
    }
    return true;
}

/* host[:port], host being dot-separated [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])? labels. */
static bool domain_is_valid(const char *s, size_t len)
{
    const char *colon = memchr(s, ':', len);
    size_t host_len = colon ? (size_t)(colon - s) : len;
    if (colon) {
        size_t port_len = len - host_len - 1;
        if (port_len == 0)
            return false;
        for (size_t i = host_len + 1; i < len; i++)
            if (!isdigit((unsigned char)s[i]))
                return false;
    }
    if (host_len == 0)
        return false;
    size_t label_start = 0;
    for (size_t i = 0; i <= host_len; i++) {
        if (i < host_len && s[i] != '.') {
            if (!isalnum((unsigned char)s[i]) && s[i] != '-')
                return false;
            continue;
        }
        size_t label_len = i - label_start;
        if (label_len == 0 || s[label_start] == '-' || s[i - 1] == '-')
            return false;
        label_start = i + 1;
    }
    return true;
}

/* Docker's rule: the first component is a registry host when it has a '.' or
 * ':' or is "localhost" (or has upper case letters, which a path cannot). */
static bool looks_like_domain(const char *s, size_t len)
{
    if (memchr(s, '.', len) || memchr(s, ':', len))
        return true;
    if (len == 9 && !memcmp(s, "localhost", 9))
        return true;
    for (size_t i = 0; i < len; i++)
        if (isupper((unsigned char)s[i]))
            return true;
    return false;
}

bool image_name_is_valid(const char *name)
{
    size_t total = strlen(name);
    if (total == 0 || total > NAME_MAX_LEN)
        return false;
    const char *p = name;
    bool first = true;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        bool ok;
        if (first && slash && looks_like_domain(p, len))
            ok = domain_is_valid(p, len);
        else
            ok = path_component_is_valid(p, len);
        if (!ok)
            return false;
        if (!slash)
            return true;
        p = slash + 1;
        first = false;
    }
}

bool image_tag_is_valid(const char *tag)
{
    size_t len = strlen(tag);
    if (len == 0 || len > TAG_MAX_LEN)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = tag[i];
        bool word = isalnum((unsigned char)c) || c == '_';
        if (!(word || (i > 0 && (c == '.' || c == '-'))))
            return false;
    }
    return true;
}

void image_ref_clear(struct image_ref *ref)
{
    free(ref->name);
    free(ref->tag);
    free(ref->digest);
    ref->name = ref->tag = ref->digest = NULL;
}

int image_ref_parse(const char *text, struct image_ref *ref, struct hull_error **err)
{
    memset(ref, 0, sizeof *ref);
    if (!text || !*text)
        return hull_error_set(err, 0, "invalid reference format: empty image name");
    cleanup_free char *copy = xstrdup(text);
    char *at = strchr(copy, '@');
    if (at) {
        *at = '\0';
        if (!digest_is_valid(at + 1))
            return hull_error_set(err, 0, "invalid reference format \"%s\": bad digest \"%s\"", text, at + 1);
    }
    /* A ':' after the last '/' starts the tag; one before it belongs to a host:port. */
    char *last_slash = strrchr(copy, '/');
    char *colon = strrchr(last_slash ? last_slash : copy, ':');
    if (colon) {
        *colon = '\0';
        if (!image_tag_is_valid(colon + 1))
            return hull_error_set(err, 0, "invalid reference format \"%s\": bad tag \"%s\"", text, colon + 1);
    }
    if (!image_name_is_valid(copy)) {
        for (const char *p = copy; *p; p++)
            if (isupper((unsigned char)*p) && (!last_slash || p > last_slash))
                return hull_error_set(err, 0, "invalid reference format \"%s\": repository name must be lowercase",
                                      text);
        return hull_error_set(err, 0, "invalid reference format \"%s\"", text);
    }
    ref->name = xstrdup(copy);
    ref->tag = colon ? xstrdup(colon + 1) : (at ? NULL : xstrdup("latest"));
    ref->digest = at ? xstrdup(at + 1) : NULL;
    return 0;
}

char *image_ref_format(const struct image_ref *ref)
{
    if (ref->tag)
        return xasprintf("%s:%s", ref->name, ref->tag);
    if (ref->digest)
        return xasprintf("%s@%s", ref->name, ref->digest);
    return xstrdup(ref->name);
}

void image_name_split(const char *name, char **domain, char **path, bool *qualified)
{
    const char *slash = strchr(name, '/');
    if (slash && looks_like_domain(name, (size_t)(slash - name))) {
        *domain = strndup(name, (size_t)(slash - name));
        if (!*domain)
            abort();
        *path = xstrdup(slash + 1);
        *qualified = true;
        if (!strcmp(*domain, "index.docker.io")) {
            free(*domain);
            *domain = xstrdup(IMAGE_DOCKER_HUB);
        }
    } else {
        *domain = xstrdup(IMAGE_DOCKER_HUB);
        *path = xstrdup(name);
        *qualified = false;
    }
    if (!strcmp(*domain, IMAGE_DOCKER_HUB) && !strchr(*path, '/')) {
        char *full = xasprintf("library/%s", *path);
        free(*path);
        *path = full;
    }
}

char *image_name_familiar(const char *domain, const char *path)
{
    if (strcmp(domain, IMAGE_DOCKER_HUB))
        return xasprintf("%s/%s", domain, path);
    if (!strncmp(path, "library/", 8) && !strchr(path + 8, '/'))
        return xstrdup(path + 8);
    return xstrdup(path);
}
