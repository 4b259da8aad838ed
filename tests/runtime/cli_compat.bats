#!/usr/bin/env bats
# runc's command line where clients notice a difference: signal 0, flags after
# the container id (urfave/cli reorders them), exec --cgroup, --debug, and the
# `spec` template.  Every test here also passes with HULL_RUNTIME=$(command -v runc).

load ../lib/common
load ../cgroup/helpers

setup() { setup_bundle; }
teardown() { diag_on_failure; cg_teardown; }

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

@test "spec: the namespaces are runc's template (a cgroup namespace only on a cgroup v2 host)" {
    d=$TEST_DIR/spec
    mkdir -p "$d/root" "$d/rootless"
    "$HULL_RUNTIME" spec --bundle "$d/root"
    "$HULL_RUNTIME" spec --rootless --bundle "$d/rootless"
    if is_v2; then cg=',"cgroup"'; else cg=''; fi
    [ "$(jq -c '[.linux.namespaces[].type]' "$d/root/config.json")" = "[\"pid\",\"network\",\"ipc\",\"uts\",\"mount\"$cg]" ]
    [ "$(jq -c '[.linux.namespaces[].type]' "$d/rootless/config.json")" = "[\"pid\",\"ipc\",\"uts\",\"mount\"$cg,\"user\"]" ]
}

@test "spec: the template equals \`runc spec\` (and --rootless) but for hostname and ociVersion" {
    command -v runc >/dev/null || skip "runc is not installed"
    d=$TEST_DIR/spec
    for mode in "" --rootless; do
        rm -rf "$d" && mkdir -p "$d/ours" "$d/runc"
        "$HULL_RUNTIME" spec $mode --bundle "$d/ours"
        (cd "$d/runc" && runc spec $mode)
        norm='del(.hostname, .ociVersion)'
        diff <(jq -S "$norm" "$d/runc/config.json") <(jq -S "$norm" "$d/ours/config.json")
    done
}

@test "spec: a client that appends a cgroup namespace runs (no \"given twice\")" {
    # the runtime's own template, extended the way clients do it
    d=$TEST_DIR/client
    mkdir -p "$d"
    "$HULL_RUNTIME" spec --bundle "$d"
    jq '.linux.namespaces += [{"type": "cgroup"}] | .process.args = ["true"] | .process.terminal = false
        | .root.path = "'"$BUNDLE/rootfs"'"' "$d/config.json" >"$d/c.json"
    mv "$d/c.json" "$d/config.json"
    run_quiet runtime run --bundle "$d" "$(new_id)"
    echo "$output"
    [ "$status" -eq 0 ]
}

# exec_cgroups ID ARGS...: /proc/self/cgroup of a process exec'd with ARGS.
exec_cgroups() {
    local id=$1
    shift
    runtime exec "$@" "$id" cat /proc/self/cgroup
}

@test "exec --cgroup SUB joins an existing sub-cgroup in every hierarchy" {
    update_config '.process.args = ["sleep", "100"] | .linux.namespaces |= map(select(.type != "cgroup"))'
    id=$(new_id)
    start_detached "$id"
    pid=$(init_pid "$id")
    cg_dirs "$pid" | while read -r ctrls dir; do mkdir_sub "$dir/sub"; done
    run exec_cgroups "$id" --cgroup sub
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -gt 0 ]
    # every hierarchy line of the exec'd process ends in /sub; the init's do not
    while IFS=: read -r num ctrls path; do
        [ "${path##*/}" != sub ] || { echo "init moved: $num:$ctrls:$path"; false; }
    done <"/proc/$pid/cgroup"
    for l in "${lines[@]}"; do
        ctrls=$(cut -d: -f2 <<<"$l")
        # hierarchies not mounted on this host cannot hold a sub-cgroup
        if [ -n "$ctrls" ] && [ -z "$(v1_mount "${ctrls%%,*}")" ]; then continue; fi
        [[ "$l" == */sub ]] || { echo "not in sub: $l"; false; }
    done
}

@test "exec --cgroup CONTROLLER:SUB joins the sub-cgroup of that controller only" {
    is_v2 && skip "cgroup v2 has one hierarchy: no controller:path form"
    has_controller memory || skip "no memory controller"
    update_config '.process.args = ["sleep", "100"] | .linux.namespaces |= map(select(.type != "cgroup"))'
    id=$(new_id)
    start_detached "$id"
    pid=$(init_pid "$id")
    mkdir_sub "$(cg_dir "$pid" memory)/m1"
    run exec_cgroups "$id" --cgroup memory:m1
    echo "$output"
    [ "$status" -eq 0 ]
    for l in "${lines[@]}"; do
        ctrls=$(cut -d: -f2 <<<"$l")
        if [[ ",$ctrls," == *,memory,* ]]; then
            [[ "$l" == */m1 ]]
        else
            [[ "$l" != */m1 ]]
        fi
    done
}

