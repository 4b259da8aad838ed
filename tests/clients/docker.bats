#!/usr/bin/env bats
# Docker 20.10 (Debian's docker.io) driving the runtime under test: a private
# dockerd and a private containerd per test file (own data root, exec root,
# sockets, pidfile, cgroup parent, no bridge, no iptables), the runtime
# registered with `--add-runtime`, and a busybox docker-archive built offline
# loaded with `docker load`. Every container runs with `--network none`.
#
# The runtime used is $DOCKER_TEST_RUNTIME: "hull" (build/hull-runtime) by
# default, "runc" (dockerd's built-in runc) when HULL_RUNTIME names runc; any
# other HULL_RUNTIME is registered as "under-test". The same tests pass with
# each: `DOCKER_TEST_RUNTIME=runc HULL_TESTS=tests/clients/docker.bats tests/run`.

load helpers
bats_require_minimum_version 1.5.0

IMAGE=busybox:docker
# Debian's client, not another docker CLI that may come first in PATH
DOCKER_CLI=${DOCKER_CLI:-$(if [ -x /usr/bin/docker ]; then echo /usr/bin/docker; else command -v docker; fi)}
# the binary registered as "hull": HULL_RUNTIME when that is a hull-runtime
HULL_BUILT_RUNTIME=$(if is_hull; then echo "$HULL_RUNTIME"; else realpath -m "$HULL_SRC/$BUILD/hull-runtime"; fi)

if [ -z "${DOCKER_TEST_RUNTIME:-}" ]; then
    if is_hull; then
        DOCKER_TEST_RUNTIME=hull
    elif [ "$(basename "$HULL_RUNTIME")" = runc ]; then
        DOCKER_TEST_RUNTIME=runc
    else
        DOCKER_TEST_RUNTIME=under-test
    fi
fi

docker_missing() {
    command -v dockerd >/dev/null && [ -x "$DOCKER_CLI" ] && command -v containerd >/dev/null &&
        command -v containerd-shim-runc-v2 >/dev/null && command -v ctr >/dev/null || return 0
    return 1
}

setup_file() {
    docker_missing && return 0
    mkdir -p "$WORK_BASE"
    DK_DIR=$(mktemp -d "$WORK_BASE/docker.XXXXXX")
    # one cgroup parent per test file, absolute so that it is the same path in
    # every v1 hierarchy (a relative one lands below the caller's own cgroup)
    DK_CGROUP_PARENT=hull-clients-docker-$$
    export DK_DIR DK_CGROUP_PARENT DOCKER_TEST_RUNTIME
    # dockerd creates /run/docker/plugins whatever its exec root: remove it
    # again in teardown_file unless it was there before
    [ -e /run/docker ] || touch "$DK_DIR/created-run-docker"

    # containerd: as in containerd.bats, only the plugins dockerd needs, all
    # state and sockets below $DK_DIR. dockerd 20.10 would otherwise use a
    # host-wide /run/containerd/containerd.sock whenever one exists.
    cat >"$DK_DIR/containerd.toml" <<CONF
version = 2
root = "$DK_DIR/containerd/root"
state = "$DK_DIR/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
    "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs",
    "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp",
    "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$DK_DIR/containerd.sock"
[ttrpc]
  address = "$DK_DIR/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$DK_DIR/containerd/opt"
CONF
    containerd --config "$DK_DIR/containerd.toml" >"$DK_DIR/containerd.log" 2>&1 3>&- &
    echo $! >"$DK_DIR/containerd.pid"
    if ! wait_until 'ctr --address "$DK_DIR/containerd.sock" version >/dev/null 2>&1'; then
        cat "$DK_DIR/containerd.log" >&2
        return 1
    fi

    local runtimes=(--add-runtime "hull=$HULL_BUILT_RUNTIME")
    [ "$DOCKER_TEST_RUNTIME" = under-test ] && runtimes+=(--add-runtime "under-test=$HULL_RUNTIME")
    # our own config file, never the host's /etc/docker/daemon.json; it moves
    # the trust key (/etc/docker/key.json by default) below $DK_DIR too
    jq -n --arg key "$DK_DIR/key.json" '{"deprecated-key-path": $key}' >"$DK_DIR/daemon.json"
    # the storage driver is dockerd's own choice: overlay2 where the data root
    # can hold it, vfs (slower, same behaviour) where it cannot
    dockerd --config-file "$DK_DIR/daemon.json" \
        --data-root "$DK_DIR/data" --exec-root "$DK_DIR/exec" --pidfile "$DK_DIR/dockerd.pid" \
        -H "unix://$DK_DIR/docker.sock" --containerd "$DK_DIR/containerd.sock" \
        --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
        --exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "/$DK_CGROUP_PARENT" \
        "${runtimes[@]}" \
        >"$DK_DIR/dockerd.log" 2>&1 3>&- &
    local pid=$!
    echo "$pid" >"$DK_DIR/dockerd.spawned-pid"
    # ready when it answers; given up at once when it exited (bad flag, ...)
    if ! wait_until '! kill -0 $pid 2>/dev/null || d version --format "{{.Server.Version}}" >/dev/null 2>&1' ||
        ! kill -0 "$pid" 2>/dev/null; then
        tail -30 "$DK_DIR/dockerd.log" >&2
        return 1
    fi
    local images
    images=$(busybox_images)
    d load -i "$images/busybox-docker.tar" >/dev/null
}

