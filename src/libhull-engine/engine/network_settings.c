/* hull: a record's NetworkSettings (see network_settings.h). */
#include <stdlib.h>
#include <string.h>

#include "network_settings.h"
#include "util/utils.h"

struct engine_network_settings *engine_network_settings_new(void)
{
    struct engine_network_settings *ns = xmalloc0(sizeof *ns);
    char **strs[] = {&ns->bridge,      &ns->sandbox_key,         &ns->gateway,     &ns->ip_address,
                     &ns->mac_address, &ns->global_ipv6_address, &ns->ipv6_gateway};
    for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
        *strs[i] = xstrdup("");
    ns->has_ports = ns->has_networks = true;
    return ns;
}

void engine_network_settings_clear_ports(struct engine_network_settings *ns)
{
    for (size_t i = 0; i < ns->n_ports; i++) {
        struct engine_port_map *p = &ns->ports[i];
        for (size_t k = 0; k < p->n_bindings; k++) {
            free(p->bindings[k].host_ip);
            free(p->bindings[k].host_port);
        }
        free(p->bindings);
        free(p->port);
    }
    free(ns->ports);
    ns->ports = NULL;
    ns->n_ports = 0;
}

struct engine_endpoint *engine_network_settings_endpoint(const struct engine_network_settings *ns,
                                                         const char *network)
{
    for (size_t i = 0; ns && i < ns->n_networks; i++)
        if (!strcmp(ns->networks[i].network, network))
            return &ns->networks[i];
    return NULL;
}

struct engine_endpoint *engine_network_settings_add(struct engine_network_settings *ns, const char *network,
                                                    const char *ip, const char *ip6, char *const *aliases)
{
    struct engine_endpoint *e = engine_network_settings_endpoint(ns, network);
    if (e) {
        engine_endpoint_clear(e);
    } else {
        ns->networks = xrealloc(ns->networks, (ns->n_networks + 1) * sizeof *ns->networks);
        e = &ns->networks[ns->n_networks++];
        memset(e, 0, sizeof *e);
    }
    ns->has_networks = true;
    e->network = xstrdup(network);
    e->ipam = ip || ip6;
    e->ipam_ipv4 = ip ? xstrdup(ip) : NULL;
    e->ipam_ipv6 = ip6 ? xstrdup(ip6) : NULL;
    e->aliases = aliases && aliases[0] ? strv_copy(aliases) : NULL;
    return e;
}

bool engine_network_settings_drop(struct engine_network_settings *ns, const char *network)
{
    struct engine_endpoint *e = engine_network_settings_endpoint(ns, network);
    if (!e)
        return false;
    engine_endpoint_clear(e);
    size_t i = (size_t)(e - ns->networks);
    memmove(e, e + 1, (ns->n_networks - i - 1) * sizeof *e);
    ns->n_networks--;
    return true;
}

struct engine_port_map *engine_network_settings_port(struct engine_network_settings *ns, const char *port,
                                                     bool published)
{
    struct engine_port_map *p = NULL;
    for (size_t i = 0; i < ns->n_ports && !p; i++)
        if (!strcmp(ns->ports[i].port, port))
            p = &ns->ports[i];
    if (!p) {
        ns->ports = xrealloc(ns->ports, (ns->n_ports + 1) * sizeof *ns->ports);
        p = &ns->ports[ns->n_ports++];
        memset(p, 0, sizeof *p);
        p->port = xstrdup(port);
    }
    p->published = p->published || published;
    ns->has_ports = true;
    return p;
}

void engine_port_map_bind(struct engine_port_map *p, const char *host_ip, const char *host_port)
{
    p->published = true;
    p->bindings = xrealloc(p->bindings, (p->n_bindings + 1) * sizeof *p->bindings);
    p->bindings[p->n_bindings++] = (struct engine_host_binding){xstrdup(host_ip), xstrdup(host_port)};
}
