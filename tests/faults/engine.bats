#!/usr/bin/env bats
# Crash safety of the engine (issue 18, docs/reliability.md): `hull run`,
# `run -d`, `run --rm`, `rm`, `load` and `commit` are SIGKILLed at chosen
# system calls (strace -e inject=SYSCALL:signal=SIGKILL:when=N, on the hull
# process itself: deterministic), then `hull ps -a` must show what was left,
# `hull rm -f` / `hull system check --repair` must leave nothing (no mount
# under the test's store, no container dir, no runtime state, no cgroup, no
# image mark, no temp or staging file), the image must be removable and the
# store must still work.
#
# The rename counts below follow `hull run`'s order of writes (run.c):
# 1 the intent record, 2 the full record (the overlay is mounted by then,
# and rootfs.kind, hostname, hosts, resolv.conf and config.json, which are
# created in place, are written); then the process forks (clone 1) the
# child that starts the container and becomes its monitor.  The first run of
# an image also makes its init layer, between the two, and renames it into
# place with renameat2, which these counts leave out.

bats_require_minimum_version 1.5.0
load ../lib/common
load ../engine/helpers

setup() {
    command -v strace >/dev/null || skip "strace is not installed"
    # rename(2) exists on x86_64 (glibc's rename() uses it); other
    # architectures only have renameat/renameat2 and other counts.
    strace -qq -o /dev/null -e trace=rename true 2>/dev/null || skip "no rename system call on $(uname -m)"
    engine_setup
    hull import --change 'CMD ["sh"]' "$IMAGES/rootfs.tar" busybox >/dev/null
}

teardown() {
    diag_on_failure
    engine_teardown
}

# kill_at SYSCALL N ARGS...: `hull ARGS` SIGKILLed at its N-th SYSCALL; fails
# unless it was killed there (a count that no longer matches fails the test).
kill_at() {
    local syscall=$1 n=$2
    shift 2
    run_quiet timeout --kill-after=10 60 strace -qq -o /dev/null -e trace="$syscall" \
        -e inject="$syscall":signal=SIGKILL:when="$n" "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" "$@"
    [ "$status" -eq 137 ] || { echo "hull $* was not killed at $syscall #$n (status $status): $output" >&2; return 1; }
}

# The only container dir's id.
the_id() {
    local d
    d=$(find "$STORE/containers" -mindepth 1 -maxdepth 1 -type d)
    [ "$(printf '%s\n' "$d" | grep -c .)" -eq 1 ] || { echo "want one container dir, have: $d" >&2; return 1; }
    basename "$d"
}

mounted_under_store() {
    grep -q " $STORE/containers/" /proc/self/mountinfo
}

# Nothing of any container is left, and `hull system check` agrees.
assert_nothing_left() {
    local left
    left=$(find "$STORE/containers" -mindepth 1 -maxdepth 1 -type d 2>/dev/null)
    [ -z "$left" ] || { echo "container dirs left: $left" >&2; return 1; }
    [ -z "$(ls -A "$RTROOT" 2>/dev/null)" ] || { echo "runtime state left: $(ls "$RTROOT")" >&2; return 1; }
    ! mounted_under_store || { echo "mounts left:" >&2; grep " $STORE" /proc/self/mountinfo >&2; return 1; }
    [ -z "$(find "$STORE/users" -type f 2>/dev/null)" ] || { echo "image marks left" >&2; return 1; }
    [ -z "$(find "$STORE" -name '*.tmp-*' 2>/dev/null)" ] || { echo "temp files left" >&2; return 1; }
    [ -z "$(ls -A "$STORE/tmp" 2>/dev/null)" ] || { echo "staging left: $(ls "$STORE/tmp")" >&2; return 1; }
    if [ -n "${1:-}" ]; then
        [ -z "$(find /sys/fs/cgroup -maxdepth 4 -name "*$1*" 2>/dev/null)" ] || { echo "cgroups left for $1" >&2; return 1; }
    fi
    run hull system check
    [ "$status" -eq 0 ] && [[ "$output" == "no problems found" ]] || { echo "system check: $output" >&2; return 1; }
}

# The store still works, and the image can be removed.
assert_store_works() {
    run hull run --rm busybox echo still-works
    [ "$status" -eq 0 ] && [ "$output" = still-works ] || { echo "run after the kill: $status $output" >&2; return 1; }
    run hull rmi busybox
    [ "$status" -eq 0 ] || { echo "rmi: $output" >&2; return 1; }
}

