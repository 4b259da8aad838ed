/* libhull-engine: docker's Config, HostConfig, Mounts and GraphDriver of a
 * container record (struct engine_record, hull-engine.h), typed.
 *
 * The keys and value types are docker's, as hull has always written them
 * (record.json, `hull inspect`).  Every object keeps what it was read or
 * built with (struct record_keep): which known members it has (a member
 * absent in record.json stays absent when the record is written again, one
 * that was null stays null), and the members this code does not know, or
 * knows with another type (a newer hull's, a docker-shaped tool's), written
 * back as they were read. */
#ifndef HULL_PUBLIC_RECORD_CONFIG_H
#define HULL_PUBLIC_RECORD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

/* What an object was read or built with.  Bit i of present/null is the
 * i-th member of the object's table in record_config_json.c (enum
 * record_*_member below); null: present as JSON null (pointers NULL are
 * written as null too). */
struct record_keep {
    bool seen; /* the object itself (top-level members: Config ...) is there */
    uint64_t present, null;
    struct json_object *other; /* members not read into the struct; NULL: none */
};

/* A map of strings (Labels, Tmpfs, LogConfig.Config, GraphDriver.Data):
 * key, value, key, value ..., NULL-terminated; NULL: JSON null. */
typedef char **record_map;

/* Config.Healthcheck (docker's HealthConfig); durations in nanoseconds.
 * Written in the order the flags have always made it (Test last). */
enum record_healthcheck_member { RHC_INTERVAL, RHC_TIMEOUT, RHC_START_PERIOD, RHC_START_INTERVAL, RHC_RETRIES, RHC_TEST };
struct record_healthcheck {
    struct record_keep keep;
    char **test; /* ["CMD-SHELL", TEXT], ["CMD", ARGV...], ["NONE"] */
    int64_t interval, timeout, start_period, start_interval, retries;
};

/* The network members come last: hull wrote them after the others before
 * they were typed, and a record is written back in the order it was read. */
enum record_config_member {
    RC_HOSTNAME, RC_DOMAINNAME, RC_USER, RC_LABELS, RC_STOP_SIGNAL, RC_HEALTHCHECK, RC_TTY, RC_OPEN_STDIN,
    RC_ENV, RC_CMD, RC_IMAGE, RC_WORKING_DIR, RC_ENTRYPOINT, RC_MAC_ADDRESS, RC_EXPOSED_PORTS,
};
struct record_config {
    struct record_keep keep;
    char *hostname, *domainname, *user;
    record_map labels;
    char *stop_signal;
    struct record_healthcheck healthcheck;
    bool tty, open_stdin;
    char **env, **cmd;
    char *image; /* as the user wrote it */
    char *working_dir;
    char *entrypoint; /* --entrypoint as given; NULL: none (null) */
    char *mac_address; /* --mac-address: kept across restarts */
    char **exposed_ports; /* the image's, --expose's and -p's ports, "80/tcp" ({"80/tcp": {}, ...}) */
};

/* HostConfig.Mounts: --mount as given. */
enum record_host_mount_member { RHM_TYPE, RHM_SOURCE, RHM_TARGET, RHM_READ_ONLY };
struct record_host_mount {
    struct record_keep keep;
    char *type, *source, *target;
    bool read_only;
};

enum record_restart_policy_member { RRP_NAME, RRP_MAXIMUM_RETRY_COUNT };
struct record_restart_policy {
    struct record_keep keep;
    char *name; /* no, always, unless-stopped, on-failure */
    int64_t maximum_retry_count;
};

enum record_log_config_member { RLC_TYPE, RLC_CONFIG };
struct record_log_config {
    struct record_keep keep;
    char *type;
    record_map config; /* max-size, max-file as given */
};

enum record_device_member { RDV_PATH_ON_HOST, RDV_PATH_IN_CONTAINER, RDV_CGROUP_PERMISSIONS };
struct record_device {
    struct record_keep keep;
    char *path_on_host, *path_in_container, *cgroup_permissions;
};

enum record_ulimit_member { RUL_NAME, RUL_HARD, RUL_SOFT };
struct record_ulimit {
    struct record_keep keep;
    char *name;
    int64_t hard, soft;
};

/* HostConfig.PortBindings: docker's PortBinding, where -p publishes a
 * container port. */
