/* hull: what a container's record keeps of its networking flags: docker's
 * HostConfig.NetworkMode, PortBindings, PublishAllPorts, ExtraHosts, Dns*,
 * Config.ExposedPorts and MacAddress (written at `hull run`, read at every
 * attach: typed members of struct record_config/record_host_config,
 * hull/record-config.h), the NetworkSettings a new container starts with,
 * and ps's texts. */
#include <arpa/inet.h>
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

static char *port_key(int proto, unsigned port)
{
    return xasprintf("%u/%s", port, network_proto_name(proto));
}

/* docker's sets keep a key once, where it came first. */
static void set_add(char ***set, const char *key)
{
    for (char **k = *set; *k; k++)
        if (!strcmp(*k, key))
            return;
    strv_add(set, xstrdup(key));
}

/* The bindings of port in h->port_bindings (room for every -p was made). */
static struct record_port_bindings *bindings_of(struct record_host_config *h, const char *port)
{
    for (size_t i = 0; i < h->n_port_bindings; i++)
        if (!strcmp(h->port_bindings[i].port, port))
            return &h->port_bindings[i];
    struct record_port_bindings *pb = &h->port_bindings[h->n_port_bindings++];
    pb->port = xstrdup(port);
    return pb;
}

static void add_binding(struct record_host_config *h, const char *port, const struct network_port *p)
{
    struct record_port_bindings *pb = bindings_of(h, port);
    pb->bindings = xrealloc(pb->bindings, (pb->n_bindings + 1) * sizeof *pb->bindings);
    struct record_port_binding *b = &pb->bindings[pb->n_bindings++];
    *b = (struct record_port_binding){0};
    record_set(b, RPB_HOST_IP, RPB_HOST_PORT);
    char ip[INET6_ADDRSTRLEN] = "";
    if (p->host6) /* docker's HostIp: without brackets */
        inet_ntop(AF_INET6, &p->host_ip6, ip, sizeof ip);
    else if (p->host_ip.s_addr)
        inet_ntop(AF_INET, &p->host_ip, ip, sizeof ip);
    b->host_ip = xstrdup(ip);
    b->host_port = p->host_lo == 0               ? xstrdup("")
                   : p->host_lo == p->host_hi ? xasprintf("%u", p->host_lo)
                                              : xasprintf("%u-%u", p->host_lo, p->host_hi);
}

/* docker's [] for a list not given (Dns ...). */
static char **strv_copy_or_empty(char *const *v)
{
    return v ? strv_copy(v) : xmalloc0(sizeof(char *));
}

void engine_network_record(struct engine_record *rec, const struct engine_run_config *rc,
                           char *const *image_exposed)
{
    const struct engine_net_flags *nf = rc->net;
    struct record_host_config *h = &rec->host_config;
    record_set(h, RH_NETWORK_MODE, RH_PORT_BINDINGS, RH_PUBLISH_ALL_PORTS, RH_EXTRA_HOSTS, RH_DNS, RH_DNS_SEARCH,
               RH_DNS_OPTIONS);
    h->network_mode = xstrdup(nf && nf->network ? nf->network : rc->host_network ? "host" : "none");
    size_t n_publish = nf ? nf->n_publish : 0;
    h->port_bindings = xmalloc0((n_publish + 1) * sizeof *h->port_bindings);
    char **exposed = strv_copy_or_empty(image_exposed);
    for (size_t i = 0; nf && i < nf->n_expose; i++) {
        cleanup_free char *key = port_key(nf->expose[i].proto, nf->expose[i].ctr_port);
        set_add(&exposed, key);
    }
    for (size_t i = 0; i < n_publish; i++) {
        cleanup_free char *key = port_key(nf->publish[i].proto, nf->publish[i].ctr_port);
        set_add(&exposed, key);
        add_binding(h, key, &nf->publish[i]);
    }
    h->publish_all_ports = nf && nf->publish_all;
    h->extra_hosts = strv_copy(nf ? nf->add_hosts : NULL);
    h->dns = strv_copy_or_empty(nf ? nf->dns : NULL);
    h->dns_search = strv_copy_or_empty(nf ? nf->dns_search : NULL);
    h->dns_options = strv_copy_or_empty(nf ? nf->dns_options : NULL);
    struct record_config *c = &rec->config;
    if (nf && nf->mac) { /* docker's place for it; kept across restarts */
        record_set(c, RC_MAC_ADDRESS);
        c->mac_address = xstrdup(nf->mac);
    }
    if (exposed[0]) {
        record_set(c, RC_EXPOSED_PORTS);
        c->exposed_ports = exposed;
    } else {
        strv_free(exposed);
    }
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
    return record_str(rec->host_config.network_mode);
}

const char *engine_net_hostname(const struct engine_record *rec)
{
    return record_str(rec->config.hostname);
}

const char *engine_net_domainname(const struct engine_record *rec)
{
    return record_str(rec->config.domainname);
}

const char *engine_net_mac(const struct engine_record *rec)
{
    return record_str(rec->config.mac_address);
}

char **engine_net_extra_hosts(const struct engine_record *rec)
{
    return strv_copy_or_empty(rec->host_config.extra_hosts);
}

char **engine_net_exposed_ports(const struct engine_record *rec)
{
    return strv_copy_or_empty(rec->config.exposed_ports);
}

/* The ports to publish: -p's, and with -P every exposed port on a free one. */
void engine_net_wanted_ports(const struct engine_record *rec, struct network_port **out, size_t *n)
{
    const struct record_host_config *h = &rec->host_config;
    for (size_t k = 0; k < h->n_port_bindings; k++) {
        const struct record_port_bindings *pb = &h->port_bindings[k];
        for (size_t i = 0; i < pb->n_bindings; i++) {
            const char *hip = record_str(pb->bindings[i].host_ip), *hp = record_str(pb->bindings[i].host_port);
            /* an IPv6 HostIp goes back in brackets */
            cleanup_free char *spec = strchr(hip, ':') ? xasprintf("[%s]:%s:%s", hip, hp, pb->port)
                                                       : xasprintf("%s:%s:%s", hip, hp, pb->port);
            network_parse_publish(spec, out, n, NULL);
        }
    }
    if (!h->publish_all_ports)
        return;
    for (char **e = rec->config.exposed_ports; e && *e; e++) {
        bool bound = false;
        for (size_t k = 0; k < h->n_port_bindings && !bound; k++)
            bound = !strcmp(h->port_bindings[k].port, *e);
        if (bound)
            continue;
        cleanup_free char *spec = xasprintf("::%s", *e);
        network_parse_publish(spec, out, n, NULL);
    }
}
