/* hull: a container's networking (see engine_network.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_etc.h"
#include "engine_network.h"
#include "engine_network_internal.h"
#include "engine_spec.h"
#include "lifecycle.h"
#include "network/netlink.h"
#include "network/network.h"
#include "record.h"
#include "rootless.h"
#include "util/utils.h"

/* ---- flags ---- */

static bool ip_valid(const char *s)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static bool alias_valid(const char *s)
{
    return *s && !strpbrk(s, " \t\n#");
}

static void endpoint_clear(struct engine_net_endpoint *e)
{
    free(e->ip);
    free(e->ip6);
    free(e->mac);
    strv_free(e->aliases);
    memset(e, 0, sizeof *e);
}

/* docker's advanced --network syntax, name=NET,alias=A,ip=IP,ip6=IP6,mac-address=MAC
 * (alias repeatable); a value without '=' is a network name. */
static int parse_network_value(const char *value, char **name, struct engine_net_endpoint *ep,
                               struct hull_error **err)
{
    if (!strchr(value, '=')) {
        *name = xstrdup(value);
        return 0;
    }
    cleanup_free char *copy = xstrdup(value);
    char *save = NULL;
    for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        const char *v = eq ? eq + 1 : "";
        if (eq)
            *eq = '\0';
        unsigned char buf[16];
        if (!strcmp(kv, "name") && *v && !*name) {
            *name = xstrdup(v);
        } else if (!strcmp(kv, "alias") && alias_valid(v)) {
            strv_add(&ep->aliases, xstrdup(v));
        } else if (!strcmp(kv, "ip") && !ep->ip && inet_pton(AF_INET, v, buf) == 1) {
            ep->ip = xstrdup(v);
        } else if (!strcmp(kv, "ip6") && !ep->ip6 && inet_pton(AF_INET6, v, buf) == 1) {
            ep->ip6 = xstrdup(v);
        } else if (!strcmp(kv, "mac-address") && !ep->mac && engine_parse_mac(v, buf)) {
            ep->mac = xstrdup(v);
        } else {
            free(*name);
            *name = NULL;
            endpoint_clear(ep);
            return hull_error_set(err, 0,
                                  "invalid --network \"%s\": bad or repeated \"%s%s%s\" (want name=NET once, then "
                                  "alias=A, ip=IPV4, ip6=IPV6, mac-address=MAC)",
                                  value, kv, eq ? "=" : "", v);
        }
    }
    if (!*name) {
        endpoint_clear(ep);
        return hull_error_set(err, 0, "invalid --network \"%s\": name=NET is missing", value);
    }
    return 0;
}

