/* libhull-engine's public interface (include/hull/hull-engine.h) on its own:
 * this file is built with include/ as its only include path, so the public
 * headers must be self-contained, and the calls below must behave through
 * them alone: an empty root lists no container, image or volume; errors
 * name the container, name or value at fault; a volume made is listed;
 * run's checks (engine_run_flags_check) name the first bad flag in hull
 * run's order and make nothing. */
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hull/hull-engine.h"
#include "hull/util.h"
#include "../tap.h"

static bool error_names(struct hull_error *err, const char *needle)
{
    char *text = err ? hull_error_text(err) : NULL;
    bool found = text && strstr(text, needle);
    if (!found)
        printf("# got: %s\n", text ? text : "(no error)");
    free(text);
    return found;
}

/* engine_name_error_fn: counts the errors, and whether each named its name. */
struct name_errors {
    size_t n;
    bool named;
};

static void collect_error(const char *name, struct hull_error *err, void *data)
{
    struct name_errors *e = data;
    e->named = (e->n == 0 || e->named) && error_names(err, name);
    e->n++;
    hull_error_freep(&err);
}

/* engine_container_rm's callbacks: names removed, errors. */
struct rm_seen {
    size_t removed;
    struct name_errors errors;
};

static void count_removed(const char *name, void *data)
{
    (void)name;
    ((struct rm_seen *)data)->removed++;
}

static void collect_rm_error(const char *name, struct hull_error *err, void *data)
{
    collect_error(name, err, &((struct rm_seen *)data)->errors);
}

/* engine_volume_json_fn: counts the volumes, and whether each is named "data". */
struct volumes_seen {
    size_t n, stop_after;
    bool named;
    struct name_errors errors;
};

static int count_volume(struct json_object *volume, void *data)
{
    struct volumes_seen *s = data;
    struct json_object *name = NULL;
    json_object_object_get_ex(volume, "Name", &name);
    s->named = (s->n == 0 || s->named) && name && !strcmp(json_object_get_string(name), "data");
    s->n++;
    return s->stop_after && s->n == s->stop_after ? 42 : 0;
}

static void collect_volume_error(const char *name, struct hull_error *err, void *data)
{
    collect_error(name, err, &((struct volumes_seen *)data)->errors);
}

/* The first error engine_run_flags_check gives for flags set by fill, on a
 * fresh struct as `hull run` makes one; NULL when they pass. */
static char *run_check_error(const char *root, void (*fill)(struct engine_run_flags *f, void *data), void *data,
                             size_t *n_warnings)
{
    struct engine_run_flags f = {0};
    engine_run_flags_init(&f, 8);
    fill(&f, data);
    struct hull_error *err = NULL;
    char *text = engine_run_flags_check(root, root, &f, &err) < 0 ? hull_error_text(err) : NULL;
    if (n_warnings)
        *n_warnings = f.n_warnings;
    hull_error_freep(&err);
    engine_run_flags_clear(&f);
    return text;
}

/* Bad values for checks early and late in the order: which ones are set is
 * a bit mask (1 --name, 2 --network none + --ip, 4 --workdir, 8 seccomp=FILE
 * that is not a profile, 16 --restart, 32 --cpu-shares 1 (a warning only)). */
struct bad_flags {
    unsigned mask;
    const char *seccomp_file;
};

static void fill_bad(struct engine_run_flags *f, void *data)
{
    const struct bad_flags *b = data;
    struct hull_error *err = NULL;
    if (b->mask & 1)
        f->name = "bad name!";
    if (b->mask & 2) {
        engine_net_flag(&f->net, "--network", "none", &err);
        engine_net_flag(&f->net, "--ip", "10.0.0.5", &err);
    } else {
        engine_net_flag(&f->net, "--network", "none", &err);
    }
    if (b->mask & 4)
        f->rc.workdir = "relative";
    if (b->mask & 8) {
        static char opt[4200];
        snprintf(opt, sizeof opt, "seccomp=%s", b->seccomp_file);
        f->security_opts[f->n_security_opts++] = opt;
    }
    if (b->mask & 16)
        f->restart_text = "sometimes";
    if (b->mask & 32)
        f->cpu_shares_text = "1";
    hull_error_freep(&err);
}

