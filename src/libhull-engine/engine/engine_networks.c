/* hull: `hull network create/ls/inspect/rm/prune` on the library side (see
 * engine_network.h): every change under the networks lock, dead containers'
 * leases swept first so that "in use" means in use. */
#include <arpa/inet.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "engine_network.h"
#include "engine_network_internal.h"
#include "events.h"
#include "lifecycle.h"
#include "network/network.h"
#include "record.h"
#include "util/utils.h"

static void network_event(const char *root, const char *id, const char *name, const char *action)
{
    struct engine_event_attr attrs[] = {{"name", name}, {"type", "bridge"}, {NULL, NULL}};
    engine_event_emit(root, "network", action, id, attrs);
}

/* network_remove, and its "destroy" event (the id is gone with the config). */
static int remove_with_event(const char *root, const char *name, struct hull_error **err)
{
    cleanup_network_config struct network_config *c = NULL;
    if (network_load(root, name, &c, err) < 0 || network_remove(root, name, err) < 0)
        return -1;
    network_event(root, c->id, c->name, "destroy");
    return 0;
}

int engine_network_create(const char *root, const struct network_create_opts *o, struct hull_error **err)
{
    cleanup_close int lock = -1;
    if (network_lock(root, &lock, err) < 0)
        return -1;
    cleanup_network_config struct network_config *c = NULL;
    if (network_create(root, o, &c, err) < 0)
        return -1;
    network_event(root, c->id, c->name, "create");
    return 0;
}

int engine_network_remove(const char *root, const char *runroot, const char *name, struct hull_error **err)
{
    cleanup_close int lock = -1;
    if (network_lock(root, &lock, err) < 0 || engine_network_sweep_locked(root, runroot, err) < 0)
        return -1;
    return remove_with_event(root, name, err);
}

int engine_network_prune(const char *root, const char *runroot, char ***removed, struct hull_error **err)
{
    cleanup_close int lock = -1;
    if (network_lock(root, &lock, err) < 0 || engine_network_sweep_locked(root, runroot, err) < 0)
        return -1;
    cleanup_strv char **names = NULL;
    if (network_list(root, &names, err) < 0)
        return -1;
    size_t n = 0;
    char **out = xmalloc0((strv_length(names) + 1) * sizeof *out);
    for (size_t i = 0; names[i]; i++) {
        cleanup_free struct network_lease *l = NULL;
        size_t nl = 0;
        /* the default network stays, like docker's predefined ones */
        if (!strcmp(names[i], NETWORK_DEFAULT) || network_leases(root, names[i], &l, &nl, NULL) < 0 || nl)
            continue;
        cleanup_error struct hull_error *e = NULL;
        if (remove_with_event(root, names[i], &e) == 0)
            out[n++] = xstrdup(names[i]);
    }
    *removed = out;
    return 0;
}

