#!/usr/bin/env bats
# hull start, pause/unpause, wait, top, stats, container prune, the
# `hull container` aliases and system df, against real containers; bad input
# (unknown container, wrong state) fails with one line and changes nothing.
# exec has its own file (exec.bats).

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

# The engine binary under a time limit (a hung wait must fail the test, not the run).
hull_timed() {
    timeout 30 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" "$@"
}

state_of() {
    hull inspect "$1" | jq -r ".[0].State.$2"
}

# wait_for_log NAME TEXT: until `hull logs NAME` shows TEXT (at most $HULL_WAIT_SECONDS)
wait_for_log() {
    wait_until "hull logs '$1' 2>/dev/null | grep -q '$2'" && return 0
    echo "\"$2\" never appeared in the logs of $1: $(hull logs "$1" 2>&1)" >&2
    return 1
}

# A file the container writes, read through its rootfs on the host (the
# overlay is mounted in our mount namespace; a copied rootfs is a plain dir),
# so that these tests do not depend on exec.
rootfs_file() {
    cat "$STORE/containers/$(hull inspect "$1" | jq -r '.[0].Id')/rootfs/$2" 2>/dev/null
}

# ---- start ----

@test "start: re-runs an exited container under the monitor; its output appears twice in logs" {
    hull run -d --name again busybox sh -c 'echo run-output; exit 3' >/dev/null
    run hull_timed wait again
    [ "$output" = 3 ]
    first_pid=$(state_of again Pid)
    run hull start again
    [ "$status" -eq 0 ]
    [ "$output" = again ]
    run hull_timed wait again
    [ "$output" = 3 ]
    run hull logs again
    [ "$(grep -c run-output <<<"$output")" -eq 2 ]
    [ "$(state_of again Status)" = exited ]
}

@test "start: keeps the container's writable layer; a running container is a no-op" {
    hull run -d --name keep busybox sh -c 'if [ -e /mark ]; then echo second; else echo first; touch /mark; fi; sleep 1000' >/dev/null
    wait_for_log keep first
    pid=$(state_of keep Pid)
    run hull start keep
    [ "$status" -eq 0 ]
    [ "$output" = keep ]
    [ "$(state_of keep Pid)" = "$pid" ] # not restarted
    hull stop -t 0 keep >/dev/null
    hull start keep >/dev/null
    wait_for_log keep second
    [ "$(state_of keep Status)" = running ]
    [ "$(state_of keep Pid)" != "$pid" ]
}

@test "start -a: runs in the foreground, output and exit status are the container's" {
    hull run --name fg busybox sh -c 'echo out-$$; exit 6' >/dev/null || true
    run hull_timed start -a fg
    [ "$status" -eq 6 ]
    [ "$output" = out-1 ]
    [ "$(state_of fg ExitCode)" = 6 ]
    [ "$(state_of fg Status)" = exited ]
}

@test "start: mounts the overlay again when it is gone, keeping the upper dir" {
    id=$(hull run -d --name remount busybox sh -c 'cat /data 2>/dev/null || echo kept >/data')
    [ "$(hull_timed wait remount)" = 0 ]
    [ "$(cat "$STORE/containers/$id/rootfs.kind")" = overlay ] ||
        skip "overlayfs is not usable here: the rootfs is a copy, which stays in place"
    umount "$STORE/containers/$id/rootfs"
    ! grep -q " $STORE/containers/$id/rootfs " /proc/self/mountinfo
    run hull_timed start -a remount
    [ "$status" -eq 0 ]
    [ "$output" = kept ]
    grep -q " $STORE/containers/$id/rootfs " /proc/self/mountinfo
}

@test "start: unknown container, -a with two containers" {
    fails_with "no such container: nosuch" hull start nosuch
    hull run --name a busybox true
    hull run --name b busybox true
    fails_with "cannot start and attach multiple containers" hull start -a a b
    [ "$(state_of a Status)" = exited ]
    run hull start
    [ "$status" -eq 125 ]
}

# ---- pause / unpause ----

