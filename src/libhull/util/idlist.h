/* hull: "0-3,7" lists (cpuset(7) "List format") as bitmasks: CPUs for
 * execCPUAffinity and cpuset.cpus, NUMA nodes for memoryPolicy and
 * cpuset.mems, and the host's own lists of online CPUs / memory nodes.  The
 * one parser of such lists in hull. */
#ifndef HULL_IDLIST_H
#define HULL_IDLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "error_internal.h"

/* ids 0..8191: the kernel's largest NR_CPUS (CONFIG_NR_CPUS tops out at
 * 8192), and more NUMA nodes than any host has. */
#define IDLIST_MAX 8192
#define IDLIST_WORDS (IDLIST_MAX / (8 * sizeof(unsigned long)))

struct idlist {
    unsigned long bits[IDLIST_WORDS];
};

/* Parses "0-3,7" (spaces and newlines allowed around the items, as in sysfs
 * files; an empty list is the kernel's "none").  Returns 0, or -1 when the
 * syntax is wrong or an id is >= IDLIST_MAX, with *err (optional) saying
 * where: `bad cpu/node list "1-0": range 1-0 goes backwards`. */
int idlist_parse_err(const char *text, struct idlist *out, struct hull_error **err);
int idlist_parse(const char *text, struct idlist *out);
bool idlist_has(const struct idlist *l, unsigned id);
bool idlist_empty(const struct idlist *l);
/* The first id of `l` that `host` lacks, or -1 when l is a subset of host. */
int idlist_first_outside(const struct idlist *l, const struct idlist *host);
/* Reads a sysfs list file such as /sys/devices/system/cpu/online. */
int idlist_read_file(const char *path, struct idlist *out);

#endif