int engine_network_inspect(const char *root, const char *runroot, const char *name, struct json_object **out,
                           struct hull_error **err)
{
    cleanup_close int lock = -1;
    if (network_lock(root, &lock, err) < 0 || engine_network_sweep_locked(root, runroot, err) < 0)
        return -1;
    cleanup_network_config struct network_config *c = NULL;
    if (network_load(root, name, &c, err) < 0)
        return -1;
    cleanup_free char *subnet = network_subnet_text(c);
    char gw[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &c->gateway, gw, sizeof gw);
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "Name", json_object_new_string(c->name));
    json_object_object_add(o, "Id", json_object_new_string(c->id));
    json_object_object_add(o, "Created", json_object_new_string(c->created));
    json_object_object_add(o, "Scope", json_object_new_string("local"));
    json_object_object_add(o, "Driver", json_object_new_string("bridge"));
    json_object_object_add(o, "EnableIPv6", json_object_new_boolean(c->ipv6));
    struct json_object *ipam = json_object_new_object(), *cfgs = json_object_new_array(),
                       *cfg = json_object_new_object();
    json_object_object_add(cfg, "Subnet", json_object_new_string(subnet));
    json_object_object_add(cfg, "Gateway", json_object_new_string(gw));
    json_object_array_add(cfgs, cfg);
    if (c->ipv6) {
        cleanup_free char *subnet6 = network_subnet6_text(c);
        char gw6[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &c->gateway6, gw6, sizeof gw6);
        struct json_object *cfg6 = json_object_new_object();
        json_object_object_add(cfg6, "Subnet", json_object_new_string(subnet6));
        json_object_object_add(cfg6, "Gateway", json_object_new_string(gw6));
        json_object_array_add(cfgs, cfg6);
    }
    json_object_object_add(ipam, "Driver", json_object_new_string("default"));
    json_object_object_add(ipam, "Options", json_object_new_object());
    json_object_object_add(ipam, "Config", cfgs);
    json_object_object_add(o, "IPAM", ipam);
    json_object_object_add(o, "Internal", json_object_new_boolean(c->internal));
    json_object_object_add(o, "Attachable", json_object_new_boolean(false));
    json_object_object_add(o, "Ingress", json_object_new_boolean(false));
    struct json_object *containers = json_object_new_object();
    cleanup_free struct network_lease *l = NULL;
    cleanup_free struct network_lease6 *l6 = NULL;
    size_t nl = 0, nl6 = 0;
    if (network_leases(root, name, &l, &nl, err) < 0 || network_leases6(root, name, &l6, &nl6, err) < 0) {
        json_object_put(o);
        return -1;
    }
    for (size_t i = 0; i < nl; i++) {
        struct json_object *rec = NULL;
        if (engine_record_load(root, l[i].id, &rec, NULL) < 0)
            continue;
        struct json_object *ep = engine_json_path(engine_json_path(rec, "NetworkSettings", "Networks"), name, NULL);
        char ip[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &l[i].addr, ip, sizeof ip);
        cleanup_free char *cidr = xasprintf("%s/%u", ip, c->prefix);
        const char *n = engine_json_str(rec, "Name");
        struct json_object *e = json_object_new_object();
        json_object_object_add(e, "Name", json_object_new_string(n[0] == '/' ? n + 1 : n));
        json_object_object_add(e, "EndpointID", json_object_new_string(engine_json_str(ep, "EndpointID")));
        json_object_object_add(e, "MacAddress", json_object_new_string(engine_json_str(ep, "MacAddress")));
        json_object_object_add(e, "IPv4Address", json_object_new_string(cidr));
        cleanup_free char *cidr6 = xstrdup("");
        for (size_t k = 0; k < nl6; k++) {
            if (strcmp(l6[k].id, l[i].id))
                continue;
            char ip6[INET6_ADDRSTRLEN];
            inet_ntop(AF_INET6, &l6[k].addr, ip6, sizeof ip6);
            free(cidr6);
            cidr6 = xasprintf("%s/%u", ip6, c->prefix6);
        }
        json_object_object_add(e, "IPv6Address", json_object_new_string(cidr6));
        json_object_object_add(containers, l[i].id, e);
        json_object_put(rec);
    }
    json_object_object_add(o, "Containers", containers);
    struct json_object *opts = json_object_new_object();
    cleanup_free char *mtu = xasprintf("%u", c->mtu);
    json_object_object_add(opts, "com.docker.network.bridge.name", json_object_new_string(c->bridge));
    json_object_object_add(opts, "com.docker.network.driver.mtu", json_object_new_string(mtu));
    json_object_object_add(o, "Options", opts);
    json_object_object_add(o, "Labels", json_object_new_object());
    *out = o;
    return 0;
}

struct endpoint_edit {
    const char *network, *ip, *ip6;
    char *const *aliases;
};

static int add_endpoint(struct engine_record *rec, void *data, struct hull_error **err)
{
    const struct endpoint_edit *e = data;
    struct json_object *networks = engine_json_path(rec->network_settings, "Networks", NULL);
    if (!networks)
        return hull_error_set(err, 0, "container %.12s has no network settings", rec->id);
    struct json_object *ep = json_object_new_object(), *ipam = NULL, *al = NULL;
    if (e->ip || e->ip6)
        ipam = json_object_new_object();
    if (e->ip)
        json_object_object_add(ipam, "IPv4Address", json_object_new_string(e->ip));
    if (e->ip6)
        json_object_object_add(ipam, "IPv6Address", json_object_new_string(e->ip6));
    for (size_t i = 0; e->aliases && e->aliases[i]; i++) {
        if (!al)
            al = json_object_new_array();
        json_object_array_add(al, json_object_new_string(e->aliases[i]));
    }
    json_object_object_add(ep, "IPAMConfig", ipam);
    json_object_object_add(ep, "Links", NULL);
    json_object_object_add(ep, "Aliases", al);
    json_object_object_add(networks, e->network, ep);
    return 0;
}

/* Adds the endpoint of a connected network to the record (IPAMConfig, Aliases). */
static int record_endpoint(const char *root, const char *id, const char *network, const char *ip, const char *ip6,
                           char *const *aliases, struct hull_error **err)
{
    struct endpoint_edit e = {network, ip, ip6, aliases};
    return engine_record_edit(root, id, add_endpoint, &e, err) < 0 ? -1 : 0;
}

