#!/bin/bash
# bench/goals.sh (`make bench`): every benchmark of issue 17, then its goals
# side by side; exits non-zero when one is missed (or a benchmark failed), so
# a regression is visible.  Ratios in one run each, with the load average:
#   bench/run.sh     hull-runtime run vs crun, runc and the unshare floor,
#                    peak RSS; then bench/scale.sh (100 runs 8 at a time,
#                    1000 create+delete) against crun
#   bench/engine.sh  hull run --rm vs podman run --rm (crun, runc); the
#                    resident memory of an idle detached container
#   bench/idle.sh    500 idle detached containers at once: start and rm
#                    throughput, failures, what each leaves resident (hull's
#                    monitor; podman's conmon)
# Never part of make check: a timed test is noise on a shared machine.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
goals=$(mktemp /tmp/hull-bench-goals.XXXXXX)
trap 'rm -f "$goals"' EXIT
export HULL_BENCH_GOALS=$goals
failed=()
for b in bench/run.sh bench/engine.sh bench/idle.sh; do
    echo "### $b"
    "$b" || failed+=("$b")
    echo
done
echo "### goals (docs/performance.md), load average now: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
printf '%-52s %10s %-12s %s\n' goal measured target verdict
missed=0
while IFS='|' read -r name measured op target unit verdict; do
    printf '%-52s %10s %-12s %s\n' "$name" "$measured" "$op $target$unit" "$verdict"
    case $name in bound:*) continue ;; esac
    [ "$verdict" = met ] || missed=$((missed + 1))
done <"$goals"
for b in "${failed[@]}"; do echo "$b failed: its goals are missing above"; done
if [ "$missed" -ne 0 ] || [ ${#failed[@]} -ne 0 ]; then
    echo "$missed goal(s) missed, ${#failed[@]} benchmark(s) failed"
    exit 1
fi
echo "all goals met"
