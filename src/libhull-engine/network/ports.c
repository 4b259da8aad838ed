/* hull: published ports -- the -p / --expose syntax, host port reservations
 * (one file each under ROOT/networks/.ports, made with O_EXCL under the
 * networks lock) and their DNAT elements in `table inet hull`. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "network.h"
#include "network_internal.h"
#include "nft.h"
#include "util/utils.h"

const char *network_proto_name(int proto)
{
    return proto == IPPROTO_UDP ? "udp" : "tcp";
}

/* "80" or "8000-8010" into lo..hi (1..65535). */
static int parse_range(const char *flag, const char *whole, const char *text, uint16_t *lo, uint16_t *hi,
                       struct hull_error **err)
{
    cleanup_free char *copy = xstrdup(text);
    char *dash = strchr(copy, '-');
    if (dash)
        *dash++ = '\0';
    const char *parts[2] = {copy, dash ? dash : copy};
    uint64_t v[2];
    for (int i = 0; i < 2; i++) {
        if (!*parts[i] || strspn(parts[i], "0123456789") != strlen(parts[i]) || !parse_uint64(parts[i], &v[i]))
            return hull_error_set(err, 0, "invalid %s \"%s\": \"%s\" is not a port number", flag, whole, parts[i]);
        if (v[i] < 1 || v[i] > 65535)
            return hull_error_set(err, 0, "invalid %s \"%s\": port %s is out of range (1-65535)", flag, whole,
                                  parts[i]);
    }
    if (v[0] > v[1])
        return hull_error_set(err, 0, "invalid %s \"%s\": the range %s ends before it starts", flag, whole, text);
    *lo = (uint16_t)v[0];
    *hi = (uint16_t)v[1];
    return 0;
}

/* Splits "SPEC/PROTO"; *spec is owned. */
static int split_proto(const char *flag, const char *text, char **spec, int *proto, struct hull_error **err)
{
    const char *slash = strrchr(text, '/');
    *proto = IPPROTO_TCP;
    if (slash) {
        if (!strcmp(slash + 1, "udp"))
            *proto = IPPROTO_UDP;
        else if (strcmp(slash + 1, "tcp"))
            return hull_error_set(err, 0, "invalid %s \"%s\": unknown protocol \"%s\" (tcp or udp)", flag, text,
                                  slash + 1);
    }
    *spec = slash ? strndup(text, (size_t)(slash - text)) : xstrdup(text);
    if (!*spec)
        abort();
    return 0;
}

static void append(struct network_port **ports, size_t *n, const struct network_port *p)
{
    *ports = xrealloc(*ports, (*n + 1) * sizeof **ports);
    (*ports)[(*n)++] = *p;
}

