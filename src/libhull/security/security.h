/* hull: what reduces a container process's powers: capabilities (libcap),
 * seccomp-bpf (libseccomp), no_new_privs, LSM labels.
 *
 * The runtime core calls these in the container's init (and exec) process,
 * in this order, right before execve:
 *   1. security_validate(spec)            -- at config load time, in the parent: unknown names are errors
 *   2. caps_drop_bounding(caps)            -- still uid 0 with every capability
 *   3. (core: PR_SET_KEEPCAPS, setgroups/setgid/setuid)
 *   4. if !noNewPrivileges: seccomp_prepared_load() now (still holds CAP_SYS_ADMIN)
 *   5. caps_apply(caps)                    -- effective/permitted/inheritable/ambient
 *   6. if noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS) then seccomp_prepared_load()
 *   7. execve
 * A NULL caps pointer means "no capabilities section": all capabilities are dropped
 * (as runc does for an absent section). */
#ifndef HULL_SECURITY_H
#define HULL_SECURITY_H

#include <stdbool.h>
#include <stddef.h>

#include "../spec/spec.h"
#include "../util/error_internal.h"
#include "hull/hull.h"

/* Checks capability names, seccomp actions/ops/arches/flags, LSM availability. */
int security_validate(const struct hull_spec *spec, struct hull_error **err);
int security_validate_process(const struct hull_process *process, struct hull_error **err);

int caps_drop_bounding(const struct hull_capabilities *caps, struct hull_error **err);
int caps_apply(const struct hull_capabilities *caps, struct hull_error **err);

/* Compiled seccomp filter, prepared before the fork where possible (so the
 * child does no JSON or libseccomp work) and loaded last. */
struct seccomp_prepared;
int seccomp_prepare(const struct hull_seccomp *seccomp, struct seccomp_prepared **out, struct hull_error **err);
/* Loads the filter into the calling process.  For SCMP_ACT_NOTIFY with a
 * listenerPath, state_json is sent with the notify fd over that socket. */
int seccomp_prepared_load(struct seccomp_prepared *prepared, const char *state_json, struct hull_error **err);
void seccomp_prepared_free(struct seccomp_prepared *p);

/* The compiled-program cache's directory, overriding seccomp_cache_set_state_root
 * (hull.h) and the environment; NULL turns the cache off. */
void seccomp_cache_set_dir(const char *dir);

/* Number of BPF instructions of a prepared filter (for tests and benchmarks). */
size_t seccomp_prepared_instructions(const struct seccomp_prepared *p);

/* A linux.seccomp object read from a file of its own, such as the engine's
 * default profile (profiles/seccomp-default.json), or one already parsed as
 * JSON (the profile the engine builds).  Read by the config parser's own
 * code (spec_parse_seccomp) and checked like the config's (seccomp_validate);
 * free with spec_seccomp_free. */
int seccomp_profile_parse(const char *json_text, struct hull_seccomp **out, struct hull_error **err);
int seccomp_profile_parse_object(struct json_object *obj, struct hull_seccomp **out, struct hull_error **err);
int seccomp_profile_load(const char *path, struct hull_seccomp **out, struct hull_error **err);

/* False when this process's bounding set (the host's, for the runtime) lacks it. */
bool caps_host_can_grant(int cap);
/* The capabilities of any set in caps that the host cannot grant (so the
 * container runs without them), "CAP_A,CAP_B" in number order; NULL if none. */
char *caps_ungranted(const struct hull_capabilities *caps);

/* AppArmor / SELinux.  Requesting a label whose LSM is not enabled is an error
 * (security_validate), as in runc; see docs/security.md. */
bool lsm_apparmor_enabled(void);
bool lsm_selinux_enabled(void);
/* Whether the process asks for an AppArmor profile or an SELinux label. */
bool lsm_process_has_label(const struct hull_process *process);
/* The /proc/thread-self/attr files the labels go to, opened through a
 * private procfs handle (mount/procfs.h) before privileges drop and seccomp
 * is loaded; -1 where no label is asked for. */
struct lsm_label_files {
    int apparmor, selinux;
};
int lsm_open_label_files(const struct hull_process *process, struct lsm_label_files *files, struct hull_error **err);
void lsm_close_label_files(struct lsm_label_files *files);
/* In the container process, after pivot_root: writes the labels (they take
 * effect at execve) and closes the files. */
int lsm_apply_process_label(const struct hull_process *process, struct lsm_label_files *files,
                            struct hull_error **err);

#endif
