#!/usr/bin/env bats
# Rootless hull: the engine run by a normal user (docs/rootless.md), a test
# user this file creates with its own /etc/subuid and /etc/subgid ranges and
# removes at the end.  hull keeps the user's namespaces in a pause process
# (RUNROOT/@pause.pid) that every command joins; teardown_file stops it by pid.
# Every call of hull is bounded (timeout); nothing here touches the host's
# network (containers get --network none, the rootless default).

load ../lib/common
load helpers
load registry-helpers

setup_file() {
    RL_USER=""
    [ "$(id -u)" = 0 ] || return 0
    command -v useradd >/dev/null || return 0
    [ -x "$HULL_ENGINE" ] || return 0
    # without unprivileged user namespaces only the refusal is tested (the user is made anyway)
    RL_USERNS=1
    [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" != 0 ] || RL_USERNS=
    [ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" != 0 ] || RL_USERNS=
    export RL_USERNS
    RL_DIR=$(mktemp -d /tmp/hull-rootless-engine.XXXXXX)
    chmod 755 "$RL_DIR"
    RL_USER=hullre$$
    wait_until 30 useradd -M -d "$RL_DIR/home" -s /bin/sh "$RL_USER"
    grep -q "^$RL_USER:" /etc/subuid 2>/dev/null || usermod --add-subuids 500000-565535 "$RL_USER"
    grep -q "^$RL_USER:" /etc/subgid 2>/dev/null || usermod --add-subgids 500000-565535 "$RL_USER"
    mkdir -p "$RL_DIR/home" "$RL_DIR/xdg" "$RL_DIR/images"
    chmod 700 "$RL_DIR/xdg"
    local images
    images=$(busybox_images)
    cp "$images/busybox-oci.tar" "$RL_DIR/images/"
    # a root filesystem with a file and a directory owned by 1000:1000
    local tree=$RL_DIR/owned
    mkdir -p "$tree/home/u1000"
    echo mine >"$tree/home/u1000/file"
    cp "$images/rootfs.tar" "$RL_DIR/images/owned.tar"
    tar -C "$tree" --owner=1000 --group=1000 --numeric-owner -rf "$RL_DIR/images/owned.tar" ./home
    rm -rf "$tree"
    make_opaque_archive "$images/rootfs.tar" "$RL_DIR/images/opaque.tar"
    chmod 644 "$RL_DIR/images/"*
    chown -R "$RL_USER:" "$RL_DIR/home" "$RL_DIR/xdg"
    export RL_USER RL_DIR
}

# make_opaque_archive BASE.tar OUT: a docker-archive "opaque:latest" of two
# layers, BASE and one that makes /etc opaque (.wh..wh..opq) and adds /etc/only.
make_opaque_archive() {
    local d
    d=$(mktemp -d "$RL_DIR/opaque.XXXXXX")
    mkdir -p "$d/l2/etc"
    : >"$d/l2/etc/.wh..wh..opq"
    echo only >"$d/l2/etc/only"
    tar --sort=name --mtime=@0 --numeric-owner -C "$d/l2" -cf "$d/layer2.tar" ./etc
    local id1 id2 cfg
    id1=$(sha256sum "$1" | cut -d' ' -f1)
    id2=$(sha256sum "$d/layer2.tar" | cut -d' ' -f1)
    mkdir -p "$d/a/$id1" "$d/a/$id2"
    cp "$1" "$d/a/$id1/layer.tar"
    mv "$d/layer2.tar" "$d/a/$id2/layer.tar"
    jq -cn --arg l1 "sha256:$id1" --arg l2 "sha256:$id2" '{architecture: "amd64", os: "linux",
        config: {Cmd: ["sh"], Env: ["PATH=/bin:/sbin:/usr/bin:/usr/sbin"]},
        rootfs: {type: "layers", diff_ids: [$l1, $l2]}}' | tr -d '\n' >"$d/a/config.json"
    cfg=$(sha256sum "$d/a/config.json" | cut -d' ' -f1)
    mv "$d/a/config.json" "$d/a/$cfg.json"
    jq -cn --arg c "$cfg.json" --arg l1 "$id1/layer.tar" --arg l2 "$id2/layer.tar" \
        '[{Config: $c, RepoTags: ["opaque:latest"], Layers: [$l1, $l2]}]' >"$d/a/manifest.json"
    tar -C "$d/a" -cf "$2" manifest.json "$cfg.json" "$id1" "$id2"
    rm -rf "$d"
}

# stop_pause RUNROOT: the pause process of that runroot, by its pid (checked to
# be a hull-pause of the test user), and wait until it is gone.
stop_pause() {
    local f=$1/@pause.pid pid
    [ -f "$f" ] || return 0
    pid=$(cut -d' ' -f1 "$f")
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = hull-pause ] || return 0
    [ "$(stat -c %U "/proc/$pid")" = "$RL_USER" ] || return 0
    kill -TERM "$pid"
    wait_until 30 "! [ -d /proc/$pid ] || grep -q '^State:.*Z' /proc/$pid/status"
}