@test "pause: a counting loop stops advancing; unpause resumes it; inspect says paused" {
    # written to a temp file and renamed: a reader never sees the file empty between truncate and write
    hull run -d --name counter busybox sh -c 'i=0; while :; do i=$((i+1)); echo $i >/count.new; mv /count.new /count; sleep 0.05; done' >/dev/null
    wait_until '[ -n "$(rootfs_file counter count)" ]'
    run hull pause counter
    [ "$status" -eq 0 ]
    [ "$output" = counter ]
    a=$(rootfs_file counter count)
    sleep 1 # an observation window: a frozen counter must not move in it (nothing to poll for)
    b=$(rootfs_file counter count)
    [ "$a" = "$b" ]
    run hull inspect counter
    [ "$(jq -r '.[0].State.Status' <<<"$output")" = paused ]
    [ "$(jq -r '.[0].State.Paused' <<<"$output")" = true ]
    [ "$(jq -r '.[0].State.Running' <<<"$output")" = true ]
    run hull unpause counter
    [ "$status" -eq 0 ]
    [ "$output" = counter ]
    wait_until '[ "$(rootfs_file counter count)" -gt "$b" ]'
    [ "$(state_of counter Status)" = running ]
    [ "$(state_of counter Paused)" = false ]
}

@test "pause: ps lists a paused container as Up ... (Paused)" {
    hull run -d --name p busybox sleep 1000 >/dev/null
    hull pause p >/dev/null
    run hull ps --format json
    [ "$(jq -r .Names <<<"$output")" = p ]
    [[ "$(jq -r .Status <<<"$output")" =~ ^Up\ .*\(Paused\)$ ]]
    hull unpause p >/dev/null
    run hull ps --format json
    [[ "$(jq -r .Status <<<"$output")" != *Paused* ]]
}

@test "pause: a paused container can still be stopped; the record ends exited, not paused" {
    hull run -d --name ps busybox sleep 1000 >/dev/null
    hull pause ps >/dev/null
    run hull_timed stop -t 1 ps
    [ "$status" -eq 0 ]
    wait_until '[ "$(state_of ps Status)" = exited ]'
    [ "$(state_of ps Status)" = exited ]
    [ "$(state_of ps Paused)" = false ]
    [ "$(state_of ps ExitCode)" = 137 ]
}

@test "pause/unpause in the wrong state fail with one line and change nothing" {
    hull run -d --name r busybox sleep 1000 >/dev/null
    fails_with "is not paused" hull unpause r
    [ "$(state_of r Status)" = running ]
    hull pause r >/dev/null
    fails_with "is already paused" hull pause r
    [ "$(state_of r Status)" = paused ]
    hull run --name stopped busybox true
    fails_with "is not running" hull pause stopped
    fails_with "is not paused" hull unpause stopped
    [ "$(state_of stopped Status)" = exited ]
    [ "$(state_of stopped Paused)" = false ]
    fails_with "no such container: nosuch" hull pause nosuch
    # several names: the good ones are done, the exit status says one failed
    hull unpause r >/dev/null
    run hull pause r nosuch
    [ "$status" -eq 1 ]
    [ "${lines[0]}" = r ]
    [ "$(state_of r Status)" = paused ]
}

# ---- wait ----

@test "wait: blocks until the container exits and prints its exit code" {
    # the container exits when the test creates /sync/go, so "blocks" is checked without timing
    mkdir "$TEST_DIR/sync"
    hull run -d --name w -v "$TEST_DIR/sync:/sync" busybox sh -c 'while [ ! -e /sync/go ]; do sleep 0.05; done; exit 3' >/dev/null
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" wait w >"$TEST_DIR/wait.out" &
    wpid=$!
    wait_until "ls -l /proc/$wpid/fd 2>/dev/null | grep -q pidfd" # it watches the container's init
    sleep 0.3 # an observation window: it must still be blocked
    kill -0 "$wpid"
    [ ! -s "$TEST_DIR/wait.out" ]
    touch "$TEST_DIR/sync/go"
    wait "$wpid"
    [ "$(cat "$TEST_DIR/wait.out")" = 3 ]
    # an exited container answers at once; several names give several lines
    hull run --name w0 busybox true
    run hull_timed wait w w0
    [ "$output" = "$(printf '3\n0')" ]
}

