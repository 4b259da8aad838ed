/* Unit tests for the -p / --expose parsers (src/libhull-engine/network/ports.c) and
 * hosts/resolv.conf generation with --add-host / --dns* (engine_etc.c). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "engine/engine_etc.h"
#include "engine/engine_network.h"
#include "network/network.h"
#include "util/utils.h"

static int parse(const char *text, struct network_port **p, size_t *n, char **msg)
{
    struct hull_error *err = NULL;
    free(*p);
    *p = NULL;
    *n = 0;
    int r = network_parse_publish(text, p, n, &err);
    free(*msg);
    *msg = err ? hull_error_text(err) : NULL;
    hull_error_free(err);
    return r;
}

int main(void)
{
    struct network_port *p = NULL;
    size_t n = 0;
    char *msg = NULL;

    TAP_CHECK(parse("80", &p, &n, &msg) == 0 && n == 1 && p[0].ctr_port == 80 && p[0].host_lo == 0 &&
                  p[0].proto == IPPROTO_TCP && p[0].host_ip.s_addr == 0,
              "-p 80: a free host port on every address");
    TAP_CHECK(parse("8080:80/udp", &p, &n, &msg) == 0 && n == 1 && p[0].host_lo == 8080 && p[0].host_hi == 8080 &&
                  p[0].proto == IPPROTO_UDP,
              "-p 8080:80/udp");
    TAP_CHECK(parse("127.0.0.1:8080:80", &p, &n, &msg) == 0 && n == 1 && p[0].host_ip.s_addr == htonl(0x7f000001),
              "-p 127.0.0.1:8080:80");
    TAP_CHECK(parse("127.0.0.1::80", &p, &n, &msg) == 0 && n == 1 && p[0].host_lo == 0, "-p 127.0.0.1::80");
    TAP_CHECK(parse("8000-8002:80-82", &p, &n, &msg) == 0 && n == 3 && p[2].host_lo == 8002 && p[2].ctr_port == 82,
              "-p 8000-8002:80-82: one to one");
    TAP_CHECK(parse("8000-8010:80", &p, &n, &msg) == 0 && n == 1 && p[0].host_lo == 8000 && p[0].host_hi == 8010,
              "-p 8000-8010:80: the first free of a range");
    TAP_CHECK(parse("90-91", &p, &n, &msg) == 0 && n == 2 && p[1].ctr_port == 91 && p[1].host_lo == 0, "-p 90-91");
    TAP_CHECK(parse("99999", &p, &n, &msg) < 0 && strstr(msg, "invalid -p \"99999\": port 99999 is out of range"),
              "-p 99999: %s", msg);
    TAP_CHECK(parse("abc", &p, &n, &msg) < 0 && strstr(msg, "\"abc\" is not a port number"), "-p abc: %s", msg);
    TAP_CHECK(parse("0", &p, &n, &msg) < 0 && strstr(msg, "out of range"), "-p 0: %s", msg);
    TAP_CHECK(parse("80/sctp", &p, &n, &msg) < 0 && strstr(msg, "unknown protocol \"sctp\""), "-p 80/sctp: %s", msg);
    TAP_CHECK(parse("8000-8001:80-82", &p, &n, &msg) < 0 && strstr(msg, "differ in length"), "unequal ranges: %s",
              msg);
    TAP_CHECK(parse("82-80", &p, &n, &msg) < 0 && strstr(msg, "ends before it starts"), "82-80: %s", msg);
    TAP_CHECK(parse("1:2:3:4", &p, &n, &msg) < 0 && strstr(msg, "want [IP:][HOSTPORT:]CONTAINERPORT"), "1:2:3:4: %s",
              msg);
    TAP_CHECK(parse("[::1]:80:80", &p, &n, &msg) < 0 && strstr(msg, "[::1] cannot be published: IPv6 has no "
                                                                   "route_localnet") && strstr(msg, "use 127.0.0.1"),
              "[::1]: %s", msg);
    TAP_CHECK(parse("[::]:80:80", &p, &n, &msg) < 0 && strstr(msg, "[::] is every address"), "[::]: %s", msg);
    TAP_CHECK(parse("[fe80::1]:80:80", &p, &n, &msg) < 0 && strstr(msg, "not a unicast address"), "link-local: %s",
              msg);
    TAP_CHECK(parse("[fd00::1]:80", &p, &n, &msg) < 0 && strstr(msg, "want [IPV6]:[HOSTPORT]:CONTAINERPORT"),
              "[fd00::1]:80: %s", msg);
    TAP_CHECK(parse("[fd00::1]:1:2:3", &p, &n, &msg) < 0, "[fd00::1]:1:2:3: %s", msg);
    TAP_CHECK(parse("[fd00::zz]:80:80", &p, &n, &msg) < 0 && strstr(msg, "\"fd00::zz\" is not an IPv6 address"),
              "[fd00::zz]: %s", msg);
    TAP_CHECK(parse("[fd00:beef::1]:8080-8081:80-81/udp", &p, &n, &msg) == 0 && n == 2 && p[0].host6 &&
                  p[0].host_ip6.s6_addr[0] == 0xfd && p[0].host_ip6.s6_addr[15] == 1 && p[1].host_lo == 8081 &&
                  p[1].ctr_port == 81 && p[1].proto == IPPROTO_UDP && !p[0].host_ip.s_addr,
              "-p [fd00:beef::1]:8080-8081:80-81/udp");
    TAP_CHECK(parse("[fd00:beef::1]::80", &p, &n, &msg) == 0 && n == 1 && p[0].host6 && p[0].host_lo == 0,
              "-p [fd00:beef::1]::80");
    TAP_CHECK(parse("", &p, &n, &msg) < 0, "empty -p: %s", msg);

    free(p);
    p = NULL;
    n = 0;
    struct hull_error *err = NULL;
    TAP_CHECK(network_parse_expose("7000-7002/udp", &p, &n, &err) == 0 && n == 3 && p[0].proto == IPPROTO_UDP,
              "--expose 7000-7002/udp");
    hull_error_free(err);

    unsigned char mac[6];
    TAP_CHECK(engine_parse_mac("02:42:AC:11:00:02", mac) && mac[0] == 2 && mac[2] == 0xac && mac[5] == 2,
              "--mac-address 02:42:AC:11:00:02");
    TAP_CHECK(!engine_parse_mac("01:00:5e:00:00:01", mac), "multicast MAC refused");
    TAP_CHECK(!engine_parse_mac("00:00:00:00:00:00", mac), "zero MAC refused");
    TAP_CHECK(!engine_parse_mac("02:42:ac:11:00", mac) && !engine_parse_mac("02:42:ac:11:00:0g", mac) &&
                  !engine_parse_mac("02-42-ac-11-00-02", mac) && !engine_parse_mac("02:42:ac:11:00:02:", mac),
              "malformed MACs refused");

    char *extra[] = {"db:10.0.0.7", "web=10.0.0.8", NULL};
    char *hosts = engine_hosts_for("abc", NULL, "web1", "10.88.0.2", NULL, extra, "10.88.0.3\tpeer\n");
    TAP_CHECK(strstr(hosts, "10.0.0.7\tdb\n") && strstr(hosts, "10.0.0.8\tweb\n") &&
                  strstr(hosts, "10.88.0.2\tabc web1\n") && strstr(hosts, "10.88.0.3\tpeer\n") &&
                  !strstr(hosts, "127.0.0.1\tabc"),
              "hosts: --add-host lines, own address, peers");
    free(hosts);
    hosts = engine_hosts_for("abc", "example.org", "web1", "10.88.0.2", "fd00::2", NULL, NULL);
    TAP_CHECK(strstr(hosts, "10.88.0.2\tabc.example.org abc web1\nfd00::2\tabc.example.org abc web1\n") != NULL,
              "hosts: --domainname: the FQDN first (the canonical name), then the host name; the IPv6 line too");
    free(hosts);
    hosts = engine_hosts_for("a.example.org", NULL, "a", NULL, NULL, NULL, NULL);
    TAP_CHECK(strstr(hosts, "127.0.0.1\ta.example.org a\n") != NULL,
              "hosts: a host name with dots is the FQDN; the container name equal to its host part is not repeated");
    free(hosts);

    /* network create --subnet/--gateway: sorted by family, one of each */
    struct network_create_opts o = {0};
    struct hull_error *e = NULL;
    TAP_CHECK(network_opts_add(&o, "--subnet", "10.1.0.0/24", &e) == 0 &&
                  network_opts_add(&o, "--subnet", "fd00:1::/64", &e) == 0 &&
                  network_opts_add(&o, "--gateway", "fd00:1::9", &e) == 0 && !strcmp(o.subnet, "10.1.0.0/24") &&
                  !strcmp(o.subnet6, "fd00:1::/64") && !strcmp(o.gateway6, "fd00:1::9") && !o.gateway,
              "network create: an IPv4 and an IPv6 --subnet, a --gateway of each family");
    TAP_CHECK(network_opts_add(&o, "--subnet", "fd00:2::/64", &e) < 0 && e &&
                  strstr(e->msg, "invalid --subnet \"fd00:2::/64\": a second IPv6 subnet"),
              "network create: a second IPv6 subnet refused, named");
    hull_error_free(e);
    e = NULL;

    /* --network: docker's name=NET,alias=A,ip=IP,ip6=IP6 syntax */
    struct engine_net_flags nf = {0};
    TAP_CHECK(engine_net_flag(&nf, "--network", "name=app,alias=a1,alias=a2,ip=10.1.0.5", &e) == 0 &&
                  !strcmp(nf.mode, "app") && !strcmp(nf.first.ip, "10.1.0.5") && strv_length(nf.first.aliases) == 2,
              "--network name=app,alias=...,ip=...: the first network and its options");
    TAP_CHECK(engine_net_flag(&nf, "--network", "name=back,ip6=fd00::5", &e) == 0 &&
                  engine_net_flag(&nf, "--network", "third", &e) == 0 && !strcmp(nf.more[0], "back") &&
                  !strcmp(nf.more_opts[0].ip6, "fd00::5") && !strcmp(nf.more[1], "third") && !nf.more_opts[1].ip6,
              "--network: the other networks with their options, plain names too");
    TAP_CHECK(engine_net_flag(&nf, "--network", "alias=x", &e) < 0 && strstr(e->msg, "name=NET is missing"),
              "--network alias=x: the name is missing");
    hull_error_free(e);
    e = NULL;
    TAP_CHECK(engine_net_flag(&nf, "--network", "name=c,foo=1", &e) < 0 && strstr(e->msg, "bad or repeated \"foo=1\""),
              "--network name=c,foo=1: an unknown option is named");
    hull_error_free(e);
    e = NULL;
    TAP_CHECK(engine_net_flag(&nf, "--network", "name=c,ip=10.1.0.300", &e) < 0 &&
                  strstr(e->msg, "\"ip=10.1.0.300\""),
              "--network name=c,ip=BAD: the bad value is named");
    hull_error_free(e);
    e = NULL;
    TAP_CHECK(engine_net_flag(&nf, "--network", "name=c,mac-address=02:42:00:00:00:01", &e) < 0 &&
                  strstr(e->msg, "first --network only"),
              "--network: mac-address= on another network than the first is refused");
    hull_error_free(e);
    engine_net_flags_clear(&nf);
    free(msg);
    free(p);
    return TAP_DONE();
}
