/* hull: the event journal (see events.h). */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "events.h"
#include "gotemplate.h"
#include "record.h"
#include "util/log.h"
#include "util/utils.h"

static char *events_dir(const char *root)
{
    return xasprintf("%s/events", root);
}

static int64_t now_nanos(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static off_t max_size(void)
{
    const char *v = getenv("HULL_EVENTS_MAX_SIZE");
    int64_t n;
    if (v && parse_int64(v, &n) && n > 0)
        return (off_t)n;
    return ENGINE_EVENTS_DEFAULT_MAX_SIZE;
}

/* Under the journal's lock: rotation when line would take the file past
 * the limit, then the line in one write. */
static int append_line(const char *root, const char *line, struct hull_error **err)
{
    cleanup_free char *dir = events_dir(root);
    cleanup_close int lock = -1;
    if (lock_file_in_dir(dir, &lock, err) < 0)
        return -1;
    cleanup_free char *path = xasprintf("%s/events.log", dir);
    size_t len = strlen(line);
    struct stat st;
    if (stat(path, &st) == 0 && st.st_size > 0 && st.st_size + (off_t)len > max_size()) {
        cleanup_free char *old = xasprintf("%s/events.log.1", dir);
        if (rename(path, old) < 0)
            return hull_error_set(err, errno, "rotate %s", path);
    }
    cleanup_close int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return hull_error_set(err, errno, "open %s", path);
    ssize_t n = write(fd, line, len);
    if (n != (ssize_t)len)
        return hull_error_set(err, n < 0 ? errno : EIO, "write %s", path);
    return 0;
}

/* ---- the journal's line: its one serializer and its one parser ---- */

static void add_str(struct json_object *o, const char *key, const char *value)
{
    json_object_object_add(o, key, json_object_new_string(value));
}

struct json_object *engine_event_to_json(const struct engine_event *ev, bool template)
{
    struct json_object *o = json_object_new_object(), *actor = json_object_new_object(),
                       *attrs = json_object_new_object();
    for (char **a = ev->attrs; a && a[0] && a[1]; a += 2)
        add_str(attrs, a[0], a[1]); /* a key given twice: the last value, in the first one's place */
    add_str(actor, "ID", record_str(ev->id));
    json_object_object_add(actor, "Attributes", attrs);
    if (template) {
        /* docker's events.Message with its Go field names: every field there,
         * "" for those the line does not have; Attributes is a Go map */
        gotemplate_mark_map(attrs);
        add_str(o, "Status", record_str(ev->status));
        add_str(o, "ID", record_str(ev->old_id));
        add_str(o, "From", record_str(ev->from));
        add_str(o, "Type", record_str(ev->type));
        add_str(o, "Action", record_str(ev->action));
        json_object_object_add(o, "Actor", actor);
        add_str(o, "Scope", record_str(ev->scope));
        json_object_object_add(o, "Time", json_object_new_int64(ev->time));
        json_object_object_add(o, "TimeNano", json_object_new_int64(ev->time_nano));
        return o;
    }
    if (ev->status)
        add_str(o, "status", ev->status);
    if (ev->old_id)
        add_str(o, "id", ev->old_id);
    if (ev->from)
        add_str(o, "from", ev->from);
    add_str(o, "Type", record_str(ev->type));
    add_str(o, "Action", record_str(ev->action));
    json_object_object_add(o, "Actor", actor);
    if (ev->scope)
        add_str(o, "scope", ev->scope);
    json_object_object_add(o, "time", json_object_new_int64(ev->time));
    json_object_object_add(o, "timeNano", json_object_new_int64(ev->time_nano));
    return o;
}

static char *member_str(struct json_object *o, const char *key, bool keep_absent)
{
    struct json_object *v = NULL;
    if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
        return xstrdup(json_object_get_string(v));
    return keep_absent ? NULL : xstrdup("");
}

int engine_event_parse(const char *line, struct engine_event *out)
{
    *out = (struct engine_event){0};
    struct json_object *o = json_tokener_parse(line), *actor = NULL, *attrs = NULL, *t = NULL;
    if (!o || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        return -1;
    }
    out->status = member_str(o, "status", true);
    out->old_id = member_str(o, "id", true);
    out->from = member_str(o, "from", true);
    out->type = member_str(o, "Type", false);
    out->action = member_str(o, "Action", false);
    out->scope = member_str(o, "scope", true);
    if (json_object_object_get_ex(o, "Actor", &actor) && json_object_is_type(actor, json_type_object)) {
        out->id = member_str(actor, "ID", false);
        json_object_object_get_ex(actor, "Attributes", &attrs);
    } else {
        out->id = xstrdup("");
    }
    out->attrs = xmalloc0(sizeof *out->attrs);
    if (attrs && json_object_is_type(attrs, json_type_object)) {
        json_object_object_foreach(attrs, k, v)
        {
            strv_add(&out->attrs, xstrdup(k));
            strv_add(&out->attrs, xstrdup(json_object_is_type(v, json_type_string) ? json_object_get_string(v) : ""));
        }
    }
    if (json_object_object_get_ex(o, "time", &t))
        out->time = json_object_get_int64(t);
    if (json_object_object_get_ex(o, "timeNano", &t))
        out->time_nano = json_object_get_int64(t);
    json_object_put(o);
    return 0;
}

void engine_event_clear(struct engine_event *ev)
{
    free(ev->type);
    free(ev->action);
    free(ev->id);
    strv_free(ev->attrs);
    free(ev->scope);
    free(ev->status);
    free(ev->old_id);
    free(ev->from);
    *ev = (struct engine_event){0};
}

const char *engine_event_attr_value(const struct engine_event *ev, const char *key)
{
    for (char **a = ev->attrs; a && a[0] && a[1]; a += 2)
        if (!strcmp(a[0], key))
            return a[1];
    return NULL;
}

/* ---- writing ---- */

void engine_event_emit(const char *root, const char *type, const char *action, const char *id,
                       const struct engine_event_attr *attrs)
{
    int64_t t = now_nanos();
    cleanup_strv char **pairs = xmalloc0(sizeof *pairs);
    const char *from = NULL;
    for (const struct engine_event_attr *p = attrs; p && p->key; p++) {
        strv_add(&pairs, xstrdup(p->key));
        strv_add(&pairs, xstrdup(p->value ? p->value : ""));
        if (!strcmp(p->key, "image"))
            from = p->value;
    }
    struct engine_event ev = {
        .type = (char *)type,
        .action = (char *)action,
        .id = (char *)id,
        .attrs = pairs,
        .scope = (char *)"local",
        .time = t / 1000000000LL,
        .time_nano = t,
    };
    /* docker's deprecated status/id/from fields, still what old clients read */
    if (!strcmp(type, "container")) {
        ev.status = (char *)action;
        ev.old_id = (char *)id;
        ev.from = (char *)from;
    }
    struct json_object *o = engine_event_to_json(&ev, false);
    cleanup_free char *line =
        xasprintf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    cleanup_error struct hull_error *err = NULL;
    if (append_line(root, line, &err) < 0)
        log_debug("event %s %s not recorded: %s", type, action, err->msg);
}

void engine_event_container(const char *root, const struct engine_record *rec, const char *action,
                            const char *extra_key, const char *extra_value)
{
    record_map labels = rec->config.labels;
    size_t n = strv_length(labels) / 2;
    struct engine_event_attr *attrs = xmalloc0((n + 4) * sizeof *attrs);
    size_t i = 0;
    attrs[i++] = (struct engine_event_attr){"image", record_str(rec->config.image)};
    attrs[i++] = (struct engine_event_attr){"name", engine_record_short_name(rec)};
    for (char **l = labels; l && l[0] && l[1]; l += 2) {
        if (strcmp(l[0], "image") && strcmp(l[0], "name") && (!extra_key || strcmp(l[0], extra_key)))
            attrs[i++] = (struct engine_event_attr){l[0], l[1]};
    }
    if (extra_key)
        attrs[i++] = (struct engine_event_attr){extra_key, extra_value};
    engine_event_emit(root, "container", action, rec->id, attrs);
    free(attrs);
}

void engine_event_container_id(const char *root, const char *id, const char *action, const char *extra_key,
                               const char *extra_value)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(root, id, &rec, NULL) < 0) {
        struct engine_event_attr attrs[] = {{extra_key, extra_value}, {NULL, NULL}};
        engine_event_emit(root, "container", action, id, attrs);
        return;
    }
    engine_event_container(root, rec, action, extra_key, extra_value);
}

