/* hull: the OCI runtime configuration (config.json) as typed C structs.
 *
 * config.json is parsed once, at the edge, by spec_load(); every field is
 * validated there and the rest of the library never touches JSON.  Optional
 * scalars carry a has_* flag so "absent" and "zero" stay different, as the
 * spec requires (e.g. oomScoreAdj: "If not set, the runtime MUST NOT change"). */
#ifndef HULL_SPEC_H
#define HULL_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../util/error_internal.h"
#include "hull/hull.h"

struct json_object;

struct hull_rlimit {
    int resource; /* RLIMIT_* */
    char *type;   /* as written, e.g. "RLIMIT_NOFILE" */
    uint64_t soft, hard;
};

struct hull_capabilities {
    /* NULL-terminated lists of names as written ("CAP_CHOWN"); NULL when absent. */
    char **bounding, **effective, **inheritable, **permitted, **ambient;
};

struct hull_user {
    uid_t uid;
    gid_t gid;
    bool has_umask;
    mode_t umask;
    gid_t *additional_gids;
    size_t n_additional_gids;
    char *username; /* Windows-only in the spec; kept for completeness */
};

struct hull_process {
    bool terminal;
    bool has_console_size;
    unsigned console_height, console_width;
    struct hull_user user;
    char **args; /* NULL-terminated, at least one entry */
    char **env;  /* NULL-terminated, may be empty */
    char *cwd;   /* absolute */
    struct hull_capabilities *capabilities; /* NULL when absent */
    struct hull_rlimit *rlimits;
    size_t n_rlimits;
    bool no_new_privileges;
    char *apparmor_profile;
    char *selinux_label;
    bool has_oom_score_adj;
    int oom_score_adj;
    /* process.scheduler, resolved to sched_setattr(2)'s numbers. */
    bool has_scheduler;
    char *sched_policy;  /* as written */
    int sched_policy_id; /* SCHED_*, -1 for SCHED_ISO (no mainline kernel has it) */
    int sched_nice, sched_priority;
    uint64_t sched_flags; /* SCHED_FLAG_* */
    uint64_t sched_runtime, sched_deadline, sched_period;
    /* process.ioPriority (ioprio_set(2)). */
    bool has_io_priority;
    char *io_priority_class;
    int io_priority_class_id; /* IOPRIO_CLASS_* */
    int io_priority;
    /* process.execCPUAffinity: CPU lists as written (syntax checked), NULL when absent or empty. */
    char *cpu_affinity_initial, *cpu_affinity_final;
};

struct hull_mount {
    char *destination; /* absolute inside the container */
    char *type;        /* may be NULL (then bind if options say bind) */
    char *source;
    char **options;    /* as written */
    /* Derived from options by spec_load: */
    unsigned long flags;        /* MS_* to set */
    unsigned long clear_flags;  /* MS_* explicitly cleared (rw, suid, dev, exec...) */
    unsigned long propagation;  /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE [|MS_REC], 0 if none */
    bool bind;                  /* bind or rbind */
    bool recursive_bind;        /* rbind */
    bool tmpcopyup;
    uint64_t rec_attr_set, rec_attr_clr; /* MOUNT_ATTR_* of "rro", "rnosuid"...: applied with AT_RECURSIVE */
    char *data;                 /* comma-joined options that are not flags (e.g. "size=65536k,mode=755") */
    /* idmapped mounts ("idmap", "ridmap" or uidMappings/gidMappings; bind mounts only) */
    bool idmap, idmap_recursive;
    struct hull_id_mapping *uid_mappings, *gid_mappings;
    size_t n_uid_mappings, n_gid_mappings;
};

struct hull_namespace {
    bool present;
    char *path; /* join this one (setns) instead of creating a new namespace */
};

struct hull_id_mapping {
    uint32_t container_id, host_id, size;
};

struct hull_device {
    char *path; /* absolute inside the container */
    char type;  /* 'c', 'b', 'u' or 'p' */
    int64_t major, minor;
    bool has_file_mode;
    mode_t file_mode;
    bool has_uid, has_gid;
    uid_t uid;
    gid_t gid;
};

/* ---- linux.resources (cgroups) ---- */

struct hull_opt_i64 {
    bool set;
    int64_t v;
};
struct hull_opt_u64 {
    bool set;
    uint64_t v;
};
struct hull_opt_bool {
    bool set;
    bool v;
};

struct hull_memory {
    struct hull_opt_i64 limit, reservation, swap, kernel, kernel_tcp;
    struct hull_opt_u64 swappiness;
    struct hull_opt_bool disable_oom_killer, use_hierarchy, check_before_update;
};

struct hull_cpu {
    struct hull_opt_u64 shares, period, burst, realtime_period;
    struct hull_opt_i64 quota, realtime_runtime, idle;
    char *cpus, *mems;
};

