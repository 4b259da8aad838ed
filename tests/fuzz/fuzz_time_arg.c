/* docker's time arguments (`hull logs/events --since/--until`):
 * engine_parse_time_arg on any text, against two values of "now".  What is
 * parsed must be a time the engine can compare and print: a Unix time's
 * seconds, parsed back from their decimal text, give the same nanoseconds. */
#include "fuzz.h"

#include <inttypes.h>
#include <stdio.h>

#include "hull/hull-engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    static const int64_t nows[] = {1700000000LL * 1000000000LL, INT64_MAX};
    for (size_t i = 0; i < sizeof nows / sizeof nows[0]; i++) {
        int64_t nanos = 0;
        struct hull_error *err = NULL;
        int r = engine_parse_time_arg("--since", text, nows[i], &nanos, &err);
        fuzz_result(r, &err);
        if (r == 0 && nanos >= 0 && nanos % 1000000000LL == 0) {
            char again[32];
            int64_t back = -1;
            snprintf(again, sizeof again, "%" PRId64, (int64_t)(nanos / 1000000000));
            if (engine_parse_time_arg("--since", again, nows[i], &back, &err) < 0 || back != nanos)
                abort(); /* a whole second that does not read back as itself */
        }
    }
    free(text);
    return 0;
}