/* ---- filters ---- */

int engine_events_filter_add(struct engine_events_filter *f, const char *text, struct hull_error **err)
{
    static const char *const keys[] = {"container", "event", "image", "label", "network", "type", "volume"};
    const char *eq = strchr(text, '=');
    if (!eq || eq == text || !eq[1])
        return hull_error_set(err, 0, "invalid --filter \"%s\": want KEY=VALUE", text);
    cleanup_free char *key = xstrndup(text, (size_t)(eq - text));
    bool known = false;
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        known |= !strcmp(keys[i], key);
    if (!known)
        return hull_error_set(err, 0, "invalid --filter \"%s\": unknown key \"%s\" (container, event, image, label, "
                              "network, type, volume)", text, key);
    if (!strcmp(key, "type")) {
        static const char *const types[] = {"container", "image", "network", "volume"};
        bool ok = false;
        for (size_t i = 0; i < ARRAY_SIZE(types); i++)
            ok |= !strcmp(types[i], eq + 1);
        if (!ok)
            return hull_error_set(err, 0, "invalid --filter \"%s\": the type is container, image, network or volume",
                                  text);
    }
    strv_add(&f->keys, steal_pointer(&key));
    strv_add(&f->values, xstrdup(eq + 1));
    return 0;
}

void engine_events_filter_clear(struct engine_events_filter *f)
{
    strv_free(f->keys);
    strv_free(f->values);
    f->keys = f->values = NULL;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return *s && !strncmp(s, prefix, strlen(prefix));
}

