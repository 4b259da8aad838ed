# shellcheck shell=bash
# bench/goal.sh: sourced by the bench scripts (their shared helpers:
# goal, bound, hide_unified, engine_binary).  goal NAME MEASURED OP TARGET
# UNIT records one goal of issue 17 (docs/performance.md) and prints it;
# bench/goals.sh (make bench) prints them all side by side and fails when one
# is missed.  OP is <= or >=; numbers are compared with bc.
goal() {
    local name=$1 measured=$2 op=$3 target=$4 unit=${5:-} verdict=MISSED
    if [ "$(echo "$measured $op $target" | bc -l)" = 1 ]; then verdict=met; fi
    printf 'goal: %-52s %10s %s %-8s %s\n' "$name" "$measured" "$op" "$target$unit" "$verdict"
    if [ -n "${HULL_BENCH_GOALS:-}" ]; then
        # '|'-separated: read would merge the tabs around an empty unit
        printf '%s|%s|%s|%s|%s|%s\n' "$name" "$measured" "$op" "$target" "$unit" "$verdict" >>"$HULL_BENCH_GOALS"
    fi
}

# bound NAME MEASURED OP TARGET: the same ratio as a goal, measured for the
# kernel's own work of a container start (bench/ctrfloor.c, no runtime at all,
# with the CVE-2019-5736 re-exec): no runtime can do better, so a goal whose
# bound is "unreachable" cannot be met on this machine by any runtime.
# Recorded beside the goals; bench/goals.sh prints them and does not count
# them as goals.
bound() {
    local name="bound: $1" measured=$2 op=$3 target=$4 verdict=unreachable
    if [ "$(echo "$measured $op $target" | bc -l)" = 1 ]; then verdict=reachable; fi
    printf '%-59s %10s %s %-8s %s\n' "$name" "$measured" "$op" "$target" "$verdict"
    if [ -n "${HULL_BENCH_GOALS:-}" ]; then
        printf '%s|%s|%s|%s||%s\n' "$name" "$measured" "$op" "$target" "$verdict" >>"$HULL_BENCH_GOALS"
    fi
}

# hide_unified: in the bench's private mount namespace, the hybrid layout's
# unified hierarchy replaced by an empty tmpfs of this namespace's own.
# crun 1.8 refuses the hybrid layout ("cgroups in hybrid mode not
# supported") and sees plain v1 this way.  Only unmounting it would uncover
# the directory it is mounted on, in the host's /sys/fs/cgroup tmpfs, and
# crun (and podman with it) would make its cgroups there: directories left
# on the host, hidden under its unified mount.  The tmpfs takes them and
# vanishes with the namespace.  Room for them: crun writes a cgroup.procs
# file (a page) into each and cannot remove the directory afterwards, and
# bench/scale.sh makes 1100 (1 MiB had room for ~250: crun's creates then
# failed with ENOSPC).
hide_unified() {
    if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then
        umount /sys/fs/cgroup/unified
        mount -t tmpfs -o size=64m,mode=0755 hull-bench-unified /sys/fs/cgroup/unified
    fi
}

# engine_binary NAME: sets HULL to the engine to measure (HULL_ENGINE, or the
# build's), or exits saying so in NAME's words.
engine_binary() {
    local build=${BUILD:-build}
    HULL=${HULL_ENGINE:-$ROOT/$build/hull}
    [ -x "$HULL" ] || HULL=$ROOT/$build/src/hull/hull
    [ -x "$HULL" ] || { echo "bench/$1: build the engine first (make build)" >&2; exit 1; }
}