int engine_net_flag(struct engine_net_flags *nf, const char *flag, const char *value, struct hull_error **err)
{
    if (!strcmp(flag, "--network")) {
        if (!*value)
            return hull_error_set(err, 0, "invalid --network \"\": want a network name, none, host or container:NAME");
        char *name = NULL;
        struct engine_net_endpoint ep = {0};
        if (parse_network_value(value, &name, &ep, err) < 0)
            return -1;
        if (!nf->mode) {
            nf->mode = nf->mode_owned = name;
            nf->first = ep;
            return 0;
        }
        size_t n = strv_length(nf->more);
        if (ep.mac) {
            cleanup_free char *owned = name;
            endpoint_clear(&ep);
            return hull_error_set(err, 0, "invalid --network \"%s\": mac-address= is taken on the first --network only",
                                  value);
        }
        nf->more_opts = xrealloc(nf->more_opts, (n + 1) * sizeof *nf->more_opts);
        nf->more_opts[n] = ep;
        strv_add(&nf->more, name);
    } else if (!strcmp(flag, "--ip")) {
        struct in_addr a;
        if (inet_pton(AF_INET, value, &a) != 1)
            return hull_error_set(err, 0, "invalid --ip \"%s\": not an IPv4 address", value);
        nf->ip = value;
    } else if (!strcmp(flag, "--ip6")) {
        struct in6_addr a;
        if (inet_pton(AF_INET6, value, &a) != 1)
            return hull_error_set(err, 0, "invalid --ip6 \"%s\": not an IPv6 address", value);
        nf->ip6 = value;
    } else if (!strcmp(flag, "-p")) {
        return network_parse_publish(value, &nf->publish, &nf->n_publish, err);
    } else if (!strcmp(flag, "-P")) {
        nf->publish_all = true;
    } else if (!strcmp(flag, "--expose")) {
        return network_parse_expose(value, &nf->expose, &nf->n_expose, err);
    } else if (!strcmp(flag, "--add-host")) {
        /* docker: NAME:IP (IPv6 addresses have colons: split at the first) or NAME=IP */
        size_t k = strcspn(value, ":=");
        const char *ip = value[k] ? value + k + 1 : "";
        if (k == 0 || !value[k] || (!ip_valid(ip) && strcmp(ip, "host-gateway")))
            return hull_error_set(err, 0, "invalid --add-host \"%s\": want NAME:IP (or NAME:host-gateway)", value);
        strv_add(&nf->add_hosts, xstrdup(value));
    } else if (!strcmp(flag, "--dns")) {
        if (!ip_valid(value))
            return hull_error_set(err, 0, "invalid --dns \"%s\": not an IP address", value);
        strv_add(&nf->dns, xstrdup(value));
    } else if (!strcmp(flag, "--dns-search")) {
        strv_add(&nf->dns_search, xstrdup(value));
    } else if (!strcmp(flag, "--dns-option")) {
        strv_add(&nf->dns_options, xstrdup(value));
    } else if (!strcmp(flag, "--mac-address")) {
        unsigned char mac[6];
        if (!engine_parse_mac(value, mac))
            return hull_error_set(err, 0,
                                  "invalid --mac-address \"%s\": want a unicast address such as 02:42:ac:11:00:02",
                                  value);
        nf->mac = value;
    } else if (!strcmp(flag, "--network-alias")) {
        if (!alias_valid(value))
            return hull_error_set(err, 0, "invalid --network-alias \"%s\": not a host name", value);
        strv_add(&nf->aliases, xstrdup(value));
    } else {
        return hull_error_set(err, 0, "unknown network flag %s", flag);
    }
    return 0;
}

void engine_net_flags_clear(struct engine_net_flags *nf)
{
    free(nf->publish);
    free(nf->expose);
    strv_free(nf->add_hosts);
    strv_free(nf->dns);
    strv_free(nf->dns_search);
    strv_free(nf->dns_options);
    strv_free(nf->aliases);
    for (size_t i = 0; nf->more && nf->more[i]; i++)
        endpoint_clear(&nf->more_opts[i]);
    free(nf->more_opts);
    strv_free(nf->more);
    strv_free(nf->networks_more);
    endpoint_clear(&nf->first);
    free(nf->mode_owned);
    free(nf->network);
    free(nf->netns_path);
    memset(nf, 0, sizeof *nf);
}

/* The first -p with an IPv6 host address, or NULL. */
static const struct network_port *first_host6(const struct engine_net_flags *nf)
{
    for (size_t i = 0; i < nf->n_publish; i++)
        if (nf->publish[i].host6)
            return &nf->publish[i];
    return NULL;
}

static const char *ntop6_text(const struct network_port *p)
{
    static char text[INET6_ADDRSTRLEN];
    return inet_ntop(AF_INET6, &p->host_ip6, text, sizeof text);
}

static bool is_bridge_mode(const char *mode)
{
    return mode && *mode && strcmp(mode, "none") && strcmp(mode, "host") && strncmp(mode, "container:", 10) &&
           strcmp(mode, ENGINE_NETWORK_SLIRP);
}

