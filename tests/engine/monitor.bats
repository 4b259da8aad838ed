#!/usr/bin/env bats
# hull-monitor, the per-container monitor of `hull run -d`: it is the
# container init's parent (a subreaper), writes the output as CRI log records
# with timestamps and stream tags, keeps a terminal (-t) or an open stdin
# (-i), records the exit code and OOM kills, and `hull logs` reads it back
# (--tail, --timestamps, --since, --until, -f, stdout and stderr apart).

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

# wait_exited NAME: until the record says exited (the monitor's exit command ran)
wait_exited() {
    wait_until "[ \"\$(hull inspect '$1' | jq -r '.[0].State.Status')\" = exited ]" && return 0
    echo "container $1 did not exit" >&2
    return 1
}

# pids of hull-monitor processes working for this test's store
monitors_of_this_test() {
    local p
    for p in /proc/[0-9]*; do
        [ "$(cat "$p/comm" 2>/dev/null)" = hull-monitor ] || continue
        tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF "$STORE/" && echo "${p#/proc/}"
    done
    return 0
}

@test "monitor: the init's parent is hull-monitor, a subreaper that holds no terminal and no engine library" {
    hull run -d --name m busybox sleep 100
    pid=$(hull inspect m | jq -r '.[0].State.Pid')
    mon=$(awk '/^PPid:/{print $2}' "/proc/$pid/status")
    [ "$(cat "/proc/$mon/comm")" = hull-monitor ]
    [ "$(monitors_of_this_test)" = "$mon" ]
    # another session than ours (setsid), so no terminal's signals reach it
    [ "$(awk '{print $6}' "/proc/$mon/stat")" != "$(awk '{print $6}' /proc/$$/stat)" ]
    # none of the engine's libraries is mapped: what stays resident is the monitor alone
    ! grep -qE 'libjson-c|libarchive|libseccomp' "/proc/$mon/maps"
    hull stop -t 0 m >/dev/null
    # the monitor is gone once the container is
    wait_until '! { kill -0 "$mon" 2>/dev/null; }'
    ! kill -0 "$mon" 2>/dev/null
}

@test "logs: CRI records with timestamps and stream tags; stdout and stderr come back apart" {
    hull run -d --name l busybox sh -c 'echo out1; echo err1 >&2; echo out2'
    wait_exited l
    log=$(hull inspect l | jq -r '.[0].LogPath')
    [ -f "$log" ]
    [ "$(wc -l <"$log")" -eq 3 ]
    # every record: RFC 3339 UTC time with nanoseconds, stream, F (full line), text
    run grep -cvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z (stdout|stderr) [FP] ' "$log"
    [ "$output" = 0 ]
    grep -qE ' stderr F err1$' "$log"
    [ "$(hull logs l 2>/dev/null)" = "$(printf 'out1\nout2')" ]
    [ "$(hull logs l 2>&1 >/dev/null)" = err1 ]
}

@test "logs: --tail N, --tail 0, -n, --tail all, --timestamps; bad --tail" {
    hull run -d --name t busybox sh -c 'for i in 1 2 3 4 5; do echo line$i; done'
    wait_exited t
    [ "$(hull logs --tail 2 t)" = "$(printf 'line4\nline5')" ]
    [ "$(hull logs -n 1 t)" = line5 ]
    [ -z "$(hull logs --tail 0 t)" ]
    [ "$(hull logs --tail all t | wc -l)" -eq 5 ]
    [ "$(hull logs --tail 9 t | wc -l)" -eq 5 ]
    run hull logs --timestamps --tail 1 t
    [[ "$output" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z\ line5$ ]]
    fails_with 'invalid --tail "x"' hull logs --tail x t
    fails_with 'no such container: nope' hull logs nope
}

