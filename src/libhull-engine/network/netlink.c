/* hull: rtnetlink requests on libmnl (see netlink.h). */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <arpa/inet.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netlink.h"
#include "util/utils.h"

struct netlink {
    struct mnl_socket *sock;
    unsigned portid, seq;
};

void netlink_close(struct netlink *nl)
{
    if (!nl)
        return;
    if (nl->sock)
        mnl_socket_close(nl->sock);
    free(nl);
}

void netlink_closep(struct netlink **nl)
{
    netlink_close(*nl);
}

int netlink_open(int netns_fd, struct netlink **out, struct hull_error **err)
{
    cleanup_close int home = -1;
    if (netns_fd >= 0) {
        /* The socket belongs to the namespace it is created in: enter the
         * container's just for socket(), then come back. */
        home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (home < 0)
            return hull_error_set(err, errno, "open /proc/self/ns/net");
        if (setns(netns_fd, CLONE_NEWNET) < 0)
            return hull_error_set(err, errno, "enter the container's network namespace");
    }
    struct mnl_socket *sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    int e = errno;
    if (home >= 0 && setns(home, CLONE_NEWNET) < 0)
        abort(); /* carrying on in the container's namespace would configure the wrong host */
    if (!sock)
        return hull_error_set(err, e, "open a netlink socket");
    if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) {
        e = errno;
        mnl_socket_close(sock);
        return hull_error_set(err, e, "bind a netlink socket");
    }
    struct netlink *nl = xmalloc0(sizeof *nl);
    nl->sock = sock;
    nl->portid = mnl_socket_get_portid(sock);
    nl->seq = (unsigned)time(NULL);
    *out = nl;
    return 0;
}

static struct nlmsghdr *new_request(struct netlink *nl, char *buf, uint16_t type, uint16_t flags)
{
    struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
    h->nlmsg_type = type;
    h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    h->nlmsg_seq = ++nl->seq;
    return h;
}

/* Sends h and reads until the ack (or, for dumps, NLMSG_DONE); cb sees each
 * data message.  Returns 0 or -errno. */
static int transact(struct netlink *nl, struct nlmsghdr *h, mnl_cb_t cb, void *data)
{
    if (mnl_socket_sendto(nl->sock, h, h->nlmsg_len) < 0)
        return -errno;
    char buf[MNL_SOCKET_BUFFER_SIZE];
    unsigned seq = h->nlmsg_seq;
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(nl->sock, buf, sizeof buf);
        if (n < 0)
            return -errno;
        int r = mnl_cb_run(buf, (size_t)n, seq, nl->portid, cb, data);
        if (r < 0)
            return -errno;
        if (r == MNL_CB_STOP)
            return 0;
    }
}

static int link_index_cb(const struct nlmsghdr *h, void *data)
{
    const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
    *(unsigned *)data = (unsigned)ifi->ifi_index;
    return MNL_CB_OK;
}

unsigned netlink_link_index(struct netlink *nl, const char *name)
{
    /* Asked over netlink, not if_nametoindex(): that would look in our own
     * namespace, not the one this socket talks to. */
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
    h->nlmsg_type = RTM_GETLINK;
    h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    h->nlmsg_seq = ++nl->seq;
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof *ifi);
    ifi->ifi_family = AF_UNSPEC;
    mnl_attr_put_strz(h, IFLA_IFNAME, name);
    unsigned index = 0;
    if (transact(nl, h, link_index_cb, &index) < 0)
        return 0;
    return index;
}

static int link_new(struct netlink *nl, struct nlmsghdr *h, const char *what, const char *name,
                    struct hull_error **err)
{
    int r = transact(nl, h, NULL, NULL);
    if (r < 0)
        return hull_error_set(err, -r, "create %s %s", what, name);
    return 0;
}

int netlink_bridge_ensure(struct netlink *nl, const char *name, unsigned mtu, struct hull_error **err)
{
    unsigned index = netlink_link_index(nl, name);
    if (index == 0) {
        char buf[MNL_SOCKET_BUFFER_SIZE];
        struct nlmsghdr *h = new_request(nl, buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof *ifi);
        ifi->ifi_family = AF_UNSPEC;
        mnl_attr_put_strz(h, IFLA_IFNAME, name);
        mnl_attr_put_u32(h, IFLA_MTU, mtu);
        struct nlattr *info = mnl_attr_nest_start(h, IFLA_LINKINFO);
        mnl_attr_put_strz(h, IFLA_INFO_KIND, "bridge");
        mnl_attr_nest_end(h, info);
        int r = transact(nl, h, NULL, NULL);
        if (r < 0 && r != -EEXIST) /* a concurrent hull made it first */
            return hull_error_set(err, -r, "create bridge %s", name);
        index = netlink_link_index(nl, name);
        if (index == 0)
            return hull_error_set(err, ENODEV, "bridge %s", name);
    }
    return netlink_link_up(nl, index, 0, err);
}

