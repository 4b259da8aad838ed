#!/usr/bin/env bats
# OCI hooks: order, state on stdin, args, env, timeout, failure handling.

load ../lib/common

setup() {
    setup_bundle
    HOOKLOG=$TEST_DIR/hooks.log
    # one hook script; its first argument is the hook's name
    cat >"$TEST_DIR/hook.sh" <<HOOK
#!/bin/bash
state=\$(cat)
echo "\$1 status=\$(echo "\$state" | jq -r .status) id=\$(echo "\$state" | jq -r .id) pidset=\$( [ "\$(echo "\$state" | jq .pid)" -gt 0 ] && echo y || echo n) env=\${HOOKENV:-none}" >>"$HOOKLOG"
HOOK
    chmod +x "$TEST_DIR/hook.sh"
}
teardown() { diag_on_failure; teardown_bundle; }

hook() { echo "{\"path\": \"$TEST_DIR/hook.sh\", \"args\": [\"hook.sh\", \"$1\"], \"env\": [\"HOOKENV=$1-env\"]}"; }

@test "hooks run in the lifecycle order with the state on stdin and their own env" {
    update_config ".hooks = {\"prestart\": [$(hook prestart)], \"createRuntime\": [$(hook createRuntime)], \"createContainer\": [$(hook createContainer)], \"startContainer\": [$(hook startContainer)], \"poststart\": [$(hook poststart)], \"poststop\": [$(hook poststop)]} | .process.args = [\"true\"]"
    # the startContainer and createContainer hooks run in the container: it needs bash, jq and the script
    mkdir -p "$BUNDLE/rootfs$TEST_DIR"
    update_config ".mounts += [{\"destination\": \"$TEST_DIR\", \"type\": \"bind\", \"source\": \"$TEST_DIR\", \"options\": [\"rbind\"]}, {\"destination\": \"/usr\", \"type\": \"bind\", \"source\": \"/usr\", \"options\": [\"rbind\", \"ro\"]}, {\"destination\": \"/lib\", \"type\": \"bind\", \"source\": \"/lib\", \"options\": [\"rbind\", \"ro\"]}, {\"destination\": \"/lib64\", \"type\": \"bind\", \"source\": \"/lib64\", \"options\": [\"rbind\", \"ro\"]}]"
    rm -f "$BUNDLE/rootfs/bin/bash"; ln -s /usr/bin/bash "$BUNDLE/rootfs/bin/bash"
    id=$(new_id)
    runtime create --bundle "$BUNDLE" "$id"
    runtime start "$id"
    wait_status "$id" stopped
    runtime delete "$id"
    cat "$HOOKLOG"
    run awk '{print $1}' "$HOOKLOG"
    if is_hull; then
        [ "$(echo $output)" = "prestart createRuntime createContainer startContainer poststart poststop" ]
    else
        # runc 1.1 runs poststart during create, before startContainer (fixed in runc 1.2)
        [ "$(echo $output)" = "prestart createRuntime createContainer poststart startContainer poststop" ]
    fi
    grep -q "^prestart status=creating id=$id pidset=y env=prestart-env" "$HOOKLOG"
    grep -q "^poststop status=stopped id=$id" "$HOOKLOG"
    grep -q "^poststart .*env=poststart-env" "$HOOKLOG"
}

@test "a failing prestart hook aborts create and leaves nothing behind" {
    update_config '.hooks = {"prestart": [{"path": "/bin/false"}]}'
    id=$(new_id)
    run_quiet runtime create --bundle "$BUNDLE" "$id"
    [ "$status" -ne 0 ]
    # hull names the hook list; runc says "error running hook #0"
    if is_hull; then [[ "$output" == *prestart* ]]; else [[ "$output" == *hook* ]]; fi
    assert_no_leftovers "$id"
}

@test "a failing createRuntime hook aborts create and leaves nothing behind" {
    update_config '.hooks = {"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]}'
    id=$(new_id)
    run_quiet runtime create --bundle "$BUNDLE" "$id"
    [ "$status" -ne 0 ]
    assert_no_leftovers "$id"
}

