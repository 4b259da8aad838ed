#!/usr/bin/env bats
# --log-opt max-size=S --log-opt max-file=N (src/libhull-engine/engine/log_config.h):
# hull-monitor rotates ctr.log as docker's json-file driver does, `hull logs`
# reads the rotated files in order and -f follows across rotations.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup_busybox
}

teardown() {
    diag_on_failure
    [ -n "${LOGS_PID:-}" ] && kill "$LOGS_PID" 2>/dev/null
    engine_teardown
}

# contiguous FILE LAST: FILE is lineK, lineK+1 ... lineLAST, one per line
contiguous() {
    awk -v last="$2" '
        { n = substr($0, 5) + 0; if (NR > 1 && n != prev + 1) { print "gap after line" prev ": " $0; bad = 1 } prev = n }
        END { if (prev != last) { print "ends with line" prev; bad = 1 } exit bad }' "$1"
}

@test "log rotation: max-size and max-file keep N files of at most S bytes; hull logs reads them in order" {
    hull run -d --name r --log-opt max-size=1k --log-opt max-file=3 busybox \
        sh -c 'i=0; while [ $i -lt 200 ]; do echo line$i; i=$((i+1)); done' >/dev/null
    wait_until '[ "$(hull inspect r | jq -r ".[0].State.Status")" = exited ]'
    log=$(hull inspect r | jq -r '.[0].LogPath')
    [ "$(stat -c %s "$log")" -le 1000 ]
    [ "$(stat -c %s "$log.1")" -le 1000 ]
    [ "$(stat -c %s "$log.2")" -le 1000 ]
    [ ! -e "$log.3" ]
    hull logs r >"$TEST_DIR/out"
    contiguous "$TEST_DIR/out" 199
    # three files of ~22 records each: far fewer than 200 lines are left
    [ "$(wc -l <"$TEST_DIR/out")" -lt 100 ]
    [ "$(hull logs --tail 2 r)" = "$(printf 'line198\nline199')" ]
    [ "$(hull inspect r | jq -c '.[0].HostConfig.LogConfig')" = \
        '{"Type":"k8s-file","Config":{"max-size":"1k","max-file":"3"}}' ]
}

@test "log rotation: max-size alone (max-file 1) truncates the one file" {
    hull run -d --name t --log-opt max-size=1k busybox \
        sh -c 'i=0; while [ $i -lt 200 ]; do echo line$i; i=$((i+1)); done' >/dev/null
    wait_until '[ "$(hull inspect t | jq -r ".[0].State.Status")" = exited ]'
    log=$(hull inspect t | jq -r '.[0].LogPath')
    [ "$(stat -c %s "$log")" -le 1000 ]
    [ ! -e "$log.1" ]
    hull logs t >"$TEST_DIR/out"
    contiguous "$TEST_DIR/out" 199
}

@test "log rotation: hull logs -f follows the output across rotations without a gap" {
    # 10 batches of 30 lines (~1.4 KB: one or two rotations each); the next
    # batch starts once logs -f has printed the last one, so every line must
    # reach it, though the files keep only the last ~66
    hull run -d --name f --log-opt max-size=1k --log-opt max-file=3 busybox sh -c '
        b=0; while [ $b -lt 10 ]; do
            [ $b -eq 0 ] || while [ ! -e /go$b ]; do sleep 0.05; done
            i=0; while [ $i -lt 30 ]; do echo line$((b * 30 + i)); i=$((i + 1)); done
            b=$((b + 1))
        done' >/dev/null
    merged=$(hull inspect f | jq -r '.[0].GraphDriver.Data.MergedDir')
    timeout --kill-after=10 60 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" logs -f f >"$TEST_DIR/out" &
    LOGS_PID=$!
    for b in 1 2 3 4 5 6 7 8 9; do
        wait_until '[ "$(tail -n 1 "$TEST_DIR/out")" = "line$((b * 30 - 1))" ]'
        touch "$merged/go$b"
    done
    wait "$LOGS_PID"
    LOGS_PID=
    contiguous "$TEST_DIR/out" 299
    [ "$(head -n 1 "$TEST_DIR/out")" = line0 ]
    [ "$(wc -l <"$TEST_DIR/out")" -eq 300 ]
    # while only the last lines are left on disk
    [ "$(hull logs f | wc -l)" -lt 100 ]
}

@test "log rotation: bad --log-opt values are refused with one line naming them, exit 125, nothing made" {
    fails_with 'invalid --log-opt "max-size=10x"' hull run -d --log-opt max-size=10x busybox true
    fails_with 'invalid --log-opt "max-file=0"' hull run -d --log-opt max-size=1m --log-opt max-file=0 busybox true
    fails_with 'invalid --log-opt "compress=true": unknown option' hull run -d --log-opt compress=true busybox true
    fails_with 'max-file needs max-size' hull run -d --log-opt max-file=2 busybox true
    run -125 hull run -d --log-opt nope busybox true
    [ -z "$(hull ps -aq)" ]
    [ -z "$(ls -A "$STORE/containers" 2>/dev/null | grep -v '^\.lock$')" ]
}
