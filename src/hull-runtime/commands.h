/* hull-runtime: one function per command, each in the file of its group. */
#ifndef HULL_RUNTIME_COMMANDS_H
#define HULL_RUNTIME_COMMANDS_H

#include <stdbool.h>

#include "hull/error.h"

struct global_opts {
    const char *root;
    bool log_json;
    bool rootless; /* --rootless true, or auto and not root */
};
extern struct global_opts g_opts;

typedef int (*command_fn)(int argc, char **argv);
struct command {
    const char *name;
    command_fn fn;
    const char *help;
};

/* Prints an error for the user (stderr) and to --log; frees nothing. */
void report_error(const struct hull_error *err);
void report_error_text(const char *text);
void report_error_text_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* For a bad flag: "hull-runtime CMD: unknown option ..." plus a hint. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* runc's flag parser (urfave/cli) moves a command's flags in front of its
 * arguments, so `runc update ID --memory 1m` and `runc delete ID --force` work.
 * This does the same to argv[1..argc-1] (stable: flags keep their order, a
 * flag that takes a value keeps it; "--" ends the flags).  exec and ps do not
 * call it: their arguments after the id belong to the command they run, as
 * runc marks them SkipArgReorder. */
struct option;
void cli_reorder_args(int argc, char **argv, const char *shortopts, const struct option *longopts);

int cmd_create(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_state(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_spec(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_unsupported(int argc, char **argv);

#endif
