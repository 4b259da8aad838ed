#!/bin/bash
# make demo: a container from nothing but Debian's busybox-static, to show what
# "a container is just a process with a restricted view" means.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNTIME=${HULL_RUNTIME:-$PWD/build/hull-runtime}
work=$(mktemp -d /tmp/hull-demo.XXXXXX)
root=$work/state
trap 'rm -rf "$work"' EXIT

echo "== building a busybox root filesystem from /bin/busybox (busybox-static) =="
tests/make-rootfs.sh "$work/bundle/rootfs" >/dev/null
(cd "$work/bundle" && "$RUNTIME" spec)
# no terminal (the demo may run without one), a hostname, and a script that looks around
jq '.process.terminal = false | .hostname = "hull-demo" |
    .process.args = ["sh", "-c", "
echo \"I am PID $$ (the host knows me by another number)\";
echo \"my hostname: $(hostname)\";
echo \"network devices I can see: $(ls /sys/class/net | tr \"\\n\" \" \")\";
echo \"processes I can see:\"; ps -o pid,comm;
echo \"my / has: $(ls / | tr \"\\n\" \" \")\";
echo \"my memory cgroup: $(cat /proc/self/cgroup | grep -m1 memory || cat /proc/self/cgroup | head -1)\";
echo \"my capabilities: $(grep CapEff /proc/self/status)\""]' \
    "$work/bundle/config.json" >"$work/bundle/config.json.new"
mv "$work/bundle/config.json.new" "$work/bundle/config.json"

echo "== the host, for comparison =="
echo "host PID of this shell: $$, hostname: $(hostname), network devices: $(ls /sys/class/net | tr '\n' ' ')"
echo "== hull-runtime run demo (bundle $work/bundle) =="
"$RUNTIME" --root "$root" run --bundle "$work/bundle" hull-demo
echo "== container exited; nothing is left: =="
"$RUNTIME" --root "$root" list
