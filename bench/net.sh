#!/bin/bash
# bench/net.sh: what hull's networking costs.
#
#  1. Throughput of a published port: SIZE_MB (1024 by default) of zeros sent
#     by a plain TCP client on the host (python3) to a plain TCP sink (a static
#     reader built here with cc -static, bind-mounted) in a
#     container, through -p (DNAT in table inet hull, the veth pair and the
#     bridge), to 127.0.0.1:PORT and to the host's own address; over IPv6 too
#     (a dual-stack network, the host's IPv6 address); and the floor: the same
#     sink in a container with --network host (loopback, no NAT, no veth).
#     The same through podman's -p (a CNI bridge network of its own, 10.199.0.0/24,
#     its own store and network config directory).
#  2. What the bridge adds to `hull run --rm busybox true` against --network
#     none (hyperfine, RUNS runs each).
#
#   bench/net.sh               (SIZE_MB=1024 RUNS=20 REPEAT=3; HULL_ENGINE=... to pick a binary)
#
# Everything runs in a private network namespace (unshare -n) that plays the
# host: the bridge, table inet hull, the sysctls hull sets and every packet
# stay in it.  Each transfer is timed REPEAT times; the median is printed.
# Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck disable=SC1091 # bench/goal.sh is checked on its own
. "$ROOT/bench/goal.sh"
engine_binary net
command -v python3 >/dev/null || { echo "bench/net: python3 (the TCP client) is not installed" >&2; exit 1; }
SIZE_MB=${SIZE_MB:-1024}
RUNS=${RUNS:-20}
REPEAT=${REPEAT:-3}

if [ "${HULL_BENCH_INNER:-}" != 1 ]; then
    exec unshare -m -n --propagation private env HULL_BENCH_INNER=1 "$0" "$@"
fi
# crun 1.8 (podman's runtime here) refuses the hybrid layout: in this private
# mount namespace it, and hull with it, see plain cgroup v1 (as bench/engine.sh)
hide_unified
ip link set lo up
# "the host's address": a dummy-free way to have one, a bridge of our own
ip link add benchhost0 type bridge
ip addr add 192.0.2.1/24 dev benchhost0
ip -6 addr add fd00:beef::1/64 dev benchhost0 nodad 2>/dev/null || true
ip link set benchhost0 up

work=$(mktemp -d "${TMPDIR:-/tmp}/hull-nbench.XXXXXX")
hull=("$HULL" --root "$work/root" --runroot "$work/run")
cleanup() {
    for id in $("${hull[@]}" ps -aq 2>/dev/null); do "${hull[@]}" rm -f "$id" >/dev/null 2>&1 || true; done
    grep -o " ${work}[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done || true
    rm -rf "$work"
}
trap cleanup EXIT

"$ROOT/tests/engine/make-busybox-image.sh" "$work/img" >/dev/null
# The sink: with busybox nc -l every path measured ~50 MB/s on a loaded 2-core
# machine, --network host included (the sink, not the path); a static reader
# with 1 MB reads measures the path.
cat >"$work/sink.c" <<'C'
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    static char buf[1 << 20];
    int one = 1, l = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(atoi(argv[1]))};
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0)
        return 1;
    int c = accept(l, NULL, NULL);
    while (read(c, buf, sizeof buf) > 0)
        ;
    return 0;
}
C
cc -static -O2 -o "$work/sink" "$work/sink.c" || { echo "bench/net: cannot build the static sink (cc -static)" >&2; exit 1; }
"${hull[@]}" load -q -i "$work/img/busybox-docker.tar" >/dev/null
image=busybox:docker
unset HULL_DEFAULT_NETWORK

# median of the numbers on stdin
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# send ADDR PORT: seconds to push SIZE_MB of zeros into the sink, up to the
# sink closing its end (it has read everything).  Python, not busybox nc: its
# client stops after the first KB when stdin is a pipe.
send() {
    timeout 600 python3 - "$1" "$2" "$SIZE_MB" <<'PY'
import socket, sys, time
addr, port, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection((addr, port))
buf = bytes(1 << 20)
t0 = time.monotonic()
for _ in range(mb):
    s.sendall(buf)
s.shutdown(socket.SHUT_WR)
s.recv(1)  # b"" once the sink has read everything and closed
print(f"{time.monotonic() - t0:.3f}")
PY
}

# wait_listen: the sink container listens on 5001 (asked inside it: a probe
# from outside would be the one connection busybox nc -l takes)
wait_listen() {
    local deadline=$((SECONDS + 10))
    until "${hull[@]}" exec sink sh -c 'netstat -ltn 2>/dev/null | grep -q ":5001 "'; do
        [ "$SECONDS" -lt "$deadline" ] || { echo "bench/net: the sink does not listen" >&2; exit 1; }
        sleep 0.05
    done
}

