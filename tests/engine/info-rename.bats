#!/usr/bin/env bats
# hull info, hull version, hull restart and hull rename: docker's commands and
# field names, against real containers; bad input is one line and changes
# nothing.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup_busybox
}

teardown() {
    diag_on_failure
    engine_teardown
}

@test "info: counts, cgroup version, kernel and store, in docker's fields; --format json and templates" {
    hull run -d --name up busybox sleep 1000 >/dev/null
    hull run --name done busybox true
    run hull info --format json
    [ "$status" -eq 0 ]
    [ "$(jq -r .Containers <<<"$output")" = 2 ]
    [ "$(jq -r .ContainersRunning <<<"$output")" = 1 ]
    [ "$(jq -r .ContainersStopped <<<"$output")" = 1 ]
    [ "$(jq -r .Images <<<"$output")" = 1 ]
    [ "$(jq -r .KernelVersion <<<"$output")" = "$(uname -r)" ]
    [ "$(jq -r .NCPU <<<"$output")" = "$(nproc)" ]
    [ "$(jq -r .DockerRootDir <<<"$output")" = "$STORE" ]
    if [ -f /sys/fs/cgroup/cgroup.controllers ]; then want=2; else want=1; fi
    [ "$(jq -r .CgroupVersion <<<"$output")" = "$want" ]
    run hull info --format '{{.CgroupVersion}} {{.ContainersRunning}}'
    [ "$output" = "$want 1" ]
    run hull info
    [ "$status" -eq 0 ]
    [[ "$output" == *"Containers: 2"*" Running: 1"*"Images: 1"*"Cgroup Version: $want"* ]]
    fails_with 'invalid --format' hull info --format '{{.Nope'
    fails_with 'accepts no arguments' hull info extra
}

@test "version: client and server are this binary; {{.Server.Version}} as with docker" {
    run hull version --format '{{.Server.Version}}'
    [ "$status" -eq 0 ]
    [ "$output" = "$(hull --version | awk '{print $3}')" ]
    run hull version --format json
    [ "$(jq -r .Client.Os <<<"$output")" = linux ]
    [ "$(jq -r .Client.KernelVersion <<<"$output")" = "$(uname -r)" ]
    run hull version
    [[ "$output" == *"Version:"* ]]
}

@test "restart: a new init in the same container; stopped ones start; -t escalates to SIGKILL" {
    hull run -d --name r busybox sh -c 'trap "exit 0" TERM; echo up >>/log; while :; do sleep 0.1; done' >/dev/null
    wait_until '[ "$(hull inspect r | jq -r ".[0].State.Status")" = running ]'
    pid1=$(hull inspect r | jq -r '.[0].State.Pid')
    wait_until "hull exec r grep -q up /log"
    run hull restart r
    [ "$status" -eq 0 ]
    [ "$output" = r ]
    [ "$(hull inspect r | jq -r '.[0].State.Status')" = running ]
    pid2=$(hull inspect r | jq -r '.[0].State.Pid')
    [ "$pid2" != "$pid1" ]
    ! kill -0 "$pid1" 2>/dev/null
    # the same root filesystem: the first init's line is still there
    wait_until '[ "$(hull exec r cat /log | wc -l)" -eq 2 ]'
    # a stopped container is started
    hull stop -t 0 r >/dev/null
    run hull restart r
    [ "$status" -eq 0 ]
    [ "$(hull inspect r | jq -r '.[0].State.Status')" = running ]
    # an init that ignores the stop signal is killed after -t
    hull run -d --name stubborn busybox sleep 1000 >/dev/null
    run hull restart -t 0 stubborn
    [ "$status" -eq 0 ]
    [ "$(hull inspect stubborn | jq -r '.[0].State.Status')" = running ]
    fails_with 'no such container: ghost' hull restart ghost
    fails_with 'invalid --time' hull restart -t -1 r
}

@test "rename: inspect, ps and lookups use the new name; the old is free; bad names change nothing" {
    hull run -d --name old busybox sleep 1000 >/dev/null
    id=$(hull inspect old | jq -r '.[0].Id')
    run hull rename old new
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    [ "$(hull inspect new | jq -r '.[0].Name')" = /new ]
    [ "$(hull inspect new | jq -r '.[0].Id')" = "$id" ]
    [ "$(hull ps --format '{{.Names}}')" = new ]
    fails_with 'no such container: old' hull inspect old
    # the old name can be taken again
    hull run --name old busybox true
    fails_with 'is already in use' hull rename new old
    fails_with 'invalid container name "bad/name"' hull rename new bad/name
    fails_with 'already named "new"' hull rename new new
    fails_with 'requires exactly 2 arguments' hull rename new
    fails_with 'no such container: ghost' hull rename ghost x
    # nothing changed by the failures
    [ "$(hull inspect "$id" | jq -r '.[0].Name')" = /new ]
    # a stopped container can be renamed too
    hull rename old older
    [ "$(hull inspect older | jq -r '.[0].State.Status')" = exited ]
}
