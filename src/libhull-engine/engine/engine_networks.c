/* hull: `hull network create/ls/inspect/rm/prune` on the library side (see
 * engine_network.h): every change under the networks lock, dead containers'
 * leases swept first so that "in use" means in use. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "engine_network.h"
#include "engine_network_internal.h"
#include "events.h"
#include "lifecycle.h"
#include "network/network.h"
#include "network_settings.h"
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

void engine_network_info_free(struct engine_network_info *info)
{
    if (!info)
        return;
    free(info->name);
    free(info->id);
    free(info->created);
    free(info->subnet);
    free(info->gateway);
    network_config_free(info->config);
    network_members_free(info->members, info->n_members);
    free(info);
}

void engine_network_info_freep(struct engine_network_info **info)
{
    engine_network_info_free(*info);
}

struct json_object *engine_network_info_to_json(const struct engine_network_info *info)
{
    return network_inspect_to_json(info->config, info->members, info->n_members);
}

struct json_object *engine_network_ls_row_json(const struct engine_network_info *info, const char *shown_id)
{
    return network_ls_row_to_json(info->config, info->name, shown_id);
}

struct json_object *engine_network_ls_titles_json(void)
{
    return network_ls_titles_to_json();
}

/* The container holding lease l on network c; false when it has no record
 * (removed meanwhile). */
static bool member_of(const char *root, const struct network_config *c, const struct network_lease *l,
                      const struct network_lease6 *l6, size_t nl6, struct network_member *m)
{
    cleanup_engine_record struct engine_record *rec = NULL;
    if (engine_record_read(root, l->id, &rec, NULL) < 0)
        return false;
    const struct engine_endpoint *ep = engine_network_settings_endpoint(rec->network_settings, c->name);
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &l->addr, ip, sizeof ip);
    m->id = xstrdup(l->id);
    m->name = xstrdup(engine_record_short_name(rec));
    m->endpoint_id = xstrdup(ep && ep->endpoint_id ? ep->endpoint_id : "");
    m->mac = xstrdup(ep && ep->mac_address ? ep->mac_address : "");
    m->ipv4 = xasprintf("%s/%u", ip, c->prefix);
    m->ipv6 = xstrdup("");
    for (size_t k = 0; k < nl6; k++) {
        if (strcmp(l6[k].id, l->id))
            continue;
        char ip6[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &l6[k].addr, ip6, sizeof ip6);
        free(m->ipv6);
        m->ipv6 = xasprintf("%s/%u", ip6, c->prefix6);
    }
    return true;
}

int engine_network_inspect(const char *root, const char *runroot, const char *name,
                           struct engine_network_info **out, struct hull_error **err)
{
    cleanup_close int lock = -1;
    if (network_lock(root, &lock, err) < 0 || engine_network_sweep_locked(root, runroot, err) < 0)
        return -1;
    cleanup_engine_network_info struct engine_network_info *info = xmalloc0(sizeof *info);
    if (network_load(root, name, &info->config, err) < 0)
        return -1;
    info->name = xstrdup(name);
    const struct network_config *c = info->config;
    char gw[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &c->gateway, gw, sizeof gw);
    info->id = xstrdup(c->id);
    info->created = xstrdup(c->created);
    info->subnet = network_subnet_text(c);
    info->gateway = xstrdup(gw);
    info->internal = c->internal;
    cleanup_free struct network_lease *l = NULL;
    cleanup_free struct network_lease6 *l6 = NULL;
    size_t nl = 0, nl6 = 0;
    if (network_leases(root, name, &l, &nl, err) < 0 || network_leases6(root, name, &l6, &nl6, err) < 0)
        return -1;
    info->members = xmalloc0((nl + 1) * sizeof *info->members);
    for (size_t i = 0; i < nl; i++)
        if (member_of(root, info->config, &l[i], l6, nl6, &info->members[info->n_members]))
            info->n_members++;
    *out = steal_pointer(&info);
    return 0;
}

int engine_network_info_list(const char *root, const char *runroot, struct engine_network_info ***out,
                             struct hull_error **err)
{
    cleanup_strv char **names = NULL;
    if (network_list(root, &names, err) < 0)
        return -1;
    struct engine_network_info **list = xmalloc0((strv_length(names) + 1) * sizeof *list);
    size_t n = 0;
    for (char **name = names; *name; name++) {
        cleanup_error struct hull_error *gone = NULL;
        if (engine_network_inspect(root, runroot, *name, &list[n], &gone) == 0)
            n++; /* else removed meanwhile */
    }
    *out = list;
    return 0;
}

void engine_network_info_list_free(struct engine_network_info **list)
{
    for (size_t i = 0; list && list[i]; i++)
        engine_network_info_free(list[i]);
    free(list);
}

struct endpoint_edit {
    const char *network, *ip, *ip6;
    char *const *aliases;
};

static int add_endpoint(struct engine_record *rec, void *data, struct hull_error **err)
{
    const struct endpoint_edit *e = data;
    if (!rec->network_settings)
        return hull_error_set(err, 0, "container %.12s has no network settings", rec->id);
    engine_network_settings_add(rec->network_settings, e->network, e->ip, e->ip6, e->aliases);
    return 0;
}

/* Adds the endpoint of a connected network to the record (IPAMConfig, Aliases). */
static int record_endpoint(const char *root, const char *id, const char *network, const char *ip, const char *ip6,
                           char *const *aliases, struct hull_error **err)
{
    struct endpoint_edit e = {network, ip, ip6, aliases};
    return engine_record_edit(root, id, add_endpoint, &e, err) < 0 ? -1 : 0;
}

/* The container's id and record; NULL after an error. */
static struct engine_record *load_container(const char *root, const char *text, char **id, struct hull_error **err)
{
    struct engine_record *rec = NULL;
    if (engine_record_find(root, text, id, err) < 0 || engine_record_read(root, *id, &rec, err) < 0)
        return NULL;
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
    cleanup_engine_record struct engine_record *rec = load_container(root, container, &id, err);
    if (!rec)
        return -1;
    const char *mode = engine_net_mode(rec);
    bool bridge = *mode && strcmp(mode, "none") && strcmp(mode, "host") && strncmp(mode, "container:", 10);
    bool already = engine_network_settings_endpoint(rec->network_settings, network) != NULL;
    int pid = rec->state.pid;
    if (!bridge)
        return hull_error_set(err, 0, "container %s runs with --network %s: it cannot join a network", container,
                              *mode ? mode : "none");
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
    if (engine_network_attach_one(root, id, pid, network, want, &want6, NULL, false, NULL, 0, err) < 0) {
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
    cleanup_engine_record struct engine_record *rec = load_container(root, container, &id, err);
    if (!rec)
        return -1;
    bool connected = engine_network_settings_endpoint(rec->network_settings, network) != NULL;
    bool primary = !strcmp(engine_net_mode(rec), network);
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
