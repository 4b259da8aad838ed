#!/bin/bash
# bench/engine.sh: `hull run --rm busybox true` against `podman run --rm` with
# crun and with runc, side by side in one hyperfine run, then the ratios; and
# the RSS of the per-container monitor of a detached container (hull's own
# monitor against podman's conmon).  Not part of the test suite.
#
#   bench/engine.sh            (RUNS=30 by default; HULL_ENGINE=... to pick a binary)
#
# The same busybox image for everybody: the docker-archive built offline by
# tests/engine/make-busybox-image.sh, loaded into a private hull store and a
# private podman store (--root/--runroot under a temp dir: the host's podman
# store is never touched).  --network none for both, and then both on their
# default bridge network (hull's `hull`, podman's `podman`), to show what the
# bridge costs.  Everything runs in a private network namespace (unshare -n)
# that plays the host: the bridges, nftables rules and sysctls the engines
# make vanish with it.  podman runs without systemd here: --cgroup-manager
# cgroupfs, --events-backend file.
#
# crun 1.8 refuses this host's hybrid cgroup layout ("cgroups in hybrid mode
# not supported"), so, as bench/run.sh does, everything runs inside one
# private mount namespace with /sys/fs/cgroup/unified hidden (bench/goal.sh
# hide_unified): all three see plain cgroup v1, and the comparison is fair.
#
# podman asks for RLIMIT_NOFILE and RLIMIT_NPROC of 1048576 by default, above
# this host's hard limits (and nothing here has CAP_SYS_RESOURCE): --ulimit
# sets both to 1024 so podman's containers can start at all.  hull sets no
# rlimit unless asked (docker's behaviour).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck disable=SC1091 # bench/goal.sh is checked on its own
. "$ROOT/bench/goal.sh"
engine_binary engine
command -v hyperfine >/dev/null || { echo "bench/engine: hyperfine is not installed" >&2; exit 1; }
RUNS=${RUNS:-30}

if [ "${HULL_BENCH_INNER:-}" != 1 ]; then
    exec unshare -m -n --propagation private env HULL_BENCH_INNER=1 "$0" "$@"
fi
ip link set lo up
hide_unified
# podman's CNI leases and cache (/var/lib/cni) on a tmpfs of this mount
# namespace: its bridge runs must leave nothing on the host (as bench/net.sh)
if command -v podman >/dev/null; then
    mkdir -p /var/lib/cni
    mount -t tmpfs -o mode=0755 hull-ebench-cni /var/lib/cni
fi

# podman refuses long --runroot paths: keep the work dir short
work=$(mktemp -d /tmp/hull-ebench.XXXXXX)
hull=("$HULL" --root "$work/h/root" --runroot "$work/h/run")
pod=(podman --root "$work/p/root" --runroot "$work/p/run" --cgroup-manager cgroupfs --events-backend file)
# podman's containers, and conmon (in PARENT/conmon), below a cgroup parent of
# the bench's own, removed at the end: podman's default /libpod_parent/conmon
# would stay on the host
cgparent=/hull-ebench-$$
have_podman=false
command -v podman >/dev/null && have_podman=true
cleanup() {
    for id in $("${hull[@]}" ps -aq 2>/dev/null); do "${hull[@]}" rm -f "$id" >/dev/null 2>&1 || true; done
    if $have_podman; then
        "${pod[@]}" rm -af -t 0 >/dev/null 2>&1 || true
        "${pod[@]}" system reset -f >/dev/null 2>&1 || true
    fi
    grep -o " ${work}[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done || true
    rm -rf "$work"
    find /sys/fs/cgroup -maxdepth 2 -type d -name "${cgparent#/}" -exec find {} -depth -type d -delete \; 2>/dev/null || true
}
trap cleanup EXIT

