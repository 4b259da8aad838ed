/* hull: what a container's record keeps of its networking flags: docker's
 * HostConfig.NetworkMode, PortBindings, PublishAllPorts, ExtraHosts, Dns*,
 * Config.ExposedPorts and MacAddress (written at `hull run`, read at every
 * attach), the NetworkSettings a new container starts with, and ps's texts.
 * These members of Config and HostConfig are still json-c trees in struct
 * engine_record (kept as those objects' unknown members, record-config.h):
 * the network code reads them here and nowhere else (see
 * engine_network_internal.h). */
#include <arpa/inet.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "engine_network.h"
#include "engine_network_internal.h"
#include "engine_spec.h"
#include "network/network.h"
#include "network_settings.h"
#include "record.h"
#include "util/utils.h"

/* ---- the record ---- */

static struct json_object *strv_json(char **v, bool null_when_empty)
{
    if (!v && null_when_empty)
        return NULL;
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; v && v[i]; i++)
        json_object_array_add(a, json_object_new_string(v[i]));
    return a;
}

static char *port_key(int proto, unsigned port)
{
    return xasprintf("%u/%s", port, network_proto_name(proto));
}

void engine_network_record(struct json_object *rec, const struct engine_run_config *rc,
                           struct json_object *image_config)
{
    const struct engine_net_flags *nf = rc->net;
    struct json_object *host = engine_json_path(rec, "HostConfig", NULL);
    struct json_object *config = engine_json_path(rec, "Config", NULL);
    if (!host || !config)
        return;
    const char *mode = nf && nf->network ? nf->network : rc->host_network ? "host" : "none";
    json_object_object_add(host, "NetworkMode", json_object_new_string(mode));
    struct json_object *bindings = json_object_new_object();
    struct json_object *exposed = json_object_new_object();
    struct json_object *image_exposed = engine_json_path(image_config, "ExposedPorts", NULL);
    if (image_exposed) {
        json_object_object_foreach(image_exposed, k, v)
        {
            (void)v;
            json_object_object_add(exposed, k, json_object_new_object());
        }
    }
    for (size_t i = 0; nf && i < nf->n_expose; i++) {
        cleanup_free char *key = port_key(nf->expose[i].proto, nf->expose[i].ctr_port);
        json_object_object_add(exposed, key, json_object_new_object());
    }
    for (size_t i = 0; nf && i < nf->n_publish; i++) {
        const struct network_port *p = &nf->publish[i];
        cleanup_free char *key = port_key(p->proto, p->ctr_port);
        json_object_object_add(exposed, key, json_object_new_object());
        struct json_object *list = NULL;
        if (!json_object_object_get_ex(bindings, key, &list)) {
            list = json_object_new_array();
            json_object_object_add(bindings, key, list);
        }
        char ip[INET6_ADDRSTRLEN] = "";
        if (p->host6) /* docker's HostIp: without brackets */
            inet_ntop(AF_INET6, &p->host_ip6, ip, sizeof ip);
        else if (p->host_ip.s_addr)
            inet_ntop(AF_INET, &p->host_ip, ip, sizeof ip);
        cleanup_free char *hp = p->host_lo == 0               ? xstrdup("")
                                : p->host_lo == p->host_hi ? xasprintf("%u", p->host_lo)
                                                           : xasprintf("%u-%u", p->host_lo, p->host_hi);
        struct json_object *b = json_object_new_object();
        json_object_object_add(b, "HostIp", json_object_new_string(ip));
        json_object_object_add(b, "HostPort", json_object_new_string(hp));
        json_object_array_add(list, b);
    }
    json_object_object_add(host, "PortBindings", bindings);
    json_object_object_add(host, "PublishAllPorts", json_object_new_boolean(nf && nf->publish_all));
    json_object_object_add(host, "ExtraHosts", strv_json(nf ? nf->add_hosts : NULL, true));
    json_object_object_add(host, "Dns", strv_json(nf ? nf->dns : NULL, false));
    json_object_object_add(host, "DnsSearch", strv_json(nf ? nf->dns_search : NULL, false));
    json_object_object_add(host, "DnsOptions", strv_json(nf ? nf->dns_options : NULL, false));
    if (nf && nf->mac) /* docker's place for it; kept across restarts */
        json_object_object_add(config, "MacAddress", json_object_new_string(nf->mac));
    if (json_object_object_length(exposed))
        json_object_object_add(config, "ExposedPorts", exposed);
    else
        json_object_put(exposed);

}

