#!/bin/bash
# make check-asan: hull built with AddressSanitizer + UndefinedBehaviorSanitizer
# (gcc) in build-asan/, then the unit tests and a representative set of bats
# files run against those binaries (HULL_RUNTIME / HULL_ENGINE point there).
#
# Every report counts, whichever process made it: the runtime forks, clones
# the container's init, re-executes itself from a sealed memfd
# (exe_protect.c, CVE-2019-5736) and the engine starts the runtime and
# itself; a report from a process whose exit status no test looks at (a
# detached init, a monitor's child, a command a test expects to fail) would
# otherwise go unseen.  So reports go to files (log_path=), one per process,
# and the run fails when there is any.  Leak checking (LSan) runs at the exit
# of every sanitized process that exits normally; a process that ends in
# execve (the container's init becoming the user's program, the memfd
# re-exec) is not checked, which is right: nothing it held outlives it.
#
# Environment: ASAN_BUILD (build-asan), ASAN_TESTS (the bats files),
# HULL_SKIP_VM (1: the cgroup v2 VM does not run sanitized binaries).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ASAN_BUILD=${ASAN_BUILD:-build-asan}
ASAN_TESTS=${ASAN_TESTS:-tests/runtime/lifecycle.bats tests/runtime/exec.bats tests/runtime/badinput.bats tests/runtime/config.bats tests/engine/run.bats tests/engine/images.bats tests/engine/cli.bats}

if [ ! -f "$ASAN_BUILD/build.ninja" ]; then
    # -fno-omit-frame-pointer: readable stacks in the reports.
    meson setup "$ASAN_BUILD" -Db_sanitize=address,undefined -Db_lundef=false \
        -Dc_args='-fno-omit-frame-pointer' >/dev/null || exit 1
fi
nice -n "${ASAN_NICE:-0}" ninja -C "$ASAN_BUILD" || exit 1
ln -sf src/hull-runtime/hull-runtime "$ASAN_BUILD/hull-runtime"
ln -sf src/hull/hull "$ASAN_BUILD/hull"

reports=$ROOT/$ASAN_BUILD/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
# detect_leaks=1: leaks are failures.  abort_on_error=0, exitcode=1: the
# process still fails visibly.  UBSan: report, stack, and go on (the report
# file fails the run); halt_on_error=1 would hide the second finding.
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export LSAN_OPTIONS="log_path=$reports/lsan"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1"

BUILD=$ASAN_BUILD HULL_SKIP_VM=${HULL_SKIP_VM:-1} HULL_TESTS="$ASAN_TESTS" ./tests/run
rc=$?

found=$(find "$reports" -type f | sort)
if [ -n "$found" ]; then
    echo "# sanitizer reports ($(echo "$found" | wc -l) processes):"
    for f in $found; do
        echo "# --- $f"
        head -40 "$f" | sed 's/^/#   /'
    done
    echo "check-asan: FAILED: the sanitizers reported (files in $reports)"
    exit 1
fi
[ "$rc" -eq 0 ] && echo "check-asan: passed, no sanitizer report" || echo "check-asan: FAILED: tests failed"
exit "$rc"
