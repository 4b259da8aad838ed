/* libhull-engine's public interface, part 2 of 3: hull run's typed
 * configuration (struct engine_run_config) and the parsers of its flag
 * values, networks and volumes.  Included by hull-engine.h, which is what
 * front ends include; apart only to keep each file short. */
#ifndef HULL_PUBLIC_HULL_ENGINE_RUN_H
#define HULL_PUBLIC_HULL_ENGINE_RUN_H

#include "hull-engine.h"

/* ---- hull run: the typed run configuration (engine_spec.c) ---- */

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
    /* The seccomp profile built (and checked) once by engine_run_flags_check,
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

/* ---- hull run: flag values ----
 * Their parsers (engine_flags.c) are the library's own: engine_run_flags_check
 * calls them (src/libhull-engine/engine/engine_flags.h). */

struct engine_device {
    char *host;      /* PathOnHost */
    char *container; /* PathInContainer (default: the host path) */
    char *perms;     /* CgroupPermissions: some of "rwm" (default "rwm") */
    char type;       /* 'c' or 'b' */
    int64_t major, minor;
    uint32_t mode; /* the host node's permission bits */
    uint32_t uid, gid; /* the node's owner in the container: 0 (docker), or a CDI deviceNode's uid/gid */
};

/* ---- hull run: volumes and binds (engine_mounts.c) ---- */

/* -v TEXT into *out.  Relative host paths are made absolute here. */
int engine_parse_bind(const char *text, struct engine_bind *out, struct hull_error **err);
/* --mount TEXT: type=bind|volume into *bind (returns 0), type=tmpfs into
 * *tmpfs (returns 1, with --tmpfs's defaults), -1 on error. */
int engine_parse_mount(const char *text, struct engine_bind *bind, struct engine_tmpfs *tmpfs, struct hull_error **err);

/* `volume create`: the volume made under the records lock, so that a `hull
 * run` naming the volume sees it made or not at all.  An existing volume of
 * that name is not an error when opts are empty or the same (docker's create
 * is idempotent). */
int engine_volume_create(const char *root, const char *name, char *const *opts, char *const *labels, char **name_out,
                         struct hull_error **err);
/* `volume rm`: refused while a container uses it ("volume is in use - [ids]");
 * one that does not exist is an error ("no such volume: NAME") unless force.
 * *removed (optional) tells whether it was there and is gone. */
int engine_volume_remove(const char *root, const char *name, bool force, bool *removed, struct hull_error **err);
/* `volume prune`: removes the volumes no container uses, only anonymous ones
 * unless all (docker 23+).  *removed gets their names, *reclaimed their size. */
int engine_volume_prune(const char *root, bool all, char ***removed, unsigned long long *reclaimed,
                        struct hull_error **err);

/* ---- hull run: /etc files (engine_etc.c) ---- */

/* docker's per-network options: --network name=NET,alias=A,ip=IP,ip6=IP6[,mac-address=MAC] */
struct engine_net_endpoint {
    char *ip, *ip6, *mac;
    char **aliases;
};

/* ---- networks (network.c) ---- */

#define NETWORK_DEFAULT "hull"

struct network_create_opts {
    const char *name;
    const char *subnet;  /* CIDR; NULL: the first free /16 of 10.88-10.255 */
    const char *gateway; /* NULL: the subnet's first address */
    bool internal;
    bool ipv6;            /* dual stack */
    const char *subnet6;  /* IPv6 CIDR (needs ipv6); NULL: a random ULA /64 (RFC 4193) */
    const char *gateway6; /* NULL: the IPv6 subnet's first address */
};
/* --subnet/--gateway as given on the command line: sorted into the IPv4 and
 * IPv6 fields by their syntax (a colon: IPv6); one of each at most. The
 * value is kept (not copied). */
int network_opts_add(struct network_create_opts *o, const char *flag, const char *value, struct hull_error **err);

/* ---- networks of containers (engine_network.c) ---- */