teardown_file() {
    [ -n "${RL_USER:-}" ] || return 0
    local rec id
    for rec in "$RL_DIR"/home/.local/share/hull/containers/*/record.json; do
        [ -f "$rec" ] || continue
        id=$(jq -r .Id "$rec")
        rl_hull rm -f "$id" >/dev/null 2>&1 || true
    done
    local rr
    for rr in "$RL_DIR"/xdg/hull "$RL_DIR"/xdg2/hull "$RL_DIR"/xdg3/hull; do stop_pause "$rr"; done
    usermod --del-subuids 0-4294967294 --del-subgids 0-4294967294 "$RL_USER" 2>/dev/null || true
    wait_until 30 userdel "$RL_USER" 2>/dev/null || true
    sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid 2>/dev/null || true
    rm -rf "$RL_DIR"
}

setup() {
    [ "$(id -u)" = 0 ] || skip "needs root to create the test user"
    [ -n "${RL_USER:-}" ] || skip "no useradd or no hull binary"
    [ -n "${RL_USERNS:-}" ] || [[ "$BATS_TEST_DESCRIPTION" == *"namespaces disabled"* ]] ||
        skip "unprivileged user namespaces are disabled on this host (the refusal is tested)"
    TEST_DIR=$(mktemp -d "$RL_DIR/t.XXXXXX")
    RL_UID=$(id -u "$RL_USER")
    STORE=$RL_DIR/home/.local/share/hull
    RL_RUNROOT=$RL_DIR/xdg/hull
    IDS=()
}

teardown() {
    diag_on_failure
    [ -n "${RL_USER:-}" ] || return 0
    local id
    for id in "${IDS[@]}"; do rl_hull rm -f "$id" >/dev/null 2>&1 || true; done
    [ ! -d "$TEST_DIR/reg" ] || registry_stop "$TEST_DIR/reg"
    [ -z "${DELEGATED:-}" ] || remove_delegated "$DELEGATED"
    [ ! -f "$TEST_DIR/ns.pid" ] || kill "$(cat "$TEST_DIR/ns.pid")" 2>/dev/null || true
    if [ -n "${SUBIDS_SAVED:-}" ]; then
        cat "$TEST_DIR/subuid" >/etc/subuid
        cat "$TEST_DIR/subgid" >/etc/subgid
    fi
    rm -rf "$TEST_DIR"
}

# as_user CMD...: CMD as the test user, minimal environment, its own runtime dir and home
as_user() {
    setpriv --reuid "$RL_USER" --regid "$RL_USER" --init-groups \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$RL_DIR/home" XDG_RUNTIME_DIR="$RL_DIR/xdg" \
        USER="$RL_USER" LOGNAME="$RL_USER" ${RL_ENV:-} "$@"
}

# rl_hull ARGS...: hull as the test user with the defaults (no --root/--runroot), bounded
rl_hull() { as_user timeout --kill-after=10 60 "$HULL_ENGINE" "$@"; }

ensure_images() {
    rl_hull images --format '{{.Repository}}' | grep -qx busybox-extra ||
        rl_hull load -i "$RL_DIR/images/busybox-oci.tar" >/dev/null
    rl_hull images --format '{{.Repository}}' | grep -qx opaque ||
        rl_hull load -i "$RL_DIR/images/opaque.tar" >/dev/null
    rl_hull images --format '{{.Repository}}' | grep -qx owned ||
        rl_hull import -c 'CMD ["sh"]' "$RL_DIR/images/owned.tar" owned >/dev/null
}

subid_start() { awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' "$1"; }

pause_pid() { cut -d' ' -f1 "$RL_RUNROOT/@pause.pid"; }

# no_other_user_process: the test user has no process but the default runroot's pause process
no_other_user_process() {
    local keep
    keep=$(pause_pid 2>/dev/null || echo none)
    [ "$(pgrep -u "$RL_USER" | grep -vx "$keep" | wc -l)" -eq 0 ]
}

# remove_delegated NAME: every hierarchy's NAME and below, deepest first (a
# cgroup whose last task just left may stay busy for a moment).
remove_delegated() {
    local d c
    for d in $(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo); do
        [ -d "$d/$1" ] || continue
        find "$d/$1" -depth -type d | while read -r c; do wait_until 10 rmdir "$c"; done
    done
}

# rl_fails_with WANT CMD...: CMD fails (non-zero) with one stderr line "hull: error: ...WANT..."
rl_fails_with() {
    local want=$1 errfile=$TEST_DIR/stderr
    shift
    if "$@" >/dev/null 2>"$errfile"; then
        echo "expected failure, succeeded: $*" >&2
        return 1
    fi
    [ "$(wc -l <"$errfile")" -eq 1 ] || { echo "stderr is not one line:" >&2; cat "$errfile" >&2; return 1; }
    grep -q "^hull: error: .*$want" "$errfile" || { echo "want \"$want\" in: $(cat "$errfile")" >&2; return 1; }
}

@test "rootless hull: the store is ~/.local/share/hull, the runroot \$XDG_RUNTIME_DIR/hull; load and images" {
    run rl_hull load -i "$RL_DIR/images/busybox-oci.tar"
    [ "$status" -eq 0 ]
    [[ "$output" == *"Loaded image: busybox:latest"* ]]
    [ -d "$STORE/layers" ]
    [ -d "$RL_RUNROOT" ]
    [ "$(stat -c %U "$STORE")" = "$RL_USER" ]
    # the pause process holds the user's namespaces, and is the user's
    [ "$(cat "/proc/$(pause_pid)/comm")" = hull-pause ]
    [ "$(stat -c %U "/proc/$(pause_pid)")" = "$RL_USER" ]
    run rl_hull images --format '{{.Repository}}:{{.Tag}}'
    [ "$status" -eq 0 ]
    [[ "$output" == *"busybox-extra:latest"* ]]
    run rl_hull info --format '{{.DockerRootDir}} {{.RunRoot}}'
    [ "$output" = "$STORE $RL_RUNROOT" ]
    # XDG_DATA_HOME is respected
    RL_ENV="XDG_DATA_HOME=$RL_DIR/home/data" run rl_hull info --format '{{.DockerRootDir}}'
    [ "$output" = "$RL_DIR/home/data/hull" ]
}

@test "rootless run: root inside is the user, ids 1.. the subordinate range; a file owned by 1000 in the image is 1000 inside" {
    ensure_images
    run rl_hull run --rm owned sh -c 'id -u; cat /proc/self/uid_map; stat -c "%u:%g" /home/u1000/file; cat /home/u1000/file'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0 ]
    [ "$(echo ${lines[1]})" = "0 $RL_UID 1" ]
    [ "$(echo ${lines[2]})" = "1 $(subid_start /etc/subuid) 65536" ]
    [ "${lines[3]}" = 1000:1000 ]
    [ "${lines[4]}" = mine ]
    # on disk the layer's file belongs to the mapped id, not to root: no chown to real root
    f=$(ls -d "$STORE"/layers/*/diff/home/u1000/file)
    [ "$(stat -c %u "$f")" = "$(($(subid_start /etc/subuid) + 999))" ]
    [ "$(stat -c %g "$f")" = "$(($(subid_start /etc/subgid) + 999))" ]
    # and in `hull unshare` as in the container
    run rl_hull unshare stat -c %u "$f"
    [ "$output" = 1000 ]
    # a user other than root in the container is a sub-id too
    run rl_hull run --rm -u 1000:1000 owned sh -c 'id -u; echo x >/home/u1000/new && echo wrote'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 1000 ]
    [ "${lines[1]}" = wrote ]
}