@test "a hook that outlives its timeout is killed and create fails" {
    update_config '.hooks = {"prestart": [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]}'
    id=$(new_id)
    SECONDS=0
    run_quiet runtime create --bundle "$BUNDLE" "$id"
    [ "$status" -ne 0 ]
    [ "$SECONDS" -lt 10 ]
    [[ "$output" == *time* ]]
    assert_no_leftovers "$id"
}

@test "a failing poststart hook fails start and stops the container; a failing poststop hook only warns" {
    is_hull || skip "runc 1.1 runs poststart hooks during create (fixed in runc 1.2)"
    update_config '.hooks = {"poststart": [{"path": "/bin/false"}], "poststop": [{"path": "/bin/false"}]} | .process.args = ["sleep", "100"]'
    id=$(new_id)
    runtime create --bundle "$BUNDLE" "$id"
    run_quiet runtime start "$id"
    # runtime.md lifecycle step 9: "generate an error, stop the container"
    [ "$status" -ne 0 ]
    [[ "$output" == *poststart* ]]
    wait_status "$id" stopped
    run_quiet runtime delete "$id"
    [ "$status" -eq 0 ]
    assert_no_leftovers "$id"
}

# ---------- the state each hook kind sees (runtime.md "State", runc 1.2+) ----------

# state.sh KIND LOG: appends "KIND STATUS PID" (PID "-" when absent) to LOG and,
# for poststart, the init's command line as the runtime's namespace sees it.
write_state_hook() {
    cat >"$TEST_DIR/state.sh" <<'HOOK'
#!/bin/bash
state=$(cat)
line="$1 $(echo "$state" | jq -r '.status + " " + (if has("pid") then (.pid | tostring) else "-" end)')"
if [ "$1" = poststart ]; then
    pid=$(echo "$state" | jq .pid)
    line="$line $(tr '\0' ' ' </proc/$pid/cmdline)"
fi
if [ "$1" = startContainer ]; then sleep "${SLOW:-0}"; fi
echo "$line" >>"$2"
HOOK
    chmod +x "$TEST_DIR/state.sh"
}

# The createContainer and startContainer hooks run in the container: give it
# bash, jq and the script (read-only binds of the host's /usr and libraries).
give_container_bash_and_jq() {
    mkdir -p "$BUNDLE/rootfs$TEST_DIR"
    update_config ".mounts += [{\"destination\": \"$TEST_DIR\", \"type\": \"bind\", \"source\": \"$TEST_DIR\", \"options\": [\"rbind\"]}, {\"destination\": \"/usr\", \"type\": \"bind\", \"source\": \"/usr\", \"options\": [\"rbind\", \"ro\"]}, {\"destination\": \"/lib\", \"type\": \"bind\", \"source\": \"/lib\", \"options\": [\"rbind\", \"ro\"]}, {\"destination\": \"/lib64\", \"type\": \"bind\", \"source\": \"/lib64\", \"options\": [\"rbind\", \"ro\"]}]"
    rm -f "$BUNDLE/rootfs/bin/bash"
    ln -s /usr/bin/bash "$BUNDLE/rootfs/bin/bash"
}

state_hook() { echo "{\"path\": \"$TEST_DIR/state.sh\", \"args\": [\"state.sh\", \"$1\", \"$TEST_DIR/states.log\"], \"env\": [\"PATH=/usr/bin:/bin\", \"SLOW=${2:-0}\"]}"; }

