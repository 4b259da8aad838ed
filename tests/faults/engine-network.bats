#!/usr/bin/env bats
# Crash safety of the engine's network leases (docs/reliability.md): a
# container whose monitor and init were SIGKILLed keeps its address lease;
# `hull system check` reports it and `--repair` releases it.  hull runs in a
# network namespace of the test that plays the host (tests/engine/netns.bash),
# so nothing of the real host's network is touched.

bats_require_minimum_version 1.5.0
load ../lib/common
load ../engine/helpers
load ../engine/netns

setup() {
    engine_setup
    netns_setup
    hull import --change 'CMD ["sh"]' "$IMAGES/rootfs.tar" busybox >/dev/null
}

teardown() {
    diag_on_failure
    netns_teardown
}

leases() {
    find "$STORE/networks" -path '*/leases/*' -type f 2>/dev/null
}

@test "a lease of a container whose monitor and init were killed: system check reports it, --repair releases it" {
    id=$(hull run -d --name leased busybox sleep 1000)
    [ -n "$(leases)" ]
    pid=$(jq -r .State.Pid "$STORE/containers/$id/record.json")
    # The monitor is the init's parent (a child subreaper).
    monitor=$(awk '{print $4}' "/proc/$pid/stat")
    grep -qa "$id" "/proc/$monitor/cmdline"
    kill -9 "$monitor"
    kill -9 "$pid"
    wait_until 10 bash -c "! kill -0 $pid 2>/dev/null"
    [ -n "$(leases)" ]
    run hull system check
    [ "$status" -eq 1 ]
    [[ "$output" == *"lease "*"leased to ${id:0:12}"* ]]
    run hull system check --repair
    [ "$status" -eq 0 ]
    [ -z "$(leases)" ]
    run hull rm -f leased
    [ "$status" -eq 0 ]
    run hull system check
    [ "$status" -eq 0 ]
    [ "$(hull run --rm busybox echo ok)" = ok ]
}