/* The container's id, record and --network; NULL record after an error. */
static struct json_object *load_container(const char *root, const char *text, char **id, const char **mode,
                                          struct hull_error **err)
{
    struct json_object *rec = NULL;
    if (engine_record_find(root, text, id, err) < 0 || engine_record_load(root, *id, &rec, err) < 0)
        return NULL;
    *mode = engine_json_str(engine_json_path(rec, "HostConfig", NULL), "NetworkMode");
    return rec;
}

int engine_network_connect(const char *root, const char *runroot, const char *network, const char *container,
                           const char *ip, const char *ip6, char *const *aliases, struct hull_error **err)
{
    if (!strcmp(network, "bridge"))
        network = NETWORK_DEFAULT;
    struct in_addr want = {0};
    struct in6_addr want6 = IN6ADDR_ANY_INIT;
    if (ip && inet_pton(AF_INET, ip, &want) != 1)
        return hull_error_set(err, 0, "invalid --ip \"%s\": not an IPv4 address", ip);
    if (ip6 && inet_pton(AF_INET6, ip6, &want6) != 1)
        return hull_error_set(err, 0, "invalid --ip6 \"%s\": not an IPv6 address", ip6);
    cleanup_free char *id = NULL;
    const char *mode = NULL;
    struct json_object *rec = load_container(root, container, &id, &mode, err);
    if (!rec)
        return -1;
    bool bridge = *mode && strcmp(mode, "none") && strcmp(mode, "host") && strncmp(mode, "container:", 10);
    bool already = engine_json_path(engine_json_path(rec, "NetworkSettings", "Networks"), network, NULL) != NULL;
    int pid = json_object_get_int(engine_json_path(rec, "State", "Pid"));
    cleanup_free char *shown_mode = xstrdup(mode);
    json_object_put(rec);
    if (!bridge)
        return hull_error_set(err, 0, "container %s runs with --network %s: it cannot join a network", container,
                              *shown_mode ? shown_mode : "none");
    if (already)
        return hull_error_set(err, 0, "container %s is already connected to network %s", container, network);
    cleanup_close int lock = -1;
    cleanup_network_config struct network_config *c = NULL;
    if (network_lock(root, &lock, err) < 0 || engine_network_sweep_locked(root, runroot, err) < 0)
        return -1;
    if (!strcmp(network, NETWORK_DEFAULT) ? network_default(root, &c, err) < 0 : network_load(root, network, &c, err) < 0)
        return -1;
    if (want.s_addr) { /* checked now: a stopped container would only learn at start */
        struct in_addr got;
        if (network_lease(root, c, "check", want, &got, err) < 0)
            return -1;
        network_release(root, network, got, NULL);
    }
    if (ip6) {
        struct in6_addr got6;
        if (!c->ipv6)
            return hull_error_set(err, 0, "invalid --ip6 \"%s\": network %s has no IPv6 (network create --ipv6)", ip6,
                                  network);
        if (network_lease6(root, c, "check", &want6, &got6, err) < 0)
            return -1;
        network_release6(root, network, &got6, NULL);
    }
    if (record_endpoint(root, id, network, ip, ip6, aliases, err) < 0)
        return -1;
    if (!engine_container_running(runroot, id) || pid <= 0)
        return 0; /* joined at its next start, like docker */
    if (engine_network_attach_one(root, id, pid, network, want, &want6, false, NULL, 0, err) < 0) {
        engine_network_detach_one(root, id, network, true);
        return hull_error_wrap(err, "connect %s to network %s", container, network);
    }
    return 0;
}

int engine_network_disconnect(const char *root, const char *network, const char *container, struct hull_error **err)
{
    if (!strcmp(network, "bridge"))
        network = NETWORK_DEFAULT;
    cleanup_free char *id = NULL;
    const char *mode = NULL;
    struct json_object *rec = load_container(root, container, &id, &mode, err);
    if (!rec)
        return -1;
    bool connected = engine_json_path(engine_json_path(rec, "NetworkSettings", "Networks"), network, NULL) != NULL;
    bool primary = !strcmp(mode, network);
    json_object_put(rec);
    if (!network_exists(root, network))
        return hull_error_set(err, 0, "no such network: %s", network);
    if (!connected)
        return hull_error_set(err, 0, "container %s is not connected to network %s", container, network);
    if (primary)
        return hull_error_set(err, 0,
                              "container %s was run with --network %s: only networks it was connected to can be "
                              "disconnected",
                              container, network);
    cleanup_close int lock = -1;
    if (network_lock(root, &lock, err) < 0)
        return -1;
    return engine_network_detach_one(root, id, network, true);
}
