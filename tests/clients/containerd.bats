#!/usr/bin/env bats
# containerd (shim io.containerd.runc.v2) driving the runtime under test:
# a private containerd (own config, root, state and socket) per test file, a
# busybox oci-archive made by umoci imported with `ctr images import`, and
# containers run with `ctr run --runc-binary $HULL_RUNTIME`.

load helpers
bats_require_minimum_version 1.5.0

IMAGE=localhost/busybox:busybox

setup_file() {
    command -v containerd >/dev/null && command -v ctr >/dev/null || return 0
    command -v containerd-shim-runc-v2 >/dev/null || return 0
    mkdir -p "$WORK_BASE"
    CTD_DIR=$(mktemp -d "$WORK_BASE/containerd.XXXXXX")
    # the ctr namespace is also the cgroup parent (ctr's default cgroupsPath is
    # /<namespace>/<id>), so one name per test file keeps cgroups apart
    CTD_NAMESPACE=hull-clients-ctd-$$
    export CTD_DIR CTD_NAMESPACE
    # CRI and the snapshotters that need other filesystems are off: only what
    # ctr needs is loaded, and nothing listens outside $CTD_DIR
    cat >"$CTD_DIR/config.toml" <<CONF
version = 2
root = "$CTD_DIR/root"
state = "$CTD_DIR/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
    "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs",
    "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp",
    "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$CTD_DIR/containerd.sock"
[ttrpc]
  address = "$CTD_DIR/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$CTD_DIR/opt"
CONF
    containerd --config "$CTD_DIR/config.toml" >"$CTD_DIR/containerd.log" 2>&1 3>&- &
    echo $! >"$CTD_DIR/containerd.pid"
    local i
    wait_until 'c version >/dev/null 2>&1' || true
    c version >/dev/null || { cat "$CTD_DIR/containerd.log" >&2; return 1; }
    local images
    images=$(client_image_dir)
    c images import --base-name localhost/busybox "$images/busybox-oci.tar" >/dev/null
}

teardown_file() {
    [ -n "${CTD_DIR:-}" ] || return 0
    remove_all_containers
    c images rm "$IMAGE" >/dev/null 2>&1 || true
    local pid
    pid=$(cat "$CTD_DIR/containerd.pid" 2>/dev/null) || pid=
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        local i
        wait_until '! { kill -0 "$pid" 2>/dev/null; }' || true
        kill -9 "$pid" 2>/dev/null || true
    fi
    # shims of tasks that could not be deleted: their command line names our socket
    for pid in $(pgrep -f -- "-address $CTD_DIR/containerd.sock" || true); do
        kill -9 "$pid" 2>/dev/null || true
    done
    unmount_below "$CTD_DIR"
    remove_cgroup_tree "$CTD_NAMESPACE"
    rm -rf "$CTD_DIR"
}

setup() {
    command -v containerd >/dev/null || skip "containerd is not installed (apt-get install containerd)"
    command -v ctr >/dev/null || skip "ctr is not installed (apt-get install containerd)"
    command -v containerd-shim-runc-v2 >/dev/null || skip "containerd-shim-runc-v2 is not installed (apt-get install containerd)"
    mkdir -p "$CTD_DIR/cwd"
}

teardown() {
    diag_on_failure
    [ -n "${CTD_DIR:-}" ] || return 0
    remove_all_containers
}

# c ARGS...: ctr on the private containerd, in this file's namespace.
c() {
    (cd "$CTD_DIR" && timeout --kill-after=10 120 ctr --address "$CTD_DIR/containerd.sock" \
        --namespace "$CTD_NAMESPACE" "$@")
}

# ctr_run ARGS...: `ctr run` with the runtime under test and a private runtime
# state root (the shim passes it to the runtime as --root).
ctr_run() {
    c run --runc-binary "$HULL_RUNTIME" --runc-root "$CTD_DIR/runtime-state" \
        --fifo-dir "$CTD_DIR/fifo" "$@"
}

remove_all_containers() {
    local id
    for id in $(c tasks ls --quiet 2>/dev/null); do
        c tasks kill --signal SIGKILL "$id" >/dev/null 2>&1 || true
        c tasks delete --force "$id" >/dev/null 2>&1 || true
    done
    for id in $(c containers ls --quiet 2>/dev/null); do
        c containers rm "$id" >/dev/null 2>&1 || true
    done
}

# task_status ID: RUNNING, STOPPED, ... as `ctr tasks ls` prints it.
task_status() {
    c tasks ls | awk -v id="$1" '$1 == id { print $3 }'
}