int network_parse_publish(const char *text, struct network_port **ports, size_t *n, struct hull_error **err)
{
    cleanup_free char *spec = NULL;
    int proto;
    if (split_proto("-p", text, &spec, &proto, err) < 0)
        return -1;
    struct network_port base = {.proto = proto};
    /* [IPV6]:HOST:CTR: the address in brackets, as docker writes it */
    char *rest = spec, *ip6 = NULL;
    if (*spec == '[') {
        char *close = strchr(spec, ']');
        if (!close || close[1] != ':')
            return hull_error_set(err, 0, "invalid -p \"%s\": want [IPV6]:[HOSTPORT]:CONTAINERPORT[/PROTO]", text);
        *close = '\0';
        ip6 = spec + 1;
        rest = close + 2;
        if (inet_pton(AF_INET6, ip6, &base.host_ip6) != 1)
            return hull_error_set(err, 0, "invalid -p \"%s\": \"%s\" is not an IPv6 address", text, ip6);
        /* [::1]: a packet from ::1 never leaves lo (IPv6 has no route_localnet), so DNAT cannot take it to a
         * container (docs/networking.md) */
        if (IN6_IS_ADDR_LOOPBACK(&base.host_ip6))
            return hull_error_set(err, 0, "invalid -p \"%s\": [::1] cannot be published: IPv6 has no route_localnet, "
                                  "so a packet from ::1 never leaves lo; use 127.0.0.1", text);
        if (IN6_IS_ADDR_UNSPECIFIED(&base.host_ip6))
            return hull_error_set(err, 0, "invalid -p \"%s\": [::] is every address: leave the address out "
                                  "(HOSTPORT:CONTAINERPORT publishes on IPv4 and IPv6)", text);
        if (IN6_IS_ADDR_MULTICAST(&base.host_ip6) || IN6_IS_ADDR_LINKLOCAL(&base.host_ip6) ||
            IN6_IS_ADDR_V4MAPPED(&base.host_ip6))
            return hull_error_set(err, 0, "invalid -p \"%s\": %s is not a unicast address of global or unique "
                                  "local scope", text, ip6);
        base.host6 = true;
    }
    /* from the right: CTR, HOST:CTR, IP:HOST:CTR (HOST may be empty) */
    char *parts[3] = {NULL, NULL, NULL};
    size_t np = ip6 ? 1 : 0;
    if (ip6)
        parts[0] = ip6;
    for (char *p = rest, *c; np < 3; p = c + 1) {
        parts[np++] = p;
        c = strchr(p, ':');
        if (!c)
            break;
        *c = '\0';
        if (np == 3)
            return hull_error_set(err, 0, "invalid -p \"%s\": want [IP:][HOSTPORT:]CONTAINERPORT[/PROTO]", text);
    }
    if (ip6 && np != 3)
        return hull_error_set(err, 0, "invalid -p \"%s\": want [IPV6]:[HOSTPORT]:CONTAINERPORT[/PROTO]", text);
    const char *ip = np == 3 ? parts[0] : NULL;
    const char *host = np == 3 ? parts[1] : np == 2 ? parts[0] : "";
    const char *ctr = parts[np - 1];
    if (!ip6 && ip && *ip && inet_pton(AF_INET, ip, &base.host_ip) != 1)
        return hull_error_set(err, 0, "invalid -p \"%s\": \"%s\" is not an IPv4 address", text, ip);
    uint16_t clo, chi, hlo = 0, hhi = 0;
    if (parse_range("-p", text, ctr, &clo, &chi, err) < 0)
        return -1;
    if (*host && parse_range("-p", text, host, &hlo, &hhi, err) < 0)
        return -1;
    if (*host && clo != chi && hhi - hlo != chi - clo)
        return hull_error_set(err, 0, "invalid -p \"%s\": the host and container port ranges differ in length", text);
    for (unsigned port = clo; port <= chi; port++) {
        struct network_port p = base;
        p.ctr_port = (uint16_t)port;
        if (*host && clo != chi) {
            p.host_lo = p.host_hi = (uint16_t)(hlo + (port - clo));
        } else if (*host) {
            p.host_lo = hlo; /* a host range for one port: the first free one */
            p.host_hi = hhi;
        }
        append(ports, n, &p);
    }
    return 0;
}

int network_parse_expose(const char *text, struct network_port **ports, size_t *n, struct hull_error **err)
{
    cleanup_free char *spec = NULL;
    int proto;
    if (split_proto("--expose", text, &spec, &proto, err) < 0)
        return -1;
    uint16_t lo, hi;
    if (parse_range("--expose", text, spec, &lo, &hi, err) < 0)
        return -1;
    for (unsigned port = lo; port <= hi; port++) {
        struct network_port p = {.proto = proto, .ctr_port = (uint16_t)port};
        append(ports, n, &p);
    }
    return 0;
}

char *network_binding_host(const struct network_binding *b, bool brackets)
{
    char a[INET6_ADDRSTRLEN];
    if (!b->host6)
        return xstrdup(inet_ntop(AF_INET, &b->host_ip, a, sizeof a));
    inet_ntop(AF_INET6, &b->host_ip6, a, sizeof a);
    return brackets ? xasprintf("[%s]", a) : xstrdup(a);
}

/* tcp-0.0.0.0-8080, udp-fd00:beef::1-53 */
static char *port_file(const char *root, const struct network_binding *b)
{
    cleanup_free char *a = network_binding_host(b, false);
    return xasprintf("%s/networks/.ports/%s-%s-%u", root, network_proto_name(b->proto), a, b->host_port);
}

