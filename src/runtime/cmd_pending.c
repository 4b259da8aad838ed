/* hull-runtime: commands whose implementation lands in its own file soon
 * (exec: terminals/exec work; pause, resume, update, events: cgroups work).
 * Until then they fail clearly instead of pretending. */
#include "commands.h"

static int not_yet(char **argv)
{
    report_error_text_fmt("%s: not implemented in this build of hull-runtime yet", argv[0]);
    return 1;
}

int cmd_exec(int argc, char **argv) { (void)argc; return not_yet(argv); }
int cmd_pause(int argc, char **argv) { (void)argc; return not_yet(argv); }
int cmd_resume(int argc, char **argv) { (void)argc; return not_yet(argv); }
int cmd_update(int argc, char **argv) { (void)argc; return not_yet(argv); }
int cmd_events(int argc, char **argv) { (void)argc; return not_yet(argv); }
