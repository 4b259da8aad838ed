/* hull start, pause, unpause, wait, top, stats, container, system (being written). */
#include "engine.h"

#define NOT_YET(fn, name)                                                                                              \
    int fn(int argc, char **argv)                                                                                      \
    {                                                                                                                  \
        (void)argc;                                                                                                    \
        (void)argv;                                                                                                    \
        return engine_error_fmt(name " is not implemented yet");                                                      \
    }
NOT_YET(cmd_start, "start")
NOT_YET(cmd_pause, "pause")
NOT_YET(cmd_unpause, "unpause")
NOT_YET(cmd_wait, "wait")
NOT_YET(cmd_top, "top")
NOT_YET(cmd_stats, "stats")
NOT_YET(cmd_container, "container")
NOT_YET(cmd_system, "system")