# stop_pid PID: SIGTERM, a grace period, then SIGKILL; returns once it is gone.
stop_pid() {
    local pid=$1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill "$pid" 2>/dev/null || true
    HULL_WAIT_SECONDS=20 wait_until "! kill -0 $pid 2>/dev/null" 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
    wait_until "! kill -0 $pid 2>/dev/null" || true
}

teardown_file() {
    [ -n "${DK_DIR:-}" ] || return 0
    remove_all_containers
    # dockerd by the pid it wrote, or the one we spawned if it never got that far
    stop_pid "$(cat "$DK_DIR/dockerd.pid" 2>/dev/null || cat "$DK_DIR/dockerd.spawned-pid" 2>/dev/null)"
    stop_pid "$(cat "$DK_DIR/containerd.pid" 2>/dev/null)"
    # shims of tasks that could not be deleted: their command line names our socket
    local pid
    for pid in $(pgrep -f -- "-address $DK_DIR/containerd.sock" || true); do
        kill -9 "$pid" 2>/dev/null || true
    done
    # dockerd unmounts its data root, overlays and shm on a clean shutdown; not
    # after a crash
    unmount_below "$DK_DIR"
    remove_cgroup_tree "$DK_CGROUP_PARENT"
    if [ -e "$DK_DIR/created-run-docker" ]; then
        rmdir /run/docker/plugins /run/docker 2>/dev/null || true
    fi
    rm -rf "$DK_DIR"
}

setup() {
    docker_missing && skip "needs dockerd and docker (apt-get install docker.io) and containerd"
    [ -x "$HULL_BUILT_RUNTIME" ] || skip "hull-runtime not built ($HULL_BUILT_RUNTIME)"
    [ -n "${DK_DIR:-}" ] || skip "dockerd did not start"
    TEST_DIR=$DK_DIR/t$BATS_TEST_NUMBER
    mkdir -p "$TEST_DIR"
}

teardown() {
    diag_on_failure
    [ -n "${DK_DIR:-}" ] || return 0
    [ -n "${BATS_TEST_COMPLETED:-}" ] || docker_diag
    remove_all_containers
}

# docker_diag: after a failed test, what dockerd and containerd last said and
# every runtime process still around (a runtime that hangs under the shim shows
# up here with what it waits in).
docker_diag() {
    echo "diag: dockerd.log:"
    tail -n 12 "$DK_DIR/dockerd.log" | cut -c1-300 | sed 's/^/diag:   /'
    echo "diag: containerd.log:"
    tail -n 8 "$DK_DIR/containerd.log" | cut -c1-300 | sed 's/^/diag:   /'
    echo "diag: runtime processes:"
    ps -eo pid,ppid,stat,wchan:24,etimes,args | grep -E "$(basename "$(runtime_binary)")|containerd-shim" |
        grep -v grep | cut -c1-200 | sed 's/^/diag:   /'
}

