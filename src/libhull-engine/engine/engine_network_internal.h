/* hull: what engine_network_attach.c gives engine_networks.c (connect,
 * disconnect).  Callers hold network_lock(). */
#ifndef HULL_ENGINE_NETWORK_INTERNAL_H
#define HULL_ENGINE_NETWORK_INTERNAL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/error_internal.h"

struct network_port;
struct network_binding;

/* One network of a running container (init pid): lease (want.s_addr 0: any;
 * want6 NULL or ::: any, on a dual-stack network),
 * veth (eth0 when primary, else the first free ethN; want_mac NULL: docker's
 * MAC from the address), ports (primary only),
 * NetworkSettings, hosts files.  On failure the caller detaches. */
int engine_network_attach_one(const char *root, const char *id, int pid, const char *network, struct in_addr want,
                              const struct in6_addr *want6, const unsigned char *want_mac, bool primary,
                              const struct network_port *ports, size_t n_ports, struct hull_error **err);
/* Lease, connected veth, settings of one network; drop: the endpoint leaves
 * NetworkSettings.Networks too (disconnect). */
int engine_network_detach_one(const char *root, const char *id, const char *network, bool drop);

/* NetworkSettings.Ports (and SandboxKey) of a network that is not a bridge
 * (slirp4netns): the bindings in force while pid runs, emptied for pid 0. */
int engine_network_settings_ports(const char *root, const char *id, const struct network_binding *b, size_t n,
                                  int pid, struct hull_error **err);

/* ---- engine_network_record.c: the network members of a record's Config
 * and HostConfig ("" or empty when absent) ---- */
struct engine_record;
const char *engine_net_mode(const struct engine_record *rec);       /* HostConfig.NetworkMode */
const char *engine_net_hostname(const struct engine_record *rec);   /* Config.Hostname */
const char *engine_net_domainname(const struct engine_record *rec); /* Config.Domainname */
const char *engine_net_mac(const struct engine_record *rec);        /* Config.MacAddress (--mac-address) */
/* HostConfig.ExtraHosts, Config.ExposedPorts ("80/tcp"): NULL-terminated, owned. */
char **engine_net_extra_hosts(const struct engine_record *rec);
char **engine_net_exposed_ports(const struct engine_record *rec);
/* The ports to publish: HostConfig.PortBindings (-p), and with
 * PublishAllPorts (-P) every exposed port on a free one; appended to *out. */
void engine_net_wanted_ports(const struct engine_record *rec, struct network_port **out, size_t *n);

/* ---- --network slirp4netns (engine_slirp.c) ---- */
#define ENGINE_NETWORK_SLIRP "slirp4netns"
/* slirp4netns is in PATH and /dev/net/tun opens for us: else why not. */
int engine_slirp_check(struct hull_error **err);
/* Starts the container's slirp4netns (init pid: its network namespace), waits
 * until it is up and publishes ports; on failure nothing of it is left. */
int engine_slirp_start(const char *root, const char *id, int pid, const struct network_port *ports, size_t n,
                       struct hull_error **err);
/* Stops it by the pid it recorded (start time checked); false when none. */
bool engine_slirp_stop(const char *root, const char *id);

#endif
