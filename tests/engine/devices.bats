#!/usr/bin/env bats
# hull run --device HOST[:CONTAINER][:PERMS] and --device-cgroup-rule: the
# node made in the container and the devices cgroup rule that lets it be
# used (docker's defaults: rwm); any other device stays refused by the
# cgroup.  Safe devices only: /dev/zero, and /dev/loop-control, which is
# only opened (never an ioctl), and is not in docker's default allow list.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup_busybox
}

teardown() {
    diag_on_failure
    engine_teardown
}

need_loop_control() {
    [ -c /dev/loop-control ] || skip "no /dev/loop-control on this host"
}

@test "device: --device HOST:CONTAINER makes the node (rwm), and the record says so" {
    run -0 hull run --rm --device /dev/zero:/dev/foo busybox sh -c 'stat -c "%t:%T %F" /dev/foo; head -c 4 /dev/foo | od -An -tx1'
    [ "${lines[0]}" = "1:5 character special file" ]
    [ "$(echo ${lines[1]})" = "00 00 00 00" ]
    id=$(hull create --device /dev/zero:rw --device-cgroup-rule 'c 1:5 r' busybox true)
    run -0 hull inspect --format '{{json .HostConfig.Devices}} {{json .HostConfig.DeviceCgroupRules}}' "$id"
    [ "$output" = '[{"PathOnHost":"/dev/zero","PathInContainer":"/dev/zero","CgroupPermissions":"rw"}] ["c 1:5 r"]' ]
}

@test "device: the cgroup refuses a device not given; PERMS and --device-cgroup-rule open it as far as they say" {
    need_loop_control
    # not listed: the node can be made (CAP_MKNOD) but not opened
    run -1 hull run --rm busybox sh -c 'mknod /tmp/lc c 10 237 && exec 3</tmp/lc && echo opened'
    [[ $output == *"Operation not permitted"* ]]
    [[ $output != *opened* ]]
    # --device with r only: read opens, write does not (mknod is docker's
    # default for every device, 'c *:* m': not a test of PERMS)
    run -0 hull run --rm --device /dev/loop-control:/dev/lc:r busybox sh -c 'exec 3</dev/lc && echo opened-r'
    [ "$output" = opened-r ]
    run -1 hull run --rm --device /dev/loop-control:/dev/lc:r busybox sh -c 'exec 3>/dev/lc && echo opened-w'
    [[ $output == *"Operation not permitted"* ]]
    # a rule alone: the node made in the container opens
    run -0 hull run --rm --device-cgroup-rule 'c 10:237 r' busybox sh -c 'mknod /tmp/lc c 10 237 && exec 3</tmp/lc && echo opened'
    [ "$output" = opened ]
    run -0 hull run --rm --device-cgroup-rule 'c 10:* rw' busybox sh -c 'mknod /tmp/lc c 10 237 && exec 3</tmp/lc && echo opened'
    [ "$output" = opened ]
}

@test "device: bad --device and --device-cgroup-rule: one line naming it, exit 125, nothing created" {
    run -125 hull run --rm --device /dev/nope busybox true
    [ "$output" = 'hull: error: invalid --device "/dev/nope": /dev/nope: No such file or directory' ]
    run -125 hull run --rm --device /etc/passwd busybox true
    [ "$output" = 'hull: error: invalid --device "/etc/passwd": /etc/passwd is not a device node' ]
    run -125 hull create --device /dev/zero:foo busybox true
    [[ $output == *'the container path "foo" is not absolute'* ]]
    run -125 hull run --rm --device /dev/zero:/dev/foo:rwx busybox true
    [[ $output == *'permissions "rwx" are not some of r, w, m'* ]]
    run -125 hull run --rm --device dev/zero busybox true
    [[ $output == *'not absolute'* ]]
    run -125 hull run --rm --device /dev/zero:/a:rw:x busybox true
    [[ $output == *'want HOST[:CONTAINER][:PERMS]'* ]]
    run -125 hull run --rm --device-cgroup-rule 'x 1:3 r' busybox true
    [[ $output == *'invalid --device-cgroup-rule "x 1:3 r"'* ]]
    run -125 hull run --rm --device-cgroup-rule 'c 1:3' busybox true
    [[ $output == *'invalid --device-cgroup-rule "c 1:3"'* ]]
    run -125 hull run --rm --device-cgroup-rule 'c 1-3 r' busybox true
    [[ $output == *'is not MAJOR:MINOR'* ]]
    run -125 hull create --device-cgroup-rule 'c 1:3 rwx' busybox true
    [[ $output == *'access "rwx"'* ]]
    [ "${#lines[@]}" -eq 1 ]
    run -0 hull ps -aq
    [ -z "$output" ]
    [ -z "$(ls "$STORE/containers" 2>/dev/null | grep -v '^[@.]')" ]
}
