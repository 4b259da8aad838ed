#!/usr/bin/env bats
# Where runc's users would notice a difference (issue 10): each test passes with
# hull and with runc (HULL_RUNTIME=$(command -v runc)); where runc 1.1 itself
# has the bug the test says so and skips for runc.

load ../lib/common

setup() { setup_bundle; }
teardown() {
    diag_on_failure
    [ -z "${RECV:-}" ] || kill "$RECV" 2>/dev/null || true
    [ -z "${HOLDER:-}" ] || kill -KILL "$HOLDER" 2>/dev/null || true
    teardown_bundle
}

start_receiver() {
    SOCK=$TEST_DIR/console.sock
    python3 "$HULL_SRC/tests/lib/console_receiver.py" "$SOCK" "$TEST_DIR/console.out" "$@" &
    RECV=$!
    wait_until "[ -e '$SOCK.ready' ]"
}

# ---------- HOME ----------

@test "HOME comes from the container's /etc/passwd when process.env has none (init and exec)" {
    echo 'user:x:1000:1000::/home/user:/bin/sh' >>"$BUNDLE/rootfs/etc/passwd"
    update_config '.process.env = ["PATH=/bin"] | .process.args = ["sh", "-c", "echo HOME=$HOME; sleep 100"]'
    id=$(new_id)
    runtime run -d --bundle "$BUNDLE" "$id" >"$TEST_DIR/init.out" 2>&1
    wait_until "grep -q HOME= '$TEST_DIR/init.out'"
    grep -qx 'HOME=/root' "$TEST_DIR/init.out"
    # exec: root, a user with an entry, a uid without one (runc: "/")
    [ "$(runtime exec "$id" sh -c 'echo $HOME')" = /root ]
    [ "$(runtime exec --user 1000:1000 "$id" sh -c 'echo $HOME')" = /home/user ]
    [ "$(runtime exec --user 4242:4242 "$id" sh -c 'echo $HOME')" = / ]
    # a HOME given wins; an empty one counts as none
    [ "$(runtime exec --env HOME=/given "$id" sh -c 'echo $HOME')" = /given ]
    [ "$(runtime exec --env HOME= "$id" sh -c 'echo "[$HOME]"; env | grep -c ^HOME=')" = "[/root]
1" ]
}

@test "HOME for the init of a user without a passwd entry is /, and a HOME in process.env is kept" {
    update_config '.process.env = ["PATH=/bin"] | .process.user = {"uid": 4242, "gid": 4242} | .process.args = ["sh", "-c", "echo HOME=$HOME"]'
    id=$(new_id)
    run_quiet runtime run --bundle "$BUNDLE" "$id"
    [ "$status" -eq 0 ]
    [ "$output" = "HOME=/" ]
    update_config '.process.env = ["PATH=/bin", "HOME=/srv"]'
    id=$(new_id)
    run_quiet runtime run --bundle "$BUNDLE" "$id"
    [ "$output" = "HOME=/srv" ]
}

# ---------- process.cwd before the user switch ----------

@test "process.cwd only root can enter (/root, mode 700) works for a process running as uid 1000" {
    chmod 700 "$BUNDLE/rootfs/root"
    update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.cwd = "/root" | .process.args = ["sh", "-c", "pwd; sleep 100"]'
    id=$(new_id)
    runtime run -d --bundle "$BUNDLE" "$id" >"$TEST_DIR/init.out" 2>&1
    wait_until "grep -q . '$TEST_DIR/init.out'"
    [ "$(cat "$TEST_DIR/init.out")" = /root ]
    [ "$(runtime exec --user 1000:1000 --cwd /root "$id" pwd)" = /root ]
    # the user really cannot enter it: only the runtime's chdir as root got it there
    run runtime exec --user 1000:1000 --cwd / "$id" sh -c 'cd /root'
    [ "$status" -ne 0 ]
}

@test "a process.cwd that is not a directory still fails clearly and leaves nothing" {
    update_config '.process.cwd = "/etc/passwd" | .process.args = ["true"]'
    id=$(new_id)
    run_quiet runtime run --bundle "$BUNDLE" "$id"
    [ "$status" -ne 0 ]
    [[ "$output" == *"/etc/passwd"* ]]
    assert_no_leftovers "$id"
}

# ---------- terminal ownership ----------

@test "the terminal of a process running as uid 1000 is owned by it (run and exec --tty), group tty" {
    update_config '.process.terminal = true | .process.user = {"uid": 1000, "gid": 1000} | .process.args = ["sh", "-c", "stat -c \"owner=%u:%g mode=%a\" $(tty)"]'
    start_receiver
    id=$(new_id)
    runtime run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$id"
    wait "$RECV"
    RECV=
    cat "$TEST_DIR/console.out"
    # gid 5 is the devpts mount's gid= option (the default config's), as with runc
    grep -q 'owner=1000:5 mode=620' "$TEST_DIR/console.out"

    update_config '.process.terminal = false | .process.user = {"uid": 0, "gid": 0} | .process.args = ["sleep", "100"]'
    id=$(new_id)
    runtime run -d --bundle "$BUNDLE" "$id"
    rm -f "$SOCK" "$SOCK.ready"
    start_receiver
    runtime exec --tty --detach --user 1000:1000 --console-socket "$SOCK" "$id" sh -c 'stat -c "owner=%u:%g" $(tty)'
    wait "$RECV"
    RECV=
    cat "$TEST_DIR/console.out"
    grep -q 'owner=1000:5' "$TEST_DIR/console.out"
}

# ---------- no zombie, own session ----------

reap_check() {
    python3 "$HULL_SRC/tests/lib/reap_check.py" "$HULL_RUNTIME" "$TEST_ROOT" "$BUNDLE" "$1" "$2"
}

@test "no process of the container is left in the caller's process group or unreaped: run" {
    update_config '.process.args = ["sh", "-c", "sleep 0.1 & exit 0"]'
    id=$(new_id)
    run reap_check "$id" run
    echo "$output"
    [ "$status" -eq 0 ]
    # the init leads its own session and group (seen from its pid namespace: 1 1, not 0 0)
    update_config '.process.args = ["sh", "-c", "cut -d\" \" -f5,6 /proc/1/stat"]'
    id=$(new_id)
    run_quiet runtime run --bundle "$BUNDLE" "$id"
    [ "$output" = "1 1" ]
}

@test "no process of the container is left in the caller's process group or unreaped: run -d" {
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    run reap_check "$id" run-detached
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "no process of the container is left in the caller's process group or unreaped: create/start/kill/delete" {
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    run reap_check "$id" create-start-kill-delete
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "no process of the container is left in the caller's process group or unreaped: exec -d" {
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    run reap_check "$id" exec-detached
    echo "$output"
    [ "$status" -eq 0 ]
}

# ---------- loopback ----------

# A server on 127.0.0.1 inside the container answers a client inside it (the
# client retries until the server listens, up to the test's deadline).
LOOPBACK_SCRIPT='cat /sys/class/net/lo/flags; nc -l -p 5555 -e echo hello-over-lo & i=0; while [ $i -lt $((WAIT * 10)) ]; do out=$(nc -w 5 127.0.0.1 5555 </dev/null 2>/dev/null) && [ -n "$out" ] && break; i=$((i + 1)); sleep 0.1; done; echo "got:$out"'

@test "lo is up in a new network namespace: a server on 127.0.0.1 is reachable inside" {
    update_config ".process.env += [\"WAIT=$HULL_WAIT_SECONDS\"] | .process.args = [\"sh\", \"-c\", $(jq -Rn --arg s "$LOOPBACK_SCRIPT" '$s')]"
    run_quiet runtime run --bundle "$BUNDLE" "$(new_id)"
    echo "$output"
    [ "$status" -eq 0 ]
    # IFF_UP | IFF_LOOPBACK
    [ "${lines[0]}" = 0x9 ]
    [[ "$output" == *got:hello-over-lo* ]]
}

@test "lo is up in a new network namespace owned by a new user namespace" {
    chown -R 100000:100000 "$BUNDLE/rootfs"
    chmod 755 "$TEST_DIR" "$BUNDLE"
    update_config '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
    update_config ".process.env += [\"WAIT=$HULL_WAIT_SECONDS\"] | .process.args = [\"sh\", \"-c\", $(jq -Rn --arg s "$LOOPBACK_SCRIPT" '$s')]"
    run_quiet runtime run --bundle "$BUNDLE" "$(new_id)"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0x9 ]
    [[ "$output" == *got:hello-over-lo* ]]
}

@test "a network namespace joined by path is left as it is (lo stays down)" {
    NETNS=hulltest-$$-$RANDOM
    ip netns add "$NETNS"
    update_config ".linux.namespaces |= map(if .type == \"network\" then .path = \"/run/netns/$NETNS\" else . end) | .process.args = [\"cat\", \"/sys/class/net/lo/flags\"]"
    run_quiet runtime run --bundle "$BUNDLE" "$(new_id)"
    ip netns delete "$NETNS"
    [ "$status" -eq 0 ]
    [ "$output" = 0x8 ]
}

# ---------- rootfsPropagation ----------

# propagation_of PROP: runs a container with rootfsPropagation PROP from a mount
# namespace the test made (never the host's), its rootfs on a shared tmpfs there
# (so "slave" has a master to show), and prints the optional fields of / and of
# /proc as the container's mountinfo shows them: "/: shared:12" and "/proc:".
propagation_of() {
    local dir=$TEST_DIR/shared
    mkdir -p "$dir"
    cat >"$BUNDLE/rootfs/prop.sh" <<'SH'
awk '$5 == "/" || $5 == "/proc" { o = ""; for (i = 7; $i != "-"; i++) o = o " " $i; print $5 ":" o }' /proc/self/mountinfo
SH
    update_config ".linux.rootfsPropagation = \"$1\" | .root.path = \"$dir/rootfs\" | .process.args = [\"sh\", \"/prop.sh\"]"
    unshare -m --propagation private sh -c '
        mount -t tmpfs tmpfs "$1" && mount --make-shared "$1" && cp -a "$2/rootfs" "$1/rootfs" &&
        "$3" --root "$4" run --bundle "$2" "$5" </dev/null' sh "$dir" "$BUNDLE" "$HULL_RUNTIME" "$TEST_ROOT" "$(new_id)"
}

@test "rootfsPropagation shared / rshared: / is shared; rshared also its submounts" {
    is_hull || skip "runc 1.1 has the bug itself: it sets the propagation before binding the rootfs, then makes the rootfs's parent private, so / ends up private"
    run propagation_of shared
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" =~ "/: shared:"[0-9]+ ]]
    [[ "$output" == *"/proc:"$'\n'* || "$output" == *"/proc:" ]]
    run propagation_of rshared
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" =~ "/: shared:"[0-9]+ ]]
    [[ "$output" =~ "/proc: shared:"[0-9]+ ]]
}

@test "rootfsPropagation slave / rslave: / is a slave of the mount it came from" {
    is_hull || skip "runc 1.1 has the bug itself: it sets the propagation before binding the rootfs, then makes the rootfs's parent private, so / ends up private"
    for p in slave rslave; do
        run propagation_of $p
        echo "$p: $output"
        [ "$status" -eq 0 ]
        [[ "$output" =~ "/: master:"[0-9]+ ]]
    done
}

@test "rootfsPropagation private / rprivate: no propagation at all" {
    for p in private rprivate; do
        run propagation_of $p
        echo "$p: $output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"/:"* ]]
        [[ "$output" != *shared:* && "$output" != *master:* && "$output" != *unbindable* ]]
    done
}

@test "rootfsPropagation unbindable / runbindable: / is unbindable; runbindable also its submounts" {
    is_hull || skip "runc 1.1 fails here itself: it makes / unbindable before binding the rootfs onto itself (EINVAL)"
    run propagation_of unbindable
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"/: unbindable"* ]]
    [[ "$output" != *"/proc: unbindable"* ]]
    run propagation_of runbindable
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"/: unbindable"* ]]
    [[ "$output" == *"/proc: unbindable"* ]]
}

