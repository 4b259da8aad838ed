#!/usr/bin/env bats
# Rootless: the runtime run by a normal user (a test user this file creates,
# with its own /etc/subuid and /etc/subgid ranges, removed at the end).  The
# user namespace maps the user to root in the container; ranges beyond the
# user's own id go through newuidmap/newgidmap (Debian package uidmap); there
# is no cgroup unless the user owns a delegated one.  Every test also passes
# with HULL_RUNTIME=$(command -v runc) (runc's root is $XDG_RUNTIME_DIR/runc).

load ../lib/common

setup_file() {
    RL_USER=""
    [ "$(id -u)" = 0 ] || return 0
    command -v useradd >/dev/null || return 0
    [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" != 0 ] || return 0
    [ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" != 0 ] || return 0
    RL_DIR=$(mktemp -d /tmp/hull-rootless.XXXXXX)
    chmod 755 "$RL_DIR"
    RL_USER=hullrl$$
    # /etc/passwd may be locked for a moment by another user tool (or a test file running beside this one)
    wait_until 30 useradd -M -d "$RL_DIR/home" -s /bin/sh "$RL_USER"
    # useradd hands out ranges when /etc/subuid exists; make sure there are some
    grep -q "^$RL_USER:" /etc/subuid 2>/dev/null || usermod --add-subuids 300000-365535 "$RL_USER"
    grep -q "^$RL_USER:" /etc/subgid 2>/dev/null || usermod --add-subgids 300000-365535 "$RL_USER"
    mkdir -p "$RL_DIR/home" "$RL_DIR/xdg"
    chmod 700 "$RL_DIR/xdg"
    cp -a "$(busybox_rootfs)" "$RL_DIR/rootfs"
    chown -R "$RL_USER:" "$RL_DIR/home" "$RL_DIR/xdg" "$RL_DIR/rootfs"
    export RL_USER RL_DIR
}

teardown_file() {
    [ -n "${RL_USER:-}" ] || return 0
    local root id
    for root in "$RL_DIR/xdg/hull" "$RL_DIR/xdg/runc" "/run/user/$(id -u "$RL_USER")/hull"; do
        [ -d "$root" ] || continue
        for id in $(ls "$root"); do
            [ "${id#@}" = "$id" ] || continue # hull's own (@cgroup-parents): no container
            as_user timeout --kill-after=10 60 "$HULL_RUNTIME" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
        done
    done
    usermod --del-subuids 0-4294967294 --del-subgids 0-4294967294 "$RL_USER" 2>/dev/null || true
    wait_until 30 userdel "$RL_USER" 2>/dev/null || true
    sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid 2>/dev/null || true
    rm -rf "$RL_DIR"
}

setup() {
    [ "$(id -u)" = 0 ] || skip "needs root to create the test user"
    [ -n "${RL_USER:-}" ] || skip "no useradd, or unprivileged user namespaces are disabled on this host"
    RL_UID=$(id -u "$RL_USER")
    RL_GID=$(id -g "$RL_USER")
    # a bundle of the user's own, from the runtime's rootless template
    B=$(mktemp -d "$RL_DIR/bundle.XXXXXX")
    chmod 755 "$B"
    chown "$RL_USER:" "$B"
    as_user sh -c "cd '$B' && '$HULL_RUNTIME' spec --rootless"
    # one shared root filesystem owned by the user (root in the container)
    rl_config ".process.terminal = false | .root.readonly = false | .root.path = \"$RL_DIR/rootfs\""
    IDS=()
}

teardown() {
    diag_on_failure
    [ -n "${RL_USER:-}" ] || return 0
    local id
    for id in "${IDS[@]}"; do rl_bounded delete --force "$id" >/dev/null 2>&1 || true; done
    [ -z "${RL_RUN_USER_DIR:-}" ] || rm -rf "$RL_RUN_USER_DIR"
    [ -z "${DELEGATED:-}" ] || remove_delegated "$DELEGATED"
}

# remove_delegated NAME: /sys/fs/cgroup/*/NAME and below, deepest first (a
# cgroup whose last task just left may stay busy for a moment).
remove_delegated() {
    local d c
    for d in /sys/fs/cgroup/*/"$1" /sys/fs/cgroup/"$1"; do
        [ -d "$d" ] || continue
        find "$d" -depth -type d | while read -r c; do wait_until 10 rmdir "$c"; done
    done
}

# as_user CMD...: CMD as the test user, with its own runtime dir and home
as_user() {
    setpriv --reuid "$RL_USER" --regid "$RL_USER" --init-groups \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$RL_DIR/home" XDG_RUNTIME_DIR="$RL_DIR/xdg" \
        USER="$RL_USER" LOGNAME="$RL_USER" "$@"
}

# rl ARGS...: the runtime under test as the test user, default --root
rl() { as_user "$HULL_RUNTIME" "$@"; }
# rl_bounded ARGS...: the same, killed if it takes more than a minute
rl_bounded() { as_user timeout --kill-after=10 60 "$HULL_RUNTIME" "$@"; }

rl_config() {
    jq "$@" "$B/config.json" >"$B/config.json.tmp" && mv "$B/config.json.tmp" "$B/config.json"
    chown "$RL_USER:" "$B/config.json"
}

rl_id() {
    local id=rl-$$-$RANDOM
    IDS+=("$id")
    echo "$id"
}

rl_status() { rl state "$1" | jq -r .status; }

# subid_start FILE: the first id of the test user's range in /etc/subuid or /etc/subgid
subid_start() { awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' "$1"; }

multi_range_mappings() {
    local su sg
    su=$(subid_start /etc/subuid)
    sg=$(subid_start /etc/subgid)
    rl_config ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $RL_UID, \"size\": 1},
                                     {\"containerID\": 1, \"hostID\": $su, \"size\": 65536}]
             | .linux.gidMappings = [{\"containerID\": 0, \"hostID\": $RL_GID, \"size\": 1},
                                     {\"containerID\": 1, \"hostID\": $sg, \"size\": 65536}]"
}

@test "rootless run: the user is root in the container through its own single mapping" {
    rl_config '.process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map"]'
    id=$(rl_id)
    run_quiet rl run --bundle "$B" "$id"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0 ]
    [ "$(echo ${lines[1]})" = "0 $RL_UID 1" ]
}

@test "rootless: the default --root is \$XDG_RUNTIME_DIR/hull (runc: \$XDG_RUNTIME_DIR/runc)" {
    rl_config '.process.args = ["sleep", "100"]'
    id=$(rl_id)
    run_quiet rl run -d --bundle "$B" "$id"
    [ "$status" -eq 0 ]
    name=hull
    is_hull || name=runc
    [ -d "$RL_DIR/xdg/$name/$id" ]
    [ "$(rl_status "$id")" = running ]
    rl delete --force "$id"
    [ ! -e "$RL_DIR/xdg/$name/$id" ]
}

@test "rootless: without XDG_RUNTIME_DIR the root is /run/user/UID/hull" {
    is_hull || skip "runc without XDG_RUNTIME_DIR uses /run/runc"
    [ ! -e "/run/user/$RL_UID" ] || skip "/run/user/$RL_UID exists (not ours)"
    RL_RUN_USER_DIR=/run/user/$RL_UID
    mkdir -p "$RL_RUN_USER_DIR"
    chown "$RL_USER:" "$RL_RUN_USER_DIR"
    chmod 700 "$RL_RUN_USER_DIR"
    rl_config '.process.args = ["true"]'
    id=$(rl_id)
    run_quiet setpriv --reuid "$RL_USER" --regid "$RL_USER" --init-groups env -i PATH=/usr/bin:/bin \
        "$HULL_RUNTIME" run -d --bundle "$B" "$id"
    [ "$status" -eq 0 ]
    [ -d "$RL_RUN_USER_DIR/hull/$id" ]
    setpriv --reuid "$RL_USER" --regid "$RL_USER" --init-groups env -i PATH=/usr/bin:/bin \
        "$HULL_RUNTIME" delete --force "$id"
}

@test "rootless: multi-range mappings through newuidmap/newgidmap; exec, exec -u, kill, delete" {
    command -v newuidmap >/dev/null && command -v newgidmap >/dev/null || skip "uidmap (newuidmap) not installed"
    multi_range_mappings
    rl_config '.process.args = ["sleep", "100"]'
    id=$(rl_id)
    run_quiet rl run -d --bundle "$B" "$id"
    echo "$output"
    [ "$status" -eq 0 ]
    wait_until "[ \"\$(rl_status $id)\" = running ]"
    run rl exec "$id" cat /proc/self/uid_map
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 2 ]
    [ "$(echo ${lines[1]})" = "1 $(subid_start /etc/subuid) 65536" ]
    run rl exec "$id" cat /proc/self/gid_map
    [ "$(echo ${lines[1]})" = "1 $(subid_start /etc/subgid) 65536" ]
    # a user other than root inside is a sub-id outside
    run rl exec -u 1000:1000 "$id" sh -c 'id -u; id -g'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 1000 ]
    [ "${lines[1]}" = 1000 ]
    # ps finds the container's processes without a cgroup too (exec'd ones included)
    rl exec -d "$id" sleep 100
    if is_hull; then
        wait_until "[ \"\$(rl ps --format json $id | jq length)\" = 2 ]"
        rl ps --format json "$id" | jq -e "any(. == $(rl state "$id" | jq .pid))"
    fi
    rl kill "$id" KILL
    wait_until "[ \"\$(rl_status $id)\" = stopped ]"
    rl delete "$id"
    run rl state "$id"
    [ "$status" -ne 0 ]
}

@test "rootless: kill --all of a running container leaves no process" {
    rl_config '.process.args = ["sh", "-c", "sleep 100 & sleep 100"]'
    id=$(rl_id)
    run_quiet rl run -d --bundle "$B" "$id"
    [ "$status" -eq 0 ]
    pid=$(rl state "$id" | jq .pid)
    if is_hull; then
        rl kill --all "$id" KILL
    else
        # runc 1.1 without a cgroup: kill --all fails ("lstat : no such file or directory")
        rl kill "$id" KILL
    fi
    wait_until "[ \"\$(rl_status $id)\" = stopped ]"
    wait_gone "$pid"
    rl delete "$id"
    wait_until "! pgrep -u $RL_USER >/dev/null"
}

@test "rootless: no cgroup is made (none delegated); a config with limits is refused clearly, nothing left" {
    rl_config '.process.args = ["sleep", "100"]'
    id=$(rl_id)
    run_quiet rl run -d --bundle "$B" "$id"
    [ "$status" -eq 0 ]
    ! find /sys/fs/cgroup -maxdepth 4 -type d -name "*$id*" 2>/dev/null | grep -q .
    rl delete --force "$id"
    rl_config '.linux.resources = {"memory": {"limit": 33554432}}'
    id=$(rl_id)
    run_quiet rl run -d --bundle "$B" "$id"
    echo "$output"
    [ "$status" -ne 0 ]
    ! is_hull || [[ "$output" == *rootless*cgroup* ]]
    [ ! -e "$RL_DIR/xdg/hull/$id" ]
    ! find /sys/fs/cgroup -maxdepth 4 -type d -name "*$id*" 2>/dev/null | grep -q .
    wait_until "! pgrep -u $RL_USER >/dev/null"
}

@test "rootless: a delegated cgroup (owned by the user, the user's processes inside it) is used, limits too" {
    local dirs=() mnt
    DELEGATED=hulltest-deleg-$$-$RANDOM # removed by teardown, also when the test fails
    local P=$DELEGATED
    # delegate P in every hierarchy, and start the user's command in P/shell,
    # as systemd does for a user's session (cgroup v2 needs the common ancestor
    # of source and destination to be the user's)
    for mnt in $(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo); do
        mkdir -p "$mnt/$P/shell"
        if [ -e "$mnt/cpuset.cpus" ] && [ ! -e "$mnt/cgroup.controllers" ]; then
            for f in cpuset.cpus cpuset.mems; do
                cat "$mnt/$f" >"$mnt/$P/$f"
                cat "$mnt/$f" >"$mnt/$P/shell/$f"
            done
        fi
        chown -R "$RL_USER:" "$mnt/$P"
        dirs+=("$mnt/$P")
    done
    rl_config ".linux.cgroupsPath = \"/$P/ctr\" | .process.args = [\"sleep\", \"100\"]
        | .linux.resources = {\"memory\": {\"limit\": 33554432}}"
    id=$(rl_id)
    DIRS="${dirs[*]}" run_quiet sh -c 'for d in $DIRS; do echo $$ >"$d/shell/cgroup.procs" || exit 1; done; exec "$@"' \
        sh setpriv --reuid "$RL_USER" --regid "$RL_USER" --init-groups \
        env -i PATH=/usr/bin:/bin HOME="$RL_DIR/home" XDG_RUNTIME_DIR="$RL_DIR/xdg" \
        "$HULL_RUNTIME" run -d --bundle "$B" "$id"
    echo "$output"
    [ "$status" -eq 0 ]
    pid=$(rl state "$id" | jq .pid)
    mem=$(awk '$9 == "cgroup" && $NF ~ /(^|,)memory(,|$)/ { print $5 }' /proc/self/mountinfo)
    if [ -n "$mem" ]; then
        [ "$(cat "$mem/$P/ctr/memory.limit_in_bytes")" = 33554432 ]
        grep -q ":memory:/$P/ctr\$" "/proc/$pid/cgroup"
    else
        [ "$(cat "/sys/fs/cgroup/$P/ctr/memory.max")" = 33554432 ]
    fi
    rl delete --force "$id"
}

@test "rootless: a config without a user namespace, and ranges the user does not own, are refused clearly" {
    rl_config '.linux.namespaces |= map(select(.type != "user")) | del(.linux.uidMappings, .linux.gidMappings)
        | .process.args = ["true"]'
    id=$(rl_id)
    run_quiet rl run --bundle "$B" "$id"
    echo "$output"
    [ "$status" -ne 0 ]
    ! is_hull || [[ "$output" == *"user namespace"* ]]
    command -v newuidmap >/dev/null || skip "uidmap (newuidmap) not installed"
    rl_config '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": '"$RL_UID"', "size": 1},
        {"containerID": 1, "hostID": 10, "size": 5}] | .linux.gidMappings = [{"containerID": 0, "hostID": '"$RL_GID"', "size": 1}]'
    id=$(rl_id)
    run_quiet rl run --bundle "$B" "$id"
    echo "$output"
    [ "$status" -ne 0 ]
    ! is_hull || [[ "$output" == *newuidmap* ]]
    [ ! -e "$RL_DIR/xdg/hull/$id" ]
}

# The marks of the parent cgroups hull made live in the user's default root
# ($XDG_RUNTIME_DIR/hull/@cgroup-parents).  They were once called
# cgroup-parents, a valid container id: `delete --force cgroup-parents` (this
# file's teardown_file, deleting whatever the root held) locked the directory
# as a container and then again as the marks, and waited on itself for ever.
@test "rootless: hull's own entries in the root are no container; a container may bear their names" {
    is_hull || skip "hull-runtime's own layout"
    rl_config '.process.args = ["sleep", "100"]'
    IDS+=(cgroup-parents)
    run_quiet rl_bounded run -d --bundle "$B" cgroup-parents
    [ "$status" -eq 0 ]
    [ -d "$RL_DIR/xdg/hull/@cgroup-parents" ]
    [ "$(rl_status cgroup-parents)" = running ]
    run rl_bounded delete --force @cgroup-parents
    [ "$status" -ne 0 ]
    [[ "$output" == *'invalid container id "@cgroup-parents"'* ]]
    run rl_bounded delete --force cgroup-parents
    [ "$status" -eq 0 ]
    [ ! -e "$RL_DIR/xdg/hull/cgroup-parents" ]
    [ -d "$RL_DIR/xdg/hull/@cgroup-parents" ]
    # and one that does not exist: containerd's second delete --force succeeds at once
    run rl_bounded delete --force cgroup-parents
    [ "$status" -eq 0 ]
}
