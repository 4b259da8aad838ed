#!/usr/bin/env bats
# exec: a new process in a running container.

load ../lib/common

setup() {
    setup_bundle
    update_config '.process.args = ["sleep", "100"]'
    ID=$(new_id)
    runtime run -d --bundle "$BUNDLE" "$ID"
}
teardown() { diag_on_failure; teardown_bundle; }

@test "exec runs in the container's namespaces, as a child of no host process it can see" {
    run runtime exec "$ID" sh -c 'echo ppid=$PPID; readlink /proc/self/ns/pid /proc/self/ns/mnt 2>/dev/null || true; ps -o pid,comm'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = ppid=0 ]
    [[ "$output" == *"sleep"* ]]
    init=$(runtime state "$ID" | jq .pid)
    run runtime exec "$ID" readlink /proc/self/ns/pid
    [ "$output" = "$(readlink /proc/$init/ns/pid)" ]
    run runtime exec "$ID" readlink /proc/self/ns/net
    [ "$output" = "$(readlink /proc/$init/ns/net)" ]
}

@test "exec returns the process's exit status" {
    run runtime exec "$ID" sh -c 'exit 7'
    [ "$status" -eq 7 ]
}

@test "exec --env, --cwd, --user, --additional-gids" {
    run runtime exec --env FOO=bar -e PATH=/bin --cwd /tmp --user 1000:1001 --additional-gids 2000 "$ID" sh -c 'echo $FOO; pwd; id -u; id -g; id -G'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = bar ]
    [ "${lines[1]}" = /tmp ]
    [ "${lines[2]}" = 1000 ]
    [ "${lines[3]}" = 1001 ]
    [[ "${lines[4]}" == *2000* ]]
}

@test "exec --process FILE takes a process.json" {
    cat >"$TEST_DIR/process.json" <<'JSON'
{"terminal": false, "user": {"uid": 0, "gid": 0}, "args": ["sh", "-c", "echo from-process-json $X"], "env": ["PATH=/bin", "X=42"], "cwd": "/"}
JSON
    run runtime exec --process "$TEST_DIR/process.json" "$ID"
    [ "$status" -eq 0 ]
    [ "$output" = "from-process-json 42" ]
}

@test "exec gets the container's capabilities and no_new_privs; --cap adds one" {
    init=$(runtime state "$ID" | jq .pid)
    want=$(awk '/CapBnd/ {print $2}' /proc/$init/status)
    run runtime exec "$ID" sh -c 'grep CapBnd /proc/self/status'
    [[ "$output" == *"$want"* ]]
    run runtime exec --cap CAP_SYS_ADMIN "$ID" sh -c 'grep CapEff /proc/self/status'
    # bit 21 (CAP_SYS_ADMIN) set
    eff=$(echo "$output" | awk '{print $2}')
    [ $(( 0x$eff >> 21 & 1 )) -eq 1 ]
}

@test "exec --detach --pid-file returns at once and writes the pid" {
    runtime exec --detach --pid-file "$TEST_DIR/exec.pid" "$ID" sleep 30
    pid=$(cat "$TEST_DIR/exec.pid")
    [ -d "/proc/$pid" ]
    grep -q "sleep" "/proc/$pid/cmdline"
}

@test "exec of a program that does not exist fails with 255 and names it" {
    run runtime exec "$ID" /no/such/program
    [ "$status" -eq 255 ]
    [[ "$output" == */no/such/program* ]]
}

@test "exec into a stopped container fails clearly" {
    runtime kill "$ID" KILL
    wait_status "$ID" stopped
    run runtime exec "$ID" true
    [ "$status" -ne 0 ]
    [[ "$output" == *stopped* ]]
}

@test "exec into a paused container is refused unless --ignore-paused" {
    runtime pause "$ID"
    run runtime exec "$ID" true
    [ "$status" -ne 0 ]
    [[ "$output" == *paused* ]]
    runtime resume "$ID"
}

@test "exec does not leak the runtime's file descriptors (CVE-2024-21626)" {
    exec 7<"$HULL_SRC/README.md"
    run runtime exec "$ID" ls /proc/self/fd
    exec 7<&-
    [ "$status" -eq 0 ]
    # ls's own fds: 0 1 2 and the directory it reads
    [ "$(echo $output)" = "0 1 2 3" ]
}

@test "exec --preserve-fds passes extra fds" {
    echo preserved >"$TEST_DIR/pfile"
    run bash -c "exec 3<'$TEST_DIR/pfile'; '$HULL_RUNTIME' --root '$TEST_ROOT' exec --preserve-fds 1 $ID cat /proc/self/fd/3"
    [ "$status" -eq 0 ]
    [ "$output" = preserved ]
}

@test "exec of an unknown container fails with 255" {
    run runtime exec no-such-container true
    [ "$status" -eq 255 ]
    [[ "$output" == *no-such-container* ]]
}
