#!/bin/bash
# guest-tests.sh BATS_FILE...: what tests/vm/run-tap runs inside the VM.
# Prints TAP: first the C unit tests that talk to the kernel's cgroups
# ($BUILD/tests/unit/test-cgroup-live etc., chosen by HULL_VM_UNIT), then each
# bats file. Exits 1 when a bats file failed; every failure shows as "not ok"
# lines (made up here when a test binary died or a file timed out).
#
# HULL_VM_JOBS bats files run at the same time (default 1). A bats run is a
# chain of forks and execs that keeps one emulated CPU busy, so with 2 vCPUs
# two files take little longer than one -- but one such run (1 GiB guest)
# stalled the whole guest for 15 minutes, so lanes are opt-in. Each file's
# TAP is printed whole when the file is done.
set -uo pipefail
[ "${HULL_IN_VM:-}" = 1 ] || { echo "guest-tests.sh: runs inside the test VM (tests/vm/run-tap)" >&2; exit 2; }

build=${BUILD:-build}
out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT

# test-image-rootfs and test-security: the guest runs an older kernel (6.1)
# than the host, whose overlayfs takes its options differently
for pattern in ${HULL_VM_UNIT-test-cgroup-live test-image-rootfs test-security}; do
    # meson puts each area's tests in its own subdirectory
    for t in $(find "$build/tests/unit" -name "$pattern" -type f -perm -u+x 2>/dev/null | sort); do
        echo "# unit: $t"
        start=$SECONDS
        timeout --kill-after=10 300 "$t" 2>&1 | tee "$out_dir/unit"
        rc=${PIPESTATUS[0]}
        echo "# unit: $t took $((SECONDS - start))s in the VM"
        if [ "$rc" != 0 ] && ! grep -q '^not ok' "$out_dir/unit"; then
            echo "not ok 1 - $t exited with status $rc"
        fi
    done
done

# run_file FILE: one bats run under a deadline, as tests/run does on the host:
# a file that hangs (BATS_TEST_TIMEOUT cannot interrupt a test blocked on a
# pipe a container holds) fails alone and the others still run.
file_timeout=${HULL_VM_FILE_TIMEOUT:-600}
run_file() {
    local start=$SECONDS rc
    echo "# bats: $1"
    timeout --kill-after=10 "$file_timeout" bats --tap "$1" 2>&1
    rc=$?
    echo "# bats: $1 took $((SECONDS - start))s in the VM"
    case $rc in
    0) ;;
    124 | 137) echo "not ok 1 - $1 timed out after ${file_timeout}s" ;;
    esac
    return $rc
}

jobs=${HULL_VM_JOBS:-1}
status=0
declare -A file_of=()
# finish_one: waits for any running file, prints its TAP, notes a failure.
finish_one() {
    local pid
    wait -n -p pid
    local rc=$?
    [ "$rc" = 0 ] || status=1
    cat "$out_dir/${file_of[$pid]//\//_}"
    unset "file_of[$pid]"
}
for f; do
    [ ${#file_of[@]} -lt "$jobs" ] || finish_one
    run_file "$f" >"$out_dir/${f//\//_}" &
    file_of[$!]=$f
done
while [ ${#file_of[@]} -gt 0 ]; do finish_one; done
exit $status