# ---------- read-only /dev ----------

@test "a read-only /dev in the config works: /dev/pts, devices and the console exist, /dev is read-only" {
    update_config '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"] | .process.args = ["sh", "-c", "ls -d /dev/pts /dev/null /dev/ptmx && echo x >/dev/null && ! touch /dev/new 2>/dev/null && awk \"\\$5 == \\\"/dev\\\" {print \\$6}\" /proc/self/mountinfo"]'
    run_quiet runtime run --bundle "$BUNDLE" "$(new_id)"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "${lines[-1]}" == ro,* ]]
}

@test "a read-only tmpfs with a mount below it works (the mount point is made before the tmpfs turns read-only)" {
    mkdir -p "$TEST_DIR/src"
    echo inner >"$TEST_DIR/src/f"
    update_config ".mounts += [{\"destination\": \"/srv\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"ro\", \"nosuid\"]}, {\"destination\": \"/srv/in\", \"type\": \"bind\", \"source\": \"$TEST_DIR/src\", \"options\": [\"bind\"]}] | .process.args = [\"sh\", \"-c\", \"cat /srv/in/f; ! touch /srv/x 2>/dev/null && echo srv-ro\"]"
    run_quiet runtime run --bundle "$BUNDLE" "$(new_id)"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$output" = "inner
srv-ro" ]
}