char *network_binding_element(const char *verb, const struct network_binding *b)
{
    if (b->host6) { /* an IPv6 host address: to the container's IPv6 address */
        char hip6[INET6_ADDRSTRLEN], cip6[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &b->host_ip6, hip6, sizeof hip6);
        inet_ntop(AF_INET6, &b->ctr_ip6, cip6, sizeof cip6);
        const char *proto6 = network_proto_name(b->proto);
        if (!strcmp(verb, "delete"))
            return xasprintf("delete element inet hull publish_ip6 { %s . %s . %u }", hip6, proto6, b->host_port);
        return xasprintf("add element inet hull publish_ip6 { %s . %s . %u : %s . %u }", hip6, proto6, b->host_port,
                         cip6, b->ctr_port);
    }
    char hip[INET_ADDRSTRLEN], cip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &b->host_ip, hip, sizeof hip);
    inet_ntop(AF_INET, &b->ctr_ip, cip, sizeof cip);
    const char *proto = network_proto_name(b->proto);
    bool del = !strcmp(verb, "delete");
    if (b->host_ip.s_addr == INADDR_ANY)
        return del ? xasprintf("delete element inet hull publish_any { %s . %u }", proto, b->host_port)
                   : xasprintf("add element inet hull publish_any { %s . %u : %s . %u }", proto, b->host_port, cip,
                               b->ctr_port);
    return del ? xasprintf("delete element inet hull publish_ip { %s . %s . %u }", hip, proto, b->host_port)
               : xasprintf("add element inet hull publish_ip { %s . %s . %u : %s . %u }", hip, proto, b->host_port,
                           cip, b->ctr_port);
}

/* A port on every address of a dual-stack network's container: [::]:PORT
 * goes to its IPv6 address (an IPv4 host address has no IPv6 counterpart). */
char *network_binding_element6(const char *verb, const struct network_binding *b)
{
    if (!b->has6 || b->host6 || b->host_ip.s_addr != INADDR_ANY)
        return NULL;
    char cip[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &b->ctr_ip6, cip, sizeof cip);
    const char *proto = network_proto_name(b->proto);
    if (!strcmp(verb, "delete"))
        return xasprintf("delete element inet hull publish_any6 { %s . %u }", proto, b->host_port);
    return xasprintf("add element inet hull publish_any6 { %s . %u : %s . %u }", proto, b->host_port, cip,
                     b->ctr_port);
}

int network_bindings(const char *root, struct network_binding **out, size_t *n, struct hull_error **err)
{
    cleanup_free char *dir = xasprintf("%s/networks/.ports", root);
    size_t count = 0;
    struct network_binding *v = NULL;
    cleanup_dir DIR *d = opendir(dir);
    if (!d && errno != ENOENT)
        return hull_error_set(err, errno, "open %s", dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        char proto[8], ip[INET6_ADDRSTRLEN], id[65], cip[INET_ADDRSTRLEN], cip6[INET6_ADDRSTRLEN] = "";
        unsigned port, cport;
        if (sscanf(e->d_name, "%7[a-z]-%45[0-9a-f:.]-%u", proto, ip, &port) != 3)
            continue;
        cleanup_free char *path = xasprintf("%s/%s", dir, e->d_name);
        cleanup_free char *text = NULL;
        if (read_file(path, &text, NULL, NULL) < 0 || sscanf(text, "%64s %15s %u %45s", id, cip, &cport, cip6) < 3)
            continue;
        struct network_binding b = {.proto = strcmp(proto, "udp") ? IPPROTO_TCP : IPPROTO_UDP,
                                    .host_port = (uint16_t)port, .ctr_port = (uint16_t)cport};
        b.host6 = strchr(ip, ':') != NULL;
        if ((b.host6 ? inet_pton(AF_INET6, ip, &b.host_ip6) : inet_pton(AF_INET, ip, &b.host_ip)) != 1 ||
            inet_pton(AF_INET, cip, &b.ctr_ip) != 1)
            continue;
        snprintf(b.id, sizeof b.id, "%s", id);
        b.has6 = *cip6 && inet_pton(AF_INET6, cip6, &b.ctr_ip6) == 1;
        if (b.host6 && !b.has6)
            continue;
        v = xrealloc(v, (count + 1) * sizeof *v);
        v[count++] = b;
    }
    *out = v;
    *n = count;
    return 0;
}

/* Who else has this port: a binding of the same protocol and port on the
 * same address, or on every address (either side; every address covers
 * IPv6 ones too). */
static const struct network_binding *taken_by(const struct network_binding *v, size_t n,
                                              const struct network_port *p, uint16_t port)
{
    bool any = !p->host6 && !p->host_ip.s_addr;
    for (size_t i = 0; i < n; i++) {
        if (v[i].proto != p->proto || v[i].host_port != port)
            continue;
        bool other_any = !v[i].host6 && !v[i].host_ip.s_addr;
        if (any || other_any ||
            (p->host6 ? v[i].host6 && !memcmp(&v[i].host_ip6, &p->host_ip6, sizeof p->host_ip6)
                      : !v[i].host6 && v[i].host_ip.s_addr == p->host_ip.s_addr))
            return &v[i];
    }
    return NULL;
}

