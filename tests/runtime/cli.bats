#!/usr/bin/env bats
# The command line itself: global flags, help, version, spec, features, bad flags.

load ../lib/common

setup() { setup_bundle; }
teardown() { diag_on_failure; teardown_bundle; }

@test "--version prints a version and the spec version" {
    run "$HULL_RUNTIME" --version
    [ "$status" -eq 0 ]
    [[ "$output" == *"version"* ]]
    [[ "$output" == *"spec: 1."* ]]
}

@test "--help lists the runc commands" {
    run "$HULL_RUNTIME" --help
    [ "$status" -eq 0 ]
    for c in create start run state kill delete list ps spec features exec pause resume update events; do
        [[ "$output" == *" $c "* ]] || { echo "missing $c"; false; }
    done
}

@test "an unknown command fails and names it" {
    run "$HULL_RUNTIME" --root "$TEST_ROOT" frobnicate
    [ "$status" -ne 0 ]
    [[ "$output" == *frobnicate* ]]
}

@test "an unknown global flag fails and names it" {
    run "$HULL_RUNTIME" --frobnicate list
    [ "$status" -ne 0 ]
    [[ "$output" == *frobnicate* ]]
}

@test "an unknown command flag fails and names it" {
    run_quiet runtime create --frobnicate x
    [ "$status" -ne 0 ]
    [[ "$output" == *frobnicate* ]]
}

@test "Go-style single-dash long flags work like runc's (-root DIR)" {
    run "$HULL_RUNTIME" -root "$TEST_ROOT" list -q
    [ "$status" -eq 0 ]
    [ -z "$output" ]
}

@test "--systemd-cgroup gives a clear error (no systemd here)" {
    is_hull || skip "hull-specific message"
    run "$HULL_RUNTIME" --root "$TEST_ROOT" --systemd-cgroup list
    [ "$status" -ne 0 ]
    [[ "$output" == *systemd* ]]
}

@test "--rootless true|false|auto is accepted, other values are not" {
    for v in true false auto; do
        run "$HULL_RUNTIME" --root "$TEST_ROOT" --rootless "$v" list -q
        [ "$status" -eq 0 ]
    done
    run "$HULL_RUNTIME" --root "$TEST_ROOT" --rootless maybe list -q
    [ "$status" -ne 0 ]
}

@test "--log FILE --log-format json writes errors as json lines with level, msg, time" {
    log=$TEST_DIR/log.json
    run "$HULL_RUNTIME" --root "$TEST_ROOT" --log "$log" --log-format json state does-not-exist
    [ "$status" -ne 0 ]
    [ -s "$log" ]
    line=$(tail -n1 "$log")
    [ "$(echo "$line" | jq -r .level)" = error ]
    [[ "$(echo "$line" | jq -r .msg)" == *does-not-exist* ]]
    [ "$(echo "$line" | jq -r .time)" != null ]
}

@test "containerd's argument style: --root R --log F --log-format json as separate args" {
    log=$TEST_DIR/log.json
    run "$HULL_RUNTIME" --root "$TEST_ROOT" --log "$log" --log-format json list --format json
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | jq length)" = 0 ]
}

@test "spec writes a default config.json that validates and refuses to overwrite" {
    d=$TEST_DIR/specdir
    mkdir -p "$d"
    run "$HULL_RUNTIME" spec --bundle "$d"
    [ "$status" -eq 0 ]
    jq -e '.ociVersion and .process.args and .root.path == "rootfs" and (.linux.namespaces | length) >= 4' "$d/config.json"
    jq -e '.process.capabilities.bounding | index("CAP_KILL")' "$d/config.json"
    jq -e '.linux.maskedPaths | index("/proc/kcore")' "$d/config.json"
    run "$HULL_RUNTIME" spec --bundle "$d"
    [ "$status" -ne 0 ]
}

