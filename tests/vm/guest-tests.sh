#!/bin/bash
# guest-tests.sh BATS_FILE...: what tests/vm/run-tap runs inside the VM.
# Prints TAP: first the C unit tests that talk to the kernel's cgroups
# ($BUILD/tests/unit/test-cgroup-live etc., chosen by HULL_VM_UNIT), then the
# bats files in one bats run. Exits with bats' status; a unit test's failure
# shows as its "not ok" lines (or one made up here if it died without any).
set -uo pipefail
[ "${HULL_IN_VM:-}" = 1 ] || { echo "guest-tests.sh: runs inside the test VM (tests/vm/run-tap)" >&2; exit 2; }

build=${BUILD:-build}
unit_out=$(mktemp)
trap 'rm -f "$unit_out"' EXIT
for pattern in ${HULL_VM_UNIT-test-cgroup-live}; do
    for t in "$build"/tests/unit/$pattern; do
        [ -x "$t" ] || continue
        echo "# unit: $t"
        timeout --kill-after=10 300 "$t" 2>&1 | tee "$unit_out"
        rc=${PIPESTATUS[0]}
        if [ "$rc" != 0 ] && ! grep -q '^not ok' "$unit_out"; then
            echo "not ok 1 - $t exited with status $rc"
        fi
    done
done

[ $# -gt 0 ] || exit 0
echo "# bats: $*"
bats --tap "$@"