static int prepare_container_mode(const char *root, const char *runroot, struct engine_net_flags *nf,
                                  struct hull_error **err)
{
    const char *target = nf->mode + 10;
    cleanup_free char *id = NULL;
    if (!*target)
        return hull_error_set(err, 0, "invalid --network \"%s\": want container:NAME", nf->mode);
    if (engine_record_find(root, target, &id, err) < 0)
        return hull_error_wrap(err, "invalid --network \"%s\"", nf->mode);
    cleanup_engine_record struct engine_record *rec = NULL;
    if (!engine_container_running(runroot, id) || engine_record_read(root, id, &rec, err) < 0)
        return hull_error_set(err, 0, "invalid --network \"%s\": container %s is not running", nf->mode, target);
    int pid = rec->state.pid;
    if (pid <= 0)
        return hull_error_set(err, 0, "invalid --network \"%s\": container %s is not running", nf->mode, target);
    nf->netns_path = xasprintf("/proc/%d/ns/net", pid);
    nf->network = xasprintf("container:%s", id);
    return 0;
}

/* host-gateway in --add-host: the network's gateway (docker: the host's address on it). */
static void resolve_host_gateway(struct engine_net_flags *nf, const char *gateway)
{
    for (size_t i = 0; nf->add_hosts && nf->add_hosts[i]; i++) {
        char *h = nf->add_hosts[i];
        size_t k = strcspn(h, ":=");
        if (strcmp(h + k + 1, "host-gateway"))
            continue;
        char *fixed = xasprintf("%.*s:%s", (int)k, h, gateway);
        free(h);
        nf->add_hosts[i] = fixed;
    }
}

static const char *canonical_mode(const char *mode)
{
    return !strcmp(mode, "bridge") ? NETWORK_DEFAULT : mode; /* docker's name of its default network */
}

/* Several --network flags: only bridge networks join each other (a namespace
 * of its own with only lo, the host's, or another container's cannot have
 * more), and each network once, as docker says. */
static int check_more_syntax(const struct engine_net_flags *nf, struct hull_error **err)
{
    if (!nf->more)
        return 0;
    size_t n = strv_length(nf->more);
    for (size_t i = 0; i <= n; i++) {
        const char *m = i == 0 ? nf->mode : nf->more[i - 1];
        if (!is_bridge_mode(m))
            return hull_error_set(err, 0, "invalid --network \"%s\": it cannot be combined with other --network flags",
                                  m);
        for (size_t k = 0; k < i; k++)
            if (!strcmp(canonical_mode(k == 0 ? nf->mode : nf->more[k - 1]), canonical_mode(m)))
                return hull_error_set(err, 0, "invalid --network \"%s\": network %s is given twice", m,
                                      canonical_mode(m));
    }
    return 0;
}

/* ip/ip6 on network c: trial leases, given back at once, so that the
 * addresses are checked now, before anything exists. Under the lock. */
static int check_addresses(const char *root, const char *runroot, const struct network_config *c, const char *ip,
                           const char *ip6, struct hull_error **err)
{
    if ((ip || ip6) && engine_network_sweep_locked(root, runroot, err) < 0)
        return -1;
    if (ip) {
        struct in_addr want, got;
        inet_pton(AF_INET, ip, &want);
        if (network_lease(root, c, "check", want, &got, err) < 0)
            return -1;
        network_release(root, c->name, got, NULL);
    }
    if (ip6) {
        if (!c->ipv6)
            return hull_error_set(err, 0, "invalid --ip6 \"%s\": network %s has no IPv6 (network create --ipv6)", ip6,
                                  c->name);
        struct in6_addr want6, got6;
        inet_pton(AF_INET6, ip6, &want6);
        if (network_lease6(root, c, "check", &want6, &got6, err) < 0)
            return -1;
        network_release6(root, c->name, &got6, NULL);
    }
    return 0;
}

/* The other networks exist (the default one is made on first use), and
 * their ip=/ip6= are free; under the lock. */
