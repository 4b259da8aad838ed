#!/bin/bash
# vm-run.sh [--timeout S] [--env NAME]... -- CMD...
#
# Runs CMD inside a small pure-cgroup-v2 Linux guest (qemu microvm, TCG) whose
# userland is this host's own /usr and /etc (read-only) and whose working
# directory is this checkout at the same path (read-write), so host-built
# binaries and the bats tests run unchanged. CMD's stdout and stderr stream to
# ours; we exit with CMD's exit status. See docs/testing-vm.md.
#
# Exit status: CMD's, or 77 when qemu is not installed, 124 when the guest
# did not finish in time (boot or command), 125 when the VM itself failed.
#
# Options:
#   --timeout S   seconds CMD may run (default: $HULL_VM_TIMEOUT or 1800)
#   --env NAME    pass the host's NAME into the guest (repeatable). HULL_*,
#                 BUILD and BATS_* variables are passed without asking.
# Environment:
#   HULL_VM_BOOT_TIMEOUT  seconds the guest may take to reach CMD (default 60)
#   HULL_VM_MEMORY        guest memory (default 2G)
#   HULL_VM_CPUS          guest CPUs (default 2)
#   HULL_VM_CPU_MODEL     qemu -cpu (default max)
#   HULL_VM_APPEND        extra kernel command line arguments
#   HULL_VM_QEMU          the qemu binary (default qemu-system-x86_64)
#   HULL_VM_CACHE, HULL_VM_KERNEL_PKG: see tests/vm/image.bash
#   HULL_VM_WORK_SEED     directories of tests/.work copied into the guest's
#                         private tests/.work (default busybox-rootfs)
#   HULL_VM_DEBUG=1       full kernel log; the console log is kept and its path printed
set -uo pipefail

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHECKOUT=$(cd "$VM_DIR/../.." && pwd)

usage() {
    echo "usage: $0 [--timeout S] [--env NAME]... -- CMD..." >&2
    exit 2
}

timeout_s=${HULL_VM_TIMEOUT:-1800}
boot_timeout_s=${HULL_VM_BOOT_TIMEOUT:-60}
env_names=()
while [ $# -gt 0 ]; do
    case "$1" in
    --timeout) [ $# -ge 2 ] || usage; timeout_s=$2; shift 2 ;;
    --timeout=*) timeout_s=${1#*=}; shift ;;
    --env) [ $# -ge 2 ] || usage; env_names+=("$2"); shift 2 ;;
    --env=*) env_names+=("${1#*=}"); shift ;;
    --) shift; break ;;
    *) usage ;;
    esac
done
[ $# -gt 0 ] || usage
case "$timeout_s$boot_timeout_s" in *[!0-9]*) echo "vm-run: timeouts must be whole seconds" >&2; exit 2 ;; esac

QEMU=${HULL_VM_QEMU:-qemu-system-x86_64}
if ! command -v "$QEMU" >/dev/null; then
    echo "vm-run: $QEMU not installed (Debian: apt-get install qemu-system-x86, or make deps)" >&2
    exit 77
fi

# shellcheck source=image.bash
. "$VM_DIR/image.bash"
vm_prepare_image || { echo "vm-run: could not prepare the VM image" >&2; exit 125; }