@test "run -d killed with the overlay mounted: ps -a shows it dead, start refuses it, rm -f removes everything" {
    kill_at rename 2 run -d busybox sleep 1000
    id=$(the_id)
    mounted_under_store
    [ -n "$(find "$STORE/users" -type f)" ]
    run hull ps -a --no-trunc
    [[ "$output" == *"$id"*Dead* ]]
    run hull start "$id"
    [ "$status" -ne 0 ]
    [[ "$output" == *"never completely created"* ]]
    run hull system check
    [ "$status" -eq 1 ]
    [[ "$output" == *"container "*"$id"*"killed"* ]]
    [[ "$output" == *"mount "*"$STORE/containers/$id/rootfs"* ]]
    run hull rm -f "$id"
    [ "$status" -eq 0 ]
    assert_nothing_left "$id"
    assert_store_works
}

@test "run killed at its intent record: the half-written record is reported and repaired, a temp file swept" {
    kill_at rename 1 run busybox true
    id=$(the_id)
    [ ! -e "$STORE/containers/$id/record.json" ]
    ls "$STORE/containers/$id"/record.json.tmp-*
    run hull system check
    [ "$status" -eq 1 ]
    [[ "$output" == *"container "*"$id"*"without a record"* ]]
    [[ "$output" == *"tmp "*"record.json.tmp-"* ]]
    run hull system check --repair
    [ "$status" -eq 0 ]
    [[ "$output" == *"[repaired]"* ]]
    assert_nothing_left "$id"
    assert_store_works
}

@test "a temp file of a killed writer is swept by the next command that takes the lock" {
    kill_at rename 2 run -d busybox true
    id=$(the_id)
    ls "$STORE/containers/$id"/record.json.tmp-*
    # a dead writer of repositories.json (a pid that has exited)
    sh -c 'exit 0' &
    dead=$!
    wait "$dead" || true
    touch "$STORE/repositories.json.tmp-$dead"
    hull volume create vol >/dev/null
    touch "$STORE/volumes/vol/volume.json.tmp-$dead"
    # a live writer's (this shell's) must be kept
    touch "$STORE/images/x.json.tmp-$$"
    run hull system check
    [ "$status" -eq 1 ]
    [[ "$output" == *"repositories.json.tmp-$dead"* ]]
    [[ "$output" == *"volume.json.tmp-$dead"* ]]
    [[ "$output" != *"x.json.tmp-$$"* ]]
    hull tag busybox other >/dev/null
    [ ! -e "$STORE/repositories.json.tmp-$dead" ]
    [ -e "$STORE/images/x.json.tmp-$$" ]
    rm "$STORE/images/x.json.tmp-$$"
    hull run --rm busybox true
    [ -z "$(ls "$STORE/containers/$id"/*.tmp-* 2>/dev/null)" ]
    run hull rm -f "$id"
    [ "$status" -eq 0 ]
    run hull system check --repair
    [ "$status" -eq 0 ]
    [[ "$output" == *"volume.json.tmp-$dead"*"[repaired]"* ]]
    hull volume rm vol >/dev/null
    assert_nothing_left "$id"
    hull rmi other >/dev/null
    assert_store_works
}

@test "run --rm killed before the init is cloned: ps -a shows it, system check --repair removes it" {
    kill_at clone 1 run --rm busybox true
    id=$(the_id)
    run hull ps -a --no-trunc
    [[ "$output" == *"$id"*Dead* ]]
    run hull system check --repair
    [ "$status" -eq 0 ]
    [[ "$output" == *"$id"*"[repaired]"* ]]
    assert_nothing_left "$id"
    assert_store_works
}

