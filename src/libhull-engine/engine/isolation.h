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

enum isolation_source {
    ISOLATION_FROM_KERNEL, /* a live init: /proc and the cgroup files */
    ISOLATION_FROM_CONFIG, /* not running: config.json */
};

/* Normalized limit values. */
#define ISOLATION_UNLIMITED (-1)       /* "max", -1, or v1's PAGE_COUNTER_MAX */
#define ISOLATION_UNKNOWN (INT64_MIN)  /* no such file / not configured */

struct isolation_namespace {
    enum hull_ns_type type;
    const char *name;    /* as in /proc/PID/ns: "mnt", "pid", "net" ... (static) */
    bool supported;      /* this kernel has it: /proc/self/ns/NAME exists */
    uint64_t inode;      /* the container's (kernel source), 0 otherwise */
    uint64_t host_inode; /* the reference: this hull process's /proc/self/ns/NAME */
    uint64_t init_inode; /* /proc/1/ns/NAME, 0 when unreadable (it often is, in sandboxes) */
    bool private_ns;     /* kernel: inode != host_inode; config: a new namespace is requested */
    char *joined_path;   /* config: linux.namespaces[].path (joins an existing one) */
};

struct isolation_id_map {
    uint32_t inside, outside, count;
};

struct isolation_user {
    uid_t uid, euid;
    gid_t gid, egid;
    gid_t *groups; /* supplementary groups */
    size_t n_groups;
    struct isolation_id_map *uid_map, *gid_map; /* /proc/PID/uid_map, gid_map */
    size_t n_uid_map, n_gid_map;
};

struct isolation_caps {
    uint64_t effective, permitted, bounding, inheritable, ambient; /* bit N = capability N */
    int known; /* capabilities this kernel knows (libcap's cap_max_bits: cap_last_cap + 1) */
    uint64_t host_bounding; /* this hull process's own bounding set: no container gets more */
};

struct isolation_seccomp {
    int mode;    /* kernel's Seccomp: 0 off, 1 strict, 2 filter; -1 from config */
    int filters; /* kernel's Seccomp_filters (filters stacked on the process); -1 from config */
    bool has_profile; /* config.json has linux.seccomp */
    char *default_action;
    /* The profile's verdict on every system call libseccomp knows for the
     * native architecture, derived from the rules (see isolation_seccomp.c). */
    char *arch;             /* "x86_64" (uname's machine) */
    char *libseccomp_version;
    unsigned total;         /* syscalls known for arch: allowed + conditional + denied + other */
    char **allowed;         /* allowed whatever the arguments (ALLOW or LOG) */
    char **conditional;     /* allowed or denied depending on the arguments */
    char **denied;          /* refused whatever the arguments (ERRNO, KILL*, TRAP) */
    char **other;           /* handed to a tracer or a supervisor (TRACE, NOTIFY) */
    size_t n_allowed, n_conditional, n_denied, n_other;
    size_t n_unknown_names; /* names in the rules that libseccomp does not know for arch */
};

/* One cgroup file read back, raw (trailing newline removed). */
struct isolation_cgroup_file {
    char *name;
    char *value;
};

/* One line of /proc/PID/cgroup: one hierarchy. */
struct isolation_cgroup {
    int version;       /* 1 or 2 */
    char *controllers; /* v1: "memory", "name=systemd"; v2: cgroup.controllers ("" for none) */
    char *path;        /* as /proc/PID/cgroup shows it (host's cgroup namespace) */
    char *dir;         /* the directory on the host; NULL when the hierarchy is not mounted here */
    struct isolation_cgroup_file *files;
    size_t n_files;
};

/* The limits in force, normalized over v1 and v2.  ISOLATION_UNLIMITED or
 * ISOLATION_UNKNOWN where no number applies. */
struct isolation_limits {
    int64_t memory_bytes;      /* v1 memory.limit_in_bytes, v2 memory.max */
    int64_t memory_swap_bytes; /* v1 memory.memsw.limit_in_bytes (memory + swap); v2 memory.swap.max (swap alone) */
    int64_t memory_usage;      /* v1 memory.usage_in_bytes, v2 memory.current */
    int64_t cpu_quota_us;      /* v1 cpu.cfs_quota_us, v2 first field of cpu.max */
    int64_t cpu_period_us;     /* v1 cpu.cfs_period_us, v2 second field of cpu.max */
    int64_t cpu_shares;        /* v1 cpu.shares (default 1024) */
    int64_t cpu_weight;        /* v2 cpu.weight (default 100) */
    int64_t pids_max;          /* pids.max */
    int64_t pids_current;      /* pids.current */
    char *cpuset_cpus, *cpuset_mems; /* NULL when unknown; "" = inherits all */
};

struct isolation_mount {
    char *destination;   /* as the container sees it */
    char *type;          /* fstype */
    char *source;        /* mount source ("overlay", "proc", a device ...) */
    char *root;          /* the part of the source filesystem mounted there ("/" or a bind's subpath) */
    char *options;       /* per-mount options ("ro,nosuid,...") */
    char *super_options; /* filesystem options ("size=65536k,mode=755") */
    bool read_only;
};

struct isolation_rootfs {
    char *type; /* "overlay", or whatever fs is mounted at / */
    char **lowerdirs;  /* overlay: the image layers, topmost first (NULL-terminated) */
    char *upperdir;    /* overlay: the container's own changes */
    char *workdir;
    char *path;        /* config: root.path */
    bool read_only;
};

enum isolation_path_state {
    ISOLATION_PATH_APPLIED,     /* masked / read-only: the kernel shows the covering mount */
    ISOLATION_PATH_ABSENT,      /* the path does not exist in the container: nothing to cover */
    ISOLATION_PATH_NOT_APPLIED, /* it exists and is NOT covered */
    ISOLATION_PATH_CONFIGURED,  /* from config: would be applied at start */
};

struct isolation_path {
    char *path;
    enum isolation_path_state state;
    char *how; /* kernel: the covering mount ("/dev/null bound over it", "read-only tmpfs") */
};

struct isolation_report {
    enum isolation_source source;
    pid_t pid;      /* the init on the host, 0 from config */
    char *hostname; /* from the config (the UTS namespace's name) */
    struct isolation_namespace namespaces[HULL_NS__COUNT];
    struct isolation_user user;
    struct isolation_caps caps;
    bool no_new_privs;
    struct isolation_seccomp seccomp;
    char *cgroups_path; /* config: linux.cgroupsPath (NULL: the runtime picks one) */
    int cgroup_layout;  /* enum cgroup_layout of the host (cgroup/cgroup.h) */
    struct isolation_cgroup *cgroups;
    size_t n_cgroups;
    struct isolation_limits limits;
    struct isolation_rootfs rootfs;
    struct isolation_mount *mounts;
    size_t n_mounts;
    struct isolation_path *masked, *readonly;
    size_t n_masked, n_readonly;
};

/* The namespaces in the order the report shows them (most telling first). */
extern const enum hull_ns_type isolation_ns_order[HULL_NS__COUNT];

/* The container whose bundle (config.json) is in bundle_dir.  pid > 0: its
 * live init on the host, read from the kernel; pid 0: from config.json only. */
int isolation_report_build(const char *bundle_dir, pid_t pid, struct isolation_report **out, struct hull_error **err);
void isolation_report_free(struct isolation_report *r);
void isolation_report_freep(struct isolation_report **r);
#define cleanup_isolation_report __attribute__((cleanup(isolation_report_freep)))

/* The report for machines (`--format json`); see isolation_json.c. */
struct json_object *isolation_report_json(const struct isolation_report *r);
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
