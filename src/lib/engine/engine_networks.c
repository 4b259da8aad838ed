/* hull: `hull network create/ls/inspect/rm/prune` on the library side (see
 * engine_network.h): every change under the networks lock, dead containers'
 * leases swept first so that "in use" means in use. */
#include <arpa/inet.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "engine_network.h"
#include "network/network.h"
#include "record.h"
#include "util/utils.h"

int engine_network_create(const char *root, const struct network_create_opts *o, struct hull_error **err)
{
    cleanup_close int lock = -1;
    if (network_lock(root, &lock, err) < 0)
        return -1;
    cleanup_network_config struct network_config *c = NULL;
    return network_create(root, o, &c, err);
}

int engine_network_remove(const char *root, const char *runroot, const char *name, struct hull_error **err)
{
    cleanup_close int lock = -1;
    if (network_lock(root, &lock, err) < 0 || engine_network_sweep_locked(root, runroot, err) < 0)
        return -1;
    return network_remove(root, name, err);
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
        if (network_remove(root, names[i], &e) == 0)
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
    json_object_object_add(o, "EnableIPv6", json_object_new_boolean(false));
    struct json_object *ipam = json_object_new_object(), *cfgs = json_object_new_array(),
                       *cfg = json_object_new_object();
    json_object_object_add(cfg, "Subnet", json_object_new_string(subnet));
    json_object_object_add(cfg, "Gateway", json_object_new_string(gw));
    json_object_array_add(cfgs, cfg);
    json_object_object_add(ipam, "Driver", json_object_new_string("default"));
    json_object_object_add(ipam, "Options", json_object_new_object());
    json_object_object_add(ipam, "Config", cfgs);
    json_object_object_add(o, "IPAM", ipam);
    json_object_object_add(o, "Internal", json_object_new_boolean(c->internal));
    json_object_object_add(o, "Attachable", json_object_new_boolean(false));
    json_object_object_add(o, "Ingress", json_object_new_boolean(false));
    struct json_object *containers = json_object_new_object();
    cleanup_free struct network_lease *l = NULL;
    size_t nl = 0;
    if (network_leases(root, name, &l, &nl, err) < 0) {
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
        json_object_object_add(e, "IPv6Address", json_object_new_string(""));
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
