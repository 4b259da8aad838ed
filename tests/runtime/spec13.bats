#!/usr/bin/env bats
# runtime-spec 1.1-1.3 fields (issue 10): process.scheduler, ioPriority,
# execCPUAffinity, linux.personality, memoryPolicy, netDevices, intelRdt, and
# what `features` says about them. Each effect is read from outside the
# container (chrt, ionice, /proc/PID/...) or from inside (uname, ip).
# Runs against runc too (HULL_RUNTIME=$(command -v runc)); runc 1.1 has none
# of these fields (it ignores them), so those tests skip for it, naming the
# runc version that added the field.

load ../lib/common

setup() { setup_bundle; }
teardown() { diag_on_failure; teardown_bundle; }

# needs_field FIELD RUNC_VERSION: skips when the runtime under test is a runc
# older than the one that added FIELD.
needs_field() {
    is_hull && return 0
    local v
    v=$("$HULL_RUNTIME" --version | sed -n 's/^runc version \([0-9]*\.[0-9]*\).*/\1/p')
    if [ -n "$v" ] && [ "$(printf '%s\n%s\n' "$v" "$2" | sort -V | head -1)" != "$2" ]; then
        skip "runc $v has no $1 (runc $2+)"
    fi
}

# start_sleeper: runs the container detached; sets ID and PID (its init, as the host sees it).
start_sleeper() {
    update_config '.process.args = ["sleep", "1000"]'
    ID=$(new_id)
    runtime run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
    PID=$(runtime state "$ID" | jq .pid)
    [ "$PID" -gt 0 ]
}

# expect_refused FILTER TEXT: the config after FILTER fails to create with one
# line containing TEXT, and leaves nothing behind.
expect_refused() {
    update_config "$1"
    local id
    id=$(new_id)
    run_quiet runtime run --bundle "$BUNDLE" "$id"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ $output == *"$2"* ]]
    [ "$(printf '%s\n' "$output" | grep -c .)" -eq 1 ]
    assert_no_leftovers "$id"
}

nice_of() { awk '{print $19}' "/proc/$1/stat"; }

# ---------- process.scheduler ----------

@test "process.scheduler: SCHED_BATCH with nice, SCHED_IDLE, SCHED_OTHER with a negative nice" {
    needs_field process.scheduler 1.2
    update_config '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}'
    start_sleeper
    chrt -p "$PID" | grep -q "policy: SCHED_BATCH"
    [ "$(nice_of "$PID")" = 7 ]
    runtime delete --force "$ID"

    update_config '.process.scheduler = {"policy": "SCHED_IDLE"}'
    start_sleeper
    chrt -p "$PID" | grep -q "policy: SCHED_IDLE"
    runtime delete --force "$ID"

    update_config '.process.scheduler = {"policy": "SCHED_OTHER", "nice": -5}'
    start_sleeper
    chrt -p "$PID" | grep -q "policy: SCHED_OTHER"
    [ "$(nice_of "$PID")" = -5 ]
}

@test "process.scheduler: SCHED_FIFO and SCHED_RR with a priority" {
    needs_field process.scheduler 1.2
    # With CONFIG_RT_GROUP_SCHED a cgroup without cpu.rt_runtime_us cannot hold
    # real-time tasks: then the kernel refuses, and so must we, naming the field.
    update_config '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 10}'
    ID=$(new_id)
    run_quiet runtime run -d --bundle "$BUNDLE" "$ID"
    if [ "$status" -ne 0 ]; then
        [[ $output == *"process.scheduler"* ]]
        assert_no_leftovers "$ID"
        skip "this kernel refuses real-time tasks in the container's cgroup: $output"
    fi
    runtime delete --force "$ID"
    start_sleeper
    chrt -p "$PID" | grep -q "policy: SCHED_FIFO"
    chrt -p "$PID" | grep -q "priority: 10"
    runtime delete --force "$ID"
    update_config '.process.scheduler = {"policy": "SCHED_RR", "priority": 3}'
    start_sleeper
    chrt -p "$PID" | grep -q "policy: SCHED_RR"
    chrt -p "$PID" | grep -q "priority: 3"
}

@test "process.scheduler: an exec'd process gets its own scheduler from --process" {
    needs_field process.scheduler 1.2
    start_sleeper
    cat >"$TEST_DIR/process.json" <<'JSON'
{"args": ["sh", "-c", "cat /proc/self/stat"], "env": ["PATH=/bin"], "cwd": "/",
 "scheduler": {"policy": "SCHED_BATCH", "nice": 4}}
JSON
    run_quiet runtime exec --process "$TEST_DIR/process.json" "$ID"
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | awk '{print $19}')" = 4 ]
    # policy is field 41 of /proc/PID/stat: 3 is SCHED_BATCH
    [ "$(echo "$output" | awk '{print $41}')" = 3 ]
}

