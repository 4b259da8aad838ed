/* hull: "0-3,7" lists (CPUs for execCPUAffinity, NUMA nodes for memoryPolicy)
 * as bitmasks, and the host's own list of online CPUs / memory nodes. */
#ifndef HULL_IDLIST_H
#define HULL_IDLIST_H

#include <stdbool.h>
#include <stddef.h>

#define IDLIST_MAX 1024 /* ids 0..1023: CPU_SETSIZE, and more NUMA nodes than any host has */
#define IDLIST_WORDS (IDLIST_MAX / (8 * sizeof(unsigned long)))

struct idlist {
    unsigned long bits[IDLIST_WORDS];
};

/* Parses "0-3,7" (spaces and a trailing newline allowed, as in sysfs files).
 * Returns 0, or -1 when the syntax is wrong or an id is >= IDLIST_MAX. */
int idlist_parse(const char *text, struct idlist *out);
bool idlist_has(const struct idlist *l, unsigned id);
bool idlist_empty(const struct idlist *l);
/* The first id of `l` that `host` lacks, or -1 when l is a subset of host. */
int idlist_first_outside(const struct idlist *l, const struct idlist *host);
/* Reads a sysfs list file such as /sys/devices/system/cpu/online. */
int idlist_read_file(const char *path, struct idlist *out);

#endif
