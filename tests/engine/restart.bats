#!/usr/bin/env bats
# --restart no|always|on-failure[:N]|unless-stopped, done by the container's
# monitor without a daemon (src/libhull-engine/engine/restart.h): docker's semantics for
# which exits restart, RestartCount and State "restarting" in inspect, the
# doubling backoff, `hull stop` / `hull kill` / `hull rm -f` being final, and
# `hull start` starting the count again.  Every wait polls with a deadline.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup_busybox
}

teardown() {
    diag_on_failure
    # a monitor a failed test left stopped (SIGSTOP) goes on, to be ended below
    [ -n "${STOPPED_MONITOR:-}" ] && kill -CONT "$STOPPED_MONITOR" 2>/dev/null
    engine_teardown
    # a monitor sleeping a backoff delay holds nothing, but must not outlive the test
    local p
    for p in $(monitors_of_this_test); do kill -9 "$p" 2>/dev/null; done
    return 0
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

# state NAME JQ: a member of the container's inspect output
state() {
    hull inspect "$1" | jq -r ".[0]$2"
}

# settled NAME: exited for good: the record says exited and no monitor is
# left that could start it again.
settled() {
    [ "$(state "$1" .State.Status)" = exited ] && [ -z "$(monitors_of_this_test)" ]
}

@test "restart: bad --restart values are refused with one line naming the value, exit 125, nothing made" {
    for bad in sometimes on-failure:-1 on-failure:x always:2 Always ""; do
        run -125 hull run -d --restart "$bad" busybox true
        [ "${#lines[@]}" -eq 1 ]
        [[ "$output" == *"invalid --restart \"$bad\""* ]]
    done
    run -125 hull run -d --restart always --rm busybox true
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *'--restart "always" and --rm'* ]]
    fails_with 'invalid --restart "on-failure:-1": the maximum retry count cannot be negative' \
        hull run --restart on-failure:-1 busybox true
    # nothing was made: no record, no container directory, no runtime state, no monitor
    [ -z "$(hull ps -aq)" ]
    [ -z "$(ls -A "$STORE/containers" 2>/dev/null | grep -v '^\.lock$')" ]
    [ -z "$(ls -A "$RTROOT" 2>/dev/null)" ]
    [ -z "$(monitors_of_this_test)" ]
    # --restart no goes with --rm, as in docker
    run -0 hull run --rm --restart no busybox true
}

@test "restart: inspect shows docker's RestartPolicy, RestartCount and State.Restarting" {
    hull run -d --name n busybox sleep 1000 >/dev/null
    [ "$(state n .HostConfig.RestartPolicy.Name)" = no ]
    [ "$(state n .HostConfig.RestartPolicy.MaximumRetryCount)" = 0 ]
    [ "$(state n .RestartCount)" = 0 ]
    [ "$(state n .State.Restarting)" = false ]
    hull rm -f n >/dev/null
    hull run -d --name f --restart on-failure:7 busybox sleep 1000 >/dev/null
    [ "$(state f '.HostConfig.RestartPolicy | "\(.Name):\(.MaximumRetryCount)"')" = on-failure:7 ]
}

@test "restart: always restarts after exit 0 and after a crash; the log keeps every run; hull stop is final" {
    hull run -d --name a --restart always busybox sh -c 'echo run; exec sleep 1000' >/dev/null
    wait_until '[ "$(state a .State.Running)" = true ] && [ "$(state a .State.Pid)" -gt 0 ]'
    pid1=$(state a .State.Pid)
    # a crash (killed from outside hull): restarted, with a new init
    kill -9 "$pid1"
    wait_until '[ "$(state a .RestartCount)" = 1 ] && [ "$(state a .State.Status)" = running ] &&
                [ "$(state a .State.Pid)" -gt 0 ] && [ "$(state a .State.Pid)" != "$pid1" ]'
    wait_until '[ "$(hull logs a | grep -c run)" -eq 2 ]'
    # hull stop: exited for good (its monitor is gone, nobody can start it again)
    hull stop -t 1 a >/dev/null
    wait_until settled a
    [ "$(state a .State.Status)" = exited ]
    [ "$(state a .RestartCount)" = 1 ]
    # hull start: a new count
    hull start a >/dev/null
    wait_until '[ "$(state a .State.Status)" = running ]'
    [ "$(state a .RestartCount)" = 0 ]
    # hull kill (SIGKILL) is final too, as docker's kill
    hull kill a >/dev/null
    wait_until settled a
    [ "$(state a .RestartCount)" = 0 ]
    [ "$(state a .State.ExitCode)" = 137 ]
}

