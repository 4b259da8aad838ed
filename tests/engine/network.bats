#!/usr/bin/env bats
# hull's bridge networks, each test inside network namespaces it makes
# (netns.bash): published ports (TCP from the host address, 127.0.0.1,
# another machine and containers; UDP), user networks with names, isolation,
# --internal, the default network's subnet, `hull network ...`, cleanup after
# rm / --rm / kill -9, and bad input that must leave nothing behind.

bats_require_minimum_version 1.5.0
load ../lib/common
load helpers
load netns

setup() {
    engine_setup
    netns_setup
    hull import --change 'CMD ["sh"]' "$IMAGES/rootfs.tar" busybox >/dev/null
}

teardown() {
    diag_on_failure
    netns_teardown
}

# http GET from the test host namespace (curl), prints the body.
http_get() {
    in_host curl -s --max-time 5 "$@"
}

no_veth() { ! in_host ip -o link show | grep -qE ' (veth|vh)'; }

# Nothing of any container's networking is left: no lease, port, DNAT element
# at once; no veth within the deadline (the kernel deletes a dead container's
# pair with its network namespace, a few RCU grace periods after the init
# died: hull does not wait for that, docs/networking.md "Cost").
assert_no_network_leftovers() {
    [ -z "$(find "$STORE"/networks/*/leases -type f 2>/dev/null)" ] || { echo "leases left: $(find "$STORE"/networks/*/leases -type f)" >&2; return 1; }
    [ -z "$(ls -A "$STORE/networks/.ports" 2>/dev/null)" ] || { echo "ports left: $(ls "$STORE/networks/.ports")" >&2; return 1; }
    [ -z "$(nft_elements publish_any)$(nft_elements publish_ip)" ] || { echo "DNAT left: $(nft_elements publish_any)" >&2; return 1; }
    wait_until 10 no_veth || { echo "veth left:" >&2; in_host ip -o link show >&2; return 1; }
}

container_state() { hull inspect "$1" | jq -r '.[0].State.Status'; }
logs_have() { hull logs "$1" 2>&1 | grep -q "$2"; }
gone() { ! kill -0 "$1" 2>/dev/null; }
tcp_listening() { in_host ss -Hltn "sport = :$1" | grep -q LISTEN; }

# wait_http URL: polls until the server answers.
wait_http() { wait_until 10 in_host curl -s -o /dev/null --max-time 1 "$1"; }

