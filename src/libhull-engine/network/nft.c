/* hull: `table inet hull` through a dlopen'ed libnftables (see nft.h). */
#include <dlfcn.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft.h"
#include "util/utils.h"

/* The whole table.  The address sets and port maps are filled by network.c:
 *  subnets           every hull network (isolation, hairpin, localhost NAT)
 *  nat_subnets       networks with a way out (not --internal): masquerade
 *  internal_subnets  --internal networks: nothing is forwarded in or out
 *  bridges           "BR . BR" for each network's bridge: with br_netfilter
 *                    loaded, traffic inside one bridge passes the forward
 *                    hook too, and is always let through (docker's
 *                    "-i docker0 -o docker0 -j ACCEPT")
 *  publish_any       -p HOSTPORT:CTRPORT on every host address:
 *                    proto . hostport -> container address . port
 *  publish_ip        -p IP:HOSTPORT:CTRPORT: ip . proto . port -> ...
 *  subnets6, nat_subnets6, internal_subnets6, publish_any6, publish_ip6
 *                    the same for the IPv6 side of dual-stack networks
 *                    (an IPv4 dnat in an inet table leaves IPv6 packets
 *                    alone, and the other way round).  [::1]:PORT is not
 *                    DNATed: IPv6 has no route_localnet, a packet from ::1
 *                    never leaves lo, and the connection would hang instead
 *                    of being refused.
 * prerouting DNATs what comes from outside (and from containers) to a local
 * address; output does the same for the host's own connections, 127.0.0.1
 * included (hence route_localnet on hull's bridges, and the first masquerade
 * rule: 127.0.0.1 cannot be a source on the wire).  The second masquerade is
 * the hairpin: a container reaching a published port, answered by a
 * container of the same bridge, must see the answer come from the address it
 * asked.  The forward chain keeps networks apart (docker's isolation rules):
 * one network's containers reach another's only through published ports. */
static const char table_text[] =
    "table inet hull {\n"
    "  set subnets { type ipv4_addr; flags interval; }\n"
    "  set nat_subnets { type ipv4_addr; flags interval; }\n"
    "  set internal_subnets { type ipv4_addr; flags interval; }\n"
    "  set bridges { type ifname . ifname; }\n"
    "  map publish_any { type inet_proto . inet_service : ipv4_addr . inet_service; }\n"
    "  map publish_ip { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service; }\n"
    "  set subnets6 { type ipv6_addr; flags interval; }\n"
    "  set nat_subnets6 { type ipv6_addr; flags interval; }\n"
    "  set internal_subnets6 { type ipv6_addr; flags interval; }\n"
    "  map publish_any6 { type inet_proto . inet_service : ipv6_addr . inet_service; }\n"
    "  map publish_ip6 { type ipv6_addr . inet_proto . inet_service : ipv6_addr . inet_service; }\n"
    "  chain prerouting {\n"
    "    type nat hook prerouting priority dstnat; policy accept;\n"
    "    fib daddr type local dnat ip to ip daddr . meta l4proto . th dport map @publish_ip\n"
    "    fib daddr type local dnat ip to meta l4proto . th dport map @publish_any\n"
    "    fib daddr type local dnat ip6 to ip6 daddr . meta l4proto . th dport map @publish_ip6\n"
    "    fib daddr type local dnat ip6 to meta l4proto . th dport map @publish_any6\n"
    "  }\n"
    "  chain output {\n"
    "    type nat hook output priority -100; policy accept;\n"
    "    fib daddr type local dnat ip to ip daddr . meta l4proto . th dport map @publish_ip\n"
    "    fib daddr type local dnat ip to meta l4proto . th dport map @publish_any\n"
    "    ip6 daddr != ::1 fib daddr type local dnat ip6 to ip6 daddr . meta l4proto . th dport map @publish_ip6\n"
    "    ip6 daddr != ::1 fib daddr type local dnat ip6 to meta l4proto . th dport map @publish_any6\n"
    "  }\n"
    "  chain postrouting {\n"
    "    type nat hook postrouting priority srcnat; policy accept;\n"
    "    ip saddr 127.0.0.0/8 ip daddr @subnets masquerade\n"
    "    ct status dnat ip saddr @subnets ip daddr @subnets masquerade\n"
    "    ip saddr @nat_subnets ip daddr != @subnets masquerade\n"
    "    ct status dnat ip6 saddr @subnets6 ip6 daddr @subnets6 masquerade\n"
    "    ip6 saddr @nat_subnets6 ip6 daddr != @subnets6 masquerade\n"
    "  }\n"
    "  chain forward {\n"
    "    type filter hook forward priority filter; policy accept;\n"
    "    iifname . oifname @bridges accept\n"
    "    ip saddr @internal_subnets drop\n"
    "    ip daddr @internal_subnets drop\n"
    "    ip6 saddr @internal_subnets6 drop\n"
    "    ip6 daddr @internal_subnets6 drop\n"
    "    ct status dnat accept\n"
    "    ip saddr @subnets ip daddr @subnets drop\n"
    "    ip6 saddr @subnets6 ip6 daddr @subnets6 drop\n"
    "  }\n"
    "}\n";

