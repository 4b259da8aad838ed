#!/usr/bin/env bats
# podman (with conmon) driving the runtime under test: `podman --runtime
# $HULL_RUNTIME` with a private store, config and cgroup parent, and a busybox
# image imported offline from a rootfs tarball.

load helpers
bats_require_minimum_version 1.5.0

IMAGE=localhost/hull-busybox:test

setup_file() {
    command -v podman >/dev/null && command -v conmon >/dev/null || return 0
    mkdir -p "$WORK_BASE"
    PODMAN_DIR=$(mktemp -d "$WORK_BASE/podman.XXXXXX")
    # one cgroup parent per test file, removed in teardown_file (conmon's own
    # cgroup lands in <parent>/conmon)
    PODMAN_CGROUP_PARENT=hull-clients-podman-$$
    # podman refuses a runroot longer than 50 characters, which a checkout in a
    # long path (a worktree, a CI directory) gives below tests/.work: keep it short
    PODMAN_RUNROOT=$(mktemp -d /tmp/hull-pm.XXXXXX)
    export PODMAN_DIR PODMAN_CGROUP_PARENT PODMAN_RUNROOT
    mkdir -p "$PODMAN_DIR"/{cwd,tmp,volumes,net}
    # default_ulimits = []: podman would otherwise ask for rlimits above this
    # host's hard limits, which no runtime can grant without CAP_SYS_RESOURCE.
    # netns = "none": no bridge network, so nothing touches the host's network.
    cat >"$PODMAN_DIR/containers.conf" <<CONF
[containers]
default_ulimits = []
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PODMAN_DIR/events.log"
tmp_dir = "$PODMAN_DIR/tmp"
volume_path = "$PODMAN_DIR/volumes"
[network]
network_config_dir = "$PODMAN_DIR/net"
CONF
    cat >"$PODMAN_DIR/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$PODMAN_DIR/root"
runroot = "$PODMAN_RUNROOT"
CONF
    echo 'unqualified-search-registries = []' >"$PODMAN_DIR/registries.conf"
    echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$PODMAN_DIR/policy.json"
    local images
    images=$(client_image_dir)
    pm import --change 'CMD ["sh"]' --change 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin' \
        "$images/rootfs.tar" "$IMAGE" >/dev/null
}

teardown_file() {
    [ -n "${PODMAN_DIR:-}" ] || return 0
    pm rm --all --force --time 0 >/dev/null 2>&1 || true
    pm rmi --all --force >/dev/null 2>&1 || true
    unmount_below "$PODMAN_DIR"
    unmount_below "$PODMAN_RUNROOT"
    remove_cgroup_tree "$PODMAN_CGROUP_PARENT"
    rm -rf "$PODMAN_DIR" "$PODMAN_RUNROOT"
}

setup() {
    command -v podman >/dev/null || skip "podman is not installed (apt-get install podman)"
    command -v conmon >/dev/null || skip "conmon is not installed (apt-get install conmon)"
}

teardown() {
    diag_on_failure
    [ -n "${PODMAN_DIR:-}" ] || return 0
    pm rm --all --force --time 0 >/dev/null 2>&1 || true
}

# pm ARGS...: podman on the private store with the runtime under test. It runs
# from a scratch directory because conmon 2.1.6 writes an `oom` file into its cwd.
pm() {
    (
        cd "$PODMAN_DIR/cwd" || exit 1
        export CONTAINERS_CONF=$PODMAN_DIR/containers.conf
        export CONTAINERS_STORAGE_CONF=$PODMAN_DIR/storage.conf
        export CONTAINERS_REGISTRIES_CONF=$PODMAN_DIR/registries.conf
        timeout --kill-after=10 120 podman --root "$PODMAN_DIR/root" --runroot "$PODMAN_RUNROOT" \
            --cgroup-manager cgroupfs --events-backend file --runtime "$HULL_RUNTIME" "$@"
    )
}

# pm_run ARGS...: `podman run` below this file's cgroup parent.
pm_run() {
    pm run --cgroup-parent "/$PODMAN_CGROUP_PARENT" "$@"
}