# d ARGS...: the docker client on the private dockerd, with its own config dir.
d() {
    DOCKER_HOST=unix://$DK_DIR/docker.sock DOCKER_CONFIG=$DK_DIR/cli \
        timeout --kill-after=10 120 "$DOCKER_CLI" "$@"
}

# drun ARGS... / dcreate ARGS...: `docker run` / `docker create` with the
# runtime under test and no network.
drun() {
    d run --runtime "$DOCKER_TEST_RUNTIME" --network none "$@"
}

remove_all_containers() {
    local ids
    ids=$(d ps -aq 2>/dev/null) || return 0
    [ -z "$ids" ] || d rm -f $ids >/dev/null 2>&1 || true
}

# runtime_binary: the binary dockerd runs for $DOCKER_TEST_RUNTIME.
runtime_binary() {
    case "$DOCKER_TEST_RUNTIME" in
        hull) echo "$HULL_BUILT_RUNTIME" ;;
        runc) command -v runc ;;
        *) echo "$HULL_RUNTIME" ;;
    esac
}

# runtime_state_root ID: the --root under which the shim created container ID
# (dockerd 20.10 gives every runtime <exec-root>/runtime-runc/moby).
runtime_state_root() {
    local dir
    for dir in "$DK_DIR"/exec/runtime-*/moby; do
        [ -e "$dir/$1" ] && { echo "$dir"; return 0; }
    done
    return 1
}

# inspect NAME FORMAT: one field of `docker inspect`.
inspect() {
    d inspect --format "$2" "$1"
}

# cgroup_file NAME CONTROLLER FILE: the host path of FILE in the container's
# cgroup for CONTROLLER (v1), or in its unified cgroup (v2), found from the
# container's init process.
cgroup_file() {
    local pid rel
    pid=$(inspect "$1" '{{.State.Pid}}')
    if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
        rel=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
        echo "/sys/fs/cgroup$rel/$3"
    else
        rel=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' \
            "/proc/$pid/cgroup")
        echo "/sys/fs/cgroup/$2$rel/$3"
    fi
}

cgroup_v2() { [ -f /sys/fs/cgroup/cgroup.controllers ]; }

# nothing_left ID: no state dir, mount, cgroup or process of container ID.
nothing_left() {
    local id=$1
    ! ls -d "$DK_DIR"/exec/runtime-*/moby/"$id" 2>/dev/null | grep -q . || { echo "runtime state left for $id" >&2; return 1; }
    ! grep -q "$id" /proc/self/mountinfo || { echo "mount left for $id" >&2; return 1; }
    ! find /sys/fs/cgroup/ -maxdepth 4 -type d -name "$id" 2>/dev/null | grep -q . || { echo "cgroup left for $id" >&2; return 1; }
    ! pgrep -f -- "$id" >/dev/null || { echo "process left for $id" >&2; return 1; }
}

@test "docker: run prints the output and returns the exit code" {
    run drun --rm "$IMAGE" echo hello from docker
    [ "$status" -eq 0 ]
    [ "$output" = "hello from docker" ]
    run drun --rm "$IMAGE" sh -c 'exit 3'
    [ "$status" -eq 3 ]
    run drun --rm "$IMAGE" false
    [ "$status" -eq 1 ]
}

@test "docker: a missing program exits 127, one that cannot be executed 126" {
    # dockerd derives these from the runtime's create error ("executable file
    # not found" / "permission denied"), as the shell does
    run -127 drun --rm "$IMAGE" /no/such/binary
    run -127 drun --rm "$IMAGE" no-such-command
    run -126 drun --rm "$IMAGE" /etc
    run -126 drun --rm "$IMAGE" /etc/passwd
    wait_until '[ -z "$(d ps -aq)" ]'
}

