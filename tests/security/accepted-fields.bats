#!/usr/bin/env bats
# Issue 11: no config field is accepted and then ignored. FIELDS maps every
# Linux field of the OCI runtime-spec's config schema to its proof: a test
# (here or elsewhere in tests/) that shows its effect, or a refusal checked
# here. The first test fails when the schema has a field the table does not
# map, or a proof that does not exist; the others run the refusals and the
# effects no other suite checks. Mount options: mount-options.bats.

load ../lib/common
load security_helpers

setup() { setup_bundle; }
teardown() { diag_on_failure; teardown_bundle; }

# PATH-GLOB PROOF. PROOF is "bats:NAME" (a @test whose name contains NAME),
# "unit:FILE:TEXT" (a C unit test containing TEXT) or "refused:KEY" (a row of
# REFUSALS below, run by this file).
FIELDS=(
    "ociVersion bats:state, annotations and ociVersion"
    "annotations bats:state, annotations and ociVersion"
    "hostname bats:own hostname and domainname"
    "domainname bats:own hostname and domainname"
    "root.path bats:the container's / is its rootfs"
    "root.readonly bats:root.readonly makes / read-only"
    "mounts[].destination bats:bind mounts, read-only bind mounts and rbind"
    "mounts[].source bats:bind mounts, read-only bind mounts and rbind"
    "mounts[].type bats:tmpfs with size and mode options"
    "mounts[].options bats:each accepted mount option has its effect in mountinfo"
    "mounts[].uidMappings* bats:mounts: uidMappings and gidMappings make an idmapped bind mount"
    "mounts[].gidMappings* bats:mounts: uidMappings and gidMappings make an idmapped bind mount"
    "hooks.*[].timeout bats:a hook that outlives its timeout is killed"
    "hooks.* bats:hooks run in the lifecycle order with the state on stdin and their own env"
    "process.terminal bats:--console-socket receives the pty master"
    "process.consoleSize* bats:the process has a terminal of the configured size"
    "process.args bats:process.env and process.cwd reach the process"
    "process.env bats:process.env and process.cwd reach the process"
    "process.cwd bats:process.env and process.cwd reach the process"
    "process.commandLine refused:process.commandLine"
    "process.user.uid bats:process.user uid, gid, additionalGids and umask"
    "process.user.gid bats:process.user uid, gid, additionalGids and umask"
    "process.user.umask bats:process.user uid, gid, additionalGids and umask"
    "process.user.additionalGids bats:additionalGids the kernel refuses fail the create"
    "process.user.username refused:process.user.username"
    "process.capabilities.* bats:capabilities: every set, for a non-root user with ambient capabilities"
    "process.rlimits* bats:process.rlimits are applied"
    "process.noNewPrivileges bats:process.noNewPrivileges sets no_new_privs"
    "process.oomScoreAdj bats:process.oomScoreAdj is written"
    "process.apparmorProfile bats:lsm: apparmorProfile on a host without AppArmor fails the create"
    "process.selinuxLabel bats:lsm: selinuxLabel on a host without SELinux fails the create"
    "process.scheduler* bats:process.scheduler: SCHED_BATCH with nice, SCHED_IDLE"
    "process.ioPriority* bats:process.ioPriority: best-effort, idle and real-time classes"
    "process.execCPUAffinity* bats:process.execCPUAffinity: final sets the process's CPUs"
    "linux.namespaces[].type bats:every namespace of the config is a new one"
    "linux.namespaces[].path bats:a namespace with a path is joined"
    "linux.uidMappings* bats:a user namespace maps container root to a host uid"
    "linux.gidMappings* bats:a user namespace maps container root to a host uid"
    "linux.timeOffsets* bats:a time namespace applies linux.timeOffsets"
    "linux.devices[].* bats:linux.devices are created with type, numbers, mode and owner"
    "linux.cgroupsPath bats:an absolute cgroupsPath goes below each hierarchy's root"
    "linux.resources.devices[].* bats:a device rule allows the device, in the listed order"
    "linux.resources.memory.limit bats:memory: limit, reservation, swap"
    "linux.resources.memory.reservation bats:memory: limit, reservation, swap"
    "linux.resources.memory.swap bats:memory: limit, reservation, swap"
    "linux.resources.memory.swappiness bats:memory: limit, reservation, swap"
    "linux.resources.memory.kernel bats:memory.kernel and kernelTCP are applied or warned about"
    "linux.resources.memory.kernelTCP bats:memory.kernel and kernelTCP are applied or warned about"
    "linux.resources.memory.disableOOMKiller bats:swappiness and disableOOMKiller on cgroup v2"
    "linux.resources.memory.useHierarchy bats:cgroup fields no other suite checks"
    "linux.resources.memory.checkBeforeUpdate unit:tests/unit/cgroup/test_cgroup_live.c:check_before_update"
    "linux.resources.cpu.shares bats:cpu: shares, quota, period"
    "linux.resources.cpu.quota bats:cpu: shares, quota, period"
    "linux.resources.cpu.period bats:cpu: shares, quota, period"
    "linux.resources.cpu.burst bats:cpu: burst"
    "linux.resources.cpu.idle bats:cpu: idle"
    "linux.resources.cpu.realtime* bats:cpu: realtime runtime and period"
    "linux.resources.cpu.cpus bats:cpuset: cpus and mems"
    "linux.resources.cpu.mems bats:cpuset: cpus and mems"
    "linux.resources.pids.limit bats:pids: limit"
    "linux.resources.blockIO.weight bats:blockIO: weight"
    "linux.resources.blockIO.leafWeight bats:cgroup fields no other suite checks"
    "linux.resources.blockIO.weightDevice* bats:cgroup fields no other suite checks"
    "linux.resources.blockIO.throttle* bats:blockIO: read/write throttles"
    "linux.resources.hugepageLimits* bats:hugepageLimits: 2MB pages"
    "linux.resources.network.classID bats:network.classID where net_cls is not mounted"
    "linux.resources.network.priorities* bats:cgroup fields no other suite checks"
    "linux.resources.rdma bats:rdma where the host has no rdma controller"
    "linux.resources.unified bats:unified: a v2 file is written"
    "linux.intelRdt* refused:linux.intelRdt"
    "linux.memoryPolicy* bats:linux.memoryPolicy: bind, interleave, preferred and local show in numa_maps"
    "linux.netDevices bats:linux.netDevices: a device moves into the container, renamed, up"
    "linux.sysctl bats:linux.sysctl sets namespaced sysctls"
    "linux.seccomp.defaultAction bats:seccomp: defaultAction SCMP_ACT_ERRNO with defaultErrnoRet"
    "linux.seccomp.defaultErrnoRet bats:seccomp: defaultAction SCMP_ACT_ERRNO with defaultErrnoRet"
    "linux.seccomp.architectures bats:seccomp: SCMP_ACT_ERRNO with errnoRet fails the syscall with that errno"
    "linux.seccomp.flags unit:tests/unit/security/test_security.c:a filter with flags LOG and SPEC_ALLOW loads and works"
    "linux.seccomp.listener* bats:seccomp: SCMP_ACT_NOTIFY sends the process state and the fd to listenerPath"
    "linux.seccomp.syscalls[].names bats:seccomp: SCMP_ACT_ERRNO with errnoRet fails the syscall with that errno"
    "linux.seccomp.syscalls[].action bats:seccomp: SCMP_ACT_ERRNO with errnoRet fails the syscall with that errno"
    "linux.seccomp.syscalls[].errnoRet bats:seccomp: SCMP_ACT_ERRNO with errnoRet fails the syscall with that errno"
    "linux.seccomp.syscalls[].args[].valueTwo bats:seccomp: SCMP_CMP_MASKED_EQ"
    "linux.seccomp.syscalls[].args[].* bats:seccomp: argument comparison blocks kill(pid, SIGUSR1)"
    "linux.rootfsPropagation bats:slave and rslave have their effect (under rootfsPropagation shared)"
    "linux.maskedPaths bats:maskedPaths hide files and directories; readonlyPaths are read-only"
    "linux.readonlyPaths bats:maskedPaths hide files and directories; readonlyPaths are read-only"
    "linux.mountLabel refused:linux.mountLabel"
    "linux.personality* bats:linux.personality: LINUX32 makes uname report a 32-bit machine"
)

