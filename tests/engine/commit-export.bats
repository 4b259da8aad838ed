#!/usr/bin/env bats
# hull commit (a container's upper dir as a new OCI layer: whiteouts, opaque
# directories, hard links, symlinks; config changes) and hull export (the
# container's root filesystem as a tar), on the offline busybox images.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup
    hull load -q -i "$IMAGES/busybox-oci.tar" >/dev/null
}

teardown() {
    diag_on_failure
    engine_teardown
}

@test "commit: added, deleted, replaced-by-opaque, linked files become a layer; --change, -m, -a" {
    hull run --name c1 busybox-extra sh -c \
        'echo hi >/new; rm /bin/ls /extra; mkdir /d; echo y >/d/f; ln /d/f /d/hard; ln -s /new /sym; rm -rf /root; mkdir /root; echo only >/root/only'
    run hull commit -m "my change" -a "Tester <t@example.com>" -c 'CMD ["cat", "/new"]' -c 'ENV COMMITTED=1' c1 committed:1
    [ "$status" -eq 0 ]
    [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
    local id=$output
    [ "$(hull images --no-trunc -q committed:1)" = "$id" ]
    run hull run --rm committed:1
    [ "$output" = hi ]
    run hull run --rm committed:1 sh -c 'test ! -e /bin/ls && test ! -e /extra && echo gone; cat /d/hard; stat -c %h /d/f; readlink /sym; ls -A /root; echo $COMMITTED'
    [ "${lines[0]}" = gone ]
    [ "${lines[1]}" = y ]
    [ "${lines[2]}" = 2 ] # the hard link is still one
    [ "${lines[3]}" = /new ]
    [ "${lines[4]}" = only ] # /root was replaced: an opaque directory
    [ "${lines[5]}" = 1 ]
    run hull history committed:1
    [[ "${lines[1]}" == *"hull commit"*"my change"* ]]
    run hull image inspect committed:1
    [ "$(jq -r '.[0].Author' <<<"$output")" = "Tester <t@example.com>" ]
    [ "$(jq -r '.[0].RootFS.Layers | length' <<<"$output")" -eq 3 ]
    # hull's own /etc mount points are not part of the layer
    local layer
    layer=$(jq -r '.[0].RootFS.Layers[2]' <<<"$output")
    [ ! -e "$STORE/layers/${layer#sha256:}/diff/etc" ]
    # the new layer saves and loads elsewhere with the same id
    hull save -o "$TEST_DIR/c.tar" committed:1
    "$HULL_ENGINE" --root "$TEST_DIR/other" load -q -i "$TEST_DIR/c.tar" >/dev/null
    [ "$("$HULL_ENGINE" --root "$TEST_DIR/other" images --no-trunc -q committed:1)" = "$id" ]
    hull rm c1 >/dev/null
}

@test "commit: bad input is one line and stores nothing" {
    hull run --name c2 busybox true
    local before
    before=$(hull images -q | wc -l)
    fails_with "no such container: nope" hull commit nope x:1
    fails_with "cannot commit to a digest reference" hull commit c2 "x@sha256:0000000000000000000000000000000000000000000000000000000000000000"
    fails_with 'invalid change "FROB x"' hull commit -c 'FROB x' c2 x:1
    fails_with 'invalid reference format "BAD::name"' hull commit c2 BAD::name
    run hull commit
    [ "$status" -eq 125 ]
    [ "$(hull images -q | wc -l)" -eq "$before" ]
    [ -z "$(ls -A "$STORE/tmp")" ]
    hull rm c2 >/dev/null
}

@test "export: the container's root filesystem as a tar that imports and runs" {
    hull run --name e1 busybox-extra sh -c 'echo hi >/new; rm /bin/ls'
    run hull export -o "$TEST_DIR/e.tar" e1
    [ "$status" -eq 0 ]
    tar -tf "$TEST_DIR/e.tar" >"$TEST_DIR/list"
    grep -qx new "$TEST_DIR/list"
    grep -qx extra "$TEST_DIR/list"
    ! grep -qx bin/ls "$TEST_DIR/list"
    grep -qx bin/busybox "$TEST_DIR/list"
    [ "$(tar -xOf "$TEST_DIR/e.tar" new)" = hi ]
    hull import "$TEST_DIR/e.tar" exported:1 >/dev/null
    run hull run --rm exported:1 cat /new
    [ "$output" = hi ]
    hull export e1 | tar -t | grep -qx new
    run script -qec "'$HULL_ENGINE' --root '$STORE' --runroot '$RUNROOT' export e1" /dev/null
    [[ "$output" == *"cowardly refusing to export to a terminal"* ]]
    fails_with "no such container: nope" hull export -o "$TEST_DIR/x.tar" nope
    [ ! -e "$TEST_DIR/x.tar" ]
    hull rm e1 >/dev/null
}
