/* `hull` command lines: engine_getopt over the real command table
 * (src/hull/commands.c).  The input's first byte picks a command (the
 * global options included), the rest is its argv, split at NUL bytes. */
#include <getopt.h>

#include "fuzz.h"

#include "cli.h"
#include "engine/engine_getopt.h"

#define MAX_SETS 256
static const struct engine_flagset *sets[MAX_SETS];
static size_t n_sets;

static void collect(const struct engine_command *table)
{
    for (const struct engine_command *c = table; c->name && n_sets < MAX_SETS; c++) {
        if (c->subcommands)
            collect(c->subcommands);
        else if (c->flags)
            sets[n_sets++] = c->flags;
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    sets[n_sets++] = &engine_global_flagset;
    collect(engine_commands);
    opterr = 0;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    const struct engine_flagset *flags = sets[data[0] % n_sets];
    char *text = fuzz_text(data + 1, size - 1);
    /* argv[0] is the command's name; the arguments are the NUL-separated pieces. */
    size_t max = 2;
    for (size_t i = 0; i + 1 < size; i++)
        max += data[i + 1] == '\0';
    char **argv = calloc(max + 1, sizeof *argv);
    int argc = 0;
    argv[argc++] = "hull";
    for (char *p = text; p <= text + (size - 1) && argc < (int)max; p += strlen(p) + 1)
        argv[argc++] = p;
    optind = 0;
    struct hull_error *err = NULL;
    int c;
    while ((c = engine_getopt(argc, argv, flags, &err)) != -1) {
        if (c == '?') {
            if (!err || !err->msg)
                abort(); /* a refusal must say why */
            break;
        }
        if (optind > argc)
            abort();
    }
    hull_error_free(err);
    free(argv);
    free(text);
    return 0;
}
