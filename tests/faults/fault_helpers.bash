# Deterministic fault injection: a runtime command is SIGKILLed at one chosen
# system call (strace -e inject=SYSCALL:signal=SIGKILL:when=N), then
# `delete --force` must leave nothing: no state directory, no cgroup in any
# hierarchy, no mount naming the bundle or the id, no process.
#
# strace counts a system call per process (the container's init counts its own
# mounts from 1) and only counts the calls it traces.  SIGKILL injected at a
# call's entry kills the process before the call runs.
#
# The points to kill at are not hard-coded: fault_points runs the command once
# under strace without a fault and lists the Nth call of each interesting
# system call, so they follow the binary under test (hull, runc, crun) and the
# host's cgroup layout (ten v1 hierarchies or one v2 tree).

load ../lib/common

# A cgroup parent of the test's own in every hierarchy (linux.cgroupsPath is
# /$FAULT_CG/ID): whatever is left there after delete --force is a leak, and
# teardown removes it whatever happened.
fault_setup() {
    command -v strace >/dev/null || skip "strace is not installed (make deps installs it)"
    setup_bundle sleep 1000
    FAULT_CG=hulltest-faults-$$-$BATS_TEST_NUMBER
    FAULT_KILLS=0
    FAULT_SUB= STRACE_PID=
}

