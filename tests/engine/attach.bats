#!/usr/bin/env bats
# hull attach: our stdio joined to a container through its monitor's
# attach socket (src/libhull-engine/engine/attach.h): output as it comes (stdout and
# stderr apart without a terminal), stdin when the container was started
# with -i, the detach keys (ctrl-p ctrl-q), signals proxied without a
# terminal, and the container's exit code as ours.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup_busybox
}

teardown() {
    diag_on_failure
    bg_kill
    engine_teardown
}

# a container that says "tick" every 0.1 s: once our attach printed one, it is connected
TICKS='(while :; do echo tick; sleep 0.1; done) &'


@test "attach: stdin of a -i container, output and stderr apart, exit code and the record agree" {
    hull run -di --name b busybox sh -c 'read x; echo got:$x; echo err:$x >&2; exit 7'
    echo hello | timeout --kill-after=10 30 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" attach b \
        >"$TEST_DIR/out" 2>"$TEST_DIR/err" || status=$?
    [ "${status:-0}" -eq 7 ]
    [ "$(cat "$TEST_DIR/out")" = got:hello ]
    [ "$(cat "$TEST_DIR/err")" = err:hello ]
    # the record is written when attach returns, as with hull wait
    [ "$(hull inspect b | jq -r '.[0].State.Status,.[0].State.ExitCode' | tr '\n' ' ')" = "exited 7 " ]
    # the socket goes with the container's run
    [ ! -e "$STORE/containers/$(hull inspect b | jq -r '.[0].Id')/attach" ]
}

@test "attach: two clients see the same output; --no-stdin sends nothing" {
    hull run -di --name n busybox sh -c "$TICKS"' read x; echo got:$x; exit 5'
    echo hello | "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" attach --no-stdin n >"$TEST_DIR/first" &
    BG=$!
    wait_until grep -q tick "$TEST_DIR/first"
    echo bye | timeout --kill-after=10 30 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" attach n \
        >"$TEST_DIR/second" || status=$?
    [ "${status:-0}" -eq 5 ]
    grep -qx got:bye "$TEST_DIR/second"
    # the first client got it too, and ended with the container's code
    bg_wait || st=$?
    [ "${st:-0}" -eq 5 ]
    grep -qx got:bye "$TEST_DIR/first"
    ! grep -q got:hello "$TEST_DIR/first"
}

@test "attach: the signals we get go to the container (--sig-proxy), not with --sig-proxy=false" {
    hull run -d --name s busybox sh -c "trap 'echo term; exit 9' TERM; $TICKS"' while :; do sleep 0.1; done'
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" attach --sig-proxy=false s >"$TEST_DIR/np" </dev/null &
    BG=$!
    wait_until grep -q tick "$TEST_DIR/np"
    kill -TERM "$BG"
    bg_wait || st=$?
    [ "$st" -eq 143 ]
    [ "$(hull inspect s | jq -r '.[0].State.Status')" = running ]
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" attach s >"$TEST_DIR/p" </dev/null &
    BG=$!
    wait_until grep -q tick "$TEST_DIR/p"
    kill -TERM "$BG"
    bg_wait || st=$?
    [ "$st" -eq 9 ]
    grep -qx term "$TEST_DIR/p"
    [ "$(hull inspect s | jq -r '.[0].State.ExitCode')" = 9 ]
}

# in_terminal OUT INPUT CMD [SEEN INPUT2]: CMD in a terminal of its own
# (script), INPUT typed into it, and INPUT2 once SEEN is in OUT (typed
# before, it would meet the terminal still cooked, where ctrl-q is XON);
# stdin stays open until CMD has ended (script kills its session when its
# stdin ends) and "rc=N" is in OUT.
in_terminal() {
    local out=$1 input=$2 cmd=$3 seen=${4:-} input2=${5:-}
    rm -f "$TEST_DIR/tty-in"
    mkfifo "$TEST_DIR/tty-in"
    timeout --kill-after=10 60 script -qec "$cmd; echo rc=\$?" /dev/null <"$TEST_DIR/tty-in" >"$out" &
    BG=$!
    exec 4>"$TEST_DIR/tty-in"
    printf "$input" >&4
    if [ -n "$seen" ]; then
        wait_until grep -q "$seen" "$out"
        printf "$input2" >&4
    fi
    wait_until grep -q rc= "$out"
    exec 4>&-
    bg_wait || true
    tr -d '\r' <"$out" >"$out.txt"
}