@test "containerd: ctr run prints the output and returns the exit code" {
    run ctr_run --rm "$IMAGE" hull-run-1 sh -c 'echo hello from containerd'
    [ "$status" -eq 0 ]
    [ "$output" = "hello from containerd" ]
    run ctr_run --rm "$IMAGE" hull-run-2 sh -c 'exit 7'
    [ "$status" -eq 7 ]
    run c containers ls --quiet
    [ -z "$output" ]
}

@test "containerd: the container runs in its own cgroup /<namespace>/<id>" {
    run ctr_run --rm "$IMAGE" hull-cgroup sh -c 'cat /proc/self/cgroup'
    [ "$status" -eq 0 ]
    [[ "$output" == *"memory:/$CTD_NAMESPACE/hull-cgroup"* ]]
    [[ "$output" == *"pids:/$CTD_NAMESPACE/hull-cgroup"* ]]
    # gone after --rm
    [ ! -d "/sys/fs/cgroup/memory/$CTD_NAMESPACE/hull-cgroup" ]
}

@test "containerd: run -d, kill with a signal, delete" {
    run ctr_run -d "$IMAGE" hull-detached sh -c 'trap "exit 42" TERM; touch /trap-set; while true; do sleep 0.1; done'
    [ "$status" -eq 0 ]
    [ "$(task_status hull-detached)" = "RUNNING" ]
    local pid
    pid=$(c tasks ls | awk '$1 == "hull-detached" { print $2 }')
    [ -d "/proc/$pid" ]
    # the runtime's own view, through the state root the shim gave it
    run "$HULL_RUNTIME" --root "$CTD_DIR/runtime-state/$CTD_NAMESPACE" state hull-detached
    [ "$status" -eq 0 ]
    [ "$(jq -r .status <<<"$output")" = "running" ]
    [ "$(jq -r .pid <<<"$output")" = "$pid" ]

    # TERM only once the trap is set (pid 1 ignores a signal it has no handler
    # for); the container's root, as its init sees it, is /proc/PID/root
    wait_until '[ -e "/proc/$pid/root/trap-set" ]'
    run c tasks kill --signal SIGTERM hull-detached
    [ "$status" -eq 0 ]
    local i
    wait_until '[ "$(task_status hull-detached)" = STOPPED ]'
    [ "$(task_status hull-detached)" = "STOPPED" ]
    run c tasks delete hull-detached
    [ "$status" -eq 0 ]
    # ctr prints the exit status of the deleted task
    [[ "$output" == *"42"* ]]
    run c containers rm hull-detached
    [ "$status" -eq 0 ]
    [ ! -e "$CTD_DIR/runtime-state/$CTD_NAMESPACE/hull-detached" ]
    [ ! -d "/sys/fs/cgroup/memory/$CTD_NAMESPACE/hull-detached" ]
    ! grep -q "hull-detached" /proc/self/mountinfo
}

@test "containerd: --memory-limit sets the cgroup limit and OOM kills (137)" {
    run ctr_run -d --memory-limit 33554432 "$IMAGE" hull-memory sleep 1000
    [ "$status" -eq 0 ]
    [ "$(cat "/sys/fs/cgroup/memory/$CTD_NAMESPACE/hull-memory/memory.limit_in_bytes")" = 33554432 ]
    c tasks kill --signal SIGKILL hull-memory
    wait_until '[ "$(task_status hull-memory)" = STOPPED ]'
    c tasks delete hull-memory
    c containers rm hull-memory

    run ctr_run --rm --memory-limit 33554432 "$IMAGE" hull-oom \
        sh -c 'x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done'
    [ "$status" -eq 137 ]
}

@test "containerd: ctr tasks exec runs a process in the running container" {
    run ctr_run -d "$IMAGE" hull-exec sleep 1000
    [ "$status" -eq 0 ]
    run c tasks exec --exec-id probe hull-exec sh -c 'echo "in $(readlink /proc/1/ns/pid)"; exit 3'
    [ "$status" -eq 3 ]
    local init_pid
    init_pid=$(c tasks ls | awk '$1 == "hull-exec" { print $2 }')
    [ "$output" = "in $(readlink "/proc/$init_pid/ns/pid")" ]
}

@test "containerd: ctr tasks pause and resume freeze and thaw the container" {
    run ctr_run -d "$IMAGE" hull-pause sleep 1000
    [ "$status" -eq 0 ]
    local freezer=/sys/fs/cgroup/freezer/$CTD_NAMESPACE/hull-pause/freezer.state
    run c tasks pause hull-pause
    [ "$status" -eq 0 ]
    [ "$(task_status hull-pause)" = PAUSED ]
    [ "$(cat "$freezer")" = FROZEN ]
    run c tasks resume hull-pause
    [ "$status" -eq 0 ]
    [ "$(task_status hull-pause)" = RUNNING ]
    [ "$(cat "$freezer")" = THAWED ]
}
