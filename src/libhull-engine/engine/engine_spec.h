/* hull: the OCI config a `hull run` container gets.
 *
 * The engine never hand-writes a whole config: it starts from the runtime's
 * default (spec_default, the same as `hull-runtime spec`) as a struct
 * hull_spec and changes what docker changes -- the image's
 * Entrypoint/Cmd/Env/WorkingDir/User, the run flags, docker's default
 * capability set, no terminal unless -t.  No JSON is edited: the struct is
 * written once, with spec_to_json, as the bundle's config.json. */
#ifndef HULL_ENGINE_SPEC_H
#define HULL_ENGINE_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec/spec.h"
#include "util/error_internal.h"
#include "engine_devices.h"
#include "log_config.h"
#include "restart.h"

struct json_object;
struct engine_net_flags;

/* -v, --mount type=bind|volume, and the image's VOLUMEs (engine_mounts.h). */
enum engine_mount_kind { ENGINE_MOUNT_BIND = 0, ENGINE_MOUNT_VOLUME };
struct engine_bind {
    char *source;      /* absolute host path (a volume's: set by engine_mounts_prepare) */
    char *destination; /* absolute path in the container */
    bool read_only;
    enum engine_mount_kind kind;
    char *volume;       /* the volume's name (anonymous ones: set by engine_mounts_prepare) */
    bool anonymous;     /* -v /path, --mount type=volume without source, the image's VOLUME */
    bool nocopy;        /* no copy of the image's content into an empty volume */
    bool create_source; /* -v HOST:...: a missing HOST is made (docker); --mount refuses it */
    char *propagation;  /* bind propagation (rprivate, rshared ...); NULL: rprivate */
    char *mode;         /* docker's Mounts[].Mode: the -v options as given ("ro,z"), "" for --mount, NULL for VOLUME */
    char *given;        /* -v as typed, for HostConfig.Binds; NULL for --mount and VOLUME */
    char **volume_opts; /* --mount volume-opt=K=V: options for a volume created here */
    bool relabel;       /* -v ...:z or :Z: SELinux relabeling asked for (nothing to do without SELinux) */
};

/* --tmpfs PATH[:OPTIONS] */
struct engine_tmpfs {
    char *destination;
    char *options_text; /* what followed the ':' ("" when nothing), for the record */
    char **options;     /* docker's defaults merged with the user's: the mount options */
};

/* --ulimit NAME=SOFT[:HARD] */
struct engine_ulimit {
    char *name;         /* docker's name: "nofile" */
    const char *rlimit; /* the OCI type: "RLIMIT_NOFILE" */
    int64_t soft, hard; /* -1 = unlimited */
};

struct engine_run_config {
    char **env;             /* --env-file entries, then -e K=V (or K: taken from our environment), in order; may be NULL */
    const char *hostname;   /* default: the short id (--network host: the host's) */
    const char *domainname; /* --domainname: the UTS namespace's NIS domain name; NULL: none */
    const char *workdir;    /* -w; overrides the image's WorkingDir */
    const char *user;       /* -u UID[:GID] or NAME[:GROUP]; overrides the image's User */
    const char *cgroups_path; /* linux.cgroupsPath (rootless: under the delegated cgroup); NULL: the runtime's */
    const char *entrypoint; /* --entrypoint; "" clears the image's */
    char **cmd;             /* arguments after IMAGE; NULL keeps the image's Cmd */
    struct engine_bind *binds;
    size_t n_binds;
    struct engine_tmpfs *tmpfs;
    size_t n_tmpfs;
    struct engine_ulimit *ulimits;
    size_t n_ulimits;
    int64_t memory;      /* bytes; 0 = no limit */
    int64_t memory_swap; /* memory+swap bytes; -1 = unlimited; 0 = not set (see engine_resolve_memory_swap) */
    int64_t cpu_quota;   /* microseconds per period; 0 = no limit */
    uint64_t cpu_period;
    uint64_t cpu_shares;     /* relative weight; 0 = the kernel's default (1024) */
    const char *cpuset_cpus; /* "0-1,3"; NULL = every CPU */
    const char *cpuset_mems;
    int64_t pids_limit; /* 0 = no limit */
    bool read_only;
    bool host_network;
    const struct engine_net_flags *net; /* networking flags (engine_network.h); NULL: --network none */
    bool tty;
    /* security */
    char **cap_add, **cap_drop; /* normalized "CAP_X" or "ALL"; NULL-terminated or NULL */
    struct engine_device *devices; /* --device (engine_devices.h) */
    size_t n_devices;
    struct hull_device_rule *device_rules; /* --device-cgroup-rule, parsed to OCI allow rules */
    size_t n_device_rules;
    char **device_rules_given; /* --device-cgroup-rule as given, for the record; may be NULL */
    struct hull_hooks cdi_hooks; /* the OCI hooks of CDI devices (engine_cdi.h) */
    bool privileged;            /* every capability, no seccomp, no masked paths, rw /sys, every device */
    bool no_new_privileges;
    bool seccomp_unconfined;      /* --security-opt seccomp=unconfined */
    const char *seccomp_profile;  /* text of --security-opt seccomp=FILE; NULL = the built-in default */
    bool systempaths_unconfined;  /* --security-opt systempaths=unconfined: no masked/read-only paths */
    char **security_opt;          /* --security-opt as given, for the record; may be NULL */
    /* The seccomp profile built (and checked) once by engine_seccomp_prepare,
     * with the capabilities it was built for; engine_seccomp hands out copies
     * of it instead of parsing the profile a second time. */
    struct hull_seccomp *seccomp_built;
    char **seccomp_built_caps;
    /* the rest */
    const char *init_path;   /* --init: hull-init on the host, bind-mounted read-only at ENGINE_INIT_PATH */
    const char *stop_signal; /* --stop-signal (validated), else the image's StopSignal; for the record */
    struct engine_restart_policy restart; /* --restart (restart.h); for the record */
    struct record_healthcheck healthcheck; /* the --health-* flags' HealthConfig (health.h); keep.seen: given */
    struct engine_log_config log;         /* --log-opt max-size=, max-file= (log_config.h) */
    char **labels;           /* --label K=V / K, in order; for the record */
    /* Files generated in the container directory and bind-mounted over the
     * image's /etc/hostname, /etc/hosts, /etc/resolv.conf (NULL: not mounted). */
    const char *hostname_path, *hosts_path, *resolv_conf_path;
};

/* Where --init's hull-init appears in the container. */
#define ENGINE_INIT_PATH "/dev/init"

/* Flag parsers: engine_flags.h; -v and --mount: engine_mounts.h; capabilities
 * and the seccomp profile: engine_security.h. */

/* The config of a container.  image_config_json is the image's config blob;
 * rootfs is the prepared root (names in -u / User are looked up in its
 * /etc/passwd and /etc/group).  (*out)->raw_json is its config.json text. */
int engine_spec_make(const char *image_config_json, const struct engine_run_config *rc, const char *hostname,
                     const char *rootfs, struct hull_spec **out, struct hull_error **err);
/* The same, only the config.json text. */
int engine_spec_build(const char *image_config_json, const struct engine_run_config *rc, const char *hostname,
                      const char *rootfs, char **json_out, struct hull_error **err);

#endif
