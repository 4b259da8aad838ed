#!/usr/bin/env bats
# The libFuzzer harnesses (tests/fuzz/fuzz_*.c) keep building and running:
# each runs FUZZ_CHECK_SECONDS (default 2) from its committed seeds, which
# include every input that once crashed (regress-*), under ASan + UBSan with
# leak detection.  Long runs: `make fuzz FUZZ_SECONDS=N` (docs/reliability.md).

load ../lib/common

FUZZ=$HULL_SRC/tests/fuzz/fuzz.sh

setup_file() {
    FUZZ_SKIP=$("$FUZZ" missing)
    export FUZZ_SKIP
    [ -n "$FUZZ_SKIP" ] && return 0
    "$FUZZ" build >"$BATS_FILE_TMPDIR/build.log" 2>&1 || { tail -30 "$BATS_FILE_TMPDIR/build.log" >&3; return 1; }
}

teardown() { diag_on_failure; }

fuzz_check() {
    [ -z "$FUZZ_SKIP" ] || skip "$FUZZ_SKIP"
    run "$FUZZ" run "$1" "${FUZZ_CHECK_SECONDS:-2}"
    echo "# $output" >&3
    [ "$status" -eq 0 ]
    [[ "$output" == *"no crash"* ]]
}

@test "fuzz-spec: config.json parsing and validation" { fuzz_check spec; }
@test "fuzz-process: process.json (exec --process)" { fuzz_check process; }
@test "fuzz-seccomp: seccomp profiles, parsed and compiled" { fuzz_check seccomp; }
@test "fuzz-reference: image references" { fuzz_check reference; }
@test "fuzz-image-archive: hull load's archive reader" { fuzz_check image-archive; }
@test "fuzz-image-manifest: index, manifest and config documents" { fuzz_check image-manifest; }
@test "fuzz-www-authenticate: registry auth challenges" { fuzz_check www-authenticate; }
@test "fuzz-registry-token: token server answers" { fuzz_check registry-token; }
@test "fuzz-registries-conf: registries.conf (TOML)" { fuzz_check registries-conf; }
@test "fuzz-gotemplate: --format templates" { fuzz_check gotemplate; }
@test "fuzz-cdi-spec: CDI device specs (JSON and YAML)" { fuzz_check cdi-spec; }
@test "fuzz-engine-getopt: hull command lines" { fuzz_check engine-getopt; }
@test "fuzz-time-arg: --since/--until of hull logs and events" { fuzz_check time-arg; }

@test "every harness has a test here and seeds" {
    for n in $("$FUZZ" list); do
        grep -q "fuzz_check $n;" "$BATS_TEST_FILENAME" || { echo "fuzz-$n has no test in fuzz.bats"; return 1; }
        [ -n "$(ls "$HULL_SRC/tests/fuzz/corpus/$n")" ] || { echo "fuzz-$n has no seeds"; return 1; }
    done
}
