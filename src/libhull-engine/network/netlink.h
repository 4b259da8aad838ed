/* hull: the few rtnetlink requests the bridge driver needs, on libmnl.
 *
 * A struct netlink talks to the network namespace it was opened in: the
 * engine's own (the "host") or a container's, entered just long enough to
 * create the socket (a socket stays bound to the namespace it was made in).
 * Every request waits for the kernel's ack, so an error names what failed. */
#ifndef HULL_NETWORK_NETLINK_H
#define HULL_NETWORK_NETLINK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error_internal.h"

struct netlink;

/* netns_fd: an open /proc/PID/ns/net, or -1 for our own namespace. */
int netlink_open(int netns_fd, struct netlink **out, struct hull_error **err);
void netlink_close(struct netlink *nl);
void netlink_closep(struct netlink **nl);
#define cleanup_netlink __attribute__((cleanup(netlink_closep)))

/* The index of an interface, 0 when there is none of that name. */
unsigned netlink_link_index(struct netlink *nl, const char *name);

/* A bridge named name (made when missing), up, with this MTU. */
int netlink_bridge_ensure(struct netlink *nl, const char *name, unsigned mtu, struct hull_error **err);

/* A veth pair: host_name here, up (and in the bridge master when
 * master > 0), peer_name (down) in the namespace peer_netns_fd, with the MAC address
 * mac on the peer. */
int netlink_veth_create(struct netlink *nl, const char *host_name, const char *peer_name, int peer_netns_fd,
                        unsigned mtu, const uint8_t mac[6], unsigned master, struct hull_error **err);

/* Puts the interface up, optionally (master > 0) into the bridge master. */
int netlink_link_up(struct netlink *nl, unsigned index, unsigned master, struct hull_error **err);

/* Deletes an interface by name; one that does not exist is not an error. */
int netlink_link_delete(struct netlink *nl, const char *name, struct hull_error **err);

/* An IPv4 address on an interface (already there: not an error). */
int netlink_addr_add(struct netlink *nl, unsigned index, struct in_addr addr, unsigned prefix,
                     struct hull_error **err);

/* An IPv6 address, without duplicate address detection (usable at once). */
int netlink_addr6_add(struct netlink *nl, unsigned index, const struct in6_addr *addr, unsigned prefix,
                      struct hull_error **err);

/* The default route via gateway (IPv6: through interface oif). */
int netlink_default_route(struct netlink *nl, struct in_addr gateway, struct hull_error **err);
int netlink_default_route6(struct netlink *nl, const struct in6_addr *gateway, unsigned oif, struct hull_error **err);

/* The destinations of the IPv4 routes of every table but local (those cover
 * only the host's own addresses), for choosing subnets that do not collide.
 * A default route is not reported (it would overlap everything). */
struct netlink_route4 {
    struct in_addr dst;
    unsigned prefix;
};
int netlink_routes4(struct netlink *nl, struct netlink_route4 **out, size_t *n, struct hull_error **err);
/* The same for IPv6 (the local table's ::1, multicast and own addresses left out). */
struct netlink_route6 {
    struct in6_addr dst;
    unsigned prefix;
};
int netlink_routes6(struct netlink *nl, struct netlink_route6 **out, size_t *n, struct hull_error **err);

#endif
