#!/usr/bin/env bats
# The docker command line: options parsed like docker's (exact long names, an
# unknown flag is one line and exit 125, nothing made), docker's exit codes
# for run/exec/start (125 engine, 126 cannot execute, 127 not found, else the
# container's) and HOME as docker sets it.  Every option of every command is
# fed to the parser by the unit test tests/unit/engine/test_engine_getopt.c;
# this file checks what a user sees end to end.

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

container_count() {
    find "$STORE/containers" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l
}

# exits_with CODE WANT CMD...: CMD exits CODE and its stderr is one line matching WANT.
exits_with() {
    local code=$1 want=$2 errfile=$TEST_DIR/stderr st=0
    shift 2
    "$@" >/dev/null 2>"$errfile" || st=$?
    [ "$st" -eq "$code" ] || { echo "exit $st, want $code: $*; stderr: $(cat "$errfile")" >&2; return 1; }
    [ "$(wc -l <"$errfile")" -eq 1 ] || { echo "stderr is not one line:" >&2; cat "$errfile" >&2; return 1; }
    grep -q -- "$want" "$errfile" || { echo "want \"$want\" in: $(cat "$errfile")" >&2; return 1; }
}

@test "flags: abbreviations are unknown flags (exit 125, one line, a suggestion), nothing is created" {
    exits_with 125 "unknown flag: --pid; did you mean --pids-limit?" hull run --pid host busybox true
    exits_with 125 "unknown flag: --priv; did you mean --privileged?" hull run --priv busybox true
    exits_with 125 "unknown flag: --rea; did you mean --read-only?" hull run --rea busybox true
    exits_with 125 "unknown flag: --frobnicate" hull ps --frobnicate
    exits_with 125 "unknown shorthand flag: 'Z' in -Z" hull rm -Z x
    exits_with 125 "unknown flag: --run; did you mean --runroot?" "$HULL_ENGINE" --run "$RUNROOT" ps
    [ "$(container_count)" -eq 0 ]
}

@test "flags: --flag=value, combined short flags, --bool=false, flags after arguments, --" {
    run hull run --name=a -e=X=1 -eY=2 --rm=false busybox sh -c 'echo $X$Y'
    [ "$status" -eq 0 ]
    [ "$output" = 12 ]
    [ "$(container_count)" -eq 1 ] # --rm=false kept it
    id=$(hull run -dit --name b busybox sh)
    [ "$(hull inspect b | jq -r '.[0].Config.Tty')" = true ]
    hull stop -t 0 b >/dev/null
    # docker's interspersed flags: "rm NAME -f" is "rm -f NAME"
    run hull rm a -f
    [ "$status" -eq 0 ]
    # after --, "-f" is a name, not the flag
    exits_with 1 'no such container: -f' hull rm -- -f
    # options of `run` end at the image: the rest is the command's
    run hull run --rm busybox echo --priv -x
    [ "$status" -eq 0 ]
    [ "$output" = "--priv -x" ]
    hull rm -f "$id" >/dev/null
}

@test "exit codes: run gives 125 for engine errors, 127 not found, 126 cannot execute, else the container's; nothing left" {
    exits_with 125 "no such image: nosuchimage" hull run --pull never nosuchimage true
    exits_with 125 'invalid --memory "12x"' hull run --memory 12x busybox true
    exits_with 125 'invalid -v "nope"' hull run -v nope busybox true
    exits_with 127 'exec: "nonexist": executable file not found in \$PATH' hull run busybox nonexist
    exits_with 127 'executable file not found' hull run -d busybox nonexist
    exits_with 127 'executable file not found' hull run busybox /no/such/binary
    exits_with 126 'exec: "/etc/passwd": permission denied' hull run busybox /etc/passwd
    exits_with 126 'exec: "/etc": permission denied' hull run busybox /etc
    exits_with 126 'permission denied' hull run -d busybox /etc
    [ "$(container_count)" -eq 0 ]
    run hull run --name taken busybox sh -c 'exit 3'
    [ "$status" -eq 3 ]
    exits_with 125 'the container name "/taken" is already in use' hull run --name taken busybox true
    [ "$(container_count)" -eq 1 ]
    # start -a: the container's code again; start of a missing container: 1, as docker
    run hull start -a taken
    [ "$status" -eq 3 ]
    exits_with 1 'no such container: nosuch' hull start nosuch
}

@test "exit codes: exec gives 127 not found, 126 not executable or a directory (\"permission denied\"), else the command's" {
    hull run -d --name c busybox sleep 1000 >/dev/null
    exits_with 127 'exec: "nonexist": executable file not found in \$PATH' hull exec c nonexist
    exits_with 126 'exec: "/etc/passwd": permission denied' hull exec c /etc/passwd
    exits_with 126 'exec: "/etc": permission denied' hull exec c /etc
    run hull exec c sh -c 'exit 7'
    [ "$status" -eq 7 ]
    exits_with 1 'no such container: nosuch' hull exec nosuch true
    exits_with 125 'unknown flag: --bogus' hull exec --bogus c true
}

