/* hull: attaching a running container to its network and detaching it
 * (see engine_network.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_etc.h"
#include "engine_network.h"
#include "engine_network_internal.h"
#include "events.h"
#include "lifecycle.h"
#include "network/netlink.h"
#include "network/network.h"
#include "network_settings.h"
#include "record.h"
#include "util/utils.h"

/* The host end of a container's veth: "veth" + 11 hex digits of its id (IFNAMSIZ). */
static void veth_name(const char *id, char out[16])
{
    snprintf(out, 16, "veth%.11s", id);
}

static const char *ntop(struct in_addr a, char buf[INET_ADDRSTRLEN])
{
    return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static const char *ntop6(const struct in6_addr *a, char buf[INET6_ADDRSTRLEN])
{
    return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

/* The IPv6 address id holds on network (false: none, or an IPv4-only network). */
static bool lease6_of(const char *root, const char *network, const char *id, struct in6_addr *out)
{
    cleanup_free struct network_lease6 *l = NULL;
    size_t n = 0;
    if (network_leases6(root, network, &l, &n, NULL) < 0)
        return false;
    for (size_t k = 0; k < n; k++)
        if (!strcmp(l[k].id, id)) {
            *out = l[k].addr;
            return true;
        }
    return false;
}

/* ---- hosts files ---- */

/* Rewritten in place, not renamed over: the file is bind-mounted into the
 * container, and a mount follows the inode.  Written over from offset 0,
 * then cut to its length, not O_TRUNC: on ext4 a truncate to 0 makes the
 * close start the file's writeback at once (auto_da_alloc), and waits for
 * one still in flight: ~100 us for a file made moments before (at the
 * container's creation), up to ~2 ms, against ~40 us (measured on the
 * test machine's ext4).  A reader sees a half-written file either way. */
static void write_in_place(const char *path, const char *text)
{
    cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    size_t len = strlen(text);
    if (fd >= 0 && write_all(fd, text, len) == (ssize_t)len)
        (void)!ftruncate(fd, (off_t)len);
}

/* The records read while hosts files are rewritten, each read once: one
 * attach or detach rewrites the file of every container on the network,
 * and each file names every peer. */
struct record_cache {
    char **ids;
    struct engine_record **recs;
    size_t n;
    const struct engine_record *self; /* already read by the caller (not owned), or NULL */
};

static const struct engine_record *cached_record(const char *root, struct record_cache *c, const char *id)
{
    if (c->self && !strcmp(c->self->id, id))
        return c->self;
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->ids[i], id))
            return c->recs[i];
    struct engine_record *rec = NULL;
    if (engine_record_read(root, id, &rec, NULL) < 0)
        return NULL;
    c->ids = xrealloc(c->ids, (c->n + 1) * sizeof *c->ids);
    c->recs = xrealloc(c->recs, (c->n + 1) * sizeof *c->recs);
    c->ids[c->n] = xstrdup(id);
    c->recs[c->n++] = rec;
    return rec;
}

static void record_cache_clear(struct record_cache *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->ids[i]);
        engine_record_free(c->recs[i]);
    }
    free(c->ids);
    free(c->recs);
    memset(c, 0, sizeof *c);
}
#define cleanup_record_cache __attribute__((cleanup(record_cache_clear)))

/* Appends "IP\tname [hostname] [aliases on network]" for a peer (and the
 * same line for its IPv6 address on a dual-stack network). */
static void peer_line(char **buf, size_t *len, struct in_addr addr, const struct in6_addr *addr6,
                      const struct engine_record *rec, const char *network)
{
    char a[INET6_ADDRSTRLEN];
    const char *name = engine_record_short_name(rec);
    const char *hn = engine_net_hostname(rec);
    cleanup_free char *line = xasprintf("%s%s", name, strcmp(hn, name) ? " " : "");
    if (strcmp(hn, name)) {
        char *longer = xasprintf("%s%s", line, hn);
        free(line);
        line = longer;
    }
    const struct engine_endpoint *ep = engine_network_settings_endpoint(rec->network_settings, network);
    for (size_t i = 0; ep && ep->aliases && ep->aliases[i]; i++) {
        char *longer = xasprintf("%s %s", line, ep->aliases[i]);
        free(line);
        line = longer;
    }
    char a6[INET6_ADDRSTRLEN];
    cleanup_free char *six = addr6 ? xasprintf("%s\t%s\n", ntop6(addr6, a6), line) : xstrdup("");
    char *grown = xasprintf("%s%s\t%s\n%s", *buf ? *buf : "", ntop(addr, a), line, six);
    free(*buf);
    *buf = grown;
    *len = strlen(grown);
}

