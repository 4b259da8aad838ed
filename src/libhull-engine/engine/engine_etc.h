/* hull: the generated /etc/hostname, /etc/hosts and /etc/resolv.conf of a
 * `hull run` container (docker's defaults; see engine_etc.c). */
#ifndef HULL_ENGINE_ETC_H
#define HULL_ENGINE_ETC_H

#include <stdbool.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

struct engine_run_config;

/* The pieces, for tests: the hosts file of a container without a network,
 * and the host's resolv.conf without loopback nameservers (docker's fallback
 * servers when none is left). Owned. */
char *engine_hosts_content(const char *hostname, const char *name);
char *engine_resolv_conf_filter(const char *host_text);

/* A hosts file: docker's localhost lines, extra ("NAME:IP" of --add-host),
 * then "IP fqdn hostname name" (fqdn: hostname.domainname, or the host name
 * when it has a dot; ip NULL: on the loopback addresses, as for --network
 * none; ip6: the same line for the IPv6 address), then peers (lines as they
 * are, may be NULL). Owned. */
char *engine_hosts_for(const char *hostname, const char *domainname, const char *name, const char *ip,
                       const char *ip6, char *const *extra, const char *peers);

struct engine_etc_files {
    char *hostname, *hosts, *resolv_conf; /* absolute paths in the container directory */
};

/* Writes DIR/hostname, DIR/hosts and DIR/resolv.conf for a container with
 * this host name and container name.  From rc: host_network (the host's
 * hosts and resolv.conf are copied as they are), and rc->net's --add-host
 * lines and --dns, --dns-search, --dns-option (they replace the host's
 * nameserver, search and options lines, as in docker).  DIR is a new
 * container's: the files must not exist yet (created in place, no rename). */
int engine_etc_files_write(const char *dir, const char *hostname, const char *name,
                           const struct engine_run_config *rc, struct engine_etc_files *out, struct hull_error **err);
void engine_etc_files_clear(struct engine_etc_files *f);

#endif
