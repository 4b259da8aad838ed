#!/usr/bin/env bats
# A foreground `hull run` is a client of the container's monitor, as podman's
# run is of conmon (src/libhull-engine/engine/lifecycle.c engine_run_foreground): attached
# before the container starts (no output lost), its stdin passed on and closed
# at its EOF, signals proxied, the exit code the container's; killed with
# SIGKILL, it leaves a container that runs on, logged, attachable, whose exit
# the monitor records (and --rm removes).

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

# fg ARGS...: hull run in the foreground, bounded (the container's own
# stdin is not ours unless -i: ours is /dev/null here unless redirected).
fg() {
    timeout --kill-after=10 60 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run "$@"
}

state() {
    hull inspect "$1" | jq -r ".[0].State.$2"
}

@test "foreground: fast output is never lost, stdout and stderr apart, exit codes (own, 125/126/127)" {
    # the client is attached before the container starts: `echo` cannot win the race
    for i in $(seq 1 15); do
        [ "$(fg --rm busybox echo hi$i </dev/null)" = "hi$i" ]
    done
    fg --rm busybox sh -c 'echo out; echo err >&2; exit 3' >"$TEST_DIR/out" 2>"$TEST_DIR/err" </dev/null || st=$?
    [ "${st:-0}" -eq 3 ]
    [ "$(cat "$TEST_DIR/out")" = out ]
    [ "$(cat "$TEST_DIR/err")" = err ]
    run -127 fg --rm busybox nosuchprogram
    [[ $output == *'"nosuchprogram": executable file not found'* ]]
    run -126 fg --rm busybox /etc
    run -125 fg --rm nosuchimage true
    # nothing of them is left: --rm, and the failed starts removed by hull run
    [ -z "$(ls "$STORE/containers")" ]
    # more than a pipe holds, all of it, in order
    [ "$(fg --rm busybox sh -c 'seq 1 50000' </dev/null | tail -n 1)" = 50000 ]
    [ "$(fg --rm busybox sh -c 'seq 1 50000' </dev/null | wc -l)" -eq 50000 ]
}

@test "foreground: -i passes stdin on and closes it at its end; without -i the container's stdin is empty" {
    [ "$(echo x | fg -i --rm busybox cat)" = x ]
    # more input than the pipes hold, while the container writes as much back
    [ "$(seq 1 100000 | fg -i --rm busybox cat | wc -l)" -eq 100000 ]
    [ "$(echo x | fg --rm busybox cat)" = "" ]
    # the record says what the run did
    echo x | fg -i --name rec busybox sh -c 'cat; exit 5' >/dev/null || st=$?
    [ "${st:-0}" -eq 5 ]
    [ "$(state rec Status)" = exited ]
    [ "$(state rec ExitCode)" = 5 ]
    [ "$(state rec FinishedAt)" != 0001-01-01T00:00:00Z ]
    # and its output is in its log, as a detached container's
    echo x | fg -i --name lg busybox sh -c 'cat; echo to-err >&2' >/dev/null 2>&1
    [ "$(hull logs lg 2>&1 | sort | tr '\n' ' ')" = "to-err x " ]
}

@test "foreground: kill -9 of hull run: the container runs on, logged, attachable, its exit recorded" {
    mkfifo "$TEST_DIR/in"
    # <> opens the fifo without a writer to wait for, and it never ends
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run -i --name k busybox \
        sh -c 'echo one; read x; echo got:$x; exit 4' <>"$TEST_DIR/in" >"$TEST_DIR/out" 2>&1 &
    BG=$!
    wait_until grep -qx one "$TEST_DIR/out"
    kill -9 "$BG"
    bg_wait || true
    [ "$(state k Status)" = running ]
    kill -0 "$(state k Pid)"
    # its parent is its monitor: in a session of its own, no terminal, no engine library
    ppid=$(awk '/^PPid:/ {print $2}' "/proc/$(state k Pid)/status")
    [ "$(cat "/proc/$ppid/comm")" = hull-monitor ]
    [ "$(awk '{print $6}' "/proc/$ppid/stat")" != "$(awk '{print $6}' /proc/$$/stat)" ]
    [ "$(awk '{print $7}' "/proc/$ppid/stat")" = 0 ]
    [ "$(awk '/^VmRSS:/ {print $2}' "/proc/$ppid/status")" -le 300 ] # KB: the issue's budget
    ! grep -qE 'libjson-c|libarchive|libseccomp' "/proc/$ppid/maps"
    hull logs k | grep -qx one
    # another client joins it, its stdin goes in, its exit code comes back
    echo hello | timeout --kill-after=10 30 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" attach k \
        >"$TEST_DIR/att" || st=$?
    [ "${st:-0}" -eq 4 ]
    [ "$(cat "$TEST_DIR/att")" = got:hello ]
    [ "$(state k Status)" = exited ]
    [ "$(state k ExitCode)" = 4 ]
    [ "$(state k FinishedAt)" != 0001-01-01T00:00:00Z ]
    hull logs k | grep -qx got:hello
    # hull stop of a foreground container whose run was killed: at once, not after the timeout
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run --name s busybox sh -c 'echo ready; sleep 1000' \
        </dev/null >"$TEST_DIR/s" 2>&1 &
    BG=$!
    wait_until grep -qx ready "$TEST_DIR/s"
    kill -9 "$BG"
    bg_wait || true
    # (sh as pid 1 ignores SIGTERM: SIGKILL after 1 s, and the monitor records it)
    SECONDS=0
    timeout --kill-after=10 60 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" stop -t 1 s
    [ "$SECONDS" -lt 10 ]
    [ "$(state s Status)" = exited ]
    [ "$(state s ExitCode)" = 137 ]
}

