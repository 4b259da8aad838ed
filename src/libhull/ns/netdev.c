/* hull: linux.netDevices -- moving host network devices into the container's
 * network namespace (config-linux.md "Network Devices").
 *
 * The runtime, still in the caller's network namespace, reads the device's
 * permanent global addresses, moves the device with one RTM_NEWLINK
 * (IFLA_NET_NS_FD + IFLA_IFNAME renames it on the way), then, through a
 * netlink socket opened inside the container's namespace, adds the addresses
 * again (a move drops them) and sets the device up, as the spec requires.
 * Nothing moves it back: the spec leaves that to the kernel, which returns
 * physical devices to the initial namespace and destroys virtual ones when the
 * namespace dies. */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../util/utils.h"
#include "namespaces.h"

#define MAX_ADDRS 64

struct saved_addr {
    struct ifaddrmsg ifa;
    unsigned char local[16], address[16];
    bool has_local, has_address;
};

struct addr_dump {
    unsigned ifindex;
    struct saved_addr addrs[MAX_ADDRS];
    size_t n;
};

static void mnl_socket_closep(struct mnl_socket **nl)
{
    if (*nl)
        mnl_socket_close(*nl);
}
#define cleanup_mnl __attribute__((cleanup(mnl_socket_closep)))

static struct mnl_socket *nl_open(struct hull_error **err)
{
    struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (!nl) {
        hull_error_set(err, errno, "open rtnetlink socket");
        return NULL;
    }
    if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
        hull_error_set(err, errno, "bind rtnetlink socket");
        mnl_socket_close(nl);
        return NULL;
    }
    return nl;
}

/* Sends one request and runs cb over every reply until the ack or NLMSG_DONE.
 */
static int nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
    static unsigned seq;
    nlh->nlmsg_seq = ++seq + (unsigned)time(NULL);
    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
        return -1;
    char buf[MNL_SOCKET_BUFFER_SIZE];
    int r;
    do {
        ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof buf);
        if (n < 0)
            return -1;
        r = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, mnl_socket_get_portid(nl), cb, data);
    } while (r > 0);
    return r;
}

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
    const struct nlattr **tb = data;
    int type = mnl_attr_get_type(attr);
    if (mnl_attr_type_valid(attr, IFA_MAX) >= 0)
        tb[type] = attr;
    return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
    struct addr_dump *d = data;
    struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *tb[IFA_MAX + 1] = {NULL};
    mnl_attr_parse(nlh, sizeof *ifa, addr_attr_cb, tb);
    uint32_t flags = tb[IFA_FLAGS] ? mnl_attr_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
    /* config-linux.md: permanent addresses (IFA_F_PERMANENT) of global scope
     * (RT_SCOPE_UNIVERSE). */
    if (ifa->ifa_index != d->ifindex || !(flags & IFA_F_PERMANENT) || ifa->ifa_scope != RT_SCOPE_UNIVERSE ||
        d->n == MAX_ADDRS)
        return MNL_CB_OK;
    struct saved_addr *a = &d->addrs[d->n++];
    memset(a, 0, sizeof *a);
    a->ifa = *ifa;
    size_t len = ifa->ifa_family == AF_INET6 ? 16 : 4;
    if (tb[IFA_LOCAL] && mnl_attr_get_payload_len(tb[IFA_LOCAL]) == len) {
        memcpy(a->local, mnl_attr_get_payload(tb[IFA_LOCAL]), len);
        a->has_local = true;
    }
    if (tb[IFA_ADDRESS] && mnl_attr_get_payload_len(tb[IFA_ADDRESS]) == len) {
        memcpy(a->address, mnl_attr_get_payload(tb[IFA_ADDRESS]), len);
        a->has_address = true;
    }
    return MNL_CB_OK;
}

static int dump_addresses(struct mnl_socket *nl, struct addr_dump *d)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_GETADDR;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
    ifa->ifa_family = AF_UNSPEC;
    return nl_talk(nl, nlh, addr_cb, d);
}

static int move_link(struct mnl_socket *nl, unsigned ifindex, int netns_fd, const char *name)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWLINK;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
    ifm->ifi_family = AF_UNSPEC;
    ifm->ifi_index = (int)ifindex;
    mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    return nl_talk(nl, nlh, NULL, NULL);
}

static int link_up(struct mnl_socket *nl, unsigned ifindex)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWLINK;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
    ifm->ifi_family = AF_UNSPEC;
    ifm->ifi_index = (int)ifindex;
    ifm->ifi_change = IFF_UP;
    ifm->ifi_flags = IFF_UP;
    return nl_talk(nl, nlh, NULL, NULL);
}

