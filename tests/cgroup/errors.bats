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

# Values out of range are refused when config.json is parsed, before the state
# dir or any cgroup exists: strace shows no mkdir of either (a create that made
# them and then removed them would pass assert_no_leftovers, not this).
@test "a value out of range is refused at parse: no cgroup or state dir is ever made" {
    is_hull || skip "hull's parse-time check"
    command -v strace >/dev/null || skip "no strace"
    local id field
    # The control: strace sees a good create's cgroup mkdirs (without -f: the
    # init it leaves waiting on exec.fifo would keep strace waiting too).
    id=$(new_id)
    timeout --kill-after=10 60 strace -qq -o "$TEST_DIR/strace" -e trace=mkdir,mkdirat \
        "$HULL_RUNTIME" --root "$TEST_ROOT" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
    grep -q '/sys/fs/cgroup' "$TEST_DIR/strace" || { cat "$TEST_DIR/strace"; echo "strace saw no cgroup mkdir"; false; }
    runtime delete --force "$id"
    for field in '.linux.resources.cpu = {"shares": 1}' '.linux.resources.cpu = {"period": 999}' \
        '.linux.resources.blockIO = {"weight": 5}' '.linux.resources.memory = {"swappiness": 101}' \
        '.linux.resources.hugepageLimits = [{"pageSize": "2XB", "limit": 1}]'; do
        update_config "$field"
        id=$(new_id)
        run timeout --kill-after=10 60 strace -f -qq -o "$TEST_DIR/strace" -e trace=mkdir,mkdirat \
            "$HULL_RUNTIME" --root "$TEST_ROOT" create --bundle "$BUNDLE" "$id"
        echo "$field -> $output"
        [ "$status" -ne 0 ]
        [ "${#lines[@]}" -eq 1 ] || { echo "not one line"; false; }
        [[ "$output" == *"linux.resources."*" is out of range ("* || "$output" == *"is not a page size"* ]]
        ! grep -E '/sys/fs/cgroup|'"$id" "$TEST_DIR/strace" || { echo "a mkdir happened"; false; }
        assert_no_leftovers "$id"
    done
}

@test "update: a value out of range is refused before the cgroup is touched" {
    is_hull || skip "hull's message"
    update_config '.process.args = ["sleep", "100"] | .linux.resources.cpu = {"shares": 512}'
    local id
    id=$(new_id)
    start_detached "$id"
    run runtime update --cpu-share 1 "$id"
    [ "$status" -ne 0 ]
    [[ "$output" == *"linux.resources.cpu.shares: 1 is out of range (2..262144)"* ]]
    [ "$(cg_read "$id" cpu cpu.shares)" = 512 ] || [ "$(cg_read "$id" cpu cpu.weight)" = 20 ]
    echo '{"cpu": {"period": 5}}' >"$TEST_DIR/r.json"
    run runtime update --resources "$TEST_DIR/r.json" "$id"
    [ "$status" -ne 0 ]
    [[ "$output" == *"cpu.period: 5 is out of range (1000..1000000)"* ]]
    runtime delete --force "$id"
}
