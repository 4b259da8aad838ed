#!/usr/bin/env bats
# linux.resources: every field written where the kernel reads it, seen from the
# host and from inside the container.  Values are read back from the files of
# the container's own cgroup (found through /proc/PID/cgroup), so the tests
# hold for hull and for runc alike (HULL_RUNTIME=$(command -v runc)).

load ../lib/common
load helpers

setup() { setup_bundle sleep 100; }
teardown() { diag_on_failure; cg_teardown; }

@test "memory: limit, reservation, swap (and swappiness on v1)" {
    if is_v2; then
        update_config '.linux.resources.memory = {"limit": 67108864, "reservation": 33554432, "swap": 100663296}'
    else
        update_config '.linux.resources.memory = {"limit": 67108864, "reservation": 33554432, "swap": 100663296, "swappiness": 10}'
    fi
    id=$(new_id)
    start_detached "$id"
    if is_v2; then
        [ "$(cg_read "$id" memory memory.max)" = 67108864 ]
        [ "$(cg_read "$id" memory memory.low)" = 33554432 ]
        # v2's memory.swap.max is swap alone: memory+swap (96M) - memory (64M)
        if [ -e "$(cg_dir "$(init_pid "$id")" memory)/memory.swap.max" ]; then
            [ "$(cg_read "$id" memory memory.swap.max)" = 33554432 ]
        fi
    else
        [ "$(cg_read "$id" memory memory.limit_in_bytes)" = 67108864 ]
        [ "$(cg_read "$id" memory memory.soft_limit_in_bytes)" = 33554432 ]
        [ "$(cg_read "$id" memory memory.memsw.limit_in_bytes)" = 100663296 ]
        [ "$(cg_read "$id" memory memory.swappiness)" = 10 ]
    fi
}

@test "cpu: shares, quota, period" {
    update_config '.linux.resources.cpu = {"shares": 512, "quota": 20000, "period": 100000}'
    id=$(new_id)
    start_detached "$id"
    if is_v2; then
        # weight = 1 + ((512 - 2) * 9999) / 262142 = 20
        [ "$(cg_read "$id" cpu cpu.weight)" = 20 ]
        [ "$(cg_read "$id" cpu cpu.max)" = "20000 100000" ]
    else
        [ "$(cg_read "$id" cpu cpu.shares)" = 512 ]
        [ "$(cg_read "$id" cpu cpu.cfs_quota_us)" = 20000 ]
        [ "$(cg_read "$id" cpu cpu.cfs_period_us)" = 100000 ]
    fi
}

@test "cpu: burst (runc >= 1.2)" {
    update_config '.linux.resources.cpu = {"quota": 20000, "period": 100000, "burst": 5000}'
    id=$(new_id)
    start_detached "$id"
    if is_v2; then
        [ "$(cg_read "$id" cpu cpu.max.burst)" = 5000 ]
    else
        [ -e "$(v1_mount cpu)/cpu.cfs_burst_us" ] || skip "kernel without cpu.cfs_burst_us"
        [ "$(cg_read "$id" cpu cpu.cfs_burst_us)" = 5000 ]
    fi
}

@test "cpu: idle (runc >= 1.2)" {
    [ -e "$(v1_mount cpu)/cpu.idle" ] || is_v2 || skip "this kernel has no cpu.idle"
    update_config '.linux.resources.cpu = {"idle": 1}'
    id=$(new_id)
    start_detached "$id"
    [ "$(cg_read "$id" cpu cpu.idle)" = 1 ]
}

@test "cpu: realtime runtime and period (v1 with RT group scheduling)" {
    is_v2 && skip "cgroup v2 has no realtime group scheduling (an error, tested in errors.bats)"
    [ -e "$(v1_mount cpu)/cpu.rt_runtime_us" ] || skip "kernel without CONFIG_RT_GROUP_SCHED"
    # A path of our own: every ancestor needs a realtime budget, and a runtime
    # can only hand one to ancestors it creates.
    id=$(new_id)
    update_config ".linux.cgroupsPath = \"/hulltest-rt-$id/c\" | .linux.resources.cpu = {\"realtimePeriod\": 1000000, \"realtimeRuntime\": 10000}"
    is_hull || skip "runc does not give new ancestors a realtime budget"
    start_detached "$id"
    [ "$(cg_read "$id" cpu cpu.rt_period_us)" = 1000000 ]
    [ "$(cg_read "$id" cpu cpu.rt_runtime_us)" = 10000 ]
    runtime delete --force "$id"
    assert_no_leftovers "$id"
}

