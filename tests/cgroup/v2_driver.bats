#!/usr/bin/env bats
# hull's cgroup v2 driver through the runtime, even on a hybrid host: a
# private directory of the cgroup2 mount stands in for /sys/fs/cgroup
# (HULL_CGROUP_ROOT).  Controllers may be missing there, but the v2 core is
# real: clone3(CLONE_INTO_CGROUP), the eBPF device filter, cgroup.freeze,
# cgroup.kill, the cgroup2 mount in a cgroup namespace.

load ../lib/common
load helpers

setup() {
    is_hull || skip "HULL_CGROUP_ROOT is hull's"
    local mnt=/sys/fs/cgroup
    is_v2 || mnt=/sys/fs/cgroup/unified
    [ "$(stat -f -c %T "$mnt" 2>/dev/null)" = cgroup2fs ] || skip "no cgroup2 mount"
    V2ROOT=$mnt/hulltest-v2root-$$-$RANDOM
    mkdir "$V2ROOT"
    export HULL_CGROUP_ROOT=$V2ROOT
    setup_bundle
}

teardown() {
    diag_on_failure
    [ -n "${V2ROOT:-}" ] || return 0
    cg_teardown
    # everything the runtime made below the private root is gone, but for
    # hull's own parent (/hull, kept as docker keeps /docker), left empty
    local left
    left=$(find "$V2ROOT" -mindepth 1 -type d ! -path "$V2ROOT/hull" 2>/dev/null)
    rmdir "$V2ROOT/hull" 2>/dev/null || true
    rmdir "$V2ROOT" 2>/dev/null || true
    [ -z "$left" ] || { echo "left behind: $left"; return 1; }
}

@test "v2: the init is cloned straight into its cgroup" {
    update_config '.process.args = ["sleep", "100"] | .linux.namespaces |= map(select(.type != "cgroup"))'
    id=$(new_id)
    start_detached "$id"
    pid=$(init_pid "$id")
    rel=${V2ROOT#/sys/fs/cgroup}
    rel=${rel#/unified}
    grep -q "^0::$rel/hull/$id\$" "/proc/$pid/cgroup"
    [ "$(cat "$V2ROOT/hull/$id/cgroup.procs")" = "$pid" ]
}

@test "v2: the eBPF device filter allows the default devices and denies the rest" {
    [ -c /dev/loop-control ] || skip "no /dev/loop-control on this host"
    update_config '.mounts += [{"destination": "/dev/loop-control", "type": "bind", "source": "/dev/loop-control", "options": ["bind"]}]
        | .process.args = ["sh", "-c", "true </dev/null && echo null-ok; true </dev/loop-control && echo loop-ok; true"]'
    id=$(new_id)
    run runtime run --bundle "$BUNDLE" "$id"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *null-ok* ]]
    [[ "$output" != *loop-ok* ]]
    [[ "$output" == *"Operation not permitted"* ]]
}

@test "v2: a device rule opens the filter for that device and access only" {
    [ -c /dev/loop-control ] || skip "no /dev/loop-control on this host"
    update_config '.mounts += [{"destination": "/dev/loop-control", "type": "bind", "source": "/dev/loop-control", "options": ["bind"]}]
        | .linux.resources.devices = [{"allow": false, "access": "rwm"},
            {"allow": true, "type": "c", "major": 10, "minor": 237, "access": "rw"},
            {"allow": false, "type": "c", "major": 10, "minor": 237, "access": "w"}]
        | .process.args = ["sh", "-c", "true </dev/loop-control && echo read-ok; true >/dev/loop-control && echo write-ok; true"]'
    id=$(new_id)
    run runtime run --bundle "$BUNDLE" "$id"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *read-ok* ]]
    [[ "$output" != *write-ok* ]]
}

@test "v2: pause and resume use cgroup.freeze" {
    update_config '.process.args = ["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /tmp/c.new; mv /tmp/c.new /tmp/c; done"]'
    id=$(new_id)
    start_detached "$id"
    wait_until '[ -s "$BUNDLE/rootfs/tmp/c" ]'
    runtime pause "$id"
    [ "$(container_status "$id")" = paused ]
    grep -q '^frozen 1$' "$V2ROOT/hull/$id/cgroup.events"
    a=$(cat "$BUNDLE/rootfs/tmp/c"); sleep 0.4; b=$(cat "$BUNDLE/rootfs/tmp/c") # an observation window
    [ "$a" = "$b" ]
    runtime resume "$id"
    [ "$(container_status "$id")" = running ]
    grep -q '^frozen 0$' "$V2ROOT/hull/$id/cgroup.events"
    wait_until '[ "$(cat "$BUNDLE/rootfs/tmp/c")" -gt "$b" ]'
}

@test "v2: kill --all and delete of a paused container clean everything up" {
    update_config '.process.args = ["sh", "-c", "sleep 100 & sleep 100 & wait"]'
    id=$(new_id)
    start_detached "$id"
    pids=$(cat "$V2ROOT/hull/$id/cgroup.procs")
    [ "$(echo "$pids" | wc -l)" -ge 3 ]
    runtime pause "$id"
    runtime delete --force "$id"
    for p in $pids; do
        wait_until '! { [ -d "/proc/$p" ]; }'
        [ ! -d "/proc/$p" ] || { echo "pid $p survived"; false; }
    done
    [ ! -d "$V2ROOT/hull/$id" ]
    # the parent of containers without linux.cgroupsPath stays, empty
    [ -d "$V2ROOT/hull" ]
    [ -z "$(find "$V2ROOT/hull" -mindepth 1 -type d)" ]
}

@test "v2: the cgroup mount in a cgroup namespace is cgroup2, rooted at the container, read-only" {
    update_config '.linux.namespaces |= (map(select(.type != "cgroup")) + [{"type": "cgroup"}])
        | .process.args = ["sh", "-c", "cat /proc/self/cgroup; grep \" /sys/fs/cgroup \" /proc/self/mountinfo; ls /sys/fs/cgroup/cgroup.freeze && touch /sys/fs/cgroup/x 2>/dev/null || echo read-only"]'
    id=$(new_id)
    run runtime run --bundle "$BUNDLE" "$id"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"0::/"$'\n'* ]]
    [[ "$output" == *" - cgroup2 "* ]]
    [[ "$output" == *read-only* ]]
}

@test "v2: unified keys are written; a missing file is an error naming the key" {
    update_config '.process.args = ["sleep", "100"] | .linux.resources.unified = {"cgroup.max.descendants": "5"}'
    id=$(new_id)
    start_detached "$id"
    [ "$(cat "$V2ROOT/hull/$id/cgroup.max.descendants")" = 5 ]
    update_config '.linux.resources.unified = {"cgroup.nosuchfile": "1"}'
    id2=$(new_id)
    run runtime create --bundle "$BUNDLE" "$id2"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" == *'linux.resources.unified["cgroup.nosuchfile"]'* ]]
    [ ! -d "$V2ROOT/hull/$id2" ]
}

@test "v2: events --stats works without controllers (empty parts, right shape)" {
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    start_detached "$id"
    run runtime events --stats "$id"
    echo "$output"
    [ "$status" -eq 0 ]
    echo "$output" | jq -e '.type == "stats" and (.data | has("cpu") and has("memory") and has("pids"))'
}
