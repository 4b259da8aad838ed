/* hull: a record's NetworkSettings (the types: include/hull/network-settings.h):
 * made by `hull run` (engine_network_settings_for_run), filled and emptied by
 * attach and detach, read by the hosts files, `network inspect`, connect and
 * disconnect; one (de)serializer, network_settings_json.c. */
#ifndef HULL_ENGINE_NETWORK_SETTINGS_H
#define HULL_ENGINE_NETWORK_SETTINGS_H

#include "hull/network-settings.h"
#include "util/error_internal.h"

/* Every member present: strings "", no port, no network. */
struct engine_network_settings *engine_network_settings_new(void);
/* (network_settings_json.c, with the trees of other) */
void engine_network_settings_free(struct engine_network_settings *ns);
void engine_endpoint_clear(struct engine_endpoint *e);

/* The endpoint on network, or NULL. */
struct engine_endpoint *engine_network_settings_endpoint(const struct engine_network_settings *ns,
                                                         const char *network);
/* A new endpoint on network as `run --network` and `network connect` make
 * it (IPAMConfig with ip/ip6 when given, else null; Links null; Aliases
 * null when none), replacing one that was there.  Returned for more. */
struct engine_endpoint *engine_network_settings_add(struct engine_network_settings *ns, const char *network,
                                                    const char *ip, const char *ip6, char *const *aliases);
/* Removes network's endpoint; false when there was none. */
bool engine_network_settings_drop(struct engine_network_settings *ns, const char *network);

/* Ports emptied (none), then an entry per container port: published
 * (bindings added with engine_port_map_bind) or null. */
void engine_network_settings_clear_ports(struct engine_network_settings *ns);
struct engine_port_map *engine_network_settings_port(struct engine_network_settings *ns, const char *port,
                                                     bool published);
void engine_port_map_bind(struct engine_port_map *p, const char *host_ip, const char *host_port);

/* network_settings_json.c: NULL or a JSON object in; a
 * NetworkSettings of another shape is refused (the error names the member). */
int engine_network_settings_from_json(struct json_object *j, struct engine_network_settings **out,
                                      struct hull_error **err);
struct json_object *engine_network_settings_to_json(const struct engine_network_settings *ns);

#endif