enum record_port_binding_member { RPB_HOST_IP, RPB_HOST_PORT };
struct record_port_binding {
    struct record_keep keep;
    char *host_ip;   /* "": every address; an IPv6 one without brackets */
    char *host_port; /* "8080", "8000-8010"; "": a free one */
};

/* One member of HostConfig.PortBindings: a container port and its bindings. */
struct record_port_bindings {
    char *port;                           /* "80/tcp" */
    struct record_port_binding *bindings; /* NULL: null */
    size_t n_bindings;
};

/* The network members come last (see enum record_config_member). */
enum record_host_config_member {
    RH_MOUNTS, RH_BINDS, RH_VOLUMES_FROM, RH_AUTO_REMOVE, RH_RESTART_POLICY, RH_LOG_CONFIG, RH_READONLY_ROOTFS,
    RH_MEMORY, RH_NANO_CPUS, RH_CPU_QUOTA, RH_CPU_PERIOD, RH_PIDS_LIMIT, RH_MEMORY_SWAP, RH_CPU_SHARES,
    RH_CPUSET_CPUS, RH_CPUSET_MEMS, RH_CAP_ADD, RH_CAP_DROP, RH_PRIVILEGED, RH_DEVICES, RH_DEVICE_CGROUP_RULES,
    RH_SECURITY_OPT, RH_INIT, RH_TMPFS, RH_ULIMITS, RH_NETWORK_MODE, RH_PORT_BINDINGS, RH_PUBLISH_ALL_PORTS,
    RH_EXTRA_HOSTS, RH_DNS, RH_DNS_SEARCH, RH_DNS_OPTIONS,
};
struct record_host_config {
    struct record_keep keep;
    struct record_host_mount *mounts; /* NULL: null */
    size_t n_mounts;
    char **binds, **volumes_from; /* -v as typed; --volumes-from as given */
    bool auto_remove;
    struct record_restart_policy restart_policy;
    struct record_log_config log_config;
    bool readonly_rootfs;
    int64_t memory, nano_cpus, cpu_quota, cpu_period, pids_limit, memory_swap, cpu_shares;
    char *cpuset_cpus, *cpuset_mems;
    char **cap_add, **cap_drop;
    bool privileged;
    struct record_device *devices; /* NULL: null */
    size_t n_devices;
    char **device_cgroup_rules, **security_opt;
    bool init;
    record_map tmpfs;              /* destination, options ... */
    struct record_ulimit *ulimits; /* NULL: null */
    size_t n_ulimits;
    char *network_mode; /* "hull", a user network, "none", "host", "container:ID" */
    struct record_port_bindings *port_bindings; /* -p, by container port in the order given; NULL: null */
    size_t n_port_bindings;
    bool publish_all_ports; /* -P */
    char **extra_hosts;     /* --add-host as given; NULL: null (none given) */
    char **dns, **dns_search, **dns_options;
};

/* One of Mounts (docker's MountPoint). */
enum record_mount_member {
    RM_TYPE, RM_NAME, RM_SOURCE, RM_DESTINATION, RM_DRIVER, RM_MODE, RM_RW, RM_PROPAGATION,
};
struct record_mount {
    struct record_keep keep;
    char *type; /* bind, volume */
    char *name; /* volume only */
    char *source, *destination;
    char *driver; /* volume only: local */
    char *mode;
    bool rw;
    char *propagation;
};

enum record_graph_driver_member { RGD_NAME, RGD_DATA };
struct record_graph_driver {
    struct record_keep keep;
    char *name;      /* overlay, vfs */
    record_map data; /* MergedDir, UpperDir, WorkDir */
};

#define RECORD_BIT(m) (UINT64_C(1) << (m))

/* A member read or built (not null). */
static inline bool record_has(const struct record_keep *keep, int member)
{
    return (keep->present & RECORD_BIT(member)) && !(keep->null & RECORD_BIT(member));
}

/* A string member, "" for NULL (absent or null). */
static inline const char *record_str(const char *s)
{
    return s ? s : "";
}

/* A map's value for key, or NULL. */
const char *record_map_get(record_map map, const char *key);

/* Frees what hc holds (struct engine_run_config's healthcheck too) and empties it. */
void record_healthcheck_clear(struct record_healthcheck *hc);

#endif
