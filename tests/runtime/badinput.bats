#!/usr/bin/env bats
# Bad input: a clear one-line error naming the field or value, a non-zero exit,
# and nothing left behind (state dir, mount, cgroup, process).

load ../lib/common

setup() { setup_bundle; }
teardown() { diag_on_failure; teardown_bundle; }

# expect_create_fails PATTERN: create must fail, mention PATTERN, leave nothing.
expect_create_fails() {
    local id
    id=$(new_id)
    run_quiet runtime create --bundle "$BUNDLE" "$id"
    echo "output: $output"
    [ "$status" -ne 0 ]
    if is_hull; then
        [[ "$output" == *$1* ]] || { echo "error does not mention '$1'"; return 1; }
    fi
    assert_no_leftovers "$id"
}

@test "malformed JSON" {
    echo '{"ociVersion": "1.0.2", "process": {' >"$BUNDLE/config.json"
    expect_create_fails "JSON"
}

@test "missing config.json" {
    rm "$BUNDLE/config.json"
    expect_create_fails "config.json"
}

@test "missing ociVersion" {
    update_config 'del(.ociVersion)'
    expect_create_fails "ociVersion"
}

@test "unknown major ociVersion" {
    update_config '.ociVersion = "2.0.0"'
    expect_create_fails "2.0.0"
}

@test "missing root" {
    update_config 'del(.root)'
    expect_create_fails "root"
}

@test "missing process.args" {
    update_config 'del(.process.args)'
    expect_create_fails "args"
}

@test "empty process.args" {
    update_config '.process.args = []'
    expect_create_fails "args"
}

@test "nonexistent rootfs" {
    update_config '.root.path = "no-such-rootfs"'
    expect_create_fails "no-such-rootfs"
}

@test "relative cwd" {
    update_config '.process.cwd = "tmp"'
    expect_create_fails "cwd"
}

@test "unknown namespace type" {
    update_config '.linux.namespaces += [{"type": "frobspace"}]'
    expect_create_fails "frobspace"
}

@test "duplicate namespace" {
    update_config '.linux.namespaces += [{"type": "pid"}]'
    expect_create_fails "pid"
}

@test "bad uid mapping: a user namespace without mappings" {
    update_config '.linux.namespaces += [{"type": "user"}] | del(.linux.uidMappings) | del(.linux.gidMappings)'
    expect_create_fails "apping"
}

@test "bad uid mapping: size 0" {
    update_config '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 0}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 1}]'
    expect_create_fails "uidMappings"
}

@test "bad uid mapping: overlapping ranges" {
    update_config '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 100}, {"containerID": 50, "hostID": 200000, "size": 100}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 1}]'
    expect_create_fails "uidMappings"
}

@test "bad uid mapping: wrong type" {
    update_config '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": "zero", "hostID": 100000, "size": 1}]'
    expect_create_fails "containerID"
}

@test "nonexistent namespace path" {
    update_config '.linux.namespaces |= map(if .type == "network" then .path = "/run/netns/does-not-exist-hull" else . end)'
    expect_create_fails "/run/netns/does-not-exist-hull"
}

@test "a namespace path of the wrong type" {
    update_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/uts" else . end)'
    expect_create_fails "network"
}

@test "a container id that exists already" {
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    runtime create --bundle "$BUNDLE" "$id"
    run_quiet runtime create --bundle "$BUNDLE" "$id"
    [ "$status" -ne 0 ]
    if is_hull; then [[ "$output" == *exists* ]]; fi
    [ "$(container_status "$id")" = created ]
}

@test "an id with / or .." {
    for bad in "a/b" ".." "../x"; do
        run_quiet runtime create --bundle "$BUNDLE" "$bad"
        [ "$status" -ne 0 ]
    done
    [ -z "$(ls -A "$TEST_ROOT")" ]
    [ ! -e "$TEST_DIR/x" ]
}

@test "a program that does not exist fails at create" {
    update_config '.process.args = ["/no/such/program"]'
    expect_create_fails "/no/such/program"
}

# dockerd turns these words into `docker run`'s exit code: "executable file not
# found" -> 127, a lower-case "permission denied" -> 126 (runc says the same).
@test "a program that cannot be executed fails at create with \"permission denied\"" {
    local args
    for args in '["/etc"]' '["/etc/passwd"]'; do
        update_config ".process.args = $args"
        expect_create_fails "permission denied"
        [[ "$output" == *"permission denied"* ]]
    done
    update_config '.process.args = ["no-such-program"]'
    expect_create_fails "executable file not found"
    [[ "$output" == *"executable file not found"* ]]
}

@test "rlimit of an unknown type" {
    update_config '.process.rlimits = [{"type": "RLIMIT_FROB", "soft": 1, "hard": 1}]'
    expect_create_fails "RLIMIT_FROB"
}

@test "duplicate rlimit" {
    update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 1}, {"type": "RLIMIT_NOFILE", "soft": 2, "hard": 2}]'
    expect_create_fails "RLIMIT_NOFILE"
}

@test "a hard rlimit above the host's fails clearly (no CAP_SYS_RESOURCE here)" {
    hard=$(ulimit -H -n)
    [ "$hard" != unlimited ] || skip "hard limit is unlimited here"
    update_config ".process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": $((hard * 4))}]"
    if grep -q 'CapBnd:.*' /proc/self/status && capsh --decode="$(awk '/CapBnd/ {print $2}' /proc/self/status)" 2>/dev/null | grep -q sys_resource; then
        skip "this host can raise hard limits"
    fi
    expect_create_fails "RLIMIT_NOFILE"
}

@test "a sysctl that is not namespaced is refused" {
    update_config '.linux.sysctl = {"vm.swappiness": "10"}'
    expect_create_fails "vm.swappiness"
}

@test "a relative mount destination is taken relative to / (the spec's rule, runc's behaviour)" {
    update_config '.mounts += [{"destination": "relative/path", "type": "tmpfs", "source": "tmpfs"}] | .process.args = ["sh", "-c", "grep -c \" /relative/path \" /proc/self/mountinfo"]'
    run runtime run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -eq 0 ]
    [ "$output" = 1 ]
}

@test "a bind mount whose source does not exist" {
    update_config '.mounts += [{"destination": "/x", "type": "bind", "source": "/no/such/source", "options": ["bind"]}]'
    expect_create_fails "/no/such/source"
}

@test "an escaping mount destination stays inside the rootfs" {
    # /evil -> /.. -> / of the host, were it followed outside the rootfs
    ln -s ../../../../../../../tmp "$BUNDLE/rootfs/evil"
    marker=$TEST_DIR/escape-marker
    update_config '.mounts += [{"destination": "/evil/hull-escape-test", "type": "tmpfs", "source": "tmpfs"}] | .process.args = ["true"]'
    id=$(new_id)
    runtime run --bundle "$BUNDLE" "$id"
    [ ! -e /tmp/hull-escape-test ]
    [ -d "$BUNDLE/rootfs/tmp/hull-escape-test" ]
}

@test "a rootfs whose /proc is a symlink is refused" {
    is_hull || skip "hull-specific check"
    rmdir "$BUNDLE/rootfs/proc"
    ln -s /tmp "$BUNDLE/rootfs/proc"
    expect_create_fails "proc"
}

@test "terminal without a console socket is refused for create" {
    update_config '.process.terminal = true'
    expect_create_fails "console"
}

@test "state, start, kill, delete of an unknown container fail and name it" {
    for c in state start kill delete; do
        run runtime $c no-such-container
        [ "$status" -ne 0 ]
        [[ "$output" == *no-such-container* ]]
    done
}
