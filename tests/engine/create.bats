#!/usr/bin/env bats
# hull create: the container is made with all of run's flags and left in state
# Created (ps -a, inspect), hull start [-a] runs it, rm removes everything;
# a create that fails (bad flag values, an image it cannot get) leaves nothing.
# Also --volumes-from on create and run.

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

hull_timed() {
    timeout --kill-after=10 60 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" "$@"
}

state_of() {
    hull inspect "$1" | jq -r ".[0].State.$2"
}

# No container record, container directory, runtime state or mount of this test's store.
assert_no_containers() {
    local left
    left=$(ls "$STORE/containers" 2>/dev/null | grep -v '^\.lock$' || true)
    [ -z "$left" ] || { echo "container dirs left: $left" >&2; return 1; }
    left=$(ls "$RTROOT" 2>/dev/null || true)
    [ -z "$left" ] || { echo "runtime state left: $left" >&2; return 1; }
    ! grep -q " $STORE/containers" /proc/self/mountinfo || { echo "mount left under $STORE/containers" >&2; return 1; }
    [ -z "$(hull ps -aq)" ]
}

@test "create: the container is Created (ps -a, inspect), nothing runs; start runs it" {
    run hull create --name c1 -e GREETING=hello -w /tmp -l role=test busybox sh -c 'echo "$GREETING from $(pwd)"; exit 4'
    [ "$status" -eq 0 ]
    [[ $output =~ ^[0-9a-f]{64}$ ]]
    id=$output
    [ "$(state_of c1 Status)" = created ]
    [ "$(state_of c1 Running)" = false ]
    [ "$(state_of c1 Pid)" = 0 ]
    [ "$(hull inspect c1 | jq -r '.[0].Config.Labels.role')" = test ]
    run hull ps -a --format '{{.Names}} {{.Status}}'
    [ "$output" = "c1 Created" ]
    [ -z "$(hull ps -q)" ] # not running
    [ ! -e "$RTROOT/$id" ]
    run hull start c1
    [ "$status" -eq 0 ]
    [ "$output" = c1 ]
    run hull_timed wait c1
    [ "$output" = 4 ]
    run hull logs c1
    [ "$output" = "hello from /tmp" ]
    [ "$(state_of c1 Status)" = exited ]
}

@test "create + start -a: output and exit status are the container's" {
    hull create --name fg busybox sh -c 'echo out; echo err >&2; exit 7' >/dev/null
    run hull_timed start -a fg
    [ "$status" -eq 7 ]
    [ "${lines[0]}" = out ]
    [ "${lines[1]}" = err ]
    [ "$(state_of fg ExitCode)" = 7 ]
}

@test "create --rm: removed once it has run after start -a" {
    hull create --rm --name gone busybox true >/dev/null
    [ "$(state_of gone Status)" = created ]
    run hull_timed start -a gone
    [ "$status" -eq 0 ]
    wait_until "! hull inspect gone >/dev/null 2>&1"
    assert_no_containers
}

@test "create: volumes and mounts are made at create, kept through start" {
    hull create --name vol -v data:/data --tmpfs /scratch busybox sh -c 'echo kept >/data/f; grep -c " /scratch tmpfs" /proc/mounts' >/dev/null
    hull volume inspect data >/dev/null
    run hull_timed start -a vol
    [ "$status" -eq 0 ]
    [ "$output" = 1 ]
    run hull volume rm data
    [ "$status" -ne 0 ] # in use by vol
    run hull_timed run --rm -v data:/data busybox cat /data/f
    [ "$output" = kept ]
}

@test "rm of a created container removes everything; the image can go" {
    id=$(hull create --name del busybox true)
    grep -q " $STORE/containers/$id" /proc/self/mountinfo || [ -d "$STORE/containers/$id/rootfs" ]
    run hull rm del
    [ "$status" -eq 0 ]
    assert_no_containers
    run hull rmi busybox
    [ "$status" -eq 0 ]
}

@test "container create is create; a Created container is pruned by container prune" {
    run hull container create --name alias busybox true
    [ "$status" -eq 0 ]
    [ "$(state_of alias Status)" = created ]
    run hull container prune -f
    [ "$status" -eq 0 ]
    assert_no_containers
}

@test "create: a name in use is refused (125), the first container untouched" {
    hull create --name twice busybox true >/dev/null
    run hull create --name twice busybox true
    [ "$status" -eq 125 ]
    [[ $output == *'"/twice" is already in use'* ]]
    [ "$(hull ps -aq | wc -l)" -eq 1 ]
    [ "$(state_of twice Status)" = created ]
}

