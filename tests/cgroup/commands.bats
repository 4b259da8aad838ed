#!/usr/bin/env bats
# pause / resume / update / events and what delete leaves (nothing).

load ../lib/common
load helpers

setup() { setup_bundle; }
teardown() {
    diag_on_failure
    # the events streams of a test that failed half way (started by it, ended by pid)
    [ -z "${EV_FAST:-}${EV_SLOW:-}" ] || kill ${EV_FAST:-} ${EV_SLOW:-} 2>/dev/null || true
    cg_teardown
}

counter_config() {
    # write-then-rename: a freeze between truncate and write must not leave the file empty
    update_config '.process.args = ["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /tmp/c.new; mv /tmp/c.new /tmp/c; done"]'
}

read_counter() { cat "$BUNDLE/rootfs/tmp/c" 2>/dev/null; }

@test "pause freezes the container (a counter stops), resume thaws it" {
    counter_config
    id=$(new_id)
    start_detached "$id"
    wait_until '[ -n "$(read_counter)" ]'
    runtime pause "$id"
    [ "$(container_status "$id")" = paused ]
    a=$(read_counter)
    sleep 0.5 # an observation window: a frozen counter must not move in it (nothing to poll for)
    b=$(read_counter)
    echo "paused: $a -> $b"
    [ "$a" = "$b" ]
    # the freezer itself says so
    pid=$(init_pid "$id")
    if [ -n "$(v1_mount freezer)" ]; then
        [ "$(cat "$(cg_dir "$pid" freezer)/freezer.state")" = FROZEN ]
    else
        grep -q '^frozen 1$' "$(unified_dir "$pid")/cgroup.events"
    fi
    runtime resume "$id"
    [ "$(container_status "$id")" = running ]
    wait_until '[ "$(read_counter)" -gt "$b" ]'
}

@test "pause of a paused container and resume of a running one fail" {
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    start_detached "$id"
    run runtime resume "$id"
    [ "$status" -ne 0 ]
    runtime pause "$id"
    run runtime pause "$id"
    [ "$status" -ne 0 ]
    runtime resume "$id"
    [ "$(container_status "$id")" = running ]
}

@test "delete --force of a paused container kills it and leaves nothing" {
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    start_detached "$id"
    pid=$(init_pid "$id")
    runtime pause "$id"
    runtime delete --force "$id"
    wait_until '! { [ -d "/proc/$pid" ]; }'
    [ ! -d "/proc/$pid" ]
    assert_no_leftovers "$id"
}

@test "update changes live limits (flags)" {
    update_config '.process.args = ["sleep", "100"]
        | .linux.resources.memory = {"limit": 67108864}
        | .linux.resources.pids = {"limit": 50}
        | .linux.resources.cpu = {"quota": 20000, "period": 100000}'
    id=$(new_id)
    start_detached "$id"
    runtime update --memory 128m --pids-limit 30 --cpu-quota 50000 "$id"
    if is_v2; then
        [ "$(cg_read "$id" memory memory.max)" = 134217728 ]
        [ "$(cg_read "$id" cpu cpu.max)" = "50000 100000" ]
    else
        [ "$(cg_read "$id" memory memory.limit_in_bytes)" = 134217728 ]
        [ "$(cg_read "$id" cpu cpu.cfs_quota_us)" = 50000 ]
    fi
    [ "$(cg_read "$id" pids pids.max)" = 30 ]
    runtime update --pids-limit -1 "$id"
    [ "$(cg_read "$id" pids pids.max)" = max ]
}

@test "update --resources takes a LinuxResources JSON (file and stdin)" {
    update_config '.process.args = ["sleep", "100"] | .linux.resources.pids = {"limit": 50}'
    id=$(new_id)
    start_detached "$id"
    echo '{"pids": {"limit": 25}, "cpu": {"shares": 256}}' >"$TEST_DIR/r.json"
    runtime update --resources "$TEST_DIR/r.json" "$id"
    [ "$(cg_read "$id" pids pids.max)" = 25 ]
    if is_v2; then
        [ "$(cg_read "$id" cpu cpu.weight)" = 10 ] # 1 + (254 * 9999) / 262142
    else
        [ "$(cg_read "$id" cpu cpu.shares)" = 256 ]
    fi
    echo '{"pids": {"limit": 24}}' | runtime update --resources - "$id"
    [ "$(cg_read "$id" pids pids.max)" = 24 ]
}

