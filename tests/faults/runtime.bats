#!/usr/bin/env bats
# Crash safety of the runtime (docs/reliability.md "Crash safety of
# hull-runtime"): create, run, start, delete and exec are SIGKILLed at the
# system calls that make or remove something (cgroup mkdir, cgroup.procs,
# clone, the state file's rename, the init's mounts and pivot_root, execve,
# rmdir...), and `delete --force ID` must then leave nothing: no state
# directory, no cgroup in any hierarchy, no mount, no process.
#
# Runs against runc or crun too (HULL_RUNTIME=...): tests/faults/fault_helpers.bash
# finds the kill points from a trace of the binary under test.

load fault_helpers

setup() { fault_setup; }
teardown() {
    diag_on_failure
    fault_teardown
}

# The system calls of create that make something, and of the init's setup.
CREATE_SET=mkdir,mkdirat,openat,clone,clone3,rename,renameat,renameat2,mount,pivot_root,recvmsg
CREATE_FILTER='mkdir\("/sys/fs/cgroup|mkdir\(".*/state/|cgroup\.procs|clone|rename|mount\(|pivot_root|recvmsg'

no_prepare() { :; }

prepare_created() {
    runtime create --bundle "$BUNDLE" "$1" </dev/null >/dev/null 2>&1
}

prepare_running() {
    runtime run -d --bundle "$BUNDLE" "$1" </dev/null >/dev/null 2>&1
}

@test "create killed at any point: delete --force leaves nothing" {
    id=$(new_id)
    fault_config "$id"
    points=$(fault_points "$id" "$CREATE_SET" "$CREATE_FILTER" create --bundle "$BUNDLE" "$id" | fault_thin 6)
    echo "# create: $(echo "$points" | wc -l) kill points: $(echo $points)" >&3
    fault_loop "$id" "$points" no_prepare -- create --bundle "$BUNDLE" "$id"
    # The id can be used again, and that container is removed whole.
    runtime create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
    runtime delete --force "$id"
    assert_no_leftovers "$id"
}

@test "run killed at any point (also while the container runs): delete --force leaves nothing" {
    id=$(new_id)
    fault_config "$id"
    # The reference run must end by itself, but the killed ones run a
    # container that does not: the kill points are those up to run's first
    # wait for the container (what comes after is delete's, tested below).
    update_config '.process.args = ["sleep", "2"]'
    points=$(FAULT_UNTIL='wait4' fault_points "$id" "$CREATE_SET,wait4,unlink,unlinkat" \
        "$CREATE_FILTER"'|exec\.fifo|wait4' run --bundle "$BUNDLE" "$id" | fault_thin 4)
    update_config '.process.args = ["sleep", "1000"]'
    echo "# run: $(echo "$points" | wc -l) kill points: $(echo $points)" >&3
    fault_loop "$id" "$points" no_prepare -- run --bundle "$BUNDLE" "$id"
    # The init at its execve of the user's program (strace -P: only that
    # execve counts, not the runtime's own).
    fault_inject execve 1 -P /bin/sleep -- run --bundle "$BUNDLE" "$id"
    fault_check_clean "$id" "the init's execve"
}

@test "start killed at any point: delete --force leaves nothing" {
    id=$(new_id)
    fault_config "$id"
    prepare_created "$id"
    points=$(fault_points "$id" openat,read,unlink,unlinkat,poll,ppoll,kill,pidfd_send_signal \
        'exec\.fifo|read\(|poll' start "$id" | fault_thin 2)
    echo "# start: $(echo "$points" | wc -l) kill points: $(echo $points)" >&3
    fault_loop "$id" "$points" prepare_created -- start "$id"
}

@test "delete killed at any point: delete --force leaves nothing" {
    id=$(new_id)
    fault_config "$id"
    prepare_running "$id"
    points=$(fault_points "$id" kill,pidfd_send_signal,rmdir,unlink,unlinkat,openat,umount2 \
        'kill|pidfd_send_signal|rmdir|unlink|cgroup\.(kill|procs|freeze)|freezer\.state|umount' \
        delete --force "$id" | fault_thin 4)
    echo "# delete: $(echo "$points" | wc -l) kill points: $(echo $points)" >&3
    fault_loop "$id" "$points" prepare_running -- delete --force "$id"
}

@test "exec killed at any point: delete --force of the container leaves nothing" {
    id=$(new_id)
    fault_config "$id"
    prepare_running "$id"
    points=$(fault_points "$id" clone,clone3,setns,openat,recvmsg,wait4 \
        'clone|setns|cgroup\.procs|recvmsg|wait4' exec -d "$id" sleep 1 | fault_thin 2)
    echo "# exec: $(echo "$points" | wc -l) kill points: $(echo $points)" >&3
    fault_loop "$id" "$points" prepare_running -- exec -d "$id" sleep 1000
}