static int resolve_more(const char *root, const char *runroot, struct engine_net_flags *nf, struct hull_error **err)
{
    for (size_t i = 0; nf->more && nf->more[i]; i++) {
        const char *m = canonical_mode(nf->more[i]);
        cleanup_network_config struct network_config *c = NULL;
        if (strcmp(m, NETWORK_DEFAULT) && !network_name_valid(m))
            return hull_error_set(err, 0, "invalid --network \"%s\": not a network name", m);
        if (!strcmp(m, NETWORK_DEFAULT) ? network_default(root, &c, err) < 0 : network_load(root, m, &c, err) < 0)
            return hull_error_wrap(err, "invalid --network \"%s\"", m);
        if (check_addresses(root, runroot, c, nf->more_opts[i].ip, nf->more_opts[i].ip6, err) < 0)
            return -1;
        strv_add(&nf->networks_more, xstrdup(c->name));
    }
    return 0;
}

/* The first --network's name=...,ip=... options are the same as --ip & co.
 * (docker: one or the other, "conflicting options"). */
static int merge_first(struct engine_net_flags *nf, struct hull_error **err)
{
    struct engine_net_endpoint *f = &nf->first;
    const char *what = f->ip && nf->ip ? "--ip" : f->ip6 && nf->ip6 ? "--ip6" : f->mac && nf->mac ? "--mac-address"
                       : f->aliases && nf->aliases ? "--network-alias" : NULL;
    if (what)
        return hull_error_set(err, 0, "conflicting options: %s and the same option in --network name=%s,...", what,
                              nf->mode);
    if (f->ip)
        nf->ip = f->ip;
    if (f->ip6)
        nf->ip6 = f->ip6;
    if (f->mac)
        nf->mac = f->mac;
    if (f->aliases) {
        nf->aliases = f->aliases; /* handed over */
        f->aliases = NULL;
    }
    return 0;
}