@test "spec --rootless adds a user namespace with mappings" {
    d=$TEST_DIR/rl
    mkdir -p "$d"
    "$HULL_RUNTIME" spec --rootless --bundle "$d"
    jq -e '.linux.namespaces | map(.type) | index("user")' "$d/config.json"
    jq -e '.linux.uidMappings | length > 0' "$d/config.json"
}

@test "the default spec is valid against the OCI JSON schema" {
    command -v python3 >/dev/null && python3 -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema not installed"
    d=$TEST_DIR/schema
    mkdir -p "$d"
    "$HULL_RUNTIME" spec --bundle "$d"
    schema=$HULL_SRC/../shared/reference/oci-runtime-spec/schema
    [ -d "$schema" ] || schema=$HULL_SRC/tests/data/oci-schema
    [ -d "$schema" ] || skip "OCI schema not found beside the checkout"
    run python3 "$HULL_SRC/tests/lib/validate_schema.py" "$schema/config-schema.json" "$d/config.json"
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "features prints the features JSON of features.md" {
    run "$HULL_RUNTIME" features
    [ "$status" -eq 0 ]
    echo "$output" | jq -e '.ociVersionMin and .ociVersionMax'
    echo "$output" | jq -e '.hooks | index("createRuntime")'
    echo "$output" | jq -e '.linux.namespaces | index("time")'
    echo "$output" | jq -e '.linux.capabilities | index("CAP_SYS_ADMIN")'
    echo "$output" | jq -e '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY")'
    echo "$output" | jq -e '.linux.cgroup | has("v1") and has("v2")'
}

@test "checkpoint is refused clearly" {
    run runtime checkpoint x
    [ "$status" -ne 0 ]
}

@test "--root also holds the compiled-seccomp cache (ROOT/@seccomp-cache, not always /run/hull)" {
    is_hull || skip "the seccomp cache is hull-runtime's"
    update_config '.process.args = ["true"] | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["swapon"], "action": "SCMP_ACT_ERRNO"}]}'
    id=$(new_id)
    env -u HULL_SECCOMP_CACHE "$HULL_RUNTIME" --root "$TEST_ROOT" run --bundle "$BUNDLE" "$id"
    [ -n "$(ls -A "$TEST_ROOT/@seccomp-cache")" ]
}

# hull's own entries in a root begin with '@', which no container id can hold:
# a container may be called seccomp-cache, engine or cgroup-parents (runc
# allows it), and no id reaches the cache (once `delete --force seccomp-cache`
# removed it, and `delete --force cgroup-parents` of a rootless root waited for
# ever on the marks' own lock).
@test "ids named like hull's own entries are ordinary containers; @names are refused and left alone" {
    is_hull || skip "hull-runtime's own layout"
    update_config '.process.args = ["sleep", "100"] | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["swapon"], "action": "SCMP_ACT_ERRNO"}]}'
    local name
    for name in seccomp-cache engine cgroup-parents; do
        env -u HULL_SECCOMP_CACHE timeout --kill-after=10 60 "$HULL_RUNTIME" --root "$TEST_ROOT" run -d --bundle "$BUNDLE" "$name" </dev/null
        [ "$(runtime state "$name" | jq -r .status)" = running ]
    done
    runtime list -q | sort >"$TEST_DIR/ids"
    printf '%s\n' cgroup-parents engine seccomp-cache | diff - "$TEST_DIR/ids"
    cache=$(ls -A "$TEST_ROOT/@seccomp-cache")
    [ -n "$cache" ]
    run timeout --kill-after=10 60 "$HULL_RUNTIME" --root "$TEST_ROOT" delete --force @seccomp-cache
    [ "$status" -ne 0 ]
    [[ "$output" == *'invalid container id "@seccomp-cache"'* ]]
    for name in seccomp-cache engine cgroup-parents; do
        timeout --kill-after=10 60 "$HULL_RUNTIME" --root "$TEST_ROOT" delete --force "$name"
        [ ! -e "$TEST_ROOT/$name" ]
    done
    [ "$(ls -A "$TEST_ROOT/@seccomp-cache")" = "$cache" ]
}
