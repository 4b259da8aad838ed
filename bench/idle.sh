#!/bin/bash
# bench/idle.sh (`make bench-idle`): IDLE_N (500) idle detached containers at
# once, `hull run -d --network none busybox sleep 100000` one after the other
# (IDLE_PARALLEL at a time, default 1): the start throughput and the failures;
# then, with all of them idle, the memory they leave:
#   - every process whose command line names the bench's hull store (the
#     per-container hull-monitor: hull has no daemon), VmRSS and Pss
#     (/proc/PID/smaps_rollup: the monitors share their text pages, Pss
#     divides those among them) summed and divided by N;
#   - MemAvailable before and after, divided by N: everything a container
#     costs the machine (kernel objects: namespaces, cgroups, the overlay
#     mount, page tables, kernel stacks; the container's own `sleep`; the
#     monitors), with the /proc/meminfo lines that moved.  The machine is
#     shared: other sessions move MemAvailable too, read it as a rough figure;
# then `hull rm -f` of each (throughput, failures), and a check that nothing
# is left: no process naming the store, no cgroup of these containers, no
# mount below the store.
#
# Then podman (+crun) the same way when it is installed, with IDLE_PODMAN_N
# (100 by default: 500 take podman ~2.5 min here) containers in a private
# --root/--runroot and a --cgroup-parent of the bench's own, removed at the
# end (as bench/engine.sh): what it leaves per container is conmon.
#
# Goals (issue 17): 0 failures; <= 200 KiB resident (VmRSS) of hull
# processes per idle container.
#
# As bench/engine.sh, everything runs in a private mount and network
# namespace (unshare -m -n) with /sys/fs/cgroup/unified hidden (crun 1.8
# refuses this host's hybrid layout; hull and podman then both see plain
# cgroup v1), and podman gets --ulimit nofile/nproc=1024 (its default is
# above this host's hard limits).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck disable=SC1091 # bench/goal.sh is checked on its own
. "$ROOT/bench/goal.sh"
engine_binary idle
N=${IDLE_N:-500}
PN=${IDLE_PODMAN_N:-100}
P=${IDLE_PARALLEL:-1}

if [ "${HULL_BENCH_INNER:-}" != 1 ]; then
    exec unshare -m -n --propagation private env HULL_BENCH_INNER=1 "$0" "$@"
