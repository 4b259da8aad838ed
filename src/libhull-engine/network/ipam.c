/* hull: address leases of a network (see network.h): one file per address,
 * made with O_EXCL under the networks lock. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "network.h"
#include "network_internal.h"
#include "util/utils.h"

static char *lease_path(const char *root, const char *network, struct in_addr a)
{
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a, text, sizeof text);
    return xasprintf("%s/networks/%s/leases/%s", root, network, text);
}

/* The leases directory: one mkdir when it is there, as it is but for the
 * first lease of a network (mkdir_p walks down from / a mkdir per level). */
static int leases_dir(const char *dir, struct hull_error **err)
{
    if (mkdir(dir, 0700) == 0 || errno == EEXIST)
        return 0;
    return mkdir_p(dir, 0700, err);
}

/* 0 when made, -EEXIST when the address is taken, else -errno. */
static int try_lease(const char *root, const char *network, struct in_addr a, const char *id)
{
    cleanup_free char *path = lease_path(root, network, a);
    cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    if (write_all(fd, id, strlen(id)) != (ssize_t)strlen(id)) {
        int e = errno;
        unlink(path);
        return -e;
    }
    return 0;
}

int network_lease(const char *root, const struct network_config *c, const char *id, struct in_addr want,
                  struct in_addr *out, struct hull_error **err)
{
    cleanup_free char *dir = xasprintf("%s/networks/%s/leases", root, c->name);
    if (leases_dir(dir, err) < 0)
        return -1;
    uint32_t net = ntohl(c->subnet.s_addr), bcast = net | ~network_mask(c->prefix);
    uint32_t gw = ntohl(c->gateway.s_addr);
    cleanup_free char *subnet = network_subnet_text(c);
    if (want.s_addr) {
        char text[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &want, text, sizeof text);
        uint32_t w = ntohl(want.s_addr);
        if (!network_overlaps(want, 32, c->subnet, c->prefix) || w == net || w == bcast)
            return hull_error_set(err, 0, "invalid --ip \"%s\": not a host address of network %s (%s)", text,
                                  c->name, subnet);
        if (w == gw)
            return hull_error_set(err, 0, "invalid --ip \"%s\": it is the gateway of network %s", text, c->name);
        int r = try_lease(root, c->name, want, id);
        if (r == -EEXIST)
            return hull_error_set(err, 0, "address %s is already in use on network %s", text, c->name);
        if (r < 0)
            return hull_error_set(err, -r, "lease %s on network %s", text, c->name);
        *out = want;
        return 0;
    }
    for (uint32_t a = net + 1; a < bcast; a++) {
        if (a == gw)
            continue;
        struct in_addr addr = {htonl(a)};
        int r = try_lease(root, c->name, addr, id);
        if (r == 0) {
            *out = addr;
            return 0;
        }
        if (r != -EEXIST)
            return hull_error_set(err, -r, "lease an address on network %s", c->name);
    }
    return hull_error_set(err, 0, "network %s (%s) has no free address left", c->name, subnet);
}

int network_release(const char *root, const char *network, struct in_addr addr, struct hull_error **err)
{
    cleanup_free char *path = lease_path(root, network, addr);
    if (unlink(path) < 0 && errno != ENOENT)
        return hull_error_set(err, errno, "remove %s", path);
    return 0;
}

/* The leases in DIR (one file per address, named by it and holding the
 * container's id) as an array of ELEM-byte entries (struct network_lease or
 * network_lease6): the address of family AF first, the id at ID_OFFSET. */
static int scan_leases(const char *dir, int af, size_t elem, size_t id_offset, void **out, size_t *n,
                       struct hull_error **err)
{
    size_t count = 0, cap = 8;
    char *v = xmalloc0(cap * elem);
    cleanup_dir DIR *d = opendir(dir);
    if (!d && errno != ENOENT) {
        free(v);
        return hull_error_set(err, errno, "open %s", dir);
    }
    for (struct dirent *e; d && (e = readdir(d));) {
        unsigned char addr[sizeof(struct in6_addr)];
        if (inet_pton(af, e->d_name, addr) != 1)
            continue;
        cleanup_free char *path = xasprintf("%s/%s", dir, e->d_name);
        cleanup_free char *id = NULL;
        if (read_file(path, &id, NULL, NULL) < 0)
            continue;
        if (count == cap) {
            cap *= 2;
            v = xrealloc(v, cap * elem);
            memset(v + count * elem, 0, (cap - count) * elem);
        }
        char *entry = v + count * elem;
        memcpy(entry, addr, af == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr));
        snprintf(entry + id_offset, elem - id_offset, "%s", id);
        count++;
    }
    *out = v;
    *n = count;
    return 0;
}

