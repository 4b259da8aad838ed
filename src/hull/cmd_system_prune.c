/* hull system prune [-a] [--volumes] [-f]: docker's, in docker's order and
 * words: stopped containers, then the networks no container uses, then (with
 * --volumes) the anonymous volumes no container uses, then dangling images
 * (-a: every image no container uses); "Total reclaimed space" last.  Each
 * step is the one `container|network|volume|image prune` does. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"

static const struct option system_prune_longopts[] = {
    {"all", no_argument, NULL, 'a'},
    {"volumes", no_argument, NULL, 'V'},
    {"force", no_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset system_prune_flagset = {"afh", system_prune_longopts};

static bool confirmed(bool all, bool volumes)
{
    printf("WARNING! This will remove:\n"
           "  - all stopped containers\n"
           "  - all networks not used by at least one container\n");
    if (volumes)
        printf("  - all anonymous volumes not used by at least one container\n");
    printf("  - %s\n\nAre you sure you want to continue? [y/N] ",
           all ? "all images without at least one container associated to them" : "all dangling images");
    fflush(stdout);
    char line[64];
    if (!fgets(line, sizeof line, stdin))
        return false;
    line[strcspn(line, "\r\n")] = '\0';
    return !strcasecmp(line, "y") || !strcasecmp(line, "yes");
}

static void print_list(const char *header, char **names)
{
    if (!names || !names[0])
        return;
    printf("%s\n", header);
    for (char **n = names; *n; n++)
        printf("%s\n", *n);
    printf("\n");
    fflush(stdout);
}

static void print_image_event(const char *what, const char *name, void *data)
{
    bool *header = data;
    if (!strcmp(what, "Deleted layer"))
        return; /* docker lists images, not layers */
    if (!*header)
        printf("Deleted Images:\n");
    *header = true;
    printf("%s: %s\n", !strcmp(what, "Untagged") ? "untagged" : "deleted", name);
}

int cmd_system_prune(int argc, char **argv)
{
    bool all = false, volumes = false, force = false;
    int c;
    while ((c = engine_next_flag("system prune", argc, argv, &system_prune_flagset)) != -1) {
        switch (c) {
        case 'a':
            all = engine_flag_bool();
            break;
        case 'V':
            volumes = engine_flag_bool();
            break;
        case 'f':
            force = engine_flag_bool();
            break;
        case 'h':
            printf("Usage:  hull system prune [OPTIONS]\n\n"
                   "Remove stopped containers, networks no container uses, dangling images\n"
                   "and (--volumes) anonymous volumes no container uses\n\n"
                   "Options:\n"
                   "  -a, --all       every image no container uses, not only dangling ones\n"
                   "      --volumes   prune anonymous volumes too (as docker 23+: named ones stay)\n"
                   "  -f, --force     do not prompt for confirmation\n");
            return 0;
        default:
            return 125;
        }
    }
    if (optind != argc)
        return engine_usage_error("system prune", "accepts no arguments");
    if (!force && !confirmed(all, volumes))
        return 0;
    int ret = 0;
    uint64_t reclaimed = 0;
    if (engine_prune_containers(&reclaimed) != 0)
        ret = 1;
    {
        cleanup_error struct hull_error *err = NULL;
        cleanup_strv char **removed = NULL;
        if (engine_network_prune(g_engine.root, g_engine.runroot, &removed, &err) < 0)
            ret = engine_error(err);
        print_list("Deleted Networks:", removed);
    }
    if (volumes) {
        cleanup_error struct hull_error *err = NULL;
        cleanup_strv char **removed = NULL;
        unsigned long long size = 0;
        if (engine_volume_prune(g_engine.root, false, &removed, &size, &err) < 0)
            ret = engine_error(err);
        print_list("Deleted Volumes:", removed);
        reclaimed += size;
    }
    {
        cleanup_error struct hull_error *err = NULL;
        bool header = false;
        uint64_t size = 0;
        if (engine_image_prune(g_engine.root, all, print_image_event, &header, &size, &err) < 0)
            ret = engine_error(err);
        if (header)
            printf("\n");
        reclaimed += size;
    }
    printf("Total reclaimed space: %s\n", human_size(reclaimed));
    return ret;
}
