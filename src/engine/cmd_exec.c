/* hull exec: a new process in a running container (being written). */
#include "engine.h"

int cmd_exec(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return engine_error_fmt("exec is not implemented yet");
}