@test "create: bad flag values fail with one line, exit 125, nothing left" {
    run hull create --memory 12x busybox true
    [ "$status" -eq 125 ]
    fails_with 'memory' hull create --memory 12x busybox true
    fails_with 'name' hull create --name 'bad name' busybox true
    fails_with 'workdir' hull create -w relative busybox true
    fails_with 'stop-signal' hull create --stop-signal NOPE busybox true
    fails_with 'pids-limit' hull create --pids-limit 0 busybox true
    fails_with '' hull create --mount type=bind,source=$TEST_DIR/missing,target=/x busybox true
    fails_with 'pull' hull create --pull sometimes busybox true
    # the hint names the command typed
    fails_with "invalid --pull \"sometimes\": want missing, always or never (see 'hull create --help')" \
        hull create --pull sometimes busybox true
    fails_with "(see 'hull run --help')" hull run --pull sometimes busybox true
    run hull create --no-such-flag busybox true
    [ "$status" -eq 125 ]
    run hull create
    [ "$status" -eq 125 ]
    assert_no_containers
    [ ! -e "$STORE/volumes" ] || [ -z "$(hull volume ls -q)" ]
}

@test "create: an image it cannot get fails (125), nothing left" {
    run hull create --pull never no-such-image true
    [ "$status" -eq 125 ]
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    run -125 timeout --kill-after=10 120 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" \
        create --name never 127.0.0.1:1/nothing:latest true
    [[ $output == *127.0.0.1:1* ]]
    assert_no_containers
    run hull images -q
    [ "$(echo "$output" | wc -l)" -eq 1 ] # busybox only
}

@test "start: a created container that fails to start says why and is removable" {
    hull create --name nocmd busybox /no/such/program >/dev/null
    run hull_timed start -a nocmd
    # docker: 127 for a program not found, as run says (start without -a: 1)
    [ "$status" -eq 127 ]
    [[ $output == *'"/no/such/program": executable file not found'* ]]
    run hull_timed start nocmd
    [ "$status" -eq 1 ]
    hull create --name nox busybox /etc/passwd >/dev/null
    run hull_timed start -a nox
    [ "$status" -eq 126 ]
    run hull rm -f nox
    [ "$status" -eq 0 ]
    run hull rm -f nocmd
    [ "$status" -eq 0 ]
    assert_no_containers
}

# ---- --volumes-from ----

@test "volumes-from: run and create get the other container's volumes and binds, :ro makes them read-only" {
    mkdir -p "$TEST_DIR/host"
    echo on-host >"$TEST_DIR/host/h"
    hull create --name src -v shared:/data -v /anon -v "$TEST_DIR/host:/host:ro" busybox true >/dev/null
    run hull_timed run --rm --volumes-from src busybox sh -c 'echo from-run >/data/f; echo anon >/anon/a; cat /host/h'
    [ "$status" -eq 0 ]
    [ "$output" = on-host ]
    # :ro: every mount read-only
    run hull_timed run --rm --volumes-from src:ro busybox sh -c 'cat /data/f /anon/a; touch /data/g'
    [ "$status" -ne 0 ]
    [[ $output == *from-run*anon* ]]
    [[ $output == *Read-only* ]]
    # create: recorded in HostConfig.VolumesFrom and Mounts, used at start
    hull create --name user --volumes-from src busybox cat /data/f >/dev/null
    [ "$(hull inspect user | jq -r '.[0].HostConfig.VolumesFrom[0]')" = src ]
    [ "$(hull inspect user | jq -r '[.[0].Mounts[].Destination] | sort | join(",")')" = /anon,/data,/host ]
    [ "$(hull inspect user | jq -r '.[0].Mounts[] | select(.Destination == "/host") | .RW')" = false ]
    run hull_timed start -a user
    [ "$output" = from-run ]
    # the volume is in use by both; removing the source keeps it for user
    run hull volume rm shared
    [ "$status" -ne 0 ]
    hull rm -v src >/dev/null
    hull volume inspect shared >/dev/null
}

@test "volumes-from: -v at the same path wins; :rw overrides a read-only source" {
    hull create --name src2 -v one:/data -v two:/other:ro busybox true >/dev/null
    hull_timed run --rm -v one:/data busybox sh -c 'echo one >/data/x' >/dev/null
    hull_timed run --rm -v three:/data busybox sh -c 'echo three >/data/x' >/dev/null
    run hull_timed run --rm -v three:/data --volumes-from src2:rw busybox sh -c 'cat /data/x; touch /other/ok && echo writable'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = three ]
    [ "${lines[1]}" = writable ]
}

@test "volumes-from: an unknown container or mode fails with one line (125), nothing left" {
    hull create --name src3 -v keep:/data busybox true >/dev/null
    run hull run --volumes-from nosuch busybox true
    [ "$status" -eq 125 ]
    fails_with 'volumes-from.*nosuch' hull run --volumes-from nosuch busybox true
    fails_with 'volumes-from.*"src3:rx".*rx' hull create --volumes-from src3:rx busybox true
    [ "$(hull ps -aq | wc -l)" -eq 1 ]
    [ "$(hull volume ls -q)" = keep ]
}