@test "run --rm killed while its container runs: its monitor removes it when it exits; rm -f kills and removes it" {
    mkfifo "$TEST_DIR/go"
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run --rm -v "$TEST_DIR/go:/go" busybox sh -c 'read x </go' \
        </dev/null >/dev/null 2>&1 &
    runpid=$!
    wait_until "hull ps -q | grep -q ."
    id=$(the_id)
    kill -9 "$runpid"
    wait "$runpid" || true
    run hull ps -a --no-trunc
    [[ "$output" == *"$id"*Up* ]]
    # Its monitor waits for it still (every container has one, foreground
    # ones too): once it exits, the --rm container is removed.
    echo go >"$TEST_DIR/go"
    wait_until '[ ! -e "$STORE/containers/$id" ]'
    run hull system check
    [ "$status" -eq 0 ]
    assert_nothing_left "$id"

    # Still running: rm -f kills it.
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run --rm busybox sleep 1000 </dev/null >/dev/null 2>&1 &
    runpid=$!
    wait_until "hull ps -q | grep -q ."
    id=$(the_id)
    pid=$(jq -r .State.Pid "$STORE/containers/$id/record.json")
    kill -9 "$runpid"
    wait "$runpid" || true
    run hull rm -f "$id"
    [ "$status" -eq 0 ]
    wait_gone "$pid"
    assert_nothing_left "$id"
    assert_store_works
}

@test "rm -f killed at its unmount: the container stays visible and a second rm -f removes everything" {
    hull run --name stopped busybox true
    id=$(the_id)
    mounted_under_store
    kill_at umount2 1 rm -f "$id"
    run hull ps -a --no-trunc
    [[ "$output" == *"$id"* ]]
    run hull rm -f "$id"
    [ "$status" -eq 0 ]
    assert_nothing_left "$id"
    assert_store_works
}

@test "load killed while moving its layers into place: the staging dir is reported and repaired" {
    hull rmi busybox >/dev/null
    kill_at rename 1 load -i "$IMAGES/busybox-docker.tar"
    [ -n "$(ls -A "$STORE/tmp")" ]
    run hull system check
    [ "$status" -eq 1 ]
    [[ "$output" == *"staging "*"$STORE/tmp/"* ]]
    run hull system check --repair
    [ "$status" -eq 0 ]
    assert_nothing_left
    hull load -i "$IMAGES/busybox-docker.tar" >/dev/null
    img=$(hull images -q | head -n1)
    hull tag "$img" busybox
    assert_store_works
}

@test "run killed while it makes the image's init layer: nothing half made is used, the next writer wipes it" {
    hex=$(find "$STORE/images" -name '*.json' -printf '%f\n' | head -n1)
    hex=${hex%.json}
    # fsmount 2: the init layer's overlay (1 is the exe protection's), made
    # detached, so it goes with the process; renameat2 1: its rename into
    # init/, the last step (the record's renames are rename(2)s)
    for point in "fsmount 2" "renameat2 1"; do
        kill_at $point run busybox true
        id=$(the_id)
        [ ! -e "$STORE/init/$hex" ]
        ls -d "$STORE"/tmp/init-*
        ! grep -q " $STORE/tmp/" /proc/self/mountinfo
        run hull system check
        [ "$status" -eq 1 ]
        [[ "$output" == *"staging "*"$STORE/tmp/init-"* ]]
        # its writable open of the store wipes the staging dir
        run hull rm -f "$id"
        [ "$status" -eq 0 ]
        assert_nothing_left "$id"
    done
    run hull run --rm busybox cat /etc/hostname
    [ "$status" -eq 0 ] && [ -n "$output" ]
    [ -f "$STORE/init/$hex/etc/hostname" ]
    assert_store_works
    [ ! -e "$STORE/init/$hex" ]
}

@test "commit killed: its staging dir is repaired, the container is intact and commits again" {
    hull run --name src busybox sh -c 'echo data >/f'
    kill_at rename 1 commit src committed
    [ -n "$(ls -A "$STORE/tmp")" ]
    run hull system check --repair
    [ "$status" -eq 0 ]
    [[ "$output" == *"staging "*"[repaired]"* ]]
    hull commit src committed >/dev/null
    run hull run --rm committed cat /f
    [ "$output" = data ]
    hull rm src >/dev/null
    hull rmi committed >/dev/null
    assert_nothing_left
    assert_store_works
}

@test "rmi: an image mark of a container that does not exist no longer blocks the image" {
    hex=$(find "$STORE/images" -name '*.json' -printf '%f\n' | head -n1)
    hex=${hex%.json}
    mkdir -p "$STORE/users/$hex"
    touch "$STORE/users/$hex/ac3f$(printf '%060d' 0)"
    run hull system check
    [ "$status" -eq 1 ]
    [[ "$output" == *"image-mark"*"does not exist"* ]]
    run hull rmi busybox
    [ "$status" -eq 0 ]
    assert_nothing_left
}