@test "cpuset: cpus and mems" {
    update_config '.linux.resources.cpu = {"cpus": "0", "mems": "0"}'
    id=$(new_id)
    start_detached "$id"
    [ "$(cg_read "$id" cpuset cpuset.cpus)" = 0 ]
    [ "$(cg_read "$id" cpuset cpuset.mems)" = 0 ]
    # and the kernel applies it: the init may only run on CPU 0
    grep -q '^Cpus_allowed_list:[[:space:]]*0$' "/proc/$(init_pid "$id")/status"
}

@test "pids: limit" {
    update_config '.linux.resources.pids = {"limit": 50}'
    id=$(new_id)
    start_detached "$id"
    [ "$(cg_read "$id" pids pids.max)" = 50 ]
}

@test "blockIO: weight" {
    has_controller blkio || has_controller io || skip "no blkio/io controller"
    host_has_io_weight || skip "this kernel has no blkio weight (no BFQ): the refusal is tested below"
    update_config '.linux.resources.blockIO = {"weight": 300}'
    id=$(new_id)
    start_detached "$id"
    pid=$(init_pid "$id")
    if is_v2; then
        dir=$(cg_dir "$pid" io)
        if [ -e "$dir/io.bfq.weight" ]; then
            grep -q "default 300" "$dir/io.bfq.weight"
        else
            grep -q "default 2930" "$dir/io.weight" # 1 + (300 - 10) * 9999 / 990
        fi
    else
        dir=$(cg_dir "$pid" blkio)
        if [ -e "$dir/blkio.weight" ]; then w=$dir/blkio.weight; else w=$dir/blkio.bfq.weight; fi
        grep -qw 300 "$w"
    fi
}

@test "blockIO: weight on a kernel without BFQ is refused naming the field, nothing left" {
    has_controller blkio || has_controller io || skip "no blkio/io controller"
    host_has_io_weight && skip "this kernel has an io/blkio weight (BFQ or v2 io.weight): the weight test above covers it"
    update_config '.linux.resources.blockIO = {"weight": 300}'
    id=$(new_id)
    run_quiet runtime run -d --bundle "$BUNDLE" "$id"
    [ "$status" -ne 0 ]
    if is_hull; then # the wording is hull's; any runtime must refuse
        [[ "$output" == *"linux.resources.blockIO.weight"* ]]
        [ "${#lines[@]}" -eq 1 ]
    fi
    assert_no_leftovers "$id"
}

