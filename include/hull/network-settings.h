/* libhull-engine: a container record's NetworkSettings (docker's inspect
 * member of struct engine_record, hull-engine.h), typed; its functions are in
 * src/libhull-engine/engine/network_settings.h.
 *
 * Made by `hull run` (engine_network_settings_for_run, engine_network.c),
 * filled and emptied by attach and detach (engine_network_attach.c), read
 * by the hosts files, `network inspect`, connect and disconnect.  Its one
 * (de)serializer is network_settings_json.c; members hull does not know are
 * kept as they were read (other) and written back.
 *
 * The presence of a member is part of what hull shows: an endpoint made by
 * `run --network a --network b` or `network connect` has only IPAMConfig,
 * Links and Aliases until its first attach; an endpoint of a stopped
 * container keeps NetworkID ... with "" values.  So the members an attach
 * fills are NULL while absent. */
#ifndef HULL_PUBLIC_NETWORK_SETTINGS_H
#define HULL_PUBLIC_NETWORK_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

/* One entry of Ports ("80/tcp"): null (exposed only) or its host bindings. */
struct engine_host_binding {
    char *host_ip, *host_port; /* docker's HostIp (no brackets), HostPort */
};
struct engine_port_map {
    char *port;      /* "80/tcp" */
    bool published;  /* false: null */
    struct engine_host_binding *bindings;
    size_t n_bindings;
};

/* One network's endpoint (NetworkSettings.Networks.NAME). */
struct engine_endpoint {
    char *network;
    bool ipam;                   /* IPAMConfig is an object (else null) */
    char *ipam_ipv4, *ipam_ipv6; /* its IPv4Address, IPv6Address; NULL: absent */
    char **aliases;              /* NULL: null */
    /* filled by attach; NULL: absent (IPPrefixLen goes with IPAddress,
     * GlobalIPv6PrefixLen with GlobalIPv6Address) */
    char *network_id, *endpoint_id, *gateway, *ip_address, *mac_address;
    int ip_prefix_len;
    char *ipv6_gateway, *global_ipv6_address;
    int global_ipv6_prefix_len;
    bool has_dns_names; /* DNSNames present: null (dns_names NULL) or a list */
    char **dns_names;
    struct json_object *other; /* members not above (Links ...); NULL: none */
};

/* The same here: a NULL string, or has_ports/has_networks false, is a
 * member that was absent (IPPrefixLen goes with IPAddress,
 * GlobalIPv6PrefixLen with GlobalIPv6Address); what hull makes has them all. */
struct engine_network_settings {
    char *bridge, *sandbox_key;
    bool has_ports;
    struct engine_port_map *ports;
    size_t n_ports;
    /* docker fills these for its default network only */
    char *gateway, *ip_address, *mac_address;
    int ip_prefix_len;
    char *global_ipv6_address, *ipv6_gateway;
    int global_ipv6_prefix_len;
    bool has_networks;
    struct engine_endpoint *networks; /* in the order they were added */
    size_t n_networks;
    struct json_object *other; /* members not above; NULL: none */
};

#endif