@test "container prune removes a container whose hull run was killed" {
    kill_at rename 2 run busybox true
    id=$(the_id)
    run hull container prune -f
    [ "$status" -eq 0 ]
    [[ "$output" == *"$id"* ]]
    assert_nothing_left "$id"
    assert_store_works
}

@test "system check: a record that is not JSON, and runtime state of a container without a record" {
    # A record cut short (a hand edit, a full disk before writes were atomic).
    hull run --name cut busybox true
    cut_id=$(the_id)
    printf '{"Id": "%s", "Sta' "$cut_id" >"$STORE/containers/$cut_id/record.json"
    # What a hull that removed the record first left when its `rm -f` was
    # killed: a live container, its cgroups and runtime state, no record.
    hull run -d busybox sleep 1000 >/dev/null
    live_id=$(find "$STORE/containers" -mindepth 1 -maxdepth 1 -type d ! -name "$cut_id" -printf '%f\n')
    pid=$(jq -r .State.Pid "$STORE/containers/$live_id/record.json")
    kill -0 "$pid"
    umount -l "$STORE/containers/$live_id/rootfs"
    rm -rf "${STORE:?}/containers/$live_id"
    run hull system check
    [ "$status" -eq 1 ]
    [[ "$output" == *"container "*"$cut_id"*"not readable JSON"* ]]
    [[ "$output" == *"runtime "*"$live_id"*"without a container"* ]]
    [[ "$output" == *"image-mark"* ]]
    run hull system check --repair
    [ "$status" -eq 0 ]
    wait_gone "$pid"
    assert_nothing_left "$cut_id"
    assert_nothing_left "$live_id"
    assert_store_works
}

@test "run whose starting child is killed when the runtime library clones the init: run fails (125), nothing left" {
    # The foreground run's child (its monitor-to-be) creates the container:
    # killed at the init's clone3, it leaves runtime state and cgroups that
    # hull run removes with the rest (the runtime library's delete removes
    # its cgroups too: its intent.json names them).
    run_quiet timeout --kill-after=10 60 strace -f -qq -o /dev/null -e trace=clone3 \
        -e inject=clone3:signal=SIGKILL:when=1 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run busybox true
    [ "$status" -eq 125 ]
    [[ "$output" == *"the container monitor exited without starting the container"* ]]
    assert_nothing_left
    assert_store_works
}

# make faults-soak (outside make check): HULL_ENGINE_SOAK random kills, each of
# a command drawn from run, run -d, run --rm, rm -f, load and commit, at a
# system call drawn from that command's own trace (the hull process's calls
# that make or remove something), then everything is cleaned up the way a user
# would (rm -f of what ps -a shows, system check --repair) and nothing may be
# left: no container dir, runtime state, mount, cgroup, image mark, temp or
# staging file, and system check then finds no problem.

SOAK_SET=rename,mkdir,mkdirat,mount,umount2,clone,clone3,unlink,unlinkat,rmdir,openat,wait4,kill
soak_cmd() { # soak_cmd NAME: the hull arguments of command NAME
    case $1 in
    run) echo run busybox true ;;
    run-d) echo run -d busybox sleep 1000 ;;
    run-rm) echo run --rm busybox true ;;
    rm) echo rm -f soaked ;;
    load) echo load -i "$IMAGES/busybox-docker.tar" ;;
    commit) echo commit soaked soaked-image ;;
    esac
}
soak_prepare() { # the container rm and commit act on
    case $1 in
    rm | commit) hull run --name soaked busybox sh -c 'echo x >/f' >/dev/null ;;
    esac
}
# soak_points NAME: "SYSCALL N" for every call of the hull process itself
# (strace without -f counts those) that makes or removes something.
soak_points() {
    soak_prepare "$1"
    # shellcheck disable=SC2046
    strace -qq -o "$TEST_DIR/soak.trace" -e trace="$SOAK_SET" "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" \
        $(soak_cmd "$1") </dev/null >/dev/null 2>&1
    soak_cleanup
    awk '{ name = $1; sub(/\(.*/, "", name); if (name !~ /^[a-z_0-9]+$/) next; n = ++count[name]
           if (name != "openat" || $0 ~ /O_CREAT|O_WRONLY|O_RDWR|\/sys\/fs\/cgroup/) print name, n }' "$TEST_DIR/soak.trace"
}
soak_cleanup() {
    local id
    for id in $(hull ps -aq --no-trunc 2>/dev/null); do
        hull rm -f "$id" >/dev/null 2>&1 || true
    done
    hull system check --repair >/dev/null 2>&1 || true
    local img
    for img in $(hull images -q --no-trunc 2>/dev/null); do
        [ "$img" = "$BUSYBOX_ID" ] || hull rmi -f "$img" >/dev/null 2>&1 || true
    done
    # load may have tagged its copy of busybox: give the name back
    hull tag "$BUSYBOX_ID" busybox >/dev/null 2>&1 || true
}