@test "wait: sees a foreground hull run in another process end; a signal's code; --rm" {
    mkdir "$TEST_DIR/sync"
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run --name fg -v "$TEST_DIR/sync:/sync" busybox sh -c 'while [ ! -e /sync/go ]; do sleep 0.05; done; exit 9' &
    fg_pid=$!
    wait_until '[ "$(state_of fg Status 2>/dev/null)" = running ]'
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" wait fg >"$TEST_DIR/wait.out" &
    wpid=$!
    wait_until "ls -l /proc/$wpid/fd 2>/dev/null | grep -q pidfd"
    touch "$TEST_DIR/sync/go"
    wait "$wpid"
    [ "$(cat "$TEST_DIR/wait.out")" = 9 ]
    wait "$fg_pid" || true
    hull run -d --name killed busybox sleep 1000 >/dev/null
    (sleep 0.5; hull kill killed >/dev/null) &
    run hull_timed wait killed
    [ "$output" = 137 ]
    rm -f "$TEST_DIR/sync/go"
    hull run -d --rm --name gone -v "$TEST_DIR/sync:/sync" busybox sh -c 'while [ ! -e /sync/go ]; do sleep 0.05; done; exit 4' >/dev/null
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" wait gone >"$TEST_DIR/wait.out" &
    wpid=$!
    wait_until "ls -l /proc/$wpid/fd 2>/dev/null | grep -q pidfd"
    touch "$TEST_DIR/sync/go"
    wait "$wpid"
    [ "$(cat "$TEST_DIR/wait.out")" = 4 ]
}

@test "wait: a foreground run --rm's exit code, from its die event (its record goes without saying exited)" {
    mkdir "$TEST_DIR/sync"
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run --rm --name fgrm -v "$TEST_DIR/sync:/sync" busybox sh -c 'while [ ! -e /sync/go ]; do sleep 0.05; done; exit 6' &
    fg_pid=$!
    wait_until '[ "$(state_of fgrm Status 2>/dev/null)" = running ]'
    id=$(hull inspect -f '{{.Id}}' fgrm)
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" wait fgrm >"$TEST_DIR/wait.out" &
    wpid=$!
    wait_until "ls -l /proc/$wpid/fd 2>/dev/null | grep -q pidfd"
    touch "$TEST_DIR/sync/go"
    wait "$wpid"
    [ "$(cat "$TEST_DIR/wait.out")" = 6 ]
    run wait "$fg_pid"
    [ "$status" -eq 6 ]
    [ ! -e "$STORE/containers/$id" ]
    hull events --since 1m --until 0s --filter container="$id" | grep -q "die.*exitCode=6"
}

@test "wait: unknown container" {
    fails_with "no such container: nosuch" hull wait nosuch
}

# ---- top ----

@test "top: docker's columns and the container's processes only" {
    hull run -d --name t busybox sh -c 'sleep 1001 & sleep 1002 & wait' >/dev/null
    wait_until "hull top t 2>/dev/null | grep -q 'sleep 1002'"
    run hull top t
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" =~ ^UID\ +PID\ +PPID\ +C\ +STIME\ +TTY\ +TIME\ +CMD$ ]]
    [[ "$output" == *"sleep 1001"* ]]
    [[ "$output" == *"sleep 1002"* ]]
    [ "${#lines[@]}" -eq 4 ] # sh, two sleeps
    init=$(state_of t Pid)
    grep -q "^root  *$init " <<<"$output"
    run hull top t -o pid,comm
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" =~ ^PID\ +COMMAND$ ]]
    [ "$(tail -n +2 <<<"$output" | awk '{print $2}' | sort | tr '\n' ' ')" = "sh sleep sleep " ]
}

@test "top: a stopped container, ps options without a PID column" {
    hull run --name s busybox true
    fails_with "is not running" hull top s
    hull run -d --name t busybox sleep 1000 >/dev/null
    fails_with "PID field" hull top t -o comm
}

# ---- stats ----

