/* libhull's public interface (include/hull/hull.h) on its own: this file is
 * built with include/ as its only include path, so hull.h and error.h must be
 * self-contained, and the calls below must behave through them alone: errors
 * name the container, an empty root lists nothing, signals parse like runc. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hull/hull.h"
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

int main(void)
{
    char root[] = "/tmp/hull-api-test-XXXXXX";
    if (!mkdtemp(root))
        return 1;

    char **ids = NULL;
    struct hull_error *err = NULL;
    TAP_CHECK(hull_container_list(root, &ids, &err) == 0 && ids && !ids[0], "an empty root lists no container");
    hull_strv_free(ids);
    hull_error_freep(&err);

    char *list = NULL;
    struct hull_container_info *info = NULL;
    size_t n_info = 1;
    TAP_CHECK(hull_container_list_json(root, &list, &err) == 0 && list && !strcmp(list, "[]") &&
                  hull_container_list_info(root, &info, &n_info, &err) == 0 && n_info == 0,
              "an empty root: [] and no info");
    free(list);
    hull_container_info_free(info, n_info);
    char *features = hull_features_json(), *spec = hull_spec_default_json(false);
    TAP_CHECK(strstr(features, "\"ociVersionMax\"") && strstr(spec, "\"ociVersion\""), "features and spec JSON");
    free(features);
    free(spec);

    char *json = NULL;
    TAP_CHECK(hull_container_state_json(root, "nosuch", &json, &err) < 0 && !json && error_names(err, "nosuch"),
              "state of a missing container: an error naming it");
    hull_error_freep(&err);
    TAP_CHECK(hull_container_start(root, "nosuch", &err) < 0 && error_names(err, "nosuch"),
              "start of a missing container: an error naming it");
    hull_error_freep(&err);
    TAP_CHECK(hull_container_kill(&(struct hull_kill_opts){.root = root, .id = "nosuch", .signal = SIGTERM}, &err) <
                      0 &&
                  error_names(err, "nosuch"),
              "kill of a missing container: an error naming it");
    hull_error_freep(&err);
    char *const args[] = {"true", NULL};
    int status = -1;
    TAP_CHECK(hull_container_exec(&(struct hull_exec_opts){.root = root, .id = "nosuch", .args = args}, &status,
                                  &err) < 0 &&
                  error_names(err, "container \"nosuch\" does not exist"),
              "exec into a missing container: an error naming it");
    hull_error_freep(&err);
    TAP_CHECK(hull_container_pause(root, "../x", &err) < 0 && error_names(err, "../x"), "a bad id is refused");
    hull_error_freep(&err);
    /* A bundle without config.json: create refuses and leaves no state dir. */
    struct hull_create_opts o = {.root = root, .id = "c1", .bundle = root};
    TAP_CHECK(hull_container_create(&o, &err) < 0 && error_names(err, "config.json"),
              "create without config.json names it");
    hull_error_freep(&err);
    char state_dir[sizeof root + 8];
    snprintf(state_dir, sizeof state_dir, "%s/c1", root);
    TAP_CHECK(access(state_dir, F_OK) != 0, "the refused create left no state dir");
    struct hull_run_opts r = {.create = o};
    int code = -1;
    TAP_CHECK(hull_container_run(&r, &code, &err) < 0 && error_names(err, "config.json"),
              "run without config.json fails the same way");
    hull_error_freep(&err);

    /* Resources: flag values in runc's forms, checked once by update. */
    struct hull_resources *res = NULL;
    TAP_CHECK(hull_resources_parse(NULL, &res, &err) == 0 && res, "empty resources");
    TAP_CHECK(hull_resources_set(res, HULL_RES_MEMORY_LIMIT, "64m") == 0 &&
                  hull_resources_set(res, HULL_RES_MEMORY_SWAP, "1GiB") == 0 &&
                  hull_resources_set(res, HULL_RES_MEMORY_LIMIT, "12x") < 0 &&
                  hull_resources_set(res, HULL_RES_PIDS_LIMIT, "ten") < 0,
              "values in docker's units are taken, others refused");
    TAP_CHECK(hull_resources_set(res, HULL_RES_CPU_SHARES, "1") == 0, "an out-of-range value is set");
    TAP_CHECK(hull_container_update(root, "nosuch", res, &err) < 0 &&
                  error_names(err, "linux.resources.cpu.shares: 1 is out of range (2..262144)"),
              "update refuses it before looking for the container");
    hull_error_freep(&err);
    hull_resources_free(res);
    res = NULL;
    TAP_CHECK(hull_resources_parse("{\"cpu\": {\"period\": 5}}", &res, &err) < 0 && !res &&
                  error_names(err, "cpu.period: 5 is out of range (1000..1000000)"),
              "a LinuxResources object is checked when parsed");
    hull_error_freep(&err);
    char *stats = NULL;
    TAP_CHECK(hull_container_stats_json(root, "nosuch", &stats, &err) < 0 && !stats && error_names(err, "nosuch"),
              "stats of a missing container: an error naming it");
    hull_error_freep(&err);

    TAP_CHECK(hull_signal_parse("KILL") == SIGKILL && hull_signal_parse("SIGTERM") == SIGTERM &&
                  hull_signal_parse("9") == 9 && hull_signal_parse("NOSUCH") == -1,
              "signals parse like runc's");

    /* A front end's setup: the default root, rootless, the log. */
    char *def = state_default_root();
    bool rootless = running_rootless();
    TAP_CHECK(def && (rootless ? strlen(def) > 5 && !strcmp(def + strlen(def) - 5, "/hull") : !strcmp(def, "/run/hull")),
              "the default root is /run/hull, or .../hull rootless (got %s)", def ? def : "NULL");
    TAP_CHECK(geteuid() == 0 || rootless, "not root is rootless");
    free(def);
    seccomp_cache_set_state_root(root);
    TAP_CHECK(hull_log_to_stderr(), "without a log file, messages go to stderr");
    char log_path[sizeof root + 8];
    snprintf(log_path, sizeof log_path, "%s/log", root);
    unsetenv("HULL_DEBUG"); /* it would turn the debug lines on */
    TAP_CHECK(hull_log_init(log_path, true, false) == 0 && !hull_log_to_stderr(), "a log file is opened");
    hull_log(HULL_LOG_ERROR, "bad %s", "thing");
    hull_log(HULL_LOG_DEBUG, "not written without debug");
    char line[512] = "";
    FILE *f = fopen(log_path, "r");
    bool one_line = f && fgets(line, sizeof line, f) && !fgets(line + 256, 256, f);
    if (f)
        fclose(f);
    TAP_CHECK(one_line && strstr(line, "\"level\":\"error\"") && strstr(line, "\"msg\":\"bad thing\""),
              "an error is one json line in it, the debug line is not written (got %s)", line);
    TAP_CHECK(hull_log_init(root, false, false) < 0, "a directory is no log file");
    unlink(log_path);
    rmdir(root);
    return TAP_DONE();
}