@test "soak: random kills of run, run -d, run --rm, rm -f, load and commit leave nothing after rm -f and system check --repair" {
    [ -n "${HULL_ENGINE_SOAK:-}" ] || skip "make faults-soak runs it (HULL_ENGINE_SOAK=N kills)"
    BUSYBOX_ID=$(hull images -q --no-trunc busybox)
    local cmds=(run run-d run-rm rm load commit) cmd i point summary= ids id
    declare -A points kills
    for cmd in "${cmds[@]}"; do
        points[$cmd]=$(soak_points "$cmd")
        [ -n "${points[$cmd]}" ] || { echo "no kill points for $cmd" >&2; return 1; }
        summary+=" $cmd $(echo "${points[$cmd]}" | wc -l),"
    done
    for ((i = 1; i <= HULL_ENGINE_SOAK; i++)); do
        cmd=${cmds[RANDOM % ${#cmds[@]}]}
        point=$(echo "${points[$cmd]}" | shuf -n1)
        kills[$cmd]=$((${kills[$cmd]:-0} + 1))
        soak_prepare "$cmd"
        # shellcheck disable=SC2046
        run_quiet timeout --kill-after=10 60 strace -qq -o /dev/null -e trace="${point% *}" \
            -e inject="${point% *}":signal=SIGKILL:when="${point#* }" \
            "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" $(soak_cmd "$cmd")
        ids=$(find "$STORE/containers" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null)
        soak_cleanup
        for id in $ids; do
            assert_nothing_left "$id" || { echo "kill $i: $cmd killed at $point (status $status): $output" >&2; return 1; }
        done
        assert_nothing_left || { echo "kill $i: $cmd killed at $point" >&2; return 1; }
        if ((i % 25 == 0)); then
            run hull run --rm busybox echo still-works
            [ "$output" = still-works ] || { echo "after kill $i ($cmd at $point): $output" >&2; return 1; }
        fi
    done
    local per=
    for cmd in "${cmds[@]}"; do per+=" $cmd ${kills[$cmd]:-0},"; done
    echo "# engine soak: $HULL_ENGINE_SOAK random kills (per command:${per%,}; points:${summary%,}), 0 leaks" >&3
}

@test "stop returns after the monitor's cleanup: a start right after it keeps its new init (the monitor delayed by strace)" {
    hull run -d --name cycle busybox sleep 1000 >/dev/null
    pid=$(hull inspect -f '{{.State.Pid}}' cycle)
    # the monitor is the init's parent (a subreaper)
    monitor=$(ps -o ppid= -p "$pid" | tr -d ' ')
    [ -n "$monitor" ] && [ "$monitor" -gt 1 ]
    # The old monitor's writes of the record (rename) hold it 1.5 s after
    # they are done: a monitor that records the exit before it cleans up
    # lets stop return, and start run, before its cleanup of the old init,
    # which then deletes the new one.
    strace -qq -f -o /dev/null -p "$monitor" -e trace=rename -e inject=rename:delay_exit=1500000 &
    local tracer=$!
    wait_until "[ \"\$(awk '/^TracerPid:/ { print \$2 }' /proc/$monitor/status)\" != 0 ]"
    hull stop -t 1 cycle >/dev/null
    hull start cycle >/dev/null
    new=$(hull inspect -f '{{.State.Pid}}' cycle)
    [ "$new" != "$pid" ]
    # once the old monitor is gone, the new container must still run
    wait_gone "$monitor"
    wait "$tracer" || true
    kill -0 "$new"
    [ "$(hull inspect -f '{{.State.Status}}' cycle)" = running ]
    run hull exec cycle echo alive
    [ "$output" = alive ]
    hull rm -f cycle >/dev/null
    assert_nothing_left
}