/* The hosts file of one container: its own line (its address on the
 * network it was run with), --add-host lines, and a line per other
 * container of every user network it is on (name, host name, aliases):
 * that is how names resolve (docs/networking.md says why).  The default
 * network has no name resolution, like docker's "bridge". */
static void rewrite_hosts(const char *root, const char *id, struct record_cache *cache)
{
    const struct engine_record *rec = cached_record(root, cache, id);
    if (!rec)
        return;
    const char *path = rec->hosts_path;
    const char *mode = engine_net_mode(rec);
    cleanup_strv char **names = NULL;
    cleanup_free char *peers = NULL;
    size_t len = 0;
    struct in_addr self = {0}, any = {0};
    struct in6_addr self6 = IN6ADDR_ANY_INIT;
    bool have6 = false;
    if (!*path || network_list(root, &names, NULL) < 0)
        return;
    for (size_t i = 0; names[i]; i++) {
        cleanup_free struct network_lease *l = NULL;
        size_t n = 0;
        if (network_leases(root, names[i], &l, &n, NULL) < 0)
            continue;
        bool member = false;
        for (size_t k = 0; k < n; k++) {
            if (strcmp(l[k].id, id))
                continue;
            member = true;
            any = l[k].addr;
            if (!strcmp(names[i], mode)) {
                self = l[k].addr;
                have6 = lease6_of(root, names[i], id, &self6);
            }
        }
        if (!member || !strcmp(names[i], NETWORK_DEFAULT))
            continue;
        for (size_t k = 0; k < n; k++) {
            const struct engine_record *peer = NULL;
            if (!strcmp(l[k].id, id) || !(peer = cached_record(root, cache, l[k].id)))
                continue;
            struct in6_addr peer6;
            bool peer_has6 = lease6_of(root, names[i], l[k].id, &peer6);
            peer_line(&peers, &len, l[k].addr, peer_has6 ? &peer6 : NULL, peer, names[i]);
        }
    }
    if (!self.s_addr)
        self = any;
    char a[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];
    const char *hostname = engine_net_hostname(rec);
    const char *domainname = engine_net_domainname(rec);
    cleanup_strv char **extra_v = engine_net_extra_hosts(rec);
    cleanup_free char *text =
        engine_hosts_for(hostname, domainname, engine_record_short_name(rec), self.s_addr ? ntop(self, a) : NULL,
                         self.s_addr && have6 ? ntop6(&self6, a6) : NULL, extra_v, peers);
    write_in_place(path, text);
}

/* The hosts file of every container on network but skip (NULL: every one). */
static void refresh_hosts(const char *root, const char *network, const char *skip, struct record_cache *cache)
{
    if (!strcmp(network, NETWORK_DEFAULT))
        return;
    cleanup_free struct network_lease *l = NULL;
    size_t n = 0;
    if (network_leases(root, network, &l, &n, NULL) < 0)
        return;
    for (size_t i = 0; i < n; i++)
        if (!skip || strcmp(l[i].id, skip))
            rewrite_hosts(root, l[i].id, cache);
}

void engine_network_names_changed(const char *root, const char *id)
{
    cleanup_record_cache struct record_cache cache = {0};
    const struct engine_record *rec = cached_record(root, &cache, id);
    if (!rec)
        return;
    rewrite_hosts(root, id, &cache);
    for (size_t i = 0; rec->network_settings && i < rec->network_settings->n_networks; i++)
        refresh_hosts(root, rec->network_settings->networks[i].network, id, &cache);
}

