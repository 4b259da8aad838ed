/* hull: attaching a running container to its network and detaching it
 * (see engine_network.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_etc.h"
#include "engine_network.h"
#include "lifecycle.h"
#include "network/netlink.h"
#include "network/network.h"
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

/* ---- hosts files ---- */

/* Rewritten in place, not renamed over: the file is bind-mounted into the
 * container, and a mount follows the inode. */
static void write_in_place(const char *path, const char *text)
{
    cleanup_close int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0)
        write_all(fd, text, strlen(text));
}

struct member {
    char id[65];
    struct in_addr addr;
    struct json_object *rec;
};

static void members_free(struct member *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        json_object_put(m[i].rec);
    free(m);
}

static char *short_name(struct json_object *rec)
{
    const char *name = engine_json_str(rec, "Name");
    return xstrdup(name[0] == '/' ? name + 1 : name);
}

/* The hosts file of one container: its own line, --add-host lines, and on a
 * user network a line per other container of the network (name and host
 * name), which is how names resolve (docs/networking.md says why). */
static void write_hosts(struct json_object *rec, struct in_addr addr, const struct member *peers, size_t n_peers,
                        const char *self)
{
    const char *path = engine_json_str(rec, "HostsPath");
    if (!*path)
        return;
    size_t cap = 256 + n_peers * 160, len = 0;
    cleanup_free char *lines = xmalloc0(cap);
    for (size_t i = 0; i < n_peers; i++) {
        if (!strcmp(peers[i].id, self))
            continue;
        char a[INET_ADDRSTRLEN];
        cleanup_free char *name = short_name(peers[i].rec);
        const char *hn = engine_json_str(engine_json_path(peers[i].rec, "Config", NULL), "Hostname");
        len += (size_t)snprintf(lines + len, cap - len, "%s\t%s%s%s\n", ntop(peers[i].addr, a), name,
                                strcmp(hn, name) ? " " : "", strcmp(hn, name) ? hn : "");
        if (len >= cap)
            len = cap - 1;
    }
    char a[INET_ADDRSTRLEN];
    cleanup_free char *name = short_name(rec);
    const char *hostname = engine_json_str(engine_json_path(rec, "Config", NULL), "Hostname");
    struct json_object *extra = engine_json_path(rec, "HostConfig", "ExtraHosts");
    size_t n_extra = json_object_is_type(extra, json_type_array) ? json_object_array_length(extra) : 0;
    cleanup_strv char **extra_v = xmalloc0((n_extra + 1) * sizeof(char *));
    for (size_t i = 0; i < n_extra; i++)
        extra_v[i] = xstrdup(json_object_get_string(json_object_array_get_idx(extra, i)));
    cleanup_free char *text = engine_hosts_for(hostname, name, addr.s_addr ? ntop(addr, a) : NULL, extra_v, lines);
    write_in_place(path, text);
}

/* Every container with a lease on network, with its record. */
static int network_members(const char *root, const char *network, struct member **out, size_t *n)
{
    cleanup_free struct network_lease *leases = NULL;
    size_t nl = 0;
    if (network_leases(root, network, &leases, &nl, NULL) < 0)
        return -1;
    struct member *m = xmalloc0((nl + 1) * sizeof *m);
    size_t k = 0;
    for (size_t i = 0; i < nl; i++) {
        if (engine_record_load(root, leases[i].id, &m[k].rec, NULL) < 0)
            continue;
        snprintf(m[k].id, sizeof m[k].id, "%s", leases[i].id);
        m[k].addr = leases[i].addr;
        k++;
    }
    *out = m;
    *n = k;
    return 0;
}

/* The hosts file of every container of a user network (the default network
 * has no name resolution, like docker's "bridge"). */
static void refresh_hosts(const char *root, const char *network)
{
    if (!strcmp(network, NETWORK_DEFAULT))
        return;
    struct member *m = NULL;
    size_t n = 0;
    if (network_members(root, network, &m, &n) < 0)
        return;
    for (size_t i = 0; i < n; i++)
        write_hosts(m[i].rec, m[i].addr, m, n, m[i].id);
    members_free(m, n);
}