@test "rootless run -d, exec, logs, ps, stop, rm: nothing is left (process, mount, state, cgroup)" {
    ensure_images
    run rl_hull run -d --name web busybox sh -c 'echo started; trap "exit 0" TERM; while :; do sleep 1; done'
    [ "$status" -eq 0 ]
    id=$output
    IDS+=("$id")
    wait_until 30 "rl_hull logs web | grep -q started"
    run rl_hull exec web id -u
    [ "$status" -eq 0 ]
    [ "$output" = 0 ]
    run rl_hull ps --format '{{.Names}} {{.Status}}'
    [[ "$output" == "web Up"* ]]
    pid=$(rl_hull inspect --format '{{.State.Pid}}' web)
    [ "$pid" -gt 0 ]
    [ -d "$RL_RUNROOT/@engine/$id" ]
    # the overlay rootfs is mounted in the pause process's mount namespace
    grep -q "$id" "/proc/$(pause_pid)/mountinfo"
    run rl_hull stop -t 5 web
    [ "$status" -eq 0 ]
    run rl_hull ps -a --format '{{.Names}} {{.Status}}'
    [[ "$output" == "web Exited (0)"* ]]
    run rl_hull rm web
    [ "$status" -eq 0 ]
    run rl_hull ps -a -q
    [ -z "$output" ]
    ! kill -0 "$pid" 2>/dev/null
    [ ! -e "$RL_RUNROOT/@engine/$id" ]
    [ ! -e "$STORE/containers/$id" ]
    ! grep -q "$id" "/proc/$(pause_pid)/mountinfo"
    ! grep -q "$id" /proc/self/mountinfo
    [ -z "$(find /sys/fs/cgroup -maxdepth 4 -name "*$id*" 2>/dev/null)" ]
}