@test "docker: the container is created by the selected runtime, with docker's spec" {
    run drun -d --name hull-which "$IMAGE" sleep 1000
    [ "$status" -eq 0 ]
    local id=$output root
    [ "$(inspect hull-which '{{.HostConfig.Runtime}}')" = "$DOCKER_TEST_RUNTIME" ]
    root=$(runtime_state_root "$id")
    # the runtime reads back its own state: the shim ran that binary
    run "$(runtime_binary)" --root "$root" state "$id"
    [ "$status" -eq 0 ]
    [ "$(jq -r .status <<<"$output")" = running ]
    [ "$(jq -r .pid <<<"$output")" = "$(inspect hull-which '{{.State.Pid}}')" ]
    # docker's default seccomp profile, capability set, masked and read-only
    # paths reached the process
    run d exec hull-which sh -c 'grep -E "^(Seccomp|CapEff):" /proc/self/status'
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "CapEff:"*"00000000a80425fb" ]]
    [[ "${lines[1]}" == "Seccomp:"*2 ]]
    run d exec hull-which sh -c 'touch /proc/sys/kernel/ns_last_pid 2>&1'
    [[ "$output" == *"Read-only file system"* ]]
    local masked
    for masked in /proc/keys /proc/timer_list /sys/firmware; do
        [ -e "$masked" ] || continue
        # a file is covered by /dev/null, a directory by an empty read-only tmpfs
        run d exec hull-which sh -c "if [ -d $masked ]; then ls -A $masked | wc -l; else wc -c <$masked; fi"
        [ "$output" = 0 ]
    done
}

@test "docker: -e, -u, -w, --hostname, --read-only, --cap-drop reach the process" {
    run drun --rm -e HULL_GREETING=hi -u 65534:65534 -w /tmp --hostname hull-docker-test "$IMAGE" \
        sh -c 'echo "$HULL_GREETING $PATH"; id -u; id -g; pwd; hostname'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "hi /bin:/sbin:/usr/bin:/usr/sbin" ]
    [ "${lines[1]}" = 65534 ]
    [ "${lines[2]}" = 65534 ]
    [ "${lines[3]}" = /tmp ]
    [ "${lines[4]}" = hull-docker-test ]
    run drun --rm --read-only "$IMAGE" sh -c 'touch /x 2>&1; echo rc=$?'
    [[ "$output" == *"Read-only file system"*"rc=1" ]]
    run drun --rm --cap-drop ALL "$IMAGE" sh -c 'grep CapEff /proc/self/status'
    [[ "$output" == "CapEff:"*"0000000000000000" ]]
}

@test "docker: HOME comes from the container's /etc/passwd (Docker leaves it to the runtime)" {
    # Docker 20.10's spec carries only PATH, HOSTNAME and -e: runc sets HOME
    # from the process user's passwd entry, "/" when there is none
    run drun --rm "$IMAGE" sh -c 'echo "$HOME"'
    [ "$output" = /root ]
    run drun --rm -u 65534 "$IMAGE" sh -c 'echo "$HOME"'
    [ "$output" = / ]
    run drun --rm -u 4242 "$IMAGE" sh -c 'echo "$HOME"'
    [ "$output" = / ]
    run drun --rm -e HOME=/custom "$IMAGE" sh -c 'echo "$HOME"'
    [ "$output" = /custom ]
    run drun -d --name hull-home "$IMAGE" sleep 1000
    [ "$status" -eq 0 ]
    run d exec hull-home sh -c 'echo "$HOME"'
    [ "$output" = /root ]
    run d exec -u 65534 hull-home sh -c 'echo "$HOME"'
    [ "$output" = / ]
}

@test "docker: run --rm leaves nothing behind" {
    local cid
    run drun --rm --cidfile "$TEST_DIR/cid" "$IMAGE" sh -c 'cat /proc/self/cgroup'
    [ "$status" -eq 0 ]
    cid=$(cat "$TEST_DIR/cid")
    [[ "$output" == *"$DK_CGROUP_PARENT/$cid"* ]]
    # --rm is done by dockerd after `docker run` returned
    wait_until '[ -z "$(d ps -aq)" ]'
    wait_until nothing_left "$cid"
}

