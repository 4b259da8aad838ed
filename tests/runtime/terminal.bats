#!/usr/bin/env bats
# Terminals: process.terminal, --console-socket (runc's protocol), consoleSize.

load ../lib/common

setup() { setup_bundle; }
teardown() {
    diag_on_failure
    [ -z "${RECV:-}" ] || kill "$RECV" 2>/dev/null || true
    teardown_bundle
}

start_receiver() {
    SOCK=$TEST_DIR/console.sock
    python3 "$HULL_SRC/tests/lib/console_receiver.py" "$SOCK" "$TEST_DIR/console.out" "$@" &
    RECV=$!
    wait_until "[ -e $SOCK.ready ]"
}

@test "--console-socket receives the pty master; the process has a terminal of the configured size" {
    start_receiver
    update_config '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 111} | .process.args = ["sh", "-c", "tty; stty size; ls -l /dev/console"]'
    id=$(new_id)
    runtime create --console-socket "$SOCK" --bundle "$BUNDLE" "$id"
    runtime start "$id"
    wait "$RECV"
    RECV=
    cat "$TEST_DIR/console.out"
    grep -q '/dev/pts/' "$TEST_DIR/console.out"
    grep -q '33 111' "$TEST_DIR/console.out"
    [ "$(cat "$TEST_DIR/console.out.size")" = "33 111" ]
    grep -q '^/dev/pts/' "$TEST_DIR/console.out.path"
}

@test "input typed into the console reaches the process" {
    start_receiver "hello-through-the-pty"
    update_config '.process.terminal = true | .process.args = ["sh", "-c", "read x; echo got:$x"]'
    id=$(new_id)
    runtime run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$id"
    wait "$RECV"
    RECV=
    grep -q 'got:hello-through-the-pty' "$TEST_DIR/console.out"
}

@test "run in the foreground with a terminal proxies it (under script(1))" {
    command -v script >/dev/null || skip "script(1) from bsdutils not installed"
    update_config '.process.terminal = true | .process.args = ["sh", "-c", "tty && echo in-a-tty; exit 4"]'
    id=$(new_id)
    run script -qec "'$HULL_RUNTIME' --root '$TEST_ROOT' run --bundle '$BUNDLE' $id" /dev/null
    [[ "$output" == *in-a-tty* ]]
    [[ "$output" == */dev/pts/* ]]
    [ "$status" -eq 4 ]
}

@test "exec --tty with --console-socket" {
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    runtime run -d --bundle "$BUNDLE" "$id"
    start_receiver
    runtime exec --tty --detach --console-socket "$SOCK" "$id" sh -c 'tty; echo exec-tty-ok'
    wait "$RECV"
    RECV=
    grep -q 'exec-tty-ok' "$TEST_DIR/console.out"
}
