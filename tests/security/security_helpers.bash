# Helpers of the security suites (tests/security/*.bats).

# helper_binary NAME: tests/security/helpers/NAME.c compiled static once per
# source change (the probe is copied into rootfses, so static).
helper_binary() {
    local src=$HULL_SRC/tests/security/helpers/$1.c
    local out=$WORK_BASE/security-helpers/$1
    mkdir -p "$WORK_BASE/security-helpers"
    if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
        gcc -static -O2 -Wall -Wextra -Werror -o "$out.tmp.$$" "$src" >&2 || return 1
        mv "$out.tmp.$$" "$out"
    fi
    echo "$out"
}

# The escape probe (helpers/escape-probe.c), copied into each bundle's rootfs
# as /bin/hull-escape-probe.
escape_probe_binary() { helper_binary escape-probe; }

install_escape_probe() {
    local bin
    bin=$(escape_probe_binary) || return 1
    cp "$bin" "$BUNDLE/rootfs/bin/hull-escape-probe"
}

# in_container CMD: runs `sh -c CMD` as the container process (default config
# otherwise) and leaves bats' $status/$output from `runtime run`.
in_container() {
    update_config ".process.args = [\"sh\", \"-c\", $(printf '%s' "$1" | jq -Rs .)]"
    run runtime run --bundle "$BUNDLE" "$(new_id)"
}

# cap_mask NAME...: the /proc/PID/status hex mask (16 digits) of those capabilities.
cap_mask() {
    local names=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE
        NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT
        SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE
        AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ
        PERFMON BPF CHECKPOINT_RESTORE)
    local mask=0 want i
    for want in "$@"; do
        for i in "${!names[@]}"; do
            [ "CAP_${names[$i]}" = "$want" ] && mask=$((mask | (1 << i)))
        done
    done
    printf '%016x\n' "$mask"
}

# status_field NAME: the value of "NAME:" in $output (a /proc/self/status dump).
status_field() {
    printf '%s\n' "$output" | awk -v k="$1:" '$1 == k { print $2 }'
}

# install_raw_syscall: helpers/raw-syscall.c, compiled static once per source
# change, as /bin/hull-raw-syscall in the bundle's rootfs.
install_raw_syscall() {
    local src=$HULL_SRC/tests/security/helpers/raw-syscall.c
    local out=$WORK_BASE/security-helpers/raw-syscall
    mkdir -p "$WORK_BASE/security-helpers"
    if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
        gcc -static -O2 -Wall -Wextra -Werror -o "$out.tmp.$$" "$src" >&2 || return 1
        mv "$out.tmp.$$" "$out"
    fi
    cp "$out" "$BUNDLE/rootfs/bin/hull-raw-syscall"
}

# start_swapper DIR A B [TARGET]: helpers/path-swapper.c exchanging DIR/A and
# DIR/B in a loop (the attacker racing the runtime; with TARGET, B is a symlink
# to it, planted again when the runtime removes it); its pid is in $SWAPPER.
start_swapper() {
    local bin
    bin=$(helper_binary path-swapper) || return 1
    rm -f "$1/.swapper-ready"
    "$bin" "$@" 3>&- &
    SWAPPER=$!
    wait_until test -e "$1/.swapper-ready"
}

stop_swapper() {
    if [ -n "${SWAPPER:-}" ]; then
        kill "$SWAPPER" 2>/dev/null || true
        wait "$SWAPPER" 2>/dev/null || true
        SWAPPER=
    fi
}

# The runc releases that fixed each class (runc's advisories); the runtime
# under test is checked against them by skip_unless_fixed.
runc_fixed_in() {
    case $1 in
        CVE-2025-31133 | CVE-2025-52565 | CVE-2025-52881) echo "1.2.8 1.3.3 1.4.0" ;;
        CVE-2026-41579) echo "1.3.6 1.4.3 1.5.0" ;;
    esac
}

# skip_unless_fixed CVE: skips, saying so, when the runtime under test is a
# runc older than the release that fixed CVE.  hull and other runtimes run.
skip_unless_fixed() {
    is_hull && return 0
    local v
    v=$("$HULL_RUNTIME" --version 2>/dev/null | awk 'NR == 1 && $1 == "runc" { print $3 }')
    [ -n "$v" ] || return 0
    v=${v%%[+~-]*}
    local fixed f series=${v%.*} newest=
    fixed=$(runc_fixed_in "$1")
    for f in $fixed; do
        newest=$f
        if [ "${f%.*}" = "$series" ]; then
            [ "$(printf '%s\n%s\n' "$f" "$v" | sort -V | head -1)" = "$f" ] && return 0
            skip "runc $v predates the fix for $1 (fixed in $fixed)"
        fi
    done
    # a series newer than every fixed release has the fix; an older one does not
    if [ "$(printf '%s\n%s\n' "$newest" "$v" | sort -V | tail -1)" = "$v" ]; then
        return 0
    fi
    skip "runc $v predates the fix for $1 (fixed in $fixed)"
}

# use_dev_from_host DIR: the container's /dev becomes a bind of the host
# directory DIR (a volume the attacker's side can change while the runtime works).
use_dev_from_host() {
    mkdir -p "$1"
    update_config "(.mounts[] | select(.destination == \"/dev\")) |= {destination: \"/dev\", type: \"bind\", source: \"$1\", options: [\"rbind\"]}"
}

# plant_victim: the stand-in for a host file such as core_pattern: /ro/victim
# in the rootfs, made read-only for the container by readonlyPaths, so only a
# redirected mount could let the container write it.  $VICTIM is its host path.
plant_victim() {
    mkdir -p "$BUNDLE/rootfs/ro"
    VICTIM=$BUNDLE/rootfs/ro/victim
    echo original >"$VICTIM"
    update_config '.linux.readonlyPaths += ["/ro"]'
}

victim_unchanged() {
    [ "$(cat "$VICTIM")" = original ] || { echo "the victim file was changed: $(cat "$VICTIM")" >&2; return 1; }
}