/* One RX and one TX queue: without them the kernel gives each end as many
 * as there are possible CPUs, each a kobject with its sysfs files made at
 * creation and removed at teardown (bench/netfloor.sh, two possible CPUs:
 * the pair's setup 0.73 -> 0.62 ms median; more on a bigger host).  A veth
 * uses several queues only for XDP or GRO on NAPI, which hull never turns
 * on; docker and podman take the kernel's default. */
static void put_one_queue(struct nlmsghdr *h)
{
    mnl_attr_put_u32(h, IFLA_NUM_TX_QUEUES, 1);
    mnl_attr_put_u32(h, IFLA_NUM_RX_QUEUES, 1);
}

int netlink_veth_create(struct netlink *nl, const char *host_name, const char *peer_name, int peer_netns_fd,
                        unsigned mtu, const uint8_t mac[6], unsigned master, struct hull_error **err)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *h = new_request(nl, buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof *ifi);
    ifi->ifi_family = AF_UNSPEC;
    /* The host end up and in its bridge in this one request: the kernel
     * applies flags and master at creation (rtnl_configure_link,
     * do_set_master), which saves a lookup and a request.  Not the peer:
     * veth_open refuses it (ENOTCONN) before the pair is linked. */
    ifi->ifi_flags = IFF_UP;
    ifi->ifi_change = IFF_UP;
    mnl_attr_put_strz(h, IFLA_IFNAME, host_name);
    mnl_attr_put_u32(h, IFLA_MTU, mtu);
    put_one_queue(h);
    if (master)
        mnl_attr_put_u32(h, IFLA_MASTER, master);
    struct nlattr *linkinfo = mnl_attr_nest_start(h, IFLA_LINKINFO);
    mnl_attr_put_strz(h, IFLA_INFO_KIND, "veth");
    struct nlattr *data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
    struct nlattr *peer = mnl_attr_nest_start(h, VETH_INFO_PEER);
    /* The peer is made directly in the container's namespace: its name
     * (eth0) never exists in ours, so it cannot collide with the host's. */
    struct ifinfomsg *pifi = mnl_nlmsg_put_extra_header(h, sizeof *pifi);
    pifi->ifi_family = AF_UNSPEC;
    mnl_attr_put_strz(h, IFLA_IFNAME, peer_name);
    mnl_attr_put_u32(h, IFLA_MTU, mtu);
    mnl_attr_put_u32(h, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
    mnl_attr_put(h, IFLA_ADDRESS, 6, mac);
    put_one_queue(h);
    mnl_attr_nest_end(h, peer);
    mnl_attr_nest_end(h, data);
    mnl_attr_nest_end(h, linkinfo);
    return link_new(nl, h, "veth pair", host_name, err);
}

int netlink_link_up(struct netlink *nl, unsigned index, unsigned master, struct hull_error **err)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *h = new_request(nl, buf, RTM_NEWLINK, 0);
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof *ifi);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = (int)index;
    ifi->ifi_flags = IFF_UP;
    ifi->ifi_change = IFF_UP;
    if (master)
        mnl_attr_put_u32(h, IFLA_MASTER, master);
    int r = transact(nl, h, NULL, NULL);
    if (r < 0)
        return hull_error_set(err, -r, "set interface %u up", index);
    return 0;
}

int netlink_link_delete(struct netlink *nl, const char *name, struct hull_error **err)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *h = new_request(nl, buf, RTM_DELLINK, 0);
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof *ifi);
    ifi->ifi_family = AF_UNSPEC;
    mnl_attr_put_strz(h, IFLA_IFNAME, name);
    int r = transact(nl, h, NULL, NULL);
    if (r < 0 && r != -ENODEV)
        return hull_error_set(err, -r, "delete interface %s", name);
    return 0;
}

static int addr_add(struct netlink *nl, unsigned index, int family, const void *addr, size_t len, unsigned prefix,
                    struct hull_error **err)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *h = new_request(nl, buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
    struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(h, sizeof *ifa);
    ifa->ifa_family = (unsigned char)family;
    ifa->ifa_prefixlen = (unsigned char)prefix;
    ifa->ifa_index = index;
    if (family == AF_INET6) {
        /* No duplicate address detection: hull's IPAM hands each address
         * out once, and DAD would keep it "tentative" (unusable) for a
         * second or more after the container starts. */
        ifa->ifa_flags = IFA_F_NODAD;
        mnl_attr_put_u32(h, IFA_FLAGS, IFA_F_NODAD);
    } else {
        mnl_attr_put(h, IFA_LOCAL, len, addr);
    }
    mnl_attr_put(h, IFA_ADDRESS, len, addr);
    int r = transact(nl, h, NULL, NULL);
    if (r < 0 && r != -EEXIST) {
        char text[INET6_ADDRSTRLEN];
        inet_ntop(family, addr, text, sizeof text);
        return hull_error_set(err, -r, "add address %s/%u", text, prefix);
    }
    return 0;
}

