#!/usr/bin/env bats
# hull run and the container lifecycle: run in the foreground (output, exit
# status, -e/--hostname/-w/-u/-v/--read-only/resources), --rm, -d with ps,
# logs, stop, kill, rm, inspect, and bad input that must leave nothing behind.
# Each test gets its own --root/--runroot under tests/.work.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup_busybox --change 'ENV IMG=from-image'
}

teardown() {
    diag_on_failure
    engine_teardown
}

container_dirs() {
    find "$STORE/containers" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l
}

# Nothing of any container is left: no record/bundle dir, no runtime state,
# no mount under the test dir, no image user mark, no cgroup named after ID (optional).
assert_no_containers_left() {
    [ "$(container_dirs)" -eq 0 ] || { echo "container dirs left: $(ls "$STORE/containers")" >&2; return 1; }
    [ -z "$(ls -A "$RTROOT" 2>/dev/null)" ] || { echo "runtime state left: $(ls "$RTROOT")" >&2; return 1; }
    ! grep -q " $TEST_DIR" /proc/self/mountinfo || { echo "mounts left:" >&2; grep " $TEST_DIR" /proc/self/mountinfo >&2; return 1; }
    [ -z "$(find "$STORE/users" -type f 2>/dev/null)" ] || { echo "image user marks left" >&2; return 1; }
    if [ -n "${1:-}" ]; then
        [ -z "$(find /sys/fs/cgroup -maxdepth 4 -name "*$1*" 2>/dev/null)" ] || { echo "cgroups left for $1" >&2; return 1; }
    fi
}

@test "run: output and the command's exit status" {
    run hull run busybox sh -c 'echo hello; echo err >&2; exit 3'
    [ "$status" -eq 3 ]
    [[ "$output" == *hello* ]]
    [[ "$output" == *err* ]]
    run hull run busybox true
    [ "$status" -eq 0 ]
}

@test "run: signals to hull reach the container; a killed init gives 128+N" {
    # the binary itself in the background, not the hull() shell function, so $! is its pid
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run --name fg busybox sh -c 'trap "exit 9" TERM; echo ready; while :; do sleep 0.1; done' >"$TEST_DIR/out" &
    hull_pid=$!
    wait_until 'grep -q ready "$TEST_DIR/out" 2>/dev/null'
    kill -TERM "$hull_pid"
    st=0
    wait "$hull_pid" || st=$?
    [ "$st" -eq 9 ]
    [ "$(hull inspect fg | jq -r '.[0].State.ExitCode')" = 9 ]
    "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run --name fg2 busybox sh -c 'echo ready; while :; do sleep 0.1; done' >"$TEST_DIR/out2" &
    hull_pid=$!
    wait_until 'grep -q ready "$TEST_DIR/out2" 2>/dev/null'
    kill -KILL "$(hull inspect fg2 | jq -r '.[0].State.Pid')"
    st=0
    wait "$hull_pid" || st=$?
    [ "$st" -eq 137 ]
}

@test "run: the image's Cmd and Env are used; -e adds and overrides" {
    run hull run -e FOO=bar -e IMG=overridden busybox sh -c 'echo "$FOO $IMG $PATH"'
    [ "$status" -eq 0 ]
    [ "$output" = "bar overridden /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" ]
    run hull run busybox sh -c 'echo $IMG'
    [ "$output" = from-image ]
    # no command: the image's Cmd (sh) reads stdin (-i; without it, /dev/null as with docker)
    run sh -c "echo 'echo from-stdin-sh' | '$HULL_ENGINE' --root '$STORE' --runroot '$RUNROOT' run -i busybox"
    [ "$status" -eq 0 ]
    [ "$output" = from-stdin-sh ]
    run sh -c "echo 'echo from-stdin-sh' | '$HULL_ENGINE' --root '$STORE' --runroot '$RUNROOT' run busybox"
    [ "$status" -eq 0 ]
    [ "$output" = "" ]
}

@test "run: --hostname, default hostname is the short id, -w, -u, --entrypoint" {
    run hull run --hostname myhost busybox hostname
    [ "$output" = myhost ]
    run hull run --name hn busybox hostname
    id=$(hull inspect hn | jq -r '.[0].Id')
    [ "$output" = "${id:0:12}" ]
    run hull run -w /tmp busybox pwd
    [ "$output" = /tmp ]
    run hull run -u 1000:1001 busybox id
    [ "$output" = "uid=1000 gid=1001" ]
    run hull run -u nobody busybox id -u
    [ "$output" = "$(awk -F: '$1=="nobody"{print $3}' "$(busybox_rootfs)/etc/passwd")" ]
    run hull run --entrypoint echo busybox a b
    [ "$output" = "a b" ]
}