int network_leases(const char *root, const char *network, struct network_lease **out, size_t *n,
                   struct hull_error **err)
{
    cleanup_free char *dir = xasprintf("%s/networks/%s/leases", root, network);
    return scan_leases(dir, AF_INET, sizeof **out, offsetof(struct network_lease, id), (void **)out, n, err);
}

/* ---- IPv6 (dual-stack networks): the same, under leases6/ ---- */

static char *lease6_path(const char *root, const char *network, const struct in6_addr *a)
{
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, a, text, sizeof text);
    return xasprintf("%s/networks/%s/leases6/%s", root, network, text);
}

static int try_lease6(const char *root, const char *network, const struct in6_addr *a, const char *id)
{
    cleanup_free char *path = lease6_path(root, network, a);
    cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    if (write_all(fd, id, strlen(id)) != (ssize_t)strlen(id)) {
        int e = errno;
        unlink(path);
        return -e;
    }
    return 0;
}

/* subnet + n (n < 2^32: the low 32 bits, carrying into the next) */
static struct in6_addr add6(const struct in6_addr *base, uint32_t n)
{
    struct in6_addr a = *base;
    uint64_t carry = n;
    for (int i = 15; i >= 0 && carry; i--) {
        carry += a.s6_addr[i];
        a.s6_addr[i] = (uint8_t)carry;
        carry >>= 8;
    }
    return a;
}

int network_lease6(const char *root, const struct network_config *c, const char *id, const struct in6_addr *want,
                   struct in6_addr *out, struct hull_error **err)
{
    cleanup_free char *dir = xasprintf("%s/networks/%s/leases6", root, c->name);
    if (leases_dir(dir, err) < 0)
        return -1;
    cleanup_free char *subnet = network_subnet6_text(c);
    if (want && !IN6_IS_ADDR_UNSPECIFIED(want)) {
        char text[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, want, text, sizeof text);
        /* the subnet's own address is the subnet-router anycast address (RFC 4291) */
        if (!network_overlaps6(want, 128, &c->subnet6, c->prefix6) || !memcmp(want, &c->subnet6, sizeof *want))
            return hull_error_set(err, 0, "invalid --ip6 \"%s\": not a host address of network %s (%s)", text,
                                  c->name, subnet);
        if (!memcmp(want, &c->gateway6, sizeof *want))
            return hull_error_set(err, 0, "invalid --ip6 \"%s\": it is the gateway of network %s", text, c->name);
        int r = try_lease6(root, c->name, want, id);
        if (r == -EEXIST)
            return hull_error_set(err, 0, "address %s is already in use on network %s", text, c->name);
        if (r < 0)
            return hull_error_set(err, -r, "lease %s on network %s", text, c->name);
        *out = *want;
        return 0;
    }
    /* lowest free first, as for IPv4; a /120 has 255 host addresses, and no
     * network holds more containers than a 16-bit count */
    uint32_t last = c->prefix6 >= 112 ? (1u << (128 - c->prefix6)) - 1 : 65535;
    for (uint32_t k = 1; k <= last; k++) {
        struct in6_addr a = add6(&c->subnet6, k);
        if (!memcmp(&a, &c->gateway6, sizeof a))
            continue;
        int r = try_lease6(root, c->name, &a, id);
        if (r == 0) {
            *out = a;
            return 0;
        }
        if (r != -EEXIST)
            return hull_error_set(err, -r, "lease an IPv6 address on network %s", c->name);
    }
    return hull_error_set(err, 0, "network %s (%s) has no free IPv6 address left", c->name, subnet);
}

int network_release6(const char *root, const char *network, const struct in6_addr *addr, struct hull_error **err)
{
    cleanup_free char *path = lease6_path(root, network, addr);
    if (unlink(path) < 0 && errno != ENOENT)
        return hull_error_set(err, errno, "remove %s", path);
    return 0;
}

int network_leases6(const char *root, const char *network, struct network_lease6 **out, size_t *n,
                    struct hull_error **err)
{
    cleanup_free char *dir = xasprintf("%s/networks/%s/leases6", root, network);
    return scan_leases(dir, AF_INET6, sizeof **out, offsetof(struct network_lease6, id), (void **)out, n, err);
}
