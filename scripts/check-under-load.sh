#!/bin/bash
# `make check-under-load`: runs tests/run twice in a row while stress-ng keeps
# both CPUs and the disk busy (stress-ng --cpu N --io 1), the way a shared CI
# machine is loaded. Passes only if both runs pass. stress-ng is ours: it is
# started here and stopped by its pid, whatever happens.
set -uo pipefail
cd "$(dirname "$0")/.."
cpus=${HULL_LOAD_CPUS:-$(nproc)}
stress-ng --cpu "$cpus" --io 1 --timeout 0 --quiet &
stress_pid=$!
trap 'kill "$stress_pid" 2>/dev/null; wait "$stress_pid" 2>/dev/null' EXIT
mkdir -p tests/.work
rc=0
for round in 1 2; do
    echo "# check-under-load: round $round, stress-ng --cpu $cpus --io 1 (pid $stress_pid), load: $(cut -d' ' -f1-3 /proc/loadavg)"
    HULL_LEAK_CHECK=${HULL_LEAK_CHECK:-1} ./tests/run 2>&1 | tee "tests/.work/check-under-load.$round.log" | tail -n 40 || rc=1
    tail -n 1 "tests/.work/check-under-load.$round.log" | grep -q ' 0 failed' || rc=1
done
exit $rc
