#!/usr/bin/env bats
# Crash safety of `hull pull` (issue 18, docs/reliability.md): a pull from a
# real registry (Debian's docker-registry on 127.0.0.1, started by setup_file
# and stopped by pid) is SIGKILLed while it downloads and at each step of its
# commit into the store, then `hull system check` must name what was left
# (staging dir, temp files, layers and blobs no image uses), `--repair` must
# remove it, and the next pull must work and its image run.
#
# A pull commits from its main thread, in this order (src/libhull-engine/image/staging.c):
# rename #1-#2 the two layers of "extra" into layers/, #3-#4 the config and
# manifest into blobs/, #5 the image record, #6 the tags.  The layers are
# unpacked by worker threads, which move each finished one within the staging
# dir with renameat.

bats_require_minimum_version 1.5.0
load ../lib/common
load ../engine/helpers
load ../engine/registry-helpers

setup_file() {
    command -v docker-registry >/dev/null && command -v skopeo >/dev/null || return 0
    mkdir -p "$WORK_BASE"
    REG_DIR=$(mktemp -d "$WORK_BASE/reg.XXXXXX")
    export REG_DIR
    REG=127.0.0.1:$(registry_start "$REG_DIR")
    export REG
    push "oci-archive:$(busybox_images)/busybox-oci.tar:busybox-extra" "$REG/extra:latest"
}

teardown_file() {
    [ -n "${REG_DIR:-}" ] || return 0
    registry_stop "$REG_DIR"
    rm -rf "$REG_DIR"
}

setup() {
    command -v strace >/dev/null || skip "strace is not installed"
    strace -qq -o /dev/null -e trace=rename true 2>/dev/null || skip "no rename system call on $(uname -m)"
    registry_requirements
    engine_setup
    export HULL_REGISTRIES_CONF=$TEST_DIR/registries.conf HULL_CERTS_DIR=$TEST_DIR/certs.d
    export REGISTRY_AUTH_FILE=$TEST_DIR/auth.json HOME=$TEST_DIR/home
    unset XDG_RUNTIME_DIR
}

teardown() {
    diag_on_failure
    engine_teardown
}

# pull_killed_at SYSCALL N [STRACE_OPTION...]: `hull pull -q $REG/extra`
# SIGKILLed at its N-th SYSCALL; fails unless it was killed there.
pull_killed_at() {
    local syscall=$1 n=$2
    shift 2
    run_quiet timeout --kill-after=10 120 strace -qq -o /dev/null "$@" -e trace="$syscall" \
        -e inject="$syscall":signal=SIGKILL:when="$n" "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" \
        pull -q "$REG/extra"
    [ "$status" -eq 137 ] || { echo "pull was not killed at $syscall #$n (status $status): $output" >&2; return 1; }
}

count() { # count DIR: its entries (not the temp files of atomic writes)
    find "$1" -mindepth 1 -maxdepth 1 ! -name '*.tmp-*' 2>/dev/null | wc -l
}

# After the kill: system check names what is left, --repair removes it, the
# store is then consistent (only complete images, nothing unused), and the
# next pull works and its image runs.
assert_repaired() {
    local what=$1
    run hull system check
    [ "$status" -eq 1 ] || { echo "$what: system check found nothing (status $status): $output" >&2; return 1; }
    run hull system check --repair
    [ "$status" -eq 0 ] || { echo "$what: --repair failed: $output" >&2; return 1; }
    [[ "$output" == *"[repaired]"* ]]
    run hull system check
    [ "$status" -eq 0 ] && [ "$output" = "no problems found" ] || { echo "$what: after --repair: $output" >&2; return 1; }
    assert_no_staging
    [ -z "$(find "$STORE" -name '*.tmp-*')" ] || { echo "$what: temp files left" >&2; return 1; }
    local images
    images=$(count "$STORE/images")
    # Complete images only: with none, no layer and no blob either.
    if [ "$images" -eq 0 ]; then
        [ "$(count "$STORE/layers")" -eq 0 ] && [ "$(count "$STORE/blobs/sha256")" -eq 0 ] ||
            { echo "$what: layers or blobs of no image: $(ls "$STORE/layers" "$STORE/blobs/sha256")" >&2; return 1; }
    fi
    run hull pull -q "$REG/extra"
    [ "$status" -eq 0 ] || { echo "$what: the next pull failed: $output" >&2; return 1; }
    run hull run --rm "$REG/extra" cat /extra
    [ "$status" -eq 0 ] || { echo "$what: the pulled image does not run: $output" >&2; return 1; }
    hull rmi "$REG/extra" >/dev/null
    [ "$(count "$STORE/images")" -eq 0 ] && [ "$(count "$STORE/layers")" -eq 0 ] &&
        [ "$(count "$STORE/blobs/sha256")" -eq 0 ] || { echo "$what: rmi left something" >&2; return 1; }
}