struct engine_network_settings *engine_network_settings_for_run(const struct engine_run_config *rc)
{
    const struct engine_net_flags *nf = rc->net;
    struct engine_network_settings *ns = engine_network_settings_new();
    if (!nf || !nf->bridge)
        return ns;
    struct engine_endpoint *ep = engine_network_settings_add(ns, nf->network, nf->ip, nf->ip6, nf->aliases);
    char **filled[] = {&ep->network_id, &ep->endpoint_id, &ep->gateway, &ep->ip_address, &ep->mac_address};
    for (size_t i = 0; i < ARRAY_SIZE(filled); i++)
        *filled[i] = xstrdup("");
    /* the other --network flags: endpoints as `hull network connect` leaves them */
    for (size_t i = 0; nf->networks_more && nf->networks_more[i]; i++) {
        const struct engine_net_endpoint *o = &nf->more_opts[i];
        engine_network_settings_add(ns, nf->networks_more[i], o->ip, o->ip6, o->aliases);
    }
    return ns;
}

char *engine_network_ports_text(const struct engine_record *rec)
{
    const struct engine_network_settings *ns = rec->network_settings;
    char *out = xstrdup("");
    for (size_t k = 0; ns && k < ns->n_ports; k++) {
        const struct engine_port_map *p = &ns->ports[k];
        for (size_t i = 0; i < p->n_bindings; i++) {
            const char *hip = p->bindings[i].host_ip;
            bool six = strchr(hip, ':') != NULL; /* [fd00::1]:8080, as hull port writes it */
            char *more = xasprintf("%s%s%s%s%s:%s->%s", out, *out ? ", " : "", six ? "[" : "", hip, six ? "]" : "",
                                   p->bindings[i].host_port, p->port);
            free(out);
            out = more;
        }
    }
    return out;
}

char *engine_network_names_text(const struct engine_record *rec)
{
    const struct engine_network_settings *ns = rec->network_settings;
    char *out = xstrdup("");
    for (size_t i = 0; ns && i < ns->n_networks; i++) {
        char *more = xasprintf("%s%s%s", out, *out ? "," : "", ns->networks[i].network);
        free(out);
        out = more;
    }
    if (!*out) {
        free(out);
        out = xstrdup(engine_net_mode(rec));
    }
    return out;
}

/* ---- the network members of Config and HostConfig ---- */

const char *engine_net_mode(const struct engine_record *rec)
{
    return engine_json_str(rec->host_config.keep.other, "NetworkMode");
}

const char *engine_net_hostname(const struct engine_record *rec)
{
    return rec->config.hostname ? rec->config.hostname : "";
}

const char *engine_net_domainname(const struct engine_record *rec)
{
    return rec->config.domainname ? rec->config.domainname : "";
}

const char *engine_net_mac(const struct engine_record *rec)
{
    return engine_json_str(rec->config.keep.other, "MacAddress");
}

char **engine_net_extra_hosts(const struct engine_record *rec)
{
    struct json_object *extra = engine_json_path(rec->host_config.keep.other, "ExtraHosts", NULL);
    char **out = xmalloc0(sizeof *out);
    for (size_t i = 0; json_object_is_type(extra, json_type_array) && i < json_object_array_length(extra); i++)
        strv_add(&out, xstrdup(json_object_get_string(json_object_array_get_idx(extra, i))));
    return out;
}

char **engine_net_exposed_ports(const struct engine_record *rec)
{
    char **out = xmalloc0(sizeof *out);
    struct json_object *exposed = engine_json_path(rec->config.keep.other, "ExposedPorts", NULL);
    if (json_object_is_type(exposed, json_type_object)) {
        json_object_object_foreach(exposed, k, v)
        {
            (void)v;
            strv_add(&out, xstrdup(k));
        }
    }
    return out;
}

/* The ports to publish: -p's, and with -P every exposed port on a free one. */
void engine_net_wanted_ports(const struct engine_record *rec, struct network_port **out, size_t *n)
{
    struct json_object *pb = engine_json_path(rec->host_config.keep.other, "PortBindings", NULL);
    if (json_object_is_type(pb, json_type_object)) {
        json_object_object_foreach(pb, key, list)
        {
            for (size_t i = 0; json_object_is_type(list, json_type_array) && i < json_object_array_length(list);
                 i++) {
                struct json_object *b = json_object_array_get_idx(list, i);
                const char *hip = engine_json_str(b, "HostIp"), *hp = engine_json_str(b, "HostPort");
                /* an IPv6 HostIp goes back in brackets */
                cleanup_free char *spec = strchr(hip, ':') ? xasprintf("[%s]:%s:%s", hip, hp, key)
                                                           : xasprintf("%s:%s:%s", hip, hp, key);
                network_parse_publish(spec, out, n, NULL);
            }
        }
    }
    if (!json_object_get_boolean(engine_json_path(rec->host_config.keep.other, "PublishAllPorts", NULL)))
        return;
    cleanup_strv char **exposed = engine_net_exposed_ports(rec);
    for (size_t i = 0; exposed[i]; i++) {
        if (pb && json_object_object_get_ex(pb, exposed[i], NULL))
            continue;
        cleanup_free char *spec = xasprintf("::%s", exposed[i]);
        network_parse_publish(spec, out, n, NULL);
    }
}