# ---------- --no-pivot ----------

@test "--no-pivot: no proc or sysfs mount of the host stays in the container's mount namespace" {
    host_proc=$(awk '$5 == "/proc" && $4 == "/" {print $3; exit}' /proc/self/mountinfo)
    host_sys=$(awk '$5 == "/sys" && $4 == "/" {print $3; exit}' /proc/self/mountinfo)
    [ -n "$host_proc" ] && [ -n "$host_sys" ]
    update_config '.process.args = ["sleep", "100"]'
    id=$(new_id)
    runtime run -d --no-pivot --bundle "$BUNDLE" "$id"
    pid=$(runtime state "$id" | jq .pid)
    run python3 "$HULL_SRC/tests/lib/ns_mounts.py" "$pid"
    [ "$status" -ne 77 ] || skip "the kernel cannot list another mount namespace's mounts (listmount with a namespace id, Linux 6.11)"
    [ "$status" -eq 0 ]
    # the container's own proc and sysfs are new superblocks; the host's are gone
    [ "${#lines[@]}" -gt 3 ]
    for dev in "$host_proc" "$host_sys"; do
        for l in "${lines[@]}"; do [ "$l" != "$dev" ] || { echo "the host's mount $dev is still in the namespace"; false; }; done
    done
    [ "$(runtime exec "$id" sh -c 'test -r /proc/self/status && echo has-proc')" = has-proc ]
}

