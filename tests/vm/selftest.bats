#!/usr/bin/env bats
# The cgroup v2 test VM itself (tests/vm/vm-run.sh): is the guest the pure
# cgroup v2 host the runtime tests need? Runs only inside the VM, where the
# guest's init sets HULL_IN_VM=1; tests/vm/run-tap runs it there.

setup() {
    [ "${HULL_IN_VM:-}" = 1 ] || skip "runs only inside the cgroup v2 test VM (tests/vm/run-tap)"
    SELFTEST_DIR=$(mktemp -d /tmp/selftest.XXXXXX)
}

teardown() {
    [ -n "${SELFTEST_CGROUP:-}" ] && rmdir "$SELFTEST_CGROUP" 2>/dev/null
    if [ -n "${SELFTEST_DIR:-}" ]; then
        grep -o " $SELFTEST_DIR[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
        rm -rf "$SELFTEST_DIR"
    fi
    true
}

@test "/sys/fs/cgroup is cgroup2 and nothing else is a cgroup mount" {
    [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
    # no v1 hierarchy anywhere: a hybrid host would show "cgroup" mounts
    run awk '$1 == "cgroup" || $3 == "cgroup" { print }' /proc/self/mounts
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    [ "$(awk '$3 == "cgroup2" { n++ } END { print n }' /proc/self/mounts)" = 1 ]
}

@test "the root cgroup offers and delegates the controllers the runtime uses" {
    local c
    for c in cpuset cpu io memory hugetlb pids; do
        grep -qw "$c" /sys/fs/cgroup/cgroup.controllers || { echo "$c not available"; false; }
        grep -qw "$c" /sys/fs/cgroup/cgroup.subtree_control || { echo "$c not enabled"; false; }
    done
}

@test "a child cgroup gets the controller files and accepts a process and limits" {
    SELFTEST_CGROUP=/sys/fs/cgroup/hull-selftest-$$
    mkdir "$SELFTEST_CGROUP"
    [ -f "$SELFTEST_CGROUP/memory.max" ]
    [ -f "$SELFTEST_CGROUP/pids.max" ]
    [ -f "$SELFTEST_CGROUP/cpu.max" ]
    [ -f "$SELFTEST_CGROUP/io.max" ]
    [ -f "$SELFTEST_CGROUP/cpuset.cpus" ]
    echo 12345678 >"$SELFTEST_CGROUP/memory.max"
    [ "$(cat "$SELFTEST_CGROUP/memory.max")" = 12345344 ] # rounded down to pages
    echo 7 >"$SELFTEST_CGROUP/pids.max"
    run sh -c "echo \$\$ >$SELFTEST_CGROUP/cgroup.procs && cat /proc/self/cgroup"
    [ "$status" -eq 0 ]
    [ "$output" = "0::/hull-selftest-$$" ]
}

@test "host binaries run: bats, jq, iproute2, util-linux" {
    run bats --version
    [ "$status" -eq 0 ]
    [[ "$output" == Bats\ * ]]
    [ "$(jq -n '1 + 1')" = 2 ]
    ip -V
    unshare --version
}

@test "the checkout is the host's, writable, at the same path" {
    local top
    top=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    # vm-run.sh passes HULL_SRC (set by tests/run) from the host
    [ -z "${HULL_SRC:-}" ] || [ "$top" = "$HULL_SRC" ]
    [ -f "$top/tests/vm/vm-run.sh" ]
    [ "$(findmnt -n -o FSTYPE -T "$top")" = 9p ]
    # tests/.work is guest-private (tmpfs) so container rootfses are fast
    [ "$(findmnt -n -o FSTYPE -T "$top/tests/.work")" = tmpfs ]
    touch "$top/tests/.work/selftest.$$"
    rm "$top/tests/.work/selftest.$$"
}

@test "the guest looks like a normal host: tmpfs /tmp and /run, /dev/pts, /dev/shm, lo, hostname" {
    [ "$(stat -f -c %T /tmp)" = tmpfs ]
    [ "$(stat -f -c %T /run)" = tmpfs ]
    [ "$(stat -f -c %T /dev/pts)" = devpts ]
    [ "$(stat -f -c %T /dev/shm)" = tmpfs ]
    [ -c /dev/ptmx ]
    [ -c /dev/null ]
    ip -o link show lo | grep -q 'UP'
    [ "$(hostname)" = hull-vm ]
    getent passwd root >/dev/null
    [ -w /proc/sys/net/ipv4/ip_forward ]
}

@test "pivot_root works (the root is not the initramfs)" {
    mkdir -p "$SELFTEST_DIR/new/old"
    run unshare -m sh -c "mount --make-rprivate / && mount -t tmpfs t '$SELFTEST_DIR/new' &&
        mkdir '$SELFTEST_DIR/new/old' && cd '$SELFTEST_DIR/new' && pivot_root . old && echo pivoted"
    [ "$status" -eq 0 ]
    [ "$output" = pivoted ]
}

@test "the kernel loads modules on demand: overlay, veth" {
    mkdir -p "$SELFTEST_DIR"/{lower,upper,work,merged}
    echo lower >"$SELFTEST_DIR/lower/file"
    mount -t overlay overlay \
        -o "lowerdir=$SELFTEST_DIR/lower,upperdir=$SELFTEST_DIR/upper,workdir=$SELFTEST_DIR/work" \
        "$SELFTEST_DIR/merged"
    [ "$(cat "$SELFTEST_DIR/merged/file")" = lower ]
    umount "$SELFTEST_DIR/merged"
    ip link add hullself0 type veth peer name hullself1
    ip link del hullself0
}
