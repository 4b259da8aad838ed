#!/usr/bin/env bats
# What a container sees: namespaces created and joined, user namespaces, time.

load ../lib/common

setup() { setup_bundle; }
teardown() {
    diag_on_failure
    teardown_bundle
    [ -z "${NETNS:-}" ] || ip netns delete "$NETNS" 2>/dev/null || true
}

@test "the container's process is PID 1 and sees only its own processes" {
    update_config '.process.args = ["sh", "-c", "echo pid=$$; ps -o pid | tail -n +2 | wc -l"]'
    run runtime run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = pid=1 ]
    # sh, ps, tail, wc: nothing from the host
    [ "${lines[1]}" -le 4 ]
}

@test "the container has its own hostname and domainname" {
    update_config '.hostname = "box-1" | .domainname = "example.org" | .process.args = ["sh", "-c", "hostname; cat /proc/sys/kernel/domainname"]'
    run runtime run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = box-1 ]
    [ "${lines[1]}" = example.org ]
    [ "$(hostname)" != box-1 ]
}

@test "a new network namespace has only lo" {
    update_config '.process.args = ["ls", "/sys/class/net"]'
    run runtime run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -eq 0 ]
    [ "$output" = lo ]
}

@test "the container's / is its rootfs, not the host's" {
    touch "$BUNDLE/rootfs/i-am-the-rootfs"
    update_config '.process.args = ["sh", "-c", "ls /i-am-the-rootfs && ! ls /work 2>/dev/null"]'
    run runtime run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -eq 0 ]
}

@test "every namespace of the config is a new one (inodes differ from the host's)" {
    update_config '.linux.namespaces += [{"type":"cgroup"}] | .linux.namespaces |= unique_by(.type) | .process.args = ["sh", "-c", "for n in pid net mnt ipc uts cgroup; do readlink /proc/1/ns/$n; done"]'
    run runtime run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -eq 0 ]
    i=0
    for n in pid net mnt ipc uts cgroup; do
        [ "${lines[$i]}" != "$(readlink /proc/self/ns/$n)" ] || { echo "$n is the host's"; false; }
        i=$((i + 1))
    done
}

@test "a namespace with a path is joined, not created (network namespace by path)" {
    NETNS=hulltest-$$-$RANDOM
    ip netns add "$NETNS"
    update_config ".linux.namespaces |= map(if .type == \"network\" then .path = \"/run/netns/$NETNS\" else . end) | .process.args = [\"readlink\", \"/proc/self/ns/net\"]"
    run runtime run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -eq 0 ]
    [ "$output" = "net:[$(stat -L -c %i "/run/netns/$NETNS")]" ]
}

@test "without a network namespace in the config the container shares the host's" {
    update_config '.linux.namespaces |= map(select(.type != "network")) | .process.args = ["readlink", "/proc/self/ns/net"]'
    run runtime run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -eq 0 ]
    [ "$output" = "$(readlink /proc/self/ns/net)" ]
}

@test "a user namespace maps container root to a host uid" {
    chown -R 100000:100000 "$BUNDLE/rootfs"
    # the mapped root must be able to reach the rootfs (mktemp makes 0700 dirs)
    chmod 755 "$TEST_DIR" "$BUNDLE"
    update_config '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map; exec sleep 1000"]'
    id=$(new_id)
    runtime run -d --bundle "$BUNDLE" "$id" >"$TEST_DIR/out" 2>&1
    wait_until "grep -q 100000 $TEST_DIR/out"
    pid=$(runtime state "$id" | jq .pid)
    [ "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" = 100000 ]
    grep -q '^0$' "$TEST_DIR/out"
    grep -qE '^ *0 +100000 +65536' "$TEST_DIR/out"
}

@test "the cgroup-parents marks' directory makes its parents 0711: a user namespace's init still reaches its exec.fifo there" {
    # On a fresh machine /run/hull was first made by the marks' lock, 0700 (a
    # run with another --root, a benchmark, did it): podman --uidmap then failed
    # with "open /run/hull/ID/exec.fifo: Permission denied".
    chown -R 100000:100000 "$BUNDLE/rootfs"
    chmod 755 "$TEST_DIR" "$BUNDLE"
    update_config '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .process.args = ["true"]'
    export HULL_CGROUP_PARENTS_DIR=$TEST_DIR/run/hull/@cgroup-parents
    # a cgroup whose parent create makes (and marks): the default /hull/ID
    # takes no marks' lock (nobody removes /hull)
    local cfg=$BUNDLE/config.json
    cp "$cfg" "$TEST_DIR/config.saved"
    update_config ".linux.cgroupsPath = \"/hulltest-marks-$$/x\""
    "$HULL_RUNTIME" --root "$TEST_DIR/other" run --bundle "$BUNDLE" "$(new_id)"
    cp "$TEST_DIR/config.saved" "$cfg"
    [ "$(stat -c %a "$TEST_DIR/run/hull")" = 711 ]
    [ "$(stat -c %a "$HULL_CGROUP_PARENTS_DIR")" = 700 ]
    id=$(new_id)
    run_quiet "$HULL_RUNTIME" --root "$TEST_DIR/run/hull" run --bundle "$BUNDLE" "$id"
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "a time namespace applies linux.timeOffsets" {
    [ -e /proc/self/ns/time ] || skip "kernel without time namespaces"
    update_config '.linux.namespaces += [{"type":"time"}] | .linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0}, "boottime": {"secs": 172800, "nanosecs": 0}} | .process.args = ["cat", "/proc/uptime"]'
    run runtime run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -eq 0 ]
    host=$(cut -d. -f1 /proc/uptime)
    ctr=$(echo "$output" | cut -d. -f1)
    [ "$ctr" -ge $((host + 172800 - 5)) ]
}

@test "the container cannot see host mounts after pivot_root" {
    # field 5 of mountinfo is where a mount is visible
    update_config '.process.args = ["sh", "-c", "awk \"{print \\$5}\" /proc/self/mountinfo"]'
    run runtime run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -eq 0 ]
    [[ "$output" == *"/proc"* ]]
    [[ "$output" != *"/work"* ]]
    [[ "$output" != *"$TEST_DIR"* ]]
}

@test "--no-pivot (MS_MOVE + chroot) also gives the container its rootfs" {
    update_config '.process.args = ["sh", "-c", "ls /bin/busybox && echo ok"]'
    run runtime run --no-pivot --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -eq 0 ]
    [[ "$output" == *ok* ]]
}