@test "exec --cgroup: a sub-cgroup that does not exist, a path leaving the container's cgroup, an unknown controller: refused" {
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    start_detached "$id"
    run runtime exec --cgroup no-such-sub "$id" true
    [ "$status" -ne 0 ]
    run runtime exec --cgroup ../.. "$id" true
    [ "$status" -ne 0 ]
    if ! is_v2; then
        run runtime exec --cgroup nosuchcontroller:x "$id" true
        [ "$status" -ne 0 ]
        ! is_hull || [[ "$output" == *nosuchcontroller* ]]
    fi
    # nothing was started in the container
    [ "$(runtime ps --format json "$id" | jq length)" = 1 ]
}

@test "--debug logs each step at debug level: json lines in --log with --log-format json" {
    update_config '.process.args = ["true"]'
    log=$TEST_DIR/debug.json
    id=$(new_id)
    run_quiet "$HULL_RUNTIME" --root "$TEST_ROOT" --debug --log "$log" --log-format json run --bundle "$BUNDLE" "$id"
    [ "$status" -eq 0 ]
    # every line is a json object with level, msg and time; several are debug
    jq -e 'has("level") and has("msg") and has("time")' "$log" >/dev/null
    [ "$(jq -r 'select(.level == "debug") | .msg' "$log" | wc -l)" -ge 3 ]
    if is_hull; then
        # the main steps, named with the container id
        for step in "create $id: bundle" "create $id: the init is pid" "init $id: ready" "start $id:" "delete $id: deleted"; do
            jq -r .msg "$log" | grep -qF "$step" || { echo "no debug line for: $step"; false; }
        done
    fi
    # without --debug: no debug lines
    log2=$TEST_DIR/quiet.json
    run_quiet "$HULL_RUNTIME" --root "$TEST_ROOT" --log "$log2" --log-format json run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -eq 0 ]
    [ "$(jq -r 'select(.level == "debug")' "$log2" 2>/dev/null | wc -l)" -eq 0 ]
}

@test "--debug without --log writes the debug lines to stderr; --log FILE in text format writes level=debug" {
    update_config '.process.args = ["true"]'
    run_quiet "$HULL_RUNTIME" --root "$TEST_ROOT" --debug run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -eq 0 ]
    [[ "$output" == *debug* ]]
    run_quiet "$HULL_RUNTIME" --root "$TEST_ROOT" run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -eq 0 ]
    [[ "$output" != *debug* ]]
    log=$TEST_DIR/debug.txt
    run_quiet "$HULL_RUNTIME" --root "$TEST_ROOT" --debug --log "$log" run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -eq 0 ]
    grep -q '^time=".*" level=debug msg="' "$log"
}

@test "--debug: exec logs its steps too" {
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    start_detached "$id"
    log=$TEST_DIR/exec.json
    "$HULL_RUNTIME" --root "$TEST_ROOT" --debug --log "$log" --log-format json exec "$id" true
    [ "$(jq -r 'select(.level == "debug") | .msg' "$log" | wc -l)" -ge 1 ]
    ! is_hull || jq -r .msg "$log" | grep -q "exec $id: true started as pid"
}

@test "a capability the runtime's bounding set lacks: hull warns (log) and names it in state; runc refuses" {
    command -v setpriv >/dev/null || skip "setpriv (util-linux) not installed"
    # The runtime runs with CAP_SYS_NICE dropped from its bounding set, as on a
    # host that lacks it; the config grants it in every set.
    update_config '.process.args = ["sleep", "100"]
        | .process.capabilities |= with_entries(.value += ["CAP_SYS_NICE"])'
    id=$(new_id)
    log=$TEST_DIR/caps.json
    run_quiet setpriv --bounding-set -sys_nice "$HULL_RUNTIME" --root "$TEST_ROOT" --log "$log" --log-format json \
        create --bundle "$BUNDLE" "$id"
    echo "$output"
    if ! is_hull; then
        # runc (and crun) fail: capset() beyond the bounding set is EPERM
        [ "$status" -ne 0 ]
        return 0
    fi
    [ "$status" -eq 0 ]
    jq -r 'select(.level == "warning") | .msg' "$log" | grep -q "CAP_SYS_NICE.*cannot be granted"
    [ "$(runtime state "$id" | jq -r '.annotations["org.hull.capabilities.ungranted"]')" = CAP_SYS_NICE ]
    runtime start "$id"
    wait_status "$id" running
    # the container really runs without it, and with the others
    pid=$(runtime state "$id" | jq .pid)
    bnd=$(awk '$1 == "CapBnd:" { print $2 }' "/proc/$pid/status")
    [ $((0x$bnd >> 23 & 1)) = 0 ]
    [ $((0x$bnd >> 5 & 1)) = 1 ] # CAP_KILL
    # a config the host can grant gets no such annotation
    id2=$(new_id)
    update_config '.process.capabilities |= with_entries(.value -= ["CAP_SYS_NICE"])'
    runtime create --bundle "$BUNDLE" "$id2"
    [ "$(runtime state "$id2" | jq -r '.annotations["org.hull.capabilities.ungranted"]')" = null ]
}