/* ---- NetworkSettings ---- */

struct attachment {
    const struct network_config *net;
    struct in_addr addr;
    bool has6; /* a dual-stack network: addr6 too */
    struct in6_addr addr6;
    uint8_t mac[6];
    struct network_binding *bindings;
    size_t n_bindings;
    int pid;
    bool primary; /* the network of --network: eth0, default route, ports */
    unsigned bridge; /* its interface index (network_activate) */
};

/* The Ports of NetworkSettings: every exposed port, with its bindings (a
 * NULL: none, the container stopped). */
static void set_ports(const struct engine_record *rec, struct engine_network_settings *ns,
                      const struct attachment *a)
{
    engine_network_settings_clear_ports(ns);
    ns->has_ports = true;
    if (!a)
        return;
    cleanup_strv char **exposed = engine_net_exposed_ports(rec);
    for (size_t i = 0; exposed[i]; i++)
        engine_network_settings_port(ns, exposed[i], false);
    for (size_t i = 0; i < a->n_bindings; i++) {
        const struct network_binding *b = &a->bindings[i];
        cleanup_free char *key = xasprintf("%u/%s", b->ctr_port, network_proto_name(b->proto));
        struct engine_port_map *p = engine_network_settings_port(ns, key, true);
        cleanup_free char *hip = network_binding_host(b, false);
        cleanup_free char *hp = xasprintf("%u", b->host_port);
        engine_port_map_bind(p, hip, hp);
        if (b->has6 && !b->host6 && !b->host_ip.s_addr) /* docker lists [::] as a binding of its own */
            engine_port_map_bind(p, "::", hp);
    }
}

static void set_sandbox(struct engine_network_settings *ns, int pid)
{
    free(ns->sandbox_key);
    ns->sandbox_key = pid > 0 ? xasprintf("/proc/%d/ns/net", pid) : xstrdup("");
}

struct ports_edit {
    const struct network_binding *b;
    size_t n;
    int pid;
};

static int edit_ports(struct engine_record *rec, void *data, struct hull_error **err)
{
    (void)err;
    const struct ports_edit *e = data;
    struct engine_network_settings *ns = rec->network_settings;
    if (!ns)
        return ENGINE_RECORD_UNCHANGED;
    struct attachment a = {.bindings = (struct network_binding *)e->b, .n_bindings = e->n, .pid = e->pid};
    set_ports(rec, ns, e->pid > 0 ? &a : NULL);
    set_sandbox(ns, e->pid);
    return 0;
}

int engine_network_settings_ports(const char *root, const char *id, const struct network_binding *b, size_t n,
                                  int pid, struct hull_error **err)
{
    struct ports_edit e = {b, n, pid};
    return engine_record_edit(root, id, edit_ports, &e, err) < 0 ? -1 : 0;
}

struct settings_edit {
    const char *network;
    const struct attachment *a;
    bool drop;
};

static void set(char **field, const char *value)
{
    free(*field);
    *field = xstrdup(value);
}

/* NetworkSettings for one network filled (a), emptied (a NULL: the
 * container stopped), or its endpoint dropped (drop: disconnect). */
