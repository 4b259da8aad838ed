/* hull: what isolates a container, for `hull inspect --isolation`.
 *
 * The walk-throughs that build a container by hand (unshare, a cgroup
 * directory, chroot/pivot_root) say it in one sentence: a container is a
 * normal process the kernel gives a restricted VIEW (namespaces), capped
 * RESOURCES (cgroups) and reduced POWERS (capabilities, seccomp,
 * no_new_privs), on the host's own kernel.  This module gathers each of those
 * facts for one container.
 *
 * For a running container every fact is read back from the kernel -- the
 * namespace inodes in /proc/PID/ns, /proc/PID/status, /proc/PID/cgroup and the cgroup
 * files, /proc/PID/mountinfo -- so the report shows what is in force, not
 * what was asked for.  Only the seccomp profile's rules (the kernel exposes
 * the filter count, not its rules) and the masked/read-only path lists come
 * from the container's config.json, and the kernel is then asked whether each
 * of those paths is really covered.
 *
 * For a container that is not running there is nothing to read back: the
 * same structure is filled from config.json (source ISOLATION_FROM_CONFIG),
 * i.e. what the next start would give. */
#ifndef HULL_ENGINE_ISOLATION_H
#define HULL_ENGINE_ISOLATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec/spec.h"
#include "util/error_internal.h"
#include "hull/hull-engine.h"

/* One cgroup file read back, raw (trailing newline removed). */
struct isolation_cgroup_file {
    char *name;
    char *value;
};

/* The container whose bundle (config.json) is in bundle_dir.  pid > 0: its
 * live init on the host, read from the kernel; pid 0: from config.json only. */
int isolation_report_build(const char *bundle_dir, pid_t pid, struct isolation_report **out, struct hull_error **err);
/* The init's pid of container id when it has a live one (created, running or
 * paused: its namespaces exist), else 0: the pid to give isolation_report_build. */
pid_t engine_container_live_init(const char *runroot, const char *id);

void isolation_report_freep(struct isolation_report **r);
void isolation_report_free(struct isolation_report *r);
#define cleanup_isolation_report __attribute__((cleanup(isolation_report_freep)))

/* "applied", "absent", "not-applied", "configured". */
const char *isolation_path_state_name(enum isolation_path_state s);

/* ---- the parts, one file each (isolation_fs.c, isolation_cgroup.c, isolation_seccomp.c) ---- */

/* /proc/PID/mountinfo (or any file of that format) into mounts; NULL-safe free. */
int isolation_read_mounts(const char *mountinfo_path, struct isolation_mount **out, size_t *n, struct hull_error **err);
void isolation_mounts_free(struct isolation_mount *m, size_t n);

/* Root filesystem, mounts, masked and read-only paths: of a live pid (the
 * path lists from spec, each checked in the kernel), or from spec alone. */
int isolation_read_filesystem(pid_t pid, const struct hull_spec *spec, struct isolation_report *r,
                              struct hull_error **err);
int isolation_filesystem_from_config(const char *bundle_dir, const struct hull_spec *spec, struct isolation_report *r,
                                     struct hull_error **err);

/* Cgroups of pid, with the limit files of each hierarchy read back. */
int isolation_read_cgroups(pid_t pid, struct isolation_report *r, struct hull_error **err);
/* Limits from linux.resources (config source). */
void isolation_limits_from_config(const struct hull_resources *res, struct isolation_limits *out);

/* Classifies every syscall of the native architecture under a linux.seccomp
 * profile (NULL: no profile, everything is allowed). */
int isolation_seccomp_classify(const struct hull_seccomp *profile, struct isolation_seccomp *out,
                               struct hull_error **err);

#endif