@test "logs: a line longer than the monitor's buffer is cut into P records and joined again" {
    hull run -d --name long busybox sh -c 'head -c 40000 /dev/zero | tr "\0" x; echo; echo after'
    wait_exited long
    log=$(hull inspect long | jq -r '.[0].LogPath')
    grep -q ' stdout P ' "$log"
    hull logs long >"$TEST_DIR/got"
    { head -c 40000 /dev/zero | tr '\0' x; echo; echo after; } >"$TEST_DIR/want"
    cmp "$TEST_DIR/got" "$TEST_DIR/want"
}

@test "logs -f: follows until the container exits, then returns" {
    hull run -d --name f busybox sh -c 'echo first; sleep 1; echo second'
    run timeout 20 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" logs -f f
    [ "$status" -eq 0 ]
    [ "$output" = "$(printf 'first\nsecond')" ]
}

@test "logs: a silent container has no log file and an empty log; -f waits for the first line" {
    hull run --name quiet busybox true
    id=$(hull inspect -f '{{.Id}}' quiet)
    [ ! -e "$STORE/containers/$id/ctr.log" ]
    run hull logs quiet
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    # the log is made by the first line: -f of a silent one so far follows it from there
    hull run -d --name late busybox sh -c 'sleep 1; echo late-line; sleep 0.3'
    run timeout 20 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" logs -f late
    [ "$status" -eq 0 ]
    [ "$output" = late-line ]
    # -f of one that stays silent returns when it exits
    hull run -d --name mute busybox sleep 0.5
    run timeout 20 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" logs -f mute
    [ "$status" -eq 0 ]
    [ -z "$output" ]
}

@test "logs: --since and --until, each form, with -t, --tail and both streams; bad times refused" {
    # three lines 0.2 s apart, the second on stderr; the cut points are the
    # times -t shows, not guesses
    hull run -d --name w busybox sh -c 'echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three'
    wait_exited w
    hull logs -t w >"$TEST_DIR/out" 2>"$TEST_DIR/err"
    t1=$(sed -n 1p "$TEST_DIR/out" | cut -d' ' -f1)
    t2=$(cut -d' ' -f1 "$TEST_DIR/err")
    t3=$(sed -n 2p "$TEST_DIR/out" | cut -d' ' -f1)
    [ "$(sed -n 2p "$TEST_DIR/out")" = "$t3 three" ]
    [ "$(cat "$TEST_DIR/err")" = "$t2 two" ]
    # --since T: the lines written at T or later, stdout and stderr alike
    [ "$(hull logs --since "$t2" w 2>/dev/null)" = three ]
    [ "$(hull logs --since "$t2" w 2>&1 >/dev/null)" = two ]
    [ "$(hull logs --since "$t3" -t w 2>/dev/null)" = "$t3 three" ]
    [ -z "$(hull logs --since "$t3" w 2>&1 >/dev/null)" ]
    # --until T: those written at T or earlier
    [ "$(hull logs --until "$t2" w 2>/dev/null)" = one ]
    [ "$(hull logs --until "$t2" w 2>&1 >/dev/null)" = two ]
    [ "$(hull logs --since "$t2" --until "$t2" w 2>&1)" = two ]
    # the same times as a Unix time with a fraction, and with an offset
    u2=$(date -d "$t2" +%s.%N)
    [ "$(hull logs --since "$u2" w 2>&1)" = "$(printf 'two\nthree')" ]
    o2=$(TZ=XXX-2 date -d "$t2" +%Y-%m-%dT%H:%M:%S.%N%:z)
    [[ "$o2" == *+02:00 ]]
    [ "$(hull logs --until "$o2" w 2>/dev/null)" = one ]
    # durations before now: all of it since an hour ago, nothing until an hour ago
    [ "$(hull logs --since 1h w 2>&1 | wc -l)" -eq 3 ]
    [ "$(hull logs --since 42m --until 0 w 2>&1 | wc -l)" -eq 3 ]
    [ -z "$(hull logs --until 1h w 2>&1)" ]
    [ "$(hull logs --since 2000-01-01 w 2>&1 | wc -l)" -eq 3 ]
    # as docker: --tail picks the last lines first, then the window applies
    [ "$(hull logs --tail 1 --since "$t1" w 2>&1)" = three ]
    [ -z "$(hull logs --tail 2 --until "$t1" w 2>&1)" ]
    fails_with 'invalid --since "abc"' hull logs --since abc w
    fails_with 'invalid --until "yesterday"' hull logs --until yesterday w
    fails_with 'invalid --since "-5m"' hull logs --since=-5m w
}