/* ---- NetworkSettings ---- */

struct attachment {
    const struct network_config *net;
    struct in_addr addr;
    uint8_t mac[6];
    struct network_binding *bindings;
    size_t n_bindings;
    int pid;
};

static void set_str(struct json_object *o, const char *k, const char *v)
{
    json_object_object_add(o, k, json_object_new_string(v));
}

/* NetworkSettings filled (a) or emptied (NULL: the container stopped). */
static int update_settings(const char *root, const char *id, const char *network, const struct attachment *a,
                           struct hull_error **err)
{
    cleanup_close int lock = -1;
    if (engine_records_lock(root, &lock, err) < 0)
        return -1;
    struct json_object *rec = NULL;
    if (engine_record_load(root, id, &rec, err) < 0)
        return -1;
    struct json_object *ns = engine_json_path(rec, "NetworkSettings", NULL);
    if (!ns) {
        json_object_put(rec);
        return 0;
    }
    char ip[INET_ADDRSTRLEN] = "", gw[INET_ADDRSTRLEN] = "", mac[18] = "";
    unsigned prefix = 0;
    struct json_object *ports = json_object_new_object();
    if (a) {
        ntop(a->addr, ip);
        ntop(a->net->gateway, gw);
        snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", a->mac[0], a->mac[1], a->mac[2], a->mac[3],
                 a->mac[4], a->mac[5]);
        prefix = a->net->prefix;
        struct json_object *exposed = engine_json_path(rec, "Config", "ExposedPorts");
        if (exposed) {
            json_object_object_foreach(exposed, k, v)
            {
                (void)v;
                json_object_object_add(ports, k, NULL);
            }
        for (size_t i = 0; i < a->n_bindings; i++) {
            const struct network_binding *b = &a->bindings[i];
            cleanup_free char *key = xasprintf("%u/%s", b->ctr_port, network_proto_name(b->proto));
            struct json_object *list = NULL;
            if (!json_object_object_get_ex(ports, key, &list) || !list) {
                list = json_object_new_array();
                json_object_object_add(ports, key, list);
            }
            char hip[INET_ADDRSTRLEN];
            cleanup_free char *hp = xasprintf("%u", b->host_port);
            struct json_object *o = json_object_new_object();
            set_str(o, "HostIp", ntop(b->host_ip, hip));
            set_str(o, "HostPort", hp);
            json_object_array_add(list, o);
            }
        }
    }
    json_object_object_add(ns, "Ports", ports);
    cleanup_free char *sandbox = a ? xasprintf("/proc/%d/ns/net", a->pid) : xstrdup("");
    set_str(ns, "SandboxKey", sandbox);
    /* docker fills the top-level fields for its default network only */
    bool top = !strcmp(network, NETWORK_DEFAULT);
    set_str(ns, "IPAddress", top ? ip : "");
    set_str(ns, "Gateway", top ? gw : "");
    set_str(ns, "MacAddress", top ? mac : "");
    json_object_object_add(ns, "IPPrefixLen", json_object_new_int(top ? (int)prefix : 0));
    struct json_object *ep = engine_json_path(ns, "Networks", network);
    if (ep) {
        set_str(ep, "NetworkID", a ? a->net->id : "");
        char eid[65] = "";
        if (a)
            snprintf(eid, sizeof eid, "%.52s%02x%02x%02x%02x%02x%02x", id, a->mac[0], a->mac[1], a->mac[2], a->mac[3],
                     a->mac[4], a->mac[5]);
        set_str(ep, "EndpointID", eid);
        set_str(ep, "Gateway", gw);
        set_str(ep, "IPAddress", ip);
        json_object_object_add(ep, "IPPrefixLen", json_object_new_int((int)prefix));
        set_str(ep, "MacAddress", mac);
        struct json_object *names = json_object_new_array();
        if (a) {
            cleanup_free char *name = short_name(rec);
            cleanup_free char *shortid = xasprintf("%.12s", id);
            json_object_array_add(names, json_object_new_string(name));
            json_object_array_add(names, json_object_new_string(shortid));
        }
        json_object_object_add(ep, "DNSNames", a ? names : (json_object_put(names), NULL));
    }
    int r = engine_record_save(root, id, rec, err);
    json_object_put(rec);
    return r;
}