@test "each hook kind sees the status and pid runtime.md and runc 1.2+ give it" {
    write_state_hook
    give_container_bash_and_jq
    update_config ".hooks = {\"prestart\": [$(state_hook prestart)], \"createRuntime\": [$(state_hook createRuntime)], \"createContainer\": [$(state_hook createContainer)], \"startContainer\": [$(state_hook startContainer)], \"poststart\": [$(state_hook poststart)], \"poststop\": [$(state_hook poststop)]} | .process.args = [\"sleep\", \"100\"]"
    id=$(new_id)
    runtime create --bundle "$BUNDLE" "$id"
    pid=$(runtime state "$id" | jq .pid)
    runtime start "$id"
    runtime kill "$id" KILL
    wait_status "$id" stopped
    runtime delete "$id"
    cat "$TEST_DIR/states.log"
    mapfile -t got <"$TEST_DIR/states.log"
    # runtime namespace: the pid as the runtime sees it; container namespace: as the container does (1)
    [ "${got[0]}" = "prestart creating $pid" ]
    [ "${got[1]}" = "createRuntime creating $pid" ]
    [ "${got[2]}" = "createContainer creating 1" ]
    # a stopped container's state has no pid (runc leaves it out)
    [ "${got[-1]}" = "poststop stopped -" ]
    if ! is_hull; then
        # runc 1.1 runs poststart during create, with status "created" (runc 1.2 fixed both)
        grep -qx "startContainer created 1" "$TEST_DIR/states.log"
        return
    fi
    [ "${got[3]}" = "startContainer created 1" ]
    [[ "${got[4]}" == "poststart running $pid "* ]]
}

@test "poststart runs strictly after the user's program has started (even behind a slow startContainer hook)" {
    is_hull || skip "runc releases the start before its startContainer hooks and execve: poststart races the program"
    write_state_hook
    give_container_bash_and_jq
    update_config ".hooks = {\"startContainer\": [$(state_hook startContainer 1)], \"poststart\": [$(state_hook poststart)]} | .process.args = [\"sleep\", \"100\"]"
    id=$(new_id)
    runtime create --bundle "$BUNDLE" "$id"
    runtime start "$id"
    cat "$TEST_DIR/states.log"
    # start returned, so poststart ran; it saw the program, not the runtime's init
    grep -q "^poststart running [0-9]* sleep 100 $" "$TEST_DIR/states.log"
    [ "$(head -1 "$TEST_DIR/states.log" | cut -d' ' -f1)" = startContainer ]
}

@test "a failing startContainer hook fails start, runs no poststart hook and stops the container" {
    write_state_hook
    update_config ".hooks = {\"startContainer\": [{\"path\": \"/bin/false\"}], \"poststart\": [$(state_hook poststart)]} | .process.args = [\"sleep\", \"100\"]"
    id=$(new_id)
    runtime create --bundle "$BUNDLE" "$id"
    run_quiet runtime start "$id"
    is_hull || skip "runc returns from start before its startContainer hooks run"
    [ "$status" -ne 0 ]
    wait_status "$id" stopped
    [ ! -e "$TEST_DIR/states.log" ]
}

@test "prestart and createRuntime hooks see the init already in its cgroups (attached while it set up its root)" {
    # the hook gets the init's pid on stdin and records the init's cgroups
    cat >"$TEST_DIR/cg-hook.sh" <<HOOK
#!/bin/bash
pid=\$(jq -r .pid)
{ echo "== \$1"; cat /proc/\$pid/cgroup; } >>"$HOOKLOG"
HOOK
    chmod +x "$TEST_DIR/cg-hook.sh"
    update_config ".hooks = {\"prestart\": [{\"path\": \"$TEST_DIR/cg-hook.sh\", \"args\": [\"cg-hook.sh\", \"prestart\"]}], \"createRuntime\": [{\"path\": \"$TEST_DIR/cg-hook.sh\", \"args\": [\"cg-hook.sh\", \"createRuntime\"]}]} | .process.args = [\"true\"]"
    id=$(new_id)
    runtime create --bundle "$BUNDLE" "$id"
    local own
    own=$(runtime state "$id" | jq -r .pid)
    own=$(cat "/proc/$own/cgroup")
    runtime delete --force "$id"
    cat "$HOOKLOG"
    grep -qx "== prestart" "$HOOKLOG"
    grep -qx "== createRuntime" "$HOOKLOG"
    # what each hook saw is the init's final placement: the lines of its cgroup file at the end of create
    local hook
    for hook in prestart createRuntime; do
        run sed -n "/^== $hook\$/,/^==/{/^==/d;p}" "$HOOKLOG"
        [ "$output" = "$own" ]
    done
    # and that placement is the container's own cgroup, in every hierarchy
    if is_hull; then
        [ -n "$own" ]
        [ -z "$(echo "$own" | grep -v "/$id\$")" ]
    fi
}