struct hull_weight_device {
    int64_t major, minor;
    struct hull_opt_u64 weight, leaf_weight;
};

struct hull_throttle_device {
    int64_t major, minor;
    uint64_t rate;
};

struct hull_throttle_list {
    struct hull_throttle_device *items;
    size_t n;
};

struct hull_blkio {
    struct hull_opt_u64 weight, leaf_weight;
    struct hull_weight_device *weight_devices;
    size_t n_weight_devices;
    struct hull_throttle_list read_bps, write_bps, read_iops, write_iops;
};

struct hull_hugepage_limit {
    char *page_size; /* "2MB", "1GB" */
    uint64_t limit;
};

struct hull_net_priority {
    char *name;
    uint32_t priority;
};

struct hull_rdma_limit {
    char *device;
    struct hull_opt_u64 hca_handles, hca_objects;
};

struct hull_keyval {
    char *key, *value;
};

struct hull_resources {
    struct hull_device_rule *devices;
    size_t n_devices;
    bool has_memory;
    struct hull_memory memory;
    bool has_cpu;
    struct hull_cpu cpu;
    bool has_pids;
    int64_t pids_limit; /* -1 or 0 = max */
    bool has_blkio;
    struct hull_blkio blkio;
    struct hull_hugepage_limit *hugepage_limits;
    size_t n_hugepage_limits;
    bool has_network;
    struct hull_opt_u64 net_class_id;
    struct hull_net_priority *net_priorities;
    size_t n_net_priorities;
    struct hull_rdma_limit *rdma;
    size_t n_rdma;
    struct hull_keyval *unified;
    size_t n_unified;
};

/* ---- linux.seccomp ---- */

struct hull_seccomp_arg {
    unsigned index;
    uint64_t value, value_two;
    char *op; /* "SCMP_CMP_EQ" ... validated by spec_load */
};

struct hull_seccomp_rule {
    char **names; /* NULL-terminated */
    char *action; /* "SCMP_ACT_ERRNO" ... validated */
    bool has_errno_ret;
    unsigned errno_ret;
    struct hull_seccomp_arg *args;
    size_t n_args;
};

struct hull_seccomp {
    char *default_action;
    bool has_default_errno_ret;
    unsigned default_errno_ret;
    char **architectures; /* NULL-terminated or NULL */
    char **flags;         /* NULL-terminated or NULL */
    char *listener_path;
    char *listener_metadata;
    struct hull_seccomp_rule *syscalls;
    size_t n_syscalls;
};

struct hull_net_device {
    char *host_name; /* the key: the device's name in the runtime's network namespace */
    char *name;      /* its name inside the container (the key when not given) */
};

struct hull_linux {
    struct hull_namespace namespaces[HULL_NS__COUNT];
    struct hull_id_mapping *uid_mappings, *gid_mappings;
    size_t n_uid_mappings, n_gid_mappings;
    bool has_time_offsets;
    int64_t monotonic_secs, boottime_secs;
    uint32_t monotonic_nanosecs, boottime_nanosecs;
    struct hull_device *devices;
    size_t n_devices;
    char *cgroups_path; /* NULL when absent */
    bool has_resources;
    struct hull_resources resources;
    struct hull_keyval *sysctl;
    size_t n_sysctl;
    struct hull_seccomp *seccomp; /* NULL when absent */
    unsigned long rootfs_propagation; /* MS_* or 0 */
    char **masked_paths;   /* NULL-terminated or NULL */
    char **readonly_paths; /* NULL-terminated or NULL */
    char *mount_label;
    bool has_personality;
    char *personality_domain;
    unsigned long personality; /* PER_LINUX or PER_LINUX32 */
    /* linux.memoryPolicy (set_mempolicy(2)). */
    bool has_memory_policy;
    int mempolicy_mode;       /* MPOL_* */
    unsigned mempolicy_flags; /* MPOL_F_* */
    char *mempolicy_nodes;    /* as written (syntax checked), NULL when absent or empty */
    /* linux.netDevices: host devices moved into the container's network namespace. */
    struct hull_net_device *net_devices;
    size_t n_net_devices;
};

struct hull_spec {
    char *oci_version;
    char *root_path; /* as written */
    bool root_readonly;
    struct hull_process *process; /* NULL when absent (then start fails) */
    char *hostname, *domainname;
    struct hull_mount *mounts;
    size_t n_mounts;
    struct hull_hooks hooks;
    struct hull_keyval *annotations;
    size_t n_annotations;
    struct hull_linux linux_;
    /* The raw JSON text, kept for `state`-like needs and for the engine. */
    char *raw_json;
};

