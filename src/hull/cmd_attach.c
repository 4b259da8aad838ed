/* hull attach [--no-stdin] [--sig-proxy] [--detach-keys KEYS] CONTAINER:
 * our stdio joined to a detached container's, through its monitor
 * (one call: engine_container_attach). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

enum { OPT_NO_STDIN = 1000, OPT_SIG_PROXY, OPT_DETACH_KEYS };
static const struct option attach_longopts[] = {
    {"no-stdin", no_argument, NULL, OPT_NO_STDIN},
    {"sig-proxy", no_argument, NULL, OPT_SIG_PROXY},
    {"detach-keys", required_argument, NULL, OPT_DETACH_KEYS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset attach_flagset = {"h", attach_longopts};

int cmd_attach(int argc, char **argv)
{
    bool no_stdin = false, sig_proxy = true;
    const char *detach_keys = NULL;
    int c;
    while ((c = engine_next_flag("attach", argc, argv, &attach_flagset)) != -1) {
        switch (c) {
        case OPT_NO_STDIN:
            no_stdin = engine_flag_bool();
            break;
        case OPT_SIG_PROXY:
            sig_proxy = engine_flag_bool();
            break;
        case OPT_DETACH_KEYS:
            detach_keys = optarg;
            break;
        case 'h':
            printf("Usage:  hull attach [OPTIONS] CONTAINER\n\n"
                   "Attach local standard input, output, and error streams to a running container\n"
                   "started with -d (or hull start): its output as it comes, our input to its stdin\n"
                   "when it was started with -i; the exit status is the container's when it ends\n\n"
                   "      --detach-keys KEYS  detach and leave it running (default ctrl-p,ctrl-q)\n"
                   "      --no-stdin          do not attach stdin\n"
                   "      --sig-proxy         send the signals hull gets to the container, without\n"
                   "                          a terminal (default true; --sig-proxy=false)\n");
            return 0;
        default:
            return 125;
        }
    }
    if (argc - optind != 1)
        return engine_usage_error("attach", "requires exactly 1 argument");
    struct engine_container_attach_opts o = {
        .root = g_engine.root,
        .runroot = g_engine.runroot,
        .container = argv[optind],
        .no_stdin = no_stdin,
        .sig_proxy = sig_proxy,
        .detach_keys = detach_keys,
    };
    cleanup_error struct hull_error *err = NULL;
    int code = 1;
    if (engine_container_attach(&o, &code, &err) < 0)
        return engine_error_status(err, code);
    return code;
}