@test "exit codes: rm -f of a missing container is quiet and exits 0; rm of one exits 1" {
    hull run --name gone busybox true
    run hull rm -f nosuch
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    run hull rm -f nosuch gone
    [ "$status" -eq 0 ]
    [ "$output" = gone ]
    [ "$(container_count)" -eq 0 ]
    exits_with 1 'no such container: nosuch' hull rm nosuch
}

# An image whose /etc/passwd has "app" (uid 1500, home /home/app).
import_image_with_app_user() {
    local dir=$TEST_DIR/approot
    mkdir -p "$dir"
    tar -xf "$IMAGES/rootfs.tar" -C "$dir"
    echo 'app:x:1500:1500:app:/home/app:/bin/sh' >>"$dir/etc/passwd"
    tar -cf "$TEST_DIR/app.tar" -C "$dir" .
    hull import --change 'CMD ["sh"]' "$TEST_DIR/app.tar" appimg >/dev/null
}

@test "HOME: from the image's /etc/passwd for the user (name or uid), / for a uid it does not list, -e wins; run and exec" {
    import_image_with_app_user
    [ "$(hull run --rm appimg sh -c 'echo $HOME')" = /root ]
    [ "$(hull run --rm -u app appimg sh -c 'echo $HOME')" = /home/app ]
    [ "$(hull run --rm -u 1500 appimg sh -c 'echo $HOME')" = /home/app ]
    [ "$(hull run --rm -u 1234 appimg sh -c 'echo $HOME')" = / ]
    [ "$(hull run --rm -u 1234:1234 appimg sh -c 'echo $HOME')" = / ]
    [ "$(hull run --rm -e HOME=/x -u app appimg sh -c 'echo $HOME')" = /x ]
    # HOME is not written into the container's config: docker's inspect shows only the image's and -e's variables
    hull run --name kept -u app appimg true
    ! hull inspect kept | jq -r '.[0].Config.Env[]' | grep -q '^HOME='
    hull run -d --name c appimg sleep 1000 >/dev/null
    [ "$(hull exec c sh -c 'echo $HOME')" = /root ]
    [ "$(hull exec -u app c sh -c 'echo $HOME')" = /home/app ]
    [ "$(hull exec -u 1500 c sh -c 'echo $HOME')" = /home/app ]
    [ "$(hull exec -u 1234 c sh -c 'echo $HOME')" = / ]
    [ "$(hull exec -e HOME=/y c sh -c 'echo $HOME')" = /y ]
}

@test "--runroot also holds the compiled-seccomp cache (RUNROOT/@seccomp-cache, not always /run/hull)" {
    env -u HULL_SECCOMP_CACHE "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run --rm busybox true
    [ -n "$(ls -A "$RUNROOT/@seccomp-cache")" ]
    # HULL_SECCOMP_CACHE still moves it
    mkdir -m 700 "$TEST_DIR/cache"
    HULL_SECCOMP_CACHE=$TEST_DIR/cache hull run --rm busybox true
    [ -n "$(ls -A "$TEST_DIR/cache")" ]
}

@test "--format: Go templates for inspect, ps, volume ls/inspect; table headers; bad templates are one line, exit 125" {
    hull run -d --name web --label tier=front -v data:/data busybox sleep 1000 >/dev/null
    [ "$(hull inspect -f '{{.State.Status}}' web)" = running ]
    [ "$(hull inspect --format '{{.Name}} {{json .Config.Labels}} {{range .Mounts}}{{.Name}}:{{.Destination}}{{end}}' web)" = '/web {"tier":"front"} data:/data' ]
    [ "$(hull inspect -f '{{if .State.Running}}up{{else}}down{{end}} {{index .Config.Labels "tier"}} {{len .Mounts}}' web)" = "up front 1" ]
    [ "$(hull inspect -f '{{join .Config.Cmd ","}}' web)" = sleep,1000 ]
    [ "$(hull inspect -f '{{.Name}}' web web | wc -l)" -eq 2 ]
    [ "$(hull ps --format '{{.Names}} {{.State}} {{.Labels}} {{.Mounts}}')" = "web running tier=front data" ]
    run hull ps --format 'table {{.Names}}\t{{.Status}}'
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "NAMES"*"STATUS" ]]
    [[ "${lines[1]}" == "web"*"Up "* ]]
    [ "$(hull volume ls --format '{{.Name}}/{{.Driver}}')" = data/local ]
    [ "$(hull volume inspect -f '{{.Name}} {{.Scope}}' data)" = "data local" ]
    exits_with 125 'template "{{.State.Nope}}": no field "Nope"' hull inspect -f '{{.State.Nope}}' web
    exits_with 125 'unclosed action' hull inspect -f '{{.Name' web
    exits_with 125 'function "bogus" is not defined' hull ps --format '{{bogus .Names}}'
    exits_with 125 'no field "Nope"' hull ps --format 'table {{.Nope}}'
    hull rm -f web >/dev/null
}