int engine_network_prepare(const char *root, const char *runroot, struct engine_net_flags *nf,
                           struct engine_run_config *rc, struct hull_error **err)
{
    if (merge_first(nf, err) < 0 || check_more_syntax(nf, err) < 0)
        return -1;
    const char *mode = nf->mode;
    if (!mode) {
        mode = getenv("HULL_DEFAULT_NETWORK");
        if (!mode || !*mode)
            mode = !engine_rootless()              ? NETWORK_DEFAULT
                   : engine_slirp_check(NULL) == 0 ? ENGINE_NETWORK_SLIRP /* a normal user: docs/rootless.md */
                                                   : "none";
    }
    mode = canonical_mode(mode);
    rc->net = nf;
    bool ports = nf->n_publish || nf->publish_all;
    /* A bridge, veths and nft rules are the host's: a normal user's hull
     * (docs/rootless.md) cannot make them, and must not half-make them. */
    if (is_bridge_mode(mode) && engine_rootless())
        return hull_error_set(err, 0, "rootless: --network %s needs root (a bridge on the host); use --network none "
                              "or host", nf->mode ? nf->mode : mode);
    bool slirp = !strcmp(mode, ENGINE_NETWORK_SLIRP);
    if (slirp && engine_slirp_check(err) < 0)
        return hull_error_wrap(err, "invalid --network %s", mode);
    const struct network_port *p6 = first_host6(nf);
    if (slirp && p6)
        return hull_error_set(err, 0, "invalid -p [%s]:...:%u: --network slirp4netns publishes on IPv4 host "
                              "addresses only", ntop6_text(p6), p6->ctr_port);
    if (!is_bridge_mode(mode)) {
        const char *shown = nf->mode ? nf->mode : mode;
        if (ports && !slirp)
            return hull_error_set(err, 0, "invalid -p/-P: --network %s has no network of its own to publish ports of",
                                  shown);
        if (nf->ip || nf->ip6)
            return hull_error_set(err, 0, "invalid %s \"%s\": --network %s has no address to choose",
                                  nf->ip ? "--ip" : "--ip6", nf->ip ? nf->ip : nf->ip6, shown);
        if (nf->mac)
            return hull_error_set(err, 0, "invalid --mac-address \"%s\": --network %s has no interface of its own",
                                  nf->mac, shown);
        if (nf->aliases)
            return hull_error_set(err, 0, "invalid --network-alias \"%s\": --network %s has no names", nf->aliases[0],
                                  shown);
        if (!strncmp(mode, "container:", 10)) {
            if (nf->add_hosts || nf->dns || nf->dns_search || nf->dns_options)
                return hull_error_set(err, 0, "invalid --network \"%s\": --add-host and --dns* come from that container",
                                      mode);
            nf->mode = mode;
            return prepare_container_mode(root, runroot, nf, err);
        }
        for (size_t i = 0; nf->add_hosts && nf->add_hosts[i]; i++)
            if (strstr(nf->add_hosts[i], "host-gateway"))
                return hull_error_set(err, 0, "invalid --add-host \"%s\": --network %s has no gateway",
                                      nf->add_hosts[i], shown);
        nf->network = xstrdup(mode);
        rc->host_network = !strcmp(mode, "host");
        return 0;
    }
    if (strcmp(mode, NETWORK_DEFAULT) && !network_name_valid(mode))
        return hull_error_set(err, 0, "invalid --network \"%s\": not a network name", mode);
    cleanup_close int lock = -1;
    if (network_lock(root, &lock, err) < 0)
        return -1;
    cleanup_network_config struct network_config *c = NULL;
    if (!strcmp(mode, NETWORK_DEFAULT) ? network_default(root, &c, err) < 0 : network_load(root, mode, &c, err) < 0) {
        if (!nf->mode) /* not asked for: say where it comes from */
            return hull_error_wrap(err, "the default network (HULL_DEFAULT_NETWORK=none or --network none to go without)");
        return hull_error_wrap(err, "invalid --network \"%s\"", mode);
    }
    /* -p [IPV6]:... goes to the container's IPv6 address: before anything exists, not at attach */
    if (p6 && !c->ipv6)
        return hull_error_set(err, 0, "invalid -p [%s]:...:%u: network %s is IPv4 only; an IPv6 host address needs "
                              "a dual-stack network (hull network create --ipv6)", ntop6_text(p6), p6->ctr_port,
                              c->name);
    if (check_addresses(root, runroot, c, nf->ip, nf->ip6, err) < 0 || resolve_more(root, runroot, nf, err) < 0)
        return -1;
    char gw[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &c->gateway, gw, sizeof gw);
    resolve_host_gateway(nf, gw);
    nf->network = xstrdup(c->name);
    nf->bridge = true;
    return 0;
}

int engine_parse_domainname(const char *text, struct hull_error **err)
{
    if (strlen(text) > 64)
        return hull_error_set(err, 0, "invalid --domainname \"%s\": longer than 64 characters", text);
    for (const char *p = text; *p; p++)
        if (iscntrl((unsigned char)*p) || isspace((unsigned char)*p) || *p == '/' || *p == '#')
            return hull_error_set(err, 0, "invalid --domainname \"%s\": not a domain name", text);
    return 0;
}

bool engine_parse_mac(const char *text, unsigned char mac[6])
{
    unsigned v[6];
    char end;
    if (strlen(text) != 17 || sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                                     &end) != 6)
        return false;
    for (int i = 0; i < 6; i++) {
        if (!isxdigit((unsigned char)text[3 * i]) || !isxdigit((unsigned char)text[3 * i + 1]) ||
            (i < 5 && text[3 * i + 2] != ':'))
            return false;
        mac[i] = (unsigned char)v[i];
    }
    /* multicast (bit 0 of the first byte) or all zero: no interface may have it */
    return !(mac[0] & 1) && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}