static int edit_settings(struct engine_record *rec, void *data, struct hull_error **err)
{
    (void)err;
    const struct settings_edit *e = data;
    const char *network = e->network, *id = rec->id;
    const struct attachment *a = e->a;
    struct engine_network_settings *ns = rec->network_settings;
    if (!ns)
        return ENGINE_RECORD_UNCHANGED;
    if (e->drop)
        return engine_network_settings_drop(ns, network) ? 0 : ENGINE_RECORD_UNCHANGED;
    char ip[INET_ADDRSTRLEN] = "", gw[INET_ADDRSTRLEN] = "", mac[18] = "";
    char ip6[INET6_ADDRSTRLEN] = "", gw6[INET6_ADDRSTRLEN] = "";
    unsigned prefix = 0, prefix6 = 0;
    if (a && a->has6) {
        ntop6(&a->addr6, ip6);
        ntop6(&a->net->gateway6, gw6);
        prefix6 = a->net->prefix6;
    }
    if (a) {
        ntop(a->addr, ip);
        ntop(a->net->gateway, gw);
        snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", a->mac[0], a->mac[1], a->mac[2], a->mac[3],
                 a->mac[4], a->mac[5]);
        prefix = a->net->prefix;
    }
    if (!strcmp(engine_net_mode(rec), network)) {
        set_ports(rec, ns, a);
        set_sandbox(ns, a ? a->pid : 0);
        /* docker fills the top-level fields for its default network only */
        bool top = !strcmp(network, NETWORK_DEFAULT);
        set(&ns->ip_address, top ? ip : "");
        set(&ns->gateway, top ? gw : "");
        set(&ns->mac_address, top ? mac : "");
        ns->ip_prefix_len = top ? (int)prefix : 0;
        set(&ns->global_ipv6_address, top ? ip6 : "");
        ns->global_ipv6_prefix_len = top ? (int)prefix6 : 0;
        set(&ns->ipv6_gateway, top ? gw6 : "");
    }
    struct engine_endpoint *ep = engine_network_settings_endpoint(ns, network);
    if (!ep) /* hull network connect */
        ep = engine_network_settings_add(ns, network, NULL, NULL, NULL);
    set(&ep->network_id, a ? a->net->id : "");
    char eid[65] = "";
    if (a)
        snprintf(eid, sizeof eid, "%.52s%02x%02x%02x%02x%02x%02x", id, a->mac[0], a->mac[1], a->mac[2], a->mac[3],
                 a->mac[4], a->mac[5]);
    set(&ep->endpoint_id, eid);
    set(&ep->gateway, gw);
    set(&ep->ip_address, ip);
    ep->ip_prefix_len = (int)prefix;
    set(&ep->ipv6_gateway, gw6);
    set(&ep->global_ipv6_address, ip6);
    ep->global_ipv6_prefix_len = (int)prefix6;
    set(&ep->mac_address, mac);
    strv_free(ep->dns_names);
    ep->dns_names = NULL;
    ep->has_dns_names = true;
    if (a) {
        strv_add(&ep->dns_names, xstrdup(engine_record_short_name(rec)));
        strv_add(&ep->dns_names, xasprintf("%.12s", id));
    }
    return 0;
}

static int update_settings(const char *root, const char *id, const char *network, const struct attachment *a,
                           bool drop, struct hull_error **err)
{
    struct settings_edit e = {network, a, drop};
    return engine_record_edit(root, id, edit_settings, &e, err) < 0 ? -1 : 0;
}

/* The same edit left to the record's next write (engine_record_edit_with_next):
 * at a start, that of State "running" right after; at an exit, that of
 * "exited".  It owns what it writes. */
struct later_settings {
    char *network;
    struct network_config *net; /* NULL: emptied (the container stopped) */
    struct attachment a;
};

static int edit_settings_later(struct engine_record *rec, void *data, struct hull_error **err)
{
    struct later_settings *l = data;
    struct settings_edit e = {l->network, l->net ? &l->a : NULL, false};
    return edit_settings(rec, &e, err);
}

static void later_settings_free(void *data)
{
    struct later_settings *l = data;
    free(l->network);
    network_config_free(l->net);
    free(l->a.bindings);
    free(l);
}

/* net (NULL: emptied) and a's bindings are taken. */
static void update_settings_later(const char *id, const char *network, struct network_config *net,
                                  const struct attachment *a)
{
    struct later_settings *l = xmalloc0(sizeof *l);
    l->network = xstrdup(network);
    l->net = net;
    if (net) {
        l->a = *a;
        l->a.net = net;
    }
    engine_record_edit_with_next(id, edit_settings_later, l, later_settings_free);
}

/* ---- attach ---- */

/* The host end of a container's veth on a network: "veth" + 11 hex digits
 * of the id on its --network, "vh" + 6 of the network's id + 7 of the
 * container's on a network it was connected to (IFNAMSIZ: 15). */