@test "docker: run -d, logs, stop (SIGTERM), rm" {
    run drun -d --name hull-detached "$IMAGE" \
        sh -c 'trap "echo stopping; exit 42" TERM; echo started; while true; do sleep 0.1; done'
    [ "$status" -eq 0 ]
    local id=$output pid
    [ "$(inspect hull-detached '{{.State.Status}}')" = running ]
    pid=$(inspect hull-detached '{{.State.Pid}}')
    [ -d "/proc/$pid" ]
    wait_until '[[ "$(d logs hull-detached 2>&1)" == started ]]'
    run d stop --time 30 hull-detached
    [ "$status" -eq 0 ]
    [ "$(inspect hull-detached '{{.State.Status}} {{.State.ExitCode}}')" = "exited 42" ]
    run d logs hull-detached
    [ "$output" = "started
stopping" ]
    [ ! -d "/proc/$pid" ]
    run d rm hull-detached
    [ "$status" -eq 0 ]
    wait_until nothing_left "$id"
}

@test "docker: exec runs in the container's namespaces and returns the exit code" {
    run drun -d --name hull-exec "$IMAGE" sleep 1000
    [ "$status" -eq 0 ]
    local pid
    pid=$(inspect hull-exec '{{.State.Pid}}')
    run d exec hull-exec sh -c 'readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt; echo "[$HULL_X]"'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "$(readlink "/proc/$pid/ns/pid")" ]
    [ "${lines[1]}" = "$(readlink "/proc/$pid/ns/mnt")" ]
    [ "${lines[2]}" = "[]" ]
    run d exec -e HULL_X=from-exec -u 65534 -w /tmp hull-exec sh -c 'echo "$HULL_X $(id -u) $(pwd)"; exit 5'
    [ "$status" -eq 5 ]
    [ "$output" = "from-exec 65534 /tmp" ]
    # docker exec reports any failure to start the process as 126
    run -126 d exec hull-exec /no/such/binary
    run -126 d exec hull-exec /etc
    # the container is unaffected
    [ "$(inspect hull-exec '{{.State.Status}}')" = running ]
    run d exec hull-exec true
    [ "$status" -eq 0 ]
}

