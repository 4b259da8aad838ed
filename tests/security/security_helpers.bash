# Helpers of the security suites (tests/security/*.bats).

# The escape probe (helpers/escape-probe.c), compiled static once per source
# change and copied into each bundle's rootfs as /bin/hull-escape-probe.
escape_probe_binary() {
    local src=$HULL_SRC/tests/security/helpers/escape-probe.c
    local out=$WORK_BASE/security-helpers/escape-probe
    mkdir -p "$WORK_BASE/security-helpers"
    if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
        gcc -static -O2 -Wall -Wextra -Werror -o "$out.tmp.$$" "$src" >&2 || return 1
        mv "$out.tmp.$$" "$out"
    fi
    echo "$out"
}

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
