/* hull: what network.c, ipam.c and ports.c share. */
#ifndef HULL_NETWORK_INTERNAL_H
#define HULL_NETWORK_INTERNAL_H

#include "network.h"

char *network_networks_dir(const char *root);
bool network_parse_cidr(const char *text, struct in_addr *addr, unsigned *prefix);
uint32_t network_mask(unsigned prefix);
bool network_overlaps(struct in_addr a, unsigned pa, struct in_addr b, unsigned pb);
bool network_parse_cidr6(const char *text, struct in6_addr *addr, unsigned *prefix);
bool network_overlaps6(const struct in6_addr *a, unsigned pa, const struct in6_addr *b, unsigned pb);
/* The nft command that adds/deletes a binding's DNAT element (verb "add"/"delete"). */
char *network_binding_element(const char *verb, const struct network_binding *b);
/* Its IPv6 DNAT element; NULL when it has none. */
char *network_binding_element6(const char *verb, const struct network_binding *b);
/* Removes the bridge and the set elements of a network (errors ignored). */
void network_deactivate(const struct network_config *c);

#endif
