#!/usr/bin/env bats
# hull inspect --isolation: every value in the report is checked against the
# kernel itself (readlink /proc/PID/ns/*, /proc/PID/status decoded by capsh,
# the cgroup files, /proc/PID/mountinfo), not against what hull asked for.
# Each test gets its own --root/--runroot under tests/.work.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers

setup() {
    engine_setup_busybox
}

teardown() {
    diag_on_failure
    engine_teardown
}

# The report as JSON.
iso_json() {
    hull inspect --isolation --format json "$@"
}

# The inode of a /proc/.../ns/NAME link: "net:[4026531840]" -> 4026531840.
ns_inode() {
    readlink "$1" | sed 's/.*\[\([0-9]*\)\]/\1/'
}

init_pid() {
    hull inspect "$1" | jq -r '.[0].State.Pid'
}

# A flag `hull run` does not know yet (others are adding them) is a skip, not a failure.
require_run_flag() {
    hull run --help | grep -q -- "$1" || skip "hull run has no $1 flag yet"
}

@test "isolation: namespace inodes are the kernel's; private ones differ from the host's" {
    hull run -d --name ns busybox sleep 1000
    pid=$(init_pid ns)
    json=$(iso_json ns)
    [ "$(jq -r '.[0].Running' <<<"$json")" = true ]
    [ "$(jq -r '.[0].Pid' <<<"$json")" = "$pid" ]
    for ns in mnt pid net uts ipc cgroup; do
        want=$(ns_inode "/proc/$pid/ns/$ns")
        host=$(ns_inode "/proc/self/ns/$ns")
        [ "$want" != "$host" ]
        [ "$(jq -r --arg t "$ns" '.[0].Namespaces[] | select(.Type == $t) | .Inode' <<<"$json")" = "$want" ]
        [ "$(jq -r --arg t "$ns" '.[0].Namespaces[] | select(.Type == $t) | .HostInode' <<<"$json")" = "$host" ]
        [ "$(jq -r --arg t "$ns" '.[0].Namespaces[] | select(.Type == $t) | .Private' <<<"$json")" = true ]
    done
    # no user namespace by default (like docker): the very same as ours
    [ "$(ns_inode "/proc/$pid/ns/user")" = "$(ns_inode /proc/self/ns/user)" ]
    [ "$(jq -r '.[0].Namespaces[] | select(.Type == "user") | .Private' <<<"$json")" = false ]
    # the readable report: the net line carries both inodes and the verdict
    run hull inspect --isolation ns
    [ "$status" -eq 0 ]
    line=$(grep -E '^  net ' <<<"$output")
    [[ "$line" == *"$(ns_inode "/proc/$pid/ns/net")"* ]]
    [[ "$line" == *"$(ns_inode /proc/self/ns/net)"* ]]
    [[ "$line" == *private* ]]
    grep -qE "^  user .*shared with host" <<<"$output"
    grep -q "PID $pid on the host" <<<"$output"
}

@test "isolation: --network host shows the net namespace shared with the host" {
    hull run -d --name hostnet --network host busybox sleep 1000
    pid=$(init_pid hostnet)
    [ "$(ns_inode "/proc/$pid/ns/net")" = "$(ns_inode /proc/self/ns/net)" ]
    json=$(iso_json hostnet)
    [ "$(jq -r '.[0].Namespaces[] | select(.Type == "net") | .Inode' <<<"$json")" = "$(ns_inode /proc/self/ns/net)" ]
    [ "$(jq -r '.[0].Namespaces[] | select(.Type == "net") | .Private' <<<"$json")" = false ]
    # the other namespaces stay private
    [ "$(jq -r '.[0].Namespaces[] | select(.Type == "pid") | .Private' <<<"$json")" = true ]
    run hull inspect --isolation hostnet
    grep -qE '^  net .*shared with host' <<<"$output"
}