@test "docker: run -t, run -it and exec -t give the process a terminal" {
    command -v script >/dev/null || skip "script (util-linux) is not installed"
    # script(1) gives docker's client the terminal that -t requires. timeout
    # must leave the client in the terminal's foreground process group
    # (--foreground): in a group of its own, as plain timeout makes it, `run
    # -it` gets SIGTTOU/EIO from the terminal and docker's client spins for
    # ever (seen when script runs the command with dash, i.e. without SHELL in
    # the environment, as in CI; with runc too). --kill-after because the
    # client proxies SIGTERM to the container instead of exiting; script is
    # bounded as well, since a hung one keeps bats's output pipe open.
    local client="DOCKER_HOST=unix://$DK_DIR/docker.sock DOCKER_CONFIG=$DK_DIR/cli timeout --foreground --kill-after=10 120 $DOCKER_CLI"
    run timeout --kill-after=10 180 script -qec "$client run --runtime $DOCKER_TEST_RUNTIME --network none --rm -t $IMAGE \
        sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-tty'" /dev/null </dev/null
    [ "$status" -eq 0 ]
    output=${output//$'\r'/}
    [[ "$output" == *"/dev/pts/0"*"both-tty"* ]]

    # the terminal belongs to the process's user (runc chowns it to the uid;
    # the group stays tty, docker mounts devpts with gid=5)
    run timeout --kill-after=10 180 script -qec "$client run --runtime $DOCKER_TEST_RUNTIME --network none --rm -t -u 1000:1000 $IMAGE \
        sh -c 'stat -c %u:%g \$(tty)'" /dev/null </dev/null
    [ "$status" -eq 0 ]
    [ "${output//$'\r'/}" = 1000:5 ]

    # -it: what is typed reaches the shell, its exit code comes back
    run timeout --kill-after=10 180 script -qec "$client run --runtime $DOCKER_TEST_RUNTIME --network none --rm -it $IMAGE sh" /dev/null \
        < <(printf 'echo typed-$((6 * 7))\nexit 3\n')
    [ "$status" -eq 3 ]
    [[ "$output" == *typed-42* ]]

    run drun -d --name hull-tty "$IMAGE" sleep 1000
    [ "$status" -eq 0 ]
    run timeout --kill-after=10 180 script -qec "$client exec -t hull-tty sh -c 'tty; [ -t 1 ] && echo exec-tty; exit 4'" /dev/null </dev/null
    [ "$status" -eq 4 ]
    output=${output//$'\r'/}
    [[ "$output" == *"/dev/pts/"*"exec-tty"* ]]
    # without -t: no terminal
    run d exec hull-tty sh -c '[ -t 1 ] || echo no-tty'
    [ "$output" = no-tty ]
}

@test "docker: --memory sets the limit; exceeding it OOM-kills (137, State.OOMKilled)" {
    run drun -d --name hull-mem --memory 64m --memory-swap 64m "$IMAGE" sleep 1000
    [ "$status" -eq 0 ]
    if cgroup_v2; then
        [ "$(cat "$(cgroup_file hull-mem memory memory.max)")" = 67108864 ]
    else
        [ "$(cat "$(cgroup_file hull-mem memory memory.limit_in_bytes)")" = 67108864 ]
    fi
    run d stats --no-stream --format '{{.MemUsage}}' hull-mem
    [[ "$output" == *"/ 64MiB" ]]

    run drun --name hull-oom --memory 32m --memory-swap 32m "$IMAGE" \
        sh -c 'x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done'
    [ "$status" -eq 137 ]
    [ "$(inspect hull-oom '{{.State.ExitCode}} {{.State.OOMKilled}}')" = "137 true" ]
}

@test "docker: pause and unpause freeze and thaw the container" {
    run drun -d --name hull-pause "$IMAGE" sleep 1000
    [ "$status" -eq 0 ]
    local freezer
    if cgroup_v2; then freezer=$(cgroup_file hull-pause freezer cgroup.freeze); else freezer=$(cgroup_file hull-pause freezer freezer.state); fi
    run d pause hull-pause
    [ "$status" -eq 0 ]
    [ "$(inspect hull-pause '{{.State.Status}} {{.State.Paused}}')" = "paused true" ]
    if cgroup_v2; then [ "$(cat "$freezer")" = 1 ]; else [ "$(cat "$freezer")" = FROZEN ]; fi
    run d unpause hull-pause
    [ "$status" -eq 0 ]
    [ "$(inspect hull-pause '{{.State.Status}} {{.State.Paused}}')" = "running false" ]
    if cgroup_v2; then [ "$(cat "$freezer")" = 0 ]; else [ "$(cat "$freezer")" = THAWED ]; fi
    run d exec hull-pause echo thawed
    [ "$output" = thawed ]
}

@test "docker: update changes memory, CPU shares and pids limits of a running container" {
    run drun -d --name hull-update --memory 64m --memory-swap 128m "$IMAGE" sleep 1000
    [ "$status" -eq 0 ]
    run d update --memory 96m --memory-swap 192m --cpu-shares 512 --pids-limit 50 hull-update
    [ "$status" -eq 0 ]
    [ "$(cat "$(cgroup_file hull-update pids pids.max)")" = 50 ]
    if cgroup_v2; then
        [ "$(cat "$(cgroup_file hull-update memory memory.max)")" = 100663296 ]
        # runc's conversion of shares to weight: 1 + (512 - 2) * 9999 / 262142
        [ "$(cat "$(cgroup_file hull-update cpu cpu.weight)")" = 20 ]
    else
        [ "$(cat "$(cgroup_file hull-update memory memory.limit_in_bytes)")" = 100663296 ]
        [ "$(cat "$(cgroup_file hull-update cpu cpu.shares)")" = 512 ]
    fi
    [ "$(inspect hull-update '{{.HostConfig.Memory}} {{.HostConfig.CpuShares}} {{.HostConfig.PidsLimit}}')" = "100663296 512 50" ]
    # the container keeps running under the new limits
    run d exec hull-update echo still-running
    [ "$output" = still-running ]
}

@test "docker: top lists the container's processes, stats reports its usage" {
    run drun -d --name hull-top "$IMAGE" sh -c 'sleep 1000 & sleep 1001; exit 0'
    [ "$status" -eq 0 ]
    local pid
    pid=$(inspect hull-top '{{.State.Pid}}')
    wait_until '[ "$(d top hull-top -o pid,comm | grep -c sleep)" = 2 ]'
    run d top hull-top -o pid,comm
    [ "$status" -eq 0 ]
    [[ "$output" == *"$pid "*sh* ]]
    [[ "$output" == *sleep*sleep* ]]
    run d stats --no-stream --format '{{.Name}} {{.PIDs}} {{.MemUsage}}' hull-top
    [ "$status" -eq 0 ]
    # sh and two sleeps; memory in use is more than nothing
    [[ "$output" == "hull-top 3 "* ]]
    [[ "$output" != *" 0B / "* ]]
}

@test "docker: restart starts a new process in the same container" {
    run drun -d --name hull-restart "$IMAGE" sh -c 'trap "exit 0" TERM; echo run; while true; do sleep 0.1; done'
    [ "$status" -eq 0 ]
    # restarted once the trap is set, so the stop is a clean exit, not a 30 s SIGKILL
    wait_until '[[ "$(d logs hull-restart 2>&1)" == run ]]'
    local pid1 pid2
    pid1=$(inspect hull-restart '{{.State.Pid}}')
    run d restart --time 30 hull-restart
    [ "$status" -eq 0 ]
    [ "$(inspect hull-restart '{{.State.Status}}')" = running ]
    pid2=$(inspect hull-restart '{{.State.Pid}}')
    [ "$pid2" != "$pid1" ]
    [ ! -d "/proc/$pid1" ]
    wait_until '[ "$(d logs hull-restart 2>&1)" = "run
run" ]'
}

@test "docker: --restart on-failure restarts a failing container up to the limit" {
    run drun -d --name hull-onfail --restart on-failure:2 "$IMAGE" sh -c 'echo attempt; exit 3'
    [ "$status" -eq 0 ]
    # one run and two restarts (dockerd waits 100 ms, then 200 ms, between them)
    wait_until '[ "$(inspect hull-onfail "{{.State.Status}} {{.RestartCount}}")" = "exited 2" ]'
    [ "$(inspect hull-onfail '{{.State.ExitCode}}')" = 3 ]
    run d logs hull-onfail
    [ "$output" = "attempt
attempt
attempt" ]
}

@test "docker: healthchecks run in the container: starting, unhealthy, then healthy" {
    run drun -d --name hull-health --health-cmd 'test -e /tmp/ready' --health-interval 1s \
        --health-retries 1 "$IMAGE" sleep 1000
    [ "$status" -eq 0 ]
    # each probe is a `docker exec` through the runtime; one failure is enough
    # (--health-retries 1) to make it unhealthy
    wait_until '[ "$(inspect hull-health "{{.State.Health.Status}}")" = unhealthy ]'
    [ "$(inspect hull-health '{{(index .State.Health.Log 0).ExitCode}}')" = 1 ]
    d exec hull-health touch /tmp/ready
    wait_until '[ "$(inspect hull-health "{{.State.Health.Status}}")" = healthy ]'
    [ "$(inspect hull-health '{{.State.Health.FailingStreak}}')" = 0 ]
}

@test "docker: cp copies files into and out of a running container" {
    run drun -d --name hull-cp "$IMAGE" sh -c 'echo from-container >/tmp/out; sleep 1000'
    [ "$status" -eq 0 ]
    echo from-host >"$TEST_DIR/in"
    mkdir -p "$TEST_DIR/dir"
    echo nested >"$TEST_DIR/dir/file"
    run d cp "$TEST_DIR/in" hull-cp:/tmp/in
    [ "$status" -eq 0 ]
    run d cp "$TEST_DIR/dir" hull-cp:/tmp/
    [ "$status" -eq 0 ]
    run d exec hull-cp cat /tmp/in /tmp/dir/file
    [ "$output" = "from-host
nested" ]
    wait_until 'd exec hull-cp test -s /tmp/out'
    run d cp hull-cp:/tmp/out "$TEST_DIR/out"
    [ "$status" -eq 0 ]
    [ "$(cat "$TEST_DIR/out")" = from-container ]
}

@test "docker: commit a container's changes and run the new image" {
    run drun -d --name hull-commit "$IMAGE" sleep 1000
    [ "$status" -eq 0 ]
    d exec hull-commit sh -c 'echo committed >/marker'
    # commit pauses the container through the runtime while it copies the layer
    run d commit --change 'CMD ["cat", "/marker"]' hull-commit hull-committed:test
    [ "$status" -eq 0 ]
    [ "$(inspect hull-commit '{{.State.Status}}')" = running ]
    run drun --rm hull-committed:test
    [ "$status" -eq 0 ]
    [ "$output" = committed ]
    d rmi hull-committed:test >/dev/null
}