@test "rootless run in the foreground: the exit code, --rm leaves nothing" {
    ensure_images
    run rl_hull run --rm --name fg busybox sh -c 'echo out; exit 3'
    [ "$status" -eq 3 ]
    [ "$output" = out ]
    run rl_hull ps -a -q
    [ -z "$output" ]
    [ -z "$(ls "$STORE/containers" | grep -v '^\.')" ]
}

@test "rootless storage: overlayfs in the user namespace (or the copy, as hull info says); whiteouts hide lower files" {
    ensure_images
    run rl_hull info --format '{{.Driver}}'
    [ "$status" -eq 0 ]
    driver=$output
    major=$(uname -r | cut -d. -f1)
    minor=$(uname -r | cut -d. -f2)
    if [ "$major" -gt 5 ] || { [ "$major" -eq 5 ] && [ "$minor" -ge 11 ]; }; then
        [ "$driver" = overlay ]
    fi
    run rl_hull run --rm busybox-extra sh -c 'cat /extra; ls /etc/group 2>&1; grep " / " /proc/self/mounts | cut -d" " -f3'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "extra layer" ]
    [[ "${lines[1]}" == *"No such file"* ]]
    [ "${lines[2]}" = "$driver" ] || [ "$driver" = copy ]
    # an opaque directory (.wh..wh..opq, user.overlay.opaque in the user namespace) hides the lower one
    run rl_hull run --rm opaque sh -c 'cat /etc/only; ls /etc/passwd /etc/group 2>&1 | grep -c "No such file"'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = only ]
    [ "${lines[1]}" = 2 ]
    # the mount points of its init layer (made in the user namespace too, with
    # userxattr) sit above that opaque /etc without hiding /etc/only
    [ "$driver" != overlay ] || [ -n "$(find "$RL_DIR/home" -path '*/init/*/etc/hostname')" ]
    # a directory removed and made again in the container is opaque too (overlay's own marks)
    run rl_hull run --rm owned sh -c 'rm -rf /home/u1000 && mkdir /home/u1000 && ls -A /home/u1000 | wc -l'
    [ "$status" -eq 0 ]
    [ "$output" = 0 ]
    # changes stay in the container
    run rl_hull run --rm busybox sh -c 'rm /bin/true 2>/dev/null; ls /bin/true'
    [ "$status" -ne 0 ]
    run rl_hull run --rm busybox ls /bin/true
    [ "$status" -eq 0 ]
}