static void host_veth(const char *id, const struct network_config *net, bool primary, char out[16])
{
    if (primary)
        veth_name(id, out);
    else
        snprintf(out, 16, "vh%.6s%.7s", net->id, id);
}

/* Veth pair into the container's namespace and its side configured: eth0
 * on its --network, the first free ethN on a connected one. */
static int plumb(const struct attachment *a, const char *id, struct hull_error **err)
{
    cleanup_free char *ns_path = xasprintf("/proc/%d/ns/net", a->pid);
    cleanup_close int nsfd = open(ns_path, O_RDONLY | O_CLOEXEC);
    if (nsfd < 0)
        return hull_error_set(err, errno, "open %s", ns_path);
    char veth[16], ifname[16] = "eth0";
    host_veth(id, a->net, a->primary, veth);
    cleanup_netlink struct netlink *host = NULL, *ctr = NULL;
    if (netlink_open(-1, &host, err) < 0 || netlink_open(nsfd, &ctr, err) < 0)
        return -1;
    for (unsigned k = 1; !a->primary && k < 100; k++) {
        snprintf(ifname, sizeof ifname, "eth%u", k);
        if (!netlink_link_index(ctr, ifname))
            break;
    }
    unsigned br = a->bridge;
    cleanup_error struct hull_error *first = NULL;
    if (netlink_veth_create(host, veth, ifname, nsfd, a->net->mtu, a->mac, br, &first) < 0) {
        /* The same name left by this container's previous run: the kernel
         * removes that pair with the old namespace, a moment after the old
         * init died (detach does not wait for it); a start or restart can
         * come first.  Removed here, once, and made again. */
        if (first->errnum != EEXIST) {
            if (err && !*err)
                *err = steal_pointer(&first);
            return -1;
        }
        if (netlink_link_delete(host, veth, err) < 0 ||
            netlink_veth_create(host, veth, ifname, nsfd, a->net->mtu, a->mac, br, err) < 0)
            return -1;
    }
    /* lo is up already: the runtime's init brings it up in every network
     * namespace it makes (ns_loopback_up), before the engine gets here */
    unsigned eth = netlink_link_index(ctr, ifname);
    if (!eth)
        return hull_error_set(err, ENODEV, "find %s in the container", ifname);
    if (netlink_addr_add(ctr, eth, a->addr, a->net->prefix, err) < 0 || netlink_link_up(ctr, eth, 0, err) < 0)
        return hull_error_wrap(err, "configure the container's %s", ifname);
    /* --internal: no default route, nothing beyond the bridge; a connected
     * network only adds its own subnet */
    if (a->primary && !a->net->internal && netlink_default_route(ctr, a->net->gateway, err) < 0)
        return -1;
    /* after the link is up: IPv6 drops the addresses of a link going up or down */
    if (a->has6 && netlink_addr6_add(ctr, eth, &a->addr6, a->net->prefix6, err) < 0)
        return hull_error_wrap(err, "configure the container's %s", ifname);
    if (a->has6 && a->primary && !a->net->internal && netlink_default_route6(ctr, &a->net->gateway6, eth, err) < 0)
        return -1;
    return 0;
}

static int detach_locked(const char *root, const char *id, bool delete_veths, bool later);

/* The mark of a container whose network namespace another one joined
 * (--network container:ID): that namespace, and the veth pair in it, can
 * outlive the container's init. */
static char *shared_mark(const char *root, const char *id)
{
    return xasprintf("%s/networks/.shared/%s", root, id);
}

static void mark_shared(const char *root, const char *id)
{
    cleanup_free char *dir = xasprintf("%s/networks/.shared", root);
    cleanup_free char *path = shared_mark(root, id);
    cleanup_error struct hull_error *e = NULL;
    if (mkdir_p(dir, 0700, &e) == 0)
        close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
}

/* later: NetworkSettings go with the record's next write (at a start, that
 * of State "running"), not in one of their own.  self: the container's
 * record as the caller read it (what the hosts files need of it does not
 * change while it is attached), or NULL. */
