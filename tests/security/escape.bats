#!/usr/bin/env bats
# Escape suite: a root process in a container made from the runtime's own
# default config (`spec`) tries the classic ways out and must fail with the
# specific error.  Runs against runc too:
#   HULL_RUNTIME=$(command -v runc) HULL_TESTS=tests/security tests/run

load ../lib/common
load security_helpers

setup() {
    setup_bundle
    install_escape_probe
}

teardown() {
    diag_on_failure
    [ -n "${HOST_PID:-}" ] && kill "$HOST_PID" 2>/dev/null
    [ -n "${HOST_LISTENER:-}" ] && kill "$HOST_LISTENER" 2>/dev/null
    teardown_bundle
}

start_host_sleeper() {
    sleep 300 &
    HOST_PID=$!
}

@test "escape: host processes are invisible (pid namespace)" {
    start_host_sleeper
    in_container "ls /proc | grep -E '^[0-9]+\$' | tr '\n' ' '; kill -0 $HOST_PID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"No such process"* ]]
    # only the shell (1) and its pipeline children: no host pid
    [[ "$output" != *" $HOST_PID "* ]]
    [[ "$output" == "1 "* ]]
}

@test "escape: host processes cannot be signalled" {
    start_host_sleeper
    in_container "hull-escape-probe kill $HOST_PID"
    [ "$status" -eq 0 ]
    [ "$output" = "kill: No such process" ]
    kill -0 "$HOST_PID"
}

@test "escape: host processes cannot be ptraced" {
    start_host_sleeper
    # (the short sleep lets the child exec sleep(1) before the attach: an attach
    # during its execve would leave it a SIGTRAP once the probe exits)
    in_container "hull-escape-probe ptrace $HOST_PID; sleep 100 & sleep 0.2; hull-escape-probe ptrace \$!; kill -9 \$! 2>/dev/null; true"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "ptrace attach: No such process" ]
    # ptrace itself works inside (a process of the container can be traced):
    # the pid namespace, not a broken ptrace, keeps the host out of reach
    [ "${lines[1]}" = "ptrace attach: SUCCEEDED" ]
}

@test "escape: cannot mount" {
    in_container "mount -t tmpfs none /tmp; mount --bind / /tmp; mount -o remount,rw /"
    [ "$status" -ne 0 ]
    # busybox mount's words for EPERM
    [ "${lines[0]}" = "mount: permission denied (are you root?)" ]
    [ "${lines[1]}" = "mount: permission denied (are you root?)" ]
    [ "${lines[2]}" = "mount: permission denied (are you root?)" ]
}

@test "escape: cannot load kernel modules" {
    in_container "hull-escape-probe init-module"
    [ "$status" -eq 0 ]
    # A kernel built without module support (no /proc/modules, like this CI
    # host's) answers ENOSYS before any permission check; the seccomp suite
    # checks the EPERM of the default profile, which acts before the kernel.
    local want="Operation not permitted"
    [ -e /proc/modules ] || want="Function not implemented"
    [ "${lines[0]}" = "init_module: $want" ]
    [ "${lines[1]}" = "finit_module: $want" ]
}

@test "escape: /proc/sys is read-only" {
    in_container "echo evil > /proc/sys/kernel/hostname"
    [ "$status" -ne 0 ]
    [[ "$output" == *"can't create /proc/sys/kernel/hostname: Read-only file system"* ]]
    [ "$(cat /proc/sys/kernel/hostname)" != evil ]
}

@test "escape: /sys is read-only" {
    in_container "touch /sys/hull-escape; echo 1 > /sys/kernel/uevent_helper"
    [ "$status" -ne 0 ]
    [[ "${lines[0]}" == *"/sys/hull-escape"*"Read-only file system"* ]]
    [[ "${lines[1]}" == *"Read-only file system"* ]]
}

