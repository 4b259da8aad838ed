#!/usr/bin/env bats
# Healthchecks (src/libhull-engine/engine/health.h): --health-cmd/-interval/-timeout/
# -retries/-start-period, --no-healthcheck and the image's HEALTHCHECK; the
# monitor runs the check through the exec path every interval; State.Health
# in inspect as docker writes it (Status, FailingStreak, the last 5 results
# in Log); `hull ps` shows (healthy)/(unhealthy)/(health: starting);
# `hull healthcheck run` runs one now (exit 0/1 like podman).  Every wait
# polls with a deadline.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup_busybox
}

teardown() {
    diag_on_failure
    # a monitor a test stopped (SIGSTOP) goes on, so that it records its exit
    if [ -n "${STOPPED_MONITOR:-}" ]; then kill -CONT "$STOPPED_MONITOR" 2>/dev/null || true; fi
    engine_teardown
}

# health NAME JQ: a member of State.Health
health() {
    hull inspect "$1" | jq -r ".[0].State.Health$2"
}

@test "health: bad --health-* values are refused with one line naming the value, exit 125, nothing made" {
    fails_with 'invalid --health-interval "10"' hull run -d --health-cmd true --health-interval 10 busybox sleep 1
    fails_with 'invalid --health-timeout "-1s": cannot be negative' hull run -d --health-cmd true --health-timeout -1s busybox sleep 1
    fails_with 'invalid --health-retries "-1"' hull run -d --health-cmd true --health-retries -1 busybox sleep 1
    fails_with 'invalid --health-start-period "1x"' hull run -d --health-start-period 1x busybox sleep 1
    fails_with 'invalid --health-start-interval "5us": cannot be less than 1ms' hull run -d --health-cmd true --health-start-interval 5us busybox sleep 1
    fails_with '--no-healthcheck conflicts with the --health-\* options' hull run -d --no-healthcheck --health-cmd true busybox sleep 1
    run -125 hull run -d --health-interval 10 busybox sleep 1
    [ -z "$(hull ps -aq)" ]
    [ -z "$(ls -A "$STORE/containers" 2>/dev/null | grep -v '^\.lock$')" ]
    [ -z "$(ls -A "$RTROOT" 2>/dev/null)" ]
}

@test "health: hull healthcheck run: starting, failures in a row make it unhealthy, one success healthy; Log keeps 5" {
    hull run -d --name c --health-cmd 'echo checking; test -e /ok' --health-interval 1h --health-retries 2 \
        busybox sleep 1000 >/dev/null
    # no check is due for an hour: the state is the start's
    [ "$(health c .Status)" = starting ]
    [ "$(health c .FailingStreak)" = 0 ]
    [ "$(health c '.Log | length')" = 0 ]
    run -0 hull ps --format '{{.Names}} {{.Status}}'
    [[ "$output" == "c Up "*" (health: starting)" ]]
    [ "$(hull inspect c | jq -c '.[0].Config.Healthcheck')" = \
        '{"Interval":3600000000000,"Retries":2,"Test":["CMD-SHELL","echo checking; test -e /ok"]}' ]
    run -1 hull healthcheck run c
    [ "$output" = unhealthy ]
    [ "$(health c .Status)" = starting ]
    [ "$(health c .FailingStreak)" = 1 ]
    run -1 hull healthcheck run c
    [ "$(health c .Status)" = unhealthy ]
    [ "$(health c .FailingStreak)" = 2 ]
    run -0 hull ps --format '{{.Status}}'
    [[ "$output" == "Up "*" (unhealthy)" ]]
    hull exec c touch /ok
    run -0 hull healthcheck run c
    [ -z "$output" ]
    [ "$(health c .Status)" = healthy ]
    [ "$(health c .FailingStreak)" = 0 ]
    [ "$(health c '.Log | length')" = 3 ]
    [ "$(health c '.Log[2].ExitCode')" = 0 ]
    [ "$(health c '.Log[2].Output')" = checking ]
    [ "$(health c '.Log[0].ExitCode')" = 1 ]
    run -0 hull ps --format '{{.Status}}'
    [[ "$output" == "Up "*" (healthy)" ]]
    for i in 1 2 3; do hull healthcheck run c; done
    [ "$(health c '.Log | length')" = 5 ]
    # six results: the first is dropped
    [ "$(health c '.Log | map(.ExitCode | tostring) | join(",")')" = 1,0,0,0,0 ]
}

