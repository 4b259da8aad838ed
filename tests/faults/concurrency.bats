#!/usr/bin/env bats
# Concurrency (issue 18, docs/reliability.md): 8 `hull-runtime create`s at once
# under a parent cgroup that none of them finds (each round a new one), then 8
# `delete --force`s at once.  Every create and delete must succeed, and after
# the deletes nothing of the round may be left: no state, no cgroup below the
# parent in any hierarchy (hull removes the parents it made, too), no mount,
# no process.  make check runs 2 rounds; `make concurrency-soak` runs
# HULL_CONCURRENT_CREATES (2000) of them, 8 at a time, for the figure in
# docs/reliability.md.

load ../lib/common

setup() {
    setup_bundle
    update_config '.process.args = ["sleep", "1000"]'
    PARENTS=()
}

teardown() {
    diag_on_failure
    teardown_bundle
    local p mnt d
    for p in "${PARENTS[@]}"; do
        for mnt in $(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo); do
            [ -d "$mnt/$p" ] || continue
            for d in $(find "$mnt/$p" -depth -type d); do
                wait_until 10 rmdir "$d"
            done
        done
    done
}

# One round: 8 creates at once under a new parent, 8 deletes at once.
round() {
    local r=$1 i pids=() ids=() failed=
    local parent=hulltest-conc-$$-$r-$RANDOM
    PARENTS+=("$parent")
    for i in 1 2 3 4 5 6 7 8; do
        ids+=("$parent-$i")
        mkdir -p "$TEST_DIR/b$i"
        jq ".linux.cgroupsPath = \"/$parent/$parent-$i\" | .root.path = \"$BUNDLE/rootfs\"" \
            "$BUNDLE/config.json" >"$TEST_DIR/b$i/config.json"
    done
    for i in 1 2 3 4 5 6 7 8; do
        runtime create --bundle "$TEST_DIR/b$i" "$parent-$i" </dev/null >"$TEST_DIR/out$i" 2>&1 &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || failed+=" create ${ids[$i]}: $(cat "$TEST_DIR/out$((i + 1))")"
    done
    pids=()
    for i in 1 2 3 4 5 6 7 8; do
        runtime delete --force "$parent-$i" </dev/null >"$TEST_DIR/out$i" 2>&1 &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || failed+=" delete ${ids[$i]}: $(cat "$TEST_DIR/out$((i + 1))")"
    done
    [ -z "$failed" ] || { echo "round $r:$failed" >&2; return 1; }
    local id
    for id in "${ids[@]}"; do
        assert_no_leftovers "$id" || { echo "round $r: $id left something" >&2; return 1; }
    done
    if find /sys/fs/cgroup -maxdepth 3 -type d -name "$parent" 2>/dev/null | grep -q .; then
        echo "round $r: the parent cgroup $parent made by the creates was left" >&2
        return 1
    fi
    PARENTS=("${PARENTS[@]:0:${#PARENTS[@]}-1}")
}

@test "8 concurrent creates under a new parent, then 8 concurrent deletes: all succeed, nothing left (2 rounds; make concurrency-soak: 2000 creates)" {
    local creates=${HULL_CONCURRENT_CREATES:-16} r
    for ((r = 1; r <= creates / 8; r++)); do
        round "$r"
    done
    echo "# $((creates / 8 * 8)) creates and deletes, 8 at a time, $((creates / 8)) new parents: 0 failures, nothing left" >&3
}
