#!/usr/bin/env bats
# cgroup v1 and hybrid: the init is born in its cgroups (src/libhull/cgroup/visit.c).
# The runtime's thread steps into the container's cgroup in every v1 hierarchy
# by writing "0" to its tasks file (no global lock, no RCU grace period, which a
# pid written to cgroup.procs waits for: most of a start on an idle machine),
# clones the init there and steps back.  These tests check that no pid is
# written to a cgroup.procs, that the init is in every hierarchy, that the
# runtime is back in its own cgroups while it waits for the container, and the
# fallback when the pids limit leaves no room for the runtime's thread.

load ../lib/common
load helpers

setup() {
    setup_bundle
    case "$(cg_layout)" in
    v1 | hybrid) ;;
    *) skip "cgroup v2: the init is born in its cgroup by clone3(CLONE_INTO_CGROUP) (tests/cgroup/v2_driver.bats)" ;;
    esac
    is_hull || skip "how hull places the init (another runtime moves it after the clone)"
    command -v strace >/dev/null || skip "strace is not installed"
}

teardown() {
    diag_on_failure
    cg_teardown
}

# v1_dirs PID: "mountpoint+path" of PID's cgroup in every v1 hierarchy, one per line.
v1_dirs() {
    local line ids path mnt
    while IFS=: read -r _ ids path; do
        [ -n "$ids" ] || continue
        mnt=$(v1_mount "${ids%%,*}")
        [ -n "$mnt" ] || mnt=$(v1_mount "$ids")
        [ -n "$mnt" ] && echo "$mnt$path"
    done <"/proc/$1/cgroup"
}

@test "v1: create writes no pid to a cgroup.procs; the init is in its cgroup in every hierarchy" {
    id=$(new_id)
    update_config '.process.args = ["sleep", "30"]'
    strace -qq -e trace=openat,write -o "$TEST_DIR/strace" "$HULL_RUNTIME" --root "$TEST_ROOT" create --bundle "$BUNDLE" "$id"
    # a cgroup.procs opened for writing would be the old move after the clone
    run grep -E 'cgroup\.procs", O_WRONLY' "$TEST_DIR/strace"
    [ "$status" -ne 0 ]
    # stepped in: "0" written to the container's tasks files
    grep -E "/$id/tasks\", O_WRONLY" "$TEST_DIR/strace"
    grep -F 'write(' "$TEST_DIR/strace" | grep -qF ', "0", 1)'
    pid=$(init_pid "$id")
    n=0
    while read -r d; do
        [[ "$d" == */"$id" ]] || { echo "init in $d, not in the container's cgroup"; false; }
        # the init alone: the runtime (gone now) left nothing of itself there
        [ "$(cat "$d/cgroup.procs")" = "$pid" ]
        n=$((n + 1))
    done < <(v1_dirs "$pid")
    [ "$n" -ge 1 ]
}

@test "v1: run steps back out: while it waits for the container, the runtime is in its own cgroups, not the container's" {
    id=$(new_id)
    update_config '.process.args = ["sleep", "30"]'
    runtime run --bundle "$BUNDLE" "$id" >/dev/null 2>&1 &
    rt=$!
    wait_status "$id" running
    pid=$(init_pid "$id")
    while read -r d; do
        [[ "$d" != */"$id" ]] || { echo "the runtime (pid $rt) is still in $d"; false; }
    done < <(v1_dirs "$rt")
    while read -r d; do
        [ "$(cat "$d/cgroup.procs")" = "$pid" ]
    done < <(v1_dirs "$pid")
    runtime kill "$id" KILL
    wait "$rt" || true
}

@test "v1: a pids limit of 1 leaves no room for the runtime's thread: the init is cloned outside and moved in" {
    id=$(new_id)
    update_config '.linux.resources.pids = {"limit": 1} | .process.args = ["cat", "/proc/self/cgroup"]'
    run_quiet "$HULL_RUNTIME" --debug --root "$TEST_ROOT" run --bundle "$BUNDLE" "$id"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"moved into its cgroups after the clone: the pids limit"* ]]
    # the init was in its pids cgroup all the same
    echo "$output" | grep -E ":pids:.*/$id\$"
}

@test "v1: the debug log says the init is born in its cgroups" {
    id=$(new_id)
    update_config '.process.args = ["true"]'
    run_quiet "$HULL_RUNTIME" --debug --root "$TEST_ROOT" run --bundle "$BUNDLE" "$id"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"born in its cgroups"* ]]
}

@test "v1: exec writes no pid to a cgroup.procs; the process is born in the container's cgroups" {
    id=$(new_id)
    update_config '.process.args = ["sleep", "30"]'
    start_detached "$id"
    strace -qq -e trace=openat,write -o "$TEST_DIR/strace" "$HULL_RUNTIME" --root "$TEST_ROOT" exec "$id" cat /proc/self/cgroup >"$TEST_DIR/out"
    cat "$TEST_DIR/out"
    run grep -E 'cgroup\.procs", O_WRONLY' "$TEST_DIR/strace"
    [ "$status" -ne 0 ]
    # every v1 hierarchy's line names the container's cgroup
    n=$(grep -cE '^[0-9]+:[^:]+:' "$TEST_DIR/out")
    [ "$n" -ge 1 ]
    [ "$(grep -E '^[0-9]+:[^:]+:' "$TEST_DIR/out" | grep -cE "/$id\$")" = "$n" ]
    # on a hybrid host the unified one too (clone3 CLONE_INTO_CGROUP)
    if [ "$(cg_layout)" = hybrid ]; then grep -E "^0::.*/$id\$" "$TEST_DIR/out"; fi
}

@test "v1: exec into a container at its pids limit: forked outside and moved in, as before" {
    id=$(new_id)
    # with the init, a limit of 2 has no room for the runtime's thread and the
    # two processes of an exec
    update_config '.linux.resources.pids = {"limit": 2} | .process.args = ["sleep", "30"]'
    start_detached "$id"
    run_quiet "$HULL_RUNTIME" --debug --root "$TEST_ROOT" exec "$id" cat /proc/self/cgroup
    echo "$output"
    [ "$status" -eq 0 ]
    echo "$output" | grep -E ":pids:.*/$id\$"
    [[ "$output" != *"born there"* ]]
    [[ "$output" == *"will be moved into the cgroups: the pids limit"* ]]
}

@test "v1: exec into a container whose memory is nearly full: forked outside and moved in, as before" {
    [ -n "$(v1_mount memory)" ] || skip "no v1 memory hierarchy"
    id=$(new_id)
    update_config '.linux.resources.memory = {"limit": 33554432} | .process.args = ["sleep", "30"]'
    start_detached "$id"
    # fill the container's memory cgroup with page cache until less than 16 MiB is left
    runtime exec "$id" sh -c 'dd if=/dev/zero of=/tmp/fill bs=1M count=24 2>/dev/null; true'
    run_quiet "$HULL_RUNTIME" --debug --root "$TEST_ROOT" exec "$id" true
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"will be moved into the cgroups: the memory limit"* ]]
}
