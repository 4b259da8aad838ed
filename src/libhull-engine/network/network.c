/* hull: bridge networks in the store and on the host (see network.h). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netlink.h"
#include "network.h"
#include "network_internal.h"
#include "nft.h"
#include "util/utils.h"

void network_config_free(struct network_config *c)
{
    if (!c)
        return;
    free(c->name);
    free(c->id);
    free(c->bridge);
    free(c->created);
    free(c);
}

void network_config_freep(struct network_config **c)
{
    network_config_free(*c);
}

char *network_networks_dir(const char *root)
{
    return xasprintf("%s/networks", root);
}

char *network_subnet_text(const struct network_config *c)
{
    char a[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &c->subnet, a, sizeof a);
    return xasprintf("%s/%u", a, c->prefix);
}

char *network_subnet6_text(const struct network_config *c)
{
    if (!c->ipv6)
        return xstrdup("");
    char a[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &c->subnet6, a, sizeof a);
    return xasprintf("%s/%u", a, c->prefix6);
}

int network_lock(const char *root, int *fd, struct hull_error **err)
{
    cleanup_free char *dir = network_networks_dir(root);
    return lock_file_in_dir(dir, fd, err);
}

bool network_name_valid(const char *n)
{
    static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    if (!n[0] || !strchr(alnum, n[0]) || strlen(n) > 64)
        return false;
    if (!strcmp(n, "none") || !strcmp(n, "host") || !strcmp(n, "bridge"))
        return false;
    return strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == strlen(n);
}

bool network_parse_cidr(const char *text, struct in_addr *addr, unsigned *prefix)
{
    const char *slash = strchr(text, '/');
    if (!slash || slash - text >= INET_ADDRSTRLEN)
        return false;
    char a[INET_ADDRSTRLEN];
    memcpy(a, text, (size_t)(slash - text));
    a[slash - text] = '\0';
    uint64_t p;
    if (inet_pton(AF_INET, a, addr) != 1 || !slash[1] || strspn(slash + 1, "0123456789") != strlen(slash + 1) ||
        !parse_uint64(slash + 1, &p) || p > 32)
        return false;
    *prefix = (unsigned)p;
    return true;
}

bool network_parse_cidr6(const char *text, struct in6_addr *addr, unsigned *prefix)
{
    const char *slash = strchr(text, '/');
    if (!slash || slash - text >= INET6_ADDRSTRLEN)
        return false;
    char a[INET6_ADDRSTRLEN];
    memcpy(a, text, (size_t)(slash - text));
    a[slash - text] = '\0';
    uint64_t p;
    if (inet_pton(AF_INET6, a, addr) != 1 || !slash[1] || strspn(slash + 1, "0123456789") != strlen(slash + 1) ||
        !parse_uint64(slash + 1, &p) || p > 128)
        return false;
    *prefix = (unsigned)p;
    return true;
}

/* The first prefix bits of a and b are the same. */
static bool same_prefix6(const struct in6_addr *a, const struct in6_addr *b, unsigned prefix)
{
    unsigned full = prefix / 8, rest = prefix % 8;
    if (memcmp(a->s6_addr, b->s6_addr, full))
        return false;
    if (!rest)
        return true;
    uint8_t m = (uint8_t)(0xff << (8 - rest));
    return (a->s6_addr[full] & m) == (b->s6_addr[full] & m);
}

bool network_overlaps6(const struct in6_addr *a, unsigned pa, const struct in6_addr *b, unsigned pb)
{
    return same_prefix6(a, b, pa < pb ? pa : pb);
}