@test "health: the monitor runs the check every interval, through the container's exec path" {
    hull run -d --name m --health-cmd 'test -e /ok' --health-interval 100ms --health-retries 1 \
        busybox sleep 1000 >/dev/null
    wait_until '[ "$(health m .Status)" = unhealthy ]'
    hull exec m touch /ok
    wait_until '[ "$(health m .Status)" = healthy ]'
    wait_until '[[ "$(hull ps --format "{{.Status}}")" == "Up "*" (healthy)" ]]'
    # the check runs in the container: its file system and its environment
    hull rm -f m >/dev/null
    hull run -d --name e -e MARK=inside --health-cmd '[ "$MARK" = inside ] && [ -e /ok2 ]' \
        --health-interval 100ms --health-retries 1 busybox sh -c 'touch /ok2; exec sleep 1000' >/dev/null
    wait_until '[ "$(health e .Status)" = healthy ]'
}

@test "health: --health-start-interval: in the start period checks run at it until one passes, then every interval" {
    # the third check passes; the interval (1h) alone would not have run the first yet
    hull run -d --name s --health-cmd 'n=$(cat /n 2>/dev/null || echo 0); echo $((n+1)) >/n; [ $n -ge 2 ]' \
        --health-interval 1h --health-start-period 1h --health-start-interval 100ms busybox sleep 1000 >/dev/null
    wait_until '[ "$(health s .Status)" = healthy ]'
    [ "$(health s '.Log | length')" -eq 3 ]
    [ "$(hull inspect s | jq '.[0].Config.Healthcheck.StartInterval')" = 100000000 ]
}

@test "health: a check running past --health-timeout is killed and fails" {
    hull run -d --name t --health-cmd 'sleep 100' --health-timeout 200ms --health-interval 1h --health-retries 1 \
        busybox sleep 1000 >/dev/null
    run -1 timeout --kill-after=10 30 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" healthcheck run t
    [ "$(health t .Status)" = unhealthy ]
    [ "$(health t '.Log[0].ExitCode')" = -1 ]
    [[ "$(health t '.Log[0].Output')" == *"exceeded timeout"* ]]
}

@test "health: the image's HEALTHCHECK is used, the flags override it member by member, --no-healthcheck disables it" {
    hull import --change 'CMD ["sh"]' --change 'HEALTHCHECK --interval=1h --retries=1 CMD test -e /ok' \
        "$IMAGES/rootfs.tar" hc >/dev/null
    hull run -d --name i hc sleep 1000 >/dev/null
    [ "$(hull inspect i | jq -c '.[0].Config.Healthcheck')" = \
        '{"Interval":3600000000000,"Retries":1,"Test":["CMD-SHELL","test -e /ok"]}' ]
    [ "$(health i .Status)" = starting ]
    run -1 hull healthcheck run i
    [ "$(health i .Status)" = unhealthy ]
    hull run -d --name o --health-retries 4 hc sleep 1000 >/dev/null
    [ "$(hull inspect o | jq -c '.[0].Config.Healthcheck | [.Retries, .Interval, .Test[0]]')" = \
        '[4,3600000000000,"CMD-SHELL"]' ]
    hull run -d --name n --no-healthcheck hc sleep 1000 >/dev/null
    [ "$(hull inspect n | jq -c '.[0].Config.Healthcheck.Test')" = '["NONE"]' ]
    [ "$(hull inspect n | jq -r '.[0].State.Health')" = null ]
    run -125 hull healthcheck run n
    [[ "$output" == *"has no healthcheck"* ]]
    # a bad HEALTHCHECK change is refused (hull import's errors exit 1, as docker's)
    run -1 hull import --change 'HEALTHCHECK --interval=10 CMD true' "$IMAGES/rootfs.tar" bad
    [[ "$output" == *HEALTHCHECK* ]]
}

