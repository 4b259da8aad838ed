/* hull: the docker-like engine's command line.
 *
 * main.c parses the global flags and dispatches through a command table;
 * each group of commands lives in its own file (cmd_images.c, cmd_load.c ...)
 * and only parses its flags, calls the library (src/libhull-engine) and prints.  Adding a
 * command = one function here, one line in main.c's table. */
#ifndef HULL_CLI_H
#define HULL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;
#include <stdio.h>

#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

struct engine_opts {
    const char *root;    /* image store and persistent data: /var/lib/hull */
    const char *runroot; /* runtime state: /run/hull */
    bool debug;
};
extern struct engine_opts g_engine;

typedef int (*engine_command_fn)(int argc, char **argv);
struct engine_command {
    const char *name;
    engine_command_fn fn;
    const char *help;
    /* The command's options (NULL: it takes none); what the flag test feeds. */
    const struct engine_flagset *flags;
    /* For a group such as `hull image`: its commands. */
    const struct engine_command *subcommands;
};
/* `hull`'s commands and global options (commands.c). */
extern const struct engine_command engine_commands[];
extern const struct engine_flagset engine_global_flagset;
enum { ENGINE_OPT_ROOT = 1000, ENGINE_OPT_RUNROOT }; /* its --root, --runroot */

/* Runs argv[0] from table (a NULL-terminated command table); for sub-command
 * groups such as `hull image ls`.  group names the group in messages. */
int engine_dispatch(const struct engine_command *table, const char *group, int argc, char **argv);

/* ---- output (output.c) ---- */