@test "process.scheduler: an unknown policy, SCHED_ISO and a FIFO without priority are refused" {
    needs_field process.scheduler 1.2
    is_hull || skip "runc's messages differ; the refusals are hull's"
    expect_refused '.process.scheduler = {"policy": "SCHED_FAST"}' 'process.scheduler.policy "SCHED_FAST" is not a scheduling policy'
    expect_refused '.process.scheduler = {"policy": "SCHED_ISO"}' 'process.scheduler.policy "SCHED_ISO" does not exist in the Linux kernel'
    expect_refused '.process.scheduler = {"policy": "SCHED_FIFO"}' 'process.scheduler.priority must be 1 to 99 for SCHED_FIFO'
    expect_refused '.process.scheduler = {"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_X"]}' 'process.scheduler.flags[0] "SCHED_FLAG_X" is not a scheduler flag'
    expect_refused '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 10, "deadline": 5}' 'SCHED_DEADLINE needs 0 < runtime'
}

# ---------- process.ioPriority ----------

@test "process.ioPriority: best-effort, idle and real-time classes" {
    needs_field process.ioPriority 1.2
    update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 4}'
    start_sleeper
    [ "$(ionice -p "$PID")" = "best-effort: prio 4" ]
    runtime delete --force "$ID"
    update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}'
    start_sleeper
    [ "$(ionice -p "$PID")" = "idle" ]
    runtime delete --force "$ID"
    update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_RT", "priority": 2}'
    start_sleeper
    [ "$(ionice -p "$PID")" = "realtime: prio 2" ]
}

@test "process.ioPriority: an unknown class and a priority out of 0-7 are refused" {
    needs_field process.ioPriority 1.2
    is_hull || skip "runc's messages differ; the refusals are hull's"
    expect_refused '.process.ioPriority = {"class": "IOPRIO_CLASS_FAST", "priority": 1}' 'process.ioPriority.class "IOPRIO_CLASS_FAST" is not an I/O priority class'
    expect_refused '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 8}' 'process.ioPriority.priority 8 is out of range'
}

# ---------- process.execCPUAffinity ----------

@test "process.execCPUAffinity: final sets the process's CPUs (init and exec)" {
    needs_field process.execCPUAffinity 1.2
    local last
    last=$(sed 's/.*[-,]//' /sys/devices/system/cpu/online)
    [ "$last" -ge 1 ] || skip "one CPU: an affinity cannot differ from the default"
    update_config ".process.execCPUAffinity = {\"initial\": \"0\", \"final\": \"$last\"}"
    start_sleeper
    is_hull && grep -qx "Cpus_allowed_list:[[:space:]]*$last" "/proc/$PID/status"
    cat >"$TEST_DIR/process.json" <<JSON
{"args": ["sh", "-c", "grep Cpus_allowed_list /proc/self/status"], "env": ["PATH=/bin"], "cwd": "/",
 "execCPUAffinity": {"initial": "$last", "final": "0"}}
JSON
    run_quiet runtime exec --process "$TEST_DIR/process.json" "$ID"
    [ "$status" -eq 0 ]
    [[ $output =~ ^Cpus_allowed_list:[[:space:]]*0$ ]]
}

@test "process.execCPUAffinity: a CPU the host does not have, or a bad list, is refused" {
    needs_field process.execCPUAffinity 1.2
    is_hull || skip "runc's messages differ; the refusals are hull's"
    expect_refused '.process.execCPUAffinity = {"final": "1000"}' 'process.execCPUAffinity.final "1000": CPU 1000 is not online on this host'
    expect_refused '.process.execCPUAffinity = {"initial": "0-x"}' 'process.execCPUAffinity.initial "0-x" is not a CPU list'
    # and for exec: nothing is started
    update_config 'del(.process.execCPUAffinity)'
    start_sleeper
    cat >"$TEST_DIR/process.json" <<'JSON'
{"args": ["true"], "env": ["PATH=/bin"], "cwd": "/", "execCPUAffinity": {"final": "1000"}}
JSON
    run_quiet runtime exec --process "$TEST_DIR/process.json" "$ID"
    [ "$status" -ne 0 ]
    [[ $output == *'CPU 1000 is not online'* ]]
}

# ---------- linux.personality ----------