@test "logs -f --until: following stops at that time, while the container runs on" {
    hull run -d --name tick busybox sh -c 'while :; do echo tick; sleep 0.1; done'
    wait_until '[ -n "$(hull logs --tail 1 tick)" ]'
    # a time already past (the first line's): what was written until then, at once
    first=$(hull logs -t tick | head -n 1 | cut -d' ' -f1)
    run timeout 20 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" logs -f --until "$first" tick
    [ "$status" -eq 0 ]
    [ "$output" = tick ]
    # a time to come: followed until then, no line written after it
    until=$(($(date +%s) + 2))
    run timeout 20 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" logs -f -t --until "$until" tick
    [ "$status" -eq 0 ]
    last=$(tail -n 1 <<<"$output" | cut -d' ' -f1)
    [ "$(date -d "$last" +%s)" -le "$until" ]
    [ "$(hull inspect tick | jq -r '.[0].State.Running')" = true ]
    hull stop -t 0 tick >/dev/null
}

@test "run -dt: the process has a terminal, its output is logged; -t without -i keeps sh running" {
    hull run -dt --name tty busybox sh -c 'tty; stty size'
    wait_exited tty
    run hull logs tty
    [[ "$output" == */dev/pts/0* ]]
    # an interactive shell on a terminal nobody types into waits, like docker run -dt
    hull run -dt --name sh busybox sh
    sleep 0.5 # an observation window: sh must not exit in it (nothing to poll for)
    [ "$(hull inspect sh | jq -r '.[0].State.Status')" = running ]
    hull rm -f sh >/dev/null
}

@test "run -di keeps stdin open (sh waits); without -i stdin is empty (sh exits 0)" {
    hull run -di --name open busybox sh
    hull run -d --name closed busybox sh
    wait_exited closed
    [ "$(hull inspect closed | jq -r '.[0].State.ExitCode')" = 0 ]
    [ "$(hull inspect open | jq -r '.[0].State.Status')" = running ]
    hull rm -f open >/dev/null
}

@test "run -d: the exit code and an OOM kill reach State" {
    hull run -d --name code busybox sh -c 'exit 7'
    wait_exited code
    [ "$(hull inspect code | jq -r '.[0].State.ExitCode')" = 7 ]
    [ "$(hull inspect code | jq -r '.[0].State.OOMKilled')" = false ]
    hull run -d --name oom -m 8m busybox sh -c 'a=$(head -c 50000000 /dev/zero | tr "\0" a); echo survived'
    wait_exited oom
    [ "$(hull inspect oom | jq -r '.[0].State.ExitCode')" = 137 ]
    [ "$(hull inspect oom | jq -r '.[0].State.OOMKilled')" = true ]
    ! hull logs oom | grep -q survived
}

@test "run -d: a program that does not exist fails hull run -d itself and leaves nothing" {
    fails_with 'executable file not found' hull run -d --name bad busybox /nonexistent
    [ -z "$(ls -A "$STORE/containers" | grep -v '^\.lock$')" ]
    [ -z "$(ls -A "$RTROOT" 2>/dev/null)" ]
    # no monitor was left waiting either
    wait_until '[ -z "$(monitors_of_this_test)" ]'
}

@test "run -d: a missing hull-monitor is a clear error and leaves nothing" {
    HULL_MONITOR=/nonexistent/hull-monitor run hull run -d --name nomon busybox true
    [ "$status" -ne 0 ]
    [[ "$output" == *"HULL_MONITOR=/nonexistent/hull-monitor"* ]]
    [ -z "$(ls -A "$STORE/containers" | grep -v '^\.lock$')" ]
}
