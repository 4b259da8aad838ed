#!/bin/bash
# hull's libFuzzer harnesses: build them and run them.
#
#   tests/fuzz/fuzz.sh build             configure + build build-fuzz/ (clang, ASan+UBSan, libFuzzer)
#   tests/fuzz/fuzz.sh run NAME SECONDS  run one harness (fuzz-NAME) for SECONDS
#   tests/fuzz/fuzz.sh all SECONDS       build, then run every harness in turn; TAP on stdout
#   tests/fuzz/fuzz.sh list              the harness names
#   tests/fuzz/fuzz.sh missing           why they cannot be built here (nothing when they can)
#
# Each harness starts from its committed seeds (tests/fuzz/corpus/NAME, never
# written to) plus what earlier runs found (build-fuzz/corpus/NAME, where
# libFuzzer adds new inputs).  A crash, leak, sanitizer report or timeout
# (FUZZ_TIMEOUT s for one input) is a failure; the input is kept in
# build-fuzz/artifacts/NAME/ for tests/fuzz/README.md's reproduce line.
# Environment: FUZZ_BUILD (build-fuzz), FUZZ_NICE (10), FUZZ_TIMEOUT (10), CC (clang),
# FUZZ_RUNS (stop after this many executions, if before SECONDS).
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_NICE=${FUZZ_NICE:-10}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-10}

harnesses() {
    local f
    for f in "$ROOT"/tests/fuzz/fuzz_*.c; do
        f=${f##*/fuzz_}
        f=${f%.c}
        echo "${f//_/-}"
    done
}

# Why the harnesses cannot be built here, or nothing.
missing_toolchain() {
    local cc=${CC:-clang}
    command -v "$cc" >/dev/null || { echo "$cc not installed (Debian clang)"; return; }
    command -v meson >/dev/null || { echo "meson not installed"; return; }
    local probe
    probe=$(mktemp -d)
    printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' >"$probe/p.c"
    if ! "$cc" -fsanitize=fuzzer,address,undefined -o "$probe/p" "$probe/p.c" >/dev/null 2>&1; then
        echo "$cc cannot link -fsanitize=fuzzer (Debian libfuzzer-14-dev)"
    fi
    rm -rf "$probe"
}

build() {
    local why
    why=$(missing_toolchain)
    if [ -n "$why" ]; then
        echo "cannot build the fuzzers: $why" >&2
        return 2
    fi
    if [ ! -f "$FUZZ_BUILD/build.ninja" ]; then
        local setup_log
        setup_log=$(mktemp)
        # -fsanitize=fuzzer-no-link: the whole library is instrumented for
        # coverage, so libFuzzer is guided by the parsers, not only the harness.
        # -Wno-unused-variable: clang counts a variable that exists only for
        # its cleanup attribute (cleanup_strv char **owned = names) as unused.
        CC=${CC:-clang} meson setup "$FUZZ_BUILD" -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
            -Dc_args='-fsanitize=fuzzer-no-link -fno-sanitize-recover=all -fno-omit-frame-pointer -Wno-unused-variable' \
            >"$setup_log" 2>&1 || { cat "$setup_log" >&2; rm -f "$setup_log"; return 1; }
        rm -f "$setup_log"
    fi
    nice -n "$FUZZ_NICE" ninja -C "$FUZZ_BUILD" fuzzers >&2
}

# run NAME SECONDS: one line of figures on stdout; non-zero when it found something.
run() {
    local name=$1 seconds=$2 bin="$FUZZ_BUILD/tests/fuzz/fuzz-$1" log rc
    [ -x "$bin" ] || { echo "fuzz-$name: not built ($bin)"; return 2; }
    mkdir -p "$FUZZ_BUILD/corpus/$name" "$FUZZ_BUILD/artifacts/$name"
    log="$FUZZ_BUILD/artifacts/$name/last.log"
    local started=$SECONDS
    # detect_leaks: a leak in a parser is a finding too.  -rss_limit_mb: a
    # parser that balloons on a small input is one as well.
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
    LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/fuzz/lsan.supp} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        nice -n "$FUZZ_NICE" timeout --kill-after=10 $((seconds + 60)) \
        "$bin" -max_total_time="$seconds" ${FUZZ_RUNS:+-runs="$FUZZ_RUNS"} -timeout="$FUZZ_TIMEOUT" -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$FUZZ_BUILD/artifacts/$name/" \
        "$FUZZ_BUILD/corpus/$name" "$ROOT/tests/fuzz/corpus/$name" >"$log" 2>&1
    rc=$?
    local execs cov corp
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    corp=$(ls "$FUZZ_BUILD/corpus/$name" | wc -l)
    if [ "$rc" -eq 0 ]; then
        echo "fuzz-$name: $((SECONDS - started))s, ${execs:-?} executions, ${cov:-cov: ?}, corpus $corp new inputs, no crash"
        return 0
    fi
    echo "fuzz-$name: exit status $rc after ${execs:-?} executions; log $log"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' "$log" | head -8 | sed 's/^/  /'
    return 1
}

case "${1:-}" in
list) harnesses ;;
missing) missing_toolchain ;;
build) build ;;
run) run "$2" "${3:-60}" ;;
all)
    seconds=${2:-60}
    names=$(harnesses)
    echo "1..$(echo "$names" | wc -l)"
    why=$(missing_toolchain)
    if [ -n "$why" ]; then
        i=0
        for n in $names; do i=$((i + 1)); echo "ok $i - fuzz-$n # skip $why"; done
        exit 0
    fi
    if ! build; then
        i=0
        for n in $names; do i=$((i + 1)); echo "not ok $i - fuzz-$n: the fuzz build failed"; done
        exit 1
    fi
    i=0 failed=0
    for n in $names; do
        i=$((i + 1))
        if line=$(run "$n" "$seconds"); then
            echo "ok $i - $line"
        else
            failed=1
            echo "not ok $i - ${line%%$'\n'*}"
            echo "$line" | tail -n +2 | sed 's/^/# /'
        fi
    done
    exit $failed
    ;;
*)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