static int attach_network(const char *root, const char *id, int pid, const char *network, struct in_addr want,
                          const struct in6_addr *want6, const unsigned char *want_mac, bool primary,
                          const struct network_port *ports, size_t n_ports, bool later,
                          const struct engine_record *self, struct hull_error **err)
{
    cleanup_network_config struct network_config *c = NULL;
    struct attachment a = {.pid = pid, .primary = primary};
    int r = !strcmp(network, NETWORK_DEFAULT) ? network_default(root, &c, err) : network_load(root, network, &c, err);
    if (r < 0 || (r = network_activate(root, c, n_ports > 0, err)) < 0)
        return -1;
    a.bridge = (unsigned)r;
    a.net = c;
    if (network_lease(root, c, id, want, &a.addr, err) < 0)
        return -1;
    if (c->ipv6) {
        if (network_lease6(root, c, id, want6, &a.addr6, err) < 0)
            return -1;
        a.has6 = true;
    }
    /* docker's MAC: 02:42 and the address, unique as the address is */
    uint32_t host_order = ntohl(a.addr.s_addr);
    uint8_t mac[6] = {0x02, 0x42, host_order >> 24, (host_order >> 16) & 0xff, (host_order >> 8) & 0xff,
                      host_order & 0xff};
    memcpy(a.mac, want_mac ? want_mac : mac, 6);
    cleanup_free struct network_binding *bindings = xmalloc0((n_ports + 1) * sizeof *bindings);
    a.bindings = bindings;
    if (plumb(&a, id, err) < 0)
        return -1; /* the caller detaches */
    for (size_t i = 0; i < n_ports; i++) {
        if (network_publish(root, &ports[i], id, a.addr, a.has6 ? &a.addr6 : NULL, &a.bindings[a.n_bindings], err) < 0)
            return -1;
        a.n_bindings++;
    }
    if (!later && update_settings(root, id, network, &a, false, err) < 0)
        return -1;
    cleanup_record_cache struct record_cache cache = {.self = self};
    rewrite_hosts(root, id, &cache);
    refresh_hosts(root, network, id, &cache);
    struct engine_event_attr attrs[] = {{"container", id}, {"name", c->name}, {"type", "bridge"}, {NULL, NULL}};
    engine_event_emit(root, "network", "connect", c->id, attrs);
    if (later) {
        steal_pointer(&bindings);
        update_settings_later(id, network, steal_pointer(&c), &a);
    }
    return 0;
}

int engine_network_attach_one(const char *root, const char *id, int pid, const char *network, struct in_addr want,
                              const struct in6_addr *want6, const unsigned char *want_mac, bool primary,
                              const struct network_port *ports, size_t n_ports, struct hull_error **err)
{
    return attach_network(root, id, pid, network, want, want6, want_mac, primary, ports, n_ports, false, NULL, err);
}