@test "attach: a terminal follows our size; ctrl-p ctrl-q detaches and leaves it running" {
    command -v script >/dev/null || skip "script (util-linux) not installed"
    hull run -dit --name t busybox sh -c 'read x; echo got:$x; stty size; exit 4'
    # our terminal is 33x77: the container's becomes the same
    in_terminal "$TEST_DIR/t" 'hi\r' "stty rows 33 cols 77; '$HULL_ENGINE' --root '$STORE' --runroot '$RUNROOT' attach t"
    grep -qx got:hi "$TEST_DIR/t.txt"
    grep -qx '33 77' "$TEST_DIR/t.txt"
    grep -qx rc=4 "$TEST_DIR/t.txt"

    hull run -dit --name d busybox sh
    in_terminal "$TEST_DIR/d" 'echo z$((6*7))z\r' "'$HULL_ENGINE' --root '$STORE' --runroot '$RUNROOT' attach d" \
        z42z '\020\021'
    grep -qx z42z "$TEST_DIR/d.txt"
    grep -q "rc=0$" "$TEST_DIR/d.txt" # after the prompt the shell drew
    [ "$(hull inspect d | jq -r '.[0].State.Status')" = running ]
    # other keys with --detach-keys (and without a terminal)
    printf 'ctrl-x\030' | timeout --kill-after=10 30 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" \
        attach --detach-keys ctrl-x d
    [ "$(hull inspect d | jq -r '.[0].State.Status')" = running ]
}

@test "attach: hull start -a of a running container attaches to it" {
    hull run -di --name r busybox sh -c 'read x; echo got:$x; exit 6'
    echo yo | timeout --kill-after=10 30 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" start -ai r \
        >"$TEST_DIR/out" || status=$?
    [ "${status:-0}" -eq 6 ]
    [ "$(cat "$TEST_DIR/out")" = got:yo ]
}

@test "attach: refusals: bad --detach-keys (125), stopped, paused, missing container" {
    hull run -d --name x busybox sleep 100
    run -125 hull attach --detach-keys ctrl-9 x
    [ "$output" = 'hull: error: invalid --detach-keys "ctrl-9": unknown key ctrl-9' ]
    run -125 hull attach --detach-keys ab x
    [[ $output == *'invalid --detach-keys "ab"'* ]]
    run -125 hull attach x x
    hull pause x >/dev/null
    fails_with "cannot attach to a paused container" hull attach x
    hull rm -f x >/dev/null
    hull create --name c busybox true >/dev/null
    fails_with "cannot attach to a stopped container" hull attach c
    fails_with "no such container" hull attach nothere
    # (a foreground `hull run`'s container has its monitor: foreground.bats attaches to one)
}

@test "attach: run -d and start return only once the monitor's socket listens" {
    # The socket is bound before the start is reported, not by the monitor
    # after its exec: `hull attach` right after `run -d` must never find no
    # monitor (it did, now and then, on a loaded machine).  A monitor slow to
    # come (a wrapper that waits before it execs the real one) makes the
    # old order fail every time.
    real=$(dirname "$HULL_ENGINE")/hull-monitor
    [ -x "$real" ] || real=$HULL_SRC/$BUILD/src/hull/hull-monitor
    printf '#!/bin/sh\nsleep 1\nexec %s "$@"\n' "$real" >"$TEST_DIR/slow-monitor"
    chmod +x "$TEST_DIR/slow-monitor"
    export HULL_MONITOR=$TEST_DIR/slow-monitor
    id=$(hull run -d --name l busybox sleep 300)
    [ -S "$STORE/containers/$id/attach" ]
    # (no container may end while the wrapper runs: its shell would reap the init)
    id=$(hull create --name c busybox sleep 300)
    hull start c
    [ -S "$STORE/containers/$id/attach" ]
    # and a client that connects at once is served: stdin of a -i container
    hull run -di --name li busybox sh -c 'read x; echo got:$x'
    echo now | timeout --kill-after=10 30 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" attach li >"$TEST_DIR/li"
    [ "$(cat "$TEST_DIR/li")" = got:now ]
}