@test "stats --no-stream: memory limit from --memory, nonzero usage, pids, a busy loop's CPU" {
    hull run -d --name busy --memory 64m busybox sh -c 'while :; do :; done' >/dev/null
    hull run -d --name idle busybox sleep 1000 >/dev/null
    run hull_timed stats --no-stream
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" =~ ^CONTAINER\ ID\ +NAME\ +CPU\ %\ +MEM\ USAGE\ /\ LIMIT\ +MEM\ %\ +NET\ I/O\ +BLOCK\ I/O\ +PIDS$ ]]
    [ "${#lines[@]}" -eq 3 ]
    run hull_timed stats --no-stream --format json busy
    [ "$status" -eq 0 ]
    [ "$(jq -r .Name <<<"$output")" = busy ]
    [ "$(jq -r .Container <<<"$output")" = busy ]
    [[ "$(jq -r .MemUsage <<<"$output")" =~ ^[0-9.]+(B|KiB|MiB)\ /\ 64MiB$ ]]
    [[ "$(jq -r .MemUsage <<<"$output")" != 0B* ]]
    [ "$(jq -r .PIDs <<<"$output")" -ge 1 ]
    # a busy loop shows CPU use; how much depends on the host's load (at load 20
    # on 2 cores it gets ~10%), so poll until a sample shows it clearly above idle
    busy_cpu() { hull_timed stats --no-stream --format json busy | jq -r .CPUPerc | tr -d %; }
    wait_until 'awk -v c="$(busy_cpu)" "BEGIN { exit !(c > 2) }"'
    run hull_timed stats --no-stream --format json idle
    cpu=$(jq -r .CPUPerc <<<"$output" | tr -d %)
    awk -v c="$cpu" 'BEGIN { exit !(c < 5) }'
    # without a memory limit: the host's RAM
    host_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)
    limit=$(jq -r .MemUsage <<<"$output" | sed 's|.* / ||')
    [[ "$limit" =~ GiB$ ]] || [ "$host_kb" -lt 1048576 ]
}

@test "stats: -a shows stopped containers with zeros; streaming redraws until interrupted" {
    hull run --name stopped busybox true
    hull run -d --name live busybox sleep 1000 >/dev/null
    run hull_timed stats --no-stream
    [ "${#lines[@]}" -eq 2 ]
    [[ "${lines[1]}" == *live* ]]
    run hull_timed stats --no-stream -a --format json
    [ "$(jq -s length <<<"$output")" -eq 2 ]
    [ "$(jq -r 'select(.Name=="stopped") | .MemUsage' <<<"$output")" = "0B / 0B" ]
    [ "$(jq -r 'select(.Name=="stopped") | .CPUPerc' <<<"$output")" = "0.00%" ]
    run timeout -s INT 8 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" stats live
    [ "$status" -ne 0 ] # ended by the signal
    [ "$(grep -c $'\033\[2J' <<<"$output")" -ge 2 ]
    fails_with "no such container: nosuch" hull stats --no-stream nosuch
}

# ---- container prune, aliases ----

@test "container prune -f: removes exited containers, leaves running ones" {
    hull run --name done1 busybox sh -c 'head -c 5000 /dev/zero >/f'
    hull run --name done2 busybox true
    hull run -d --name up busybox sleep 1000 >/dev/null
    id1=$(hull inspect done1 | jq -r '.[0].Id')
    id2=$(hull inspect done2 | jq -r '.[0].Id')
    run hull container prune -f
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "Deleted Containers:" ]
    [ "$(sed -n '2,3p' <<<"$output" | sort)" = "$(printf '%s\n%s' "$id1" "$id2" | sort)" ]
    if [ "$(cat "$STORE/containers/$(hull inspect up | jq -r '.[0].Id')/rootfs.kind")" = overlay ]; then
        [ "${lines[-1]}" = "Total reclaimed space: 5kB" ] # what done1 wrote
    else
        [[ "${lines[-1]}" =~ ^Total\ reclaimed\ space:\ [0-9.]+MB$ ]] # two copies of the image
    fi
    [ ! -d "$STORE/containers/$id1" ]
    [ ! -d "$STORE/containers/$id2" ]
    ! grep -q "$id1" /proc/self/mountinfo
    [ "$(hull ps -aq)" = "$(hull inspect up | jq -r '.[0].Id' | cut -c1-12)" ]
    [ "$(state_of up Status)" = running ]
    # nothing to do
    run hull container prune -f
    [ "$output" = "Total reclaimed space: 0B" ]
}