echo "# the busybox image (tests/engine/make-busybox-image.sh) in $work"
"$ROOT/tests/engine/make-busybox-image.sh" "$work/img" >/dev/null
archive=$work/img/busybox-docker.tar
"${hull[@]}" load -q -i "$archive" >/dev/null
hull_image=busybox:docker
run_flags=(--rm --network none)
pod_run=(run "${run_flags[@]}" --cgroup-parent "$cgparent" --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

# the kernel's own work of such a run, with no engine or runtime around it
# (bench/ctrfloor.c): the container of bench/run.sh's bundle (a busybox rootfs
# of tests/make-rootfs.sh as the image's one layer) on an overlay made, mounted,
# unmounted and removed per run, with the CVE-2019-5736 re-exec: the "bound:"
# line says whether the goal of 20x can be met at all here
"$ROOT/tests/make-rootfs.sh" "$work/lower" >/dev/null
mkdir "$work/ovl"
cc -O2 -Wall -o "$work/ctrfloor" "$ROOT/bench/ctrfloor.c"

cmds=(-n "hull" "${hull[*]} run ${run_flags[*]} $hull_image true")
cmds+=(-n "kernel+cve+overlay" "$work/ctrfloor --reexec --overlay $work/ovl $work/lower")
cmds+=(-n "hull+bridge" "${hull[*]} run --rm --network hull $hull_image true")
podmans=()
if $have_podman; then
    "${pod[@]}" load -q -i "$archive" >/dev/null
    for rt in crun runc; do
        command -v $rt >/dev/null || continue
        podmans+=("$rt")
        cmds+=(-n "podman+$rt" "${pod[*]} --runtime $(command -v $rt) ${pod_run[*]} localhost/$hull_image true")
    done
    # podman on its default bridge network (netavark or CNI), when it works here
    rt=${podmans[0]:-}
    bridge_cmd="${pod[*]} --runtime $(command -v "${rt:-crun}") run --rm --network bridge --cgroup-parent $cgparent --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 localhost/$hull_image true"
    if [ -n "$rt" ] && $bridge_cmd >"$work/out" 2>&1; then
        cmds+=(-n "podman+$rt+bridge" "$bridge_cmd")
    else
        echo "# podman on a bridge network does not run here, left out: $(head -c 200 "$work/out" | tr '\n' ' ')"
    fi
fi

# correctness first: every command runs the container and exits 0
for ((i = 1; i < ${#cmds[@]}; i += 3)); do
    name=${cmds[i]} cmd=${cmds[i + 1]}
    if ! $cmd >"$work/out" 2>&1; then
        echo "bench/engine: $name cannot run busybox here: $(head -c 400 "$work/out")" >&2
        exit 1
    fi
done

# a shared machine: say how busy it was, ratios from a loaded one are not comparable
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
echo "# hull run --rm vs podman run --rm ($RUNS runs each)"
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$work/run.json" "${cmds[@]}" >&2

echo
printf '%-18s %12s %12s\n' command "median ms" "mean ms"
jq -r '.results[] | [.command, (.median * 1000), (.mean * 1000)] | @tsv' "$work/run.json" |
    while IFS=$'\t' read -r name med mean; do printf '%-18s %12.1f %12.1f\n' "$name" "$med" "$mean"; done
hull_median=$(jq -r '.results[] | select(.command == "hull") | .median' "$work/run.json")
bridge_median=$(jq -r '.results[] | select(.command == "hull+bridge") | .median' "$work/run.json")
printf 'the bridge adds to hull run: %.1f ms (median; goal: <= 2 ms)\n' "$(echo "($bridge_median - $hull_median) * 1000" | bc -l)"
goal "bridge: what it adds to hull run --rm, ms" "$(printf %.1f "$(echo "($bridge_median - $hull_median) * 1000" | bc -l)")" "<=" 2
pb=$(jq -r '.results[] | select(.command | endswith("+bridge")) | select(.command | startswith("podman")) | .median' "$work/run.json")
if [ -n "$pb" ]; then
    printf 'podman on its bridge / hull on its bridge median ratio: %.1fx (goal: >= 20x)\n' "$(echo "$pb / $bridge_median" | bc -l)"
    goal "bridge: podman on its bridge / hull on its bridge" "$(printf %.1f "$(echo "$pb / $bridge_median" | bc -l)")" ">=" 20
fi
for rt in "${podmans[@]}"; do
    pm=$(jq -r --arg n "podman+$rt" '.results[] | select(.command == $n) | .median' "$work/run.json")
    printf 'podman+%s / hull median ratio: %.1fx (goal: >= 20x)\n' "$rt" "$(echo "$pm / $hull_median" | bc -l)"
    goal "hull run --rm: podman+$rt median / hull's" "$(printf %.1f "$(echo "$pm / $hull_median" | bc -l)")" ">=" 20
    km=$(jq -r '.results[] | select(.command == "kernel+cve+overlay") | .median' "$work/run.json")
    bound "podman+$rt / kernel+cve+overlay (goal >= 20)" "$(printf %.1f "$(echo "$pm / $km" | bc -l)")" ">=" 20
done

echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Isolated starts: a pause before each timed run, as a user's one `run` meets
# the kernel (bench/run.sh says why back-to-back runs hide a cgroup v1 cost
# that podman's runtimes pay on every isolated start and hull does not).
GAP=${HULL_BENCH_GAP:-0.5}
ISO_RUNS=${HULL_BENCH_ISOLATED_RUNS:-15}
iso_cmds=()
for ((i = 0; i < ${#cmds[@]}; i += 3)); do
    case "${cmds[i + 1]}" in hull | hull+bridge | kernel+cve+overlay | "podman+${podmans[0]:-none}" | "podman+${podmans[0]:-none}+bridge") iso_cmds+=("${cmds[@]:i:3}") ;; esac
done
echo
echo "# isolated starts: ${GAP} s pause before each of $ISO_RUNS runs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N --warmup 2 --runs "$ISO_RUNS" --prepare "sleep $GAP" --export-json "$work/iso.json" "${iso_cmds[@]}" >/dev/null 2>&1
jq -r '.results[] | [.command, (.median * 1000)] | @tsv' "$work/iso.json" |
    while IFS=$'\t' read -r name med; do printf '%-18s %12.1f ms median\n' "$name" "$med"; done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${podmans[0]:-}" ]; then
    ih=$(jq -r '.results[] | select(.command == "hull") | .median' "$work/iso.json")
    ip=$(jq -r --arg n "podman+${podmans[0]}" '.results[] | select(.command == $n) | .median' "$work/iso.json")
    goal "isolated: podman+${podmans[0]} median / hull run --rm's" "$(printf %.1f "$(echo "$ip / $ih" | bc -l)")" ">=" 20
    ik=$(jq -r '.results[] | select(.command == "kernel+cve+overlay") | .median' "$work/iso.json")
    bound "isolated: podman+${podmans[0]} / kernel+cve+overlay (goal >= 20)" "$(printf %.1f "$(echo "$ip / $ik" | bc -l)")" ">=" 20
    ihb=$(jq -r '.results[] | select(.command == "hull+bridge") | .median' "$work/iso.json")
    ipb=$(jq -r --arg n "podman+${podmans[0]}+bridge" '.results[] | select(.command == $n) | .median' "$work/iso.json")
    goal "isolated: bridge: what it adds to hull run --rm, ms" "$(printf %.1f "$(echo "($ihb - $ih) * 1000" | bc -l)")" "<=" 2
    if [ -n "$ipb" ]; then
        goal "isolated: bridge: podman on its bridge / hull on its" "$(printf %.1f "$(echo "$ipb / $ihb" | bc -l)")" ">=" 20
    fi
fi

# The monitor's RSS: the parent of the container's init is the process that
# waits for it (hull's monitor; podman's conmon).
vmrss() { awk '$1 == "VmRSS:" {print $2}' "/proc/$1/status"; }
ppid_of() { awk '$1 == "PPid:" {print $2}' "/proc/$1/status"; }
echo
echo "# RSS of the monitor of a detached container (VmRSS of the init's parent, KiB)"
"${hull[@]}" run -d --name rss --network none "$hull_image" sleep 1000 >/dev/null
init=$("${hull[@]}" inspect rss | jq -r '.[0].State.Pid')
mon=$(ppid_of "$init")
printf '%-28s pid %-7s %-16s %6s KiB\n' "hull monitor" "$mon" "$(cat "/proc/$mon/comm")" "$(vmrss "$mon")"
# every hull process an idle detached container leaves: its monitor is the
# only one (no daemon); the container's own processes are not hull's
goal "idle detached container: KiB resident of hull" "$(vmrss "$mon")" "<=" 200
if $have_podman && [ ${#podmans[@]} -gt 0 ]; then
    "${pod[@]}" --runtime "$(command -v "${podmans[0]}")" run -d --name rss --network none --cgroup-parent "$cgparent" \
        --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "localhost/$hull_image" sleep 1000 >/dev/null
    sleep 0.5
    pinit=$("${pod[@]}" inspect rss --format '{{.State.Pid}}')
    conmon=$(ppid_of "$pinit")
    printf '%-28s pid %-7s %-16s %6s KiB\n' "podman's conmon (${podmans[0]})" "$conmon" "$(cat "/proc/$conmon/comm")" "$(vmrss "$conmon")"
    "${pod[@]}" rm -f -t 0 rss >/dev/null 2>&1 || true
fi
"${hull[@]}" rm -f rss >/dev/null
