/* hull: bridge networks -- their configuration in the store, the host side
 * of each (bridge, address, nftables elements), address leases (IPAM) and
 * published ports.
 *
 * Store layout (ROOT = --root):
 *   ROOT/networks/.lock              flock held for every change below
 *   ROOT/networks/NAME/config.json   Name, Id, Driver, Subnet, Gateway, Internal, Bridge, MTU, Created
 *                                    (and EnableIPv6, Subnet6, Gateway6 for a dual-stack network)
 *   ROOT/networks/NAME/leases/IP     one file per leased address: the container id
 *   ROOT/networks/NAME/leases6/IP6   the same for IPv6 addresses
 *   ROOT/networks/.ports/PROTO-IP-PORT   one file per published host port: "ID CTRIP CTRPORT [CTRIP6]"
 * A lease or port file is made with O_EXCL under the lock: no address or
 * host port can ever be given twice.  They belong to a running container;
 * the engine releases them when the container stops or is removed, and
 * drops those of containers found dead (a SIGKILLed `hull run`) before it
 * hands out new ones (network_sweep).
 *
 * The default network, "hull", is made on first use with a /16 that overlaps
 * no route of the host and no other hull network (docker's "bridge",
 * podman's "podman").  Making it by hand first (`hull network create
 * --subnet ... hull`) chooses its subnet. */
#ifndef HULL_NETWORK_NETWORK_H
#define HULL_NETWORK_NETWORK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

#define NETWORK_DEFAULT_BRIDGE "hull0"
#define NETWORK_DEFAULT_MTU 1500

struct network_config {
    char *name;
    char *id;     /* 64 hex digits */
    char *bridge; /* the bridge interface on the host */
    struct in_addr subnet, gateway;
    unsigned prefix;
    bool internal;
    unsigned mtu;
    char *created; /* RFC 3339 */
    /* --ipv6: dual stack, an IPv6 subnet besides the IPv4 one */
    bool ipv6;
    struct in6_addr subnet6, gateway6;
    unsigned prefix6;
};
void network_config_free(struct network_config *c);
void network_config_freep(struct network_config **c);
#define cleanup_network_config __attribute__((cleanup(network_config_freep)))

/* network_json.c: config.json's text (owned), and back (-1 when damaged:
 * *damaged says more, "" or " (its IPv6 subnet)"). */
char *network_config_to_text(const struct network_config *c);
int network_config_parse(const char *text, struct network_config **out, const char **damaged);

/* A container on a network, as `network inspect` shows it (every string
 * set; ipv6 "" on an IPv4-only network). */
struct network_member {
    char *id, *name, *endpoint_id, *mac;
    char *ipv4, *ipv6; /* CIDR: the address and the network's prefix */
};
void network_members_free(struct network_member *m, size_t n);
struct json_object;
/* docker's `network inspect` object: Name, Id, Driver, IPAM, Internal,
 * Containers, Options ... (network_json.c, the one printer of it). */
struct json_object *network_inspect_to_json(const struct network_config *c, const struct network_member *m,
                                            size_t n);
/* docker's `network ls --format` row (ID: shown_id, as the table shows it;
 * Name: name, Driver, Scope, Subnet, Gateway, Internal, CreatedAt) and its
 * column titles ({"ID": "NETWORK ID", ...}: what a "table TEMPLATE" runs on
 * for the header). */
struct json_object *network_ls_row_to_json(const struct network_config *c, const char *name, const char *shown_id);
struct json_object *network_ls_titles_to_json(void);

/* "10.88.0.0/16" etc. into text (owned). */
char *network_subnet_text(const struct network_config *c);
/* "fd12:3456:789a::/64" (owned; "" when the network has no IPv6). */
char *network_subnet6_text(const struct network_config *c);

/* flock(ROOT/networks/.lock); close *fd to unlock. */
int network_lock(const char *root, int *fd, struct hull_error **err);

/* Whether name is a valid network name ([a-zA-Z0-9][a-zA-Z0-9_.-]*, not
 * none/host/bridge, which --network gives other meanings). */
bool network_name_valid(const char *name);

/* "no such network: NAME" when it does not exist. */
int network_load(const char *root, const char *name, struct network_config **out, struct hull_error **err);
bool network_exists(const char *root, const char *name);

/* Checks everything (name, subnet overlapping another network or a host
 * route, gateway inside the subnet; the same for IPv6), then writes the
 * config and makes the bridge and the nftables elements.  Caller holds the
 * lock.  On failure nothing is left. */
