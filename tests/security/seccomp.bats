#!/usr/bin/env bats
# linux.seccomp: actions, errnoRet, argument comparisons, bad names, and the
# engine's default profile (profiles/seccomp-default.json).

load ../lib/common
load security_helpers

setup() {
    setup_bundle
}

teardown() {
    diag_on_failure
    [ -n "${AGENT:-}" ] && kill "$AGENT" 2>/dev/null
    teardown_bundle
}

# seccomp JSON: sets linux.seccomp.
set_seccomp() {
    update_config ".linux.seccomp = $1"
}

@test "seccomp: SCMP_ACT_ERRNO with errnoRet fails the syscall with that errno" {
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]}'
    in_container "grep -E '^Seccomp:' /proc/self/status; mkdir /tmp/x"
    [ "$status" -ne 0 ]
    [ "${lines[0]}" = "Seccomp:	2" ]
    # errno 42 is ENOMSG
    [ "${lines[1]}" = "mkdir: can't create directory '/tmp/x': No message of desired type" ]
}

@test "seccomp: SCMP_ACT_ERRNO without errnoRet means EPERM" {
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
    in_container "mkdir /tmp/x"
    [ "$status" -ne 0 ]
    [ "$output" = "mkdir: can't create directory '/tmp/x': Operation not permitted" ]
}

@test "seccomp: argument comparison blocks kill(pid, SIGUSR1) but not kill(pid, 0)" {
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO",
        "errnoRet": 42, "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}]}'
    # kill is sh's builtin here: one stream, so the order is the order of events
    in_container "exec 2>&1; kill -0 1 && echo signal-0-ok; kill -USR1 1"
    [ "$status" -ne 0 ]
    [ "${lines[0]}" = "signal-0-ok" ]
    [ "${lines[1]}" = "sh: can't kill pid 1: No message of desired type" ]
}

@test "seccomp: SCMP_CMP_MASKED_EQ: kill with bit 3 set in the signal number" {
    # (sig & 0x8) == 0x8 refuses SIGUSR1 (10) and SIGUSR2 (12), not SIGCONT (18)
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO",
        "args": [{"index": 1, "value": 8, "valueTwo": 8, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
    in_container "exec 2>&1; kill -CONT 1 && echo cont-ok; kill -USR1 1; kill -USR2 1"
    [ "$status" -ne 0 ]
    [ "${lines[0]}" = "cont-ok" ]
    [ "${lines[1]}" = "sh: can't kill pid 1: Operation not permitted" ]
    [ "${lines[2]}" = "sh: can't kill pid 1: Operation not permitted" ]
}

@test "seccomp: an unknown syscall name is skipped" {
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["hull_no_such_syscall", "mkdir"],
        "action": "SCMP_ACT_ERRNO"}]}'
    in_container "mkdir /tmp/x"
    [ "$status" -ne 0 ]
    [ "$output" = "mkdir: can't create directory '/tmp/x': Operation not permitted" ]
}

@test "seccomp: defaultAction SCMP_ACT_ERRNO with defaultErrnoRet" {
    # the default profile's allow list, minus mkdir: mkdir falls to the default action
    set_seccomp "$(jq '.defaultErrnoRet = 42 | .syscalls[0].names -= ["mkdir", "mkdirat"]' \
        "$HULL_SRC/profiles/seccomp-default.json")"
    in_container "mkdir /tmp/x"
    [ "$status" -ne 0 ]
    [ "$output" = "mkdir: can't create directory '/tmp/x': No message of desired type" ]
}

@test "seccomp: SECCOMP_FILTER_FLAG_LOG and SPEC_ALLOW are accepted" {
    is_hull || skip "runc 1.1 refuses every flag (\"seccomp flags are not yet supported by runc\")"
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
        "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}'
    in_container "mkdir /tmp/x"
    [ "$status" -ne 0 ]
    [ "$output" = "mkdir: can't create directory '/tmp/x': Operation not permitted" ]
}

@test "seccomp: an unknown action is an error naming it" {
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_EXPLODE"}]}'
    in_container "true"
    [ "$status" -ne 0 ]
    [[ "$output" == *SCMP_ACT_EXPLODE* ]]
}

@test "seccomp: an unknown operator is an error naming it" {
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO",
        "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_SOMETIMES"}]}]}'
    in_container "true"
    [ "$status" -ne 0 ]
    [[ "$output" == *SCMP_CMP_SOMETIMES* ]]
}

@test "seccomp: an unknown flag is an error naming it" {
    is_hull || skip "runc 1.1 refuses every flag without naming it (\"seccomp flags are not yet supported by runc\")"
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_TURBO"]}'
    in_container "true"
    [ "$status" -ne 0 ]
    [[ "$output" == *SECCOMP_FILTER_FLAG_TURBO* ]]
}

@test "seccomp: errnoRet with an action that has no errno is an error" {
    is_hull || skip "runc 1.1 accepts errnoRet with SCMP_ACT_KILL (the spec says it MUST fail)"
    set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_KILL", "errnoRet": 5}]}'
    in_container "true"
    [ "$status" -ne 0 ]
    [[ "$output" == *"errnoRet"* ]]
}

