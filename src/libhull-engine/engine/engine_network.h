/* hull: a container's networking, between the run flags and the network
 * library (src/libhull-engine/network).
 *
 *  - engine_net_flag / engine_network_prepare: the flags of `hull run`
 *    (--network, --ip, -p, -P, --expose, --add-host, --dns*), checked before
 *    anything exists; the default network is made here on first use.
 *  - engine_network_record, engine_network_settings_for_run: what the
 *    record keeps of them (docker's HostConfig.NetworkMode, PortBindings,
 *    ... and NetworkSettings).
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
#include "hull/hull-engine.h"

struct engine_network_settings;
struct network_port;
struct engine_run_config;
struct engine_record;

/* Sets the record's HostConfig.NetworkMode/PortBindings/PublishAllPorts/
 * ExtraHosts/Dns* and Config.MacAddress/ExposedPorts (image_exposed: the
 * image's, "80/tcp", NULL-terminated or NULL; then --expose's and -p's). */
void engine_network_record(struct engine_record *rec, const struct engine_run_config *rc,
                           char *const *image_exposed);
/* A new container's NetworkSettings: nothing filled yet; an endpoint per
 * bridge network (--ip/--ip6/--network-alias of each in IPAMConfig and
 * Aliases). */
struct engine_network_settings *engine_network_settings_for_run(const struct engine_run_config *rc);

/* "02:42:ac:11:00:02" into mac; false when malformed, multicast or zero. */
bool engine_parse_mac(const char *text, unsigned char mac[6]);

int engine_network_attach(const char *root, const char *runroot, const char *id, int pid, struct hull_error **err);
void engine_network_detach(const char *root, const char *id);
/* The same at the exit of its init, right before the record says "exited"
 * (engine_container_finish): NetworkSettings are emptied in that write. */
void engine_network_detach_at_exit(const char *root, const char *id);
/* After a rename: the hosts files of the container and of every container on
 * its user networks, where its name resolves. */
void engine_network_names_changed(const char *root, const char *id);
int engine_network_sweep(const char *root, const char *runroot, struct hull_error **err);
/* The same, for a caller that holds network_lock(). */
int engine_network_sweep_locked(const char *root, const char *runroot, struct hull_error **err);

/* ---- `hull network ...` (engine_networks.c) ---- */
struct network_create_opts;

/* Resolves the network (default: $HULL_DEFAULT_NETWORK, else "hull" for
 * root and "none" otherwise), checks the flags against it and fills
 * rc->net and rc->host_network.  Several --network flags (docker 25,
 * podman): bridge networks only, each once; the first is the primary one
 * (eth0, the default route, -p, --ip, --network-alias, --mac-address), the
 * others are endpoints attached at start as `hull network connect` would. */
int engine_network_prepare(const char *root, const char *runroot, struct engine_net_flags *nf,
                           struct engine_run_config *rc, struct hull_error **err);

/* --domainname: at most 64 bytes (the kernel's __NEW_UTS_LEN, or
 * setdomainname fails in the container's init), no blank or control
 * character (it goes into /etc/hosts as a name). "" is no domain name. */
int engine_parse_domainname(const char *text, struct hull_error **err);

#endif
