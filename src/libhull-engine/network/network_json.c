/* hull: a network's JSON (see network.h): ROOT/networks/NAME/config.json
 * (its one serializer and its one deserializer) and the objects `hull
 * network inspect` and `network ls --format` print (docker's shapes). */
#include <arpa/inet.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "network.h"
#include "network_internal.h"
#include "util/json_get.h"
#include "util/utils.h"

char *network_config_to_text(const struct network_config *c)
{
    struct json_object *o = json_object_new_object();
    char gw[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &c->gateway, gw, sizeof gw);
    cleanup_free char *subnet = network_subnet_text(c);
    json_add_str(o, "Name", c->name);
    json_add_str(o, "Id", c->id);
    json_add_str(o, "Created", c->created);
    json_add_str(o, "Driver", "bridge");
    json_add_str(o, "Subnet", subnet);
    json_add_str(o, "Gateway", gw);
    json_add_bool(o, "Internal", c->internal);
    json_add_str(o, "Bridge", c->bridge);
    json_add_int(o, "MTU", c->mtu);
    if (c->ipv6) {
        char gw6[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &c->gateway6, gw6, sizeof gw6);
        cleanup_free char *subnet6 = network_subnet6_text(c);
        json_add_bool(o, "EnableIPv6", true);
        json_add_str(o, "Subnet6", subnet6);
        json_add_str(o, "Gateway6", gw6);
    }
    char *text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return text;
}

static const char *str(struct json_object *o, const char *key)
{
    const char *s = json_get_string(o, key);
    return s ? s : "";
}

int network_config_parse(const char *text, struct network_config **out, const char **damaged)
{
    struct json_object *o = json_tokener_parse(text);
    cleanup_network_config struct network_config *c = xmalloc0(sizeof *c);
    int r = -1;
    *damaged = "";
    if (!json_object_is_type(o, json_type_object) ||
        !network_parse_cidr(str(o, "Subnet"), &c->subnet, &c->prefix) ||
        inet_pton(AF_INET, str(o, "Gateway"), &c->gateway) != 1 || !*str(o, "Bridge"))
        goto out;
    c->name = xstrdup(str(o, "Name"));
    c->id = xstrdup(str(o, "Id"));
    c->bridge = xstrdup(str(o, "Bridge"));
    c->created = xstrdup(str(o, "Created"));
    c->internal = json_get_bool(o, "Internal");
    int64_t mtu = json_get_int64(o, "MTU");
    c->mtu = mtu > 0 ? (unsigned)mtu : NETWORK_DEFAULT_MTU;
    c->ipv6 = json_get_bool(o, "EnableIPv6");
    if (c->ipv6 && (!network_parse_cidr6(str(o, "Subnet6"), &c->subnet6, &c->prefix6) ||
                    inet_pton(AF_INET6, str(o, "Gateway6"), &c->gateway6) != 1)) {
        *damaged = " (its IPv6 subnet)";
        goto out;
    }
    *out = steal_pointer(&c);
    r = 0;
out:
    json_object_put(o);
    return r;
}

void network_members_free(struct network_member *m, size_t n)
{
    for (size_t i = 0; m && i < n; i++) {
        free(m[i].id);
        free(m[i].name);
        free(m[i].endpoint_id);
        free(m[i].mac);
        free(m[i].ipv4);
        free(m[i].ipv6);
    }
    free(m);
}

/* docker's IPAM.Config entry. */
static struct json_object *ipam_config(const char *subnet, const char *gateway)
{
    struct json_object *cfg = json_object_new_object();
    json_add_str(cfg, "Subnet", subnet);
    json_add_str(cfg, "Gateway", gateway);
    return cfg;
}

struct json_object *network_inspect_to_json(const struct network_config *c, const struct network_member *m,
                                            size_t n)
{
    cleanup_free char *subnet = network_subnet_text(c);
    char gw[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &c->gateway, gw, sizeof gw);
    struct json_object *o = json_object_new_object();
    json_add_str(o, "Name", c->name);
    json_add_str(o, "Id", c->id);
    json_add_str(o, "Created", c->created);
    json_add_str(o, "Scope", "local");
    json_add_str(o, "Driver", "bridge");
    json_add_bool(o, "EnableIPv6", c->ipv6);
    struct json_object *ipam = json_object_new_object(), *cfgs = json_object_new_array();
    json_object_array_add(cfgs, ipam_config(subnet, gw));
    if (c->ipv6) {
        cleanup_free char *subnet6 = network_subnet6_text(c);
        char gw6[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &c->gateway6, gw6, sizeof gw6);
        json_object_array_add(cfgs, ipam_config(subnet6, gw6));
    }
    json_add_str(ipam, "Driver", "default");
    json_add_tree(ipam, "Options", json_object_new_object());
    json_add_tree(ipam, "Config", cfgs);
    json_add_tree(o, "IPAM", ipam);
    json_add_bool(o, "Internal", c->internal);
    json_add_bool(o, "Attachable", false);
    json_add_bool(o, "Ingress", false);
    struct json_object *containers = json_object_new_object();
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_new_object();
        json_add_str(e, "Name", m[i].name);
        json_add_str(e, "EndpointID", m[i].endpoint_id);
        json_add_str(e, "MacAddress", m[i].mac);
        json_add_str(e, "IPv4Address", m[i].ipv4);
        json_add_str(e, "IPv6Address", m[i].ipv6);
        json_add_tree(containers, m[i].id, e);
    }
    json_add_tree(o, "Containers", containers);
    struct json_object *opts = json_object_new_object();
    cleanup_free char *mtu = xasprintf("%u", c->mtu);
    json_add_str(opts, "com.docker.network.bridge.name", c->bridge);
    json_add_str(opts, "com.docker.network.driver.mtu", mtu);
    json_add_tree(o, "Options", opts);
    json_add_tree(o, "Labels", json_object_new_object());
    return o;
}

struct json_object *network_ls_row_to_json(const struct network_config *c, const char *name, const char *shown_id)
{
    cleanup_free char *subnet = network_subnet_text(c);
    char gw[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &c->gateway, gw, sizeof gw);
    struct json_object *o = json_object_new_object();
    json_add_str(o, "ID", shown_id);
    json_add_str(o, "Name", name);
    json_add_str(o, "Driver", "bridge");
    json_add_str(o, "Scope", "local");
    json_add_str(o, "Subnet", subnet);
    json_add_str(o, "Gateway", gw);
    json_add_bool(o, "Internal", c->internal);
    json_add_str(o, "CreatedAt", c->created);
    return o;
}

struct json_object *network_ls_titles_to_json(void)
{
    static const char *const titles[][2] = {
        {"ID", "NETWORK ID"}, {"Name", "NAME"},       {"Driver", "DRIVER"},   {"Scope", "SCOPE"},
        {"Subnet", "SUBNET"}, {"Gateway", "GATEWAY"}, {"Internal", "INTERNAL"}, {"CreatedAt", "CREATED AT"},
    };
    struct json_object *o = json_object_new_object();
    for (size_t i = 0; i < ARRAY_SIZE(titles); i++)
        json_add_str(o, titles[i][0], titles[i][1]);
    return o;
}
