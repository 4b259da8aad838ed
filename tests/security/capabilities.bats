#!/usr/bin/env bats
# process.capabilities, no_new_privs and LSM labels, read back from
# /proc/self/status inside the container.

load ../lib/common
load security_helpers

setup() {
    setup_bundle
}

teardown() {
    diag_on_failure
    teardown_bundle
}

@test "capabilities: the default config's sets are exactly what the container gets" {
    in_container "grep -E '^(Cap|NoNewPrivs)' /proc/self/status"
    [ "$status" -eq 0 ]
    local want
    want=$(cap_mask $(jq -r '.process.capabilities.bounding[]' "$BUNDLE/config.json"))
    [ "$want" != 0000000000000000 ]
    [ "$(status_field CapBnd)" = "$want" ]
    [ "$(status_field CapPrm)" = "$(cap_mask $(jq -r '.process.capabilities.permitted[]' "$BUNDLE/config.json"))" ]
    [ "$(status_field CapEff)" = "$(cap_mask $(jq -r '.process.capabilities.effective[]' "$BUNDLE/config.json"))" ]
    [ "$(status_field CapAmb)" = 0000000000000000 ]
    [ "$(status_field NoNewPrivs)" = 1 ]
}

@test "capabilities: every set, for a non-root user with ambient capabilities" {
    update_config '.process.user = {"uid": 1000, "gid": 1000}
        | .process.capabilities = {
            "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_SETUID"],
            "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
            "effective": ["CAP_CHOWN", "CAP_KILL"],
            "inheritable": ["CAP_CHOWN", "CAP_NET_RAW"],
            "ambient": ["CAP_CHOWN"] }'
    in_container "grep -E '^Cap' /proc/self/status; id -u"
    [ "$status" -eq 0 ]
    # After execve of a non-setuid program by uid 1000, the kernel sets
    # permitted = effective = ambient; inheritable and bounding stay.
    [ "$(status_field CapBnd)" = "$(cap_mask CAP_CHOWN CAP_KILL CAP_NET_RAW CAP_SETUID)" ]
    [ "$(status_field CapInh)" = "$(cap_mask CAP_CHOWN CAP_NET_RAW)" ]
    [ "$(status_field CapAmb)" = "$(cap_mask CAP_CHOWN)" ]
    [ "$(status_field CapPrm)" = "$(cap_mask CAP_CHOWN)" ]
    [ "$(status_field CapEff)" = "$(cap_mask CAP_CHOWN)" ]
    [ "${lines[5]}" = 1000 ]
}

@test "capabilities: the ambient capability really works for the non-root user" {
    update_config '.process.user = {"uid": 1000, "gid": 1000}
        | .process.capabilities = {
            "bounding": ["CAP_CHOWN"], "permitted": ["CAP_CHOWN"], "effective": ["CAP_CHOWN"],
            "inheritable": ["CAP_CHOWN"], "ambient": ["CAP_CHOWN"] }'
    in_container "touch /tmp/f && chown 1234 /tmp/f && stat -c %u /tmp/f; hostname x"
    # CAP_CHOWN works for uid 1000, nothing else was granted
    [ "${lines[0]}" = 1234 ]
    [ "${lines[1]}" = "hostname: sethostname: Operation not permitted" ]
    # without the ambient set the same program has no CAP_CHOWN after execve
    update_config 'del(.process.capabilities.ambient)'
    in_container "touch /tmp/g && chown 1234 /tmp/g"
    [ "$status" -ne 0 ]
    [ "$output" = "chown: /tmp/g: Operation not permitted" ]
}

@test "capabilities: an absent capabilities section drops everything" {
    update_config 'del(.process.capabilities)'
    in_container "grep -E '^Cap' /proc/self/status"
    [ "$status" -eq 0 ]
    [ "$(status_field CapBnd)" = 0000000000000000 ]
    [ "$(status_field CapPrm)" = 0000000000000000 ]
    [ "$(status_field CapEff)" = 0000000000000000 ]
}

@test "capabilities: CAP_SYS_ADMIN granted lets root mount (the sets are really applied)" {
    update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
    in_container "mount -t tmpfs none /tmp && grep -c ' /tmp tmpfs' /proc/mounts"
    [ "$status" -eq 0 ]
    [ "$output" = 1 ]
}

@test "capabilities: an unknown capability name is an error naming it" {
    is_hull || skip "runc ignores unknown capability names with a warning (\"ignoring unknown or unavailable capabilities\")"
    update_config '.process.capabilities.bounding += ["CAP_NOT_REAL"]'
    run runtime run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -ne 0 ]
    [[ "$output" == *'unknown capability "CAP_NOT_REAL" in process.capabilities.bounding'* ]]
}

@test "capabilities: a capability the host lacks is skipped with a warning" {
    local bnd
    bnd=$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)
    [ $((0x$bnd >> 24 & 1)) = 0 ] || skip "this host's bounding set has CAP_SYS_RESOURCE"
    is_hull || skip "runc fails with EPERM (\"unable to apply caps\"); the spec says runtimes SHOULD NOT fail"
    local others
    others=$(cap_mask $(jq -r '.process.capabilities.bounding[]' "$BUNDLE/config.json"))
    update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_RESOURCE"])'
    in_container "grep CapBnd /proc/self/status"
    [ "$status" -eq 0 ]
    [[ "$output" == *"CAP_SYS_RESOURCE"*"the host's bounding set lacks it"* ]]
    # the others are still granted
    [[ "$output" == *"CapBnd:"*"$others"* ]]
}

@test "no_new_privs: off when noNewPrivileges is false" {
    update_config '.process.noNewPrivileges = false'
    in_container "grep NoNewPrivs /proc/self/status"
    [ "$status" -eq 0 ]
    [ "$(status_field NoNewPrivs)" = 0 ]
}

@test "lsm: apparmorProfile on a host without AppArmor fails the create" {
    [ ! -d /sys/kernel/security/apparmor ] || skip "AppArmor is enabled on this host"
    update_config '.process.apparmorProfile = "hull-test-profile"'
    run runtime run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -ne 0 ]
    [[ "${output,,}" == *apparmor* ]]
}

@test "lsm: selinuxLabel on a host without SELinux fails the create" {
    [ ! -d /sys/fs/selinux ] || skip "SELinux is enabled on this host"
    update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
    run runtime run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -ne 0 ]
    [[ "${output,,}" == *selinux* ]]
}