int network_create(const char *root, const struct network_create_opts *o, struct network_config **out,
                   struct hull_error **err);
/* The default network, made when missing (caller holds the lock). */
int network_default(const char *root, struct network_config **out, struct hull_error **err);

/* The host side of a network, made again where missing (after a reboot, or
 * someone's `nft flush ruleset`): bridge up with the gateway address,
 * route_localnet on it, IPv4 forwarding for networks with a way out, the
 * nftables table and its elements for every network and port in the store.
 * Without full, a bridge that exists is taken as set up (nothing else is
 * checked: the cheap path of a `hull run` that publishes no port).
 * Returns the bridge's interface index, or -1. */
int network_activate(const char *root, const struct network_config *c, bool full, struct hull_error **err);

/* Removes the bridge, the nftables elements and the config; refused while
 * the network has leases (caller sweeps first and holds the lock). */
int network_remove(const char *root, const char *name, struct hull_error **err);

/* ---- leases ---- */
struct network_lease {
    struct in_addr addr;
    char id[65];
};
/* want.s_addr 0: the lowest free address.  Errors name the address. */
int network_lease(const char *root, const struct network_config *c, const char *id, struct in_addr want,
                  struct in_addr *out, struct hull_error **err);
int network_release(const char *root, const char *network, struct in_addr addr, struct hull_error **err);
int network_leases(const char *root, const char *network, struct network_lease **out, size_t *n,
                   struct hull_error **err);
/* IPv6 leases of a dual-stack network (want NULL or ::: the lowest free). */
struct network_lease6 {
    struct in6_addr addr;
    char id[65];
};
int network_lease6(const char *root, const struct network_config *c, const char *id, const struct in6_addr *want,
                   struct in6_addr *out, struct hull_error **err);
int network_release6(const char *root, const char *network, const struct in6_addr *addr, struct hull_error **err);
int network_leases6(const char *root, const char *network, struct network_lease6 **out, size_t *n,
                    struct hull_error **err);

/* ---- published ports ---- */
struct network_port {
    int proto;               /* IPPROTO_TCP or IPPROTO_UDP */
    struct in_addr host_ip;  /* INADDR_ANY: every address of the host */
    uint16_t host_lo, host_hi; /* 0,0: any free port; lo..hi: the first free one of the range */
    uint16_t ctr_port;
    bool host6;              /* -p [IPV6]:...: host_ip6, to the container's IPv6 address only */
    struct in6_addr host_ip6;
};
/* -p [IP:][HOSTPORT:]CTRPORT[/tcp|/udp] with docker's ranges (8080-8081:80-81,
 * 8080-8090:80, IP::80); IP is IPv4 or a bracketed IPv6 unicast address that
 * is not [::1] ([::] neither); appended to *ports. */
int network_parse_publish(const char *text, struct network_port **ports, size_t *n, struct hull_error **err);
/* "80", "80/udp", "8000-8010/tcp" (--expose, the image's ExposedPorts). */
int network_parse_expose(const char *text, struct network_port **ports, size_t *n, struct hull_error **err);
const char *network_proto_name(int proto);

/* A published port in force. */
struct network_binding {
    int proto;
    struct in_addr host_ip, ctr_ip;
    uint16_t host_port, ctr_port;
    char id[65];
    bool has6; /* on a dual-stack network: [::]:host_port goes to ctr_ip6 too */
    struct in6_addr ctr_ip6;
    bool host6; /* published on host_ip6 (an IPv6 address of the host), to ctr_ip6 */
    struct in6_addr host_ip6;
};
/* The binding's host address as -p and hull port write it: "0.0.0.0",
 * "[fd00::1]" with brackets, "fd00::1" without (owned). */
char *network_binding_host(const struct network_binding *b, bool brackets);
/* Reserves p for the container (id, ctr_ip; ctr_ip6 non-NULL on a
 * dual-stack network, where a port on every address is published over IPv6
 * too): picks the host port, refuses one already published or in use on
 * the host, adds the DNAT elements. */
int network_publish(const char *root, const struct network_port *p, const char *id, struct in_addr ctr_ip,
                    const struct in6_addr *ctr_ip6, struct network_binding *out, struct hull_error **err);
int network_unpublish(const char *root, const struct network_binding *b, struct hull_error **err);
int network_bindings(const char *root, struct network_binding **out, size_t *n, struct hull_error **err);

/* Names of every network, sorted, NULL-terminated. */
int network_list(const char *root, char ***names, struct hull_error **err);

#endif