@test "container prune: asks first; anything but y keeps everything" {
    hull run --name done busybox true
    run sh -c "echo n | '$HULL_ENGINE' --root '$STORE' --runroot '$RUNROOT' container prune"
    [ "$status" -eq 0 ]
    [[ "$output" == *"WARNING! This will remove all stopped containers."* ]]
    [ "$(hull ps -aq | wc -l)" -eq 1 ]
    run sh -c "echo y | '$HULL_ENGINE' --root '$STORE' --runroot '$RUNROOT' container prune"
    [ "$status" -eq 0 ]
    [[ "$output" == *"Deleted Containers:"* ]]
    [ -z "$(hull ps -aq)" ]
}

@test "container SUBCOMMAND: ls, run, inspect, logs, stop, start, wait, rm are the same commands" {
    id=$(hull container run -d --name c busybox sh -c 'echo hi; sleep 1000')
    [[ "$id" =~ ^[0-9a-f]{64}$ ]]
    run hull container ls --format json
    [ "$(jq -r .ID <<<"$output")" = "${id:0:12}" ]
    [ "$(hull container inspect c | jq -r '.[0].Id')" = "$id" ]
    wait_for_log c hi
    [ "$(hull container logs c)" = hi ]
    [ "$(hull container stop -t 0 c)" = c ]
    [ "$(hull_timed container wait c)" = 137 ]
    [ "$(hull container start c)" = c ]
    [ "$(hull container pause c)" = c ]
    [ "$(hull container unpause c)" = c ]
    [ "$(hull container rm -f c)" = c ]
    [ -z "$(hull container ls -aq)" ]
    fails_with 'unknown command "container nosuch"' hull container nosuch
    run hull container
    [ "$status" -eq 0 ]
    [[ "$output" == *prune* ]]
}

# ---- system df ----

@test "system df: images and containers counted, the writable layer's size" {
    run hull system df
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" =~ ^TYPE\ +TOTAL\ +ACTIVE\ +SIZE\ +RECLAIMABLE$ ]]
    [[ "${lines[1]}" =~ ^Images\ +1\ +0\ +[0-9.]+[kM]B\ +[0-9.]+[kM]B\ \(100%\)$ ]]
    [[ "${lines[2]}" =~ ^Containers\ +0\ +0\ +0B\ +0B$ ]]
    [[ "${lines[3]}" =~ ^Local\ Volumes\ +0\ +0\ +0B\ +0B$ ]]
    [[ "${lines[4]}" =~ ^Build\ Cache\ +0\ +0\ +0B\ +0B$ ]]
    hull run --name stopped busybox sh -c 'head -c 300000 /dev/zero >/big'
    hull run -d --name up busybox sh -c 'head -c 100000 /dev/zero >/small; sleep 1000' >/dev/null
    wait_until '[ "$(rootfs_file up small | wc -c)" -eq 100000 ]'
    run hull system df --format json
    [ "$status" -eq 0 ]
    images=$(jq -c 'select(.Type=="Images")' <<<"$output")
    containers=$(jq -c 'select(.Type=="Containers")' <<<"$output")
    [ "$(jq -r .TotalCount <<<"$images")" = 1 ]
    [ "$(jq -r .Active <<<"$images")" = 1 ]
    [ "$(jq -r .Reclaimable <<<"$images")" = "0B (0%)" ]
    [ "$(jq -r .TotalCount <<<"$containers")" = 2 ]
    [ "$(jq -r .Active <<<"$containers")" = 1 ]
    id=$(hull inspect up | jq -r '.[0].Id')
    if [ "$(cat "$STORE/containers/$id/rootfs.kind")" = overlay ]; then
        # the writable layers: just the files the containers wrote
        [ "$(jq -r .Size <<<"$containers")" = 400kB ]
        [ "$(jq -r .Reclaimable <<<"$containers")" = "300kB (75%)" ]
    else
        # without overlayfs each container's layer is a whole copy of the image
        [[ "$(jq -r .Reclaimable <<<"$containers")" =~ \((5[0-9]|6[0-9])%\)$ ]]
    fi
}
