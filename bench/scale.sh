#!/bin/bash
# bench/scale.sh NAME=BINARY...: many containers, for each runtime given (hull
# first, then the one it is compared with, crun), called by bench/run.sh in
# its private mount namespace with its busybox bundle ($HULL_BENCH_BUNDLE):
#   - SCALE_RUNS (100) `run`s of /bin/true, SCALE_PARALLEL (8) at a time:
#     throughput and failures;
#   - SCALE_CREATE_DELETE (1000) `create` + `delete --force`, one after the
#     other (runc's own benchmark, its PR #4343): throughput and failures.
# Goals (issue 17): hull >= 2x crun's throughput in both, 0 failures.  A
# NAME starting with "kernel" is a command line (bench/ctrfloor.c, the
# kernel's own work of a start), timed in the first part only: its bound.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. "$ROOT/bench/goal.sh"
N=${SCALE_RUNS:-100}
P=${SCALE_PARALLEL:-8}
CD=${SCALE_CREATE_DELETE:-1000}
bundle=${HULL_BENCH_BUNDLE:?run bench/run.sh, which calls this}
work=${HULL_BENCH_WORK:?run bench/run.sh, which calls this}
now() { date +%s.%N; }

declare -A runs_per_s cd_per_s
compared_failed=0
names=()
echo
echo "# scale, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %28s %9s %28s %9s\n' runtime "$N runs, $P at a time: /s" failures "$CD create+delete: /s" failures
for pair in "$@"; do
    name=${pair%%=*} b=${pair#*=}
    names+=("$name")
    st=$work/scale-$name
    t0=$(now)
    if [[ $name == kernel* ]]; then
        # bench/ctrfloor.c, the kernel's own work: a command line, no state,
        # no create/delete
        fails=$(seq 1 "$N" | xargs -P "$P" -I{} sh -c "$b >/dev/null 2>&1 || echo failed" | grep -c failed || true)
        t1=$(now)
        runs_per_s[$name]=$(echo "$N / ($t1 - $t0)" | bc -l)
        printf '%-10s %28.1f %9s %28s %9s\n' "$name" "${runs_per_s[$name]}" "$fails" - -
        if [ "$fails" -ne 0 ]; then compared_failed=1; fi
        continue
    fi
    fails=$(seq 1 "$N" | xargs -P "$P" -I{} sh -c "'$b' --root '$st' run --bundle '$bundle' run{} >/dev/null 2>&1 || echo failed" | grep -c failed || true)
    t1=$(now)
    runs_per_s[$name]=$(echo "$N / ($t1 - $t0)" | bc -l)
    cd_fails=0
    t0=$(now)
    for ((i = 0; i < CD; i++)); do
        if ! "$b" --root "$st" create --bundle "$bundle" "cd$i" >/dev/null 2>&1 </dev/null ||
            ! "$b" --root "$st" delete --force "cd$i" >/dev/null 2>&1; then
            cd_fails=$((cd_fails + 1))
        fi
    done
    t1=$(now)
    cd_per_s[$name]=$(echo "$CD / ($t1 - $t0)" | bc -l)
    printf '%-10s %28.1f %9s %28.1f %9s\n' "$name" "${runs_per_s[$name]}" "$fails" "${cd_per_s[$name]}" "$cd_fails"
    if [ "$name" = hull ]; then
        goal "$N runs $P at a time: hull failures" "$fails" "<=" 0
        goal "$CD create+delete: hull failures" "$cd_fails" "<=" 0
    elif [ "$fails" -ne 0 ] || [ "$cd_fails" -ne 0 ]; then
        # a failure is fast: its throughput would flatter it
        echo "bench/scale: $name failed $fails runs and $cd_fails create+deletes: its throughput is not comparable" >&2
        compared_failed=1
    fi
done
echo "# scale, load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${runs_per_s[crun]:-}" ] && [ -n "${runs_per_s[hull]:-}" ]; then
    goal "$N runs $P at a time: throughput / crun's" "$(printf %.2f "$(echo "${runs_per_s[hull]} / ${runs_per_s[crun]}" | bc -l)")" ">=" 2
    if [ -n "${runs_per_s[kernel+cve]:-}" ]; then
        bound "kernel+cve $N runs $P at a time / crun's (goal >= 2)" "$(printf %.2f "$(echo "${runs_per_s[kernel+cve]} / ${runs_per_s[crun]}" | bc -l)")" ">=" 2
    fi
    goal "$CD create+delete: throughput / crun's" "$(printf %.2f "$(echo "${cd_per_s[hull]} / ${cd_per_s[crun]}" | bc -l)")" ">=" 2
fi
# a comparison with a runtime that failed is no measurement: the benchmark fails
exit "$compared_failed"