@test "escape: cannot create a block device node" {
    in_container "hull-escape-probe mknod-block /tmp/sda; mknod /tmp/sdb b 8 16"
    [ "$status" -ne 0 ]
    [ "${lines[0]}" = "mknod block device: Operation not permitted" ]
    [[ "${lines[1]}" == *"Operation not permitted"* ]]
}

@test "escape: /proc/kcore and the other masked paths read as empty" {
    in_container "hull-escape-probe open-read /proc/kcore; hull-escape-probe open-read /proc/keys;
                  hull-escape-probe open-read /proc/timer_list; ls /sys/firmware | wc -l"
    [ "$status" -eq 0 ]
    # masking hides what exists; this host's kernel has no /proc/kcore at all
    if [ -e /proc/kcore ]; then
        [ "${lines[0]}" = "read: end of file (0 bytes)" ]
    else
        [ "${lines[0]}" = "open: No such file or directory" ]
    fi
    [ "${lines[1]}" = "read: end of file (0 bytes)" ]
    [ "${lines[2]}" = "read: end of file (0 bytes)" ]
    [ "${lines[3]}" = "0" ]
    # ... while the host has content there
    [ -n "$(ls /sys/firmware)" ]
}

@test "escape: cannot change the hostname of the host" {
    local before
    before=$(hostname)
    in_container "hostname hull-evil"
    [ "$status" -ne 0 ]
    [[ "$output" == *"sethostname: Operation not permitted"* ]]
    [ "$(hostname)" = "$before" ]
}

@test "escape: cannot set the clock" {
    in_container "date -s '2001-02-03 04:05:06'"
    # busybox date reports the failure but exits 0 (it prints the date it parsed)
    [[ "${lines[0]}" == "date: can't set date: Operation not permitted" ]]
    [ "$(date +%Y)" != 2001 ]
}

@test "escape: the host's network devices are invisible" {
    in_container "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"
    [ "$status" -eq 0 ]
    [ "$output" = "lo" ]
    # the host does have others
    [ "$(tail -n +3 /proc/net/dev | wc -l)" -gt 1 ]
}

@test "escape: the host's abstract unix sockets are unreachable" {
    local name="hull-escape-test-$$-$RANDOM"
    python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0" + sys.argv[1]); s.listen(5)
time.sleep(300)' "$name" &
    HOST_LISTENER=$!
    local i
    wait_until 'grep -q "@$name" /proc/net/unix'
    # the host can connect
    run "$(escape_probe_binary)" abstract-connect "$name"
    [ "$output" = "connect abstract socket: SUCCEEDED" ]
    in_container "hull-escape-probe abstract-connect $name"
    [ "$status" -eq 0 ]
    [ "$output" = "connect abstract socket: Connection refused" ]
}

@test "escape: chroot(\"..\") does not lead out of the root (without CAP_SYS_CHROOT)" {
    touch "$TEST_DIR/hull-host-marker"
    in_container "hull-escape-probe chroot-escape $TEST_DIR/hull-host-marker"
    [ "$status" -eq 0 ]
    [ "$output" = "chroot: Operation not permitted" ]
}

@test "escape: chroot(\"..\") does not lead out of the root after pivot_root (with CAP_SYS_CHROOT)" {
    touch "$TEST_DIR/hull-host-marker"
    update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_CHROOT"])'
    in_container "hull-escape-probe chroot-escape $TEST_DIR/hull-host-marker"
    [ "$status" -eq 0 ]
    [[ "$output" == "chroot escape: still inside the container"* ]]
}

@test "escape: no host file descriptor and no runtime binary is reachable" {
    # No pipes: while PID 1 (sh) runs a pipeline it holds the pipe's ends
    # itself for a moment, and `ls /proc/1/fd` would race with that.
    in_container 'ls /proc/self/fd; echo --; ls /proc/1/fd; echo --; readlink /proc/1/exe'
    [ "$status" -eq 0 ]
    # ls itself holds 3 (the directory it lists); PID 1 holds only stdio
    [ "$(echo $output)" = "0 1 2 3 -- 0 1 2 -- /bin/busybox" ]
}
