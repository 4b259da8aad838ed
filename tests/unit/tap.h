/* Minimal TAP helpers for hull's C unit tests: each check prints "ok N - name"
 * or "not ok N - name"; tests/run counts them. */
#ifndef HULL_TAP_H
#define HULL_TAP_H
#include <stdio.h>
static int tap_n = 0, tap_failed = 0;
#define TAP_CHECK(cond, ...)                                                                                           \
    do {                                                                                                               \
        tap_n++;                                                                                                       \
        int _tap_ok = !!(cond);                                                                                        \
        if (_tap_ok) {                                                                                                    \
            printf("ok %d - ", tap_n);                                                                                 \
        } else {                                                                                                       \
            tap_failed++;                                                                                              \
            printf("not ok %d - ", tap_n);                                                                             \
        }                                                                                                              \
        printf(__VA_ARGS__);                                                                                           \
        printf("%s\n", _tap_ok ? "" : "  [" #cond " failed at " __FILE__ ":" _TAP_STR(__LINE__) "]");                   \
    } while (0)
#define _TAP_STR2(x) #x
#define _TAP_STR(x) _TAP_STR2(x)
#define TAP_DONE() (printf("1..%d\n", tap_n), tap_failed ? 1 : 0)
#endif