/* "busybox:latest" -> "busybox" (not a registry's port: the last ':' after the last '/'). */
static char *strip_tag(const char *ref)
{
    char *s = xstrdup(ref);
    char *colon = strrchr(s, ':'), *slash = strrchr(s, '/');
    if (colon && (!slash || colon > slash))
        *colon = '\0';
    return s;
}

/* One filter value against the event (moby's daemon/events/filter.go). */
static bool value_matches(const char *key, const char *value, const struct engine_event *ev)
{
    const char *type = record_str(ev->type), *action = record_str(ev->action);
    const char *id = record_str(ev->id), *name = record_str(engine_event_attr_value(ev, "name"));
    if (!strcmp(key, "type"))
        return !strcmp(type, value);
    if (!strcmp(key, "event")) {
        size_t n = strcspn(action, ":");
        return !strcmp(action, value) || (strlen(value) == n && !strncmp(action, value, n));
    }
    if (!strcmp(key, "container") || !strcmp(key, "network") || !strcmp(key, "volume"))
        return has_prefix(id, value) || has_prefix(name, value);
    if (!strcmp(key, "image")) {
        const char *image = record_str(engine_event_attr_value(ev, !strcmp(type, "image") ? "name" : "image"));
        cleanup_free char *bare_id = strip_tag(id), *bare_image = strip_tag(image);
        return !strcmp(id, value) || !strcmp(image, value) || !strcmp(bare_id, value) || !strcmp(bare_image, value);
    }
    if (!strcmp(key, "label")) {
        const char *eq = strchr(value, '=');
        cleanup_free char *k = eq ? xstrndup(value, (size_t)(eq - value)) : xstrdup(value);
        const char *v = engine_event_attr_value(ev, k);
        if (!v)
            return false;
        return !eq || !strcmp(v, eq + 1);
    }
    return false;
}

bool engine_events_filter_match(const struct engine_events_filter *f, const struct engine_event *ev)
{
    for (size_t i = 0; f && f->keys && f->keys[i]; i++) {
        /* Each key once: any of its values (labels: all of them) must match. */
        bool seen = false;
        for (size_t k = 0; k < i; k++)
            seen |= !strcmp(f->keys[k], f->keys[i]);
        if (seen)
            continue;
        bool all = !strcmp(f->keys[i], "label"), any = false, every = true;
        for (size_t k = i; f->keys[k]; k++) {
            if (strcmp(f->keys[k], f->keys[i]))
                continue;
            bool m = value_matches(f->keys[k], f->values[k], ev);
            any |= m;
            every &= m;
        }
        if (all ? !every : !any)
            return false;
    }
    return true;
}

/* ---- reading ---- */

