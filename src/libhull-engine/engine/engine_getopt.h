/* hull: command-line options with docker's rules (spf13/pflag, as the docker
 * CLI uses it), over getopt_long's tables so a command's loop reads like a
 * getopt loop.
 *
 * Why not getopt_long itself: it takes any unambiguous prefix of a long
 * option, so `hull run --pid host` was --pids-limit, `--priv` granted
 * --privileged and `--rea` meant --read-only.  docker matches long options
 * exactly and refuses the rest; so does this parser:
 *   - `--name value` and `--name=value`; `--bool`, `--bool=true|false`;
 *   - short options alone or combined (`-itd`), `-e VALUE`, `-eVALUE`, `-e=VALUE`;
 *   - `--` ends the options;
 *   - flags and arguments mix freely (`hull rm NAME -f`) unless shortopts
 *     starts with '+' (run, exec: what follows the image/container is the
 *     command's own argv);
 *   - an unknown option is an error naming it, with the closest known names
 *     ("unknown flag: --pid; did you mean --pids-limit?").
 * The whole argv is checked on the first call: a bad flag anywhere fails
 * before the command has acted on any flag. */
#ifndef HULL_ENGINE_GETOPT_H
#define HULL_ENGINE_GETOPT_H

#include <getopt.h>
#include <stdbool.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

/* The option of flags whose long name is exactly name, or NULL. */
const struct option *engine_flag_find(const struct engine_flagset *flags, const char *name);

#endif