static int add_address(struct mnl_socket *nl, unsigned ifindex, const struct saved_addr *a)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWADDR;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
    *ifa = a->ifa;
    ifa->ifa_index = ifindex;
    size_t len = a->ifa.ifa_family == AF_INET6 ? 16 : 4;
    if (a->has_local)
        mnl_attr_put(nlh, IFA_LOCAL, len, a->local);
    if (a->has_address)
        mnl_attr_put(nlh, IFA_ADDRESS, len, a->address);
    return nl_talk(nl, nlh, NULL, NULL);
}

/* 1 when the namespace of nl has a device called name, 0 when not. */
static int link_exists(struct mnl_socket *nl, const char *name)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_GETLINK;
    /* The ack after the reply ends nl_talk's loop. */
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
    ifm->ifi_family = AF_UNSPEC;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    if (nl_talk(nl, nlh, NULL, NULL) >= 0)
        return 1;
    return errno == ENODEV ? 0 : -1;
}

/* A netlink socket belongs to the network namespace it was created in. */
static struct mnl_socket *nl_open_in(int netns_fd, struct hull_error **err)
{
    cleanup_close int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (self < 0) {
        hull_error_set(err, errno, "open /proc/self/ns/net");
        return NULL;
    }
    if (setns(netns_fd, CLONE_NEWNET) < 0) {
        hull_error_set(err, errno, "enter the container's network namespace");
        return NULL;
    }
    struct mnl_socket *nl = nl_open(err);
    if (setns(self, CLONE_NEWNET) < 0) {
        /* We cannot stay in the container's namespace: the rest of create would act
         * there. */
        dprintf(2, "hull: cannot return to the runtime's network namespace: %s\n", strerror(errno));
        _exit(255);
    }
    return nl;
}

int ns_net_devices_validate(const struct hull_spec *spec, struct hull_error **err)
{
    const struct hull_linux *l = &spec->linux_;
    for (size_t i = 0; i < l->n_net_devices; i++)
        if (if_nametoindex(l->net_devices[i].host_name) == 0)
            return hull_error_set(err, 0,
                                  "linux.netDevices: device \"%s\" does not exist in "
                                  "the runtime's network "
                                  "namespace",
                                  l->net_devices[i].host_name);
    return 0;
}

static int move_one(struct mnl_socket *host, struct mnl_socket *inside, int netns_fd, const struct hull_net_device *dev,
                    struct hull_error **err)
{
    unsigned ifindex = if_nametoindex(dev->host_name);
    if (ifindex == 0)
        return hull_error_set(err, errno, "device \"%s\"", dev->host_name);
    /* config-linux.md: a name the container already has MUST be an error (a
     * "%d" template excepted).  Check first: the kernel moves the device
     * under its own name and only then fails the rename with EEXIST. */
    if (!strstr(dev->name, "%d")) {
        int r = link_exists(inside, dev->name);
        if (r != 0)
            return hull_error_set(err, r > 0 ? EEXIST : errno, "\"%s\" cannot become \"%s\"%s", dev->host_name,
                                  dev->name, r > 0 ? ": the container already has a device of that name" : "");
    }
    struct addr_dump d = {.ifindex = ifindex};
    if (dump_addresses(host, &d) < 0)
        return hull_error_set(err, errno, "read the addresses of \"%s\"", dev->host_name);
    if (move_link(host, ifindex, netns_fd, dev->name) < 0)
        return hull_error_set(err, errno, "move \"%s\" into the container as \"%s\"", dev->host_name, dev->name);
    /* The kernel keeps the ifindex when the new namespace does not use it; a
     * fresh namespace only has lo. */
    for (size_t i = 0; i < d.n; i++)
        if (add_address(inside, ifindex, &d.addrs[i]) < 0 && errno != EEXIST)
            return hull_error_set(err, errno, "add an address of \"%s\" back inside the container", dev->name);
    if (link_up(inside, ifindex) < 0)
        return hull_error_set(err, errno, "set \"%s\" up inside the container", dev->name);
    return 0;
}

int ns_net_devices_move(const struct hull_spec *spec, pid_t pid, struct hull_error **err)
{
    const struct hull_linux *l = &spec->linux_;
    if (l->n_net_devices == 0)
        return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
    cleanup_close int netns = open(path, O_RDONLY | O_CLOEXEC);
    if (netns < 0)
        return hull_error_set(err, errno, "linux.netDevices: open %s", path);
    cleanup_mnl struct mnl_socket *host = nl_open(err);
    if (!host)
        return hull_error_wrap(err, "linux.netDevices");
    cleanup_mnl struct mnl_socket *inside = nl_open_in(netns, err);
    if (!inside)
        return hull_error_wrap(err, "linux.netDevices");
    for (size_t i = 0; i < l->n_net_devices; i++)
        if (move_one(host, inside, netns, &l->net_devices[i], err) < 0)
            return hull_error_wrap(err, "linux.netDevices");
    return 0;
}
