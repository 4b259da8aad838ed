# Helpers for the engine's (hull) bats tests.
#
# HULL_ENGINE is the engine under test (tests/run exports it; default
# build/hull).  Every test gets a private --root/--runroot under tests/.work,
# so tests never see each other's images or the host's /var/lib/hull.

HULL_ENGINE=${HULL_ENGINE:-$HULL_SRC/$BUILD/hull}
if [ ! -x "$HULL_ENGINE" ] && [ -x "$HULL_SRC/$BUILD/src/hull/hull" ]; then
    HULL_ENGINE=$HULL_SRC/$BUILD/src/hull/hull
fi

engine_setup() {
    [ -x "$HULL_ENGINE" ] || skip "engine binary $HULL_ENGINE not built"
    # hull's default network is a bridge on the host when root: outside the
    # networking tests (network.bats, in namespaces of their own) the
    # containers get --network none, so no test touches the host's network.
    export HULL_DEFAULT_NETWORK=none
    mkdir -p "$WORK_BASE"
    TEST_DIR=$(mktemp -d "$WORK_BASE/e.XXXXXX")
    STORE=$TEST_DIR/root
    RUNROOT=$TEST_DIR/run
    # the engine containers' runtime state (hull's own entries in a state
    # root begin with '@', which no container id can hold)
    RTROOT=$RUNROOT/@engine
    IMAGES=$(busybox_images)
}

# engine_setup_busybox [IMPORT_FLAGS...]: engine_setup, then the busybox
# rootfs imported as the image "busybox" (CMD sh, then the flags given),
# what most engine files start every test from.
engine_setup_busybox() {
    engine_setup
    hull import --change 'CMD ["sh"]' "$@" "$IMAGES/rootfs.tar" busybox >/dev/null
}

# BG: the pid of the one command a test runs in the background (a `hull
# run` or `hull attach` started without the hull function, so that $! is
# its own pid).  bg_wait waits for it and forgets it, with its status;
# bg_kill, in teardown, ends what a failed test left.
bg_wait() {
    local st=0
    wait "$BG" || st=$?
    BG=
    return "$st"
}

bg_kill() {
    [ -n "${BG:-}" ] && kill -9 "$BG" 2>/dev/null
    BG=
}

# hull ARGS...: the engine under test with this test's store.
hull() {
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" "$@"
}

engine_teardown() {
    # A failed test may leave containers running (or paused): thaw, kill by
    # pid (never by name) and remove each one of this test's store.
    local rec id pid
    for rec in "${STORE:-/nonexistent}"/containers/*/record.json; do
        [ -f "$rec" ] || continue
        id=$(jq -r .Id "$rec")
        pid=$(jq -r '.State.Pid' "$rec")
        [ "$(jq -r .State.Status "$rec")" = paused ] && hull unpause "$id" >/dev/null 2>&1
        [ "$pid" -gt 0 ] 2>/dev/null && kill -9 "$pid" 2>/dev/null
        hull rm -f "$id" >/dev/null 2>&1 || true
    done
    if [ -n "${TEST_DIR:-}" ] && [ -d "$TEST_DIR" ]; then
        grep -o " $TEST_DIR[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done || true
        rm -rf "$TEST_DIR"
    fi
}

# fails_with WANT CMD...: CMD exits non-zero and prints exactly one stderr line,
# "hull: error: ..." matching the grep pattern WANT.
fails_with() {
    local want=$1 errfile=$TEST_DIR/stderr
    shift
    if "$@" >/dev/null 2>"$errfile"; then
        echo "expected failure, succeeded: $*" >&2
        return 1
    fi
    [ "$(wc -l <"$errfile")" -eq 1 ] || { echo "stderr is not one line:" >&2; cat "$errfile" >&2; return 1; }
    grep -q "^hull: error: .*$want" "$errfile" || { echo "want \"$want\" in: $(cat "$errfile")" >&2; return 1; }
}