int netlink_addr_add(struct netlink *nl, unsigned index, struct in_addr addr, unsigned prefix,
                     struct hull_error **err)
{
    return addr_add(nl, index, AF_INET, &addr, sizeof addr, prefix, err);
}

int netlink_addr6_add(struct netlink *nl, unsigned index, const struct in6_addr *addr, unsigned prefix,
                      struct hull_error **err)
{
    return addr_add(nl, index, AF_INET6, addr, sizeof *addr, prefix, err);
}

static int default_route(struct netlink *nl, int family, const void *gateway, size_t len, unsigned oif,
                         struct hull_error **err)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *h = new_request(nl, buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
    struct rtmsg *rtm = mnl_nlmsg_put_extra_header(h, sizeof *rtm);
    rtm->rtm_family = (unsigned char)family;
    rtm->rtm_table = RT_TABLE_MAIN;
    rtm->rtm_protocol = RTPROT_BOOT;
    rtm->rtm_scope = RT_SCOPE_UNIVERSE;
    rtm->rtm_type = RTN_UNICAST;
    mnl_attr_put(h, RTA_GATEWAY, len, gateway);
    if (oif)
        mnl_attr_put_u32(h, RTA_OIF, oif);
    int r = transact(nl, h, NULL, NULL);
    if (r < 0) {
        char text[INET6_ADDRSTRLEN];
        inet_ntop(family, gateway, text, sizeof text);
        return hull_error_set(err, -r, "add the default route via %s", text);
    }
    return 0;
}

int netlink_default_route(struct netlink *nl, struct in_addr gateway, struct hull_error **err)
{
    return default_route(nl, AF_INET, &gateway, sizeof gateway, 0, err);
}

int netlink_default_route6(struct netlink *nl, const struct in6_addr *gateway, unsigned oif, struct hull_error **err)
{
    return default_route(nl, AF_INET6, gateway, sizeof *gateway, oif, err);
}

struct route_dump {
    int family;
    struct netlink_route4 *v; /* AF_INET */
    struct netlink_route6 *v6; /* AF_INET6 */
    size_t n, cap;
};

static int route_attr(const struct nlattr *a, void *data)
{
    const struct nlattr **tb = data;
    if (mnl_attr_type_valid(a, RTA_MAX) >= 0)
        tb[mnl_attr_get_type(a)] = a;
    return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *h, void *data)
{
    struct route_dump *d = data;
    const struct rtmsg *rtm = mnl_nlmsg_get_payload(h);
    if (rtm->rtm_family != d->family || rtm->rtm_table == RT_TABLE_LOCAL || rtm->rtm_dst_len == 0)
        return MNL_CB_OK;
    const struct nlattr *tb[RTA_MAX + 1] = {0};
    mnl_attr_parse(h, sizeof *rtm, route_attr, tb);
    size_t len = d->family == AF_INET ? 4 : 16;
    if (!tb[RTA_DST] || mnl_attr_get_payload_len(tb[RTA_DST]) != len)
        return MNL_CB_OK;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        if (d->family == AF_INET)
            d->v = xrealloc(d->v, d->cap * sizeof *d->v);
        else
            d->v6 = xrealloc(d->v6, d->cap * sizeof *d->v6);
    }
    if (d->family == AF_INET) {
        memcpy(&d->v[d->n].dst, mnl_attr_get_payload(tb[RTA_DST]), len);
        d->v[d->n].prefix = rtm->rtm_dst_len;
    } else {
        memcpy(&d->v6[d->n].dst, mnl_attr_get_payload(tb[RTA_DST]), len);
        d->v6[d->n].prefix = rtm->rtm_dst_len;
    }
    d->n++;
    return MNL_CB_OK;
}

static int routes_dump(struct netlink *nl, struct route_dump *d)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
    h->nlmsg_type = RTM_GETROUTE;
    h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    h->nlmsg_seq = ++nl->seq;
    struct rtmsg *rtm = mnl_nlmsg_put_extra_header(h, sizeof *rtm);
    rtm->rtm_family = (unsigned char)d->family;
    return transact(nl, h, route_cb, d);
}

int netlink_routes6(struct netlink *nl, struct netlink_route6 **out, size_t *n, struct hull_error **err)
{
    struct route_dump d = {.family = AF_INET6};
    int r = routes_dump(nl, &d);
    if (r < 0) {
        free(d.v6);
        return hull_error_set(err, -r, "list the host's IPv6 routes");
    }
    *out = d.v6;
    *n = d.n;
    return 0;
}

int netlink_routes4(struct netlink *nl, struct netlink_route4 **out, size_t *n, struct hull_error **err)
{
    struct route_dump d = {.family = AF_INET};
    int r = routes_dump(nl, &d);
    if (r < 0) {
        free(d.v);
        return hull_error_set(err, -r, "list the host's routes");
    }
    *out = d.v;
    *n = d.n;
    return 0;
}