@test "pull killed at each step of its commit: system check names what is left, --repair removes it, the next pull works" {
    local n
    for n in 1 2 3 4 5 6; do
        echo "# kill at the main thread's rename #$n" >&3
        pull_killed_at rename "$n"
        case $n in
        2) [ "$(count "$STORE/layers")" -eq 1 ] ;;
        3) [ "$(count "$STORE/layers")" -eq 2 ] && [ "$(count "$STORE/blobs/sha256")" -eq 0 ] ;;
        5) [ "$(count "$STORE/blobs/sha256")" -eq 2 ] && [ "$(count "$STORE/images")" -eq 0 ] ;;
        6) [ "$(count "$STORE/images")" -eq 1 ] ;;
        esac
        if [ "$n" -ge 2 ] && [ "$n" -le 5 ]; then
            run hull system check
            [[ "$output" == *"$STORE/layers/"*"used by no image"* ]]
        fi
        assert_repaired "kill at rename #$n"
    done
}

@test "pull killed while a worker thread moves an unpacked layer: repaired, the next pull works" {
    pull_killed_at renameat 1 -f
    [ "$(count "$STORE/images")" -eq 0 ] && [ "$(count "$STORE/layers")" -eq 0 ]
    run hull system check
    [[ "$output" == *"staging "*"$STORE/tmp/stage-"* ]]
    assert_repaired "kill at a worker's renameat"
}

@test "pull SIGKILLed while it downloads: repaired, the next pull works" {
    # 100 kB/s per layer: the download lasts long enough to be caught in it
    HULL_PULL_MAX_RECV_SPEED=100000 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" pull -q "$REG/extra" \
        </dev/null >"$TEST_DIR/pull.out" 2>&1 3>&- &
    local pid=$!
    wait_until 30 sh -c "find '$STORE/tmp' -path '*/stage-*' -type f -size +0 2>/dev/null | grep -q ."
    kill -KILL "$pid"
    wait "$pid" || true
    [ "$(count "$STORE/images")" -eq 0 ]
    assert_repaired "kill during the download"
}

# make faults-soak (outside make check): HULL_PULL_SOAK random kills of pull,
# each at a call drawn from a trace of the hull process's own calls (its
# worker threads, not traced, die with it wherever they are).
@test "soak: random kills of pull are repaired by system check --repair, and the next pull works" {
    [ -n "${HULL_PULL_SOAK:-}" ] || skip "make faults-soak runs it (HULL_PULL_SOAK=N kills)"
    local set=rename,renameat,mkdir,mkdirat,openat,unlink,unlinkat,connect,recvfrom,read,write,flock
    strace -qq -o "$TEST_DIR/pull.trace" -e trace="$set" "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" \
        pull -q "$REG/extra" </dev/null >/dev/null 2>&1
    hull rmi "$REG/extra" >/dev/null
    local points i point
    points=$(awk '{ name = $1; sub(/\(.*/, "", name); if (name ~ /^[a-z_0-9]+$/) print name, ++count[name] }' \
        "$TEST_DIR/pull.trace")
    for ((i = 1; i <= HULL_PULL_SOAK; i++)); do
        point=$(echo "$points" | shuf -n1)
        run_quiet timeout --kill-after=10 120 strace -qq -o /dev/null -e trace="${point% *}" \
            -e inject="${point% *}":signal=SIGKILL:when="${point#* }" \
            "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" pull -q "$REG/extra"
        hull system check --repair >/dev/null || true
        run hull system check
        [ "$output" = "no problems found" ] || { echo "kill $i at $point: $output" >&2; return 1; }
        assert_no_staging
        # what is in the store is complete: rmi of a pulled image leaves it empty
        if [ "$(count "$STORE/images")" -gt 0 ]; then hull rmi -f "$(hull images -q)" >/dev/null; fi
        [ "$(count "$STORE/layers")" -eq 0 ] && [ "$(count "$STORE/blobs/sha256")" -eq 0 ] ||
            { echo "kill $i at $point: layers or blobs left: $(ls "$STORE/layers" "$STORE/blobs/sha256")" >&2; return 1; }
        if ((i % 20 == 0)); then assert_repaired_pull_runs; fi
    done
    echo "# pull soak: $HULL_PULL_SOAK random kills at $(echo "$points" | wc -l) points, 0 leaks" >&3
}

assert_repaired_pull_runs() {
    run hull pull -q "$REG/extra"
    [ "$status" -eq 0 ]
    run hull run --rm "$REG/extra" cat /extra
    [ "$status" -eq 0 ]
    hull rmi "$REG/extra" >/dev/null
}