@test "podman: run prints the container's output and exits 0" {
    run pm_run --rm "$IMAGE" echo hello from busybox
    [ "$status" -eq 0 ]
    [ "$output" = "hello from busybox" ]
}

@test "podman: the container's exit code is podman's exit code" {
    run pm_run --rm "$IMAGE" sh -c 'exit 3'
    [ "$status" -eq 3 ]
    run pm_run --rm "$IMAGE" false
    [ "$status" -eq 1 ]
}

@test "podman: a missing executable makes podman exit 127" {
    run -127 pm_run --rm "$IMAGE" /no/such/binary
}

@test "podman: --hostname sets the UTS hostname" {
    run pm_run --rm --hostname hull-podman-test "$IMAGE" hostname
    [ "$status" -eq 0 ]
    [ "$output" = "hull-podman-test" ]
}

@test "podman: -e and the image's ENV reach the process" {
    run pm_run --rm -e HULL_GREETING=hi "$IMAGE" sh -c 'echo "$HULL_GREETING $PATH"'
    [ "$status" -eq 0 ]
    [ "$output" = "hi /bin:/sbin:/usr/bin:/usr/sbin" ]
}

@test "podman: -v bind mounts a host directory read-write and :ro read-only" {
    local vol=$PODMAN_DIR/vol-$BATS_TEST_NUMBER
    mkdir -p "$vol"
    echo from-host >"$vol/in"
    run pm_run --rm -v "$vol:/data" "$IMAGE" sh -c 'cat /data/in && echo from-container >/data/out'
    [ "$status" -eq 0 ]
    [ "$output" = "from-host" ]
    [ "$(cat "$vol/out")" = "from-container" ]
    run pm_run --rm -v "$vol:/data:ro" "$IMAGE" sh -c 'echo x >/data/out2'
    [ "$status" -ne 0 ]
    [[ "$output" == *"Read-only file system"* ]]
    [ ! -e "$vol/out2" ]
}

@test "podman: --read-only makes / read-only but keeps /tmp writable" {
    run pm_run --rm --read-only "$IMAGE" sh -c 'touch /hull-ro-test'
    [ "$status" -ne 0 ]
    [[ "$output" == *"Read-only file system"* ]]
    run pm_run --rm --read-only "$IMAGE" sh -c 'touch /tmp/ok && echo written'
    [ "$status" -eq 0 ]
    [ "$output" = "written" ]
}

@test "podman: -u runs the process as that uid and gid" {
    # seccomp=unconfined: with podman's default seccomp profile see the
    # seccomp test below
    run pm_run --rm --security-opt seccomp=unconfined -u 65534:65534 "$IMAGE" id
    [ "$status" -eq 0 ]
    [[ "$output" == "uid=65534(nobody) gid=65534(nogroup)"* ]]
}

@test "podman: --cap-drop ALL leaves no capabilities and root cannot chown" {
    run pm_run --rm --cap-drop ALL "$IMAGE" grep -E '^Cap(Prm|Eff|Bnd)' /proc/self/status
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 3 ]
    local line
    for line in "${lines[@]}"; do
        [[ "$line" == *"0000000000000000" ]]
    done
    run pm_run --rm --cap-drop ALL "$IMAGE" sh -c 'touch /tmp/f && chown 65534 /tmp/f'
    [ "$status" -ne 0 ]
    [[ "$output" == *"Operation not permitted"* ]]
}

@test "podman: --network none gives the container only a loopback interface" {
    run pm_run --rm --network none "$IMAGE" ls /sys/class/net
    [ "$status" -eq 0 ]
    [ "$output" = "lo" ]
    # a new network namespace, not the host's
    run pm_run --rm --network none "$IMAGE" readlink /proc/self/ns/net
    [ "$status" -eq 0 ]
    [ "$output" != "$(readlink /proc/self/ns/net)" ]
}

@test "podman: --memory limit is enforced: an allocation loop is OOM-killed (137)" {
    run pm_run --rm --memory 32m --memory-swap 32m "$IMAGE" \
        sh -c 'x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done'
    [ "$status" -eq 137 ]
}