@test "rootless storage: the copy fallback (HULL_STORAGE_DRIVER=copy) keeps owners, whiteouts and opaque directories" {
    ensure_images
    RL_ENV=HULL_STORAGE_DRIVER=copy run rl_hull info --format '{{.Driver}}'
    [ "$output" = copy ]
    RL_ENV=HULL_STORAGE_DRIVER=copy run rl_hull run --rm opaque sh -c 'cat /etc/only; ls /etc/passwd 2>&1; grep " / " /proc/self/mounts | cut -d" " -f3'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = only ]
    [[ "${lines[1]}" == *"No such file"* ]]
    [ "${lines[2]}" != overlay ]
    RL_ENV=HULL_STORAGE_DRIVER=copy run rl_hull run --rm busybox-extra sh -c 'cat /extra; ls /etc/group 2>&1'
    [ "${lines[0]}" = "extra layer" ]
    [[ "${lines[1]}" == *"No such file"* ]]
    RL_ENV=HULL_STORAGE_DRIVER=copy run rl_hull run --rm owned stat -c %u:%g /home/u1000/file
    [ "$output" = 1000:1000 ]
    run rl_hull ps -a -q
    [ -z "$output" ]
}

@test "rootless limits without a delegated cgroup: one line naming the flag, exit 125, nothing created" {
    ensure_images
    v2=false
    [ -f /sys/fs/cgroup/cgroup.controllers ] && v2=true
    for flag in "--memory 64m" "--pids-limit 10" "--cpus 0.5"; do
        ctl=memory
        [[ "$flag" == --pids* ]] && ctl=pids
        [[ "$flag" == --cpus* ]] && ctl=cpu
        dir=/sys/fs/cgroup/$ctl/hull
        $v2 && dir=/sys/fs/cgroup/hull
        [ -d "$dir" ] || dir=${dir%/hull}
        if as_user test -w "$dir"; then
            skip "$dir is writable by the test user (delegated)"
        fi
        run rl_fails_with "rootless: ${flag%% *} needs a cgroup this user may write" rl_hull run --rm $flag busybox true
        [ "$status" -eq 0 ]
        run rl_hull run --rm $flag busybox true
        [ "$status" -eq 125 ]
    done
    run rl_hull ps -a -q
    [ -z "$output" ]
    [ -z "$(ls "$STORE/containers" | grep -v '^\.')" ]
    # without limits the same user runs (no cgroup of its own)
    run rl_hull run --rm busybox true
    [ "$status" -eq 0 ]
}

# slirp_usable: the test user could run slirp4netns (installed, /dev/net/tun opens for it)
slirp_usable() {
    command -v slirp4netns >/dev/null && as_user sh -c 'exec 3<>/dev/net/tun' 2>/dev/null
}

@test "rootless limits in a delegated cgroup: containers go under it (PARENT/hull-<id>), limits apply, rm removes it" {
    ensure_images
    DELEGATED=hulltest-eng-deleg-$$-$RANDOM # removed by teardown, also when the test fails
    local mnt dirs=()
    # delegate it in every hierarchy and start the user's hull in DELEGATED/shell, as
    # systemd does for a session (Delegate=yes)
    for mnt in $(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo); do
        mkdir -p "$mnt/$DELEGATED/shell"
        if [ -e "$mnt/cpuset.cpus" ] && [ ! -e "$mnt/cgroup.controllers" ]; then
            for f in cpuset.cpus cpuset.mems; do
                cat "$mnt/$f" >"$mnt/$DELEGATED/$f"
                cat "$mnt/$f" >"$mnt/$DELEGATED/shell/$f"
            done
        fi
        chown -R "$RL_USER:" "$mnt/$DELEGATED"
        dirs+=("$mnt/$DELEGATED")
    done
    in_delegated() {
        DIRS="${dirs[*]}" sh -c 'for d in $DIRS; do echo $$ >"$d/shell/cgroup.procs" || exit 1; done; exec "$@"' sh "$@"
    }
    run in_delegated setpriv --reuid "$RL_USER" --regid "$RL_USER" --init-groups \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$RL_DIR/home" XDG_RUNTIME_DIR="$RL_DIR/xdg" USER="$RL_USER" \
        timeout --kill-after=10 60 "$HULL_ENGINE" run -d --memory 32m --pids-limit 20 busybox sleep 100
    [ "$status" -eq 0 ]
    id=$output
    IDS+=("$id")
    if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
        [ "$(cat "/sys/fs/cgroup/$DELEGATED/hull-$id/memory.max")" = 33554432 ]
        [ "$(cat "/sys/fs/cgroup/$DELEGATED/hull-$id/pids.max")" = 20 ]
    else
        [ "$(cat "/sys/fs/cgroup/memory/$DELEGATED/hull-$id/memory.limit_in_bytes")" = 33554432 ]
        [ "$(cat "/sys/fs/cgroup/pids/$DELEGATED/hull-$id/pids.max")" = 20 ]
    fi
    pid=$(rl_hull inspect --format '{{.State.Pid}}' "$id")
    grep -q "$DELEGATED/hull-$id" "/proc/$pid/cgroup"
    run rl_hull rm -f "$id"
    [ "$status" -eq 0 ]
    [ -z "$(find /sys/fs/cgroup -maxdepth 3 -name "hull-$id" 2>/dev/null)" ]
}

