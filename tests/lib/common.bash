# Shared helpers for hull's bats tests.
#
# Every test gets its own state root (--root) under a private work dir, so tests
# never see each other's containers or the host's, and teardown deletes every
# container the test created (by id, never by pattern).

HULL_SRC=${HULL_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-build}
HULL_RUNTIME=${HULL_RUNTIME:-$HULL_SRC/$BUILD/hull-runtime}
WORK_BASE=$HULL_SRC/tests/.work

# A busybox root filesystem from Debian's busybox-static, built once and shared
# read-only by every test bundle (bundles bind it, they never modify it).
busybox_rootfs() {
    local dir=$WORK_BASE/busybox-rootfs
    if [ ! -x "$dir/bin/busybox" ]; then
        "$HULL_SRC/tests/make-rootfs.sh" "$dir" >/dev/null
    fi
    echo "$dir"
}

# Busybox images in every format (tests/engine/make-busybox-image.sh: rootfs
# tarball, oci-archive, docker-archive), built once and shared read-only by the
# engine's and the clients' tests.
busybox_images() {
    local dir=$WORK_BASE/busybox-images
    if [ ! -f "$dir/busybox-docker.tar" ]; then
        mkdir -p "$WORK_BASE"
        local tmp
        tmp=$(mktemp -d "$WORK_BASE/.images.XXXXXX")
        "$HULL_SRC/tests/engine/make-busybox-image.sh" "$tmp" >/dev/null
        rm -rf "$dir"
        mv "$tmp" "$dir"
    fi
    echo "$dir"
}

