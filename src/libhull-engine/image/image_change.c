/* The image config's editor: docker's --change instructions (import, commit)
 * and commit's edit of its base image's config.  The document is edited in
 * place, so the members hull does not know are kept as they were, in their
 * order; it is the one place where an image config is changed as JSON. */
#include "image_change.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/duration.h"
#include "util/utils.h"
#include "image_json.h"

/* Splits "A=1 B=\"two words\"" into words, honouring double and single quotes. */
static char **split_words(const char *s)
{
    size_t n = 0;
    char **words = xmalloc0(sizeof(char *));
    while (*s) {
        while (isspace((unsigned char)*s))
            s++;
        if (!*s)
            break;
        char *word = xmalloc0(strlen(s) + 1);
        size_t len = 0;
        char quote = 0;
        for (; *s && (quote || !isspace((unsigned char)*s)); s++) {
            if (quote && *s == quote) {
                quote = 0;
            } else if (!quote && (*s == '"' || *s == '\'')) {
                quote = *s;
            } else if (*s == '\\' && s[1] && quote != '\'') {
                word[len++] = *++s;
            } else {
                word[len++] = *s;
            }
        }
        words = xrealloc(words, (n + 2) * sizeof(char *));
        words[n++] = word;
        words[n] = NULL;
    }
    return words;
}

/* CMD/ENTRYPOINT: the JSON (exec) form, or the shell form wrapped in /bin/sh -c. */
static int command_value(const char *arg, struct json_object **out, struct hull_error **err)
{
    const char *p = arg;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '[') {
        struct json_object *v = json_tokener_parse(p);
        if (!v || !json_object_is_type(v, json_type_array)) {
            if (v)
                json_object_put(v);
            return hull_error_set(err, 0, "\"%s\" is not a JSON array of strings", arg);
        }
        for (size_t i = 0; i < json_object_array_length(v); i++)
            if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string)) {
                json_object_put(v);
                return hull_error_set(err, 0, "\"%s\" is not a JSON array of strings", arg);
            }
        *out = v;
        return 0;
    }
    struct json_object *v = json_object_new_array();
    json_object_array_add(v, json_object_new_string("/bin/sh"));
    json_object_array_add(v, json_object_new_string("-c"));
    json_object_array_add(v, json_object_new_string(p));
    *out = v;
    return 0;
}

static struct json_object *ensure_object(struct json_object *parent, const char *key)
{
    struct json_object *o = json_get_object(parent, key);
    if (!o) {
        o = json_object_new_object();
        json_object_object_add(parent, key, o);
    }
    return o;
}

static void env_set(struct json_object *config, const char *key, const char *value)
{
    struct json_object *env = json_get_array(config, "Env");
    if (!env) {
        env = json_object_new_array();
        json_object_object_add(config, "Env", env);
    }
    cleanup_free char *entry = xasprintf("%s=%s", key, value);
    size_t klen = strlen(key);
    for (size_t i = 0; i < json_object_array_length(env); i++) {
        const char *e = json_object_get_string(json_object_array_get_idx(env, i));
        if (e && !strncmp(e, key, klen) && e[klen] == '=') {
            json_object_array_put_idx(env, i, json_object_new_string(entry));
            return;
        }
    }
    json_object_array_add(env, json_object_new_string(entry));
}

/* KEY=VALUE pairs, or docker's legacy "KEY VALUE" single pair. */
static int apply_pairs(struct json_object *config, const char *kw, const char *arg, struct hull_error **err)
{
    cleanup_strv char **words = split_words(arg);
    if (!words[0])
        return hull_error_set(err, 0, "%s needs at least one KEY=VALUE", kw);
    bool is_env = !strcmp(kw, "ENV");
    if (!strchr(words[0], '=')) {
        const char *space = arg + strspn(arg, " \t") + strlen(words[0]);
        const char *value = space + strspn(space, " \t");
        if (is_env)
            env_set(config, words[0], value);
        else
            json_object_object_add(ensure_object(config, "Labels"), words[0], json_object_new_string(value));
        return 0;
    }
    for (char **w = words; *w; w++) {
        char *eq = strchr(*w, '=');
        if (!eq || eq == *w)
            return hull_error_set(err, 0, "%s: \"%s\" is not KEY=VALUE", kw, *w);
        *eq = '\0';
        if (is_env)
            env_set(config, *w, eq + 1);
        else
            json_object_object_add(ensure_object(config, "Labels"), *w, json_object_new_string(eq + 1));
    }
    return 0;
}