@test "isolation: cgroup limits are read back from the cgroup files (--memory 64m, --cpus, --pids-limit)" {
    hull run -d --name lim --memory 64m --cpus 0.5 --pids-limit 42 busybox sleep 1000
    pid=$(init_pid lim)
    json=$(iso_json lim)
    [ "$(jq -r '.[0].Cgroups.Limits.MemoryBytes' <<<"$json")" = 67108864 ]
    [ "$(jq -r '.[0].Cgroups.Limits.CpuQuotaMicroseconds' <<<"$json")" = 50000 ]
    [ "$(jq -r '.[0].Cgroups.Limits.CpuPeriodMicroseconds' <<<"$json")" = 100000 ]
    [ "$(jq -r '.[0].Cgroups.Limits.Cpus' <<<"$json")" = 0.5 ]
    [ "$(jq -r '.[0].Cgroups.Limits.PidsMax' <<<"$json")" = 42 ]
    # every hierarchy of /proc/PID/cgroup is in the report, its directory exists,
    # and the memory value is the file's own (v1 or v2, whichever has memory)
    [ "$(jq '.[0].Cgroups.Hierarchies | length' <<<"$json")" = "$(wc -l <"/proc/$pid/cgroup")" ]
    while IFS=$'\t' read -r path dir; do
        grep -q ":$path\$" "/proc/$pid/cgroup"
        [ -d "$dir" ]
        grep -qx "$pid" "$dir/cgroup.procs"
    done < <(jq -r '.[0].Cgroups.Hierarchies[] | select(.Directory) | [.Path, .Directory] | @tsv' <<<"$json")
    memdir=$(jq -r '.[0].Cgroups.Hierarchies[] | select(.Files["memory.limit_in_bytes"] or .Files["memory.max"]) | .Directory' <<<"$json")
    [ -n "$memdir" ]
    [ "$(cat "$memdir"/memory.limit_in_bytes 2>/dev/null || cat "$memdir"/memory.max)" = 67108864 ]
    run hull inspect --isolation lim
    grep -qE '^  memory +67108864 bytes \(64 MiB\)' <<<"$output"
    grep -q '50000 us of every 100000 us = 0.50 CPU' <<<"$output"
    grep -q 'at most 42 processes' <<<"$output"
}

@test "isolation: without limits the report says no limit (null in JSON)" {
    hull run -d --name free busybox sleep 1000
    json=$(iso_json free)
    [ "$(jq -r '.[0].Cgroups.Limits | has("MemoryBytes")' <<<"$json")" = true ]
    [ "$(jq -r '.[0].Cgroups.Limits.MemoryBytes' <<<"$json")" = null ]
    [ "$(jq -r '.[0].Cgroups.Limits.PidsMax' <<<"$json")" = null ]
    run hull inspect --isolation free
    grep -qE '^  memory +no limit' <<<"$output"
}

