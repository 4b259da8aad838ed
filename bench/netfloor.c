/* bench/netfloor.c: the kernel's floor for a container's bridge networking,
 * what hull's plumbing (src/libhull-engine/engine/engine_network_attach.c) asks of it,
 * without hull around it.  Built and run by bench/netfloor.sh inside a
 * network namespace of its own (never on the host's network).
 *
 *   netfloor MODE N
 *
 * Each of N iterations forks a child that unshares a network namespace and
 * waits (the container's init), then, in every mode but "none":
 *   - one RTM_NEWLINK: a veth pair, the host end up and in bridge nfbr0, the
 *     peer (eth0) made directly in the child's namespace, one queue each way
 *     (NETFLOOR_DEFAULT_QUEUES=1 in the environment: the kernel's default);
 *   - in the child's namespace: an address on eth0, eth0 up, the default
 *     route (3 requests; lo is the runtime's, up in every mode);
 * then lets the child exit and reaps it.  After that:
 *   - "bridge": nothing: the kernel deletes the pair with the namespace (what
 *     hull does); the time until the pair is gone is measured apart ("gone"),
 *     nobody waits for it;
 *   - "bridge-delete": RTM_DELLINK of the host end, waited for (what hull did
 *     before: the request waits for the RCU grace periods of the unregister).
 * Prints the medians in ms: setup (the plumbing), exit+reap, delete, gone. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

unsigned int if_nametoindex(const char *name); /* <net/if.h> clashes with <linux/if.h> */

static unsigned seq;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void die(const char *what)
{
    perror(what);
    exit(1);
}

/* Sends h and waits for its ack; exits on an error. */
static void request(struct mnl_socket *s, struct nlmsghdr *h, const char *what)
{
    h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    h->nlmsg_seq = ++seq;
    char buf[8192];
    if (mnl_socket_sendto(s, h, h->nlmsg_len) < 0)
        die(what);
    ssize_t n = mnl_socket_recvfrom(s, buf, sizeof buf);
    if (n < 0 || mnl_cb_run(buf, (size_t)n, seq, 0, NULL, NULL) < 0)
        die(what);
}

static struct mnl_socket *rtnl_socket(void)
{
    struct mnl_socket *s = mnl_socket_open(NETLINK_ROUTE);
    if (!s || mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0)
        die("netlink socket");
    return s;
}

static void link_up(struct mnl_socket *s, int index)
{
    char b[512];
    struct nlmsghdr *h = mnl_nlmsg_put_header(b);
    h->nlmsg_type = RTM_NEWLINK;
    struct ifinfomsg *i = mnl_nlmsg_put_extra_header(h, sizeof *i);
    i->ifi_index = index;
    i->ifi_flags = i->ifi_change = IFF_UP;
    request(s, h, "link up");
}

static int bridge(struct mnl_socket *s)
{
    int index = (int)if_nametoindex("nfbr0");
    if (index)
        return index;
    char b[512];
    struct nlmsghdr *h = mnl_nlmsg_put_header(b);
    h->nlmsg_type = RTM_NEWLINK;
    h->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    mnl_nlmsg_put_extra_header(h, sizeof(struct ifinfomsg));
    mnl_attr_put_strz(h, IFLA_IFNAME, "nfbr0");
    struct nlattr *li = mnl_attr_nest_start(h, IFLA_LINKINFO);
    mnl_attr_put_strz(h, IFLA_INFO_KIND, "bridge");
    mnl_attr_nest_end(h, li);
    request(s, h, "bridge");
    index = (int)if_nametoindex("nfbr0");
    link_up(s, index);
    return index;
}

/* hull's veths have one queue each way (netlink.c says why); the kernel's
 * default is one per possible CPU. */
static void one_queue(struct nlmsghdr *h)
{
    if (getenv("NETFLOOR_DEFAULT_QUEUES"))
        return;
    mnl_attr_put_u32(h, IFLA_NUM_TX_QUEUES, 1);
    mnl_attr_put_u32(h, IFLA_NUM_RX_QUEUES, 1);
}

