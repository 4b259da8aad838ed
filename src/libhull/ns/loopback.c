/* hull: bringing up `lo` in a network namespace the container creates.  A new
 * network namespace starts with lo down (`qdisc noop`), so nothing inside can
 * reach 127.0.0.1; runc and crun set it up, and clients (Docker's --network
 * none, podman's) rely on it.  One RTM_NEWLINK request over rtnetlink. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <time.h>

#include "../util/utils.h"
#include "namespaces.h"

static void mnl_socket_closep(struct mnl_socket **nl)
{
    if (*nl)
        mnl_socket_close(*nl);
}

int ns_loopback_up(struct hull_error **err)
{
    __attribute__((cleanup(mnl_socket_closep))) struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (!nl)
        return hull_error_set(err, errno, "bring up lo: open rtnetlink socket");
    if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
        return hull_error_set(err, errno, "bring up lo: bind rtnetlink socket");

    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWLINK;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    unsigned seq = (unsigned)time(NULL);
    nlh->nlmsg_seq = seq;
    struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
    ifm->ifi_family = AF_UNSPEC;
    ifm->ifi_change = IFF_UP;
    ifm->ifi_flags = IFF_UP;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, "lo");

    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
        return hull_error_set(err, errno, "bring up lo: send to rtnetlink");
    ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof buf);
    if (n < 0)
        return hull_error_set(err, errno, "bring up lo: receive from rtnetlink");
    /* The kernel's acknowledgement: mnl_cb_run turns an error ack into -1/errno. */
    if (mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl), NULL, NULL) < 0)
        return hull_error_set(err, errno, "bring up lo");
    return 0;
}
