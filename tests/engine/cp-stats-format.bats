#!/usr/bin/env bats
# hull cp -L (a symlink SRC is followed, inside the container's root) and
# hull stats --format with Go templates and "table TEMPLATE".

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup_busybox
    HOST=$TEST_DIR/host
    mkdir -p "$HOST"
}

teardown() {
    diag_on_failure
    engine_teardown
}

hull_timed() {
    timeout --kill-after=10 60 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" "$@"
}

# ---- cp -L ----

@test "cp -L out: a symlink's target is copied under the link's name; without -L the link itself" {
    hull run --name k busybox sh -c 'mkdir -p /d/sub; echo target >/d/file; echo deep >/d/sub/x
        ln -s /d/file /abs; ln -s d/file /rel; ln -s /d /dirlink; ln -s /abs /chain; ln -s ../../../../etc/passwd /out'
    hull cp k:/abs "$HOST/plain"
    [ -L "$HOST/plain" ]
    hull cp -L k:/abs "$HOST/followed"
    [ ! -L "$HOST/followed" ]
    [ "$(cat "$HOST/followed")" = target ]
    hull cp --follow-link k:/rel "$HOST"
    [ ! -L "$HOST/rel" ]
    [ "$(cat "$HOST/rel")" = target ]
    hull cp -L k:/chain "$HOST/chained"
    [ "$(cat "$HOST/chained")" = target ]
    # a directory behind a link: copied whole, under the link's name
    hull cp -L k:/dirlink "$HOST"
    [ -d "$HOST/dirlink" ] && [ ! -L "$HOST/dirlink" ]
    [ "$(cat "$HOST/dirlink/sub/x")" = deep ]
    # a link out of the root resolves inside it: the container's /etc/passwd, never the host's
    hull cp -L k:/out "$HOST/pw"
    [ "$(head -1 "$HOST/pw")" = "root:x:0:0:root:/root:/bin/sh" ]
    cmp -s "$HOST/pw" "$STORE/containers/$(hull inspect k | jq -r '.[0].Id')/rootfs/etc/passwd"
}

@test "cp -L in: a host symlink's target goes into the container" {
    hull create --name k busybox true >/dev/null
    echo from-host >"$HOST/real"
    ln -s real "$HOST/link"
    hull cp -L "$HOST/link" k:/
    upper=$(echo "$STORE"/containers/*/upper)
    [ -f "$upper/link" ] && [ ! -L "$upper/link" ]
    [ "$(cat "$upper/link")" = from-host ]
    hull cp "$HOST/link" k:/kept
    [ -L "$upper/kept" ]
}

@test "cp -L: a dangling or looping link fails with one line, nothing copied" {
    hull run --name k busybox sh -c 'ln -s /nowhere /dangling; ln -s /loop2 /loop1; ln -s /loop1 /loop2'
    fails_with 'nowhere' hull cp -L k:/dangling "$HOST/x"
    fails_with 'symbolic links' hull cp -L k:/loop1 "$HOST/y"
    [ ! -e "$HOST/x" ] && [ ! -e "$HOST/y" ]
    # without -L the link itself copies fine
    hull cp k:/dangling "$HOST/x"
    [ -L "$HOST/x" ]
}

# ---- stats --format ----

@test "stats --format: Go templates, 'table TEMPLATE' with docker's titles, json" {
    hull run -d --name s1 -m 64m busybox sleep 1000 >/dev/null
    run hull_timed stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}'
    [ "$status" -eq 0 ]
    [[ $output =~ ^s1\ [0-9.]+[KMG]?i?B\ /\ 64MiB\ 1$ ]]
    run hull_timed stats --no-stream --format 'table {{.Name}}\t{{.CPUPerc}}\t{{.MemPerc}}'
    [ "$status" -eq 0 ]
    [[ ${lines[0]} =~ ^NAME\ +CPU\ %\ +MEM\ %$ ]]
    [[ ${lines[1]} =~ ^s1\ +[0-9.]+%\ +[0-9.]+%$ ]]
    [ "${#lines[@]}" -eq 2 ]
    run hull_timed stats --no-stream --format '{{json .}}' s1
    [ "$(jq -r .Name <<<"$output")" = s1 ]
    [ "$(jq -r .Container <<<"$output")" = s1 ]
    run hull_timed stats --no-stream --format json s1
    [ "$(jq -r .PIDs <<<"$output")" = 1 ]
}

@test "stats --format: a template that does not parse or names a missing field fails (125)" {
    hull run -d --name s1 busybox sleep 1000 >/dev/null
    run hull_timed stats --no-stream --format '{{.Name'
    [ "$status" -eq 125 ]
    [[ $output == *"invalid --format"* ]]
    run hull_timed stats --no-stream --format '{{.Nope}}'
    [ "$status" -eq 125 ]
    [[ $output == *'no field "Nope"'* ]]
}