uint32_t network_mask(unsigned prefix)
{
    return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

bool network_overlaps(struct in_addr a, unsigned pa, struct in_addr b, unsigned pb)
{
    unsigned p = pa < pb ? pa : pb;
    return (ntohl(a.s_addr) & network_mask(p)) == (ntohl(b.s_addr) & network_mask(p));
}

bool network_exists(const char *root, const char *name)
{
    if (!network_name_valid(name) && strcmp(name, NETWORK_DEFAULT))
        return false;
    cleanup_free char *path = xasprintf("%s/networks/%s/config.json", root, name);
    return access(path, F_OK) == 0;
}

int network_load(const char *root, const char *name, struct network_config **out, struct hull_error **err)
{
    if (!network_exists(root, name))
        return hull_error_set(err, 0, "no such network: %s", name);
    cleanup_free char *path = xasprintf("%s/networks/%s/config.json", root, name);
    cleanup_free char *text = NULL;
    if (read_file(path, &text, NULL, err) < 0)
        return -1;
    const char *damaged = "";
    if (network_config_parse(text, out, &damaged) < 0)
        return hull_error_set(err, 0, "network %s: %s is damaged%s", name, path, damaged);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int network_list(const char *root, char ***names, struct hull_error **err)
{
    cleanup_free char *dir = network_networks_dir(root);
    size_t n = 0, cap = 8;
    char **v = xmalloc0(cap * sizeof *v);
    cleanup_dir DIR *d = opendir(dir);
    if (!d && errno != ENOENT) {
        strv_free(v);
        return hull_error_set(err, errno, "open %s", dir);
    }
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] == '.' || !network_exists(root, e->d_name))
            continue;
        if (n + 1 >= cap) {
            cap *= 2;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[n++] = xstrdup(e->d_name);
    }
    v[n] = NULL;
    qsort(v, n, sizeof *v, cmp_str);
    *names = v;
    return 0;
}

/* Whether subnet overlaps another network of the store; *with gets its name. */
static bool overlaps_network(const char *root, struct in_addr subnet, unsigned prefix, char **with)
{
    cleanup_strv char **names = NULL;
    if (network_list(root, &names, NULL) < 0)
        return false;
    for (size_t i = 0; names[i]; i++) {
        cleanup_network_config struct network_config *c = NULL;
        if (network_load(root, names[i], &c, NULL) == 0 && network_overlaps(subnet, prefix, c->subnet, c->prefix)) {
            *with = xstrdup(names[i]);
            return true;
        }
    }
    return false;
}

/* Whether subnet overlaps a route of the host (other than a hull bridge's own). */
static bool overlaps_route(struct netlink_route4 *routes, size_t n, struct in_addr subnet, unsigned prefix,
                           char *what, size_t what_len)
{
    for (size_t i = 0; i < n; i++) {
        if (network_overlaps(subnet, prefix, routes[i].dst, routes[i].prefix)) {
            char a[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &routes[i].dst, a, sizeof a);
            snprintf(what, what_len, "%s/%u", a, routes[i].prefix);
            return true;
        }
    }
    return false;
}

/* ---- IPv6 ---- */

int network_opts_add(struct network_create_opts *o, const char *flag, const char *value, struct hull_error **err)
{
    bool six = strchr(value, ':') != NULL;
    bool subnet = !strcmp(flag, "--subnet");
    const char **slot = subnet ? (six ? &o->subnet6 : &o->subnet) : (six ? &o->gateway6 : &o->gateway);
    if (*slot)
        return hull_error_set(err, 0, "invalid %s \"%s\": a second IPv%c %s (one IPv4 and one IPv6 at most)", flag,
                              value, six ? '6' : '4', subnet ? "subnet" : "gateway");
    *slot = value;
    return 0;
}

static bool overlaps_network6(const char *root, const struct in6_addr *s, unsigned p, char **with)
{
    cleanup_strv char **names = NULL;
    if (network_list(root, &names, NULL) < 0)
        return false;
    for (size_t i = 0; names[i]; i++) {
        cleanup_network_config struct network_config *c = NULL;
        if (network_load(root, names[i], &c, NULL) == 0 && c->ipv6 && network_overlaps6(s, p, &c->subnet6, c->prefix6)) {
            *with = xstrdup(names[i]);
            return true;
        }
    }
    return false;
}

static bool overlaps_route6(const struct netlink_route6 *routes, size_t n, const struct in6_addr *s, unsigned p,
                            char *what, size_t what_len)
{
    for (size_t i = 0; i < n; i++) {
        if (network_overlaps6(s, p, &routes[i].dst, routes[i].prefix)) {
            char a[INET6_ADDRSTRLEN];
            inet_ntop(AF_INET6, &routes[i].dst, a, sizeof a);
            snprintf(what, what_len, "%s/%u", a, routes[i].prefix);
            return true;
        }
    }
    return false;
}

/* The IPv6 subnet and gateway of a dual-stack network: given (checked as the
 * IPv4 ones are, and unicast) or a random ULA /64 (RFC 4193: fd, 40 random
 * bits, subnet 0) that overlaps nothing. */
