#!/usr/bin/env bats
# hull history (an image's build steps from its config) and hull diff (a
# container's changes read from its overlay upper dir), on the offline busybox
# images of make-busybox-image.sh.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup
}

teardown() {
    diag_on_failure
    engine_teardown
}

@test "history: docker's table, newest first, layer sizes; -q, --no-trunc, --format json" {
    hull load -q -i "$IMAGES/busybox-oci.tar" >/dev/null
    run hull history busybox-extra
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" =~ ^IMAGE\ +CREATED\ +CREATED\ BY\ +SIZE\ +COMMENT ]]
    [ "${#lines[@]}" -eq 4 ] # umoci: repack (the base), config, repack (the extra layer)
    local id
    id=$(hull images --no-trunc -q busybox-extra)
    [[ "${lines[1]}" == "${id:7:12} "*"umoci repack"* ]]
    [[ "${lines[2]}" == "<missing> "*"umoci config"*"0B"* ]]
    [[ "${lines[3]}" == "<missing> "*"umoci repack"*"MB"* ]]
    run hull history -q busybox-extra
    [ "${lines[0]}" = "${id:7:12}" ]
    [ "${lines[1]}" = "<missing>" ]
    run hull history --no-trunc -q busybox-extra
    [ "${lines[0]}" = "$id" ]
    run hull image history --format json busybox-extra
    [ "$(jq -r '.[0].id' <<<"$output")" = "$id" ]
    [ "$(jq -r '.[1].empty_layer' <<<"$output")" = true ]
    [ "$(jq -r '.[2].size' <<<"$output")" -gt 1000000 ]
    fails_with "no such image: nope" hull history nope
    run hull history
    [ "$status" -eq 125 ]
}

@test "history: an image without history in its config gets one line per layer" {
    hull load -q -i "$IMAGES/busybox-docker.tar" >/dev/null
    run hull history busybox:docker
    [ "${#lines[@]}" -eq 2 ]
    [[ "${lines[1]}" == *make-busybox-image.sh* ]]
    hull import "$IMAGES/rootfs.tar" plain:imported >/dev/null
    run hull history --format json plain:imported
    [ "$(jq length <<<"$output")" -ge 1 ]
}

@test "diff: added, changed and deleted paths, parents first; hull's own /etc files left out" {
    hull load -q -i "$IMAGES/busybox-oci.tar" >/dev/null
    hull run -d --name d1 busybox-extra sh -c \
        'echo x >/new; rm /bin/ls; mkdir -p /d/e; echo y >/d/e/f; echo z >>/etc/passwd; rm /extra; touch /tmp/t; rm /tmp/t; chmod 700 /root; touch /ready; sleep 600' >/dev/null
    wait_until 30 sh -c "'$HULL_ENGINE' --root '$STORE' --runroot '$RUNROOT' diff d1 | grep -q '^A /ready$'"
    run hull diff d1
    [ "$status" -eq 0 ]
    local want
    want=$(printf '%s\n' "C /bin" "D /bin/ls" "A /d" "A /d/e" "A /d/e/f" "C /etc" "C /etc/passwd" "D /extra" \
        "A /new" "A /ready" "C /root")
    [ "$output" = "$want" ] || { echo "got:"; echo "$output"; false; }
    run hull container diff --format json d1
    [ "$(jq -r '.[] | select(.Path == "/new") | .Kind' <<<"$output")" = 1 ]
    [ "$(jq -r '.[] | select(.Path == "/extra") | .Kind' <<<"$output")" = 2 ]
    [ "$(jq -r '.[] | select(.Path == "/etc/passwd") | .Kind' <<<"$output")" = 0 ]
    hull rm -f d1 >/dev/null
}

@test "diff: an untouched container has no changes; unknown containers are an error" {
    hull load -q -i "$IMAGES/busybox-oci.tar" >/dev/null
    hull run --name d2 busybox true
    run hull diff d2
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    fails_with "no such container: nope" hull diff nope
}
