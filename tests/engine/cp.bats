#!/usr/bin/env bats
# hull cp: both directions, docker's naming rules, and containment: paths in
# the container resolve inside its root (a symlink to "/" or "../../.." in the
# container never reaches the host), symlinks are copied as symlinks.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup
    hull load -q -i "$IMAGES/busybox-oci.tar" >/dev/null
    # a container with traps: symlinks out of its root, and a link to a secret
    hull run --name k busybox sh -c \
        'mkdir /data; echo in >/data/x; ln -s / /escape; ln -s ../../../../../../../tmp /up; ln -s /etc/shadow-like /data/link'
    HOST=$TEST_DIR/host
    mkdir -p "$HOST/dir/sub"
    echo hostfile >"$HOST/dir/sub/f"
    echo single >"$HOST/one"
}

teardown() {
    diag_on_failure
    engine_teardown
}

upper() {
    echo "$STORE"/containers/*/upper
}

@test "cp out: a file, a directory into an existing one, a directory's contents to a new name" {
    hull cp k:/etc/passwd "$HOST/pw"
    [ "$(head -1 "$HOST/pw")" = "root:x:0:0:root:/root:/bin/sh" ]
    hull cp k:/data "$HOST"
    [ "$(cat "$HOST/data/x")" = in ]
    [ -L "$HOST/data/link" ] # copied as a symlink, never followed
    [ "$(readlink "$HOST/data/link")" = /etc/shadow-like ]
    hull cp k:/data/. "$HOST/renamed"
    [ "$(cat "$HOST/renamed/x")" = in ]
    # the container's symlink to / is the container's /
    hull cp k:/escape/etc/hostname "$HOST/hn"
    [ ! -s "$HOST/hn" ] # hull's empty mount point file, not the host's /etc/hostname
}

@test "cp in: a file into /, a directory, through symlinks that point out of the root" {
    hull cp "$HOST/one" k:/
    [ "$(cat "$(upper)/one")" = single ]
    hull cp "$HOST/dir" k:/escape/copied
    [ "$(cat "$(upper)/copied/sub/f")" = hostfile ]
    hull cp "$HOST/one" k:/up/landed
    [ -f "$(upper)/tmp/landed" ]
    [ ! -e /tmp/landed ]
    hull cp "$HOST/one" k:/data/x # replaces a file
    hull cp k:/data/x "$HOST/back"
    [ "$(cat "$HOST/back")" = single ]
}

@test "cp: bad input is one line" {
    fails_with "/nope in the container: No such file or directory" hull cp k:/nope "$HOST/x"
    fails_with "$HOST/nope: No such file or directory" hull cp "$HOST/nope" k:/x
    fails_with "destination /no/such/dir/x in the container" hull cp "$HOST/one" k:/no/such/dir/x
    fails_with "no such container: nope" hull cp nope:/x "$HOST/x"
    run hull cp "$HOST/one" "$HOST/two"
    [ "$status" -eq 125 ]
    [[ "$output" == *"exactly one of SRC and DEST must be CONTAINER:PATH"* ]]
    run hull cp k:/a k:/b
    [ "$status" -eq 125 ]
    [ ! -e "$HOST/x" ]
    [ ! -e "$HOST/two" ]
}