/* HEALTHCHECK [--interval=D] [--timeout=D] [--start-period=D] [--retries=N] CMD command|["exe", ...]
 * or HEALTHCHECK NONE: docker's Healthcheck object (durations in ns). */
static int apply_healthcheck(struct json_object *config, const char *arg, struct hull_error **err)
{
    struct json_object *hc = json_object_new_object();
    const char *p = arg;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (strncmp(p, "--", 2))
            break;
        size_t len = strcspn(p, " \t");
        cleanup_free char *opt = xasprintf("%.*s", (int)len, p);
        p += len;
        char *eq = strchr(opt, '=');
        if (!eq) {
            json_object_put(hc);
            return hull_error_set(err, 0, "HEALTHCHECK option %s needs =VALUE", opt);
        }
        *eq = '\0';
        static const char *const names[][2] = {
            {"--interval", "Interval"}, {"--timeout", "Timeout"}, {"--start-period", "StartPeriod"},
            {"--start-interval", "StartInterval"}, {"--retries", "Retries"}};
        size_t k = 0;
        for (; k < ARRAY_SIZE(names) && strcmp(opt, names[k][0]); k++)
            ;
        int64_t v;
        bool ok = k < ARRAY_SIZE(names) &&
                  (strcmp(opt, "--retries") ? parse_go_duration(eq + 1, &v) : parse_int64(eq + 1, &v)) && v >= 0;
        if (!ok) {
            json_object_put(hc);
            return hull_error_set(err, 0, "HEALTHCHECK option %s=%s: want --interval, --timeout, --start-period or "
                                  "--start-interval with a duration, --retries with a number", opt, eq + 1);
        }
        json_object_object_add(hc, names[k][1], json_object_new_int64(v));
    }
    struct json_object *test = json_object_new_array();
    size_t kwlen = strcspn(p, " \t");
    if (kwlen == 4 && !strncasecmp(p, "NONE", 4) && !p[4 + strspn(p + 4, " \t")]) {
        json_object_array_add(test, json_object_new_string("NONE"));
    } else if (kwlen == 3 && !strncasecmp(p, "CMD", 3) && p[3 + strspn(p + 3, " \t")]) {
        const char *cmd = p + 3 + strspn(p + 3, " \t");
        if (*cmd == '[') {
            struct json_object *v;
            if (command_value(cmd, &v, err) < 0) {
                json_object_put(test);
                json_object_put(hc);
                return -1;
            }
            json_object_array_add(test, json_object_new_string("CMD"));
            for (size_t i = 0; i < json_object_array_length(v); i++)
                json_object_array_add(test, json_object_get(json_object_array_get_idx(v, i)));
            json_object_put(v);
        } else {
            json_object_array_add(test, json_object_new_string("CMD-SHELL"));
            json_object_array_add(test, json_object_new_string(cmd));
        }
    } else {
        json_object_put(test);
        json_object_put(hc);
        return hull_error_set(err, 0, "HEALTHCHECK wants [OPTIONS] CMD COMMAND or NONE");
    }
    json_object_object_add(hc, "Test", test);
    json_object_object_add(config, "Healthcheck", hc);
    return 0;
}

