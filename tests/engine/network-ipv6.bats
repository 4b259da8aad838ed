#!/usr/bin/env bats
# Dual-stack user networks (hull network create --ipv6), each test inside
# network namespaces it makes (netns.bash): the container's IPv6 address,
# gateway and default route, names over IPv6, -p over IPv6 through table inet
# hull, the way out, --ip6, the default network staying IPv4-only, and bad
# input that must leave no bridge, nft element or lease behind.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers
load netns

setup() {
    [ -e /proc/sys/net/ipv6 ] || skip "IPv6 is disabled on this host (no /proc/sys/net/ipv6)"
    engine_setup
    netns_setup
    # "the host" and "another machine" get IPv6 addresses on their link too
    # (nodad: usable at once, not after duplicate address detection)
    in_host ip -6 addr add fd00:beef::1/64 dev hv0 nodad
    in_outside ip -6 addr add fd00:beef::2/64 dev ov0 nodad
    hull import --change 'CMD ["sh"]' "$IMAGES/rootfs.tar" busybox >/dev/null
}

teardown() {
    diag_on_failure
    netns_teardown
}

wait_http() { wait_until 10 in_host curl -s -o /dev/null --max-time 1 "$1"; }
gone() { ! kill -0 "$1" 2>/dev/null; }

no_veth() { ! in_host ip -o link show | grep -qE ' (veth|vh)'; }

# Nothing of any container's networking is left: no lease (v4 or v6), port,
# DNAT element at once; no veth within the deadline (the kernel deletes a dead
# container's pair with its network namespace: docs/networking.md "Cost").
assert_no_leftovers() {
    [ -z "$(find "$STORE"/networks/*/leases "$STORE"/networks/*/leases6 -type f 2>/dev/null)" ] || { echo "leases left: $(find "$STORE"/networks/*/leases* -type f)" >&2; return 1; }
    [ -z "$(ls -A "$STORE/networks/.ports" 2>/dev/null)" ] || { echo "ports left: $(ls "$STORE/networks/.ports")" >&2; return 1; }
    [ -z "$(nft_elements publish_any)$(nft_elements publish_any6)" ] || { echo "DNAT left: $(nft_elements publish_any6)" >&2; return 1; }
    wait_until 10 no_veth || { echo "veth left" >&2; return 1; }
}