static int choose_subnet6(const char *root, const struct network_create_opts *o, struct network_config *c,
                          struct netlink *nl, struct hull_error **err)
{
    if (access("/proc/sys/net/ipv6", F_OK) < 0)
        return hull_error_set(err, 0, "invalid --ipv6: IPv6 is disabled on this host (no /proc/sys/net/ipv6)");
    cleanup_free struct netlink_route6 *routes = NULL;
    size_t n_routes = 0;
    if (netlink_routes6(nl, &routes, &n_routes, err) < 0)
        return -1;
    char what[INET6_ADDRSTRLEN + 8];
    static const struct in6_addr zero = IN6ADDR_ANY_INIT;
    if (o->subnet6) {
        const char *s = o->subnet6;
        if (!network_parse_cidr6(s, &c->subnet6, &c->prefix6))
            return hull_error_set(err, 0, "invalid --subnet \"%s\": want an IPv6 CIDR such as fd00:1:2::/64", s);
        if (c->prefix6 > 120)
            return hull_error_set(err, 0, "invalid --subnet \"%s\": too small: want /120 or shorter (256 addresses)", s);
        struct in6_addr masked = IN6ADDR_ANY_INIT;
        for (unsigned b = 0; b < c->prefix6; b++)
            masked.s6_addr[b / 8] |= c->subnet6.s6_addr[b / 8] & (uint8_t)(0x80 >> (b % 8));
        if (memcmp(&masked, &c->subnet6, sizeof masked)) {
            char a[INET6_ADDRSTRLEN];
            inet_ntop(AF_INET6, &masked, a, sizeof a);
            return hull_error_set(err, 0, "invalid --subnet \"%s\": the address has host bits set (want %s/%u)", s, a,
                                  c->prefix6);
        }
        /* ::/64 holds ::1, :: and the IPv4-mapped addresses */
        if (IN6_IS_ADDR_LINKLOCAL(&c->subnet6) || IN6_IS_ADDR_MULTICAST(&c->subnet6) ||
            network_overlaps6(&c->subnet6, c->prefix6, &zero, 64))
            return hull_error_set(err, 0,
                                  "invalid --subnet \"%s\": not a unicast subnet (link-local, multicast, loopback or "
                                  "IPv4-mapped addresses)",
                                  s);
        cleanup_free char *with = NULL;
        if (overlaps_network6(root, &c->subnet6, c->prefix6, &with))
            return hull_error_set(err, 0, "invalid --subnet \"%s\": it overlaps network %s", s, with);
        if (overlaps_route6(routes, n_routes, &c->subnet6, c->prefix6, what, sizeof what))
            return hull_error_set(err, 0, "invalid --subnet \"%s\": it overlaps the host's route to %s", s, what);
    } else {
        bool found = false;
        for (int tries = 0; tries < 16 && !found; tries++) {
            memset(&c->subnet6, 0, sizeof c->subnet6);
            c->subnet6.s6_addr[0] = 0xfd;
            if (getrandom(&c->subnet6.s6_addr[1], 5, 0) != 5)
                abort();
            c->prefix6 = 64;
            cleanup_free char *with = NULL;
            found = !overlaps_network6(root, &c->subnet6, 64, &with) &&
                    !overlaps_route6(routes, n_routes, &c->subnet6, 64, what, sizeof what);
        }
        if (!found)
            return hull_error_set(err, 0, "no free IPv6 subnet for network %s: give --subnet", o->name);
    }
    if (o->gateway6) {
        cleanup_free char *s = network_subnet6_text(c);
        if (inet_pton(AF_INET6, o->gateway6, &c->gateway6) != 1)
            return hull_error_set(err, 0, "invalid --gateway \"%s\": not an IPv6 address", o->gateway6);
        if (!network_overlaps6(&c->gateway6, 128, &c->subnet6, c->prefix6) ||
            !memcmp(&c->gateway6, &c->subnet6, sizeof c->gateway6))
            return hull_error_set(err, 0, "invalid --gateway \"%s\": not a host address of the subnet %s", o->gateway6,
                                  s);
    } else {
        c->gateway6 = c->subnet6;
        c->gateway6.s6_addr[15] |= 1;
    }
    return 0;
}

