/* hull inspect --isolation (being written). */
#include "engine.h"

int engine_inspect_isolation(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return engine_error_fmt("inspect --isolation is not implemented yet");
}