# KEY | jq filter that sets the field | what the error must say
REFUSALS=(
    'process.commandLine|.process.commandLine = "sh -c true"|process.commandLine is a Windows field'
    'process.user.username|.process.user.username = "root"|process.user.username "root" is a Windows field'
    'linux.intelRdt|.linux.intelRdt = {"closID": "hull"}|linux.intelRdt '
    'linux.mountLabel|.linux.mountLabel = "system_u:object_r:container_file_t:s0"|linux.mountLabel'
)

# The schema's Linux field paths (config-schema.json and its refs, without
# the other platforms' sections), from HULL_OCI_SCHEMA or the shared copy.
schema_paths() {
    local dir=${HULL_OCI_SCHEMA:-$HULL_SRC/../shared/reference/oci-runtime-spec/schema}
    [ -f "$dir/config-schema.json" ] || return 1
    python3 - "$dir" <<'EOF'
import json, os, sys
d = sys.argv[1]; cache = {}; out = set()
def load(f):
    if f not in cache: cache[f] = json.load(open(os.path.join(d, f)))
    return cache[f]
def walk(node, cur, path, depth=0):
    if depth > 12: return
    if '$ref' in node:
        f, _, frag = node['$ref'].partition('#'); f = f or cur; n = load(f)
        for p in frag.strip('/').split('/'):
            if p: n = n[p]
        walk(n, f, path, depth + 1)
    for k in ('allOf', 'anyOf', 'oneOf'):
        for sub in node.get(k, []): walk(sub, cur, path, depth + 1)
    for k, v in node.get('properties', {}).items():
        if not path and k in ('windows', 'solaris', 'vm', 'zos', 'freebsd'): continue
        p = (path + '.' if path else '') + k; out.add(p); walk(v, cur, p, depth + 1)
    for v in node.get('patternProperties', {}).values(): walk(v, cur, path + '{}', depth + 1)
    if isinstance(node.get('items'), dict): walk(node['items'], cur, path + '[]', depth + 1)
walk(load('config-schema.json'), 'config-schema.json', '')
# Objects and arrays whose members are listed are proven by their members.
for p in sorted(out):
    if not any(q.startswith(p + '.') or q.startswith(p + '[].') for q in out): print(p)
EOF
}