int engine_network_attach(const char *root, const char *runroot, const char *id, int pid, struct hull_error **err)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(root, id, &rec, err) < 0)
        return -1;
    const char *mode = engine_net_mode(rec);
    cleanup_free struct network_port *ports = NULL;
    size_t n_ports = 0;
    if (!strcmp(mode, ENGINE_NETWORK_SLIRP)) {
        engine_net_wanted_ports(rec, &ports, &n_ports);
        return engine_slirp_start(root, id, pid, ports, n_ports, err);
    }
    if (!strncmp(mode, "container:", 10))
        mark_shared(root, mode + 10);
    if (!*mode || !strcmp(mode, "none") || !strcmp(mode, "host") || !strncmp(mode, "container:", 10))
        return 0;
    /* its --network first (eth0), then the networks it was connected to */
    const struct engine_network_settings *ns = rec->network_settings;
    size_t n_net = ns ? ns->n_networks : 0, n = 1;
    cleanup_free const char **names = xmalloc0((n_net + 1) * sizeof *names);
    cleanup_free struct in_addr *wants = xmalloc0((n_net + 1) * sizeof *wants);
    cleanup_free struct in6_addr *wants6 = xmalloc0((n_net + 1) * sizeof *wants6);
    names[0] = mode;
    for (size_t i = 0; i < n_net; i++) {
        const struct engine_endpoint *ep = &ns->networks[i];
        size_t k = strcmp(ep->network, mode) ? n++ : 0;
        names[k] = ep->network;
        if (ep->ipam_ipv4 && *ep->ipam_ipv4)
            inet_pton(AF_INET, ep->ipam_ipv4, &wants[k]);
        if (ep->ipam_ipv6 && *ep->ipam_ipv6)
            inet_pton(AF_INET6, ep->ipam_ipv6, &wants6[k]);
    }
    /* --mac-address, kept in the record's Config.MacAddress */
    unsigned char mac[6];
    const char *m = engine_net_mac(rec);
    bool have_mac = *m && engine_parse_mac(m, mac);
    engine_net_wanted_ports(rec, &ports, &n_ports);
    cleanup_close int lock = -1;
    if (network_lock(root, &lock, err) < 0 || engine_network_sweep_locked(root, runroot, err) < 0)
        return -1;
    for (size_t k = 0; k < n; k++) {
        /* the caller writes State "running" next: NetworkSettings go with it */
        if (attach_network(root, id, pid, names[k], wants[k], &wants6[k], k == 0 && have_mac ? mac : NULL, k == 0,
                           k == 0 ? ports : NULL, k == 0 ? n_ports : 0, true, rec, err) < 0) {
            detach_locked(root, id, true, false); /* its init still runs */
            return hull_error_wrap(err, "network %s", names[k]);
        }
    }
    return 0;
}

/* ---- detach, sweep ---- */

/* delete_veth: the namespace may live on (disconnect of a running
 * container, an init that others share the namespace of): the pair is
 * deleted here.  Else the kernel deletes it with the namespace, when the
 * last process in it is gone: that takes some 30 ms of RCU grace periods
 * (synchronize_net), and a request of ours would wait for them under
 * rtnl_lock; the lease and the rules are released here all the same.
 * later: NetworkSettings emptied with the record's next write (at an exit,
 * that of State "exited"). */
static int detach_network(const char *root, const char *id, const char *network, bool drop, bool delete_veth,
                          bool later)
{
    cleanup_network_config struct network_config *c = NULL;
    if (network_load(root, network, &c, NULL) < 0)
        return -1;
    cleanup_free struct network_lease *l = NULL;
    size_t n = 0;
    bool had = false;
    if (network_leases(root, network, &l, &n, NULL) < 0)
        return -1;
    for (size_t k = 0; k < n; k++) {
        if (strcmp(l[k].id, id))
            continue;
        network_release(root, network, l[k].addr, NULL);
        had = true;
    }
    cleanup_free struct network_lease6 *l6 = NULL;
    size_t n6 = 0;
    if (network_leases6(root, network, &l6, &n6, NULL) == 0)
        for (size_t k = 0; k < n6; k++)
            if (!strcmp(l6[k].id, id)) {
                network_release6(root, network, &l6[k].addr, NULL);
                had = true;
            }
    /* the veth of a connected network */
    char veth[16];
    host_veth(id, c, false, veth);
    cleanup_netlink struct netlink *nl = NULL;
    if (delete_veth && netlink_open(-1, &nl, NULL) == 0)
        netlink_link_delete(nl, veth, NULL);
    cleanup_error struct hull_error *e = NULL;
    if (later && had && !drop)
        update_settings_later(id, network, NULL, NULL);
    else if (had || drop)
        update_settings(root, id, network, NULL, drop, &e);
    if (had) {
        cleanup_record_cache struct record_cache cache = {0};
        refresh_hosts(root, network, NULL, &cache);
        /* a dead container's own file is rewritten at its next start */
        if (delete_veth)
            rewrite_hosts(root, id, &cache);
        struct engine_event_attr attrs[] = {{"container", id}, {"name", c->name}, {"type", "bridge"}, {NULL, NULL}};
        engine_event_emit(root, "network", "disconnect", c->id, attrs);
    }
    return 0;
}

