/* hull unshare [COMMAND [ARG...]]: a command in the user's rootless user and
 * mount namespaces (podman unshare), where the store's files have the owners
 * the containers see: to look at them, or remove the store with rm -rf. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

static const struct option unshare_longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset unshare_flagset = {"+h", unshare_longopts};

int cmd_unshare(int argc, char **argv)
{
    int c;
    while ((c = engine_next_flag("unshare", argc, argv, &unshare_flagset)) != -1) {
        switch (c) {
        case 'h':
            printf("Usage:  hull unshare [COMMAND [ARG...]]\n\n"
                   "Run a command (default: $SHELL, else /bin/sh) in the user namespace and mount\n"
                   "namespace of a normal user's hull, where the store's files show the owners\n"
                   "containers see (docs/rootless.md)\n");
            return 0;
        default:
            return 125;
        }
    }
    if (!engine_rootless())
        return engine_error_fmt("unshare: only for a normal user (rootless hull); root has no user namespace to enter");
    const char *shell = getenv("SHELL");
    char *const default_argv[] = {(char *)(shell && *shell ? shell : "/bin/sh"), NULL};
    char *const *args = optind < argc ? argv + optind : default_argv;
    execvp(args[0], args);
    int e = errno;
    return engine_error_status_fmt(e == ENOENT ? 127 : 126, "unshare: cannot run %s: %s", args[0], strerror(e));
}
