#!/usr/bin/env bats
# config.json fields: process, root, mounts, /dev, masked/readonly paths, sysctl, annotations.

load ../lib/common

setup() { setup_bundle; }
teardown() { diag_on_failure; teardown_bundle; }

run_ctr() { runtime run --bundle "$BUNDLE" "$(new_id)"; }

@test "process.env and process.cwd reach the process" {
    update_config '.process.env = ["FOO=bar baz", "PATH=/bin"] | .process.cwd = "/tmp" | .process.args = ["sh", "-c", "echo $FOO; pwd"]'
    run run_ctr
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "bar baz" ]
    [ "${lines[1]}" = /tmp ]
}

@test "a missing process.cwd is created inside the rootfs" {
    update_config '.process.cwd = "/does/not/exist" | .process.args = ["pwd"]'
    run run_ctr
    [ "$status" -eq 0 ]
    [ "$output" = /does/not/exist ]
    [ -d "$BUNDLE/rootfs/does/not/exist" ]
}

@test "process.user uid, gid, additionalGids and umask" {
    update_config '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [2000, 2001], "umask": 63} | .process.args = ["sh", "-c", "id -u; id -g; id -G; umask"]'
    run run_ctr
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 1000 ]
    [ "${lines[1]}" = 1001 ]
    [[ "${lines[2]}" == *2000*2001* ]]
    [ "${lines[3]}" = 0077 ]
}

@test "process.rlimits are applied (within the host's hard limit)" {
    update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 321, "hard": 654}, {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}] | .process.args = ["sh", "-c", "ulimit -n; ulimit -H -n; ulimit -c"]'
    run run_ctr
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 321 ]
    [ "${lines[1]}" = 654 ]
    [ "${lines[2]}" = 0 ]
}

@test "process.oomScoreAdj is written" {
    update_config '.process.oomScoreAdj = 123 | .process.args = ["cat", "/proc/self/oom_score_adj"]'
    run run_ctr
    [ "$status" -eq 0 ]
    [ "$output" = 123 ]
}

@test "process.noNewPrivileges sets no_new_privs" {
    update_config '.process.noNewPrivileges = true | .process.args = ["grep", "NoNewPrivs", "/proc/self/status"]'
    run run_ctr
    [[ "$output" == *1* ]]
    update_config '.process.noNewPrivileges = false'
    run run_ctr
    [[ "$output" == *0* ]]
}

@test "root.readonly makes / read-only" {
    update_config '.root.readonly = true | .process.args = ["sh", "-c", "touch /x 2>&1; echo rc=$?"]'
    run run_ctr
    [[ "$output" == *"Read-only file system"* ]]
    [[ "$output" == *rc=1* ]]
}

@test "bind mounts, read-only bind mounts and rbind" {
    mkdir -p "$TEST_DIR/host-rw" "$TEST_DIR/host-ro"
    echo hello >"$TEST_DIR/host-ro/file"
    update_config ".mounts += [{\"destination\": \"/rw\", \"type\": \"bind\", \"source\": \"$TEST_DIR/host-rw\", \"options\": [\"rbind\"]}, {\"destination\": \"/ro\", \"type\": \"none\", \"source\": \"$TEST_DIR/host-ro\", \"options\": [\"bind\", \"ro\"]}] | .process.args = [\"sh\", \"-c\", \"echo written > /rw/out; cat /ro/file; touch /ro/x 2>&1 || echo ro-refused\"]"
    run run_ctr
    [ "$status" -eq 0 ]
    [ "$(cat "$TEST_DIR/host-rw/out")" = written ]
    [[ "$output" == *hello* ]]
    [[ "$output" == *ro-refused* ]]
}

@test "a bind mount of a file creates the destination file" {
    echo content >"$TEST_DIR/single"
    update_config ".mounts += [{\"destination\": \"/etc/deep/single\", \"type\": \"bind\", \"source\": \"$TEST_DIR/single\", \"options\": [\"bind\"]}] | .process.args = [\"cat\", \"/etc/deep/single\"]"
    run run_ctr
    [ "$output" = content ]
}

@test "a relative bind source is relative to the bundle" {
    mkdir -p "$BUNDLE/data"
    echo rel >"$BUNDLE/data/f"
    update_config '.mounts += [{"destination": "/data", "type": "bind", "source": "data", "options": ["bind"]}] | .process.args = ["cat", "/data/f"]'
    run run_ctr
    [ "$output" = rel ]
}

@test "tmpfs with size and mode options" {
    update_config '.mounts += [{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "size=1m", "mode=1770"]}] | .process.args = ["sh", "-c", "stat -c %a /scratch; grep \" /scratch \" /proc/self/mountinfo"]'
    run run_ctr
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 1770 ]
    [[ "${lines[1]}" == *nosuid* ]]
    [[ "${lines[1]}" == *size=1024k* ]]
}

