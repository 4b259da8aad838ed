# Helpers for the cgroup tests: find the container's cgroup files on the host
# whatever the layout (v1, hybrid, v2) and whatever runtime made them (hull,
# runc, crun): the init's /proc/PID/cgroup says where it is.

# cg_layout: v1, hybrid or v2 (the same test as hull's: filesystem magic).
cg_layout() {
    case "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" in
    cgroup2fs) echo v2 ;;
    tmpfs)
        if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then echo hybrid; else echo v1; fi
        ;;
    *) echo unknown ;;
    esac
}
is_v2() { [ "$(cg_layout)" = v2 ]; }

# v1_mount CONTROLLER: where the v1 hierarchy carrying CONTROLLER is mounted ("" if none).
v1_mount() {
    awk -v c="$1" '{
        split($0, halves, " - "); split(halves[2], f, " ");
        if (f[1] != "cgroup") next;
        n = split(f[3], o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print $5; exit }
    }' /proc/self/mountinfo
}

# unified_dir PID: the host directory of PID's cgroup in the v2 hierarchy.
unified_dir() {
    local base=/sys/fs/cgroup
    is_v2 || base=/sys/fs/cgroup/unified
    echo "$base$(awk -F: '$1 == "0" { print $3 }' "/proc/$1/cgroup")"
}

# cg_dir PID CONTROLLER: the host directory holding CONTROLLER's files for PID.
# On hybrid a controller without a v1 hierarchy (hugetlb here) lives in the unified one.
cg_dir() {
    local pid=$1 ctl=$2 mnt path
    if is_v2; then unified_dir "$pid"; return; fi
    mnt=$(v1_mount "$ctl")
    if [ -z "$mnt" ]; then unified_dir "$pid"; return; fi
    path=$(awk -F: -v c="$ctl" '{ n = split($2, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) print $3 }' "/proc/$pid/cgroup")
    echo "$mnt$path"
}

# cg_dirs PID: "CONTROLLERS DIR" for each hierarchy PID is in that is mounted
# here ("unified" for the v2 one).
cg_dirs() {
    local num ctrls path mnt
    while IFS=: read -r num ctrls path; do
        if [ -z "$ctrls" ]; then
            echo "unified $(unified_dir "$1")"
        else
            mnt=$(v1_mount "${ctrls%%,*}")
            [ -z "$mnt" ] || echo "$ctrls $mnt$path"
        fi
    done <"/proc/$1/cgroup"
}

# mkdir_sub DIR: a new v1/v2 cgroup; a v1 cpuset one gets its parent's cpus and
# mems (the kernel leaves them empty, and no task may join such a cgroup).
mkdir_sub() {
    mkdir "$1"
    if [ ! -e "$1/cgroup.controllers" ] && [ -e "$1/cpuset.cpus" ] && [ -z "$(cat "$1/cpuset.cpus")" ]; then
        cat "$1/../cpuset.cpus" >"$1/cpuset.cpus"
        cat "$1/../cpuset.mems" >"$1/cpuset.mems"
    fi
}

# init_pid ID
init_pid() { runtime state "$1" | jq -r .pid; }

# cg_read ID CONTROLLER FILE: the file's content (first line).
cg_read() {
    local pid
    pid=$(init_pid "$1")
    head -n1 "$(cg_dir "$pid" "$2")/$3"
}

# has_controller NAME: the host can enforce NAME (a v1 hierarchy, or offered by cgroup v2).
has_controller() {
    [ -n "$(v1_mount "$1")" ] && return 0
    local root=/sys/fs/cgroup
    is_v2 || root=/sys/fs/cgroup/unified
    grep -qw "$1" "$root/cgroup.controllers" 2>/dev/null
}

# Whether this kernel can enforce a block IO weight: v2's io.weight (or BFQ's
# io.bfq.weight), or on v1 CFQ's blkio.weight / BFQ's blkio.bfq.weight. Neither
# BFQ file is shown in a root cgroup, so a probe cgroup of our own is looked at.
host_has_io_weight() {
    local probe has=1
    if is_v2; then
        probe=/sys/fs/cgroup/hulltest-ioprobe-$$
        grep -qw io /sys/fs/cgroup/cgroup.controllers 2>/dev/null || return 1
        # the runtime enables io for its own cgroups the same way; a child shows
        # io.weight only when the parent delegates io
        grep -qw io /sys/fs/cgroup/cgroup.subtree_control || echo +io >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || return 1
    else
        probe=$(v1_mount blkio)/hulltest-ioprobe-$$
    fi
    mkdir "$probe" 2>/dev/null || return 1
    if [ -e "$probe/io.weight" ] || [ -e "$probe/io.bfq.weight" ] || [ -e "$probe/blkio.weight" ] || [ -e "$probe/blkio.bfq.weight" ]; then has=0; fi
    rmdir "$probe"
    return $has
}

# A block device of this machine as MAJ:MIN (for the blkio throttles).
block_device() {
    local d
    for d in /sys/block/vd* /sys/block/sd* /sys/block/nvme* /sys/block/loop0; do
        [ -e "$d/dev" ] && { cat "$d/dev"; return 0; }
    done
    return 0
}

# start_detached ID: create + start, waits until running.
start_detached() {
    runtime create --bundle "$BUNDLE" "$1"
    runtime start "$1"
    wait_status "$1" running
}

# teardown for these tests: every container under this test's state root is
# deleted, also those whose id came from $(new_id) (a subshell cannot add to
# CONTAINERS, so teardown_bundle alone would leak them and their cgroups).
cg_teardown() {
    local id
    if [ -n "${TEST_ROOT:-}" ] && [ -d "$TEST_ROOT" ]; then
        for id in $(runtime list -q 2>/dev/null); do track_id "$id"; done
    fi
    teardown_bundle
}