fault_teardown() {
    fault_kill_traced
    teardown_bundle
    local d
    for d in /sys/fs/cgroup/*/"$FAULT_CG" /sys/fs/cgroup/"$FAULT_CG"; do
        [ -d "$d" ] || continue
        find "$d" -depth -mindepth 1 -type d -exec rmdir {} + 2>/dev/null
        rmdir "$d" 2>/dev/null || true
    done
}

# fault_kill_traced: kills what our strace still traces (only a leak lets it
# live: processes it traces are ours), by pid, then waits for strace.
fault_kill_traced() {
    [ -n "${FAULT_SUB:-}" ] || return 0
    if [ -n "${STRACE_PID:-}" ] && kill -0 "$STRACE_PID" 2>/dev/null; then
        local f pid
        for f in /proc/[0-9]*/status; do
            pid=${f#/proc/}
            pid=${pid%/status}
            if [ "$(awk '/^TracerPid:/ { print $2 }' "$f" 2>/dev/null)" = "$STRACE_PID" ]; then
                kill -KILL "$pid" 2>/dev/null || true
            fi
        done
    fi
    wait_until "! kill -0 $FAULT_SUB 2>/dev/null" || kill -KILL "$STRACE_PID" 2>/dev/null
    wait "$FAULT_SUB" 2>/dev/null || true
    FAULT_SUB= STRACE_PID=
}

# fault_config: the bundle's cgroup under the test's parent.
fault_config() {
    update_config ".linux.cgroupsPath = \"/$FAULT_CG/$1\""
}

# fault_points ID TRACE_SET FILTER ARGS...: runs `runtime ARGS...` once under
# strace (no fault), then deletes container ID, and prints "SYSCALL N" for
# every traced call whose line matches the ERE FILTER, N being its number
# among that process's calls of that system call.  With FAULT_UNTIL set (an
# ERE), the calls after the first line matching it are left out.
fault_points() {
    local id=$1 set=$2 filter=$3
    shift 3
    fault_strace "$set" "" -- "$@"
    runtime delete --force "$id" </dev/null >/dev/null 2>&1
    fault_wait_strace || return 1
    awk -v filter="$filter" -v until="${FAULT_UNTIL:-}" '
        $2 ~ /^</ { next }                      # "<... mkdir resumed>": counted at its start
        {
            name = $2; sub(/\(.*/, "", name)
            if (name !~ /^[a-z_0-9]+$/) next      # signals, exits
            n = ++count[$1 " " name]
            if ($0 ~ filter && !done) print name, n
            if (until != "" && $0 ~ until) done = 1
        }' "$TEST_DIR/fault.log" | sort -u -k1,1 -k2,2n
}

# fault_thin MAX: keeps at most MAX points per system call (the first, the
# last and evenly spaced ones between), so a host with many cgroup
# hierarchies does not make the file slow.
fault_thin() {
    awk -v max="$1" '
        { name[NR] = $1; n[NR] = $2; total[$1]++ }
        END {
            for (i = 1; i <= NR; i++) {
                k = ++seen[name[i]]; t = total[name[i]]
                if (t <= max || k == 1 || k == t) { print name[i], n[i]; continue }
                step = (t - 1) / (max - 1)
                for (j = 1; j < max - 1; j++) if (k == int(1 + j * step + 0.5)) { print name[i], n[i]; break }
            }
        }'
}

# fault_strace TRACE_SET INJECT [STRACE_OPTION...] -- ARGS...: runs `runtime
# ARGS...` under strace -f (log in $TEST_DIR/fault.log; INJECT, if not empty,
# an -e inject= expression) and returns once the runtime itself is gone.
# strace (STRACE_PID) goes on while any process it traces lives (the
# container's init, say): fault_wait_strace waits for that.
fault_strace() {
    local set=$1 inject=$2 log=$TEST_DIR/fault.log
    shift 2
    local opts=()
    while [ "$1" != -- ]; do
        opts+=("$1")
        shift
    done
    shift
    [ -z "$inject" ] || opts+=(-e "inject=$inject")
    rm -f "$log"
    # In a subshell that exits 0: bash would report every SIGKILLed strace
    # ("Killed") in the middle of the test's output.
    (
        strace -f -qq -o "$log" -e trace="$set" "${opts[@]}" "$HULL_RUNTIME" --root "$TEST_ROOT" "$@"
        exit 0
    ) </dev/null >"$TEST_DIR/fault.out" 2>&1 &
    FAULT_SUB=$!
    STRACE_PID=
    wait_until 'STRACE_PID=$(pgrep -P "$FAULT_SUB" | head -n1); [ -n "$STRACE_PID" ] || ! kill -0 "$FAULT_SUB" 2>/dev/null'
    [ -n "$STRACE_PID" ] || return 0
    # The runtime is strace's only child (the init is the runtime's); the
    # log's first line names it too, once there is one.
    local main=
    wait_until 'main=$(pgrep -P "$STRACE_PID" | head -n1); [ -n "$main" ] || main=$(awk "NR == 1 { print \$1 }" "$log" 2>/dev/null); [ -n "$main" ] || ! kill -0 "$STRACE_PID" 2>/dev/null'
    [ -z "$main" ] || wait_until "! kill -0 $main 2>/dev/null"
}

# fault_wait_strace: strace ends when the last process it traces does; one
# that outlives what should have ended it is a leak: named, and failed.
fault_wait_strace() {
    [ -n "${FAULT_SUB:-}" ] || return 0
    if [ -n "$STRACE_PID" ] && ! HULL_WAIT_SECONDS=20 wait_until "! kill -0 $STRACE_PID 2>/dev/null"; then
        echo "processes left:" >&2
        local f
        for f in /proc/[0-9]*/status; do
            [ "$(awk '/^TracerPid:/ { print $2 }' "$f" 2>/dev/null)" = "$STRACE_PID" ] || continue
            f=${f%/status}
            echo "  pid ${f#/proc/} $(tr '\0' ' ' <"$f/cmdline" 2>/dev/null) (waits in $(cat "$f/wchan" 2>/dev/null))" >&2
        done
        return 1
    fi
    wait "$FAULT_SUB" 2>/dev/null || true
    FAULT_SUB= STRACE_PID=
}

# fault_inject SYSCALL N [STRACE_OPTION...] -- ARGS...: runs `runtime ARGS...`,
# SIGKILLing the process that makes its Nth SYSCALL; returns when the runtime
# is gone.
fault_inject() {
    local sys=$1 n=$2
    shift 2
    FAULT_KILLS=$((FAULT_KILLS + 1))
    fault_strace "execve,$sys" "$sys:signal=SIGKILL:when=$n" "$@"
}

# fault_check_clean ID WHAT: delete --force must succeed and leave nothing;
# every process strace traced (the runtime's descendants) must be gone.
fault_check_clean() {
    local id=$1 what=$2
    run_quiet runtime delete --force "$id"
    if [ "$status" -ne 0 ]; then
        echo "after a SIGKILL at $what: delete --force failed: $output" >&2
        return 1
    fi
    if [ -e "$TEST_ROOT/$id" ]; then
        echo "after a SIGKILL at $what: state directory left: $(ls -A "$TEST_ROOT/$id" | tr '\n' ' ')" >&2
        return 1
    fi
    local d left=
    # FAULT_LEAF_ONLY=1: only cgroups below the parent count, for runtimes
    # that never remove a parent they made (runc, crun), to compare them.
    for d in /sys/fs/cgroup/*/"$FAULT_CG" /sys/fs/cgroup/"$FAULT_CG"; do
        [ -d "$d" ] || continue
        if [ -n "${FAULT_LEAF_ONLY:-}" ]; then
            [ -z "$(find "$d" -mindepth 1 -type d)" ] || left+=" $d$(find "$d" -mindepth 1 -type d -printf ' %P')"
        else
            left+=" $d$(find "$d" -mindepth 1 -type d -printf ' %P' 2>/dev/null)"
        fi
    done
    if [ -n "$left" ]; then
        echo "after a SIGKILL at $what: cgroups left:$left" >&2
        return 1
    fi
    if grep -F -e "$TEST_DIR" -e "$id" /proc/self/mountinfo >&2; then
        echo "after a SIGKILL at $what: mounts left (above)" >&2
        return 1
    fi
    if ! fault_wait_strace; then
        echo "after a SIGKILL at $what: the processes above outlived delete --force" >&2
        return 1
    fi
}

# fault_loop ID POINTS PREPARE -- ARGS...: for each "SYSCALL N" line of
# POINTS: runs PREPARE (a function that makes what the command needs, or
# ":"), kills the command at that point, checks delete --force.
fault_loop() {
    local id=$1 points=$2 prepare=$3 sys n
    shift 4
    [ -n "$points" ] || { echo "no fault points found" >&2; return 1; }
    while read -r sys n; do
        echo "kill at $sys #$n" >&2
        "$prepare" "$id"
        fault_inject "$sys" "$n" -- "$@"
        fault_check_clean "$id" "$sys #$n of \`${*:1:2}\`" || return 1
    done <<<"$points"
}
