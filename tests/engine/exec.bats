#!/usr/bin/env bats
# hull exec: a new process inside a running container -- its namespaces,
# cgroup, capabilities, env and user come from the container; docker's flags
# (-e -w -u -i -t -d --privileged) and exit codes (the command's, 126, 127).

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup_busybox --change 'ENV IMG=from-image'
}

teardown() {
    diag_on_failure
    engine_teardown
}

hull_timed() {
    timeout 30 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" "$@"
}

# A running container named NAME (extra run flags before the name).
start_container() {
    local name=$1
    shift
    hull run -d --name "$name" "$@" busybox sh -c 'echo from-init >/init-was-here; exec sleep 1000' >/dev/null
    wait_until "hull_timed exec '$name' test -e /init-was-here 2>/dev/null" && return 0
    echo "container $name never became ready" >&2
    return 1
}

@test "exec: runs in the container's namespaces: hostname, pid 1, its files, its cgroup" {
    start_container c --hostname box
    run hull_timed exec c hostname
    [ "$status" -eq 0 ]
    [ "$output" = box ]
    # the container's pid namespace: its init is pid 1, and the exec'd shell is not
    run hull_timed exec c sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; echo $$'
    [ "${lines[0]}" = "sleep 1000 " ]
    [ "${lines[1]}" -gt 1 ]
    [ "${lines[1]}" -lt 100 ]
    # its mount namespace: the file the init wrote
    [ "$(hull_timed exec c cat /init-was-here)" = from-init ]
    # its cgroup, and its network namespace (only lo)
    [ "$(hull_timed exec c cat /proc/self/cgroup)" = "$(hull_timed exec c cat /proc/1/cgroup)" ]
    [ "$(hull_timed exec c ls /sys/class/net)" = lo ]
    init=$(hull inspect c | jq -r '.[0].State.Pid')
    [ "$(readlink /proc/$init/ns/pid)" != "$(readlink /proc/self/ns/pid)" ]
}

@test "exec: the command's exit status; 127 when not found, 126 when not executable" {
    start_container c
    run hull_timed exec c sh -c 'exit 7'
    [ "$status" -eq 7 ]
    run hull_timed exec c sh -c 'kill -9 $$'
    [ "$status" -eq 137 ]
    run -127 hull_timed exec c no-such-command
    fails_with 'executable file not found' hull exec c no-such-command
    hull_timed exec c sh -c 'echo x >/not-executable'
    run -126 hull_timed exec c /not-executable
    run -126 hull_timed exec c /tmp
}

@test "exec: the container's env and capabilities; -e adds and overrides, -w sets the cwd" {
    start_container c -e RUNVAR=run
    run hull_timed exec c sh -c 'echo "$IMG $RUNVAR $HOSTNAME"; pwd'
    [ "${lines[0]}" = "from-image run $(hull inspect c | jq -r '.[0].Id' | cut -c1-12)" ]
    [ "${lines[1]}" = / ]
    run hull_timed exec -e RUNVAR=exec -e NEW=1 -w /tmp c sh -c 'echo "$IMG $RUNVAR $NEW"; pwd'
    [ "${lines[0]}" = "from-image exec 1" ]
    [ "${lines[1]}" = /tmp ]
    # -e NAME passes our value
    FROM_HOST=hostval run hull_timed exec -e FROM_HOST c sh -c 'echo $FROM_HOST'
    [ "$output" = hostval ]
    run hull_timed exec c sh -c 'grep CapBnd /proc/self/status'
    [ "$output" = "CapBnd:	00000000a80425fb" ]
    # --privileged: every capability the host has, CAP_SYS_ADMIN (bit 21) among them
    run hull_timed exec --privileged c sh -c 'grep CapEff /proc/self/status'
    eff=$((16#${output##*	}))
    [ $((eff >> 21 & 1)) -eq 1 ]
    fails_with 'must be an absolute path' hull exec -w tmp c true
}

@test "exec -u: names are looked up in the container's /etc/passwd and /etc/group, not the host's" {
    start_container c
    # a user and groups the host does not have
    hull_timed exec c sh -c 'echo "tester:x:4321:4322::/:/bin/sh" >>/etc/passwd;
        echo "tgrp:x:4322:" >>/etc/group; echo "extra:x:5000:tester,other" >>/etc/group'
    ! grep -q '^tester:' /etc/passwd
    run hull_timed exec -u tester c id
    [ "$output" = "uid=4321(tester) gid=4322(tgrp) groups=5000(extra)" ]
    run hull_timed exec -u tester:extra c id
    [ "$output" = "uid=4321(tester) gid=5000(extra)" ]
    run hull_timed exec -u 777:778 c id
    [ "$output" = "uid=777 gid=778" ]
    run hull_timed exec -u 4321 c id -g
    [ "$output" = 4322 ]
    # a user or group the container lacks: the process cannot be started, 126 as docker's "unable to find user"
    fails_with 'no user "nosuchuser"' hull exec -u nosuchuser c true
    run hull exec -u nosuchuser c true
    [ "$status" -eq 126 ]
    fails_with 'no group "nosuchgroup"' hull exec -u tester:nosuchgroup c true
    run hull exec -u tester:nosuchgroup c true
    [ "$status" -eq 126 ]
}

@test "exec -i attaches stdin, without -i stdin is empty; -t gives a terminal" {
    start_container c
    run sh -c "echo piped | '$HULL_ENGINE' --root '$STORE' --runroot '$RUNROOT' exec -i c cat"
    [ "$output" = piped ]
    run sh -c "echo piped | timeout 10 '$HULL_ENGINE' --root '$STORE' --runroot '$RUNROOT' exec c cat"
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    run hull_timed exec -t c sh -c 'test -t 0 && test -t 1 && echo tty; exit 3' </dev/null
    [ "$status" -eq 3 ]
    [[ "$output" == *tty* ]]
    run hull_timed exec -t c sh -c 'echo $TERM'
    [[ "$output" == xterm* ]]
    run hull_timed exec c sh -c 'test -t 1 && echo tty; echo done'
    [ "$output" = done ]
}

@test "exec -d: returns at once, the command keeps running in the container" {
    start_container c
    run hull_timed exec -d c sh -c 'sleep 3; echo later >/detached; echo not-shown'
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    # it returned before the command finished ...
    run hull_timed exec c cat /detached
    [ "$status" -ne 0 ]
    # ... which still runs in the container
    wait_until '[ "$(hull_timed exec c cat /detached 2>/dev/null)" = later ]'
    [ "$(hull_timed exec c cat /detached)" = later ]
    fails_with 'not supported' hull exec -d -t c true
}

@test "exec: stopped, paused and unknown containers fail with one line" {
    hull run --name stopped busybox true
    fails_with 'is not running' hull exec stopped true
    run hull exec stopped true
    [ "$status" -eq 1 ]
    start_container p
    hull pause p >/dev/null
    fails_with 'is paused' hull exec p true
    hull unpause p >/dev/null
    [ "$(hull_timed exec p echo ok)" = ok ]
    fails_with 'no such container: nosuch' hull exec nosuch true
    run hull exec p
    [ "$status" -eq 125 ]
}