@test "rootless network: slirp4netns by default where usable, else none; host works; bridges are refused clearly" {
    ensure_images
    run rl_hull run --rm busybox ls /sys/class/net
    [ "$status" -eq 0 ]
    if slirp_usable; then
        [ "$(echo $output)" = "lo tap0" ]
    else
        [ "$output" = lo ]
    fi
    run rl_hull run --rm --network none busybox ls /sys/class/net
    [ "$output" = lo ]
    run rl_hull run --rm --network host busybox ls /sys/class/net
    [ "$status" -eq 0 ]
    [ "$output" = "$(ls /sys/class/net)" ]
    run rl_fails_with "invalid -p/-P" rl_hull run --rm --network none -p 8080:80 busybox true
    [ "$status" -eq 0 ]
    run rl_fails_with "rootless: --network hull needs root" rl_hull run --rm --network hull busybox true
    [ "$status" -eq 0 ]
    run rl_hull network ls -q
    [ -z "$output" ]
    run rl_hull ps -a -q
    [ -z "$output" ]
}

# free_port: a TCP port of 127.0.0.1 nobody listens on now
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

@test "rootless -p through slirp4netns: 127.0.0.1:PORT reaches the container; rm leaves no slirp4netns" {
    ensure_images
    if ! slirp_usable; then
        # the refusal: one line naming what is missing, nothing made
        run rl_fails_with "invalid --network slirp4netns: slirp4netns" rl_hull run --rm --network slirp4netns -p 127.0.0.1:18080:80 busybox true
        [ "$status" -eq 0 ]
        run rl_hull ps -a -q
        [ -z "$output" ]
        [ "$(pgrep -u "$RL_USER" -x slirp4netns | wc -l)" -eq 0 ]
        skip "slirp4netns is not installed or /dev/net/tun is not usable by a normal user here ($(stat -c %A /dev/net/tun 2>/dev/null))"
    fi
    port=$(free_port)
    run rl_hull run -d --network slirp4netns -p "127.0.0.1:$port:80" busybox sh -c 'mkdir /w && echo hello-rootless >/w/index.html && exec httpd -f -p 80 -h /w'
    [ "$status" -eq 0 ]
    id=$output
    IDS+=("$id")
    wait_until 30 "curl -sf --max-time 5 http://127.0.0.1:$port/ | grep -qx hello-rootless"
    slirp=$(cut -d' ' -f1 "$STORE/containers/$id/slirp4netns.pid")
    [ "$(cat "/proc/$slirp/comm")" = slirp4netns ]
    run rl_hull rm -f "$id"
    [ "$status" -eq 0 ]
    wait_until 30 "! [ -d /proc/$slirp ] || grep -q '^State:.*Z' /proc/$slirp/status"
    ! curl -sf --max-time 5 "http://127.0.0.1:$port/"
}

