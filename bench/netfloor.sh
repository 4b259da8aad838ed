#!/bin/bash
# bench/netfloor.sh: the kernel's floor for a container's bridge networking
# (bench/netfloor.c says what is measured), in a network namespace of its own
# that plays the host: the bridge and the pairs vanish with it.  Not part of
# the test suite.
#
#   bench/netfloor.sh          (N=100 iterations per mode by default)
#
# Read it against bench/engine.sh's "the bridge adds to hull run": setup is
# what hull's attach cannot go below; delete is what hull no longer waits
# for (docs/networking.md, "Cost").
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100}
if [ "${HULL_BENCH_INNER:-}" != 1 ]; then
    exec unshare -n env HULL_BENCH_INNER=1 "$0" "$@"
fi
ip link set lo up
dir=$(mktemp -d /tmp/hull-netfloor.XXXXXX)
trap 'rm -rf "$dir"' EXIT
cc -O2 -Wall -o "$dir/netfloor" bench/netfloor.c -lmnl
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs), kernel $(uname -r)"
for mode in none bridge bridge-delete bridge; do
    "$dir/netfloor" "$mode" "$N"
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