/* One line on stderr: "hull: error: TEXT".  Returns 1 (the exit status). */
int engine_error(const struct hull_error *err);
int engine_error_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same line; returns status (docker's: 125 for an engine error in run). */
int engine_error_status(const struct hull_error *err, int status);
int engine_error_status_fmt(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "hull CMD: unknown option ..." plus the hint to use --help. Returns 125 like docker. */
int engine_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The next option of argv with docker's rules (engine_getopt.h); a bad flag
 * is printed as one line naming it (cmd names the command in the hint) and
 * '?' is returned: the caller then exits 125 (its switch's default). */
int engine_next_flag(const char *cmd, int argc, char **argv, const struct engine_flagset *flags);

/* docker's units: "4.26MB", "932kB" (decimal, 3 significant digits). Static buffer. */
const char *human_size(uint64_t bytes);
/* docker's "2 hours ago" style; "N/A" when t is 0. Static buffer. */
const char *human_since(int64_t t);
/* -t/--time of stop and restart: whole seconds, 0 to a day; false (after
 * printing the usage error) otherwise. */
bool engine_parse_stop_time(const char *cmd, const char *value, int *seconds);
/* "--format": "table" (default) or "json"; returns false (and prints) when neither. */
bool parse_format(const char *cmd, const char *value, bool *json);

/* --format of a listing (ps, volume ls): "table" (the command's own table),
 * "json" (a JSON object per line), "table TEMPLATE" (TEMPLATE's tab-separated
 * cells in a table, under headers made by running TEMPLATE on headers: an
 * object of docker's column titles, {"ID": "CONTAINER ID", ...}), or a Go
 * TEMPLATE printed once per row (gotemplate.h). */
struct engine_format {
    enum { ENGINE_FORMAT_TABLE, ENGINE_FORMAT_JSON, ENGINE_FORMAT_TEMPLATE, ENGINE_FORMAT_TABLE_TEMPLATE } kind;
    struct gotemplate *template;
    struct table *table;
    const char *cmd;
};
/* Parses value (NULL: table); prints the error and returns false when it does not parse. */
bool engine_format_parse(const char *cmd, const char *value, struct json_object *headers, struct engine_format *f);
/* One row (not the table kind): printed (json: on one line), or added to the
 * table; false after printing an error. */
bool engine_format_row(struct engine_format *f, struct json_object *row);
/* Prints the table of a "table TEMPLATE" and frees f. */
void engine_format_finish(struct engine_format *f);

/* A left-aligned table printed with three spaces between columns, like docker's tabwriter. */
struct table;
struct table *table_new(size_t columns, const char *const *headers);
void table_add(struct table *t, const char *const *cells);
void table_print(struct table *t);
void table_free(struct table *t);

/* ---- progress (progress.c) ---- */
struct image_progress;
/* A progress display on stderr when it is a terminal and quiet is false; NULL otherwise. */
struct image_progress *engine_progress_new(const char *verb, bool quiet);
void engine_progress_done(struct image_progress *p);

/* ---- registries (pull_progress.c, cmd_pull.c) ---- */
struct registry_pull_progress;
struct registry_pull_opts;
/* docker's pull display on out (per-layer lines on a terminal, one line per
 * event otherwise); NULL with quiet. */
struct registry_pull_progress *engine_pull_display_new(FILE *out, bool quiet);
/* The end of one image's display (its last redraw), ready for the next
 * image's, as done and new would leave it (pull -a). */
void engine_pull_display_reset(struct registry_pull_progress *p);
void engine_pull_display_done(struct registry_pull_progress *p);
/* Pulls and prints like `hull pull` on out; *stored_out (optional) gets the
 * name the image has in the store.  Returns the exit status (errors printed). */
int engine_pull(const struct registry_pull_opts *opts, FILE *out, bool quiet, char **stored_out);
/* hull run|create --pull POLICY ("missing" when NULL, "always", "never";
 * cmd: "run" or "create", named in messages): pulls when the policy says so; *use_ref gets the name to look the image up by after a
 * pull (NULL: use reference).  Returns the exit status (0: go on). */
int engine_image_ensure(const char *cmd, const char *policy, const char *reference, char **use_ref);

/* A container's record by name, id or unique id prefix, with State
 * refreshed from the runtime (engine_container_lookup); NULL after printing
 * the error.  *id_out (optional) gets the full id.  A command that needs
 * only the id calls engine_container_resolve. */
struct engine_record *engine_find_record(const char *text, char **id_out);

/* Runs fn on the container named by each of argv[first..argc); docker's
 * rules: each argument that worked is printed, the exit status is 1 when
 * any failed (its error printed), 0 otherwise. */
int engine_for_each_container(int first, int argc, char **argv, int (*fn)(const char *id, void *data), void *data);

/* ---- commands ---- */
int cmd_images(int argc, char **argv);
int cmd_rmi(int argc, char **argv);
int cmd_tag(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_image_inspect(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_commit(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_cp(int argc, char **argv);
int cmd_image_prune(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_logout(int argc, char **argv);
/* containers (cmd_run.c, cmd_containers.c) */
int cmd_run(int argc, char **argv);
int cmd_create(int argc, char **argv); /* cmd_run.c: run's flags, left in state Created */
int cmd_ps(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_logs(int argc, char **argv);
/* cmd_exec.c */
int cmd_exec(int argc, char **argv);
/* cmd_manage.c: start, pause, unpause, wait, top, stats, container, system */
int cmd_start(int argc, char **argv);
int cmd_attach(int argc, char **argv); /* cmd_attach.c */
int cmd_pause(int argc, char **argv);
int cmd_unpause(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_container(int argc, char **argv); /* hull container prune|ls|rm|... */
int cmd_system(int argc, char **argv);    /* hull system df */
int cmd_restart(int argc, char **argv);   /* cmd_start.c: stop, then start */
int cmd_rename(int argc, char **argv);    /* cmd_start.c */
/* cmd_containers.c: hull stop's work for one container; data is the timeout
 * in seconds (int *), after which SIGKILL follows the stop signal. */
int engine_stop_one(const char *id, void *data);
/* cmd_info.c: hull info, hull version */
int cmd_info(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_completion(int argc, char **argv); /* cmd_completion.c: hull completion bash|zsh */
int cmd_system_check(int argc, char **argv); /* hull system check [--repair] */
int cmd_system_prune(int argc, char **argv); /* cmd_system_prune.c */
int cmd_events(int argc, char **argv);       /* cmd_events.c */
extern const struct engine_flagset events_flagset;
extern const struct engine_flagset system_prune_flagset;
/* cmd_manage.c: container prune (engine_container_prune), printing "Deleted
 * Containers:" and the ids; adds their size to *reclaimed.  Returns the exit status. */
int engine_prune_containers(uint64_t *reclaimed);
/* cmd_network.c: hull network ..., hull port */
int cmd_network(int argc, char **argv);
int cmd_port(int argc, char **argv);
/* cmd_monitor.c: internal commands run by hull-monitor */
int cmd_monitor_restart(int argc, char **argv);
int cmd_monitor_exit(int argc, char **argv);
/* Each command's options, for the command tables. */
extern const struct engine_flagset run_flagset, exec_flagset, ps_flagset, rm_flagset, stop_flagset, kill_flagset,
    inspect_flagset, images_flagset, rmi_flagset, tag_flagset, image_inspect_flagset, load_flagset, import_flagset,
    logs_flagset, container_prune_flagset, system_df_flagset, system_check_flagset, start_flagset, pause_flagset, wait_flagset,
    stats_flagset, top_flagset, pull_flagset, login_flagset, logout_flagset,
    history_flagset, diff_flagset, save_flagset, push_flagset, port_flagset, commit_flagset, export_flagset,
    cp_flagset, image_prune_flagset, restart_flagset, rename_flagset, info_flagset, version_flagset,
    completion_flagset, unshare_flagset, attach_flagset;
/* cmd_unshare.c: hull unshare (rootless) */
int cmd_unshare(int argc, char **argv);
extern const struct engine_command image_commands[], container_commands[], system_commands[], network_commands[];
/* cmd_healthcheck.c: hull healthcheck run */
extern const struct engine_command healthcheck_commands[];
int cmd_healthcheck(int argc, char **argv);
/* cmd_volume.c: hull volume create|ls|inspect|rm|prune */
extern const struct engine_command volume_commands[];
int cmd_volume(int argc, char **argv);
/* cmd_isolation.c: hull inspect --isolation [--format json] CONTAINER... */
int engine_inspect_isolation(bool json, int n_names, char **names);

#endif