@test "seccomp default profile: an ordinary shell session works" {
    set_seccomp "$(cat "$HULL_SRC/profiles/seccomp-default.json")"
    in_container "cd /tmp && mkdir d && echo hi > d/f && cat d/f && ls d && sleep 0.1 & wait; ps >/dev/null && echo ps-ok"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "hi" ]
    [ "${lines[1]}" = "f" ]
    [ "${lines[2]}" = "ps-ok" ]
}

@test "seccomp default profile: new namespaces, mount and module loading are refused even with CAP_SYS_ADMIN" {
    cp "$(escape_probe_binary)" "$BUNDLE/rootfs/bin/hull-escape-probe"
    set_seccomp "$(cat "$HULL_SRC/profiles/seccomp-default.json")"
    update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN", "CAP_SYS_MODULE"])'
    in_container "unshare -U true; unshare -m true; mount -t tmpfs none /tmp; hull-escape-probe init-module"
    [ "${lines[0]}" = "unshare: unshare(0x10000000): Operation not permitted" ]
    [ "${lines[1]}" = "unshare: unshare(0x20000): Operation not permitted" ]
    [ "${lines[2]}" = "mount: permission denied (are you root?)" ]
    # seccomp answers before the kernel could say ENOSYS (no module support here)
    [ "${lines[3]}" = "init_module: Operation not permitted" ]
    [ "${lines[4]}" = "finit_module: Operation not permitted" ]
}

# Issue 11 (runc's "-ENOSYS handling"): a syscall newer than the profile --
# numbered above every syscall it names, here 1000 and 500 on x86-64 -- gets
# ENOSYS, so libc falls back to an older call; one the profile names keeps its
# rule, and a hole below the maximum keeps the default errno.
enosys_profile() {
    jq -c "$1"' | .syscalls += [{"names": ["acct"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]' \
        "$HULL_SRC/profiles/seccomp-default.json"
}

@test "seccomp: a syscall newer than the profile gets ENOSYS, a named one its errno, a hole the default" {
    [ "$(uname -m)" = x86_64 ] || skip "the syscall numbers of this test are x86-64's"
    install_raw_syscall
    set_seccomp "$(enosys_profile .)"
    # 1000, 500: above any x86-64 syscall; 163 acct (named, errno 42); 246 kexec_load (not named: the default)
    in_container "hull-raw-syscall 1000 500 163 246"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "1000: ENOSYS" ]
    [ "${lines[1]}" = "500: ENOSYS" ]
    [ "${lines[2]}" = "163: ENOMSG" ]
    [ "${lines[3]}" = "246: EPERM" ]
}

@test "seccomp: ENOSYS for newer syscalls also with defaultErrnoRet, and from the compiled-filter cache" {
    [ "$(uname -m)" = x86_64 ] || skip "the syscall numbers of this test are x86-64's"
    install_raw_syscall
    set_seccomp "$(enosys_profile '.defaultErrnoRet = 13')"
    mkdir -m 700 "$TEST_DIR/cache"
    local i
    for i in 1 2; do
        HULL_SECCOMP_CACHE=$TEST_DIR/cache in_container "hull-raw-syscall 1000 163 246"
        echo "run $i: $output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "1000: ENOSYS" ]
        [ "${lines[1]}" = "163: ENOMSG" ]
        [ "${lines[2]}" = "246: EACCES" ]
    done
    if is_hull; then
        [ "$(ls "$TEST_DIR/cache" | wc -l)" -eq 1 ] # the second run read it back
    fi
}

@test "seccomp: SCMP_ACT_NOTIFY sends the process state and the fd to listenerPath; the agent answers" {
    local sock=$TEST_DIR/agent.sock state=$TEST_DIR/agent.state
    python3 "$HULL_SRC/tests/security/helpers/seccomp-agent.py" "$sock" "$state" 42 &
    AGENT=$!
    local i
    wait_until '[ -e "$state.ready" ]'
    set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$sock\", \"listenerMetadata\": \"hull-test\",
        \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
    local id
    id=$(new_id)
    update_config '.process.args = ["sh", "-c", "mkdir /tmp/x"]'
    run runtime run --bundle "$BUNDLE" "$id"
    # the agent leaves once the filter is gone (bounded, so a bug cannot hang the suite)
    wait_until '! { kill -0 "$AGENT" 2>/dev/null; }'
    [ "$status" -ne 0 ]
    # the agent answered mkdir (83 on x86_64) with errno 42
    [ "$output" = "mkdir: can't create directory '/tmp/x': No message of desired type" ]
    grep -qx 83 "$state.syscalls"
    # the container process state of config-linux.md
    [ "$(jq -r '.fds[0]' "$state")" = seccompFd ]
    [ "$(jq -r '.metadata' "$state")" = hull-test ]
    [ "$(jq -r '.state.id' "$state")" = "$id" ]
    [ "$(jq -r '.pid' "$state")" -gt 0 ]
    [ "$(jq -r '.pid' "$state")" = "$(jq -r '.state.pid' "$state")" ]
    # "The connection MUST NOT be reused and it MUST be closed after sending a seccomp state."
    if is_hull; then
        [ "$(cat "$state.closed")" = yes ]
    fi
}