# The guest's TSC ticks at the host's rate under TCG. Telling the kernel that
# rate (and that the TSC is reliable) skips its calibration against the
# emulated PIT, which occasionally never finishes under emulation.
host_tsc_khz() {
    local khz mhz
    if khz=$(cat /sys/devices/system/cpu/cpu0/tsc_freq_khz 2>/dev/null) && [ -n "$khz" ]; then
        echo "$khz"; return
    fi
    mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p' | tail -n 1)
    [ -n "$mhz" ] || mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | tail -n 1)
    [ -n "$mhz" ] || mhz=$(sed -n 's/^cpu MHz[[:space:]]*: \([0-9.]*\)$/\1/p' /proc/cpuinfo | head -n 1)
    [ -n "$mhz" ] && awk -v m="$mhz" 'BEGIN { if (m > 0) printf "%d\n", m * 1000 }'
}

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/hull-vm.XXXXXX") || exit 125
share=$run_dir/share
mkdir -p "$share"
qemu_pid='' out_relay='' err_relay=''
cleanup() {
    if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
        kill -KILL "$qemu_pid" 2>/dev/null
        wait "$qemu_pid" 2>/dev/null
    fi
    # relays still blocked in open() if qemu died before opening the FIFOs
    local relay
    for relay in $out_relay $err_relay; do
        kill "$relay" 2>/dev/null
        wait "$relay" 2>/dev/null
    done
    if [ "${HULL_VM_DEBUG:-0}" = 1 ]; then
        echo "vm-run: kept $run_dir (console log: $run_dir/console.log)" >&2
    else
        rm -rf "$run_dir"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# What the guest's /init reads (guest-init stage2) and runs.
{
    printf 'VM_CHECKOUT=%q\n' "$CHECKOUT"
    printf 'VM_KERNEL_RELEASE=%q\n' "$VM_KERNEL_RELEASE"
    printf 'VM_WORK_SEED=%q\n' "${HULL_VM_WORK_SEED-busybox-rootfs}"
} >"$share/config"
{
    echo 'set +e'
    for name in $(compgen -e | grep -E '^(HULL_|BATS_|BUILD$)') "${env_names[@]}"; do
        [ "$name" = HULL_IN_VM ] && continue
        [ -n "${!name+set}" ] && printf 'export %s=%q\n' "$name" "${!name}"
    done
    printf 'exec'
    printf ' %q' "$@"
    printf '\n'
} >"$share/cmd"

cmdline="console=ttyS0 panic=-1 reboot=t tsc=reliable mitigations=off cryptomgr.notests"
cmdline+=" random.trust_cpu=on 8250.nr_uarts=1 i8042.noaux i8042.nopnp"
khz=$(host_tsc_khz)
[ -n "$khz" ] && cmdline+=" tsc_early_khz=$khz"
[ "${HULL_VM_DEBUG:-0}" = 1 ] || cmdline+=" quiet"
cmdline+=" ${HULL_VM_APPEND:-}"

# virtio-9p shares (security_model=none: files keep the host's owners and the
# guest's chown attempts are not errors), one per tag the guest mounts.
p9=()
add_share() { # TAG PATH [ro]
    local ro=
    [ "${3:-}" = ro ] && ro=,readonly=on
    # qemu's option syntax escapes a comma in a value by doubling it
    p9+=(-fsdev "local,id=$1,path=${2//,/,,},security_model=none,multidevs=remap$ro"
        -device "virtio-9p-device,fsdev=$1,mount_tag=$1")
}
add_share hullvm_out "$share"
add_share hullvm_usr /usr ro
add_share hullvm_etc /etc ro
add_share hullvm_src "$CHECKOUT"
add_share hullvm_mods "$VM_MODULES_DIR" ro

# The guest's stdout and stderr arrive through FIFOs that cat copies to ours.
# qemu could open /proc/self/fd/1 itself, but that is a new open file
# description: on a regular file its writes and ours would overwrite each
# other, and a socket cannot be opened at all.
mkfifo "$run_dir/stdout" "$run_dir/stderr" "$run_dir/tick" || exit 125
cat "$run_dir/stdout" &
out_relay=$!
cat "$run_dir/stderr" >&2 &
err_relay=$!

"$QEMU" -accel tcg,thread=multi -machine microvm -cpu "${HULL_VM_CPU_MODEL:-max}" \
    -m "${HULL_VM_MEMORY:-2G}" -smp "${HULL_VM_CPUS:-2}" \
    -nodefaults -no-user-config -nographic -no-reboot \
    -kernel "$VM_KERNEL" -initrd "$VM_INITRD" -append "$cmdline" \
    -serial "file:$run_dir/console.log" \
    -device virtio-serial-device \
    -chardev "file,id=cmdout,path=$run_dir/stdout" \
    -chardev "file,id=cmderr,path=$run_dir/stderr" \
    -device virtserialport,chardev=cmdout,name=hull.stdout \
    -device virtserialport,chardev=cmderr,name=hull.stderr \
    "${p9[@]}" </dev/null &
qemu_pid=$!

fail() { # STATUS MESSAGE
    if [ -n "$qemu_pid" ]; then
        kill -KILL "$qemu_pid" 2>/dev/null
        wait "$qemu_pid" 2>/dev/null
        qemu_pid=
        # let the relays copy what the guest wrote before it was stopped
        sleep 0.2
    fi
    echo "vm-run: $2" >&2
    if [ -s "$run_dir/console.log" ]; then
        echo "vm-run: last lines of the guest console:" >&2
        tail -n 40 "$run_dir/console.log" | sed 's/^/vm-run:   /' >&2
    fi
    exit "$1"
}

# Asks the guest's init for its process tree (guest-init answers within ~1 s)
# and prints it: what a hung command is waiting for.
dump_guest_processes() {
    : >"$share/dump-request"
    local i
    for i in $(seq 50); do
        [ -e "$share/dump" ] && break
        read -r -t 0.1 <>"$run_dir/tick"
    done
    if [ -e "$share/dump" ]; then
        echo "vm-run: processes in the guest when the command timed out:" >&2
        sed 's/^/vm-run:   /' "$share/dump" >&2
    fi
}

debug_time() { [ "${HULL_VM_DEBUG:-0}" = 1 ] && echo "vm-run: [$EPOCHREALTIME] $*" >&2; }
debug_time "qemu started"
# Poll (5 times a second, without forking) until the guest reports a status,
# qemu exits, or a deadline passes.
boot_deadline=$((SECONDS + boot_timeout_s))
command_deadline=
while kill -0 "$qemu_pid" 2>/dev/null; do
    read -r -t 0.2 <>"$run_dir/tick" # a FIFO nobody writes: a sleep without fork
    [ -e "$share/status" ] && break
    if [ -z "$command_deadline" ]; then
        if [ -e "$share/started" ]; then
            debug_time "command started"
            command_deadline=$((SECONDS + timeout_s))
        elif [ $SECONDS -ge $boot_deadline ]; then
            fail 124 "the guest did not boot within ${boot_timeout_s}s"
        fi
    elif [ $SECONDS -ge "$command_deadline" ]; then
        dump_guest_processes
        fail 124 "timed out: the command ran longer than ${timeout_s}s"
    fi
done
debug_time "status seen"
# The guest writes status, syncs and powers off; give qemu a moment to exit
# so the last console output is flushed, then make sure it is gone.
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    kill -0 "$qemu_pid" 2>/dev/null || break
    read -r -t 0.1 <>"$run_dir/tick"
done
debug_time "qemu exited"
kill -KILL "$qemu_pid" 2>/dev/null
wait "$qemu_pid" 2>/dev/null
qemu_pid=
# qemu is gone, so the relays see EOF once they have copied everything
wait "$out_relay" "$err_relay"

status=$(cat "$share/status" 2>/dev/null)
case "$status" in
'' | *[!0-9]*) fail 125 "the guest stopped without reporting the command's exit status" ;;
esac
exit "$status"