@test "linux.personality: LINUX32 makes uname report a 32-bit machine, LINUX does not" {
    needs_field linux.personality 1.2
    [ "$(uname -m)" = x86_64 ] || skip "the 32-bit name is checked on x86_64 hosts only (here: $(uname -m))"
    update_config '.linux.personality = {"domain": "LINUX32"} | .process.args = ["uname", "-m"]'
    run_quiet runtime run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -eq 0 ]
    [ "$output" = i686 ]
    # an exec'd process runs in the container's personality too
    start_sleeper
    [ "$(runtime exec "$ID" uname -m)" = i686 ]
    update_config '.process.args = ["uname", "-m"]'
    update_config '.linux.personality = {"domain": "LINUX"}'
    run_quiet runtime run --bundle "$BUNDLE" "$(new_id)"
    [ "$output" = x86_64 ]
}

@test "linux.personality: an unknown domain and any flag are refused" {
    needs_field linux.personality 1.2
    is_hull || skip "runc's messages differ; the refusals are hull's"
    expect_refused '.linux.personality = {"domain": "SVR4"}' 'linux.personality.domain "SVR4" is not a personality domain'
    expect_refused '.linux.personality = {"domain": "LINUX", "flags": ["ADDR_NO_RANDOMIZE"]}' 'linux.personality.flags[0] "ADDR_NO_RANDOMIZE": the spec defines no personality flags'
}

# ---------- linux.memoryPolicy ----------