@test "slirp4netns as root, in a network namespace the test makes: -p 127.0.0.1:PORT, and nothing left after rm" {
    command -v slirp4netns >/dev/null || skip "slirp4netns not installed"
    command -v nsenter >/dev/null || skip "nsenter not installed"
    unshare -n sleep 100000 </dev/null >/dev/null 2>&1 3>&- &
    NS_PID=$!
    echo "$NS_PID" >"$TEST_DIR/ns.pid"
    wait_until 10 "[ \"\$(readlink /proc/$NS_PID/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]"
    in_ns() { nsenter -t "$NS_PID" -n -- "$@"; }
    in_ns ip link set lo up
    root_hull() { in_ns timeout --kill-after=10 60 "$HULL_ENGINE" --root "$TEST_DIR/root" --runroot "$TEST_DIR/run" "$@"; }
    root_hull load -i "$RL_DIR/images/busybox-oci.tar" >/dev/null
    run root_hull run --rm --network slirp4netns busybox sh -c 'ip -4 addr show tap0 | grep -o "inet [0-9./]*"; ip route | grep default'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "inet 10.0.2.100/24" ]
    [[ "${lines[1]}" == "default via 10.0.2.2"* ]]
    run root_hull run -d --network slirp4netns -p 127.0.0.1:8080:80 busybox sh -c 'mkdir /w && echo hello-slirp >/w/index.html && exec httpd -f -p 80 -h /w'
    [ "$status" -eq 0 ]
    id=$output
    wait_until 30 "in_ns curl -sf --max-time 5 http://127.0.0.1:8080/ | grep -qx hello-slirp"
    slirp=$(cut -d' ' -f1 "$TEST_DIR/root/containers/$id/slirp4netns.pid")
    [ "$(cat "/proc/$slirp/comm")" = slirp4netns ]
    # the binding shows as on a bridge network: port, inspect, ps
    run root_hull port "$id"
    [ "$status" -eq 0 ]
    [ "$output" = "80/tcp -> 127.0.0.1:8080" ]
    [ "$(root_hull port "$id" 80)" = "127.0.0.1:8080" ]
    run root_hull inspect "$id"
    [ "$(jq -r '.[0].NetworkSettings.Ports["80/tcp"][0] | "\(.HostIp) \(.HostPort)"' <<<"$output")" = "127.0.0.1 8080" ]
    [ "$(jq -r '.[0].NetworkSettings.SandboxKey' <<<"$output")" = "/proc/$(jq -r '.[0].State.Pid' <<<"$output")/ns/net" ]
    [ "$(root_hull ps --format '{{.Ports}}')" = "127.0.0.1:8080->80/tcp" ]
    # -p IP::PORT: the host port slirp4netns got is the one shown, and it answers
    run root_hull run -d --network slirp4netns -p 127.0.0.1::80 busybox sh -c 'mkdir /w && echo any-port >/w/index.html && exec httpd -f -p 80 -h /w'
    [ "$status" -eq 0 ]
    id2=$output
    run root_hull port "$id2" 80
    [ "$status" -eq 0 ]
    [[ "$output" =~ ^127\.0\.0\.1:[0-9]+$ ]]
    port2=${output##*:}
    [ "$port2" != 0 ]
    wait_until 30 "in_ns curl -sf --max-time 5 http://127.0.0.1:$port2/ | grep -qx any-port"
    run root_hull rm -f "$id2"
    [ "$status" -eq 0 ]
    # a port already taken: one line, nothing left
    run root_hull run -d --network slirp4netns -p 127.0.0.1:8080:80 busybox sleep 100
    [ "$status" -ne 0 ]
    [[ "$output" == *"-p 127.0.0.1:8080:80/tcp: slirp4netns cannot listen there"* ]]
    # an IPv6 host address: refused before anything starts
    run root_hull run -d --network slirp4netns -p '[fd00::1]:8080:80' busybox sleep 100
    [ "$status" -eq 125 ]
    [ "$output" = 'hull: error: invalid -p [fd00::1]:...:80: --network slirp4netns publishes on IPv4 host addresses only' ]
    [ "$(root_hull ps -a -q | wc -l)" -eq 1 ]
    run root_hull rm -f "$id"
    [ "$status" -eq 0 ]
    wait_until 30 "! [ -d /proc/$slirp ] || grep -q '^State:.*Z' /proc/$slirp/status"
    ! in_ns curl -sf --max-time 5 http://127.0.0.1:8080/
    [ -z "$(root_hull ps -a -q)" ]
}

@test "rootless: a user without subordinate ranges gets one line naming /etc/subuid, and no pause process" {
    cp /etc/subuid "$TEST_DIR/subuid"
    cp /etc/subgid "$TEST_DIR/subgid"
    SUBIDS_SAVED=1
    sed -i "/^$RL_USER:/d" /etc/subuid
    mkdir -m 700 "$RL_DIR/xdg2"
    chown "$RL_USER:" "$RL_DIR/xdg2"
    RL_ENV="XDG_RUNTIME_DIR=$RL_DIR/xdg2" run rl_fails_with "has no subordinate uid range in /etc/subuid" rl_hull images
    [ "$status" -eq 0 ]
    RL_ENV="XDG_RUNTIME_DIR=$RL_DIR/xdg2" run rl_hull images
    [ "$status" -eq 125 ]
    [ ! -e "$RL_DIR/xdg2/hull/@pause.pid" ]
    # no process of the user but the pause process of the other runroot
    # the half-made pause process was killed (init reaps it in a moment)
    wait_until 30 no_other_user_process
}

