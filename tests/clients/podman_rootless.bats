#!/usr/bin/env bats
# Rootless podman (with conmon) driving the runtime under test: a test user
# with its own /etc/subuid and /etc/subgid ranges, created here and removed at
# the end, runs `podman --runtime $HULL_RUNTIME` with its own storage (vfs),
# runtime dir and config under a private directory.  Podman runs the runtime
# as "root" of its user namespace, with XDG_RUNTIME_DIR set: the runtime's
# state goes to $XDG_RUNTIME_DIR/hull (runc: .../runc), and there is no
# cgroup on a cgroup v1 host.  The same file passes with HULL_RUNTIME=$(command -v runc).

load helpers
bats_require_minimum_version 1.5.0

IMAGE=localhost/hull-busybox:rootless

setup_file() {
    PR_USER=""
    [ "$(id -u)" = 0 ] || return 0
    command -v podman >/dev/null && command -v conmon >/dev/null && command -v newuidmap >/dev/null || return 0
    command -v useradd >/dev/null || return 0
    [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" != 0 ] || return 0
    PR_DIR=$(mktemp -d /tmp/hull-podman-rootless.XXXXXX)
    chmod 755 "$PR_DIR"
    PR_USER=hullpm$$
    # /etc/passwd may be locked for a moment by another user tool (or a test file running beside this one)
    wait_until 30 useradd -M -d "$PR_DIR/home" -s /bin/sh "$PR_USER"
    grep -q "^$PR_USER:" /etc/subuid 2>/dev/null || usermod --add-subuids 400000-465535 "$PR_USER"
    grep -q "^$PR_USER:" /etc/subgid 2>/dev/null || usermod --add-subgids 400000-465535 "$PR_USER"
    mkdir -p "$PR_DIR"/{home,xdg,tmp,cwd}
    chmod 700 "$PR_DIR/xdg"
    cat >"$PR_DIR/containers.conf" <<CONF
[containers]
default_ulimits = []
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PR_DIR/home/events.log"
CONF
    cat >"$PR_DIR/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$PR_DIR/home/storage"
runroot = "$PR_DIR/xdg/storage"
CONF
    echo 'unqualified-search-registries = []' >"$PR_DIR/registries.conf"
    cp "$(client_image_dir)/rootfs.tar" "$PR_DIR/rootfs.tar"
    chmod 644 "$PR_DIR"/*.conf "$PR_DIR/rootfs.tar"
    chown -R "$PR_USER:" "$PR_DIR"/{home,xdg,tmp,cwd}
    export PR_USER PR_DIR
    pr import --change 'CMD ["sh"]' --change 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin' \
        "$PR_DIR/rootfs.tar" "$IMAGE" >/dev/null
}

teardown_file() {
    [ -n "${PR_USER:-}" ] || return 0
    pr rm --all --force --time 0 >/dev/null 2>&1 || true
    # rootless podman keeps a pause process holding its user namespace
    local pause
    pause=$(cat "$PR_DIR/xdg/libpod/tmp/pause.pid" 2>/dev/null || true)
    [ -z "$pause" ] || kill -9 "$pause" 2>/dev/null || true
    wait_until 30 "! pgrep -u $PR_USER >/dev/null" || pgrep -u "$PR_USER" -a >&2 || true
    unmount_below "$PR_DIR"
    wait_until 30 userdel "$PR_USER" 2>/dev/null || true
    sed -i "/^$PR_USER:/d" /etc/subuid /etc/subgid 2>/dev/null || true
    rm -rf "$PR_DIR"
}

setup() {
    [ "$(id -u)" = 0 ] || skip "needs root to create the test user"
    command -v podman >/dev/null || skip "podman is not installed (apt-get install podman)"
    command -v conmon >/dev/null || skip "conmon is not installed (apt-get install conmon)"
    command -v newuidmap >/dev/null || skip "newuidmap is not installed (apt-get install uidmap)"
    [ -n "${PR_USER:-}" ] || skip "no useradd, or user namespaces are disabled on this host"
}

teardown() {
    diag_on_failure
    [ -n "${PR_USER:-}" ] || return 0
    pr rm --all --force --time 0 >/dev/null 2>&1 || true
}

# pr ARGS...: podman as the test user, on its private store and runtime dir.
pr() {
    setpriv --reuid "$PR_USER" --regid "$PR_USER" --init-groups \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$PR_DIR/home" XDG_RUNTIME_DIR="$PR_DIR/xdg" \
        TMPDIR="$PR_DIR/tmp" USER="$PR_USER" LOGNAME="$PR_USER" \
        CONTAINERS_CONF="$PR_DIR/containers.conf" CONTAINERS_STORAGE_CONF="$PR_DIR/storage.conf" \
        CONTAINERS_REGISTRIES_CONF="$PR_DIR/registries.conf" \
        sh -c 'cd "$0" && exec timeout --kill-after=10 120 podman --runtime "$@"' "$PR_DIR/cwd" "$HULL_RUNTIME" "$@"
}

runtime_name() { if is_hull; then echo hull; else basename "$HULL_RUNTIME"; fi; }

@test "rootless podman: run as root of the user namespace; the user's subordinate ids map the rest" {
    run pr run --rm --pull never "$IMAGE" sh -c 'id -u; cat /proc/self/uid_map'
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0 ]
    [ "$(echo ${lines[1]})" = "0 $(id -u "$PR_USER") 1" ]
    [ "$(echo ${lines[2]} | cut -d' ' -f1)" = 1 ]
}

@test "rootless podman: the container's exit code is podman's" {
    run pr run --rm --pull never "$IMAGE" sh -c 'exit 3'
    [ "$status" -eq 3 ]
}

@test "rootless podman: run -d, exec, exec -u, stop, rm; the runtime's state is under XDG_RUNTIME_DIR" {
    run pr run -d --name c1 --pull never "$IMAGE" sleep 1000
    echo "$output"
    [ "$status" -eq 0 ]
    cid=$output
    [ -d "$PR_DIR/xdg/$(runtime_name)/$cid" ]
    run pr exec c1 sh -c 'echo hello; id -u'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = hello ]
    [ "${lines[1]}" = 0 ]
    run pr exec -u 1000 c1 id -u
    [ "$status" -eq 0 ]
    [ "$output" = 1000 ]
    run pr stop -t 1 c1
    [ "$status" -eq 0 ]
    [ "$(pr inspect --format '{{.State.Status}}' c1)" = exited ]
    run pr rm c1
    [ "$status" -eq 0 ]
    [ -z "$(pr ps -aq)" ]
    [ ! -e "$PR_DIR/xdg/$(runtime_name)/$cid" ]
}

@test "rootless podman: -u runs the process as that uid and gid" {
    run pr run --rm -u 1000:1000 --pull never "$IMAGE" sh -c 'id -u; id -g'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 1000 ]
    [ "${lines[1]}" = 1000 ]
}

@test "rootless podman: --read-only makes / read-only but keeps /tmp writable" {
    run pr run --rm --read-only --pull never "$IMAGE" sh -c 'touch /hull-ro-test'
    [ "$status" -ne 0 ]
    [[ "$output" == *"Read-only file system"* ]]
    run pr run --rm --read-only --pull never "$IMAGE" sh -c 'touch /tmp/ok && echo written'
    [ "$status" -eq 0 ]
    [ "$output" = written ]
}
