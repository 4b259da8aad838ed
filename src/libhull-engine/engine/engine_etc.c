/* hull: the /etc/hostname, /etc/hosts and /etc/resolv.conf of a container.
 *
 * Like docker, the engine writes them into the container's directory and the
 * runtime bind-mounts them over the image's files, so the image (and the
 * container's upper layer) is never modified and `hull inspect` can show them
 * (HostnamePath, HostsPath, ResolvConfPath).
 *
 *  - hostname: the container's host name.
 *  - hosts: docker's localhost lines.  Docker adds "IP hostname" for each
 *    network the container is on; with no network (--network none) there is
 *    no IP, and podman then puts the host name on the loopback addresses so
 *    that it still resolves: we do the same.  --network host: the host's file.
 *  - resolv.conf: the host's, without nameservers on 127.0.0.0/8 or ::1
 *    (they are the host's loopback, unreachable from another network
 *    namespace); when none remain, docker's fallback (8.8.8.8, 8.8.4.4).
 *    A host running systemd-resolved has 127.0.0.53 there: its upstream list,
 *    /run/systemd/resolve/resolv.conf, is used instead, as docker does.
 *    --network host: the host's file as it is. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_etc.h"
#include "engine_network.h"
#include "engine_spec.h"
#include "util/utils.h"

#define HOST_HOSTS "/etc/hosts"
#define HOST_RESOLV_CONF "/etc/resolv.conf"
#define RESOLVED_UPSTREAM "/run/systemd/resolve/resolv.conf"

/* moby's default hosts content (libnetwork/etchosts). */
static const char default_hosts[] = "127.0.0.1\tlocalhost\n"
                                    "::1\tlocalhost ip6-localhost ip6-loopback\n"
                                    "fe00::0\tip6-localnet\n"
                                    "ff00::0\tip6-mcastprefix\n"
                                    "ff02::1\tip6-allnodes\n"
                                    "ff02::2\tip6-allrouters\n";

static bool loopback_nameserver(const char *addr)
{
    return !strncmp(addr, "127.", 4) || !strcmp(addr, "::1") || !strcmp(addr, "0:0:0:0:0:0:0:1");
}

/* The address of a "nameserver ADDR" line, or NULL. */
static const char *nameserver_of(char *line)
{
    char *p = line + strspn(line, " \t");
    if (strncmp(p, "nameserver", 10) || (p[10] != ' ' && p[10] != '\t'))
        return NULL;
    p += 10 + strspn(p + 10, " \t");
    p[strcspn(p, " \t\r\n#;")] = '\0';
    return p;
}

char *engine_resolv_conf_filter(const char *host_text)
{
    size_t cap = strlen(host_text) + 64;
    char *out = xmalloc0(cap);
    size_t len = 0;
    bool kept_nameserver = false;
    cleanup_free char *copy = xstrdup(host_text);
    char *save = NULL;
    /* strtok_r would merge blank lines: walk line by line by hand. */
    for (char *line = copy; line && *line; line = save) {
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        cleanup_free char *probe = xstrdup(line);
        const char *ns = nameserver_of(probe);
        if (ns && loopback_nameserver(ns))
            continue;
        kept_nameserver |= ns != NULL;
        len += (size_t)snprintf(out + len, cap - len, "%s\n", line);
    }
    if (!kept_nameserver) {
        cleanup_free char *with_default = xasprintf("%s\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n", out);
        free(out);
        out = steal_pointer(&with_default);
    }
    return out;
}

/* True when text has nameservers and all are on the loopback (e.g. systemd-resolved's stub). */
static bool only_loopback_nameservers(const char *text)
{
    cleanup_free char *copy = xstrdup(text);
    size_t total = 0, loopback = 0;
    for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        const char *ns = nameserver_of(line);
        if (ns) {
            total++;
            loopback += loopback_nameserver(ns);
        }
    }
    return total > 0 && total == loopback;
}

/* docker (libnetwork's updateHostsFile): the FQDN first, so that it is the
 * canonical name `hostname -f`/`-d` find, then the bare host name; the host
 * name may be an FQDN itself (--hostname a.example.org). */
static char *self_names(const char *hostname, const char *domainname, const char *name)
{
    cleanup_free char *fqdn =
        domainname && *domainname ? xasprintf("%s.%s", hostname, domainname) : xstrdup(hostname);
    const char *dot = strchr(fqdn, '.');
    cleanup_free char *host = dot ? xasprintf("%.*s", (int)(dot - fqdn), fqdn) : NULL;
    cleanup_free char *names = host ? xasprintf("%s %s", fqdn, host) : xstrdup(fqdn);
    /* The container's name resolves too, as in podman. */
    if (name && *name && strcmp(name, fqdn) && strcmp(name, host ? host : fqdn))
        return xasprintf("%s %s", names, name);
    return steal_pointer(&names);
}

