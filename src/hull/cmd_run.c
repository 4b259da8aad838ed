/* hull run, hull create: parse the flags into struct engine_run_flags, one
 * call checks them all before anything is created (engine_run_flags_check,
 * src/libhull-engine/engine/run_check.c), the image is found or pulled,
 * then one call (engine_container_run, src/libhull-engine/engine/run.c)
 * makes the container and runs it in the foreground or under a monitor,
 * removing everything again on a failure before it runs. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hull/hull-engine.h"
#include "hull/hull.h"
#include "hull/util.h"
#include "cli.h"

static void run_usage(FILE *f, bool create)
{
    if (create)
        fprintf(f, "Usage:  hull create [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n"
                   "Create a new container from an image (pulled when missing, as run --pull does) and\n"
                   "print its id; it stays in state Created until `hull start [-a]` runs it.\n"
                   "The options are hull run's (-d has no effect: hull start decides)\n\n");
    else
        fprintf(f, "Usage:  hull run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n"
                   "Create and run a new container from an image\n\n");
    fprintf(f, "Options:\n"
               "      --name NAME          assign a name to the container\n"
               "  -d, --detach             run in the background and print the container id\n"
               "  -t, --tty                allocate a terminal\n"
               "  -i, --interactive        keep stdin open (foreground: ours; -d: open, never written)\n"
               "      --rm                 remove the container when it exits\n"
               "      --pull POLICY        pull the image: missing (default), always, never\n"
               "  -e, --env K=V            set an environment variable (repeatable)\n"
               "      --hostname NAME      container host name (default: the short id)\n"
               "      --domainname NAME    container NIS domain name (hostname -d; FQDN in /etc/hosts)\n"
               "  -w, --workdir DIR        working directory inside the container\n"
               "  -u, --user UID[:GID]     user (and group) to run as; names from the image's /etc/passwd\n"
               "      --entrypoint CMD     override the image's ENTRYPOINT\n"
               "  -v, --volume [SRC:]DST[:OPTS]  a volume NAME, a host path (absolute or ./rel: made when\n"
               "                           missing) or an anonymous volume at DST; OPTS: ro, rw, z, Z,\n"
               "                           nocopy, [r]shared, [r]slave, [r]private\n"
               "      --mount type=bind|volume|tmpfs,source=S,target=T[,readonly][,...]\n"
               "                           docker's --mount (a bind source must exist)\n"
               "      --volumes-from CTR[:ro|:rw]  the volumes and binds of container CTR (repeatable)\n"
               "  -m, --memory SIZE        memory limit (e.g. 256m, 1g)\n"
               "      --cpus N             number of CPUs (e.g. 0.5)\n"
               "      --pids-limit N       maximum number of processes\n"
               "      --read-only          mount the root filesystem read-only\n"
               "      --network NET        a network (default: hull when root, else slirp4netns or none),\n"
               "                           none, host, slirp4netns (rootless: docs/rootless.md),\n"
               "                           container:NAME (share that container's network); several\n"
               "                           --network: every one (bridge networks), the first is eth0;\n"
               "                           name=NET,alias=A,ip=IP,ip6=IP6: options of one network\n"
               "      --ip ADDR            the container's IPv4 address on its network\n"
               "      --ip6 ADDR           its IPv6 address (on a dual-stack network)\n"
               "  -p, --publish SPEC       [IP:][HOSTPORT:]CTRPORT[/tcp|/udp] (ranges: 8080-8081:80-81)\n"
               "  -P, --publish-all        publish every exposed port on a free host port\n"
               "      --expose PORT        expose PORT[/PROTO] or a range (for -P)\n"
               "      --add-host NAME:IP   an /etc/hosts line (IP host-gateway: the network's gateway)\n"
               "      --dns IP             nameserver (repeatable; replaces the host's)\n"
               "      --dns-search DOMAIN  search domain (repeatable)\n"
               "      --dns-option OPT     resolv.conf option (repeatable)\n"
               "      --network-alias NAME another name on a user network (repeatable)\n"
               "      --mac-address MAC    the MAC address of eth0 (default: 02:42 and the IPv4 address)\n"
               "      --env-file FILE      read KEY=VALUE lines (before -e; repeatable)\n"
               "      --tmpfs PATH[:OPTS]  mount a tmpfs (default rw,noexec,nosuid,nodev; size=, mode=)\n"
               "      --memory-swap SIZE   memory+swap limit (-1: unlimited; default: twice --memory)\n"
               "      --cpu-shares N       relative CPU weight (default 1024)\n"
               "      --cpuset-cpus LIST   CPUs the container may use (e.g. 0-1,3)\n"
               "      --cpuset-mems LIST   memory nodes the container may use\n"
               "      --ulimit N=S[:H]     resource limit (nofile, nproc, core, ...; -1: unlimited)\n"
               "      --cap-add CAP        add a capability (CAP_ optional, ALL)\n"
               "      --cap-drop CAP       drop a capability (CAP_ optional, ALL)\n"
               "      --privileged         every capability and device, no seccomp, no masked paths\n"
               "      --device HOST[:CTR][:PERMS]  add a host device (PERMS: some of rwm, default rwm)\n"
               "      --device-cgroup-rule 'TYPE MAJ:MIN ACCESS'  allow a device in the cgroup ('c 1:3 rwm')\n"
               "      --gpus all|N|device=ID,...  NVIDIA GPUs through their CDI specs (nvidia.com/gpu=ID)\n"
               "      --security-opt OPT   seccomp=FILE|unconfined, no-new-privileges[=true|false],\n"
               "                           systempaths=unconfined, label=disable, apparmor=unconfined\n"
               "      --init               run hull-init as PID 1: it reaps zombies and forwards signals\n"
               "      --stop-signal SIG    signal `hull stop` sends first (default: the image's, else SIGTERM)\n"
               "      --restart POLICY     no (default), always, on-failure[:N], unless-stopped: the monitor\n"
               "                           starts the container again when it exits (not after hull stop)\n"
               "      --log-opt K=V        log rotation: max-size=SIZE (10m, 500k), max-file=N (repeatable)\n"
               "      --health-cmd CMD     a healthcheck: CMD run with /bin/sh -c in the container (exit 0: healthy)\n"
               "      --health-interval D  time between checks (default 30s; D: 500ms, 10s, 1m30s ...)\n"
               "      --health-timeout D   a check running longer fails (default 30s)\n"
               "      --health-retries N   failures in a row that make it unhealthy (default 3)\n"
               "      --health-start-period D  failures in this time after the start do not count\n"
               "      --health-start-interval D  time between checks in the start period (default 5s)\n"
               "      --no-healthcheck     disable the image's HEALTHCHECK\n"
               "  -l, --label K=V          set a label (repeatable)\n"
               "      --label-file FILE    read labels from KEY=VALUE lines\n");
}

enum {
    OPT_NAME = 1000,
    OPT_RM,
    OPT_HOSTNAME,
    OPT_ENTRYPOINT,
    OPT_CPUS,
    OPT_PIDS,
    OPT_READ_ONLY,
    OPT_NETWORK,
    OPT_ENV_FILE,
    OPT_TMPFS,
    OPT_MEMORY_SWAP,
    OPT_CPU_SHARES,
    OPT_CPUSET_CPUS,
    OPT_CPUSET_MEMS,
    OPT_ULIMIT,
    OPT_DEVICE,
    OPT_DEVICE_CGROUP_RULE,
    OPT_GPUS,
    OPT_CAP_ADD,
    OPT_CAP_DROP,
    OPT_PRIVILEGED,
    OPT_SECURITY_OPT,
    OPT_INIT,
    OPT_STOP_SIGNAL,
    OPT_LABEL_FILE,
    OPT_PULL,
    OPT_MOUNT,
    OPT_IP,
    OPT_EXPOSE,
    OPT_ADD_HOST,
    OPT_DNS,
    OPT_DNS_SEARCH,
    OPT_DNS_OPTION,
    OPT_NETWORK_ALIAS,
    OPT_MAC_ADDRESS,
    OPT_DOMAINNAME,
    OPT_IP6,
    OPT_VOLUMES_FROM,
    OPT_RESTART,
    OPT_HEALTH_CMD,
    OPT_HEALTH_INTERVAL,
    OPT_HEALTH_TIMEOUT,
    OPT_HEALTH_RETRIES,
    OPT_HEALTH_START_PERIOD,
    OPT_HEALTH_START_INTERVAL,
    OPT_NO_HEALTHCHECK,
    OPT_LOG_OPT,
};
static const struct option run_longopts[] = {
    {"name", required_argument, NULL, OPT_NAME},
    {"detach", no_argument, NULL, 'd'},
    {"tty", no_argument, NULL, 't'},
    {"interactive", no_argument, NULL, 'i'},
    {"rm", no_argument, NULL, OPT_RM},
    {"env", required_argument, NULL, 'e'},
    {"env-file", required_argument, NULL, OPT_ENV_FILE},
    {"hostname", required_argument, NULL, OPT_HOSTNAME},
    {"domainname", required_argument, NULL, OPT_DOMAINNAME},
    {"workdir", required_argument, NULL, 'w'},
    {"user", required_argument, NULL, 'u'},
    {"entrypoint", required_argument, NULL, OPT_ENTRYPOINT},
    {"volume", required_argument, NULL, 'v'},
    {"mount", required_argument, NULL, OPT_MOUNT},
    {"volumes-from", required_argument, NULL, OPT_VOLUMES_FROM},
    {"tmpfs", required_argument, NULL, OPT_TMPFS},
    {"memory", required_argument, NULL, 'm'},
    {"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
    {"cpus", required_argument, NULL, OPT_CPUS},
    {"cpu-shares", required_argument, NULL, OPT_CPU_SHARES},
    {"cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS},
    {"cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS},
    {"pids-limit", required_argument, NULL, OPT_PIDS},
    {"ulimit", required_argument, NULL, OPT_ULIMIT},
    {"device", required_argument, NULL, OPT_DEVICE},
    {"device-cgroup-rule", required_argument, NULL, OPT_DEVICE_CGROUP_RULE},
    {"gpus", required_argument, NULL, OPT_GPUS},
    {"read-only", no_argument, NULL, OPT_READ_ONLY},
    {"network", required_argument, NULL, OPT_NETWORK},
    {"net", required_argument, NULL, OPT_NETWORK},
    {"cap-add", required_argument, NULL, OPT_CAP_ADD},
    {"cap-drop", required_argument, NULL, OPT_CAP_DROP},
    {"privileged", no_argument, NULL, OPT_PRIVILEGED},
    {"security-opt", required_argument, NULL, OPT_SECURITY_OPT},
    {"init", no_argument, NULL, OPT_INIT},
    {"stop-signal", required_argument, NULL, OPT_STOP_SIGNAL},
    {"label", required_argument, NULL, 'l'},
    {"label-file", required_argument, NULL, OPT_LABEL_FILE},
    {"pull", required_argument, NULL, OPT_PULL},
    {"ip", required_argument, NULL, OPT_IP},
    {"ip6", required_argument, NULL, OPT_IP6},
    {"publish", required_argument, NULL, 'p'},
    {"publish-all", no_argument, NULL, 'P'},
    {"expose", required_argument, NULL, OPT_EXPOSE},
    {"add-host", required_argument, NULL, OPT_ADD_HOST},
    {"dns", required_argument, NULL, OPT_DNS},
    {"dns-search", required_argument, NULL, OPT_DNS_SEARCH},
    {"dns-option", required_argument, NULL, OPT_DNS_OPTION},
    {"network-alias", required_argument, NULL, OPT_NETWORK_ALIAS},
    {"mac-address", required_argument, NULL, OPT_MAC_ADDRESS},
    {"restart", required_argument, NULL, OPT_RESTART},
    {"health-cmd", required_argument, NULL, OPT_HEALTH_CMD},
    {"health-interval", required_argument, NULL, OPT_HEALTH_INTERVAL},
    {"health-timeout", required_argument, NULL, OPT_HEALTH_TIMEOUT},
    {"health-retries", required_argument, NULL, OPT_HEALTH_RETRIES},
    {"health-start-period", required_argument, NULL, OPT_HEALTH_START_PERIOD},
    {"health-start-interval", required_argument, NULL, OPT_HEALTH_START_INTERVAL},
    {"no-healthcheck", no_argument, NULL, OPT_NO_HEALTHCHECK},
    {"log-opt", required_argument, NULL, OPT_LOG_OPT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const struct engine_flagset run_flagset = {"+dtie:w:u:v:m:l:p:Ph", run_longopts};

/* The networking flags, parsed by engine_net_flag (engine_network.h). */
static const char *net_flag_name(int opt)
{
    switch (opt) {
    case OPT_NETWORK: return "--network";
    case OPT_IP: return "--ip";
    case OPT_IP6: return "--ip6";
    case 'p': return "-p";
    case OPT_EXPOSE: return "--expose";
    case OPT_ADD_HOST: return "--add-host";
    case OPT_DNS: return "--dns";
    case OPT_DNS_SEARCH: return "--dns-search";
    case OPT_DNS_OPTION: return "--dns-option";
    case OPT_NETWORK_ALIAS: return "--network-alias";
    case OPT_MAC_ADDRESS: return "--mac-address";
    default: return NULL;
    }
}

