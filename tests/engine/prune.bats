#!/usr/bin/env bats
# hull system prune [-a] [--volumes] [-f]: stopped and created containers,
# networks no container uses, dangling images (-a: every unused one),
# anonymous unused volumes with --volumes; running containers and what they
# use stay.  Network commands run in a network namespace of the test's own.

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

# The engine in a new network namespace: a network it creates or removes is never the host's.
hull_netns() {
    timeout --kill-after=10 60 unshare -n "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" "$@"
}

need_netns() {
    unshare -n true 2>/dev/null || skip "cannot create a network namespace (unshare -n)"
}

id_of() {
    hull inspect "$1" | jq -r '.[0].Id'
}

@test "system prune -f: stopped and created containers, unused networks and dangling images go; running ones stay" {
    need_netns
    # a dangling image no container uses: busybox's tag moves to a new import
    old=$(hull images -q --no-trunc busybox)
    hull import --change 'CMD ["true"]' "$IMAGES/rootfs.tar" busybox >/dev/null
    hull run --name exited busybox true
    hull create --name created busybox true >/dev/null
    hull run -d --name running -v named:/n -v /anon busybox sleep 1000 >/dev/null
    hull run --name stopped-anon -v /anon2 busybox true
    exited=$(id_of exited)
    created=$(id_of created)
    t0=$(date +%s.%N)
    hull_netns network create unused
    run hull_netns system prune -f
    [ "$status" -eq 0 ]
    [[ $output == *"Deleted Containers:"*"$created"* ]]
    [[ $output == *"$exited"* ]]
    [[ $output == *"Deleted Networks:"*unused* ]]
    [[ $output == *"Deleted Images:"*"deleted: $old"* ]]
    [[ $output == *"Total reclaimed space: "* ]]
    [[ $output != *"Deleted Volumes:"* ]]
    [ "$(hull ps -a --format '{{.Names}}')" = running ]
    [ "$(hull images --format '{{.Repository}}')" = busybox ]
    run hull network ls --format '{{.Name}}'
    [[ $output != *unused* ]]
    # the journal has the network's create and destroy (hull events)
    run hull events --since "$t0" --until "$(date +%s.%N)" --filter type=network --format '{{.Action}} {{.Actor.Attributes.name}}'
    [ "$(tr '\n' ' ' <<<"$output")" = "create unused destroy unused " ]
    # no --volumes: every volume stays
    [ "$(hull volume ls -q | wc -l)" -eq 3 ]
    # nothing left to prune: a second run removes nothing
    run hull_netns system prune -f
    [ "$status" -eq 0 ]
    [ "$output" = "Total reclaimed space: 0B" ]
}

@test "system prune --volumes: anonymous volumes no container uses go, named and used ones stay" {
    need_netns
    hull run -d --name running -v /inuse busybox sleep 1000 >/dev/null
    hull run --name gone -v /anon -v named:/n busybox sh -c 'dd if=/dev/zero of=/anon/f bs=1k count=200 2>/dev/null'
    anon=$(hull inspect gone | jq -r '.[0].Mounts[] | select(.Destination == "/anon") | .Name')
    inuse=$(hull inspect running | jq -r '.[0].Mounts[0].Name')
    run hull_netns system prune -f --volumes
    [ "$status" -eq 0 ]
    [[ $output == *"Deleted Volumes:"*"$anon"* ]]
    [[ $output != *"$inuse"* ]]
    [[ $output =~ Total\ reclaimed\ space:\ [0-9.]+kB ]]
    run hull volume ls -q
    [ "$(sort <<<"$output" | tr '\n' ' ')" = "$(printf '%s\n' "$inuse" named | sort | tr '\n' ' ')" ]
}

@test "system prune -a: every image no container uses goes; one a container uses stays" {
    need_netns
    hull tag busybox other
    hull import --change 'CMD ["true"]' "$IMAGES/rootfs.tar" unused >/dev/null
    hull create --name keep other true >/dev/null
    run hull_netns system prune -f
    [ "$status" -eq 0 ]
    [[ $output == *"Deleted Containers:"* ]]
    [ "$(hull images --format '{{.Repository}}' | sort | tr '\n' ' ')" = "busybox other unused " ] # none dangling
    hull create --name user busybox true >/dev/null
    run hull_netns system prune -a -f
    [ "$status" -eq 0 ]
    [[ $output == *"untagged: unused"* ]]
    [ "$(hull images -q | wc -l)" -eq 0 ]
}

@test "system prune: without -f it asks; anything but y changes nothing" {
    need_netns
    hull run --name exited busybox true
    run hull_netns system prune <<<"n"
    [ "$status" -eq 0 ]
    [[ $output == *"WARNING! This will remove:"*"all stopped containers"*"[y/N]"* ]]
    [[ $output != *"anonymous volumes"* ]]
    [ "$(hull ps -aq | wc -l)" -eq 1 ]
    run hull_netns system prune --volumes -a </dev/null
    [[ $output == *"anonymous volumes"*"all images without at least one container"* ]]
    [ "$(hull ps -aq | wc -l)" -eq 1 ]
    run hull_netns system prune <<<"y"
    [[ $output == *"Deleted Containers:"* ]]
    [ -z "$(hull ps -aq)" ]
}

@test "system prune: bad usage is refused (125) and prunes nothing" {
    hull run --name exited busybox true
    run hull system prune -f extra
    [ "$status" -eq 125 ]
    run hull system prune --volume -f
    [ "$status" -eq 125 ]
    [[ $output == *"unknown flag: --volume"* ]]
    [ "$(hull ps -aq | wc -l)" -eq 1 ]
}
