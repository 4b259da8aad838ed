#!/usr/bin/env bats
# cgroup v1 cpuset: a cgroup whose cpuset.cpus/mems are empty cannot take a
# task (ENOSPC), nor can any cgroup below it.  A parent created by hand, or by
# a concurrent create that has not filled it in yet, must not make a container
# fail: every create fills in each empty ancestor from its parent, as runc does
# (issues 10 and 18).

load ../lib/common
load helpers

setup() {
    setup_bundle
    CPUSET=$(v1_mount cpuset)
    [ -n "$CPUSET" ] || skip "no cgroup v1 cpuset hierarchy (on cgroup v2 an empty cpuset is inherited, not refused)"
    PARENT=hulltest-cpuset-$$-$RANDOM
}

# Removes $PARENT (and anything below it) in every hierarchy, deepest first;
# a cgroup whose last task just exited may stay busy for a moment.
remove_parent() {
    local mnt d
    for mnt in $(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo); do
        [ -d "$mnt/$PARENT" ] || continue
        for d in $(find "$mnt/$PARENT" -depth -type d); do
            wait_until 10 rmdir "$d"
        done
    done
}

teardown() {
    diag_on_failure
    cg_teardown
    [ -z "${PARENT:-}" ] || remove_parent
}

@test "a pre-created parent and grandparent with empty cpuset.cpus/mems: run succeeds and they are filled in" {
    mkdir -p "$CPUSET/$PARENT/inner"
    # make sure they are empty whatever cgroup.clone_children says (innermost first)
    echo >"$CPUSET/$PARENT/inner/cpuset.cpus"
    echo >"$CPUSET/$PARENT/inner/cpuset.mems"
    echo >"$CPUSET/$PARENT/cpuset.cpus"
    echo >"$CPUSET/$PARENT/cpuset.mems"
    [ -z "$(cat "$CPUSET/$PARENT/cpuset.cpus")" ]
    id=$(new_id)
    update_config ".linux.cgroupsPath = \"/$PARENT/inner/$id\" | .process.args = [\"true\"]"
    run_quiet runtime run --bundle "$BUNDLE" "$id"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(cat "$CPUSET/$PARENT/cpuset.cpus")" = "$(cat "$CPUSET/cpuset.cpus")" ]
    [ "$(cat "$CPUSET/$PARENT/inner/cpuset.mems")" = "$(cat "$CPUSET/cpuset.mems")" ]
}

@test "a parent narrowed by its owner stays narrowed" {
    mkdir "$CPUSET/$PARENT"
    first=$(cut -d, -f1 "$CPUSET/cpuset.cpus" | cut -d- -f1)
    echo "$first" >"$CPUSET/$PARENT/cpuset.cpus"
    cat "$CPUSET/cpuset.mems" >"$CPUSET/$PARENT/cpuset.mems"
    id=$(new_id)
    update_config ".linux.cgroupsPath = \"/$PARENT/$id\" | .process.args = [\"true\"]"
    run_quiet runtime run --bundle "$BUNDLE" "$id"
    [ "$status" -eq 0 ]
    [ "$(cat "$CPUSET/$PARENT/cpuset.cpus")" = "$first" ]
}

@test "8 concurrent creates under a parent that does not exist yet all succeed (3 rounds; the deterministic case is the pre-created parent above)" {
    local round i pids ids failed=0
    for round in 1 2 3; do
        PARENT=hulltest-cpuset-$$-$RANDOM-$round
        pids=() ids=()
        for i in 1 2 3 4 5 6 7 8; do
            id=$(new_id)-$i
            ids+=("$id")
            mkdir -p "$TEST_DIR/b$i"
            jq ".linux.cgroupsPath = \"/$PARENT/$id\" | .root.path = \"$BUNDLE/rootfs\" | .process.args = [\"true\"]" \
                "$BUNDLE/config.json" >"$TEST_DIR/b$i/config.json"
            runtime create --bundle "$TEST_DIR/b$i" "$id" </dev/null >"$TEST_DIR/out$i" 2>&1 &
            pids+=($!)
        done
        for i in "${!pids[@]}"; do
            wait "${pids[$i]}" || { failed=$((failed + 1)); cat "$TEST_DIR/out$((i + 1))"; }
        done
        for id in "${ids[@]}"; do runtime delete --force "$id" >/dev/null 2>&1 || true; done
        remove_parent
        [ "$failed" -eq 0 ] || { echo "round $round: $failed of 8 creates failed"; false; }
    done
}