static struct {
    bool tried;
    void *handle;
    struct nft_ctx *(*ctx_new)(uint32_t);
    void (*ctx_free)(struct nft_ctx *);
    int (*run_cmd)(struct nft_ctx *, const char *);
    int (*buffer_output)(struct nft_ctx *);
    int (*buffer_error)(struct nft_ctx *);
    const char *(*get_error)(struct nft_ctx *);
    const char *dlerr;
} lib;

static bool load(void)
{
    if (lib.tried)
        return lib.handle != NULL;
    lib.tried = true;
    lib.handle = dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib.handle) {
        lib.dlerr = dlerror();
        return false;
    }
    lib.ctx_new = (struct nft_ctx * (*)(uint32_t)) dlsym(lib.handle, "nft_ctx_new");
    lib.ctx_free = (void (*)(struct nft_ctx *))dlsym(lib.handle, "nft_ctx_free");
    lib.run_cmd = (int (*)(struct nft_ctx *, const char *))dlsym(lib.handle, "nft_run_cmd_from_buffer");
    lib.buffer_output = (int (*)(struct nft_ctx *))dlsym(lib.handle, "nft_ctx_buffer_output");
    lib.buffer_error = (int (*)(struct nft_ctx *))dlsym(lib.handle, "nft_ctx_buffer_error");
    lib.get_error = (const char *(*)(struct nft_ctx *))dlsym(lib.handle, "nft_ctx_get_error_buffer");
    if (!lib.ctx_new || !lib.ctx_free || !lib.run_cmd || !lib.buffer_output || !lib.buffer_error || !lib.get_error) {
        lib.dlerr = "libnftables.so.1 lacks the functions hull uses";
        dlclose(lib.handle);
        lib.handle = NULL;
        return false;
    }
    return true;
}

bool nft_available(void)
{
    return load();
}

/* Runs commands; with quiet, a failure is reported only through the result. */
static int run(const char *commands, bool quiet, struct hull_error **err)
{
    if (!load())
        return hull_error_set(err, 0, "cannot load libnftables (Debian package libnftables1): %s",
                              lib.dlerr ? lib.dlerr : "unknown error");
    struct nft_ctx *ctx = lib.ctx_new(NFT_CTX_DEFAULT);
    if (!ctx)
        return hull_error_set(err, 0, "nftables: cannot create a context");
    lib.buffer_output(ctx);
    lib.buffer_error(ctx);
    int r = lib.run_cmd(ctx, commands);
    if (r != 0 && !quiet) {
        cleanup_free char *msg = xstrdup(lib.get_error(ctx) ? lib.get_error(ctx) : "");
        /* libnftables' message spans lines (the command, a caret line): the first says it */
        msg[strcspn(msg, "\n")] = '\0';
        lib.ctx_free(ctx);
        return hull_error_set(err, 0, "nftables: %s", *msg ? msg : "the command failed");
    }
    lib.ctx_free(ctx);
    return r == 0 ? 0 : -1;
}

int nft_run(const char *commands, struct hull_error **err)
{
    return run(commands, false, err);
}

bool nft_table_exists(void)
{
    return run("list table inet hull", true, NULL) == 0;
}

bool nft_table_current(void)
{
    /* the newest addition to the table: its absence means an older layout */
    return run("list map inet hull publish_ip6", true, NULL) == 0;
}

int nft_table_create(struct hull_error **err)
{
    return nft_run(table_text, err);
}
