#!/usr/bin/env bats
# hull image prune [-a] and hull images --filter dangling=|reference=.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup
    hull load -q -i "$IMAGES/busybox-oci.tar" >/dev/null
    DANGLING=$(hull import "$IMAGES/rootfs.tar")
}

teardown() {
    diag_on_failure
    engine_teardown
}

@test "images --filter: dangling and reference globs; a bad filter is a usage error" {
    run hull images -q --no-trunc --filter dangling=true
    [ "$output" = "$DANGLING" ]
    run hull images --format json -f dangling=false
    [ "$(jq length <<<"$output")" -eq 2 ]
    run hull images -q -f 'reference=busybox-*'
    [ "${#lines[@]}" -eq 1 ]
    [ "$output" = "$(hull images -q busybox-extra)" ]
    run hull images -q -f 'reference=*:latest'
    [ "${#lines[@]}" -eq 2 ]
    run hull images -q -f 'reference=nothing*'
    [ -z "$output" ]
    run hull images -f bogus=1
    [ "$status" -eq 125 ]
    [[ "$output" == *'invalid --filter "bogus=1"'* ]]
}

@test "image prune: untagged images go, -a every image no container uses, layers with them" {
    run hull image prune
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "Deleted Images:" ]
    [ "${lines[1]}" = "deleted: $DANGLING" ]
    [[ "${lines[-1]}" == "Total reclaimed space: "*MB ]]
    [ "$(hull images -q | wc -l)" -eq 2 ]
    hull run --name user busybox true
    run hull image prune -a -f
    [ "$status" -eq 0 ]
    [[ "$output" == *"untagged: busybox-extra:latest"* ]]
    [[ "$output" != *"busybox:latest"* ]] # a container uses it
    [ "$(hull images -q | wc -l)" -eq 1 ]
    hull rm user >/dev/null
    run hull image prune -a
    [ "$(hull images -q | wc -l)" -eq 0 ]
    [ -z "$(ls -A "$STORE/layers")" ]
    run hull image prune
    [ "$output" = "Total reclaimed space: 0B" ]
}
