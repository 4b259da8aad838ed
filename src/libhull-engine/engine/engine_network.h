/* hull: a container's networking, between the run flags and the network
 * library (src/libhull-engine/network).
 *
 *  - engine_net_flag / engine_network_prepare: the flags of `hull run`
 *    (--network, --ip, -p, -P, --expose, --add-host, --dns*), checked before
 *    anything exists; the default network is made here on first use.
 *  - engine_network_record: what the record keeps of them (docker's
 *    HostConfig.NetworkMode, PortBindings, ... and NetworkSettings).
 *  - engine_network_attach: between the runtime's create and start (the
 *    init's network namespace exists, nothing runs in it yet): lease, veth
 *    pair (eth0 made directly in the container's namespace), addresses,
 *    routes, published ports, NetworkSettings, hosts files of the network.
 *  - engine_network_detach: when the container stops or is removed: ports,
 *    lease, host-side veth, hosts files.  Idempotent.
 *  - engine_network_sweep: detaches every container that holds a lease or a
 *    port but is not running (its `hull run` was SIGKILLed, the machine
 *    rebooted); run before anything is handed out. */
#ifndef HULL_ENGINE_NETWORK_H
#define HULL_ENGINE_NETWORK_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error_internal.h"

struct json_object;
struct network_port;
struct engine_run_config;

/* docker's per-network options: --network name=NET,alias=A,ip=IP,ip6=IP6[,mac-address=MAC] */
struct engine_net_endpoint {
    char *ip, *ip6, *mac;
    char **aliases;
};

struct engine_net_flags {
    const char *mode; /* the first --network's network; NULL: the default */
    char *mode_owned; /* ... when it came as name=NET,... */
    struct engine_net_endpoint first; /* its per-network options (merged with --ip & co. at prepare) */
    char **more;      /* the other --network flags' networks, as given (NULL-terminated or NULL) */
    struct engine_net_endpoint *more_opts; /* their per-network options, one per entry of more */
    const char *ip;   /* --ip */
    const char *ip6;  /* --ip6 (a dual-stack network) */
    struct network_port *publish, *expose;
    size_t n_publish, n_expose;
    bool publish_all; /* -P */
    char **add_hosts, **dns, **dns_search, **dns_options; /* NULL-terminated or NULL */
    char **aliases;                                       /* --network-alias */
    const char *mac;                                      /* --mac-address */
    /* set by engine_network_prepare */
    char *network;    /* "hull", a user network, "none", "host" or "container:ID" */
    char *netns_path; /* container:ID: that container's /proc/PID/ns/net */
    bool bridge;      /* network is a bridge network */
    char **networks_more; /* the networks of `more`, resolved ("bridge" is "hull") */
};

/* One networking flag (flag: "--network", "--ip", "--ip6", "-p", "-P", "--expose",
 * "--add-host", "--dns", "--dns-search", "--dns-option", "--network-alias",
 * "--mac-address");
 * syntax checked. */
int engine_net_flag(struct engine_net_flags *nf, const char *flag, const char *value, struct hull_error **err);
void engine_net_flags_clear(struct engine_net_flags *nf);

/* Resolves the network (default: $HULL_DEFAULT_NETWORK, else "hull" for
 * root and "none" otherwise), checks the flags against it and fills
 * rc->net and rc->host_network.  Several --network flags (docker 25,
 * podman): bridge networks only, each once; the first is the primary one
 * (eth0, the default route, -p, --ip, --network-alias, --mac-address), the
 * others are endpoints attached at start as `hull network connect` would. */
int engine_network_prepare(const char *root, const char *runroot, struct engine_net_flags *nf,
                           struct engine_run_config *rc, struct hull_error **err);

/* Adds HostConfig.NetworkMode/PortBindings/PublishAllPorts/ExtraHosts/Dns*,
 * Config.ExposedPorts (the image's and --expose) and NetworkSettings. */
void engine_network_record(struct json_object *rec, const struct engine_run_config *rc,
                           struct json_object *image_config);

/* --domainname: at most 64 bytes (the kernel's __NEW_UTS_LEN, or
 * setdomainname fails in the container's init), no blank or control
 * character (it goes into /etc/hosts as a name). "" is no domain name. */
int engine_parse_domainname(const char *text, struct hull_error **err);

/* "02:42:ac:11:00:02" into mac; false when malformed, multicast or zero. */
bool engine_parse_mac(const char *text, unsigned char mac[6]);

int engine_network_attach(const char *root, const char *runroot, const char *id, int pid, struct hull_error **err);
void engine_network_detach(const char *root, const char *id);
/* After a rename: the hosts files of the container and of every container on
 * its user networks, where its name resolves. */
void engine_network_names_changed(const char *root, const char *id);
int engine_network_sweep(const char *root, const char *runroot, struct hull_error **err);
/* The same, for a caller that holds network_lock(). */
int engine_network_sweep_locked(const char *root, const char *runroot, struct hull_error **err);

/* The networks of a container, "app,hull" (its NetworkMode when it has no
 * bridge network: "none", "host"), for ps's .Networks.  Owned. */
char *engine_network_names_text(struct json_object *rec);
/* "0.0.0.0:8080->80/tcp, ..." for ps (owned; "" when none). */
char *engine_network_ports_text(struct json_object *rec);



/* ---- `hull network ...` (engine_networks.c) ---- */
struct network_create_opts;
/* Under the lock; the created network's name is opts->name. */
int engine_network_create(const char *root, const struct network_create_opts *o, struct hull_error **err);
/* Refused while containers use it (dead ones are swept first). */
int engine_network_remove(const char *root, const char *runroot, const char *name, struct hull_error **err);
/* Removes every user network no container uses; *removed gets their names. */
int engine_network_prune(const char *root, const char *runroot, char ***removed, struct hull_error **err);
/* `hull network connect [--ip IP] [--alias A] NET C`: a running container
 * gets ethN on NET at once, a stopped one at its next start. */
int engine_network_connect(const char *root, const char *runroot, const char *network, const char *container,
                           const char *ip, const char *ip6, char *const *aliases, struct hull_error **err);
/* Only a network the container was connected to, not its --network. */
int engine_network_disconnect(const char *root, const char *network, const char *container, struct hull_error **err);
/* docker's `network inspect` object (Name, Id, Driver, IPAM, Internal, Containers ...). */
int engine_network_inspect(const char *root, const char *runroot, const char *name, struct json_object **out,
                           struct hull_error **err);

#endif