int image_config_apply_change(struct json_object *config, const char *change, struct hull_error **err)
{
    while (isspace((unsigned char)*change))
        change++;
    size_t kwlen = strcspn(change, " \t");
    char kw[16];
    if (kwlen == 0 || kwlen >= sizeof kw)
        return hull_error_set(err, 0, "invalid change \"%s\": want INSTRUCTION ARGUMENTS", change);
    for (size_t i = 0; i < kwlen; i++)
        kw[i] = toupper((unsigned char)change[i]);
    kw[kwlen] = '\0';
    const char *arg = change + kwlen;
    while (isspace((unsigned char)*arg))
        arg++;
    int r = 0;
    if (!strcmp(kw, "CMD") || !strcmp(kw, "ENTRYPOINT")) {
        struct json_object *v;
        r = command_value(arg, &v, err);
        if (r == 0)
            json_object_object_add(config, !strcmp(kw, "CMD") ? "Cmd" : "Entrypoint", v);
    } else if (!strcmp(kw, "ENV") || !strcmp(kw, "LABEL")) {
        r = apply_pairs(config, kw, arg, err);
    } else if (!strcmp(kw, "WORKDIR") || !strcmp(kw, "USER") || !strcmp(kw, "STOPSIGNAL")) {
        if (!*arg)
            return hull_error_set(err, 0, "invalid change \"%s\": %s needs a value", change, kw);
        const char *key = !strcmp(kw, "WORKDIR") ? "WorkingDir" : !strcmp(kw, "USER") ? "User" : "StopSignal";
        json_object_object_add(config, key, json_object_new_string(arg));
    } else if (!strcmp(kw, "HEALTHCHECK")) {
        r = apply_healthcheck(config, arg, err);
    } else if (!strcmp(kw, "EXPOSE")) {
        cleanup_strv char **ports = split_words(arg);
        for (char **p = ports; *p; p++) {
            cleanup_free char *key = strchr(*p, '/') ? xstrdup(*p) : xasprintf("%s/tcp", *p);
            json_object_object_add(ensure_object(config, "ExposedPorts"), key, json_object_new_object());
        }
    } else if (!strcmp(kw, "VOLUME")) {
        struct json_object *list = NULL;
        if (*arg == '[') {
            if (command_value(arg, &list, err) < 0)
                return hull_error_wrap(err, "invalid change \"%s\"", change);
        }
        cleanup_strv char **words = list ? NULL : split_words(arg);
        size_t n = list ? json_object_array_length(list) : strv_length(words);
        for (size_t i = 0; i < n; i++) {
            const char *v = list ? json_object_get_string(json_object_array_get_idx(list, i)) : words[i];
            json_object_object_add(ensure_object(config, "Volumes"), v, json_object_new_object());
        }
        if (list)
            json_object_put(list);
    } else {
        return hull_error_set(err, 0,
                              "invalid change \"%s\": %s is not one of CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, "
                              "LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR",
                              change, kw);
    }
    if (r < 0)
        return hull_error_wrap(err, "invalid change \"%s\"", change);
    return 0;
}

int image_changes_config(char *const *changes, char **text_out, struct hull_error **err)
{
    cleanup_json struct json_object *cc = json_object_new_object();
    for (char *const *c = changes; c && *c; c++)
        if (image_config_apply_change(cc, *c, err) < 0)
            return -1;
    *text_out = xstrdup(json_object_to_json_string_ext(cc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    return 0;
}

struct image_config_edit {
    struct json_object *doc;
};

void image_config_edit_free(struct image_config_edit *e)
{
    if (!e)
        return;
    json_object_put(e->doc);
    free(e);
}

void image_config_edit_freep(struct image_config_edit **e)
{
    image_config_edit_free(*e);
}

int image_config_edit_open(const char *text, size_t len, struct image_config_edit **out, struct hull_error **err)
{
    struct json_object *doc;
    if (image_json_parse(text, len, "config", &doc, err) < 0)
        return -1;
    *out = xmalloc0(sizeof **out);
    (*out)->doc = doc;
    return 0;
}

int image_config_edit_changes(struct image_config_edit *e, char *const *changes, struct hull_error **err)
{
    struct json_object *cc = json_get_object(e->doc, "config");
    if (!cc) {
        cc = json_object_new_object();
        json_object_object_add(e->doc, "config", cc);
    }
    for (char *const *c = changes; c && *c; c++)
        if (image_config_apply_change(cc, *c, err) < 0)
            return -1;
    return 0;
}

int image_config_edit_add_layer(struct image_config_edit *e, const char *author, const char *diff_id,
                                const struct oci_history_entry *h, const char *image_id, struct hull_error **err)
{
    json_object_object_add(e->doc, "created", json_object_new_string(h->created));
    if (author)
        json_object_object_add(e->doc, "author", json_object_new_string(author));
    struct json_object *rootfs = json_get_object(e->doc, "rootfs");
    struct json_object *diff_ids = json_get_array(rootfs, "diff_ids");
    if (!diff_ids)
        return hull_error_set(err, 0, "image %s: its config has no rootfs.diff_ids", image_id);
    json_object_array_add(diff_ids, json_object_new_string(diff_id));
    struct json_object *history = json_get_array(e->doc, "history");
    if (!history) {
        history = json_object_new_array();
        json_object_object_add(e->doc, "history", history);
    }
    json_object_array_add(history, oci_history_entry_json(h));
    return 0;
}

const char *image_config_edit_text(struct image_config_edit *e)
{
    return json_object_to_json_string_ext(e->doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

const char *image_config_edit_get(struct image_config_edit *e, const char *key)
{
    return json_get_string(e->doc, key);
}
