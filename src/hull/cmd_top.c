/* hull top CONTAINER [ps OPTIONS]: the container's processes, the way docker
 * shows them (ps -ef by default), one call (engine_container_top) and the
 * table. */
#include <getopt.h>
#include <stdio.h>

#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"
#include "cli.h"

static const struct option top_longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
const struct engine_flagset top_flagset = {"+h", top_longopts};

int cmd_top(int argc, char **argv)
{
    int c;
    while ((c = engine_next_flag("top", argc, argv, &top_flagset)) != -1) {
        if (c == 'h') {
            printf("Usage:  hull top CONTAINER [ps OPTIONS]\n\n"
                   "The running processes of a container (ps -ef unless ps options are given)\n");
            return 0;
        }
        return 125;
    }
    if (optind >= argc)
        return engine_usage_error("top", "requires at least 1 argument");
    cleanup_error struct hull_error *err = NULL;
    struct engine_top top;
    if (engine_container_top(g_engine.root, g_engine.runroot, argv[optind], argv + optind + 1, &top, &err) < 0)
        return engine_error(err);
    struct table *t = table_new(top.n_titles, (const char *const *)top.titles);
    for (size_t r = 0; r < top.n_rows; r++)
        table_add(t, (const char *const *)top.rows[r]);
    table_print(t);
    table_free(t);
    engine_top_clear(&top);
    return 0;
}
