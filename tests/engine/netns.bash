# Network namespaces for the engine's networking tests (network.bats).
#
# Every test runs hull inside a network namespace it creates, which plays the
# host: the bridge, `table inet hull`, the sysctls hull sets and the published
# ports live there and vanish with it.  A second namespace plays another
# machine ("outside"), linked to the test host by a veth pair on 192.0.2.0/24
# (TEST-NET-1): the test host is 192.0.2.1, outside is 192.0.2.2.  Nothing of
# the real host's network is read or changed, and no packet leaves these
# namespaces.  Each namespace is held by a `sleep` started with unshare -n and
# killed by pid in teardown.

# wait_until SECONDS CMD...: polls CMD every 0.05 s until it succeeds.
wait_until() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        [ "$SECONDS" -lt "$deadline" ] || { echo "timed out waiting for: $*" >&2; return 1; }
        sleep 0.05
    done
}

# in_host CMD... / in_outside CMD...: CMD in the test's host / outside namespace.
in_host() { nsenter -t "$HOST_NS" -n -- "$@"; }
in_outside() { nsenter -t "$OUT_NS" -n -- "$@"; }

# The engine under test, in the test host namespace.
hull() {
    nsenter -t "$HOST_NS" -n -- "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" "$@"
}

# new_netns_holder VAR: a sleep in a new network namespace; VAR gets its pid.
# (Not in a $(...): the sleep would hold the substitution's pipe open; fd 3
# is bats' own and must not be inherited either.)
new_netns_holder() {
    unshare -n sleep 100000 </dev/null >/dev/null 2>&1 3>&- &
    local pid=$!
    printf -v "$1" '%s' "$pid"
    wait_until 5 netns_differs "$pid"
}

netns_differs() { [ "$(readlink "/proc/$1/ns/net" 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ]; }

netns_setup() {
    command -v nsenter >/dev/null && command -v unshare >/dev/null || skip "nsenter/unshare (util-linux) not installed"
    command -v nft >/dev/null || skip "nft (Debian nftables) not installed"
    [ "$(id -u)" = 0 ] || skip "bridge networks need root"
    new_netns_holder HOST_NS || skip "cannot create a network namespace"
    new_netns_holder OUT_NS || skip "cannot create a network namespace"
    echo "$HOST_NS $OUT_NS" >"$TEST_DIR/netns.pids"
    in_host ip link set lo up
    in_outside ip link set lo up
    in_host ip link add hv0 type veth peer name ov0 netns "$OUT_NS" || skip "cannot create veth pairs"
    in_host ip addr add 192.0.2.1/24 dev hv0
    in_host ip link set hv0 up
    in_outside ip addr add 192.0.2.2/24 dev ov0
    in_outside ip link set ov0 up
    in_host ip link add probe0 type bridge 2>/dev/null || skip "the kernel has no bridge support"
    in_host ip link del probe0
    # the default network is hull's own in these tests (helpers.bash sets none)
    unset HULL_DEFAULT_NETWORK
}

# in_bg VAR CMD...: CMD in the background (without bats' fd 3), VAR gets its
# pid; teardown kills it.  CMD must be a program, not a shell function: the
# pid must be the process itself (nsenter -n execs its program in place).
BG_PIDS=()
in_bg() {
    local var=$1
    shift
    "$@" </dev/null >/dev/null 2>&1 3>&- &
    printf -v "$var" '%s' "$!"
    BG_PIDS+=("$!")
}

netns_teardown() {
    engine_teardown
    local pid
    for pid in "${BG_PIDS[@]}" ${HOST_NS:-} ${OUT_NS:-}; do
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    return 0
}

# The busybox image plus static udp-echo (built once, shared like the images).
udp_echo_binary() {
    local bin=$WORK_BASE/udp-echo
    if [ ! -x "$bin" ]; then
        local tmp
        tmp=$(mktemp "$WORK_BASE/.udp-echo.XXXXXX")
        cc -static -O2 -o "$tmp" "$HULL_SRC/tests/engine/udp-echo.c" || return 1
        mv "$tmp" "$bin"
    fi
    echo "$bin"
}

# udp_ask HOST PORT TEXT (in the test host namespace): prints the echo.
udp_ask() {
    in_host python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
for _ in range(10):
    s.sendto(sys.argv[3].encode(), (sys.argv[1], int(sys.argv[2])))
    try:
        print(s.recv(100).decode()); break
    except socket.timeout:
        pass
' "$@"
}

# The nft elements of table inet hull (empty when the table does not exist).
nft_elements() {
    # the whole elements block on one line: nft wraps a map of several
    # elements over several lines, in any order (the first line alone made a
    # check for one element flaky)
    in_host nft list table inet hull 2>/dev/null | awk -v name="$1" '
        ($1 == "map" || $1 == "set") && $2 == name { inside = 1; next }
        inside && !elems && /^[ \t]*}[ \t]*$/ { inside = 0 }
        inside && /elements = \{/ { elems = 1 }
        elems { text = text " " $0 }
        elems && /\}/ { elems = 0; inside = 0; gsub(/[ \t]+/, " ", text); print substr(text, 2); text = "" }'
}