@test "restart: always restarts a container that exits 0, with a doubling delay" {
    hull run -d --name z --restart always busybox sh -c 'echo run; exit 0' >/dev/null
    # 100 + 200 + 400 ms of backoff before the fourth run; RestartCount
    # becomes 4 when the fourth run has exited
    wait_until '[ "$(state z .RestartCount)" -ge 4 ]'
    hull stop z >/dev/null
    wait_until settled z
    [ "$(state z .State.ExitCode)" = 0 ]
    # each run's line has the monitor's timestamp: the gaps grow (the delay doubles)
    mapfile -t t < <(hull logs --timestamps z | awk '{ split(substr($1, 12), c, ":"); printf "%.3f\n", c[1] * 3600 + c[2] * 60 + c[3] }')
    [ "${#t[@]}" -ge 4 ]
    awk -v a="${t[0]}" -v b="${t[1]}" -v c="${t[2]}" -v d="${t[3]}" \
        'BEGIN { exit !(b - a >= 0.1 && c - b >= 0.2 && d - c >= 0.4) }'
}

@test "restart: on-failure:2 restarts a failing container twice, then it stays exited; exit 0 is not restarted" {
    hull run -d --name f --restart on-failure:2 busybox sh -c 'echo try; exit 3' >/dev/null
    wait_until settled f
    [ "$(state f .RestartCount)" = 2 ]
    [ "$(state f .State.ExitCode)" = 3 ]
    [ "$(hull logs f | grep -c try)" -eq 3 ]
    run -0 hull ps -a --format '{{.Names}} {{.Status}}'
    [[ "$output" == "f Exited (3) "* ]]
    hull run -d --name ok --restart on-failure busybox sh -c 'echo once' >/dev/null
    wait_until settled ok
    [ "$(state ok .RestartCount)" = 0 ]
    [ "$(hull logs ok)" = once ]
}

@test "restart: a container waiting out its backoff is Restarting in ps; rm and prune leave it, stop ends the wait" {
    # a container that exits at once: after 6 restarts the delay is 6.4 s,
    # the window for what follows
    hull run -d --name w --restart unless-stopped busybox sh -c 'exit 5' >/dev/null
    wait_until '[ "$(state w .RestartCount)" -ge 6 ] && [ "$(state w .State.Status)" = restarting ]'
    # container prune leaves it alone (docker: it counts as running)
    run -0 hull container prune -f
    [ "$(state w .Name)" = /w ]
    [ "$(state w .State.Running)" = true ]
    [ "$(state w .State.Restarting)" = true ]
    [ "$(state w .State.Pid)" = 0 ]
    # docker's ps lists it without -a
    wait_until '[[ "$(hull ps --format "{{.Names}} {{.Status}}")" == "w Restarting (5) "* ]]'
    # rm without -f refuses it; hull start leaves it alone (it counts as running)
    fails_with 'is restarting: stop it first or use rm -f' hull rm w
    hull start w >/dev/null
    # stop: exited at once, the sleeping monitor is gone
    hull stop w >/dev/null
    [ "$(state w .State.Status)" = exited ]
    [ "$(state w .State.Restarting)" = false ]
    wait_until '[ -z "$(monitors_of_this_test)" ]'
    [ "$(state w .State.Status)" = exited ]
    [ -z "$(ls -A "$RTROOT" 2>/dev/null)" ]
}

@test "restart: rm -f of a restarting container removes it and its monitor; a killed monitor leaves it exited" {
    hull run -d --name r --restart always busybox false >/dev/null
    wait_until '[ "$(state r .RestartCount)" -ge 5 ] && [ "$(state r .State.Status)" = restarting ]'
    hull rm -f r >/dev/null
    wait_until '[ -z "$(monitors_of_this_test)" ]'
    [ -z "$(hull ps -aq)" ]
    [ -z "$(ls -A "$RTROOT" 2>/dev/null)" ]
    # the monitor that would restart it is killed: the record does not claim "restarting" forever
    hull run -d --name k --restart always busybox false >/dev/null
    wait_until '[ "$(state k .RestartCount)" -ge 5 ] && [ "$(state k .State.Status)" = restarting ]'
    mon=$(jq -r .HullRestart.MonitorPid "$STORE/containers/$(state k .Id)/record.json")
    # the same process: `hull _monitor-exit` until it has become hull-monitor again
    wait_until '[ "$(cat "/proc/$mon/comm")" = hull-monitor ]'
    kill -9 "$mon"
    wait_until '[ "$(state k .State.Status)" = exited ]'
    [ "$(state k .State.Restarting)" = false ]
    hull rm k >/dev/null
}

