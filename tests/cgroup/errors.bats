#!/usr/bin/env bats
# Bad values and resources the host cannot enforce: create fails with an
# error that names the field, and leaves nothing behind (no cgroup, no state,
# no process).  The message checks are hull's; the "fails cleanly" part holds
# for runc too where runc refuses the value at all.

load ../lib/common
load helpers

setup() { setup_bundle sleep 100; }
teardown() { diag_on_failure; cg_teardown; }

# expect_create_failure NEEDLE: create must fail, name NEEDLE (hull), leave nothing.
expect_create_failure() {
    local id
    id=$(new_id)
    run runtime create --bundle "$BUNDLE" "$id"
    echo "$output"
    [ "$status" -ne 0 ]
    if is_hull; then
        [[ "$output" == *"$1"* ]] || { echo "error does not name \"$1\""; false; }
    fi
    assert_no_leftovers "$id"
}

@test "negative pids.limit" {
    is_hull || skip "runc takes any negative pids limit as max"
    update_config '.linux.resources.pids = {"limit": -5}'
    expect_create_failure "linux.resources.pids.limit"
}

@test "negative memory.limit" {
    update_config '.linux.resources.memory = {"limit": -2}'
    expect_create_failure "linux.resources.memory.limit"
}

@test "memory.swap (memory+swap) below memory.limit" {
    update_config '.linux.resources.memory = {"limit": 67108864, "swap": 33554432}'
    expect_create_failure "linux.resources.memory.swap"
}

@test "a cpuset outside the host's CPUs" {
    update_config '.linux.resources.cpu = {"cpus": "0-4095"}'
    expect_create_failure "linux.resources.cpu.cpus"
}

@test "a malformed cpuset" {
    update_config '.linux.resources.cpu = {"cpus": "1-0"}'
    expect_create_failure "linux.resources.cpu.cpus"
}

@test "cpu.shares outside the kernel's range" {
    is_hull || skip "runc 1.1 only warns"
    update_config '.linux.resources.cpu = {"shares": 1}'
    expect_create_failure "linux.resources.cpu.shares"
}

@test "cpu.burst larger than cpu.quota" {
    is_hull || skip "runc 1.1 ignores burst"
    update_config '.linux.resources.cpu = {"quota": 20000, "period": 100000, "burst": 50000}'
    expect_create_failure "linux.resources.cpu.burst"
}

@test "a unified key for a controller that is not in the v2 hierarchy" {
    if is_v2; then
        update_config '.linux.resources.unified = {"nosuchcontroller.max": "1"}'
    else
        update_config '.linux.resources.unified = {"memory.max": "100000000"}'
    fi
    expect_create_failure 'linux.resources.unified'
}

@test "network.classID where net_cls is not mounted" {
    [ -z "$(v1_mount net_cls)" ] || skip "net_cls is mounted here"
    is_hull || skip "runc 1.1 ignores it silently"
    update_config '.linux.resources.network = {"classID": 42}'
    expect_create_failure "linux.resources.network"
}

@test "rdma where the host has no rdma controller" {
    has_controller rdma && skip "this host has an rdma controller"
    is_hull || skip "runc 1.1 ignores it silently"
    update_config '.linux.resources.rdma = {"mlx5_1": {"hcaHandles": 3}}'
    expect_create_failure "linux.resources.rdma"
}

@test "hugepageLimits with a page size the host does not have" {
    has_controller hugetlb || skip "no hugetlb controller"
    is_hull || skip "runc's error differs"
    update_config '.linux.resources.hugepageLimits = [{"pageSize": "3MB", "limit": 4194304}]'
    expect_create_failure "hugepageLimits"
}

@test "realtime runtime on cgroup v2" {
    is_v2 || skip "v2 only (v1 supports it)"
    update_config '.linux.resources.cpu = {"realtimeRuntime": 1000, "realtimePeriod": 1000000}'
    expect_create_failure "realtime"
}

@test "swappiness and disableOOMKiller on cgroup v2" {
    is_v2 || skip "v2 only (v1 supports them)"
    is_hull || skip "runc ignores them on v2"
    update_config '.linux.resources.memory = {"limit": 67108864, "disableOOMKiller": true}'
    expect_create_failure "disableOOMKiller"
    update_config '.linux.resources.memory = {"limit": 67108864, "swappiness": 10}'
    expect_create_failure "swappiness"
}

@test "systemd's slice:prefix:name cgroupsPath" {
    is_hull || skip "runc without --systemd-cgroup takes it as a path"
    update_config '.linux.cgroupsPath = "system.slice:hull:abc"'
    expect_create_failure "systemd"
}

@test "a cgroupsPath that climbs out with .." {
    is_hull || skip "runc cleans the path instead"
    update_config '.linux.cgroupsPath = "/hull/../../x"'
    expect_create_failure ".."
}

@test "a bad device rule" {
    update_config '.linux.resources.devices = [{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwx"}]'
    expect_create_failure "linux.resources.devices"
}