@test "ipv6: a dual-stack network: address, gateway, default route, names, inspect; -p over IPv6; the way out" {
    hull network create --ipv6 --subnet 10.131.0.0/24 --subnet fd00:131::/64 ds
    hull run -d --name web --network ds -p 8080:80 busybox httpd -f -p '[::]:80' -h /etc
    hull run -d --name cli --network ds busybox sleep 1000
    id=$(hull inspect web | jq -r '.[0].Id')
    # the lowest free address after the gateway, as for IPv4
    [ "$(hull inspect -f '{{(index .NetworkSettings.Networks "ds").GlobalIPv6Address}}' web)" = fd00:131::2 ]
    [ "$(hull inspect web | jq -r '.[0].NetworkSettings.Networks.ds.GlobalIPv6PrefixLen')" = 64 ]
    [ "$(hull inspect web | jq -r '.[0].NetworkSettings.Networks.ds.IPv6Gateway')" = fd00:131::1 ]
    [ "$(hull inspect web | jq -r '.[0].NetworkSettings.Networks.ds.IPAddress')" = 10.131.0.2 ]
    run hull exec web ip -6 -o addr show eth0
    [[ "$output" == *"inet6 fd00:131::2/64"* ]]
    run hull exec web ip -6 route
    [[ "$output" == *"default via fd00:131::1"* ]]
    bridge=$(hull network inspect ds | jq -r '.[0].Options["com.docker.network.bridge.name"]')
    in_host ip -6 addr show dev "$bridge" | grep -q 'inet6 fd00:131::1/64'
    # network inspect: docker's shape
    [ "$(hull network inspect ds | jq -r '.[0].EnableIPv6')" = true ]
    [ "$(hull network inspect ds | jq -r '.[0].IPAM.Config[1].Subnet')" = fd00:131::/64 ]
    [ "$(hull network inspect ds | jq -r '.[0].IPAM.Config[1].Gateway')" = fd00:131::1 ]
    [ "$(hull network inspect ds | jq -r ".[0].Containers[\"$id\"].IPv6Address")" = fd00:131::2/64 ]
    # container to container over IPv6, by address and by name (hosts lines for both families)
    wait_until 10 hull exec cli sh -c 'timeout 2 wget -q -O - "http://[fd00:131::2]/hostname" >/dev/null'
    [ "$(hull exec cli timeout 5 wget -q -O - 'http://[fd00:131::2]/hostname')" = "${id:0:12}" ]
    hull exec cli grep -q "^fd00:131::2	web ${id:0:12}\$" /etc/hosts
    hull exec web grep -q "^fd00:131::2	${id:0:12} web\$" /etc/hosts
    hull exec web grep -q "^fd00:131::3	cli " /etc/hosts
    # -p: the host's IPv6 address, another machine over IPv6, and IPv4 as before
    wait_http "http://[fd00:beef::1]:8080/hostname"
    [ "$(in_host curl -s --max-time 5 'http://[fd00:beef::1]:8080/hostname')" = "${id:0:12}" ]
    [ "$(in_outside curl -s --max-time 5 'http://[fd00:beef::1]:8080/hostname')" = "${id:0:12}" ]
    [ "$(in_host curl -s --max-time 5 http://127.0.0.1:8080/hostname)" = "${id:0:12}" ]
    [ "$(in_outside curl -s --max-time 5 http://192.0.2.1:8080/hostname)" = "${id:0:12}" ]
    # [::1] is not DNATed (no route_localnet in IPv6): refused at once, not hung
    run in_host curl -s --max-time 5 'http://[::1]:8080/hostname'
    [ "$status" -eq 7 ]
    [ "$(hull port web 80)" = "$(printf '0.0.0.0:8080\n[::]:8080')" ]
    [ "$(hull inspect web | jq -r '.[0].NetworkSettings.Ports["80/tcp"][1].HostIp')" = :: ]
    [[ "$(nft_elements publish_any6)" == *"fd00:131::2 . 80"* ]]
    # the way out over IPv6: masqueraded behind the host
    echo outside-web >"$TEST_DIR/index.html"
    in_bg outweb nsenter -t "$OUT_NS" -n -- busybox httpd -f -p '[fd00:beef::2]:80' -h "$TEST_DIR"
    wait_until 10 in_host curl -s -o /dev/null --max-time 1 'http://[fd00:beef::2]/index.html'
    [ "$(hull exec cli timeout 5 wget -q -O - 'http://[fd00:beef::2]/index.html')" = outside-web ]
    # --ip6 chooses the address; the default network stays IPv4-only, as docker's
    run hull run --rm --network ds --ip6 fd00:131::99 busybox ip -6 -o addr show eth0
    [[ "$output" == *"inet6 fd00:131::99/64"* ]]
    run hull run --rm busybox ip -6 -o addr show eth0 scope global
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    [ "$(hull network inspect hull | jq -r '.[0].EnableIPv6')" = false ]
    # stopped: the IPv6 lease and the [::] element go; started again: back
    hull stop -t 1 web >/dev/null
    # the monitor detaches it once it has seen the init die
    wait_until 10 eval '[ -z "$(ls "$STORE/networks/ds/leases6" | grep -vx fd00:131::3)" ] && [ -z "$(nft_elements publish_any6)" ]'
    [ "$(ls "$STORE/networks/ds/leases6")" = fd00:131::3 ]
    hull start web
    [ -n "$(hull inspect web | jq -r '.[0].NetworkSettings.Networks.ds.GlobalIPv6Address')" ]
    hull rm -f web cli
    assert_no_leftovers
    # --internal: no IPv6 default route either
    hull network create --internal --ipv6 sealed6
    run hull run --rm --network sealed6 busybox ip -6 route
    [ "$status" -eq 0 ]
    [[ "$output" != *default* ]]
    assert_no_leftovers
}

@test "ipv6: a random ULA /64 by default; connect to a dual-stack network; kill -9 of hull run leaves no IPv6 lease" {
    hull network create --ipv6 auto6
    subnet6=$(hull network inspect auto6 | jq -r '.[0].IPAM.Config[1].Subnet')
    [[ "$subnet6" =~ ^fd[0-9a-f:]*::/64$ ]]
    hull run -d --name c1 busybox sleep 1000
    hull network connect auto6 c1
    run hull exec c1 ip -6 -o addr show eth1
    [[ "$output" == *"inet6 ${subnet6%::/64}::2/64"* ]]
    # a connected network adds no default route: the way out stays the --network's
    run hull exec c1 ip -6 route
    [[ "$output" != *default* ]]
    hull network disconnect auto6 c1
    [ -z "$(ls "$STORE/networks/auto6/leases6")" ]
    # --ip6 at connect chooses the address, checked before anything is made
    hull network create --subnet 10.135.0.0/24 only4
    fails_with 'invalid --ip6 "fd00:1::5": network only4 has no IPv6' hull network connect --ip6 fd00:1::5 only4 c1
    [ "$(hull inspect c1 | jq -r '.[0].NetworkSettings.Networks.only4')" = null ]
    fails_with 'invalid --ip6 "zz": not an IPv6 address' hull network connect --ip6 zz auto6 c1
    hull network connect --ip6 "${subnet6%::/64}::42" auto6 c1
    run hull exec c1 ip -6 -o addr show eth1
    [[ "$output" == *"inet6 ${subnet6%::/64}::42/64"* ]]
    [ "$(hull inspect c1 | jq -r '.[0].NetworkSettings.Networks.auto6.IPAMConfig.IPv6Address')" = "${subnet6%::/64}::42" ]
    hull rm -f c1
    assert_no_leftovers
    # hull run killed with SIGKILL, then its container: the next hull sweeps the IPv6 lease and [::] element too
    nsenter -t "$HOST_NS" -n -- "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run --name fg --network auto6 -p 8090:80 busybox sh -c 'echo ready; sleep 1000' >"$TEST_DIR/fg.out" 2>&1 3>&- &
    fg=$!
    wait_until 10 grep -q ready "$TEST_DIR/fg.out"
    pid=$(hull inspect fg | jq -r '.[0].State.Pid')
    [ -n "$(ls "$STORE/networks/auto6/leases6")" ]
    [ -n "$(nft_elements publish_any6)" ]
    kill -9 "$fg"
    kill -9 "$pid"
    wait "$fg" || true
    wait_until 10 gone "$pid"
    hull network inspect auto6 >/dev/null
    [ -z "$(ls "$STORE/networks/auto6/leases6")" ]
    [ -z "$(nft_elements publish_any6)" ]
    hull rm -f fg
    assert_no_leftovers
}

# refused CODE WANT CMD...: exit CODE, one line on stderr naming WANT
refused() {
    local code=$1 want=$2 errfile=$TEST_DIR/stderr st=0
    shift 2
    "$@" >/dev/null 2>"$errfile" || st=$?
    [ "$st" -eq "$code" ] || { echo "exit $st, want $code: $*; stderr: $(cat "$errfile")" >&2; return 1; }
    [ "$(wc -l <"$errfile")" -eq 1 ] || { echo "stderr is not one line:" >&2; cat "$errfile" >&2; return 1; }
    grep -qF -- "$want" "$errfile" || { echo "want \"$want\" in: $(cat "$errfile")" >&2; return 1; }
}

@test "ipv6: -p [IPV6]:HOSTPORT:CTRPORT publishes on that address of the host only; [::1] and bad input refused, nothing left" {
    hull network create --ipv6 --subnet 10.135.0.0/24 --subnet fd00:135::/64 ds
    hull network create --subnet 10.136.0.0/24 only4
    in_host ip -6 addr add fd00:beef::10/64 dev hv0 nodad
    hull run -d --name web --network ds -p '[fd00:beef::1]:8080:80' -p '[fd00:beef::1]::81/udp' busybox httpd -f -p '[::]:80' -h /etc
    id=$(hull inspect web | jq -r '.[0].Id')
    wait_http "http://[fd00:beef::1]:8080/hostname"
    [ "$(in_host curl -s --max-time 5 'http://[fd00:beef::1]:8080/hostname')" = "${id:0:12}" ]
    [ "$(in_outside curl -s --max-time 5 'http://[fd00:beef::1]:8080/hostname')" = "${id:0:12}" ]
    # that address only: not another IPv6 address of the host, not IPv4
    run in_host curl -s --max-time 5 'http://[fd00:beef::10]:8080/hostname'
    [ "$status" -eq 7 ]
    run in_host curl -s --max-time 5 http://127.0.0.1:8080/hostname
    [ "$status" -eq 7 ]
    # shown as docker does: HostIp without brackets, hull port and ps with
    [ "$(hull port web 80)" = "[fd00:beef::1]:8080" ]
    run hull port web 81/udp
    [[ "$output" =~ ^\[fd00:beef::1\]:[0-9]+$ ]]
    [ "$(hull inspect web | jq -r '.[0].NetworkSettings.Ports["80/tcp"] | length')" = 1 ]
    [ "$(hull inspect web | jq -r '.[0].NetworkSettings.Ports["80/tcp"][0].HostIp')" = fd00:beef::1 ]
    [ "$(hull inspect web | jq -r '.[0].HostConfig.PortBindings["80/tcp"][0].HostIp')" = fd00:beef::1 ]
    [[ "$(hull ps --format '{{.Ports}}')" == *"[fd00:beef::1]:8080->80/tcp"* ]]
    # the whole map on one line: nft wraps two elements over lines in any order
    map6() { in_host nft list map inet hull publish_ip6 | tr -s ' \t\n' ' '; }
    [[ "$(map6)" == *"fd00:beef::1 . tcp . 8080 : fd00:135::2 . 80"* ]]
    [[ "$(map6)" == *"fd00:beef::1 . udp . "* ]]
    [ -z "$(nft_elements publish_any6)" ]
    [ -e "$STORE/networks/.ports/tcp-fd00:beef::1-8080" ]
    # bad input: exit 125, one line naming the value, nothing left
    before=$(ls "$STORE/containers" | wc -l)
    ports=$(ls "$STORE/networks/.ports")
    elements=$(map6)
    refused 125 '"[::1]:8080:80": [::1] cannot be published: IPv6 has no route_localnet, so a packet from ::1 never leaves lo; use 127.0.0.1' hull run -d --network ds -p '[::1]:8080:80' busybox true
    refused 125 '"[::]:8081:80": [::] is every address' hull run -d --network ds -p '[::]:8081:80' busybox true
    refused 125 '"[fe80::1]:8081:80": fe80::1 is not a unicast address' hull run -d --network ds -p '[fe80::1]:8081:80' busybox true
    refused 125 '"[fd00::zz]:8081:80": "fd00::zz" is not an IPv6 address' hull run -d --network ds -p '[fd00::zz]:8081:80' busybox true
    refused 125 '"[fd00:beef::1]:80": want [IPV6]:[HOSTPORT]:CONTAINERPORT' hull run -d --network ds -p '[fd00:beef::1]:80' busybox true
    refused 125 '"[fd00:beef::1:8081:80": want [IPV6]' hull run -d --network ds -p '[fd00:beef::1:8081:80' busybox true
    refused 125 '-p [fd00:beef::1]:...:80: network only4 is IPv4 only' hull run -d --network only4 -p '[fd00:beef::1]:8081:80' busybox true
    refused 125 'host port [fd00:beef::1]:8080/tcp is already published by container' hull run -d --network ds -p '[fd00:beef::1]:8080:80' busybox true
    refused 125 'host port 0.0.0.0:8080/tcp is already published by container' hull run -d --network ds -p 8080:80 busybox true
    refused 125 'network ds: invalid -p [fd00:beef::99]:8081:80/tcp: [fd00:beef::99] is not an address of this host' hull run -d --network ds -p '[fd00:beef::99]:8081:80' busybox true
    [ "$(ls "$STORE/containers" | wc -l)" -eq "$before" ]
    [ "$(ls "$STORE/networks/.ports")" = "$ports" ]
    [ "$(map6)" = "$elements" ]
    [ "$(ls "$STORE/networks/ds/leases6")" = fd00:135::2 ]
    hull rm -f web
    [ -z "$(nft_elements publish_ip6)" ]
    assert_no_leftovers
}

@test "ipv6: bad input is one line, non-zero, and leaves no bridge, nft element or lease" {
    hull network create --ipv6 --subnet 10.132.0.0/24 --subnet fd00:132::/64 ds
    hull run -d --name holder --network ds --ip6 fd00:132::9 busybox sleep 1000
    in_host ip link add taken6 type bridge
    in_host ip -6 addr add fd00:200::1/64 dev taken6 nodad
    in_host ip link set taken6 up
    bridges=$(in_host ip -o link show | grep -c hullbr-)
    elements=$(nft_elements subnets6)
    fails_with 'invalid --subnet "fd00:132:0:0:8000::/80": it overlaps network ds' hull network create --ipv6 --subnet fd00:132:0:0:8000::/80 n1
    fails_with 'invalid --subnet "fd00:200::/64": it overlaps the host.s route to fd00:200::/64' hull network create --ipv6 --subnet fd00:200::/64 n1
    fails_with 'invalid --subnet "fd00:300::/124": too small: want /120 or shorter' hull network create --ipv6 --subnet fd00:300::/124 n1
    fails_with 'invalid --subnet "fd00:300::1/64": the address has host bits set (want fd00:300::/64)' hull network create --ipv6 --subnet fd00:300::1/64 n1
    fails_with 'invalid --subnet "fe80::/64": not a unicast subnet' hull network create --ipv6 --subnet fe80::/64 n1
    fails_with 'invalid --subnet "::/64": not a unicast subnet' hull network create --ipv6 --subnet ::/64 n1
    fails_with 'invalid --subnet "fd00:zz::/64": want an IPv6 CIDR' hull network create --ipv6 --subnet fd00:zz::/64 n1
    fails_with 'invalid --subnet "fd00:300::/64": an IPv6 subnet needs --ipv6' hull network create --subnet fd00:300::/64 n1
    fails_with 'invalid --subnet "fd00:301::/64": a second IPv6 subnet' hull network create --ipv6 --subnet fd00:300::/64 --subnet fd00:301::/64 n1
    fails_with 'invalid --gateway "fd00:301::1": not a host address of the subnet fd00:300::/64' hull network create --ipv6 --subnet fd00:300::/64 --gateway fd00:301::1 n1
    fails_with 'invalid --gateway "fd00:301::1": it needs an IPv6 --subnet' hull network create --ipv6 --gateway fd00:301::1 n1
    fails_with 'invalid --subnet "10.133.0.0/64": want an IPv4 CIDR' hull network create --ipv6 --subnet 10.133.0.0/64 n1
    [ ! -e "$STORE/networks/n1" ]
    [ "$(in_host ip -o link show | grep -c hullbr-)" -eq "$bridges" ]
    [ "$(nft_elements subnets6)" = "$elements" ]
    # --ip6: outside the subnet, the gateway, taken, malformed, on an IPv4-only network
    hull network create --subnet 10.134.0.0/24 only4
    before=$(ls "$STORE/containers" | wc -l)
    fails_with 'invalid --ip6 "fd00:999::5": not a host address of network ds (fd00:132::/64)' hull run --network ds --ip6 fd00:999::5 busybox true
    fails_with 'invalid --ip6 "fd00:132::1": it is the gateway of network ds' hull run --network ds --ip6 fd00:132::1 busybox true
    fails_with 'address fd00:132::9 is already in use on network ds' hull run --network ds --ip6 fd00:132::9 busybox true
    fails_with 'invalid --ip6 "zz": not an IPv6 address' hull run --network ds --ip6 zz busybox true
    fails_with 'invalid --ip6 "fd00::5": network only4 has no IPv6' hull run --network only4 --ip6 fd00::5 busybox true
    fails_with 'invalid --ip6 "fd00::5": --network none has no address' hull run --network none --ip6 fd00::5 busybox true
    [ "$(ls "$STORE/containers" | wc -l)" -eq "$before" ]
    [ "$(ls "$STORE/networks/ds/leases6")" = fd00:132::9 ]
    [ "$(in_host ip -o link show | grep -c ' veth')" -eq 1 ]
    hull rm -f holder
    assert_no_leftovers
}