@test "update with a bad value fails and keeps the old limit" {
    update_config '.process.args = ["sleep", "100"] | .linux.resources.pids = {"limit": 50}'
    id=$(new_id)
    start_detached "$id"
    if is_hull; then # runc takes any negative pids limit as "max"
        run runtime update --pids-limit -5 "$id"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *pids* ]]
        [ "$(cg_read "$id" pids pids.max)" = 50 ]
    fi
    run runtime update --cpuset-cpus 0-4095 "$id"
    echo "$output"
    [ "$status" -ne 0 ]
    if is_hull; then [[ "$output" == *cpus* ]]; fi
}

@test "events --stats prints runc's stats JSON" {
    update_config '.process.args = ["sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 100"]
        | .linux.resources.memory = {"limit": 67108864}
        | .linux.resources.pids = {"limit": 50}'
    id=$(new_id)
    start_detached "$id"
    wait_until 'runtime events --stats "$id" | jq -e ".data.cpu.usage.total > 0" >/dev/null'
    run runtime events --stats "$id"
    echo "$output"
    [ "$status" -eq 0 ]
    echo "$output" | jq -e --arg id "$id" '.type == "stats" and .id == $id'
    echo "$output" | jq -e '.data | has("cpu") and has("memory") and has("pids") and has("blkio") and has("hugetlb")'
    echo "$output" | jq -e '.data.cpu.usage.total > 0 and (.data.cpu.usage | has("kernel") and has("user"))'
    echo "$output" | jq -e '.data.cpu | has("throttling")'
    echo "$output" | jq -e '.data.memory.usage.usage > 0 and .data.memory.usage.limit == 67108864'
    echo "$output" | jq -e '.data.memory.usage | has("failcnt")'
    echo "$output" | jq -e '.data.memory | has("swap") and has("raw")'
    echo "$output" | jq -e '.data.pids.current >= 1 and .data.pids.limit == 50'
}

@test "events streams stats at the interval" {
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    start_detached "$id"
    # Two streams side by side, 300ms and 100s: the fast one's third line
    # comes while the slow one has said at most once, however slow the
    # machine (a fixed 2 s window got no line at all in a loaded VM).
    "$HULL_RUNTIME" --root "$TEST_ROOT" events --interval 300ms "$id" >"$TEST_DIR/ev" 2>&1 &
    EV_FAST=$!
    "$HULL_RUNTIME" --root "$TEST_ROOT" events --interval 100s "$id" >"$TEST_DIR/ev-slow" 2>&1 &
    EV_SLOW=$!
    wait_until 60 '[ "$(grep -c "\"type\":\"stats\"" "$TEST_DIR/ev")" -ge 3 ]'
    slow=$(grep -c '"type":"stats"' "$TEST_DIR/ev-slow" || true)
    kill "$EV_FAST" "$EV_SLOW"
    wait "$EV_FAST" "$EV_SLOW" || true
    EV_FAST= EV_SLOW=
    cat "$TEST_DIR/ev"
    [ "$slow" -le 1 ]
}

@test "delete leaves no cgroup, in any hierarchy" {
    update_config '.process.args = ["sleep", "100"] | .linux.resources.pids = {"limit": 50}'
    id=$(new_id)
    start_detached "$id"
    pid=$(init_pid "$id")
    dirs=()
    for c in memory pids cpu; do dirs+=("$(cg_dir "$pid" "$c")"); done
    dirs+=("$(unified_dir "$pid")")
    for d in "${dirs[@]}"; do [ -d "$d" ]; done
    runtime kill "$id" KILL
    wait_status "$id" stopped
    runtime delete "$id"
    for d in "${dirs[@]}"; do [ ! -d "$d" ] || { echo "left: $d"; false; }; done
    assert_no_leftovers "$id"
}

@test "the default parent /hull stays when its last container is deleted; a default-path container takes no marks' lock" {
    is_hull || skip "hull's default cgroup path"
    export HULL_CGROUP_PARENTS_DIR=$TEST_DIR/marks
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    start_detached "$id"
    pid=$(init_pid "$id")
    leaf=$(cg_dir "$pid" pids)
    [ "$(basename "$(dirname "$leaf")")" = hull ]
    runtime delete --force "$id"
    [ ! -d "$leaf" ]
    [ -d "$(dirname "$leaf")" ]
    [ ! -e "$HULL_CGROUP_PARENTS_DIR" ]
}

