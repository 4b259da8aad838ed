#!/bin/bash
# bench/v2profile.sh: the syscall profile of one `hull-runtime run` of
# /bin/true and of one `hull run --rm --network none busybox true`, on this
# host (cgroup v1 hybrid) and in the pure cgroup v2 guest of tests/vm, side
# by side.  Not a timing: the guest's CPU is emulated (TCG, 20-50x slower),
# so only what it does counts, not how long it takes (docs/performance.md,
# "What cgroup v2 changes").
#
#   bench/v2profile.sh          both places, then the side-by-side tables
#   bench/v2profile.sh host     only this host
#   bench/v2profile.sh vm       only the guest (tests/vm/vm-run.sh)
#   bench/v2profile.sh table    the tables again from the kept results
#
# For each place and each of the two commands (after one unprofiled run, so
# that caches are warm): `strace -f -c` (counts), `strace -f -tt -T -y`
# (order, with the fds' paths: which file each write goes to) and, when it
# works, `perf trace -s` (time per syscall).  Everything is kept in
# bench/results/v2profile/{host,vm}/ (git ignores bench/results).
#
# The inputs (a busybox bundle made like bench/run.sh's, and the docker-archive
# of tests/engine/make-busybox-image.sh that bench/engine.sh loads) are made on
# the host in tests/.work/v2profile, which the guest gets as a seed of its
# private tests/.work (HULL_VM_WORK_SEED).  On the host the runs happen where
# bench/run.sh's do: a private mount and network namespace with
# /sys/fs/cgroup/unified unmounted, so the counts compare with the rest of
# docs/performance.md.  Each run has its own state root and image store in a
# temporary directory, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
RESULTS=$ROOT/bench/results/v2profile
INPUTS=$ROOT/tests/.work/v2profile

# profile PLACE: the two commands, traced, into $RESULTS/PLACE
runtime=$ROOT/$BUILD/hull-runtime
engine=$ROOT/$BUILD/hull
work=
hull=()
cleanup() {
    [ -n "$work" ] || return 0
    local id
    for id in $("${hull[@]}" ps -aq 2>/dev/null); do "${hull[@]}" rm -f "$id" >/dev/null 2>&1 || true; done
    for id in $("$runtime" --root "$work/state" list -q 2>/dev/null); do
        "$runtime" --root "$work/state" delete --force "$id" >/dev/null 2>&1 || true
    done
    grep -o " ${work}[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done || true
    rm -rf "$work"
}
profile() {
    local place=$1 out=$RESULTS/$1
    rm -rf "$out"
    mkdir -p "$out"
    trap cleanup EXIT
    work=$(mktemp -d /tmp/hull-v2prof.XXXXXX)
    hull=("$engine" --root "$work/store" --runroot "$work/run")

    {
        echo "place: $place"
        echo "kernel: $(uname -r)"
        echo "cgroup: $(stat -f -c %T /sys/fs/cgroup)"
        [ -e /sys/fs/cgroup/cgroup.subtree_control ] &&
            echo "subtree_control: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
        echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "commit: ${HULL_V2PROFILE_COMMIT:-unknown}"
    } >"$out/info"

    local rt=("$runtime" --root "$work/state" run --bundle "$INPUTS/bundle")
    "${hull[@]}" load -q -i "$INPUTS/busybox-docker.tar" >/dev/null
    local en=("${hull[@]}" run --rm --network none busybox:docker true)
    # one unprofiled run of each: page cache, the engine's first-run directories
    "${rt[@]}" v2prof-warm >/dev/null
    "${en[@]}" >/dev/null
    local perf_ok=false
    perf trace -s -o /dev/null true 2>/dev/null && perf_ok=true
    local i=0 name
    for name in runtime engine; do
        local cmd
        if [ "$name" = runtime ]; then cmd=("${rt[@]}"); else cmd=("${en[@]}"); fi
        i=$((i + 1))
        if [ "$name" = runtime ]; then cmd+=("v2prof-c$i"); fi
        strace -f -c -o "$out/$name.count" "${cmd[@]}" >/dev/null
        if [ "$name" = runtime ]; then cmd[-1]=v2prof-t$i; fi
        strace -f -tt -T -y -s 256 -o "$out/$name.trace" "${cmd[@]}" >/dev/null
        if $perf_ok; then
            if [ "$name" = runtime ]; then cmd[-1]=v2prof-p$i; fi
            perf trace -s -o "$out/$name.perf" "${cmd[@]}" >/dev/null
        fi
    done
    echo "profiled on $place: $out" >&2
}

# count SYSCALL FILE: calls of SYSCALL in a `strace -c` summary (0 if none)
count() {
    awk -v s="$1" '$NF == s && $1 ~ /^[0-9.]+$/ { print $4; f = 1 } END { if (!f) print 0 }' "$2"
}
# errors SYSCALL FILE: its failed calls
errors() {
    awk -v s="$1" '$NF == s && $1 ~ /^[0-9.]+$/ && NF == 6 { print $5; f = 1 } END { if (!f) print 0 }' "$2"
}
total() { awk '$NF == "total" { print $3 }' "$1"; }
# matching REGEX FILE: lines of a trace that match (grep -c without its exit status)
matching() { grep -cE -- "$1" "$2" || true; }