char *engine_hosts_for(const char *hostname, const char *domainname, const char *name, const char *ip,
                       const char *ip6, char *const *extra, const char *peers)
{
    cleanup_free char *names = self_names(hostname, domainname, name);
    size_t cap = 64;
    for (size_t i = 0; extra && extra[i]; i++)
        cap += strlen(extra[i]) + 2;
    cleanup_free char *extra_lines = xmalloc0(cap);
    size_t len = 0;
    for (size_t i = 0; extra && extra[i]; i++) {
        /* docker writes --add-host NAME:IP as "IP\tNAME" (NAME=IP also accepted) */
        size_t k = strcspn(extra[i], ":=");
        len += (size_t)snprintf(extra_lines + len, cap - len, "%s\t%.*s\n", extra[i] + k + (extra[i][k] ? 1 : 0),
                                (int)k, extra[i]);
    }
    cleanup_free char *self = !ip   ? xasprintf("127.0.0.1\t%s\n::1\t%s\n", names, names)
                              : ip6 ? xasprintf("%s\t%s\n%s\t%s\n", ip, names, ip6, names)
                                    : xasprintf("%s\t%s\n", ip, names);
    return xasprintf("%s%s%s%s", default_hosts, extra_lines, self, peers ? peers : "");
}

char *engine_hosts_content(const char *hostname, const char *name)
{
    return engine_hosts_for(hostname, NULL, name, NULL, NULL, NULL, NULL);
}

/* --dns, --dns-search, --dns-option: each replaces the lines of its kind. */
static char *resolv_conf_apply(const char *text, const struct engine_net_flags *nf)
{
    if (!nf || (!nf->dns && !nf->dns_search && !nf->dns_options))
        return xstrdup(text);
    size_t cap = strlen(text) + 64;
    char **lists[] = {nf->dns, nf->dns_search, nf->dns_options};
    for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
        for (char **l = lists[i]; l && *l; l++)
            cap += strlen(*l) + 16;
    char *out = xmalloc0(cap);
    size_t len = 0;
    cleanup_free char *copy = xstrdup(text);
    for (char *line = copy, *next; line && *line; line = next) {
        char *nl = strchr(line, '\n');
        next = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        const char *p = line + strspn(line, " \t");
        bool drop = (nf->dns && !strncmp(p, "nameserver", 10)) ||
                    (nf->dns_search && (!strncmp(p, "search", 6) || !strncmp(p, "domain", 6))) ||
                    (nf->dns_options && !strncmp(p, "options", 7));
        if (!drop)
            len += (size_t)snprintf(out + len, cap - len, "%s\n", line);
    }
    for (char **d = nf->dns; d && *d; d++)
        len += (size_t)snprintf(out + len, cap - len, "nameserver %s\n", *d);
    const char *kinds[] = {"search", "options"};
    char **vals[] = {nf->dns_search, nf->dns_options};
    for (int k = 0; k < 2; k++) {
        if (!vals[k])
            continue;
        len += (size_t)snprintf(out + len, cap - len, "%s", kinds[k]);
        for (char **v = vals[k]; *v; v++)
            len += (size_t)snprintf(out + len, cap - len, " %s", *v);
        len += (size_t)snprintf(out + len, cap - len, "\n");
    }
    return out;
}

static int copy_host_file(const char *from, const char *to, struct hull_error **err)
{
    cleanup_free char *text = NULL;
    size_t len = 0;
    if (read_file(from, &text, &len, NULL) < 0) {
        text = xstrdup(""); /* a host without the file: the container gets an empty one */
        len = 0;
    }
    return write_file_new(to, text, len, 0644, err);
}

int engine_etc_files_write(const char *dir, const char *hostname, const char *name,
                           const struct engine_run_config *rc, struct engine_etc_files *out, struct hull_error **err)
{
    cleanup_free char *hostname_path = xasprintf("%s/hostname", dir);
    cleanup_free char *hosts_path = xasprintf("%s/hosts", dir);
    cleanup_free char *resolv_path = xasprintf("%s/resolv.conf", dir);
    cleanup_free char *hostname_text = xasprintf("%s\n", hostname);
    if (write_file_new(hostname_path, hostname_text, strlen(hostname_text), 0644, err) < 0)
        return -1;
    const struct engine_net_flags *nf = rc->net;
    if (rc->host_network) {
        if (copy_host_file(HOST_HOSTS, hosts_path, err) < 0 || copy_host_file(HOST_RESOLV_CONF, resolv_path, err) < 0)
            return -1;
    } else {
        cleanup_free char *hosts = engine_hosts_for(hostname, rc->domainname, name, NULL, NULL, nf ? nf->add_hosts : NULL, NULL);
        if (write_file_new(hosts_path, hosts, strlen(hosts), 0644, err) < 0)
            return -1;
        cleanup_free char *host_resolv = NULL;
        if (read_file(HOST_RESOLV_CONF, &host_resolv, NULL, NULL) < 0)
            host_resolv = xstrdup("");
        if (only_loopback_nameservers(host_resolv)) {
            cleanup_free char *upstream = NULL;
            if (read_file(RESOLVED_UPSTREAM, &upstream, NULL, NULL) == 0) {
                free(host_resolv);
                host_resolv = steal_pointer(&upstream);
            }
        }
        cleanup_free char *filtered = engine_resolv_conf_filter(host_resolv);
        cleanup_free char *resolv = resolv_conf_apply(filtered, nf);
        if (write_file_new(resolv_path, resolv, strlen(resolv), 0644, err) < 0)
            return -1;
    }
    out->hostname = steal_pointer(&hostname_path);
    out->hosts = steal_pointer(&hosts_path);
    out->resolv_conf = steal_pointer(&resolv_path);
    return 0;
}

void engine_etc_files_clear(struct engine_etc_files *f)
{
    free(f->hostname);
    free(f->hosts);
    free(f->resolv_conf);
    f->hostname = f->hosts = f->resolv_conf = NULL;
}