struct reader {
    const struct engine_events_query *q;
    int (*fn)(const struct engine_event *, void *);
    void *data;
    char *buf; /* an incomplete last line: a writer's line is read whole */
    size_t len;
    int stop; /* fn's non-zero return */
};

static void deliver(struct reader *r, const char *line)
{
    struct engine_event ev;
    if (engine_event_parse(line, &ev) < 0)
        return; /* a damaged line (a full disk mid-write) is skipped */
    int64_t t = ev.time_nano;
    bool in_range = (!r->q->since_given || t >= r->q->since) && (!r->q->until || t <= r->q->until);
    if (!r->stop && in_range && engine_events_filter_match(r->q->filter, &ev))
        r->stop = r->fn(&ev, r->data);
    engine_event_clear(&ev);
}

/* Reads fd to its end, delivering every whole line. */
static void drain(struct reader *r, int fd, bool deliver_lines)
{
    char chunk[8192];
    for (ssize_t n; !r->stop && (n = read(fd, chunk, sizeof chunk)) > 0;) {
        r->buf = xrealloc(r->buf, r->len + (size_t)n + 1);
        memcpy(r->buf + r->len, chunk, (size_t)n);
        r->len += (size_t)n;
        r->buf[r->len] = '\0';
        char *start = r->buf, *nl;
        while ((nl = memchr(start, '\n', r->len - (size_t)(start - r->buf)))) {
            *nl = '\0';
            if (deliver_lines)
                deliver(r, start);
            start = nl + 1;
        }
        r->len -= (size_t)(start - r->buf);
        memmove(r->buf, start, r->len);
    }
}

static ino_t fd_ino(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 ? st.st_ino : 0;
}

int engine_events_read(const char *root, const struct engine_events_query *q,
                       int (*fn)(const struct engine_event *event, void *data), void *data,
                       struct hull_error **err)
{
    cleanup_free char *dir = events_dir(root);
    if (mkdir_p(dir, 0700, err) < 0)
        return -1;
    cleanup_free char *path = xasprintf("%s/events.log", dir);
    cleanup_free char *old = xasprintf("%s/events.log.1", dir);
    /* Watched before the files are read: nothing appended meanwhile is missed. */
    cleanup_close int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (ino >= 0 && inotify_add_watch(ino, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0) {
        close(ino);
        ino = -1;
    }
    struct reader r = {.q = q, .fn = fn, .data = data};
    if (q->since_given) {
        cleanup_close int ofd = open(old, O_RDONLY | O_CLOEXEC);
        if (ofd >= 0)
            drain(&r, ofd, true);
        r.len = 0;
    }
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0)
        drain(&r, fd, q->since_given);
    int ret = 0;
    for (;;) {
        int64_t now = now_nanos();
        if (r.stop || (q->until && now >= q->until))
            break;
        /* Woken by the journal's changes; a second at most, for --until and
         * for a machine without inotify. */
        int timeout = 1000;
        if (q->until && (q->until - now) / 1000000 < timeout)
            timeout = (int)((q->until - now) / 1000000) + 1;
        struct pollfd p = {.fd = ino, .events = POLLIN};
        if (poll(&p, ino >= 0 ? 1 : 0, timeout) < 0 && errno != EINTR) {
            ret = hull_error_set(err, errno, "wait for events in %s", dir);
            break;
        }
        char events[4096];
        while (ino >= 0 && read(ino, events, sizeof events) > 0)
            ;
        /* stat first: a rotation seen here happened before the old file is
         * drained, so its last lines are read before the new file's. */
        struct stat st;
        bool replaced = stat(path, &st) == 0 && (fd < 0 || st.st_ino != fd_ino(fd));
        if (fd >= 0)
            drain(&r, fd, true);
        if (replaced) {
            /* Rotated twice since we looked: the file between is events.log.1 now. */
            cleanup_close int mid = fd >= 0 ? open(old, O_RDONLY | O_CLOEXEC) : -1;
            if (mid >= 0 && fd_ino(mid) != fd_ino(fd)) {
                r.len = 0;
                drain(&r, mid, true);
            }
            if (fd >= 0)
                close(fd);
            r.len = 0;
            fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd >= 0)
                drain(&r, fd, true);
        }
    }
    free(r.buf);
    return ret;
}