# measure NAME NETFLAGS ADDR PORT: a fresh sink container per run; prints
# "NAME median-seconds MB/s"
measure() {
    local name=$1 flags=$2 addr=$3 port=$4 i secs
    local times=()
    for ((i = 0; i < REPEAT; i++)); do
        # shellcheck disable=SC2086
        "${hull[@]}" run -d --name sink $flags -v "$work/sink:/sink:ro" "$image" /sink 5001 >/dev/null
        wait_listen
        secs=$(send "$addr" "$port")
        times+=("$secs")
        "${hull[@]}" rm -f sink >/dev/null
    done
    secs=$(printf '%s\n' "${times[@]}" | median)
    printf '%-42s %7.2f s %7.0f MB/s\n' "$name" "$secs" "$(echo "$SIZE_MB / $secs" | bc -l)"
}

echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
echo "# throughput: ${SIZE_MB} MB through a plain TCP sink (a static reader, 1 MB reads), median of $REPEAT"
measure "--network host (floor: loopback)" "--network host" 127.0.0.1 5001
measure "-p 127.0.0.1 (DNAT, route_localnet)" "-p 8080:5001" 127.0.0.1 8080
measure "-p host address (DNAT)" "-p 8080:5001" 192.0.2.1 8080
if [ -e /proc/sys/net/ipv6 ]; then
    "${hull[@]}" network create --ipv6 --subnet fd00:77::/64 ds >/dev/null
    measure "-p host IPv6 address (DNAT, dual stack)" "--network ds -p 8080:5001" fd00:beef::1 8080
fi

# The same transfers through podman's -p (issue 14: "against the same through
# podman"), its own store under $work; the ulimits as bench/engine.sh's (this
# host's init cannot raise RLIMIT_NOFILE).  Not podman's default network: its
# 10.88.0.0/16 is the first free /16 hull's default network took above, and
# CNI's bridge plugin adds cni-podman0 with 10.88.0.1/16 without looking at
# the routes, so 10.88.0.0/16 has two routes, hull0's first (linkdown once
# hull's sinks are gone, still used): DNAT to a podman container's address
# sends it out hull0, its ARP fails and connect() gets EHOSTUNREACH ("No route
# to host").  A network of its own in a config directory under $work instead,
# and CNI's IPAM leases and cache (/var/lib/cni) on a tmpfs private to this
# mount namespace.
if command -v podman >/dev/null; then
    mkdir -p /var/lib/cni "$work/p/net"
    mount -t tmpfs -o mode=0755 hull-nbench-cni /var/lib/cni
    pod=(podman --root "$work/p/root" --runroot "$work/p/run" --network-config-dir "$work/p/net"
        --cgroup-manager cgroupfs --events-backend file)
    # its containers and conmon below a cgroup parent of our own (as bench/engine.sh)
    cgparent=/hull-nbench-$$
    pod_cleanup() {
        "${pod[@]}" rm -af -t 0 >/dev/null 2>&1 || true
        "${pod[@]}" system reset -f >/dev/null 2>&1 || true
        find /sys/fs/cgroup -maxdepth 2 -type d -name "${cgparent#/}" -exec find {} -depth -type d -delete \; 2>/dev/null || true
    }
    trap 'pod_cleanup; cleanup' EXIT
    "${pod[@]}" network create --subnet 10.199.0.0/24 hullbench >/dev/null
    "${pod[@]}" load -q -i "$work/img/busybox-docker.tar" >/dev/null
    pod_measure() {
        local name=$1 addr=$2 port=$3 i secs deadline
        local times=()
        for ((i = 0; i < REPEAT; i++)); do
            "${pod[@]}" run -d --name psink --network hullbench --cgroup-parent "$cgparent" --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 -p "$port:5001" -v "$work/sink:/sink:ro" "localhost/$image" /sink 5001 >/dev/null
            deadline=$((SECONDS + 10))
            until "${pod[@]}" exec psink sh -c 'netstat -ltn 2>/dev/null | grep -q ":5001 "'; do
                [ "$SECONDS" -lt "$deadline" ] || { echo "bench/net: podman's sink does not listen" >&2; exit 1; }
                sleep 0.05
            done
            if ! secs=$(send "$addr" "$port" 2>"$work/pod.err"); then
                "${pod[@]}" rm -f -t 0 psink >/dev/null
                printf '%-42s no traffic here: %s\n' "$name" "$(tail -n1 "$work/pod.err")"
                return 0
            fi
            times+=("$secs")
            "${pod[@]}" rm -f -t 0 psink >/dev/null
        done
        secs=$(printf '%s\n' "${times[@]}" | median)
        printf '%-42s %7.2f s %7.0f MB/s\n' "$name" "$secs" "$(echo "$SIZE_MB / $secs" | bc -l)"
    }
    pod_measure "podman -p 127.0.0.1" 127.0.0.1 8082
    pod_measure "podman -p host address" 192.0.2.1 8081
else
    echo "# podman is not installed: its -p left out"
fi

echo "# hull run --rm busybox true: the bridge against --network none ($RUNS runs each)"
if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$work/run.json" \
        -n none "${hull[*]} run --rm --network none $image true" \
        -n bridge "${hull[*]} run --rm --network hull $image true" >&2
    jq -r '.results[] | [.command, (.median * 1000), (.mean * 1000)] | @tsv' "$work/run.json" |
        while IFS=$'\t' read -r name med mean; do printf '%-8s median %6.1f ms  mean %6.1f ms\n' "$name" "$med" "$mean"; done
else
    echo "# hyperfine is not installed: left out"
fi
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
