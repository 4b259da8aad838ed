/* hull system check [--repair]: what killed commands left in the store and
 * the runtime state (src/libhull-engine/engine/check.h). */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

static const struct option system_check_longopts[] = {
    {"repair", no_argument, NULL, 'r'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset system_check_flagset = {"h", system_check_longopts};

static void print_problem(const char *kind, const char *what, bool repaired, void *data)
{
    bool repair = *(bool *)data;
    printf("%-10s %s%s\n", kind, what, repair ? (repaired ? " [repaired]" : " [NOT repaired]") : "");
}

int cmd_system_check(int argc, char **argv)
{
    bool repair = false;
    int c;
    while ((c = engine_next_flag("system check", argc, argv, &system_check_flagset)) != -1) {
        switch (c) {
        case 'r':
            repair = engine_flag_bool();
            break;
        case 'h':
            printf("Usage:  hull system check [--repair]\n\n"
                   "Find what killed commands left behind: half-made containers, overlay mounts, runtime\n"
                   "state without a container, image marks of containers that do not exist, temp files,\n"
                   "staging dirs, network leases.  Exit status 1 when problems remain.\n\n"
                   "Options:\n"
                   "      --repair   remove them\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind < argc)
        return engine_usage_error("system check", "\"hull system check\" accepts no arguments");
    cleanup_error struct hull_error *err = NULL;
    struct engine_check_result result;
    if (engine_system_check(g_engine.root, g_engine.runroot, repair, print_problem, &repair, &result, &err) < 0)
        return engine_error(err);
    if (result.problems == 0) {
        printf("no problems found\n");
        return 0;
    }
    if (repair) {
        printf("%zu problems found, %zu repaired\n", result.problems, result.repaired);
        return result.repaired == result.problems ? 0 : 1;
    }
    printf("%zu problems found (hull system check --repair removes them)\n", result.problems);
    return 1;
}