struct engine_net_flags {
    const char *mode; /* the first --network's network; NULL: the default */
    char *mode_owned; /* ... when it came as name=NET,... */
    struct engine_net_endpoint first; /* its per-network options (merged with --ip & co. at prepare) */
    char **more;      /* the other --network flags' networks, as given (NULL-terminated or NULL) */
    struct engine_net_endpoint *more_opts; /* their per-network options, one per entry of more */
    const char *ip;   /* --ip */
    const char *ip6;  /* --ip6 (a dual-stack network) */
    struct network_port *publish, *expose;
    size_t n_publish, n_expose;
    bool publish_all; /* -P */
    char **add_hosts, **dns, **dns_search, **dns_options; /* NULL-terminated or NULL */
    char **aliases;                                       /* --network-alias */
    const char *mac;                                      /* --mac-address */
    /* set by engine_run_flags_check (engine_network_prepare) */
    char *network;    /* "hull", a user network, "none", "host" or "container:ID" */
    char *netns_path; /* container:ID: that container's /proc/PID/ns/net */
    bool bridge;      /* network is a bridge network */
    char **networks_more; /* the networks of `more`, resolved ("bridge" is "hull") */
};

/* One networking flag (flag: "--network", "--ip", "--ip6", "-p", "-P", "--expose",
 * "--add-host", "--dns", "--dns-search", "--dns-option", "--network-alias",
 * "--mac-address");
 * syntax checked. */
int engine_net_flag(struct engine_net_flags *nf, const char *flag, const char *value, struct hull_error **err);
void engine_net_flags_clear(struct engine_net_flags *nf);

/* The networks of a container, "app,hull" (its NetworkMode when it has no
 * bridge network: "none", "host"), for ps's .Networks.  Owned. */
char *engine_network_names_text(const struct engine_record *rec);
/* "0.0.0.0:8080->80/tcp, ..." for ps (owned; "" when none). */
char *engine_network_ports_text(const struct engine_record *rec);

/* Under the lock; the created network's name is opts->name. */
int engine_network_create(const char *root, const struct network_create_opts *o, struct hull_error **err);
/* Refused while containers use it (dead ones are swept first). */
int engine_network_remove(const char *root, const char *runroot, const char *name, struct hull_error **err);
/* Removes every user network no container uses; *removed gets their names. */
int engine_network_prune(const char *root, const char *runroot, char ***removed, struct hull_error **err);
/* `hull network connect [--ip IP] [--alias A] NET C`: a running container
 * gets ethN on NET at once, a stopped one at its next start. */
int engine_network_connect(const char *root, const char *runroot, const char *network, const char *container,
                           const char *ip, const char *ip6, char *const *aliases, struct hull_error **err);
/* Only a network the container was connected to, not its --network. */
int engine_network_disconnect(const char *root, const char *network, const char *container, struct hull_error **err);
/* A network and the containers on it, for `network ls` and `network inspect`. */
struct network_config;
struct network_member;
struct engine_network_info {
    char *name;                            /* as asked for (network ls: its directory) */
    char *id, *created, *subnet, *gateway; /* the IPv4 subnet "10.88.0.0/16", its gateway */
    bool internal;
    struct network_config *config; /* all of it (src/libhull-engine/network/network.h) */
    struct network_member *members;
    size_t n_members;
};
void engine_network_info_free(struct engine_network_info *info);
void engine_network_info_freep(struct engine_network_info **info);
#define cleanup_engine_network_info __attribute__((cleanup(engine_network_info_freep)))
int engine_network_inspect(const char *root, const char *runroot, const char *name,
                           struct engine_network_info **out, struct hull_error **err);
/* docker's `network inspect` object (Name, Id, Driver, IPAM, Internal, Containers ...). */
struct json_object *engine_network_info_to_json(const struct engine_network_info *info);
/* `hull network ls`: every network, sorted by name, NULL-terminated (one
 * removed meanwhile is left out); freed by engine_network_info_list_free. */
int engine_network_info_list(const char *root, const char *runroot, struct engine_network_info ***out,
                             struct hull_error **err);
void engine_network_info_list_free(struct engine_network_info **list);
/* A row of `network ls --format` (docker's ID, shown_id: as the table shows
 * it; Name, Driver, Scope, Subnet, Gateway, Internal, CreatedAt), and the
 * column titles a "table TEMPLATE" runs on ({"ID": "NETWORK ID", ...}). */
struct json_object *engine_network_ls_row_json(const struct engine_network_info *info, const char *shown_id);
struct json_object *engine_network_ls_titles_json(void);

/* ---- hull run: the flags as given, checked at once (run_check.c) ---- */

/* What `hull run`/`create` were given, filled by the CLI's option switch;
 * engine_run_flags_check turns it into rc. */