@test "foreground: kill -9 of hull run --rm: the monitor removes the container when it ends" {
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run --rm --name r busybox \
        sh -c 'echo ready; while [ ! -e /stop ]; do sleep 0.1; done' </dev/null >"$TEST_DIR/out" 2>&1 &
    BG=$!
    wait_until grep -qx ready "$TEST_DIR/out"
    id=$(hull inspect r | jq -r '.[0].Id')
    kill -9 "$BG"
    bg_wait || true
    [ "$(state r Status)" = running ]
    # the init may end (and its pid namespace kill touch) before touch has exited
    hull exec r touch /stop || true
    wait_until '[ ! -e "$STORE/containers/$id" ]'
    run -1 hull inspect r
    [ -z "$(ls "$RTROOT" 2>/dev/null | grep -v '^@' || true)" ]
}

@test "foreground: a hull run that dies before it recorded the exit: the monitor records it (and --rm)" {
    # hull run records the exit itself when the monitor sends the code; stopped
    # there and then killed, it never says "recorded": the monitor does it
    for rm in "" --rm; do
        "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run $rm --name late busybox \
            sh -c 'echo ready; while [ ! -e /stop ]; do sleep 0.1; done; exit 7' </dev/null >"$TEST_DIR/out" 2>&1 &
        BG=$!
        wait_until grep -qx ready "$TEST_DIR/out"
        id=$(hull inspect late | jq -r '.[0].Id')
        pid=$(state late Pid)
        kill -STOP "$BG"
        hull exec late touch /stop || true # (see above)
        wait_gone "$pid"
        kill -9 "$BG"
        kill -CONT "$BG" 2>/dev/null || true
        bg_wait || true
        if [ -z "$rm" ]; then
            wait_until '[ "$(state late Status)" = exited ]'
            [ "$(state late ExitCode)" = 7 ]
            hull rm late >/dev/null
        else
            wait_until '[ ! -e "$STORE/containers/$id" ]'
        fi
    done
}

@test "foreground: signals to hull run go to the container, 128+N when one kills it; hull attach joins a foreground run" {
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run --name sig busybox \
        sh -c "trap 'echo term; exit 9' TERM; echo ready; while :; do sleep 0.1; done" \
        </dev/null >"$TEST_DIR/out" 2>&1 &
    BG=$!
    wait_until grep -qx ready "$TEST_DIR/out"
    # a second client sees what the first does
    timeout --kill-after=10 30 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" attach --no-stdin sig \
        >"$TEST_DIR/att" </dev/null &
    att=$!
    wait_until '[ -S "$STORE/containers/$(hull inspect sig | jq -r ".[0].Id")/attach" ]'
    kill -TERM "$BG"
    bg_wait || st=$?
    [ "${st:-0}" -eq 9 ]
    grep -qx term "$TEST_DIR/out"
    wait "$att" || at=$?
    [ "${at:-0}" -eq 9 ]
    [ "$(state sig ExitCode)" = 9 ]
    # killed by a signal: 128+N, as a shell says
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run --rm --name kl busybox sh -c 'echo ready; sleep 1000' \
        </dev/null >"$TEST_DIR/kl" 2>&1 &
    BG=$!
    wait_until grep -qx ready "$TEST_DIR/kl"
    hull kill kl >/dev/null
    bg_wait || st=$?
    [ "${st:-0}" -eq 137 ]
}

@test "foreground: -t gets our terminal's size and our input; start -a is a client too" {
    command -v script >/dev/null || skip "script (util-linux) not installed"
    rm -f "$TEST_DIR/tty-in"
    mkfifo "$TEST_DIR/tty-in"
    timeout --kill-after=10 60 script -qec "stty rows 33 cols 77; '$HULL_ENGINE' --root '$STORE' --runroot '$RUNROOT' run -it --rm busybox sh -c 'stty size; read x; echo got:\$x; exit 4'; echo rc=\$?" /dev/null \
        <"$TEST_DIR/tty-in" >"$TEST_DIR/t" &
    BG=$!
    exec 4>"$TEST_DIR/tty-in"
    wait_until grep -q '33 77' "$TEST_DIR/t"
    printf 'hi\r' >&4
    wait_until grep -q rc= "$TEST_DIR/t"
    exec 4>&-
    bg_wait || true
    tr -d '\r' <"$TEST_DIR/t" >"$TEST_DIR/t.txt"
    grep -qx got:hi "$TEST_DIR/t.txt"
    grep -qx rc=4 "$TEST_DIR/t.txt"
    # start -a of a stopped container: output and code through its new monitor
    hull create --name c busybox sh -c 'echo started; exit 6' >/dev/null
    run -6 timeout --kill-after=10 30 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" start -a c
    [ "$output" = started ]
    hull logs c | grep -qx started
    # start -ai passes our stdin (and its end); start -a alone does not, as docker's
    hull create -i --name ci busybox sh -c 'read x; echo got:$x' >/dev/null
    [ "$(echo hi | timeout --kill-after=10 30 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" start -ai ci)" = got:hi ]
    hull create -i --name cn busybox sh -c 'read -t 1 x && echo got:$x || echo nothing' >/dev/null
    [ "$(echo hi | timeout --kill-after=10 30 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" start -a cn)" = nothing ]
}