@test "linux.memoryPolicy: bind, interleave, preferred and local show in numa_maps" {
    needs_field linux.memoryPolicy 1.3
    [ -r /proc/self/numa_maps ] || skip "kernel without NUMA (no /proc/self/numa_maps)"
    local node
    node=$(sed 's/[-,].*//' /sys/devices/system/node/online)
    local mode want
    for mode in MPOL_BIND:bind MPOL_INTERLEAVE:interleave MPOL_PREFERRED:prefer; do
        want=${mode#*:}
        update_config ".linux.memoryPolicy = {\"mode\": \"${mode%%:*}\", \"nodes\": \"$node\"}"
        start_sleeper
        grep -q " $want[a-z]*[:=]$node " "/proc/$PID/numa_maps"
        runtime delete --force "$ID"
    done
    update_config '.linux.memoryPolicy = {"mode": "MPOL_LOCAL"}'
    start_sleeper
    grep -q " local " "/proc/$PID/numa_maps"
    # and an exec'd process gets the container's policy
    runtime exec "$ID" sh -c 'grep -q " local " /proc/self/numa_maps'

}

@test "linux.memoryPolicy: nodes the host lacks, a bad mode or flag, and nodes with MPOL_DEFAULT are refused" {
    needs_field linux.memoryPolicy 1.3
    is_hull || skip "runc's messages differ; the refusals are hull's"
    [ -r /proc/self/numa_maps ] || skip "kernel without NUMA"
    local missing
    missing=$(($(sed 's/.*[-,]//' /sys/devices/system/node/online) + 1))
    expect_refused ".linux.memoryPolicy = {\"mode\": \"MPOL_BIND\", \"nodes\": \"$missing\"}" "linux.memoryPolicy.nodes \"$missing\": node $missing is not online on this host"
    expect_refused '.linux.memoryPolicy = {"mode": "MPOL_FAST", "nodes": "0"}' 'linux.memoryPolicy.mode "MPOL_FAST" is not a memory policy mode'
    expect_refused '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_X"]}' 'linux.memoryPolicy.flags[0] "MPOL_F_X" is not a memory policy flag'
    expect_refused '.linux.memoryPolicy = {"mode": "MPOL_DEFAULT", "nodes": "0"}' 'linux.memoryPolicy.nodes must be empty for MPOL_DEFAULT'
    expect_refused '.linux.memoryPolicy = {"mode": "MPOL_BIND"}' 'linux.memoryPolicy.nodes is required for MPOL_BIND'
}

# ---------- linux.intelRdt ----------

@test "linux.intelRdt is refused, naming the field (no resctrl here)" {
    is_hull || skip "runc 1.1 ignores linux.intelRdt without resctrl; the refusal is hull's"
    grep -q ' /sys/fs/resctrl resctrl ' /proc/mounts && skip "resctrl is mounted on this host"
    expect_refused '.linux.intelRdt = {"closID": "hull"}' 'linux.intelRdt needs resctrl, which is not mounted at /sys/fs/resctrl'
}

# ---------- linux.netDevices ----------

# The "host" of these tests is a network namespace the test creates (unshare -n):
# the real host's interfaces are never touched. NETDEV_SCRIPT runs there.
netdev_in_private_netns() {
    HULL_RUNTIME=$HULL_RUNTIME TEST_ROOT=$TEST_ROOT BUNDLE=$BUNDLE ID=$1 WAIT=$HULL_WAIT_SECONDS \
        unshare -n -- bash -euc "$2"
}

# makes hd0 (a dummy, or one end of a veth pair when the kernel has no dummy driver) with an address
NETDEV_MAKE='
ip link add hd0 type dummy 2>/dev/null || ip link add hd0 type veth peer name hd0peer
ip addr add 10.77.0.2/24 dev hd0
'

@test "linux.netDevices: a device moves into the container, renamed, up, with its address; it is gone after delete" {
    needs_field linux.netDevices 1.3
    command -v unshare >/dev/null || skip "no unshare"
    unshare -n true 2>/dev/null || skip "cannot create a network namespace here"
    # hd1 takes a "%d" template: the kernel picks the first free name (config-linux.md)
    update_config '.linux.netDevices = {"hd0": {"name": "ctr0"}, "hd1": {"name": "tpl%d"}} | .process.args = ["sleep", "1000"]'
    ID=$(new_id)
    netdev_in_private_netns "$ID" "$NETDEV_MAKE"'
ip link add hd1 type dummy 2>/dev/null || ip link add hd1 type veth peer name hd1peer
rt() { "$HULL_RUNTIME" --root "$TEST_ROOT" "$@"; }
rt run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null
! ip link show hd0 >/dev/null 2>&1 || { echo "hd0 still in the host namespace"; exit 1; }
out=$(rt exec "$ID" ip addr show ctr0)
echo "$out"
echo "$out" | grep -q "inet 10.77.0.2/24"
echo "$out" | grep -q "<.*UP.*>"
rt exec "$ID" ip link show tpl0 | grep -q "<.*UP.*>"
rt delete --force "$ID"
# the namespace dies with the init: the kernel destroys a virtual device (spec)
deadline=$((SECONDS + WAIT))
while ip link show hd0 >/dev/null 2>&1 || ip link show hd0peer >/dev/null 2>&1 || ip link show ctr0 >/dev/null 2>&1 ||
    ip link show hd1peer >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { echo "device still there after delete"; ip link; exit 1; }
    sleep 0.05
done
'
}

@test "linux.netDevices: a device that does not exist, or without a network namespace, is refused" {
    needs_field linux.netDevices 1.3
    is_hull || skip "runc's messages differ; the refusals are hull's"
    unshare -n true 2>/dev/null || skip "cannot create a network namespace here"
    update_config '.linux.netDevices = {"nosuchdev0": {"name": "ctr0"}}'
    ID=$(new_id)
    netdev_in_private_netns "$ID" '
out=$("$HULL_RUNTIME" --root "$TEST_ROOT" run --bundle "$BUNDLE" "$ID" 2>&1 </dev/null) && exit 1
echo "$out"
[[ $out == *"linux.netDevices: device \"nosuchdev0\" does not exist"* ]]
[ ! -e "$TEST_ROOT/$ID" ]
'
    assert_no_leftovers "$ID"
    # a name the container already has (its lo): the move fails, the device stays where it was
    update_config '.linux.netDevices = {"hd0": {"name": "lo"}}'
    ID=$(new_id)
    netdev_in_private_netns "$ID" "$NETDEV_MAKE"'
out=$("$HULL_RUNTIME" --root "$TEST_ROOT" run --bundle "$BUNDLE" "$ID" 2>&1 </dev/null) && exit 1
echo "$out"
[[ $out == *"linux.netDevices: \"hd0\" cannot become \"lo\": the container already has a device of that name"* ]]
[ ! -e "$TEST_ROOT/$ID" ]
ip addr show hd0 | grep -q "inet 10.77.0.2/24"
'
    assert_no_leftovers "$ID"
    expect_refused '.linux.netDevices = {"hd0": {}} | .linux.namespaces |= map(select(.type != "network"))' 'linux.netDevices needs a network namespace'
    expect_refused '.linux.netDevices = {"hd0": {"name": "a/b"}}' 'linux.netDevices.hd0.name "a/b" is not a network device name'
}

# ---------- idmapped mounts ----------

idmap_mount() { # OPTIONS_JSON [MAPPINGS_JSON]: a bind of $TEST_DIR/src at /m
    update_config ".mounts += [{\"destination\": \"/m\", \"type\": \"bind\", \"source\": \"$TEST_DIR/src\", \"options\": $1} + ${2:-{\}}]"
}
MAPS='{"uidMappings": [{"containerID": 0, "hostID": 2000, "size": 1001}], "gidMappings": [{"containerID": 0, "hostID": 3000, "size": 1001}]}'

@test "mounts: uidMappings and gidMappings make an idmapped bind mount (the files' owners are mapped)" {
    needs_field "mounts[].uidMappings" 1.2
    mkdir "$TEST_DIR/src"
    touch "$TEST_DIR/src/root-owned" "$TEST_DIR/src/user-owned"
    chown 1000:1000 "$TEST_DIR/src/user-owned"
    idmap_mount '["bind", "idmap"]' "$MAPS"
    update_config '.process.args = ["sh", "-c", "stat -c \"%n %u:%g\" /m/root-owned /m/user-owned; grep -c \" /m .*idmapped\" /proc/self/mountinfo"]'
    run_quiet runtime run --bundle "$BUNDLE" "$(new_id)"
    echo "$output"
    [ "$status" -eq 0 ]
    # on-disk id N shows as hostID + (N - containerID), as for a user namespace's map
    [ "$output" = "/m/root-owned 2000:3000
/m/user-owned 3000:4000
1" ]
    # the source itself is untouched
    [ "$(stat -c %u:%g "$TEST_DIR/src/root-owned")" = 0:0 ]
    # a file created through the mount lands on disk under the unmapped id
    update_config '.process.args = ["sh", "-c", "echo x > /m/new"] | .process.user = {"uid": 2000, "gid": 3000}'
    run_quiet runtime run --bundle "$BUNDLE" "$(new_id)"
    [ "$status" -eq 0 ]
    [ "$(stat -c %u:%g "$TEST_DIR/src/new")" = 0:0 ]
}

@test "mounts: idmap without mappings, idmap on a non-bind mount, and half mappings are refused" {
    needs_field "mounts[].uidMappings" 1.2
    is_hull || skip "runc's messages differ; the refusals are hull's"
    mkdir "$TEST_DIR/src"
    cp "$BUNDLE/config.json" "$TEST_DIR/base.json"
    idmap_mount '["rbind", "ridmap"]'
    expect_refused '.' "idmap needs the mount's uidMappings and gidMappings"
    cp "$TEST_DIR/base.json" "$BUNDLE/config.json"
    update_config '.mounts += [{"destination": "/m", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"], "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}]'
    expect_refused '.' 'idmap and ridmap are supported on bind mounts only'
    cp "$TEST_DIR/base.json" "$BUNDLE/config.json"
    idmap_mount '["bind", "idmap"]' '{"uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}'
    expect_refused '.' 'uidMappings and gidMappings must be given together'
}

# ---------- features ----------

@test "features lists the 1.3 fields: memoryPolicy modes each accepted, netDevices, potentiallyUnsafeConfigAnnotations" {
    needs_field potentiallyUnsafeConfigAnnotations 1.2
    run_quiet runtime features
    [ "$status" -eq 0 ]
    local f=$TEST_DIR/features.json
    echo "$output" >"$f"
    jq -e '.potentiallyUnsafeConfigAnnotations | type == "array"' "$f"
    if is_hull; then
        jq -e '.linux.netDevices.enabled == true and .linux.intelRdt.enabled == false' "$f"
        jq -e '.linux.mountExtensions.idmap.enabled == true and (.mountOptions | index("idmap") and index("ridmap"))' "$f"
        [ "$(jq -r .ociVersionMax "$f")" = 1.3.0 ]
    fi
    [ -r /proc/self/numa_maps ] || return 0
    # every mode and flag `features` names is one the runtime takes
    local node mode nodes
    node=$(sed 's/[-,].*//' /sys/devices/system/node/online)
    update_config '.process.args = ["true"]'
    for mode in $(jq -r '.linux.memoryPolicy.modes[]?' "$f"); do
        case $mode in MPOL_DEFAULT | MPOL_LOCAL) nodes="" ;; *) nodes=$node ;; esac
        update_config ".linux.memoryPolicy = {\"mode\": \"$mode\", \"nodes\": \"$nodes\"}"
        run_quiet runtime run --bundle "$BUNDLE" "$(new_id)"
        echo "$mode: $output"
        [ "$status" -eq 0 ]
    done
    for flag in $(jq -r '.linux.memoryPolicy.flags[]?' "$f"); do
        [ "$flag" = MPOL_F_NUMA_BALANCING ] && mode=MPOL_BIND || mode=MPOL_INTERLEAVE
        update_config ".linux.memoryPolicy = {\"mode\": \"$mode\", \"nodes\": \"$node\", \"flags\": [\"$flag\"]}"
        run_quiet runtime run --bundle "$BUNDLE" "$(new_id)"
        echo "$flag: $output"
        [ "$status" -eq 0 ]
    done
}
