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
teardown() { teardown_bundle; }

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
    [ "$(echo $output)" = "prestart createRuntime createContainer startContainer poststart poststop" ]
    grep -q "^prestart status=creating id=$id pidset=y env=prestart-env" "$HOOKLOG"
    grep -q "^poststop status=stopped id=$id" "$HOOKLOG"
    grep -q "^poststart .*env=poststart-env" "$HOOKLOG"
}

@test "a failing prestart hook aborts create and leaves nothing behind" {
    update_config '.hooks = {"prestart": [{"path": "/bin/false"}]}'
    id=$(new_id)
    run_quiet runtime create --bundle "$BUNDLE" "$id"
    [ "$status" -ne 0 ]
    [[ "$output" == *prestart* ]]
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

@test "a failing poststart or poststop hook only warns" {
    update_config '.hooks = {"poststart": [{"path": "/bin/false"}], "poststop": [{"path": "/bin/false"}]} | .process.args = ["true"]'
    id=$(new_id)
    runtime create --bundle "$BUNDLE" "$id"
    run runtime start "$id"
    [ "$status" -eq 0 ]
    wait_status "$id" stopped
    run runtime delete "$id"
    [ "$status" -eq 0 ]
    assert_no_leftovers "$id"
}