@test "rootless: without newuidmap (package uidmap) one line says so, and no pause process is left" {
    mkdir -m 700 "$RL_DIR/xdg3"
    chown "$RL_USER:" "$RL_DIR/xdg3"
    # a PATH where everything is but newuidmap
    mkdir -p "$TEST_DIR/bin"
    chmod 755 "$TEST_DIR" "$TEST_DIR/bin"
    run setpriv --reuid "$RL_USER" --regid "$RL_USER" --init-groups \
        env -i PATH="$TEST_DIR/bin" HOME="$RL_DIR/home" XDG_RUNTIME_DIR="$RL_DIR/xdg3" USER="$RL_USER" \
        /usr/bin/timeout --kill-after=10 60 "$HULL_ENGINE" images
    [ "$status" -eq 125 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == "hull: error: rootless: cannot run newuidmap"*"install the uidmap package"* ]]
    [ ! -e "$RL_DIR/xdg3/hull/@pause.pid" ]
    # the half-made pause process was killed (init reaps it in a moment)
    wait_until 30 no_other_user_process
}

@test "rootless: hull unshare runs a command in the user namespace; root is refused" {
    run rl_hull unshare sh -c 'id -u; cat /proc/self/uid_map'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0 ]
    [ "$(echo ${lines[2]})" = "1 $(subid_start /etc/subuid) 65536" ]
    run "$HULL_ENGINE" --root "$TEST_DIR/root" --runroot "$TEST_DIR/run" unshare true
    [ "$status" -ne 0 ]
    [[ "$output" == *"only for a normal user"* ]]
}

@test "rootless pull from a registry on 127.0.0.1 (the test's own), then run" {
    registry_requirements
    chmod 755 "$TEST_DIR"
    port=$(registry_start "$TEST_DIR/reg")
    skopeo copy --quiet --dest-tls-verify=false "oci-archive:$RL_DIR/images/busybox-oci.tar:busybox" \
        "docker://127.0.0.1:$port/rl/busybox:v1"
    : >"$TEST_DIR/registries.conf"
    mkdir -p "$TEST_DIR/certs.d"
    chmod 644 "$TEST_DIR/registries.conf"
    # a store of its own (XDG_DATA_HOME): every layer is downloaded and unpacked by the user
    mkdir "$TEST_DIR/data"
    chown "$RL_USER:" "$TEST_DIR/data"
    export RL_ENV="HULL_REGISTRIES_CONF=$TEST_DIR/registries.conf HULL_CERTS_DIR=$TEST_DIR/certs.d XDG_DATA_HOME=$TEST_DIR/data"
    run rl_hull pull "127.0.0.1:$port/rl/busybox:v1"
    [ "$status" -eq 0 ]
    [[ "$output" == *": Pull complete"* ]]
    [[ "$output" == *"Status: Downloaded newer image for 127.0.0.1:$port/rl/busybox:v1"* ]]
    [ -d "$TEST_DIR/data/hull/layers" ]
    run rl_hull run --rm "127.0.0.1:$port/rl/busybox:v1" id -u
    [ "$status" -eq 0 ]
    [ "$output" = 0 ]
    run rl_hull rmi "127.0.0.1:$port/rl/busybox:v1"
    [ "$status" -eq 0 ]
}

@test "rootless: with unprivileged user namespaces disabled, one line says so, and nothing is left" {
    [ -z "${RL_USERNS:-}" ] || skip "unprivileged user namespaces are enabled here (the refusal is tested where they are not)"
    run rl_fails_with "rootless: cannot create a user namespace" rl_hull images
    [ "$status" -eq 0 ]
    [ ! -e "$RL_RUNROOT/@pause.pid" ]
    wait_until 30 "[ \$(pgrep -u $RL_USER | wc -l) -eq 0 ]"
}