@test "run -t: the process gets a terminal, without -t it does not" {
    run hull run -t busybox sh -c 'test -t 1 && echo tty; exit 5' </dev/null
    [ "$status" -eq 5 ]
    [[ "$output" == *tty* ]]
    run hull run busybox sh -c 'test -t 1 && echo tty; echo done'
    [ "$output" = done ]
}

@test "run: docker's default capabilities, not the runtime's minimal set" {
    run hull run busybox sh -c 'grep CapBnd /proc/self/status'
    [ "$output" = "CapBnd:	00000000a80425fb" ]
    run hull run -u 1000 busybox sh -c 'grep CapEff /proc/self/status'
    [ "$output" = "CapEff:	0000000000000000" ]
}

@test "run: -v binds a host dir read-write and read-only" {
    mkdir "$TEST_DIR/vol"
    echo data >"$TEST_DIR/vol/in"
    run hull run -v "$TEST_DIR/vol:/data" busybox sh -c 'cat /data/in; echo out >/data/out'
    [ "$status" -eq 0 ]
    [ "$output" = data ]
    [ "$(cat "$TEST_DIR/vol/out")" = out ]
    run hull run -v "$TEST_DIR/vol:/data:ro" busybox sh -c 'cat /data/in; touch /data/x'
    [ "$status" -ne 0 ]
    [[ "$output" == *"Read-only file system"* ]]
    [ ! -e "$TEST_DIR/vol/x" ]
}

@test "run: -v :ro is read-only below its submounts too (ro,rro, as Docker 25)" {
    # the submount is made in a private mount namespace the engine then runs in
    mkdir -p "$TEST_DIR/vol/sub"
    run unshare --mount --propagation private sh -c 'mount -t tmpfs -o size=1m tmpfs "$1/vol/sub" && shift && exec "$@"' \
        sh "$TEST_DIR" "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run --rm -v "$TEST_DIR/vol:/data:ro" busybox \
        sh -c 'touch /data/x; touch /data/sub/y; true'
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(grep -c 'Read-only file system' <<<"$output")" -eq 2 ]
}

@test "run: --read-only root, writable without it" {
    run hull run --read-only busybox touch /x
    [ "$status" -ne 0 ]
    [[ "$output" == *"Read-only file system"* ]]
    run hull run busybox touch /x
    [ "$status" -eq 0 ]
}

@test "run: --memory, --cpus and --pids-limit reach the container's cgroups" {
    [ -d /sys/fs/cgroup/memory ] || skip "needs the cgroup v1 memory controller (this test reads v1 files)"
    run hull run --memory 256m --cpus 0.5 --pids-limit 20 busybox sh -c \
        'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us /sys/fs/cgroup/pids/pids.max'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 268435456 ]
    [ "${lines[1]}" = 50000 ]
    [ "${lines[2]}" = 100000 ]
    [ "${lines[3]}" = 20 ]
    # the pids limit is enforced: 30 sleeps cannot all fork
    run hull run --pids-limit 10 busybox sh -c 'for i in $(seq 30); do sleep 5 & done; wait; true'
    [[ "$output" == *"Resource temporarily unavailable"* ]] || [[ "$output" == *"can't fork"* ]]
}

@test "run: --network none has only loopback, --network host sees the host's interfaces" {
    run hull run busybox ls /sys/class/net
    [ "$output" = lo ]
    run hull run --network host busybox ls /sys/class/net
    [ "$(echo "$output" | sort)" = "$(ls /sys/class/net | sort)" ]
}

@test "run --rm: nothing is left, not even a cgroup" {
    # The container runs until the test lets it go (a file in a bind-mounted
    # directory), so the checks below see it alive however slow the machine is.
    mkdir "$TEST_DIR/sync"
    hull run --rm --memory 64m -v "$TEST_DIR/sync:/sync" busybox sh -c 'touch /sync/started; while [ ! -e /sync/go ]; do sleep 0.05; done; exit 4' &
    hull_pid=$!
    wait_until "[ -e $TEST_DIR/sync/started ]"
    id=$(ls "$STORE/containers" | grep -E '^[0-9a-f]{64}$')
    [ -n "$id" ]
    [ -n "$(find /sys/fs/cgroup/memory -maxdepth 3 -name "*$id*")" ] # the name check below can fail
    touch "$TEST_DIR/sync/go"
    st=0
    wait "$hull_pid" || st=$?
    [ "$st" -eq 4 ]
    assert_no_containers_left "$id"
    run hull ps -a -q
    [ -z "$output" ]
}