/* ---- attach ---- */

/* Veth pair into the container's namespace and its side configured. */
static int plumb(const struct attachment *a, const char *id, struct hull_error **err)
{
    cleanup_free char *ns_path = xasprintf("/proc/%d/ns/net", a->pid);
    cleanup_close int nsfd = open(ns_path, O_RDONLY | O_CLOEXEC);
    if (nsfd < 0)
        return hull_error_set(err, errno, "open %s", ns_path);
    char veth[16];
    veth_name(id, veth);
    cleanup_netlink struct netlink *host = NULL, *ctr = NULL;
    if (netlink_open(-1, &host, err) < 0 ||
        netlink_veth_create(host, veth, "eth0", nsfd, a->net->mtu, a->mac, err) < 0)
        return -1;
    unsigned br = netlink_link_index(host, a->net->bridge), vi = netlink_link_index(host, veth);
    if (!br || !vi)
        return hull_error_set(err, ENODEV, "find %s and %s", a->net->bridge, veth);
    if (netlink_link_up(host, vi, br, err) < 0 || netlink_open(nsfd, &ctr, err) < 0)
        return -1;
    unsigned lo = netlink_link_index(ctr, "lo"), eth0 = netlink_link_index(ctr, "eth0");
    if (!lo || !eth0)
        return hull_error_set(err, ENODEV, "find lo and eth0 in the container");
    if (netlink_link_up(ctr, lo, 0, err) < 0 || netlink_addr_add(ctr, eth0, a->addr, a->net->prefix, err) < 0 ||
        netlink_link_up(ctr, eth0, 0, err) < 0)
        return hull_error_wrap(err, "configure the container's eth0");
    /* --internal: no default route, nothing beyond the bridge */
    if (!a->net->internal && netlink_default_route(ctr, a->net->gateway, err) < 0)
        return -1;
    return 0;
}

/* The ports to publish: -p's, and with -P every exposed port on a free one. */
static void wanted_ports(struct json_object *rec, struct network_port **out, size_t *n)
{
    struct json_object *pb = engine_json_path(rec, "HostConfig", "PortBindings");
    if (pb) {
        json_object_object_foreach(pb, key, list)
        {
            for (size_t i = 0; list && i < json_object_array_length(list); i++) {
                struct json_object *b = json_object_array_get_idx(list, i);
                const char *hip = engine_json_str(b, "HostIp"), *hp = engine_json_str(b, "HostPort");
                cleanup_free char *spec = xasprintf("%s:%s:%s", hip, hp, key);
                network_parse_publish(spec, out, n, NULL);
            }
        }
    }
    if (!json_object_get_boolean(engine_json_path(rec, "HostConfig", "PublishAllPorts")))
        return;
    struct json_object *exposed = engine_json_path(rec, "Config", "ExposedPorts");
    if (!exposed)
        return;
    json_object_object_foreach(exposed, ekey, v)
    {
        (void)v;
        if (pb && json_object_object_get_ex(pb, ekey, NULL))
            continue;
        cleanup_free char *spec = xasprintf("::%s", ekey);
        network_parse_publish(spec, out, n, NULL);
    }
}

static int detach_locked(const char *root, const char *id);