# rows FILE.count FILE.trace: one value per line, in the order of `labels`
rows() {
    local c=$1 t=$2 s
    awk '$NF == "total" { print $4 }' "$c"
    echo "$(matching ' mkdir\("/sys/fs/cgroup/.*= 0 <' "$t") made, $(matching ' mkdir\("/sys/fs/cgroup/.*EEXIST' "$t") EEXIST"
    echo "$(count mkdir "$c") ($(errors mkdir "$c") failed)"
    count mkdirat "$c"
    echo "$(count rmdir "$c") ($(matching ' rmdir\("/sys/fs/cgroup/' "$t") cgroups)"
    count write "$c"
    matching ' write\([0-9]+</sys/fs/cgroup/' "$t"
    matching ' write\([0-9]+</sys/fs/cgroup/[^>]*/(cgroup\.procs|tasks)>' "$t"
    echo "$(count clone3 "$c") ($(matching ' clone3\(.*CLONE_INTO_CGROUP' "$t") with CLONE_INTO_CGROUP)"
    count bpf "$c"
    count openat "$c"
    matching ' openat\([^)]*"/sys/fs/cgroup' "$t"
    for s in open_tree move_mount fsopen fsmount mount_setattr mount umount2 rename unlink unlinkat fsync; do
        count "$s" "$c"
    done
}
labels=(
    "total"
    "cgroups made (mkdir below /sys/fs/cgroup)"
    "mkdir"
    "mkdirat"
    "rmdir"
    "write"
    "  of which to /sys/fs/cgroup"
    "  of which migrations (cgroup.procs, tasks)"
    "clone3"
    "bpf (device rules)"
    "openat"
    "  of which below /sys/fs/cgroup"
    "open_tree" "move_mount" "fsopen" "fsmount" "mount_setattr" "mount" "umount2"
    "rename" "unlink" "unlinkat" "fsync"
)

table() {
    local name have=()
    for p in host vm; do [ -e "$RESULTS/$p/runtime.count" ] && have+=("$p"); done
    [ ${#have[@]} -gt 0 ] || { echo "bench/v2profile: no results in $RESULTS" >&2; exit 1; }
    for p in "${have[@]}"; do echo "# $p: $(tr '\n' ';' <"$RESULTS/$p/info" | sed 's/;/; /g')"; done
    for name in runtime engine; do
        echo
        if [ "$name" = runtime ]; then echo "## hull-runtime run (/bin/true)"; else echo "## hull run --rm --network none busybox true"; fi
        local cols=() p
        for p in "${have[@]}"; do
            mapfile -t col < <(rows "$RESULTS/$p/$name.count" "$RESULTS/$p/$name.trace")
            cols+=("$(printf '%s\n' "${col[@]}")")
        done
        printf '| syscalls |'
        for p in "${have[@]}"; do
            if [ "$p" = host ]; then printf ' host (v1 hybrid) |'; else printf ' VM (pure v2) |'; fi
        done
        printf '\n|---|'
        for _ in "${have[@]}"; do printf -- '---:|'; done
        printf '\n'
        local i
        for i in "${!labels[@]}"; do
            printf '| %s |' "${labels[i]}"
            for p in "${!have[@]}"; do
                printf ' %s |' "$(sed -n "$((i + 1))p" <<<"${cols[p]}")"
            done
            printf '\n'
        done
    done
}

prepare_inputs() {
    if ! [ -x "$runtime" ] || ! [ -x "$engine" ]; then
        echo "bench/v2profile: build first (make build)" >&2
        exit 1
    fi
    rm -rf "$INPUTS"
    mkdir -p "$INPUTS/bundle"
    "$ROOT/tests/make-rootfs.sh" "$INPUTS/bundle/rootfs" >/dev/null
    # the config of bench/run.sh
    (cd "$INPUTS/bundle" && "$ROOT/$BUILD/hull-runtime" spec)
    jq '.process.terminal = false | .ociVersion = "1.0.2-dev" | .process.args = ["/bin/true"]' \
        "$INPUTS/bundle/config.json" >"$INPUTS/c.json"
    mv "$INPUTS/c.json" "$INPUTS/bundle/config.json"
    "$ROOT/tests/engine/make-busybox-image.sh" "$INPUTS/img" >/dev/null
    mv "$INPUTS/img/busybox-docker.tar" "$INPUTS/"
    rm -rf "$INPUTS/img"
}

run_host() {
    # shellcheck disable=SC2016 # expanded by the inner bash
    unshare -m -n --propagation private bash -c '
        # as bench/goal.sh hide_unified: crun would write into the host dir below
        if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified &&
            mount -t tmpfs -o size=64m,mode=0755 hull-bench-unified /sys/fs/cgroup/unified; fi
        exec "$0" inner host' "$0"
}

run_vm() {
    HULL_VM_WORK_SEED=v2profile tests/vm/vm-run.sh --timeout "${HULL_V2PROFILE_TIMEOUT:-900}" -- \
        bench/v2profile.sh inner vm
}

# the guest cannot see this worktree's git directory: say which commit it ran
HULL_V2PROFILE_COMMIT=${HULL_V2PROFILE_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}
export HULL_V2PROFILE_COMMIT
command -v strace >/dev/null || { echo "bench/v2profile: strace is not installed (make deps)" >&2; exit 1; }
case "${1:-all}" in
all) prepare_inputs; run_host; run_vm; table ;;
host) prepare_inputs; run_host; table ;;
vm) prepare_inputs; run_vm; table ;;
table) table ;;
inner) profile "$2" ;;
*) echo "usage: $0 [all|host|vm|table]" >&2; exit 2 ;;
esac