/* What hull's plumb() asks: see the comment at the top. */
static void plumb(struct mnl_socket *host, int br, pid_t child, const char *veth)
{
    char path[64], b[1024];
    snprintf(path, sizeof path, "/proc/%d/ns/net", child);
    int nsfd = open(path, O_RDONLY | O_CLOEXEC), home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (nsfd < 0 || home < 0 || setns(nsfd, CLONE_NEWNET) < 0)
        die("enter the child's namespace");
    struct mnl_socket *ctr = rtnl_socket();
    if (setns(home, CLONE_NEWNET) < 0)
        die("setns back");
    close(home);

    struct nlmsghdr *h = mnl_nlmsg_put_header(b);
    h->nlmsg_type = RTM_NEWLINK;
    h->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    struct ifinfomsg *i = mnl_nlmsg_put_extra_header(h, sizeof *i);
    i->ifi_flags = i->ifi_change = IFF_UP;
    mnl_attr_put_strz(h, IFLA_IFNAME, veth);
    mnl_attr_put_u32(h, IFLA_MASTER, (uint32_t)br);
    one_queue(h);
    struct nlattr *li = mnl_attr_nest_start(h, IFLA_LINKINFO);
    mnl_attr_put_strz(h, IFLA_INFO_KIND, "veth");
    struct nlattr *data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
    struct nlattr *peer = mnl_attr_nest_start(h, VETH_INFO_PEER);
    mnl_nlmsg_put_extra_header(h, sizeof(struct ifinfomsg));
    mnl_attr_put_strz(h, IFLA_IFNAME, "eth0");
    mnl_attr_put_u32(h, IFLA_NET_NS_FD, (uint32_t)nsfd);
    one_queue(h);
    mnl_attr_nest_end(h, peer);
    mnl_attr_nest_end(h, data);
    mnl_attr_nest_end(h, li);
    request(host, h, "veth pair");
    close(nsfd);

    /* eth0: the first index after lo in a new namespace (hull looks it up) */
    int eth = 2;
    h = mnl_nlmsg_put_header(b);
    h->nlmsg_type = RTM_NEWADDR;
    h->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    struct ifaddrmsg *a = mnl_nlmsg_put_extra_header(h, sizeof *a);
    a->ifa_family = AF_INET;
    a->ifa_prefixlen = 16;
    a->ifa_index = (unsigned)eth;
    struct in_addr addr;
    inet_pton(AF_INET, "10.199.0.2", &addr);
    mnl_attr_put(h, IFA_LOCAL, 4, &addr);
    mnl_attr_put(h, IFA_ADDRESS, 4, &addr);
    request(ctr, h, "address");
    link_up(ctr, eth);
    h = mnl_nlmsg_put_header(b);
    h->nlmsg_type = RTM_NEWROUTE;
    h->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    struct rtmsg *r = mnl_nlmsg_put_extra_header(h, sizeof *r);
    r->rtm_family = AF_INET;
    r->rtm_table = RT_TABLE_MAIN;
    r->rtm_protocol = RTPROT_BOOT;
    r->rtm_scope = RT_SCOPE_UNIVERSE;
    r->rtm_type = RTN_UNICAST;
    inet_pton(AF_INET, "10.199.0.1", &addr);
    mnl_attr_put(h, RTA_GATEWAY, 4, &addr);
    request(ctr, h, "route");
    mnl_socket_close(ctr);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return v[n / 2];
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "none") && strcmp(argv[1], "bridge") && strcmp(argv[1], "bridge-delete"))) {
        fprintf(stderr, "usage: netfloor none|bridge|bridge-delete N\n");
        return 2;
    }
    const char *mode = argv[1];
    int n = atoi(argv[2]);
    if (n < 1)
        n = 1;
    bool plumbed = strcmp(mode, "none") != 0;
    struct mnl_socket *host = rtnl_socket();
    int br = bridge(host);
    double *setup = calloc((size_t)n, sizeof *setup), *reap = calloc((size_t)n, sizeof *reap);
    double *del = calloc((size_t)n, sizeof *del), *gone = calloc((size_t)n, sizeof *gone);
    for (int it = 0; it < n; it++) {
        int go[2], ready[2];
        if (pipe(go) < 0 || pipe(ready) < 0)
            die("pipe");
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0) {
            char c;
            if (unshare(CLONE_NEWNET) < 0)
                _exit(1);
            /* lo up, as hull's runtime does in every network namespace it makes */
            struct mnl_socket *s = rtnl_socket();
            link_up(s, 1);
            mnl_socket_close(s);
            if (write(ready[1], "x", 1) != 1 || read(go[0], &c, 1) != 1)
                _exit(1);
            _exit(0);
        }
        char c, veth[16];
        if (read(ready[0], &c, 1) != 1)
            die("child");
        snprintf(veth, sizeof veth, "nfv%d", it);
        double t0 = now_ms();
        if (plumbed)
            plumb(host, br, pid, veth);
        double t1 = now_ms();
        if (write(go[1], "x", 1) != 1 || waitpid(pid, NULL, 0) != pid)
            die("reap");
        double t2 = now_ms();
        if (!strcmp(mode, "bridge-delete")) {
            char b[512];
            struct nlmsghdr *h = mnl_nlmsg_put_header(b);
            h->nlmsg_type = RTM_DELLINK;
            mnl_nlmsg_put_extra_header(h, sizeof(struct ifinfomsg));
            mnl_attr_put_strz(h, IFLA_IFNAME, veth);
            h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
            h->nlmsg_seq = ++seq;
            char buf[8192];
            /* ENODEV when the namespace's teardown got there first: fine */
            if (mnl_socket_sendto(host, h, h->nlmsg_len) < 0 || mnl_socket_recvfrom(host, buf, sizeof buf) < 0)
                die("delete");
        }
        double t3 = now_ms();
        /* not part of any step: only so that the pairs do not pile up */
        while (plumbed && if_nametoindex(veth))
            usleep(100);
        double t4 = now_ms();
        setup[it] = t1 - t0;
        reap[it] = t2 - t1;
        del[it] = t3 - t2;
        gone[it] = t4 - t2;
        close(go[0]), close(go[1]), close(ready[0]), close(ready[1]);
    }
    printf("%-14s medians of %d, ms: setup %.3f  exit+reap %.3f  delete %.3f  (pair gone after exit %.3f)\n", mode,
           n, median(setup, n), median(reap, n), median(del, n), median(gone, n));
    return 0;
}