@test "tmpcopyup copies what the image had into the tmpfs" {
    mkdir -p "$BUNDLE/rootfs/etc/app"
    echo from-image >"$BUNDLE/rootfs/etc/app/conf"
    update_config '.mounts += [{"destination": "/etc/app", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup"]}] | .process.args = ["sh", "-c", "cat /etc/app/conf; grep \" /etc/app \" /proc/self/mountinfo | grep -c tmpfs"]'
    is_hull || skip "tmpcopyup is a crun/hull extension"
    run run_ctr
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = from-image ]
    [ "${lines[1]}" = 1 ]
}

@test "mount propagation options are applied (rprivate, rslave, shared)" {
    mkdir -p "$TEST_DIR/prop"
    update_config ".mounts += [{\"destination\": \"/p1\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"shared\"]}, {\"destination\": \"/p2\", \"type\": \"bind\", \"source\": \"$TEST_DIR/prop\", \"options\": [\"rbind\", \"rprivate\"]}] | .process.args = [\"sh\", \"-c\", \"grep \\\" /p1 \\\" /proc/self/mountinfo; grep \\\" /p2 \\\" /proc/self/mountinfo\"]"
    run run_ctr
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == *shared:* ]]
    [[ "${lines[1]}" != *shared:* ]]
}

@test "the default /dev has the OCI default devices and symlinks" {
    update_config '.process.args = ["sh", "-c", "for d in null zero full random urandom tty; do stat -c \"%n %t:%T %a\" /dev/$d; done; for l in fd stdin stdout stderr ptmx; do readlink /dev/$l; done; echo hi > /dev/null && echo null-ok; head -c 4 /dev/zero | wc -c"]'
    run run_ctr
    [ "$status" -eq 0 ]
    [[ "$output" == *"/dev/null 1:3 666"* ]]
    [[ "$output" == *"/dev/zero 1:5 666"* ]]
    [[ "$output" == *"/dev/full 1:7 666"* ]]
    [[ "$output" == *"/dev/random 1:8 666"* ]]
    [[ "$output" == *"/dev/urandom 1:9 666"* ]]
    [[ "$output" == *"/dev/tty 5:0 666"* ]]
    [[ "$output" == *"/proc/self/fd"* ]]
    [[ "$output" == *"pts/ptmx"* ]]
    [[ "$output" == *null-ok* ]]
}

@test "linux.devices are created with type, numbers, mode and owner" {
    update_config '.linux.devices = [{"path": "/dev/hulltest", "type": "c", "major": 1, "minor": 3, "fileMode": 384, "uid": 7, "gid": 8}] | .linux.resources.devices = [{"allow": true, "access": "rwm"}] | .process.args = ["stat", "-c", "%t:%T %a %u:%g %F", "/dev/hulltest"]'
    run run_ctr
    [ "$status" -eq 0 ]
    [ "$output" = "1:3 600 7:8 character special file" ]
}

@test "maskedPaths hide files and directories; readonlyPaths are read-only" {
    update_config '.linux.maskedPaths = ["/proc/version", "/proc/acpi", "/nonexistent"] | .linux.readonlyPaths = ["/proc/sys"] | .process.args = ["sh", "-c", "wc -c < /proc/version; ls /proc/acpi | wc -l; echo 1 > /proc/sys/kernel/ns_last_pid 2>&1 || echo ro"]'
    run run_ctr
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0 ]
    [ "${lines[1]}" = 0 ]
    [[ "$output" == *ro* ]]
}

@test "linux.sysctl sets namespaced sysctls" {
    update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "12345678"} | .process.args = ["sh", "-c", "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax"]'
    run run_ctr
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 1 ]
    [ "${lines[1]}" = 12345678 ]
    [ "$(cat /proc/sys/kernel/shmmax)" != 12345678 ]
}

@test "proc and sys are mounted nosuid,nodev,noexec" {
    update_config '.process.args = ["sh", "-c", "grep -E \" /(proc|sys) \" /proc/self/mountinfo"]'
    run run_ctr
    [ "$status" -eq 0 ]
    for l in "${lines[@]}"; do
        [[ "$l" == *nosuid* && "$l" == *nodev* && "$l" == *noexec* ]] || { echo "bad: $l"; false; }
    done
}

@test "the cgroup mount gives the container /sys/fs/cgroup read-only" {
    update_config '.process.args = ["sh", "-c", "ls /sys/fs/cgroup | head -3; touch /sys/fs/cgroup/x 2>&1 || echo ro"]'
    run run_ctr
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -ge 2 ]
    [[ "$output" == *ro* ]]
}

@test "seccomp with a non-root user and no noNewPrivileges (the filter loads before the user switch)" {
    update_config '.process.user = {"uid": 65534, "gid": 65534} | .process.noNewPrivileges = false | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]} | .process.args = ["sh", "-c", "id -u; mkdir /tmp/x 2>&1; grep Seccomp: /proc/self/status"]'
    run run_ctr
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 65534 ]
    [[ "$output" == *"Operation not permitted"* ]]
    [[ "$output" == *"Seccomp:"*2* ]]
}