# make faults-soak (outside make check): HULL_FAULT_SOAK random kills, each
# of a command drawn from create, run, start, delete and exec at a point drawn
# from every call of that command's trace (unthinned).
soak_points() { # soak_points CMD: "SYSCALL N" lines of CMD's trace
    local id=$1 cmd=$2
    case $cmd in
    create) fault_points "$id" "$CREATE_SET" "$CREATE_FILTER" create --bundle "$BUNDLE" "$id" ;;
    run)
        update_config '.process.args = ["sleep", "2"]'
        FAULT_UNTIL='wait4' fault_points "$id" "$CREATE_SET,wait4,unlink,unlinkat" \
            "$CREATE_FILTER"'|exec\.fifo|wait4' run --bundle "$BUNDLE" "$id"
        update_config '.process.args = ["sleep", "1000"]'
        ;;
    start)
        prepare_created "$id"
        fault_points "$id" openat,read,unlink,unlinkat,poll,ppoll,kill,pidfd_send_signal \
            'exec\.fifo|read\(|poll' start "$id"
        ;;
    delete)
        prepare_running "$id"
        fault_points "$id" kill,pidfd_send_signal,rmdir,unlink,unlinkat,openat,umount2 \
            'kill|pidfd_send_signal|rmdir|unlink|cgroup\.(kill|procs|freeze)|freezer\.state|umount' \
            delete --force "$id"
        ;;
    exec)
        prepare_running "$id"
        fault_points "$id" clone,clone3,setns,openat,recvmsg,wait4 \
            'clone|setns|cgroup\.procs|recvmsg|wait4' exec -d "$id" sleep 1
        ;;
    esac
}

@test "soak: random kills of create, run, start, delete and exec leave nothing after delete --force" {
    [ -n "${HULL_FAULT_SOAK:-}" ] || skip "make faults-soak runs it (HULL_FAULT_SOAK=N kills)"
    id=$(new_id)
    fault_config "$id"
    local cmds=(create run start delete exec) cmd i point summary=
    declare -A points
    for cmd in "${cmds[@]}"; do
        points[$cmd]=$(soak_points "$id" "$cmd")
        [ -n "${points[$cmd]}" ] || { echo "no fault points for $cmd" >&2; return 1; }
        summary+=" $cmd $(echo "${points[$cmd]}" | wc -l),"
    done
    declare -A kills
    for ((i = 0; i < HULL_FAULT_SOAK; i++)); do
        cmd=${cmds[RANDOM % ${#cmds[@]}]}
        point=$(echo "${points[$cmd]}" | shuf -n1)
        kills[$cmd]=$((${kills[$cmd]:-0} + 1))
        case $cmd in
        create | run) fault_inject ${point% *} ${point#* } -- "$cmd" --bundle "$BUNDLE" "$id" ;;
        start)
            prepare_created "$id"
            fault_inject ${point% *} ${point#* } -- start "$id"
            ;;
        delete)
            prepare_running "$id"
            fault_inject ${point% *} ${point#* } -- delete --force "$id"
            ;;
        exec)
            prepare_running "$id"
            fault_inject ${point% *} ${point#* } -- exec -d "$id" sleep 1000
            ;;
        esac
        fault_check_clean "$id" "$point of $cmd (kill $((i + 1)))"
    done
    local per=
    for cmd in "${cmds[@]}"; do per+=" $cmd ${kills[$cmd]:-0},"; done
    echo "# soak: $HULL_FAULT_SOAK random kills (per command:${per%,}; points:${summary%,}), 0 leaks" >&3
}

@test "create returns only once its init no longer dies with it (the init's clearing of its parent-death signal is delayed)" {
    id=$(new_id)
    fault_config "$id"
    # strace holds every prctl of create and its init 300 ms on entry: the
    # init's PR_SET_PDEATHSIG 0 comes long after the runtime's last message.
    # A runtime that exits without waiting for the init's answer leaves an
    # init killed by its parent-death signal ("exited before start").
    strace -f -o /dev/null -e trace=prctl -e inject=prctl:delay_enter=300000 \
        "$HULL_RUNTIME" --root "$TEST_ROOT" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 &
    local spid=$!
    # create has returned when its state exists and strace has no child left:
    # the init is not strace's child (it was reparented when create exited)
    # but stays traced, so strace itself runs until the init ends
    wait_until "runtime state '$id' >/dev/null 2>&1 && [ -z \"\$(ps -o pid= --ppid $spid)\" ]"
    [ "$(runtime state "$id" | jq -r .status)" = created ]
    runtime start "$id"
    [ "$(runtime state "$id" | jq -r .status)" = running ]
    runtime delete --force "$id"
    wait "$spid" || true
    assert_no_leftovers "$id"
}