@test "run without --rm keeps the container: ps -a shows it exited, rm removes everything" {
    hull run --name keep busybox sh -c 'exit 5' || true
    run hull ps -a
    [[ "${lines[0]}" =~ ^CONTAINER\ ID\ +IMAGE\ +COMMAND\ +CREATED\ +STATUS\ +PORTS\ +NAMES$ ]]
    [[ "${lines[1]}" =~ ^[0-9a-f]{12}\ +busybox\ +\"sh\ -c\ exit\ 5\"\ +.*Exited\ \(5\).*keep$ ]]
    run hull ps -q
    [ -z "$output" ]
    run hull rm keep
    [ "$status" -eq 0 ]
    [ "$output" = keep ]
    assert_no_containers_left
}

@test "run -d: ps, logs, stop (SIGTERM), exit code in ps and inspect, rm" {
    # "started" only once the trap is set: a TERM before it would be ignored
    # (pid 1 has no default action), and stop would end in SIGKILL
    run hull run -d --name web busybox sh -c 'trap "echo got-term; exit 7" TERM; echo started; while true; do sleep 0.1; done'
    [ "$status" -eq 0 ]
    [[ "$output" =~ ^[0-9a-f]{64}$ ]]
    id=$output
    run hull ps --format json
    [ "$(jq -r .Names <<<"$output")" = web ]
    [ "$(jq -r .State <<<"$output")" = running ]
    [ "$(jq -r .ID <<<"$output")" = "${id:0:12}" ]
    run hull inspect web
    [ "$(jq -r '.[0].State.Running' <<<"$output")" = true ]
    pid=$(jq -r '.[0].State.Pid' <<<"$output")
    [ "$pid" -gt 0 ]
    kill -0 "$pid"
    wait_until 'grep -q started "$STORE/containers/$id/ctr.log"'
    run hull logs web
    [ "$output" = started ]
    run hull stop -t 5 web
    [ "$status" -eq 0 ]
    [ "$output" = web ]
    ! kill -0 "$pid" 2>/dev/null
    run hull inspect "${id:0:8}"
    [ "$(jq -r '.[0].State.Status' <<<"$output")" = exited ]
    [ "$(jq -r '.[0].State.ExitCode' <<<"$output")" = 7 ]
    [ "$(jq -r '.[0].State.FinishedAt' <<<"$output")" != "0001-01-01T00:00:00Z" ]
    run hull logs web
    [ "$output" = "$(printf 'started\ngot-term')" ]
    run hull ps -a --format json
    [ "$(jq -r .Status <<<"$output")" = "$(jq -r .Status <<<"$output" | grep '^Exited (7)')" ]
    hull rm web
    assert_no_containers_left "$id"
}

@test "run -d: stop escalates to SIGKILL after -t; kill -s; rm -f kills a running container" {
    # pid 1 ignores SIGTERM unless it installs a handler
    hull run -d --name stubborn busybox sleep 1000
    run hull stop -t 1 stubborn
    [ "$status" -eq 0 ]
    [ "$(hull inspect stubborn | jq -r '.[0].State.ExitCode')" = 137 ]
    # USR1 only once the trap is set: pid 1 ignores a signal it has no handler for
    hull run -d --name k busybox sh -c 'trap "exit 42" USR1; echo trap-set; while true; do sleep 0.1; done'
    wait_until 'hull logs k | grep -q trap-set'
    run hull kill -s USR1 k
    [ "$status" -eq 0 ]
    wait_until "[ \"\$(hull inspect k | jq -r '.[0].State.Status')\" = exited ]"
    [ "$(hull inspect k | jq -r '.[0].State.ExitCode')" = 42 ]
    run hull kill k
    [ "$status" -ne 0 ]
    [[ "$output" == *"not running"* ]]
    hull run -d --name busy busybox sleep 1000
    pid=$(hull inspect busy | jq -r '.[0].State.Pid')
    fails_with "is running" hull rm busy
    run hull rm -f busy
    [ "$status" -eq 0 ]
    ! kill -0 "$pid" 2>/dev/null
    hull rm stubborn k
    assert_no_containers_left
}

@test "logs -f follows a detached container until it exits; foreground ones are logged too" {
    hull run -d --name f busybox sh -c 'for i in 1 2 3; do echo line$i; sleep 0.3; done; echo err >&2'
    run timeout 20 "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" logs -f f
    [ "$status" -eq 0 ]
    [ "$output" = "$(printf 'line1\nline2\nline3\nerr')" ]
    # a foreground run is logged too, by its monitor; a container never started has an empty log
    hull run --name fg busybox echo fg-out >/dev/null
    [ "$(hull logs fg)" = fg-out ]
    hull create --name cr busybox true >/dev/null
    [ -z "$(hull logs cr)" ]
}

@test "run -d --rm: the monitor removes the container when it exits" {
    run hull run -d --rm busybox sh -c 'sleep 0.3'
    [ "$status" -eq 0 ]
    id=$output
    wait_until '[ "$(container_dirs)" -eq 0 ]'
    assert_no_containers_left "$id"
}

@test "inspect: docker's fields from the run flags" {
    mkdir "$TEST_DIR/vol"
    hull run --name insp --memory 128m --cpus 1.5 --pids-limit 50 --read-only -v "$TEST_DIR/vol:/v:ro" \
        --hostname h1 -e A=1 -w /tmp busybox true
    run hull inspect insp
    [ "$status" -eq 0 ]
    j=$output
    [[ "$(jq -r '.[0].Id' <<<"$j")" =~ ^[0-9a-f]{64}$ ]]
    [ "$(jq -r '.[0].Name' <<<"$j")" = /insp ]
    [ "$(jq -r '.[0].Image' <<<"$j")" = "$(hull image inspect busybox | jq -r '.[0].Id')" ]
    [ "$(jq -r '.[0].State.Status' <<<"$j")" = exited ]
    [ "$(jq -r '.[0].State.Running' <<<"$j")" = false ]
    [ "$(jq -r '.[0].State.ExitCode' <<<"$j")" = 0 ]
    [ "$(jq -r '.[0].Config.Hostname' <<<"$j")" = h1 ]
    [ "$(jq -r '.[0].Config.WorkingDir' <<<"$j")" = /tmp ]
    [ "$(jq -r '.[0].Config.Image' <<<"$j")" = busybox ]
    jq -e '.[0].Config.Env | index("A=1")' <<<"$j"
    [ "$(jq -r '.[0].HostConfig.Memory' <<<"$j")" = 134217728 ]
    [ "$(jq -r '.[0].HostConfig.NanoCpus' <<<"$j")" = 1500000000 ]
    [ "$(jq -r '.[0].HostConfig.PidsLimit' <<<"$j")" = 50 ]
    [ "$(jq -r '.[0].HostConfig.ReadonlyRootfs' <<<"$j")" = true ]
    [ "$(jq -r '.[0].Mounts[0].Source' <<<"$j")" = "$TEST_DIR/vol" ]
    [ "$(jq -r '.[0].Mounts[0].Destination' <<<"$j")" = /v ]
    [ "$(jq -r '.[0].Mounts[0].RW' <<<"$j")" = false ]
    merged=$(jq -r '.[0].GraphDriver.Data.MergedDir' <<<"$j")
    [ -x "$merged/bin/busybox" ]
    # the image cannot be removed while a container uses it
    run hull rmi busybox
    [ "$status" -ne 0 ]
    hull rm insp
    assert_no_containers_left
}

@test "bad input: one error line, non-zero exit, nothing created" {
    fails_with "no such image: nope" hull run --pull never nope true
    assert_no_containers_left
    fails_with "no such container: ghost" hull rm ghost
    fails_with "no such container: ghost" hull stop ghost
    fails_with "no such container: ghost" hull inspect ghost
    fails_with "no such container: ghost" hull logs ghost
    fails_with 'bind source path does not exist: /does/not/exist' hull run --mount type=bind,source=/does/not/exist,target=/x busybox true
    assert_no_containers_left
    fails_with 'invalid --memory "10x"' hull run --memory 10x busybox true
    fails_with 'invalid --cpus "-1"' hull run --cpus -1 busybox true
    fails_with 'invalid --pids-limit "abc"' hull run --pids-limit abc busybox true
    fails_with 'invalid --network "nosuchnet": no such network: nosuchnet' hull run --network nosuchnet busybox true
    fails_with 'invalid user "nosuchuser"' hull run -u nosuchuser busybox true
    fails_with 'invalid container name' hull run --name 'a/b' busybox true
    assert_no_containers_left
    # the exec of a missing binary fails at start: cleaned up as well
    fails_with 'executable file not found' hull run busybox /no/such/binary
    assert_no_containers_left
    fails_with 'executable file not found' hull run -d busybox /no/such/binary
    assert_no_containers_left
    hull run --name taken busybox true
    fails_with 'name "/taken" is already in use' hull run --name taken busybox true
    [ "$(container_dirs)" -eq 1 ]
    hull rm taken
    assert_no_containers_left
}

@test "names: of two concurrent runs with one name exactly one wins; ids and prefixes find containers" {
    local pids=()
    for i in 1 2 3 4; do
        "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run --name same busybox true >/dev/null 2>"$TEST_DIR/err$i" &
        pids+=($!)
    done
    wait "${pids[@]}" || true
    [ "$(container_dirs)" -eq 1 ]
    [ "$(cat "$TEST_DIR"/err* | grep -c 'name "/same" is already in use')" -eq 3 ]
    id=$(hull inspect same | jq -r '.[0].Id')
    [ "$(hull inspect "$id" | jq -r '.[0].Name')" = /same ]
    [ "$(hull inspect "${id:0:5}" | jq -r '.[0].Name')" = /same ]
    [ "$(hull ps -a -q --no-trunc)" = "$id" ]
    run hull run -u 1234 busybox true
    [ "$(hull inspect "$(hull ps -a -q | head -1)" | jq -r '.[0].Config.User')" = 1234 ]
}