# diag_on_failure: called first in every teardown. After a failed test it
# prints the status and output of the test's last `run` (which `run` captured,
# so bats would not show them) and the test's time; bats shows what teardown
# prints under the "not ok" line, and tests/run repeats it in the summary.
diag_on_failure() {
    [ -z "${BATS_TEST_COMPLETED:-}" ] || return 0
    echo "diag: last run: status=${status:-none}, output:"
    printf '%s\n' "${output:-}" | head -n 30 | sed 's/^/diag:   | /'
    echo "diag: load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# runtime ARGS...: the runtime under test with this test's state root.
runtime() {
    "$HULL_RUNTIME" --root "$TEST_ROOT" "$@"
}

# Sets up $TEST_DIR, $TEST_ROOT and $BUNDLE (a busybox bundle whose config is the
# runtime's own `spec` output with terminal off and args set to "$@" if given).
setup_bundle() {
    mkdir -p "$WORK_BASE"
    TEST_DIR=$(mktemp -d "$WORK_BASE/t.XXXXXX")
    TEST_ROOT=$TEST_DIR/state
    BUNDLE=$TEST_DIR/bundle
    mkdir -p "$BUNDLE" "$TEST_ROOT"
    local rootfs
    rootfs=$(busybox_rootfs)
    mkdir -p "$BUNDLE/rootfs"
    # a private copy is cheap (busybox is one file + symlinks) and lets tests write into it
    cp -a "$rootfs/." "$BUNDLE/rootfs/"
    (cd "$BUNDLE" && "$HULL_RUNTIME" spec) || return 1
    update_config '.process.terminal = false | .root.readonly = false'
    if [ $# -gt 0 ]; then
        local args
        args=$(printf '%s\n' "$@" | jq -R . | jq -s .)
        update_config ".process.args = $args"
    fi
    CONTAINERS=()
}

# update_config JQ_FILTER: edits $BUNDLE/config.json in place.
update_config() {
    local tmp=$BUNDLE/config.json.tmp
    jq "$@" "$BUNDLE/config.json" >"$tmp" && mv "$tmp" "$BUNDLE/config.json"
}

# new_id: a unique container id, remembered for teardown.
new_id() {
    local id="hulltest-$$-$RANDOM-${#CONTAINERS[@]}"
    CONTAINERS+=("$id")
    echo "$id"
}

track_id() { CONTAINERS+=("$1"); }

teardown_bundle() {
    local id
    # Every test has its own state root: delete whatever is in it (new_id often
    # runs in a $(...) subshell, so CONTAINERS may not know every id).
    if [ -n "${TEST_ROOT:-}" ] && [ -d "$TEST_ROOT" ]; then
        for id in $(ls "$TEST_ROOT" 2>/dev/null) "${CONTAINERS[@]}"; do
            runtime delete --force "$id" >/dev/null 2>&1 || true
        done
    fi
    if [ -n "${TEST_DIR:-}" ] && [ -d "$TEST_DIR" ]; then
        # lazy unmount anything a failed test left below the work dir
        grep -o " $TEST_DIR[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
        rm -rf "$TEST_DIR"
    fi
}

# container_status ID: prints the status field of `state`.
container_status() {
    runtime state "$1" | jq -r .status
}

# How long a test waits for anything to happen before it calls it a failure.
# Generous on purpose: CI machines are shared, and a loaded 2-core machine can
# take seconds to start a container. A passing test never waits this long; it
# polls (wait_until), so the deadline costs nothing when things work.
HULL_WAIT_SECONDS=${HULL_WAIT_SECONDS:-60}

# wait_until CONDITION | wait_until CMD ARG...: polls every 50 ms until the
# condition holds (one argument: a shell expression, evaluated; several: a
# command run as given). Fails after $HULL_WAIT_SECONDS naming what it waited for.
# A leading number of seconds (wait_until 30 CMD...) is taken as a longer
# deadline; it never shortens $HULL_WAIT_SECONDS.
wait_until() {
    local limit=$HULL_WAIT_SECONDS
    if [ $# -gt 1 ] && [[ $1 =~ ^[0-9]+$ ]]; then
        ((limit = $1 > limit ? $1 : limit))
        shift
    fi
    local deadline=$((SECONDS + limit))
    while :; do
        if [ $# -eq 1 ]; then eval "$1" && return 0; else "$@" && return 0; fi
        if ((SECONDS >= deadline)); then
            echo "waited ${limit}s, still not true: $*" >&2
            return 1
        fi
        sleep 0.05
    done
}

# wait_gone PID: polls until the process PID no longer exists.
wait_gone() {
    wait_until "! kill -0 $1 2>/dev/null"
}

# wait_status ID STATUS: polls until the container reaches STATUS.
wait_status() {
    wait_until "[ \"\$(container_status $1 2>/dev/null)\" = $2 ]" && return 0
    echo "container $1 never reached $2 (is: $(container_status "$1" 2>&1))" >&2
    return 1
}

# Fails unless the runtime under test is hull (for hull-only behaviour).
is_hull() {
    case "$(basename "$HULL_RUNTIME")" in hull-runtime*) return 0 ;; *) return 1 ;; esac
}

# assert_no_leftovers ID: nothing of the container is left on the host.
assert_no_leftovers() {
    local id=$1
    [ ! -e "$TEST_ROOT/$id" ] || { echo "state dir $TEST_ROOT/$id left behind" >&2; return 1; }
    ! grep -q "$id" /proc/self/mountinfo || { echo "mount left behind for $id" >&2; return 1; }
    local d
    for d in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
        [ -d "$d" ] || continue
        if find "$d" -maxdepth 4 -type d -name "*$id*" 2>/dev/null | grep -q .; then
            echo "cgroup left behind for $id under $d" >&2
            return 1
        fi
    done
    if pgrep -f -- "$id" >/dev/null 2>&1; then
        echo "process left behind for $id" >&2
        return 1
    fi
}

# run_quiet CMD...: like bats' `run`, but output goes through a file, so a
# container that inherits stdout (create, run -d) cannot make the capture hang.
run_quiet() {
    local out=$TEST_DIR/.run_quiet.$$
    status=0
    "$@" </dev/null >"$out" 2>&1 || status=$?
    output=$(cat "$out")
    mapfile -t lines <"$out"
    rm -f "$out"
}