/* hull run, and hull create (create: the same flags and checks, the
 * container made and left in state Created). */
/* What run_flag did besides taking the value. */
enum { RUN_FLAG_HELP = 1, RUN_FLAG_BAD = -2 };

/* One option of run/create into f: 0; RUN_FLAG_HELP (the usage printed);
 * -1 with *err set (a value that does not parse); RUN_FLAG_BAD (already
 * printed).  A flat switch over the options. */
static int run_flag(struct engine_run_flags *f, int c, bool create, struct hull_error **err)
{
    switch (c) {
    case OPT_NAME:
        f->name = optarg;
        break;
    case 'd':
        f->detach = engine_flag_bool();
        break;
    case 't':
        f->rc.tty = engine_flag_bool();
        break;
    case 'i':
        f->interactive = engine_flag_bool();
        break;
    case OPT_RM:
        f->auto_remove = engine_flag_bool();
        break;
    case 'e':
        f->env_flags[f->n_env_flags++] = optarg;
        break;
    case OPT_ENV_FILE:
        f->env_files[f->n_env_files++] = optarg;
        break;
    case OPT_HOSTNAME:
        f->rc.hostname = optarg;
        break;
    case OPT_DOMAINNAME:
        f->rc.domainname = optarg;
        break;
    case 'w':
        f->rc.workdir = optarg;
        break;
    case 'u':
        f->rc.user = optarg;
        break;
    case OPT_ENTRYPOINT:
        f->rc.entrypoint = optarg;
        break;
    case 'v':
        if (engine_parse_bind(optarg, &f->rc.binds[f->rc.n_binds], err) < 0) {
            return -1;
        }
        f->rc.n_binds++;
        break;
    case OPT_MOUNT: {
        int r = engine_parse_mount(optarg, &f->rc.binds[f->rc.n_binds], &f->rc.tmpfs[f->rc.n_tmpfs], err);
        if (r < 0) {
            return -1;
        }
        if (r == 0)
            f->rc.n_binds++;
        else
            f->rc.n_tmpfs++;
        break;
    }
    case OPT_VOLUMES_FROM:
        f->volumes_from[f->n_volumes_from++] = optarg;
        break;
    case OPT_TMPFS:
        f->tmpfs_flags[f->n_tmpfs_flags++] = optarg;
        break;
    case 'm':
        f->memory_text = optarg;
        break;
    case OPT_MEMORY_SWAP:
        f->memory_swap_text = optarg;
        break;
    case OPT_CPUS:
        f->cpus_text = optarg;
        break;
    case OPT_CPU_SHARES:
        f->cpu_shares_text = optarg;
        break;
    case OPT_CPUSET_CPUS:
        f->rc.cpuset_cpus = optarg;
        break;
    case OPT_CPUSET_MEMS:
        f->rc.cpuset_mems = optarg;
        break;
    case OPT_PIDS: {
        int64_t n;
        if (!parse_int64(optarg, &n) || n == 0 || n < -1) {
            engine_error_status_fmt(125, "invalid --pids-limit \"%s\": want a positive number (or -1)", optarg);
            return RUN_FLAG_BAD;
        }
        f->rc.pids_limit = n < 0 ? 0 : n;
        break;
    }
    case OPT_ULIMIT:
        f->ulimit_flags[f->n_ulimit_flags++] = optarg;
        break;
    case OPT_DEVICE:
        f->device_flags[f->n_device_flags++] = optarg;
        break;
    case OPT_GPUS:
        f->gpus_text = optarg;
        break;
    case OPT_DEVICE_CGROUP_RULE:
        f->device_rule_flags[f->n_device_rule_flags++] = optarg;
        break;
    case OPT_READ_ONLY:
        f->rc.read_only = engine_flag_bool();
        break;
    case OPT_NETWORK:
    case OPT_IP:
    case OPT_IP6:
    case 'p':
    case OPT_EXPOSE:
    case OPT_ADD_HOST:
    case OPT_DNS:
    case OPT_DNS_SEARCH:
    case OPT_DNS_OPTION:
    case OPT_NETWORK_ALIAS:
    case OPT_MAC_ADDRESS:
        if (engine_net_flag(&f->net, net_flag_name(c), optarg, err) < 0) {
            return -1;
        }
        break;
    case 'P':
        f->net.publish_all = engine_flag_bool();
        break;
    case OPT_CAP_ADD:
        f->cap_add_flags[f->n_cap_add++] = optarg;
        break;
    case OPT_CAP_DROP:
        f->cap_drop_flags[f->n_cap_drop++] = optarg;
        break;
    case OPT_PRIVILEGED:
        f->rc.privileged = engine_flag_bool();
        break;
    case OPT_SECURITY_OPT:
        f->security_opts[f->n_security_opts++] = optarg;
        break;
    case OPT_INIT:
        f->init = engine_flag_bool();
        break;
    case OPT_STOP_SIGNAL:
        f->rc.stop_signal = optarg;
        break;
    case 'l':
        f->labels_given[f->n_labels_given++] = optarg;
        break;
    case OPT_LABEL_FILE:
        f->label_files[f->n_label_files++] = optarg;
        break;
    case OPT_PULL:
        f->pull = optarg;
        break;
    case OPT_RESTART:
        f->restart_text = optarg;
        break;
    case OPT_HEALTH_CMD:
        f->health.cmd = optarg;
        break;
    case OPT_HEALTH_INTERVAL:
        f->health.interval = optarg;
        break;
    case OPT_HEALTH_TIMEOUT:
        f->health.timeout = optarg;
        break;
    case OPT_HEALTH_RETRIES:
        f->health.retries = optarg;
        break;
    case OPT_HEALTH_START_PERIOD:
        f->health.start_period = optarg;
        break;
    case OPT_HEALTH_START_INTERVAL:
        f->health.start_interval = optarg;
        break;
    case OPT_NO_HEALTHCHECK:
        f->health.none = engine_flag_bool();
        break;
    case OPT_LOG_OPT:
        f->log_opts[f->n_log_opts++] = optarg;
        break;
    case 'h':
        run_usage(stdout, create);
        return RUN_FLAG_HELP;
    default:
        return RUN_FLAG_BAD;
    }
    return 0;
}