/* Binds the port on the host for a moment: 0 when free (with port 0, *port
 * gets the one the kernel chose), else -errno.  A listener of the host's own
 * on the port would never see its packets once they are DNATed. */
static int probe_port6(int proto, uint16_t port);

static int probe_port(int proto, struct in_addr ip, uint16_t *port, bool six)
{
    cleanup_close int fd = socket(AF_INET, (proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int one = 1;
    /* TIME_WAIT leftovers are no owner; a listener is (SO_REUSEADDR still fails then). */
    if (proto == IPPROTO_TCP)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr = ip, .sin_port = htons(*port)};
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        return -errno;
    /* published over IPv6 too: a listener of the host on [::]:PORT only
     * (IPV6_V6ONLY) would lose its packets as well */
    if (six && *port && probe_port6(proto, *port) < 0)
        return -EADDRINUSE;
    if (proto == IPPROTO_TCP && listen(fd, 1) < 0)
        return -errno;
    socklen_t len = sizeof sa;
    if (*port == 0 && getsockname(fd, (struct sockaddr *)&sa, &len) == 0) {
        *port = ntohs(sa.sin_port);
        if (six && probe_port6(proto, *port) < 0)
            *port = 0; /* the caller tries another */
    }
    return 0;
}

static int probe_port6(int proto, uint16_t port)
{
    cleanup_close int fd = socket(AF_INET6, (proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errno == EAFNOSUPPORT ? 0 : -errno;
    int one = 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (proto == IPPROTO_TCP)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT, .sin6_port = htons(port)};
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        return -errno;
    if (proto == IPPROTO_TCP && listen(fd, 1) < 0)
        return -errno;
    return 0;
}

/* probe_port for an IPv6 host address: the address must be the host's (else
 * EADDRNOTAVAIL) and the port free on it. */
static int probe_port_ip6(int proto, const struct in6_addr *ip, uint16_t *port)
{
    cleanup_close int fd = socket(AF_INET6, (proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int one = 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (proto == IPPROTO_TCP)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = *ip, .sin6_port = htons(*port)};
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        return -errno;
    if (proto == IPPROTO_TCP && listen(fd, 1) < 0)
        return -errno;
    socklen_t len = sizeof sa;
    if (*port == 0 && getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        *port = ntohs(sa.sin6_port);
    return 0;
}

static int probe(const struct network_port *p, uint16_t *port, bool six)
{
    return p->host6 ? probe_port_ip6(p->proto, &p->host_ip6, port) : probe_port(p->proto, p->host_ip, port, six);
}

/* bind() says EADDRNOTAVAIL ("Cannot assign requested address") for a host
 * address that is not one of this host's: say that, not that the port is in
 * use. */
static int not_on_host(const struct network_port *p, const char *hip, struct hull_error **err)
{
    char ports[16] = "";
    if (p->host_lo && p->host_lo != p->host_hi)
        snprintf(ports, sizeof ports, "%u-%u", p->host_lo, p->host_hi);
    else if (p->host_lo)
        snprintf(ports, sizeof ports, "%u", p->host_lo);
    return hull_error_set(err, 0, "invalid -p %s:%s:%u/%s: %s is not an address of this host", hip, ports,
                          p->ctr_port, network_proto_name(p->proto), hip);
}

int network_publish(const char *root, const struct network_port *p, const char *id, struct in_addr ctr_ip,
                    const struct in6_addr *ctr_ip6, struct network_binding *out, struct hull_error **err)
{
    bool six = ctr_ip6 && !p->host6 && p->host_ip.s_addr == INADDR_ANY;
    struct network_binding b = {.proto = p->proto, .host_ip = p->host_ip, .ctr_ip = ctr_ip, .ctr_port = p->ctr_port,
                                .has6 = ctr_ip6 != NULL, .host6 = p->host6, .host_ip6 = p->host_ip6};
    cleanup_free char *hipstr = network_binding_host(&b, true);
    const char *hip = hipstr;
    /* an IPv6 host address goes to the container's IPv6 address: none on an IPv4-only network */
    if (p->host6 && !ctr_ip6)
        return hull_error_set(err, 0, "invalid -p %s:...:%u: an IPv6 host address needs a dual-stack network "
                              "(hull network create --ipv6)", hip, p->ctr_port);
    cleanup_free char *dir = xasprintf("%s/networks/.ports", root);
    if (mkdir_p(dir, 0700, err) < 0)
        return -1;
    cleanup_free struct network_binding *v = NULL;
    size_t n = 0;
    if (network_bindings(root, &v, &n, err) < 0)
        return -1;
    const char *proto = network_proto_name(p->proto);
    uint16_t port = 0;
    if (p->host_lo == 0) {
        /* any port: the kernel's choice of a free ephemeral one, not one of ours */
        for (int tries = 0; tries < 64 && !port; tries++) {
            uint16_t candidate = 0;
            int r = probe(p, &candidate, six);
            if (r == -EADDRNOTAVAIL)
                return not_on_host(p, hip, err);
            if (r < 0)
                return hull_error_set(err, -r, "find a free host port on %s/%s", hip, proto);
            if (candidate && !taken_by(v, n, p, candidate))
                port = candidate;
        }
        if (!port)
            return hull_error_set(err, 0, "no free host port on %s/%s", hip, proto);
    } else {
        int last = 0;
        const struct network_binding *other = NULL;
        for (unsigned c = p->host_lo; c <= p->host_hi && !port; c++) {
            uint16_t candidate = (uint16_t)c;
            other = taken_by(v, n, p, candidate);
            if (other)
                continue;
            last = probe(p, &candidate, six);
            if (last == -EADDRNOTAVAIL)
                return not_on_host(p, hip, err);
            if (last == 0)
                port = candidate;
        }
        if (!port && p->host_lo != p->host_hi)
            return hull_error_set(err, 0, "every host port of %u-%u/%s on %s is taken", p->host_lo, p->host_hi, proto,
                                  hip);
        if (!port && other)
            return hull_error_set(err, 0, "host port %s:%u/%s is already published by container %.12s", hip,
                                  p->host_lo, proto, other->id);
        if (!port)
            return hull_error_set(err, -last, "host port %s:%u/%s is in use on the host", hip, p->host_lo, proto);
    }
    b.host_port = port;
    if (ctr_ip6)
        b.ctr_ip6 = *ctr_ip6;
    snprintf(b.id, sizeof b.id, "%s", id);
    cleanup_free char *path = port_file(root, &b);
    char cip[INET_ADDRSTRLEN], cip6[INET6_ADDRSTRLEN] = "";
    inet_ntop(AF_INET, &ctr_ip, cip, sizeof cip);
    if (ctr_ip6)
        inet_ntop(AF_INET6, ctr_ip6, cip6, sizeof cip6);
    cleanup_free char *text = xasprintf("%s %s %u%s%s\n", id, cip, b.ctr_port, *cip6 ? " " : "", cip6);
    cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return hull_error_set(err, errno, "reserve host port %s:%u/%s", hip, port, proto);
    if (write_all(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        int e = errno;
        unlink(path);
        return hull_error_set(err, e, "write %s", path);
    }
    cleanup_free char *cmd4 = network_binding_element("add", &b);
    cleanup_free char *cmd6 = network_binding_element6("add", &b);
    /* one transaction: both elements or neither */
    cleanup_free char *cmd = cmd6 ? xasprintf("%s\n%s", cmd4, cmd6) : xstrdup(cmd4);
    if (nft_run(cmd, err) < 0) {
        unlink(path);
        return hull_error_wrap(err, "publish %s:%u/%s", hip, port, proto);
    }
    *out = b;
    return 0;
}

int network_unpublish(const char *root, const struct network_binding *b, struct hull_error **err)
{
    cleanup_free char *cmd = network_binding_element("delete", b);
    cleanup_free char *cmd6 = network_binding_element6("delete", b);
    cleanup_error struct hull_error *ignored = NULL, *ignored6 = NULL;
    if (nft_table_exists()) {
        /* one by one: a missing element fails its own command only; already
         * gone with a flushed table: fine */
        nft_run(cmd, &ignored);
        if (cmd6)
            nft_run(cmd6, &ignored6);
    }
    cleanup_free char *path = port_file(root, b);
    if (unlink(path) < 0 && errno != ENOENT)
        return hull_error_set(err, errno, "remove %s", path);
    return 0;
}