@test "blockIO: read/write throttles" {
    dev=$(block_device)
    [ -n "$dev" ] || skip "no block device found"
    maj=${dev%:*} min=${dev#*:}
    has_controller blkio || has_controller io || skip "no blkio/io controller"
    update_config ".linux.resources.blockIO = {
        \"throttleReadBpsDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 1048576}],
        \"throttleWriteIOPSDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 300}]}"
    id=$(new_id)
    start_detached "$id"
    pid=$(init_pid "$id")
    if is_v2; then
        dir=$(cg_dir "$pid" io)
        grep -q "^$dev .*rbps=1048576" "$dir/io.max"
        grep -q "^$dev .*wiops=300" "$dir/io.max"
    else
        dir=$(cg_dir "$pid" blkio)
        [ "$(cat "$dir/blkio.throttle.read_bps_device")" = "$dev 1048576" ]
        [ "$(cat "$dir/blkio.throttle.write_iops_device")" = "$dev 300" ]
    fi
}

@test "hugepageLimits: 2MB pages" {
    [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages"
    has_controller hugetlb || skip "no hugetlb controller"
    update_config '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
    id=$(new_id)
    if ! is_hull && [ -z "$(v1_mount hugetlb)" ] && ! is_v2; then
        skip "runc does not use the unified hugetlb controller of a hybrid host"
    fi
    start_detached "$id"
    dir=$(cg_dir "$(init_pid "$id")" hugetlb)
    if [ -e "$dir/hugetlb.2MB.max" ]; then
        [ "$(cat "$dir/hugetlb.2MB.max")" = 4194304 ]
    else
        [ "$(cat "$dir/hugetlb.2MB.limit_in_bytes")" = 4194304 ]
    fi
}

@test "unified: a v2 file is written where the controller is in the v2 hierarchy" {
    if is_v2; then
        update_config '.linux.resources.unified = {"memory.high": "52428800", "pids.max": "33"}'
    else
        [ "$(cg_layout)" = hybrid ] || skip "no cgroup v2 hierarchy"
        has_controller hugetlb && [ -z "$(v1_mount hugetlb)" ] || skip "no controller lives in the unified hierarchy here"
        [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages"
        is_hull || skip "runc refuses unified on a hybrid host"
        update_config '.linux.resources.unified = {"hugetlb.2MB.max": "6291456"}'
    fi
    id=$(new_id)
    start_detached "$id"
    dir=$(unified_dir "$(init_pid "$id")")
    if is_v2; then
        [ "$(cat "$dir/memory.high")" = 52428800 ]
        [ "$(cat "$dir/pids.max")" = 33 ]
    else
        [ "$(cat "$dir/hugetlb.2MB.max")" = 6291456 ]
    fi
}

@test "inside the container (cgroup namespace): the same values, its own cgroup is the root, read-only" {
    update_config '.linux.namespaces |= (map(select(.type != "cgroup")) + [{"type": "cgroup"}])
        | .linux.resources.memory = {"limit": 67108864}
        | .linux.resources.pids = {"limit": 40}
        | .linux.resources.cpu = {"quota": 30000, "period": 100000}'
    if is_v2; then
        update_config '.process.args = ["sh", "-c", "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max; cat /proc/self/cgroup; touch /sys/fs/cgroup/x 2>&1 || echo read-only"]'
    else
        update_config '.process.args = ["sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us; cat /proc/self/cgroup; touch /sys/fs/cgroup/memory/x 2>&1 || echo read-only"]'
    fi
    id=$(new_id)
    run runtime run --bundle "$BUNDLE" "$id"
    echo "$output"
    [ "$status" -eq 0 ]
    if is_v2; then
        [ "${lines[0]}" = 67108864 ]
        [ "${lines[1]}" = 40 ]
        [ "${lines[2]}" = "30000 100000" ]
        [[ "$output" == *"0::/"$'\n'* ]]
    else
        [ "${lines[0]}" = 67108864 ]
        [ "${lines[1]}" = 40 ]
        [ "${lines[2]}" = 30000 ]
        [[ "$output" == *":memory:/"$'\n'* ]]
    fi
    [[ "$output" == *read-only* ]]
}

@test "inside the container (no cgroup namespace): /sys/fs/cgroup shows the container's own cgroup" {
    update_config '.linux.namespaces |= map(select(.type != "cgroup")) | .linux.resources.pids = {"limit": 41}'
    if is_v2; then
        update_config '.process.args = ["cat", "/sys/fs/cgroup/pids.max"]'
    else
        update_config '.process.args = ["sh", "-c", "cat /sys/fs/cgroup/pids/pids.max; ls /sys/fs/cgroup"]'
    fi
    id=$(new_id)
    run runtime run --bundle "$BUNDLE" "$id"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 41 ]
    if ! is_v2; then
        # one directory per host hierarchy, the named one (systemd) included
        for h in $(awk '{ split($0, a, " - "); split(a[2], f, " "); if (f[1] == "cgroup") print $5 }' /proc/self/mountinfo); do
            [[ "$output" == *"$(basename "$h")"* ]] || { echo "missing $(basename "$h")"; false; }
        done
    fi
}

@test "the init is in its cgroup before it runs user code" {
    update_config '.process.args = ["cat", "/proc/self/cgroup"] | .linux.namespaces |= map(select(.type != "cgroup"))'
    id=$(new_id)
    update_config ".linux.cgroupsPath = \"/hulltest-first-$id\""
    run runtime run --bundle "$BUNDLE" "$id"
    echo "$output"
    [ "$status" -eq 0 ]
    # the very first thing the process does already shows the container's cgroup (no cgroup ns)
    for line in "${lines[@]}"; do
        [[ "$line" == *":/hulltest-first-$id" ]] || { echo "not in its cgroup: $line"; false; }
    done
    runtime delete "$id" 2>/dev/null || true # run removes it already (runc), unless kept
    assert_no_leftovers "$id"
}
