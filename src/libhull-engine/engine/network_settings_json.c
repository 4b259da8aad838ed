/* hull: NetworkSettings to and from JSON (see network_settings.h): its one
 * deserializer and its one serializer.  The keys are docker's, as hull has
 * always written them into record.json, so a record written by an older
 * hull reads back whole; members not typed here are kept in other. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "network_settings.h"
#include "util/json_get.h"
#include "util/utils.h"

/* Here because of other, the members kept as json-c trees. */
void engine_endpoint_clear(struct engine_endpoint *e)
{
    char *strs[] = {e->network,     e->ipam_ipv4,   e->ipam_ipv6,    e->network_id,          e->endpoint_id,
                    e->gateway,     e->ip_address,  e->mac_address,  e->global_ipv6_address, e->ipv6_gateway};
    for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
        free(strs[i]);
    strv_free(e->aliases);
    strv_free(e->dns_names);
    json_object_put(e->other);
    memset(e, 0, sizeof *e);
}

void engine_network_settings_free(struct engine_network_settings *ns)
{
    if (!ns)
        return;
    char *strs[] = {ns->bridge,      ns->sandbox_key,         ns->gateway,     ns->ip_address,
                    ns->mac_address, ns->global_ipv6_address, ns->ipv6_gateway};
    for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
        free(strs[i]);
    engine_network_settings_clear_ports(ns);
    for (size_t i = 0; i < ns->n_networks; i++)
        engine_endpoint_clear(&ns->networks[i]);
    free(ns->networks);
    json_object_put(ns->other);
    free(ns);
}

static const char *const settings_keys[] = {
    "Bridge",     "SandboxKey", "Ports",      "Gateway",           "IPAddress",           "IPPrefixLen",
    "MacAddress", "GlobalIPv6Address", "GlobalIPv6PrefixLen", "IPv6Gateway", "Networks",
};
static const char *const endpoint_keys[] = {
    "IPAMConfig", "Aliases",     "NetworkID",         "EndpointID",          "Gateway",  "IPAddress",
    "IPPrefixLen", "MacAddress", "IPv6Gateway", "GlobalIPv6Address", "GlobalIPv6PrefixLen", "DNSNames",
};

static bool in(const char *const *keys, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(keys[i], key))
            return true;
    return false;
}

/* The members of j not in keys, or NULL. */
static struct json_object *others(struct json_object *j, const char *const *keys, size_t n)
{
    struct json_object *o = NULL;
    if (!j)
        return NULL;
    json_object_object_foreach(j, key, v)
    {
        if (in(keys, n, key))
            continue;
        if (!o)
            o = json_object_new_object();
        json_object_object_add(o, key, json_object_get(v));
    }
    return o;
}

static char *str_or(struct json_object *j, const char *key, const char *fallback)
{
    const char *s = json_get_string(j, key);
    return s ? xstrdup(s) : fallback ? xstrdup(fallback) : NULL;
}

static int int_of(struct json_object *j, const char *key)
{
    int64_t v = json_get_int64(j, key);
    return v < 0 ? 0 : (int)v;
}

static char **strv_of(struct json_object *a)
{
    char **v = xmalloc0(sizeof *v);
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        const char *s = json_object_get_string(json_object_array_get_idx(a, i));
        strv_add(&v, xstrdup(s ? s : ""));
    }
    return v;
}

static void endpoint_from_json(const char *network, struct json_object *j, struct engine_endpoint *e)
{
    e->network = xstrdup(network);
    struct json_object *ipam = json_get_object(j, "IPAMConfig");
    e->ipam = ipam != NULL;
    e->ipam_ipv4 = str_or(ipam, "IPv4Address", NULL);
    e->ipam_ipv6 = str_or(ipam, "IPv6Address", NULL);
    struct json_object *aliases = json_get_array(j, "Aliases");
    e->aliases = aliases ? strv_of(aliases) : NULL;
    e->network_id = str_or(j, "NetworkID", NULL);
    e->endpoint_id = str_or(j, "EndpointID", NULL);
    e->gateway = str_or(j, "Gateway", NULL);
    e->ip_address = str_or(j, "IPAddress", NULL);
    e->ip_prefix_len = int_of(j, "IPPrefixLen");
    e->mac_address = str_or(j, "MacAddress", NULL);
    e->ipv6_gateway = str_or(j, "IPv6Gateway", NULL);
    e->global_ipv6_address = str_or(j, "GlobalIPv6Address", NULL);
    e->global_ipv6_prefix_len = int_of(j, "GlobalIPv6PrefixLen");
    e->has_dns_names = json_object_object_get_ex(j, "DNSNames", NULL);
    struct json_object *names = json_get_array(j, "DNSNames");
    e->dns_names = names ? strv_of(names) : NULL;
    e->other = others(j, endpoint_keys, ARRAY_SIZE(endpoint_keys));
}

static void ports_from_json(struct json_object *ports, struct engine_network_settings *ns)
{
    if (!ports)
        return;
    json_object_object_foreach(ports, port, list)
    {
        bool published = json_object_is_type(list, json_type_array);
        struct engine_port_map *p = engine_network_settings_port(ns, port, published);
        for (size_t i = 0; published && i < json_object_array_length(list); i++) {
            struct json_object *b = json_object_array_get_idx(list, i);
            const char *hip = json_get_string(b, "HostIp"), *hp = json_get_string(b, "HostPort");
            engine_port_map_bind(p, hip ? hip : "", hp ? hp : "");
        }
    }
}