# ---------- namespaces: not listed = inherited, joined by path ----------

# in_private_mntns SCRIPT: runs bash SCRIPT in a mount namespace the test made
# (private propagation), so a container sharing its caller's mount namespace
# never mounts anything in the host's.  RT, ROOT and BUNDLE are set for it.
in_private_mntns() {
    RT=$HULL_RUNTIME ROOT=$TEST_ROOT B=$BUNDLE unshare -m --propagation private bash -c "$1"
}

@test "without \"mount\" in linux.namespaces the container shares the caller's mount namespace (runc's behaviour)" {
    touch "$BUNDLE/rootfs/i-am-the-rootfs"
    update_config '.linux.namespaces |= map(select(.type != "mount")) | del(.linux.maskedPaths, .linux.readonlyPaths) | .process.args = ["sh", "-c", "readlink /proc/self/ns/mnt; ls /i-am-the-rootfs; cat /proc/1/comm; exec sleep 100"]'
    id=$(new_id)
    run in_private_mntns "
        set -e
        readlink /proc/self/ns/mnt
        \"\$RT\" --root \"\$ROOT\" run -d --bundle \"\$B\" $id >\"\$B/out\" 2>&1
        for i in \$(seq $((HULL_WAIT_SECONDS * 20))); do [ \$(wc -l <\"\$B/out\") -ge 3 ] && break; sleep 0.05; done
        cat \"\$B/out\"
        echo mounts-while-running=\$(grep -c \" \$B/rootfs\" /proc/self/mountinfo)
        \"\$RT\" --root \"\$ROOT\" exec $id sh -c 'ls /i-am-the-rootfs' || echo exec-failed
        \"\$RT\" --root \"\$ROOT\" kill $id KILL
        for i in \$(seq $((HULL_WAIT_SECONDS * 20))); do \"\$RT\" --root \"\$ROOT\" delete $id 2>/dev/null && break; sleep 0.05; done
        echo mounts-after-delete=\$(grep -c \" \$B/rootfs\" /proc/self/mountinfo || true)"
    echo "$output"
    [ "$status" -eq 0 ]
    # the caller's namespace, the rootfs as /, the container's own /proc (pid namespace)
    [ "${lines[1]}" = "${lines[0]}" ]
    [ "${lines[2]}" = /i-am-the-rootfs ]
    [ "${lines[3]}" = sh ]
    [[ "$output" =~ mounts-while-running=[1-9] ]]
    # nothing was mounted in the host's mount namespace
    ! grep -q " $TEST_DIR" /proc/self/mountinfo
    if is_hull; then
        # exec enters the container's root; delete takes its mounts away (runc 1.1 does neither)
        [[ "$output" == *$'\n'/i-am-the-rootfs$'\n'* ]]
        [[ "$output" == *mounts-after-delete=0* ]]
    fi
}

@test "without a mount namespace, maskedPaths and rootfsPropagation are refused in one line; nothing is left" {
    update_config '.linux.namespaces |= map(select(.type != "mount")) | .process.args = ["true"]'
    id=$(new_id)
    run in_private_mntns "\"\$RT\" --root \"\$ROOT\" run --bundle \"\$B\" $id </dev/null; echo status=\$?; grep -c \" \$B/rootfs\" /proc/self/mountinfo || true"
    echo "$output"
    [[ "$output" == *status=1* ]]
    [ "${lines[-1]}" = 0 ]
    assert_no_leftovers "$id"
    if is_hull; then
        [ "${#lines[@]}" -eq 3 ]
        [[ "${lines[0]}" == *maskedPaths* ]]
        update_config 'del(.linux.maskedPaths, .linux.readonlyPaths) | .linux.rootfsPropagation = "shared"'
        run in_private_mntns "\"\$RT\" --root \"\$ROOT\" run --bundle \"\$B\" $id </dev/null"
        [ "$status" -eq 1 ]
        [ "${#lines[@]}" -eq 1 ]
        [[ "$output" == *rootfsPropagation* ]]
        assert_no_leftovers "$id"
    fi
}

@test "every namespace type given by path is joined (pid, network, ipc, uts, mount, cgroup)" {
    # a holder process of the test's own in new namespaces; the container joins them
    # (--kill-child: the namespaces' PID 1 dies with it; no fd of bats's is kept)
    unshare --fork --kill-child --pid --mount --uts --ipc --net --cgroup --mount-proc sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
    HOLDER=$!
    holder=$HOLDER
    wait_until "[ -n \"\$(cat /proc/$holder/task/$holder/children 2>/dev/null)\" ]"
    inner=$(cat /proc/$holder/task/$holder/children | tr -d ' ')
    wait_until "[ \"\$(readlink /proc/$inner/ns/pid)\" != \"\$(readlink /proc/self/ns/pid)\" ]"
    filter='.linux.namespaces = [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}] | .linux.namespaces |= map(.path = "/proc/'$inner'/ns/" + ({"pid": "pid", "network": "net", "ipc": "ipc", "uts": "uts", "mount": "mnt", "cgroup": "cgroup"}[.type]))'
    update_config "$filter"' | del(.hostname) | .process.args = ["sh", "-c", "for n in pid net ipc uts mnt cgroup; do readlink /proc/self/ns/$n; done"]'
    run_quiet runtime run --bundle "$BUNDLE" "$(new_id)"
    echo "$output"
    [ "$status" -eq 0 ]
    i=0
    for n in pid net ipc uts mnt cgroup; do
        [ "${lines[$i]}" = "$(readlink /proc/$inner/ns/$n)" ] || { echo "$n: ${lines[$i]} is not the holder's"; false; }
        i=$((i + 1))
    done
}

# ---------- user namespace: bind sources the mapped root cannot reach ----------

userns_config() {
    chown -R 100000:100000 "$BUNDLE/rootfs"
    chmod 755 "$TEST_DIR" "$BUNDLE"
    update_config '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
}

@test "in a user namespace, a bind source below a directory only the host's root can enter is mounted (opened before the user namespace)" {
    userns_config
    mkdir -p "$TEST_DIR/private/shared"
    echo reachable >"$TEST_DIR/private/shared/f"
    chmod 700 "$TEST_DIR/private"
    update_config ".mounts += [{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$TEST_DIR/private/shared\", \"options\": [\"bind\", \"ro\"]}] | .process.args = [\"sh\", \"-c\", \"cat /mnt/f; touch /mnt/x 2>/dev/null || echo read-only\"]"
    run_quiet runtime run --bundle "$BUNDLE" "$(new_id)"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$output" = "reachable
read-only" ]
}

@test "in a user namespace, a bind source that does not exist fails in one line naming the mount; nothing is left" {
    userns_config
    update_config ".mounts += [{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$TEST_DIR/no-such-dir\", \"options\": [\"bind\"]}] | .process.args = [\"true\"]"
    id=$(new_id)
    run_quiet runtime run --bundle "$BUNDLE" "$id"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" == *no-such-dir* ]]
    if is_hull; then
        [ "${#lines[@]}" -eq 1 ]
        [[ "$output" == *"mounts["*"(/mnt)"* ]]
    fi
    assert_no_leftovers "$id"
}