fi
ip link set lo up
hide_unified
# the cgroup hierarchies mounted here (not hide_unified's tmpfs, where crun
# writes a cgroup.procs file of its own: it vanishes with the namespace)
cgroot=()
for d in /sys/fs/cgroup/*/; do
    case $(stat -f -c %T "$d") in cgroupfs | cgroup2fs) cgroot+=("${d%/}") ;; esac
done

# podman refuses long --runroot paths: keep the work dir short
work=$(mktemp -d /tmp/hull-idle.XXXXXX)
hull=("$HULL" --root "$work/h/root" --runroot "$work/h/run")
pod=(podman --root "$work/p/root" --runroot "$work/p/run" --cgroup-manager cgroupfs --events-backend file)
cgparent=/hull-idle-$$
have_podman=false
command -v podman >/dev/null && command -v crun >/dev/null && have_podman=true
cleanup() {
    set +e
    "${hull[@]}" ps -aq 2>/dev/null | xargs -r -n 50 "${hull[@]}" rm -f >/dev/null 2>&1
    if $have_podman; then
        "${pod[@]}" rm -af -t 0 >/dev/null 2>&1
        "${pod[@]}" system reset -f >/dev/null 2>&1
    fi
    # the monitors' last steps (conmon runs `podman container cleanup`)
    # before the cgroups go: poll, they hold them until they are done
    local deadline=$((SECONDS + 10))
    while [ -n "$(store_procs "$work/")" ] && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    grep -o " ${work}[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf "$work"
    find /sys/fs/cgroup -maxdepth 2 -type d -name "${cgparent#/}" -exec find {} -depth -type d -delete \; 2>/dev/null
    return 0
}
trap cleanup EXIT
now() { date +%s.%N; }
meminfo() {
    awk '{print $1, $2}' /proc/meminfo >"$1"
    # the kernel's object caches, bytes each (root only)
    if [ -r /proc/slabinfo ]; then awk 'NR > 2 {print $1, $3 * $4}' /proc/slabinfo >"$1.slab"; fi
}

# The processes whose command line names DIR (the engine's store): the
# monitors (hull-monitor, conmon) and anything else the engine leaves.  No
# grep over /proc: its own command line would name DIR too.
store_procs() {
    local dir=$1 p args
    for p in /proc/[0-9]*; do
        args=()
        mapfile -d "" args 2>/dev/null <"$p/cmdline" || continue
        [[ " ${args[*]} " == *"$dir"* ]] && echo "${p#/proc/}"
    done
    return 0
}
# "COUNT RSS_KIB PSS_KIB COMMS" of the pids on stdin
mem_of() {
    local files=() p
    while read -r p; do files+=("/proc/$p/status" "/proc/$p/smaps_rollup"); done
    [ ${#files[@]} -gt 0 ] || { echo "0 0 0 -"; return; }
    awk '$1 == "Name:" { n++; comm[$2]++ } $1 == "VmRSS:" { rss += $2 } $1 == "Pss:" { pss += $2 }
         END { s = ""; for (c in comm) s = s (s ? "," : "") comm[c] " " c; print n + 0, rss + 0, pss + 0, (s ? s : "-") }' \
        "${files[@]}" 2>/dev/null
}

echo "# the busybox image (tests/engine/make-busybox-image.sh) in $work"
"$ROOT/tests/engine/make-busybox-image.sh" "$work/img" >/dev/null
archive=$work/img/busybox-docker.tar
"${hull[@]}" load -q -i "$archive" >/dev/null
image=busybox:docker
if $have_podman; then "${pod[@]}" load -q -i "$archive" >/dev/null; fi
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs); RLIMIT_NOFILE $(ulimit -n), NPROC $(ulimit -u), pid_max $(cat /proc/sys/kernel/pid_max)"

# idle ENGINE COUNT STORE_DIR: start COUNT, measure, remove them, check
# what is left.  Sets the globals of the results (start_s, start_fails ...).
idle() {
    local engine=$1 count=$2 store=$3 runcmd rmcmd t0 t1
    local out=$work/$engine
    mkdir -p "$out"
    if [ "$engine" = hull ]; then
        runcmd="${hull[*]} run -d --network none $image sleep 100000"
        rmcmd="${hull[*]} rm -f"
    else
        runcmd="${pod[*]} --runtime $(command -v crun) run -d --network none --cgroup-parent $cgparent --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 localhost/$image sleep 100000"
        rmcmd="${pod[*]} rm -f -t 0"
    fi
    meminfo "$out/mem0"
    t0=$(now)
    # one line per container: its id, or "failed" (its error in out/err-I)
    seq 1 "$count" | xargs -P "$P" -I{} sh -c "$runcmd 2>'$out/err-{}' || echo failed" >"$out/ids"
    t1=$(now)
    start_s=$(echo "$count / ($t1 - $t0)" | bc -l)
    start_fails=$(grep -c failed "$out/ids" || true)
    grep -v failed "$out/ids" >"$out/ok" || true
    # settle: the last monitors finish their start-up
    local deadline=$((SECONDS + 10)) procs
    while :; do
        procs=$(store_procs "$store" | wc -l)
        [ "$procs" -ge $((count - start_fails)) ] || [ $SECONDS -ge $deadline ] || { sleep 0.2; continue; }
        break
    done
    sleep 1
    meminfo "$out/mem1"
    read -r nprocs rss pss comms < <(store_procs "$store" | mem_of)
    running=$(wc -l <"$out/ok")
    [ "$running" -gt 0 ] || running=1 # all failed: the per-container figures are meaningless, not a division by 0
    avail_kib=$(awk 'NR == FNR { a[$1] = $2; next } $1 == "MemAvailable:" { print a[$1] - $2 }' "$out/mem0" "$out/mem1")
    # the lines of /proc/meminfo that say where it went, per container
    memlines=$(awk -v n="$running" 'NR == FNR { a[$1] = $2; next }
        $1 ~ /^(MemFree|Cached|AnonPages|Shmem|Slab|SReclaimable|SUnreclaim|KernelStack|PageTables|Percpu):$/ {
            printf "%s %+.0f  ", $1, (a[$1] - $2) / n }' "$out/mem1" "$out/mem0")
    slablines=
    if [ -f "$out/mem0.slab" ]; then
        slablines=$(awk -v n="$running" 'NR == FNR { a[$1] = $2; next } { printf "%s %.1f\n", $1, ($2 - a[$1]) / 1024 / n }' \
            "$out/mem0.slab" "$out/mem1.slab" | sort -k2 -g -r | head -8 | awk '{ printf "%s %+.0f  ", $1, $2 }')
    fi
    first_err=$(for f in "$out"/err-*; do [ -s "$f" ] && { head -c 300 "$f"; break; }; done 2>/dev/null || true)

    t0=$(now)
    rm_fails=$(xargs -P "$P" -I{} sh -c "$rmcmd {} >/dev/null 2>>'$out/rm-err' || echo failed" <"$out/ok" | grep -c failed || true)
    t1=$(now)
    rm_s=$(echo "$running / ($t1 - $t0)" | bc -l)

    # nothing left: poll, the last monitors may still be finishing their exit
    deadline=$((SECONDS + 20))
    while :; do
        left_procs=$(store_procs "$store" | wc -l)
        left_mounts=$(grep -c " $store" /proc/self/mountinfo || true)
        if [ "$engine" = hull ]; then
            left_cgroups=$(while read -r id; do
                for d in "${cgroot[@]}"; do if [ -d "$d/hull/$id" ]; then echo "$d"; fi; done
            done <"$out/ok" | wc -l)
            left_ctrs=$("${hull[@]}" ps -aq | wc -l)
        else
            left_cgroups=$(find "${cgroot[@]/%//${cgparent#/}}" -mindepth 1 -type d -name 'libpod-*' 2>/dev/null | wc -l)
            left_ctrs=$("${pod[@]}" ps -aq | wc -l)
        fi
        left=$((left_procs + left_mounts + left_cgroups + left_ctrs))
        if [ "$left" -eq 0 ] || [ $SECONDS -ge $deadline ]; then break; fi
        sleep 0.2
    done
}

report() {
    local engine=$1 count=$2 what=$3
    printf '%-7s %5s started %7.1f /s  %3s failed | removed %7.1f /s  %3s failed | left: %s processes, %s cgroups, %s mounts, %s containers\n' \
        "$engine" "$count" "$start_s" "$start_fails" "$rm_s" "$rm_fails" "$left_procs" "$left_cgroups" "$left_mounts" "$left_ctrs"
    printf '        %s: %s processes (%s), per container: VmRSS %.0f KiB, Pss %.0f KiB\n' \
        "$what" "$nprocs" "$comms" "$(echo "$rss / $running" | bc -l)" "$(echo "$pss / $running" | bc -l)"
    printf '        MemAvailable fell by %.0f KiB per container (everything: kernel objects, cgroups, mounts, the sleep, the monitor; other sessions move it too)\n' \
        "$(echo "$avail_kib / $running" | bc -l)"
    printf '        /proc/meminfo, change per container, KiB: %s\n' "$memlines"
    [ -z "$slablines" ] || printf '        slab caches that grew most, KiB per container: %s\n' "$slablines"
    [ -z "$first_err" ] || echo "        first error: $first_err"
    [ ! -s "$work/$engine/rm-err" ] || echo "        rm errors: $(head -c 300 "$work/$engine/rm-err")"
}

echo
echo "# $N idle detached containers (hull run -d --network none $image sleep 100000), $P at a time"
idle hull "$N" "$work/h/"
echo "# load average after hull: $(cut -d' ' -f1-3 /proc/loadavg)"
report hull "$N" "hull processes"
hull_per=$(printf %.0f "$(echo "$rss / $running" | bc -l)")
goal "$N idle detached: hull failures" "$((start_fails + rm_fails + left))" "<=" 0
goal "idle detached: KiB resident of hull per container" "$hull_per" "<=" 200

if $have_podman && [ "$PN" -gt 0 ]; then
    echo
    echo "# podman+crun, $PN idle detached containers (IDLE_PODMAN_N; fewer by default: 500 take podman ~2.5 min), $P at a time"
    idle podman "$PN" "$work/p/"
    echo "# load average after podman: $(cut -d' ' -f1-3 /proc/loadavg)"
    report podman "$PN" "processes naming podman's store"
    printf 'podman+crun / hull, resident per idle container: %.1fx\n' "$(echo "($rss / $running) / $hull_per" | bc -l)"
elif ! $have_podman; then
    echo "# podman or crun is not installed: no comparison"
fi