int engine_network_settings_from_json(struct json_object *j, struct engine_network_settings **out,
                                      struct hull_error **err)
{
    *out = NULL;
    if (!j)
        return 0;
    if (!json_object_is_type(j, json_type_object))
        return hull_error_set(err, 0, "NetworkSettings is not a JSON object");
    struct engine_network_settings *ns = xmalloc0(sizeof *ns);
    ns->bridge = str_or(j, "Bridge", NULL);
    ns->sandbox_key = str_or(j, "SandboxKey", NULL);
    ns->has_ports = json_get_object(j, "Ports") != NULL;
    ports_from_json(json_get_object(j, "Ports"), ns);
    ns->gateway = str_or(j, "Gateway", NULL);
    ns->ip_address = str_or(j, "IPAddress", NULL);
    ns->ip_prefix_len = int_of(j, "IPPrefixLen");
    ns->mac_address = str_or(j, "MacAddress", NULL);
    ns->global_ipv6_address = str_or(j, "GlobalIPv6Address", NULL);
    ns->global_ipv6_prefix_len = int_of(j, "GlobalIPv6PrefixLen");
    ns->ipv6_gateway = str_or(j, "IPv6Gateway", NULL);
    struct json_object *networks = json_get_object(j, "Networks");
    ns->has_networks = networks != NULL;
    if (networks) {
        ns->networks = xmalloc0((json_object_object_length(networks) + 1) * sizeof *ns->networks);
        json_object_object_foreach(networks, name, ep)
        {
            endpoint_from_json(name, json_object_is_type(ep, json_type_object) ? ep : NULL,
                               &ns->networks[ns->n_networks++]);
        }
    }
    ns->other = others(j, settings_keys, ARRAY_SIZE(settings_keys));
    *out = ns;
    return 0;
}

/* A list, or null when v is NULL. */
static struct json_object *strv_or_null(char *const *v)
{
    if (!v)
        return NULL;
    struct json_object *a = json_object_new_array();
    for (; *v; v++)
        json_object_array_add(a, json_object_new_string(*v));
    return a;
}

static struct json_object *endpoint_to_json(const struct engine_endpoint *e)
{
    struct json_object *o = json_object_new_object();
    struct json_object *ipam = NULL;
    if (e->ipam) {
        ipam = json_object_new_object();
        json_add_str(ipam, "IPv4Address", e->ipam_ipv4);
        json_add_str(ipam, "IPv6Address", e->ipam_ipv6);
    }
    json_object_object_add(o, "IPAMConfig", ipam);
    if (!json_member(e->other, "Links")) /* hull's endpoints have no links */
        json_object_object_add(o, "Links", NULL);
    json_object_object_add(o, "Aliases", strv_or_null(e->aliases));
    json_add_str(o, "NetworkID", e->network_id);
    json_add_str(o, "EndpointID", e->endpoint_id);
    json_add_str(o, "Gateway", e->gateway);
    json_add_str(o, "IPAddress", e->ip_address);
    if (e->ip_address)
        json_add_int(o, "IPPrefixLen", e->ip_prefix_len);
    json_add_str(o, "IPv6Gateway", e->ipv6_gateway);
    json_add_str(o, "GlobalIPv6Address", e->global_ipv6_address);
    if (e->global_ipv6_address)
        json_add_int(o, "GlobalIPv6PrefixLen", e->global_ipv6_prefix_len);
    json_add_str(o, "MacAddress", e->mac_address);
    if (e->has_dns_names)
        json_object_object_add(o, "DNSNames", strv_or_null(e->dns_names));
    if (e->other) {
        json_object_object_foreach(e->other, key, v) json_object_object_add(o, key, json_object_get(v));
    }
    return o;
}

static struct json_object *ports_to_json(const struct engine_network_settings *ns)
{
    struct json_object *ports = json_object_new_object();
    for (size_t i = 0; i < ns->n_ports; i++) {
        const struct engine_port_map *p = &ns->ports[i];
        struct json_object *list = NULL;
        if (p->published) {
            list = json_object_new_array();
            for (size_t k = 0; k < p->n_bindings; k++) {
                struct json_object *b = json_object_new_object();
                json_add_str(b, "HostIp", p->bindings[k].host_ip);
                json_add_str(b, "HostPort", p->bindings[k].host_port);
                json_object_array_add(list, b);
            }
        }
        json_object_object_add(ports, p->port, list);
    }
    return ports;
}

struct json_object *engine_network_settings_to_json(const struct engine_network_settings *ns)
{
    struct json_object *o = json_object_new_object();
    json_add_str(o, "Bridge", ns->bridge);
    json_add_str(o, "SandboxKey", ns->sandbox_key);
    if (ns->has_ports || ns->n_ports)
        json_object_object_add(o, "Ports", ports_to_json(ns));
    json_add_str(o, "Gateway", ns->gateway);
    json_add_str(o, "IPAddress", ns->ip_address);
    if (ns->ip_address)
        json_add_int(o, "IPPrefixLen", ns->ip_prefix_len);
    json_add_str(o, "MacAddress", ns->mac_address);
    json_add_str(o, "GlobalIPv6Address", ns->global_ipv6_address);
    if (ns->global_ipv6_address)
        json_add_int(o, "GlobalIPv6PrefixLen", ns->global_ipv6_prefix_len);
    json_add_str(o, "IPv6Gateway", ns->ipv6_gateway);
    if (ns->has_networks || ns->n_networks) {
        struct json_object *networks = json_object_new_object();
        for (size_t i = 0; i < ns->n_networks; i++)
            json_object_object_add(networks, ns->networks[i].network, endpoint_to_json(&ns->networks[i]));
        json_object_object_add(o, "Networks", networks);
    }
    if (ns->other) {
        json_object_object_foreach(ns->other, key, v) json_object_object_add(o, key, json_object_get(v));
    }
    return o;
}