@test "isolation: capabilities are /proc/PID/status decoded (checked with capsh)" {
    command -v capsh >/dev/null || skip "capsh (libcap2-bin) is not installed"
    hull run -d --name caps busybox sleep 1000
    pid=$(init_pid caps)
    json=$(iso_json caps)
    for set in Eff:Effective Prm:Permitted Bnd:Bounding; do
        hex=$(awk -v k="Cap${set%%:*}:" '$1 == k {print $2}' "/proc/$pid/status")
        want=$(capsh --decode="$hex" | sed 's/.*=//' | tr ',' '\n' | grep . | tr a-z A-Z | sort)
        got=$(jq -r --arg s "${set#*:}" '.[0].Capabilities[$s].Names[]' <<<"$json" | sort)
        [ "$want" = "$got" ]
        [ "$(jq -r --arg s "${set#*:}" '.[0].Capabilities[$s].Count' <<<"$json")" = "$(grep -c . <<<"$want")" ]
    done
    [ "$(jq -r '.[0].Capabilities.Known' <<<"$json")" = $(($(cat /proc/sys/kernel/cap_last_cap) + 1)) ]
    # docker's default set: chown yes, sys_admin no
    jq -e '.[0].Capabilities.Effective.Names | index("CAP_CHOWN")' <<<"$json" >/dev/null
    ! jq -e '.[0].Capabilities.Bounding.Names | index("CAP_SYS_ADMIN")' <<<"$json" >/dev/null
    run hull inspect --isolation caps
    count=$(jq -r '.[0].Capabilities.Effective.Count' <<<"$json")
    known=$(jq -r '.[0].Capabilities.Known' <<<"$json")
    grep -qE "^  effective +$count of $known" <<<"$output"
    grep -qE '^    CAP_SYS_ADMIN' <<<"$output"
}

@test "isolation: --cap-drop ALL leaves no capability" {
    require_run_flag --cap-drop
    hull run -d --name nocaps --cap-drop ALL busybox sleep 1000
    pid=$(init_pid nocaps)
    [ "$(awk '$1 == "CapEff:" {print $2}' "/proc/$pid/status")" = 0000000000000000 ]
    json=$(iso_json nocaps)
    [ "$(jq -r '.[0].Capabilities.Effective.Count' <<<"$json")" = 0 ]
    [ "$(jq -r '.[0].Capabilities.Bounding.Count' <<<"$json")" = 0 ]
}

@test "isolation: --privileged: every capability hull itself has, no seccomp, nothing masked" {
    require_run_flag --privileged
    hull run -d --name priv --privileged busybox sleep 1000
    pid=$(init_pid priv)
    json=$(iso_json priv)
    [ "$(awk '$1 == "CapBnd:" {print $2}' "/proc/$pid/status")" = "$(awk '$1 == "CapBnd:" {print $2}' /proc/self/status)" ]
    [ "$(jq -r '.[0].Capabilities.Bounding.Count' <<<"$json")" = "$(jq -r '.[0].Capabilities.HostBounding.Count' <<<"$json")" ]
    jq -e '.[0].Capabilities.Effective.Names | index("CAP_SYS_ADMIN")' <<<"$json" >/dev/null
    [ "$(jq -r '.[0].Seccomp.Mode' <<<"$json")" = 0 ]
    [ "$(jq '.[0].MaskedPaths | length' <<<"$json")" = 0 ]
    run hull inspect --isolation priv
    grep -q "It HAS CAP_SYS_ADMIN" <<<"$output"
}

@test "isolation: seccomp mode, filter count and no_new_privs are the kernel's fields" {
    hull run -d --name sec busybox sleep 1000
    pid=$(init_pid sec)
    json=$(iso_json sec)
    field() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$pid/status"; }
    [ "$(jq -r '.[0].Seccomp.Mode' <<<"$json")" = "$(field Seccomp)" ]
    [ "$(jq -r '.[0].Seccomp.Filters' <<<"$json")" = "$(field Seccomp_filters)" ]
    want_nnp=false
    [ "$(field NoNewPrivs)" = 1 ] && want_nnp=true
    [ "$(jq -r '.[0].NoNewPrivileges' <<<"$json")" = "$want_nnp" ]
    run hull inspect --isolation sec
    grep -q "mode $(field Seccomp) " <<<"$output"
}

@test "isolation: a running seccomp profile is seen in the kernel (--security-opt seccomp=FILE)" {
    require_run_flag --security-opt
    hull run -d --name secp --security-opt "seccomp=$HULL_SRC/profiles/seccomp-default.json" busybox sleep 1000
    pid=$(init_pid secp)
    [ "$(awk '$1 == "Seccomp:" {print $2}' "/proc/$pid/status")" = 2 ]
    json=$(iso_json secp)
    [ "$(jq -r '.[0].Seccomp.Mode' <<<"$json")" = 2 ]
    [ "$(jq -r '.[0].Seccomp.Filters' <<<"$json")" -ge 1 ]
    jq -e '.[0].Seccomp.DeniedNames | index("mount")' <<<"$json" >/dev/null
}

@test "isolation: seccomp verdicts follow the profile's rules, syscall by syscall" {
    # a stopped container whose config gets the default profile: the report
    # counts from config.json, so this is the counting alone
    hull run --name cfg busybox true
    dir=$STORE/containers/$(hull inspect cfg | jq -r '.[0].Id')
    jq --slurpfile p "$HULL_SRC/profiles/seccomp-default.json" '.linux.seccomp = $p[0]' "$dir/config.json" >"$dir/config.new"
    mv "$dir/config.new" "$dir/config.json"
    json=$(iso_json cfg)
    s() { jq -r ".[0].Seccomp.$1" <<<"$json"; }
    [ "$(s Profile)" = true ]
    [ "$(s DefaultAction)" = SCMP_ACT_ERRNO ]
    # a partition of the syscalls libseccomp knows
    [ $(($(s Allowed) + $(s Denied) + $(s 'ConditionalNames | length') + $(s 'OtherNames | length'))) -eq "$(s Syscalls)" ]
    [ "$(s 'AllowedNames | length')" = "$(s Allowed)" ]
    [ "$(s 'DeniedNames | length')" = "$(s Denied)" ]
    profile=$HULL_SRC/profiles/seccomp-default.json
    allowed_by_rules=$(jq -r '.syscalls[] | select(.action == "SCMP_ACT_ALLOW" and ((.args // []) | length) == 0) | .names[]' "$profile" | sort -u)
    mentioned_by_allow=$(jq -r '.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]' "$profile" | sort -u)
    # every "allowed" one has an unconditional allow rule; no "denied" one has any allow rule
    [ -z "$(comm -23 <(s 'AllowedNames[]' | sort) <(echo "$allowed_by_rules"))" ]
    [ -z "$(comm -12 <(s 'DeniedNames[]' | sort) <(echo "$mentioned_by_allow"))" ]
    # docker's argument-dependent ones
    [ "$(s 'ConditionalNames | sort | join(",")')" = clone,personality,socket ]
    jq -e '.[0].Seccomp.DeniedNames | index("mount") and index("reboot") and index("kexec_load")' <<<"$json" >/dev/null
    ! jq -e '.[0].Seccomp.DeniedNames | index("read")' <<<"$json" >/dev/null
    # every syscall of the kernel headers got a verdict
    hdr=/usr/include/x86_64-linux-gnu/asm/unistd_64.h
    if [ "$(uname -m)" = x86_64 ] && [ -f "$hdr" ]; then
        [ -z "$(comm -23 <(grep -oP '#define __NR_\K\w+' "$hdr" | sort) \
                         <(jq -r '.[0].Seccomp | (.AllowedNames + .ConditionalNames + .DeniedNames + .OtherNames)[]' <<<"$json" | sort))" ]
    fi
    run hull inspect --isolation cfg
    grep -qE "^ +$(s Denied) denied whatever the arguments" <<<"$output"
    grep -q "Of the $(s Syscalls) system calls" <<<"$output"
}

@test "isolation: root filesystem, mounts and masked paths from /proc/PID/mountinfo" {
    hull run -d --name fs busybox sleep 1000
    pid=$(init_pid fs)
    id=$(hull inspect fs | jq -r '.[0].Id')
    json=$(iso_json fs)
    [ "$(jq -r '.[0].RootFilesystem.Type' <<<"$json")" = "$(awk '$5 == "/" {t = $0} END {split(t, a, " - "); split(a[2], b, " "); print b[1]}' "/proc/$pid/mountinfo")" ]
    if [ "$(jq -r '.[0].RootFilesystem.Type' <<<"$json")" = overlay ]; then
        [ "$(jq -r '.[0].RootFilesystem.UpperDir' <<<"$json")" = "$STORE/containers/$id/upper" ]
        [ "$(jq '.[0].RootFilesystem.LowerDirs | length' <<<"$json")" -ge 1 ]
        for d in $(jq -r '.[0].RootFilesystem.LowerDirs[]' <<<"$json"); do [ -d "$d" ]; done
    fi
    [ "$(jq -r '.[0].RootFilesystem.ReadOnly' <<<"$json")" = false ]
    [ "$(jq '.[0].Mounts | length' <<<"$json")" = "$(wc -l <"/proc/$pid/mountinfo")" ]
    [ "$(jq -r '.[0].Mounts[] | select(.Destination == "/proc") | .Type' <<<"$json")" = proc ]
    [ "$(jq -r '.[0].Mounts[] | select(.Destination == "/sys") | .ReadOnly' <<<"$json")" = true ]
    # /proc/sys is read-only in the container, and the report says so
    [ "$(jq -r '.[0].ReadonlyPaths[] | select(.Path == "/proc/sys") | .State' <<<"$json")" = applied ]
    # a masked file reads as empty in the container iff the report calls it masked
    if [ -e /proc/keys ]; then
        [ "$(jq -r '.[0].MaskedPaths[] | select(.Path == "/proc/keys") | .State' <<<"$json")" = applied ]
        [ -z "$(cat "/proc/$pid/root/proc/keys")" ]
    fi
    # what the kernel does not have is reported absent, not masked
    for p in $(jq -r '.[0].MaskedPaths[] | select(.State == "absent") | .Path' <<<"$json"); do
        [ ! -e "/proc/$pid/root$p" ]
    done
    [ "$(jq '[.[0].MaskedPaths[] | select(.State == "not-applied")] | length' <<<"$json")" = 0 ]
    run hull inspect --isolation fs
    grep -qE '^  overlay, writable|^  [a-z0-9]+, writable' <<<"$output"
    grep -qE '^  /proc/sys +read-only' <<<"$output"
}

@test "isolation: --read-only shows a read-only root filesystem" {
    hull run -d --name ro --read-only busybox sleep 1000
    pid=$(init_pid ro)
    awk '$5 == "/" {print $6}' "/proc/$pid/mountinfo" | tail -1 | grep -q '^ro'
    [ "$(iso_json ro | jq -r '.[0].RootFilesystem.ReadOnly')" = true ]
    run hull inspect --isolation ro
    grep -qE '^  [a-z0-9]+, read-only' <<<"$output"
}

@test "isolation: user ids and maps come from /proc/PID/status and uid_map" {
    hull run -d --name usr -u 1000:1000 busybox sleep 1000
    pid=$(init_pid usr)
    json=$(iso_json usr)
    [ "$(jq -r '.[0].User.Uid' <<<"$json")" = "$(awk '$1 == "Uid:" {print $2}' "/proc/$pid/status")" ]
    [ "$(jq -r '.[0].User.Uid' <<<"$json")" = 1000 ]
    [ "$(jq -r '.[0].User.Gid' <<<"$json")" = 1000 ]
    read -r inside outside size <"/proc/$pid/uid_map"
    [ "$(jq -r '.[0].User.UidMap[0] | "\(.ContainerID) \(.HostID) \(.Size)"' <<<"$json")" = "$inside $outside $size" ]
    run hull inspect --isolation usr
    grep -q "uid 1000, gid 1000" <<<"$output"
}

@test "isolation: a stopped container: the report says so and shows what its config gives" {
    hull run --name done --network host --memory 64m busybox true
    json=$(iso_json done)
    [ "$(jq -r '.[0].Running' <<<"$json")" = false ]
    [ "$(jq -r '.[0].Source' <<<"$json")" = config ]
    [ "$(jq -r '.[0].Namespaces[] | select(.Type == "net") | .Private' <<<"$json")" = false ]
    [ "$(jq -r '.[0].Namespaces[] | select(.Type == "pid") | .Private' <<<"$json")" = true ]
    [ "$(jq -r '.[0].Namespaces[] | select(.Type == "pid") | .Inode' <<<"$json")" = null ]
    [ "$(jq -r '.[0].Cgroups.Limits.MemoryBytes' <<<"$json")" = 67108864 ]
    [ "$(jq -r '.[0].Capabilities.Effective.Count' <<<"$json")" = \
      "$(jq '.process.capabilities.effective | length' "$STORE/containers/$(hull inspect done | jq -r '.[0].Id')/config.json")" ]
    run hull inspect --isolation done
    [ "$status" -eq 0 ]
    grep -q "NOT RUNNING (status exited)" <<<"$output"
    grep -qE '^  net +shared with host' <<<"$output"
    grep -qE '^  pid +new \(private\)' <<<"$output"
}

@test "isolation: bad input -- unknown container, bad --format; good ones are still reported" {
    fails_with "no such container" hull inspect --isolation nosuch
    run hull inspect --isolation --format yaml nosuch
    [ "$status" -eq 125 ]
    hull run --name one busybox true
    run --separate-stderr -1 iso_json one nosuch
    [ "$(jq length <<<"$output")" = 1 ]
    [ "$(jq -r '.[0].Name' <<<"$output")" = /one ]
}
