/* hull: parsers for the `hull run` flags that need more than a number, each
 * with docker's meaning and format (docker/cli opts, moby's daemon checks,
 * go-units).  Every error names the flag and the value given, e.g.
 *   invalid --ulimit "nofiles=10": unknown limit "nofiles" (core, cpu, ...). */
#ifndef HULL_ENGINE_FLAGS_H
#define HULL_ENGINE_FLAGS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error_internal.h"
#include "engine_spec.h"
#include "hull/hull-engine.h"

/* docker's RAMInBytes: "256m", "1g", "512k", "1024b", "1048576"; errors name flag. */
int engine_parse_size(const char *flag, const char *text, int64_t *bytes, struct hull_error **err);


/* --memory: a size of at least 6 MiB like docker. */
int engine_parse_memory(const char *text, int64_t *bytes, struct hull_error **err);
/* "--cpus 0.5" -> quota 50000 per period 100000. */
int engine_parse_cpus(const char *text, int64_t *quota, uint64_t *period, struct hull_error **err);
/* --env-file FILE / --label-file FILE: KEY=VALUE lines (value kept as is,
 * trailing spaces included), '#' comments and blank lines skipped, leading
 * whitespace dropped.  A bare KEY takes our environment's value (and is
 * dropped when unset) when take_bare_from_env, else it is skipped, as
 * docker does for label files.  Entries are appended to *entries (a
 * NULL-terminated, owned strv; *entries may start NULL). */
int engine_parse_kv_file(const char *flag, const char *path, bool take_bare_from_env, char ***entries,
                         struct hull_error **err);

/* --tmpfs PATH[:OPTIONS]: docker's defaults (rw,noexec,nosuid,nodev,rprivate)
 * with the user's options merged over them (a later flag replaces its
 * opposite: exec over noexec; a later size= replaces an earlier one). */
int engine_parse_tmpfs(const char *text, struct engine_tmpfs *out, struct hull_error **err);
void engine_tmpfs_clear(struct engine_tmpfs *t);

/* --ulimit NAME=SOFT[:HARD] with go-units' names (nofile, nproc, core ...);
 * HARD defaults to SOFT; -1 is unlimited. */
int engine_parse_ulimit(const char *text, struct engine_ulimit *out, struct hull_error **err);
void engine_ulimit_clear(struct engine_ulimit *u);

/* --memory-swap: a size, or -1 for unlimited. */
int engine_parse_memory_swap(const char *text, int64_t *bytes, struct hull_error **err);

/* moby's rules between --memory and --memory-swap: swap needs memory, must be
 * >= it; not given, it is twice memory.  swap_text (the flag as given) is
 * for the messages.  When the host cannot limit swap
 * (no memory.memsw.* files), docker drops the swap limit with a warning:
 * *warning is then set (a static sentence) and *swap becomes 0. */
int engine_resolve_memory_swap(const char *swap_text, int64_t memory, int64_t *swap, bool host_limits_swap,
                               const char **warning, struct hull_error **err);
/* Whether this host's memory cgroup can limit memory+swap. */
bool engine_host_limits_swap(void);

/* --cpu-shares: an integer; like moby, out-of-range values are clamped to the
 * kernel's 2..262144 (*warning says so) and 0 keeps the default. */
int engine_parse_cpu_shares(const char *text, uint64_t *shares, const char **warning, struct hull_error **err);

/* --cpuset-cpus / --cpuset-mems: a list such as "0-2,4".  available is the
 * host's list in the same format (/sys/devices/system/cpu/online); every
 * requested number must be in it.  available NULL skips that check. */
int engine_parse_cpuset(const char *flag, const char *text, const char *available, struct hull_error **err);
/* The host's online CPUs / memory nodes ("0-1"); NULL when unknown. Owned. */
char *engine_host_cpus(void);
char *engine_host_mems(void);

/* --cap-add / --cap-drop NAME: "net_admin", "CAP_NET_ADMIN", "ALL" ... into
 * "CAP_NET_ADMIN" / "ALL"; a name the kernel does not know is an error. */
int engine_normalize_capability(const char *flag, const char *text, char **out, struct hull_error **err);

/* --security-opt seccomp=FILE|unconfined, no-new-privileges[=true|false],
 * systempaths=unconfined, label=disable, apparmor=unconfined (the last two:
 * no-ops, this host has no SELinux or AppArmor in force).  The legacy
 * "key:value" spelling is accepted like docker.  A seccomp FILE is read
 * here; *seccomp_text gets its content (owned). */
int engine_parse_security_opt(const char *text, struct engine_run_config *rc, char **seccomp_text,
                              struct hull_error **err);

/* docker's forms: HOST, HOST:CONTAINER, HOST:PERMS, HOST:CONTAINER:PERMS. */
int engine_parse_device(const char *text, struct engine_device *out, struct hull_error **err);
void engine_device_clear(struct engine_device *d);

/* "TYPE MAJOR:MINOR ACCESS" (type a, b or c; '*' for any major or minor;
 * access some of rwm): *rule_out gets the OCI allow rule. */
int engine_parse_device_cgroup_rule(const char *text, struct hull_device_rule *rule_out, struct hull_error **err);

#endif