int engine_network_attach(const char *root, const char *runroot, const char *id, int pid, struct hull_error **err)
{
    struct json_object *rec = NULL;
    if (engine_record_load(root, id, &rec, err) < 0)
        return -1;
    const char *mode = engine_json_str(engine_json_path(rec, "HostConfig", NULL), "NetworkMode");
    cleanup_free char *network = xstrdup(mode);
    if (!*mode || !strcmp(mode, "none") || !strcmp(mode, "host") || !strncmp(mode, "container:", 10)) {
        json_object_put(rec);
        return 0;
    }
    cleanup_close int lock = -1;
    cleanup_network_config struct network_config *c = NULL;
    struct attachment a = {.pid = pid};
    cleanup_free struct network_port *ports = NULL;
    size_t n_ports = 0;
    struct in_addr want = {0};
    const char *ip = engine_json_str(engine_json_path(engine_json_path(rec, "NetworkSettings", "Networks"), network,
                                                      "IPAMConfig"),
                                     "IPv4Address");
    if (*ip)
        inet_pton(AF_INET, ip, &want);
    wanted_ports(rec, &ports, &n_ports);
    json_object_put(rec);
    if (network_lock(root, &lock, err) < 0 || engine_network_sweep_locked(root, runroot, err) < 0)
        return -1;
    int r = !strcmp(network, NETWORK_DEFAULT) ? network_default(root, &c, err) : network_load(root, network, &c, err);
    if (r < 0 || network_activate(root, c, n_ports > 0, err) < 0)
        return -1;
    a.net = c;
    if (network_lease(root, c, id, want, &a.addr, err) < 0)
        return -1;
    /* docker's MAC: 02:42 and the address, unique as the address is */
    uint32_t host_order = ntohl(a.addr.s_addr);
    uint8_t mac[6] = {0x02, 0x42, host_order >> 24, (host_order >> 16) & 0xff, (host_order >> 8) & 0xff,
                      host_order & 0xff};
    memcpy(a.mac, mac, 6);
    a.bindings = xmalloc0((n_ports + 1) * sizeof *a.bindings);
    if (plumb(&a, id, err) < 0)
        goto fail;
    for (size_t i = 0; i < n_ports; i++) {
        if (network_publish(root, &ports[i], id, a.addr, &a.bindings[a.n_bindings], err) < 0)
            goto fail;
        a.n_bindings++;
    }
    if (update_settings(root, id, network, &a, err) < 0)
        goto fail;
    free(a.bindings);
    struct json_object *self = NULL;
    if (engine_record_load(root, id, &self, NULL) == 0) {
        write_hosts(self, a.addr, NULL, 0, id); /* its own line at once, also on the default network */
        json_object_put(self);
    }
    refresh_hosts(root, network);
    return 0;
fail:
    free(a.bindings);
    detach_locked(root, id);
    return hull_error_wrap(err, "network %s", network);
}

/* ---- detach, sweep ---- */

/* Everything of id: ports, leases (every network), host veth, settings,
 * the other containers' hosts files. */
static int detach_locked(const char *root, const char *id)
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
    char veth[16];
    veth_name(id, veth);
    cleanup_netlink struct netlink *nl = NULL;
    if (netlink_open(-1, &nl, NULL) == 0)
        netlink_link_delete(nl, veth, NULL);
    for (size_t i = 0; names[i]; i++) {
        cleanup_free struct network_lease *l = NULL;
        size_t n = 0;
        bool had = false;
        if (network_leases(root, names[i], &l, &n, NULL) < 0)
            continue;
        for (size_t k = 0; k < n; k++) {
            if (strcmp(l[k].id, id))
                continue;
            network_release(root, names[i], l[k].addr, NULL);
            had = true;
            cleanup_error struct hull_error *e = NULL;
            update_settings(root, id, names[i], NULL, &e);
        }
        if (had)
            refresh_hosts(root, names[i]);
    }
    return 0;
}

void engine_network_detach(const char *root, const char *id)
{
    cleanup_close int lock = -1;
    cleanup_free char *dir = xasprintf("%s/networks", root);
    if (access(dir, F_OK) < 0 || network_lock(root, &lock, NULL) < 0)
        return; /* never had a network: nothing to do */
    detach_locked(root, id);
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
                detach_locked(root, l[k].id);
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
