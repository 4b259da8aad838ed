#!/usr/bin/env bats
# runc's command line where clients notice a difference: signal 0, flags after
# the container id (urfave/cli reorders them), exec --cgroup, --debug, and the
# `spec` template.  Every test here also passes with HULL_RUNTIME=$(command -v runc).

load ../lib/common
load ../cgroup/helpers

setup() { setup_bundle; }
teardown() { cg_teardown; }

@test "kill ID 0 and kill -a ID 0 check liveness and change nothing" {
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    start_detached "$id"
    runtime kill "$id" 0
    runtime kill -a "$id" 0
    runtime kill --all "$id" 0
    [ "$(container_status "$id")" = running ]
    runtime kill "$id" KILL
    wait_status "$id" stopped
    # the liveness check of a stopped container fails
    run runtime kill "$id" 0
    [ "$status" -ne 0 ]
}

@test "a signal number beyond the last signal is refused" {
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    start_detached "$id"
    run runtime kill "$id" 65
    [ "$status" -ne 0 ]
    [ "$(container_status "$id")" = running ]
}

@test "update takes its flags after the container id, as runc's CLI does" {
    has_controller cpu || skip "no cpu controller on this host"
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    start_detached "$id"
    runtime update "$id" --cpu-period 250000 --cpu-quota 50000
    if is_v2; then
        [ "$(cg_read "$id" cpu cpu.max)" = "50000 250000" ]
    else
        [ "$(cg_read "$id" cpu cpu.cfs_period_us)" = 250000 ]
        [ "$(cg_read "$id" cpu cpu.cfs_quota_us)" = 50000 ]
    fi
    # flags on both sides of the id, and the -flag=value form
    runtime update --cpu-quota 40000 "$id" -cpu-period=200000
    if is_v2; then
        [ "$(cg_read "$id" cpu cpu.max)" = "40000 200000" ]
    else
        [ "$(cg_read "$id" cpu cpu.cfs_period_us)" = 200000 ]
    fi
}

@test "create, state, kill, delete, pause, resume, events take flags after the id" {
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    runtime create "$id" --bundle "$BUNDLE"
    runtime start "$id"
    wait_status "$id" running
    runtime pause "$id"
    [ "$(container_status "$id")" = paused ]
    runtime resume "$id"
    runtime events "$id" --stats | jq -e '.type == "stats"'
    runtime kill "$id" KILL --all
    wait_status "$id" stopped
    runtime delete "$id" --force
    run runtime state "$id"
    [ "$status" -ne 0 ]
}

@test "run takes --detach and --bundle after the id" {
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    run_quiet runtime run "$id" --bundle "$BUNDLE" --detach
    [ "$status" -eq 0 ]
    wait_status "$id" running
}

@test "an unknown flag after the id is refused and named" {
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    start_detached "$id"
    run runtime update "$id" --frobnicate 3
    [ "$status" -ne 0 ]
    # runc prints its usage; hull names the flag
    ! is_hull || [[ "$output" == *frobnicate* ]]
}

@test "exec keeps everything after the id for the command (no reordering)" {
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    start_detached "$id"
    run runtime exec "$id" echo --detach -t x
    [ "$status" -eq 0 ]
    [ "$output" = "--detach -t x" ]
}
