/* hull: one sample of a running container's resource use, in the terms
 * `docker stats` shows.
 *
 * Everything comes from the container's cgroup (cgroup_manager_stats, a typed
 * struct cgroup_stats, v1 and v2 alike) except the network counters, which
 * are the container's network namespace's, read from /proc/<init>/net/dev.  The figures are docker's:
 *   memory   usage minus the inactive page cache (docker's CLI subtracts
 *            total_inactive_file on v1, inactive_file on v2), limit capped at
 *            the host's RAM (moby reports MemTotal when the cgroup has none);
 *   network  every interface but lo; 0 with --network host (docker shows the
 *            host's traffic to nobody);
 *   block    bytes read and written as the blkio/io controller counted them.
 * CPU % needs two samples: CPU time used between them over the wall time
 * between them (docker's cpuDelta/systemDelta*onlineCPUs amounts to that). */
#ifndef HULL_ENGINE_STATS_H
#define HULL_ENGINE_STATS_H

#include <stdint.h>

#include "util/error_internal.h"
#include "hull/hull-engine.h"

/* A sample of container id, whose runtime state is under RUNROOT/@engine.
 * Fails when the container is not running. */
int engine_stats_read(const char *runroot, const char *id, struct engine_stats *out, struct hull_error **err);

/* CPU % between two samples of one container (0 when they are not ordered). */
double engine_stats_cpu_percent(const struct engine_stats *before, const struct engine_stats *after);
/* Memory usage as a percentage of the limit. */
double engine_stats_mem_percent(const struct engine_stats *s);

#endif