@test "podman: --pids-limit caps the number of processes" {
    run pm_run --rm --pids-limit 10 "$IMAGE" sh -c \
        'cat /sys/fs/cgroup/pids/pids.max; for i in $(seq 20); do sleep 2 & done 2>&1; wait'
    [ "${lines[0]}" = "10" ]
    [[ "$output" == *"can't fork"* ]]
}

@test "podman: --ulimit sets the process rlimits" {
    # nproc explicitly: with any --ulimit, podman also asks for RLIMIT_NPROC
    # 1048576, above this host's hard limit (no CAP_SYS_RESOURCE here)
    run pm_run --rm --ulimit nproc=4096:4096 --ulimit nofile=512:1024 "$IMAGE" \
        sh -c 'ulimit -Sn; ulimit -Hn; ulimit -u'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "512" ]
    [ "${lines[1]}" = "1024" ]
    [ "${lines[2]}" = "4096" ]
}

@test "podman: --rm leaves no container, state, cgroup, mount or process behind" {
    local cidfile=$PODMAN_DIR/cid-$BATS_TEST_NUMBER
    run pm_run --rm --cidfile "$cidfile" "$IMAGE" true
    [ "$status" -eq 0 ]
    local id
    id=$(cat "$cidfile")
    [ ${#id} -eq 64 ]
    run pm ps --all --quiet --no-trunc
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    # podman calls the runtime without --root: its default state root
    ! "$HULL_RUNTIME" list --quiet | grep -q "$id"
    no_cgroup_named "$id"
    ! grep -q "$id" /proc/self/mountinfo
    ! pgrep -f -- "$id" >/dev/null
}

@test "podman: run -d, logs, stop and rm" {
    run pm_run -d --name hull-detached "$IMAGE" \
        sh -c 'trap "echo got TERM; exit 0" TERM; echo started; while true; do sleep 0.1; done'
    [ "$status" -eq 0 ]
    local id=$output
    run pm inspect --format '{{.State.Status}} {{.State.Pid}}' hull-detached
    [ "$status" -eq 0 ]
    [[ "$output" == "running "* ]]
    local pid=${output#running }
    [ -d "/proc/$pid" ]
    local i
    wait_until '[[ "$(pm logs hull-detached 2>&1)" == *started* ]]'
    [[ "$(pm logs hull-detached)" == *started* ]]
    run pm stop --time 10 hull-detached
    [ "$status" -eq 0 ]
    run pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' hull-detached
    [ "$output" = "exited 0" ]
    [[ "$(pm logs hull-detached)" == *"got TERM"* ]]
    run pm rm hull-detached
    [ "$status" -eq 0 ]
    run pm ps --all --quiet
    [ -z "$output" ]
    ! "$HULL_RUNTIME" list --quiet | grep -q "$id"
    no_cgroup_named "$id"
}

@test "podman: run -t gives the process a terminal (console socket)" {
    run pm_run --rm -t "$IMAGE" sh -c 'tty; exit 5'
    [ "$status" -eq 5 ]
    # the pty turns \n into \r\n
    [[ "$output" == "/dev/pts/0"* ]]
}

@test "podman: exec runs a process in a running container" {
    run pm_run -d --name hull-exec --hostname hull-exec-host "$IMAGE" sleep 1000
    [ "$status" -eq 0 ]
    run pm exec hull-exec sh -c 'echo "$(hostname) $$"; exit 5'
    [ "$status" -eq 5 ]
    # same UTS namespace as the container, its own pid in the container's pid namespace
    [[ "$output" == "hull-exec-host "* ]]
    [ "${output#hull-exec-host }" -gt 1 ]
    run pm exec -e HULL_X=1 -w /tmp hull-exec sh -c 'echo "$HULL_X $(pwd)"'
    [ "$status" -eq 0 ]
    [ "$output" = "1 /tmp" ]
    run pm exec -t hull-exec tty
    [ "$status" -eq 0 ]
    [[ "$output" == "/dev/pts/"* ]]
    run -127 pm exec hull-exec /no/such/binary
    run pm stop --time 1 hull-exec
    [ "$status" -eq 0 ]
}

@test "podman: pause freezes the container, unpause thaws it" {
    run pm_run -d --name hull-pause "$IMAGE" sleep 1000
    [ "$status" -eq 0 ]
    local id=$output
    local freezer=/sys/fs/cgroup/freezer/$PODMAN_CGROUP_PARENT/libpod-$id/freezer.state
    run pm pause hull-pause
    [ "$status" -eq 0 ]
    [ "$(pm inspect --format '{{.State.Status}}' hull-pause)" = paused ]
    [ "$(cat "$freezer")" = FROZEN ]
    run pm unpause hull-pause
    [ "$status" -eq 0 ]
    [ "$(pm inspect --format '{{.State.Status}}' hull-pause)" = running ]
    [ "$(cat "$freezer")" = THAWED ]
}

@test "podman: update changes the memory limit of a running container" {
    run pm_run -d --name hull-update --memory 32m "$IMAGE" sleep 1000
    [ "$status" -eq 0 ]
    local id=$output
    local limit=/sys/fs/cgroup/memory/$PODMAN_CGROUP_PARENT/libpod-$id/memory.limit_in_bytes
    [ "$(cat "$limit")" = 33554432 ]
    run pm update --memory 64m hull-update
    [ "$status" -eq 0 ]
    [ "$(cat "$limit")" = 67108864 ]
}

@test "podman: -u with no-new-privileges and podman's default seccomp profile" {
    run pm_run --rm --security-opt no-new-privileges -u 65534:65534 "$IMAGE" \
        sh -c 'id; grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status'
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "uid=65534(nobody) gid=65534(nogroup)"* ]]
    [[ "$output" == *"NoNewPrivs:"*"1"* ]]
    # 2 = SECCOMP_MODE_FILTER: podman's default profile is loaded
    [[ "$output" == *"Seccomp:"*"2"* ]]
}

@test "podman: --uidmap runs the container in a user namespace" {
    run pm_run --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$IMAGE" \
        sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; touch /tmp/x && stat -c %u /tmp/x'
    [ "$status" -eq 0 ]
    [ "$(echo ${lines[0]})" = "0 100000 65536" ]
    [ "$(echo ${lines[1]})" = "0 100000 65536" ]
    [ "${lines[2]}" = 0 ]
    [ "${lines[3]}" = 0 ]
}

@test "podman: --cpus, --cpu-shares and --cpuset-cpus reach the cgroup" {
    run pm_run --rm --cpus 0.5 --cpu-shares 512 --cpuset-cpus 0 "$IMAGE" \
        cat /sys/fs/cgroup/cpu/cpu.cfs_period_us /sys/fs/cgroup/cpu/cpu.cfs_quota_us \
        /sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/cpuset/cpuset.cpus
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 100000 ]
    [ "${lines[1]}" = 50000 ]
    [ "${lines[2]}" = 512 ]
    [ "${lines[3]}" = 0 ]
}

@test "podman: --sysctl sets namespaced sysctls" {
    run pm_run --rm --sysctl net.ipv4.ip_forward=1 --sysctl kernel.msgmax=4096 "$IMAGE" \
        cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 1 ]
    [ "${lines[1]}" = 4096 ]
}

@test "podman: restart starts a new container process" {
    run pm_run -d --name hull-restart "$IMAGE" sleep 1000
    [ "$status" -eq 0 ]
    local pid1 pid2
    pid1=$(pm inspect --format '{{.State.Pid}}' hull-restart)
    run pm restart --time 1 hull-restart
    [ "$status" -eq 0 ]
    pid2=$(pm inspect --format '{{.State.Pid}}' hull-restart)
    [ "$(pm inspect --format '{{.State.Status}}' hull-restart)" = running ]
    [ "$pid1" != "$pid2" ]
    [ ! -d "/proc/$pid1" ] || [ "$(cat /proc/$pid1/comm 2>/dev/null)" != sleep ]
    [ -d "/proc/$pid2" ]
}