struct engine_run_flags {
    struct engine_run_config rc;
    const char *name;
    bool detach, auto_remove, interactive;
    struct engine_net_flags net;
    const char *pull; /* --pull missing|always|never */
    const char *memory_text, *cpus_text, *memory_swap_text, *cpu_shares_text;
    bool init;
    const char *restart_text; /* --restart as given */
    const char *gpus_text;    /* --gpus as given */
    struct engine_health_flags health; /* --health-*, --no-healthcheck as given */
    /* repeatable flags, as given (argv pointers); at most argc of each */
    const char **env_flags, **volumes_from, **env_files, **labels_given, **label_files, **tmpfs_flags,
        **ulimit_flags, **cap_add_flags, **cap_drop_flags, **security_opts, **log_opts, **device_flags,
        **device_rule_flags;
    size_t n_env_flags, n_volumes_from, n_env_files, n_labels_given, n_label_files, n_tmpfs_flags, n_ulimit_flags,
        n_cap_add, n_cap_drop, n_security_opts, n_log_opts, n_device_flags, n_device_rule_flags;
    /* what engine_run_flags_check made of them (owned; rc points into these) */
    char **env, **labels, **cap_add, **cap_drop, **security_opt;
    char *seccomp_text, *init_path;
    /* docker's warnings about the values (a swap limit the host cannot
     * enforce, --cpu-shares out of the kernel's range): static sentences,
     * for the caller to print, with or without an error */
    const char *warnings[2];
    size_t n_warnings;
};

/* Room for argc values of every repeatable flag (no flag can come more often). */
void engine_run_flags_init(struct engine_run_flags *f, int argc);
void engine_run_flags_clear(struct engine_run_flags *f);

/* Every check that does not need the image, before anything exists, in
 * this order (the first bad flag is the one named): --name, resources
 * (and a normal user's limits), networks (the default network is made on
 * first use), --domainname, --workdir, env and labels, mounts, ulimits,
 * devices and CDI names, capabilities and --security-opt (the seccomp
 * profile built and checked once, kept in rc for engine_container_run),
 * healthcheck, --log-opt, --restart (not with --rm), --stop-signal, --init.
 * f->warnings gets what docker warns of. */
int engine_run_flags_check(const char *root, const char *runroot, struct engine_run_flags *f, struct hull_error **err);

/* ---- volumes (volume.c) ---- */

/* A volume as volume.json keeps it (docker's keys); members hull does not
 * know are kept (other): what engine_volume_list gives. */
struct volume_label {
    char *key, *value;
};
struct volume {
    char *name, *driver, *mountpoint, *created_at, *scope;
    struct volume_label *labels; /* in the order given; keys unique */
    size_t n_labels;
    char *type, *device, *o; /* the local driver's Options; NULL: not given */
    struct json_object *other; /* NULL: none */
};
void volume_free(struct volume *v);
/* `hull volume inspect`: each name's volume in docker's shape (volume.json's
 * own keys, volume_json.c), in the order given: on_volume gets the object
 * (the call frees it after), on_error the error of a name that fails ("no
 * such volume: NAME", the error owned by on_error) and the names after it
 * are still tried.  A non-zero return of on_volume stops the walk and is
 * returned; else 0. */
typedef int (*engine_volume_json_fn)(struct json_object *volume, void *data);
int engine_volume_inspect_json(const char *root, char *const *names, engine_volume_json_fn on_volume,
                               engine_name_error_fn on_error, void *data);
/* `hull volume ls`: the volumes, sorted by name, NULL-terminated, that match
 * every filter of filters (NULL-terminated or NULL; docker's keys:
 * dangling=true|false, name=SUBSTRING, label=KEY[=VALUE]); a volume removed
 * meanwhile is left out; each one's name is its directory's.  The filters
 * are tried in order, volume by volume: a filter that is none of those is
 * an error once a volume gets to it.  Returns 0, -1 (the volumes cannot be
 * listed) or ENGINE_VOLUME_LIST_BAD_FILTER (a filter is not docker's, or
 * cannot be checked: a usage error). */
#define ENGINE_VOLUME_LIST_BAD_FILTER (-2)
int engine_volume_list(const char *root, char *const *filters, struct volume ***out, struct hull_error **err);
void volume_list_free(struct volume **list);
/* A row of `volume ls --format` (Driver, Labels, Mountpoint, Name, Scope),
 * and the column titles a "table TEMPLATE" runs on. */
struct json_object *volume_ls_row_json(const struct volume *v);
struct json_object *volume_ls_titles_json(void);

#endif
