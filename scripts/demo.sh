#!/bin/bash
# make demo: containers from nothing but Debian's busybox-static, to show what
# "a container is just a process with a restricted view" means.
#
# Part 1, the engine: a busybox image built offline is loaded into a private
# store, and `hull run` runs it the way docker would.  Part 2, the runtime: the
# same root filesystem as an OCI bundle for `hull-runtime run`.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNTIME=${HULL_RUNTIME:-$PWD/build/hull-runtime}
ENGINE=${HULL_ENGINE:-$PWD/build/hull}
work=$(mktemp -d /tmp/hull-demo.XXXXXX)
# a private store: the demo leaves the host's /var/lib/hull alone
hull() { "$ENGINE" --root "$work/store" --runroot "$work/run" "$@"; }
cleanup() {
    hull rm -f demo-web >/dev/null 2>&1 || true
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