/* docker says nothing on a host without SELinux; a line saying the
 * option did nothing is kinder (docs/volumes.md) */
static void notice_relabel(const struct engine_run_config *rc)
{
    for (size_t i = 0; i < rc->n_binds; i++) {
        if (rc->binds[i].relabel) {
            fprintf(stderr, "hull: notice: -v %s: SELinux is not in force on this host, there is nothing to "
                            "relabel (z/Z ignored)\n",
                    rc->binds[i].given ? rc->binds[i].given : rc->binds[i].destination);
            break;
        }
    }
}

static int run_command(int argc, char **argv, bool create)
{
    const char *cmd = create ? "create" : "run";
    struct engine_run_flags f = {0};
    char *pulled_ref = NULL; /* the name --pull stored the image under */
    engine_run_flags_init(&f, argc);
    int ret = 125;
    cleanup_error struct hull_error *err = NULL;
    int c;
    while ((c = engine_next_flag(cmd, argc, argv, &run_flagset)) != -1) {
        int r = run_flag(&f, c, create, &err);
        if (r != 0) {
            ret = r == RUN_FLAG_HELP ? 0 : r == -1 ? engine_error_status(err, 125) : 125;
            goto out;
        }
    }
    if (optind >= argc) {
        ret = engine_usage_error(cmd, "requires at least 1 argument: IMAGE");
        goto out;
    }
    const char *image_ref = argv[optind];
    f.rc.cmd = argv + optind + 1;
    int checked = engine_run_flags_check(g_engine.root, g_engine.runroot, &f, &err);
    for (size_t i = 0; i < f.n_warnings; i++)
        fprintf(stderr, "%s\n", f.warnings[i]); /* before the error: the checks came in that order */
    if (checked < 0) {
        ret = engine_error_status(err, 125);
        goto out;
    }
    notice_relabel(&f.rc);
    if (engine_image_ensure(cmd, f.pull, image_ref, &pulled_ref) != 0)
        goto out; /* ret is 125: docker's status for an image it cannot get */
    if (pulled_ref)
        image_ref = pulled_ref;
    struct engine_run_request req = {
        .root = g_engine.root,
        .runroot = g_engine.runroot,
        .image_ref = image_ref,
        .name = f.name,
        .rc = &f.rc,
        .volumes_from = f.volumes_from,
        .detach = f.detach,
        .interactive = f.interactive,
        .auto_remove = f.auto_remove,
        .create_only = create,
    };
    char id[ENGINE_ID_LEN + 1];
    int code = 125;
    if (engine_container_run(&req, id, &code, &err) != 0) {
        ret = engine_error_status(err, code);
        goto out;
    }
    if (create || f.detach)
        printf("%s\n", id);
    ret = code;
out:
    free(pulled_ref);
    engine_run_flags_clear(&f);
    return ret;
}

int cmd_run(int argc, char **argv)
{
    return run_command(argc, argv, false);
}

int cmd_create(int argc, char **argv)
{
    return run_command(argc, argv, true);
}
