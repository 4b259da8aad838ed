#!/bin/bash
# make demo: containers from nothing but Debian's busybox-static, to show what
# "a container is just a process with a restricted view" means.
#
# Part 1, the engine: a busybox image built offline is loaded into a private
# store, and `hull run` runs it the way docker would.  Part 2, the runtime: the
# same root filesystem as an OCI bundle for `hull-runtime run`.
set -euo pipefail
# The demo plays its host inside a network namespace of its own: the bridge,
# the nftables table and the published port that `hull run` makes live there
# and vanish with it; the machine's own network is never touched.
if [ -z "${HULL_DEMO_NETNS:-}" ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
    exec env HULL_DEMO_NETNS=1 unshare -n -- "$0" "$@"
fi
if [ -n "${HULL_DEMO_NETNS:-}" ]; then
    ip link set lo up
else
    export HULL_DEFAULT_NETWORK=none # no private namespace: leave the host's network alone
fi
cd "$(dirname "$0")/.."
RUNTIME=${HULL_RUNTIME:-$PWD/build/hull-runtime}
ENGINE=${HULL_ENGINE:-$PWD/build/hull}
work=$(mktemp -d /tmp/hull-demo.XXXXXX)
# a private store: the demo leaves the host's /var/lib/hull alone
hull() { "$ENGINE" --root "$work/store" --runroot "$work/run" "$@"; }
cleanup() {
    hull rm -f demo-web demo-http >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# What the container looks at, in both parts.
look_around='
echo "I am PID $$ (the host knows me by another number)";
echo "my hostname: $(hostname)";
echo "network devices I can see: $(ls /sys/class/net | tr "\n" " ")";
echo "processes I can see:"; ps -o pid,comm;
echo "my / has: $(ls / | tr "\n" " ")";
echo "my memory limit: $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max)";
echo "my capabilities: $(grep CapEff /proc/self/status)"'

echo "== the host, for comparison =="
echo "host PID of this shell: $$, hostname: $(hostname), network devices: $(ls /sys/class/net | tr '\n' ' ')"

echo
echo "== building a busybox image from /bin/busybox (busybox-static, no download) =="
tests/engine/make-busybox-image.sh "$work/images" >/dev/null
hull load -i "$work/images/busybox-oci.tar"
hull images

echo
echo "== hull run --rm --memory 256m --cpus 0.5 --hostname container-01 busybox sh -c ... =="
hull run --rm --memory 256m --cpus 0.5 --hostname container-01 busybox sh -c "$look_around"

echo
echo "== a detached container: run -d, ps, logs, inspect --isolation, stop, rm =="
hull run -d --name demo-web --memory 64m busybox sh -c 'trap "echo stopping; exit 0" TERM; i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.2; done' >/dev/null
sleep 0.5
hull ps
hull logs --tail 2 demo-web
if hull inspect --isolation demo-web >"$work/isolation" 2>&1; then
    cat "$work/isolation"
fi
hull stop -t 1 demo-web >/dev/null
hull ps -a
hull rm demo-web >/dev/null
echo "(removed: container, overlay, cgroups, runtime state)"

if [ -n "${HULL_DEMO_NETNS:-}" ]; then
    echo
    echo "== a published port: run -d -p 8080:80 busybox httpd, then wget 127.0.0.1:8080 from the host =="
    hull run -d --name demo-http -p 8080:80 busybox httpd -f -p 80 -h /etc >/dev/null
    for _ in $(seq 100); do busybox wget -q -O /dev/null http://127.0.0.1:8080/hostname 2>/dev/null && break; sleep 0.1; done
    echo "the web server in container $(busybox wget -q -O - http://127.0.0.1:8080/hostname) answers on 127.0.0.1:8080"
    hull port demo-http
    hull rm -f demo-http >/dev/null
fi

echo
echo "== the same root filesystem as an OCI bundle: hull-runtime run =="
tests/make-rootfs.sh "$work/bundle/rootfs" >/dev/null
(cd "$work/bundle" && "$RUNTIME" spec)
# no terminal (the demo may run without one), a hostname, and the same script
jq --arg script "$look_around" '.process.terminal = false | .hostname = "hull-demo" |
    .process.args = ["sh", "-c", $script]' "$work/bundle/config.json" >"$work/bundle/config.json.new"
mv "$work/bundle/config.json.new" "$work/bundle/config.json"
"$RUNTIME" --root "$work/state" run --bundle "$work/bundle" hull-demo
echo "== container exited; nothing is left: =="
"$RUNTIME" --root "$work/state" list