@test "every Linux config field of the spec has a proof of its effect or its refusal" {
    local path row glob pat proof mapped bad=0 key name file text names
    # every test name of the suite, once (not tests/.work: bundles live there)
    names=$(find "$HULL_SRC/tests" -path "$HULL_SRC/tests/.work" -prune -o -name '*.bats' -print0 |
        xargs -0 grep -h '@test ')
    # each proof exists
    for row in "${FIELDS[@]}"; do
        glob=${row%% *} proof=${row#* }
        case $proof in
        bats:*)
            name=${proof#bats:}
            [[ $names == *"$name"* ]] || { echo "$glob: no test named like \"$name\""; bad=1; }
            ;;
        unit:*)
            file=${proof#unit:}; text=${file#*:}; file=${file%%:*}
            grep -qF -- "$text" "$HULL_SRC/$file" || { echo "$glob: $file has no \"$text\""; bad=1; }
            ;;
        refused:*)
            key=${proof#refused:}
            [[ $'\n'"$(printf '%s\n' "${REFUSALS[@]}")" == *$'\n'"$key|"* ]] || { echo "$glob: no refusal row $key"; bad=1; }
            ;;
        *) echo "$glob: unknown proof $proof"; bad=1 ;;
        esac
    done
    # every field of the schema is mapped (when the schema is on this machine)
    local paths unmapped
    if paths=$(schema_paths); then
        # globs: "[]" is literal, only "*" is a wildcard
        unmapped=$(printf '%s\n' "${FIELDS[@]}" | python3 -c '
import re, sys
pats = [re.compile(re.escape(l.split()[0]).replace(r"\*", ".*") + "$") for l in sys.stdin if l.strip()]
for p in sys.argv[1:]:
    if not any(r.match(p) for r in pats): print(p)' $paths)
        for path in $unmapped; do
            echo "schema field $path has no proof in FIELDS"
            bad=1
        done
        echo "# $(wc -w <<<"$paths") schema fields checked"
    else
        echo "# the OCI schema is not on this machine (HULL_OCI_SCHEMA): only the proofs were checked"
    fi
    [ $bad = 0 ]
}

@test "fields hull cannot apply are refused, naming the field, and nothing is left behind" {
    is_hull || skip "runc ignores several of these"
    local row key filter msg id
    cp "$BUNDLE/config.json" "$TEST_DIR/base.json"
    for row in "${REFUSALS[@]}"; do
        IFS='|' read -r key filter msg <<<"$row"
        cp "$TEST_DIR/base.json" "$BUNDLE/config.json"
        update_config "$filter"
        id=$(new_id)
        run_quiet runtime run --bundle "$BUNDLE" "$id"
        echo "$key: status $status: $output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"$msg"* ]]
        assert_no_leftovers "$id"
    done
}

@test "exec --process refuses the same process fields" {
    is_hull || skip "runc ignores several of these"
    update_config '.process.args = ["sleep", "30"]'
    id=$(new_id)
    runtime run -d --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
    wait_status "$id" running
    jq -n '{"args": ["true"], "cwd": "/", "user": {"uid": 0, "gid": 0, "username": "root"}}' >"$TEST_DIR/p.json"
    run runtime exec --process "$TEST_DIR/p.json" "$id"
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" == *'process.user.username "root" is a Windows field'* ]]
}

@test "additionalGids the kernel refuses fail the create (were dropped silently)" {
    # seccomp loads before setgroups when noNewPrivileges is false (as in runc): a
    # profile that refuses setgroups makes the kernel refuse additionalGids.
    update_config '.process.noNewPrivileges = false | .process.user.additionalGids = [1234]
        | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["setgroups", "setgroups32"], "action": "SCMP_ACT_ERRNO"}]}
        | .process.args = ["id", "-G"]'
    id=$(new_id)
    run_quiet runtime run --bundle "$BUNDLE" "$id"
    echo "$output"
    [ "$status" -ne 0 ]          # the process never ran without its group
    [[ "$output" == *setgroups* ]] # hull and runc both name the call
}