@test "network: the default network; -p reachable on the host address, 127.0.0.1, from outside and from a container; ps, port, inspect" {
    hull run -d --name web -p 8080:80 -p 127.0.0.1:8081:80 busybox httpd -f -p 80 -h /etc
    id=$(hull inspect web | jq -r '.[0].Id')
    wait_http http://127.0.0.1:8080/hostname
    [ "$(http_get http://127.0.0.1:8080/hostname)" = "${id:0:12}" ]
    [ "$(http_get http://192.0.2.1:8080/hostname)" = "${id:0:12}" ]
    [ "$(http_get http://127.0.0.1:8081/hostname)" = "${id:0:12}" ]
    # another machine: DNAT on the way in, forwarded through the bridge
    [ "$(in_outside curl -s --max-time 5 http://192.0.2.1:8080/hostname)" = "${id:0:12}" ]
    # 127.0.0.1:8081 is published on 127.0.0.1 only
    run in_outside curl -s --max-time 2 http://192.0.2.1:8081/hostname
    [ "$status" -ne 0 ]
    # a container reaches the published port through the host address (hairpin) and web directly
    ip=$(hull inspect web | jq -r '.[0].NetworkSettings.Networks.hull.IPAddress')
    [[ "$ip" == 10.88.* ]]
    run hull run --rm busybox sh -c "timeout 5 wget -q -O - http://$ip/hostname; timeout 5 wget -q -O - http://10.88.0.1:8080/hostname"
    [ "$status" -eq 0 ]
    [ "$output" = "${id:0:12}"$'\n'"${id:0:12}" ]
    # the container's view: eth0 with the address, default route via the bridge
    run hull exec web ip -4 -o addr show eth0
    [[ "$output" == *"inet $ip/16"* ]]
    run hull exec web ip route
    [[ "$output" == *"default via 10.88.0.1"* ]]
    # ps, port, inspect
    run hull ps
    [[ "$output" == *"0.0.0.0:8080->80/tcp"* ]]
    [[ "$output" == *"127.0.0.1:8081->80/tcp"* ]]
    run hull port web
    [[ "$output" == *"80/tcp -> 0.0.0.0:8080"* ]]
    [ "$(hull ps --format '{{.Names}} {{.Networks}}')" = "web hull" ]
    [ "$(hull port web 80)" = "$(printf '0.0.0.0:8080\n127.0.0.1:8081')" ]
    [ "$(hull inspect web | jq -r '.[0].HostConfig.NetworkMode')" = hull ]
    [ "$(hull inspect web | jq -r '.[0].HostConfig.PortBindings["80/tcp"][0].HostPort')" = 8080 ]
    [ "$(hull inspect web | jq -r '.[0].NetworkSettings.Ports["80/tcp"][0].HostPort')" = 8080 ]
    [ "$(hull inspect web | jq -r '.[0].NetworkSettings.Gateway')" = 10.88.0.1 ]
    [ "$(hull inspect web | jq -r '.[0].NetworkSettings.MacAddress')" = "$(hull exec web cat /sys/class/net/eth0/address)" ]
    # the network: the bridge in the test namespace, the table, the container
    in_host ip -4 addr show hull0 | grep -q 'inet 10.88.0.1/16'
    [ "$(hull network inspect hull | jq -r ".[0].Containers[\"$id\"].IPv4Address")" = "$ip/16" ]
    [ -n "$(nft_elements publish_any)" ]
    hull rm -f web
    assert_no_network_leftovers
    run in_host curl -s --max-time 2 http://127.0.0.1:8080/hostname
    [ "$status" -ne 0 ]
}

@test "network: UDP ports are published too; -P publishes exposed ports on free ports; port ranges" {
    echo_bin=$(udp_echo_binary) || skip "cannot build the static udp-echo helper (cc -static)"
    hull run -d --name udp -p 5353:53/udp -v "$echo_bin:/udp-echo:ro" busybox /udp-echo 53
    wait_until 10 logs_have udp ready
    [ "$(udp_ask 127.0.0.1 5353 ping)" = ping ]
    [ "$(udp_ask 192.0.2.1 5353 pong)" = pong ]
    [ "$(hull port udp)" = "53/udp -> 0.0.0.0:5353" ]
    # -P: every exposed port (--expose) on a port the kernel says is free
    hull run -d --name all -P --expose 80 --expose 90-91/tcp busybox httpd -f -p 80 -h /etc
    [ "$(hull port all | wc -l)" -eq 3 ]
    port=$(hull port all 80 | cut -d: -f2)
    [ "$port" -gt 1024 ]
    wait_http "http://127.0.0.1:$port/hostname"
    # ranges map one to one
    hull run -d --name range -p 9000-9001:80-81 busybox sh -c 'httpd -p 81 -h /etc; httpd -f -p 80 -h /etc'
    wait_http http://127.0.0.1:9001/hostname
    wait_http http://127.0.0.1:9000/hostname
    [ "$(hull port range 81)" = 0.0.0.0:9001 ]
    hull rm -f udp all range
    assert_no_network_leftovers
}

@test "network: a user network: names resolve, containers started later too, not after removal; no way across networks" {
    hull network create --subnet 10.123.0.0/24 front
    hull network create back
    hull run -d --name a --network front busybox sleep 1000
    hull run -d --name b --network front --ip 10.123.0.50 busybox httpd -f -p 80 -h /etc
    hull run -d --name other --network back busybox httpd -f -p 80 -h /etc
    [ "$(hull inspect b | jq -r '.[0].NetworkSettings.Networks.front.IPAddress')" = 10.123.0.50 ]
    # user networks fill the per-network fields only, as in docker
    [ "$(hull inspect b | jq -r '.[0].NetworkSettings.IPAddress')" = "" ]
    id_b=$(hull inspect b | jq -r '.[0].Id')
    # a (started first) resolves b by name, and reaches it
    wait_until 10 hull exec a sh -c 'timeout 2 wget -q -O - http://b/hostname >/dev/null'
    [ "$(hull exec a timeout 5 wget -q -O - http://b/hostname)" = "${id_b:0:12}" ]
    [ "$(hull exec a timeout 5 wget -q -O - http://10.123.0.50/hostname)" = "${id_b:0:12}" ]
    # the other network: neither its name nor its address is reachable
    other_ip=$(hull inspect other | jq -r '.[0].NetworkSettings.Networks.back.IPAddress')
    run hull exec a grep -w other /etc/hosts
    [ "$status" -ne 0 ]
    run hull exec a timeout 3 wget -q -O - "http://$other_ip/hostname"
    [ "$status" -ne 0 ]
    run hull exec other timeout 3 wget -q -O - http://10.123.0.50/hostname
    [ "$status" -ne 0 ]
    # renamed: the new name resolves at once, the old one no longer does
    hull rename b web
    [ "$(hull exec a timeout 5 wget -q -O - http://web/hostname)" = "${id_b:0:12}" ]
    run hull exec a grep -w b /etc/hosts
    [ "$status" -ne 0 ]
    # a container removed: its name goes from the others' hosts files
    hull rm -f web
    run hull exec a grep -w web /etc/hosts
    [ "$status" -ne 0 ]
    run hull exec a grep -w b /etc/hosts
    [ "$status" -ne 0 ]
    # network rm is refused while a container uses it, then works
    fails_with 'network front is in use by 1 container' hull network rm front
    hull rm -f a
    hull network rm front
    run hull network ls --format json
    [[ "$output" != *'"Name":"front"'* ]]
    hull rm -f other
    assert_no_network_leftovers
    run hull network prune -f
    [[ "$output" == *back* ]]
    ! in_host ip -o link show | grep -q hullbr-
}

@test "network: --internal has no way out; a normal network reaches outside through masquerade" {
    echo outside-web >"$TEST_DIR/index.html"
    in_bg web nsenter -t "$OUT_NS" -n -- busybox httpd -f -p 192.0.2.2:80 -h "$TEST_DIR"
    wait_until 10 in_host curl -s -o /dev/null --max-time 1 http://192.0.2.2/index.html
    run hull run --rm busybox timeout 5 wget -q -O - http://192.0.2.2/index.html
    [ "$status" -eq 0 ]
    [ "$output" = outside-web ]
    hull network create --internal sealed
    run hull run --rm --network sealed busybox sh -c 'ip route; timeout 3 wget -q -O - http://192.0.2.2/index.html'
    [ "$status" -ne 0 ]
    [[ "$output" != *default* ]]
    [[ "$output" != *outside-web* ]]
    [ "$(hull network inspect sealed | jq -r '.[0].Internal')" = true ]
    [ "$(hull network inspect -f '{{.Internal}} {{.Driver}}' sealed)" = "true bridge" ]
    [ "$(hull network ls --format '{{.Name}}:{{.Internal}}' | grep sealed)" = sealed:true ]
}

@test "network: the default network's subnet avoids the host's routes; --network none and host are untouched" {
    # a route of "the host" over 10.88.0.0/16 (on a bridge: dummy may be a module not loaded)
    in_host ip link add taken0 type bridge
    in_host ip addr add 10.88.7.1/16 dev taken0
    in_host ip link set taken0 up
    run hull run --rm busybox ip -4 -o addr show eth0
    [ "$status" -eq 0 ]
    [[ "$output" == *"inet 10.89.0.2/16"* ]]
    [ "$(hull network inspect hull | jq -r '.[0].IPAM.Config[0].Subnet')" = 10.89.0.0/16 ]
    # an explicit --subnet on a host route, or on another network: refused, nothing made
    fails_with 'invalid --subnet "10.88.0.0/24": it overlaps the host.s route to 10.88.0.0/16' hull network create --subnet 10.88.0.0/24 n1
    fails_with 'invalid --subnet "10.89.128.0/20": it overlaps network hull' hull network create --subnet 10.89.128.0/20 n1
    fails_with 'invalid --subnet "10.1.2.3/16": the address has host bits set' hull network create --subnet 10.1.2.3/16 n1
    fails_with 'invalid --gateway "10.2.0.1": not a host address of the subnet 10.1.0.0/16' hull network create --subnet 10.1.0.0/16 --gateway 10.2.0.1 n1
    fails_with 'network with name hull already exists' hull network create hull
    fails_with 'invalid network name' hull network create none
    [ ! -e "$STORE/networks/n1" ]
    run hull run --rm --network none busybox ls /sys/class/net
    [ "$output" = lo ]
    run hull run --rm --network host busybox ls /sys/class/net
    [[ "$output" == *hull0* ]]
    # the table deleted behind hull's back: the next -p makes it again, elements and all
    in_host nft delete table inet hull
    hull run -d --name again -p 8085:80 busybox httpd -f -p 80 -h /etc
    wait_http http://127.0.0.1:8085/hostname
    [[ "$(nft_elements subnets)" == *10.89.0.0/16* ]]
    hull rm -f again
}

@test "network: --rm, a stopped container and kill -9 of hull run leave no lease, rule or veth" {
    hull run --rm -p 8080:80 busybox true
    assert_no_network_leftovers
    # a container that exits on its own under the monitor
    hull run -d --name quick -p 8080:80 busybox sh -c 'sleep 0.2'
    wait_until 10 eval '[ "$(container_state quick)" = exited ]'
    wait_until 10 assert_no_network_leftovers
    [ "$(hull inspect quick | jq -r '.[0].NetworkSettings.Networks.hull.IPAddress')" = "" ]
    # it gets its network back when started again
    hull start quick
    hull rm -f quick
    # hull run in the foreground killed with SIGKILL, then its container: the next hull sweeps
    nsenter -t "$HOST_NS" -n -- "$HULL_ENGINE" --root "$STORE" --runroot "$RUNROOT" run --name fg -p 8080:80 busybox sh -c 'echo ready; sleep 1000' >"$TEST_DIR/fg.out" 2>&1 3>&- &
    fg=$!
    wait_until 10 grep -q ready "$TEST_DIR/fg.out"
    pid=$(hull inspect fg | jq -r '.[0].State.Pid')
    ip=$(hull inspect fg | jq -r '.[0].NetworkSettings.IPAddress')
    [[ "$ip" == 10.88.* ]]
    kill -9 "$fg"
    kill -9 "$pid"
    wait "$fg" || true
    wait_until 10 gone "$pid"
    # the port and the address are free for the next container at once
    # (released by the container's monitor, or else swept by this hull)
    hull run --rm -p 8080:80 --ip "$ip" busybox true
    assert_no_network_leftovers
}

same_netns() { [ "$(readlink "/proc/$1/ns/net")" = "$(readlink "/proc/$2/ns/net")" ]; }

@test "network: a dead container's pair goes with its namespace; a shared namespace's at once; a start reuses a pair's name still held" {
    # --network container:web shares web's namespace: when web stops, its
    # veth is deleted there and then (side keeps the namespace alive)
    hull run -d --name web busybox sleep 1000
    hull run -d --name side --network container:web busybox sleep 1000
    hull exec side ip link show eth0 >/dev/null
    hull stop -t 1 web >/dev/null
    ! in_host ip -o link show | grep -q ' veth'
    [ -z "$(find "$STORE"/networks/*/leases -type f)" ]
    run hull exec side ip link show eth0
    [ "$status" -ne 0 ]
    hull rm -f side web >/dev/null
    # a namespace held by a process of the host (not hull's): the lease goes
    # at the stop, the pair stays with the namespace, and a start of the same
    # container replaces that pair of the same name
    hull run -d --name r busybox sleep 1000
    pid=$(hull inspect r | jq -r '.[0].State.Pid')
    in_bg holder nsenter -t "$pid" -n sleep 1000
    wait_until 10 same_netns "$holder" "$pid"
    hull stop -t 1 r >/dev/null
    [ -z "$(find "$STORE"/networks/*/leases -type f)" ]
    [ "$(in_host ip -o link show | grep -c ' veth')" -eq 1 ]
    hull start r
    [ "$(in_host ip -o link show | grep -c ' veth')" -eq 1 ]
    ip=$(hull inspect r | jq -r '.[0].NetworkSettings.IPAddress')
    run hull exec r ip -4 -o addr show eth0
    [[ "$output" == *"inet $ip/16"* ]]
    kill -9 "$holder"
    hull rm -f r >/dev/null
    assert_no_network_leftovers
}

@test "network: bad input is one line, non-zero, and leaves nothing" {
    hull network create --subnet 10.124.0.0/24 net1
    hull run -d --name holder --network net1 --ip 10.124.0.9 -p 8080:80 busybox sleep 1000
    in_bg listener nsenter -t "$HOST_NS" -n -- busybox nc -l -p 8090
    wait_until 10 tcp_listening 8090
    before=$(ls "$STORE/containers" | wc -l)
    fails_with 'invalid -p "99999": port 99999 is out of range' hull run -p 99999 busybox true
    fails_with 'invalid -p "abc": "abc" is not a port number' hull run -p abc busybox true
    fails_with 'invalid -p "80/sctp": unknown protocol' hull run -p 80/sctp busybox true
    fails_with 'invalid -p "1.2.3:80:80": "1.2.3" is not an IPv4 address' hull run -p 1.2.3:80:80 busybox true
    fails_with 'invalid --network "nosuch": no such network: nosuch' hull run --network nosuch busybox true
    fails_with 'invalid --ip "10.99.0.5": not a host address of network net1' hull run --network net1 --ip 10.99.0.5 busybox true
    fails_with 'address 10.124.0.9 is already in use on network net1' hull run --network net1 --ip 10.124.0.9 busybox true
    fails_with 'invalid --ip "10.124.0.1": it is the gateway' hull run --network net1 --ip 10.124.0.1 busybox true
    fails_with 'host port 0.0.0.0:8080/tcp is already published by container' hull run -p 8080:80 busybox true
    fails_with 'host port 0.0.0.0:8090/tcp is in use on the host' hull run -p 8090:80 busybox true
    # an address that is not the host's: said so, not "in use" (bind's EADDRNOTAVAIL); any port and ranges too
    fails_with 'invalid -p 192.0.2.99:8082:80/tcp: 192.0.2.99 is not an address of this host$' hull run -p 192.0.2.99:8082:80 busybox true
    run -125 hull run -d -p 192.0.2.99:8082:80/udp busybox true
    [ "$output" = 'hull: error: network hull: invalid -p 192.0.2.99:8082:80/udp: 192.0.2.99 is not an address of this host' ]
    fails_with 'invalid -p 192.0.2.99::80/tcp: 192.0.2.99 is not an address of this host$' hull run -p 192.0.2.99::80 busybox true
    fails_with 'invalid -p 192.0.2.99:8082-8084:80/tcp: 192.0.2.99 is not an address of this host$' hull run -p 192.0.2.99:8082-8084:80 busybox true
    fails_with 'invalid -p/-P: --network none has no network' hull run --network none -p 80 busybox true
    fails_with 'invalid --network "container:holder2"' hull run --network container:holder2 busybox true
    fails_with 'invalid --add-host "nohost"' hull run --add-host nohost busybox true
    fails_with 'invalid --dns "x.y"' hull run --dns x.y busybox true
    fails_with 'invalid --mac-address "zz"' hull run --mac-address zz busybox true
    fails_with 'invalid --mac-address "01:00:5e:00:00:01": want a unicast address' hull run --mac-address 01:00:5e:00:00:01 busybox true
    fails_with 'invalid --mac-address "02:42:00:00:00:01": --network none has no interface' hull run --network none --mac-address 02:42:00:00:00:01 busybox true
    [ "$(ls "$STORE/containers" | wc -l)" -eq "$before" ]
    [ "$(ls "$STORE/networks/net1/leases")" = 10.124.0.9 ]
    [ "$(ls "$STORE/networks/.ports")" = tcp-0.0.0.0-8080 ]
    [ "$(in_host ip -o link show | grep -c ' veth')" -eq 1 ]
    hull rm -f holder
    assert_no_network_leftovers
}

@test "network: --add-host, --dns*, --network container:NAME, concurrent runs get distinct addresses" {
    run hull run --rm --add-host db:10.0.0.7 --add-host gw:host-gateway --dns 192.0.2.53 --dns-search example.org --dns-option ndots:2 busybox sh -c 'cat /etc/hosts /etc/resolv.conf'
    [ "$status" -eq 0 ]
    [[ "$output" == *$'10.0.0.7\tdb'* ]]
    [[ "$output" == *$'10.88.0.1\tgw'* ]]
    [[ "$output" == *"nameserver 192.0.2.53"* ]]
    [[ "$output" == *"search example.org"* ]]
    [[ "$output" == *"options ndots:2"* ]]
    [ "$(echo "$output" | grep -c nameserver)" -eq 1 ]
    [ "$(hull run --rm --mac-address 02:42:de:ad:be:ef busybox cat /sys/class/net/eth0/address)" = 02:42:de:ad:be:ef ]
    # container:NAME shares the network namespace (and its address)
    hull run -d --name web busybox httpd -f -p 80 -h /etc
    ip=$(hull inspect web | jq -r '.[0].NetworkSettings.IPAddress')
    run hull run --rm --network container:web busybox sh -c "ip -4 -o addr show eth0; timeout 5 wget -q -O - http://127.0.0.1/hostname"
    [[ "$output" == *"inet $ip/16"* ]]
    [ "$(hull inspect web | jq -r '.[0].Id' | cut -c1-12)" = "$(echo "$output" | tail -1)" ]
    hull stop -t 1 web
    fails_with 'invalid --network "container:web": container web is not running' hull run --network container:web busybox true
    hull rm web
    # 50 at once: one address each, no failure
    pids=()
    for i in $(seq 50); do
        hull run -d --name "c$i" busybox sleep 1000 >/dev/null 3>&- &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done  # every run succeeded
    [ "$(for i in $(seq 50); do hull inspect -f '{{.NetworkSettings.IPAddress}}' "c$i"; done | sort -u | grep -c '^10\.88\.')" -eq 50 ]
    hull rm -f $(seq -f 'c%g' 50) >/dev/null
    assert_no_network_leftovers
}

@test "network: connect/disconnect: two networks on one container, --alias and --network-alias resolve" {
    hull network create --subnet 10.125.0.0/24 n1
    hull network create --subnet 10.126.0.0/24 n2
    hull run -d --name srv --network n1 --network-alias api busybox httpd -f -p 80 -h /etc
    hull run -d --name c2 --network n2 busybox sleep 1000
    id=$(hull inspect srv | jq -r '.[0].Id')
    run hull exec c2 grep -w srv /etc/hosts
    [ "$status" -ne 0 ]
    # a running container gets eth1 on n2 at once; names resolve on both networks
    hull network connect --ip 10.126.0.77 --alias web2 n2 srv
    run hull exec srv ip -4 -o addr show eth1
    [[ "$output" == *"inet 10.126.0.77/24"* ]]
    [ "$(hull inspect srv | jq -r '.[0].NetworkSettings.Networks.n2.IPAddress')" = 10.126.0.77 ]
    [ "$(hull exec c2 timeout 5 wget -q -O - http://srv/hostname)" = "${id:0:12}" ]
    [ "$(hull exec c2 timeout 5 wget -q -O - http://web2/hostname)" = "${id:0:12}" ]
    run hull run --rm --network n1 busybox timeout 5 wget -q -O - http://api/hostname
    [ "$output" = "${id:0:12}" ]
    [ "$(hull network inspect n2 | jq -r ".[0].Containers[\"$id\"].IPv4Address")" = 10.126.0.77/24 ]
    fails_with 'container srv is already connected to network n2' hull network connect n2 srv
    fails_with 'container srv was run with --network n1' hull network disconnect n1 srv
    fails_with 'container c2 is not connected to network n1' hull network disconnect n1 c2
    fails_with 'no such network: nosuch' hull network connect nosuch srv
    # disconnect: eth1, the lease, the veth and the names go
    hull network disconnect n2 srv
    run hull exec srv ip link show eth1
    [ "$status" -ne 0 ]
    run hull exec c2 grep -w srv /etc/hosts
    [ "$status" -ne 0 ]
    [ "$(hull inspect srv | jq -r '.[0].NetworkSettings.Networks.n2')" = null ]
    [ "$(ls "$STORE/networks/n2/leases" | wc -l)" -eq 1 ]
    ! in_host ip -o link show | grep -q ' vh'
    # a stopped container is connected at its next start
    hull stop -t 1 srv >/dev/null
    hull network connect n2 srv
    hull start srv
    [[ "$(hull inspect srv | jq -r '.[0].NetworkSettings.Networks.n2.IPAddress')" == 10.126.0.* ]]
    hull exec srv ip link show eth1 >/dev/null
    hull rm -f srv c2
    assert_no_network_leftovers
    ! in_host ip -o link show | grep -q ' vh'
}

@test "network: --domainname: the UTS domain name, Config.Domainname, the FQDN first in /etc/hosts" {
    run hull run --rm --network none --hostname box --domainname example.org busybox sh -c 'cat /proc/sys/kernel/domainname; hostname; hostname -d; grep -w box /etc/hosts'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = example.org ]
    [ "${lines[1]}" = box ]
    [ "${lines[2]}" = example.org ]
    [[ "$output" == *$'127.0.0.1\tbox.example.org box'* ]]
    # on a network: the container's own address line, kept when the hosts file is rewritten
    hull network create --subnet 10.129.0.0/24 dn
    hull run -d --name d1 --network dn --hostname box --domainname example.org busybox sleep 1000
    hull run -d --name d2 --network dn busybox sleep 1000
    ip=$(hull inspect d1 | jq -r '.[0].NetworkSettings.Networks.dn.IPAddress')
    hull exec d1 grep -q "^$ip	box.example.org box d1\$" /etc/hosts
    [ "$(hull exec d1 hostname -d)" = example.org ]
    [ "$(hull inspect d1 | jq -r '.[0].Config.Domainname')" = example.org ]
    [ "$(hull inspect d1 | jq -r '.[0].Config.Hostname')" = box ]
    # no --domainname: none, as in docker
    [ "$(hull inspect d2 | jq -r '.[0].Config.Domainname')" = "" ]
    [ "$(hull exec d2 cat /proc/sys/kernel/domainname)" = "(none)" ]
    fails_with 'invalid --domainname "a b": not a domain name' hull run --domainname 'a b' busybox true
    long=$(printf 'x%.0s' $(seq 65))
    fails_with "invalid --domainname \"$long\": longer than 64 characters" hull run --domainname "$long" busybox true
    hull rm -f d1 d2
    assert_no_network_leftovers
}

@test "network: several --network flags: eth0 on the first, eth1 on the next; --ip/--network-alias/-p on the first; mixing refused" {
    hull network create --subnet 10.127.0.0/24 m1
    hull network create --subnet 10.128.0.0/24 m2
    hull run -d --name peer2 --network m2 busybox sleep 1000
    hull run -d --name multi --network m1 --network m2 --ip 10.127.0.9 --network-alias api -p 8088:80 busybox httpd -f -p 80 -h /etc
    id=$(hull inspect multi | jq -r '.[0].Id')
    run hull exec multi ip -4 -o addr show eth0
    [[ "$output" == *"inet 10.127.0.9/24"* ]]
    run hull exec multi ip -4 -o addr show eth1
    [[ "$output" == *"inet 10.128.0."*/24* ]]
    run hull exec multi ip route
    [[ "$output" == *"default via 10.127.0.1"* ]]
    [[ "$output" != *"default via 10.128"* ]]
    ip2=$(hull inspect multi | jq -r '.[0].NetworkSettings.Networks.m2.IPAddress')
    [[ "$ip2" == 10.128.0.* ]]
    [ "$(hull inspect multi | jq -c '.[0].NetworkSettings.Networks.m1.Aliases')" = '["api"]' ]
    [ "$(hull inspect multi | jq -c '.[0].NetworkSettings.Networks.m2.Aliases')" = null ]
    [ "$(hull inspect multi | jq -r '.[0].HostConfig.NetworkMode')" = m1 ]
    [ "$(hull ps --format '{{.Names}} {{.Networks}}' | grep '^multi ')" = "multi m1,m2" ]
    # peer2 (on m2 only) resolves multi there, not the alias of m1
    wait_until 10 hull exec peer2 sh -c 'timeout 2 wget -q -O - http://multi/hostname >/dev/null'
    [ "$(hull exec peer2 timeout 5 wget -q -O - http://multi/hostname)" = "${id:0:12}" ]
    run hull exec peer2 grep -w api /etc/hosts
    [ "$status" -ne 0 ]
    wait_http http://127.0.0.1:8088/hostname
    [ "$(http_get http://127.0.0.1:8088/hostname)" = "${id:0:12}" ]
    # started again: both networks again, the first still eth0 with its --ip
    hull stop -t 1 multi >/dev/null
    # the monitor detaches it once it has seen the init die
    wait_until 10 eval '[ "$(ls "$STORE/networks/m2/leases" | wc -l)" -eq 1 ]'
    hull start multi
    run hull exec multi ip -4 -o addr show eth0
    [[ "$output" == *"inet 10.127.0.9/24"* ]]
    hull exec multi ip link show eth1 >/dev/null
    # the other networks are disconnected like connected ones, the first is not
    fails_with 'container multi was run with --network m1' hull network disconnect m1 multi
    hull network disconnect m2 multi
    run hull exec multi ip link show eth1
    [ "$status" -ne 0 ]
    # mixing with none/host/container:, a network twice, a missing one: one line, nothing made
    before=$(ls "$STORE/containers" | wc -l)
    fails_with 'invalid --network "none": it cannot be combined with other --network flags' hull run --network m1 --network none busybox true
    fails_with 'invalid --network "host": it cannot be combined with other --network flags' hull run --network host --network m1 busybox true
    fails_with 'invalid --network "container:multi": it cannot be combined with other --network flags' hull run --network m1 --network container:multi busybox true
    fails_with 'invalid --network "m1": network m1 is given twice' hull run --network m1 --network m2 --network m1 busybox true
    fails_with 'invalid --network "bridge": network hull is given twice' hull run --network hull --network bridge busybox true
    fails_with 'invalid --network "nosuch": no such network: nosuch' hull run --network m1 --network nosuch busybox true
    fails_with 'conflicting options: --ip and the same option in --network name=m1' hull run --network name=m1,ip=10.127.0.20 --ip 10.127.0.21 busybox true
    fails_with 'address 10.127.0.9 is already in use on network m1' hull run --network m2 --network name=m1,ip=10.127.0.9 busybox true
    fails_with 'invalid --network "name=m2,bogus=1": bad or repeated "bogus=1"' hull run --network name=m2,bogus=1 busybox true
    [ "$(ls "$STORE/containers" | wc -l)" -eq "$before" ]
    [ "$(ls "$STORE/networks/m1/leases")" = 10.127.0.9 ]
    # docker's per-network syntax: an address and aliases on each network
    hull run -d --name adv --network name=m1,alias=one --network name=m2,ip=10.128.0.77,alias=two busybox sleep 1000
    [ "$(hull inspect adv | jq -r '.[0].NetworkSettings.Networks.m2.IPAddress')" = 10.128.0.77 ]
    [ "$(hull inspect adv | jq -c '.[0].NetworkSettings.Networks.m2.Aliases')" = '["two"]' ]
    [ "$(hull inspect adv | jq -c '.[0].NetworkSettings.Networks.m1.Aliases')" = '["one"]' ]
    hull exec peer2 grep -q "^10.128.0.77	adv .* two\$" /etc/hosts
    # hull create takes the same flags: the networks are plumbed at start
    hull create --name cr --network m2 --network m1 --domainname example.org busybox sleep 1000 >/dev/null
    [ -z "$(ls "$STORE/networks/m1/leases" | grep -vx -e 10.127.0.9 -e "$(hull inspect adv | jq -r '.[0].NetworkSettings.Networks.m1.IPAddress')")" ]
    hull start cr
    run hull exec cr ip -4 -o addr show eth1
    [[ "$output" == *"inet 10.127.0."*/24* ]]
    [ "$(hull exec cr cat /proc/sys/kernel/domainname)" = example.org ]
    hull rm -f multi peer2 adv cr
    assert_no_network_leftovers
}