static bool run_check_names(const char *root, unsigned mask, const char *seccomp_file, const char *needle,
                            const char *not_needle)
{
    struct bad_flags b = {mask, seccomp_file};
    char *text = run_check_error(root, fill_bad, &b, NULL);
    bool ok = text && strstr(text, needle) && !(not_needle && strstr(text, not_needle));
    if (!ok)
        printf("# flags %#x: got: %s\n", mask, text ? text : "(no error)");
    free(text);
    return ok;
}

/* engine_log_record_fn: counts the calls. */
static void count_record(const struct engine_log_record *r, void *data)
{
    (void)r;
    ++*(size_t *)data;
}

/* Entries of dir other than . and .. */
static size_t entries_in(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

int main(void)
{
    char root[] = "/tmp/hull-engine-api-test-XXXXXX";
    if (!mkdtemp(root))
        return 1;
    struct hull_error *err = NULL;

    char **ids = NULL;
    TAP_CHECK(engine_record_list(root, &ids, &err) == 0 && ids && !ids[0], "an empty root lists no container");
    strv_free(ids);

    char *id = NULL;
    TAP_CHECK(engine_record_find(root, "nosuch", &id, &err) < 0 && !id && error_names(err, "nosuch"),
              "a container that is not there: the error names it");
    hull_error_freep(&err);

    TAP_CHECK(engine_container_resolve(root, "nosuch", &id, &err) == -ENOENT && !id &&
                  error_names(err, "no such container: nosuch"),
              "resolve: a container that is not there is -ENOENT, and the error names it");
    hull_error_freep(&err);
    struct engine_record *found = NULL;
    TAP_CHECK(engine_container_lookup(root, root, "nosuch", &found, &id, &err) == -ENOENT && !found && !id &&
                  error_names(err, "no such container: nosuch"),
              "lookup: the same");
    hull_error_freep(&err);

    struct engine_record *rec = NULL;
    TAP_CHECK(engine_record_read(root, "0123456789abcdef", &rec, &err) < 0 && !rec, "no record to read");
    hull_error_freep(&err);

    TAP_CHECK(engine_name_check("web-1", &err) == 0, "a docker container name passes");
    TAP_CHECK(engine_name_check("bad name!", &err) < 0 && error_names(err, "bad name!"),
              "a bad container name: the error names it");
    hull_error_freep(&err);

    struct engine_restart_policy policy = {0};
    TAP_CHECK(engine_restart_policy_parse("on-failure:3", &policy, &err) == 0 &&
                  policy.name == ENGINE_RESTART_ON_FAILURE && policy.max_retries == 3,
              "--restart on-failure:3 parses");
    TAP_CHECK(engine_restart_policy_parse("sometimes", &policy, &err) < 0 && error_names(err, "sometimes"),
              "a bad --restart: the error names the value");
    hull_error_freep(&err);

    {
        struct engine_image_list list;
        TAP_CHECK(engine_image_list(root, NULL, &list, &err) == 0 && list.n == 0, "an empty store lists no image");
        engine_image_list_clear(&list);
        hull_error_freep(&err);
        struct engine_image_history history;
        TAP_CHECK(engine_image_history(root, "busybox:nosuch", &history, &err) < 0 &&
                      error_names(err, "busybox:nosuch"),
                  "an image that is not there: the error names it");
        hull_error_freep(&err);
        enum engine_pull_need need = ENGINE_PULL_NO;
        TAP_CHECK(engine_image_pull_wanted(root, NULL, "busybox:nosuch", &need, &err) == 0 &&
                      need == ENGINE_PULL_MISSING,
                  "an image that is not there is pulled first (--pull missing)");
        TAP_CHECK(engine_image_pull_wanted(root, "never", "busybox:nosuch", &need, &err) == 0 && need == ENGINE_PULL_NO &&
                      engine_image_pull_wanted(root, "always", "busybox:nosuch", &need, &err) == 0 &&
                      need == ENGINE_PULL_ALWAYS,
                  "--pull never and always");
        TAP_CHECK(engine_image_pull_wanted(root, "sometimes", "busybox:nosuch", &need, &err) < 0 &&
                      error_names(err, "invalid --pull \"sometimes\""),
                  "a bad --pull: the error names the value");
        hull_error_freep(&err);
        char *names[] = {"busybox:nosuch", "other:nosuch", NULL};
        struct name_errors e = {0};
        struct json_object *array = NULL;
        TAP_CHECK(engine_image_inspect_json(root, names, &array, collect_error, &e, &err) == 0 &&
                      json_object_array_length(array) == 0 && e.n == 2 && e.named,
                  "image inspect: each missing name is an error naming it, the array is empty");
        json_object_put(array);
        e = (struct name_errors){0};
        TAP_CHECK(engine_image_remove(root, names, false, NULL, NULL, collect_error, &e, &err) == 0 && e.n == 2 &&
                      e.named,
                  "rmi: each missing name is an error naming it, the others are still tried");
        TAP_CHECK(engine_image_tag(root, "busybox:nosuch", "x:1", &err) < 0 && error_names(err, "busybox:nosuch"),
                  "tag: a missing source image is named");
        hull_error_freep(&err);

        /* pull and push, one call each: a bad reference is refused before any
         * registry is asked, and neither the store nor the journal gets a line */
        struct registry_pull_result pulled;
        TAP_CHECK(engine_image_pull(root, &(struct registry_pull_opts){.reference = "bad ref!!"}, NULL, &pulled,
                                    &err) < 0 &&
                      error_names(err, "\"bad ref!!\""),
                  "pull of a bad reference: the error names it");
        hull_error_freep(&err);
        TAP_CHECK(engine_image_pull_all_tags(root, &(struct registry_pull_opts){.reference = "bad ref!!"}, NULL, NULL,
                                             NULL, &err) < 0 &&
                      error_names(err, "\"bad ref!!\""),
                  "pull -a of a bad reference: the error names it");
        hull_error_freep(&err);
        struct registry_push_result pushed;
        TAP_CHECK(engine_image_push(root, &(struct registry_push_opts){.source = "busybox:nosuch"}, NULL, &pushed,
                                    &err) < 0 &&
                      error_names(err, "busybox:nosuch"),
                  "push of an image that is not there: the error names it");
        hull_error_freep(&err);
        char events_log[4096];
        snprintf(events_log, sizeof events_log, "%s/events/events.log", root);
        TAP_CHECK(engine_image_list(root, NULL, &list, &err) == 0 && list.n == 0 && access(events_log, F_OK) < 0,
                  "after the failed pulls and push: no image, no journal line");
        engine_image_list_clear(&list);
    }

    /* hull start's one call: the lookup is the library's; exit status 1 */
    {
        struct engine_start_opts so = {.root = root, .runroot = root, .container = "nosuch", .attach = true};
        int code = 0;
        TAP_CHECK(engine_container_start(&so, &code, &err) < 0 && code == 1 &&
                      error_names(err, "no such container: nosuch"),
                  "start -a of a container that is not there: the error names it, exit status 1");
        hull_error_freep(&err);
    }

    /* one call per command: the lookup is the library's, a missing
     * container is named and nothing is made on the way */
    {
        size_t before = entries_in(root);
        struct engine_container_attach_opts ao = {.root = root, .runroot = root, .container = "nosuch"};
        int code = 0;
        TAP_CHECK(engine_container_attach(&ao, &code, &err) < 0 && code == 1 &&
                      error_names(err, "no such container: nosuch"),
                  "attach to a container that is not there: the error names it, exit status 1");
        hull_error_freep(&err);
        ao.detach_keys = "bad";
        TAP_CHECK(engine_container_attach(&ao, &code, &err) < 0 && code == 1 &&
                      error_names(err, "no such container: nosuch"),
                  "attach: the container is looked up before --detach-keys is read");
        hull_error_freep(&err);
        struct engine_top top;
        char *ps_args[] = {"-o", "pid", NULL};
        TAP_CHECK(engine_container_top(root, root, "nosuch", ps_args, &top, &err) < 0 && top.n_rows == 0 &&
                      !top.titles && error_names(err, "no such container: nosuch"),
                  "top of a container that is not there: the error names it");
        hull_error_freep(&err);
        struct engine_logs_opts lo = {.root = root, .runroot = root, .container = "nosuch", .follow = true, .tail = -1};
        size_t records = 0;
        TAP_CHECK(engine_container_logs(&lo, count_record, &records, &err) < 0 && records == 0 &&
                      error_names(err, "no such container: nosuch"),
                  "logs -f of a container that is not there: the error names it, no record, no wait");
        hull_error_freep(&err);
        char *stats_names[] = {"nosuch", NULL};
        struct engine_stats_query sq = {.root = root, .runroot = root, .names = stats_names};
        struct engine_stats_list stats = {0};
        TAP_CHECK(engine_container_stats(&sq, &stats, &err) < 0 && stats.n == 0 && !stats.entries &&
                      error_names(err, "no such container: nosuch"),
                  "stats of a container that is not there: the error names it");
        hull_error_freep(&err);
        sq.names = NULL;
        sq.all = true;
        TAP_CHECK(engine_container_stats(&sq, &stats, &err) == 0 && stats.n == 0,
                  "stats -a of an empty root: no entry (and no second waited)");
        engine_stats_list_clear(&stats);
        struct engine_isolation iso;
        TAP_CHECK(engine_container_isolation(root, root, "nosuch", &iso, &err) < 0 && !iso.report && !iso.id &&
                      error_names(err, "no such container: nosuch"),
                  "inspect --isolation of a container that is not there: the error names it");
        hull_error_freep(&err);
        TAP_CHECK(entries_in(root) == before, "attach, top, logs, stats and isolation of a missing container make nothing");
    }

    /* wait, rename, inspect, diff and commit take what the user typed and
     * look the container up themselves: a missing one is named, nothing made. */
    {
        size_t before = entries_in(root);
        int code = -7;
        TAP_CHECK(engine_container_wait(root, root, "nosuch", &code, &err) < 0 && code == -7 &&
                      error_names(err, "no such container: nosuch"),
                  "wait for a container that is not there: the error names it");
        hull_error_freep(&err);
        TAP_CHECK(engine_container_rename(root, "nosuch", "other", &err) < 0 &&
                      error_names(err, "no such container: nosuch"),
                  "rename of a container that is not there: the error names it");
        hull_error_freep(&err);
        struct json_object *json = NULL;
        TAP_CHECK(engine_container_inspect_json(root, root, "nosuch", &json, &err) < 0 && !json &&
                      error_names(err, "no such container: nosuch"),
                  "inspect of a container that is not there: the error names it");
        hull_error_freep(&err);
        TAP_CHECK(engine_container_diff(root, "nosuch", NULL, NULL, &err) < 0 &&
                      error_names(err, "no such container: nosuch"),
                  "diff of a container that is not there: the error names it");
        hull_error_freep(&err);
        char new_id[DIGEST_STR_SIZE] = "";
        TAP_CHECK(engine_container_commit(root, "nosuch", &(struct image_commit_opts){0}, new_id, &err) < 0 &&
                      !new_id[0] && error_names(err, "no such container: nosuch"),
                  "commit of a container that is not there: the error names it");
        hull_error_freep(&err);
        cleanup_free char *out_tar = xasprintf("%s/../export-out.tar", root);
        TAP_CHECK(engine_container_export(root, "nosuch", out_tar, &err) < 0 &&
                      error_names(err, "no such container: nosuch") && access(out_tar, F_OK) < 0,
                  "export of a container that is not there: the error names it, no output file is made");
        hull_error_freep(&err);
        TAP_CHECK(engine_container_copy(root, "nosuch", "/etc/hostname", "/tmp", true, false, false, &err) < 0 &&
                      error_names(err, "no such container: nosuch"),
                  "cp into a container that is not there: the error names it");
        hull_error_freep(&err);
        TAP_CHECK(entries_in(root) == before,
                  "wait, rename, inspect, diff, commit, export and cp of a missing container make nothing");
    }

    /* rm, stop and kill, one call each: a container that is not there is
     * named (stop and kill take the id rm and the CLI resolved: one without
     * a record is named too), -f says nothing about it, and the journal gets
     * no line */
    {
        char *names[] = {"nosuch", "other", NULL};
        struct rm_seen seen = {0};
        TAP_CHECK(engine_container_rm(root, root, names, false, false, count_removed, collect_rm_error, &seen) < 0 &&
                      seen.errors.n == 2 && seen.errors.named && seen.removed == 0,
                  "rm: each missing name is an error naming it");
        seen = (struct rm_seen){0};
        TAP_CHECK(engine_container_rm(root, root, names, true, true, count_removed, collect_rm_error, &seen) == 0 &&
                      seen.errors.n == 0 && seen.removed == 0,
                  "rm -f -v: missing names are left out silently");
        const char *id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        TAP_CHECK(engine_container_kill(root, root, id, 9, &err) < 0 && error_names(err, "container 0123456789ab"),
                  "kill of an id without a container: the error names it");
        hull_error_freep(&err);
        TAP_CHECK(engine_container_stop(root, root, id, 1, &err) < 0 && error_names(err, "container 0123456789ab"),
                  "stop of an id without a container: the error names it");
        hull_error_freep(&err);
        char events_log[4096];
        snprintf(events_log, sizeof events_log, "%s/events/events.log", root);
        TAP_CHECK(access(events_log, F_OK) < 0, "no journal line for any of them");
    }

    /* run's checks, one call: the first bad flag in hull run's order is the
     * one named, whatever else is bad, and nothing is made on the way */
    {
        char seccomp_file[] = "/tmp/hull-engine-api-seccomp-XXXXXX";
        int fd = mkstemp(seccomp_file);
        TAP_CHECK(fd >= 0 && write(fd, "not a profile", 13) == 13, "a seccomp file that is not a profile");
        if (fd >= 0)
            close(fd);
        size_t before = entries_in(root);
        TAP_CHECK(run_check_names(root, 1 | 2 | 4 | 8 | 16, seccomp_file, "bad name!", NULL),
                  "run checks: --name first");
        TAP_CHECK(run_check_names(root, 2 | 4 | 8 | 16, seccomp_file, "--ip", NULL),
                  "then the networks (--network none with --ip)");
        TAP_CHECK(run_check_names(root, 4 | 8 | 16, seccomp_file, "--workdir", NULL), "then --workdir");
        TAP_CHECK(run_check_names(root, 8 | 16, seccomp_file, "seccomp profile", "sometimes"),
                  "then the seccomp profile, before --restart");
        TAP_CHECK(run_check_names(root, 16, seccomp_file, "sometimes", NULL), "--restart alone is named");
        TAP_CHECK(entries_in(root) == before, "failed checks leave nothing in the root");
        unlink(seccomp_file);
        if (geteuid() == 0) {
            struct bad_flags b = {32, NULL};
            size_t n_warnings = 0;
            char *text = run_check_error(root, fill_bad, &b, &n_warnings);
            TAP_CHECK(!text && n_warnings == 1, "--cpu-shares 1 passes with docker's warning, for the caller to print");
            free(text);
        }
    }

    char *made = NULL;
    struct volume **listed = NULL;
    TAP_CHECK(engine_volume_create(root, "data", NULL, NULL, &made, &err) == 0 && made && !strcmp(made, "data") &&
                  engine_volume_list(root, NULL, &listed, &err) == 0 && listed[0] &&
                  !strcmp(listed[0]->name, "data") && !listed[1],
              "a volume made is listed");
    free(made);
    volume_list_free(listed);
    {
        char *names[] = {"data", "nosuch", "data", NULL};
        struct volumes_seen seen = {0};
        TAP_CHECK(engine_volume_inspect_json(root, names, count_volume, collect_volume_error, &seen) == 0 &&
                      seen.n == 2 && seen.named && seen.errors.n == 1 && seen.errors.named,
                  "volume inspect: each volume's object by its name, the missing one an error naming it");
        seen = (struct volumes_seen){.stop_after = 1};
        TAP_CHECK(engine_volume_inspect_json(root, names, count_volume, collect_volume_error, &seen) == 42 &&
                      seen.n == 1 && seen.errors.n == 0,
                  "volume inspect: the caller's non-zero return stops the walk and is returned");
    }
    bool removed = false;
    TAP_CHECK(engine_volume_remove(root, "data", false, &removed, &err) == 0 && removed &&
                  engine_volume_list(root, NULL, &listed, &err) == 0 && !listed[0],
              "and removed");
    volume_list_free(listed);
    TAP_CHECK(engine_volume_remove(root, "nosuch", false, &removed, &err) < 0 && !removed &&
                  error_names(err, "nosuch"),
              "a volume that is not there: the error names it");
    hull_error_freep(&err);
    TAP_CHECK(engine_volume_remove(root, "nosuch", true, &removed, &err) == 0 && !removed && !err,
              "rm -f of a volume that is not there: no error, nothing removed");
    hull_error_freep(&err);

    char *cmd = NULL;
    if (asprintf(&cmd, "rm -rf '%s'", root) > 0 && system(cmd) != 0)
        printf("# could not remove %s\n", root);
    free(cmd);
    return TAP_DONE();
}
