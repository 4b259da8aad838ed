#!/bin/bash
# guest-tests.sh BATS_FILE...: what tests/vm/run-tap runs inside the VM.
# Prints TAP: first the C unit tests that talk to the kernel's cgroups
# ($BUILD/tests/unit/test-cgroup-live etc., chosen by HULL_VM_UNIT), then each
# bats file. Exits 1 when a bats file failed; every failure shows as "not ok"
# lines (made up here when a test binary died or a file timed out).
set -uo pipefail
[ "${HULL_IN_VM:-}" = 1 ] || { echo "guest-tests.sh: runs inside the test VM (tests/vm/run-tap)" >&2; exit 2; }

build=${BUILD:-build}
unit_out=$(mktemp)
trap 'rm -f "$unit_out"' EXIT
for pattern in ${HULL_VM_UNIT-test-cgroup-live}; do
    # meson puts each area's tests in its own subdirectory
    for t in $(find "$build/tests/unit" -name "$pattern" -type f -perm -u+x 2>/dev/null | sort); do
        echo "# unit: $t"
        start=$SECONDS
        timeout --kill-after=10 300 "$t" 2>&1 | tee "$unit_out"
        rc=${PIPESTATUS[0]}
        echo "# unit: $t took $((SECONDS - start))s in the VM"
        if [ "$rc" != 0 ] && ! grep -q '^not ok' "$unit_out"; then
            echo "not ok 1 - $t exited with status $rc"
        fi
    done
done

# One bats run per file, each under a deadline, as tests/run does on the
# host: a file that hangs (BATS_TEST_TIMEOUT cannot always interrupt a test
# blocked on a pipe a container holds) fails alone and the others still run.
file_timeout=${HULL_VM_FILE_TIMEOUT:-600}
status=0
for f; do
    echo "# bats: $f"
    start=$SECONDS
    timeout --kill-after=10 "$file_timeout" bats --tap "$f"
    rc=$?
    echo "# bats: $f took $((SECONDS - start))s in the VM"
    case $rc in
    0) ;;
    124 | 137) echo "not ok 1 - $f timed out after ${file_timeout}s"; status=1 ;;
    *) status=1 ;;
    esac
done
exit $status