@test "state, annotations and ociVersion" {
    update_config '.annotations = {"org.hull.test": "audit"} | .process.args = ["sleep", "30"]'
    id=$(new_id)
    runtime run -d --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
    wait_status "$id" running
    run runtime state "$id"
    [ "$status" -eq 0 ]
    [ "$(jq -r '.annotations["org.hull.test"]' <<<"$output")" = audit ]
    [ "$(jq -r .ociVersion <<<"$output")" = "$(jq -r .ociVersion "$BUNDLE/config.json")" ]
}

@test "memory.kernel and kernelTCP are applied or warned about (NOT RECOMMENDED by the spec)" {
    is_hull || skip "hull's warning text"
    update_config '.linux.resources.memory = {"kernel": 268435456, "kernelTCP": 268435456} | .process.args = ["true"]'
    id=$(new_id)
    run_quiet runtime run --bundle "$BUNDLE" "$id"
    echo "$output"
    [ "$status" -eq 0 ]
    local pid f
    # the kernel has the files (then they were written, the cgroup tests read them) or hull said it ignored them
    f=$(find /sys/fs/cgroup/memory -maxdepth 1 -name 'memory.kmem.limit_in_bytes' 2>/dev/null | head -1)
    if [ -z "$f" ]; then
        [[ "$output" == *"memory.kernel"*"ignored"* ]]
        [[ "$output" == *"memory.kernelTCP"*"ignored"* ]]
    fi
}

@test "cgroup fields no other suite checks: useHierarchy, leafWeight, weightDevice, network.priorities" {
    is_hull || skip "hull's error texts"
    local filter field
    cp "$BUNDLE/config.json" "$TEST_DIR/base.json"
    for row in \
        'useHierarchy|.linux.resources.memory.useHierarchy = false' \
        'leafWeight|.linux.resources.blockIO.leafWeight = 500' \
        'weightDevice|.linux.resources.blockIO.weightDevice = [{"major": 1, "minor": 3, "weight": 500}]' \
        'priorities|.linux.resources.network.priorities = [{"name": "lo", "priority": 3}]'; do
        IFS='|' read -r field filter <<<"$row"
        cp "$TEST_DIR/base.json" "$BUNDLE/config.json"
        update_config "$filter | .process.args = [\"true\"]"
        run_quiet runtime run --bundle "$BUNDLE" "$(new_id)"
        echo "$field: status $status: $output"
        # refused (naming the field) or applied; never "accepted" with nothing to show
        if [ "$status" -ne 0 ]; then
            [[ "$output" == *"$field"* ]]
        else
            case $field in
            useHierarchy) false ;; # false cannot be honoured on any current kernel
            *) true ;;             # applied: the cgroup unit tests read the files back
            esac
        fi
    done
}