@test "delete --force kills a process the container moved into a sub-cgroup, and removes the sub-cgroups" {
    # delete reads a cgroup's directory only when the kernel counts
    # subdirectories in it (st_nlink > 2) and tries rmdir before reading:
    # a sub-cgroup with a live process must still be found, killed, removed.
    update_config '.process.args = ["sleep", "100"] | .linux.namespaces |= map(select(.type != "cgroup"))'
    id=$(new_id)
    start_detached "$id"
    pid=$(init_pid "$id")
    dirs=()
    while read -r _ dir; do dirs+=("$dir"); done < <(cg_dirs "$pid")
    [ "${#dirs[@]}" -gt 0 ]
    for d in "${dirs[@]}"; do mkdir_sub "$d/sub"; done
    # a second process of the container, moved into sub in every hierarchy
    runtime exec -d "$id" sleep 200
    wait_until '[ "$(wc -l <"${dirs[0]}/cgroup.procs")" -ge 2 ]'
    other=$(grep -vx "$pid" "${dirs[0]}/cgroup.procs" | head -n1)
    [ -n "$other" ]
    for d in "${dirs[@]}"; do echo "$other" >"$d/sub/cgroup.procs"; done
    [ "$(stat -c %h "${dirs[0]}")" -gt 2 ]
    runtime delete --force "$id"
    wait_gone "$other"
    for d in "${dirs[@]}"; do [ ! -d "$d" ] || { echo "left: $d"; false; }; done
    assert_no_leftovers "$id"
}

@test "an absolute cgroupsPath goes below each hierarchy's root and is removed on delete" {
    id=$(new_id)
    update_config ".process.args = [\"sleep\", \"100\"] | .linux.cgroupsPath = \"/hulltest-abs-$id/inner\""
    start_detached "$id"
    pid=$(init_pid "$id")
    grep -q ":/hulltest-abs-$id/inner\$" "/proc/$pid/cgroup"
    [ -d "$(unified_dir "$pid")" ]
    leaf=$(unified_dir "$pid")
    runtime delete --force "$id"
    [ ! -d "$leaf" ]
    if ! is_hull; then
        rmdir /sys/fs/cgroup/*/hulltest-abs-"$id" /sys/fs/cgroup/hulltest-abs-"$id" 2>/dev/null || true
        skip "runc leaves the parent cgroups it created"
    fi
    assert_no_leftovers "$id"
    ! ls -d /sys/fs/cgroup/*/hulltest-abs-"$id" /sys/fs/cgroup/hulltest-abs-"$id" 2>/dev/null
}

@test "a relative cgroupsPath goes below the runtime's own cgroup" {
    is_v2 && [ "$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)" != / ] &&
        skip "on v2 our own cgroup has processes: no child may get controllers (no internal processes rule)"
    id=$(new_id)
    update_config ".process.args = [\"sleep\", \"100\"] | .linux.cgroupsPath = \"hulltest-rel-$id\""
    start_detached "$id"
    pid=$(init_pid "$id")
    own=$(awk -F: '$2 == "pids" { print $3 }' /proc/self/cgroup)
    [ -n "$own" ] || own=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
    own=${own%/}
    grep "hulltest-rel-$id" "/proc/$pid/cgroup"
    grep -q ":pids:$own/hulltest-rel-$id\$\|^0::$own/hulltest-rel-$id\$" "/proc/$pid/cgroup"
    runtime delete --force "$id"
    assert_no_leftovers "$id"
}

@test "a container in a pre-existing cgroup: delete keeps the cgroup it did not create" {
    is_hull || skip "hull's ownership rule (runc removes the cgroup it joined)"
    id=$(new_id)
    pre=/sys/fs/cgroup/pids/hulltest-pre-$id
    is_v2 && pre=/sys/fs/cgroup/hulltest-pre-$id
    mkdir "$pre"
    update_config ".process.args = [\"sleep\", \"100\"] | .linux.cgroupsPath = \"/hulltest-pre-$id\""
    start_detached "$id"
    [ "$(cat "$pre/cgroup.procs")" = "$(init_pid "$id")" ]
    runtime delete --force "$id"
    [ -d "$pre" ]
    [ -z "$(cat "$pre/cgroup.procs")" ]
    rmdir "$pre"
    assert_no_leftovers "$id"
}

@test "update --memory alone keeps the swap allowance" {
    update_config '.process.args = ["sleep", "100"] | .linux.resources.memory = {"limit": 33554432, "swap": 50331648}'
    id=$(new_id)
    start_detached "$id"
    runtime update --memory 64m "$id"
    if is_v2; then
        [ "$(cg_read "$id" memory memory.max)" = 67108864 ]
        dir=$(cg_dir "$(init_pid "$id")" memory)
        [ ! -e "$dir/memory.swap.max" ] || [ "$(cat "$dir/memory.swap.max")" = 16777216 ]
    else
        [ "$(cg_read "$id" memory memory.limit_in_bytes)" = 67108864 ]
        [ "$(cg_read "$id" memory memory.memsw.limit_in_bytes)" = 83886080 ]
    fi
}