int engine_network_detach_one(const char *root, const char *id, const char *network, bool drop)
{
    return detach_network(root, id, network, drop, true, false);
}

/* Everything of id: ports, leases (every network), host veths (see
 * detach_network), settings, the other containers' hosts files. */
static int detach_locked(const char *root, const char *id, bool delete_veths, bool later)
{
    cleanup_free struct network_binding *b = NULL;
    size_t nb = 0;
    if (network_bindings(root, &b, &nb, NULL) == 0)
        for (size_t i = 0; i < nb; i++)
            if (!strcmp(b[i].id, id))
                network_unpublish(root, &b[i], NULL);
    cleanup_strv char **names = NULL;
    if (network_list(root, &names, NULL) < 0)
        return -1;
    cleanup_free char *mark = shared_mark(root, id);
    if (access(mark, F_OK) == 0)
        delete_veths = true;
    bool deleted = false;
    for (size_t i = 0; names[i]; i++) {
        cleanup_free struct network_lease *l = NULL;
        size_t n = 0;
        if (network_leases(root, names[i], &l, &n, NULL) < 0)
            continue;
        struct in6_addr a6;
        bool member = lease6_of(root, names[i], id, &a6); /* a lease6 alone: its attach died half way */
        for (size_t k = 0; k < n && !member; k++)
            member = !strcmp(l[k].id, id);
        if (!member)
            continue;
        if (delete_veths && !deleted) { /* its eth0 on its --network */
            char veth[16];
            veth_name(id, veth);
            cleanup_netlink struct netlink *nl = NULL;
            if (netlink_open(-1, &nl, NULL) == 0)
                netlink_link_delete(nl, veth, NULL);
            deleted = true;
        }
        detach_network(root, id, names[i], false, delete_veths, later);
    }
    unlink(mark);
    return 0;
}

static void detach(const char *root, const char *id, bool later)
{
    if (engine_slirp_stop(root, id)) /* its ports went with it */
        engine_network_settings_ports(root, id, NULL, 0, 0, NULL);
    cleanup_close int lock = -1;
    cleanup_free char *dir = xasprintf("%s/networks", root);
    if (access(dir, F_OK) < 0 || network_lock(root, &lock, NULL) < 0)
        return; /* never had a network: nothing to do */
    detach_locked(root, id, false, later);
}

void engine_network_detach(const char *root, const char *id)
{
    detach(root, id, false);
}

void engine_network_detach_at_exit(const char *root, const char *id)
{
    detach(root, id, true);
}

int engine_network_sweep_locked(const char *root, const char *runroot, struct hull_error **err)
{
    cleanup_strv char **names = NULL;
    if (network_list(root, &names, err) < 0)
        return -1;
    for (size_t i = 0; names[i]; i++) {
        cleanup_free struct network_lease *l = NULL;
        size_t n = 0;
        if (network_leases(root, names[i], &l, &n, NULL) < 0)
            continue;
        for (size_t k = 0; k < n; k++)
            if (!engine_container_running(runroot, l[k].id))
                detach_locked(root, l[k].id, false, false);
        cleanup_free struct network_lease6 *l6 = NULL;
        size_t n6 = 0;
        if (network_leases6(root, names[i], &l6, &n6, NULL) < 0)
            continue;
        for (size_t k = 0; k < n6; k++)
            if (!engine_container_running(runroot, l6[k].id))
                detach_locked(root, l6[k].id, false, false);
    }
    cleanup_free struct network_binding *b = NULL;
    size_t nb = 0;
    if (network_bindings(root, &b, &nb, NULL) == 0)
        for (size_t i = 0; i < nb; i++)
            if (!engine_container_running(runroot, b[i].id))
                network_unpublish(root, &b[i], NULL);
    return 0;
}

int engine_network_sweep(const char *root, const char *runroot, struct hull_error **err)
{
    cleanup_close int lock = -1;
    if (network_lock(root, &lock, err) < 0)
        return -1;
    return engine_network_sweep_locked(root, runroot, err);
}