/* Parses and validates config.json text. On error, *err names the field. */
int spec_parse(const char *json_text, struct hull_spec **out, struct hull_error **err);
/* Reads BUNDLE/config.json and parses it. */
int spec_load(const char *bundle, struct hull_spec **out, struct hull_error **err);
/* Parses a process object (for `exec --process FILE`). */
int spec_parse_process(const char *json_text, struct hull_process **out, struct hull_error **err);
/* Parses a LinuxResources object (for `update --resources`). */
int spec_parse_resources(const char *json_text, struct hull_resources *out, struct hull_error **err);
/* Parses linux.resources given a json-c object; used by the above. */
int spec_parse_resources_json(struct json_object *obj, struct hull_resources *out, struct hull_error **err);
/* The range and syntax checks of linux.resources that hold on every host (the
 * kernel's ranges, the spec's rules, the syntax of cpu lists, page sizes, rdma
 * devices and unified keys), run by the parsers above and by whoever builds a
 * struct hull_resources by hand (`update`'s flags).  The cgroup code does not
 * repeat them; it only refuses what the host lacks.  field is the object's
 * path in errors ("linux.resources", or "" for a bare LinuxResources). */
int spec_check_resources(const struct hull_resources *r, const char *field, struct hull_error **err);

/* The spec as config.json text (owned): the one serializer of struct hull_spec.
 * spec_parse() of the result gives the same struct (mount flags and the other
 * derived values are recomputed from the names written). */
char *spec_to_json(const struct hull_spec *spec);

/* Parses a linux.seccomp object on its own (a profile file, the profile the
 * engine builds): the same parser as config.json's, `field` names it in errors.
 * Free with spec_seccomp_free. */
int spec_parse_seccomp(struct json_object *obj, const char *field, struct hull_seccomp **out, struct hull_error **err);
void spec_seccomp_free(struct hull_seccomp *s);
/* A deep copy (NULL stays NULL): the engine keeps the profile it checked and
 * hands each config it builds a copy of its own. */
struct hull_seccomp *spec_seccomp_dup(const struct hull_seccomp *s);
/* How many seccomp profiles this process has read into struct hull_seccomp
 * (config.json's linux.seccomp included): tests count the parses of one
 * `hull run` with it (issue 12). */
extern unsigned long spec_seccomp_parses;

void spec_free(struct hull_spec *spec);
void spec_freep(struct hull_spec **spec);
void spec_process_free(struct hull_process *p);
void spec_resources_clear(struct hull_resources *r);
#define cleanup_spec __attribute__((cleanup(spec_freep)))

/* The default config `spec` writes, like runc's. Returned as JSON text (owned). */
char *spec_default_json(bool rootless);
/* The same config as a struct (raw_json NULL): where the engine starts the
 * config of a `hull run` container. */
int spec_default(bool rootless, struct hull_spec **out, struct hull_error **err);
/* Computes a mount's derived values (flags, propagation, bind, data ...)
 * from its type and options again, with the parser's checks: for code that
 * builds or edits a mount (the engine).  `field` names it in errors. */
int spec_mount_derive(struct hull_mount *m, const char *field, struct hull_error **err);
/* The list of hooks named like config.json's ("prestart", "createRuntime",
 * ...) in hooks, NULL for another name. */
struct hull_hook_list *spec_hook_list(struct hull_hooks *hooks, const char *name);
/* config.md's checks of one hook (absolute path, timeout > 0), as the parser
 * makes them, for hooks built in code; field names it in errors. */
int spec_check_hook(const struct hull_hook *h, const char *field, struct hull_error **err);
/* Appends copies of every hook of from to the same lists of to. */
void spec_hooks_append(struct hull_hooks *to, const struct hull_hooks *from);
/* Frees what one mount holds, and empties it (for code that edits a spec);
 * spec_hooks_clear, the same for hooks, is in hull.h. */
void spec_mount_clear(struct hull_mount *m);

/* RLIMIT_NOFILE for "RLIMIT_NOFILE" ...; -1 for a name process.rlimits does not allow. */
int spec_rlimit_resource(const char *type);

const char *spec_ns_name(enum hull_ns_type t);     /* "pid", "network", ... */
int spec_ns_clone_flag(enum hull_ns_type t);        /* CLONE_NEWPID ... */
const char *spec_ns_proc_name(enum hull_ns_type t); /* "pid", "net", "mnt" ... as in /proc/PID/ns */

/* Mount option table, shared with the engine (docker -v options). Returns false if unknown. */
bool spec_mount_option(const char *opt, unsigned long *set, unsigned long *clear, unsigned long *propagation);
/* The recursive attributes ("rro", "rnosuid", ...) as MOUNT_ATTR_* to set and clear. False if not one. */
bool spec_mount_rec_option(const char *opt, uint64_t *set, uint64_t *clear);
/* Every mount option hull accepts by name (flags, propagation, recursive
 * attributes, tmpcopyup), for `features`. NULL-terminated, malloc'ed. */
char **spec_mount_option_names(void);

#endif