@test "restart: hull start after hull stop begins a new count (RestartCount 0, policy kept)" {
    hull run -d --name s --restart on-failure busybox sh -c '[ -e /stay ] && exec sleep 1000; exit 9' >/dev/null
    wait_until '[ "$(state s .RestartCount)" -ge 2 ]'
    hull stop s >/dev/null
    wait_until settled s
    # from now on it runs for good: the rootfs is the same at each start
    touch "$(state s .GraphDriver.Data.MergedDir)/stay"
    hull start s >/dev/null
    wait_until '[ "$(state s .State.Status)" = running ]'
    [ "$(state s .RestartCount)" = 0 ]
    [ "$(state s .HostConfig.RestartPolicy.Name)" = on-failure ]
    # and the policy still works after the new start
    kill -9 "$(state s .State.Pid)"
    wait_until '[ "$(state s .RestartCount)" = 1 ] && [ "$(state s .State.Status)" = running ]'
}

@test "restart: in the foreground, hull run returns the first exit code and a monitor restarts the container" {
    run -4 timeout --kill-after=10 60 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" \
        run --name fg --restart on-failure:1 busybox sh -c 'exit 4'
    wait_until settled fg
    [ "$(state fg .RestartCount)" = 1 ]
    [ "$(state fg .State.ExitCode)" = 4 ]
}

@test "restart: hull start --all-restartable, the boot hook, starts what docker's daemon would start" {
    for c in a u; do
        hull run -d --name $c --restart "$([ $c = a ] && echo always || echo unless-stopped)" busybox sleep 1000 >/dev/null
        hull stop -t 0 $c >/dev/null
    done
    # c and n lose their monitor and their process at once, as in a power cut
    hull run -d --name c --restart unless-stopped busybox sleep 1000 >/dev/null
    hull run -d --name n busybox sleep 1000 >/dev/null
    for c in c n; do
        pid=$(state $c .State.Pid)
        mon=$(awk '/^PPid:/{print $2}' "/proc/$pid/status")
        [ "$(cat "/proc/$mon/comm")" = hull-monitor ]
        kill -9 "$mon"
        kill -9 "$pid"
        wait_until "[ \"\$(state $c .State.Status)\" = exited ]"
    done
    [ "$(jq -r .State.Status "$STORE/containers/$(state c .Id)/record.json")" = running ]
    run -0 hull start --all-restartable
    # always: even after hull stop (docker's); unless-stopped: not after it; no: never
    [ "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' ' ')" = "a c " ]
    wait_until '[ "$(state a .State.Status)" = running ] && [ "$(state c .State.Status)" = running ]'
    [ "$(state u .State.Status)" = exited ]
    [ "$(state n .State.Status)" = exited ]
    # run again: nothing left to start
    run -0 hull start --all-restartable
    [ -z "$output" ]
    run -125 hull start --all-restartable a
}

@test "restart: hull create stores the policy (and the healthcheck); hull start runs it with them" {
    hull create --name c --restart on-failure:1 --health-cmd true --health-interval 1h busybox sh -c 'exit 2' >/dev/null
    [ "$(state c '.HostConfig.RestartPolicy | "\(.Name):\(.MaximumRetryCount)"')" = on-failure:1 ]
    [ "$(state c .Config.Healthcheck.Test[0])" = CMD-SHELL ]
    hull start c >/dev/null
    wait_until settled c
    [ "$(state c .RestartCount)" = 1 ]
    [ "$(state c .State.ExitCode)" = 2 ]
}

@test "restart: prune and rm trust the record while the monitor has yet to record the exit; the policy then restarts it" {
    hull run -d --name r --restart always busybox sleep 1000 >/dev/null
    pid=$(hull inspect r | jq -r '.[0].State.Pid')
    mon=$(awk '/^PPid:/{print $2}' "/proc/$pid/status")
    [ "$(cat "/proc/$mon/comm")" = hull-monitor ]
    # the record names it (record.json: HullMonitorPid is hull's own, not in inspect)
    id=$(hull inspect r | jq -r '.[0].Id')
    [ "$(jq -r .HullMonitorPid "$STORE/containers/$id/record.json")" = "$mon" ]
    [ "$(hull inspect r | jq -r '.[0] | keys | map(select(startswith("Hull"))) | length')" = 0 ]
    # the monitor (this test's) is held still: the init dies, nobody records it yet
    STOPPED_MONITOR=$mon
    kill -STOP "$mon"
    kill -9 "$pid"
    wait_until "grep -q '^State:.*Z' /proc/$pid/status"
    run -0 hull container prune -f
    [[ $output != *Deleted* ]]
    fails_with "is running: stop it first" hull rm r
    [ "$(hull inspect r | jq -r '.[0].State.Status')" = running ]
    kill -CONT "$mon"
    STOPPED_MONITOR=
    # the policy restarts it: a new init
    wait_until "[ \"\$(hull inspect r | jq -r '.[0].RestartCount')\" = 1 ] && [ \"\$(hull inspect r | jq -r '.[0].State.Status')\" = running ]"
    [ "$(hull inspect r | jq -r '.[0].State.Pid')" != "$pid" ]
}