@test "health: healthcheck run refuses a stopped or missing container; a start is starting again, the log kept" {
    hull run -d --name s --health-cmd true --health-interval 1h busybox sleep 1000 >/dev/null
    hull healthcheck run s
    [ "$(health s .Status)" = healthy ]
    hull stop -t 0 s >/dev/null
    run -125 hull healthcheck run s
    [[ "$output" == *"is not running"* ]]
    run -125 hull healthcheck run nope
    [[ "$output" == *"no such container: nope"* ]]
    hull start s >/dev/null
    [ "$(health s .Status)" = starting ]
    [ "$(health s '.Log | length')" = 1 ]
}

@test "health: a foreground hull run's container is checked (by its monitor); none is left when the container ends" {
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run --name fg --health-cmd 'test -e /ok' \
        --health-interval 100ms --health-retries 1 busybox sh -c 'while [ ! -e /stop ]; do sleep 0.1; done; exit 3' \
        </dev/null >/dev/null &
    bg=$!
    wait_until '[ "$(health fg .Status 2>/dev/null)" = unhealthy ]'
    hull exec fg touch /ok
    wait_until '[ "$(health fg .Status)" = healthy ]'
    hull exec fg touch /stop
    wait "$bg" || st=$?
    [ "${st:-0}" -eq 3 ]
    [ "$(hull inspect fg | jq -r '.[0].State.ExitCode')" = 3 ]
    # no `hull healthcheck run` of this store outlives it
    ! grep -lsF -- "$STORE" /proc/[0-9]*/cmdline | xargs -r grep -lsa 'healthcheck' | grep -q .
}

@test "health: a check that the container's exit kills does not count: the status before the exit stays (docker)" {
    # docker stops the health monitor first thing at a container's exit and
    # drops the result of a probe still running; here the check's result is
    # dropped once the container's init exits (or is exiting), whatever the
    # record says
    hull run -d --name x --health-cmd '[ ! -e /slow ] || { touch /inflight; sleep 60; }' --health-interval 1h \
        --health-retries 1 busybox sh -c 'while [ ! -e /go ]; do sleep 0.1; done' >/dev/null
    hull healthcheck run x
    [ "$(health x .Status)" = healthy ]
    hull exec x touch /slow
    # the monitor is held so that the record still says running when the
    # killed check ends: the window in which the exit used to make it unhealthy
    # (HullMonitorPid is hull's own: in record.json, not in inspect)
    STOPPED_MONITOR=$(jq -r .HullMonitorPid "$STORE/containers/$(hull inspect x | jq -r '.[0].Id')/record.json")
    [ "$STOPPED_MONITOR" -gt 0 ]
    kill -STOP "$STOPPED_MONITOR"
    timeout --kill-after=10 60 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" healthcheck run x \
        >"$TEST_DIR/check.out" 2>&1 &
    check=$!
    wait_until 20 hull exec x test -e /inflight
    hull exec x touch /go
    # the container's exit kills the check (its pid namespace goes)
    st=0
    wait "$check" || st=$?
    echo "healthcheck run: exit $st: $(cat "$TEST_DIR/check.out")"
    [ "$(health x .Status)" = healthy ]
    [ "$(health x .FailingStreak)" = 0 ]
    [ "$(health x '.Log | length')" = 1 ]
    [ "$st" -eq 125 ]
    grep -q 'stopped while it was checked' "$TEST_DIR/check.out"
    kill -CONT "$STOPPED_MONITOR"
    STOPPED_MONITOR=
    wait_until 20 '[ "$(hull inspect x | jq -r ".[0].State.Status")" = exited ]'
    [ "$(health x .Status)" = healthy ]
    [ "$(health x '.Log | length')" = 1 ]
}