static void random_hex(char out[65])
{
    unsigned char b[32];
    if (getrandom(b, sizeof b, 0) != sizeof b)
        abort();
    for (size_t i = 0; i < sizeof b; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

int network_create(const char *root, const struct network_create_opts *o, struct network_config **out,
                   struct hull_error **err)
{
    if (!network_name_valid(o->name) && strcmp(o->name, NETWORK_DEFAULT))
        return hull_error_set(err, 0,
                              "invalid network name \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed (and not "
                              "none, host or bridge)",
                              o->name);
    if (network_exists(root, o->name))
        return hull_error_set(err, 0, "network with name %s already exists", o->name);
    cleanup_netlink struct netlink *nl = NULL;
    if (netlink_open(-1, &nl, err) < 0)
        return -1;
    cleanup_free struct netlink_route4 *routes = NULL;
    size_t n_routes = 0;
    if (netlink_routes4(nl, &routes, &n_routes, err) < 0)
        return -1;
    struct network_config *c = xmalloc0(sizeof *c);
    cleanup_network_config struct network_config *owned = c;
    c->name = xstrdup(o->name);
    c->mtu = NETWORK_DEFAULT_MTU;
    c->internal = o->internal;
    if (o->subnet6 && !o->ipv6)
        return hull_error_set(err, 0, "invalid --subnet \"%s\": an IPv6 subnet needs --ipv6", o->subnet6);
    if (o->gateway6 && !o->subnet6)
        return hull_error_set(err, 0, "invalid --gateway \"%s\": it needs an IPv6 --subnet", o->gateway6);
    if (o->gateway && !o->subnet)
        return hull_error_set(err, 0, "invalid --gateway \"%s\": it needs --subnet", o->gateway);
    char what[64];
    if (o->subnet) {
        if (!network_parse_cidr(o->subnet, &c->subnet, &c->prefix) || c->prefix < 8 || c->prefix > 30)
            return hull_error_set(err, 0, "invalid --subnet \"%s\": want an IPv4 CIDR such as 10.90.0.0/24 (/8 to /30)",
                                  o->subnet);
        if (ntohl(c->subnet.s_addr) & ~network_mask(c->prefix))
            return hull_error_set(err, 0, "invalid --subnet \"%s\": the address has host bits set (want %s/%u)",
                                  o->subnet, inet_ntoa((struct in_addr){htonl(ntohl(c->subnet.s_addr) & network_mask(c->prefix))}),
                                  c->prefix);
        cleanup_free char *with = NULL;
        if (overlaps_network(root, c->subnet, c->prefix, &with))
            return hull_error_set(err, 0, "invalid --subnet \"%s\": it overlaps network %s", o->subnet, with);
        if (overlaps_route(routes, n_routes, c->subnet, c->prefix, what, sizeof what))
            return hull_error_set(err, 0, "invalid --subnet \"%s\": it overlaps the host's route to %s", o->subnet,
                                  what);
    } else {
        /* The first /16 of 10.88.0.0 - 10.255.0.0 nobody uses (podman's
         * default is 10.88.0.0/16, docker's 172.17.0.0/16). */
        bool found = false;
        for (unsigned second = 88; second <= 255 && !found; second++) {
            c->subnet.s_addr = htonl((10u << 24) | (second << 16));
            c->prefix = 16;
            cleanup_free char *with = NULL;
            found = !overlaps_network(root, c->subnet, c->prefix, &with) &&
                    !overlaps_route(routes, n_routes, c->subnet, c->prefix, what, sizeof what);
        }
        if (!found)
            return hull_error_set(err, 0, "no free subnet for network %s in 10.88.0.0-10.255.255.255: give --subnet",
                                  o->name);
    }
    uint32_t net = ntohl(c->subnet.s_addr), bcast = net | ~network_mask(c->prefix);
    if (o->gateway) {
        if (inet_pton(AF_INET, o->gateway, &c->gateway) != 1)
            return hull_error_set(err, 0, "invalid --gateway \"%s\": not an IPv4 address", o->gateway);
        uint32_t g = ntohl(c->gateway.s_addr);
        if (!network_overlaps(c->gateway, 32, c->subnet, c->prefix) || g == net || g == bcast) {
            cleanup_free char *s = network_subnet_text(c);
            return hull_error_set(err, 0, "invalid --gateway \"%s\": not a host address of the subnet %s", o->gateway,
                                  s);
        }
    } else {
        c->gateway.s_addr = htonl(net + 1);
    }
    c->ipv6 = o->ipv6;
    if (c->ipv6 && choose_subnet6(root, o, c, nl, err) < 0)
        return -1;
    char id[65];
    random_hex(id);
    c->id = xstrdup(id);
    c->bridge = !strcmp(o->name, NETWORK_DEFAULT) ? xstrdup(NETWORK_DEFAULT_BRIDGE) : xasprintf("hullbr-%.8s", id);
    c->created = rfc3339_now();
    cleanup_free char *dir = xasprintf("%s/networks/%s", root, o->name);
    cleanup_free char *leases = xasprintf("%s/leases", dir);
    if (mkdir_p(leases, 0700, err) < 0)
        return -1;
    cleanup_free char *text = network_config_to_text(c);
    cleanup_free char *path = xasprintf("%s/config.json", dir);
    int r = write_file_atomic(path, text, strlen(text), 0600, err);
    if (r < 0 || network_activate(root, c, true, err) < 0) {
        cleanup_error struct hull_error *e2 = NULL;
        network_deactivate(c);
        rm_rf(dir, &e2);
        return -1;
    }
    *out = steal_pointer(&owned);
    return 0;
}

int network_default(const char *root, struct network_config **out, struct hull_error **err)
{
    if (network_exists(root, NETWORK_DEFAULT))
        return network_load(root, NETWORK_DEFAULT, out, err);
    struct network_create_opts o = {.name = NETWORK_DEFAULT};
    if (network_create(root, &o, out, err) < 0)
        return hull_error_wrap(err, "create the default network %s", NETWORK_DEFAULT);
    return 0;
}

static int write_sysctl(const char *path, const char *value, struct hull_error **err)
{
    cleanup_free char *now = NULL;
    if (read_file(path, &now, NULL, NULL) == 0 && !strncmp(now, value, strlen(value)))
        return 0;
    if (write_file(path, value, strlen(value), err) < 0)
        return hull_error_wrap(err, "set %s", path);
    return 0;
}

/* The set elements of one network. */
static char *network_elements(const char *verb, const struct network_config *c)
{
    cleanup_free char *s = network_subnet_text(c);
    cleanup_free char *s6 = network_subnet6_text(c);
    cleanup_free char *six = c->ipv6 ? xasprintf("%s element inet hull subnets6 { %s }\n%s element inet hull %s { %s }\n",
                                                 verb, s6, verb, c->internal ? "internal_subnets6" : "nat_subnets6", s6)
                                     : xstrdup("");
    return xasprintf("%s element inet hull subnets { %s }\n%s element inet hull %s { %s }\n"
                     "%s element inet hull bridges { \"%s\" . \"%s\" }\n%s",
                     verb, s, verb, c->internal ? "internal_subnets" : "nat_subnets", s, verb, c->bridge, c->bridge,
                     six);
}

/* The table, made when missing, with every network's and port's elements. */
static int ensure_table(const char *root, struct hull_error **err)
{
    if (nft_table_current())
        return 0;
    /* made by an older hull (without the IPv6 sets): made again whole, with
     * the elements of the store, as after someone's flush */
    if (nft_table_exists() && nft_run("delete table inet hull", err) < 0)
        return -1;
    if (nft_table_create(err) < 0)
        return -1;
    cleanup_strv char **names = NULL;
    if (network_list(root, &names, err) < 0)
        return -1;
    for (size_t i = 0; names[i]; i++) {
        cleanup_network_config struct network_config *c = NULL;
        if (network_load(root, names[i], &c, NULL) < 0)
            continue;
        cleanup_free char *cmd = network_elements("add", c);
        if (nft_run(cmd, err) < 0)
            return -1;
    }
    cleanup_free struct network_binding *b = NULL;
    size_t n = 0;
    if (network_bindings(root, &b, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *cmd = network_binding_element("add", &b[i]);
        cleanup_free char *cmd6 = network_binding_element6("add", &b[i]);
        if (nft_run(cmd, err) < 0 || (cmd6 && nft_run(cmd6, err) < 0))
            return -1;
    }
    return 0;
}

int network_activate(const char *root, const struct network_config *c, bool full, struct hull_error **err)
{
    /* The fast path of every `hull run`: a bridge that exists was set up
     * with the rest when it was made; nftables is not even loaded.  Looked
     * up with an ioctl (SIOCGIFINDEX, this process's namespace: the host's),
     * not RTM_GETLINK: no netlink socket, no 2 KB of the bridge's attributes
     * and statistics, and no rtnl_lock, which the kernel worker tearing down
     * the previous container's namespace may hold (probed, network_activate:
     * 0.09 -> 0.02 ms p25, 0.10 -> 0.02 ms median). */
    unsigned index = full ? 0 : if_nametoindex(c->bridge);
    if (index)
        return (int)index;
    cleanup_netlink struct netlink *nl = NULL;
    if (netlink_open(-1, &nl, err) < 0)
        return -1;
    if (netlink_bridge_ensure(nl, c->bridge, c->mtu, err) < 0)
        return -1;
    index = netlink_link_index(nl, c->bridge);
    if (!index)
        return hull_error_set(err, ENODEV, "find bridge %s", c->bridge);
    if (netlink_addr_add(nl, index, c->gateway, c->prefix, err) < 0)
        return hull_error_wrap(err, "bridge %s", c->bridge);
    /* 127.0.0.1:PORT is DNATed to a container behind this bridge: the
     * kernel routes a loopback source out of it only with route_localnet. */
    cleanup_free char *localnet = xasprintf("/proc/sys/net/ipv4/conf/%s/route_localnet", c->bridge);
    if (write_sysctl(localnet, "1", err) < 0)
        return -1;
    /* A way out (and in, to published ports from other hosts) is routing. */
    if (!c->internal && write_sysctl("/proc/sys/net/ipv4/ip_forward", "1", err) < 0)
        return -1;
    if (c->ipv6) {
        if (netlink_addr6_add(nl, index, &c->gateway6, c->prefix6, err) < 0)
            return hull_error_wrap(err, "bridge %s", c->bridge);
        /* docker does the same when it routes IPv6: on a host that takes
         * its own IPv6 route from router advertisements, accept_ra must be
         * 2 for that to go on with forwarding on */
        if (!c->internal && write_sysctl("/proc/sys/net/ipv6/conf/all/forwarding", "1", err) < 0)
            return -1;
    }
    if (ensure_table(root, err) < 0)
        return -1;
    cleanup_free char *cmd = network_elements("add", c);
    return nft_run(cmd, err) < 0 ? -1 : (int)index;
}

void network_deactivate(const struct network_config *c)
{
    cleanup_free char *s = network_subnet_text(c);
    /* one by one: a missing element fails its own command only */
    cleanup_free char *a = xasprintf("delete element inet hull subnets { %s }", s);
    cleanup_free char *b = xasprintf("delete element inet hull %s { %s }",
                                     c->internal ? "internal_subnets" : "nat_subnets", s);
    cleanup_free char *br = xasprintf("delete element inet hull bridges { \"%s\" . \"%s\" }", c->bridge, c->bridge);
    cleanup_error struct hull_error *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL, *e5 = NULL, *e6 = NULL;
    if (nft_table_exists()) {
        nft_run(a, &e1);
        nft_run(b, &e2);
        nft_run(br, &e4);
        if (c->ipv6) {
            cleanup_free char *s6 = network_subnet6_text(c);
            cleanup_free char *a6 = xasprintf("delete element inet hull subnets6 { %s }", s6);
            cleanup_free char *b6 = xasprintf("delete element inet hull %s { %s }",
                                              c->internal ? "internal_subnets6" : "nat_subnets6", s6);
            nft_run(a6, &e5);
            nft_run(b6, &e6);
        }
    }
    cleanup_netlink struct netlink *nl = NULL;
    if (netlink_open(-1, &nl, &e3) == 0)
        netlink_link_delete(nl, c->bridge, &e3);
}

int network_remove(const char *root, const char *name, struct hull_error **err)
{
    cleanup_network_config struct network_config *c = NULL;
    if (network_load(root, name, &c, err) < 0)
        return -1;
    cleanup_free struct network_lease *leases = NULL;
    size_t n = 0;
    if (network_leases(root, name, &leases, &n, err) < 0)
        return -1;
    if (n > 0)
        return hull_error_set(err, 0, "network %s is in use by %zu container%s (first: %.12s): remove or stop them first",
                              name, n, n == 1 ? "" : "s", leases[0].id);
    network_deactivate(c);
    cleanup_free char *dir = xasprintf("%s/networks/%s", root, name);
    return rm_rf(dir, err);
}
